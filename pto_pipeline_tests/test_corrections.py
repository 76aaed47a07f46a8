"""The engineer's corrections.xlsx: reading, bad rows, field corrections, decisions (SPEC §5a)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook

from pto_pipeline.domain import tables
from pto_pipeline.domain.corrections import (
    apply_field_corrections,
    document_ids_by_file,
    read_corrections,
    resolve_decisions,
    resolve_file,
)

D = dt.date
FIELD_HEADER = ["Файл", "Поле", "Значение", "Комментарий"]
DECISION_HEADER = ["№ акта", "Материал", "Файл", "Решение", "Комментарий"]


def book(
    path: Path,
    fields: list[list] | None = None,
    decisions: list[list] | None = None,
    *,
    field_header: list[str] | None = None,
    extra: dict[str, list[list]] | None = None,
) -> Path:
    """A corrections workbook; None for a sheet leaves that sheet out."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if fields is not None:
        sheet = workbook.create_sheet("Реквизиты")
        sheet.append(field_header or FIELD_HEADER)
        for row in fields:
            sheet.append(row)
    if decisions is not None:
        sheet = workbook.create_sheet("Сопоставление")
        sheet.append(DECISION_HEADER)
        for row in decisions:
            sheet.append(row)
    for name, rows in (extra or {}).items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def stale(corrections) -> list[str]:
    return [f.message for f in corrections.findings if f.code == "STALE_CORRECTION"]


def only_stale(corrections) -> str:
    messages = stale(corrections)
    assert len(messages) == 1, messages
    return messages[0]


def document(doc_id: str, source: str, **fields) -> dict:
    row = dict.fromkeys(tables.DOCUMENT_COLUMNS)
    sha = doc_id.split("#")[0]
    row.update(
        document_id=doc_id,
        sha256=sha,
        source_file=source,
        doc_type="quality_document",
        doc_number="123",
        issue_date=D(2026, 3, 1),
        manufacturer="ООО «Бетон»",
        product_name="Бетон B25",
        status="ok",
        family="quality_document",
        field_confidence=json.dumps(
            {
                k: 0.9
                for k in ("doc_type", "doc_number", "issue_date", "manufacturer", "product_name")
            }
        ),
    )
    row.update(fields)
    return row


def documents(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=tables.DOCUMENT_COLUMNS)


def files(*pairs: tuple[str, str]) -> pd.DataFrame:
    rows = [
        dict.fromkeys(tables.FILE_COLUMNS) | {"source_file": f, "sha256": s, "status": "processed"}
        for f, s in pairs
    ]
    return pd.DataFrame(rows, columns=tables.FILE_COLUMNS)


# --- reading ---------------------------------------------------------------------------


def test_missing_file_is_no_corrections(tmp_path: Path) -> None:
    result = read_corrections(tmp_path / "corrections.xlsx")
    assert result.empty and not result.findings


def test_text_named_xlsx_is_one_finding_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "corrections.xlsx"
    path.write_bytes("Файл;Поле;Значение\nа.pdf;номер;1\n".encode())
    result = read_corrections(path)
    assert result.empty
    assert "не читается как книга Excel" in only_stale(result)


def test_zip_that_is_not_a_workbook_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "corrections.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    result = read_corrections(path)
    assert result.empty
    assert "corrections.xlsx" in only_stale(result)


def test_russian_labels_and_keys_both_accepted(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [
            ["a.pdf", "номер документа", "П-17", ""],
            ["a.pdf", "issue_date", "05.03.2026", "по оригиналу"],
            ["b.pdf", "Дата документа", dt.datetime(2026, 3, 7), ""],
            ["b.pdf", "количество", "12,5 м3", ""],
            ["b.pdf", "тип документа", "декларация о соответствии", ""],
        ],
    )
    result = read_corrections(path)
    assert not result.findings
    got = {(f.file, f.field): f.value for f in result.fields}
    assert got == {
        ("a.pdf", "doc_number"): "П-17",
        ("a.pdf", "issue_date"): D(2026, 3, 5),
        ("b.pdf", "issue_date"): D(2026, 3, 7),
        ("b.pdf", "quantity"): 12.5,
        ("b.pdf", "unit"): "м3",  # typed with the quantity
        ("b.pdf", "doc_type"): "conformity_declaration",
    }
    assert (
        next(f for f in result.fields if f.field == "issue_date" and f.file == "a.pdf").comment
        == "по оригиналу"
    )


def test_formula_typed_value_is_taken_as_text(tmp_path: Path) -> None:
    path = book(tmp_path / "c.xlsx", [["a.pdf", "номер документа", "=A1+1", ""]])
    # openpyxl stores a string starting with '=' as a formula: check the premise.
    assert load_workbook(path)["Реквизиты"]["C2"].data_type == "f"
    result = read_corrections(path)
    assert not result.findings
    assert [f.value for f in result.fields] == ["=A1+1"]


def test_absent_words_and_empty_hand_row_mean_truly_absent(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [
            ["a.pdf", "номер партии", "нет", ""],
            ["a.pdf", "окончание срока действия", "Отсутствует", ""],
            ["a.pdf", "стандарт", None, "в документе нет"],
        ],
    )
    result = read_corrections(path)
    assert not result.findings
    assert {(f.field, f.value) for f in result.fields} == {
        ("batch_number", None),
        ("valid_to", None),
        ("standard", None),
    }


def test_unanswered_review_rows_are_ignored(tmp_path: Path) -> None:
    header = ["Файл", "Поле", "Значение", "Комментарий", "Прочитано", "Уверенность"]
    path = book(
        tmp_path / "c.xlsx",
        [
            ["a.pdf", "номер документа", None, None, "П-1?", 0.4],
            ["a.pdf", "дата документа", None, None, "(не прочитано)", None],
            ["b.pdf", "номер документа", "77", None, "7?", 0.3],
        ],
        field_header=header,
    )
    result = read_corrections(path)
    assert not result.findings
    assert [(f.file, f.field, f.value) for f in result.fields] == [("b.pdf", "doc_number", "77")]


def test_bad_rows_name_sheet_and_row_and_others_still_apply(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [
            ["a.pdf", "номер документа", "1", ""],  # row 2: fine
            ["a.pdf", "цвет упаковки", "синий", ""],  # row 3: unknown field
            ["a.pdf", "дата документа", "тридцатое февраля", ""],  # row 4: no date
            ["a.pdf", "дата документа", "31.02.2026", ""],  # row 5: not in calendar
            ["b.pdf", "тип документа", "накладная", ""],  # row 6: unknown type
            ["b.pdf", "количество", "много", ""],  # row 7: not a number
            ["c.pdf", "стандарт", "ГОСТ 7473", ""],  # row 8: fine
        ],
    )
    result = read_corrections(path)
    assert [(f.file, f.field) for f in result.fields] == [
        ("a.pdf", "doc_number"),
        ("c.pdf", "standard"),
    ]
    messages = stale(result)
    assert len(messages) == 5
    for row, message in zip((3, 4, 5, 6, 7), messages, strict=True):
        assert f"лист «Реквизиты», строка {row}" in message
    assert "цвет упаковки" in messages[0]


def test_unknown_sheet_is_reported_known_sheets_still_read(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [["a.pdf", "номер документа", "1", ""]],
        extra={"Лист1": [["что-то"]]},
    )
    result = read_corrections(path)
    assert len(result.fields) == 1
    assert "«Лист1»" in only_stale(result)
    assert "неизвестный лист" in only_stale(result)


def test_missing_header_column_is_reported(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [["a.pdf", "номер документа", ""]],
        decisions=[["1", "Бетон B25", "a.pdf", "подтвердить", ""]],
        field_header=["Файл", "Поле", "Комментарий"],
    )
    result = read_corrections(path)
    assert not result.fields
    assert len(result.decisions) == 1
    message = only_stale(result)
    assert "лист «Реквизиты»" in message and "«Значение»" in message


def test_decisions_read_and_unanswered_ignored(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        decisions=[
            ["1", "Бетон B25", "a.pdf", "Подтвердить", ""],
            ["2", "Праймер", "b.pdf", "отклонить", "другой продукт"],
            ["3", "Мастика", "c.pdf", None, None],  # not answered yet
            ["4", "Песок", "d.pdf", "может быть", ""],  # row 5: not a decision
            ["5", None, "e.pdf", "подтвердить", ""],  # row 6: no material
        ],
    )
    result = read_corrections(path)
    assert [(d.act_number, d.confirm) for d in result.decisions] == [("1", True), ("2", False)]
    messages = stale(result)
    assert len(messages) == 2
    assert "лист «Сопоставление», строка 5" in messages[0] and "может быть" in messages[0]
    assert "лист «Сопоставление», строка 6" in messages[1]


def test_pair_decided_both_ways_applies_neither(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        decisions=[
            ["1", "Бетон B25", "a.pdf", "подтвердить", ""],
            ["2", "Песок", "b.pdf", "подтвердить", ""],
            ["1", "бетон b25", "A.PDF", "отклонить", ""],
        ],
    )
    result = read_corrections(path)
    assert [d.act_number for d in result.decisions] == ["2"]
    message = only_stale(result)
    assert "строка 4" in message and "строке 2" in message


def test_same_field_two_values_applies_neither_same_value_twice_is_fine(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [
            ["a.pdf", "номер документа", "1", ""],
            ["a.pdf", "номер документа", "2", ""],
            ["b.pdf", "дата документа", "05.03.2026", ""],
            ["b.pdf", "issue_date", dt.datetime(2026, 3, 5), ""],
        ],
    )
    result = read_corrections(path)
    assert {(f.file, f.field) for f in result.fields} == {("b.pdf", "issue_date")}
    message = only_stale(result)
    assert "строка 3" in message and "строке 2" in message


def test_contradiction_drops_every_row_of_the_field(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [
            ["a.pdf", "номер документа", "1", ""],
            ["a.pdf", "номер документа", "2", ""],
            ["a.pdf", "номер документа", "1", ""],
        ],
        decisions=[
            ["1", "Бетон B25", "a.pdf", "подтвердить", ""],
            ["1", "Бетон B25", "a.pdf", "отклонить", ""],
            ["1", "Бетон B25", "a.pdf", "подтвердить", ""],
        ],
    )
    result = read_corrections(path)
    assert result.fields == []
    assert result.decisions == []


# --- resolving files and applying field corrections -----------------------------------------


def needs_review_concrete() -> dict:
    return document(
        "s1",
        "поставки/паспорт.pdf",
        issue_date=None,
        status="needs_review",
        error="Не найдены реквизиты: дата документа. Сверьте с оригиналом.",
    )


def test_corrected_value_replaces_read_one_and_regrades_ok(tmp_path: Path) -> None:
    path = book(tmp_path / "c.xlsx", [["поставки/паспорт.pdf", "дата документа", "05.03.2026", ""]])
    docs = documents(needs_review_concrete())
    out, findings = apply_field_corrections(
        docs, files(("поставки/паспорт.pdf", "s1")), read_corrections(path)
    )
    assert not findings
    row = out.iloc[0]
    assert row["issue_date"] == D(2026, 3, 5)
    assert row["status"] == "ok"
    assert row["error"] is None
    assert row["corrected_fields"] == "issue_date"
    assert json.loads(row["field_confidence"])["issue_date"] == 1.0
    assert docs.iloc[0]["issue_date"] is None  # the input frame is not changed


def test_low_confidence_field_corrected_becomes_ok_other_doubt_keeps_review(
    tmp_path: Path,
) -> None:
    confidence = {
        "doc_type": 0.9,
        "doc_number": 0.3,
        "issue_date": 0.9,
        "manufacturer": 0.3,
        "product_name": 0.9,
    }
    one = document(
        "s1",
        "a.pdf",
        status="needs_review",
        doc_number="I23",
        field_confidence=json.dumps(confidence),
    )
    two = document(
        "s2",
        "b.pdf",
        status="needs_review",
        doc_number="I23",
        field_confidence=json.dumps(confidence),
    )
    path = book(
        tmp_path / "c.xlsx",
        [
            ["a.pdf", "номер документа", "123", ""],
            ["a.pdf", "изготовитель", "ООО «Бетон»", ""],
            ["b.pdf", "номер документа", "123", ""],
        ],
    )
    out, _ = apply_field_corrections(
        documents(one, two), files(("a.pdf", "s1"), ("b.pdf", "s2")), read_corrections(path)
    )
    assert out["status"].tolist() == ["ok", "needs_review"]
    assert out.iloc[0]["doc_number"] == "123"
    assert "изготовитель" in out.iloc[1]["error"]


def test_field_declared_absent_is_not_missing(tmp_path: Path) -> None:
    # A refusal letter requires a number; the engineer says it truly has none.
    letter = document(
        "s1",
        "a.pdf",
        doc_type="refusal_letter",
        family="refusal_letter",
        doc_number=None,
        status="needs_review",
    )
    path = book(tmp_path / "c.xlsx", [["a.pdf", "номер документа", "нет", ""]])
    out, findings = apply_field_corrections(
        documents(letter), files(("a.pdf", "s1")), read_corrections(path)
    )
    assert not findings
    assert out.iloc[0]["doc_number"] is None
    assert out.iloc[0]["status"] == "ok"


def test_file_not_in_inbox_is_stale_others_apply(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [
            ["нет/такого.pdf", "номер документа", "1", ""],
            ["поставки/паспорт.pdf", "дата документа", "05.03.2026", ""],
        ],
    )
    out, findings = apply_field_corrections(
        documents(needs_review_concrete()),
        files(("поставки/паспорт.pdf", "s1")),
        read_corrections(path),
    )
    assert out.iloc[0]["status"] == "ok"
    assert len(findings) == 1
    assert findings[0].code == "STALE_CORRECTION"
    assert "лист «Реквизиты», строка 2" in findings[0].message
    assert "нет/такого.pdf" in findings[0].message


def test_bare_name_backslashes_and_case_resolve_to_the_document(tmp_path: Path) -> None:
    docs = documents(document("s1", "поставки/Паспорт.PDF"))
    names = document_ids_by_file(files(("поставки/Паспорт.PDF", "s1")), docs)
    for given in ("поставки/Паспорт.PDF", "поставки\\паспорт.pdf", "паспорт.pdf"):
        assert resolve_file(given, names, "Реквизиты", 2) == ("s1", None), given


def test_split_file_parts_are_named_with_page_range() -> None:
    docs = documents(
        document("s1#p1-2", "скан.pdf", first_page=1, last_page=2),
        document("s1#p3-3", "скан.pdf", first_page=3, last_page=3),
    )
    names = document_ids_by_file(files(("скан.pdf", "s1")), docs)
    assert resolve_file("скан.pdf#p3-3", names, "Реквизиты", 2) == ("s1#p3-3", None)
    assert resolve_file("скан.pdf#P1-2", names, "Реквизиты", 2) == ("s1#p1-2", None)
    doc_id, problem = resolve_file("скан.pdf", names, "Реквизиты", 7)
    assert doc_id is None
    assert "строка 7" in problem.message
    assert "«скан.pdf#p1-2»" in problem.message and "«скан.pdf#p3-3»" in problem.message


def test_second_identical_upload_names_the_same_document(tmp_path: Path) -> None:
    path = book(tmp_path / "c.xlsx", [["повтор/копия.pdf", "дата документа", "05.03.2026", ""]])
    out, findings = apply_field_corrections(
        documents(needs_review_concrete()),
        files(("поставки/паспорт.pdf", "s1"), ("повтор/копия.pdf", "s1")),
        read_corrections(path),
    )
    assert not findings
    assert out.iloc[0]["issue_date"] == D(2026, 3, 5)


def test_same_bare_name_in_two_folders_is_ambiguous() -> None:
    docs = documents(document("s1", "а/паспорт.pdf"), document("s2", "б/паспорт.pdf"))
    names = document_ids_by_file(files(("а/паспорт.pdf", "s1"), ("б/паспорт.pdf", "s2")), docs)
    assert resolve_file("паспорт.pdf", names, "Реквизиты", 2)[0] is None
    assert resolve_file("б/паспорт.pdf", names, "Реквизиты", 2) == ("s2", None)


# --- match decisions -------------------------------------------------------------------


def register_lines(*lines: tuple[str, str]) -> pd.DataFrame:
    rows, counters = [], {}
    for act, material in lines:
        counters[act] = counters.get(act, 0) + 1
        rows.append(
            {
                "act_number": act,
                "material": material,
                "quantity": None,
                "unit": None,
                "sheet_row": len(rows) + 2,
                "line_no": counters[act],
            }
        )
    return pd.DataFrame(rows, columns=tables.MATERIAL_COLUMNS)


def test_resolve_decisions_keys_by_line_and_document(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        decisions=[
            ["2", "праймер битумный", "а/декларация.pdf", "подтвердить", ""],  # row 2
            ["1", "Мастика", "а/декларация.pdf", "отклонить", ""],  # row 3
            ["9", "Праймер битумный", "а/декларация.pdf", "подтвердить", ""],  # row 4: no act 9
            ["2", "Праймер битумный", "нет.pdf", "отклонить", ""],  # row 5: no file
        ],
    )
    lines = register_lines(("1", "Мастика"), ("2", "Бетон B25"), ("2", "Праймер битумный"))
    docs = documents(document("d1", "а/декларация.pdf"))
    decisions, findings = resolve_decisions(
        read_corrections(path), lines, docs, files(("а/декларация.pdf", "d1"))
    )
    assert decisions == {(("2", 2), "d1"): True, (("1", 1), "d1"): False}
    assert [f.code for f in findings] == ["STALE_CORRECTION", "STALE_CORRECTION"]
    assert "строка 4" in findings[0].message and "№ 9" in findings[0].message
    assert "строка 5" in findings[1].message and "нет.pdf" in findings[1].message


def test_header_below_a_title_row_gives_sheet_row_numbers(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Реквизиты"
    sheet["A1"] = "Исправления реквизитов"
    for col, value in enumerate(FIELD_HEADER, start=1):
        sheet.cell(3, col, value)
    sheet.append(["a.pdf", "номер документа", "1"])  # row 4
    sheet.append(["a.pdf", "чепуха", "1"])  # row 5
    workbook.save(tmp_path / "c.xlsx")
    result = read_corrections(tmp_path / "c.xlsx")
    assert [f.row for f in result.fields] == [4]
    assert "строка 5" in only_stale(result)


def test_two_values_under_two_names_of_one_document_apply_neither(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        [
            ["паспорт.pdf", "номер документа", "1", ""],
            ["Паспорта/паспорт.pdf", "номер документа", "2", ""],
        ],
    )
    out, findings = apply_field_corrections(
        documents(document("s1", "Паспорта/паспорт.pdf")),
        files(("Паспорта/паспорт.pdf", "s1")),
        read_corrections(path),
    )
    assert [f.code for f in findings] == ["STALE_CORRECTION"]
    assert out.iloc[0]["doc_number"] == "123"  # as read


def test_pair_decided_both_ways_under_two_file_names_is_reported(tmp_path: Path) -> None:
    path = book(
        tmp_path / "c.xlsx",
        decisions=[
            ["1", "Мастика", "декларация.pdf", "подтвердить", ""],
            ["1", "Мастика", "Декларации/декларация.pdf", "отклонить", ""],
        ],
    )
    decisions, findings = resolve_decisions(
        read_corrections(path),
        register_lines(("1", "Мастика")),
        documents(document("d1", "Декларации/декларация.pdf")),
        files(("Декларации/декларация.pdf", "d1")),
    )
    assert decisions == {}
    assert [f.code for f in findings] == ["STALE_CORRECTION"]


def test_quantity_correction_replaces_the_quantity(tmp_path: Path) -> None:
    path = book(tmp_path / "c.xlsx", [["a.pdf", "количество", "1 234,5", ""]])
    out, _ = apply_field_corrections(
        documents(document("s1", "a.pdf", quantity=12.0, unit="м3")),
        files(("a.pdf", "s1")),
        read_corrections(path),
    )
    assert out.iloc[0]["quantity"] == 1234.5
    assert out.iloc[0]["unit"] == "м3"


def test_unit_typed_with_the_quantity_is_not_lost(tmp_path: Path) -> None:
    path = book(tmp_path / "c.xlsx", [["a.pdf", "количество", "20 м3", ""]])
    out, findings = apply_field_corrections(
        documents(document("s1", "a.pdf", quantity=None, unit=None)),
        files(("a.pdf", "s1")),
        read_corrections(path),
    )
    assert not findings
    assert out.iloc[0]["quantity"] == 20.0
    assert out.iloc[0]["unit"] == "м3"
