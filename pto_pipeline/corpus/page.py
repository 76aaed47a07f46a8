"""Vector page model (millimetres, A4 by default) and a flowing layout builder.

A layout describes a document once as `Page` objects; `raster.py` turns them
into 300 DPI scans and `pdfout.py` into a digital PDF with a text layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pto_pipeline.corpus.fonts import MM_PER_PT, text_width_mm

BLACK = (0, 0, 0)
STAMP_BLUE = (38, 60, 170)
INK_BLUE = (20, 30, 110)


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float  # points
    family: str = "serif"
    bold: bool = False
    color: tuple[int, int, int] = BLACK


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.25


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    width: float = 0.3
    fill: int | None = None  # gray level 0..255 for shaded boxes


@dataclass(frozen=True)
class Stamp:
    """Round organisation stamp (печать) printed in blue ink."""

    cx: float
    cy: float
    radius: float
    ring_text: str
    center_lines: tuple[str, ...]
    angle: float = 0.0
    seed: int = 0
    color: tuple[int, int, int] = STAMP_BLUE


@dataclass(frozen=True)
class Signature:
    x: float
    y: float
    w: float
    h: float
    seed: int = 0
    color: tuple[int, int, int] = INK_BLUE


Item = Text | Line | Rect | Stamp | Signature


@dataclass
class Page:
    width: float = 210.0
    height: float = 297.0
    items: list[Item] = field(default_factory=list)

    def text_content(self) -> str:
        """Printed text in drawing order (for tests and debugging)."""
        return "\n".join(i.text for i in self.items if isinstance(i, Text))


@dataclass(frozen=True)
class Cell:
    """Table cell with options; a plain str is a one-column left-aligned cell."""

    text: str
    span: int = 1
    bold: bool = False
    align: str = "left"
    size: float | None = None


def wrap(text: str, width: float, family: str, bold: bool, size: float) -> list[str]:
    """Greedy word wrap to `width` mm; explicit newlines start new lines."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if text_width_mm(candidate, family, bold, size) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
            while text_width_mm(current, family, bold, size) > width and len(current) > 1:
                cut = _fitting_prefix(current, width, family, bold, size)
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines


def _fitting_prefix(word: str, width: float, family: str, bold: bool, size: float) -> int:
    cut = len(word) - 1
    while cut > 1 and text_width_mm(word[:cut], family, bold, size) > width:
        cut -= 1
    return cut


class Flow:
    """Top-to-bottom layout with automatic page breaks.

    `y` is the top of the next line in mm. Methods add items to the current
    page and advance `y`.
    """

    def __init__(
        self,
        family: str = "serif",
        size: float = 11.0,
        margins: tuple[float, float, float, float] = (20.0, 15.0, 12.0, 15.0),
        page_size: tuple[float, float] = (210.0, 297.0),
        leading: float = 1.25,
    ) -> None:
        self.family = family
        self.size = size
        self.leading = leading
        self.left, self.top, self.right_margin, self.bottom_margin = margins
        self.page_w, self.page_h = page_size
        self.pages: list[Page] = []
        self.new_page()

    # -- geometry -----------------------------------------------------------
    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def right(self) -> float:
        return self.page_w - self.right_margin

    @property
    def bottom(self) -> float:
        return self.page_h - self.bottom_margin

    @property
    def width(self) -> float:
        return self.right - self.left

    def line_height(self, size: float | None = None) -> float:
        return (size or self.size) * MM_PER_PT * self.leading

    def new_page(self) -> None:
        self.pages.append(Page(self.page_w, self.page_h))
        self.y = self.top

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom and self.y > self.top + 1:
            self.new_page()

    def space(self, mm: float) -> None:
        self.y += mm

    def add(self, item: Item) -> None:
        self.page.items.append(item)

    def baseline(self, top: float, size: float) -> float:
        """Baseline of a line whose box starts at `top`."""
        em = size * MM_PER_PT
        return top + em * 0.8 + (self.line_height(size) - em) / 2

    # -- text -----------------------------------------------------------------
    def text_at(
        self,
        x: float,
        y: float,
        text: str,
        size: float | None = None,
        bold: bool = False,
        family: str | None = None,
        align: str = "left",
        color: tuple[int, int, int] = BLACK,
    ) -> None:
        """One line at baseline `y`; `x` is the left, centre or right edge per `align`."""
        size = size or self.size
        family = family or self.family
        w = text_width_mm(text, family, bold, size)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        self.add(Text(x, y, text, size, family, bold, color))

    def para(
        self,
        text: str,
        size: float | None = None,
        bold: bool = False,
        align: str = "left",
        indent: float = 0.0,
        first_indent: float = 0.0,
        family: str | None = None,
        x0: float | None = None,
        width: float | None = None,
        space_after: float = 0.0,
    ) -> None:
        size = size or self.size
        family = family or self.family
        x0 = (self.left if x0 is None else x0) + indent
        width = (self.right - x0) if width is None else width - indent
        lh = self.line_height(size)
        for n, line in enumerate(wrap(text, width - first_indent, family, bold, size)):
            self.ensure(lh)
            shift = first_indent if n == 0 else 0.0
            base = self.baseline(self.y, size)
            if align == "center":
                self.text_at(x0 + width / 2, base, line, size, bold, family, "center")
            elif align == "right":
                self.text_at(x0 + width, base, line, size, bold, family, "right")
            else:
                self.text_at(x0 + shift, base, line, size, bold, family)
            self.y += lh
        self.y += space_after

    def kv(
        self,
        label: str,
        value: str,
        label_w: float = 55.0,
        size: float | None = None,
        label_bold: bool = False,
        value_bold: bool = False,
        underline: bool = False,
        space_after: float = 0.6,
    ) -> None:
        """Label in a left column, value wrapped in the right one (form field)."""
        size = size or self.size
        lh = self.line_height(size)
        label_lines = wrap(label, label_w - 2, self.family, label_bold, size)
        value_x = self.left + label_w
        value_lines = wrap(value, self.right - value_x, self.family, value_bold, size)
        rows = max(len(label_lines), len(value_lines))
        self.ensure(lh * rows)
        for n in range(rows):
            base = self.baseline(self.y, size)
            if n < len(label_lines):
                self.text_at(self.left, base, label_lines[n], size, label_bold)
            if n < len(value_lines):
                self.text_at(value_x, base, value_lines[n], size, value_bold)
            if underline:
                self.add(Line(value_x, base + 1.0, self.right, base + 1.0, 0.2))
            self.y += lh
        self.y += space_after

    def hrule(self, width: float = 0.3, gap: float = 1.5, x0: float | None = None) -> None:
        self.y += gap
        self.add(Line(self.left if x0 is None else x0, self.y, self.right, self.y, width))
        self.y += gap

    # -- tables ---------------------------------------------------------------
    def table(
        self,
        widths: list[float],
        rows: list[list[str | Cell]],
        size: float | None = None,
        header_rows: int = 1,
        align: list[str] | None = None,
        pad: float = 1.2,
        x0: float | None = None,
        line_width: float = 0.25,
        shade_header: bool = False,
        fill: bool = True,
    ) -> None:
        """Ruled table; widths in mm, scaled to the text width (`fill`) or when they sum larger."""
        size = size or self.size
        x0 = self.left if x0 is None else x0
        total = sum(widths)
        if fill or x0 + total > self.right + 0.01:
            widths = [w * (self.right - x0) / total for w in widths]
        lh = self.line_height(size) * 0.95
        for r, row in enumerate(rows):
            cells = self._layout_row(row, widths, size, header=r < header_rows, align=align)
            height = max(len(lines) for _, _, lines, _, _, _ in cells) * lh + 2 * pad
            self.ensure(height)
            top = self.y
            if shade_header and r < header_rows:
                self.add(Rect(x0, top, sum(widths), height, 0, fill=225))
            for start, width, lines, bold, cell_align, cell_size in cells:
                cx = x0 + sum(widths[:start])
                for n, line in enumerate(lines):
                    base = self.baseline(top + pad + n * lh, cell_size) - lh * 0.03
                    if cell_align == "center":
                        self.text_at(cx + width / 2, base, line, cell_size, bold, align="center")
                    elif cell_align == "right":
                        self.text_at(cx + width - pad, base, line, cell_size, bold, align="right")
                    else:
                        self.text_at(cx + pad, base, line, cell_size, bold)
                self.add(Line(cx, top, cx, top + height, line_width))
            right = x0 + sum(widths)
            self.add(Line(right, top, right, top + height, line_width))
            self.add(Line(x0, top, right, top, line_width))
            self.add(Line(x0, top + height, right, top + height, line_width))
            self.y = top + height

    def _layout_row(
        self,
        row: list[str | Cell],
        widths: list[float],
        size: float,
        header: bool,
        align: list[str] | None,
    ) -> list[tuple[int, float, list[str], bool, str, float]]:
        out = []
        col = 0
        for cell in row:
            if not isinstance(cell, Cell):
                col_align = align[col] if align and col < len(align) else "left"
                cell = Cell(str(cell), bold=header, align="center" if header else col_align)
            width = sum(widths[col : col + cell.span])
            cell_size = cell.size or size
            lines = wrap(cell.text, width - 2.4, self.family, cell.bold, cell_size)
            out.append((col, width, lines, cell.bold, cell.align, cell_size))
            col += cell.span
        return out

    # -- marks ----------------------------------------------------------------
    def box(self, x: float, y: float, w: float, h: float, width: float = 0.3) -> None:
        self.add(Rect(x, y, w, h, width))
