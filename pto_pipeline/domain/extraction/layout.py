"""A page's words laid out as they stand on the page: the layout reading.

tesseract returns words in its own reading order: on a two-column form it often reads
the whole label column, then the whole value column, and a table cell by cell. Field
rules then have to guess which value belongs to which label. Here the words are put
back where they are printed, from their boxes:

- words whose boxes share a band of the page form one visual line, whatever block
  tesseract put them in, so a label and the value printed right of it share a line;
- a wide gap between words becomes at least three spaces (a cell boundary for the
  field rules) and the next word is moved to its column, counted in character widths,
  so a value printed under a column title stands under it in the text too;
- a wide vertical gap becomes an empty line.

One layer for every source: tesseract's word table for scans, a PDF text layer's words
for digital documents. Pure functions; no OCR here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import median

_CELL_GAP = 1.1  # a gap wider than this many word heights separates cells
_MIN_CELL_SPACES = 3  # the field rules split cells at three spaces or more
_BLANK_LINE_GAP = 1.2  # a vertical gap of this many line heights is a paragraph break


@dataclass(frozen=True)
class Word:
    """One recognised word and its box in pixels (or PDF points)."""

    text: str
    confidence: int  # 0..100
    left: float
    top: float
    right: float
    bottom: float
    line_key: tuple | None = None  # the engine's own line, kept together when present

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)


@dataclass
class _Unit:
    """Words the engine read as one line (or one word with no engine line)."""

    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def layout_text(words: Sequence[Word]) -> tuple[str, list[int]]:
    """The page's text in layout order and one confidence per whitespace-separated word."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return "", []
    char_width = _char_width(words)
    word_height = median(w.height for w in words)
    left_edge = min(w.left for w in words)
    lines: list[str] = []
    confidences: list[int] = []
    previous_bottom: float | None = None
    for row in _visual_rows(_units(words)):
        top = min(w.top for w in row)
        if previous_bottom is not None and top - previous_bottom > _BLANK_LINE_GAP * word_height:
            lines.append("")
        previous_bottom = max(w.bottom for w in row)
        text, row_confidences = _render_row(row, left_edge, char_width, word_height)
        lines.append(text)
        confidences.extend(row_confidences)
    return "\n".join(lines), confidences


def _char_width(words: Sequence[Word]) -> float:
    widths = [(w.right - w.left) / len(w.text) for w in words if len(w.text) >= 3]
    if not widths:
        widths = [(w.right - w.left) / max(1, len(w.text)) for w in words]
    return max(1.0, median(widths))


def _units(words: Iterable[Word]) -> list[_Unit]:
    """The engine's lines (a word of its own where the engine gives none)."""
    by_line: dict[object, list[Word]] = {}
    for i, word in enumerate(words):
        by_line.setdefault(word.line_key if word.line_key is not None else i, []).append(word)
    return [_Unit(sorted(line, key=lambda w: w.left)) for line in by_line.values()]


def _visual_rows(units: list[_Unit]) -> list[list[Word]]:
    """Units grouped into lines of the page, top to bottom, each left to right. A line's
    band is its first unit's: a logo or a large title beside two lines of text must not
    widen it until it swallows both."""
    rows: list[tuple[float, float, list[_Unit]]] = []
    for unit in sorted(units, key=lambda u: (u.bottom - u.top, u.middle)):
        for top, bottom, members in rows:
            if _same_band(top, bottom, unit):
                members.append(unit)
                break
        else:
            rows.append((unit.top, unit.bottom, [unit]))
    rows.sort(key=lambda r: r[0])
    return [
        sorted((w for u in members for w in u.words), key=lambda w: w.left) for *_, members in rows
    ]


def _same_band(top: float, bottom: float, unit: _Unit) -> bool:
    """The unit's middle lies in the band, and the band's middle in the unit."""
    middle = (top + bottom) / 2
    return top <= unit.middle <= bottom and unit.top <= middle <= unit.bottom


def _render_row(
    row: list[Word], left_edge: float, char_width: float, word_height: float
) -> tuple[str, list[int]]:
    out = ""
    confidences: list[int] = []
    previous: Word | None = None
    for word in row:
        if previous is None:
            # a line's first word keeps its column: a value under the right caption of a
            # row stays there (extraction strips the indent once columns are used)
            out = " " * round((word.left - left_edge) / char_width)
        else:
            gap = word.left - previous.right
            if gap > _CELL_GAP * max(word_height, min(word.height, previous.height)):
                column = round((word.left - left_edge) / char_width)
                out += " " * max(_MIN_CELL_SPACES, column - len(out))
            else:
                out += " "
        parts = word.text.split()
        out += " ".join(parts)
        confidences.extend([word.confidence] * len(parts))
        previous = word
    return out, confidences


def visual_rows(words: Sequence[Word]) -> list[list[Word]]:
    """The page's lines (words sharing a band), top to bottom, each left to right."""
    return _visual_rows(_units(w for w in words if w.text.strip()))


def empty_value_boxes(
    words: Sequence[Word],
    label_at_end: Callable[[str], bool],
    page_width: float,
) -> list[tuple[float, float, float, float]]:
    """Boxes (left, top, right, bottom) right of labels that end their line with no
    value: where a stamp or a signature over the value made OCR skip it. `label_at_end`
    tells whether a line's text ends with a value label (`Партия №`, `Отгружено`)."""
    boxes = []
    for row in visual_rows(words):
        text = " ".join(w.text for w in row)
        if not label_at_end(text):
            continue
        # OCR debris of the stamp after the label (`;`, `_`) is no value
        last = next(
            (w for w in reversed(row) if re.search(r"[0-9A-Za-zА-Яа-яЁё№]", w.text)), row[-1]
        )
        height = max(w.height for w in row)
        left = last.right + height * 0.5
        right = min(page_width, left + page_width * 0.45)
        if right - left > height * 3:
            boxes.append((left, last.top - height * 0.4, right, last.bottom + height * 0.4))
    return boxes


def tesseract_words(data: dict, page: int = 1) -> list[Word]:
    """The words of one page of tesseract's word table (`image_to_data` as a dict)."""
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0 or int(data["page_num"][i]) != page:
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        words.append(
            Word(
                text,
                round(conf),
                left,
                top,
                left + float(data["width"][i]),
                top + float(data["height"][i]),
                (data["block_num"][i], data["par_num"][i], data["line_num"][i]),
            )
        )
    return words


def pdf_words(items: Iterable[dict]) -> list[Word]:
    """Words of a PDF text layer (pdfplumber's `extract_words`): printed text is sure."""
    return [
        Word(item["text"], 100, item["x0"], item["top"], item["x1"], item["bottom"])
        for item in items
        if str(item.get("text", "")).strip()
    ]


def words_to_json(words: Iterable[Word]) -> list[list]:
    """Compact rows for a cache file: text, confidence, box, engine line."""
    return [
        [
            w.text,
            w.confidence,
            round(w.left),
            round(w.top),
            round(w.right),
            round(w.bottom),
            list(w.line_key) if w.line_key is not None else None,
        ]
        for w in words
    ]


def words_from_json(rows: Iterable[list]) -> list[Word]:
    """Words of `words_to_json` rows; a malformed row is skipped (a damaged cache heals
    by the page being read again only when the whole entry is unreadable)."""
    words = []
    for row in rows:
        try:
            text, conf, left, top, right, bottom, key = row
            words.append(
                Word(
                    str(text),
                    int(conf),
                    float(left),
                    float(top),
                    float(right),
                    float(bottom),
                    tuple(key) if key is not None else None,
                )
            )
        except (TypeError, ValueError):
            continue
    return words
