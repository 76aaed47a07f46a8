import json
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pto_pipeline.domain import marts
from pto_pipeline.domain.findings import Finding, findings_frame

TODAY = date(2026, 4, 1)

# SPEC §7: the columns analysts rely on, with their types.
SPEC_COLUMNS = {
    "files": {
        "project_code": "VARCHAR",
        "source_file": "VARCHAR",
        "document_id": "VARCHAR",
        "size_bytes": "BIGINT",
        "first_seen_at": "TIMESTAMP",
        "status": "VARCHAR",
    },
    "documents": {
        "project_code": "VARCHAR",
        "document_id": "VARCHAR",
        "source_file": "VARCHAR",
        "pages": "INTEGER",
        "doc_type": "VARCHAR",
        "doc_number": "VARCHAR",
        "issue_date": "DATE",
        "valid_from": "DATE",
        "valid_to": "DATE",
        "manufacturer": "VARCHAR",
        "product_name": "VARCHAR",
        "standard": "VARCHAR",
        "batch_number": "VARCHAR",
        "quantity": "DOUBLE",
        "unit": "VARCHAR",
        "text_source": "VARCHAR",
        "ocr_confidence": "DOUBLE",
        "status": "VARCHAR",
        "error": "VARCHAR",
    },
    "material_coverage": {
        "project_code": "VARCHAR",
        "act_number": "VARCHAR",
        "material": "VARCHAR",
        "quantity": "DOUBLE",
        "unit": "VARCHAR",
        "status": "VARCHAR",
        "document_id": "VARCHAR",
        "doc_type": "VARCHAR",
        "doc_number": "VARCHAR",
        "doc_date": "DATE",
        "match_score": "DOUBLE",
    },
    "acts": {
        "project_code": "VARCHAR",
        "act_number": "VARCHAR",
        "work_name": "VARCHAR",
        "act_date": "DATE",
        "start_date": "DATE",
        "end_date": "DATE",
        "materials": "INTEGER",
        "documents": "INTEGER",
        "complete": "BOOLEAN",
        "docx_path": "VARCHAR",
    },
    "findings": {
        "project_code": "VARCHAR",
        "severity": "VARCHAR",
        "code": "VARCHAR",
        "act_number": "VARCHAR",
        "material": "VARCHAR",
        "document_id": "VARCHAR",
        "source_file": "VARCHAR",
        "message": "VARCHAR",
    },
    "packages": {
        "project_code": "VARCHAR",
        "built_at": "TIMESTAMP",
        "format": "VARCHAR",
        "zip_path": "VARCHAR",
        "pdf_path": "VARCHAR",
        "acts": "INTEGER",
        "documents": "INTEGER",
        "errors": "INTEGER",
    },
    "expiring_documents": {
        "project_code": "VARCHAR",
        "document_id": "VARCHAR",
        "doc_type": "VARCHAR",
        "doc_number": "VARCHAR",
        "product_name": "VARCHAR",
        "manufacturer": "VARCHAR",
        "valid_to": "DATE",
        "days_left": "INTEGER",
        "horizon": "INTEGER",
    },
    # SPEC §11
    "registry_checks": {
        "project_code": "VARCHAR",
        "document_id": "VARCHAR",
        "doc_number": "VARCHAR",
        "source": "VARCHAR",
        "checked_at": "TIMESTAMP",
        "status": "VARCHAR",
        "registry_valid_from": "DATE",
        "registry_valid_to": "DATE",
        "registry_product": "VARCHAR",
        "registry_manufacturer": "VARCHAR",
        "mismatch": "VARCHAR",
    },
}


def _tables(data_dir: Path, n: int = 1, valid_to: list[date] | None = None) -> dict:
    """A project's stage outputs with `n` rows in each per-row table."""
    ids = [f"{i:064x}" for i in range(n)]
    valid_to = valid_to or [TODAY + timedelta(days=400)] * n
    return {
        "files": pd.DataFrame(
            {
                "source_file": [f"скан\\{i}.pdf" for i in range(n)],
                "sha256": ids,
                "size_bytes": [1000 + i for i in range(n)],
                "first_seen_at": [pd.Timestamp("2026-03-01 10:00")] * n,
                "status": ["processed"] * n,
                "stored_path": [str(data_dir / "store" / f"{i}.pdf") for i in range(n)],
            }
        ),
        "documents": pd.DataFrame(
            {
                "document_id": ids,
                "source_file": [f"скан/{i}.pdf" for i in range(n)],
                "pages": [1] * n,
                "doc_type": ["conformity_certificate"] * n,
                "doc_number": [f"ЕАЭС RU С-RU.АЖ56.В.{i:05d}/21" for i in range(n)],
                "issue_date": [date(2025, 1, 10)] * n,
                "valid_from": ["2025-01-10"] * n,
                "valid_to": valid_to,
                "quantity": ["12,5"] * n,
                "status": ["ok"] * n,
                "field_confidence": [{"doc_number": 0.9}] * n,
            }
        ),
        "material_coverage": pd.DataFrame(
            {
                "act_number": ["1", "2"],
                "material": ["Бетон В25", "Арматура А500С"],
                "quantity": [12.5, None],
                "status": ["covered", "missing"],
                "document_id": [ids[0], None],
                "doc_date": [date(2025, 1, 10), None],
                "match_score": [0.97, None],
            }
        ),
        "acts": pd.DataFrame(
            {
                "act_number": [float(i + 1) for i in range(n)],  # as read from Excel
                "work_name": ["Бетонирование"] * n,
                "act_date": [date(2026, 3, 20)] * n,
                "materials": [2] * n,
                "documents": [1] * n,
                "complete": [False] * n,
                "docx_path": [str(data_dir / "output" / "p1" / "acts" / "АОСР-1.docx")] * n,
            }
        ),
        "findings": findings_frame([Finding("MISSING_QUALITY_DOC", "Загрузите паспорт")]),
        "packages": pd.DataFrame(
            {
                "built_at": [datetime(2026, 3, 21, 12, 0)],
                "format": ["unified"],
                "zip_path": [str(data_dir / "output" / "p1" / "package" / "ИД-p1.zip")],
                "pdf_path": [None],
                "acts": [n],
                "documents": [n],
                "errors": [1],
            }
        ),
    }


def _query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_mart_table_has_spec_columns_and_types_even_when_empty(tmp_path: Path):
    db = marts.publish_project(tmp_path, "empty", {}, today=TODAY)
    assert db == tmp_path / "warehouse" / "pto.duckdb"
    rows = _query(
        db,
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts'",
    )
    actual: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        actual.setdefault(table, {})[column] = data_type
    for table, columns in SPEC_COLUMNS.items():
        assert columns.items() <= actual[table].items(), table
    for table in SPEC_COLUMNS:
        assert _query(db, f"SELECT count(*) FROM marts.{table}") == [(0,)]


def test_values_are_typed_and_paths_relative_to_data_root(tmp_path: Path):
    db = marts.publish_project(tmp_path, "p1", _tables(tmp_path, n=2), today=TODAY)

    files = _query(db, "SELECT source_file, document_id, stored_path FROM marts.files ORDER BY 1")
    assert files[0] == ("скан/0.pdf", f"{0:064x}", "store/0.pdf")
    doc = _query(
        db, "SELECT project_code, valid_from, quantity, field_confidence FROM marts.documents"
    )
    assert doc[0] == ("p1", date(2025, 1, 10), 12.5, '{"doc_number": 0.9}')
    acts = _query(db, "SELECT act_number, docx_path, complete FROM marts.acts ORDER BY 1")
    assert acts == [
        ("1", "output/p1/acts/АОСР-1.docx", False),
        ("2", "output/p1/acts/АОСР-1.docx", False),
    ]
    missing = _query(db, "SELECT document_id FROM marts.material_coverage WHERE status = 'missing'")
    assert missing == [(None,)]
    assert _query(db, "SELECT zip_path, errors FROM marts.packages") == [
        ("output/p1/package/ИД-p1.zip", 1)
    ]
    assert _query(db, "SELECT severity, code FROM marts.findings") == [
        ("error", "MISSING_QUALITY_DOC")
    ]


def test_expiring_documents_bucketed_by_30_and_90_days_and_refreshed_by_rebuild(tmp_path: Path):
    valid_to = [TODAY + timedelta(days=d) for d in (0, 20, 31, 90, 91, -5)]
    tables = _tables(tmp_path, n=6, valid_to=valid_to)
    tables["documents"].loc[5, "doc_type"] = "conformity_declaration"
    db = marts.publish_project(tmp_path, "p1", tables, today=TODAY)

    rows = _query(db, "SELECT days_left, horizon, as_of FROM marts.expiring_documents ORDER BY 1")
    assert rows == [(0, 30, TODAY), (20, 30, TODAY), (31, 90, TODAY), (90, 90, TODAY)]

    marts.rebuild_marts(tmp_path, today=TODAY + timedelta(days=25))
    rows = _query(db, "SELECT days_left, horizon FROM marts.expiring_documents ORDER BY 1")
    assert rows == [(6, 30), (65, 90), (66, 90)]


def test_registry_checks_have_exactly_the_spec_columns_and_feed_expiring(tmp_path: Path):
    assert [c for c, _ in marts.PROJECT_TABLES["registry_checks"]] == list(
        SPEC_COLUMNS["registry_checks"]
    )
    tables = _tables(tmp_path, n=3, valid_to=[TODAY + timedelta(days=10)] * 3)
    ids = list(tables["documents"]["document_id"])
    tables["registry_checks"] = pd.DataFrame(
        {
            "document_id": ids[:2],
            "doc_number": ["a", "b"],
            "source": ["snapshot", "eaeu"],
            "checked_at": [datetime(2026, 3, 30, 9, 0)] * 2,
            "status": ["terminated", "unavailable"],
            "registry_valid_to": [date(2027, 1, 1), None],
            "mismatch": ["manufacturer", None],
            "status_word": ["прекращён", None],  # extras never reach the mart
        }
    )
    db = marts.publish_project(tmp_path, "p1", tables, today=TODAY)
    assert _query(db, "SELECT status, registry_valid_to, mismatch FROM marts.registry_checks") == [
        ("terminated", date(2027, 1, 1), "manufacturer"),
        ("unavailable", None, None),
    ]
    rows = _query(
        db, "SELECT document_id, registry_status FROM marts.expiring_documents ORDER BY 1"
    )
    # known: the registry's status; no answer or not checked: empty
    assert rows == [(ids[0], "terminated"), (ids[1], None), (ids[2], None)]


def test_tables_left_out_keep_their_previous_content(tmp_path: Path):
    marts.publish_project(tmp_path, "p1", _tables(tmp_path, n=3), today=TODAY)
    new_findings = findings_frame([Finding("UNUSED_DOCUMENT", "Документ не использован")])
    db = marts.publish_project(tmp_path, "p1", {"findings": new_findings}, today=TODAY)

    assert _query(db, "SELECT code FROM marts.findings") == [("UNUSED_DOCUMENT",)]
    assert _query(db, "SELECT count(*) FROM marts.documents") == [(3,)]


def test_remove_project_and_invalid_code(tmp_path: Path):
    marts.publish_project(tmp_path, "p1", _tables(tmp_path), today=TODAY)
    marts.publish_project(tmp_path, "p2", _tables(tmp_path), today=TODAY)
    db = marts.remove_project(tmp_path, "p1", today=TODAY)
    assert _query(db, "SELECT DISTINCT project_code FROM marts.documents") == [("p2",)]
    with pytest.raises(ValueError):
        marts.publish_project(tmp_path, "../evil", {}, today=TODAY)


READER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import duckdb

    db, stop, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    check = (
        "SELECT (SELECT count(*) FROM marts.files WHERE project_code = 'p1'),"
        " (SELECT count(*) FROM marts.documents WHERE project_code = 'p1'),"
        " (SELECT count(*) FROM marts.acts WHERE project_code = 'p1')"
    )
    # DuckDB shares one database instance per file within a process, so the
    # long-lived reader and the reconnecting reader run in separate processes.
    held = duckdb.connect(db, read_only=True) if mode == "held" else None
    print("ready", flush=True)
    report = {"queries": 0, "errors": [], "torn": [], "seen": set()}
    while not stop.exists():
        try:
            if held is not None:
                counts = held.execute(check).fetchone()
            else:
                with duckdb.connect(db, read_only=True) as fresh:
                    counts = fresh.execute(check).fetchone()
            report["queries"] += 1
            report["seen"].add(counts[0])
            if len(set(counts)) != 1:
                report["torn"].append(counts)
        except Exception as exc:
            report["errors"].append(repr(exc))
    report["seen"] = sorted(report["seen"])
    print(json.dumps(report), flush=True)
    """
)


def test_readers_never_block_publishes_and_never_see_half_a_project(tmp_path: Path):
    db = marts.publish_project(tmp_path, "p1", _tables(tmp_path, n=1), today=TODAY)
    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(stop), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("held", "fresh")
    }
    reports = {}
    try:
        for reader in readers.values():
            assert reader.stdout.readline().strip() == "ready"
        for n in range(2, 9):
            marts.publish_project(tmp_path, "p1", _tables(tmp_path, n=n), today=TODAY)
            time.sleep(0.05)
    finally:
        stop.touch()
        for mode, reader in readers.items():
            out, err = reader.communicate(timeout=60)
            reports[mode] = (json.loads(out.strip().splitlines()[-1]), err)

    for report, err in reports.values():
        assert report["errors"] == [], err
        assert report["torn"] == []
        assert report["queries"] > 10
    assert reports["held"][0]["seen"] == [1]  # an open connection keeps its snapshot
    assert len(reports["fresh"][0]["seen"]) > 1  # new connections follow the publishes
    assert _query(db, "SELECT count(*) FROM marts.documents") == [(8,)]


def test_concurrent_publishes_of_different_projects_all_land(tmp_path: Path):
    codes = [f"p{i}" for i in range(6)]
    errors: list[BaseException] = []

    def publish(code: str) -> None:
        try:
            marts.publish_project(tmp_path, code, _tables(tmp_path, n=2), today=TODAY)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    other_process = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from pto_pipeline.domain import marts; "
            "marts.publish_project(Path(sys.argv[1]), 'other', {})",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    for thread in threads:
        thread.join()

    assert errors == []
    assert other_process.returncode == 0, other_process.stderr
    db = tmp_path / "warehouse" / "pto.duckdb"
    published = _query(db, "SELECT project_code FROM marts.projects ORDER BY 1")
    assert [code for (code,) in published] == sorted([*codes, "other"])
    assert _query(db, "SELECT count(*) FROM marts.documents") == [(12,)]
    leftovers = [p.name for p in (tmp_path / "warehouse").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
