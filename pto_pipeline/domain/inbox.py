"""Inbox ingestion: find, filter, hash and store the files people drop (SPEC §1).

Small named steps, each testable alone: walk (no symlinks, never leave the
folder) → filter ignored names → stability (quiet period) → stream-hash into
an immutable content-addressed store → classify processed / duplicate /
unsupported / failed. Originals are only ever read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.fsutil import write_text_atomic
from pto_pipeline.domain.scratch import owner_token
from pto_pipeline.domain.tables import FILE_COLUMNS

PROJECT_CODE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
SUPPORTED_EXTENSIONS = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"})
IGNORED_NAMES = frozenset({"thumbs.db", ".ds_store"})
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")
# Files of the project card and register that trigger a rebuild when changed.
# A change of any of these (the engineer's corrections too) starts a rebuild.
PROJECT_INPUT_FILES = (
    "project.yaml",
    "works.xlsx",
    "works.csv",
    "materials.csv",
    "corrections.xlsx",
)
_CHUNK = 1 << 20
# Even without a quiet period (an explicit build), a file modified this recently is
# watched this long: a copy still under way changes size or mtime meanwhile.
SETTLE_SECONDS = 2.0
STAGE = "raw_documents"


def is_valid_project_code(name: str) -> bool:
    return PROJECT_CODE_RE.fullmatch(name) is not None


def is_ignored(name: str) -> bool:
    """Hidden files, Office lock files and partial downloads are never documents."""
    lowered = name.lower()
    return (
        name.startswith(".")
        or name.startswith("~$")
        or lowered in IGNORED_NAMES
        or lowered.endswith(IGNORED_SUFFIXES)
    )


@dataclass(frozen=True)
class InboxEntry:
    rel_path: str  # '/'-separated path under inbox/
    path: Path
    size: int
    mtime: float
    is_symlink: bool
    # a FIFO, socket or device: recorded, never opened (opening a FIFO blocks)
    is_special: bool = False


def walk_inbox(inbox: Path) -> Iterator[InboxEntry]:
    """Yield every non-ignored entry under `inbox`, sorted, stat only (never read).

    Symlinks are yielded (flagged) but never followed, so the walk cannot
    leave the folder. Unreadable sub-folders are skipped silently: their files
    simply do not appear until the permissions are fixed.
    """
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            if is_ignored(entry.name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            rel = Path(entry.path).relative_to(inbox).as_posix()
            if stat.S_ISLNK(st.st_mode):
                yield InboxEntry(rel, Path(entry.path), st.st_size, st.st_mtime, True)
            elif stat.S_ISDIR(st.st_mode):
                subdirs.append(Path(entry.path))
            elif stat.S_ISREG(st.st_mode):
                yield InboxEntry(rel, Path(entry.path), st.st_size, st.st_mtime, False)
            else:
                yield InboxEntry(rel, Path(entry.path), 0, st.st_mtime, False, True)
        stack.extend(reversed(subdirs))


def is_stable(entry: InboxEntry, now: float, quiet_seconds: float) -> bool:
    """A scanner still writing keeps touching mtime; wait until it has been quiet."""
    return now - entry.mtime >= quiet_seconds


def store_path_for(store_dir: Path, sha256: str, extension: str) -> Path:
    return store_dir / sha256[:2] / f"{sha256}{extension}"


def hash_and_store(source: Path, store_dir: Path, extension: str) -> tuple[str, Path]:
    """Stream `source` into the store while hashing it; return (sha256, stored path).

    One read of the original: the copy and the hash come from the same bytes,
    so a file changing under us cannot give a hash that differs from the copy.
    """
    store_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".incoming-{owner_token()}-", dir=store_dir)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        target = store_path_for(store_dir, sha, extension)
        if target.exists():
            os.unlink(tmp_name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, target)
        return sha, target
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


@dataclass
class IngestResult:
    files: pd.DataFrame
    findings: list[Finding]
    skipped_unstable: list[str]


def ingest_inbox(
    project_dir: Path,
    data_dir: Path,
    store_dir: Path,
    *,
    now: float,
    quiet_seconds: float,
    previous_first_seen: dict[str, pd.Timestamp] | None = None,
    settle_seconds: float = SETTLE_SECONDS,
) -> IngestResult:
    """Record every inbox file, copy supported ones into the store, flag the rest."""
    inbox = project_dir / "inbox"
    previous_first_seen = previous_first_seen or {}
    seen_at = pd.Timestamp.fromtimestamp(now, tz="UTC").tz_localize(None).floor("s")
    rows: list[dict] = []
    findings: list[Finding] = []
    unstable: list[str] = []
    if not inbox.is_dir():
        return IngestResult(pd.DataFrame(columns=FILE_COLUMNS), findings, unstable)
    entries = list(walk_inbox(inbox))
    changing = _still_changing(entries, settle_seconds)
    for entry in entries:
        regular = not (entry.is_symlink or entry.is_special)
        if regular and (not is_stable(entry, now, quiet_seconds) or entry.rel_path in changing):
            unstable.append(entry.rel_path)
            findings.append(_in_progress(entry.rel_path))
            continue
        row, finding = _ingest_entry(entry, data_dir, store_dir)
        if regular and row["status"] == "processed" and _changed(entry):
            unstable.append(entry.rel_path)  # it changed while being copied to the store
            findings.append(_in_progress(entry.rel_path))
            continue
        row["first_seen_at"] = previous_first_seen.get(
            f"{entry.rel_path}\0{row['sha256']}", seen_at
        )
        rows.append(row)
        if finding:
            findings.append(finding)
    files = pd.DataFrame(rows, columns=FILE_COLUMNS)
    findings.extend(_mark_duplicates(files))
    return IngestResult(files, findings, unstable)


def _changed(entry: InboxEntry) -> bool:
    try:
        st = os.stat(entry.path, follow_symlinks=False)
    except OSError:
        return True
    return st.st_size != entry.size or st.st_mtime != entry.mtime


def _still_changing(entries: list[InboxEntry], settle_seconds: float) -> set[str]:
    """Paths of recently modified files whose size or mtime changes within the settle time.

    One wait serves all such files (at most `settle_seconds`), so a build that starts
    right after a copy finished takes the file, and one started during the copy skips it.
    """
    wall = time.time()
    young = [
        e for e in entries if not (e.is_symlink or e.is_special) and wall - e.mtime < settle_seconds
    ]
    if not young:
        return set()
    time.sleep(max(0.0, min(settle_seconds, max(settle_seconds - (wall - e.mtime) for e in young))))
    return {e.rel_path for e in young if _changed(e)}


def _in_progress(rel_path: str) -> Finding:
    return _finding(
        "FILE_IN_PROGRESS",
        rel_path,
        f"Файл «{rel_path}» ещё копируется во входящую папку (его размер или время изменения "
        "меняются); в этой сборке он пропущен и будет обработан при следующей сборке.",
    )


def _ingest_entry(
    entry: InboxEntry, data_dir: Path, store_dir: Path
) -> tuple[dict, Finding | None]:
    ext = Path(entry.rel_path).suffix.lower()
    row = {
        "source_file": entry.rel_path,
        "sha256": None,
        "size_bytes": entry.size,
        "mtime": entry.mtime,
        "status": "unsupported",
        "stored_path": None,
        "extension": ext,
        "error": None,
    }
    if entry.is_symlink:
        row["error"] = "symlink"
        return row, _finding(
            "UNSUPPORTED_FILE",
            entry.rel_path,
            f"Файл «{entry.rel_path}» — символическая ссылка; ссылки не обрабатываются. "
            "Положите во входящую папку сам файл.",
        )
    if entry.is_special:
        row["error"] = "not a regular file (FIFO, socket or device)"
        return row, _finding(
            "UNSUPPORTED_FILE",
            entry.rel_path,
            f"«{entry.rel_path}» — не обычный файл (канал, сокет или устройство) и не "
            "обрабатывается. Положите во входящую папку сам скан (PDF, JPEG, PNG или TIFF).",
        )
    if ext not in SUPPORTED_EXTENSIONS:
        row["error"] = f"unsupported extension {ext or '(none)'}"
        return row, _finding(
            "UNSUPPORTED_FILE",
            entry.rel_path,
            f"Файл «{entry.rel_path}» не обработан: формат {ext or 'без расширения'} "
            "не поддерживается. Сохраните скан как PDF, JPEG, PNG или TIFF.",
        )
    if entry.size == 0:
        row["status"] = "failed"
        row["error"] = "empty file"
        return row, _finding(
            "UNREADABLE_DOCUMENT",
            entry.rel_path,
            f"Файл «{entry.rel_path}» пустой (0 байт). Отсканируйте документ заново.",
        )
    try:
        sha, stored = hash_and_store(entry.path, store_dir, ext)
    except OSError as exc:
        row["status"] = "failed"
        row["error"] = f"{type(exc).__name__}: {exc.strerror or exc}"
        return row, _finding(
            "UNREADABLE_DOCUMENT",
            entry.rel_path,
            f"Файл «{entry.rel_path}» не удалось прочитать ({exc.strerror or exc}). "
            "Проверьте права доступа и загрузите файл заново.",
        )
    row.update(sha256=sha, status="processed", stored_path=stored.relative_to(data_dir).as_posix())
    return row, None


def _mark_duplicates(files: pd.DataFrame) -> list[Finding]:
    """First file of each content (earliest seen, then path) is processed; the rest duplicate."""
    findings: list[Finding] = []
    hashed = files[files["status"] == "processed"].sort_values(["first_seen_at", "source_file"])
    original_by_sha: dict[str, str] = {}
    for idx, row in hashed.iterrows():
        sha = row["sha256"]
        if sha not in original_by_sha:
            original_by_sha[sha] = row["source_file"]
            continue
        files.at[idx, "status"] = "duplicate"
        findings.append(
            Finding(
                "DUPLICATE_DOCUMENT",
                f"Файл «{row['source_file']}» — копия уже загруженного «{original_by_sha[sha]}»; "
                "обработан один раз. Повторную копию можно удалить из папки.",
                stage=STAGE,
                document_id=sha,
                source_file=row["source_file"],
            )
        )
    return findings


def _finding(code: str, source_file: str, message: str) -> Finding:
    return Finding(code, message, stage=STAGE, source_file=source_file)


def load_first_seen(ledger: Path) -> dict[str, pd.Timestamp]:
    """First-seen times of (path, content) pairs from earlier builds; {} when none."""
    try:
        raw = json.loads(ledger.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {key: pd.Timestamp(value) for key, value in raw.items()}


def save_first_seen(ledger: Path, files: pd.DataFrame) -> None:
    hashed = files[files["sha256"].notna()]
    payload = {
        f"{row.source_file}\0{row.sha256}": pd.Timestamp(row.first_seen_at).isoformat()
        for row in hashed.itertuples()
    }
    write_text_atomic(ledger, json.dumps(payload, ensure_ascii=False, indent=0))


# --- sensor side: cheap fingerprints from stat only -------------------------


@dataclass(frozen=True)
class ProjectSnapshot:
    code: str
    fingerprint: str
    files: int
    newest_mtime: float


def snapshot_project(project_dir: Path) -> ProjectSnapshot:
    """Fingerprint of a project's inputs from names, sizes and mtimes; reads no file."""
    digest = hashlib.sha256()
    newest = 0.0
    count = 0
    for name in PROJECT_INPUT_FILES:
        try:
            st = (project_dir / name).stat()
        except OSError:
            continue
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        newest = max(newest, st.st_mtime)
    for entry in walk_inbox(project_dir / "inbox"):
        digest.update(f"inbox/{entry.rel_path}\0{entry.size}\0{entry.mtime}\n".encode())
        newest = max(newest, entry.mtime)
        count += 1
    for entry in walk_inbox(project_dir / "rd"):  # the working documentation (SPEC §10)
        digest.update(f"rd/{entry.rel_path}\0{entry.size}\0{entry.mtime}\n".encode())
        newest = max(newest, entry.mtime)
    return ProjectSnapshot(project_dir.name, digest.hexdigest(), count, newest)


def list_project_folders(projects_dir: Path) -> tuple[list[str], list[str]]:
    """(valid project codes, invalid folder names) under projects/."""
    valid: list[str] = []
    invalid: list[str] = []
    try:
        with os.scandir(projects_dir) as it:
            for entry in it:
                if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                    continue
                (valid if is_valid_project_code(entry.name) else invalid).append(entry.name)
    except OSError:
        pass
    return sorted(valid), sorted(invalid)
