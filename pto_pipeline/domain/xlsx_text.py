"""One safe way to put text into a spreadsheet cell (SPEC §7: text is never a formula).

openpyxl stores any `str` starting with `=` as a formula, and Excel evaluates cells
starting with `+ - @` once a user edits them. Text from scans, file names and registers
goes through `write_text_cell`: stored as a string cell (data type `s`), with Excel's
quote prefix on risky leading characters, XML-illegal control characters removed and
the length kept within Excel's cell limit. Every workbook the project writes uses it.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

EXCEL_CELL_LIMIT = 32_767
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value` without characters XML cannot hold, cut to what one cell can hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_LIMIT]


def write_text_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Set a cell; a `str` is always stored as text, never as a formula.

    Numbers, dates and booleans are stored as they are; None leaves the cell empty.
    """
    cell = sheet.cell(row=row, column=column)
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = safe_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl made it "f" for a leading "="
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def append_text_row(sheet: Worksheet, values: list[Any]) -> int:
    """Append one row through `write_text_cell`; return its row number."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        write_text_cell(sheet, row, column, value)
    return row
