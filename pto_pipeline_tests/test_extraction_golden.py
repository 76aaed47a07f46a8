"""Golden tests: `golden/<family>/<case>.txt` (OCR-like text, pages separated by form
feeds) beside `<case>.json` with the expected status, page split and every SPEC §4 field.
A new layout is a new pair of files."""

import json
from datetime import date
from pathlib import Path

import pytest

from pto_pipeline.domain.extraction import extract_document, score_requisites, split_pages

GOLDEN = Path(__file__).with_name("golden")
CASES = sorted(GOLDEN.glob("*/*.txt"))


def _expected(case: Path) -> dict:
    return json.loads(case.with_suffix(".json").read_text(encoding="utf-8"))


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_golden_document(case: Path):
    expected = _expected(case)
    text = case.read_text(encoding="utf-8")

    result = extract_document(text, expected.get("ocr_confidence"))

    got = {name: _plain(value) for name, value in result.fields.items()}
    assert got == expected["fields"]
    assert result.status == expected["status"], result.error
    assert (result.error is None) == (result.status == "ok")
    assert all(0.0 <= c <= 1.0 for c in result.confidence.values())
    pages = [list(r) for r in split_pages(text.split("\f"))]
    assert pages == expected["pages"]


def test_golden_set_covers_every_family_with_several_layouts():
    families = {c.parent.name for c in CASES}
    assert {
        "conformity_certificate",
        "conformity_declaration",
        "quality_concrete",
        "quality_rebar",
        "quality_document",
        "refusal_letter",
        "test_report",
    } <= families
    for family in families - {"other", "unreadable"}:
        assert len(list((GOLDEN / family).glob("*.txt"))) >= 3, family


def test_golden_set_scores_perfectly():
    truth, predicted = [], []
    for case in CASES:
        expected = _expected(case)
        key = {"source_file": f"{case.parent.name}/{case.name}", "first_page": 1}
        truth.append({**key, **expected["fields"]})
        result = extract_document(case.read_text(encoding="utf-8"), expected.get("ocr_confidence"))
        predicted.append({**key, **result.fields})

    report = score_requisites(predicted, truth)

    assert report["documents"] == len(CASES)
    assert report["errors"] == []
    assert report["overall"] == 1.0
