"""Inbox edge cases from issue 10: files still being copied (8), FIFOs and sockets (9)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from pto_pipeline.domain import inbox
from pto_pipeline_tests.test_inbox import _by_file, _ingest, _write


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "projects" / "p1"
    (root / "inbox").mkdir(parents=True)
    return root


def _slow_copy(target: Path, chunks: int, pause: float) -> threading.Thread:
    """A scanner or network copy writing `target` a chunk at a time."""

    def copy() -> None:
        with open(target, "wb") as out:
            out.write(b"%PDF-1.4\n")
            for _ in range(chunks):
                out.write(b"0" * 4096)
                out.flush()
                time.sleep(pause)
            out.write(b"%%EOF\n")

    thread = threading.Thread(target=copy)
    thread.start()
    return thread


def test_file_being_copied_is_skipped_with_info_and_taken_next_build(project: Path) -> None:
    _write(project / "inbox" / "old.pdf", b"%PDF old")
    copying = _slow_copy(project / "inbox" / "copying.pdf", chunks=60, pause=0.1)
    try:
        time.sleep(0.3)
        started = time.monotonic()
        result = _ingest(project, quiet=0)  # an explicit CLI build: no quiet period
        waited = time.monotonic() - started
    finally:
        copying.join()
    assert list(result.files["source_file"]) == ["old.pdf"]
    [finding] = [f for f in result.findings if f.source_file == "copying.pdf"]
    assert finding.code == "FILE_IN_PROGRESS" and finding.severity == "info"
    assert "следующей сборке" in finding.message
    assert waited < 5

    time.sleep(inbox.SETTLE_SECONDS)
    files = _by_file(_ingest(project, quiet=0))  # the next build takes the finished file
    assert files["copying.pdf"]["status"] == "processed"
    assert files["copying.pdf"]["size_bytes"] == (project / "inbox" / "copying.pdf").stat().st_size


def test_file_that_just_finished_is_taken_by_a_cli_build(project: Path) -> None:
    _write(project / "inbox" / "fresh.pdf", b"%PDF fresh", age=0)
    files = _by_file(_ingest(project, quiet=0))
    assert files["fresh.pdf"]["status"] == "processed"


def test_sensor_quiet_period_skip_is_an_info_finding(project: Path) -> None:
    _write(project / "inbox" / "growing.pdf", b"%PDF half", age=0)
    result = _ingest(project, quiet=10)
    assert [(f.code, f.source_file) for f in result.findings] == [
        ("FILE_IN_PROGRESS", "growing.pdf")
    ]


def test_fifo_and_socket_are_unsupported_and_never_opened(project: Path) -> None:
    box = project / "inbox"
    os.mkfifo(box / "pipe.pdf")  # opening it for reading would block forever
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(box / "sock.pdf"))
    try:
        result = _ingest(project, quiet=0)
    finally:
        server.close()
    files = _by_file(result)
    assert files["pipe.pdf"]["status"] == "unsupported"
    assert files["sock.pdf"]["status"] == "unsupported"
    codes = {f.source_file: f.code for f in result.findings}
    assert codes == {"pipe.pdf": "UNSUPPORTED_FILE", "sock.pdf": "UNSUPPORTED_FILE"}
