"""`$PTO_DATA_DIR/output/status.html`: every project's state on one page, for people.

Read from the published marts (so it shows exactly what analysts see) and
written atomically after every publish: a browser that has the old copy open
keeps it until reloaded. The page is one self-contained file — inline CSS,
matplotlib plots as inline SVG, no scripts, nothing fetched from the network —
so it can be mailed or opened from a file share. Every text that comes from
data (file names, document numbers, OCR text, messages) is HTML-escaped; plots
carry only our own labels and numbers that point into the escaped tables.
"""

from __future__ import annotations

import contextlib
import html
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pto_pipeline.domain.dictionary import column_entry
from pto_pipeline.domain.fsutil import write_text_atomic

STATUS_FILE = "status.html"
LINE_STATUSES = ("covered", "unconfirmed", "doc_after_work", "expired", "missing")
SEVERITIES = ("error", "warning", "info")
MAX_LISTED = 50  # rows per project in the review and expiry tables
COLORS = {
    "covered": "#2e7d32",
    "unconfirmed": "#f9a825",
    "doc_after_work": "#ef6c00",
    "expired": "#c62828",
    "missing": "#6a1b9a",
    "error": "#c62828",
    "warning": "#f9a825",
    "info": "#1565c0",
    "complete": "#2e7d32",
    "incomplete": "#c62828",
}
RU = {
    "covered": "подтверждено",
    "unconfirmed": "не подтверждено",
    "doc_after_work": "документ позже работ",
    "expired": "истёк",
    "missing": "нет документа",
    "error": "ошибки",
    "warning": "предупреждения",
    "info": "сведения",
    "complete": "готовы",
    "incomplete": "не готовы",
}


SEVERITY_RU = {"error": "ошибка", "warning": "предупреждение", "info": "сведения"}


@dataclass
class ProjectStatus:
    code: str
    published_at: datetime | None = None
    build_seconds: float | None = None
    acts: int = 0
    acts_complete: int = 0
    lines: dict[str, int] = field(default_factory=dict)
    severities: dict[str, int] = field(default_factory=dict)
    codes: list[tuple[str, str, int]] = field(default_factory=list)  # severity, code, n
    review: pd.DataFrame = field(default_factory=pd.DataFrame)
    review_total: int = 0
    expiring: pd.DataFrame = field(default_factory=pd.DataFrame)
    package: str | None = None

    @property
    def blockers(self) -> tuple[int, int, int, int]:
        """What keeps the package from the supervisor, most serious first."""
        not_covered = sum(n for s, n in self.lines.items() if s != "covered")
        return (
            self.severities.get("error", 0),
            self.acts - self.acts_complete,
            not_covered,
            self.review_total,
        )


def status_path(data_dir: Path) -> Path:
    return Path(data_dir) / "output" / STATUS_FILE


def write_status_page(data_dir: Path, database: Path, today: date | None = None) -> Path:
    """Render the page from `database` (pto.duckdb) and write it atomically."""
    today = today or date.today()
    try:
        projects = load_status(database) if Path(database).is_file() else []
    except duckdb.Error:
        projects = []  # a marts file of an older version: the next build replaces it
    target = status_path(data_dir)
    now = datetime.now(UTC).replace(tzinfo=None)
    write_text_atomic(target, render_page(projects, today, generated_at=now))
    return target


# ---------------------------------------------------------------- reading the marts


def load_status(database: Path) -> list[ProjectStatus]:
    with contextlib.closing(duckdb.connect(str(database), read_only=True)) as con:
        codes = _frame(con, "SELECT * FROM marts.projects ORDER BY project_code")
        projects = [_project(con, row) for row in codes.to_dict("records")]
    return sorted(projects, key=lambda p: (tuple(-n for n in p.blockers), p.code))


def _frame(con, sql: str, *params) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _project(con, row: dict) -> ProjectStatus:
    code = row["project_code"]
    status = ProjectStatus(
        code=code,
        published_at=_none_if_na(row.get("published_at")),
        build_seconds=_none_if_na(row.get("build_seconds")),
    )
    acts = _frame(
        con,
        "SELECT count(*) AS n, count(*) FILTER (WHERE complete) AS ok "
        "FROM marts.acts WHERE project_code = ?",
        code,
    ).iloc[0]
    status.acts, status.acts_complete = int(acts["n"]), int(acts["ok"])
    lines = _frame(
        con,
        # One material line counts once, however many documents it lists.
        "SELECT status, count(DISTINCT (act_number, coalesce(line_no, -1), material)) AS n "
        "FROM marts.material_coverage WHERE project_code = ? GROUP BY status",
        code,
    )
    status.lines = {str(s): int(n) for s, n in zip(lines["status"], lines["n"], strict=True)}
    findings = _frame(
        con,
        "SELECT severity, code, count(*) AS n FROM marts.findings WHERE project_code = ? "
        "GROUP BY ALL ORDER BY n DESC, code",
        code,
    )
    status.codes = [(str(s), str(c), int(n)) for s, c, n in findings.itertuples(index=False)]
    for severity, _, n in status.codes:
        status.severities[severity] = status.severities.get(severity, 0) + n
    _load_lists(con, status)
    return status


def _load_lists(con, status: ProjectStatus) -> None:
    code = status.code
    status.review_total = int(
        _frame(
            con,
            "SELECT count(*) AS n FROM marts.documents WHERE project_code = ? AND status <> 'ok'",
            code,
        ).iloc[0]["n"]
    )
    status.review = _frame(
        con,
        "SELECT source_file, doc_type, doc_number, status, error FROM marts.documents "
        "WHERE project_code = ? AND status <> 'ok' ORDER BY status, source_file LIMIT ?",
        code,
        MAX_LISTED,
    )
    status.expiring = _frame(
        con,
        "SELECT doc_type, doc_number, product_name, valid_to, days_left, horizon, source_file "
        "FROM marts.expiring_documents WHERE project_code = ? ORDER BY days_left LIMIT ?",
        code,
        MAX_LISTED,
    )
    package = _frame(
        con,
        "SELECT coalesce(pdf_path, zip_path) AS path FROM marts.packages "
        "WHERE project_code = ? ORDER BY built_at DESC LIMIT 1",
        code,
    )
    status.package = None if package.empty else _none_if_na(package.iloc[0]["path"])


def _none_if_na(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


# ---------------------------------------------------------------- rendering

CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:2px solid #ddd}
h3{font-size:14px;margin:14px 0 4px}.meta{color:#666;font-size:12px}
table{border-collapse:collapse;font-size:12px;margin:4px 0 10px}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right}tr.bad td:first-child{border-left:4px solid #c62828}
tr.ok td:first-child{border-left:4px solid #2e7d32}.empty{color:#666;font-style:italic}
.sev-error{color:#c62828;font-weight:bold}.sev-warning{color:#9a6b00}.sev-info{color:#1565c0}
.ready{color:#2e7d32;font-weight:bold}.blocked{color:#c62828;font-weight:bold}
svg{max-width:100%;height:auto}
"""
NO_DATA = "Данных пока нет"


def render_page(projects: list[ProjectStatus], today: date, generated_at: datetime) -> str:
    body = [
        "<h1>Исполнительная документация: состояние объектов</h1>",
        f'<p class="meta">Страница обновлена {_e(generated_at)} UTC; '
        "обновляется после каждой сборки и ночью. Данные — витрины warehouse/pto.duckdb.</p>",
    ]
    if not projects:
        body.append(f'<p class="empty">{NO_DATA}: ни один объект ещё не собран.</p>')
    else:
        body.append(_summary_table(projects))
        body += [_project_section(p, today) for p in projects]
    return (
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="refresh" content="300">'
        "<title>ПТО: состояние объектов</title>"
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _e(value) -> str:
    """HTML-escaped text of a value from data; empty for missing values."""
    value = _none_if_na(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.strftime("%d.%m.%Y %H:%M")
    elif isinstance(value, date):
        value = value.strftime("%d.%m.%Y")
    return html.escape(str(value), quote=True)


def _value(table: str, column: str, value) -> str:
    """A coded value in Russian from the data dictionary, escaped; the code as a hint."""
    values = (column_entry(table, column) or {}).get("values") or {}
    meaning = values.get(str(value), {}).get("ru") if _none_if_na(value) is not None else None
    if not meaning:
        return _e(value)
    return f'<span title="{_e(value)}">{_e(meaning)}</span>'


def _anchor(code: str) -> str:
    return "p-" + html.escape(code, quote=True)


def _summary_table(projects: list[ProjectStatus]) -> str:
    head = (
        "<h2>Что мешает сдаче пакета</h2><table><tr><th>Объект</th><th>Ошибки</th>"
        "<th>Актов не готово</th><th>Материалов без подтверждения</th>"
        "<th>Документов на проверке</th><th>Истекают ≤30 дней</th><th>Последняя сборка</th></tr>"
    )
    rows = []
    for p in projects:
        errors, incomplete, not_covered, review = p.blockers
        soon = int((p.expiring["horizon"] == 30).sum()) if not p.expiring.empty else 0
        css = "bad" if any(p.blockers) else "ok"
        rows.append(
            f'<tr class="{css}"><td><a href="#{_anchor(p.code)}">{_e(p.code)}</a></td>'
            f'<td class="n">{errors}</td><td class="n">{incomplete} из {p.acts}</td>'
            f'<td class="n">{not_covered}</td><td class="n">{review}</td>'
            f'<td class="n">{soon}</td><td>{_e(p.published_at)} UTC</td></tr>'
        )
    return head + "".join(rows) + "</table>"


def _project_section(p: ProjectStatus, today: date) -> str:
    parts = [f'<section id="{_anchor(p.code)}"><h2>Объект {_e(p.code)}</h2>', _build_line(p)]
    if p.acts == 0:
        parts.append(f'<p class="empty">{NO_DATA}: в реестре нет актов.</p>')
    else:
        parts.append(_overview_plot(p))
    parts += [_findings_table(p), _review_table(p), _expiring_block(p, today), "</section>"]
    return "\n".join(parts)


def _build_line(p: ProjectStatus) -> str:
    duration = f", длительность {p.build_seconds:.0f} с" if p.build_seconds is not None else ""
    ready = (
        '<span class="ready">пакет готов к предъявлению</span>'
        if p.acts and not any(p.blockers)
        else '<span class="blocked">пакет не готов</span>'
    )
    package = f"; пакет: {_e(p.package)}" if p.package else ""
    return (
        f'<p class="meta">Последняя сборка: {_e(p.published_at)} UTC{duration}{package}. '
        f"{ready}</p>"
    )


def _overview_plot(p: ProjectStatus) -> str:
    from pto_pipeline.domain.status_plots import bars_svg

    acts = [
        (RU["complete"], p.acts_complete, COLORS["complete"]),
        (RU["incomplete"], p.acts - p.acts_complete, COLORS["incomplete"]),
    ]
    lines = [(RU[s], p.lines.get(s, 0), COLORS[s]) for s in LINE_STATUSES]
    lines += [(s, n, "#777") for s, n in p.lines.items() if s not in LINE_STATUSES]
    severities = [(RU[s], p.severities.get(s, 0), COLORS[s]) for s in SEVERITIES]
    panels = [
        (f"Акты ({p.acts})", acts),
        (f"Материалы по статусу ({sum(p.lines.values())})", lines),
        (f"Замечания ({sum(p.severities.values())})", severities),
    ]
    return f'<div class="plot">{bars_svg(panels)}</div>'


def _findings_table(p: ProjectStatus) -> str:
    if not p.codes:
        return "<h3>Замечания</h3><p class='empty'>Замечаний нет.</p>"
    rows = "".join(
        f'<tr><td class="sev-{_e(sev)}">{_e(SEVERITY_RU.get(sev, sev))}</td>'
        f"<td>{_e(code)}</td>"
        f'<td class="n">{n}</td></tr>'
        for sev, code, n in p.codes
    )
    return (
        "<h3>Замечания по коду</h3><table><tr><th>Серьёзность</th><th>Код</th><th>Число</th></tr>"
        f"{rows}</table>"
    )


def _review_table(p: ProjectStatus) -> str:
    title = f"<h3>Документы на проверке инженером ({p.review_total})</h3>"
    if p.review.empty:
        return title + "<p class='empty'>Нет.</p>"
    rows = "".join(
        f"<tr><td>{_e(r.source_file)}</td><td>{_value('documents', 'doc_type', r.doc_type)}</td>"
        f"<td>{_e(r.doc_number)}</td><td>{_value('documents', 'status', r.status)}</td>"
        f"<td>{_e(r.error)}</td></tr>"
        for r in p.review.itertuples(index=False)
    )
    more = _more(p.review_total, len(p.review))
    return (
        f"{title}<table><tr><th>Файл</th><th>Вид</th><th>Номер</th><th>Статус</th>"
        f"<th>Что проверить</th></tr>{rows}</table>{more}"
    )


def _expiring_block(p: ProjectStatus, today: date) -> str:
    title = "<h3>Сертификаты и декларации, истекающие в 30 / 90 дней</h3>"
    if p.expiring.empty:
        return title + "<p class='empty'>В ближайшие 90 дней ничего не истекает.</p>"
    from pto_pipeline.domain.status_plots import timeline_svg

    points = [
        (_as_date(r.valid_to), i, COLORS["error"] if r.horizon == 30 else COLORS["warning"])
        for i, r in enumerate(p.expiring.itertuples(index=False), start=1)
    ]
    rows = "".join(
        f'<tr><td class="n">{i}</td><td>{_value("documents", "doc_type", r.doc_type)}</td>'
        f"<td>{_e(r.doc_number)}</td>"
        f"<td>{_e(r.product_name)}</td><td>{_e(_as_date(r.valid_to))}</td>"
        f'<td class="n">{_e(r.days_left)}</td><td>{_e(r.source_file)}</td></tr>'
        for i, r in enumerate(p.expiring.itertuples(index=False), start=1)
    )
    return (
        f'{title}<div class="plot">{timeline_svg(points, today)}</div>'
        "<table><tr><th>№</th><th>Вид</th><th>Номер</th><th>Продукция</th><th>Действует до</th>"
        f"<th>Дней</th><th>Файл</th></tr>{rows}</table>"
    )


def _more(total: int, shown: int) -> str:
    if total <= shown:
        return ""
    return f'<p class="meta">Показаны {shown} из {total}; полный список — marts.documents.</p>'


def _as_date(value) -> date:
    return pd.Timestamp(value).date()
