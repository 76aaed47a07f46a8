"""review.xlsx: what the engineer must look at, and its round trip to corrections.xlsx (§5a)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pto_pipeline.domain import tables
from pto_pipeline.domain.corrections import field_labels, read_corrections, resolve_decisions
from pto_pipeline.domain.matching import match_materials
from pto_pipeline.domain.review import write_review

D = dt.date
CONFIDENT = {
    "doc_type": 0.9,
    "doc_number": 0.9,
    "issue_date": 0.9,
    "manufacturer": 0.9,
    "product_name": 0.9,
}


def document(doc_id: str, source: str, **fields) -> dict:
    row = dict.fromkeys(tables.DOCUMENT_COLUMNS)
    row.update(
        document_id=doc_id,
        sha256=doc_id.split("#")[0],
        source_file=source,
        first_page=1,
        last_page=1,
        doc_type="quality_document",
        doc_number="123",
        issue_date=D(2026, 3, 1),
        manufacturer="ООО «Бетон»",
        product_name="Бетонная смесь B25",
        status="ok",
        family="quality_document",
        field_confidence=json.dumps(CONFIDENT),
    )
    row.update(fields)
    return row


def documents(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=tables.DOCUMENT_COLUMNS)


def works() -> pd.DataFrame:
    rows = [
        {
            "act_number": "1",
            "work_name": "Работы",
            "start_date": D(2026, 3, 1),
            "end_date": D(2026, 3, 10),
        }
    ]
    return pd.DataFrame(rows, columns=tables.WORK_COLUMNS)


def materials(*names: str) -> pd.DataFrame:
    rows = [
        {
            "act_number": "1",
            "material": name,
            "quantity": None,
            "unit": None,
            "sheet_row": i + 2,
            "line_no": i + 1,
        }
        for i, name in enumerate(names)
    ]
    return pd.DataFrame(rows, columns=tables.MATERIAL_COLUMNS)


def doubtful() -> pd.DataFrame:
    """A needs_review passport (date unread, number doubtful), an ok one, a split scan."""
    confidence = dict(CONFIDENT, doc_number=0.35)
    return documents(
        document(
            "s1",
            "Паспорта/бетон.pdf",
            status="needs_review",
            issue_date=None,
            doc_number="I2З",
            field_confidence=json.dumps(confidence),
            error="Не найдены реквизиты: дата документа. Сверьте с оригиналом.",
        ),
        document(
            "s2",
            "Паспорта/хороший.pdf",
            doc_number="??",
            field_confidence=json.dumps(dict(CONFIDENT, doc_number=0.1)),
        ),
        document(
            "s3#p2-3",
            "Скан.pdf",
            first_page=2,
            last_page=3,
            status="needs_review",
            manufacturer=None,
            batch_number=None,
        ),
    )


def coverage() -> pd.DataFrame:
    """One unconfirmed line (a mastic declaration of another make), one missing line."""
    docs = documents(
        document(
            "d1",
            "Декларации/мастика.pdf",
            doc_type="conformity_declaration",
            family="conformity_declaration",
            doc_number="ЕАЭС N RU Д-1",
            product_name="Мастика гидроизоляционная «Гидромаст»",
            issue_date=D(2025, 1, 1),
            valid_to=D(2028, 1, 1),
        ),
        document(
            "q1", "Паспорта/b30.pdf", product_name="Бетонная смесь B30", issue_date=D(2026, 3, 2)
        ),
    )
    result, _ = match_materials(
        works(), materials("Мастика битумная кровельная", "Бетон В25"), docs
    )
    assert result["status"].tolist() == ["unconfirmed", "missing"]
    return result


def table(sheet: Worksheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def column(sheet: Worksheet, header: str) -> str:
    return next(c.column_letter for c in sheet[1] if c.value == header)


def written(tmp_path: Path, docs=None, cov=None, corrections: Path | None = None):
    path = tmp_path / "out" / "review.xlsx"
    path.parent.mkdir(exist_ok=True)
    counts = write_review(
        path,
        doubtful() if docs is None else docs,
        coverage() if cov is None else cov,
        corrections or tmp_path / "none.xlsx",
    )
    return path, counts


def test_sheets_headers_and_layout(tmp_path: Path) -> None:
    path, _ = written(tmp_path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Реквизиты", "Сопоставление"]
    fields, decisions = workbook["Реквизиты"], workbook["Сопоставление"]
    assert [c.value for c in fields[1]][:5] == [
        "Файл",
        "Поле",
        "Значение",
        "Комментарий",
        "Прочитано",
    ]
    assert [c.value for c in decisions[1]][:5] == [
        "№ акта",
        "Материал",
        "Файл",
        "Решение",
        "Комментарий",
    ]
    for sheet in (fields, decisions):
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2")
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert all((sheet.column_dimensions[c].width or 0) >= 9 for c in "ABCDE")
    assert not list(path.parent.glob("*.tmp*")), "a temporary file was left behind"


def test_validation_lists_on_field_and_decision(tmp_path: Path) -> None:
    path, _ = written(tmp_path)
    workbook = load_workbook(path)
    for sheet_name, header, expected in (
        ("Реквизиты", "Поле", list(field_labels().values())),
        ("Сопоставление", "Решение", ["подтвердить", "отклонить"]),
    ):
        sheet = workbook[sheet_name]
        letter = column(sheet, header)
        rules = [
            v
            for v in sheet.data_validations.dataValidation
            if v.type == "list" and f"{letter}2" in str(v.sqref).split(":")[0]
        ]
        assert len(rules) == 1, sheet_name
        formula = rules[0].formula1
        assert len(formula) <= 257, "Excel refuses list validations over 255 characters"
        for choice in expected:
            assert choice.split(",")[0] in formula


def test_only_doubtful_fields_of_needs_review_documents(tmp_path: Path) -> None:
    path, counts = written(tmp_path)
    rows = table(load_workbook(path)["Реквизиты"])
    got = {(r["Файл"], r["Поле"], r["Прочитано"]) for r in rows}
    assert got == {
        ("Паспорта/бетон.pdf", "дата документа", "(не прочитано)"),
        ("Паспорта/бетон.pdf", "номер документа", "I2З"),
        ("Скан.pdf#p2-3", "изготовитель", "(не прочитано)"),
    }
    number = next(r for r in rows if r["Поле"] == "номер документа")
    assert number["Уверенность"] == 0.35
    assert "дата документа" in number["Что проверить"]
    assert all(r["Значение"] is None and r["Комментарий"] is None for r in rows)
    assert counts["fields"] == 3


def test_unconfirmed_candidates_and_missing_lines_listed(tmp_path: Path) -> None:
    path, counts = written(tmp_path)
    rows = table(load_workbook(path)["Сопоставление"])
    assert counts["decisions"] == len(rows) == 2
    unconfirmed, missing = rows
    assert unconfirmed["Материал"] == "Мастика битумная кровельная"
    assert unconfirmed["Файл"] == "Декларации/мастика.pdf"
    assert unconfirmed["Статус строки"] == "не подтверждено"
    assert "Гидромаст" in unconfirmed["Продукция в документе"]
    assert (
        "нет совпадающих отличительных признаков"
        in unconfirmed["Чего не хватает / почему отклонён"]
    )
    assert unconfirmed["Решение"] is None
    assert missing["Материал"] == "Бетон В25"
    assert missing["Статус строки"] == "нет документа"
    assert missing["Файл"] == "Паспорта/b30.pdf"
    assert "B30 ≠ B25" in missing["Чего не хватает / почему отклонён"]


def test_covered_lines_and_ok_documents_are_not_listed(tmp_path: Path) -> None:
    docs = documents(document("q1", "Паспорта/b25.pdf", product_name="Бетонная смесь B25"))
    cov, _ = match_materials(works(), materials("Бетон В25"), docs)
    assert cov["status"].tolist() == ["covered"]
    path, counts = written(tmp_path, docs, cov)
    assert counts == {"fields": 0, "decisions": 0}
    workbook = load_workbook(path)
    assert table(workbook["Реквизиты"]) == [] and table(workbook["Сопоставление"]) == []


def test_text_starting_with_equals_is_stored_as_text(tmp_path: Path) -> None:
    confidence = dict(CONFIDENT, doc_number=0.2)
    docs = documents(
        document(
            "s1",
            "=cmd.pdf",
            status="needs_review",
            doc_number="=1+2",
            field_confidence=json.dumps(confidence),
            error='=HYPERLINK("http://x")',
        )
    )
    cov = coverage().astype(object)
    cov.loc[0, "product_name"] = "=SUM(A1:A9)"
    path, _ = written(tmp_path, docs, cov)
    workbook = load_workbook(path)
    cells = [c for row in workbook["Реквизиты"].iter_rows(min_row=2) for c in row if c.value]
    cells += [c for row in workbook["Сопоставление"].iter_rows(min_row=2) for c in row if c.value]
    texts = {c.value: c.data_type for c in cells if str(c.value).startswith("=")}
    assert set(texts) >= {"=cmd.pdf", "=1+2", '=HYPERLINK("http://x")', "=SUM(A1:A9)"}
    assert set(texts.values()) == {"s"}


def fill(path: Path, answers: dict[tuple[str, str], dict[str, str]]) -> None:
    """Type answers into review.xlsx: (sheet, key text in column B) -> {header: value}."""
    workbook = load_workbook(path)
    for (sheet_name, key), values in answers.items():
        sheet = workbook[sheet_name]
        headers = {c.value: c.column for c in sheet[1]}
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == key)
        for header, value in values.items():
            sheet.cell(row, headers[header], value)
    workbook.save(path)


def test_round_trip_gives_exactly_the_filled_answers(tmp_path: Path) -> None:
    path, _ = written(tmp_path)
    fill(
        path,
        {
            ("Реквизиты", "дата документа"): {
                "Значение": "05.03.2026",
                "Комментарий": "по оригиналу",
            },
            ("Реквизиты", "изготовитель"): {"Значение": "нет"},
            ("Сопоставление", "Мастика битумная кровельная"): {"Решение": "отклонить"},
        },
    )
    corrections = tmp_path / "corrections.xlsx"
    shutil.copy(path, corrections)
    result = read_corrections(corrections)
    assert not result.findings
    assert sorted((f.file, f.field, f.value, f.comment) for f in result.fields) == [
        ("Паспорта/бетон.pdf", "issue_date", D(2026, 3, 5), "по оригиналу"),
        ("Скан.pdf#p2-3", "manufacturer", None, ""),
    ]
    assert [(d.act_number, d.material, d.file, d.confirm) for d in result.decisions] == [
        ("1", "Мастика битумная кровельная", "Декларации/мастика.pdf", False)
    ]


def test_earlier_answers_carried_over_even_when_they_match_nothing(tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Реквизиты"
    sheet.append(["Файл", "Поле", "Значение", "Комментарий"])
    sheet.append(["паспорта/БЕТОН.pdf", "issue_date", "05.03.2026", "сверено"])  # matches
    sheet.append(["Старое/удалён.pdf", "номер документа", "=A1", ""])  # matches nothing
    decisions = workbook.create_sheet("Сопоставление")
    decisions.append(["№ акта", "Материал", "Файл", "Решение", "Комментарий"])
    decisions.append(
        ["1", "Мастика битумная кровельная", "Декларации/мастика.pdf", "подтвердить", ""]
    )
    decisions.append(["7", "Песок", "Старое/песок.pdf", "отклонить", "не тот карьер"])
    workbook.save(corrections)

    path, counts = written(tmp_path, corrections=corrections)
    result = load_workbook(path)
    fields = table(result["Реквизиты"])
    dated = [r for r in fields if r["Поле"] == "дата документа"]
    assert len(dated) == 1, "an answer to a listed field fills that row, not a new one"
    assert dated[0]["Значение"] == "05.03.2026" and dated[0]["Комментарий"] == "сверено"
    assert dated[0]["Прочитано"] == "(не прочитано)"
    orphan = next(r for r in fields if r["Файл"] == "Старое/удалён.pdf")
    assert orphan["Значение"] == "=A1"
    decided = table(result["Сопоставление"])
    assert [r["Решение"] for r in decided] == ["подтвердить", None, "отклонить"]
    assert decided[2]["Комментарий"] == "не тот карьер"
    assert counts == {"fields": 4, "decisions": 3}

    # Saved again as corrections.xlsx, no earlier answer is lost.
    shutil.copy(path, corrections)
    again = read_corrections(corrections)
    assert not again.findings
    assert {(f.file, f.field, f.value) for f in again.fields} == {
        ("Паспорта/бетон.pdf", "issue_date", D(2026, 3, 5)),
        ("Старое/удалён.pdf", "doc_number", "=A1"),
    }
    assert sorted((d.act_number, d.confirm) for d in again.decisions) == [("1", True), ("7", False)]


def test_answers_close_the_loop_through_matching(tmp_path: Path) -> None:
    """Confirm the candidate and the nearest document of the missing line (its class misread)."""
    docs = documents(
        document(
            "d1",
            "Декларации/мастика.pdf",
            doc_type="conformity_declaration",
            family="conformity_declaration",
            doc_number="ЕАЭС N RU Д-1",
            product_name="Мастика гидроизоляционная «Гидромаст»",
            issue_date=D(2025, 1, 1),
            valid_to=D(2028, 1, 1),
        ),
        document(
            "q1", "Паспорта/b30.pdf", product_name="Бетонная смесь B30", issue_date=D(2026, 3, 2)
        ),
    )
    lines = materials("Мастика битумная кровельная", "Бетон В25")
    before, _ = match_materials(works(), lines, docs)
    path, _ = written(tmp_path, docs, before)
    fill(
        path,
        {
            ("Сопоставление", "Мастика битумная кровельная"): {"Решение": "подтвердить"},
            ("Сопоставление", "Бетон В25"): {"Решение": "подтвердить"},
        },
    )
    corrections = tmp_path / "corrections.xlsx"
    shutil.copy(path, corrections)
    inbox = pd.DataFrame(
        [
            dict.fromkeys(tables.FILE_COLUMNS) | {"source_file": f, "sha256": s}
            for f, s in (("Декларации/мастика.pdf", "d1"), ("Паспорта/b30.pdf", "q1"))
        ],
        columns=tables.FILE_COLUMNS,
    )
    decisions, stale = resolve_decisions(read_corrections(corrections), lines, docs, inbox)
    assert not stale
    after, findings = match_materials(works(), lines, docs, decisions)
    assert after["status"].tolist() == ["covered", "covered"]
    assert after["decided_by"].tolist() == ["engineer", "engineer"]
    assert not [f for f in findings if f.code in ("UNCONFIRMED_MATCH", "MISSING_QUALITY_DOC")]
    # The next review lists nothing new, and keeps both answers.
    again, counts = written(tmp_path, docs, after, corrections)
    rows = table(load_workbook(again)["Сопоставление"])
    assert [r["Решение"] for r in rows] == ["подтвердить", "подтвердить"]
    assert counts["decisions"] == 2


def test_unreadable_corrections_file_does_not_stop_the_review(tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.xlsx"
    corrections.write_text("это не книга Excel", encoding="utf-8")
    path, counts = written(tmp_path, corrections=corrections)
    assert counts == {"fields": 3, "decisions": 2}
    assert load_workbook(path).sheetnames == ["Реквизиты", "Сопоставление"]


def test_unclassified_document_asks_for_its_type(tmp_path: Path) -> None:
    unclassified = document(
        "s9",
        "Прочее/скан.pdf",
        doc_type="other",
        family="other",
        status="needs_review",
        error="Тип документа не определён. Сверьте с оригиналом.",
        field_confidence=json.dumps({"doc_type": 0.5}),
    )
    path, _ = written(tmp_path, documents(unclassified), coverage())
    rows = table(load_workbook(path)["Реквизиты"])
    assert [(r["Файл"], r["Поле"]) for r in rows] == [("Прочее/скан.pdf", "тип документа")]
