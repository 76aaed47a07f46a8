"""Accuracy report: requisites read from a freshly generated corpus vs its ground truth.

The corpus is generated with a seed never used in development, run through the
same OCR and extraction code as the `ocr_text` and `requisites` assets, and
scored per field.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

from pto_pipeline.corpus import generate_document_corpus
from pto_pipeline.domain import ocr
from pto_pipeline.domain.documents import build_documents
from pto_pipeline.domain.extraction.evaluate import score_requisites
from pto_pipeline.domain.tables import PAGE_COLUMNS, REQUISITE_FIELDS


def run_accuracy_report(
    seed: int, n_documents: int, out_dir: Path | None, workers: int, lang: str = "rus+eng"
) -> str:
    with tempfile.TemporaryDirectory(prefix="pto-eval-") as tmp:
        root = out_dir or Path(tmp)
        started = time.monotonic()
        truth = generate_document_corpus(root, seed=seed, n_documents=n_documents)
        generated = time.monotonic() - started
        predicted, pages = extract_corpus(root / "files", workers, lang, root / "cache")
        elapsed = time.monotonic() - started - generated
        scores = score_requisites(predicted, truth)
        (root / "report.json").write_text(
            json.dumps(scores, ensure_ascii=False, indent=1, default=str)
        )
        return format_report(scores, seed, len(truth), pages, elapsed)


def extract_corpus(
    files_dir: Path, workers: int, lang: str, cache_dir: Path | None
) -> tuple[list[dict], int]:
    sources = []
    for path in sorted(p for p in files_dir.rglob("*") if p.is_file()):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        sources.append(ocr.SourceFile(sha, path.relative_to(files_dir).as_posix(), path))
    tasks, failed = ocr.plan_pages(sources)
    config = ocr.OcrConfig(lang=lang, cache_dir=cache_dir)
    rows = ocr.run_pages(tasks, config, workers)
    pages = pd.DataFrame(failed + rows, columns=[*PAGE_COLUMNS, "cached"])
    documents, _ = build_documents(pages.drop(columns=["cached"]))
    keep = ["source_file", "first_page", "last_page", "status", *REQUISITE_FIELDS]
    predicted = [
        {k: (None if _is_missing(v) else v) for k, v in rec.items()}
        for rec in documents[keep].to_dict("records")
    ]
    return predicted, len(tasks)


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_report(scores: dict, seed: int, documents: int, pages: int, seconds: float) -> str:
    lines = [
        f"Accuracy report: seed {seed}, {documents} documents, {pages} pages, "
        f"OCR + extraction {seconds:.0f} s",
        f"{'field':<14} {'correct':>8} {'total':>6} {'accuracy':>9}",
    ]
    for name, s in scores["fields"].items():
        lines.append(f"{name:<14} {s['correct']:>8} {s['total']:>6} {s['accuracy']:>9.3f}")
    lines.append(f"{'overall':<14} {'':>8} {'':>6} {scores['overall']:>9.3f}")
    errors = scores.get("errors") or []
    if errors:
        lines.append("first mismatches:")
        lines.extend(f"  {json.dumps(e, ensure_ascii=False, default=str)}" for e in errors[:15])
    return "\n".join(lines)
