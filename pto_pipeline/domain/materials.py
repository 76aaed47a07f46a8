"""Normalisation of material names and document products (SPEC §5).

A material name from the register («Бетон В25 F150 W6», «Арматура А500С Ø16») and a
product name from a quality document («Бетонная смесь БСТ B25 П4 F150 W6 ГОСТ
7473-2010») are reduced to a `MaterialProfile`: the kind of material (concrete,
rebar, sand, ...) and its key attributes (strength class, frost and water marks,
rebar class, diameter, grade, SDR, size, brand, standard). Matching compares
profiles: one conflicting key attribute rules a pair out whatever the text
similarity.

Three views of the text are used because people and OCR mix alphabets:
- `cs`: case kept, Latin look-alikes (grades are written in capitals: В25, М150,
  А500С, while a lowercase «в»/«м» is a preposition or a metre);
- `cyr`: upper case, Cyrillic look-alikes (Russian words, ГОСТ/ТУ numbers);
- `fold`: upper case, Latin look-alikes (fuzzy text similarity).
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process, utils

from pto_pipeline.domain.text import fold, to_cyrillic_lookalikes, to_latin_lookalikes

Interval = tuple[float, float]

RULES_FILE = Path(__file__).with_name("matching_rules") / "products.yaml"


@dataclass(frozen=True)
class Family:
    family: str
    name: str  # Russian, for explanations
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class ProductRules:
    """What tells one product from another, loaded from matching_rules/products.yaml."""

    kinds: tuple[tuple[str, re.Pattern[str]], ...]  # priority order
    kind_names: dict[str, str]
    kind_by_standard: dict[str, str]
    families: dict[str, tuple[Family, ...]]
    primary: dict[str, tuple[str, ...]]
    trade_names: tuple[str, ...]
    mark_kinds: frozenset[str]
    mark_pattern: re.Pattern[str]
    not_marks: frozenset[str]
    near_identical_name: float
    candidate_min_similarity: float
    scope_exclude: re.Pattern[str]
    scope_max_lines: int

    def family_name(self, kind: str | None, family: str) -> str:
        for item in self.families.get(kind or "", ()):
            if item.family == family:
                return item.name
        return family


@lru_cache(maxsize=1)
def product_rules(path: Path = RULES_FILE) -> ProductRules:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    marks = spec["marks"]
    return ProductRules(
        kinds=tuple((k["kind"], re.compile(k["pattern"])) for k in spec["kinds"]),
        kind_names={k["kind"]: k["name"] for k in spec["kinds"]},
        kind_by_standard=dict(spec["kind_by_standard"]),
        families={
            kind: tuple(Family(f["family"], f["name"], re.compile(f["pattern"])) for f in items)
            for kind, items in spec["families"].items()
        },
        primary={kind: tuple(names) for kind, names in spec["primary"].items()},
        trade_names=tuple(to_cyrillic_lookalikes(t.upper()) for t in spec["trade_names"]),
        mark_kinds=frozenset(marks["kinds"]),
        mark_pattern=re.compile(marks["pattern"]),
        not_marks=frozenset(to_cyrillic_lookalikes(m) for m in marks["not_marks"]),
        near_identical_name=float(spec["near_identical_name"]),
        candidate_min_similarity=float(spec["candidate_min_similarity"]),
        scope_exclude=re.compile(spec["scope_exclude"]),
        scope_max_lines=int(spec["scope_max_lines"]),
    )


def kind_name(kind: str | None) -> str:
    return product_rules().kind_names.get(kind or "", kind or "")


# Attribute -> Russian label used in explanations.
ATTRIBUTE_LABELS = {
    "concrete_class": "класс",
    "frost": "марка по морозостойкости",
    "water": "марка по водонепроницаемости",
    "mobility": "марка по удобоукладываемости",
    "grade": "марка",
    "rebar_class": "класс арматуры",
    "diameter": "диаметр",
    "sdr": "SDR",
    "size": "размер",
    "fraction": "фракция",
    "pipe_material": "материал трубы",
    "pipe_grade": "марка полиэтилена",
    "mark": "марка изделия",
    "brand": "торговая марка",
    "standard": "стандарт",
}

_NUM = r"\d{1,4}(?:[.,]\d{1,2})?"
_NOT_WORD_BEFORE = r"(?<![A-Za-zА-Яа-яЁё0-9])"
_DASH = r"\s?(?:-|–|—|\.\.\.|…)\s?"

_CLASS_B = re.compile(
    _NOT_WORD_BEFORE
    + rf"B\s?(\d{{1,3}}(?:[.,]\d{{1,2}})?)(?:{_DASH}B?\s?(\d{{1,3}}(?:[.,]\d{{1,2}})?))?(?!\d)"
)
_FROST = re.compile(_NOT_WORD_BEFORE + rf"F\s?(\d{{2,4}})(?:{_DASH}F?\s?(\d{{2,4}}))?(?!\d)")
_WATER = re.compile(_NOT_WORD_BEFORE + rf"W\s?(\d{{1,2}})(?:{_DASH}W?\s?(\d{{1,2}}))?(?!\d)")
_MOBILITY = re.compile(_NOT_WORD_BEFORE + rf"П\s?(\d)(?:{_DASH}П?\s?(\d))?(?!\d)")
_GRADE_M = re.compile(_NOT_WORD_BEFORE + rf"M\s?(\d{{2,4}})(?:{_DASH}M?\s?(\d{{2,4}}))?(?!\d)")
_REBAR = re.compile(
    _NOT_WORD_BEFORE
    + r"A(т|T)?\s?-?\s?(240|300|400|500|600|800|1000|1200)([CcСс]П?|[КкK])?(?![A-Za-zА-Яа-я0-9])"
)
_REBAR_ROMAN = re.compile(_NOT_WORD_BEFORE + r"A\s?-\s?(III|II|IV|VI|V|I)(?![A-Za-z0-9])")
_ROMAN_CLASS = {"I": "240", "II": "300", "III": "400", "IV": "600", "V": "800", "VI": "1000"}
_DIAMETER_RANGE = r"(?:\s?(?:-|–|—|\.\.\.|…|[дД][оo])\s?(?:Ø|⌀|ø|ф|Ф|d)?\s?(" + _NUM + r"))?"
_DIAMETER_SIGN = re.compile(
    r"(?:Ø|⌀|ø|ф|Ф|(?<![A-Za-zА-Яа-я])d)\s?(" + _NUM + r")" + _DIAMETER_RANGE + r"(?!\d)"
)
_DIAMETER_D = re.compile(_NOT_WORD_BEFORE + r"D\s?(" + _NUM + r")(?!\d)")
_DIAMETER_WORD = re.compile(
    r"ДИАМЕТР(?:ОМ|А|Ы|АМИ)?\s*(?:ОТ\s*)?(" + _NUM + r")(?:\s?(?:-|–|—|ДО)\s?(" + _NUM + r"))?"
)
_BARE_MM = re.compile(r"(?<![\d.,×XХ*])(\d{1,2}(?:[.,]\d)?)\s?ММ\b")
_SDR = re.compile(r"SDR\s?-?\s?(\d{1,2}(?:[.,]\d)?)", re.IGNORECASE)
_SIZE = re.compile(rf"(?<![\d.,])({_NUM})\s?[xX×*]\s?({_NUM})(?:\s?[xX×*]\s?({_NUM}))?(?![\d])")
_FRACTION = re.compile(r"ФР(?:АКЦИ[ЯИЙ]|\.)?\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*[-–—]\s*(\d{1,3})")
_PE = re.compile(r"(?:ПЭ|РЕ)\s?-?\s?(63|80|100)\b")
_PIPE_MATERIALS = [
    ("ПЭ", re.compile(r"\bПЭ|\bРЕ\s?-?\s?\d|ПОЛИЭТИЛЕН")),
    ("ПВХ", re.compile(r"ПВХ|\bРVС\b|ПОЛИВИНИЛХЛОРИД")),
    ("ПП", re.compile(r"\bПП\b|\bРР\b|ПОЛИПРОПИЛЕН")),
    ("сталь", re.compile(r"СТАЛЬН|СТАЛЬ\b")),
    ("чугун", re.compile(r"ЧУГУН")),
]
_QUOTED = re.compile(r"[«\"“„]([^«»\"“”„]{2,60})[»\"”“]")
_ORG_BEFORE_QUOTE = re.compile(r"(?:ООО|АО|ЗАО|ОАО|ПАО|ИП|ТД|ГК|ЗАВОД|КОМБИНАТ|ФИРМА)\s*$")
_STANDARD = re.compile(
    r"(ГОСТ\s?Р(?=[\s\d])|ГОСТ|ТУ|СТО)\s*(?:ИСО\s*|EN\s*)?"
    r"(\d[\d.]*(?:\s?[-–—]\s?\d+)*)"
)
_UNIT_WORDS = re.compile(r"\b(?:М3|М2|КУБ\.?\s?М|Т|ТН|ШТ|КГ)\b\.?")

_ROD_KINDS = {"rebar", "mesh", "wire"}


@dataclass(frozen=True)
class MaterialProfile:
    """What a material name or a document product says about the material."""

    text: str
    kind: str | None
    numeric: dict[str, tuple[Interval, ...]] = field(default_factory=dict)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # display values
    discrete: dict[str, frozenset[str]] = field(default_factory=dict)
    brands: tuple[str, ...] = ()
    standards: frozenset[str] = frozenset()
    fuzzy_text: str = ""
    families: frozenset[str] = frozenset()
    trade_names: frozenset[str] = frozenset()
    tokens: frozenset[str] = frozenset()  # words and numbers, upper case, Cyrillic
    # the same in text order, each with whether it is written as a code (ЭПП, 01, ХПП)
    token_seq: tuple[tuple[str, bool], ...] = ()
    name_key: str = ""  # the name without standards and units, for near-identity

    def attributes(self) -> set[str]:
        names = set(self.numeric) | set(self.discrete)
        if self.brands:
            names.add("brand")
        if self.standards:
            names.add("standard")
        return names

    def grades(self) -> set[str]:
        return set(self.numeric) | set(self.discrete)

    def display(self, attribute: str) -> str:
        if attribute == "brand":
            return ", ".join(f"«{b}»" for b in self.brands)
        if attribute == "standard":
            return ", ".join(sorted(self.standards))
        return ", ".join(self.labels.get(attribute, ()))


@dataclass(frozen=True)
class Comparison:
    """Result of comparing a register line with a document product.

    `accepted`: the document is for this very product (positive identity evidence).
    `candidate`: nothing contradicts it, but the evidence is short; `missing` says what
    the engineer should confirm. Neither: rejected, `reason` says why.
    """

    accepted: bool
    score: float  # 0..1
    text_score: float  # 0..100, rapidfuzz WRatio
    agreed: tuple[str, ...]  # display strings of agreeing key attributes
    conflicts: tuple[str, ...]  # Russian: «класс B30 ≠ B25»
    reason: str  # Russian explanation of the decision
    candidate: bool = False
    missing: str = ""  # Russian: what evidence a candidate lacks


def _views(text: str) -> tuple[str, str]:
    base = unicodedata.normalize("NFKC", text).replace("ё", "е").replace("Ё", "Е")
    base = re.sub(r"\s+", " ", base).strip()
    case_kept = to_latin_lookalikes(base)
    cyrillic_upper = to_cyrillic_lookalikes(base.upper())
    return case_kept, cyrillic_upper


def _number(raw: str) -> float:
    return float(raw.replace(",", "."))


def _fmt_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _intervals(pattern: re.Pattern[str], text: str) -> list[Interval]:
    found: list[Interval] = []
    for match in pattern.finditer(text):
        low = _number(match.group(1))
        high_raw = match.group(2) if pattern.groups >= 2 else None
        high = _number(high_raw) if high_raw else low
        found.append((min(low, high), max(low, high)))
    return found


def _label(prefix: str, interval: Interval, suffix: str = "") -> str:
    low, high = interval
    if low == high:
        return f"{prefix}{_fmt_number(low)}{suffix}"
    return f"{prefix}{_fmt_number(low)}–{prefix}{_fmt_number(high)}{suffix}"


def detect_kind(cyr: str, standards: frozenset[str] = frozenset()) -> str | None:
    rules = product_rules()
    for kind, pattern in rules.kinds:
        if pattern.search(cyr):
            return kind
    for standard in sorted(standards):
        if standard in rules.kind_by_standard:
            return rules.kind_by_standard[standard]
    return None


def detect_families(cyr: str, kind: str | None) -> frozenset[str]:
    """Product families of a kind the text names (праймер, мастика, рулонный материал)."""
    items = product_rules().families.get(kind or "", ())
    return frozenset(item.family for item in items if item.pattern.search(cyr))


def detect_trade_names(cyr: str) -> frozenset[str]:
    return frozenset(name for name in product_rules().trade_names if name in cyr)


def detect_marks(cyr: str, kind: str | None) -> frozenset[str]:
    """Marks of precast elements and blocks: «КС 15.9», «ФБС24.4.6-Т» -> КС15.9, ФБС24.4.6."""
    rules = product_rules()
    if kind not in rules.mark_kinds:
        return frozenset()
    marks = set()
    for match in rules.mark_pattern.finditer(cyr):
        letters, size = match.group(1), match.group(2)
        if letters in rules.not_marks:
            continue
        marks.add(letters + re.sub(r"[,-]", ".", size))
    return frozenset(marks)


def product_scope(text: str) -> list[str]:
    """Lines of a document's text that name a product: a declaration's list of products.

    Certificates and declarations often cover several products; the register line may be
    any of them, not only the one the requisites call the product name.
    """
    rules = product_rules()
    found: list[str] = []
    for raw in re.split(r"[\n\f]+", text or ""):
        line = re.sub(r"\s+", " ", raw).strip(" |;")
        if not 5 <= len(line) <= 200:
            continue
        cyr = _views(line)[1]
        if rules.scope_exclude.search(cyr):
            continue
        kind = detect_kind(cyr)
        if kind or detect_trade_names(cyr) or detect_marks(cyr, "precast"):
            found.append(line)
        if len(found) >= rules.scope_max_lines:
            break
    return list(dict.fromkeys(found))


def normalize_standard(kind: str, number: str) -> str:
    """`ГОСТ 7473-2010` -> `ГОСТ 7473`; `ТУ 5745-001-12345678-2015` -> `ТУ 5745-001-12345678`."""
    kind = "ГОСТ Р" if kind.replace(" ", "") == "ГОСТР" else kind
    groups = [g for g in re.split(r"\s?[-–—]\s?", number.strip(" .")) if g]
    if len(groups) >= 2:
        last = groups[-1]
        is_year4 = len(last) == 4 and last[:2] in ("19", "20")
        # In a ГОСТ number «NNNN-YY» the second group is always the year; one or three
        # digits there is a year OCR damaged (8267-93 read as 8267-3), not another standard.
        is_gost_year = kind.startswith("ГОСТ") and len(groups) == 2 and last.isdigit()
        if is_year4 or (is_gost_year and len(last) <= 4):
            groups = groups[:-1]
    return f"{kind} {'-'.join(groups)}"


def extract_standards(text: str) -> frozenset[str]:
    _, cyr = _views(text)
    return frozenset(normalize_standard(m.group(1), m.group(2)) for m in _STANDARD.finditer(cyr))


def _brands(text: str) -> tuple[str, ...]:
    brands = []
    for match in _QUOTED.finditer(text):
        before = to_cyrillic_lookalikes(text[max(0, match.start() - 12) : match.start()].upper())
        if _ORG_BEFORE_QUOTE.search(before.strip()):
            continue
        brand = match.group(1).strip()
        if brand:
            brands.append(brand)
    return tuple(brands)


def _diameters(cs: str, cyr: str, kind: str | None) -> list[Interval]:
    values = _intervals(_DIAMETER_SIGN, cs) + _intervals(_DIAMETER_WORD, cyr)
    if kind in _ROD_KINDS:
        values += _intervals(_DIAMETER_D, cs) + _intervals(_BARE_MM, cyr)
    return values


def _sizes(cs: str) -> list[str]:
    sizes = []
    for match in _SIZE.finditer(cs):
        parts = [_fmt_number(_number(g)) for g in match.groups() if g]
        sizes.append("х".join(parts))
    return sizes


def _rebar_classes(cs: str) -> list[str]:
    classes = []
    for match in _REBAR.finditer(cs):
        thermo, value, suffix = match.groups()
        suffix = to_latin_lookalikes((suffix or "").upper())
        classes.append(f"A{'T' if thermo else ''}{value}{suffix}")
    for match in _REBAR_ROMAN.finditer(cs):
        classes.append(f"A{_ROMAN_CLASS[match.group(1)]}")
    return classes


def _pipe_materials(cyr: str) -> set[str]:
    return {name for name, pattern in _PIPE_MATERIALS if pattern.search(cyr)}


def profile(text: str, extra_standard: str | None = None) -> MaterialProfile:
    """Profile of a material name (and, for documents, its separate standard field)."""
    text = text or ""
    full = f"{text} {extra_standard}" if extra_standard else text
    cs, cyr = _views(full)
    standards = extract_standards(full)
    kind = detect_kind(_views(text)[1], standards)

    numeric: dict[str, tuple[Interval, ...]] = {}
    labels: dict[str, tuple[str, ...]] = {}

    def put(name: str, intervals: list[Interval], prefix: str, suffix: str = "") -> None:
        if intervals:
            unique = tuple(dict.fromkeys(intervals))
            numeric[name] = unique
            labels[name] = tuple(_label(prefix, i, suffix) for i in unique)

    put("concrete_class", _intervals(_CLASS_B, cs), "B")
    put("frost", _intervals(_FROST, cs), "F")
    put("water", _intervals(_WATER, cs), "W")
    put("mobility", _intervals(_MOBILITY, cs), "П")
    put("grade", _intervals(_GRADE_M, cs), "М")
    put("sdr", _intervals(_SDR, cs), "SDR")
    diameters = _diameters(cs, cyr, kind)
    sizes = _sizes(cs)
    if kind == "pipe" and sizes and not diameters:
        # «110х6,6» is outer diameter x wall: lets «Ø110» agree with it.
        diameters = [(_number(s.split("х")[0]),) * 2 for s in sizes]
    put("diameter", diameters, "Ø")
    fractions = [(_number(m.group(1)), _number(m.group(2))) for m in _FRACTION.finditer(cyr)]
    if fractions:
        numeric["fraction"] = tuple(dict.fromkeys(fractions))
        labels["fraction"] = tuple(f"{_fmt_number(a)}-{_fmt_number(b)}" for a, b in fractions)

    discrete: dict[str, frozenset[str]] = {}
    rebar = _rebar_classes(cs)
    if rebar:
        discrete["rebar_class"] = frozenset(rebar)
        labels["rebar_class"] = tuple(dict.fromkeys(to_cyrillic_lookalikes(r) for r in rebar))
    if sizes:
        discrete["size"] = frozenset(sizes)
        labels["size"] = tuple(dict.fromkeys(sizes))
    if kind == "pipe":
        materials = _pipe_materials(cyr)
        if materials:
            discrete["pipe_material"] = frozenset(materials)
            labels["pipe_material"] = tuple(sorted(materials))
        grades = {f"ПЭ{m.group(1)}" for m in _PE.finditer(cyr)}
        if grades:
            discrete["pipe_grade"] = frozenset(grades)
            labels["pipe_grade"] = tuple(sorted(grades))

    name_cyr = _views(text)[1]
    marks = detect_marks(name_cyr, kind)
    if marks:
        discrete["mark"] = marks
        labels["mark"] = tuple(sorted(marks))

    return MaterialProfile(
        text=text,
        kind=kind,
        numeric=numeric,
        labels=labels,
        discrete=discrete,
        brands=_brands(text),
        standards=standards,
        fuzzy_text=_fuzzy_text(text),
        families=detect_families(name_cyr, kind),
        trade_names=detect_trade_names(name_cyr),
        tokens=frozenset(_TOKEN.findall(cyr)),
        token_seq=_token_sequence(text),
        name_key=_name_key(name_cyr),
    )


_TOKEN = re.compile(r"[0-9A-ZА-Я]+")
_CASED_TOKEN = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+")


def _token_sequence(text: str) -> tuple[tuple[str, bool], ...]:
    """Tokens in order; a code is digits or a short all-capitals word (ЭПП, ХПП, 01)."""
    base = unicodedata.normalize("NFKC", text)
    return tuple(
        (
            to_cyrillic_lookalikes(token.upper()).replace("Ё", "Е"),
            token.isdigit() or (token.isupper() and len(token) <= 5),
        )
        for token in _CASED_TOKEN.findall(base)
    )


def _name_key(cyr: str) -> str:
    """The name without standards, units and punctuation («ПЕСОК ПРИРОДНЫЙ»)."""
    without = _UNIT_WORDS.sub(" ", _STANDARD.sub(" ", cyr))
    return " ".join(_TOKEN.findall(without))


def _fuzzy_text(text: str) -> str:
    cleaned = _UNIT_WORDS.sub(" ", to_cyrillic_lookalikes(fold(text)))
    return utils.default_process(fold(cleaned))


def _overlaps(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> bool:
    return any(x[0] <= y[1] + 1e-9 and y[0] <= x[1] + 1e-9 for x in a for y in b)


def _brand_tokens(brand: str) -> list[str]:
    return _TOKEN.findall(_views(brand)[1])


def _token_found(token: str, tokens: frozenset[str]) -> bool:
    """A short token (a code like ЭПП, 01) must be there exactly; a long word may be misread."""
    if token in tokens:
        return True
    if len(token) < 6:
        return False
    return any(len(t) >= 5 and fuzz.ratio(token, t) >= 85 for t in tokens)


def _brand_state(line: MaterialProfile, doc: MaterialProfile) -> str:
    """agree | conflict | partial | none, by the tokens of each side's quoted brand.

    «Техноэласт ЭПП» agrees with «Техноэласт» ЭПП, and with a declaration for «Техноэласт»
    as a whole; it conflicts with «Техноэласт ХПП»: every token of one brand must be found
    in the other side's text.
    """
    if not line.brands and not doc.brands:
        return "none"
    for brand in line.brands:
        if all(_token_found(t, doc.tokens) for t in _brand_tokens(brand)):
            return "agree"
    for brand in doc.brands:
        if all(_token_found(t, line.tokens) for t in _brand_tokens(brand)):
            return "agree"
    if line.brands and doc.brands:
        return "conflict"
    return "partial"


def _anchors(line: MaterialProfile, doc: MaterialProfile) -> set[str]:
    """Long words of quoted brands and shared trade names: where a product's code follows."""
    words = {t for b in (*line.brands, *doc.brands) for t in _brand_tokens(b) if len(t) >= 5}
    return words | (line.trade_names & doc.trade_names)


def _code_after(anchor: str, sequence: tuple[tuple[str, bool], ...]) -> str | None:
    for (token, _), (following, is_code) in itertools.pairwise(sequence):
        if token == anchor or (len(token) >= 5 and fuzz.ratio(anchor, token) >= 85):
            return following if is_code else None
    return None


def _variant_conflict(line: MaterialProfile, doc: MaterialProfile) -> str:
    """«Техноэласт ЭПП» ≠ «Техноэласт ХПП», quoted or not: the codes after one name differ."""
    for anchor in sorted(_anchors(line, doc)):
        ours, theirs = _code_after(anchor, line.token_seq), _code_after(anchor, doc.token_seq)
        if ours and theirs and ours != theirs:
            name = anchor.capitalize()
            return f"торговая марка {name} {theirs} ≠ {name} {ours}"
    return ""


def _conflicts(
    line: MaterialProfile, doc: MaterialProfile, brand: str
) -> tuple[list[str], list[str]]:
    """(agreeing attribute labels, conflict descriptions) for attributes on both sides;
    `brand` is `_brand_state` of the pair."""
    agreed: list[str] = []
    conflicts: list[str] = []
    for name in [n for n in line.numeric if n in doc.numeric]:
        if _overlaps(line.numeric[name], doc.numeric[name]):
            agreed.append(line.display(name))
        else:
            conflicts.append(f"{ATTRIBUTE_LABELS[name]} {doc.display(name)} ≠ {line.display(name)}")
    for name in [n for n in line.discrete if n in doc.discrete]:
        if line.discrete[name] & doc.discrete[name]:
            agreed.append(line.display(name))
        else:
            conflicts.append(f"{ATTRIBUTE_LABELS[name]} {doc.display(name)} ≠ {line.display(name)}")
    variant = _variant_conflict(line, doc) if brand != "conflict" else ""
    if variant:
        conflicts.append(variant)
    elif brand == "agree":
        agreed.append(line.display("brand") or doc.display("brand"))
    elif brand == "conflict":
        conflicts.append(f"торговая марка {doc.display('brand')} ≠ {line.display('brand')}")
    if line.trade_names and doc.trade_names and not line.trade_names & doc.trade_names:
        conflicts.append(
            f"торговое название {', '.join(sorted(doc.trade_names))} ≠ "
            f"{', '.join(sorted(line.trade_names))}"
        )
    if line.standards and doc.standards:
        if line.standards & doc.standards:
            agreed.append(", ".join(sorted(line.standards & doc.standards)))
        else:
            conflicts.append(f"стандарт {doc.display('standard')} ≠ {line.display('standard')}")
    return agreed, conflicts


def names_own_brand(line: MaterialProfile, doc: MaterialProfile) -> bool:
    """The document text names the line's brand or trade name itself (or the line has none).

    A scope line cut by a line break («Материал рулонный наплавляемый» without its
    «Бикрост ХПП») must not stand for a product whose brand it does not show.
    """
    if not line.brands and not line.trade_names:
        return True
    return _brand_state(line, doc) == "agree" or bool(line.trade_names & doc.trade_names)


def _family_conflict(line: MaterialProfile, doc: MaterialProfile) -> str:
    if not line.families or not doc.families or line.families & doc.families:
        return ""
    rules = product_rules()
    names = [
        ", ".join(rules.family_name(p.kind, f) for f in sorted(p.families)) for p in (doc, line)
    ]
    return f"продукция: {names[0]} ≠ {names[1]}"


def _identity_evidence(line: MaterialProfile, doc: MaterialProfile, brand: str) -> list[str]:
    """Positive evidence that the document is for this very product (Russian labels)."""
    rules = product_rules()
    evidence: list[str] = []
    same_kind = line.kind is not None and line.kind == doc.kind
    primary = rules.primary.get(line.kind or "")
    for name in sorted(line.grades() & doc.grades()):
        if name == "mark" or (same_kind and (primary is None or name in primary)):
            evidence.append(f"{ATTRIBUTE_LABELS[name]} {line.display(name)}")
    if brand == "agree":
        evidence.append(f"торговая марка {line.display('brand') or doc.display('brand')}")
    elif line.trade_names & doc.trade_names and brand == "none":
        shared = sorted(line.trade_names & doc.trade_names)
        evidence.append("торговое название " + ", ".join(shared))
    if line.standards & doc.standards:
        evidence.append("стандарт " + ", ".join(sorted(line.standards & doc.standards)))
    if line.name_key and doc.name_key:
        similarity = fuzz.token_sort_ratio(line.name_key, doc.name_key)
        if similarity >= rules.near_identical_name:
            evidence.append(f"наименование совпадает ({similarity:.0f}%)")
        elif _words_contained(line, doc):
            evidence.append("все слова наименования из реестра есть в документе")
    return evidence


def _words_contained(line: MaterialProfile, doc: MaterialProfile) -> bool:
    """Every descriptive word of the line's name (two at least) is in the document's name."""
    words = [w for w in line.name_key.split() if len(w) >= 4 and not w.isdigit()]
    doc_words = frozenset(doc.name_key.split())
    return len(words) >= 2 and all(_token_found(w, doc_words) for w in words)


def _batch_gap(line: MaterialProfile, doc: MaterialProfile) -> set[str]:
    """The line's key grades a batch document should state but does not."""
    primary = product_rules().primary.get(line.kind or "")
    keys = line.grades() & set(primary) if primary is not None else line.grades()
    if not keys or keys & doc.grades():
        return set()
    return keys


def _grade_labels(names: set[str]) -> list[str]:
    return sorted({ATTRIBUTE_LABELS[n] for n in names})


def text_similarity(line: MaterialProfile, doc: MaterialProfile) -> float:
    return float(fuzz.WRatio(line.fuzzy_text, doc.fuzzy_text))


def text_similarity_matrix(
    lines: list[MaterialProfile], docs: list[MaterialProfile]
) -> list[list[float]]:
    """`text_similarity` for every (line, document) pair at once (rapidfuzz cdist)."""
    if not lines or not docs:
        return [[] for _ in lines]
    matrix = process.cdist(
        [p.fuzzy_text for p in lines], [p.fuzzy_text for p in docs], scorer=fuzz.WRatio
    )
    return matrix.tolist()


def _rejected(text_score: float, agreed: list[str], conflicts: list[str]) -> Comparison:
    reason = "; ".join(conflicts) + " — отклонён"
    return Comparison(False, 0.0, text_score, tuple(agreed), tuple(conflicts), reason)


def compare(
    line: MaterialProfile,
    doc: MaterialProfile,
    text_score: float | None = None,
    *,
    batch: bool = False,
) -> Comparison:
    """Decide whether a document product is the register line's material (SPEC §5).

    A conflicting kind, product family or key attribute rejects the pair. Without a
    conflict the pair is accepted only on positive identity evidence (agreeing grade,
    brand, trade name, mark, standard, or a near-identical name); a batch document must
    also state one of the line's key grades. Otherwise a plausible pair is a candidate
    that never covers a line: the engineer confirms it.
    """
    rules = product_rules()
    if text_score is None:
        text_score = text_similarity(line, doc)
    if line.kind and doc.kind and line.kind != doc.kind:
        conflict = f"вид материала: {kind_name(doc.kind)} ≠ {kind_name(line.kind)}"
        return _rejected(text_score, [], [conflict])
    brand = _brand_state(line, doc)  # token matching: done once per pair
    agreed, conflicts = _conflicts(line, doc, brand)
    family_conflict = _family_conflict(line, doc)
    if family_conflict:
        conflicts.insert(0, family_conflict)
    if conflicts:
        return _rejected(text_score, agreed, conflicts)

    line_attrs = len(line.attributes())
    attr_part = len(agreed) / line_attrs if line_attrs else text_score / 100
    score = round(0.5 * text_score / 100 + 0.5 * min(attr_part, 1.0), 3)
    evidence = _identity_evidence(line, doc, brand)
    gap = _batch_gap(line, doc) if batch else set()
    same_kind = line.kind is not None and line.kind == doc.kind
    if evidence and not gap:
        parts = [f"сходство наименований {text_score:.0f}%"]
        if same_kind:
            parts.append(f"вид: {kind_name(line.kind)}")
        parts.append("совпадают: " + ", ".join(evidence))
        return Comparison(True, score, text_score, tuple(agreed), (), "; ".join(parts))

    shared_family = bool(line.families & doc.families)
    plausible = (
        bool(evidence)
        or ((same_kind or shared_family) and text_score >= rules.candidate_min_similarity)
        or text_score >= 80
    )
    if gap:
        missing = (
            f"в документе на партию не прочитаны {', '.join(_grade_labels(gap))} — "
            "сверьте с оригиналом"
        )
    else:
        what = f"только вид «{kind_name(line.kind)}»" if same_kind else "только сходство текста"
        missing = (
            "нет совпадающих отличительных признаков (торговая марка, марка, класс, "
            f"диаметр, стандарт), {what}, сходство наименований {text_score:.0f}%"
        )
    if not plausible:
        reason = f"наименования не совпадают (сходство {text_score:.0f}%) — отклонён"
        return Comparison(False, score, text_score, tuple(agreed), (), reason)
    reason = f"возможное совпадение: {missing}"
    return Comparison(False, score, text_score, tuple(agreed), (), reason, True, missing)


# --- units -------------------------------------------------------------------------

_UNIT_ALIASES = {
    "м3": ("м3", "m3", "мкуб", "кубм", "куб", "м3бетона"),
    "м2": ("м2", "m2", "квм", "мкв"),
    "м": ("м", "m", "пм", "мп", "погм", "пог"),
    "т": ("т", "тн", "тонн", "тонна", "тонны", "t"),
    "кг": ("кг", "kg"),
    "шт": ("шт", "штук", "штука", "pcs", "pc"),
    "л": ("л", "l"),
    "компл": ("компл", "комплект", "кт"),
}
_UNIT_CANON = {alias: canon for canon, aliases in _UNIT_ALIASES.items() for alias in aliases}
# Unit -> (base unit, factor to base): mass registers say kg, rebar certificates say t.
_UNIT_BASE = {"кг": ("т", 0.001)}


def normalize_unit(unit: object) -> str | None:
    """`м³`, `куб.м`, `M3` -> `м3`; `тн` -> `т`; unknown units come back cleaned."""
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return None
    text = unicodedata.normalize("NFKC", str(unit)).strip().lower()
    key = re.sub(r"[\s.,]", "", to_cyrillic_lookalikes(text)).replace("ё", "е")
    key = key.replace("м³", "м3").replace("м²", "м2")
    if not key:
        return None
    latin_key = re.sub(r"[\s.,]", "", text)
    return _UNIT_CANON.get(key) or _UNIT_CANON.get(latin_key) or key


def convert_quantity(quantity: float, unit: str | None, target: str | None) -> float | None:
    """`quantity` in `unit` expressed in `target`, or None when the units differ in kind."""
    unit, target = normalize_unit(unit), normalize_unit(target)
    if unit is None or target is None:
        return None
    if unit == target:
        return quantity
    base_u, factor_u = _UNIT_BASE.get(unit, (unit, 1.0))
    base_t, factor_t = _UNIT_BASE.get(target, (target, 1.0))
    if base_u != base_t:
        return None
    return quantity * factor_u / factor_t
