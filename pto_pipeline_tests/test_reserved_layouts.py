"""Layouts reserved for `pto-pipeline eval --unseen-layouts`: they render, their truth is
what the page prints, and they never leak into development material (sample project,
development corpus, golden cases, other tests). No extraction accuracy is asserted here:
the reserved set is a measure, not a target."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from pto_pipeline.corpus import generate_document_corpus
from pto_pipeline.corpus.accuracy import random_documents
from pto_pipeline.corpus.documents import LAYOUTS, build_document, layout_registry
from pto_pipeline.corpus.facts import REQUISITE_FIELDS, SCHEMES_BY_TYPE, random_facts
from pto_pipeline.corpus.products import fmt_qty, unit_decimals
from pto_pipeline.corpus.project import Scenario

RESERVED = layout_registry("reserved")
RESERVED_NAMES = {name for names in RESERVED.values() for name in names}
DEVELOPMENT_NAMES = {name for names in LAYOUTS.values() for name in names}
TESTS = Path(__file__).parent
CASES = [(scheme, name) for scheme, names in RESERVED.items() for name in sorted(names)]


def _squeeze(text: str) -> str:
    """Text without whitespace: a value wrapped over two lines still counts as printed."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("scheme", "name"), CASES, ids=[n for _, n in CASES])
def test_reserved_layout_renders_and_prints_its_truth(scheme: str, name: str):
    for seed in range(4):
        rng = random.Random(f"reserved-{name}-{seed}")
        doc = build_document(random_facts(rng, scheme=scheme), rng, name, RESERVED)
        truth = doc.truth()
        assert doc.pages and all(page.items for page in doc.pages)
        assert set(truth) == set(REQUISITE_FIELDS)
        assert doc.layout.split("/")[0] == name
        printed = _squeeze("\n".join(page.text_content() for page in doc.pages))
        for field in ("doc_number", "product_name", "standard", "batch_number"):
            if truth[field]:
                assert _squeeze(truth[field]) in printed, (field, truth[field])
        if truth["quantity"] is not None:
            quantity = fmt_qty(truth["quantity"], unit_decimals(truth["unit"]))
            assert quantity in printed


def test_reserved_set_covers_every_family_and_shares_no_name_with_development():
    assert not RESERVED_NAMES & DEVELOPMENT_NAMES
    assert len(RESERVED_NAMES) >= 12
    assert set(RESERVED) == set(LAYOUTS)  # every scheme of the corpus
    for doc_type, schemes in SCHEMES_BY_TYPE.items():
        assert sum(len(RESERVED[s]) for s in schemes) >= 2, doc_type
    for scheme in ("eaeu_cert", "gost_r_cert", "eaeu_decl", "national_decl", "concrete_doc"):
        assert len(RESERVED[scheme]) >= 2, scheme
    for scheme in ("rebar_cert", "passport", "test_report", "refusal"):
        assert len(RESERVED[scheme]) >= 2, scheme


def test_reserved_corpus_has_truth_records_from_reserved_layouts_only(tmp_path):
    records = generate_document_corpus(tmp_path, seed=5, n_documents=3, layouts="reserved")
    assert len(records) == 3
    for record in records:
        assert {"source_file", "first_page", "last_page", "layout", "format", "scan"} <= set(record)
        assert set(REQUISITE_FIELDS) <= set(record)
        assert record["layout"].split("/")[0] in RESERVED_NAMES
        assert (tmp_path / "files" / record["source_file"]).is_file()
    assert json.loads((tmp_path / "truth.json").read_text("utf-8")) == records


def test_sample_project_and_development_corpus_never_use_reserved_layouts():
    used = set()
    for seed in (0, 1, 2):
        scenario = Scenario(seed)
        scenario.build()
        used |= {doc.layout.split("/")[0] for spec in scenario.files() for doc in spec.documents}
    used |= {d.layout.split("/")[0] for d in random_documents(random.Random(7), 60)}
    assert used and used <= DEVELOPMENT_NAMES
    assert not used & RESERVED_NAMES


def test_no_golden_case_or_other_test_refers_to_reserved_layouts():
    this = Path(__file__).resolve()
    sources = [p for p in TESTS.rglob("*") if p.is_file() and p.suffix in (".py", ".json", ".txt")]
    for path in sources:
        if path.resolve() == this:
            continue
        text = path.read_text("utf-8", errors="replace")
        assert "reserved_layouts" not in text and "reserved_blocks" not in text, path
        assert not any(re.search(rf"\b{name}\b", text) for name in RESERVED_NAMES), path
