"""From page texts to documents with requisites (SPEC §4).

A file is one document unless its pages classify as several (three concrete
passports scanned together): then each page range is its own document with id
`<sha256>#p<first>-<last>`. Unreadable files become `failed` documents with an
UNREADABLE_DOCUMENT finding naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean

import pandas as pd

from pto_pipeline.domain import llm
from pto_pipeline.domain.extraction import extract_document, grade, split_pages
from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.matching import SHARED_TYPES
from pto_pipeline.domain.materials import product_scope
from pto_pipeline.domain.tables import DOCUMENT_COLUMNS, REQUISITE_FIELDS

STAGE = "requisites"


def build_documents(
    pages: pd.DataFrame, llm_cache_dir: Path | None = None
) -> tuple[pd.DataFrame, list[Finding]]:
    llm_settings = llm.LlmSettings.from_env(cache_dir=llm_cache_dir)
    rows: list[dict] = []
    findings: list[Finding] = []
    for sha, file_pages in pages.groupby("sha256", sort=False):
        file_pages = file_pages.sort_values("page")
        source_file = str(file_pages["source_file"].iloc[0])
        if _has_hidden_layer(file_pages):
            findings.append(_hidden_layer(sha, source_file, file_pages))
        readable = file_pages[file_pages["status"] == "ok"]
        if readable.empty or not "".join(readable["text"]).strip():
            reason = (
                "; ".join(e for e in file_pages["error"].dropna().unique()) or "текст не найден"
            )
            rows.append(_failed_row(sha, source_file, file_pages, reason))
            findings.append(_unreadable(sha, source_file, reason))
            continue
        for first, last in _ranges(file_pages):
            row = _document_row(sha, source_file, file_pages, first, last, llm_settings)
            rows.append(row)
            findings.extend(_document_findings(row))
    documents = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    return documents, findings


def _ranges(file_pages: pd.DataFrame) -> list[tuple[int, int]]:
    texts = file_pages["text"].fillna("").tolist()
    if len(texts) == 1:
        return [(1, 1)]
    return split_pages(texts)


def _document_row(
    sha: str,
    source_file: str,
    file_pages: pd.DataFrame,
    first: int,
    last: int,
    llm_settings: llm.LlmSettings | None,
) -> dict:
    chunk = file_pages[(file_pages["page"] >= first) & (file_pages["page"] <= last)]
    # Form feed between pages: the extractor treats only page 1 as the title zone.
    text = "\f".join(chunk["text"].fillna(""))
    confidences = [c for c in chunk["ocr_confidence"] if c is not None and c == c]
    ocr_confidence = round(mean(confidences), 4) if confidences else None
    req = extract_document(text, ocr_confidence, _word_confidences(chunk), _layout(chunk))
    fields, confidence = dict(req.fields), dict(req.confidence)
    status, error = req.status, req.error
    if llm_settings is not None and llm.fields_needing_llm(fields, confidence):
        fields, confidence, _note = llm.llm_fill(text, fields, confidence, llm_settings)
        if req.family:  # the gaps the model closed no longer need review
            status, error = grade(req.family, fields, confidence)
    if fields.get("doc_type") == "other":
        # A covering letter or waybill: read fine, nothing is required of it.
        status, error = "ok", None
    total_pages = int(file_pages["pages"].max())
    whole_file = first == 1 and last == total_pages
    text_sources = set(chunk["text_source"])
    return {
        "document_id": sha if whole_file else f"{sha}#p{first}-{last}",
        "sha256": sha,
        "source_file": source_file,
        "first_page": first,
        "last_page": last,
        "pages": last - first + 1,
        **{name: fields.get(name) for name in REQUISITE_FIELDS},
        "text_source": "ocr" if "ocr" in text_sources else "text_layer",
        "ocr_confidence": ocr_confidence,
        "status": status,
        "error": error,
        "field_confidence": json.dumps(confidence, ensure_ascii=False, sort_keys=True),
        "family": req.family,
        "product_scope": json.dumps(
            # a shared document may cover several products: its scope lines are matched too
            product_scope(text) if fields.get("doc_type") in SHARED_TYPES else [],
            ensure_ascii=False,
        ),
        "corrected_fields": None,
    }


def _layout(chunk: pd.DataFrame) -> tuple[str, list[int] | None] | None:
    """The pages laid out as printed, with their word confidences (None: not read so)."""
    if "layout_text" not in chunk:
        return None
    texts = chunk["layout_text"].fillna("").tolist()
    if not any(t.strip() for t in texts):
        return None
    laid_out = chunk.rename(
        columns={"text": "flow_text", "layout_text": "text", "word_confidences": "flow_words"}
    ).rename(columns={"layout_word_confidences": "word_confidences"})
    return "\f".join(texts), _word_confidences(laid_out)


def _word_confidences(chunk: pd.DataFrame) -> list[int] | None:
    """Word confidences of the pages' joined text; a text-layer page's words are sure."""
    words: list[int] = []
    for text, page_words in zip(
        chunk["text"].fillna(""), chunk.get("word_confidences", [None] * len(chunk)), strict=True
    ):
        count = len(text.split())
        if page_words is None or (isinstance(page_words, float) and page_words != page_words):
            page_words = [100] * count
        if len(page_words) != count:
            return None  # text and confidences disagree (an old cache): use the page mean
        words.extend(int(c) for c in page_words)
    return words


def _failed_row(sha: str, source_file: str, file_pages: pd.DataFrame, reason: str) -> dict:
    row = {name: None for name in DOCUMENT_COLUMNS}
    pages = int(file_pages["pages"].max() or 0)
    row.update(
        document_id=sha,
        sha256=sha,
        source_file=source_file,
        first_page=1,
        last_page=max(pages, 1),
        pages=pages,
        text_source="ocr",
        status="failed",
        error=reason,
        field_confidence="{}",
    )
    return row


def _has_hidden_layer(file_pages: pd.DataFrame) -> bool:
    return "hidden_text_layer" in file_pages and bool(
        file_pages["hidden_text_layer"].fillna(False).astype(bool).any()
    )


def _hidden_layer(document_id: str, source_file: str, file_pages: pd.DataFrame) -> Finding:
    flagged = file_pages[file_pages["hidden_text_layer"].fillna(False).astype(bool)]
    pages = ", ".join(str(int(p)) for p in flagged["page"])
    return Finding(
        "HIDDEN_TEXT_LAYER",
        f"В файле «{source_file}» (стр. {pages}) скрытый текстовый слой (невидимый на "
        "странице): он не использован, страница распознана по изображению. "
        "Сверьте реквизиты с оригиналом и запросите у поставщика подлинный документ.",
        stage=STAGE,
        document_id=document_id,
        source_file=source_file,
    )


def _unreadable(document_id: str, source_file: str, reason: str) -> Finding:
    return Finding(
        "UNREADABLE_DOCUMENT",
        f"Документ «{source_file}» не прочитан: {reason}. "
        "Отсканируйте его заново (300 dpi, без перекоса) и положите во входящую папку.",
        stage=STAGE,
        document_id=document_id,
        source_file=source_file,
    )


def document_findings(documents: pd.DataFrame) -> list[Finding]:
    """The findings a table of documents calls for (after corrections changed it)."""
    return [f for row in documents.to_dict("records") for f in _document_findings(row)]


def _document_findings(row: dict) -> list[Finding]:
    where = _where(row)
    if row["status"] == "failed":
        return [_unreadable(row["document_id"], where, row["error"] or "тип не распознан")]
    if row["doc_type"] == "other":
        return [
            Finding(
                "NOT_QUALITY_DOCUMENT",
                f"Документ «{where}» не похож на документ о качестве (письмо, накладная и т. п.); "
                "в акты и пакет он не включён. Если это сертификат или паспорт — "
                "загрузите более чёткий скан.",
                stage=STAGE,
                document_id=row["document_id"],
                source_file=row["source_file"],
            )
        ]
    if row["status"] == "needs_review":
        return [
            Finding(
                "MISSING_REQUISITE",
                f"Документ «{where}»: проверьте реквизиты — "
                f"{row['error'] or 'низкая уверенность'}. "
                "Уточните их по оригиналу или загрузите более чёткий скан.",
                stage=STAGE,
                document_id=row["document_id"],
                source_file=row["source_file"],
            )
        ]
    return []


def _where(row: dict) -> str:
    if row["document_id"] == row["sha256"]:
        return row["source_file"]
    return f"{row['source_file']}, стр. {row['first_page']}–{row['last_page']}"
