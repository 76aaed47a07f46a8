"""The one job: build a whole project partition (every project asset and the marts)."""

from __future__ import annotations

import os

import dagster as dg

from pto_pipeline.domain.settings import executor_name
from pto_pipeline.partitions import projects_partitions

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def celery_settings() -> dict:
    """dagster-celery executor config: broker and result backend from PTO_CELERY_BROKER."""
    broker = os.environ.get("PTO_CELERY_BROKER", "").strip() or DEFAULT_BROKER
    return {
        "broker": broker,
        "backend": broker,
        "config_source": {
            # Steps are long (a batch of pages); one task per worker slot at a time.
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
        },
    }


def _executor() -> dg.ExecutorDefinition:
    if executor_name() == "celery":
        # Each step (an OCR batch, matching, acts, ...) becomes a Celery task that any
        # worker connected to the broker picks up (SPEC §12, deploy/celery/).
        from dagster_celery import celery_executor

        return celery_executor.configured(celery_settings(), name="celery")
    # Steps share one process: OCR parallelism comes from the page process pool
    # inside the OCR step, not from one process per step.
    return dg.in_process_executor


build_project_job = dg.define_asset_job(
    name="build_project",
    selection=dg.AssetSelection.all(),
    partitions_def=projects_partitions,
    executor_def=_executor(),
    description="Materialize every asset of one project (SPEC §9).",
)
