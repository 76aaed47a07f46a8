"""Free pool slots held by runs whose process is gone (SIGKILL, OOM kill, power cut).

Dagster releases a concurrency slot only from the run that claimed it; an in-process
build killed mid-step never does, and every later build then waits for the `warehouse`
pool forever. CLI builds tag their run with the process id, its start time and the host,
so a later build can tell a live holder from a dead one and free the dead one's claims.
Runs launched by the daemon are covered by its run monitoring (dagster.yaml).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from pto_pipeline.domain.settings import executor_name

PID_TAG, START_TAG, HOST_TAG = "pto/pid", "pto/pid_start", "pto/host"


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of `pid` (clock ticks since boot), None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22; the command name (field 2) may hold spaces, so split after its ')'.
    return stat.rsplit(")", 1)[1].split()[19]


def owner_tags() -> dict[str, str]:
    """Tags naming this process, so that its death can be recognised later."""
    pid = os.getpid()
    return {
        PID_TAG: str(pid),
        START_TAG: process_start_time(pid) or "",
        HOST_TAG: socket.gethostname(),
    }


def _owner_is_dead(run: dg.DagsterRun) -> bool:
    tags = run.tags
    if PID_TAG not in tags or tags.get(HOST_TAG) != socket.gethostname():
        return False  # not ours or another machine's: its own monitor decides
    try:
        pid = int(tags[PID_TAG])
    except ValueError:
        return False
    # A reused pid has another start time: the original process is gone too.
    return process_start_time(pid) != (tags.get(START_TAG) or None)


def release_stale_claims(instance: dg.DagsterInstance) -> list[str]:
    """Free the slots of finished runs and of runs whose process died, and mark such
    runs failed (a dead STARTED run also holds a place among the concurrent runs);
    return the ids of the runs released."""
    storage = instance.event_log_storage
    released = []
    holders = set(storage.get_concurrency_run_ids())
    started = instance.get_runs(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]), limit=200
    )
    candidates = {run_id: instance.get_run_by_id(run_id) for run_id in sorted(holders)}
    candidates.update({run.run_id: run for run in started if PID_TAG in run.tags})
    for run_id, run in sorted(candidates.items()):
        if run is not None and not run.is_finished:
            if not _owner_is_dead(run):
                continue
            instance.report_run_failed(
                run, "the build process died (killed or crashed); its pool slots were released"
            )
        if run_id in holders:
            storage.free_concurrency_slots_for_run(run_id)
        released.append(run_id)
    return released


@contextmanager
def stale_claim_watch(
    instance: dg.DagsterInstance, report, interval: float = 5.0
) -> Iterator[None]:
    """Release dead runs' slots now and every `interval` seconds while a build runs.

    A holder may die while this build already waits for its slot; checking again
    during the run frees it then, instead of waiting forever.
    """
    stop = threading.Event()

    def sweep() -> None:
        for run_id in release_stale_claims(instance):
            report(run_id)

    def loop() -> None:
        while not stop.wait(interval):
            try:
                sweep()
            except Exception:  # noqa: BLE001 - a failed sweep must not kill the build
                continue

    sweep()
    thread = threading.Thread(target=loop, name="stale-claim-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def tag_run_owner(instance: dg.DagsterInstance, run: dg.DagsterRun) -> None:
    """Record the process running `run` on it (daemon-launched runs too).

    Not under the Celery executor: there a step's process (a worker's pool process) is
    not the run's, it may be recycled while the run goes on, and the daemon's run
    monitoring watches the run worker."""
    if executor_name() == "celery" and not run.tags.get(PID_TAG):
        return
    if run.tags.get(PID_TAG) != str(os.getpid()):
        instance.add_run_tags(run.run_id, owner_tags())
