"""Specification sheets of the working documentation read into lines (SPEC §10).

Every page of every PDF under `rd/` goes through the OCR layer (`ocr.run_pages`): a
vector page gives its text layer laid out as printed, a scan or a CAD export whose text
is drawn as curves is OCRed (turned when it lies sideways). The specification table is
then found by its column titles (`spec_tables.yaml`, read by the quality documents'
table reader), so the columns may stand in any order. A vector page with ruling is read
from pdfplumber's ruled tables first: a ruled cell keeps a wrapped name and a merged
cell whole.

Rows become lines: a one-cell row of a section word («Бетон», «Арматурные изделия»)
starts a section; a row with neither position nor quantity continues the line above
(a name wrapped over lines). The title block gives the шифр and the sheet number.
Pages without a specification table (drawings, notes) keep only their sheet.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from pto_pipeline.domain.extraction.layout import layout_text, pdf_words
from pto_pipeline.domain.extraction.normalize import search_form
from pto_pipeline.domain.extraction.rules import compile_phrase
from pto_pipeline.domain.extraction.table_reader import (
    Table,
    TableKind,
    find_tables,
    load_table_kinds,
)
from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.inbox import walk_inbox
from pto_pipeline.domain.materials import normalize_unit
from pto_pipeline.domain.ocr import OcrConfig, OcrProgress, SourceFile, plan_pages, run_pages
from pto_pipeline.domain.register import CellError, parse_cell_quantity
from pto_pipeline.domain.safe_yaml import read_yaml_file
from pto_pipeline.domain.text import to_cyrillic_lookalikes

HERE = Path(__file__).parent
TABLES_FILE = HERE / "spec_tables.yaml"
RULES_FILE = HERE / "design.yaml"
STAGE = "design_spec"

LINE_COLUMNS = [
    "source_file",
    "page",
    "code",
    "sheet",
    "position",
    "name",
    "type_mark",
    "unit",
    "quantity",
    "mass",
    "note",
    "section",
    "form",  # full | short
    "text_source",  # text_layer | ocr
]
SHEET_COLUMNS = ["source_file", "page", "code", "sheet", "title", "lines", "text_source"]
_FIELDS = ("position", "name", "type_mark", "code", "manufacturer", "unit", "quantity", "mass")


@dataclass(frozen=True)
class Rules:
    code: re.Pattern[str]
    sections: tuple[re.Pattern[str], ...]
    section_max_words: int
    title_words: tuple[re.Pattern[str], ...]
    name_unit: re.Pattern[str]
    short_form_unit: str


@cache
def rules(path: Path = RULES_FILE) -> Rules:
    data = read_yaml_file(path)
    return Rules(
        re.compile(data["code_pattern"]),
        tuple(compile_phrase(p) for p in data["section_words"]),
        int(data["section_max_words"]),
        tuple(compile_phrase(p) for p in data["title_words"]),
        re.compile(data["name_unit_pattern"], re.IGNORECASE),
        str(data["short_form_unit"]),
    )


def kinds() -> tuple[TableKind, ...]:
    return load_table_kinds(TABLES_FILE)


def _kind(name: str) -> TableKind:
    return next(k for k in kinds() if k.name == name)


@dataclass
class PageReading:
    code: str | None
    sheet: str | None
    title: str | None
    lines: list[dict] = field(default_factory=list)  # LINE_COLUMNS minus file/page/source


@dataclass
class DesignReading:
    lines: pd.DataFrame
    sheets: pd.DataFrame
    findings: list[Finding]
    files: int = 0

    @property
    def has_rd(self) -> bool:
        return self.files > 0


# --- one page --------------------------------------------------------------------------


def normalize_code(text: str) -> str:
    """A шифр as a comparison key: upper case, Cyrillic look-alikes, dashes, no spaces."""
    text = to_cyrillic_lookalikes(text.upper()).replace("Ё", "Е")
    return re.sub(r"\s+", "", re.sub(r"[–—]", "-", text))


def find_codes(text: str) -> list[str]:
    """Design codes (шифры) in a text, normalised, in text order."""
    upper = to_cyrillic_lookalikes(text.upper())
    return [normalize_code(m.group(0)) for m in rules().code.finditer(upper)]


def read_page(layout: str, ruled: list[list[list[str | None]]] | None = None) -> PageReading:
    """A page's шифр, sheet, title and specification lines, from its layout reading and,
    for a vector page, pdfplumber's ruled tables."""
    code = _page_code(layout)
    search = search_form(layout)
    sheet = _sheet_number(layout, search)
    title = _sheet_title(layout, search)
    lines: list[dict] = []
    for table in ruled or []:
        lines.extend(_lines_of_ruled(table, code))
    if not lines:
        for table in find_tables(search, (_kind("specification"),)):
            lines.extend(_lines_of_table(layout, table, code))
    return PageReading(code, sheet, title, lines)


def _page_code(layout: str) -> str | None:
    """The шифр of the title block: the code printed most often, the last of equals
    (the title block stands at the bottom)."""
    codes = find_codes(layout)
    if not codes:
        return None
    counts = Counter(codes)
    best = max(counts.values())
    return [c for c in codes if counts[c] == best][-1]


_SHEET_WORD = re.compile(r"(?<![а-я])лист(?![а-я])\s*[:№]?\s*([0-9]{1,3})(?![0-9])")
_CELL = re.compile(r"\S+(?: {1,2}\S+)*")


def _cells_of(line: str) -> list[tuple[int, int, str]]:
    """(start column, end column, text) of the cells of a layout line."""
    return [(m.start(), m.end(), m.group(0)) for m in _CELL.finditer(line)]


def _sheet_number(layout: str, search: str) -> str | None:
    """The number under `Лист` of the title block (`Стадия Лист Листов` over `Р 3 12`),
    else `Лист 3` written in a line."""
    lines = search.split("\n")
    for table in find_tables(search, (_kind("title_block"),)):
        title = table.columns.get("sheet", None)
        if title is None:
            continue
        first = search.count("\n", 0, title.start) + 1
        for line in lines[first : first + 3]:
            for start, _end, text in _cells_of(line):
                for m in re.finditer(r"(?<![0-9])[0-9]{1,3}(?![0-9])", text):
                    a, b = start + m.start(), start + m.end()
                    if a < title.column_end + 1 and title.column_start - 1 < b:
                        return str(int(m.group(0)))
    m = _SHEET_WORD.search(search)
    return str(int(m.group(1))) if m else None


def _sheet_title(layout: str, search: str) -> str | None:
    """The sheet's title: the last cell that starts with a title word (Спецификация...;
    the title block stands at the bottom), with its wrapped second line."""
    layout_lines, lines = layout.split("\n"), search.split("\n")
    for i, line in reversed(list(enumerate(lines))):
        for start, end, text in _cells_of(line):
            if not any(p.match(text) for p in rules().title_words):
                continue
            title = layout_lines[i][start:end]
            for s2, e2, more in _cells_of(layout_lines[i + 1] if i + 1 < len(lines) else ""):
                centre, width = (s2 + e2) / 2, end - start
                if abs(centre - (start + end) / 2) < width / 2 and not re.search(r"\d{2}", more):
                    title = f"{title} {more}"
                    break
            return _clean(title)
    return None


def _lines_of_table(layout: str, table: Table, code: str | None) -> list[dict]:
    if "quantity" not in table.columns:
        return []  # a list of referenced documents (Обозначение, Наименование), no spec
    raw = [
        {column: _clean(layout[cell.start : cell.end]) for column, cell in row.items()}
        for row in table.rows
    ]
    return _spec_lines(raw, set(table.columns), code)


def _lines_of_ruled(table: list[list[str | None]], code: str | None) -> list[dict]:
    """A pdfplumber table: a header row of spec titles, then its rows."""
    kind = _kind("specification")
    for h, header in enumerate(table[:4]):
        columns = _ruled_columns(kind, header)
        if len(set(columns.values())) >= kind.min_columns and "quantity" in columns.values():
            raw = []
            for row in table[h + 1 :]:
                cells = [_until_stop(kind, cell) for cell in row]
                raw.append(
                    {columns[i]: _clean(c) for i, c in enumerate(cells) if i in columns and c}
                )
                if any(c != (row[i] or "").strip() for i, c in enumerate(cells)):
                    break  # the title block joined the table's last row: the table is over
            return _spec_lines(raw, set(columns.values()), code)
    return []


def _until_stop(kind: TableKind, cell: str | None) -> str:
    """A ruled cell's lines before a title-block line (`Изм. Кол.уч ...`)."""
    kept = []
    for line in (cell or "").strip().split("\n"):
        if any(p.search(search_form(line)) for p in kind.stop):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _ruled_columns(kind: TableKind, header: list[str | None]) -> dict[int, str]:
    """Cell index -> column, by the kind's titles (the first title pattern that fits)."""
    found: dict[int, str] = {}
    for i, cell in enumerate(header):
        text = search_form(" ".join((cell or "").split()))
        if not text:
            continue
        for column, patterns in kind.titles.items():
            if column in found.values():
                continue
            words = kind.not_titles.get(column, ())
            if any(p.search(text) for p in patterns) and not any(w.search(text) for w in words):
                found[i] = column
                break
    return found


def _clean(text: str | None) -> str:
    return " ".join((text or "").replace("\u00ad", "").split())


# --- rows into lines -------------------------------------------------------------------


def _spec_lines(raw: list[dict[str, str]], columns: set[str], code: str | None) -> list[dict]:
    form = "full" if "unit" in columns else "short"
    section = ""
    lines: list[dict] = []
    for row in raw:
        row = _position_checked({k: v for k, v in row.items() if v})
        if not row or _is_column_numbers(row) or _is_repeated_header(row):
            continue
        if code and any(find_codes(v) == [code] for v in row.values()) and len(row) <= 2:
            break  # the title block's шифр: the table is over
        quantity = _quantity(row.get("quantity"))
        has_position = bool(row.get("position"))
        if not has_position and quantity is None:
            text = " ".join(row.values())
            if _is_section(text) and (not lines or len(row) == 1):
                section = text
                continue
            if lines:
                _continue(lines[-1], row)
            else:
                section = text
            continue
        if not has_position and lines and lines[-1]["quantity"] is None:
            _continue(lines[-1], row)  # the quantity printed on a wrapped name's last line
            lines[-1]["quantity"], lines[-1]["_unit_in_cell"] = quantity or (None, "")
            continue
        number, unit_in_cell = quantity or (None, "")
        lines.append(
            {
                "position": row.get("position", ""),
                "name": row.get("name", ""),
                "type_mark": row.get("type_mark", ""),
                "unit_column": row.get("unit", ""),
                "_unit_in_cell": unit_in_cell,
                "quantity": number,
                "mass": _number(row.get("mass")),
                "note": row.get("note", ""),
                "section": section,
                "form": form,
                "manufacturer": row.get("manufacturer", ""),
                "product_code": row.get("code", ""),
            }
        )
    return [_finish(line) for line in lines if line["name"] or line["type_mark"]]


_POSITION = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{1,2})?[а-яa-z]?|[А-ЯA-Z]{1,4}-?[0-9]{1,3}[а-я]?")


def _position_checked(row: dict[str, str]) -> dict[str, str]:
    """Text under `Поз.` that is no position (a wrapped name or a section title that an
    OCR layout put at the line's start) belongs to the name."""
    position = row.get("position")
    if position and not _POSITION.fullmatch(position.rstrip(".")):
        row = {k: v for k, v in row.items() if k != "position"}
        if len(position.strip(" .,;:")) <= 2:
            return row  # an OCR'd speck or a misread digit, not text
        row["name"] = f"{position} {row['name']}" if row.get("name") else position
    return row


def _continue(line: dict, row: dict[str, str]) -> None:
    for column, text in row.items():
        key = {"unit": "unit_column", "code": "product_code"}.get(column, column)
        if key in ("quantity", "mass", "position"):
            continue
        line[key] = f"{line.get(key, '')} {text}".strip()


def _finish(line: dict) -> dict:
    unit = line.pop("unit_column") or line.pop("_unit_in_cell", "")
    line.pop("_unit_in_cell", None)
    name = line["name"]
    m = rules().name_unit.search(name)
    if not unit and m:
        unit = m.group(1)
        line["name"] = name[: m.start()].rstrip(" ,(")
    if not unit and line["form"] == "short":
        unit = rules().short_form_unit
    line["unit"] = normalize_unit(_OCR_UNIT.sub(r"\g<1>3", unit)) if unit else None
    return line


_OCR_UNIT = re.compile(r"^(м)[зЗ]$")  # `мз`: OCR's з for the 3 of м3


def _quantity(text: str | None) -> tuple[float, str] | None:
    if not text:
        return None
    try:
        number, unit = parse_cell_quantity(text.replace("~", "").strip())
    except CellError:
        return None
    return (number, unit) if number is not None else None


def _number(text: str | None) -> float | None:
    q = _quantity(text)
    return q[0] if q else None


def _is_section(text: str) -> bool:
    words = text.split()
    if not words or len(words) > rules().section_max_words or re.search(r"\d", text):
        return False
    folded = search_form(text)
    return any(p.match(folded) for p in rules().sections)


def _is_column_numbers(row: dict[str, str]) -> bool:
    return all(re.fullmatch(r"\d{1,2}", v) for v in row.values()) and len(row) >= 3


def _is_repeated_header(row: dict[str, str]) -> bool:
    kind = _kind("specification")
    hits = sum(
        any(p.search(search_form(v)) for p in kind.titles.get(column, ()))
        for column, v in row.items()
    )
    return hits >= kind.min_columns


# --- files -----------------------------------------------------------------------------


def rd_files(rd_dir: Path) -> tuple[list[Path], list[Path]]:
    """(PDFs, other files) under `rd/`, sorted; hidden and temporary files skipped,
    symbolic links never followed."""
    pdfs, others = [], []
    for entry in walk_inbox(rd_dir):
        if entry.is_symlink or entry.is_special:
            continue
        (pdfs if entry.path.suffix.lower() == ".pdf" else others).append(entry.path)
    return pdfs, others


def read_design(
    rd_dir: Path,
    config: OcrConfig,
    workers: int = 1,
    on_progress: Callable[[OcrProgress], None] | None = None,
) -> DesignReading:
    """Every specification line and every sheet of the project's RD, with findings for
    what could not be read. Never raises on bad files."""
    rd_dir = Path(rd_dir)
    pdfs, others = rd_files(rd_dir)
    findings = [
        _unreadable(_rel(rd_dir, p), "не PDF — положите в rd/ листы РД в формате PDF")
        for p in others
    ]
    sources = []
    for path in pdfs:
        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            findings.append(_unreadable(_rel(rd_dir, path), f"файл недоступен: {exc}"))
            continue
        sources.append(SourceFile(sha, _rel(rd_dir, path), path))
    tasks, failed = plan_pages(sources)
    for row in failed:
        findings.append(_unreadable(row["source_file"], row["error"]))
    rows = run_pages(tasks, config, workers, on_progress) if tasks else []
    paths = {s.source_file: s.path for s in sources}
    lines: list[dict] = []
    sheets: list[dict] = []
    for row in rows:
        source = row["source_file"]
        if row["status"] != "ok":
            findings.append(_unreadable(source, f"стр. {row['page']}: {row['error']}"))
            continue
        layout, ruled = row.get("layout_text") or row.get("text") or "", None
        if row["text_source"] == "text_layer":
            layout, ruled = _vector_page(paths[source], row["page"], layout)
        page = read_page(layout, ruled)
        where = {"source_file": source, "page": row["page"]}
        sheets.append(
            where
            | {
                "code": page.code,
                "sheet": page.sheet,
                "title": page.title,
                "lines": len(page.lines),
                "text_source": row["text_source"],
            }
        )
        for line in page.lines:
            lines.append(
                where
                | {"code": page.code, "sheet": page.sheet, "text_source": row["text_source"]}
                | line
            )
    for source in sorted({s["source_file"] for s in sheets}):
        mine = [s for s in sheets if s["source_file"] == source]
        if not any(s["lines"] or s["code"] for s in mine):
            findings.append(
                Finding(
                    "RD_NO_SPECIFICATION",
                    "в файле из rd/ не найдены ни спецификация, ни шифр в основной надписи — "
                    "если это лист РД, проверьте, что он читается (скан не повёрнут, "
                    "заголовки граф Поз., Наименование, Кол. видны)",
                    stage=STAGE,
                    source_file=f"rd/{source}",
                )
            )
    return DesignReading(
        _frame(lines, [*LINE_COLUMNS, "manufacturer", "product_code"]),
        _frame(sheets, SHEET_COLUMNS),
        findings,
        files=len(pdfs) + len(others),
    )


def _vector_page(
    path: Path, page_no: int, layout: str
) -> tuple[str, list[list[list[str | None]]] | None]:
    """A vector page's words laid out with every line at its column, and pdfplumber's
    ruled tables; the OCR layer's layout when pdfplumber fails."""
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as pdf:
            page = pdf.pages[page_no - 1]
            words = pdf_words(page.extract_words())
            return layout_text(words)[0], page.extract_tables() or None
    except Exception:  # noqa: BLE001 - the OCR layer's layout reading is the fallback
        return layout, None


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns).astype(object)
    return frame.where(frame.notna(), None)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _unreadable(source: str, reason: str) -> Finding:
    return Finding(
        "RD_UNREADABLE",
        f"лист РД не прочитан: {reason}. Положите в rd/ читаемый PDF (без пароля); до "
        "тех пор материалы этого листа не сверяются с проектом.",
        stage=STAGE,
        source_file=f"rd/{source}",
    )
