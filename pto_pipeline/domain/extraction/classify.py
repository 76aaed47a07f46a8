"""Page classification and splitting a scanned file into documents.

Each family scores a page by fuzzy anchors (rapidfuzz `partial_ratio` on squashed text,
so OCR typos and broken spacing still match): title anchors in the title zone (first
lines) weigh most, body anchors anywhere add evidence, a registration number of the
family's format adds a little, and a negative anchor in the title zone (a passport
quoting its plant's declaration) cuts the family's score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .normalize import search_form, squash_search
from .numbers import find_numbers
from .rules import NUMBER_SIGN, Anchor, Family, common, families

_WORDISH = re.compile(r"[«\"(]*[A-Za-zА-Яа-яЁё]{3,}[»\").,:;]*")
_VOWELS = re.compile(r"[аеёиоуыэюяaeiouy]", re.IGNORECASE)
_PAGE_BREAK = "\f"


@dataclass
class PageClass:
    doc_type: str | None
    score: float
    starts_document: bool


@dataclass(frozen=True)
class Classification:
    family: Family | None
    score: float
    starts_document: bool
    readable: bool


def is_readable(text: str) -> bool:
    """Enough real words to be a document rather than an empty page or noise."""
    tokens = text.split()
    words = [t for t in tokens if _WORDISH.fullmatch(t) and _VOWELS.search(t)]
    return len(words) >= 4 and len(words) >= 0.25 * len(tokens)


def title_zone(text: str, lines: int) -> str:
    first_page = text.split(_PAGE_BREAK, 1)[0]
    kept = [ln for ln in first_page.splitlines() if len(re.findall(r"[^\W\d_]", ln)) >= 2]
    return "\n".join(kept[:lines])


def anchor_strength(anchor: Anchor, haystack: str) -> float:
    """1.0 for an exact hit, a bit less for a near one (a few OCR errors), else 0."""
    needle = anchor.squashed
    if not needle or not haystack:
        return 0.0
    if needle in haystack:
        return 1.0
    length = len(needle)
    errors = 0 if length < 8 else 1 if length < 14 else 2 if length < 22 else 3
    if not errors:
        return 0.0
    cutoff = 100.0 * (1 - errors / length) - 1e-6
    if len(haystack) < length:  # partial_ratio would look for the haystack in the needle
        return fuzz.ratio(needle, haystack, score_cutoff=cutoff) / 100.0
    return fuzz.partial_ratio(needle, haystack, score_cutoff=cutoff) / 100.0


def _best(anchors: tuple[Anchor, ...], haystack: str) -> float:
    return max((anchor_strength(a, haystack) for a in anchors), default=0.0)


def _has_heading(zone: str) -> bool:
    """A document of no known family still starts a new document when its first lines
    carry a heading of its own (`Исх. № 12`, `ТОВАРНАЯ НАКЛАДНАЯ № 512 от …`)."""
    folded = search_form(zone)
    return any(p.search(folded) for p in common().start_patterns)


_NUMBER_TAIL = re.compile(rf"\s*(?<![а-яa-z]){NUMBER_SIGN}\s*[0-9a-zа-я].*$")


def _title_part(line: str) -> str:
    """A line without the number printed after its title (`СЕРТИФИКАТ КАЧЕСТВА № С-1184`),
    so a title standing on its own line further down is still a title."""
    if re.match(r"\s*(?:[0-9]+\s*[.),]|[-–—•*])", line):
        return line  # `1. Сертификат соответствия № …;`: an item of a letter's list
    m = _NUMBER_TAIL.search(search_form(line))
    return line[: m.start()] if m else line


def _is_continuation(text: str) -> bool:
    rules = common()
    first_page = text.split(_PAGE_BREAK, 1)[0]
    lines = [ln for ln in first_page.splitlines() if ln.strip()]
    head = squash_search("\n".join(lines[:5]))
    if _best(rules.continuation_anchors, head) >= 0.9:
        return True
    edges = search_form("\n".join(lines[:3] + lines[-3:]))
    return any(p.search(edges) for p in rules.continuation_patterns)


@dataclass(frozen=True)
class _Score:
    family: Family
    score: float
    title: float
    body: float


def title_cells(zone: str) -> list[str]:
    """Squashed title lines and their cells (a title starts a line or a table cell)."""
    cells: list[str] = []
    for line in zone.splitlines():
        for cell in [line, *re.split(r"\s{3,}|\|", line)]:
            squashed = squash_search(cell)
            if squashed and not squashed[0].isdigit():  # `1. Сертификат …` is a list item
                cells.append(squashed)
    return cells


@dataclass(frozen=True)
class _Page:
    """The squashed views of a page that anchors are looked up in."""

    cells: list[str]  # title-zone lines and cells
    title: str  # the whole title zone
    lines: list[str]  # every line of the first page
    text: str  # the whole text


def _title_strength(anchor: Anchor, page: _Page) -> float:
    """Full strength at the start of a title-zone line or cell; 0.9 for a line that is
    nothing but the title further down (two-column forms OCR the labels first); weak
    evidence for a title phrase inside running text (`направляем сертификат …`)."""
    width = len(anchor.squashed) + 2
    at_start = max((anchor_strength(anchor, cell[:width]) for cell in page.cells), default=0.0)
    if at_start:
        return at_start
    alone = [line for line in page.lines if len(line) <= len(anchor.squashed) + 4]
    standalone = max((anchor_strength(anchor, line) for line in alone), default=0.0)
    return 0.9 * standalone or 0.25 * anchor_strength(anchor, page.title)


def _specific_enough(family: Family, page: _Page) -> bool:
    """A family that refines another (concrete, rebar) is taken only when the page shows
    several of its own marks: a precast passport naming «класс бетона» once is not a
    concrete batch document."""
    if not family.min_own_anchors:
        return True
    hits = sum(anchor_strength(a, page.text) >= 0.9 for a in family.own_anchors)
    return hits >= family.min_own_anchors


def _score(family: Family, page: _Page, raw_text: str) -> _Score:
    title_sq, page_sq, text = page.title, page.text, raw_text
    title = max(
        (_title_strength(a, page) * min(1.0, a.weight) for a in family.title_anchors),
        default=0.0,
    )
    body = 0.0
    strong = 0.0
    for anchor in family.body_anchors:
        strength = anchor_strength(anchor, page_sq)
        body += strength * anchor.weight
        if anchor.weight >= 2:
            strong = max(strong, strength)
    number = 1.0 if family.number_formats and find_numbers(text, family.number_formats) else 0.0
    if _best(family.negative_anchors, title_sq) >= 0.9:
        title *= 0.3
        number = 0.0
    # a strong body formula (`не подлежит обязательной сертификации`) stands as a title even
    # when a short letter's first lines mention a passport (`Документы о качестве выдаются …`)
    title = max(title, 0.8 * strong)
    score = 0.6 * title + 0.25 * min(1.0, body / 3.0) + 0.15 * number
    return _Score(family, min(1.0, score), title, body)


@lru_cache(maxsize=512)
def _classify_cached(text: str) -> Classification:
    if not is_readable(text):
        return Classification(None, 0.0, False, False)
    rules = common()
    zone = title_zone(text, rules.title_lines)
    first_page = text.split(_PAGE_BREAK, 1)[0]
    page = _Page(
        cells=title_cells(zone),
        title=squash_search(zone),
        lines=[sq for line in first_page.splitlines() if (sq := squash_search(_title_part(line)))],
        text=squash_search(text),
    )
    scores = [
        _score(f, page, text) for f in families() if not f.fallback and _specific_enough(f, page)
    ]
    best = max(scores, key=lambda s: (round(s.score, 6), s.body, -s.family.depth), default=None)
    if best is None or best.score < rules.min_family_score:
        fallback = next((f for f in families() if f.fallback), None)
        starts = _has_heading(zone) and not _is_continuation(text)
        return Classification(fallback, best.score if best else 0.0, starts, True)
    starts = best.title >= 0.75 and not _is_continuation(text)
    return Classification(best.family, best.score, starts, True)


def classify(text: str) -> Classification:
    return _classify_cached(text or "")


def classify_page(text: str) -> PageClass:
    """Document type of one page, how sure (0..1), and whether a document starts here.

    Empty or unreadable text gives `doc_type=None`; readable text without the anchors
    of any family gives `other`.
    """
    result = classify(text)
    doc_type = result.family.doc_type if result.family else None
    return PageClass(doc_type, round(result.score, 3), result.starts_document)


def split_pages(page_texts: list[str]) -> list[tuple[int, int]]:
    """1-based inclusive page ranges, one per document found in a scanned file.

    A page starts a new document when it carries a document title (and is not an annex
    or a continuation sheet, and does not repeat the current document's number);
    every other page joins the document before it.
    """
    from .extract import page_doc_number  # local: extract imports this module

    if not page_texts:
        return []
    starts = [0]
    current_number = page_doc_number(page_texts[0])
    for index in range(1, len(page_texts)):
        page = classify(page_texts[index])
        if not page.starts_document:
            continue
        number = page_doc_number(page_texts[index])
        if number and number == current_number:
            continue
        starts.append(index)
        current_number = number
    bounds = [*starts, len(page_texts)]
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(len(starts))]
