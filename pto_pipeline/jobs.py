"""The one job: build a whole project partition (every project asset and the marts)."""

from __future__ import annotations

import dagster as dg

from pto_pipeline.partitions import projects_partitions

build_project_job = dg.define_asset_job(
    name="build_project",
    selection=dg.AssetSelection.all(),
    partitions_def=projects_partitions,
    # Steps share one process: a run is one project, and OCR parallelism comes from
    # the page process pool inside `ocr_text`, not from one process per step.
    executor_def=dg.in_process_executor,
    description="Materialize every asset of one project (SPEC §9).",
)
