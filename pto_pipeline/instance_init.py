"""Make sure the SQLite instance under $DAGSTER_HOME is whole before a build uses it.

The first build on a fresh home creates the instance's databases; killed at that moment
(SIGKILL, power cut) it leaves a database file with some or no tables, and every later
build then fails ("requires the dynamic partitions table ..."). A database without
tables holds nothing and is removed, so the next open creates it again; a home whose
run database holds no runs yet is rebuilt from scratch. A home with runs is never wiped.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import sqlite3
from pathlib import Path

import dagster as dg

READY_MARKER = ".pto-instance-ready"
_SQLITE_FOLDERS = ("history", "schedules")


def _probe(home: Path) -> str | None:
    """None when every storage of the instance opens and answers; else the error."""
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            instance.get_runs(limit=1)
            instance.has_dynamic_partition("projects", "probe")
            instance.event_log_storage.get_concurrency_info("warehouse")
            instance.all_instigator_state()
    except Exception as exc:  # noqa: BLE001 - any failure means "not whole yet"
        return f"{type(exc).__name__}: {exc}"
    return None


def _tables(db: Path) -> list[str] | None:
    try:
        with contextlib.closing(sqlite3.connect(db)) as con:
            return [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
    except sqlite3.Error:
        return None


def _run_count(home: Path) -> int:
    db = home / "history" / "runs.db"
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(db)) as con:
            return int(con.execute("select count(*) from runs").fetchone()[0])
    except sqlite3.Error:
        return 0


def _remove_empty_databases(home: Path) -> list[Path]:
    removed = []
    for folder in _SQLITE_FOLDERS:
        for db in (home / folder).rglob("*.db"):
            if not _tables(db):  # no tables, or not a database at all
                db.unlink(missing_ok=True)
                removed.append(db)
    return removed


def ensure_instance_ready(home: Path) -> str | None:
    """Check (once per home) that the instance opens; repair what a killed first build
    left half-made. Returns a note for the user when something was repaired."""
    home.mkdir(parents=True, exist_ok=True)
    if (home / READY_MARKER).exists():
        return None
    with open(home / ".pto-instance.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # two first builds at once: one checks
        if (home / READY_MARKER).exists():
            return None
        problem = _probe(home)
        note = None
        if problem is not None:
            removed = _remove_empty_databases(home)
            if _probe(home) is not None and _run_count(home) == 0:
                for folder in _SQLITE_FOLDERS:
                    shutil.rmtree(home / folder, ignore_errors=True)
                removed.append(home / "history")
            problem = _probe(home)
            if problem is not None:
                return f"the Dagster instance at {home} does not open: {problem}"
            note = (
                f"repaired the Dagster instance at {home}: a build killed while creating it "
                f"left {', '.join(str(p.relative_to(home)) for p in removed)} half-made"
            )
        (home / READY_MARKER).touch()
        return note
