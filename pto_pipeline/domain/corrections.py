"""The engineer's answers: `projects/<code>/corrections.xlsx` (SPEC §5a).

Two sheets, headers matched like the register's:
- «Реквизиты»: Файл, Поле, Значение, Комментарий — a requisite's true value;
- «Сопоставление»: № акта, Материал, Файл, Решение, Комментарий — подтвердить / отклонить
  a (material line, document) pair.

Every build applies them, so they survive rebuilds, new scans and the nightly run. A row
that points at nothing or cannot be read becomes a STALE_CORRECTION warning naming the
sheet and row; the other rows still apply. The file itself is never written to.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd
from openpyxl import load_workbook

from pto_pipeline.domain.extraction import grade
from pto_pipeline.domain.extraction.rules import common, families
from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.matching import DOC_TYPE_RU
from pto_pipeline.domain.register import (
    CellError,
    cell_text,
    header_key,
    parse_cell_date,
    parse_cell_quantity,
)
from pto_pipeline.domain.tables import REQUISITE_FIELDS
from pto_pipeline.domain.text import fold

STAGE = "corrections"
FILE_NAME = "corrections.xlsx"
FIELDS_SHEET = "Реквизиты"
DECISIONS_SHEET = "Сопоставление"
CONFIRM, REJECT = "подтвердить", "отклонить"
# The review sheet writes this where nothing was read; it is never a value.
NOT_READ = "(не прочитано)"

FIELD_ALIASES: dict[str, list[str]] = {
    "file": ["файл", "file", "source_file", "имя файла"],
    "field": ["поле", "field", "реквизит"],
    "value": ["значение", "value", "верное значение", "исправленное значение"],
    "read": ["прочитано", "read"],
    "comment": ["комментарий", "comment", "примечание"],
}
DECISION_ALIASES: dict[str, list[str]] = {
    "act_number": ["№ акта", "номер акта", "акт", "act_number", "act"],
    "material": ["материал", "material", "наименование материала"],
    "file": ["файл", "file", "source_file", "имя файла"],
    "decision": ["решение", "decision"],
    "comment": ["комментарий", "comment", "примечание"],
}
_DECISION_WORDS = {
    "подтвердить": True,
    "подтверждаю": True,
    "да": True,
    "confirm": True,
    "отклонить": False,
    "отклоняю": False,
    "нет": False,
    "reject": False,
}
# The acts' names of the types; «документ» alone would be no answer for `other`.
DOC_TYPE_NAMES = {**DOC_TYPE_RU, "other": "другой документ"}
# What engineers call the types (first words): «паспорт» is a batch document.
DOC_TYPE_WORDS = {
    "паспорт": "quality_document",
    "сертификат качества": "quality_document",
    "документ о качестве": "quality_document",
    "сертификат": "conformity_certificate",
    "декларация": "conformity_declaration",
    "отказное": "refusal_letter",
    "письмо": "refusal_letter",
    "протокол": "test_report",
}
DATE_FIELDS = ("issue_date", "valid_from", "valid_to")
# «Значение» saying that the document has no such field (an empty cell says it too, except
# in a review row, where empty means "not answered yet").
ABSENT_WORDS = frozenset({"нет", "отсутствует", "не указано", "-", "—"})


def field_labels() -> dict[str, str]:
    """Requisite key -> the Russian name the review sheet shows in «Поле»."""
    names = common().field_names
    return {key: names.get(key, key) for key in REQUISITE_FIELDS}


@dataclass(frozen=True)
class FieldCorrection:
    file: str
    field: str  # a REQUISITE_FIELDS key
    value: object  # parsed; None = the field is truly absent
    row: int
    comment: str = ""


@dataclass(frozen=True)
class MatchDecision:
    act_number: str
    material: str
    file: str
    confirm: bool
    row: int
    comment: str = ""


@dataclass
class Corrections:
    fields: list[FieldCorrection] = field(default_factory=list)
    decisions: list[MatchDecision] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.fields and not self.decisions


def stale(sheet: str, row: int | None, problem: str) -> Finding:
    where = f"лист «{sheet}», строка {row}" if row else f"лист «{sheet}»"
    return Finding(
        "STALE_CORRECTION",
        f"{FILE_NAME}, {where}: {problem}. Исправьте или удалите эту строку; остальные "
        "исправления применены.",
        stage=STAGE,
        source_file=FILE_NAME,
    )


# --- reading ---------------------------------------------------------------------------


def read_corrections(path: Path) -> Corrections:
    """Both sheets of corrections.xlsx; a missing file is no corrections."""
    result = Corrections()
    if not path.is_file():
        return result
    try:
        sheets = load_sheets(path)
    except UNREADABLE as exc:
        result.findings.append(
            Finding(
                "STALE_CORRECTION",
                f"Файл {FILE_NAME} не читается как книга Excel ({type(exc).__name__}): "
                "сохраните его в формате .xlsx. Исправления из него не применены.",
                stage=STAGE,
                source_file=FILE_NAME,
            )
        )
        return result
    for name in sheets:
        key = header_key(name)
        if key not in (header_key(FIELDS_SHEET), header_key(DECISIONS_SHEET)):
            result.findings.append(
                stale(
                    name,
                    None,
                    f"неизвестный лист; ожидаются «{FIELDS_SHEET}» и «{DECISIONS_SHEET}»",
                )
            )
    fields_rows = sheet_rows(sheets, FIELDS_SHEET)
    if fields_rows is not None:
        _read_fields(fields_rows, result)
    decision_rows = sheet_rows(sheets, DECISIONS_SHEET)
    if decision_rows is not None:
        _read_decisions(decision_rows, result)
    _contradictions(result)
    return result


# What openpyxl raises for a file that is not a readable workbook.
UNREADABLE = (zipfile.BadZipFile, OSError, ValueError, KeyError)
Rows = list[list[object]]
Header = tuple[int, dict[str, int]]  # position of the header row, key -> column


def load_sheets(path: Path) -> dict[str, Rows]:
    """Every sheet's rows of cell values by its title; raises one of UNREADABLE."""
    # data_only=False: a value typed as `=…` is kept as the text the engineer typed.
    workbook = load_workbook(path, data_only=False, read_only=True)
    try:
        return {
            ws.title.strip(): [list(r) for r in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets
        }
    finally:
        workbook.close()


def sheet_rows(sheets: dict[str, Rows], title: str) -> Rows | None:
    """The sheet whose title matches `title` loosely (case, spaces), if any."""
    return next(
        (rows for name, rows in sheets.items() if header_key(name) == header_key(title)), None
    )


def find_header(rows: Rows, aliases: dict[str, list[str]]) -> Header | None:
    """The first of the top rows that names two columns or more; a column's first title wins."""
    index = {header_key(a): key for key, names in aliases.items() for a in names}
    for position, cells in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for col, value in enumerate(cells):
            key = index.get(header_key(value))
            if key and key not in columns:
                columns[key] = col
        if len(columns) >= 2:
            return position, columns
    return None


def records(rows: Rows, header: Header) -> Iterator[tuple[int, dict[str, object]]]:
    """(sheet row number, key -> value) for every row under the header that is not blank."""
    position, columns = header
    for number, cells in enumerate(rows[position + 1 :], start=position + 2):
        record = {k: cells[c] if c < len(cells) else None for k, c in columns.items()}
        if any(cell_text(v) != "" for v in record.values()):
            yield number, record


def _header(
    rows: Rows,
    aliases: dict[str, list[str]],
    required: Iterable[str],
    sheet: str,
    result: Corrections,
) -> Header | None:
    header = find_header(rows, aliases)
    if header is None:
        result.findings.append(stale(sheet, None, "не найдена строка заголовков"))
        return None
    absent = [k for k in required if k not in header[1]]
    if absent:
        names = ", ".join(f"«{aliases[k][0].capitalize()}»" for k in absent)
        result.findings.append(stale(sheet, header[0] + 1, f"нет столбцов {names}"))
        return None
    return header


def _read_fields(rows: list[list[object]], result: Corrections) -> None:
    header = _header(rows, FIELD_ALIASES, ("file", "field", "value"), FIELDS_SHEET, result)
    if header is None:
        return
    by_name = {header_key(v): k for k, v in field_labels().items()}
    by_name.update({header_key(k): k for k in REQUISITE_FIELDS})
    for row, record in records(rows, header):
        file, raw_field = cell_text(record.get("file")), cell_text(record.get("field"))
        raw_value, read = record.get("value"), cell_text(record.get("read"))
        if cell_text(raw_value) == "" and (read or not file):
            continue  # a review row the engineer has not answered yet
        if not file:
            result.findings.append(stale(FIELDS_SHEET, row, "не указан файл"))
            continue
        key = by_name.get(header_key(raw_field))
        if key is None:
            result.findings.append(
                stale(
                    FIELDS_SHEET,
                    row,
                    f"неизвестное поле «{raw_field}»; допустимы: "
                    + ", ".join(field_labels().values()),
                )
            )
            continue
        try:
            value = parse_value(key, raw_value)
        except CellError as exc:
            result.findings.append(stale(FIELDS_SHEET, row, f"поле «{raw_field}»: {exc}"))
            continue
        comment = cell_text(record.get("comment"))
        result.fields.append(FieldCorrection(file, key, value, row, comment))
        unit = _typed_unit(key, raw_value)
        if unit:  # «20 м3»: the unit typed with the quantity is an answer too
            result.fields.append(FieldCorrection(file, "unit", unit, row, comment))


def _read_decisions(rows: list[list[object]], result: Corrections) -> None:
    required = ("act_number", "material", "file", "decision")
    header = _header(rows, DECISION_ALIASES, required, DECISIONS_SHEET, result)
    if header is None:
        return
    for row, record in records(rows, header):
        raw = cell_text(record.get("decision"))
        if not raw:
            continue  # not answered yet
        confirm = _DECISION_WORDS.get(raw.lower().strip(" .!"))
        if confirm is None:
            result.findings.append(
                stale(
                    DECISIONS_SHEET,
                    row,
                    f"решение «{raw}» не распознано; укажите «{CONFIRM}» или «{REJECT}»",
                )
            )
            continue
        act, material = cell_text(record.get("act_number")), cell_text(record.get("material"))
        file = cell_text(record.get("file"))
        if not act or not material or not file:
            result.findings.append(stale(DECISIONS_SHEET, row, "нужны № акта, материал и файл"))
            continue
        comment = cell_text(record.get("comment"))
        result.decisions.append(MatchDecision(act, material, file, confirm, row, comment))


def _contradictions(result: Corrections) -> None:
    """The same pair decided both ways, or a field given two values: none of it applies."""
    result.decisions, found = drop_contradictions(
        result.decisions,
        lambda d: (fold(d.act_number), fold(d.material), fold(d.file)),
        lambda d: d.confirm,
        DECISIONS_SHEET,
    )
    result.findings += found
    result.fields, found = drop_contradictions(
        result.fields, lambda f: (fold(f.file), f.field), lambda f: f.value, FIELDS_SHEET
    )
    result.findings += found


T = TypeVar("T", FieldCorrection, MatchDecision)


def drop_contradictions(
    items: list[T], key: Callable[[T], object], value: Callable[[T], object], sheet: str
) -> tuple[list[T], list[Finding]]:
    """Items whose key has one value; every row of a key given several values is dropped."""
    groups: dict[object, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    findings: list[Finding] = []
    dropped: set[int] = set()
    for group in groups.values():
        if len({repr(value(item)) for item in group}) < 2:
            continue
        rows = sorted(item.row for item in group)
        dropped.update(rows)
        what = (
            "одна пара и подтверждена, и отклонена"
            if sheet == DECISIONS_SHEET
            else ("одному полю одного документа даны разные значения")
        )
        # One finding at the last row, naming the rows it contradicts.
        others = ", ".join(str(r) for r in rows[:-1])
        findings.append(
            stale(sheet, rows[-1], f"противоречит строке {others} ({what}) — ни одна не применена")
        )
    return [item for item in items if item.row not in dropped], findings


def _typed_unit(key: str, raw: object) -> str:
    if key != "quantity" or parse_value(key, raw) is None:
        return ""
    return parse_cell_quantity(raw)[1]


def parse_value(key: str, raw: object) -> object:
    """A typed value of a requisite from a cell; None when the field is truly absent."""
    if cell_text(raw) == "" or cell_text(raw).lower().strip(" .") in ABSENT_WORDS:
        return None
    if key in DATE_FIELDS:
        return parse_cell_date(raw)
    if key == "quantity":
        number, _unit = parse_cell_quantity(raw)
        return number
    if key == "doc_type":
        text = cell_text(raw).lower().replace("ё", "е")
        for code, name in DOC_TYPE_NAMES.items():
            if text in (code, name) or header_key(text) == header_key(name):
                return code
        for words, code in DOC_TYPE_WORDS.items():  # longest phrases first in the table
            if text.startswith(words):
                return code
        raise CellError(
            f"«{cell_text(raw)}» — неизвестный тип; допустимы: "
            + ", ".join(DOC_TYPE_NAMES.values())
        )
    return cell_text(raw)


# --- applying field corrections ------------------------------------------------------------


def document_ids_by_file(files: pd.DataFrame, documents: pd.DataFrame) -> dict[str, list[str]]:
    """Every name an engineer may give a document -> its document ids.

    The inbox path of any identical upload names the same document; a part of a split
    file is `<file>#p<a>-<b>`; a bare file name is enough when it is unique.
    """
    sha_by_file: dict[str, str] = {}
    if files is not None and not files.empty:
        for row in files.itertuples():
            if isinstance(row.sha256, str) and row.sha256:
                sha_by_file[fold(str(row.source_file))] = row.sha256
    ids_by_sha: dict[str, list[str]] = {}
    for doc_id, sha in zip(documents["document_id"], documents["sha256"], strict=True):
        ids_by_sha.setdefault(str(sha), []).append(str(doc_id))
    names: dict[str, set[str]] = {}
    by_base: dict[str, dict[str, set[str]]] = {}  # bare name -> sha -> ids
    for name, sha in sha_by_file.items():
        base = name.rsplit("/", 1)[-1]
        for doc_id in ids_by_sha.get(sha, []):
            suffix = fold(doc_id[len(sha) :])  # "" or "#P1-2"
            for key in {name, name + suffix}:
                names.setdefault(key, set()).add(doc_id)
            for key in {base, base + suffix}:
                by_base.setdefault(key, {}).setdefault(sha, set()).add(doc_id)
    for key, shas in by_base.items():
        if key not in names and len(shas) == 1:
            names[key] = next(iter(shas.values()))
    return {k: sorted(v) for k, v in names.items()}


def resolve_file(
    file: str, names: dict[str, list[str]], sheet: str, row: int
) -> tuple[str | None, Finding | None]:
    ids = names.get(fold(file.replace("\\", "/")))
    if not ids:
        return None, stale(sheet, row, f"файл «{file}» не найден во входящей папке проекта")
    if len(ids) > 1:
        parts = ", ".join(f"«{file}{i[i.index('#') :]}»" for i in ids if "#" in i)
        return None, stale(
            sheet, row, f"файл «{file}» разделён на несколько документов — укажите часть: {parts}"
        )
    return ids[0], None


def apply_field_corrections(
    documents: pd.DataFrame, files: pd.DataFrame, corrections: Corrections
) -> tuple[pd.DataFrame, list[Finding]]:
    """Requisites with the engineer's values (confidence 1.0), re-graded."""
    findings: list[Finding] = []
    if documents.empty or not corrections.fields:
        return documents, findings
    names = document_ids_by_file(files, documents)
    resolved: list[tuple[str, FieldCorrection]] = []
    for item in corrections.fields:
        doc_id, problem = resolve_file(item.file, names, FIELDS_SHEET, item.row)
        if problem:
            findings.append(problem)
        elif doc_id:
            resolved.append((doc_id, item))
    # Two names of one document (another folder, a second upload) may disagree.
    doc_of = {item.row: doc_id for doc_id, item in resolved}
    kept, found = drop_contradictions(
        [item for _, item in resolved],
        lambda f: (doc_of[f.row], f.field),
        lambda f: f.value,
        FIELDS_SHEET,
    )
    findings += found
    by_doc: dict[str, list[FieldCorrection]] = {}
    for item in kept:
        by_doc.setdefault(doc_of[item.row], []).append(item)
    documents = documents.copy().astype(object)
    for index, row in documents.iterrows():
        items = by_doc.get(str(row["document_id"]))
        if items:
            documents.loc[index] = pd.Series(_corrected(row.to_dict(), items))
    return documents, findings


def _family_of(doc_type: object, current: object) -> str | None:
    for family in families():
        if family.name == current and family.doc_type == doc_type:
            return family.name
    return next((f.name for f in families() if f.doc_type == doc_type and not f.fallback), None)


def _corrected(row: dict, items: list[FieldCorrection]) -> dict:
    confidence = json_dict(row.get("field_confidence"))
    absent: set[str] = set()
    for item in items:
        row[item.field] = item.value
        confidence[item.field] = 1.0
        if item.value is None:
            absent.add(item.field)
    row["corrected_fields"] = ",".join(sorted({i.field for i in items}))
    row["field_confidence"] = json.dumps(confidence, ensure_ascii=False, sort_keys=True)
    family = _family_of(row.get("doc_type"), row.get("family"))
    if row.get("doc_type") == "other":
        row["status"], row["error"] = "ok", None
    elif family:
        row["family"] = family
        # A field the engineer declared absent is not missing: it is known to be empty.
        values = {k: (row.get(k) if k not in absent else "—") for k in REQUISITE_FIELDS}
        row["status"], row["error"] = grade(family, values, confidence)
    return row


def json_dict(value: object) -> dict:
    try:
        loaded = json.loads(str(value)) if value else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


# --- match decisions -------------------------------------------------------------------


def resolve_decisions(
    corrections: Corrections,
    materials: pd.DataFrame,
    documents: pd.DataFrame,
    files: pd.DataFrame,
) -> tuple[dict[tuple[tuple[str, int], str], bool], list[Finding]]:
    """The decisions keyed by ((act, line_no), document_id), as matching takes them."""
    findings: list[Finding] = []
    decisions: dict[tuple[tuple[str, int], str], bool] = {}
    if not corrections.decisions:
        return decisions, findings
    names = document_ids_by_file(files, documents)
    lines: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for row in materials.itertuples():
        key = (fold(cell_text(row.act_number)), fold(cell_text(row.material)))
        lines.setdefault(key, []).append((cell_text(row.act_number), int(row.line_no)))
    resolved: dict[int, tuple[list[tuple[str, int]], str]] = {}
    for item in corrections.decisions:
        keys = lines.get((fold(item.act_number), fold(item.material)))
        if not keys:
            findings.append(
                stale(
                    DECISIONS_SHEET,
                    item.row,
                    f"в реестре нет материала «{item.material}» в акте № {item.act_number}",
                )
            )
            continue
        doc_id, problem = resolve_file(item.file, names, DECISIONS_SHEET, item.row)
        if problem:
            findings.append(problem)
            continue
        resolved[item.row] = (keys, str(doc_id))
    # One pair decided both ways under two names of its document applies neither way.
    kept, found = drop_contradictions(
        [d for d in corrections.decisions if d.row in resolved],
        lambda d: (tuple(resolved[d.row][0]), resolved[d.row][1]),
        lambda d: d.confirm,
        DECISIONS_SHEET,
    )
    findings += found
    for item in kept:
        keys, doc_id = resolved[item.row]
        for key in keys:
            decisions[(key, doc_id)] = item.confirm
    return decisions, findings
