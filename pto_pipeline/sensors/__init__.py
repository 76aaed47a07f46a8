"""`inbox_sensor`: new project folders become partitions; changed projects get a build."""

from __future__ import annotations

import time

import dagster as dg

from pto_pipeline.domain import inbox, watch
from pto_pipeline.jobs import build_project_job
from pto_pipeline.partitions import projects_partitions
from pto_pipeline.resources import PtoSettings
from pto_pipeline.stale_runs import release_stale_claims

SENSOR_INTERVAL_SECONDS = 15


@dg.sensor(
    name="inbox_sensor",
    job=build_project_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches $PTO_DATA_DIR/projects: adds a partition per new project folder and "
    "requests a build when a project's inbox, project.yaml or register changed and has "
    "been quiet for PTO_QUIET_SECONDS (default 10 s). Stats files, never reads them.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, pto: PtoSettings) -> dg.SensorResult:
    settings = pto.load()
    for run_id in release_stale_claims(context.instance):
        context.log.warning("released the pool slots of run %s: its process is gone", run_id)
    state = watch.WatchState.loads(context.cursor)
    codes, invalid = inbox.list_project_folders(settings.projects_dir)
    for name in invalid:
        context.log.warning(
            "project folder %r ignored: a project code is [a-z0-9][a-z0-9_-]{0,63}", name
        )
    new_partitions = [c for c in codes if c not in state.known_partitions]
    if new_partitions:
        existing = set(context.instance.get_dynamic_partitions(projects_partitions.name))
        new_partitions = [c for c in new_partitions if c not in existing]
    snapshots = [inbox.snapshot_project(settings.project_dir(c)) for c in codes]
    due = watch.due_projects(state, snapshots, time.time(), settings.quiet_seconds)
    state.known_partitions = codes
    run_requests = [
        dg.RunRequest(
            partition_key=snap.code,
            run_key=f"{snap.code}:{snap.fingerprint[:20]}",
            tags={"pto/trigger": "inbox_sensor", "pto/files": str(snap.files)},
        )
        for snap in due
    ]
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=(
            [projects_partitions.build_add_request(new_partitions)] if new_partitions else []
        ),
        cursor=state.dumps(),
    )
