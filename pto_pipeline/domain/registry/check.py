"""Each certificate and declaration against the registries (SPEC §11).

`check_documents` asks the configured sources for every readable certificate and
declaration with a number (one question per number, however many scans carry it),
compares the record with what the scan says and returns the `marts.registry_checks`
rows and the findings that need no act:

- REGISTRY_NOT_FOUND — every source answered and none has the number;
- REGISTRY_MISMATCH — product, manufacturer or dates differ (the number may be misread);
- REGISTRY_UNAVAILABLE (info) — no source gave a usable answer;
- REGISTRY_SNAPSHOT — a snapshot row the code could not use as is (snapshot.py).

REGISTRY_INVALID needs the acts that use the document, so matching reports it
(`matching.registry_invalid_findings`); `apply_registry` gives matching the first day a
document is invalid by its registry status (`registry_invalid_from`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.registry.records import (
    FOUND,
    INVALID_STATUSES,
    NOT_FOUND,
    UNAVAILABLE,
    Lookup,
    RegistryRecord,
    number_key,
)
from pto_pipeline.domain.text import fold, shorten, to_cyrillic_lookalikes

STAGE = "registry_checks"
CHECKED_TYPES = ("conformity_certificate", "conformity_declaration")
USABLE_STATUSES = ("ok", "needs_review")
DOC_TYPE_RU = {
    "conformity_certificate": "Сертификат соответствия",
    "conformity_declaration": "Декларация о соответствии",
}
# marts.registry_checks (SPEC §11), in this order; then what matching needs.
CHECK_COLUMNS = [
    "project_code",
    "document_id",
    "doc_number",
    "source",
    "checked_at",
    "status",
    "registry_valid_from",
    "registry_valid_to",
    "registry_product",
    "registry_manufacturer",
    "mismatch",
]
EXTRA_COLUMNS = ["status_word", "status_date", "invalid_from", "source_file"]

# Similarity (rapidfuzz, 0..100) below which two texts are said to differ.
MANUFACTURER_MIN = 80.0
PRODUCT_MIN = 60.0


class Source:
    """What every registry source offers (snapshot, eaeu, fsa)."""

    name: str

    def covers(self, number: str, doc_type: str = "") -> bool: ...

    def lookup(self, number: str, doc_type: str = "") -> Lookup: ...


# ---------------------------------------------------------------- normalisation

_LEGAL_FORMS = re.compile(
    r"\b(?:ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ|(?:НЕПУБЛИЧНОЕ |ПУБЛИЧНОЕ )?"
    r"АКЦИОНЕРНОЕ ОБЩЕСТВО|(?:ОТКРЫТОЕ |ЗАКРЫТОЕ )АКЦИОНЕРНОЕ ОБЩЕСТВО|"
    r"ИНДИВИДУАЛЬНЫЙ ПРЕДПРИНИМАТЕЛЬ|ТОРГОВЫЙ ДОМ|ООО|ОАО|ЗАО|ПАО|НАО|АО|ИП|ТД|"
    r"LLC|LTD|JSC|GMBH)\b\.?"
)
_QUOTES = re.compile(r"[«»\"'“”„‟‘’`]")


def organisation_key(name: str) -> str:
    """A company name without legal form, quotes, punctuation and case."""
    text = to_cyrillic_lookalikes(fold((name or "").replace("№", " ")))
    text = _LEGAL_FORMS.sub(" ", _QUOTES.sub(" ", text))
    text = re.sub(r"[^\wА-Я]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def product_key(name: str) -> str:
    text = to_cyrillic_lookalikes(fold(name or ""))
    return re.sub(r"\s+", " ", re.sub(r"[^\wА-Я]+", " ", _QUOTES.sub(" ", text))).strip()


_PLACE_WORDS = frozenset({"Г", "ГОР", "ГОРОД", "РОССИЯ", "РФ", "РЕСПУБЛИКА"})


def _same_token(a: str, b: str) -> bool:
    if any(ch.isdigit() for ch in a + b) or min(len(a), len(b)) <= 3:
        return a == b
    return fuzz.ratio(a, b) >= MANUFACTURER_MIN  # OCR may garble a letter or two


def same_organisation(scan: str, registry: str) -> bool:
    """Every word of each name has its twin in the other (OCR noise allowed), after legal
    forms and quotes are dropped. Whole-string similarity is not enough: «Самарский завод
    гидроизоляционных материалов» and «Уральский завод …» are 80 % alike and two makers."""
    a = [w for w in organisation_key(scan).split() if w not in _PLACE_WORDS]
    b = [w for w in organisation_key(registry).split() if w not in _PLACE_WORDS]
    if not a or not b:
        return True  # nothing to compare
    return all(any(_same_token(x, y) for y in b) for x in a) and all(
        any(_same_token(y, x) for x in a) for y in b
    )


def same_product(scan: str, registry: str) -> bool:
    """The scan's product is the registry's or a part of it (a registry names the whole
    product group; a scan may show only its first line)."""
    a, b = product_key(scan), product_key(registry)
    if not a or not b:
        return True
    return fuzz.token_set_ratio(a, b) >= PRODUCT_MIN or fuzz.partial_ratio(a, b) >= 90


# ---------------------------------------------------------------- one document


@dataclass(frozen=True)
class ScanFacts:
    document_id: str
    doc_type: str
    doc_number: str
    source_file: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    manufacturer: str
    product: str

    @property
    def title(self) -> str:
        return f"{DOC_TYPE_RU.get(self.doc_type, 'Документ')} № {self.doc_number}"


def differences(scan: ScanFacts, record: RegistryRecord) -> list[tuple[str, str, str]]:
    """(field, what the scan says, what the registry says) for each disagreement."""
    out = []
    if not same_product(scan.product, record.product):
        out.append(("product", scan.product, record.product))
    makers = [m for m in (record.manufacturer, record.applicant) if m]
    known = any(same_organisation(scan.manufacturer, m) for m in makers)
    if scan.manufacturer and makers and not known:
        out.append(("manufacturer", scan.manufacturer, record.manufacturer or record.applicant))
    for name, mine, theirs in (
        ("valid_from", scan.valid_from, record.valid_from),
        ("valid_to", scan.valid_to, record.valid_to),
    ):
        if mine and theirs and mine != theirs:
            out.append((name, _d(mine), _d(theirs)))
    return out


_FIELD_RU = {
    "product": "продукция",
    "manufacturer": "изготовитель",
    "valid_from": "действует с",
    "valid_to": "действует до",
}


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _mismatch_finding(scan: ScanFacts, source: str, diffs: list) -> Finding:
    parts = "; ".join(
        f"{_FIELD_RU[f]}: в скане «{shorten(a, 100)}», в реестре «{shorten(b, 100)}»"
        for f, a, b in diffs
    )
    message = (
        f"{scan.title} (файл {scan.source_file}) не совпадает с записью реестра ({source}): "
        f"{parts}. Возможно, номер прочитан с ошибкой — сверьте его с оригиналом; если номер "
        "верен, документ может быть недостоверным: запросите у поставщика подлинник."
    )
    return _finding("REGISTRY_MISMATCH", message, scan)


def _not_found_finding(scan: ScanFacts, sources: list[str]) -> Finding:
    message = (
        f"{scan.title} (файл {scan.source_file}) не найден в реестре ({', '.join(sources)}). "
        "Сверьте номер с оригиналом: если он прочитан с ошибкой, укажите верный на листе "
        "«Реквизиты» файла corrections.xlsx (поле doc_number); если номер верен, документ "
        "может быть поддельным — запросите у поставщика действующий документ."
    )
    return _finding("REGISTRY_NOT_FOUND", message, scan)


def _unavailable_finding(scan: ScanFacts, notes: list[str]) -> Finding:
    message = (
        f"{scan.title} (файл {scan.source_file}) не проверен по реестру: "
        f"{'; '.join(notes)}. Проверьте его вручную или повторите сборку позже."
    )
    return _finding("REGISTRY_UNAVAILABLE", message, scan)


def _finding(code: str, message: str, scan: ScanFacts) -> Finding:
    return Finding(
        code, message, stage=STAGE, document_id=scan.document_id, source_file=scan.source_file
    )


# ---------------------------------------------------------------- the check


def _scans(documents: pd.DataFrame) -> list[ScanFacts]:
    if documents is None or documents.empty:
        return []
    scans = []
    for row in documents.to_dict("records"):
        number = str(row.get("doc_number") or "").strip()
        if row.get("doc_type") not in CHECKED_TYPES or row.get("status") not in USABLE_STATUSES:
            continue
        if not number_key(number):
            continue  # no number: MISSING_REQUISITE already asks for it
        scans.append(
            ScanFacts(
                document_id=str(row.get("document_id") or row.get("sha256")),
                doc_type=str(row["doc_type"]),
                doc_number=number,
                source_file=str(row.get("source_file") or ""),
                valid_from=_as_date(row.get("valid_from")) or _as_date(row.get("issue_date")),
                valid_to=_as_date(row.get("valid_to")),
                manufacturer=str(row.get("manufacturer") or ""),
                product=str(row.get("product_name") or ""),
            )
        )
    return scans


def _as_date(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _ask(sources: list[Source], scan: ScanFacts) -> tuple[Lookup | None, list[Lookup]]:
    """The first source that has the number, and every answer given."""
    answers = []
    for source in sources:
        if not source.covers(scan.doc_number, scan.doc_type):
            continue
        try:
            answer = source.lookup(scan.doc_number, scan.doc_type)
        except Exception as exc:  # noqa: BLE001 - a registry never fails a build (SPEC §11)
            answer = Lookup(source.name, UNAVAILABLE, note=f"ошибка клиента ({exc})")
        answers.append(answer)
        if answer.outcome == FOUND:
            return answer, answers
    return None, answers


def check_documents(
    documents: pd.DataFrame, sources: list[Source]
) -> tuple[pd.DataFrame, list[Finding]]:
    """`marts.registry_checks` rows (CHECK_COLUMNS + EXTRA_COLUMNS) and findings.

    No sources (PTO_REGISTRY=off, or no snapshot files): nothing is checked."""
    rows, findings = [], []
    if not sources:
        return pd.DataFrame(columns=CHECK_COLUMNS + EXTRA_COLUMNS).astype(object), findings
    asked: dict[tuple[str, str], tuple[Lookup | None, list[Lookup]]] = {}
    reported: set[tuple[str, str]] = set()
    for scan in _scans(documents):
        key = (number_key(scan.doc_number), scan.doc_type)
        if key not in asked:
            asked[key] = _ask(sources, scan)
        found, answers = asked[key]
        row, finding = _judge(scan, found, answers)
        rows.append(row)
        # One NOT_FOUND / UNAVAILABLE per number; a MISMATCH per scan (each scan may differ).
        if finding is not None and (finding.code == "REGISTRY_MISMATCH" or key not in reported):
            findings.append(finding)
            reported.add(key)
    frame = pd.DataFrame(rows, columns=CHECK_COLUMNS + EXTRA_COLUMNS).astype(object)
    return frame.where(frame.notna(), None), findings


def _judge(
    scan: ScanFacts, found: Lookup | None, answers: list[Lookup]
) -> tuple[dict, Finding | None]:
    row = {
        "document_id": scan.document_id,
        "doc_number": scan.doc_number,
        "source_file": scan.source_file,
    }
    if found is not None and found.record is not None:
        record = found.record
        diffs = differences(scan, record)
        row.update(
            source=found.source,
            checked_at=found.checked_at,
            status=record.status,
            registry_valid_from=record.valid_from,
            registry_valid_to=record.valid_to,
            registry_product=record.product or None,
            registry_manufacturer=record.manufacturer or record.applicant or None,
            mismatch=", ".join(f for f, _, _ in diffs) or None,
            status_word=record.status_word,
            status_date=record.status_date,
            invalid_from=record.invalid_from if record.status in INVALID_STATUSES else None,
        )
        return row, _mismatch_finding(scan, found.source, diffs) if diffs else None
    names = [a.source for a in answers]
    latest = max((a.checked_at for a in answers if a.checked_at), default=None)
    row.update(source=",".join(names) or None, checked_at=latest)
    if answers and all(a.outcome == NOT_FOUND for a in answers):
        row["status"] = NOT_FOUND
        return row, _not_found_finding(scan, names)
    row["status"] = UNAVAILABLE
    notes = [f"{a.source}: {a.note or 'нет ответа'}" for a in answers if a.outcome == UNAVAILABLE]
    if not answers:
        notes = ["ни один из включённых реестров (PTO_REGISTRY) не ведёт документы с таким номером"]
    return row, _unavailable_finding(scan, notes)


def apply_registry(documents: pd.DataFrame, checks: pd.DataFrame | None) -> pd.DataFrame:
    """Documents with `registry_status`, `registry_status_word`, `registry_invalid_from`."""
    out = documents.copy()
    columns = ("registry_status", "registry_status_word", "registry_invalid_from")
    if checks is None or checks.empty or out.empty:
        for column in columns:
            out[column] = None
        return out
    by_id = checks.drop_duplicates("document_id").set_index("document_id")
    ids = out["document_id"] if "document_id" in out.columns else out["sha256"]
    out["registry_status"] = [by_id["status"].get(i) for i in ids]
    out["registry_status_word"] = [by_id["status_word"].get(i) for i in ids]
    out["registry_invalid_from"] = [by_id["invalid_from"].get(i) for i in ids]
    return out
