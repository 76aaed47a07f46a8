"""Field value finders driven by the family rules (one function per field kind).

Everything is searched in `search_form` text (same offsets as the original) and values
are cut from the original text, then repaired and normalised.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any

from ..dates import find_dates
from .normalize import clean_spaces, repair_number_token, repair_words, search_form
from .numbers import NumberMatch, find_numbers
from .rules import NUMBER_SIGN, Common, FieldRule, Label
from .table_reader import Table, find_tables


@dataclass(frozen=True)
class Found:
    value: Any
    certainty: float
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class Span:
    """Where a labelled value may be: [start, end) of the text."""

    start: int
    end: int
    label_start: int
    certainty: float
    unit_zone: tuple[int, int] = (0, 0)  # where a unit printed with the label may be


_SIGN_AT = re.compile(rf"[\s:.]*{NUMBER_SIGN}[\s:.]*")
_SEPARATORS = re.compile(r"[\s:.\-–—=|°º*]*")
# `26-000518`, `12/03-24`, `ТН-5521`; OCR may put a space after a dash: `26- 921121`
_TOKEN = re.compile(r"[0-9a-zа-я]+(?:[/\-.] ?[0-9a-zа-я]+)*[/\-.]?")
_CELL_SPLIT = re.compile(r"\s{3,}|\s*\|\s*|\t")
# `35;849`: OCR reads a decimal comma as a semicolon
_NUM = r"[0-9]{1,3}(?:[ \u00a0][0-9]{3})+(?:[.,;][0-9]+)?|[0-9]+(?:[.,;][0-9]+)?"
# a figure cut after its decimal comma (`19,` then debris): OCR lost the decimals
_CUT_DECIMALS = re.compile(r"[,;](?![0-9])")
_QUOTES_OPEN = r"(?:<<|«|\"|“|„|''|'|<)"
_QUOTES_CLOSE = r"(?:>>|»|\"|”|“|''|'|>)"
_STANDARD = re.compile(
    r"(?<![а-яa-z])(?P<kind>гост|тост|ту|сто)\s?(?P<r>р\s?(?=[0-9]|исо|isо|еn|мэк))?"
    r"(?P<iso>(?:исо|isо|еn|мэк)\s?)?"
    r"(?P<num>[0-9][0-9о]*(?:\s?[.\-–—]\s?[0-9][0-9о]*)*)"
)
_QUOTED_VALUE = re.compile(
    r"(?:<<|«|\"|“|„)\s*([^«»\"“”„<>\n]{2,120}(?:\n[^«»\"“”„<>\n]{1,80})?)(?:>>|»|\"|”)"
)
_STRAY = re.compile(r"[\\=|_~^*#@{}\[\]¦°®©]")
_STANDARD_LEAD = re.compile(
    r"(?:(?:изготовлен[а-я]*|выпускаем[а-я]*|производим[а-я]*)\s+)?"
    r"(?:по|согласно|в\s+соответствии\s+с|требованиям)\s*$"
)


class Context:
    """One document's text with everything the finders share, computed once."""

    def __init__(
        self,
        text: str,
        common: Common,
        foreign_formats: tuple[str, ...],
        labels: tuple[re.Pattern[str], ...] = (),
    ):
        self.text = text
        self.search = search_form(text)
        self.common = common
        self._foreign_formats = foreign_formats
        # phrases that may stand alone on a line as a form's title: the family's labels
        self.block_labels = labels + common.block_labels

    @cached_property
    def dates(self) -> list[tuple[Any, int, int]]:
        return find_dates(self.text)

    @cached_property
    def foreign_numbers(self) -> list[NumberMatch]:
        """Registration numbers of any family (never a batch or passport number)."""
        return find_numbers(self.text, self._foreign_formats)

    @cached_property
    def organizations(self) -> list[Found]:
        return list(_organizations(self))

    @cached_property
    def standards(self) -> list[Found]:
        return [_standard(m) for m in _STANDARD.finditer(self.search)]

    @cached_property
    def tables(self) -> list[Table]:
        return find_tables(self.search)

    def shielded(self, field: str, pos: int) -> bool:
        """Whether a label of `field` at `pos` stands inside a table that is not its own."""
        return any(table.shields(field, pos) for table in self.tables)

    @cached_property
    def unit_regex(self) -> re.Pattern[str]:
        groups = "|".join(f"(?P<u{i}>{src})" for i, (_, src) in enumerate(self.common.units))
        return re.compile(rf"(?<![а-яa-z])(?:{groups})(?![а-яa-z0-9])")

    def unit_at(self, m: re.Match[str]) -> str:
        for i, (canonical, _) in enumerate(self.common.units):
            if m.group(f"u{i}") is not None:
                return canonical
        raise AssertionError("unit group not found")

    def line_bounds(self, pos: int) -> tuple[int, int]:
        start = self.search.rfind("\n", 0, pos) + 1
        end = self.search.find("\n", pos)
        return start, len(self.search) if end < 0 else end

    def next_line(self, pos: int) -> tuple[int, int] | None:
        """Bounds of the first non-empty line after the line holding `pos`."""
        _, end = self.line_bounds(pos)
        while end < len(self.search):
            start, end = self.line_bounds(end + 1)
            if self.search[start:end].strip():
                return start, end
        return None

    def is_foreign_number(self, start: int, end: int) -> bool:
        return any(n.start < end and start < n.end for n in self.foreign_numbers)

    def date_at(self, pos: int) -> bool:
        return any(s <= pos < e for _, s, e in self.dates)


# --- labels -> value spans -------------------------------------------------------------


def value_spans(ctx: Context, rule: FieldRule, window: int | None = None) -> list[Span]:
    """Candidate value positions after each label: first page first (an annex table's
    «Наименование продукции» column is not the product of the certificate), then label
    priority, then text order."""
    spans = list(_labelled_spans(ctx, rule, window))
    first_page_end = ctx.text.find("\f")
    if first_page_end >= 0:
        spans.sort(key=lambda span: span.start > first_page_end)
    return spans


def _labelled_spans(ctx: Context, rule: FieldRule, window: int | None) -> Iterator[Span]:
    # where a longer label matches (`Наименование продукции`), its first word alone
    # (`Наименование`) is no label of its own: its «value» would start with `продукции`
    longest: dict[int, int] = {}
    for label in rule.labels:
        for m in label.pattern.finditer(ctx.search):
            longest[m.start()] = max(longest.get(m.start(), 0), m.end())
    for label in rule.labels:
        for m in label.pattern.finditer(ctx.search):
            if m.end() < longest[m.start()] or _excluded(ctx, rule, m.start()):
                continue
            if label.colon and not re.match(r"\s*:", ctx.search[m.end() : m.end() + 3]):
                continue
            if label.single_word and rule.kind != "quantity" and not _stands_as_label(ctx, m):
                continue
            yield from _spans_after(ctx, rule, label, m, window or rule.window)


def _stands_as_label(ctx: Context, m: re.Match[str]) -> bool:
    """A one-word label (`Продукция`, `Профиль`) starts a line or a clause, or has a
    colon; inside running text (`ООО «Металл-Профиль»`) it is just a word."""
    line_start, _ = ctx.line_bounds(m.start())
    before = ctx.search[line_start : m.start()]
    if re.search(r"(?:^|[|,;(]|[0-9][.)])\s*$", before):
        return True
    return bool(re.match(r"\s*:", ctx.search[m.end() : m.end() + 3]))


def _excluded(ctx: Context, rule: FieldRule, pos: int) -> bool:
    if ctx.shielded(rule.name, pos):
        return True
    line_start, _ = ctx.line_bounds(pos)
    before = ctx.search[max(line_start, pos - 40) : pos]
    return any(p.search(before) for p in rule.exclude_context)


def _spans_after(
    ctx: Context, rule: FieldRule, label: Label, m: re.Match[str], window: int
) -> Iterator[Span]:
    pos = m.end()
    cell = _cell_below(ctx, m.start())
    if cell:  # the label is a column title: the value is in the row below
        yield Span(cell[0], cell[1], m.start(), 0.9 * label.certainty, cell[2])
    if label.sign == "required":
        sign = re.compile(rf"(?s:.{{0,{label.gap}}}?)\s*(?<![а-яa-z]){NUMBER_SIGN}[\s:.]*")
        found = sign.match(ctx.search, pos)
        if not found or _crosses_date(ctx, pos, found.start()):
            return
        if any(p.search(ctx.search, pos, found.end()) for p in rule.exclude_context):
            return  # `Сертификат соответствия / Серия RU № 0301122`: the blank's number
        start = found.end()
    else:
        start = _SEPARATORS.match(ctx.search, pos).end()
        signed = _SIGN_AT.match(ctx.search, start)
        start = signed.end() if signed else start
    _, line_end = ctx.line_bounds(start)
    if ctx.search[start:line_end].strip(" :.-–—|") == "":
        following = ctx.next_line(start)
        if following and not cell:
            yield Span(
                following[0], following[0] + window, m.start(), label.certainty, (m.start(), start)
            )
        return
    yield Span(
        start, min(len(ctx.text), start + window), m.start(), label.certainty, (m.start(), start)
    )


def _crosses_date(ctx: Context, start: int, sign_start: int) -> bool:
    """A gap must not run over a date (`... от 12.03.2026 ... №` is another number)."""
    return any(start <= s < sign_start for _, s, _ in ctx.dates)


def _cell_below(ctx: Context, label_start: int) -> tuple[int, int, tuple[int, int]] | None:
    """(start, end, header cell) of the cell under a table column title, if any."""
    line_start, line_end = ctx.line_bounds(label_start)
    below = ctx.next_line(label_start)
    if not below:
        return None
    header_cells = _cells(ctx.search, line_start, line_end)
    row_cells = _cells(ctx.search, *below)
    if len(header_cells) < 3 or len(row_cells) < 3:
        return None
    index = next((i for i, (s, e) in enumerate(header_cells) if s <= label_start < e), None)
    if index is None or re.search(
        r"[0-9]", ctx.unit_regex.sub("", ctx.search[slice(*header_cells[index])])
    ):
        return None  # a column title holds no values
    if len(header_cells) == len(row_cells):
        return (*row_cells[index], header_cells[index])
    head_start, head_end = header_cells[index]
    for s, e in row_cells:  # overlap by character column
        if s - below[0] < head_end - line_start and head_start - line_start < e - below[0]:
            return s, e, header_cells[index]
    return None


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cells = []
    pos = start
    for m in _CELL_SPLIT.finditer(text, start, end):
        if m.start() > pos:
            cells.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        cells.append((pos, end))
    return [(s, e) for s, e in cells if text[s:e].strip()]


# --- table rows under column titles -------------------------------------------------


_ROW_CELL = re.compile(r"[^\s|]+")
_HEADER_DEPTH = 3  # a column title may wrap over this many lines above the data row


def _row_value(ctx: Context, rule: FieldRule) -> tuple[int, int] | None:
    """A value recognised by its form (`row_value`) in the data row under a table whose
    column titles carry the field's label. OCR joins cells with single spaces, so the
    column cannot be found by position; the value's form tells it from its neighbours
    (a batch `615/26` beside a heat number `259633`)."""
    if not rule.row_value:
        return None
    for label in rule.labels:
        for m in label.pattern.finditer(ctx.search):
            if _excluded(ctx, rule, m.start()):
                continue
            row = _data_row_below(ctx, m.start())
            if row is None:
                continue
            for form in rule.row_value:
                for found in form.finditer(ctx.search, *row):
                    group = "value" if "value" in form.groupindex else 0
                    start, end = found.span(group)
                    if not ctx.date_at(start) and not ctx.is_foreign_number(start, end):
                        return start, end
    return None


def _data_row_below(ctx: Context, pos: int) -> tuple[int, int] | None:
    """The first line of figures (4 cells or more, most of them with digits) within a
    few lines under `pos`: the row a column title at `pos` heads."""
    line = ctx.line_bounds(pos)
    for _ in range(_HEADER_DEPTH):
        below = ctx.next_line(line[0])
        if below is None:
            return None
        cells = _ROW_CELL.findall(ctx.search, *below)
        with_digits = sum(bool(re.search(r"[0-9]", c)) for c in cells)
        # a row broken by OCR may keep just three cells, then all of them figures; a row with a
        # long name in one cell (`Бетонная смесь тяжелого бетона БСТ …`) has many figures still
        if with_digits >= 6 or (
            (len(cells) >= 4 or with_digits == 3) and with_digits * 2 >= len(cells)
        ):
            return below
        line = below
    return None


# --- two-column forms OCR'd as a block of labels, then a block of values -------------


# a line that is only a label: `5. Номер партии:`, `Объём, м3:`
_LABEL_ONLY = re.compile(
    r"\s*[^\w\s]?\s*(?:[0-9]{1,2}[.):]\s*)?[а-яa-z][^\n:0-9]{1,60}:\s*"  # OCR: `\`5.`, `10:`
)
_WRAPPED_TITLE = re.compile(r"\s*[а-яa-z][а-яa-z ,()\-]{1,40}")  # `Подвижность (осадка`
_MIN_BLOCK = 3
_BLOCK_SLACK = 4  # value lines wrap: the value may come this many lines later


def _nonempty_lines(ctx: Context, start: int, step: int) -> Iterator[tuple[int, int]]:
    """Non-empty lines from the line holding `start`, downwards (1) or upwards (-1)."""
    line = ctx.line_bounds(start)
    while True:
        line = ctx.next_line(line[0]) if step > 0 else _previous_line(ctx, line[0])
        if line is None:
            return
        if re.search(r"[0-9а-яa-z]", ctx.search[line[0] : line[1]]):
            yield line  # `—`, `|`: a ruled cell's border, neither a label nor a value


def _previous_line(ctx: Context, pos: int) -> tuple[int, int] | None:
    line_start, _ = ctx.line_bounds(pos)
    while line_start > 0:
        line = ctx.line_bounds(line_start - 1)
        if ctx.search[line[0] : line[1]].strip():
            return line
        line_start = line[0]
    return None


_BORDER = " \t|—–-_.:"  # OCR'd cell borders around a title


def _bare_label(ctx: Context, line: tuple[int, int]) -> bool:
    """A line that is only a known title without a colon: `Номер партии`, `Количество, м3`."""
    text = ctx.search[line[0] : line[1]].strip(_BORDER)
    text = re.sub(r"^[0-9]{1,2}[.)]\s*", "", text)  # `5. Номер партии`
    for pattern in ctx.block_labels:
        m = pattern.match(text)
        if m is None:
            continue
        rest = text[m.end() :].strip(" ,")
        if not rest or ctx.unit_regex.fullmatch(rest):
            return True
    return False


def _label_line(ctx: Context, line: tuple[int, int]) -> str | None:
    """`colon` for `Номер партии:`, `bare` for a known title alone on its line."""
    if _LABEL_ONLY.fullmatch(ctx.search[line[0] : line[1]]):
        return "colon"
    return "bare" if _bare_label(ctx, line) else None


def _is_block_label(ctx: Context, line: tuple[int, int], after: tuple[int, int] | None) -> bool:
    if _label_line(ctx, line):
        return True
    # a title wrapped over two lines: only its last line carries the colon
    return (
        after is not None
        and _WRAPPED_TITLE.fullmatch(ctx.search[line[0] : line[1]]) is not None
        and _LABEL_ONLY.fullmatch(ctx.search[after[0] : after[1]]) is not None
    )


def block_values(ctx: Context, label_start: int) -> list[tuple[int, int]]:
    """Value lines that may belong to the label at `label_start` when the form was OCR'd
    as all its labels first, then all its values: the value of the k-th label is the
    k-th value line, or a few lines later when earlier values wrapped."""
    line = ctx.line_bounds(label_start)
    kinds = [_label_line(ctx, line)]
    if kinds[0] is None:
        return []
    below = line
    for above in _nonempty_lines(ctx, line[0], -1):
        if not _is_block_label(ctx, above, below):
            break
        kinds.append(_label_line(ctx, above))
        below = above
    index = sum(kind is not None for kind in kinds[1:])
    lines = list(islice(_nonempty_lines(ctx, line[0], 1), 60))
    position = 0
    while position < len(lines) and _is_block_label(
        ctx, lines[position], lines[position + 1] if position + 1 < len(lines) else None
    ):
        kinds.append(_label_line(ctx, lines[position]))
        position += 1
    if sum(kind is not None for kind in kinds) < _MIN_BLOCK:
        return []
    # `Марка стали: 35ГС` under the block is a label with its own value, not a value
    values = [v for v in lines[position:] if not ctx.common.label_line.match(ctx.search, *v)]
    if "bare" in kinds:
        values = _bare_block_values(ctx, values)
    return values[index : index + _BLOCK_SLACK + 1]


def _bare_block_values(ctx: Context, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Values of a form whose titles carry no colon. OCR often puts other lines (a second
    column of titles, a `№ …` heading) before the values: they start at the first line with
    a figure or a company. A value wrapped over lines (a company with its address, a name
    whose line ends mid-phrase) is one value."""
    start = next((i for i, line in enumerate(lines) if _starts_values(ctx, line)), len(lines))
    values: list[tuple[int, int]] = []
    for line in lines[start:]:
        if values and _continues(ctx, values[-1], line):
            values[-1] = (values[-1][0], line[1])
        else:
            values.append(line)
    return values


def _starts_values(ctx: Context, line: tuple[int, int]) -> bool:
    text = ctx.search[line[0] : line[1]].strip(_BORDER)
    if re.match(NUMBER_SIGN, text):
        return False  # the form's own number printed under its title
    return bool(re.search(r"[0-9]", text)) or _company_in(ctx, line)


def _company_in(ctx: Context, span: tuple[int, int]) -> bool:
    return any(span[0] <= org.start < span[1] for org in ctx.organizations)


# Marks of a postal address (search form): `г.`, `ул.`, `д. 5`, a region, a postcode.
_ADDRESS = re.compile(
    r"(?<![а-яa-z])(?:г|ул|д|пр|пр-т|пер|ш|обл|стр|корп|оф|офис|пом|р-н|мкр)\.|"
    r"област|кра[йя]|республик|район|шоссе|проспект|улиц|инн|огрн|кпп|"
    r"(?<![0-9])[0-9]{6}(?![0-9])"
)


def _continues(ctx: Context, value: tuple[int, int], line: tuple[int, int]) -> bool:
    """Whether `line` goes on with `value` printed just above it (no blank line between):
    a company's address, or a line that stopped on a word or a comma
    (`марка по дробимости` / `М1200`)."""
    between = ctx.search[value[1] : line[0]]
    if between.count("\n") != 1:
        return False
    if _company_in(ctx, value):
        # the company's address goes on; a product name printed under it does not
        if _company_in(ctx, line):
            return False
        first = re.search(r"[^\W_]", ctx.text[line[0] : line[1]])
        starts_lower = first is not None and first.group().islower()
        return starts_lower or bool(_ADDRESS.search(ctx.search, *line))
    return bool(re.search(r"[а-яa-z,]$", ctx.search[value[0] : value[1]].rstrip(_BORDER)))


def _block_token(ctx: Context, values: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A number printed alone on its line in the value block (`26-999`, `845/26`)."""
    for start, end in values:
        text = ctx.search[start:end].strip(" |")
        offset = ctx.search.index(text, start) if text else start
        m = _TOKEN.fullmatch(ctx.search, offset, offset + len(text))
        if m and _acceptable_token(ctx, m):
            return m.start(), m.end()
    return None


# --- tokens and numbers ---------------------------------------------------------------


def find_token(ctx: Context, rule: FieldRule) -> Found | None:
    """A document or batch number after its label (`Паспорт № 123`, `партия 12/03-24`)."""
    if in_row := _row_value(ctx, rule):
        start, end = in_row
        raw = re.sub(r"([/\-]) ", r"\1", ctx.text[start:end])  # OCR'd `19/05- 52`
        return Found(repair_number_token(raw), 0.75, start, end)
    for span in value_spans(ctx, rule, window=60):
        if values := block_values(ctx, span.label_start):
            if in_block := _block_token(ctx, values):
                start, end = in_block
                raw = re.sub(r"([/\-]) ", r"\1", ctx.text[start:end].rstrip(".-/"))
                return Found(repair_number_token(raw), 0.7 * span.certainty, start, end)
            continue  # the next line is the next label, not this label's value
        m = _TOKEN.match(ctx.search, _skip_cell_junk(ctx, span.start, span.end), span.end)
        if not m or not _acceptable_token(ctx, m):
            continue
        raw = ctx.text[m.start() : m.end()].rstrip(".-/")
        return Found(repair_number_token(raw), 0.85 * span.certainty, m.start(), m.end())
    return None


# OCR'd cell borders between a label and its value: `: . ( _ 26/04-07`, `\`30/03-11`
_CELL_JUNK = re.compile(r"[\s.,:;(\[{_`'\"“”„‚‘’|—–~°º*®©«»]*")


def _skip_cell_junk(ctx: Context, start: int, end: int) -> int:
    """Past border debris and one stray lower-case letter (`Номер партии и Б-70`)."""
    pos = _CELL_JUNK.match(ctx.search, start, end).end()
    stray = re.compile(r"[а-яa-z]\s+(?=[|\s]*[0-9a-zа-я])").match(ctx.text.lower(), pos, end)
    if stray and ctx.text[pos].islower():
        pos = _CELL_JUNK.match(ctx.search, stray.end(), end).end()
    return pos


def _acceptable_token(ctx: Context, m: re.Match[str]) -> bool:
    token = m.group()
    if not re.search(r"[0-9]", token) or ctx.date_at(m.start()):
        return False
    if ctx.is_foreign_number(m.start(), m.end()):
        return False
    if re.search(r"[0-9][/\-][0-9]", token):
        return True  # `22-08/26 т:` is a batch number whatever OCR printed after it
    after = ctx.unit_regex.match(ctx.search, _SEPARATORS.match(ctx.search, m.end()).end())
    return after is None  # `партии 12 м3` is a quantity


def find_number(ctx: Context, rule: FieldRule, formats: tuple[str, ...]) -> Found | None:
    """A registration number by its known format, else the labelled text (low certainty)."""
    numbers = find_numbers(ctx.text, formats) if formats else []
    numbers = [n for n in numbers if not _excluded(ctx, rule, n.start)]
    for span in value_spans(ctx, rule, window=80):
        for number in numbers:
            if span.start <= number.start <= span.end:
                return _number_found(number, span.certainty)
    if numbers:
        return _number_found(numbers[0], 0.95)
    if rule.fallback == "line":
        return _number_line(ctx, rule)
    if rule.fallback == "token":
        found = find_token(ctx, rule)
        return Found(found.value, 0.6, found.start, found.end) if found else None
    return None


def _number_found(number: NumberMatch, certainty: float) -> Found:
    value = max(0.55, 0.97 - 0.08 * number.repairs) * certainty
    return Found(number.text, value, number.start, number.end)


def _number_line(ctx: Context, rule: FieldRule) -> Found | None:
    """An unparseable number: the labelled line as printed, to be checked by a person."""
    for span in value_spans(ctx, rule, window=80):
        _, line_end = ctx.line_bounds(span.start)
        raw = clean_spaces(ctx.text[span.start : min(line_end, span.end)])
        # the rest of a long label (`… декларации о соответствии: ЕАЭС …`) is no number
        raw = re.sub(r"^[^0-9:]{0,60}:\s*", "", raw)
        if len(raw) >= 5 and re.search(r"[0-9]", raw):
            return Found(raw, 0.45, span.start, span.start + len(raw))
    return None


# --- organisations ---------------------------------------------------------------------


def _organizations(ctx: Context) -> Iterator[Found]:
    forms = "|".join(f"(?P<f{i}>{p.pattern})" for i, (_, p) in enumerate(ctx.common.legal_forms))
    name = r"[^«»\"“”„<>\n]"
    regex = re.compile(
        # the name follows the form in its cell or on the next line, never across a cell gap
        rf"(?<![а-яa-z0-9])(?:{forms})(?![а-яa-z0-9])(?:[ \t]{{0,2}}|[ \t]*\n\s*)(?:"
        # a name with a quoted name inside: «Центр «Эксперт»»
        rf"{_QUOTES_OPEN}\s*(?P<n>{name}{{2,60}}?\s+{_QUOTES_OPEN}{name}{{1,60}}{_QUOTES_CLOSE})"
        rf"(?:{_QUOTES_CLOSE})?"
        # a closed name wrapped onto the next line: «Уральский завод\nполимерных труб»
        rf"|{_QUOTES_OPEN}\s*(?P<m>{name}{{2,80}}?\n[^«»\"“”„<>\n,;]{{1,40}}?){_QUOTES_CLOSE}"
        rf"|{_QUOTES_OPEN}\s*(?P<q>{name}{{2,80}}?)\s*(?:{_QUOTES_CLOSE}|(?=\n|$))"
        r"|(?P<w>[^\s«»\"“”„<>,;:]{2,40}))"
    )
    for m in regex.finditer(ctx.search):
        form = next(c for i, (c, _) in enumerate(ctx.common.legal_forms) if m.group(f"f{i}"))
        group = next(g for g in "nmqw" if m.group(g) is not None)
        raw = ctx.text[m.start(group) : m.end(group)]
        if group == "w" and not raw[:1].isupper():
            continue
        if group == "n":  # inner quotes as «»
            raw = re.sub(rf"{_QUOTES_OPEN}\s*", "«", raw, count=1)
            raw = re.sub(rf"\s*{_QUOTES_CLOSE}$", "»", raw)
        certainty = 0.8 if group == "w" else 1.0
        if group == "q" and not re.search(rf"{_QUOTES_CLOSE}$", m.group()):
            # no closing quote: the name runs into the address (`«Завод Е 423582, г. …`)
            raw = re.split(r"[,;]|\s[0-9]{3,}", raw, maxsplit=1)[0]
            certainty = 0.7
        name = clean_spaces(repair_words(raw)).strip(" .,;:-")
        if len(re.sub(r"[^A-Za-zА-Яа-яЁё0-9]", "", name)) < 2:
            continue
        if any(p.search(search_form(name)) for p in ctx.common.organization_name_exclude):
            continue  # «Центр сертификации», «Испытательная лаборатория»: never a maker
        yield Found(f"{form} «{name}»", certainty, m.start(), m.end())


def find_organization(ctx: Context, rule: FieldRule) -> Found | None:
    """The manufacturer: the organisation after its label (or right before a phrase such
    as `настоящим сообщает`), else the most repeated one that is not the certification
    body, the customer, the addressee and the like."""
    for org in ctx.organizations:
        if any(
            p.match(ctx.search, _SEPARATORS.match(ctx.search, org.end).end())
            for p in rule.followed_by
        ):
            return Found(org.value, 0.85 * org.certainty, org.start, org.end)
    labels = [m.start() for label in rule.labels for m in label.pattern.finditer(ctx.search)]
    for span in value_spans(ctx, rule, window=rule.window):
        if values := block_values(ctx, span.label_start):
            if in_block := _block_organization(ctx, values):
                return Found(in_block.value, 0.7 * span.certainty, in_block.start, in_block.end)
            continue
        # on the label's line or just below: further down is another section's company;
        # one that another role introduces (`Потребитель ООО «…»`) is not the maker
        end = min(span.end, span.start + _nth_line_end(ctx.search[span.start :], 3))
        for org in ctx.organizations:
            if span.start <= org.start < end and not _org_excluded(ctx, org.start, labels):
                value = _consensus_form(ctx, org.value)
                return Found(value, 0.9 * org.certainty * span.certainty, org.start, org.end)
        if above := _organization_above(ctx, span.label_start):
            return Found(above.value, 0.7 * above.certainty, above.start, above.end)
    if rule.fallback != "first":
        return None
    candidates = [o for o in ctx.organizations if not _org_excluded(ctx, o.start, labels)]
    if not candidates:
        return None
    # Forms print the maker twice (applicant and manufacturer, letterhead and «Изготовитель»);
    # the certification body or the customer once.
    counts = Counter(o.value for o in candidates)
    best = max(candidates, key=lambda o: (counts[o.value], -o.start))
    repeated = counts[best.value] > 1 or best.start < _nth_line_end(ctx.search, 3)
    value = _consensus_form(ctx, best.value)
    return Found(value, (0.8 if repeated else 0.65) * best.certainty, best.start, best.end)


def _organization_above(ctx: Context, label_start: int) -> Found | None:
    """A company starting the line just above its label: OCR puts a two-line cell's
    first line above the title it is centred on (`АО «Сталь», 426949, …` / `Изготовитель`
    / `Ижевск, ул. …`)."""
    above = _previous_line(ctx, label_start)
    if above is None:
        return None
    for org in ctx.organizations:
        if above[0] <= org.start < above[1]:
            lead = ctx.search[above[0] : org.start]
            if not re.search(r"[а-яa-z0-9]", lead):
                return org
            return None
    return None


def _block_organization(ctx: Context, values: list[tuple[int, int]]) -> Found | None:
    """The first organisation that starts a line of the value block."""
    for start, end in values:
        for org in ctx.organizations:
            if start <= org.start < end and not re.search(
                r"[а-яa-z]{3}", ctx.search[start : org.start]
            ):
                return Found(_consensus_form(ctx, org.value), org.certainty, org.start, org.end)
    return None


def _consensus_form(ctx: Context, value: str) -> str:
    """The legal form printed most often with this name (OCR drops letters: ЗАО -> АО)."""
    name = value[value.index("«") :]
    forms = Counter(o.value for o in ctx.organizations if o.value.endswith(name))
    return max(forms, key=lambda v: (forms[v], len(v)))


def _nth_line_end(text: str, n: int) -> int:
    """Offset after the n-th non-empty line (the letterhead of a form)."""
    for seen, m in enumerate(re.finditer(r"[^\n]*\S[^\n]*", text), start=1):
        if seen == n:
            return m.end()
    return len(text)


def _org_excluded(ctx: Context, pos: int, manufacturer_labels: list[int]) -> bool:
    """Whether the role printed before the organisation (on its line, or on the line
    above when the name starts the line) is not the manufacturer's."""
    line_start, _ = ctx.line_bounds(pos)
    zone_start = line_start
    if not re.search(r"[а-яa-z]", ctx.search[line_start:pos]):
        zone_start, _ = ctx.line_bounds(max(0, line_start - 1))
    for pattern in ctx.common.organization_exclude:
        for m in pattern.finditer(ctx.search, zone_start, pos):
            if not any(m.start() < label < pos for label in manufacturer_labels):
                return True
    return False


# --- free text (product names) ---------------------------------------------------------


def find_text(ctx: Context, rule: FieldRule, other_labels: list[re.Pattern[str]]) -> Found | None:
    """A product name: the labelled line (and up to `max_lines` continuation lines); a
    name found by its own form (`patterns`) when no label gives one, or a cleaner one."""
    labelled = _labelled_text(ctx, rule, other_labels)
    if labelled is not None and labelled.certainty >= 0.85 * 0.9:
        return labelled
    unlabelled = _pattern_text(ctx, rule)
    candidates = [c for c in (labelled, unlabelled) if c is not None]
    return max(candidates, key=lambda c: c.certainty, default=None)


def _labelled_text(
    ctx: Context, rule: FieldRule, other_labels: list[re.Pattern[str]]
) -> Found | None:
    for span in value_spans(ctx, rule, window=rule.window):
        if values := block_values(ctx, span.label_start):
            if in_block := _block_text(ctx, rule, values):
                return Found(in_block.value, 0.7 * span.certainty, in_block.start, in_block.end)
            continue
        span = _skip_nested_label(ctx, rule, span)
        quoted = _QUOTED_VALUE.match(ctx.search, span.start)
        if quoted:  # `продукция «Труба ПЭ 100\nSDR 11»` : the name is what is quoted
            start, end = quoted.start(1), quoted.end(1)
            if _POSTAL.search(ctx.search, end, ctx.line_bounds(end)[1]):
                continue  # `«Завод», 420691, г. Казань, …`: a company with its address
        else:
            start = _past_maker(ctx, span.start)
            end = _text_end(
                ctx, rule, Span(start, span.end, span.label_start, span.certainty), other_labels
            )
            if _starts_with_stop(ctx, rule, start):
                continue  # the label is followed by another section, not by the name
        if ctx.is_foreign_number(start, end):  # `Продукция задекларирована: № ЕАЭС …`
            continue
        if _column_titles(ctx, start, end, other_labels):
            continue
        value = _without_trailing_label(rule, _clean_text(ctx, start, end))
        if value and not _is_label(rule, value) and _looks_right(rule, value):
            value = _append_details(ctx, rule, _repair_grades(rule, value))
            return Found(value, 0.85 * span.certainty * _legibility(value), start, end)
    return None


def _past_maker(ctx: Context, start: int) -> int:
    """`Продукция ООО «Завод» — Щебень …`: the name starts after the maker and its dash."""
    org = next((o for o in ctx.organizations if o.start == start), None)
    if org is None:
        return start
    dash = re.compile(r"\s*[-–—]\s*").match(ctx.search, org.end)
    return dash.end() if dash else start


def _without_trailing_label(rule: FieldRule, value: str | None) -> str | None:
    """`Труба ПЭ 100 … питьевая. Продукция`: a sentence that starts with the field's own
    label (`Продукция изготовлена …`) ended the name; its first word is no part of it."""
    if not value:
        return value
    m = re.search(r"[.;]\s*([А-ЯЁA-Zа-яё]+)\s*$", value)
    if m and any(label.pattern.fullmatch(search_form(m.group(1))) for label in rule.labels):
        return value[: m.start()].rstrip(" ,;:.")
    return value


def _block_text(ctx: Context, rule: FieldRule, values: list[tuple[int, int]]) -> Found | None:
    """The first value line that reads as a name: not the continuation of a wrapped
    value (it starts in lower case), a company, a standard, a date or a figure."""
    for start, end in values:
        first = re.search(r"[0-9A-Za-zА-Яа-яЁё]", ctx.text[start:end])
        if first is None or first.group().islower():
            continue
        head = start + first.start()
        if any(head <= o.start < head + 3 for o in ctx.organizations + ctx.standards):
            continue
        value = _clean_text(ctx, start, end)
        if not value or _legibility(ctx.text[start:end]) < 0.6:
            continue  # a table row (`353818 | 0904-37 | 14 | …`) is no name
        if any(stop.search(ctx.search, head, end) for stop in rule.stop):
            continue  # `Прокат соответствует требованиям …` is the conclusion
        if not _is_label(rule, value) and _looks_right(rule, value):
            value = _append_details(ctx, rule, _repair_grades(rule, value))
            return Found(value, 0.85 * _legibility(value), start, end)
    return None


def _pattern_text(ctx: Context, rule: FieldRule) -> Found | None:
    """A name printed without a label, recognised by its own form."""
    for pattern in rule.patterns:
        m = pattern.search(ctx.search)
        if not m:
            continue
        stops = (stop.search(ctx.search, m.start() + 1, m.end()) for stop in rule.stop)
        end = min((s.start() for s in stops if s), default=m.end())
        value = _clean_text(ctx, m.start(), end)
        if value and not _is_label(rule, value) and not _POSTAL.search(search_form(value)):
            value = _repair_grades(rule, value)
            return Found(value, 0.7 * _legibility(value), m.start(), end)
    return None


# A street or a postcode: a company's address, never a product name.
_POSTAL = re.compile(r"(?<![а-яa-z])(?:ул|пр-т|пер|мкр)\.|(?<![0-9])[0-9]{6}(?![0-9])|инн|огрн")


def _looks_right(rule: FieldRule, value: str) -> bool:
    """The value has the shape its family expects (a concrete mix names its class) and
    is not an address."""
    folded = search_form(value)
    if _POSTAL.search(folded) or not re.search(r"[а-яa-z]{3}", folded):
        return False  # an address, or OCR debris (`Оо ON ОО. В WN`)
    if re.fullmatch(r"[а-яё]+[\W_]*", value.strip()):
        return False  # one lower-case word: the tail of a wrapped label (`продукции`)
    return rule.value_pattern is None or bool(rule.value_pattern.search(folded))


def _repair_grades(rule: FieldRule, value: str) -> str:
    """Closed sets of grades misread by OCR (`АБООС` -> `А500С`, `ВСТ В25` -> `БСТ В25`)."""
    for pattern, replacement in rule.replace:
        for m in reversed(list(pattern.finditer(search_form(value)))):
            value = value[: m.start()] + replacement + value[m.end() :]
    return value


def _is_label(rule: FieldRule, value: str) -> bool:
    """`продукция` / `в лице заявляет, что`: labels where the value should be (two-column
    forms OCR the label column as one block)."""
    folded = search_form(value)
    if any(label.pattern.fullmatch(folded) for label in rule.labels):
        return True
    # a phrase that only ever introduces a value (`заявляет, что`, not `бетонная смесь:`)
    return any(
        not label.single_word and not label.colon and label.pattern.search(folded)
        for label in rule.labels
    )


def _legibility(value: str) -> float:
    """Stray symbols (`\\/4 =`, `|`, `_`) mean OCR garbage inside the value: trust it less."""
    return max(0.3, 1.0 - 0.15 * len(_STRAY.findall(value)))


def _starts_with_stop(ctx: Context, rule: FieldRule, start: int) -> bool:
    return any(stop.match(ctx.search, start) for stop in rule.stop)


def _column_titles(ctx: Context, start: int, end: int, other_labels: list[re.Pattern[str]]) -> bool:
    """A row of column titles rather than a value: other fields' labels and no figures."""
    # a short word label (`по`, `№`) inside a name (`марка по дробимости`) is no title
    labels = sum(
        any(len(m.group().strip()) >= 4 for m in p.finditer(ctx.search, start, end))
        for p in other_labels
    )
    figures = re.search(r"[0-9]", ctx.unit_regex.sub("", ctx.search[start:end]))
    return labels >= 2 or (labels == 1 and not figures)


def _skip_nested_label(ctx: Context, rule: FieldRule, span: Span) -> Span:
    """`заявляет, что продукция: X` -> X."""
    for label in rule.labels:
        m = label.pattern.match(ctx.search, span.start)
        if m and re.match(r"\s*:", ctx.search[m.end() : m.end() + 3]):
            start = _SEPARATORS.match(ctx.search, m.end()).end()
            return Span(start, span.end, span.label_start, span.certainty, span.unit_zone)
    return span


def _text_end(
    ctx: Context, rule: FieldRule, span: Span, other_labels: list[re.Pattern[str]]
) -> int:
    line_start, end = ctx.line_bounds(span.start)
    end = min(end, span.end)
    in_table = len(_cells(ctx.search, line_start, end)) >= 2 and "|" in ctx.search[line_start:end]
    for _ in range(0 if in_table else rule.max_lines - 1):
        following = ctx.next_line(end)
        if not following or following[0] > end + 2:  # blank line ends the paragraph
            break
        line = ctx.search[following[0] : following[1]]
        if ctx.common.label_line.match(line) or any(p.match(line.lstrip()) for p in other_labels):
            break
        if len(_cells(ctx.search, *following)) >= 3:  # a table starts
            break
        end = following[1]
    for stop in rule.stop:
        m = stop.search(ctx.search, span.start, end)
        if m and m.start() > span.start:
            end = m.start()
    return end


def _clean_text(ctx: Context, start: int, end: int) -> str | None:
    pieces = []
    pos = start
    for std in ctx.standards:  # the standard is its own field
        if start <= std.start < end:
            lead = _STANDARD_LEAD.search(ctx.search, pos, std.start)
            pieces.append(ctx.text[pos : lead.start() if lead else std.start])
            pos = min(std.end, end)
    pieces.append(ctx.text[pos:end])
    value = clean_spaces(repair_words(" ".join(pieces)))
    value = re.sub(r"\s+([,.;:)])", r"\1", value).strip(" ,;:.-–—|_")
    value = re.sub(r",\s*,", ",", value)
    if re.fullmatch(r"[«\"“„<]+[^«»\"“”]*[»\"”>]+", value):
        value = value.strip('«»"“”„<> ')
    return value if len(re.findall(r"[A-Za-zА-Яа-яЁё]", value)) >= 3 else None


def _append_details(ctx: Context, rule: FieldRule, value: str) -> str:
    """Add grades printed apart from the name (e.g. the rebar diameter)."""
    for item in rule.append:
        label = re.compile(item["label"])
        for m in label.finditer(ctx.search):
            found = re.compile(item["value"]).search(ctx.search, m.end(), m.end() + 40)
            if not found:
                continue
            detail = item["format"].format(ctx.text[found.start() : found.end()])
            already = rf"(?<![0-9.,]){re.escape(found.group())}(?![0-9])"
            if not re.search(already, search_form(value)):
                value = f"{value} {detail}"
            break
    return value


# --- standards and quantities ----------------------------------------------------------


def _standard(m: re.Match[str]) -> Found:
    kind = {"тост": "ГОСТ", "гост": "ГОСТ", "ту": "ТУ", "сто": "СТО"}[m.group("kind")]
    prefix = kind + (" Р" if m.group("r") else "")
    if m.group("iso"):
        prefix += {"и": " ИСО", "i": " ISO", "е": " EN", "м": " МЭК"}[m.group("iso")[0]]
    number = re.sub(r"\s", "", m.group("num")).replace("о", "0")
    number = re.sub(r"[–—]", "-", number)
    return Found(f"{prefix} {number}", 1.0, m.start(), m.end())


def find_standard(ctx: Context, rule: FieldRule, product: tuple[int, int] | None) -> Found | None:
    """The product's standard: in the product text, after a label, just after the
    product text, else the first one in the document."""

    def first_in(start: int, end: int) -> Found | None:
        return next((s for s in ctx.standards if start <= s.start <= end), None)

    if product and (std := first_in(*product)):
        return Found(std.value, 0.9, std.start, std.end)
    for span in value_spans(ctx, rule, window=rule.window):
        if std := first_in(span.start, span.end):
            return Found(std.value, 0.9 * span.certainty, std.start, std.end)
    if product and (std := first_in(product[1], product[1] + 200)):
        return Found(std.value, 0.8, std.start, std.end)
    if rule.fallback == "first" and ctx.standards:
        std = ctx.standards[0]
        return Found(std.value, 0.6, std.start, std.end)
    return None


def find_quantity(ctx: Context, rule: FieldRule) -> Found | None:
    """Quantity and unit after a label: `Объём партии, м3: 12,5`, `Масса 15,34 т`."""
    units = ctx.unit_regex.pattern
    regex = re.compile(
        # a figure glued to a letter is a unit's or a grade's (`м3`, `В25`), not the amount
        rf"(?P<pre>[^0-9\n]{{0,30}}?)(?:(?P<unit>{units})[\s:.,;)=|\-–—`'‘’]*)?"
        rf"(?<![а-яa-z])(?P<num>{_NUM})"
    )
    for span in value_spans(ctx, rule, window=80):
        if values := block_values(ctx, span.label_start):
            if in_block := _block_quantity(ctx, span, values):
                return in_block
            continue  # the next line is the next label, not this label's value
        m = regex.match(ctx.search, span.start, span.end)
        if not m or ctx.date_at(m.start("num")):
            continue
        # the unit after the figure, else before it, else printed with the label
        unit = _unit_after(ctx, m.end("num"))
        if unit is None and m.group("unit"):
            unit = ctx.unit_at(ctx.unit_regex.match(ctx.search, m.start("unit")))
        unit = unit or _last_unit_in(ctx, m.start("pre"), m.end("pre"))
        unit = unit or _last_unit_in(ctx, *span.unit_zone)
        number = _to_number(m.group("num"))
        certainty = 0.85 * span.certainty
        if _CUT_DECIMALS.match(ctx.search, m.end("num")):
            certainty *= 0.5
        return Found((number, unit), certainty, m.start("num"), m.end("num"))
    return _quantity_in_row(ctx, rule)


def _quantity_in_row(ctx: Context, rule: FieldRule) -> Found | None:
    """A quantity in the data row under its column title; the unit is the first one
    printed in the titles after the label (`Объём, | м3`)."""
    found = _row_value(ctx, rule)
    if found is None:
        return None
    start, end = found
    raw = ctx.search[start:end]
    number = _to_number(raw)
    header_start = max(
        (m.start() for label in rule.labels for m in label.pattern.finditer(ctx.search, 0, start)),
        default=start,
    )
    units = list(ctx.unit_regex.finditer(ctx.search, header_start, start))
    # a lone letter in the titles is often OCR debris (`Объём, II F | м |` above `куб. м`)
    spelled = [u for u in units if len(u.group().strip()) > 1]
    unit = ctx.unit_at((spelled or units)[0]) if units else None
    return Found((number, unit), 0.6, start, end)


def _block_quantity(ctx: Context, span: Span, values: list[tuple[int, int]]) -> Found | None:
    """A figure printed alone on its line (`9,0`, `46,223 т`) in the value block; the unit
    after it, else the one in the label (`Объём, м3:`)."""
    for start, end in values:
        m = re.fullmatch(
            rf"\s*\|?\s*(?P<num>{_NUM})\s*(?P<rest>[^\n]{{0,8}}?)[\s|.]*", ctx.search[start:end]
        )
        if not m or ctx.date_at(start + m.start("num")):
            continue
        unit = _unit_after(ctx, start + m.end("num"))
        if m.group("rest").strip() and unit is None:
            continue
        unit = unit or _last_unit_in(ctx, span.label_start, ctx.line_bounds(span.label_start)[1])
        number = _to_number(m.group("num"))
        return Found(
            (number, unit), 0.7 * span.certainty, start + m.start("num"), start + m.end("num")
        )
    return None


def _unit_after(ctx: Context, pos: int) -> str | None:
    # `4,811-т`: OCR glues the unit to the figure with a dash
    m = ctx.unit_regex.match(ctx.search, re.compile(r"[\s.\-–]*").match(ctx.search, pos).end())
    return ctx.unit_at(m) if m else None


def _last_unit_in(ctx: Context, start: int, end: int) -> str | None:
    found = None
    for m in ctx.unit_regex.finditer(ctx.search, start, end):
        found = ctx.unit_at(m)
    return found


# --- tables read by their column titles ---------------------------------------------


def table_fields(ctx: Context, rules: dict[str, FieldRule]) -> dict[str, Found]:
    """Fields a table gives by its column titles (`№ партии | Количество, т`): from its
    only data row; a table of several batches gives no single value."""
    found: dict[str, Found] = {}
    for table in ctx.tables:
        for field, column in table.kind.fields.items():
            if field in found or field not in rules or column not in table.columns:
                continue
            cells = [row[column] for row in table.rows if column in row]
            if len(cells) == 1 and (
                value := _table_value(ctx, table, column, rules[field], cells[0])
            ):
                found[field] = value
    return found


def _table_value(ctx: Context, table: Table, column: str, rule: FieldRule, cell) -> Found | None:
    if rule.kind == "quantity":
        return _table_quantity(ctx, table.title_spans[column], cell)
    if rule.kind == "standard":
        std = next((s for s in ctx.standards if cell.start <= s.start < cell.end), None)
        return Found(std.value, 0.85, std.start, std.end) if std else None
    if rule.kind == "text":
        value = _clean_text(ctx, cell.start, cell.end)
        if value is None:
            return None
        value = _repair_grades(rule, value)
        return Found(value, 0.85, cell.start, cell.end) if _looks_right(rule, value) else None
    m = _TOKEN.search(ctx.search, cell.start, cell.end)
    if not m or not re.search(r"[0-9]", m.group()) or ctx.date_at(m.start()):
        return None
    raw = ctx.text[m.start() : m.end()].rstrip(".-/")
    return Found(repair_number_token(raw), 0.85, m.start(), m.end())


def _table_quantity(ctx: Context, titles: tuple[tuple[int, int], ...], cell) -> Found | None:
    text = ctx.search[cell.start : cell.end]
    m = re.search(rf"(?<![0-9а-яa-z])(?P<num>{_NUM})(?![0-9])", text)
    if not m or ctx.date_at(cell.start + m.start()):
        return None
    unit = _unit_after(ctx, cell.start + m.end("num"))
    for start, end in titles:  # the unit printed in the column's title
        unit = unit or _last_unit_in(ctx, start, end)
    number = _to_number(m.group("num"))
    return Found((number, unit), 0.85, cell.start + m.start(), cell.start + m.end())


def _to_number(raw: str) -> float:
    return float(re.sub(r"[ \u00a0]", "", raw).replace(",", ".").replace(";", "."))
