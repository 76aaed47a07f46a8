"""Text normalisation shared by extraction and matching.

OCR and people mix Latin and Cyrillic look-alike letters (A/А, B/В, C/С, ...);
numbers and grades must be compared after folding them to one alphabet.
"""

from __future__ import annotations

import re
import unicodedata

# Latin letter -> Cyrillic look-alike (upper and lower case).
_LATIN_TO_CYRILLIC = str.maketrans(
    "ABCEHKMOPTXYaceopxyk",
    "АВСЕНКМОРТХУасеорхук",
)
_CYRILLIC_TO_LATIN = str.maketrans(
    "АВСЕНКМОРТХУасеорхук",
    "ABCEHKMOPTXYaceopxyk",
)

_SPACES = re.compile(r"\s+")


def to_cyrillic_lookalikes(text: str) -> str:
    """Replace Latin look-alike letters by their Cyrillic twins."""
    return text.translate(_LATIN_TO_CYRILLIC)


def to_latin_lookalikes(text: str) -> str:
    """Replace Cyrillic look-alike letters by their Latin twins."""
    return text.translate(_CYRILLIC_TO_LATIN)


def fold(text: str) -> str:
    """Canonical comparison key: NFKC, upper case, Latin look-alikes, single spaces.

    Folding to Latin makes `А500С` and `A500C` (and `ЕАЭС RU С-RU` vs an OCR'd
    `EAЭC RU C-RU`) compare equal; `Ё` is folded to `Е`.
    """
    text = unicodedata.normalize("NFKC", text).replace("ё", "е").replace("Ё", "Е")
    text = to_latin_lookalikes(text.upper())
    return _SPACES.sub(" ", text).strip()


def squash(text: str) -> str:
    """`fold` without any whitespace or punctuation except . / - : for number keys."""
    return re.sub(r"[^0-9A-ZА-Я./\-]", "", fold(text))


def shorten(text: object, limit: int = 80) -> str:
    """`text` for a message: at most `limit` characters, an ellipsis when cut.

    Values people or scans supply may be huge; a message quotes only their start.
    """
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
