"""Temp files of a killed build are removed by the next build; live ones are kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from pto_pipeline.domain import scratch
from pto_pipeline.domain.fsutil import atomic_path


def _killed_while_writing(tmp_path: Path) -> list[str]:
    """A real process making the pipeline's temp files, SIGKILLed before it cleans up."""
    script = textwrap.dedent(
        f"""
        import tempfile, time
        from pathlib import Path
        from pto_pipeline.domain.fsutil import atomic_path
        from pto_pipeline.domain.scratch import scratch_prefix
        tempfile.tempdir = {str(tmp_path / "systemp")!r}
        work = tempfile.mkdtemp(prefix=scratch_prefix("package"))
        Path(work, "big.pdf").write_bytes(b"x" * 1000)
        with atomic_path(Path({str(tmp_path / "package" / "ИД.zip")!r})) as tmp:
            tmp.write_bytes(b"half a zip")
            print("ready", flush=True)
            time.sleep(60)
        """
    )
    (tmp_path / "systemp").mkdir()
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return sorted(p.name for d in ("systemp", "package") for p in (tmp_path / d).iterdir())


def test_temp_files_of_a_killed_build_are_removed_live_ones_kept(tmp_path: Path) -> None:
    leftovers = _killed_while_writing(tmp_path)
    assert len(leftovers) == 2  # a scratch folder and a half-written package
    (tmp_path / "package" / "ИД-old.zip").write_bytes(b"a finished package")
    with atomic_path(tmp_path / "package" / "mine.zip") as live:
        live.write_bytes(b"this process is still writing")
        removed = scratch.clean_stale_temp(
            [tmp_path / "systemp", tmp_path / "package"], now=time.time()
        )
        assert sorted(p.name for p in removed) == leftovers
        assert live.exists()
    assert sorted(p.name for p in (tmp_path / "package").iterdir()) == ["mine.zip", "ИД-old.zip"]
    assert list((tmp_path / "systemp").iterdir()) == []


def test_other_hosts_temp_files_wait_until_abandoned(tmp_path: Path) -> None:
    other = tmp_path / ".x.zip.12345@ffffff-abc.tmp"
    other.write_bytes(b"written by a build on another machine")
    assert scratch.clean_stale_temp([tmp_path]) == []
    later = time.time() + scratch.ABANDONED_SECONDS + 60
    assert scratch.clean_stale_temp([tmp_path], now=later) == [other]
