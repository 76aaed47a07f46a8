"""Material lines of the register matched to quality documents (SPEC §5).

Steps:
1. every (material line, document) pair is compared by `materials.compare`: same kind,
   no conflicting key attribute, similar text;
2. certificates, declarations and refusal letters are shared by every line they match
   and judged by their validity against the act's work period S..E;
3. a quality document (one batch) is allocated to exactly one act: the earliest E with
   issue_date <= E (ties: lower act number, compared naturally), or — when it is dated
   after every matching act — to the last such act as `doc_after_work`;
4. each line gets a status (covered / expired / doc_after_work / unconfirmed /
   missing), the list of documents the act shows, and findings telling the engineer
   what to fix. A pair with some but not enough identity evidence is a candidate: it
   never covers a line, the engineer confirms or rejects it (corrections.xlsx);
5. the same document scanned twice (other bytes, same type, number, date and batch)
   counts once.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from pto_pipeline.domain import tables
from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.materials import (
    Comparison,
    MaterialProfile,
    compare,
    convert_quantity,
    names_own_brand,
    normalize_unit,
    profile,
    text_similarity_matrix,
)
from pto_pipeline.domain.text import fold

STAGE = "matched_materials"

SHARED_TYPES = frozenset({"conformity_certificate", "conformity_declaration", "refusal_letter"})
BATCH_TYPE = "quality_document"
COVERING_TYPES = SHARED_TYPES | {BATCH_TYPE}
USABLE_STATUSES = frozenset({"ok", "needs_review"})

DOC_TYPE_RU = {
    "conformity_certificate": "сертификат соответствия",
    "conformity_declaration": "декларация о соответствии",
    "quality_document": "документ о качестве",
    "refusal_letter": "отказное письмо",
    "test_report": "протокол испытаний",
    "other": "документ",
}

ELIGIBLE, EXPIRED, AFTER_WORK = "covered", "expired", "doc_after_work"
UNCONFIRMED, MISSING = "unconfirmed", "missing"
STATUS_ORDER = (ELIGIBLE, EXPIRED, AFTER_WORK, UNCONFIRMED, MISSING)
BY_RULES, BY_ENGINEER = "rules", "engineer"
CANDIDATES_SHOWN = 3

# The engineer's decision on a (material line, document) pair: True confirms, False rejects.
Decisions = dict[tuple[tuple[str, int], str], bool]

# Extra columns after tables.COVERAGE_COLUMNS: what the act and the marts need to show.
COVERAGE_EXTRA_COLUMNS = [
    "decided_by",
    "product_name",
    "valid_from",
    "batch_number",
    "doc_quantity",
    "doc_unit",
    "source_file",
    "nearest_file",  # a missing line: the file of the most similar rejected document
]


# --- small value helpers ---------------------------------------------------------


def is_blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def as_text(value: object) -> str:
    return "" if is_blank(value) else str(value).strip()


def as_date(value: object) -> dt.date | None:
    """A date from date / datetime / Timestamp / ISO or dd.mm.yyyy text; None otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


def as_float(value: object) -> float | None:
    if is_blank(value):
        return None
    try:
        return float(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        return None


def format_date(value: object) -> str:
    day = as_date(value)
    return day.strftime("%d.%m.%Y") if day else ""


def format_quantity(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")


def act_sort_key(act_number: object) -> tuple:
    """Natural order of act numbers: "2" < "10", "5-КЖ" after "5"."""
    parts = re.split(r"(\d+)", fold(as_text(act_number)))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


# --- inputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    act_number: str
    line_no: int
    material: str
    quantity: float | None
    unit: str | None
    start: dt.date | None
    end: dt.date | None
    profile: MaterialProfile

    @property
    def key(self) -> tuple[str, int]:
        return (self.act_number, self.line_no)


@dataclass(frozen=True)
class Doc:
    document_id: str
    doc_type: str
    doc_number: str
    issue_date: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    product_name: str
    batch_number: str
    quantity: float | None
    unit: str | None
    source_file: str
    profile: MaterialProfile
    scope: tuple[MaterialProfile, ...] = ()  # other products a shared document names
    status: str = "ok"
    text_source: str = ""
    ocr_confidence: float | None = None
    # SPEC §11: first day the registry's status (terminated, suspended) makes it invalid
    invalid_from: dt.date | None = None
    registry_word: str = ""  # the registry's status word, for messages

    @property
    def date(self) -> dt.date | None:
        return self.issue_date or self.valid_from

    @property
    def start(self) -> dt.date | None:
        return self.valid_from or self.issue_date

    def title(self, capital: bool = False) -> str:
        name = DOC_TYPE_RU.get(self.doc_type, "документ")
        if capital:
            name = name[:1].upper() + name[1:]
        number = f" № {self.doc_number}" if self.doc_number else " без номера"
        date = f" от {format_date(self.date)}" if self.date else ""
        return f"{name}{number}{date}"


@dataclass
class Candidate:
    doc: Doc
    comparison: Comparison
    verdict: str  # covered | expired | doc_after_work | unconfirmed
    explanation: str
    decided_by: str = BY_RULES


@dataclass
class LineResult:
    line: Line
    candidates: list[Candidate] = field(default_factory=list)  # accepted pairs
    possible: list[Candidate] = field(default_factory=list)  # candidates only

    def with_verdict(self, verdict: str) -> list[Candidate]:
        return [c for c in self.candidates if c.verdict == verdict]

    @property
    def status(self) -> str:
        for verdict in (ELIGIBLE, EXPIRED, AFTER_WORK):
            if self.with_verdict(verdict):
                return verdict
        return UNCONFIRMED if self.possible else MISSING

    @property
    def listed(self) -> list[Candidate]:
        """Documents the act shows for the line (never candidates)."""
        status = self.status
        chosen = self.with_verdict(status) if status in (ELIGIBLE, EXPIRED, AFTER_WORK) else []
        return sorted(chosen, key=lambda c: (c.doc.date or dt.date.min, c.doc.doc_number))

    @property
    def shown_candidates(self) -> list[Candidate]:
        ranked = sorted(self.possible, key=lambda c: -c.comparison.score)
        return ranked[:CANDIDATES_SHOWN]


def _lines(works: pd.DataFrame, materials: pd.DataFrame) -> list[Line]:
    periods = {
        as_text(w["act_number"]): (as_date(w.get("start_date")), as_date(w.get("end_date")))
        for _, w in works.iterrows()
    }
    lines = []
    for _, row in materials.iterrows():
        act = as_text(row["act_number"])
        if act not in periods:
            continue
        start, end = periods[act]
        material = as_text(row.get("material"))
        lines.append(
            Line(
                act_number=act,
                line_no=int(as_float(row.get("line_no")) or len(lines) + 1),
                material=material,
                quantity=as_float(row.get("quantity")),
                unit=as_text(row.get("unit")) or None,
                start=start,
                end=end,
                profile=profile(material),
            )
        )
    return lines


def _docs(documents: pd.DataFrame) -> list[Doc]:
    docs = []
    for _, row in documents.iterrows():
        if as_text(row.get("status")) not in USABLE_STATUSES:
            continue
        doc_type = as_text(row.get("doc_type"))
        if doc_type not in COVERING_TYPES:
            continue
        product = as_text(row.get("product_name"))
        standard = as_text(row.get("standard")) or None
        docs.append(
            Doc(
                document_id=as_text(row.get("document_id")),
                doc_type=doc_type,
                doc_number=as_text(row.get("doc_number")),
                issue_date=as_date(row.get("issue_date")),
                valid_from=as_date(row.get("valid_from")),
                valid_to=as_date(row.get("valid_to")),
                product_name=product,
                batch_number=as_text(row.get("batch_number")),
                quantity=as_float(row.get("quantity")),
                unit=as_text(row.get("unit")) or None,
                source_file=as_text(row.get("source_file")),
                profile=profile(product, standard),
                scope=_scope_profiles(row.get("product_scope"), product, standard)
                if doc_type in SHARED_TYPES
                else (),
                status=as_text(row.get("status")),
                text_source=as_text(row.get("text_source")),
                ocr_confidence=as_float(row.get("ocr_confidence")),
                invalid_from=as_date(row.get("registry_invalid_from")),
                registry_word=as_text(row.get("registry_status_word")),
            )
        )
    return docs


def _scope_profiles(
    scope: object, product: str, standard: str | None
) -> tuple[MaterialProfile, ...]:
    """Profiles of the other products a certificate or declaration names (its scope)."""
    if is_blank(scope):
        return ()
    try:
        items = json.loads(str(scope))
    except ValueError:
        return ()
    texts = [str(t) for t in items if isinstance(t, str) and t.strip() and t != product]
    return tuple(profile(t, standard) for t in dict.fromkeys(texts))


# --- one document, however many scans -------------------------------------------------


def _identity_key(doc: Doc) -> tuple | None:
    """Type, number, date, kind of product and (for a batch) batch; None when too little
    was read to tell. Plants number passports per day: № 12 of one date from a concrete
    plant and from a quarry are two documents."""
    if not doc.doc_number or doc.date is None:
        return None
    batch = fold(doc.batch_number) if doc.doc_type == BATCH_TYPE else ""
    number = re.sub(r"[^0-9A-ZА-Я]", "", fold(doc.doc_number))
    return (doc.doc_type, number, doc.date, doc.profile.kind, batch)


def _preference(doc: Doc) -> tuple:
    """Which of several scans of one document represents it: the best read one."""
    return (
        doc.status != "ok",
        doc.text_source != "text_layer",
        -(doc.ocr_confidence or 0.0),
        doc.source_file,
    )


def merge_duplicates(docs: list[Doc]) -> tuple[list[Doc], dict[str, str], list[Finding]]:
    """Keep one document per identity; the other scans become DUPLICATE_DOCUMENT (info).

    Returns the kept documents, each dropped scan's id -> the id of the scan kept for it,
    and the findings.
    """
    groups: dict[tuple, list[Doc]] = defaultdict(list)
    kept: list[Doc] = []
    for doc in docs:
        key = _identity_key(doc)
        if key is None:
            kept.append(doc)
        else:
            groups[key].append(doc)
    findings = []
    representative: dict[str, str] = {}
    for group in groups.values():
        best, *others = sorted(group, key=_preference)
        kept.append(best)
        for other in others:
            findings.append(_duplicate_finding(best, other))
            representative[other.document_id] = best.document_id
    order = {d.document_id: i for i, d in enumerate(docs)}
    return sorted(kept, key=lambda d: order[d.document_id]), representative, findings


def _duplicate_finding(kept: Doc, other: Doc) -> Finding:
    message = (
        f"{kept.title(capital=True)} загружен несколько раз: «{kept.source_file}» и "
        f"«{other.source_file}». В акты и пакет включён один раз (файл «{kept.source_file}»), "
        "количество учтено один раз. Если это разные документы, проверьте номер, дату и "
        "партию в реквизитах."
    )
    return Finding(
        "DUPLICATE_DOCUMENT",
        message,
        stage=STAGE,
        document_id=other.document_id,
        source_file=other.source_file,
    )


# --- eligibility and allocation ----------------------------------------------------


def _shared_verdict(doc: Doc, line: Line) -> tuple[str, str]:
    """Certificate / declaration / refusal letter against the work period S..E."""
    period = f"работы {format_date(line.start)}–{format_date(line.end)}"
    if revoked_for(doc, line):
        # Terminated or suspended before or during the works: like an expired document.
        return EXPIRED, f"в реестре {registry_state(doc)}, {period}"
    if doc.valid_to and line.start and doc.valid_to < line.start:
        return EXPIRED, f"срок действия до {format_date(doc.valid_to)} истёк до начала работ"
    if doc.start and line.end and doc.start > line.end:
        return AFTER_WORK, f"действует с {format_date(doc.start)}, позже окончания работ"
    validity = f"действует {format_date(doc.start) or '…'}–{format_date(doc.valid_to) or '…'}"
    return ELIGIBLE, f"{validity}, {period}"


def revoked_for(doc: Doc, line: Line) -> bool:
    """The registry status invalidates the document for the line's works (SPEC §11)."""
    if doc.invalid_from is None:
        return False
    return line.end is None or doc.invalid_from <= line.end


def registry_state(doc: Doc) -> str:
    """«прекращён с 01.04.2026» — the registry's word and date, for messages."""
    word = doc.registry_word or "недействителен"
    if word == "аннулирован":
        return "аннулирован (недействителен с начала срока действия)"
    if doc.invalid_from is None or doc.invalid_from == dt.date.min:
        return word
    return f"{word} с {format_date(doc.invalid_from)}"


def _allocate_batch(
    doc: Doc, matches: list[tuple[Line, Comparison]]
) -> tuple[Line, Comparison, str, str]:
    """The one line a batch document goes to, with its verdict and the reason."""
    by_act: dict[str, list[tuple[Line, Comparison]]] = defaultdict(list)
    for line, comparison in matches:
        by_act[line.act_number].append((line, comparison))

    def act_order(act: str) -> tuple:
        end = by_act[act][0][0].end
        return (end or dt.date.max, act_sort_key(act))

    acts = sorted(by_act, key=act_order)
    fitting = [
        a
        for a in acts
        if doc.issue_date is None
        or by_act[a][0][0].end is None
        or doc.issue_date <= by_act[a][0][0].end
    ]
    if fitting:
        act, verdict = fitting[0], ELIGIBLE
    else:
        act, verdict = acts[-1], AFTER_WORK
    line, comparison = max(by_act[act], key=lambda lc: (lc[1].score, -lc[0].line_no))
    end = format_date(line.end)
    if verdict == ELIGIBLE:
        reason = f"партия отнесена к акту № {act} (окончание работ {end})"
    else:
        reason = f"документ от {format_date(doc.issue_date)} позже окончания работ {end}"
    return line, comparison, verdict, reason


@dataclass
class Evaluation:
    """Every comparison made, and what came of it."""

    results: dict[tuple[str, int], LineResult]
    by_doc: dict[str, list[tuple[Line, Comparison]]]  # all comparisons of a document
    nearest: dict[tuple[str, int], tuple[Doc, Comparison]]  # most similar rejected document

    def candidates_of(self, document_id: str) -> list[tuple[Line, Candidate]]:
        return [
            (result.line, c)
            for result in self.results.values()
            for c in result.candidates
            if c.doc.document_id == document_id
        ]


def _compare(line: Line, doc: Doc, text_score: float) -> Comparison:
    """The line against the document's product and, for a shared document, its scope."""
    batch = doc.doc_type == BATCH_TYPE
    best = compare(line.profile, doc.profile, text_score, batch=batch)
    for other in doc.scope:
        if best.accepted:
            break
        # A scope line is one text line of the document: it may confirm a product, never
        # make a candidate, and only when it shows the line's own brand.
        found = compare(line.profile, other, None, batch=batch)
        if found.accepted and names_own_brand(line.profile, other):
            best = found
    return best


_CONFIRMED = "подтверждено инженером (corrections.xlsx)"


def _decided(comparison: Comparison, decision: bool | None) -> Comparison | None:
    """The engineer's decision overrides the rules: None when the pair is rejected."""
    if decision is None:
        return comparison
    if not decision:
        return None
    return Comparison(True, 1.0, comparison.text_score, comparison.agreed, (), _CONFIRMED)


def _evaluate(lines: list[Line], docs: list[Doc], decisions: Decisions) -> Evaluation:
    results = {line.key: LineResult(line) for line in lines}
    evaluation = Evaluation(results, {}, {})
    similarity = text_similarity_matrix([x.profile for x in lines], [d.profile for d in docs])
    accepted_batches: set[str] = set()
    possible: list[tuple[Line, Doc, Comparison]] = []
    for j, doc in enumerate(docs):
        compared = []
        for i, line in enumerate(lines):
            decision = decisions.get((line.key, doc.document_id))
            comparison = _decided(_compare(line, doc, similarity[i][j]), decision)
            if comparison is not None:
                compared.append((line, comparison, decision is not None))
        evaluation.by_doc[doc.document_id] = [(x, c) for x, c, _ in compared]
        for line, comparison, _ in compared:
            best = evaluation.nearest.get(line.key)
            if not comparison.accepted and (
                best is None or comparison.text_score > best[1].text_score
            ):
                evaluation.nearest[line.key] = (doc, comparison)
            if comparison.candidate:
                possible.append((line, doc, comparison))
        matches = [(x, c, by_engineer) for x, c, by_engineer in compared if c.accepted]
        if doc.doc_type == BATCH_TYPE:
            # A batch the engineer put on a line goes there, whatever else matches it.
            matches = [m for m in matches if m[2]] or matches
        if not matches:
            continue
        engineer = {x.key for x, _, by_engineer in matches if by_engineer}
        if doc.doc_type == BATCH_TYPE:
            accepted_batches.add(doc.document_id)
            line, comparison, verdict, reason = _allocate_batch(
                doc, [(x, c) for x, c, _ in matches]
            )
            who = BY_ENGINEER if line.key in engineer else BY_RULES
            candidate = Candidate(doc, comparison, verdict, f"{comparison.reason}; {reason}", who)
            results[line.key].candidates.append(candidate)
            continue
        for line, comparison, _ in matches:
            verdict, reason = _shared_verdict(doc, line)
            who = BY_ENGINEER if line.key in engineer else BY_RULES
            explanation = f"{comparison.reason}; {reason}"
            results[line.key].candidates.append(
                Candidate(doc, comparison, verdict, explanation, who)
            )
    for line, doc, comparison in possible:
        if doc.document_id in accepted_batches:
            continue  # that batch is another line's; a candidate here would double count it
        explanation = f"не подтверждено: {comparison.missing}"
        results[line.key].possible.append(Candidate(doc, comparison, UNCONFIRMED, explanation))
    return evaluation


# --- findings ----------------------------------------------------------------------


def _nearest_rejection(line: Line, evaluation: Evaluation) -> str:
    """Why the most similar document was not taken, for a line without documents."""
    nearest = evaluation.nearest.get(line.key)
    if nearest is None or nearest[1].text_score < 50:
        return ""
    doc, comparison = nearest
    return f"ближайший документ — {doc.title()}: {comparison.reason}"


def _line_findings(result: LineResult, evaluation: Evaluation) -> list[Finding]:
    line = result.line
    where = f"«{line.material}» (акт № {line.act_number})"
    common = {"stage": STAGE, "act_number": line.act_number, "material": line.material}
    status = result.status
    listed = result.listed
    if status == UNCONFIRMED:
        return [_unconfirmed_finding(result)]
    if status == MISSING:
        hint = _nearest_rejection(line, evaluation)
        message = (
            f"Добавьте документ о качестве на «{line.material}» для акта № {line.act_number}: "
            "подходящего сертификата, декларации, документа о качестве (паспорта) или "
            "отказного письма не найдено."
        )
        if hint:
            message += f" {hint[:1].upper()}{hint[1:]}."
        return [Finding("MISSING_QUALITY_DOC", message, **common)]
    if status == EXPIRED:
        names = "; ".join(
            f"{c.doc.title()}, в реестре {registry_state(c.doc)}"
            if revoked_for(c.doc, line)
            else f"{c.doc.title()}, действует до {format_date(c.doc.valid_to)}"
            for c in listed
        )
        message = (
            f"Для {where} есть только документы с истёкшим сроком действия ({names}), а работы "
            f"начаты {format_date(line.start)}. Добавьте документ, действующий в период работ."
        )
        return [
            Finding(
                "EXPIRED_QUALITY_DOC",
                message,
                **common,
                document_id=listed[0].doc.document_id,
                source_file=listed[0].doc.source_file,
            )
        ]
    if status == AFTER_WORK:
        names = "; ".join(c.doc.title() for c in listed)
        message = (
            f"Документ на {where} датирован позже окончания работ {format_date(line.end)}: "
            f"{names}. Проверьте дату документа или дату окончания работ в реестре, либо "
            "добавьте документ на партию, поставленную до окончания работ."
        )
        return [
            Finding(
                "DOC_AFTER_WORK",
                message,
                **common,
                document_id=listed[0].doc.document_id,
                source_file=listed[0].doc.source_file,
            )
        ]
    return _shortfall(result)


def _unconfirmed_finding(result: LineResult) -> Finding:
    line = result.line
    shown = result.shown_candidates
    names = "; ".join(
        f"{c.doc.title()} на «{c.doc.product_name or 'наименование не прочитано'}» "
        f"(файл {c.doc.source_file}, совпадение {c.comparison.score:.0%}): "
        f"{c.comparison.missing}"
        for c in shown
    )
    more = len(result.possible) - len(shown)
    tail = f" и ещё {more}" if more > 0 else ""
    message = (
        f"Для «{line.material}» (акт № {line.act_number}) документ не подтверждён — "
        f"возможные: {names}{tail}. Сверьте с оригиналом и укажите решение «подтвердить» или "
        "«отклонить» на листе «Сопоставление» файла review.xlsx (сохраните его как "
        "corrections.xlsx в папке проекта); до этого строка считается непокрытой."
    )
    first = shown[0].doc
    return Finding(
        "UNCONFIRMED_MATCH",
        message,
        stage=STAGE,
        act_number=line.act_number,
        material=line.material,
        document_id=first.document_id,
        source_file=first.source_file,
    )


def _shortfall(result: LineResult) -> list[Finding]:
    """QUANTITY_SHORTFALL when the allocated batches are smaller than the line."""
    line = result.line
    batches = [c.doc for c in result.with_verdict(ELIGIBLE) if c.doc.doc_type == BATCH_TYPE]
    if line.quantity is None or not batches:
        return []
    converted = [
        convert_quantity(d.quantity, d.unit, line.unit) if d.quantity is not None else None
        for d in batches
    ]
    if any(q is None for q in converted):
        return []  # a batch without a comparable quantity: MISSING_REQUISITE covers it
    delivered = sum(q for q in converted if q is not None)
    if delivered >= line.quantity - 1e-9:
        return []
    unit = normalize_unit(line.unit) or ""
    message = (
        f"По документам о качестве на «{line.material}» (акт № {line.act_number}) поставлено "
        f"{format_quantity(delivered)} {unit}, а в реестре указано "
        f"{format_quantity(line.quantity)} {unit}: добавьте документы на недостающие партии "
        "или исправьте количество в реестре."
    )
    return [
        Finding(
            "QUANTITY_SHORTFALL",
            message,
            stage=STAGE,
            act_number=line.act_number,
            material=line.material,
        )
    ]


def _orphan_batch_finding(candidate: Candidate, line: Line) -> Finding:
    doc = candidate.doc
    message = (
        f"{doc.title(capital=True)} на «{doc.product_name}» датирован позже окончания всех "
        f"подходящих работ (последний — акт № {line.act_number}, окончание "
        f"{format_date(line.end)}): в акты он не включён. Проверьте дату документа или к каким "
        "работам относится партия."
    )
    return Finding(
        "DOC_AFTER_WORK",
        message,
        stage=STAGE,
        act_number=line.act_number,
        material=line.material,
        document_id=doc.document_id,
        source_file=doc.source_file,
    )


def _unused_reason(doc: Doc, evaluation: Evaluation) -> str:
    if not doc.product_name:
        return "в документе не распознано наименование продукции — проверьте реквизиты"
    for line, candidate in evaluation.candidates_of(doc.document_id):
        return (
            f"подходит к «{line.material}» (акт № {line.act_number}), но "
            f"{candidate.explanation.split('; ')[-1]}"
        )
    rejected = [lc for lc in evaluation.by_doc.get(doc.document_id, []) if not lc[1].accepted]
    if not rejected:
        return "в реестре нет материалов"
    line, comparison = max(rejected, key=lambda lc: lc[1].text_score)
    if comparison.text_score < 50:
        return "подходящий материал в реестре не найден"
    return f"ближайший материал «{line.material}» (акт № {line.act_number}): {comparison.reason}"


def _unused_finding(doc: Doc, reason: str) -> Finding:
    product = f" на «{doc.product_name}»" if doc.product_name else ""
    message = (
        f"Документ не используется ни в одном акте: {doc.title()}{product}, файл "
        f"{doc.source_file or '—'}. Причина: {reason}. Проверьте, к каким работам он "
        "относится, или добавьте материал в реестр."
    )
    return Finding(
        "UNUSED_DOCUMENT",
        message,
        stage=STAGE,
        document_id=doc.document_id,
        source_file=doc.source_file,
    )


def registry_invalid_findings(docs: list[Doc], evaluation: Evaluation) -> list[Finding]:
    """REGISTRY_INVALID: a document the registry terminated or suspended before or during
    the works of acts that use it (a line it matches), one finding per document."""
    findings = []
    for doc in docs:
        if doc.invalid_from is None or doc.doc_type not in SHARED_TYPES:
            continue
        lines = [x for x, c in evaluation.by_doc.get(doc.document_id, []) if c.accepted]
        hit = sorted(
            {x.act_number: x for x in lines if revoked_for(doc, x)}.values(),
            key=lambda x: act_sort_key(x.act_number),
        )
        if not hit:
            continue
        acts = "; ".join(
            f"акт № {x.act_number} (работы {format_date(x.start)}–{format_date(x.end)})"
            for x in hit
        )
        message = (
            f"{doc.title(capital=True)} (файл {doc.source_file}) в реестре "
            f"{registry_state(doc)}, а его материал использован в работах: {acts}. Для этих "
            "работ документ недействителен, как просроченный: запросите у поставщика "
            "действующий сертификат или декларацию на поставленную партию и замените "
            "документ в пакете."
        )
        findings.append(
            Finding(
                "REGISTRY_INVALID",
                message,
                stage=STAGE,
                act_number=hit[0].act_number,
                material=hit[0].material,
                document_id=doc.document_id,
                source_file=doc.source_file,
            )
        )
    return findings


# --- coverage table ----------------------------------------------------------------


def _coverage_row(line: Line, status: str, candidate: Candidate | None, note: str = "") -> dict:
    row: dict[str, object] = {
        "act_number": line.act_number,
        "line_no": line.line_no,
        "material": line.material,
        "quantity": line.quantity,
        "unit": line.unit,
        "status": status,
    }
    if candidate is None:
        row.update(
            {c: None for c in tables.COVERAGE_COLUMNS + COVERAGE_EXTRA_COLUMNS if c not in row}
        )
        row["explanation"] = note or "подходящих документов не найдено"
        row["decided_by"] = BY_RULES
        return row
    doc = candidate.doc
    row.update(
        document_id=doc.document_id,
        doc_type=doc.doc_type,
        doc_number=doc.doc_number or None,
        doc_date=doc.date,
        valid_to=doc.valid_to,
        match_score=candidate.comparison.score,
        explanation=candidate.explanation,
        decided_by=candidate.decided_by,
        product_name=doc.product_name or None,
        valid_from=doc.valid_from,
        batch_number=doc.batch_number or None,
        doc_quantity=doc.quantity,
        doc_unit=doc.unit,
        source_file=doc.source_file or None,
    )
    return row


def match_materials(
    works: pd.DataFrame,
    materials: pd.DataFrame,
    documents: pd.DataFrame,
    decisions: Decisions | None = None,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Coverage of every material line by documents (tables.COVERAGE_COLUMNS) and findings.

    `decisions` are the engineer's answers from corrections.xlsx, keyed by
    (line key, document_id); a duplicate scan's decision applies to its document.
    """
    lines = _lines(works, materials)
    docs, representative, findings = merge_duplicates(_docs(documents))
    # A decision naming a duplicate scan applies to the scan that represents it.
    decisions = {
        (line, representative.get(doc, doc)): v for (line, doc), v in (decisions or {}).items()
    }
    evaluation = _evaluate(lines, docs, decisions)

    rows: list[dict] = []
    listed_ids: set[str] = set()
    reported_ids: set[str] = set()
    ordered = sorted(
        evaluation.results.values(),
        key=lambda r: (act_sort_key(r.line.act_number), r.line.line_no),
    )
    for result in ordered:
        line, status, listed = result.line, result.status, result.listed
        if listed:
            rows.extend(_coverage_row(line, status, c) for c in listed)
        elif status == UNCONFIRMED:
            rows.extend(_coverage_row(line, status, c) for c in result.shown_candidates)
            reported_ids.update(c.doc.document_id for c in result.possible)
        else:
            row = _coverage_row(line, status, None, _nearest_rejection(line, evaluation))
            nearest = evaluation.nearest.get(line.key)
            if row["explanation"] and nearest is not None and nearest[1].text_score >= 50:
                row["nearest_file"] = nearest[0].source_file
            rows.append(row)
        listed_ids.update(c.doc.document_id for c in listed)
        findings.extend(_line_findings(result, evaluation))
        for candidate in result.with_verdict(AFTER_WORK):
            is_batch = candidate.doc.doc_type == BATCH_TYPE
            if is_batch and not any(c is candidate for c in listed):
                findings.append(_orphan_batch_finding(candidate, line))
                reported_ids.add(candidate.doc.document_id)

    invalid = registry_invalid_findings(docs, evaluation)
    reported_ids.update(f.document_id for f in invalid)  # it is used, only not valid
    for doc in docs:
        if doc.document_id in listed_ids or doc.document_id in reported_ids:
            continue
        findings.append(_unused_finding(doc, _unused_reason(doc, evaluation)))
    findings.extend(invalid)

    columns = tables.COVERAGE_COLUMNS + COVERAGE_EXTRA_COLUMNS
    if not rows:
        return tables.empty(columns), findings
    coverage = pd.DataFrame(rows, columns=columns).astype(object)
    return coverage.where(coverage.notna(), None), findings
