from pathlib import Path

from openpyxl import load_workbook

from pto_pipeline.domain.findings import Finding, findings_frame
from pto_pipeline.domain.findings_xlsx import NO_REMARKS, write_findings_xlsx

HEADERS = ["Важность", "Код", "Акт", "Материал", "Документ", "Файл", "Что сделать/Сообщение"]


def _findings():
    return findings_frame(
        [
            Finding("DUPLICATE_DOCUMENT", "Файл загружен дважды", source_file="b.pdf"),
            Finding("QUANTITY_SHORTFALL", "Документов на 5 м3 меньше", act_number="2"),
            Finding("MISSING_QUALITY_DOC", "Загрузите паспорт на арматуру", act_number="3"),
            Finding("EXPIRED_QUALITY_DOC", "Сертификат истёк", act_number="1", material="Бетон"),
        ],
        project_code="p1",
    )


def test_rows_sorted_by_severity_then_act_with_russian_headers(tmp_path: Path):
    target = tmp_path / "out" / "findings.xlsx"
    write_findings_xlsx(_findings(), target)

    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("ошибка", "1"),
        ("ошибка", "3"),
        ("предупреждение", "2"),
        ("информация", None),
    ]
    assert rows[1][3] == "Бетон"
    assert rows[1][6] == "Сертификат истёк"


def test_sheet_is_workable_filter_frozen_header_colours_wrap(tmp_path: Path):
    target = tmp_path / "findings.xlsx"
    write_findings_xlsx(_findings(), target)

    sheet = load_workbook(target).active
    assert sheet.auto_filter.ref == "A1:G5"
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=2, column=1).fill.fgColor.rgb.endswith("FFC7CE")  # error: red
    assert sheet.cell(row=4, column=1).fill.fgColor.rgb.endswith("FFEB9C")  # warning: yellow
    assert sheet.cell(row=2, column=7).alignment.wrap_text
    assert sheet.column_dimensions["G"].width >= 60


def test_empty_findings_still_write_a_sheet_saying_so(tmp_path: Path):
    target = tmp_path / "findings.xlsx"
    target.write_bytes(b"old content")
    write_findings_xlsx(findings_frame([]), target)

    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A2"].value == NO_REMARKS
    assert [p.name for p in tmp_path.iterdir()] == ["findings.xlsx"]  # no temp files left


def test_text_from_scans_and_registers_is_never_a_formula(tmp_path: Path):
    hostile = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("x")']
    findings = findings_frame(
        [
            Finding(
                "UNREADABLE_DOCUMENT",
                f"Не удалось прочитать {v}",
                source_file=v,
                material=v,
                act_number=v,
            )
            for v in hostile
        ],
        project_code="p1",
    )
    target = tmp_path / "findings.xlsx"
    write_findings_xlsx(findings, target)

    sheet = load_workbook(target).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert cells and all(c.data_type == "s" for c in cells)
    assert sorted(r[5] for r in sheet.iter_rows(min_row=2, values_only=True)) == sorted(hostile)
    risky = [c for c in cells if str(c.value)[0] in "=+-@"]
    assert risky and all(c.quotePrefix for c in risky)  # Excel keeps them text when edited


def test_control_characters_from_ocr_do_not_break_the_file(tmp_path: Path):
    findings = findings_frame(
        [Finding("UNREADABLE_DOCUMENT", "текст\x00с\x07мусором\x1b", source_file="a\x0b.pdf")],
        project_code="p1",
    )
    target = tmp_path / "findings.xlsx"
    write_findings_xlsx(findings, target)
    row = next(load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert row[6] == "текстсмусором" and row[5] == "a.pdf"
