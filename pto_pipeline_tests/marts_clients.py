"""Test helpers: the README's SQL examples, and DuckDB 1.x clients to run them with.

The 1.x clients are the oldest Python duckdb the README promises (1.1) and the
command line analysts install from the package index (duckdb-cli 1.x). They
are installed once with pip into a cache folder outside the project's .venv
(`PTO_TEST_CACHE`, default ~/.cache/pto-pipeline-tests) and reused by later runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OLD_PYTHON_DUCKDB = "1.1.3"
OLD_DUCKDB_CLI = "1.5.6"

_SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)


def readme_queries() -> list[str]:
    """Every statement of the README's ```sql blocks, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    statements = []
    for block in _SQL_BLOCK.findall(text):
        for part in re.split(r";\s*\n", block):
            if _sql_lines(part):
                statements.append(part.strip().rstrip(";"))
    return statements


def _sql_lines(statement: str) -> list[str]:
    lines = (line.strip() for line in statement.splitlines())
    return [line for line in lines if line and not line.startswith("--")]


def _cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    root = Path(os.environ.get("PTO_TEST_CACHE") or default / "pto-pipeline-tests")
    return root / f"duckdb-{OLD_PYTHON_DUCKDB}-cli-{OLD_DUCKDB_CLI}"


def old_duckdb_dir() -> Path:
    """A folder with duckdb==1.1.x (importable) and duckdb-cli 1.x (duckdb_cli/duckdb)."""
    target = _cache_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # xdist workers install once
        if not (target / ".complete").exists():
            subprocess.run(
                [
                    sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--upgrade",
                    "--target", str(target),
                    f"duckdb=={OLD_PYTHON_DUCKDB}", f"duckdb-cli=={OLD_DUCKDB_CLI}",
                ],
                check=True,
                timeout=600,
            )  # fmt: skip
            (target / ".complete").write_text("ok")
    return target


_OLD_CLIENT_SCRIPT = r"""
import json, sys
import duckdb
path, queries = sys.argv[1], json.loads(sys.stdin.read())
con = duckdb.connect(path, read_only=True)
out = {"version": duckdb.__version__, "results": []}
for sql in queries:
    rows = con.execute(sql).fetchall()
    out["results"].append([[str(v) for v in row] for row in rows])
print(json.dumps(out, ensure_ascii=False))
"""


def run_with_old_python_duckdb(database: Path, queries: list[str]) -> dict:
    """{'version': ..., 'results': [rows as strings per query]} from duckdb 1.1."""
    env = {**os.environ, "PYTHONPATH": str(old_duckdb_dir())}
    done = subprocess.run(
        [sys.executable, "-c", _OLD_CLIENT_SCRIPT, str(database)],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def run_with_old_cli(database: Path, sql: str) -> subprocess.CompletedProcess:
    """`duckdb -readonly <file> -c <sql>` with the 1.x command line."""
    cli = old_duckdb_dir() / "duckdb_cli" / "duckdb"  # the bundled binary itself
    return subprocess.run(
        [str(cli), "-readonly", str(database), "-c", sql],
        capture_output=True,
        text=True,
        timeout=120,
    )
