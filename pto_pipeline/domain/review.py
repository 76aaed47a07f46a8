"""What the engineer must look at: `output/<code>/review.xlsx` (SPEC §5a).

The same two sheets and answer columns as corrections.xlsx, then read-only context:
- «Реквизиты»: the doubtful fields of every document in `needs_review` (what was read,
  its confidence, the file and pages, what to check);
- «Сопоставление»: every `unconfirmed` line with its candidates and what each lacks, every
  `missing` line with the nearest rejected document and why.

Every answer already in corrections.xlsx is carried over (also ones that point at
nothing now), so saving the filled file as `projects/<code>/corrections.xlsx` never
loses an earlier answer. Text from scans is written as text, never as a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pto_pipeline.domain import corrections as cx
from pto_pipeline.domain.extraction.rules import common, families
from pto_pipeline.domain.fsutil import atomic_path
from pto_pipeline.domain.register import cell_text, header_key
from pto_pipeline.domain.tables import REQUISITE_FIELDS
from pto_pipeline.domain.text import fold
from pto_pipeline.domain.xlsx_text import write_text_cell

FILE_NAME = "review.xlsx"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    answer: bool = False  # the engineer fills it


FIELD_COLUMNS = [
    Column("file", "Файл", 34),
    Column("field", "Поле", 24),
    Column("value", "Значение", 28, answer=True),
    Column("comment", "Комментарий", 24, answer=True),
    Column("read", "Прочитано", 30),
    Column("confidence", "Уверенность", 14),
    Column("pages", "Страницы", 10),
    Column("doc_type", "Тип документа", 22),
    Column("hint", "Что проверить", 60),
]
DECISION_COLUMNS = [
    Column("act_number", "№ акта", 9),
    Column("material", "Материал", 34),
    Column("file", "Файл", 34),
    Column("decision", "Решение", 14, answer=True),
    Column("comment", "Комментарий", 24, answer=True),
    Column("status", "Статус строки", 16),
    Column("document", "Документ", 34),
    Column("product", "Продукция в документе", 34),
    Column("score", "Совпадение", 14),
    Column("why", "Чего не хватает / почему отклонён", 60),
]
STATUS_RU = {
    "unconfirmed": "не подтверждено",
    "missing": "нет документа",
    "covered": "покрыто",
    "expired": "истёк срок",
    "doc_after_work": "документ позже работ",
}
ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


# --- rows of the «Реквизиты» sheet ---------------------------------------------------------


def field_rows(documents: pd.DataFrame) -> list[dict]:
    """Doubtful fields of documents in needs_review: missing required ones, low confidence."""
    labels = cx.field_labels()
    threshold = common().review_threshold
    fallback = {f.name for f in families() if f.fallback}
    # the fields the grading checks (extraction.extract._status): type, then the required
    # (an unrecognised type — the fallback family — is the first thing to answer)
    required = {
        f.name: {"doc_type"} if f.fallback else set(f.required) | {"doc_type"} for f in families()
    }
    rows = []
    for doc in documents.to_dict("records"):
        if doc.get("status") != "needs_review":
            continue
        confidence = cx.json_dict(doc.get("field_confidence"))
        needed = required.get(str(doc.get("family")), set())
        corrected = set(filter(None, str(doc.get("corrected_fields") or "").split(",")))
        for key in REQUISITE_FIELDS:
            value = doc.get(key)
            blank = value is None or (isinstance(value, float) and value != value)
            low = not blank and confidence.get(key, 1.0) < threshold
            unknown_type = key == "doc_type" and str(doc.get("family")) in fallback
            if key in corrected or key not in needed or not (blank or low or unknown_type):
                continue
            rows.append(
                {
                    "file": _document_file(doc),
                    "field": labels[key],
                    "read": cx.NOT_READ if blank else _shown(key, value),
                    "confidence": None if blank else round(float(confidence.get(key, 0)), 2),
                    "pages": f"{doc.get('first_page')}–{doc.get('last_page')}",
                    "doc_type": cx.DOC_TYPE_NAMES.get(str(doc.get("doc_type")), ""),
                    "hint": cell_text(doc.get("error")),
                }
            )
    return rows


def _document_file(doc: dict) -> str:
    """The name corrections.xlsx takes: the inbox path, `#p<a>-<b>` for a part of a file."""
    doc_id, sha = str(doc.get("document_id")), str(doc.get("sha256"))
    return f"{doc.get('source_file')}{doc_id[len(sha) :]}"


def _shown(key: str, value: object) -> str:
    if key in cx.DATE_FIELDS and hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if key == "doc_type":
        return cx.DOC_TYPE_NAMES.get(str(value), str(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value)


# --- rows of the «Сопоставление» sheet ------------------------------------------------------


def decision_rows(coverage: pd.DataFrame) -> list[dict]:
    rows = []
    for line in coverage.to_dict("records"):
        status = line.get("status")
        if status not in ("unconfirmed", "missing"):
            continue
        base = {
            "act_number": cell_text(line.get("act_number")),
            "material": cell_text(line.get("material")),
            "status": STATUS_RU[str(status)],
            "why": cell_text(line.get("explanation")),
        }
        if status == "unconfirmed":
            score = line.get("match_score")
            rows.append(
                {
                    **base,
                    "file": cell_text(line.get("source_file")),
                    "document": _title(line),
                    "product": cell_text(line.get("product_name")),
                    "score": f"{float(score):.0%}" if score is not None else "",
                }
            )
        else:
            # A document of another kind is named in «why» but never offered for an answer.
            other_kind = "вид материала:" in base["why"]
            file = "" if other_kind else cell_text(line.get("nearest_file"))
            rows.append({**base, "file": file})
    return rows


def _title(line: dict) -> str:
    kind = cx.DOC_TYPE_NAMES.get(str(line.get("doc_type")), "документ")
    number = cell_text(line.get("doc_number"))
    return f"{kind} № {number}" if number else kind


# --- carrying earlier answers over ----------------------------------------------------------


def _earlier_answers(path: Path) -> tuple[list[dict], list[dict]]:
    """Raw rows of corrections.xlsx (both sheets) as the engineer typed them."""
    if not path.is_file():
        return [], []
    try:
        sheets = cx.load_sheets(path)
    except Exception:  # noqa: BLE001 - an unreadable file is reported by read_corrections
        return [], []
    fields = _typed_rows(cx.sheet_rows(sheets, cx.FIELDS_SHEET), cx.FIELD_ALIASES)
    decisions = _typed_rows(cx.sheet_rows(sheets, cx.DECISIONS_SHEET), cx.DECISION_ALIASES)
    fields = [r for r in fields if cell_text(r.get("value")) or not cell_text(r.get("read"))]
    decisions = [r for r in decisions if cell_text(r.get("decision"))]
    return fields, decisions


def _typed_rows(rows: cx.Rows | None, aliases: dict[str, list[str]]) -> list[dict]:
    """The sheet's rows under its header as the text the engineer typed."""
    header = cx.find_header(rows or [], aliases)
    if header is None:
        return []
    return [{k: cell_text(v) for k, v in record.items()} for _, record in cx.records(rows, header)]


def _merge(generated: list[dict], earlier: list[dict], key_fields: tuple[str, ...]) -> list[dict]:
    """Earlier answers first fill the generated rows they belong to; the rest are appended."""

    field_keys = {header_key(v): k for k, v in cx.field_labels().items()}
    field_keys.update({header_key(k): k for k in REQUISITE_FIELDS})

    def key(row: dict) -> tuple:
        values = [cell_text(row.get(k)) for k in key_fields]
        if "field" in key_fields:  # «номер документа» and doc_number are one field
            at = key_fields.index("field")
            values[at] = field_keys.get(header_key(values[at]), values[at])
        return tuple(fold(v) for v in values)

    answer_keys = [c.key for c in (*FIELD_COLUMNS, *DECISION_COLUMNS) if c.answer]
    by_key = {key(r): r for r in generated}
    merged = list(generated)
    for answer in earlier:
        target = by_key.get(key(answer))
        if target is None:
            target = {k: answer.get(k, "") for k in answer}
            merged.append(target)
            by_key[key(answer)] = target
        for k in answer_keys:
            if k in answer and cell_text(answer.get(k)):
                target[k] = answer[k]
    return merged


# --- writing ----------------------------------------------------------------------------


def write_review(
    path: Path, documents: pd.DataFrame, coverage: pd.DataFrame, corrections_path: Path
) -> dict[str, int]:
    """Write review.xlsx atomically; returns the counts of rows per sheet."""
    earlier_fields, earlier_decisions = _earlier_answers(corrections_path)
    fields = _merge(field_rows(documents), earlier_fields, ("file", "field"))
    decisions = _merge(
        decision_rows(coverage), earlier_decisions, ("act_number", "material", "file")
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = cx.FIELDS_SHEET
    _fill(sheet, FIELD_COLUMNS, fields)
    _validation(sheet, FIELD_COLUMNS, "field", list(cx.field_labels().values()))
    decisions_sheet = workbook.create_sheet(cx.DECISIONS_SHEET)
    _fill(decisions_sheet, DECISION_COLUMNS, decisions)
    _validation(decisions_sheet, DECISION_COLUMNS, "decision", [cx.CONFIRM, cx.REJECT])
    with atomic_path(Path(path)) as tmp:
        workbook.save(tmp)
    return {"fields": len(fields), "decisions": len(decisions)}


def _fill(sheet: Worksheet, columns: list[Column], rows: list[dict]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = ANSWER_FILL if column.answer else HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for r, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = row.get(column.key)
            cell = write_text_cell(sheet, r, index, None if value == "" else value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if column.answer:
                cell.fill = ANSWER_FILL
        sheet.row_dimensions[r].height = _row_height(columns, row)
    sheet.row_dimensions[1].height = 30
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 2)}"
    sheet.freeze_panes = "C2"
    # Printed or exported to PDF: landscape, all columns on one page width.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"


def _row_height(columns: list[Column], row: dict) -> float:
    """Points for the wrapped text of the row's fullest cell (Excel does not grow rows itself)."""
    lines = 1
    for column in columns:
        text = cell_text(row.get(column.key))
        if text:
            lines = max(lines, -(-len(text) * 11 // (column.width * 10)))
    return 15.0 * min(lines, 12)


def _validation(sheet: Worksheet, columns: list[Column], key: str, choices: list[str]) -> None:
    """A drop-down list on the answer column; other values are allowed with a warning."""
    col = get_column_letter(next(i for i, c in enumerate(columns, 1) if c.key == key))
    listed = '"' + ",".join(c.replace(",", " ") for c in choices) + '"'
    rule = DataValidation(type="list", formula1=listed, allow_blank=True, errorStyle="warning")
    rule.error = "Выберите значение из списка"
    rule.errorTitle = "Значение не из списка"
    sheet.add_data_validation(rule)
    rule.add(f"{col}2:{col}{max(sheet.max_row, 2) + 200}")
