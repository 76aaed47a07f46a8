"""Temporary files that name their owner, and the sweep that removes a dead owner's.

A build killed mid-write (SIGKILL, out of memory, power cut) cannot clean up after
itself. Every temporary file or folder the pipeline makes carries an owner token,
`<pid>@<host tag>`, in its name; the next build removes those whose process on this
host is gone. Tokens of other hosts (a shared data root) are left to their own builds,
unless they are older than `ABANDONED_SECONDS`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

ABANDONED_SECONDS = 24 * 3600
# Owners of the temporary names below: `.<target>.<token>-xxxx.tmp` (atomic writes),
# `.incoming-<token>-xxxx` (the store), `pto-<kind>-<token>-xxxx` (scratch folders).
_OWNED = re.compile(
    r"^(?:\..+\.(?P<a>\d+@[0-9a-f]{6})-[^/]*\.tmp"
    r"|\.incoming-(?P<b>\d+@[0-9a-f]{6})-.*"
    r"|pto-[a-z]+-(?P<c>\d+@[0-9a-f]{6})-.*)$",
    re.DOTALL,
)


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def owner_token() -> str:
    """`<pid>@<host tag>` of this process (read per call: pool workers are forked)."""
    return f"{os.getpid()}@{_host_tag()}"


def scratch_prefix(kind: str) -> str:
    """Prefix for a scratch folder or file in the system temp folder."""
    return f"pto-{kind}-{owner_token()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _is_stale(token: str, mtime: float, now: float) -> bool:
    pid, host = token.split("@")
    if host != _host_tag():
        return now - mtime > ABANDONED_SECONDS
    return int(pid) != os.getpid() and not _alive(int(pid))


def clean_stale_temp(folders: Iterable[Path], now: float | None = None) -> list[Path]:
    """Remove temporary files and folders of dead owners from `folders` (not recursive)."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _OWNED.match(entry.name)
            if match is None:
                continue
            token = match.group("a") or match.group("b") or match.group("c")
            try:
                mtime = entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
            if not _is_stale(token, mtime, now):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def system_temp() -> Path:
    return Path(tempfile.gettempdir())
