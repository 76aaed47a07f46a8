"""output/status.html: every project's state on one self-contained page."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pto_pipeline.domain import marts, status_page
from pto_pipeline.domain.findings import Finding, findings_frame
from pto_pipeline_tests.test_marts import TODAY, _tables

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _complete_project(data: Path) -> dict:
    tables = _tables(data, n=1)
    tables["acts"] = tables["acts"].assign(complete=[True])
    tables["material_coverage"] = tables["material_coverage"].iloc[:1]
    tables["findings"] = findings_frame([])
    return tables


def _blocked_project(data: Path) -> dict:
    """Two incomplete acts, a missing line, an error, a document to review, one expiring soon."""
    tables = _tables(data, n=2, valid_to=[TODAY + timedelta(days=10), TODAY + timedelta(days=60)])
    documents = tables["documents"].copy()
    documents.loc[1, "status"] = "needs_review"
    documents.loc[1, "source_file"] = f"скан/{HOSTILE}.pdf"
    documents.loc[1, "doc_number"] = HOSTILE
    tables["documents"] = documents
    tables["findings"] = findings_frame(
        [
            Finding("MISSING_QUALITY_DOC", f"Загрузите паспорт {HOSTILE}"),
            Finding("UNUSED_DOCUMENT", "Документ не использован"),
        ]
    )
    return tables


@pytest.fixture
def two_projects(tmp_path: Path) -> Path:
    marts.publish_project(tmp_path, "a-ready", _complete_project(tmp_path), today=TODAY)
    marts.publish_project(
        tmp_path,
        "b-blocked",
        _blocked_project(tmp_path),
        today=TODAY,
        build_started_at=datetime.utcnow() - timedelta(seconds=42),
    )
    return tmp_path


def _write(data: Path) -> str:
    db = marts.database_path(data)
    path = status_page.write_status_page(data, db, today=TODAY)
    assert path == data / "output" / "status.html"
    return path.read_text(encoding="utf-8")


def test_summary_puts_the_blocked_project_first_with_its_counts(two_projects: Path):
    page = _write(two_projects)
    summary = page[page.index("Что мешает сдаче пакета") : page.index("</table>")]
    rows = re.findall(r"<tr class=\"(\w+)\">(.*?)</tr>", summary)
    assert [(css, re.search(r"#p-([\w-]+)", row)[1]) for css, row in rows] == [
        ("bad", "b-blocked"),
        ("ok", "a-ready"),
    ]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1])
    # errors, incomplete acts, lines not covered, documents to review, expiring <= 30 days
    assert cells[1:6] == ["1", "2 из 2", "1", "1", "1"]
    assert "пакет готов к предъявлению" in page  # a-ready
    assert "длительность 42 с" in page or "длительность 43 с" in page


def test_each_project_has_plots_findings_review_and_expiry_timeline(two_projects: Path):
    page = _write(two_projects)
    blocked = page[page.index('id="p-b-blocked"') : page.index('id="p-a-ready"')]
    assert blocked.count("<svg") == 2  # overview bars and the expiry timeline
    assert "Материалы по статусу" in blocked and "нет документа" in blocked
    assert "MISSING_QUALITY_DOC" in blocked and "UNUSED_DOCUMENT" in blocked
    assert "Документы на проверке инженером (1)" in blocked
    expiry = blocked[blocked.index("истекающие в 30 / 90 дней") :]
    assert expiry.count("<tr>") == 3  # header + the two certificates
    assert (TODAY + timedelta(days=10)).strftime("%d.%m.%Y") in expiry


def test_page_is_self_contained(two_projects: Path):
    page = _write(two_projects)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    # url(#id) points inside the page
    assert not re.search(r"<link|@import|url\((?!#)|src=\"http|href=\"http", page)
    # SVG namespaces are identifiers, not fetched; nothing else names a host.
    hosts = set(re.findall(r"https?://[^\"' )]+", page))
    assert hosts <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_text_from_data_is_escaped(two_projects: Path):
    page = _write(two_projects)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_no_projects_and_a_project_without_acts_say_no_data_yet(tmp_path: Path):
    page = _write(tmp_path)  # no marts at all
    assert "Данных пока нет: ни один объект ещё не собран" in page
    marts.publish_project(tmp_path, "empty", {}, today=TODAY)
    page = _write(tmp_path)
    assert "Данных пока нет: в реестре нет актов" in page


def test_marts_file_of_an_older_version_gives_a_page_not_a_crash(tmp_path: Path):
    db = marts.database_path(tmp_path)
    db.parent.mkdir(parents=True)
    with duckdb.connect(str(db)) as con:  # no marts schema at all
        con.execute("CREATE TABLE acts (n INTEGER)")
    page = _write(tmp_path)
    assert "Данных пока нет" in page


def test_rewrite_is_atomic_for_a_reader_holding_the_old_page(two_projects: Path, monkeypatch):
    target = status_page.status_path(two_projects)
    first = _write(two_projects)
    with open(target, encoding="utf-8") as open_in_browser:
        marts.publish_project(two_projects, "c-new", _complete_project(two_projects), today=TODAY)
        second = _write(two_projects)
        assert open_in_browser.read() == first  # the old copy stays whole
    assert "c-new" in second and "c-new" not in first

    def broken(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(status_page, "render_page", broken)
    with pytest.raises(RuntimeError):
        _write(two_projects)
    assert target.read_text(encoding="utf-8") == second
    assert [p.name for p in target.parent.iterdir()] == ["status.html"]


def test_unknown_status_values_still_show(tmp_path: Path):
    tables = _tables(tmp_path, n=1)
    tables["material_coverage"] = pd.DataFrame(
        {"act_number": ["1"], "material": ["Бетон"], "status": ["new_status"]}
    )
    marts.publish_project(tmp_path, "p", tables, today=date(2026, 4, 1))
    page = _write(tmp_path)
    assert "new_status" in page
