"""A build killed with SIGKILL never blocks the next build (issue 10, item 1).

The marts step holds the instance's `warehouse` pool slot while it publishes. The test
pins a real `pto-pipeline build` inside that step (it holds the warehouse publish lock, so
the step waits with its slot claimed), kills the process with SIGKILL, and starts another
build, which must free the dead run's slot and finish.
"""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from pto_pipeline_tests.test_concurrent_builds import _project

pytestmark = pytest.mark.slow
BUILD_TIMEOUT = 180


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PTO_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "PTO_WORKERS": "1",
    }


def _start_build(code: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pto_pipeline.cli", "build", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _claimed_runs(home: Path) -> set[str]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        info = instance.event_log_storage.get_concurrency_info("warehouse")
        return {slot.run_id for slot in info.claimed_slots}


def _wait_for_claim(home: Path, build: subprocess.Popen) -> set[str]:
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        assert build.poll() is None, build.communicate()[1][-3000:]
        if (home / "dagster.yaml").exists() and (home / "storage").exists():
            try:
                claimed = _claimed_runs(home)
            except Exception:  # noqa: BLE001 - the instance may still be initialising
                claimed = set()
            if claimed:
                return claimed
        time.sleep(0.3)
    raise AssertionError("the build never reached the marts step")


def _finish(build: subprocess.Popen) -> tuple[str, str]:
    try:
        return build.communicate(timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        build.kill()
        _out, err = build.communicate()
        raise AssertionError(f"the next build hung after a killed one:\n{err[-3000:]}") from None


def test_build_killed_in_marts_step_does_not_block_next_build(tmp_path: Path) -> None:
    data, home = tmp_path / "data", tmp_path / "home"
    for code in ("house-a", "house-b"):
        _project(data, code)
    env = _env(tmp_path)
    warehouse = data / "warehouse"
    warehouse.mkdir(parents=True)
    with open(warehouse / ".publish.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # the marts step waits here, slot held
        victim = _start_build("house-a", env)
        claimed = _wait_for_claim(home, victim)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
    assert _claimed_runs(home) == claimed  # the dead run still holds the slot

    out, err = _finish(_start_build("house-b", env))
    assert "succeeded" in out, err[-3000:]
    assert "released" in err  # the build says it freed a dead run's slot
    assert _claimed_runs(home) == set()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        dead = instance.get_run_by_id(next(iter(claimed)))
        assert dead is not None and dead.status == dg.DagsterRunStatus.FAILURE


def test_repeated_random_kills_never_leave_next_build_hanging(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _project(data, "house-a")
    env = _env(tmp_path)
    rng = random.Random(10)
    for _ in range(4):
        victim = _start_build("house-a", env)
        time.sleep(rng.uniform(0.5, 12.0))
        if victim.poll() is None:
            os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
    out, err = _finish(_start_build("house-a", env))
    assert "succeeded" in out, err[-3000:]
