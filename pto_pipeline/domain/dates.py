"""Russian dates as printed on quality documents and in registers.

Supported forms: `12.03.2026`, `12.03.26`, `12,03.2026` (OCR comma), `12/03/2026`,
`12-03-2026`, `2026-03-12`, `«12» марта 2026 г.`, `12 марта 2026 года`, `«Об» июля 2030`
(a quoted day with OCR'd digits: О/о -> 0, б -> 6, з -> 3). Month names are
read in the genitive (and nominative), with Latin look-alike letters folded, so an OCR'd
`12 мapтa 2026` is still a date. Batch numbers such as `12/03-24` (mixed separators) are
not dates, and impossible dates (`31.02.2026`) are rejected.

A small explicit month table and compiled regexes keep this fast (tens of thousands of
calls per second); `dateparser` was not used because it is slow on running text and
accepts far more than a document date.
"""

from __future__ import annotations

import re
from datetime import date

# Lower-case Latin look-alikes -> Cyrillic, one char for one char (offsets are kept).
# Shared with the extraction's search form, which adds a few OCR-specific swaps.
LOWER_LOOKALIKES = {
    "a": "а",
    "c": "с",
    "e": "е",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "k": "к",
    "m": "м",
    "h": "н",
    "t": "т",
    "b": "в",
    "ё": "е",
    "\u00a0": " ",
}
_FOLD = str.maketrans(LOWER_LOOKALIKES)

_MONTHS = {
    "янв": 1,
    "фев": 2,
    "мар": 3,
    "апр": 4,
    "мая": 5,
    "май": 5,
    "июн": 6,
    "июл": 7,
    "авг": 8,
    "сен": 9,
    "окт": 10,
    "ноя": 11,
    "дек": 12,
}
_MONTH_WORD = (
    r"(?:январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?"
    r"|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь])"
)
_D = r"[0-9]"
_DO = r"[0-9о]"  # a digit, or an O the OCR put in a digit position
_MM = r"(?:[0-9][0-9о]?|о[0-9])"  # month: one or two digits, at most one of them an O

_NUMERIC = re.compile(
    rf"(?<![0-9.,/\-])"
    # `18.11:2025`: OCR reads the second dot as a colon
    rf"(?:(?P<d1>{_D}{_DO}?)(?P<s1>[.,])\s?(?P<m1>{_MM})[.,:]\s?(?P<y1>{_D}{_DO}{{3}})"
    rf"|(?P<d2>{_D}{_DO}?)\.\s?(?P<m2>{_MM})\.\s?(?P<y2>{_D}{_DO})(?![.,]?[0-9])"
    rf"|(?P<d3>{_D}{_DO}?)(?P<s3>[/\-])(?P<m3>{_MM})(?P=s3)(?P<y3>{_D}{{4}})"
    rf"|(?P<y4>[12][0-9]{{3}})-(?P<m4>[01]?[0-9])-(?P<d4>[0-3]?[0-9]))"
    rf"(?![0-9])"
)
_TEXTUAL = re.compile(
    r"(?<![0-9])(?P<q>[«\"'“„<`‘]{1,2}\s*)?(?P<d>[0-3оз]?[0-9обз])\s*(?:[»\"'”>`’]{1,2})?\s*"
    rf"(?P<m>{_MONTH_WORD})\.?\s*(?P<y>[12][0-9]{{3}}|[0-9]{{2}}(?=\s*г))(?![0-9])"
    r"(?P<tail>\s*(?:года|г\.?(?![а-я])))?"
)
# What may surround a single date in `parse_ru_date`.
_FRAME = re.compile(r"^[\s«»\"'“”„<>.,;:()]*$")


def _fold(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case into two
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low.translate(_FOLD)


def _number(digits: str) -> int:
    return int(digits.replace("о", "0"))


def _year(digits: str) -> int:
    year = _number(digits)
    if len(digits) == 2:  # two-digit years: 00-69 -> 20xx, 70-99 -> 19xx
        year += 2000 if year < 70 else 1900
    return year


def _make(day: int, month: int, year: int) -> date | None:
    if not 1950 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_numeric(m: re.Match[str]) -> date | None:
    for n in "1234":
        if m.group(f"y{n}") is not None:
            return _make(
                _number(m.group(f"d{n}")), _number(m.group(f"m{n}")), _year(m.group(f"y{n}"))
            )
    return None


_DAY_LOOKALIKES = str.maketrans("обз", "063")


def _from_textual(m: re.Match[str]) -> date | None:
    day = m.group("d")
    if not day.isdigit():  # `«Об» июля`: OCR'd digits, trusted only inside the day's quotes
        if m.group("q") is None:
            return None
        day = day.translate(_DAY_LOOKALIKES)
    return _make(int(day), _MONTHS[m.group("m")[:3]], _year(m.group("y")))


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """All dates in `text` as (date, start, end), in order, non-overlapping.

    Offsets index the given text. A textual date spans its quotes and a trailing
    `г.`/`года`.
    """
    folded = _fold(text)
    found: list[tuple[date, int, int]] = []
    for m in _TEXTUAL.finditer(folded):
        value = _from_textual(m)
        if value is not None:
            found.append((value, m.start(), m.end()))
    for m in _NUMERIC.finditer(folded):
        value = _from_numeric(m)
        if value is not None and not any(s < m.end() and m.start() < e for _, s, e in found):
            found.append((value, m.start(), m.end()))
    found.sort(key=lambda item: item[1])
    return found


def parse_ru_date(s: str) -> date | None:
    """One date written alone (`12.03.2026`, `«12» марта 2026 г.`), else None."""
    if not s or len(s) > 64:
        return None
    found = find_dates(s)
    if len(found) != 1:
        return None
    value, start, end = found[0]
    rest = s[:start] + s[end:]
    rest = re.sub(r"(?i)(года|г\.?)\s*$", "", rest.strip())
    return value if _FRAME.match(rest) else None
