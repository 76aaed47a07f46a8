"""The work register: works.xlsx (sheets Работы / Материалы) or works.csv + materials.csv.

SPEC §3. Headers are found by alias (Russian or English, case-, space- and
punctuation-insensitive) in the first rows of a sheet, so a title row above the table
or a row of column numbers under the header does no harm. Merged cells take the value
of their top-left cell. A bad row becomes an `INVALID_WORK` finding with the sheet name
and row number; the other rows still build.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel

from pto_pipeline.domain import tables
from pto_pipeline.domain.dates import parse_ru_date
from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.text import fold

STAGE = "work_register"
WORKS_SHEET = "Работы"
MATERIALS_SHEET = "Материалы"

_ACT_ALIASES = [
    "№ акта",
    "номер акта",
    "акт №",
    "№ аоср",
    "номер аоср",
    "акт",
    "act_number",
    "act number",
    "act no",
    "act",
]
WORK_ALIASES: dict[str, list[str]] = {
    "act_number": _ACT_ALIASES,
    "work_name": [
        "наименование работ",
        "наименование скрытых работ",
        "вид работ",
        "работы",
        "work_name",
        "work name",
        "works",
        "work",
    ],
    "design_docs": [
        "проектная документация",
        "рабочая документация",
        "шифр проекта",
        "проект",
        "design_docs",
        "design docs",
        "design documentation",
        "drawings",
    ],
    "start_date": [
        "дата начала",
        "дата начала работ",
        "начало работ",
        "начало",
        "start_date",
        "start date",
        "start",
    ],
    "end_date": [
        "дата окончания",
        "дата окончания работ",
        "окончание работ",
        "окончание",
        "end_date",
        "end date",
        "end",
        "finish date",
    ],
    "standards": [
        "выполнены в соответствии с",
        "работы выполнены в соответствии с",
        "в соответствии с",
        "нормативные документы",
        "standards",
    ],
    "next_works": [
        "разрешается производство работ",
        "разрешается производство последующих работ",
        "последующие работы",
        "next_works",
        "next works",
    ],
    "conformity_docs": [
        "исполнительные схемы и испытания",
        "исполнительные схемы",
        "документы подтверждающие соответствие",
        "исполнительная документация",
        "conformity_docs",
        "conformity docs",
        "executive schemes",
    ],
    "act_date": ["дата акта", "дата составления акта", "act_date", "act date"],
}
MATERIAL_ALIASES: dict[str, list[str]] = {
    "act_number": _ACT_ALIASES,
    "material": [
        "материал",
        "наименование материала",
        "материалы",
        "материал изделие",
        "material",
        "material name",
        "materials",
    ],
    "quantity": ["количество", "кол-во", "объем", "объём", "quantity", "qty", "amount"],
    "unit": ["ед. изм.", "ед изм", "единица измерения", "ед.", "unit", "units", "uom"],
}
REQUIRED_WORK = ["act_number", "work_name", "start_date", "end_date"]
REQUIRED_MATERIAL = ["act_number", "material"]

HEADER_LABELS_RU = {
    "act_number": "№ акта",
    "work_name": "Наименование работ",
    "start_date": "Дата начала",
    "end_date": "Дата окончания",
    "act_date": "Дата акта",
    "material": "Материал",
    "quantity": "Количество",
}
_HEADER_SCAN_ROWS = 15
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def header_key(text: object) -> str:
    """`Дата\\nначала (дд.мм.гггг)` -> `датаначала`: compare headers loosely."""
    value = unicodedata.normalize("NFKC", str(text or "")).lower().replace("ё", "е")
    value = re.sub(r"\(.*?\)", "", value)
    return re.sub(r"[^0-9a-zа-я№]", "", value)


def _alias_index(aliases: dict[str, list[str]]) -> dict[str, str]:
    return {header_key(alias): key for key, names in aliases.items() for alias in names}


_WORK_INDEX = _alias_index(WORK_ALIASES)
_MATERIAL_INDEX = _alias_index(MATERIAL_ALIASES)


# --- a sheet as rows of cells ------------------------------------------------------


@dataclass
class Sheet:
    """A table from an Excel sheet or a CSV file: rows of raw values with row numbers."""

    label: str  # «Лист «Работы»» / «Файл works.csv» — where the engineer finds the row
    rows: list[tuple[int, list[object]]]


# A run of this many empty rows ends a sheet: Excel files styled down to row 1,048,576
# would otherwise be walked (and held) to the bottom.
MAX_BLANK_RUN = 1000


def _xlsx_sheets(path: Path) -> list[tuple[str, Sheet]]:
    """Every sheet's rows, streamed (read-only mode) and cut after the last data row."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = []
            for ws in workbook.worksheets:
                ranges = _merged_ranges(archive, getattr(ws, "_worksheet_path", ""))
                rows = _data_rows(ws.iter_rows(values_only=True))
                sheets.append((ws.title, Sheet(f"Лист «{ws.title}»", _fill_merged(rows, ranges))))
    finally:
        workbook.close()
    return sheets


def _data_rows(values: Iterator[tuple]) -> list[tuple[int, list[object]]]:
    rows: list[tuple[int, list[object]]] = []
    blank_run = 0
    for r, row in enumerate(values, start=1):
        cells = list(row)
        while cells and _blank(cells[-1]):
            cells.pop()  # styled empty cells to the right
        if not cells:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
        else:
            blank_run = 0
        rows.append((r, cells))
    while rows and not rows[-1][1]:
        rows.pop()
    return rows


_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range, found by streaming the
    sheet's XML in chunks (read-only worksheets do not expose them)."""
    refs: set[bytes] = set()
    try:
        handle = archive.open(member)
    except KeyError:
        return []
    tail = b""
    with handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            refs.update(_MERGE_CELL.findall(data))
            tail = data[-256:]  # a tag split between chunks is found in the next round
    ranges = []
    for ref in sorted(refs):
        c1, r1, c2, r2 = range_boundaries(ref.decode("ascii"))
        ranges.append((r1, c1, r2, c2))
    return ranges


def _fill_merged(
    rows: list[tuple[int, list[object]]], ranges: list[tuple[int, int, int, int]]
) -> list[tuple[int, list[object]]]:
    """Every cell of a merged range takes its top-left value, as Excel shows it."""
    if not ranges:
        return rows
    by_row = {r: cells for r, cells in rows}
    for r1, c1, r2, c2 in ranges:
        top = by_row.get(r1, [])
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        for r in range(r1, min(r2, r1 + MAX_BLANK_RUN) + 1):
            cells = by_row.get(r)
            if cells is None:
                continue
            cells.extend([None] * (c2 - len(cells)))
            for c in range(c1, c2 + 1):
                cells[c - 1] = value
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _csv_sheet(path: Path, index: dict[str, str]) -> Sheet:
    """Read a CSV with `;` or `,`: the delimiter whose header row names more columns wins."""
    text = _decode(path.read_bytes())
    best: list[list[str]] = []
    best_hits = -1
    for delimiter in (";", ",", "\t"):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        header = next((r for r in rows if any(c.strip() for c in r)), [])
        hits = sum(1 for c in header if header_key(c) in index)
        if hits > best_hits:
            best, best_hits = rows, hits
    return Sheet(f"Файл {path.name}", [(i, list(r)) for i, r in enumerate(best, start=1)])


# --- cell values -------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as clean text: `5.0` -> `5`, control characters dropped, spaces trimmed."""
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    text = _CONTROL_CHARS.sub(" ", str(value)).replace("\t", " ").replace("\r\n", "\n")
    return "\n".join(re.sub(r"[ \u00a0]+", " ", part).strip() for part in text.split("\n")).strip()


class CellError(ValueError):
    """A cell value that cannot be used; the message is Russian, for the engineer."""


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def _impossible_date_reason(text: str) -> str | None:
    match = _NUMERIC_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        iso = _ISO_DATE.match(text)
        if not iso:
            return None
        year, month, day = (int(g) for g in iso.groups())
    if year < 100:
        year += 2000
    try:
        dt.date(year, month, day)
    except ValueError:
        return "такой даты нет в календаре"
    return None


def parse_cell_date(value: object) -> dt.date | None:
    """Excel date, Excel serial number or text date; None for a blank cell."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial number (1954..2119)
            return from_excel(value).date()
        raise CellError(f"«{cell_text(value)}» — это не дата")
    text = cell_text(value)
    if re.fullmatch(r"\d{5}(?:[.,]0+)?", text):
        return parse_cell_date(float(text.replace(",", ".")))
    iso = _ISO_DATE.match(text)
    if iso and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T][\d:.]+)?", text):
        try:
            return dt.date(*(int(g) for g in iso.groups()))
        except ValueError as exc:
            raise CellError(f"«{text}» — такой даты нет в календаре") from exc
    parsed = parse_ru_date(text)
    if parsed is not None:
        return parsed
    reason = _impossible_date_reason(text) or "не удалось распознать дату"
    raise CellError(f"«{text}» — {reason}")


_QUANTITY = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*(.*)$")


def parse_cell_quantity(value: object) -> tuple[float | None, str]:
    """(quantity, unit written after the number) from `12,5`, `1 234,5`, `12.5 м3`."""
    if _blank(value):
        return None, ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        unit = ""
    else:
        text = re.sub(r"[ \u00a0\u202f]", "", cell_text(value))
        text = re.sub(r"(?<=\d)(?=[^\d.,+-])", " ", text, count=1)
        match = _QUANTITY.match(text)
        if not match:
            raise CellError(f"«{cell_text(value)}» — не число")
        number = float(match.group(1).replace(",", "."))
        unit = match.group(2).strip()
    if number < 0:
        raise CellError(f"«{cell_text(value)}» — отрицательное количество")
    return number, unit


# --- header detection --------------------------------------------------------------


def _find_header(sheet: Sheet, index: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    """(position of the header row in sheet.rows, key -> column) or None."""
    best: tuple[int, dict[str, int]] | None = None
    for position, (_, cells) in enumerate(sheet.rows[:_HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for col, value in enumerate(cells):
            key = index.get(header_key(value))
            if key and key not in columns:
                columns[key] = col
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (position, columns)
            if len(columns) == len(set(index.values())):
                break
    return best


def _is_column_numbers(cells: list[object]) -> bool:
    """The «1 2 3 4» row many Russian tables put under the header."""
    values = [cell_text(c) for c in cells if not _blank(c)]
    return len(values) >= 2 and values == [str(i) for i in range(1, len(values) + 1)]


def _records(sheet: Sheet, header: tuple[int, dict[str, int]]) -> Iterator[tuple[int, dict]]:
    position, columns = header
    for row_number, cells in sheet.rows[position + 1 :]:
        if all(_blank(c) for c in cells) or _is_column_numbers(cells):
            continue
        record = {key: cells[col] if col < len(cells) else None for key, col in columns.items()}
        yield row_number, record


# --- works and materials -----------------------------------------------------------


def act_key(act_number: str) -> str:
    """Act numbers compare without case, spaces or look-alike letters: `5-кж` == `5-КЖ`."""
    return re.sub(r"\s+", "", fold(act_number))


def _invalid(
    sheet: Sheet, row: int | None, text: str, act: str | None = None, material: str | None = None
) -> Finding:
    where = f"{sheet.label}, строка {row}" if row is not None else sheet.label
    return Finding(
        "INVALID_WORK",
        f"{where}: {text}",
        stage=STAGE,
        act_number=act or None,
        material=material or None,
    )


def _missing_columns(sheet: Sheet, columns: dict[str, int], required: list[str]) -> Finding | None:
    missing = [HEADER_LABELS_RU[k] for k in required if k not in columns]
    if not missing:
        return None
    names = ", ".join(f"«{m}»" for m in missing)
    return _invalid(sheet, None, f"нет колонок {names}: добавьте их в строку заголовков.")


def _work_row(sheet: Sheet, row: int, record: dict) -> tuple[dict | None, list[Finding]]:
    act = cell_text(record.get("act_number"))
    if not act:
        return None, [_invalid(sheet, row, "не указан № акта — заполните его или удалите строку.")]
    problems: list[str] = []
    dates: dict[str, dt.date | None] = {}
    for key, label in (
        ("start_date", "дата начала"),
        ("end_date", "дата окончания"),
        ("act_date", "дата акта"),
    ):
        try:
            dates[key] = parse_cell_date(record.get(key))
        except CellError as exc:
            dates[key] = None
            problems.append(f"{label} {exc}; укажите дату в формате ДД.ММ.ГГГГ")
            continue
        if dates[key] is None and key != "act_date":
            problems.append(f"не указана {label} — заполните её в формате ДД.ММ.ГГГГ")
    start, end = dates["start_date"], dates["end_date"]
    if start and end and end < start:
        problems.append(
            f"дата окончания {end:%d.%m.%Y} раньше даты начала {start:%d.%m.%Y} — "
            "исправьте одну из дат"
        )
    work_name = cell_text(record.get("work_name"))
    if not work_name:
        problems.append("не указано наименование работ (п.1 акта) — заполните его")
    if problems:
        text = f"акт № {act}: " + "; ".join(problems) + ". Акт по этой строке не сформирован."
        return None, [_invalid(sheet, row, text, act)]
    work = {key: cell_text(record.get(key)) or None for key in tables.WORK_COLUMNS}
    work.update(
        act_number=act,
        work_name=work_name,
        start_date=start,
        end_date=end,
        act_date=dates["act_date"] or end,
        sheet_row=row,
    )
    return work, []


def _read_works(sheet: Sheet) -> tuple[list[dict], set[str], list[Finding]]:
    """Valid work rows, keys of acts whose rows were rejected, findings."""
    header = _find_header(sheet, _WORK_INDEX)
    if header is None:
        text = (
            "не найдена строка заголовков («№ акта», «Наименование работ», «Дата начала», "
            "«Дата окончания»): добавьте её над таблицей работ."
        )
        return [], set(), [_invalid(sheet, None, text)]
    missing = _missing_columns(sheet, header[1], REQUIRED_WORK)
    if missing:
        return [], set(), [missing]
    works: list[dict] = []
    rejected: set[str] = set()
    first_row: dict[str, int] = {}
    findings: list[Finding] = []
    for row, record in _records(sheet, header):
        work, problems = _work_row(sheet, row, record)
        findings.extend(problems)
        act = cell_text(record.get("act_number"))
        if work is None:
            if act:
                rejected.add(act_key(act))
            continue
        key = act_key(act)
        if key in first_row:
            text = (
                f"№ акта {act} уже указан в строке {first_row[key]} — у каждого акта "
                "свой номер; исправьте номер или удалите повтор. Строка пропущена."
            )
            findings.append(_invalid(sheet, row, text, act))
            continue
        first_row[key] = row
        works.append(work)
    return works, rejected - set(first_row), findings


def _read_materials(
    sheet: Sheet, acts: dict[str, str], rejected: set[str]
) -> tuple[list[dict], list[Finding]]:
    header = _find_header(sheet, _MATERIAL_INDEX)
    if header is None:
        text = (
            "не найдена строка заголовков («№ акта», «Материал», «Количество», «Ед. изм.»): "
            "добавьте её над таблицей материалов."
        )
        return [], [_invalid(sheet, None, text)]
    missing = _missing_columns(sheet, header[1], REQUIRED_MATERIAL)
    if missing:
        return [], [missing]
    materials: list[dict] = []
    findings: list[Finding] = []
    line_numbers: dict[str, int] = {}
    for row, record in _records(sheet, header):
        act = cell_text(record.get("act_number"))
        material = cell_text(record.get("material"))
        if not act:
            findings.append(
                _invalid(
                    sheet,
                    row,
                    f"у материала «{material}» не указан № акта — "
                    "укажите, к какому акту он относится.",
                    material=material,
                )
            )
            continue
        key = act_key(act)
        if key in rejected:
            continue  # the act's own row was rejected and already reported
        if key not in acts:
            text = (
                f"материал «{material}» относится к акту № {act}, которого нет на листе "
                "работ — добавьте акт или исправьте номер."
            )
            findings.append(_invalid(sheet, row, text, act, material))
            continue
        if not material:
            findings.append(
                _invalid(
                    sheet,
                    row,
                    f"акт № {act}: не указано наименование "
                    "материала — заполните его или удалите строку.",
                    act,
                )
            )
            continue
        try:
            quantity, written_unit = parse_cell_quantity(record.get("quantity"))
        except CellError as exc:
            quantity, written_unit = None, ""
            text = (
                f"акт № {act}, материал «{material}»: количество {exc} — укажите число "
                "(например 12,5). Материал включён в акт без количества."
            )
            findings.append(_invalid(sheet, row, text, acts[key], material))
        line_numbers[key] = line_numbers.get(key, 0) + 1
        materials.append(
            {
                "act_number": acts[key],
                "material": material,
                "quantity": quantity,
                "unit": cell_text(record.get("unit")) or written_unit or None,
                "sheet_row": row,
                "line_no": line_numbers[key],
            }
        )
    return materials, findings


# --- locating the register ---------------------------------------------------------


def _pick_sheet(
    sheets: list[tuple[str, Sheet]], name: str, index: dict[str, str], marker: str
) -> Sheet | None:
    """The sheet called `name` (any case), else the one whose header names `marker`."""
    for title, sheet in sheets:
        if header_key(title) == header_key(name):
            return sheet
    for _, sheet in sheets:
        header = _find_header(sheet, index)
        if header and marker in header[1]:
            return sheet
    return None


def _load_sheets(project_dir: Path) -> tuple[Sheet | None, Sheet | None, list[Finding]]:
    xlsx = project_dir / "works.xlsx"
    works_csv, materials_csv = project_dir / "works.csv", project_dir / "materials.csv"
    register = Sheet("Реестр работ", [])
    if xlsx.exists():
        try:
            sheets = _xlsx_sheets(xlsx)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is a finding
            text = (
                f"файл works.xlsx не открывается ({type(exc).__name__}) — сохраните его "
                "заново в Excel в формате .xlsx."
            )
            return None, None, [_invalid(register, None, text)]
        works = _pick_sheet(sheets, WORKS_SHEET, _WORK_INDEX, "work_name")
        materials = _pick_sheet(sheets, MATERIALS_SHEET, _MATERIAL_INDEX, "material")
        findings = []
        if works is None:
            findings.append(
                _invalid(
                    register,
                    None,
                    "в works.xlsx нет листа «Работы» — добавьте "
                    "лист с колонками № акта, Наименование работ, Дата начала, "
                    "Дата окончания.",
                )
            )
        if materials is None:
            findings.append(
                _invalid(
                    register,
                    None,
                    "в works.xlsx нет листа «Материалы» — "
                    "добавьте лист с колонками № акта, Материал, Количество, "
                    "Ед. изм.; без него п.3 актов останется пустым.",
                )
            )
        return works, materials, findings
    if works_csv.exists():
        findings = []
        materials = None
        if materials_csv.exists():
            materials = _csv_sheet(materials_csv, _MATERIAL_INDEX)
        else:
            findings.append(
                _invalid(
                    register,
                    None,
                    "рядом с works.csv нет файла materials.csv "
                    "— добавьте его (№ акта; Материал; Количество; Ед. изм.); "
                    "без него п.3 актов останется пустым.",
                )
            )
        return _csv_sheet(works_csv, _WORK_INDEX), materials, findings
    text = (
        "не найден works.xlsx (или works.csv + materials.csv) — положите реестр работ в "
        "папку проекта; команда `pto-pipeline init` создаёт пустой шаблон."
    )
    return None, None, [_invalid(register, None, text)]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    if not rows:
        return tables.empty(columns)
    frame = pd.DataFrame(rows, columns=columns).astype(object)
    return frame.where(frame.notna(), None)


def read_register(project_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[Finding]]:
    """Works (tables.WORK_COLUMNS), materials (tables.MATERIAL_COLUMNS) and findings."""
    works_sheet, materials_sheet, findings = _load_sheets(Path(project_dir))
    works: list[dict] = []
    rejected: set[str] = set()
    if works_sheet is not None:
        works, rejected, found = _read_works(works_sheet)
        findings.extend(found)
        if not works and not found:
            findings.append(
                _invalid(
                    works_sheet,
                    None,
                    "реестр работ пуст — заполните строки работ (одна строка — один акт).",
                )
            )
    materials: list[dict] = []
    if materials_sheet is not None:
        acts = {act_key(w["act_number"]): w["act_number"] for w in works}
        materials, found = _read_materials(materials_sheet, acts, rejected)
        findings.extend(found)
    return _frame(works, tables.WORK_COLUMNS), _frame(materials, tables.MATERIAL_COLUMNS), findings
