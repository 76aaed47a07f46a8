"""The one job: build a whole project partition (every project asset and the marts)."""

from __future__ import annotations

import os

import dagster as dg

from pto_pipeline.domain.settings import executor_name
from pto_pipeline.partitions import projects_partitions

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
# The same settings as deploy/celery/celery.yaml (the workers' side).
CELERY_CONFIG = {
    # Steps are long (a batch of pages); one task per worker slot at a time.
    "worker_prefetch_multiplier": 1,
    "broker_connection_retry_on_startup": True,
    # A task is acknowledged when it ends, not when it starts: if the process running a
    # step dies (SIGKILL, OOM), the step goes back to the queue and another worker runs
    # it again, in the same run. (Without this, dagster-celery 0.29 waits forever for a
    # step whose worker process was lost.)
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "broker_transport_options": {
        # Fail fast when Redis is down at submit time (dagster-celery's defaults).
        "max_retries": 3,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        # A task taken by a worker machine that vanished is delivered again after
        # this long; it must exceed the longest step, or a slow step runs twice.
        "visibility_timeout": 7200,
    },
}


def celery_settings() -> dict:
    """dagster-celery executor config: broker and result backend from PTO_CELERY_BROKER."""
    broker = os.environ.get("PTO_CELERY_BROKER", "").strip() or DEFAULT_BROKER
    return {
        "broker": broker,
        "backend": broker,
        "config_source": CELERY_CONFIG,
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
