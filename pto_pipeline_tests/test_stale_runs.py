"""Pool slots of runs whose process is gone are freed; live holders keep theirs."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pto_pipeline.instance_init import ensure_instance_ready
from pto_pipeline.resources import PtoSettings
from pto_pipeline.stale_runs import owner_tags, process_start_time, release_stale_claims


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str]) -> dg.DagsterRun:
    run = instance.create_run_for_job(
        dg.GraphDefinition(name="g", node_defs=[]).to_job(), tags=tags
    )
    instance.handle_run_event(
        run.run_id,
        dg.DagsterEvent(event_type_value="PIPELINE_START", job_name=run.job_name, message="start"),
    )
    return instance.get_run_by_id(run.run_id)


def _dead_process_tags() -> dict[str, str]:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    tags = owner_tags() | {
        "pto/pid": str(child.pid),
        "pto/pid_start": process_start_time(child.pid) or "",
    }
    child.kill()
    child.wait()
    return tags


def test_dead_holder_is_released_live_holder_kept(tmp_path) -> None:
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots("warehouse", 1)
        dead = _started_run(instance, _dead_process_tags())
        live = _started_run(instance, owner_tags())
        assert storage.claim_concurrency_slot("warehouse", dead.run_id, "marts").is_claimed
        storage.claim_concurrency_slot("warehouse", live.run_id, "marts")  # waits (pending)

        assert release_stale_claims(instance) == [dead.run_id]

        info = storage.get_concurrency_info("warehouse")
        assert {s.run_id for s in info.claimed_slots} == set()
        assert live.run_id in {s.run_id for s in info.pending_steps}
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(live.run_id).status == dg.DagsterRunStatus.STARTED
        assert os.getpid() == int(live.tags["pto/pid"])


def test_dead_started_run_without_claims_is_marked_failed(tmp_path) -> None:
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        dead = _started_run(instance, _dead_process_tags())
        foreign = _started_run(instance, {"pto/trigger": "ui"})  # no owner tags: left alone
        assert release_stale_claims(instance) == [dead.run_id]
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(foreign.run_id).status == dg.DagsterRunStatus.STARTED


def test_every_run_names_its_process(tmp_path) -> None:
    @dg.op
    def noop(pto: PtoSettings) -> None:
        del pto

    job = dg.GraphDefinition(name="g2", node_defs=[noop]).to_job(
        resource_defs={"pto": PtoSettings()}
    )
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = job.execute_in_process(instance=instance)
        run = instance.get_run_by_id(result.run_id)
        assert run.tags["pto/pid"] == str(os.getpid())
        assert run.tags["pto/pid_start"]


def _fresh_home(tmp_path) -> Path:
    from pto_pipeline.cli import REPO_ROOT

    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    return home


def test_instance_half_made_by_a_killed_first_build_is_repaired(tmp_path) -> None:
    home = _fresh_home(tmp_path)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)  # the run database exists ...
    index = home / "history" / "runs" / "index.db"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.unlink(missing_ok=True)
    sqlite3.connect(index).close()  # ... the event log database was killed before its tables

    note = ensure_instance_ready(home)

    assert note is not None and "repaired" in note
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert not instance.has_dynamic_partition("projects", "x")
    assert ensure_instance_ready(home) is None  # checked once


def test_instance_with_runs_is_never_wiped(tmp_path) -> None:
    home = _fresh_home(tmp_path)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = _started_run(instance, {})
    assert ensure_instance_ready(home) is None
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(run.run_id) is not None
