"""The single Definitions object: assets, checks, job, sensor, schedule, resources."""

from __future__ import annotations

import dagster as dg

from pto_pipeline.assets import ALL_ASSETS
from pto_pipeline.jobs import build_project_job
from pto_pipeline.resources import PtoSettings
from pto_pipeline.schedules import nightly_package_rebuild
from pto_pipeline.sensors import inbox_sensor

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[build_project_job],
    sensors=[inbox_sensor],
    schedules=[nightly_package_rebuild],
    resources={
        "pto": PtoSettings(),
        # Outputs are pickled under $DAGSTER_HOME/storage, so later runs (re-execute
        # from failure, single-step reruns in the UI) can read them.
        "io_manager": dg.FilesystemIOManager(),
    },
)
