"""Standalone corpora: documents for the accuracy report, pages for the OCR benchmark."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

from pto_pipeline.corpus.degrade import apply, random_style
from pto_pipeline.corpus.documents import (
    LAYOUTS,
    Document,
    Registry,
    build_document,
    layout_registry,
)
from pto_pipeline.corpus.facts import SCHEMES_BY_TYPE, random_facts
from pto_pipeline.corpus.files import EXTENSIONS, FileSpec, png_bytes, render_file
from pto_pipeline.corpus.raster import render_page
from pto_pipeline.domain.fsutil import write_bytes_atomic, write_text_atomic

# Share of documents per type in a corpus (quality documents dominate real inboxes).
TYPE_WEIGHTS = {
    "quality_document": 40,
    "conformity_certificate": 18,
    "conformity_declaration": 14,
    "refusal_letter": 9,
    "test_report": 9,
    "other": 10,
}
FORMAT_WEIGHTS = {"jpeg": 30, "pdf_scan": 28, "pdf_text": 18, "png": 12, "tiff": 12}
LEVEL_WEIGHTS = {"clean": 20, "mild": 55, "heavy": 25}


def _all_layouts(registry: Registry) -> list[tuple[str, str]]:
    return [(scheme, name) for scheme, names in registry.items() for name in names]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _scheme_of(doc_type: str, rng: random.Random) -> str:
    return rng.choice(SCHEMES_BY_TYPE[doc_type])


def random_documents(rng: random.Random, n: int, registry: Registry = LAYOUTS) -> list[Document]:
    """`n` documents: every layout once (as far as `n` allows), then by type weights."""
    plan = _all_layouts(registry)
    rng.shuffle(plan)
    plan = plan[:n]
    while len(plan) < n:
        scheme = _scheme_of(_weighted(rng, TYPE_WEIGHTS), rng)
        plan.append((scheme, rng.choice(sorted(registry[scheme]))))
    rng.shuffle(plan)
    return [
        build_document(random_facts(rng, scheme=scheme), rng, name, registry)
        for scheme, name in plan
    ]


_NAME_PATTERNS = (
    "scan_{n:04d}",
    "IMG_2026{mm:02d}{dd:02d}_{n:04d}",
    "Скан {n}",
    "Документ {n}",
    "{kind} {n}",
    "{kind} № {number}",
    "doc{n:03d}",
)
_KIND_WORDS = {
    "conformity_certificate": "Сертификат",
    "conformity_declaration": "Декларация",
    "quality_document": "Паспорт",
    "refusal_letter": "Отказное письмо",
    "test_report": "Протокол",
    "other": "Письмо",
}


def _file_name(rng: random.Random, n: int, doc: Document, ext: str) -> str:
    pattern = rng.choice(_NAME_PATTERNS)
    number = "".join(ch if ch.isalnum() or ch in "-" else "_" for ch in doc.facts.number)[-20:]
    name = pattern.format(
        n=n,
        mm=doc.facts.issue_date.month,
        dd=doc.facts.issue_date.day,
        kind=_KIND_WORDS[doc.facts.doc_type],
        number=number,
    )
    has_index = "{n}" in pattern or "{n:" in pattern
    return f"{name}{ext}" if has_index else f"{n:03d} {name}{ext}"


def _group_into_files(rng: random.Random, docs: list[Document]) -> list[FileSpec]:
    specs: list[FileSpec] = []
    i = 0
    while i < len(docs):
        take = 1
        # Batch documents are often scanned together into one PDF.
        if docs[i].facts.doc_type == "quality_document" and rng.random() < 0.15:
            take = rng.randint(2, 3)
        group = docs[i : i + take]
        i += take
        fmt = "pdf_scan" if len(group) > 1 else _weighted(rng, FORMAT_WEIGHTS)
        pages = sum(len(doc.pages) for doc in group)
        if pages > 1 and fmt in ("jpeg", "png"):
            fmt = rng.choice(("pdf_scan", "tiff"))
        level = _weighted(rng, LEVEL_WEIGHTS)
        styles = [random_style(rng, level) for _ in range(pages)]
        if fmt in ("png", "tiff"):
            styles = [replace(s, noise=0.0) for s in styles]  # keep lossless files small
        n = len(specs) + 1
        name = _file_name(rng, n, group[0], EXTENSIONS[fmt])
        specs.append(FileSpec(name, fmt, group, styles, rng.randint(55, 90)))
    return specs


def generate_document_corpus(
    out_dir: Path, seed: int, n_documents: int = 40, layouts: str = "development"
) -> list[dict]:
    """Write `n_documents` documents as files under `out_dir/files/` and `out_dir/truth.json`.

    `layouts` is `development` (the layouts rules are written against) or `reserved` (the
    layouts kept for `pto-pipeline eval --unseen-layouts` only); both corpora share the
    type, format and scan-degradation mix. Returns the truth records (the documents.json
    record format, see the package docstring).
    """
    out_dir = Path(out_dir)
    registry = layout_registry(layouts)
    rng = random.Random(f"accuracy-{seed}" if layouts == "development" else f"{layouts}-{seed}")
    docs = random_documents(rng, n_documents, registry)
    records: list[dict] = []
    for spec in _group_into_files(rng, docs):
        write_bytes_atomic(out_dir / "files" / spec.path, render_file(spec))
        split = len(spec.documents) > 1
        for doc, (first, last) in zip(spec.documents, spec.page_ranges(), strict=True):
            records.append(
                {
                    "source_file": spec.path,
                    "first_page": first,
                    "last_page": last,
                    "split": split,
                    "expected_status": "ok",
                    "layout": doc.layout,
                    "format": spec.fmt,
                    "scan": ",".join(s.name for s in spec.styles)
                    if spec.fmt != "pdf_text"
                    else "digital",
                    **doc.truth(),
                }
            )
    write_text_atomic(
        out_dir / "truth.json", json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    )
    return records


def render_bench_pages(out_dir: Path, n_pages: int = 100, seed: int = 0) -> list[Path]:
    """`n_pages` grey 300 DPI PNG scans of assorted documents, for timing OCR."""
    out_dir = Path(out_dir)
    rng = random.Random(f"bench-{seed}")
    paths: list[Path] = []
    while len(paths) < n_pages:
        for doc in random_documents(rng, min(20, n_pages)):
            for page in doc.pages:
                if len(paths) >= n_pages:
                    break
                style = replace(
                    random_style(rng, rng.choice(("clean", "mild", "mild"))),
                    noise=0.0,
                    grayscale=True,
                )
                image = apply(render_page(page), style)
                path = out_dir / f"page_{len(paths) + 1:04d}.png"
                write_bytes_atomic(path, png_bytes(image))
                paths.append(path)
    return paths
