"""End to end: the sample project built through Dagster, as a user runs it.

One OCR pass serves the whole module: the first run is made to fail at
`aosr_acts` (its output folder is blocked by a file), the CLI exits 1, then the
run is re-executed from the failure in the same instance. The outputs are then
compared with what the corpus generator planted.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from openpyxl import load_workbook

from pto_pipeline.cli import EXIT_OK, EXIT_RUN_FAILED, main
from pto_pipeline.corpus import generate_project
from pto_pipeline_tests.marts_clients import readme_queries, run_with_old_python_duckdb

pytestmark = pytest.mark.slow

CODE = "demo"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("e2e")
    data = root / "data"
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PTO_DATA_DIR", str(data))
        mp.setenv("DAGSTER_HOME", str(home))
        generate_project(data, code=CODE, seed=0)
        yield {"data": data, "home": home, "root": root}


def _reexecute_from_failure(run_id: str) -> dg.ExecuteJobResult:
    instance = dg.DagsterInstance.get()
    options = dg.ReexecutionOptions.from_failure(run_id, instance)
    job = dg.reconstructable(_build_job)
    parent = instance.get_run_by_id(run_id)
    return dg.execute_job(
        job, instance=instance, reexecution_options=options, tags=dict(parent.tags)
    )


def _build_job() -> dg.JobDefinition:
    from pto_pipeline.definitions import defs

    return defs.resolve_job_def("build_project")


@pytest.fixture(scope="module")
def built(env):
    data = env["data"]
    blocker = data / "output" / CODE / "acts"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")  # makes aosr_acts fail
    exit_code = main(["build", CODE])
    instance = dg.DagsterInstance.get()
    [failed_run] = instance.get_runs(limit=1)
    blocker.unlink()
    result = _reexecute_from_failure(failed_run.run_id)
    executed = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
    expected = json.loads((data / "ground_truth" / CODE / "expected.json").read_text())
    return {
        "first_exit": exit_code,
        "failed_run": failed_run,
        "result": result,
        "executed": executed,
        "expected": expected,
        "data": data,
    }


def test_failed_run_exits_1_and_reexecution_from_failure_finishes(built) -> None:
    assert built["first_exit"] == EXIT_RUN_FAILED
    assert built["failed_run"].status == dg.DagsterRunStatus.FAILURE
    assert built["result"].success
    # OCR and extraction were not repeated: only the failed step and what follows ran.
    assert not any(step.startswith("ocr_text") for step in built["executed"])
    assert {"aosr_acts", "id_package", "marts"} <= built["executed"]


def _marts(data: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data / "warehouse" / "pto.duckdb"), read_only=True)


def _project_rows(built, sql: str) -> list[tuple]:
    """Rows of a marts query over the demo project (`?` is its code)."""
    with _marts(built["data"]) as con:
        return con.execute(sql, [CODE]).fetchall()


def test_file_statuses_match_the_planted_ones(built) -> None:
    counts = dict(
        _project_rows(
            built, "select status, count(*) from marts.files where project_code = ? group by 1"
        )
    )
    for status, n in built["expected"]["files"].items():
        assert counts.get(status, 0) == n, status


def test_coverage_matches_the_planted_one(built) -> None:
    rows = _project_rows(
        built,
        "select act_number, material, status from marts.material_coverage where project_code = ?",
    )
    got = {(a, m): s for a, m, s in rows}
    want = {
        (c["act_number"], c["material"]): "unconfirmed" if c["confirmed_in_review"] else c["status"]
        for c in built["expected"]["coverage"]
    }
    assert got.keys() == want.keys()
    assert got == want


def test_planted_findings_are_reported(built) -> None:
    rows = _project_rows(
        built, "select code, act_number from marts.findings where project_code = ?"
    )
    got = set(rows)
    for finding in built["expected"]["findings"]:
        assert (finding["code"], finding.get("act_number")) in got, finding


_DESIGN_CODES = (
    "NOT_IN_DESIGN",
    "OVER_DESIGN_QUANTITY",
    "RD_SHEET_NOT_FOUND",
    "RD_UNREADABLE",
    "RD_NO_SPECIFICATION",
)


def test_design_findings_are_exactly_the_planted_ones(built) -> None:
    """The RD (two vector CAD styles and a scan) shows the planted substitution and
    overrun, and nothing else: every other register material is in the specification
    under its own wording, and every sheet the register names is in rd/."""
    rows = _project_rows(
        built,
        "select code, act_number, material from marts.findings where project_code = ? "
        f"and code in {_DESIGN_CODES}",
    )
    want = {
        (f["code"], f["act_number"], f["material"])
        for f in built["expected"]["findings"]
        if f["code"] in _DESIGN_CODES
    }
    assert len(want) == 2
    assert sorted(rows) == sorted(want)
    statuses = dict(
        _project_rows(
            built,
            "select status, count(*) from marts.design_vs_register where project_code = ? "
            "group by 1",
        )
    )
    assert statuses.get("not_in_design") == 1 and statuses.get("over_design") == 1
    lines = _project_rows(built, "select count(*) from marts.design_spec where project_code = ?")[
        0
    ][0]
    truth = built["expected"]["design"]["files"]
    assert lines == sum(len(sheet["lines"]) for f in truth.values() for sheet in f)


def test_act_names_the_rd_sheet_title(built) -> None:
    from docx import Document

    doc = Document(built["data"] / "output" / CODE / "acts" / "АОСР-3.docx")
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert "118-2025-КЖ1, л. 2 — «Спецификация материалов фундаментной плиты Фм1»" in text


def test_outputs_exist_for_the_engineer(built) -> None:
    out = built["data"] / "output" / CODE
    acts = sorted((out / "acts").glob("АОСР-*.docx"))
    assert len(acts) == len({c["act_number"] for c in built["expected"]["coverage"]})
    zips = sorted((out / "package").glob("*.zip"))
    pdfs = sorted((out / "package").glob("*.pdf"))
    assert zips and pdfs
    with zipfile.ZipFile(zips[-1]) as zf:
        names = zf.namelist()
    assert any("Реестр" in n for n in names)
    assert sum(n.endswith(".docx") and "АОСР" in n for n in names) == len(acts)
    sheet = load_workbook(out / "findings.xlsx").active
    assert sheet.max_row > 1


def test_rebuild_with_unchanged_inputs_keeps_package(built, capsys) -> None:
    out = built["data"] / "output" / CODE / "package"
    before = sorted(out.glob("*.zip"))
    assert main(["build", CODE]) == EXIT_OK
    assert sorted(out.glob("*.zip")) == before
    summary = capsys.readouterr().out
    assert "acts:" in summary and "findings:" in summary
    assert f"status page (all projects): {built['data'] / 'output' / 'status.html'}" in summary


def test_build_with_postgres_instance_storage(built, tmp_path: Path, monkeypatch) -> None:
    url = os.environ.get("DAGSTER_PG_URL")
    if not url:
        if os.environ.get("PTO_REQUIRE_POSTGRES"):
            pytest.fail("PTO_REQUIRE_POSTGRES is set but DAGSTER_PG_URL is not")
        pytest.skip("DAGSTER_PG_URL not set (CI sets it)")
    home = tmp_path / "pg_home"
    home.mkdir()
    shutil.copyfile(REPO / "deploy" / "postgres" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert main(["build", CODE]) == EXIT_OK
    instance = dg.DagsterInstance.get()
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    [run] = instance.get_runs(limit=1)
    assert run.status == dg.DagsterRunStatus.SUCCESS


def test_completeness_checks_fail_on_planted_defects(built) -> None:
    instance = dg.DagsterInstance.get()
    keys = [
        dg.AssetCheckKey(dg.AssetKey("matched_materials"), "materials_covered"),
        dg.AssetCheckKey(dg.AssetKey("requisites"), "documents_readable"),
    ]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    for key in keys:
        record = latest[key]
        assert record.status.value == "FAILED", key
    # Non-blocking by default: the package was still built.
    assert built["result"].success


def test_every_readme_query_runs_on_the_demo_marts(built, monkeypatch, capsys) -> None:
    queries = readme_queries()
    assert len(queries) >= 5
    monkeypatch.setenv("PTO_DATA_DIR", str(built["data"]))
    for sql in queries:
        assert main(["sql", sql]) == EXIT_OK, sql
        printed = capsys.readouterr()
        assert "error" not in printed.err, (sql, printed.err)
    # The first one lists exactly the planted lines that are not covered.
    assert main(["sql", queries[0]]) == EXIT_OK
    printed = capsys.readouterr().out
    not_covered = [
        c
        for c in built["expected"]["coverage"]
        if c["status"] != "covered" or c["confirmed_in_review"]  # unconfirmed until then
    ]
    assert not_covered
    assert f"({len(not_covered)} rows)" in printed or len(not_covered) == 1
    for line in not_covered:
        assert line["material"] in printed


def test_demo_marts_give_the_same_answers_in_duckdb_1_1(built) -> None:
    queries = readme_queries()
    db = built["data"] / "warehouse" / "pto.duckdb"
    old = run_with_old_python_duckdb(db, queries)
    assert old["version"].startswith("1.1")
    with _marts(built["data"]) as con:
        for sql, old_rows in zip(queries, old["results"], strict=True):
            new_rows = [[str(v) for v in row] for row in con.execute(sql).fetchall()]
            assert sorted(old_rows) == sorted(new_rows), sql  # ties may come in any order
            assert len(new_rows) > 0 or "horizon = 30" in sql, sql


def test_status_page_shows_the_demo_project(built) -> None:
    page = (built["data"] / "output" / "status.html").read_text(encoding="utf-8")
    [(acts, complete)] = _project_rows(
        built,
        "select count(*), count(*) filter (where complete) from marts.acts where project_code = ?",
    )
    assert f"Объект {CODE}</h2>" in page
    assert f"Акты ({acts})" in page
    assert f"{acts - complete} из {acts}" in page
    assert page.count("<svg") >= 1
    assert "<script" not in page


# -- the engineer's review round trip (SPEC §5a) ----------------------------------------------


def _truth_value(record: dict, field_label: str) -> str:
    from pto_pipeline.domain.corrections import DOC_TYPE_NAMES, field_labels

    key = {label: k for k, label in field_labels().items()}[field_label]
    value = record[key]
    if value is None:
        return "нет"
    if key in ("issue_date", "valid_from", "valid_to"):
        return ".".join(reversed(str(value).split("-")))
    if key == "doc_type":
        return DOC_TYPE_NAMES[value]
    return str(value)


def _answer_review(review: Path, truth: list[dict], confirm: dict[tuple[str, str], str]) -> int:
    """Fill review.xlsx as an engineer would: true values from the originals, decisions."""
    workbook = load_workbook(review)
    fields = workbook["Реквизиты"]
    by_part = {
        f"{r['source_file']}#p{r['first_page']}-{r['last_page']}"
        if r["split"]
        else r["source_file"]: r
        for r in truth
    }
    answered = 0
    for row in fields.iter_rows(min_row=2):
        file, field = row[0].value, row[1].value
        if file in by_part:
            row[2].value = _truth_value(by_part[file], field)
            answered += 1
    matches = workbook["Сопоставление"]
    for row in matches.iter_rows(min_row=2):
        act, material, file = row[0].value, row[1].value, row[2].value
        if file and confirm.get((act, material)) == file:
            row[3].value = "подтвердить"
            answered += 1
    workbook.save(review)
    return answered


def test_review_round_trip_closes_every_planted_case(built, tmp_path: Path, monkeypatch) -> None:
    """Fill review.xlsx, save it as corrections.xlsx, rebuild: every verdict right, kept."""
    data = tmp_path / "data"
    shutil.copytree(built["data"], data)
    monkeypatch.setenv("PTO_DATA_DIR", str(data))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    truth = json.loads((data / "ground_truth" / CODE / "documents.json").read_text("utf-8"))
    expected = built["expected"]["coverage"]
    confirm = {
        (c["act_number"], c["material"]): c["source_files"][0]
        for c in expected
        if c["confirmed_in_review"]
    }
    review = data / "output" / CODE / "review.xlsx"
    corrections = data / "projects" / CODE / "corrections.xlsx"
    answered = _answer_review(review, truth, confirm)
    assert answered >= len(confirm) + 1
    shutil.copyfile(review, corrections)

    def verdicts() -> dict:
        assert main(["build", CODE]) == EXIT_OK
        with _marts(data) as con:
            rows = con.execute(
                "select act_number, material, status, decided_by from marts.material_coverage"
            ).fetchall()
            docs = con.execute(
                "select source_file, status, corrected_fields from marts.documents "
                "where corrected_fields is not null"
            ).fetchall()
            stale = con.execute(
                "select message from marts.findings where code = 'STALE_CORRECTION'"
            ).fetchall()
        assert stale == []
        assert docs and all(status == "ok" for _, status, _ in docs), docs
        return {(a, m): (s, d) for a, m, s, d in rows}

    want = {(c["act_number"], c["material"]): c["status"] for c in expected}
    got = verdicts()
    assert {k: s for k, (s, _) in got.items()} == want  # planted defects right, rest covered
    assert {k for k, (_, d) in got.items() if d == "engineer"} == set(confirm)

    # A new scan arrives (another photo of a passport already there): answers are kept.
    extra = data / "projects" / CODE / "inbox" / "Паспорта" / "Кирпич М150 повторно.png"
    from PIL import Image

    Image.open(data / "projects" / CODE / "inbox" / "Паспорта" / "Кирпич М150.jpg").save(extra)
    assert {k: s for k, (s, _) in verdicts().items()} == want
    # The review written by that build carries every answer over: saving it again loses none.
    shutil.copyfile(review, corrections)
    assert {k: s for k, (s, _) in verdicts().items()} == want


def test_registry_findings_are_exactly_the_planted_ones(built) -> None:
    """SPEC §11: the three planted registry cases, and nothing else registry-related."""
    rows = _project_rows(
        built,
        "select code, act_number, source_file from marts.findings "
        "where project_code = ? and code like 'REGISTRY%'",
    )
    want = [
        (f["code"], f["act_number"], f["source_file"])
        for f in built["expected"]["registry_findings"]
    ]
    assert sorted(rows, key=str) == sorted(want, key=str)
    statuses = dict(
        _project_rows(
            built,
            "select d.source_file, r.status from marts.registry_checks r join marts.documents d "
            "using (project_code, document_id) where project_code = ?",
        )
    )
    assert statuses == built["expected"]["registry_statuses"]
