"""OCR in several steps (what spreads a project over Celery workers) reads the same text
as the embedded default's single step."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pto_pipeline.assets import ocr_text, raw_documents
from pto_pipeline.assets.documents import step_starts
from pto_pipeline.corpus import render_bench_pages
from pto_pipeline.resources import PtoSettings

CODE = "steps"


def test_step_starts_cut_pages_into_steps() -> None:
    assert step_starts(0, 0) == [0]  # no pages: still one (empty) step, so the join runs
    assert step_starts(30, 0) == [0]
    assert step_starts(5, 12) == [0]
    assert step_starts(25, 12) == [0, 12, 24]


def _ocr_pages(tmp: Path, pages: list[Path], step_pages: str, monkeypatch) -> tuple:
    data = tmp / f"data-{step_pages}"  # its own OCR cache: every page is read afresh
    inbox = data / "projects" / CODE / "inbox"
    inbox.mkdir(parents=True)
    for page in pages:
        shutil.copy(page, inbox / page.name)
    monkeypatch.setenv("PTO_OCR_STEP_PAGES", step_pages)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("projects", [CODE])
    result = dg.materialize(
        [raw_documents, ocr_text],
        partition_key=CODE,
        instance=instance,
        resources={"pto": PtoSettings(data_dir=str(data), quiet_seconds=0.0, workers=2)},
    )
    assert result.success
    steps = {
        e.step_key
        for e in result.all_events
        if e.event_type_value == "STEP_SUCCESS" and e.step_key.startswith("ocr_text.ocr_pages[")
    }
    return result.output_for_node("ocr_text")["pages"], steps


@pytest.mark.slow
def test_pages_read_in_steps_equal_one_step(tmp_path: Path, monkeypatch) -> None:
    pages = render_bench_pages(tmp_path / "scans", 3, seed=5)
    one, one_steps = _ocr_pages(tmp_path, pages, "0", monkeypatch)
    split, split_steps = _ocr_pages(tmp_path, pages, "1", monkeypatch)
    assert len(one_steps) == 1 and len(split_steps) == 3
    assert len(one) == 3 and (one["status"] == "ok").all()
    pd.testing.assert_frame_equal(one, split)
