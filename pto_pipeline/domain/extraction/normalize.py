"""OCR-tolerant text forms used by the extraction rules.

`search_form` keeps every offset (one character for one character), so a label or
value found in it can be cut from the original text at the same positions.
"""

from __future__ import annotations

import re

from pto_pipeline.domain.dates import LOWER_LOOKALIKES

# Lower case, Latin look-alikes -> Cyrillic, `J` (an OCR'd `Д`) -> `д`, ё -> е.
_SEARCH = str.maketrans({**LOWER_LOOKALIKES, "j": "д", "\t": " ", "\r": " "})

# Letters that exist only in one alphabet decide which alphabet a word is written in.
_CYRILLIC_ONLY = set("БГДЁЖЗИЙЛПФЦЧШЩЪЫЬЭЮЯбгдёжзийлпфцчшщъыьэюя")
_LATIN_ONLY = set("DFGIJLNQRSUVWZbdfgijlnqrsuvwz")
_TO_CYRILLIC = str.maketrans(
    "ABCEHKMOPTXYacekmopxytb",
    "АВСЕНКМОРТХУасекморхуть",
)
_TO_LATIN = str.maketrans("АВСЕНКМОРТХУасеорху", "ABCEHKMOPTXYaceopxy")
_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+")
_SPACES = re.compile(r"\s+")
_DIGIT_O = re.compile(r"(?<=[0-9])[OОoо]|[OОoо](?=[0-9])")
_DIGIT_3 = re.compile(r"(?<=[0-9])[Зз](?=[0-9])")
_DIGIT_1 = re.compile(r"(?<=[0-9])[Il|](?=[0-9])")
_LATIN_N_PREFIX = re.compile(r"^(?:N|TI|II)(?=-?[0-9])")


def search_form(text: str) -> str:
    """Lower case with look-alikes folded to Cyrillic; same length as `text`."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case into two
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low.translate(_SEARCH)


def squash_search(text: str) -> str:
    """`search_form` with only letters, digits and № kept (for fuzzy anchors)."""
    return re.sub(r"[^0-9a-zа-я№]", "", search_form(text))


def _repair_word(word: str) -> str:
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return word
    if any(ch in _CYRILLIC_ONLY for ch in letters):
        fixed = word.translate(_TO_CYRILLIC)
        if sum(ch.isalpha() for ch in fixed) >= 3:  # `3авод` -> `завод`, not `П3`
            fixed = re.sub(r"(?<=[А-Яа-я])3|3(?=[а-я])", "з", fixed)
            fixed = re.sub(r"(?<=[а-я])0|0(?=[а-я])", "о", fixed)
        return fixed
    if any(ch in _LATIN_ONLY for ch in letters):
        return word.translate(_TO_LATIN)
    # Only look-alikes (`B25`, `A500C`, `BCT`): Russian documents mean Cyrillic.
    return word.translate(_TO_CYRILLIC)


def repair_words(text: str) -> str:
    """Put each word in one alphabet (OCR mixes Latin and Cyrillic look-alikes)."""
    return _WORD.sub(lambda m: _repair_word(m.group()), text)


def clean_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


_DIGIT_LOOKALIKES = str.maketrans("OОoоЗзIl|", "000033111")


def repair_number_token(token: str) -> str:
    """Fix digit-position OCR confusions in a document or batch number."""
    letters = {ch for ch in token if ch.isalpha()}
    if letters and letters <= set("OОoоЗзIl") and any(ch.isdigit() for ch in token):
        return token.translate(_DIGIT_LOOKALIKES)  # `0З/17` is `03/17`
    token = _LATIN_N_PREFIX.sub("П", token)  # `N-108`, `TI-580`: the English model's П
    token = _DIGIT_O.sub("0", token)
    token = _DIGIT_3.sub("3", token)
    token = _DIGIT_1.sub("1", token)
    return repair_words(token)
