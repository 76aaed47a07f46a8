"""Analysts' marts: `$PTO_DATA_DIR/warehouse/pto.duckdb`, schema `marts` (SPEC §7).

Analysts keep `pto.duckdb` open read-only at any time, so the pipeline never
writes to that file. Instead:

1. `publish_project` writes a project's tables as Parquet into a private staging
   folder (the slow part, no lock held);
2. under an exclusive `flock` on `warehouse/.publish.lock` it moves the staged
   folder in as the project's current version (`warehouse/projects/<code>/`),
   rebuilds the whole database from every project's current Parquet into a
   temporary file and `os.replace`s it over `pto.duckdb`.

A reader with an open connection keeps reading its snapshot (the old inode);
a new connection sees the new file. Each project appears either entirely
before or entirely after a publish. Concurrent publishes queue on the lock and
never fail on DuckDB's own file lock, because no process ever opens `pto.duckdb`
for writing.

`marts.expiring_documents` is computed at rebuild time relative to `today`;
the nightly schedule calls `rebuild_marts` so it stays current without a build.
Column types are explicit, so an empty table still has every column.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pto_pipeline.domain.dictionary import comment_statements

DATABASE_NAME = "pto.duckdb"
SCHEMA = "marts"
EXPIRY_HORIZONS_DAYS = (30, 90)
PROJECT_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
CURRENT_FILE = "CURRENT.json"
STALE_STAGING_SECONDS = 24 * 3600
# Storage format of the published file: DuckDB 2.x writes a format no 1.x client
# opens; v1.1.0 is read by DuckDB 1.1 and every later version (CLI, drivers, BI tools).
STORAGE_VERSION = "v1.1.0"
CATALOG = "pto"  # what a client that opens pto.duckdb calls the catalog

Columns = list[tuple[str, str]]

# Tables published per project (SPEC §7 columns first, then extras).
PROJECT_TABLES: dict[str, Columns] = {
    "files": [
        ("project_code", "VARCHAR"),
        ("source_file", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("size_bytes", "BIGINT"),
        ("first_seen_at", "TIMESTAMP"),
        ("status", "VARCHAR"),
        ("stored_path", "VARCHAR"),
        ("extension", "VARCHAR"),
        ("error", "VARCHAR"),
    ],
    "documents": [
        ("project_code", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("source_file", "VARCHAR"),
        ("pages", "INTEGER"),
        ("doc_type", "VARCHAR"),
        ("doc_number", "VARCHAR"),
        ("issue_date", "DATE"),
        ("valid_from", "DATE"),
        ("valid_to", "DATE"),
        ("manufacturer", "VARCHAR"),
        ("product_name", "VARCHAR"),
        ("standard", "VARCHAR"),
        ("batch_number", "VARCHAR"),
        ("quantity", "DOUBLE"),
        ("unit", "VARCHAR"),
        ("text_source", "VARCHAR"),
        ("ocr_confidence", "DOUBLE"),
        ("status", "VARCHAR"),
        ("error", "VARCHAR"),
        ("sha256", "VARCHAR"),
        ("first_page", "INTEGER"),
        ("last_page", "INTEGER"),
        ("field_confidence", "VARCHAR"),
        ("corrected_fields", "VARCHAR"),  # comma-separated fields set in corrections.xlsx
    ],
    "material_coverage": [
        ("project_code", "VARCHAR"),
        ("act_number", "VARCHAR"),
        ("material", "VARCHAR"),
        ("quantity", "DOUBLE"),
        ("unit", "VARCHAR"),
        ("status", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("doc_type", "VARCHAR"),
        ("doc_number", "VARCHAR"),
        ("doc_date", "DATE"),
        ("match_score", "DOUBLE"),
        ("line_no", "INTEGER"),
        ("valid_to", "DATE"),
        ("explanation", "VARCHAR"),
        ("decided_by", "VARCHAR"),  # rules | engineer (corrections.xlsx)
    ],
    "acts": [
        ("project_code", "VARCHAR"),
        ("act_number", "VARCHAR"),
        ("work_name", "VARCHAR"),
        ("act_date", "DATE"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
        ("materials", "INTEGER"),
        ("documents", "INTEGER"),
        ("complete", "BOOLEAN"),
        ("docx_path", "VARCHAR"),
        ("missing", "VARCHAR"),  # Russian: what keeps the act incomplete
    ],
    "findings": [
        ("project_code", "VARCHAR"),
        ("severity", "VARCHAR"),
        ("code", "VARCHAR"),
        ("act_number", "VARCHAR"),
        ("material", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("source_file", "VARCHAR"),
        ("message", "VARCHAR"),
        ("stage", "VARCHAR"),
    ],
    "packages": [
        ("project_code", "VARCHAR"),
        ("built_at", "TIMESTAMP"),
        ("format", "VARCHAR"),
        ("zip_path", "VARCHAR"),
        ("pdf_path", "VARCHAR"),
        ("acts", "INTEGER"),
        ("documents", "INTEGER"),
        ("errors", "INTEGER"),
        ("sheets", "INTEGER"),
        ("fingerprint", "VARCHAR"),
    ],
    # SPEC §11, exactly its columns
    "registry_checks": [
        ("project_code", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("doc_number", "VARCHAR"),
        ("source", "VARCHAR"),
        ("checked_at", "TIMESTAMP"),
        ("status", "VARCHAR"),
        ("registry_valid_from", "DATE"),
        ("registry_valid_to", "DATE"),
        ("registry_product", "VARCHAR"),
        ("registry_manufacturer", "VARCHAR"),
        ("mismatch", "VARCHAR"),
    ],
    # SPEC §10: the working documentation's specification lines and the register
    # against them (exactly the SPEC columns)
    "design_spec": [
        ("project_code", "VARCHAR"),
        ("source_file", "VARCHAR"),  # path under rd/
        ("code", "VARCHAR"),
        ("sheet", "VARCHAR"),
        ("position", "VARCHAR"),
        ("name", "VARCHAR"),
        ("type_mark", "VARCHAR"),
        ("unit", "VARCHAR"),
        ("quantity", "DOUBLE"),
        ("mass", "DOUBLE"),
        ("note", "VARCHAR"),
    ],
    "design_vs_register": [
        ("project_code", "VARCHAR"),
        ("material", "VARCHAR"),
        ("design_name", "VARCHAR"),
        ("design_quantity", "DOUBLE"),
        ("register_quantity", "DOUBLE"),
        ("unit", "VARCHAR"),
        ("status", "VARCHAR"),
    ],
}

# Tables derived from all projects at rebuild time.
DERIVED_TABLES: dict[str, Columns] = {
    "expiring_documents": [
        ("project_code", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("doc_type", "VARCHAR"),
        ("doc_number", "VARCHAR"),
        ("product_name", "VARCHAR"),
        ("manufacturer", "VARCHAR"),
        ("valid_to", "DATE"),
        ("days_left", "INTEGER"),
        ("horizon", "INTEGER"),  # 30: expires within 30 days; 90: in 31..90 days
        ("source_file", "VARCHAR"),
        ("status", "VARCHAR"),
        ("as_of", "DATE"),
        ("registry_status", "VARCHAR"),  # SPEC §11: the registry's status when known
    ],
    "projects": [
        ("project_code", "VARCHAR"),
        ("published_at", "TIMESTAMP"),
        ("build_started_at", "TIMESTAMP"),
        ("build_seconds", "DOUBLE"),
    ],
}

MART_TABLES: dict[str, Columns] = {**PROJECT_TABLES, **DERIVED_TABLES}

# Path columns stored relative to the data root, '/'-separated.
_DATA_PATH_COLUMNS = {"stored_path", "docx_path", "zip_path", "pdf_path"}
_INBOX_PATH_COLUMNS = {"source_file"}
_EXPIRING_TYPES = ("conformity_certificate", "conformity_declaration")


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / "warehouse" / DATABASE_NAME


def publish_project(
    data_dir: Path,
    project_code: str,
    tables: dict[str, pd.DataFrame],
    today: date | None = None,
    build_started_at: datetime | None = None,
) -> Path:
    """Publish one project's tables and rebuild `pto.duckdb`; return its path.

    `tables` maps PROJECT_TABLES names to frames with the stage column contracts
    (tables.py); `project_code` is filled in. A table left out keeps its
    previously published content (empty when never published).
    `build_started_at` (UTC) gives marts.projects the build's duration.
    """
    _check_code(project_code)
    unknown = set(tables) - set(PROJECT_TABLES)
    if unknown:
        raise ValueError(f"unknown mart tables: {sorted(unknown)}")
    warehouse = Path(data_dir) / "warehouse"
    staged = _stage_project(Path(data_dir), project_code, tables)
    try:
        with _publish_lock(warehouse):
            _commit_version(warehouse, project_code, staged, build_started_at)
            return _rebuild(warehouse, today or date.today())
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def remove_project(data_dir: Path, project_code: str, today: date | None = None) -> Path:
    """Drop a project from the marts (its Parquet and its rows)."""
    _check_code(project_code)
    warehouse = Path(data_dir) / "warehouse"
    with _publish_lock(warehouse):
        shutil.rmtree(warehouse / "projects" / project_code, ignore_errors=True)
        return _rebuild(warehouse, today or date.today())


def rebuild_marts(data_dir: Path, today: date | None = None) -> Path:
    """Rebuild `pto.duckdb` from the published Parquet (nightly: refreshes expiry horizons)."""
    warehouse = Path(data_dir) / "warehouse"
    with _publish_lock(warehouse):
        return _rebuild(warehouse, today or date.today())


def prepare_table(
    table: str, frame: pd.DataFrame | None, project_code: str, data_dir: Path
) -> pd.DataFrame:
    """A frame with exactly the mart columns, values converted to their mart types."""
    columns = PROJECT_TABLES[table]
    source = pd.DataFrame() if frame is None else frame
    if "document_id" not in source.columns and "sha256" in source.columns:
        source = source.assign(document_id=source["sha256"])
    prepared = {}
    for name, sql_type in columns:
        values = list(source[name]) if name in source.columns else [None] * len(source)
        if name == "project_code":
            values = [project_code] * len(source)
        convert = _converter(name, sql_type, Path(data_dir))
        prepared[name] = pd.Series([convert(v) for v in values], dtype=object)
    return pd.DataFrame(prepared, columns=[name for name, _ in columns])


# ---------------------------------------------------------------- staging


def _stage_project(data_dir: Path, code: str, tables: dict[str, pd.DataFrame]) -> Path:
    staging_root = data_dir / "warehouse" / ".staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(staging_root)
    staged = staging_root / f"{code}-{uuid.uuid4().hex}"
    staged.mkdir()
    with contextlib.closing(duckdb.connect()) as con:
        for table, frame in tables.items():
            _write_parquet(con, prepare_table(table, frame, code, data_dir), table, staged)
    return staged


def _write_parquet(con, frame: pd.DataFrame, table: str, folder: Path) -> None:
    select = ", ".join(
        f"CAST({_q(name)} AS {sql_type}) AS {_q(name)}" for name, sql_type in PROJECT_TABLES[table]
    )
    con.register("frame", frame)
    try:
        target = str(folder / f"{table}.parquet").replace("'", "''")
        con.execute(f"COPY (SELECT {select} FROM frame) TO '{target}' (FORMAT parquet)")
    finally:
        con.unregister("frame")


def _remove_stale_staging(staging_root: Path) -> None:
    # Staging folders of crashed publishes; a live one is minutes old at most.
    cutoff = time.time() - STALE_STAGING_SECONDS
    for folder in staging_root.iterdir():
        with contextlib.suppress(OSError):
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)


def _commit_version(
    warehouse: Path, code: str, staged: Path, build_started_at: datetime | None = None
) -> None:
    """Move the staged tables in as the project's current version (lock held)."""
    project_dir = warehouse / "projects" / code
    project_dir.mkdir(parents=True, exist_ok=True)
    previous = _current_version(project_dir)
    version = f"v-{datetime.now(UTC):%Y%m%d%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    version_dir = project_dir / version
    staged.rename(version_dir)
    if previous is not None:
        # Tables left out of this publish keep their previous content.
        for table in PROJECT_TABLES:
            old, new = previous / f"{table}.parquet", version_dir / f"{table}.parquet"
            if old.exists() and not new.exists():
                shutil.copy2(old, new)
    published_at = datetime.now(UTC).replace(tzinfo=None)
    started = _to_timestamp(build_started_at)
    pointer = {
        "version": version,
        "published_at": published_at,
        "build_started_at": started,
        "build_seconds": (published_at - started).total_seconds() if started else None,
    }
    tmp = project_dir / f".{CURRENT_FILE}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(pointer, default=str), encoding="utf-8")
    os.replace(tmp, project_dir / CURRENT_FILE)
    for folder in project_dir.iterdir():
        if folder.is_dir() and folder.name != version:
            shutil.rmtree(folder, ignore_errors=True)


def _pointer(project_dir: Path) -> dict | None:
    """The project's CURRENT.json when it names an existing version folder."""
    try:
        pointer = json.loads((project_dir / CURRENT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(pointer, dict) or not (project_dir / str(pointer.get("version"))).is_dir():
        return None
    return pointer


def _current_version(project_dir: Path) -> Path | None:
    pointer = _pointer(project_dir)
    return project_dir / pointer["version"] if pointer else None


def _published_projects(warehouse: Path) -> list[tuple[str, Path, dict]]:
    """(code, current version folder, its CURRENT.json pointer) of every project."""
    root = warehouse / "projects"
    if not root.is_dir():
        return []
    found = []
    for project_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        pointer = _pointer(project_dir)
        if pointer is not None:
            found.append((project_dir.name, project_dir / pointer["version"], pointer))
    return found


# ---------------------------------------------------------------- rebuild


@contextlib.contextmanager
def _publish_lock(warehouse: Path) -> Iterator[None]:
    # flock (not lockf) so threads of one process exclude each other too.
    warehouse.mkdir(parents=True, exist_ok=True)
    with open(warehouse / ".publish.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _rebuild(warehouse: Path, today: date) -> Path:
    """Write a fresh database beside pto.duckdb and rename it over (lock held)."""
    for leftover in warehouse.glob(f".{DATABASE_NAME}.*.tmp*"):
        leftover.unlink(missing_ok=True)
    target = warehouse / DATABASE_NAME
    tmp = warehouse / f".{DATABASE_NAME}.{uuid.uuid4().hex}.tmp"
    try:
        _write_database(tmp, warehouse, today)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return target


def _write_database(path: Path, warehouse: Path, today: date) -> None:
    """Create the database file at `path` in the STORAGE_VERSION format."""
    literal = str(path).replace("'", "''")
    with contextlib.closing(duckdb.connect()) as con:
        con.execute(f"ATTACH '{literal}' AS {CATALOG} (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute(f"USE {CATALOG}")
        _fill_database(con, warehouse, today)
        con.execute(f"CHECKPOINT {CATALOG}")
        con.execute("USE memory")
        con.execute(f"DETACH {CATALOG}")


def _fill_database(con, warehouse: Path, today: date) -> None:
    con.execute(f"CREATE SCHEMA {SCHEMA}")
    for table, columns in MART_TABLES.items():
        ddl = ", ".join(f"{_q(name)} {sql_type}" for name, sql_type in columns)
        con.execute(f"CREATE TABLE {SCHEMA}.{table} ({ddl})")
    for statement in comment_statements(SCHEMA, MART_TABLES):
        con.execute(statement)
    projects = _published_projects(warehouse)
    for code, version_dir, pointer in projects:
        row = [pointer.get(k) for k in ("published_at", "build_started_at", "build_seconds")]
        con.execute(f"INSERT INTO {SCHEMA}.projects VALUES (?, ?, ?, ?)", [code, *row])
        for table, columns in PROJECT_TABLES.items():
            parquet = version_dir / f"{table}.parquet"
            if parquet.exists():
                _load_parquet(con, table, columns, parquet)
    _fill_expiring(con, today)


def _load_parquet(con, table: str, columns: Columns, parquet: Path) -> None:
    # Only the columns both sides know: Parquet written by an older version
    # of this module may lack a column added since (it stays NULL).
    present = {
        row[0]
        for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(parquet)]).fetchall()
    }
    common = [(name, sql_type) for name, sql_type in columns if name in present]
    names = ", ".join(_q(name) for name, _ in common)
    casts = ", ".join(f"CAST({_q(name)} AS {sql_type})" for name, sql_type in common)
    con.execute(
        f"INSERT INTO {SCHEMA}.{table} ({names}) SELECT {casts} FROM read_parquet(?)",
        [str(parquet)],
    )


def _fill_expiring(con, today: date) -> None:
    short, long = EXPIRY_HORIZONS_DAYS
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.expiring_documents
        SELECT project_code, document_id, doc_type, doc_number, product_name, manufacturer,
               valid_to, days_left,
               CASE WHEN days_left <= {short} THEN {short} ELSE {long} END AS horizon,
               source_file, status, CAST($today AS DATE) AS as_of, registry_status
        FROM (
            SELECT d.*, CAST(d.valid_to - CAST($today AS DATE) AS INTEGER) AS days_left,
                   r.status AS registry_status
            FROM {SCHEMA}.documents d
            LEFT JOIN (
                SELECT DISTINCT ON (project_code, document_id) project_code, document_id, status
                FROM {SCHEMA}.registry_checks
                WHERE status NOT IN ('unavailable')
            ) r USING (project_code, document_id)
            WHERE d.doc_type IN {_EXPIRING_TYPES} AND d.valid_to IS NOT NULL
        )
        WHERE days_left BETWEEN 0 AND {long}
        ORDER BY days_left, project_code, document_id
        """,
        {"today": today},
    )


# ---------------------------------------------------------------- value conversion


def _converter(name: str, sql_type: str, data_dir: Path):
    if name in _DATA_PATH_COLUMNS:
        return lambda v: _data_relative(v, data_dir)
    if name in _INBOX_PATH_COLUMNS:
        return lambda v: None if _missing(v) else str(v).replace("\\", "/")
    return {
        "DATE": _to_date,
        "TIMESTAMP": _to_timestamp,
        "DOUBLE": _to_float,
        "INTEGER": _to_int,
        "BIGINT": _to_int,
        "BOOLEAN": _to_bool,
    }.get(sql_type, _to_text)


def _missing(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _to_text(value) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # act number 5.0 read from Excel -> "5"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _to_date(value) -> date | None:
    if _missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        with contextlib.suppress(ValueError):
            return datetime.strptime(text[:10], fmt).date()
    return None


def _to_timestamp(value) -> datetime | None:
    if _missing(value):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.to_pydatetime()


def _to_float(value) -> float | None:
    if _missing(value) or isinstance(value, bool):
        return None
    try:
        return float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None


def _to_int(value) -> int | None:
    number = _to_float(value)
    return round(number) if number is not None and math.isfinite(number) else None


def _to_bool(value) -> bool | None:
    if _missing(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "да"}
    return bool(value)


def _data_relative(value, data_dir: Path) -> str | None:
    if _missing(value):
        return None
    path = Path(str(value).replace("\\", "/"))
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            path = path.resolve().relative_to(data_dir.resolve())
    return path.as_posix()


def _check_code(project_code: str) -> None:
    if not PROJECT_CODE.fullmatch(project_code or ""):
        raise ValueError(f"invalid project code {project_code!r}")


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
