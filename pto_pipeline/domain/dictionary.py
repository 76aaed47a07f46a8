"""The marts' data dictionary: `COMMENT ON` text and docs/marts.md from one YAML file.

`marts_dictionary.yaml` is the single source; this module only formats it. A
column described there but absent from the database is skipped, so the
dictionary may run ahead of the schema.

Regenerate the docs after editing the YAML or the mart columns:
`python -m pto_pipeline.domain.dictionary docs/marts.md`.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import yaml

DICTIONARY_FILE = Path(__file__).with_name("marts_dictionary.yaml")

Columns = list[tuple[str, str]]


@functools.cache
def load_dictionary() -> dict:
    return yaml.safe_load(DICTIONARY_FILE.read_text(encoding="utf-8"))


def table_entry(table: str) -> dict | None:
    return load_dictionary()["tables"].get(table)


def column_entry(table: str, column: str) -> dict | None:
    """The column's description: the table's own entry, else the common one."""
    entry = table_entry(table)
    own = (entry or {}).get("columns", {}).get(column)
    return own if own is not None else load_dictionary()["common"].get(column)


def undocumented(tables: dict[str, Columns]) -> list[str]:
    """`table.column` names (and bare table names) the dictionary does not describe."""
    missing = [t for t in tables if table_entry(t) is None]
    missing += [f"{t}.{c}" for t, cols in tables.items() for c, _ in cols if not column_entry(t, c)]
    return missing


def malformed() -> list[str]:
    """Entries whose shape is wrong (e.g. an unquoted comma split a YAML flow mapping)."""
    data = load_dictionary()
    scopes = {"common": data["common"]}
    scopes |= {t: entry.get("columns", {}) for t, entry in data["tables"].items()}
    problems = [f"{t}: en/ru" for t, e in data["tables"].items() if not _bilingual(e)]
    for scope, columns in scopes.items():
        for column, entry in columns.items():
            where = f"{scope}.{column}"
            if not _bilingual(entry) or set(entry) - {"en", "ru", "unit", "values"}:
                problems.append(where)
            if "unit" in entry and not _bilingual(entry["unit"], exact=True):
                problems.append(f"{where} unit")
            for value, meaning in (entry.get("values") or {}).items():
                if not _bilingual(meaning, exact=True):
                    problems.append(f"{where} value {value}")
    return problems


def _bilingual(entry, exact: bool = False) -> bool:
    if not isinstance(entry, dict):
        return False
    texts = [entry.get("en"), entry.get("ru")]
    complete = all(isinstance(t, str) and t.strip() for t in texts)
    return complete and (not exact or set(entry) == {"en", "ru"})


def table_comment(table: str) -> str:
    entry = table_entry(table) or {}
    return f"{entry.get('en', '')} / {entry.get('ru', '')}"


def column_comment(table: str, column: str) -> str:
    """One line in both languages: meaning, unit, allowed values."""
    entry = column_entry(table, column) or {}
    return f"{_one_language(entry, 'en')} / {_one_language(entry, 'ru')}"


def _one_language(entry: dict, lang: str) -> str:
    text = entry.get(lang, "")
    unit = (entry.get("unit") or {}).get(lang)
    if unit:
        text += f" [{unit}]" if lang == "en" else f" [ед.: {unit}]"
    values = entry.get("values") or {}
    if values:
        label = "values" if lang == "en" else "значения"
        listed = "; ".join(f"{key} = {meaning[lang]}" for key, meaning in values.items())
        text += f"; {label}: {listed}"
    return text


def comment_statements(schema: str, tables: dict[str, Columns]) -> list[str]:
    """`COMMENT ON` statements for every table and column present in `tables`."""
    statements = []
    for table, columns in tables.items():
        statements.append(f"COMMENT ON TABLE {schema}.{table} IS {_literal(table_comment(table))}")
        for column, _ in columns:
            text = column_comment(table, column)
            statements.append(f'COMMENT ON COLUMN {schema}.{table}."{column}" IS {_literal(text)}')
    return statements


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------- docs


def render_markdown(schema: str, tables: dict[str, Columns]) -> str:
    lines = [
        "# Marts data dictionary / Словарь данных витрин",
        "",
        "<!-- Generated from pto_pipeline/domain/marts_dictionary.yaml by "
        "`python -m pto_pipeline.domain.dictionary docs/marts.md`; do not edit by hand. -->",
        "",
        f"Database `warehouse/pto.duckdb`, schema `{schema}`. The same text is in the database: "
        "`SELECT table_name, column_name, comment FROM duckdb_columns() "
        f"WHERE schema_name = '{schema}'`.",
        "",
    ]
    for table, columns in tables.items():
        entry = table_entry(table) or {}
        lines += [f"## {schema}.{table}", "", entry.get("en", ""), "", entry.get("ru", ""), ""]
        lines += ["| column | type | meaning | значение |", "|---|---|---|---|"]
        for column, sql_type in columns:
            col = column_entry(table, column) or {}
            en, ru = _one_language(col, "en"), _one_language(col, "ru")
            lines.append(f"| `{column}` | {sql_type} | {_cell(en)} | {_cell(ru)} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str]) -> int:
    from pto_pipeline.domain.marts import MART_TABLES, SCHEMA

    text = render_markdown(SCHEMA, MART_TABLES)
    if not argv:
        sys.stdout.write(text)
        return 0
    target = Path(argv[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
