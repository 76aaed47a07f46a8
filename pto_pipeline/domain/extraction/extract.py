"""Requisites of one document (SPEC §4) from its OCR or text-layer text."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..tables import REQUISITE_FIELDS
from .captions import unfold_captions
from .classify import classify, title_zone
from .fields import (
    Context,
    Found,
    find_number,
    find_organization,
    find_quantity,
    find_standard,
    find_text,
    find_token,
    table_fields,
)
from .rules import NUMBER_SIGN, Family, FieldRule, common, families
from .table_reader import table_kinds

FIELDS = tuple(REQUISITE_FIELDS)
DATE_FIELDS = ("issue_date", "valid_from", "valid_to")
_LETTER = re.compile(r"[а-яa-z]")
_NUMBER_SIGN = re.compile(NUMBER_SIGN)
# A field found by one reading only is a little less sure; readings that disagree send it
# to review (below `review_threshold` of _common.yaml).
_FOUND_ONCE = 0.9
_DISAGREEMENT = 0.8  # the layout reading usually wins a disagreement; sure values still pass


@dataclass
class DocumentRequisites:
    fields: dict[str, Any]
    confidence: dict[str, float] = field(default_factory=dict)
    status: str = "failed"  # ok | needs_review | failed
    error: str | None = None
    family: str | None = None  # the rules family that read it


@cache
def _all_formats() -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for fam in families() for f in fam.number_formats))


def _ocr_factor(ocr_confidence: float | None, weight: float = 0.6) -> float:
    """What a value's OCR confidence leaves of its pattern certainty (never below 0.3)."""
    if ocr_confidence is None:
        return 1.0
    return max(0.3, min(1.0, 1.0 - weight + weight * float(ocr_confidence)))


class _WordConfidence:
    """OCR confidence of the words a field was read from: a number read from smudged
    digits is doubtful even on a clean page."""

    def __init__(self, text: str, word_confidences: list[int] | None) -> None:
        self.spans: list[tuple[int, int]] = []
        self.values: list[int] = []
        if word_confidences:
            spans = [m.span() for m in re.finditer(r"\S+", text)]
            if len(spans) == len(word_confidences):  # else they belong to another text
                self.spans, self.values = spans, list(word_confidences)

    def lowest(self, start: int, end: int) -> float | None:
        """The lowest confidence (0..1) of the words overlapping text[start:end]."""
        if not self.spans or start < 0 or end <= start:
            return None
        first = bisect_right(self.spans, (start, 1 << 62)) - 1
        found = [
            self.values[i]
            for i in range(max(0, first), len(self.spans))
            if self.spans[i][0] < end and self.spans[i][1] > start
        ]
        return min(found) / 100.0 if found else None


def extract_document(
    text: str,
    ocr_confidence: float | None = None,
    word_confidences: list[int] | None = None,
    layout: tuple[str, list[int] | None] | None = None,
) -> DocumentRequisites:
    """Classify a document's text (pages joined by form feeds) and read its requisites.

    A field's confidence is its pattern certainty times an OCR factor: from the words
    it was read from when `word_confidences` (0..100, one per whitespace-separated word
    of `text`) are given, else from the page mean `ocr_confidence`.

    `layout` is the same words laid out as printed (layout.py) with their confidences.
    Both readings are taken; a value they agree on keeps its confidence, a value only one
    of them finds is kept with a little less, and where they disagree the layout's value
    (label and value paired by position) is kept with a confidence that sends it to review."""
    text = text or ""
    values: dict[str, Any] = dict.fromkeys(FIELDS)
    result = classify(text)
    if result.family is None:
        reason = (
            "Текст документа пуст: страница не распознана (пустой лист или изображение без текста)."
            if not text.strip()
            else "Текст документа не читается: распознавание дало бессвязные символы "
            "(плохой скан, мелкий шрифт или рукопись). Проверьте документ вручную."
        )
        return DocumentRequisites(values, {}, "failed", reason)

    family = result.family
    factor = _ocr_factor(ocr_confidence)
    readings = [_read(text, word_confidences, family, factor)]
    if layout is not None and layout[0].strip():
        readings.insert(0, _read(layout[0], layout[1], family, factor, laid_out=True))
    read_values, confidence = combine_readings(readings)
    values.update(read_values)
    values["doc_type"] = family.doc_type
    confidence["doc_type"] = _type_confidence(result.score, family) * factor
    confidence = {k: round(v, 3) for k, v in confidence.items()}
    status, error = _status(family, values, confidence)
    return DocumentRequisites(values, confidence, status, error, family.name)


Reading = dict[str, tuple[Any, float]]


def _read(
    text: str,
    word_confidences: list[int] | None,
    family: Family,
    factor: float,
    laid_out: bool = False,
) -> Reading:
    """(value, confidence) of every field one text gives; tables are read by their
    column titles only in a text `laid_out` as printed, where columns line up."""
    if laid_out:  # captions above their values become `Caption: value` lines
        text, word_confidences = unfold_captions(
            text, word_confidences, _CAPTION_TESTS.setdefault(family.name, _caption_test(family))
        )
        text = "\n".join(line.lstrip() for line in text.split("\n"))
    words = _WordConfidence(text, word_confidences)
    reading: Reading = {}
    for name, item in _find_fields(_context(text, family), family, laid_out).items():
        lowest = words.lowest(item.start, item.end)
        weight = common().ocr_weight.get(_kind(family, name), 0.6)
        certainty = item.certainty * (factor if lowest is None else _ocr_factor(lowest, weight))
        if name == "quantity":
            if not item.value[0]:
                certainty *= 0.3  # a batch of nothing: OCR lost the figure (`7,0` as `0`)
            reading["quantity"] = (item.value[0], certainty)
            if item.value[1] is not None:
                reading["unit"] = (item.value[1], certainty)
        else:
            reading[name] = (item.value, certainty)
    return reading


def _kind(family: Family, name: str) -> str:
    rule = family.fields.get(name)
    return rule.kind if rule is not None else "date"


_CAPTION_TESTS: dict[str, Callable[[str], bool]] = {}  # per family, built once


def _caption_test(family: Family) -> Callable[[str], bool]:
    """Whether a cell's text (search form) is a caption of this family: one of its field
    labels or a date's title (`Дата выдачи`), with little else in the cell."""
    patterns = [label.pattern for rule in family.fields.values() for label in rule.labels]
    patterns += [role.header for role in family.date_roles if role.header is not None]
    patterns += list(common().block_labels)

    shielding = [k for k in table_kinds() if k.shields]  # a properties table's titles

    def is_caption(text: str) -> bool:
        if any(any(p.search(text) for ps in k.titles.values() for p in ps) for k in shielding):
            return False
        for pattern in patterns:
            m = pattern.search(text)
            if m and m.start() <= 2 and len(text) - m.end() <= 12 and len(text) >= 4:
                return True
        return False

    return is_caption


def combine_readings(readings: list[Reading]) -> tuple[dict[str, Any], dict[str, float]]:
    """One value per field from readings of the same words in different orders, the
    preferred reading first."""
    values: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    for name in dict.fromkeys(n for reading in readings for n in reading):
        found = [reading[name] for reading in readings if name in reading]
        value, certainty = found[0]
        if name == "quantity":
            value, certainty = _decimals_kept(found)
        if len(readings) > 1:
            if len(found) < len(readings):
                certainty *= _FOUND_ONCE
            elif any(_same_value(value, other) is False for other, _ in found[1:]):
                certainty *= _DISAGREEMENT
            else:
                certainty = max(c for _, c in found)
        values[name], confidence[name] = value, certainty
    return values, confidence


def _decimals_kept(found: list[tuple[Any, float]]) -> tuple[Any, float]:
    """Of two figures one power of ten apart (`15356` and `15,356`), the smaller: OCR
    loses a decimal comma far more often than it invents one."""
    value, certainty = found[0]
    for other, other_certainty in found[1:]:
        if value and other and any(abs(value / other - 10**k) < 1e-6 for k in (1, 2, 3)):
            return other, min(certainty, other_certainty)
    return value, certainty


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def grade(
    family_name: str, values: dict[str, Any], confidence: dict[str, float]
) -> tuple[str, str | None]:
    """Status and review message of requisites after they changed (an LLM filled gaps)."""
    family = next((f for f in families() if f.name == family_name), None)
    if family is None:
        return "needs_review", "Неизвестное семейство документа. Сверьте с оригиналом."
    return _status(family, values, confidence)


def _context(text: str, family: Family) -> Context:
    """The text with the family's labels, which may title a two-column form."""
    labels = tuple(
        label.pattern
        for rule in family.fields.values()
        for label in rule.labels
        if label.sign == "optional" and not label.colon
    )
    return Context(text, common(), _all_formats(), labels)


def _type_confidence(score: float, family: Family) -> float:
    return 0.5 if family.fallback else min(1.0, score / 0.6) * 0.95


def _find_fields(ctx: Context, family: Family, laid_out: bool = False) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for name, rule in family.fields.items():
        if rule.kind != "standard" and (item := _find_field(ctx, family, rule)):
            found[name] = item
    standard = family.fields.get("standard")
    if standard is not None:  # after the product name, which tells where to look
        product = found.get("product_name")
        span = (product.start, product.end) if product else None
        if item := find_standard(ctx, standard, span):
            found["standard"] = item
    found.update(_find_dates(ctx, family))
    if laid_out:  # a value under its column title beats one after a label in running text
        found.update(table_fields(ctx, family.fields))
    return found


def _find_field(ctx: Context, family: Family, rule: FieldRule) -> Found | None:
    if rule.kind == "number":
        return find_number(ctx, rule, family.number_formats)
    if rule.kind == "token":
        return find_token(ctx, rule)
    if rule.kind == "organization":
        return find_organization(ctx, rule)
    if rule.kind == "text":
        others = [lb.pattern for r in family.fields.values() if r is not rule for lb in r.labels]
        return find_text(ctx, rule, others)
    if rule.kind == "quantity":
        return find_quantity(ctx, rule)
    raise ValueError(f"unknown field kind {rule.kind!r} in family {family.name}")


def page_doc_number(text: str) -> str | None:
    """The document number printed on one page (splitting uses it to join repeats)."""
    result = classify(text)
    family = result.family
    if family is None or family.fallback or "doc_number" not in family.fields:
        return None
    item = _find_field(_context(text, family), family, family.fields["doc_number"])
    return item.value if item else None


# --- dates -----------------------------------------------------------------------------


def _find_dates(ctx: Context, family: Family) -> dict[str, Found]:
    best: dict[str, tuple[int, Found]] = {}
    unassigned: list[Found] = []
    for value, start, end in ctx.dates:
        if ctx.is_foreign_number(start, end):
            continue
        line_start, _ = ctx.line_bounds(start)
        prefix = ctx.search[line_start:start]
        if _quotes_other_document(ctx, family, start, prefix):
            continue
        hit = _date_role(ctx, family, start, prefix)
        if hit is None:
            unassigned.append(Found(value, 0.55, start, end))
            continue
        index, certainty = hit
        role = family.date_roles[index].role
        if role not in best or index < best[role][0]:
            best[role] = (index, Found(value, certainty, start, end))
    dates = {role: item for role, (_, item) in best.items()}
    _fallback_issue_date(ctx, family, dates, unassigned)
    for role, source in family.date_defaults.items():
        if role not in dates and source in dates:
            item = dates[source]
            dates[role] = Found(item.value, item.certainty * 0.9, item.start, item.end)
    _check_validity(dates)
    return dates


def _quotes_other_document(ctx: Context, family: Family, start: int, prefix: str) -> bool:
    """The date belongs to a quoted document (`декларация … от`, `Постановлением … от`),
    named on its line or, when the line names nothing with a №, at the end of the line
    above; a date with a label of its own (`Дата выдачи:`) is not. Below the title, a
    date followed by a number (`от 23.12.2021 № 2425`) cites another act whatever it is."""
    context = prefix
    labelled = re.search(r"[а-яa-z]{3}[^:\n]{0,20}:", prefix)
    if not _NUMBER_SIGN.search(prefix) and not labelled:
        context = _previous_lines(ctx, start, 1)[0][1][-40:] + " " + prefix
        end = next((e for _, s, e in ctx.dates if s == start), start)
        if _CITED_NUMBER.match(ctx.search, end) and start > _title_zone_end(ctx):
            return True
    return any(p.search(context) for p in family.date_exclude)


_CITED_NUMBER = re.compile(rf"\s*(?:г\.|года|г(?![а-я]))?\s*{NUMBER_SIGN}\s*[0-9]")


def _date_role(ctx: Context, family: Family, start: int, prefix: str) -> tuple[int, float] | None:
    """(index of the date role rule, certainty) for the date at `start`."""
    table_cell = not _LETTER.search(prefix) or re.search(r"\s{3,}|\|", prefix)
    if not _LETTER.search(prefix):
        header = _header_role(ctx, family, start)
        if header is not None:
            return header
        prefix = _previous_lines(ctx, start, 1)[0][1] + " " + prefix
    for index, role in enumerate(family.date_roles):
        if role.pattern.search(prefix) and not any(p.search(prefix) for p in role.unless):
            return index, role.certainty
    return _header_role(ctx, family, start) if table_cell else None


def _previous_lines(ctx: Context, pos: int, count: int) -> list[tuple[int, str]]:
    """Up to `count` non-empty lines before the line of `pos`: (offset, text), nearest first."""
    lines: list[tuple[int, str]] = []
    line_start, _ = ctx.line_bounds(pos)
    end = line_start - 1
    while end > 0 and len(lines) < count:
        start, _ = ctx.line_bounds(end)
        if ctx.search[start:end].strip():
            lines.append((start, ctx.search[start:end]))
        end = start - 1
    return lines or [(0, "")]


def _header_role(ctx: Context, family: Family, start: int) -> tuple[int, float] | None:
    """A date in a table row: its role from the column titles in a line above."""
    line_start, line_end = ctx.line_bounds(start)
    row = [s for _, s, _ in ctx.dates if line_start <= s < line_end]
    for _, header in _previous_lines(ctx, start, 2):
        titles: list[tuple[int, int]] = []  # (column, role index)
        for index, role in enumerate(family.date_roles):
            if role.header is None:
                continue
            for m in role.header.finditer(header):
                if not any(abs(col - m.start()) < 4 for col, _ in titles):
                    titles.append((m.start(), index))
        if len(titles) < 2:
            continue
        titles.sort()
        if len(titles) == len(row):  # one title per date, in order
            chosen = titles[row.index(start)][1]
        else:
            column = start - line_start
            chosen = min(titles, key=lambda t: abs(t[0] - column))[1]
        return chosen, family.date_roles[chosen].certainty * 0.9
    return None


def _fallback_issue_date(
    ctx: Context, family: Family, dates: dict[str, Found], unassigned: list[Found]
) -> None:
    if "issue_date" in dates or family.issue_date_fallback == "none" or not unassigned:
        return
    zone_end = _title_zone_end(ctx)
    in_title = [d for d in unassigned if d.start < zone_end]
    if in_title:  # a date under the title is the document's date
        first = in_title[0]
        dates["issue_date"] = Found(first.value, 0.75, first.start, first.end)
    elif family.issue_date_fallback == "first":
        dates["issue_date"] = unassigned[0]


def _title_zone_end(ctx: Context) -> int:
    zone = title_zone(ctx.text, ctx.common.title_lines)
    last_line = zone.splitlines()[-1] if zone else ""
    found = ctx.text.find(last_line) if last_line else -1
    return found + len(last_line) if found >= 0 else 0


def _check_validity(dates: dict[str, Found]) -> None:
    start, end = dates.get("valid_from"), dates.get("valid_to")
    if start and end and end.value < start.value:  # roles probably mixed up
        for role in ("valid_from", "valid_to"):
            item = dates[role]
            dates[role] = Found(item.value, item.certainty * 0.5, item.start, item.end)


# --- status ----------------------------------------------------------------------------


def _status(
    family: Family, values: dict[str, Any], confidence: dict[str, float]
) -> tuple[str, str | None]:
    rules = common()
    names = rules.field_names
    missing = [f for f in family.required if values.get(f) is None]
    checked = [*([] if family.fallback else ["doc_type"]), *family.required]
    low = [
        f
        for f in checked
        if values.get(f) is not None and confidence.get(f, 0) < rules.review_threshold
    ]
    problems = []
    if family.fallback:
        problems.append(
            "тип документа не определён: нет признаков сертификата, декларации, "
            "документа о качестве, отказного письма или протокола испытаний"
        )
    if missing:
        problems.append("не найдены реквизиты: " + ", ".join(names.get(f, f) for f in missing))
    if low:
        problems.append(
            "низкая уверенность распознавания: "
            + ", ".join(f"{names.get(f, f)} ({confidence[f]:.2f})" for f in low)
        )
    if not problems:
        return "ok", None
    message = "; ".join(problems)
    return "needs_review", message[0].upper() + message[1:] + ". Сверьте с оригиналом."
