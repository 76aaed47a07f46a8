"""Sheets of working documentation (RD): specification tables and drawings with their
title blocks, drawn as vector pages (two CAD styles) or scanned.

Style `ruled` draws a ГОСТ 21.110 full-form specification on A3 landscape with every
cell ruled (the usual AutoCAD export); style `open` draws a drawing's short form on A4
with horizontal rules only and another font (a nanoCAD-like export: no ruled table for
pdfplumber, the layout reading has to find the columns). Any sheet can be scanned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pto_pipeline.corpus.fonts import MM_PER_PT, text_width_mm
from pto_pipeline.corpus.page import Line, Page, Rect, Text, wrap

FULL_COLUMNS = (
    ("position", "Поз.", 18),
    ("name", "Наименование и техническая характеристика", 120),
    ("type_mark", "Тип, марка, обозначение документа", 58),
    ("code", "Код продукции", 26),
    ("manufacturer", "Завод-изготовитель", 44),
    ("unit", "Ед. изм.", 18),
    ("quantity", "Кол.", 20),
    ("mass", "Масса 1 ед., кг", 22),
    ("note", "Примечание", 34),
)
SHORT_COLUMNS = (
    ("position", "Поз.", 12),
    ("type_mark", "Обозначение", 42),
    ("name", "Наименование", 78),
    ("quantity", "Кол.", 18),
    ("mass", "Масса ед., кг", 16),
    ("note", "Примечание", 19),
)


@dataclass(frozen=True)
class Row:
    """One specification line; `name` may wrap over rows; a row with only `section` is a
    section title."""

    position: str = ""
    name: str = ""
    type_mark: str = ""
    code: str = ""
    manufacturer: str = ""
    unit: str = ""
    quantity: str = ""
    mass: str = ""
    note: str = ""
    section: str = ""

    def truth(self, form: str, default_unit: str = "шт") -> dict:
        """What a reader should get: name, unit, quantity (decimal commas read)."""
        unit = self.unit
        name = self.name
        if not unit and ", " in name and name.rsplit(", ", 1)[1] in ("м³", "м3", "м", "т", "кг"):
            name, unit = name.rsplit(", ", 1)
        if not unit and form == "short":
            parts = self.quantity.split()
            unit = parts[1] if len(parts) > 1 else default_unit
        number = self.quantity.split()[0].replace(",", ".") if self.quantity else ""
        return {
            "position": self.position,
            "name": name,
            "type_mark": self.type_mark,
            "unit": unit,
            "quantity": float(number.replace("\u00a0", "")) if number else None,
        }


@dataclass
class Sheet:
    code: str
    sheet: int
    sheets: int
    title: str
    object_name: str = "Многоквартирный жилой дом. Корпус 2"
    organisation: str = "ООО «ПИ «Татгражданпроект»"
    rows: list[Row] = field(default_factory=list)  # empty: a drawing
    form: str = "full"  # full | short
    style: str = "ruled"  # ruled | open
    columns: tuple | None = None  # another column order
    caption: str = ""  # drawing pages: a caption and a few lines stand for the drawing

    @property
    def table_columns(self) -> tuple:
        return self.columns or (FULL_COLUMNS if self.form == "full" else SHORT_COLUMNS)

    def truth(self) -> list[dict]:
        return [r.truth(self.form) for r in self.rows if not r.section]


_ROW_H = 8.0
_HEADER_H = 15.0


def draw_sheet(sheet: Sheet) -> Page:
    if sheet.style == "ruled":
        page = Page(420.0, 297.0) if sheet.form == "full" else Page(210.0, 297.0)
        family, size = "sans", 9.0
    else:
        page = Page(297.0, 210.0) if sheet.form == "full" else Page(210.0, 297.0)
        family, size = "serif", 10.0
    page.items.append(Rect(20, 5, page.width - 25, page.height - 10, width=0.5))
    if sheet.rows:
        _draw_table(page, sheet, family, size)
    else:
        _draw_drawing(page, sheet, family)
    _title_block(page, sheet, family)
    return page


def _text(page: Page, x: float, y: float, text: str, size: float, family: str, align="left"):
    width = text_width_mm(text, family, False, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    page.items.append(Text(x, y, text, size, family))


def _draw_table(page: Page, sheet: Sheet, family: str, size: float) -> None:
    columns = sheet.table_columns
    x0, y = 20.0, 5.0 + (0 if sheet.style == "ruled" else 12)
    if sheet.style == "open":
        _text(page, x0 + 60, y - 4, f"Спецификация к листу {sheet.sheet}", size + 2, family)
    xs = [x0]
    for _, _, width in columns:
        xs.append(xs[-1] + width)
    ruled = sheet.style == "ruled"
    # header
    for (_, title, width), x in zip(columns, xs, strict=False):
        lines = wrap(title, width - 2, family, False, size)
        top = y + (_HEADER_H - len(lines) * size * MM_PER_PT * 1.2) / 2
        for k, line in enumerate(lines):
            baseline = top + (k + 0.8) * size * MM_PER_PT * 1.2
            _text(page, x + width / 2, baseline, line, size, family, "center")
    rows_y = [y, y + _HEADER_H]
    y += _HEADER_H
    for row in sheet.rows:
        if row.section:
            _text(page, _column_x(columns, xs, "name") + 40, y + 5.5, row.section, size, family)
            y += _ROW_H
            rows_y.append(y)
            continue
        name_lines = wrap(row.name, _column_w(columns, "name") - 3, family, False, size)
        for k, name_line in enumerate(name_lines):
            baseline = y + 5.5
            _text(page, _column_x(columns, xs, "name") + 1.5, baseline, name_line, size, family)
            if k == 0:
                for column, _, width in columns:
                    value = getattr(row, column)
                    if column == "name" or not value:
                        continue
                    x = _column_x(columns, xs, column)
                    if column in ("type_mark", "manufacturer", "note"):
                        for j, part in enumerate(wrap(value, width - 3, family, False, size)[:1]):
                            _text(page, x + 1.5, baseline + j * 4, part, size, family)
                    else:
                        _text(page, x + width / 2, baseline, value, size, family, "center")
            y += _ROW_H
            rows_y.append(y)
    if ruled:
        for x in xs:
            page.items.append(Line(x, rows_y[0], x, rows_y[-1], 0.3))
        for ry in rows_y:
            page.items.append(Line(xs[0], ry, xs[-1], ry, 0.3 if ry != rows_y[1] else 0.5))
    else:
        page.items.append(Line(xs[0], rows_y[0], xs[-1], rows_y[0], 0.5))
        page.items.append(Line(xs[0], rows_y[1], xs[-1], rows_y[1], 0.5))
        page.items.append(Line(xs[0], rows_y[-1], xs[-1], rows_y[-1], 0.3))


def _column_x(columns, xs, name: str) -> float:
    return next(x for (c, _, _), x in zip(columns, xs, strict=False) if c == name)


def _column_w(columns, name: str) -> float:
    return next(w for c, _, w in columns if c == name)


def _draw_drawing(page: Page, sheet: Sheet, family: str) -> None:
    """A caption, a plan's outline with grid lines and a note stand for the drawing."""
    _text(page, 40, 25, sheet.caption or sheet.title, 12, family)
    x, y, w, h = 40.0, 40.0, page.width - 120, page.height - 130
    page.items.append(Rect(x, y, w, h, width=0.6))
    for k in range(1, 6):
        page.items.append(Line(x + k * w / 6, y, x + k * w / 6, y + h, 0.2))
    _text(page, 40, y + h + 10, "Примечания: 1. Размеры даны в миллиметрах.", 9, family)


def _title_block(page: Page, sheet: Sheet, family: str) -> None:
    """ГОСТ 21.101 form 3, simplified: the шифр on top, the revision row, the people,
    the object, the sheet's title, Стадия / Лист / Листов, the organisation."""
    w, h = 185.0, 55.0
    x, y = page.width - 5 - w, page.height - 5 - h
    page.items.append(Rect(x, y, w, h, width=0.5))
    page.items.append(Line(x, y + 15, x + w, y + 15, 0.5))
    page.items.append(Line(x, y + 20, x + 65, y + 20, 0.3))
    page.items.append(Line(x + 65, y, x + 65, y + h, 0.5))
    page.items.append(Line(x + 65, y + 30, x + w, y + 30, 0.5))
    page.items.append(Line(x + 135, y + 30, x + 135, y + h, 0.5))
    page.items.append(Line(x + 135, y + 35, x + w, y + 35, 0.3))
    page.items.append(Line(x + 135, y + 40, x + w, y + 40, 0.3))
    for dx in (150, 165):
        page.items.append(Line(x + dx, y + 30, x + dx, y + 40, 0.3))
    _text(page, x + 125, y + 10, sheet.code, 14, family, "center")
    _text(page, x + 2, y + 18.5, "Изм.   Кол.уч   Лист   №док.   Подп.   Дата", 7, family)
    _text(page, x + 2, y + 26, "Разраб.     Иванов", 8, family)
    _text(page, x + 2, y + 33, "Проверил   Петров", 8, family)
    _text(page, x + 2, y + 40, "ГИП          Сидоров", 8, family)
    _text(page, x + 100, y + 24, sheet.object_name, 9, family, "center")
    for k, part in enumerate(wrap(sheet.title, 66, family, False, 9)[:2]):
        _text(page, x + 100, y + 40 + k * 5, part, 9, family, "center")
    _text(page, x + 142.5, y + 33.8, "Стадия", 7, family, "center")
    _text(page, x + 157.5, y + 33.8, "Лист", 7, family, "center")
    _text(page, x + 175, y + 33.8, "Листов", 7, family, "center")
    _text(page, x + 142.5, y + 38.8, "Р", 9, family, "center")
    _text(page, x + 157.5, y + 38.8, str(sheet.sheet), 9, family, "center")
    _text(page, x + 175, y + 38.8, str(sheet.sheets), 9, family, "center")
    _text(page, x + 160, y + 49, sheet.organisation, 8, family, "center")
