"""Column contracts of the tables passed between stages.

Each stage returns pandas DataFrames with exactly these columns (extra columns
are allowed at the end). Dates are `datetime.date` or None; the marts cast them.
"""

from __future__ import annotations

import pandas as pd

# raw_documents: one row per inbox file.
FILE_COLUMNS = [
    "source_file",  # path under inbox/, '/'-separated
    "sha256",  # None when the file could not be read
    "size_bytes",
    "mtime",
    "first_seen_at",  # pandas Timestamp (UTC, naive)
    "status",  # processed | duplicate | unsupported | failed
    "stored_path",  # content-addressed copy, relative to the data root
    "extension",
    "error",
]

# ocr_text: one row per page of every processed file.
PAGE_COLUMNS = [
    "sha256",
    "source_file",
    "page",  # 1-based
    "pages",  # pages in the file
    "text",
    "text_source",  # text_layer | ocr
    "ocr_confidence",  # mean word confidence 0..1, None for text layer
    "status",  # ok | failed
    "error",
    # OCR confidence 0..100 of each whitespace-separated word of `text`, in order;
    # None for a text layer
    "word_confidences",
    # the PDF page had a text layer its reader cannot see, so it was OCRed instead
    "hidden_text_layer",
    # the same words laid out as printed: a label and the value right of it share a line,
    # a value stands under its column title (extraction/layout.py)
    "layout_text",
    # confidence 0..100 of each whitespace-separated word of `layout_text`; None for a text layer
    "layout_word_confidences",
]

# requisites: one row per document (a file, or a page range of a split file).
REQUISITE_FIELDS = [
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
]
DOCUMENT_COLUMNS = [
    "document_id",  # sha256 or '<sha256>#p<first>-<last>'
    "sha256",
    "source_file",
    "first_page",
    "last_page",
    "pages",
    *REQUISITE_FIELDS,
    "text_source",
    "ocr_confidence",
    "status",  # ok | needs_review | failed
    "error",  # why failed / what needs review
    "field_confidence",  # JSON object: field -> 0..1
    "family",  # the extraction rules family that read it
    "product_scope",  # JSON list: text lines naming products (a declaration's scope)
    "corrected_fields",  # comma-separated fields the engineer set in corrections.xlsx
]

# work_register
WORK_COLUMNS = [
    "act_number",
    "work_name",
    "design_docs",
    "start_date",
    "end_date",
    "standards",
    "next_works",
    "conformity_docs",
    "act_date",
    "sheet_row",
]
MATERIAL_COLUMNS = ["act_number", "material", "quantity", "unit", "sheet_row", "line_no"]

# matched_materials: one row per (material line, listed document); a line
# without documents has one row with null document fields (SPEC §7).
COVERAGE_COLUMNS = [
    "act_number",
    "line_no",
    "material",
    "quantity",
    "unit",
    "status",  # covered | expired | doc_after_work | unconfirmed | missing
    "document_id",
    "doc_type",
    "doc_number",
    "doc_date",
    "valid_to",
    "match_score",
    "explanation",  # Russian: why this document was taken or rejected
]


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
