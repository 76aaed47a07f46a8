"""Sheets of working documentation (RD): specification tables and drawings with their
title blocks, drawn as vector pages (two CAD styles) or scanned.

Style `ruled` draws a ГОСТ 21.110 full-form specification on A3 landscape with every
cell ruled (the usual AutoCAD export); style `open` draws a drawing's short form on A4
with horizontal rules only and another font (a nanoCAD-like export: no ruled table for
pdfplumber, the layout reading has to find the columns). Any sheet can be scanned.
"""

from __future__ import annotations

import re
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
        m = re.fullmatch(r"([0-9][0-9 \u00a0]*(?:,[0-9]+)?)\s*([^0-9].*)?", self.quantity)
        if not unit and form == "short":
            unit = (m.group(2) if m and m.group(2) else "") or default_unit
        number = m.group(1).replace(" ", "").replace("\u00a0", "").replace(",", ".") if m else ""
        return {
            "position": self.position,
            "name": name,
            "type_mark": self.type_mark,
            "unit": unit,
            "quantity": float(number) if number else None,
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
    font: str | None = None  # another font family (the evaluation's reserved layout)

    @property
    def table_columns(self) -> tuple:
        return self.columns or (FULL_COLUMNS if self.form == "full" else SHORT_COLUMNS)

    def truth(self) -> list[dict]:
        return [r.truth(self.form) for r in self.rows if not r.section]


_ROW_H = 8.0
_HEADER_H = 15.0


def draw_sheet(sheet: Sheet) -> Page:
    # the full form needs A3 landscape, the short one fits A4
    page = Page(420.0, 297.0) if sheet.form == "full" else Page(210.0, 297.0)
    family, size = ("sans", 9.0) if sheet.style == "ruled" else ("serif", 10.0)
    family = sheet.font or family
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


# --- the sample project's RD ------------------------------------------------------------

KZH = "118-2025-КЖ"
# The planted cases: the register's «Бикрост ХПП» (act 8) is a substitution of the
# designed «Унифлекс ЭПП»; the register's А500С Ø12 (act 5, 1,8 т) is over the designed
# 1 650 kg.
SUBSTITUTION = ("8", "Гидроизоляция наплавляемая «Бикрост ХПП»")
OVERRUN = ("5", "Арматура А500С Ø12 ГОСТ 34028-2016")


def _drawing(code: str, sheet: int, sheets: int, title: str, style: str = "ruled") -> Sheet:
    return Sheet(
        code,
        sheet,
        sheets,
        title,
        form="full" if style == "ruled" else "short",
        style=style,
        caption=title,
    )


def sample_sheets() -> dict[str, list[Sheet]]:
    """File name under rd/ -> its sheets, one page each."""
    kzh0, kzh1, kzh2 = f"{KZH}0", f"{KZH}1", f"{KZH}2"
    kzh0_spec = Sheet(
        kzh0,
        3,
        12,
        "Спецификация материалов подготовки и гидроизоляции",
        rows=[
            Row(section="Материалы"),
            Row(
                "1",
                "Песок для строительных работ, средний",
                "ГОСТ 8736-2014",
                "",
                "",
                "м³",
                "190,0",
            ),
            Row(
                "2",
                "Материал рулонный гидроизоляционный наплавляемый, в два слоя",
                "Техноэласт ЭПП",
                "",
                "ТЕХНОНИКОЛЬ",
                "м²",
                "450",
            ),
            Row("3", "Праймер битумный", "ТЕХНОНИКОЛЬ № 01", "", "ТЕХНОНИКОЛЬ", "л", "170"),
        ],
    )
    kzh1_spec = [
        Sheet(
            kzh1,
            2,
            9,
            "Спецификация материалов фундаментной плиты Фм1",
            rows=[
                Row(section="Бетон"),
                Row(
                    "1",
                    "Бетонная смесь тяжёлая класса В25, марок П4, F150, W6",
                    "ГОСТ 7473-2010",
                    "",
                    "",
                    "м³",
                    "24,5",
                ),
                Row(section="Арматурные изделия"),
                Row(
                    "2",
                    "Арматура периодического профиля класса А500С диаметром 16 мм "
                    "в прутках немерной длины",
                    "ГОСТ 34028-2016",
                    "",
                    "",
                    "кг",
                    "9 150",
                ),
            ],
        ),
        Sheet(  # the specification goes on: the header repeated on the next sheet
            kzh1,
            3,
            9,
            "Спецификация материалов фундаментной плиты Фм1 (окончание)",
            rows=[
                Row(
                    "3",
                    "Проволока стальная низкоуглеродистая вязальная Ø1,2 мм",
                    "ГОСТ 3282-74",
                    "",
                    "",
                    "кг",
                    "130",
                    "",
                    "на вязку каркасов",
                ),
            ],
        ),
    ]
    kzh2_spec = Sheet(
        kzh2,
        2,
        7,
        "Спецификация материалов приямков ПР-1, ПР-2",
        rows=[
            Row(section="Бетон"),
            Row("1", "Бетон В25 F150 W6", "ГОСТ 7473-2010", "", "", "м³", "6,2"),
            Row(section="Арматурные изделия"),
            Row("2", "Арматура А500С Ø12", "ГОСТ 34028-2016", "", "", "кг", "1 650"),
        ],
    )
    kzh2_waterproofing = Sheet(
        kzh2,
        7,
        7,
        "Спецификация материалов гидроизоляции стен приямков",
        rows=[
            Row(section="Материалы"),
            Row(
                "1",
                "Праймер битумный ИзолПраймер-01",
                "ТУ 5775-011-17925162-2003",
                "",
                "",
                "л",
                "90",
            ),
            Row(
                "2",
                "Мастика битумная гидроизоляционная",
                "ТУ 5775-018-17925162-2004",
                "",
                "",
                "кг",
                "260",
            ),
            Row(
                "3", "Материал рулонный наплавляемый", "Унифлекс ЭПП", "", "ТЕХНОНИКОЛЬ", "м²", "65"
            ),
        ],
    )
    kzh = [
        _drawing(kzh0, 4, 12, "План песчаной подушки"),
        kzh0_spec,
        _drawing(kzh0, 12, 12, "Узлы гидроизоляции фундаментной плиты"),
        *kzh1_spec,
        *(
            _drawing(kzh1, n, 9, f"Схема армирования фундаментной плиты. Лист {n - 3}")
            for n in range(4, 10)
        ),
        _drawing(kzh2, 1, 7, "Общие данные"),
        kzh2_spec,
        _drawing(kzh2, 3, 7, "Опалубочный чертёж приямков"),
        kzh2_waterproofing,
    ]
    kzh.sort(key=lambda s: (s.code, s.sheet))
    nvk = "118-2025-НВК"
    nvk_spec = Sheet(
        nvk,
        3,
        6,
        "Спецификация материалов сети К1",
        form="short",
        style="open",
        rows=[
            Row(section="Материалы"),
            Row("1", "Песок для строительных работ, м³", "ГОСТ 8736-2014", quantity="40"),
            Row("2", "Щебень гранитный фр. 20–40 М1200, м³", "ГОСТ 8267-93", quantity="13"),
            Row("3", "Труба ПЭ 100 SDR 17 110×6,6", "ГОСТ 18599-2001", quantity="100 м"),
            Row(section="Сборные элементы"),
            Row("4", "Кольцо стеновое КС 15.9", "ГОСТ 8020-2016", quantity="4", mass="1380"),
        ],
    )
    nvk_sheets = [nvk_spec] + [
        _drawing(nvk, n, 6, f"Профиль сети К1. Лист {n}", "open") for n in (2, 4, 5, 6)
    ]
    nvk_sheets.sort(key=lambda s: s.sheet)
    ar = "118-2025-АР"
    ar_scan = Sheet(
        ar,
        14,
        15,
        "Спецификация материалов кладки камер",
        rows=[
            Row(section="Материалы"),
            Row(
                "1",
                "Кирпич керамический рядовой полнотелый М150",
                "ГОСТ 530-2012",
                quantity="6 200",
            ),
            Row("2", "Раствор кладочный М150, м³", "ГОСТ 28013-98", quantity="3,8"),
        ],
        form="short",
    )
    return {
        f"{KZH}.pdf": kzh,
        f"{nvk}.pdf": nvk_sheets,
        f"{ar}.pdf": [_drawing(ar, 15, 15, "План кладки камер КК-1, КК-2", "open")],
        f"Сканы/{ar} лист 14.pdf": [ar_scan],
    }


SCANNED = {"Сканы/118-2025-АР лист 14.pdf"}


def write_sample_rd(rd_dir) -> dict:
    """Write the sample RD under `rd_dir`; return its ground truth."""
    from pathlib import Path

    from pto_pipeline.corpus.degrade import ScanStyle, apply
    from pto_pipeline.corpus.pdfout import digital_pdf, scanned_pdf
    from pto_pipeline.corpus.raster import render_page
    from pto_pipeline.domain.fsutil import write_bytes_atomic

    rd_dir = Path(rd_dir)
    truth = {"files": {}, "substitution": SUBSTITUTION, "overrun": OVERRUN}
    for name, sheets in sample_sheets().items():
        pages = [draw_sheet(s) for s in sheets]
        if name in SCANNED:
            images = [apply(render_page(p), ScanStyle(skew=0.6, noise=3.0, seed=5)) for p in pages]
            data = scanned_pdf(images, jpeg_quality=80)
        else:
            data = digital_pdf(pages, creator="AutoCAD" if "КЖ" in name else "nanoCAD")
        write_bytes_atomic(rd_dir / name, data)
        truth["files"][name] = [
            {"code": s.code, "sheet": str(s.sheet), "title": s.title, "lines": s.truth()}
            for s in sheets
        ]
    return truth


def exact_share(truth: list[dict], read: list[dict]) -> tuple[int, int]:
    """(lines read exactly, lines in truth): name, unit and quantity all equal (names
    compared with spaces collapsed, ё as е and look-alike letters folded)."""
    from pto_pipeline.domain.text import fold

    def key(line: dict) -> tuple:
        name = fold(str(line.get("name") or ""))  # OCR's Latin M of M150 is the same M
        quantity = line.get("quantity")
        return (name, line.get("unit") or "", round(float(quantity), 3) if quantity else None)

    got = [key(r) for r in read]
    exact = 0
    for line in truth:
        k = (key(line)[0], _unit(line.get("unit")), key(line)[2])
        if k in got:
            got.remove(k)
            exact += 1
    return exact, len(truth)


def _unit(unit: str | None) -> str:
    from pto_pipeline.domain.materials import normalize_unit

    return normalize_unit(unit) or "" if unit else ""
