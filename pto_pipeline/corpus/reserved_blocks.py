"""Page blocks used only by the reserved evaluation layouts (`reserved_layouts.py`).

Reserved for `pto-pipeline eval --unseen-layouts`; rule writers must not read it (its
blocks shape the reserved layouts). Blocks the development layouts lack: labels above
values, grids of one to three columns, tables without rules, dot leaders, side-by-side
key-value columns, footers and stamps placed anywhere on the page.
"""

from __future__ import annotations

import random

from pto_pipeline.corpus.fonts import text_width_mm
from pto_pipeline.corpus.layouts_common import company_stamp
from pto_pipeline.corpus.page import Flow, Line, Rect, Signature, wrap
from pto_pipeline.corpus.vocab import Company, Person

Field = tuple[str, str]


def labels_above(
    flow: Flow,
    fields: list[Field],
    columns: int = 2,
    boxed: bool = False,
    value_bold: bool = True,
    gap: float = 6.0,
) -> None:
    """A grid: a small caption above each value, `columns` fields per row."""
    col_w = (flow.width - gap * (columns - 1)) / columns
    small = max(8.0, flow.size - 2.5)
    lh_small, lh = flow.line_height(small), flow.line_height()
    for i in range(0, len(fields), columns):
        row = fields[i : i + columns]
        blocks = [
            (
                wrap(label, col_w - 2, flow.family, False, small),
                wrap(value, col_w - 2, flow.family, value_bold, flow.size),
            )
            for label, value in row
        ]
        height = max(len(a) * lh_small + len(b) * lh for a, b in blocks) + 2.5
        flow.ensure(height)
        top = flow.y
        for c, (label_lines, value_lines) in enumerate(blocks):
            x = flow.left + c * (col_w + gap)
            y = top + 0.8
            for line in label_lines:
                flow.text_at(x + 1, flow.baseline(y, small), line, small)
                y += lh_small
            for line in value_lines:
                flow.text_at(x + 1, flow.baseline(y, flow.size), line, bold=value_bold)
                y += lh
            if boxed:
                flow.add(Rect(x, top, col_w, height - 0.5, 0.25))
        flow.y = top + height


def plain_table(
    flow: Flow,
    widths: list[float],
    rows: list[list[str]],
    header_rows: int = 1,
    size: float | None = None,
    header_rule: bool = True,
    align: list[str] | None = None,
) -> None:
    """A table without cell rules: columns aligned by position only."""
    size = size or flow.size
    scale = flow.width / sum(widths)
    widths = [w * scale for w in widths]
    lh = flow.line_height(size)
    for r, row in enumerate(rows):
        bold = r < header_rows
        cells = [
            wrap(text, w - 2.5, flow.family, bold, size)
            for text, w in zip(row, widths, strict=True)
        ]
        height = max(len(c) for c in cells) * lh + 1.2
        flow.ensure(height)
        top = flow.y
        x = flow.left
        for c, (lines, w) in enumerate(zip(cells, widths, strict=True)):
            how = "left" if bold or not align else align[c]
            for n, line in enumerate(lines):
                base = flow.baseline(top + n * lh, size)
                if how == "right":
                    flow.text_at(x + w - 2.5, base, line, size, bold, align="right")
                else:
                    flow.text_at(x, base, line, size, bold)
            x += w
        flow.y = top + height
        if bold and header_rule and r == header_rows - 1:
            flow.add(Line(flow.left, flow.y - 0.4, flow.right, flow.y - 0.4, 0.3))
            flow.y += 0.8


def side_by_side(flow: Flow, left: list[Field], right: list[Field], label_w: float) -> None:
    """Two key-value columns printed next to each other, row by row."""
    half = (flow.width - 8) / 2
    size = flow.size - 0.5
    lh = flow.line_height(size)
    for n in range(max(len(left), len(right))):
        parts = []
        for col, fields in enumerate((left, right)):
            if n >= len(fields):
                continue
            label, value = fields[n]
            x = flow.left + col * (half + 8)
            parts.append(
                (
                    x,
                    wrap(label, label_w - 1.5, flow.family, True, size),
                    x + label_w,
                    wrap(value, half - label_w, flow.family, False, size),
                )
            )
        rows = max(max(len(p[1]), len(p[3])) for p in parts)
        flow.ensure(rows * lh)
        top = flow.y
        for x, label_lines, vx, value_lines in parts:
            for k, line in enumerate(label_lines):
                flow.text_at(x, flow.baseline(top + k * lh, size), line, size, True)
            for k, line in enumerate(value_lines):
                flow.text_at(vx, flow.baseline(top + k * lh, size), line, size)
        flow.y = top + rows * lh + 1.0


def leaders(flow: Flow, fields: list[Field], label_w: float) -> None:
    """`Label ........ value`: dot leaders run from the label to its value."""
    lh = flow.line_height()
    dot_w = text_width_mm(".", flow.family, False, flow.size)
    for label, value in fields:
        value_lines = wrap(value, flow.right - flow.left - label_w, flow.family, False, flow.size)
        flow.ensure(lh * len(value_lines))
        base = flow.baseline(flow.y, flow.size)
        flow.text_at(flow.left, base, label)
        used = text_width_mm(label, flow.family, False, flow.size) + 1.5
        dots = max(3, int((label_w - used - 2) / dot_w))
        flow.text_at(flow.left + used, base, "." * dots)
        for k, line in enumerate(value_lines):
            flow.text_at(flow.left + label_w, base + k * lh, line)
        flow.y += lh * len(value_lines) + 0.6


def footer(flow: Flow, left: str, right: str) -> None:
    """A rule and a line of small print at the bottom of the current page."""
    size = max(7.5, flow.size - 3)
    y = flow.bottom - 2
    flow.add(Line(flow.left, y - 4.5, flow.right, y - 4.5, 0.2))
    flow.text_at(flow.left, y, left, size)
    flow.text_at(flow.right, y, right, size, align="right")


def header_band(flow: Flow, left: str, right: str) -> None:
    """A thin running header: organisation left, a form code right, a rule under both."""
    size = max(7.5, flow.size - 2.5)
    base = flow.baseline(flow.y, size)
    flow.text_at(flow.left, base, left, size)
    flow.text_at(flow.right, base, right, size, align="right")
    flow.y += flow.line_height(size)
    flow.add(Line(flow.left, flow.y, flow.right, flow.y, 0.3))
    flow.y += 3


def stamp_at(flow: Flow, company: Company, rng: random.Random, x: float, y: float) -> None:
    flow.add(company_stamp(company, rng, x, y))


def signature_columns(flow: Flow, signers: list[tuple[str, Person]], rng: random.Random) -> float:
    """Signers side by side: title, a signature line, the name under it. Returns the row's y."""
    size = flow.size - 0.5
    lh = flow.line_height(size)
    flow.ensure(lh * 4 + 10)
    flow.space(6)
    width = flow.width / len(signers)
    top = flow.y
    for n, (title, who) in enumerate(signers):
        x = flow.left + n * width
        for k, line in enumerate(wrap(title, width - 6, flow.family, False, size)):
            flow.text_at(x, flow.baseline(top + k * lh, size), line, size)
        line_y = top + 2 * lh + 8
        flow.add(Line(x, line_y, x + width - 10, line_y, 0.2))
        flow.add(Signature(x + 4, line_y - 10, width - 22, 11, rng.getrandbits(32)))
        flow.text_at(x, line_y + lh * 0.9, f"/{who.short}/", size)
    flow.y = top + 2 * lh + 8 + lh * 1.5
    return top + 2 * lh + 4
