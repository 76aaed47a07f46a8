"""A register styled down to row 1,048,576 is read in bounded memory and time (issue 10)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

from pto_pipeline_tests.test_register import MATERIAL_HEADER, WORK_HEADER, work, write_xlsx

LAST_EXCEL_ROW = 1_048_576


def _styled_to_the_bottom(project: Path) -> Path:
    """works.xlsx with 3 acts whose sheets carry styled empty cells down to the last row."""
    write_xlsx(
        project,
        [WORK_HEADER, work("1"), work("2"), work("3")],
        [MATERIAL_HEADER, ["1", "Бетон В25", 10, "м3"], ["2", "Арматура А500С", 1, "т"]],
    )
    source = project / "works.xlsx"
    padded = project / "padded.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = _pad(data.decode("utf-8")).encode("utf-8")
            new.writestr(item, data)
    padded.replace(source)
    return source


def _pad(xml: str) -> str:
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" s="0"/><c r="B{r}" s="0"/><c r="C{r}" s="0"/></row>'
        for r in range(last + 1, LAST_EXCEL_ROW + 1)
    )
    xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:I{LAST_EXCEL_ROW}"/>', xml)
    return xml.replace("</sheetData>", rows + "</sheetData>")


def test_register_styled_to_the_last_row_reads_fast_in_bounded_memory(tmp_path: Path) -> None:
    _styled_to_the_bottom(tmp_path)
    script = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1200 << 20, 1200 << 20))
        from pto_pipeline.domain.register import read_register
        works, materials, findings = read_register(__import__("pathlib").Path({str(tmp_path)!r}))
        print(len(works), len(materials), [f.message for f in findings])
        print("maxrss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
        """
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    first = done.stdout.splitlines()[0]
    assert first.startswith("3 2 []"), done.stdout
    print(done.stdout.splitlines()[-1], f"seconds {elapsed:.1f}")
    assert elapsed < 60
