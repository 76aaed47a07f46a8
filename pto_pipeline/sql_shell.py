"""`pto-pipeline sql [QUERY]`: the analysts' marts, read-only, as readable tables.

With a query: run it and print the result. Without: a small interactive shell
(statements end with `;`, `.tables` lists the marts, `.quit` or Ctrl-D leaves).
The connection is read-only, so it never blocks or disturbs a build.
"""

from __future__ import annotations

import contextlib
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import duckdb
from tabulate import tabulate

MAX_ROWS = 500
MAX_WIDTH = 70  # longer texts (messages, comments) wrap inside their column
PROMPT, CONTINUATION = "pto> ", " ...> "
TABLES_SQL = """
SELECT schema_name || '.' || table_name AS "table", estimated_size AS "rows", comment
FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY table_name
"""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def run_query(con: duckdb.DuckDBPyConnection, sql: str, max_rows: int = MAX_ROWS) -> str:
    """The result of `sql` (its last statement) as a text table."""
    cursor = con.execute(sql)
    if cursor.description is None:
        return "OK"
    headers = [column[0] for column in cursor.description]
    rows = cursor.fetchmany(max_rows + 1)
    shown = [[_cell(value) for value in row] for row in rows[:max_rows]]
    text = tabulate(
        shown, headers=headers, tablefmt="simple", missingval="NULL", maxcolwidths=MAX_WIDTH
    )
    if len(rows) > max_rows:
        text += f"\n(first {max_rows} rows shown; add LIMIT or a WHERE clause to see the rest)"
    else:
        text += f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return text


def _cell(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, str):
        return value.replace("\n", " ")
    return value


def interactive(con: duckdb.DuckDBPyConnection, stdin: TextIO, stdout: TextIO) -> int:
    """Read statements until `.quit` or end of input; errors are shown, not fatal."""
    tty = stdin.isatty()
    if tty:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - line editing and history for input()
        stdout.write("marts (read-only). End statements with ';'. .tables, .quit\n")
    buffer: list[str] = []
    while (line := _read_line(stdin, stdout, tty, CONTINUATION if buffer else PROMPT)) is not None:
        stripped = line.strip()
        if not buffer and stripped.startswith("."):
            if stripped in {".quit", ".exit"}:
                return 0
            _show(con, TABLES_SQL if stripped == ".tables" else None, stdout, stripped)
            continue
        if stripped:
            buffer.append(line)
        if buffer and stripped.endswith(";"):
            _show(con, "\n".join(buffer), stdout)
            buffer = []
    if buffer:
        _show(con, "\n".join(buffer), stdout)
    return 0


def _read_line(stdin: TextIO, stdout: TextIO, tty: bool, prompt: str) -> str | None:
    if not tty:
        line = stdin.readline()
        return line.rstrip("\n") if line else None
    try:
        return input(prompt)
    except EOFError:
        stdout.write("\n")
        return None


def _show(con, sql: str | None, stdout: TextIO, command: str = "") -> None:
    if sql is None:
        stdout.write(f"unknown command {command}: use .tables or .quit\n")
        return
    try:
        stdout.write(run_query(con, sql) + "\n")
    except duckdb.Error as exc:
        stdout.write(f"error: {exc}\n")


def main_query(path: Path, query: str | None) -> int:
    with contextlib.closing(connect(path)) as con:
        if query is None:
            return interactive(con, sys.stdin, sys.stdout)
        print(run_query(con, query))
    return 0
