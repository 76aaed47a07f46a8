"""The marts as analysts reach them: DuckDB 1.x clients, the data dictionary, `pto-pipeline sql`."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest

from pto_pipeline.cli import EXIT_OK, EXIT_USAGE, main
from pto_pipeline.domain import dictionary, marts
from pto_pipeline_tests.marts_clients import (
    OLD_PYTHON_DUCKDB,
    readme_queries,
    run_with_old_cli,
    run_with_old_python_duckdb,
)
from pto_pipeline_tests.test_marts import TODAY, _tables

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("marts")
    marts.publish_project(data, "p1", _tables(data, n=2), today=TODAY)
    return data


def _db(data: Path) -> Path:
    return data / "warehouse" / "pto.duckdb"


# ---------------------------------------------------------------- DuckDB 1.x clients


def test_python_duckdb_1_1_runs_every_readme_query_on_the_published_file(published: Path):
    queries = readme_queries()
    assert len(queries) >= 5
    out = run_with_old_python_duckdb(_db(published), queries)
    assert out["version"] == OLD_PYTHON_DUCKDB
    results = dict(zip(queries, out["results"], strict=True))
    [missing] = [rows for sql, rows in results.items() if "status <> 'covered'" in sql]
    assert ["p1", "2", "Арматура А500С", "missing"] in missing
    [shares] = [rows for sql, rows in results.items() if "complete_share" in sql]
    assert shares == [["p1", "2", "0.0"]]
    [comments] = [rows for sql, rows in results.items() if "duckdb_columns()" in sql]
    assert len(comments) == sum(len(cols) for cols in marts.MART_TABLES.values())
    assert all(comment.strip() not in {"", "None"} for _, _, comment in comments)


def test_duckdb_cli_1x_reads_the_marts_and_refuses_a_default_2x_file(published, tmp_path):
    done = run_with_old_cli(_db(published), "SELECT count(*) AS acts FROM marts.acts")
    assert done.returncode == 0, done.stderr
    assert "acts" in done.stdout and "2" in done.stdout
    # What the setting protects against: a file in DuckDB 2.x's default format.
    default = tmp_path / "default.duckdb"
    with duckdb.connect(str(default)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    refused = run_with_old_cli(default, "SELECT * FROM t")
    assert refused.returncode != 0
    assert "version" in (refused.stderr + refused.stdout).lower()


# ---------------------------------------------------------------- data dictionary


def test_dictionary_describes_every_mart_table_and_column():
    assert dictionary.undocumented(marts.MART_TABLES) == []
    assert dictionary.malformed() == []
    doc_types = dictionary.column_entry("documents", "doc_type")["values"]
    assert doc_types["conformity_certificate"]["ru"].endswith("добровольный)")


def test_every_mart_table_and_column_has_a_bilingual_comment_in_the_database(published):
    with duckdb.connect(str(_db(published)), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name = 'marts'"
        ).fetchall()
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()
    expected = sum(len(cols) for cols in marts.MART_TABLES.values())
    assert len(columns) == expected
    for table, column, comment in columns:
        en, _, ru = (comment or "").partition(" / ")
        assert en.strip() and ru.strip(), f"{table}.{column}: {comment!r}"
        assert any("а" <= ch <= "я" for ch in ru.lower()), f"{table}.{column}: no Russian"
    assert {t for t, _ in tables} == set(marts.MART_TABLES)
    assert all(comment and " / " in comment for _, comment in tables)
    by_column = {(t, c): text for t, c, text in columns}
    status = by_column[("material_coverage", "status")]
    for value in ("covered", "expired", "doc_after_work", "unconfirmed", "missing"):
        assert f"{value} = " in status
    assert "[bytes]" in by_column[("files", "size_bytes")]
    assert "[ед.: байты]" in by_column[("files", "size_bytes")]


def test_comments_follow_the_schema_so_new_columns_need_only_the_dictionary():
    # The lead's columns: described already, commented once the schema has them.
    without = {"material_coverage": [("status", "VARCHAR")]}
    with_new = {"material_coverage": [("status", "VARCHAR"), ("decided_by", "VARCHAR")]}
    assert not any("decided_by" in s for s in dictionary.comment_statements("marts", without))
    [statement] = [s for s in dictionary.comment_statements("marts", with_new) if "decided_by" in s]
    assert "engineer = " in statement and "правила" in statement
    docs = dictionary.column_comment("documents", "corrected_fields")
    assert "corrections.xlsx" in docs
    assert dictionary.undocumented({"acts": [("no_such_column", "VARCHAR")]}) == [
        "acts.no_such_column"
    ]


def test_docs_marts_md_is_generated_from_the_current_dictionary():
    expected = dictionary.render_markdown(marts.SCHEMA, marts.MART_TABLES)
    current = (REPO / "docs" / "marts.md").read_text(encoding="utf-8")
    assert current == expected, (
        "docs/marts.md is stale: run `python -m pto_pipeline.domain.dictionary docs/marts.md`"
    )
    assert "## marts.material_coverage" in current


# ---------------------------------------------------------------- pto-pipeline sql


def test_sql_command_prints_a_readable_table(published, monkeypatch, capsys):
    monkeypatch.setenv("PTO_DATA_DIR", str(published))
    sql = "SELECT act_number, work_name, act_date FROM marts.acts ORDER BY act_number"
    assert main(["sql", sql]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["act_number", "work_name", "act_date"]
    assert set(out[1]) <= {"-", " "}
    assert out[2].split() == ["1", "Бетонирование", "2026-03-20"]
    assert out[-1] == "(2 rows)"


def test_sql_command_opens_read_only_and_reports_bad_sql(published, monkeypatch, capsys):
    monkeypatch.setenv("PTO_DATA_DIR", str(published))
    assert main(["sql", "DELETE FROM marts.acts"]) == EXIT_USAGE
    assert "read-only" in capsys.readouterr().err
    assert main(["sql", "SELECT nonsense FROM marts.acts"]) == EXIT_USAGE
    assert "nonsense" in capsys.readouterr().err
    assert main(["sql", "SELECT count(*) AS n FROM marts.acts"]) == EXIT_OK
    assert capsys.readouterr().out.splitlines()[2].strip() == "2"


def test_sql_shell_runs_statements_until_quit(published, monkeypatch, capsys):
    monkeypatch.setenv("PTO_DATA_DIR", str(published))
    typed = (
        ".tables\n"
        "SELECT count(*) AS n\n  FROM marts.acts;\n"
        "SELECT broken FROM;\n"
        ".quit\n"
        "SELECT 'never run' AS x;\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["sql"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "marts.material_coverage" in out  # .tables, with comments
    assert "error:" in out  # the broken statement is reported, the shell goes on
    assert "never run" not in out
    assert out.count("(1 row)") == 1


def test_sql_command_without_marts_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PTO_DATA_DIR", str(tmp_path))
    assert main(["sql", "SELECT 1"]) == EXIT_USAGE
    assert "pto-pipeline demo" in capsys.readouterr().err


# ---------------------------------------------------------------- BI tools


def test_sqlalchemy_dialect_reads_marts_and_their_comments_read_only(published):
    # What Superset, Metabase's Python bridge and Jupyter/pandas use (README: BI tools).
    import pandas as pd
    import sqlalchemy as sa

    # The URL the README gives for Superset: read-only through the query string.
    engine = sa.create_engine(f"duckdb:///{_db(published)}?access_mode=read_only")
    try:
        with engine.connect() as con:
            frame = pd.read_sql(
                "SELECT status, count(*) AS n FROM marts.material_coverage GROUP BY ALL "
                "ORDER BY status",
                con,
            )
            inspector = sa.inspect(con)
            assert set(marts.MART_TABLES) <= set(inspector.get_table_names(schema="marts"))
            columns = {c["name"]: c for c in inspector.get_columns("acts", schema="marts")}
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                con.execute(sa.text("DELETE FROM marts.acts"))
    finally:
        engine.dispose()
    assert frame.to_dict("records") == [
        {"status": "covered", "n": 1},
        {"status": "missing", "n": 1},
    ]
    assert "все материалы подтверждены" in columns["complete"]["comment"]


def test_a_marts_file_left_by_an_older_version_is_replaced_by_a_readable_one(tmp_path: Path):
    db = _db(tmp_path)
    db.parent.mkdir(parents=True)
    with duckdb.connect(str(db)) as con:  # DuckDB 2.x default format, an old schema
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.acts (act_number INTEGER)")
    assert run_with_old_cli(db, "SELECT 1").returncode != 0
    marts.publish_project(tmp_path, "p1", _tables(tmp_path, n=1), today=TODAY)
    out = run_with_old_python_duckdb(db, ["SELECT act_number, complete FROM marts.acts"])
    assert out["results"] == [[["1", "False"]]]
