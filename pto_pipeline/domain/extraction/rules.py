"""Extraction rules as data: one YAML file per document family under `rules/`.

A family file names its `doc_type`, its anchors (title, body, negative), the number
formats it carries, per-field labels, date roles and required fields; `extends` inherits
another family (lists are prepended, mappings merged). `_common.yaml` holds what every
family shares (legal forms, units, continuation-page marks, thresholds). Adding a family
is adding a file: no code changes.

Phrases are written in plain lower-case Russian; `*` at the end of a word allows any
ending (`изготовител*`), `№` stands for any OCR'd number sign (`N`, `Ne`, `No`, `М`).
They match through Latin/Cyrillic look-alikes, `0`/`О`, `3`/`З` and missing spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pto_pipeline.domain.safe_yaml import read_yaml_file

from .normalize import search_form, squash_search

RULES_DIR = Path(__file__).with_name("rules")

# Any OCR'd rendering of the number sign, in `search_form` text.
NUMBER_SIGN = r"(?:№|n[оеs°º]?\.?|#|(?<![а-яa-z])м(?=\s*[0-9о]))"
# OCR confusions inside label words: `0`/`о`, `3`/`з`, `партни` for `партии`, `нзготовитель`
_CHAR_CLASS = {
    "о": "[о0]",
    "з": "[з3]",
    "э": "[эз3]",
    "д": "[дjl]",  # `lata выдачи`
    "п": "[пn]",
    "и": "[ийн]",
    "й": "[йи]",
    "н": "[ни]",
    "т": "[тr]",  # `or 27.01.2026`: a serif т read as a Latin r
}
_WORD_SEPARATOR = r"[\s\-–—]*"
_WORD_JOIN = r"[\s,'’‘`]*"  # OCR puts stray apostrophes between words


def phrase_pattern(phrase: str) -> str:
    """Regex source (over `search_form` text) for a plain rule phrase."""
    words = phrase.lower().replace("ё", "е").split()
    parts = [_word_pattern(word) for word in words]
    body = _WORD_JOIN.join(parts)
    tail = "" if phrase.endswith(("*", ".", "№")) else r"(?![а-яa-z])"
    return r"(?<![а-яa-z0-9])" + body + tail


def _word_pattern(word: str) -> str:
    out: list[str] = []
    for ch in word:
        if ch == "*":
            out.append(r"[а-яa-z]*")
        elif ch == "№":
            out.append(NUMBER_SIGN)
        elif ch == "-":
            out.append(_WORD_SEPARATOR)
        elif ch == ".":
            out.append(r"\.?")
        else:
            out.append(_CHAR_CLASS.get(ch, re.escape(ch)))
    return "".join(out)


def compile_phrase(phrase: str) -> re.Pattern[str]:
    return re.compile(phrase_pattern(phrase))


@dataclass(frozen=True)
class Anchor:
    """A phrase looked up fuzzily (rapidfuzz) in squashed text."""

    phrase: str
    squashed: str
    weight: float = 1.0


@dataclass(frozen=True)
class Label:
    """Where a field value starts: a phrase or regex, then an optional gap and № sign."""

    pattern: re.Pattern[str]
    sign: str = "optional"  # optional | required
    gap: int = 0  # characters allowed between the label and the number sign
    certainty: float = 1.0
    single_word: bool = False  # then it must start a line/clause or carry a colon
    colon: bool = False  # only as `label:`


@dataclass(frozen=True)
class FieldRule:
    name: str
    kind: str  # number | token | organization | text | standard | quantity
    labels: tuple[Label, ...] = ()
    stop: tuple[re.Pattern[str], ...] = ()
    exclude_context: tuple[re.Pattern[str], ...] = ()
    max_lines: int = 1
    window: int = 300
    fallback: str | None = None  # first | line
    append: tuple[dict[str, Any], ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()  # text found by its own form, without a label
    followed_by: tuple[re.Pattern[str], ...] = ()  # organisation right before these phrases
    value_pattern: re.Pattern[str] | None = None  # a text value must contain this
    replace: tuple[tuple[re.Pattern[str], str], ...] = ()  # OCR repairs of known grades
    # the value's forms in a table row under its title, tried in order; a group named
    # `value` marks the value inside a wider match (the cell after the heat number)
    row_value: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class DateRole:
    role: str
    pattern: re.Pattern[str]  # matches the text right before the date
    header: re.Pattern[str] | None  # the same phrase inside a table header line
    unless: tuple[re.Pattern[str], ...] = ()
    certainty: float = 0.95


@dataclass(frozen=True)
class Family:
    name: str
    doc_type: str
    depth: int
    fallback: bool
    title_anchors: tuple[Anchor, ...]
    body_anchors: tuple[Anchor, ...]
    negative_anchors: tuple[Anchor, ...]
    own_anchors: tuple[Anchor, ...]  # a family that extends another: its own title+body
    min_own_anchors: int  # ... of which this many must be on the page to prefer it
    number_formats: tuple[str, ...]
    fields: dict[str, FieldRule]
    date_roles: tuple[DateRole, ...]
    date_exclude: tuple[re.Pattern[str], ...]
    date_defaults: dict[str, str]
    issue_date_fallback: str
    required: tuple[str, ...]


@dataclass(frozen=True)
class Common:
    review_threshold: float
    min_family_score: float
    title_lines: int
    continuation_anchors: tuple[Anchor, ...]
    continuation_patterns: tuple[re.Pattern[str], ...]
    start_patterns: tuple[re.Pattern[str], ...]
    legal_forms: tuple[tuple[str, re.Pattern[str]], ...]
    units: tuple[tuple[str, str], ...]  # (canonical unit, regex source)
    organization_exclude: tuple[re.Pattern[str], ...]
    organization_name_exclude: tuple[re.Pattern[str], ...]
    label_line: re.Pattern[str]
    field_names: dict[str, str] = field(default_factory=dict)
    # titles of two-column forms printed without a colon (`Потребитель`), any family
    block_labels: tuple[re.Pattern[str], ...] = ()
    # how much the OCR confidence of a value's words weighs, per field kind (0..1)
    ocr_weight: dict[str, float] = field(default_factory=dict)
    # labels whose value OCR may skip under a stamp: read again right of the label
    value_labels: tuple[re.Pattern[str], ...] = ()


MIN_ANCHOR_LETTERS = 5


def _anchors(items: list[Any] | None) -> tuple[Anchor, ...]:
    anchors = []
    for item in items or []:
        phrase, weight = (
            (item, 1.0) if isinstance(item, str) else (item["phrase"], item.get("weight", 1.0))
        )
        squashed = squash_search(phrase)
        if len(squashed) < MIN_ANCHOR_LETTERS:  # `бст` is found inside any squashed text
            raise ValueError(f"anchor {phrase!r} is too short to be told apart from noise")
        anchors.append(Anchor(phrase, squashed, float(weight)))
    return tuple(anchors)


def _patterns(items: list[str] | None) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_phrase(p) for p in items or [])


def _rule_source(item: dict[str, Any]) -> str:
    """Regex source of a rule item: its `regex` (`{SIGN}` = any number sign) or its phrase."""
    if "regex" in item:
        return item["regex"].replace("{SIGN}", NUMBER_SIGN)
    return phrase_pattern(item["phrase"])


def _label(item: str | dict[str, Any]) -> Label:
    if isinstance(item, str):
        item = {"phrase": item}
    source = _rule_source(item)
    sign = item.get("sign", "optional")
    phrase = item.get("phrase", "")
    return Label(
        re.compile(source),
        sign=sign,
        gap=int(item.get("gap", 0)),
        certainty=float(item.get("certainty", 1.0)),
        single_word=bool(re.fullmatch(r"[^\W\d_]+\*?", phrase))
        and sign == "optional"
        and not item.get("anywhere", False),
        colon=bool(item.get("colon", False)),
    )


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _field(name: str, spec: dict[str, Any]) -> FieldRule:
    return FieldRule(
        name=name,
        kind=spec["kind"],
        labels=tuple(_label(item) for item in spec.get("labels", [])),
        stop=_patterns(spec.get("stop")),
        exclude_context=_patterns(spec.get("exclude_context")),
        max_lines=int(spec.get("max_lines", 1)),
        window=int(spec.get("window", 300)),
        fallback=spec.get("fallback"),
        append=tuple(spec.get("append", [])),
        patterns=tuple(re.compile(p) for p in spec.get("patterns", [])),
        followed_by=_patterns(spec.get("followed_by")),
        value_pattern=re.compile(spec["value_pattern"]) if spec.get("value_pattern") else None,
        replace=tuple((re.compile(r["pattern"]), r["value"]) for r in spec.get("replace", [])),
        row_value=tuple(re.compile(p) for p in _as_list(spec.get("row_value"))),
    )


_SEPARATORS_BEFORE_DATE = r"[\s:.,;«»\"'“”()\-–—]*"


def _date_role(item: dict[str, Any]) -> DateRole:
    source = _rule_source(item)
    gap = int(item.get("gap", 0))
    before = source + (rf"[^0-9\n]{{0,{gap}}}" if gap else "") + _SEPARATORS_BEFORE_DATE + "$"
    header = re.compile(source) if len(item.get("phrase", "")) >= 4 else None
    return DateRole(
        role=item["role"],
        pattern=re.compile(before),
        header=header,
        unless=_patterns(item.get("unless")),
        certainty=float(item.get("certainty", 0.95)),
    )


def _merge(child: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        old = parent.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            merged[key] = _merge(value, old)
        elif isinstance(value, list) and isinstance(old, list):
            merged[key] = value + [v for v in old if v not in value]
        else:
            merged[key] = value
    return merged


def _resolve(name: str, raw: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], int]:
    spec = raw[name]
    parent_name = spec.get("extends")
    if not parent_name:
        return spec, 0
    parent, depth = _resolve(parent_name, raw)
    own = {k: v for k, v in spec.items() if k != "extends"}
    merged = _merge(own, {k: v for k, v in parent.items() if k not in ("fallback", "own_anchors")})
    anchors = spec.get("anchors", {})
    merged["own_anchors"] = [*anchors.get("title", []), *anchors.get("body", [])]
    return merged, depth + 1


def _family(name: str, spec: dict[str, Any], depth: int) -> Family:
    anchors = spec.get("anchors", {})
    return Family(
        name=name,
        doc_type=spec["doc_type"],
        depth=depth,
        fallback=bool(spec.get("fallback", False)),
        title_anchors=_anchors(anchors.get("title")),
        body_anchors=_anchors(anchors.get("body")),
        negative_anchors=_anchors(anchors.get("negative")),
        own_anchors=_anchors(spec.get("own_anchors")),
        min_own_anchors=int(spec.get("min_own_anchors", 2 if depth else 0)),
        number_formats=tuple(spec.get("number_formats", [])),
        fields={k: _field(k, v) for k, v in spec.get("fields", {}).items()},
        date_roles=tuple(_date_role(item) for item in spec.get("date_roles", [])),
        date_exclude=_patterns(spec.get("date_exclude")),
        date_defaults=dict(spec.get("date_defaults", {})),
        issue_date_fallback=spec.get("issue_date_fallback", "none"),
        required=tuple(dict.fromkeys(spec.get("required", []))),
    )


def load_families(rules_dir: Path = RULES_DIR) -> tuple[Family, ...]:
    """Every family file in `rules_dir` (files starting with `_` are shared settings)."""
    raw = {}
    for path in sorted(rules_dir.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        spec = read_yaml_file(path)
        raw[spec.get("name", path.stem)] = spec
    return tuple(_family(name, *_resolve(name, raw)) for name in raw)


def load_common(rules_dir: Path = RULES_DIR) -> Common:
    spec = read_yaml_file(rules_dir / "_common.yaml")
    forms = tuple(
        (canonical, re.compile("|".join(f"(?:{p})" for p in patterns)))
        for canonical, patterns in spec["legal_forms"].items()
    )
    units = tuple(
        (canonical, "|".join(f"(?:{p})" for p in patterns))
        for canonical, patterns in spec["units"].items()
    )
    continuation = spec["continuation"]
    return Common(
        review_threshold=float(spec["review_threshold"]),
        min_family_score=float(spec["min_family_score"]),
        title_lines=int(spec["title_lines"]),
        continuation_anchors=_anchors(continuation.get("anchors")),
        continuation_patterns=tuple(re.compile(p) for p in continuation.get("patterns", [])),
        start_patterns=tuple(
            re.compile(p.replace("{SIGN}", NUMBER_SIGN)) for p in spec.get("start_patterns", [])
        ),
        legal_forms=forms,
        units=units,
        organization_exclude=_patterns(spec.get("organization_exclude")),
        organization_name_exclude=tuple(
            re.compile(p) for p in spec.get("organization_name_exclude", [])
        ),
        label_line=re.compile(spec["label_line"], re.MULTILINE),
        field_names=dict(spec.get("field_names", {})),
        block_labels=_patterns(spec.get("block_labels")),
        ocr_weight={k: float(v) for k, v in (spec.get("ocr_weight") or {}).items()},
        value_labels=tuple(
            re.compile(phrase_pattern(p) + r"[^0-9a-zа-я]*$") for p in spec.get("value_labels", [])
        ),
    )


@cache
def families() -> tuple[Family, ...]:
    return load_families()


@cache
def common() -> Common:
    return load_common()


def ends_with_value_label(line: str) -> bool:
    """Whether an OCR'd line ends with a label whose value is missing (see `value_labels`)."""
    folded = search_form(line)
    return any(p.search(folded) for p in common().value_labels)
