"""Document understanding: classify quality-document pages and read their requisites.

Rules are data (`rules/*.yaml`, one file per document family); see `rules.py`.
"""

from .classify import PageClass, classify_page, split_pages
from .evaluate import score_requisites
from .extract import FIELDS, DocumentRequisites, extract_document, grade

__all__ = [
    "FIELDS",
    "DocumentRequisites",
    "PageClass",
    "classify_page",
    "extract_document",
    "grade",
    "score_requisites",
    "split_pages",
]
