"""Pieces shared by document layouts: letterheads, signature blocks, stamps."""

from __future__ import annotations

import random

from pto_pipeline.corpus.fonts import text_width_mm
from pto_pipeline.corpus.page import Flow, Line, Rect, Signature, Stamp, wrap
from pto_pipeline.corpus.vocab import LEGAL_FORMS, Company, Person


def new_flow(rng: random.Random, landscape: bool = False, families=("serif", "sans")) -> Flow:
    """A flow with a randomly chosen typeface, body size and margins."""
    family = rng.choice(families)
    size = rng.choice((10.5, 11.0, 11.0, 11.5, 12.0)) if family != "mono" else 10.5
    left = rng.uniform(15, 25)
    margins = (left, rng.uniform(10, 18), rng.uniform(10, 15), 12.0)
    page_size = (297.0, 210.0) if landscape else (210.0, 297.0)
    return Flow(family=family, size=size, margins=margins, page_size=page_size)


def letterhead(flow: Flow, company: Company, rng: random.Random, style: int | None = None) -> None:
    style = rng.randint(0, 2) if style is None else style
    small = max(9.0, flow.size - 1.5)
    if style == 0:
        flow.para(company.short, size=flow.size + 3, bold=True, align="center")
        flow.para(company.address, size=small, align="center")
        flow.para(
            f"ИНН/КПП {company.inn}/{company.kpp}, ОГРН {company.ogrn}", size=small, align="center"
        )
        flow.para(f"тел.: {company.phone}, e-mail: {company.email}", size=small, align="center")
        flow.hrule(0.6, gap=1.0)
        flow.y -= 0.6
        flow.hrule(0.2, gap=0.4)
    elif style == 1:
        top = flow.y
        logo_w = 24.0
        _logo(flow, company, flow.right - logo_w, top, logo_w)
        width = flow.width - logo_w - 6
        flow.para(company.full, size=flow.size + 1, bold=True, width=width)
        flow.para(f"Юридический адрес: {company.address}", size=small, width=width)
        flow.para(
            f"ОГРН {company.ogrn}  ИНН {company.inn}  КПП {company.kpp}", size=small, width=width
        )
        flow.para(f"Тел. {company.phone}   {company.email}", size=small, width=width)
        flow.y = max(flow.y, top + logo_w + 1)
        flow.hrule(0.4, gap=1.5)
    else:
        flow.para(f"{company.short}, {company.address}", size=small, bold=False)
        flow.para(f"ИНН {company.inn}, тел. {company.phone}", size=small)
        flow.hrule(0.3, gap=1.0)
    flow.space(2)


def _logo(flow: Flow, company: Company, x: float, y: float, side: float) -> None:
    """A simple emblem: framed initials, as many plants print next to their name."""
    initials = "".join(word[0] for word in company.name.replace("-", " ").split()[:3]).upper()
    flow.add(Rect(x, y, side, side, 0.8))
    flow.add(Rect(x + 1.5, y + 1.5, side - 3, side - 3, 0.3))
    size = 26.0 if len(initials) < 3 else 18.0
    flow.text_at(x + side / 2, y + side / 2 + size * 0.13, initials, size, True, "sans", "center")


def signature_row(
    flow: Flow,
    title: str,
    who: Person,
    rng: random.Random,
    size: float | None = None,
    signed: bool = True,
) -> tuple[float, float]:
    """`Title ____(signature)____ И.И. Иванов`; returns the signature line's centre (x, y)."""
    size = size or flow.size
    lh = flow.line_height(size)
    title_w = min(flow.width * 0.5, text_width_mm(title, flow.family, False, size) + 3)
    title_lines = 1 if title_w < flow.width * 0.5 else 2
    flow.ensure(lh * (title_lines + 1) + 4)
    flow.space(4)
    x_line = flow.left + title_w + 2
    name = who.initials_first if rng.random() < 0.6 else who.short
    name_w = text_width_mm(name, flow.family, False, size)
    x_name = flow.right - name_w
    line_end = min(x_line + 42, x_name - 4)
    start_y = flow.y
    flow.para(title, size=size, width=title_w)
    base = flow.baseline(start_y, size) + (lh if title_lines == 2 else 0)
    flow.add(Line(x_line, base + 0.8, line_end, base + 0.8, 0.2))
    flow.text_at(x_name, base, name, size)
    if signed:
        flow.add(Signature(x_line + 2, base - 9, line_end - x_line - 4, 12, rng.getrandbits(32)))
    flow.y = max(flow.y, base + lh * 0.5)
    return (x_line + line_end) / 2, base


def stamp_text(company: Company) -> str:
    full = f"{LEGAL_FORMS[company.form].upper()} «{company.name.upper()}»"
    if len(full) <= 58:
        return f"{full} * Г. {company.city.name.upper()}"
    return f"{company.form} «{company.name.upper()}» * ОГРН {company.ogrn}"


def company_stamp(
    company: Company,
    rng: random.Random,
    cx: float,
    cy: float,
    center: tuple[str, ...] | None = None,
) -> Stamp:
    if center is None:
        center = rng.choice(
            (
                ("ОТК",),
                ("ОТК", f"№ {rng.randint(1, 9)}"),
                ("Для", "документов"),
                (f"ИНН {company.inn}",),
            )
        )
    return Stamp(
        cx=cx + rng.uniform(-4, 4),
        cy=cy + rng.uniform(-3, 3),
        radius=rng.uniform(17, 21),
        ring_text=stamp_text(company),
        center_lines=center,
        angle=rng.uniform(-35, 35),
        seed=rng.getrandbits(32),
    )


def sign_and_stamp(
    flow: Flow,
    signers: list[tuple[str, Person]],
    company: Company,
    rng: random.Random,
    stamp_center: tuple[str, ...] | None = None,
    with_stamp: bool = True,
    mp: bool = False,
) -> None:
    """Signature rows, then a blue stamp overlapping the first signature and its text."""
    anchor = None
    for title, who in signers:
        point = signature_row(flow, title, who, rng)
        anchor = anchor or point
    if mp:
        flow.space(2)
        flow.para("М.П.", size=flow.size - 1)
    if with_stamp and anchor is not None:
        cx = anchor[0] + rng.uniform(-25, 10)
        flow.add(company_stamp(company, rng, cx, anchor[1] + rng.uniform(-2, 6), stamp_center))


def section_caption(flow: Flow, text: str, size: float | None = None) -> None:
    flow.para(text, size=size or flow.size, bold=True)


def caption_fields(
    flow: Flow, fields: list[tuple[str, str]], columns: int = 1, gap: float = 8.0
) -> None:
    """Form fields with a bold caption above an underlined value, `columns` per row."""
    col_w = (flow.width - gap * (columns - 1)) / columns
    caption = max(8.5, flow.size - 1.5)
    for i in range(0, len(fields), columns):
        row = fields[i : i + columns]
        blocks = [
            (
                wrap(label, col_w, flow.family, True, caption),
                wrap(value, col_w - 2, flow.family, False, flow.size),
            )
            for label, value in row
        ]
        height = max(
            len(a) * flow.line_height(caption) + len(b) * flow.line_height() for a, b in blocks
        )
        flow.ensure(height + 3)
        top = flow.y
        for c, (label_lines, value_lines) in enumerate(blocks):
            x = flow.left + c * (col_w + gap)
            y = top
            for line in label_lines:
                flow.text_at(x, flow.baseline(y, caption), line, caption, True)
                y += flow.line_height(caption)
            for line in value_lines:
                base = flow.baseline(y, flow.size)
                flow.text_at(x + 2, base, line)
                flow.add(Line(x, base + 1.0, x + col_w, base + 1.0, 0.2))
                y += flow.line_height()
        flow.y = top + height + 3


def kv_columns(
    flow: Flow, left: list[tuple[str, str]], right: list[tuple[str, str]], label_w: float = 30.0
) -> None:
    """Two columns of `label: value` lines; the value follows its label on the same line."""
    col_w = (flow.width - 10) / 2
    for n in range(max(len(left), len(right))):
        cells = []
        for c, fields in enumerate((left, right)):
            if n < len(fields):
                label, value = fields[n]
                x = flow.left + c * (col_w + 10)
                lines = wrap(value, col_w - label_w, flow.family, False, flow.size)
                cells.append((x, label, lines))
        rows = max(len(lines) for _, _, lines in cells)
        flow.ensure(rows * flow.line_height())
        top = flow.y
        for x, label, lines in cells:
            flow.text_at(x, flow.baseline(top, flow.size), label)
            for k, line in enumerate(lines):
                flow.text_at(
                    x + label_w, flow.baseline(top, flow.size) + k * flow.line_height(), line
                )
        flow.y = top + rows * flow.line_height() + 0.8
