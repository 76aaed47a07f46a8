"""The numbers of `pto-pipeline eval --unseen-layouts`: which fields count as seen by the
engineer, the accuracy of those that are not, clean pages sent to review, and error kinds
that tell a rule writer what failed without showing the page. No OCR here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pto_pipeline.cli import EXIT_USAGE, main
from pto_pipeline.evaluation import format_unseen_report, review_threshold, score_layout_set

THRESHOLD = 0.6


def _truth(source: str, layout: str, scan: str, **fields) -> dict:
    base = dict.fromkeys(
        (
            "doc_type",
            "doc_number",
            "issue_date",
            "valid_from",
            "valid_to",
            "manufacturer",
            "product_name",
            "standard",
            "batch_number",
            "quantity",
            "unit",
        )
    )
    base.update(doc_type="quality_document", doc_number="12", issue_date="2026-03-01")
    base.update(fields)
    return {
        "source_file": source,
        "first_page": 1,
        "last_page": 1,
        "layout": layout,
        "scan": scan,
        **base,
    }


def _predicted(truth: dict, status: str, confidence: dict, **override) -> dict:
    record = {k: v for k, v in truth.items() if k not in ("layout", "scan")}
    record.update(status=status, field_confidence=json.dumps(confidence), **override)
    return record


@pytest.fixture
def scored() -> dict:
    a = _truth("a.jpg", "layout_a/v1", "clean", quantity=6.0, unit="м3")
    b = _truth("b.jpg", "layout_b", "clean")
    c = _truth("c.pdf", "layout_b", "digital", product_name="Песок строительный")
    predicted = [
        # ok document, one field below the threshold, quantity read wrong with confidence
        _predicted(
            a,
            "ok",
            {"doc_type": 0.9, "doc_number": 0.4, "issue_date": 0.9, "quantity": 0.9, "unit": 0.9},
            quantity=60.0,
        ),
        # a document in review: every field counts as seen, even a wrong one
        _predicted(
            b,
            "needs_review",
            {"doc_type": 0.9, "doc_number": 0.9, "issue_date": 0.9},
            doc_number="13",
        ),
        # ok document with a field left empty: nobody is told
        _predicted(
            c, "ok", {"doc_type": 0.9, "doc_number": 0.9, "issue_date": 0.9}, product_name=None
        ),
    ]
    return score_layout_set(predicted, [a, b, c], THRESHOLD)


def test_fields_not_sent_to_review_carry_their_errors(scored):
    cal = scored["calibration"]
    # a: doc_type, issue_date, quantity(wrong), unit kept; doc_number reviewed (0.4)
    # b: all reviewed; c: doc_type, doc_number, issue_date, product_name(empty) kept
    assert cal["fields_not_reviewed"] == 8
    assert cal["wrong_not_reviewed"] == 2
    assert cal["accuracy_not_reviewed"] == pytest.approx(6 / 8, abs=1e-3)
    assert cal["documents_reviewed_share"] == pytest.approx(1 / 3, abs=1e-3)
    assert cal["clean_pages"] == 2 and cal["clean_pages_reviewed"] == 1


def test_errors_are_told_by_field_and_kind_and_layouts_by_name(scored):
    kinds = {(g["field"], g["kind"]): g for g in scored["error_kinds"]}
    assert kinds[("product_name", "empty")]["not_reviewed"] == 1
    assert kinds[("quantity", "wrong value")]["documents"] == 1
    assert kinds[("doc_number", "wrong value")]["not_reviewed"] == 0
    assert set(scored["layouts"]) == {"layout_a", "layout_b"}
    assert scored["layouts"]["layout_a"]["documents"] == 1


def test_reliability_bins_hold_every_read_field(scored):
    bins = scored["calibration"]["reliability"]
    assert sum(b["fields"] for b in bins) == 11  # fields read, with a confidence
    low = next(b for b in bins if b["bin"].startswith("[0.30"))
    assert low["fields"] == 1 and low["accuracy"] == 1.0


def test_report_prints_both_sets_without_page_contents(scored):
    report = {
        "seeds": {"development": 1, "unseen": 2},
        "documents": 3,
        "pages": 3,
        "seconds": 1.0,
        "review_threshold": THRESHOLD,
        "sets": {"development": scored, "unseen": scored},
    }
    text = format_unseen_report(report)
    assert "development" in text and "unseen" in text and "quantity: wrong value" in text
    assert "Песок" not in text  # values stay in report.json


def test_review_threshold_comes_from_the_extraction_rules():
    assert 0.0 < review_threshold() < 1.0


def test_unseen_report_rejects_an_empty_corpus(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("PTO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert main(["eval", "--unseen-layouts", "--documents", "0"]) == EXIT_USAGE
    assert "--documents" in capsys.readouterr().err
