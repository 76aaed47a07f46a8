"""The engineer's remarks list `output/<code>/findings.xlsx` (SPEC §6, §7).

One sheet, most severe first, Russian headers and severities, coloured by
severity, with a filter and a frozen header so a long list stays workable.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pto_pipeline.domain.findings import FINDING_COLUMNS, sort_findings
from pto_pipeline.domain.fsutil import atomic_path
from pto_pipeline.domain.xlsx_text import append_text_row, write_text_cell

SHEET_TITLE = "Замечания"
NO_REMARKS = "Замечаний нет: комплект готов к передаче."

# (source column, Russian header, column width in characters)
XLSX_COLUMNS: list[tuple[str, str, int]] = [
    ("severity", "Важность", 16),
    ("code", "Код", 24),
    ("act_number", "Акт", 10),
    ("material", "Материал", 36),
    ("document_id", "Документ", 20),
    ("source_file", "Файл", 32),
    ("message", "Что сделать/Сообщение", 90),
]

SEVERITY_RU = {"error": "ошибка", "warning": "предупреждение", "info": "информация"}
SEVERITY_FILL = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
WRAPPED = {"material", "message"}


def write_findings_xlsx(findings: pd.DataFrame, path: Path) -> None:
    """Write the remarks list to `path` atomically; an empty list says there are none."""
    frame = _normalised(findings)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _write_header(sheet)
    if frame.empty:
        write_text_cell(sheet, 2, 1, NO_REMARKS)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(XLSX_COLUMNS))
    else:
        for row in frame.itertuples(index=False):
            _write_row(sheet, row._asdict())
        last = get_column_letter(len(XLSX_COLUMNS))
        sheet.auto_filter.ref = f"A1:{last}{sheet.max_row}"
    sheet.freeze_panes = "A2"
    with atomic_path(Path(path)) as tmp:
        workbook.save(tmp)


def _normalised(findings: pd.DataFrame | None) -> pd.DataFrame:
    if findings is None:
        findings = pd.DataFrame(columns=FINDING_COLUMNS)
    frame = findings.copy()
    for column in FINDING_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[FINDING_COLUMNS].astype(object)
    return sort_findings(frame.where(frame.notna(), None))


def _write_header(sheet) -> None:
    append_text_row(sheet, [header for _, header, _ in XLSX_COLUMNS])
    for index, (_, _, width) in enumerate(XLSX_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _write_row(sheet, values: dict) -> None:
    severity = values.get("severity")
    cells = []
    for column, _, _ in XLSX_COLUMNS:
        value = values.get(column)
        if column == "severity":
            value = SEVERITY_RU.get(str(value), value)
        cells.append(None if value is None else str(value))
    row = append_text_row(sheet, cells)
    for index, (column, _, _) in enumerate(XLSX_COLUMNS, start=1):
        cell = sheet.cell(row=row, column=index)
        cell.alignment = Alignment(vertical="top", wrap_text=column in WRAPPED)
    fill = SEVERITY_FILL.get(str(severity))
    if fill is not None:
        sheet.cell(row=row, column=1).fill = fill
