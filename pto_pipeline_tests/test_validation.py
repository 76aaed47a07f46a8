from datetime import date

import pandas as pd
import pytest

from pto_pipeline.domain import validation
from pto_pipeline.domain.tables import COVERAGE_COLUMNS, DOCUMENT_COLUMNS
from pto_pipeline.domain.validation import validate_coverage, validate_requisites

TODAY = date(2026, 4, 1)


def _document(document_id: str, **values) -> dict:
    row = dict.fromkeys(DOCUMENT_COLUMNS)
    row.update(
        document_id=document_id,
        sha256=document_id,
        source_file=f"{document_id}.pdf",
        first_page=1,
        last_page=1,
        pages=1,
        doc_type="conformity_certificate",
        doc_number=f"ЕАЭС RU С-RU.АЖ56.В.{document_id}/21",
        issue_date=date(2025, 1, 10),
        valid_from=date(2025, 1, 10),
        valid_to=date(2027, 1, 9),
        text_source="ocr",
        ocr_confidence=0.91,
        status="ok",
    )
    row.update(values)
    return row


def _line(act: str, material: str, status: str, document_id: str | None) -> dict:
    row = dict.fromkeys(COVERAGE_COLUMNS)
    row.update(
        act_number=act,
        line_no=1,
        material=material,
        quantity=12.5,
        unit="м3",
        status=status,
        document_id=document_id,
        doc_type="quality_document" if document_id else None,
        match_score=0.95 if document_id else None,
    )
    return row


def _failures(summary, column):
    return [f for f in summary.failed if f["column"] == column]


@pytest.fixture(scope="module")
def good_documents() -> pd.DataFrame:
    return pd.DataFrame([_document("0001"), _document("0002", doc_type="quality_document")])


def test_clean_documents_pass(good_documents):
    summary = validate_requisites(good_documents, today=TODAY)
    assert summary.success, summary.failed
    assert summary.evaluated >= 10
    assert summary.statistics["rows"] == 2


def test_failed_document_and_bad_requisites_are_flagged(good_documents):
    documents = pd.concat(
        [
            good_documents,
            pd.DataFrame(
                [
                    _document("0003", status="failed", doc_type=None, doc_number=None),
                    _document("0004", doc_number=None),  # ok but no number
                    _document("0005", valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1)),
                    _document("0006", doc_type="passport"),
                ]
            ),
        ]
    )
    summary = validate_requisites(documents, today=TODAY)

    assert not summary.success
    unread = [f for f in _failures(summary, "status") if f["unexpected_count"]]
    assert unread[0]["examples"][0]["source_file"] == "0003.pdf"
    assert _failures(summary, "doc_number")[0]["examples"][0]["document_id"] == "0004"
    assert _failures(summary, "valid_to,valid_from")[0]["unexpected_count"] == 1
    assert _failures(summary, "doc_type")[0]["examples"][0]["doc_type"] == "passport"


def test_planted_missing_line_fails_coverage_naming_act_and_material():
    coverage = pd.DataFrame(
        [
            _line("1", "Бетон В25", "covered", "aaa"),
            _line("2", "Арматура А500С Ø12", "missing", None),
        ]
    )
    summary = validate_coverage(coverage)

    assert not summary.success
    (failure,) = summary.failed
    assert failure["unexpected_count"] == 1
    assert failure["examples"][0]["act_number"] == "2"
    assert failure["examples"][0]["material"] == "Арматура А500С Ø12"
    assert validate_coverage(coverage.iloc[:1]).success


def test_missing_columns_are_reported_not_raised():
    summary = validate_coverage(pd.DataFrame({"act_number": ["1"]}))
    assert not summary.success
    assert {"status", "material"} <= {
        f["column"] for f in summary.failed if f["expectation"] == "expect_column_to_exist"
    }


def test_context_is_built_once_per_process(good_documents):
    validate_requisites(good_documents, today=TODAY)
    context = validation._state["context"]
    validate_coverage(pd.DataFrame([_line("1", "Бетон", "covered", "a")]))
    validate_requisites(good_documents, today=TODAY)
    assert validation._state["context"] is context
