"""Tables found by their column titles, read row by row (rules in `rules/_tables.yaml`).

Works on a document's layout reading (layout.py), where a cell stands under its
column title: a header line is one whose cells carry titles of enough columns of one
table kind; the rows under it are split into cells and each cell is given to the title
it overlaps. A batch table gives the batch and its quantity; a properties table shields
the labels printed inside it (`Наименование показателя`, `Масса 1 м²`) from the fields
they would otherwise feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pto_pipeline.domain.safe_yaml import read_yaml_file

from .rules import RULES_DIR, compile_phrase

_CELL_SPLIT = re.compile(r"\s{3,}|\s*\|\s*|\t")
_MAX_ROWS = 40
_HEADER_LINES = 3  # a column title may wrap over this many lines
_VALUE = re.compile(r"[0-9]{2}")  # a cell with figures is data, never a title
_UNIT_AFTER = re.compile(r"\s*,?\s*(?:т|тн|кг|м3|мз|м2|м|шт)(?![а-яa-z])")  # `Масса, т`


@dataclass(frozen=True)
class TableKind:
    name: str
    min_columns: int
    titles: dict[str, tuple[re.Pattern[str], ...]]  # column -> title patterns
    fields: dict[str, str]  # requisite field -> column
    shields: tuple[str, ...]  # fields whose labels inside the table are ignored
    not_titles: dict[str, tuple[re.Pattern[str], ...]]  # words that make a title another's
    max_rows: int = _MAX_ROWS
    # drawings' tables (RD specifications) are printed with tall rows and wrapped names:
    # blank lines and long one-cell lines do not end them, a `stop` phrase does
    blank_lines: bool = False
    long_rows: bool = False
    stop: tuple[re.Pattern[str], ...] = ()
    titles_above: bool = False  # short titles centred lower than wrapped long ones


@dataclass(frozen=True)
class Cell:
    start: int  # offsets into the text
    end: int
    column_start: int  # character columns within the line
    column_end: int


@dataclass(frozen=True)
class Table:
    kind: TableKind
    start: int  # from the header's first line to the last row's end
    end: int
    columns: dict[str, Cell]  # column name -> its title cell
    rows: tuple[dict[str, Cell], ...]
    # column name -> its title and the wrapped title lines under it (`Объём,` / `м.куб.`)
    title_spans: dict[str, tuple[tuple[int, int], ...]]

    def shields(self, field: str, pos: int) -> bool:
        return field in self.kind.shields and self.start <= pos < self.end


def table_kinds(rules_dir: Path = RULES_DIR) -> tuple[TableKind, ...]:
    return load_table_kinds(rules_dir / "_tables.yaml")


@cache
def load_table_kinds(path: Path) -> tuple[TableKind, ...]:
    """Table kinds of one YAML file (`_tables.yaml`, or another family's own tables)."""
    spec = read_yaml_file(path)
    return tuple(
        TableKind(
            name,
            int(item.get("min_columns", 2)),
            {
                column: tuple(compile_phrase(p) for p in phrases)
                for column, phrases in item["columns"].items()
            },
            dict(item.get("fields") or {}),
            tuple(item.get("shields") or ()),
            {
                column: tuple(compile_phrase(p) for p in phrases)
                for column, phrases in (item.get("not_titles") or {}).items()
            },
            int(item.get("max_rows", _MAX_ROWS)),
            bool(item.get("blank_lines", False)),
            bool(item.get("long_rows", False)),
            tuple(compile_phrase(p) for p in item.get("stop") or ()),
            bool(item.get("titles_above", False)),
        )
        for name, item in spec.items()
    )


def find_tables(search: str, kinds: tuple[TableKind, ...] | None = None) -> list[Table]:
    """Tables of a layout reading in `search_form` (lower case, look-alikes folded); of
    `kinds` (default: `_tables.yaml`'s)."""
    kinds = table_kinds() if kinds is None else kinds
    lines = _lines(search)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        found = _table_at(search, lines, i, kinds)
        if found is None:
            i += 1
            continue
        table, next_line = found
        tables.append(table)
        i = next_line
    return tables


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _cells(text: str, start: int, end: int) -> list[Cell]:
    cells, pos = [], start
    for m in _CELL_SPLIT.finditer(text, start, end):
        if text[pos : m.start()].strip():
            cells.append(Cell(pos, m.start(), pos - start, m.start() - start))
        pos = m.end()
    if text[pos:end].strip():
        cells.append(Cell(pos, end, pos - start, end - start))
    return cells


def _table_at(
    search: str, lines: list[tuple[int, int]], i: int, kinds: tuple[TableKind, ...]
) -> tuple[Table, int] | None:
    header = _cells(search, *lines[i])
    if len(header) < 2:
        return None
    # titles that wrap: lines of words only under the header belong to it
    first_row = i + 1
    while first_row < min(len(lines), i + _HEADER_LINES) and _is_title_line(
        search, lines[first_row]
    ):
        first_row += 1
    wrapped = [c for line in lines[i + 1 : first_row] for c in _cells(search, *line)]
    above = _title_lines_above(search, lines, i)
    for kind in kinds:
        columns = _title_columns(search, kind, header, wrapped)
        if len(columns) < kind.min_columns or _distinct_cells(columns, header) < 2:
            continue  # `Масса партии, т` alone is a label, not a table's titles
        if kind.titles_above:
            wrapped = above + wrapped
        more = _title_columns(search, kind, wrapped, [])
        columns.update({k: v for k, v in more.items() if k not in columns})
        rows, end_line = _rows(search, lines, first_row, columns, kind)
        end = lines[end_line - 1][1] if end_line > first_row else lines[first_row - 1][1]
        spans = {
            column: ((title.start, title.end), *((c.start, c.end) for c in _under(title, wrapped)))
            for column, title in columns.items()
        }
        table = Table(kind, lines[i][0], end, columns, tuple(rows), spans)
        return table, max(end_line, i + 1)
    return None


def _title_lines_above(search: str, lines: list[tuple[int, int]], i: int) -> list[Cell]:
    """Cells of the title lines right above a header line (a kind's `titles_above`)."""
    cells: list[Cell] = []
    j = i - 1
    while j >= max(0, i - _HEADER_LINES + 1) and _is_title_line(search, lines[j]):
        cells = _cells(search, *lines[j]) + cells
        j -= 1
    return cells


def _title_columns(
    search: str, kind: TableKind, cells: list[Cell], below: list[Cell]
) -> dict[str, Cell]:
    """Column name -> where its title is printed. OCR may join neighbouring titles into
    one cell (`Длина Кол-во Масса, т`), so a column is the title's own words, not the
    cell; of several titles of one column, one printed with a unit (`Масса, т`) wins. A
    title that goes on with a word making it another column's (`Кол-во` over `пачек`,
    in its cell or in the wrapped lines `below`) is not the column's."""
    columns: dict[str, Cell] = {}
    taken: list[tuple[int, int]] = []
    for column, patterns in kind.titles.items():
        hits = [
            title
            for title, cell in _title_hits(search, patterns, cells)
            if not any(title.start < e and s < title.end for s, e in taken)
            and not _another_title(search, kind, column, cell, title, below)
        ]
        if hits:
            chosen = next((h for h in hits if h.end > h.start and _has_unit(search, h)), hits[0])
            columns[column] = chosen
            taken.append((chosen.start, chosen.end))
    return columns


def _title_hits(
    search: str, patterns: tuple[re.Pattern[str], ...], cells: list[Cell]
) -> list[tuple[Cell, Cell]]:
    """(title, its cell) for every title phrase found in a cell of words."""
    hits = []
    for pattern in patterns:
        for cell in cells:
            if _VALUE.search(search, cell.start, cell.end):
                continue  # a title holds no figures
            for m in pattern.finditer(search, cell.start, cell.end):
                hits.append((_title_cell(search, cell, m), cell))
    return hits


def _has_unit(search: str, title: Cell) -> bool:
    return bool(_UNIT_AFTER.search(search, title.start, title.end))


def _title_cell(search: str, cell: Cell, m: re.Match[str]) -> Cell:
    """The title's words with a unit printed after them (`Масса, т`)."""
    unit = _UNIT_AFTER.match(search, m.end())
    end = unit.end() if unit else m.end()
    line_start = cell.start - cell.column_start
    return Cell(m.start(), end, m.start() - line_start, end - line_start)


def _another_title(
    search: str, kind: TableKind, column: str, cell: Cell, title: Cell, below: list[Cell]
) -> bool:
    words = kind.not_titles.get(column, ())
    if not words:
        return False
    spans = [(title.end, cell.end), *((c.start, c.end) for c in _under(title, below))]
    return any(p.search(search, s, e) for s, e in spans for p in words)


def _under(title: Cell, cells: list[Cell]) -> list[Cell]:
    """Cells of wrapped title lines that stand under `title`."""
    return [
        c
        for c in cells
        if min(c.column_end, title.column_end) > max(c.column_start, title.column_start)
    ]


def _distinct_cells(columns: dict[str, Cell], cells: list[Cell]) -> int:
    return len(
        {
            next((i for i, c in enumerate(cells) if c.start <= t.start < c.end), -1)
            for t in columns.values()
        }
    )


def _is_title_line(search: str, line: tuple[int, int]) -> bool:
    text = search[line[0] : line[1]]
    return bool(text.strip()) and not re.search(r"[0-9]{2}", text)


def _rows(
    search: str,
    lines: list[tuple[int, int]],
    first: int,
    columns: dict[str, Cell],
    kind: TableKind,
) -> tuple[list[dict[str, Cell]], int]:
    """Data rows under the titles, until an empty line or a line of prose (or, for a
    kind with `blank_lines`/`long_rows`, until a `stop` phrase)."""
    rows: list[dict[str, Cell]] = []
    i = first
    while i < len(lines) and not search[slice(*lines[i])].strip() and i < first + 2:
        i += 1  # a blank line between the titles and the first row
    end = i
    while i < len(lines) and len(rows) < kind.max_rows:
        if any(p.search(search, *lines[i]) for p in kind.stop):
            break
        cells = _cells(search, *lines[i])
        if not cells and kind.blank_lines:
            i += 1
            continue
        if not cells or (len(cells) == 1 and not kind.long_rows and _is_prose(search, cells[0])):
            break
        rows.append(_assign(cells, columns, rows if kind.long_rows else None))
        i += 1
        end = i
    return rows, end


def _is_prose(search: str, cell: Cell) -> bool:
    return len(search[cell.start : cell.end].split()) >= 5


def _assign(
    cells: list[Cell], columns: dict[str, Cell], above: list[dict[str, Cell]] | None = None
) -> dict[str, Cell]:
    """Each cell under the title it overlaps most (by character column). With the rows
    `above`, a cell under no title (a wrapped name's short last line, left-aligned under
    a centred title) goes to the column whose cells above start where it starts."""
    row: dict[str, Cell] = {}
    for cell in cells:
        best, best_overlap = None, 0
        for column, title in columns.items():
            overlap = min(cell.column_end, title.column_end) - max(
                cell.column_start, title.column_start
            )
            if overlap > best_overlap:
                best, best_overlap = column, overlap
        if best is None and above:
            best = next(
                (
                    column
                    for earlier in reversed(above)
                    for column, c in earlier.items()
                    if abs(c.column_start - cell.column_start) <= 1
                ),
                None,
            )
        if best is not None and best not in row:
            row[best] = cell
    return row
