"""Two projects built at once while an analyst keeps querying the marts.

Small projects with digital PDFs (text layer, no OCR) keep this quick; the
builds are real `pto-pipeline build` processes on one Dagster instance.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from fpdf import FPDF
from openpyxl import load_workbook

from pto_pipeline.domain.scaffold import scaffold_project

pytestmark = pytest.mark.slow
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _certificate_pdf(path: Path, number: str) -> None:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    lines = [
        "ДОКУМЕНТ О КАЧЕСТВЕ",
        f"бетонной смеси заданного качества партии № {number}",
        "Изготовитель: ООО «Бетонный завод № 1»",
        "Дата отгрузки: 10.03.2026",
        "Бетонная смесь БСТ В25 П4 F150 W6 ГОСТ 7473-2010",
        "Объём партии: 12,0 м3",
    ]
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _project(data: Path, code: str) -> None:
    root = data / "projects" / code
    scaffold_project(root)
    wb = load_workbook(root / "works.xlsx")
    wb["Работы"].append(
        [
            "1",
            "Бетонирование фундамента",
            "КЖ-1",
            date(2026, 3, 10),
            date(2026, 3, 12),
            "СП 70.13330.2012",
            "Гидроизоляция",
            "Исполнительная схема № 1",
        ]
    )
    wb["Материалы"].append(["1", "Бетонная смесь БСТ В25 П4 F150 W6", 12, "м3"])
    wb.save(root / "works.xlsx")
    _certificate_pdf(root / "inbox" / "passport.pdf", f"{code}-001")


class MartsReader(threading.Thread):
    """An analyst: one connection held open, plus a fresh connection per query."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.queries = 0

    def run(self) -> None:
        held = None
        while not self.stop.is_set():
            if not self.path.exists():
                time.sleep(0.05)
                continue
            try:
                held = held or duckdb.connect(str(self.path), read_only=True)
                held.execute("select count(*) from marts.documents").fetchone()
                with duckdb.connect(str(self.path), read_only=True) as fresh:
                    per_project = fresh.execute(
                        "select project_code, count(*) from marts.files group by 1"
                    ).fetchall()
                    # never half a project: every published project has its acts too
                    for code, _ in per_project:
                        acts = fresh.execute(
                            "select count(*) from marts.acts where project_code = ?", [code]
                        ).fetchone()[0]
                        assert acts == 1, f"{code}: files published without acts"
                self.queries += 1
            except Exception as exc:  # noqa: BLE001 - every failure is what the test counts
                self.errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.02)
        if held is not None:
            held.close()


def test_two_builds_at_once_while_reading(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for code in ("house-a", "house-b"):
        _project(data, code)
    env = {
        **os.environ,
        "PTO_DATA_DIR": str(data),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "PTO_WORKERS": "1",
    }
    # One build first, so the instance and the warehouse exist when the race starts.
    first = subprocess.run(
        [sys.executable, "-m", "pto_pipeline.cli", "build", "house-a"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stderr[-3000:]
    reader = MartsReader(data / "warehouse" / "pto.duckdb")
    reader.start()
    builds = [
        subprocess.Popen(
            [sys.executable, "-m", "pto_pipeline.cli", "build", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in ("house-a", "house-b")
    ]
    outputs = [b.communicate(timeout=600) for b in builds]
    reader.stop.set()
    reader.join(timeout=30)
    for build, (out, err) in zip(builds, outputs, strict=True):
        assert build.returncode == 0, err[-3000:]
        assert "succeeded" in out
    assert reader.errors == []
    assert reader.queries > 10
    with duckdb.connect(str(data / "warehouse" / "pto.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select project_code, status from marts.material_coverage order by 1"
        ).fetchall()
    assert rows == [("house-a", "covered"), ("house-b", "covered")]
