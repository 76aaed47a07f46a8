"""`nightly_package_rebuild`: every project's package and marts, rebuilt at 02:00 Moscow time.

Expiry findings move with today, so an unchanged project still gets a fresh
build each night.
"""

from __future__ import annotations

import dagster as dg

from pto_pipeline.jobs import build_project_job
from pto_pipeline.partitions import projects_partitions


@dg.schedule(
    name="nightly_package_rebuild",
    job=build_project_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Moscow",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuilds every project (package, findings, marts) at 02:00 Europe/Moscow.",
)
def nightly_package_rebuild(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
    codes = context.instance.get_dynamic_partitions(projects_partitions.name)
    night = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return [
        dg.RunRequest(
            partition_key=code,
            run_key=f"nightly:{night}:{code}",
            tags={"pto/trigger": "nightly_package_rebuild"},
        )
        for code in sorted(codes)
    ]
