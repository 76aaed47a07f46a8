"""`pto-pipeline` exit codes and messages (SPEC §8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pto_pipeline.cli import EXIT_OK, EXIT_USAGE, main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PTO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    return tmp_path / "data"


def test_init_scaffolds_a_project(data_dir: Path, capsys) -> None:
    assert main(["init", "zhk-2"]) == EXIT_OK
    project = data_dir / "projects" / "zhk-2"
    assert (project / "inbox").is_dir()
    assert "package_format: unified" in (project / "project.yaml").read_text(encoding="utf-8")
    wb = load_workbook(project / "works.xlsx")
    assert wb.sheetnames == ["Работы", "Материалы"]
    assert wb["Работы"]["A1"].value == "№ акта"
    assert [c.value for c in wb["Материалы"][1]] == ["№ акта", "Материал", "Количество", "Ед. изм."]
    assert "pto-pipeline build zhk-2" in capsys.readouterr().out


def test_init_twice_is_refused(data_dir: Path, capsys) -> None:
    assert main(["init", "p1"]) == EXIT_OK
    assert main(["init", "p1"]) == EXIT_USAGE
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("code", ["Bad Code", "_start", "x" * 65, "проект"])
def test_invalid_code_is_usage_error(data_dir: Path, capsys, code: str) -> None:
    assert main(["build", code]) == EXIT_USAGE
    assert "invalid project code" in capsys.readouterr().err


def test_build_of_missing_project_says_how_to_create_it(data_dir: Path, capsys) -> None:
    assert main(["build", "nothing-here"]) == EXIT_USAGE
    assert "pto-pipeline init nothing-here" in capsys.readouterr().err


def test_build_without_project_card_is_usage_error(data_dir: Path, capsys) -> None:
    (data_dir / "projects" / "p" / "inbox").mkdir(parents=True)
    assert main(["build", "p"]) == EXIT_USAGE
    assert "project.yaml" in capsys.readouterr().err


def test_unknown_command_and_missing_argument(data_dir: Path) -> None:
    assert main(["frobnicate"]) == EXIT_USAGE
    assert main(["build"]) == EXIT_USAGE


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PTO_QUIET_SECONDS", "abc"),
        ("PTO_QUIET_SECONDS", "-5"),
        ("PTO_WORKERS", "many"),
        ("PTO_WORKERS", "0"),
        ("PTO_OCR_PAGE_TIMEOUT", "nan"),
        ("PTO_OCR_LANG", "rus;rm -rf"),
        ("PTO_REGISTRY", "snapshot,gisp"),
        ("PTO_REGISTRY_MAX_AGE_DAYS", "week"),
        ("PTO_REGISTRY_EAEU_URL", "ftp://example"),
    ],
)
def test_bad_environment_setting_is_a_clear_message_and_exit_2(
    data_dir: Path, capsys, monkeypatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["init", "p1"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err
    assert not (data_dir / "projects" / "p1").exists()


def test_bad_setting_through_the_real_command_exits_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "PTO_DATA_DIR": str(tmp_path), "PTO_QUIET_SECONDS": "abc"}
    done = subprocess.run(
        [sys.executable, "-m", "pto_pipeline.cli", "build", "p1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "PTO_QUIET_SECONDS" in done.stderr and "Traceback" not in done.stderr


def test_init_from_rd_drafts_the_materials_sheet(data_dir: Path, tmp_path: Path, capsys) -> None:
    import shutil

    import pandas as pd

    from pto_pipeline.corpus.rd import write_sample_rd
    from pto_pipeline.domain.design.compare import compare_register
    from pto_pipeline.domain.design.sheets import read_design
    from pto_pipeline.domain.ocr import OcrConfig

    source = tmp_path / "РД от проектировщика"
    truth = write_sample_rd(source)
    shutil.rmtree(source / "Сканы")  # vector sheets only: no OCR in this test
    designed = [
        line
        for name, sheets in truth["files"].items()
        if not name.startswith("Сканы")
        for sheet in sheets
        for line in sheet["lines"]
    ]
    assert main(["init", "zhk-3", "--from-rd", str(source)]) == EXIT_OK
    assert f"{len(designed)} line(s) drafted" in capsys.readouterr().out
    project = data_dir / "projects" / "zhk-3"
    assert (project / "rd" / "118-2025-КЖ.pdf").is_file()
    sheet = load_workbook(project / "works.xlsx")["Материалы"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(designed)
    assert all(r[0] is None for r in rows)  # the act number is the engineer's
    assert ["118-2025-КЖ1, л. 2, поз. 1" in r[4] for r in rows].count(True) == 1
    # the draft names each material so that the identity rules find it in the design
    # again, within the design quantity
    materials = pd.DataFrame(
        [{"act_number": "1", "material": r[1], "quantity": r[2], "unit": r[3]} for r in rows]
    )
    lines = read_design(project / "rd", OcrConfig(cache_dir=tmp_path / "cache")).lines
    frame, findings = compare_register(materials, lines)
    assert findings == [] and set(frame["status"]) == {"matched"}


def test_init_from_rd_never_overwrites_a_register(data_dir: Path, tmp_path: Path, capsys) -> None:
    project = data_dir / "projects" / "zhk-4"
    project.mkdir(parents=True)
    (project / "works.xlsx").write_bytes(b"engineer's register")
    (tmp_path / "rd").mkdir()
    assert main(["init", "zhk-4", "--from-rd", str(tmp_path / "rd")]) == EXIT_USAGE
    assert (project / "works.xlsx").read_bytes() == b"engineer's register"
