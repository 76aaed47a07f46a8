"""Accuracy of extracted requisites against a hand-checked truth set.

Records are matched by (`source_file`, `first_page`). A field counts for a document
when it is non-null in the truth or in the prediction (both null: not counted). Values
are compared after normalisation:

- dates (`issue_date`, `valid_from`, `valid_to`): the same calendar day (date objects,
  ISO strings and Russian dates are accepted);
- `quantity`: equal within 0.1 %;
- `manufacturer`: equal after `fold()` with quotes, spaces and punctuation removed
  (`ООО "Бетон"` == `ООО «Бетон»`);
- `product_name`: after `fold()` and punctuation → spaces, rapidfuzz `token_set_ratio`
  ≥ 90 (word order, extra words on one side and small OCR slips are tolerated);
- every other field (`doc_type`, `doc_number`, `standard`, `batch_number`, `unit`):
  equal after `fold()` with quotes, spaces and punctuation removed.

A truth record with no prediction counts all its non-null fields as wrong; a predicted
record with no truth is listed in `errors` only. A field never counted (total 0) has
accuracy 1.0 (nothing to get wrong), so reports can always format it as a number.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz

from ..dates import parse_ru_date
from ..text import fold
from .extract import DATE_FIELDS, FIELDS

PRODUCT_NAME_MIN_RATIO = 90
MAX_ERRORS = 50
_NOT_ALNUM = re.compile(r"[^0-9A-ZА-Я]")
_PUNCT = re.compile(r"[^0-9A-ZА-Я]+")


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        return bool(value != value)  # pandas NA / NaT
    except (TypeError, ValueError):
        return False


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return parse_ru_date(text)


def _key(value: Any) -> str:
    return _NOT_ALNUM.sub("", fold(str(value)))


def fields_equal(name: str, expected: Any, predicted: Any) -> bool:
    """Whether a predicted field value counts as correct (see the module docstring)."""
    if _is_null(expected) or _is_null(predicted):
        return _is_null(expected) and _is_null(predicted)
    if name in DATE_FIELDS:
        return _as_date(expected) is not None and _as_date(expected) == _as_date(predicted)
    if name == "quantity":
        try:
            a, b = float(expected), float(predicted)
        except (TypeError, ValueError):
            return False
        return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)
    if name == "product_name":
        a = _PUNCT.sub(" ", fold(str(expected))).strip()
        b = _PUNCT.sub(" ", fold(str(predicted))).strip()
        return fuzz.token_set_ratio(a, b) >= PRODUCT_NAME_MIN_RATIO
    return _key(expected) == _key(predicted)


def _record_key(record: dict[str, Any]) -> tuple[str, int]:
    return str(record.get("source_file", "")), int(record.get("first_page") or 1)


def _plain(value: Any) -> Any:
    if _is_null(value):
        return None
    return value.isoformat() if isinstance(value, date) else value


def score_requisites(predicted: list[dict], truth: list[dict]) -> dict:
    """Per-field and overall accuracy of `predicted` against `truth` (see module doc)."""
    by_key = {_record_key(r): r for r in predicted}
    counts = {name: [0, 0] for name in FIELDS}  # correct, total
    errors: list[dict[str, Any]] = []
    for expected in truth:
        key = _record_key(expected)
        got = by_key.get(key, {})
        if not got and len(errors) < MAX_ERRORS:
            errors.append(
                {
                    "source_file": key[0],
                    "first_page": key[1],
                    "field": None,
                    "expected": "document",
                    "predicted": None,
                }
            )
        for name in FIELDS:
            want, have = expected.get(name), got.get(name)
            if _is_null(want) and _is_null(have):
                continue
            counts[name][1] += 1
            if fields_equal(name, want, have):
                counts[name][0] += 1
            elif len(errors) < MAX_ERRORS:
                errors.append(
                    {
                        "source_file": key[0],
                        "first_page": key[1],
                        "field": name,
                        "expected": _plain(want),
                        "predicted": _plain(have),
                    }
                )
    truth_keys = {_record_key(r) for r in truth}
    for key in by_key:
        if key not in truth_keys and len(errors) < MAX_ERRORS:
            errors.append(
                {
                    "source_file": key[0],
                    "first_page": key[1],
                    "field": None,
                    "expected": None,
                    "predicted": "document",
                }
            )
    fields = {
        name: {"correct": c, "total": t, "accuracy": (c / t if t else 1.0)}
        for name, (c, t) in counts.items()
    }
    correct = sum(c for c, _ in counts.values())
    total = sum(t for _, t in counts.values())
    return {
        "fields": fields,
        "overall": correct / total if total else 1.0,
        "documents": len(truth),
        "errors": errors,
    }
