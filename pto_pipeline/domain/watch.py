"""Decide which projects need a build, from stat-only snapshots (no Dagster here).

State per project, kept in the sensor cursor:
  pending: fingerprint seen last time and when it was first seen
  built:   fingerprint a build was last requested for
A project is requested when its fingerprint differs from `built` and has been
unchanged for the quiet period (a scanner still writing keeps changing it) and
its newest file is at least that old (a copy that preserves mtimes is caught
by the first rule, a slow writer by the second).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pto_pipeline.domain.inbox import ProjectSnapshot

# A fingerprint is kept in the cursor by its first 16 hex digits (64 bits: telling a
# change from no change needs no more), so the cursor stays small with hundreds of
# projects: about 70 bytes each.
FINGERPRINT_CHARS = 16


@dataclass
class ProjectWatch:
    pending: str = ""
    pending_since: float = 0.0
    built: str = ""


@dataclass
class WatchState:
    projects: dict[str, ProjectWatch] = field(default_factory=dict)
    known_partitions: list[str] = field(default_factory=list)

    def dumps(self) -> str:
        return json.dumps(
            {
                "projects": {
                    k: [v.pending, round(v.pending_since, 1), v.built]
                    for k, v in sorted(self.projects.items())
                },
                "known_partitions": sorted(self.known_partitions),
            },
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, cursor: str | None) -> WatchState:
        if not cursor:
            return cls()
        try:
            raw = json.loads(cursor)
            projects = {k: _project_watch(v) for k, v in raw.get("projects", {}).items()}
            return cls(projects, list(raw.get("known_partitions", [])))
        except (ValueError, TypeError, KeyError):
            return cls()


def _project_watch(raw: list | dict) -> ProjectWatch:
    """[pending, pending_since, built]; a cursor of an earlier version holds dicts."""
    pending, since, built = (
        (raw["pending"], raw["pending_since"], raw["built"]) if isinstance(raw, dict) else raw
    )
    return ProjectWatch(pending[:FINGERPRINT_CHARS], float(since), built[:FINGERPRINT_CHARS])


def due_projects(
    state: WatchState, snapshots: list[ProjectSnapshot], now: float, quiet_seconds: float
) -> list[ProjectSnapshot]:
    """Update `state` with this evaluation's snapshots; return the projects to build now."""
    due: list[ProjectSnapshot] = []
    seen = set()
    for snap in snapshots:
        seen.add(snap.code)
        watch = state.projects.setdefault(snap.code, ProjectWatch())
        fingerprint = snap.fingerprint[:FINGERPRINT_CHARS]
        if fingerprint != watch.pending:
            watch.pending, watch.pending_since = fingerprint, now
        if fingerprint == watch.built:
            continue
        quiet_for = now - watch.pending_since
        settled = now - snap.newest_mtime >= quiet_seconds
        if quiet_for >= quiet_seconds and settled:
            watch.built = fingerprint
            due.append(snap)
    for gone in set(state.projects) - seen:
        del state.projects[gone]
    return due
