"""Pages → documents: splitting, unreadable files, letters that are not quality documents."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pto_pipeline.domain.documents import build_documents
from pto_pipeline.domain.tables import DOCUMENT_COLUMNS, PAGE_COLUMNS

GOLDEN = Path(__file__).parent / "golden"


def _golden(family: str, case: str) -> str:
    return (GOLDEN / family / f"{case}.txt").read_text(encoding="utf-8")


def _pages(sha: str, source: str, texts: list[str], status: str = "ok", error=None) -> list[dict]:
    return [
        {
            "sha256": sha,
            "source_file": source,
            "page": i,
            "pages": len(texts),
            "text": text,
            "text_source": "ocr",
            "ocr_confidence": 0.9,
            "status": status,
            "error": error,
        }
        for i, text in enumerate(texts, start=1)
    ]


def test_three_passports_in_one_scan_become_three_documents(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    passports = [
        _golden("quality_concrete", case)
        for case in ("header_quotes_declaration", "number_at_bottom", "table_layout")
    ]
    pages = pd.DataFrame(_pages("a" * 64, "бетон.pdf", passports), columns=PAGE_COLUMNS)
    documents, _ = build_documents(pages)
    assert list(documents.columns) == DOCUMENT_COLUMNS
    assert list(documents["document_id"]) == [f"{'a' * 64}#p{i}-{i}" for i in (1, 2, 3)]
    assert set(documents["doc_type"]) == {"quality_document"}


def test_unreadable_file_is_a_failed_document_with_a_finding(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    reason = "файл не является изображением"
    rows = _pages("b" * 64, "скан.jpg", [""], status="failed", error=reason)
    documents, findings = build_documents(pd.DataFrame(rows, columns=PAGE_COLUMNS))
    [doc] = documents.to_dict("records")
    assert doc["status"] == "failed" and doc["document_id"] == "b" * 64
    assert [f.code for f in findings] == ["UNREADABLE_DOCUMENT"]
    assert "скан.jpg" in findings[0].message and "изображением" in findings[0].message


def test_covering_letter_is_read_but_not_a_quality_document(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    rows = _pages("c" * 64, "письмо.png", [_golden("other", "covering_letter")])
    documents, findings = build_documents(pd.DataFrame(rows, columns=PAGE_COLUMNS))
    [doc] = documents.to_dict("records")
    assert doc["doc_type"] == "other" and doc["status"] == "ok"
    assert [f.code for f in findings] == ["NOT_QUALITY_DOCUMENT"]
