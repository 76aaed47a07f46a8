"""Captions printed above their values, side by side, unfolded into `Caption: value` lines.

A form in columns prints a row of captions and, under each, its value:

    Объект испытаний                    Изготовитель
    Смесь бетонная БСТ В25 П5 F150 W6   ООО «Восточный бетонный узел»

In the layout reading (layout.py) each value stands under its caption. Here such a row
is recognised (every cell of the line is a field label of the family) and rewritten so
that each caption is followed by its own value lines:

    Объект испытаний: Смесь бетонная БСТ В25 П5 F150 W6
    Изготовитель: ООО «Восточный бетонный узел»

The words and their OCR confidences travel together, so a value's confidence stays its
own. Pure text work: the field rules then read the result like any key-value form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .normalize import search_form

_CELL_SPLIT = re.compile(r"\s{3,}|\t")
_MAX_VALUE_LINES = 5  # value lines under a caption row, before the next row or a gap
_MAX_CAPTION_WORDS = 5


@dataclass
class _Cell:
    start: int  # character column within its line
    end: int
    words: list[tuple[str, int]]  # (word, confidence)


def unfold_captions(
    text: str, confidences: list[int] | None, is_label: Callable[[str], bool]
) -> tuple[str, list[int] | None]:
    """The text with caption rows unfolded; confidences re-ordered with their words
    (None stays None). `is_label` tells whether a cell's text is a field label."""
    confs = list(confidences) if confidences is not None else None
    if confs is not None and len(confs) != len(text.split()):
        confs = None  # they belong to another text
    lines = _tokenised(text, confs)
    out: list[tuple[list[tuple[str, int]], str]] = []
    i = 0
    while i < len(lines):
        line, raw = lines[i]
        captions = _cells(raw, line)
        if len(captions) >= 2 and all(_is_caption(c, is_label) for c in captions):
            values, after = _value_lines(lines, i + 1, is_label)
            if values and not _table_rows(values, len(captions)):
                out.extend(
                    (words, " ".join(w for w, _ in words)) for words in _unfolded(captions, values)
                )
                i = after
                continue
        out.append((line, raw))  # as printed, cell gaps and all
        i += 1
    new_text = "\n".join(raw for _, raw in out)
    return new_text, ([c for words, _ in out for _, c in words] if confs is not None else None)


def _tokenised(text: str, confs: list[int] | None) -> list[tuple[list[tuple[str, int]], str]]:
    """Each line as its (word, confidence) list and its raw text (for columns)."""
    lines = []
    k = 0
    for raw in text.split("\n"):
        words = []
        for word in raw.split():
            words.append((word, confs[k] if confs is not None else 100))
            k += 1
        lines.append((words, raw))
    return lines


def _cells(raw: str, words: list[tuple[str, int]]) -> list[_Cell]:
    cells: list[_Cell] = []
    pos = 0
    k = 0
    for m in [*_CELL_SPLIT.finditer(raw), None]:
        end = m.start() if m else len(raw)
        chunk = raw[pos:end]
        if chunk.strip():
            n = len(chunk.split())
            lead = len(chunk) - len(chunk.lstrip())
            cells.append(_Cell(pos + lead, end, words[k : k + n]))
            k += n
        if m:
            pos = m.end()
    return cells


def _is_caption(cell: _Cell, is_label: Callable[[str], bool]) -> bool:
    text = " ".join(w for w, _ in cell.words).strip(" :_.,‚`'")
    if not text or len(text.split()) > _MAX_CAPTION_WORDS or re.search(r"[0-9«»\"]", text):
        return False
    return is_label(search_form(text))


def _value_lines(
    lines: list[tuple[list[tuple[str, int]], str]], start: int, is_label: Callable[[str], bool]
) -> tuple[list[tuple[list[tuple[str, int]], str]], int]:
    """Lines under a caption row, up to an empty line, another caption row or a limit."""
    values = []
    i = start
    while i < len(lines) and len(values) < _MAX_VALUE_LINES:
        words, raw = lines[i]
        if not raw.strip():
            break
        cells = _cells(raw, words)
        if len(cells) >= 2 and all(_is_caption(c, is_label) for c in cells):
            break
        values.append(lines[i])
        i += 1
    return values, i


def _table_rows(values: list[tuple[list[tuple[str, int]], str]], columns: int) -> bool:
    """Two or more lines that fill every column, with figures: a table's data rows,
    which the table reader reads (a caption's value wraps over one column at a time)."""
    full = [
        raw
        for words, raw in values
        if len(_cells(raw, words)) >= columns and re.search(r"[0-9]", raw)
    ]
    return len(full) >= 2


def _unfolded(
    captions: list[_Cell], values: list[tuple[list[tuple[str, int]], str]]
) -> list[list[tuple[str, int]]]:
    """`Caption: first value line` then its further value lines, caption by caption."""
    under: list[list[list[tuple[str, int]]]] = [[] for _ in captions]
    for words, raw in values:
        for cell in _cells(raw, words):
            under[_column_of(cell, captions)].append(cell.words)
    out: list[list[tuple[str, int]]] = []
    for caption, lines in zip(captions, under, strict=True):
        head = list(caption.words)
        word, conf = head[-1]
        head[-1] = (word.rstrip(":") + ":", conf)
        out.append(head + (lines[0] if lines else []))
        out.extend(lines[1:])
    return out


def _column_of(cell: _Cell, captions: list[_Cell]) -> int:
    """The caption the cell stands under: the one it overlaps most, else the last caption
    that starts left of it."""
    overlaps = [min(cell.end, c.end) - max(cell.start, c.start) for c in captions]
    best = max(range(len(captions)), key=lambda k: overlaps[k])
    if overlaps[best] > 0:
        return best
    left = [k for k, c in enumerate(captions) if c.start <= cell.start]
    return left[-1] if left else 0
