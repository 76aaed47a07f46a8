"""Registration numbers of certificates and declarations, found through OCR errors.

A format is a template such as `ЕАЭС RU С-{A2}.{L2}{D2}.{L1}.{D5-6}/{D2}`:
`{Ln}` Cyrillic letters, `{An}` Latin letters (country codes), `{Dn}` / `{Dn-m}` digits,
`{N}` an optional number sign (printed as `N`). The template compiles to a lenient regex
(look-alike letters, `0`/`О`, `3`/`З`, `J`/`Д`, broken spacing, `,` for `.`) and the
match is rebuilt in canonical form: Cyrillic letters in letter positions, digits in digit
positions, the template's own spelling for the fixed parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_SLOT = re.compile(r"\{([LADN])(\d*)(?:-(\d+))?\}")
_LETTER = "[А-ЯЁа-яёABCEHKMOPTXYJINacekmopxyjr03®]"
_LATIN = "[A-Za-zА-Яа-я0]"
# Letters OCR'd as two characters (the English model reads a Cyrillic body code):
# Л as `/1`, `/I`, `JI` or `JT`, Г as `I'`, Ж as `)K` or `>K`, П as `II`,
# Ю as `HO`, `IO`, `EO` or `tO`.
_MULTI_CHAR_LETTERS = {
    "/1": "Л",
    "/l": "Л",
    "/I": "Л",
    "JI": "Л",
    "JT": "Л",
    "I'": "Г",
    "I’": "Г",
    ")K": "Ж",
    ">K": "Ж",
    "II": "П",
    **{a + b: "Ю" for a in "HIEt" for b in "OО0"},
}
_LETTER_OR_EL = "(?:" + "|".join(re.escape(k) for k in _MULTI_CHAR_LETTERS) + f"|{_LETTER})"
_DIGIT = "[0-9OОoоЗзlI|]"
_SIGN = r"(?:(?:№|N[oOоОeеsº°]?|М)\.?)?"
# OCR readings of fixed letters (rus+eng tesseract reads a Latin `RU` as `ВО`, `КУ`, `БУ`,
# `КЧЦ`; `Д` as `J`, `Jf`, `4` or `A`; `Э` as `S` or `I`).
_EXTRA_LOOKALIKES = {"Д": "J4AАaа", "З": "3", "О": "0", "Э": "З3SI", "R": "ВКБЯРP", "U": "ОУYЦИЧ0"}
_EXTRA_SUFFIX = {"Д": "[fl1iJ]?", "U": "[ОУYЦИЧ0]?"}
# Country codes seen on EAEU and national numbers; an OCR'd code outside the list that
# looks like `RU` (first letter read as В/К/Б/Я/Р, second as О/У/Ц/И) is `RU`.
_COUNTRIES = {"RU", "BY", "KZ", "AM", "KG", "CN", "TR", "DE", "IT", "PL", "FI", "UZ", "IN"}
_RU_FIRST, _RU_SECOND = set("RВКБЯРPBK"), set("UОУYЦИЧ0OV")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN_TWINS = dict(zip("АВСЕНКМОРТХУ", "ABCEHKMOPTXY", strict=True))
_CYRILLIC_TWINS = {v: k for k, v in _LATIN_TWINS.items()}
# N is a Cyrillic П read by the English model (И comes out as М, which cannot be told apart).
_LETTER_FIX = str.maketrans(
    {**_CYRILLIC_TWINS, "0": "О", "3": "З", "J": "Д", "I": "Г", "R": "Г", "N": "П", "®": "Ф"}
)
_DIGIT_FIX = str.maketrans(
    {"O": "0", "О": "0", "o": "0", "о": "0", "З": "3", "з": "3", "l": "1", "I": "1", "|": "1"}
)


@dataclass(frozen=True)
class NumberMatch:
    start: int
    end: int
    text: str  # canonical
    repairs: int  # letters read as digits or digits as letters


@dataclass(frozen=True)
class _Compiled:
    regex: re.Pattern[str]
    parts: tuple[tuple[str, str], ...]  # (kind, literal text or slot kind)
    sizes: tuple[tuple[int, int], ...]  # (min, max) length of each slot


def _literal(ch: str) -> str:
    if ch == " ":
        return r"[\s.,:‘’'`]*"  # `РОСС. RU`, `RU ‘C-RU`
    if ch in ".,":
        return r"\s*[.,:]\s*"  # `RU:31130`
    if ch in "-–":
        return r"\s*[-–—][\s\-–—]*"  # `Д- -RU`: OCR doubles a dash across a gap
    if ch == "/":
        return r"\s*[/|lI]\s*"
    if not ch.isalpha():
        return re.escape(ch)
    upper = ch.upper()
    variants = {upper, ch.lower(), _LATIN_TWINS.get(upper, ""), _CYRILLIC_TWINS.get(upper, "")}
    variants |= {v.lower() for v in variants}
    variants |= set(_EXTRA_LOOKALIKES.get(upper, ""))
    return (
        "["
        + "".join(sorted(re.escape(v) for v in variants if v))
        + "]"
        + _EXTRA_SUFFIX.get(upper, "")
    )


def _slot(kind: str, low: int, high: int) -> str:
    if kind == "N":
        return _SIGN
    char = {"L": _LETTER_OR_EL, "A": _LATIN, "D": _DIGIT}[kind]
    if kind == "D":  # OCR may put a space inside a long digit run
        return rf"{char}(?:\s?{char}){{{low - 1},{high - 1}}}"
    if kind == "A":  # `U` read as two letters (`RU` as `РУЧ`, `ВЧУ`, `ВУО`)
        return f"{char}{{{low},{high}}}[ЧЦОУИ0]?"
    return f"{char}{{{low},{high}}}"


@cache
def _compile(template: str) -> _Compiled:
    regex = [r"(?<![0-9A-Za-zА-Яа-яЁё])"]
    parts: list[tuple[str, str]] = []
    sizes: list[tuple[int, int]] = []
    pos = 0
    for m in _SLOT.finditer(template):
        for ch in template[pos : m.start()]:
            regex.append(_literal(ch))
        parts.append(("lit", template[pos : m.start()]))
        kind = m.group(1)
        low = int(m.group(2) or 1)
        high = int(m.group(3) or low)
        regex.append(f"({_slot(kind, low, high)})")
        parts.append(("slot", kind))
        sizes.append((low, high))
        pos = m.end()
    for ch in template[pos:]:
        regex.append(_literal(ch))
    parts.append(("lit", template[pos:]))
    regex.append(r"(?![0-9])")
    return _Compiled(re.compile("".join(regex)), tuple(parts), tuple(sizes))


def _canonical_slot(kind: str, raw: str, size: tuple[int, int]) -> tuple[str, int]:
    """Canonical text of one slot and how many letter/digit swaps were repaired."""
    raw = re.sub(r"\s", "", raw)
    if kind == "N":
        return "N", 0
    if kind == "D":
        return raw.translate(_DIGIT_FIX), sum(1 for ch in raw if not ch.isdigit())
    if kind == "L":
        # two-character readings only when the slot cannot be read letter by letter
        # (`НО52` is Н, О; `CTHO1` in a three-letter slot is С, Т, Ю)
        if not (re.fullmatch(f"{_LETTER}+", raw) and size[0] <= len(raw) <= size[1]):
            for wrong, letter in _MULTI_CHAR_LETTERS.items():
                raw = raw.replace(wrong, letter)
        fixed = raw.upper().translate(_LETTER_FIX)
        return fixed, sum(1 for ch in raw.upper() if ch in "03JIRN®")
    return _country(raw.upper())


def _country(raw: str) -> tuple[str, int]:
    if len(raw) == 3 and raw[0] in _RU_FIRST and set(raw[1:]) <= _RU_SECOND | {"Ч", "Ц"}:
        return "RU", 1  # `РУЧ`, `ВЧУ`, `ВУО`
    code = "".join(_LATIN_TWINS.get(ch, ch) for ch in raw)
    read_as_russian = bool(_CYRILLIC.search(raw))  # a Latin code OCR'd with Cyrillic letters
    if code in _COUNTRIES and not (read_as_russian and code != "RU"):
        return code, 0
    if len(raw) == 2 and raw[0] in _RU_FIRST and raw[1] in _RU_SECOND:
        return "RU", 1
    return code, 2  # unknown code: keep it, but make the number less certain


def _render(compiled: _Compiled, m: re.Match[str]) -> tuple[str, int]:
    out: list[str] = []
    repairs = 0
    group = 1
    sizes = iter(compiled.sizes)
    for kind, value in compiled.parts:
        if kind == "lit":
            out.append(value)
            continue
        fixed, fixes = _canonical_slot(value, m.group(group), next(sizes))
        out.append(fixed)
        repairs += fixes
        group += 1
    return re.sub(r"\s+", " ", "".join(out)).strip(), repairs


def find_numbers(text: str, templates: tuple[str, ...] | list[str]) -> list[NumberMatch]:
    """Matches of any template, longest first where they overlap, in text order."""
    found: list[NumberMatch] = []
    for template in templates:
        compiled = _compile(template)
        for m in compiled.regex.finditer(text):
            canonical, repairs = _render(compiled, m)
            found.append(NumberMatch(m.start(), m.end(), canonical, repairs))
    found.sort(key=lambda n: (-(n.end - n.start), n.start))
    kept: list[NumberMatch] = []
    for number in found:
        if not any(number.start < k.end and k.start < number.end for k in kept):
            kept.append(number)
    return sorted(kept, key=lambda n: n.start)
