"""Inbox ingestion: what gets recorded, stored, skipped and flagged."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pto_pipeline.domain import inbox


def _write(path: Path, data: bytes, age: float = 60.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "projects" / "p1"
    (root / "inbox").mkdir(parents=True)
    return root


def _ingest(project: Path, quiet: float = 10.0, previous=None) -> inbox.IngestResult:
    data_dir = project.parent.parent
    return inbox.ingest_inbox(
        project,
        data_dir,
        data_dir / "store",
        now=time.time(),
        quiet_seconds=quiet,
        previous_first_seen=previous,
    )


def _by_file(result: inbox.IngestResult) -> dict[str, dict]:
    return {r["source_file"]: r for r in result.files.to_dict("records")}


def test_records_every_file_with_status_and_never_touches_originals(project: Path) -> None:
    box = project / "inbox"
    _write(box / "a.pdf", b"%PDF-1.4 one")
    _write(box / "sub dir" / "Паспорт №1.JPG", b"jpeg bytes")
    _write(box / "copy of a.pdf", b"%PDF-1.4 one")
    _write(box / "notes.docx", b"word")
    _write(box / "empty.png", b"")
    _write(box / 'new\nline "quoted".tif', b"tiff bytes")
    for ignored in (".hidden.pdf", "~$lock.pdf", "x.tmp", "y.part", "z.crdownload", "Thumbs.db"):
        _write(box / ignored, b"ignored")
    before = {p: p.stat().st_mtime_ns for p in box.rglob("*") if p.is_file()}

    result = _ingest(project)
    files = _by_file(result)

    assert set(files) == {
        "a.pdf",
        "copy of a.pdf",
        "sub dir/Паспорт №1.JPG",
        "notes.docx",
        "empty.png",
        'new\nline "quoted".tif',
    }
    assert files["a.pdf"]["status"] == "processed"
    assert files["copy of a.pdf"]["status"] == "duplicate"
    assert files["sub dir/Паспорт №1.JPG"]["status"] == "processed"
    assert files["notes.docx"]["status"] == "unsupported"
    assert files["empty.png"]["status"] == "failed"
    assert files['new\nline "quoted".tif']["status"] == "processed"
    codes = sorted(f.code for f in result.findings)
    assert codes == ["DUPLICATE_DOCUMENT", "UNREADABLE_DOCUMENT", "UNSUPPORTED_FILE"]
    assert {p: p.stat().st_mtime_ns for p in box.rglob("*") if p.is_file()} == before


def test_content_addressed_copy_survives_inbox_removal(project: Path) -> None:
    src = _write(project / "inbox" / "doc.pdf", b"%PDF-1.4 content")
    result = _ingest(project)
    row = result.files.iloc[0]
    stored = project.parent.parent / row["stored_path"]
    src.unlink()
    assert stored.read_bytes() == b"%PDF-1.4 content"
    assert row["sha256"] in stored.name


def test_symlinks_are_flagged_not_followed(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside / "secret.pdf", b"%PDF outside")
    (project / "inbox" / "link.pdf").symlink_to(outside / "secret.pdf")
    (project / "inbox" / "linkdir").symlink_to(outside, target_is_directory=True)
    files = _by_file(_ingest(project))
    assert files["link.pdf"]["status"] == "unsupported"
    assert files["linkdir"]["status"] == "unsupported"
    assert not any("secret" in name for name in files)


def test_file_still_being_written_waits_for_quiet_period(project: Path) -> None:
    _write(project / "inbox" / "old.pdf", b"%PDF old", age=60)
    _write(project / "inbox" / "growing.pdf", b"%PDF half", age=0)
    result = _ingest(project, quiet=10)
    assert list(result.files["source_file"]) == ["old.pdf"]
    assert result.skipped_unstable == ["growing.pdf"]


def test_first_seen_is_kept_across_builds(project: Path, tmp_path: Path) -> None:
    _write(project / "inbox" / "a.pdf", b"%PDF a")
    first = _ingest(project)
    ledger = tmp_path / "ledger.json"
    inbox.save_first_seen(ledger, first.files)
    time.sleep(1.1)
    second = _ingest(project, previous=inbox.load_first_seen(ledger))
    assert second.files.iloc[0]["first_seen_at"] == first.files.iloc[0]["first_seen_at"]


def test_vanishing_file_is_a_finding(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(project / "inbox" / "gone.pdf", b"%PDF")

    def vanish(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(inbox, "hash_and_store", vanish)
    result = _ingest(project)
    assert result.files.iloc[0]["status"] == "failed"
    assert "не удалось прочитать" in result.findings[0].message


def test_project_codes_and_snapshot(tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    for name in ("good-1", "Bad Name", "x" * 65, "ok_2"):
        (projects / name / "inbox").mkdir(parents=True)
    valid, invalid = inbox.list_project_folders(projects)
    assert valid == ["good-1", "ok_2"]
    assert set(invalid) == {"Bad Name", "x" * 65}
    snap1 = inbox.snapshot_project(projects / "good-1")
    _write(projects / "good-1" / "inbox" / "a.pdf", b"x")
    snap2 = inbox.snapshot_project(projects / "good-1")
    assert snap1.fingerprint != snap2.fingerprint and snap2.files == 1
    assert inbox.snapshot_project(projects / "good-1").fingerprint == snap2.fingerprint


def test_atomic_write_keeps_old_content_on_failure_and_uses_umask(tmp_path: Path) -> None:
    from pto_pipeline.domain.fsutil import atomic_path, write_text_atomic

    target = tmp_path / "out" / "report.txt"
    write_text_atomic(target, "good")
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_current_umask())
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "good"
    assert [p.name for p in target.parent.iterdir()] == ["report.txt"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
