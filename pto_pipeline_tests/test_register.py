"""Reading the work register (SPEC §3): formats, aliases and bad rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from pto_pipeline.domain import tables
from pto_pipeline.domain.register import read_register

D = dt.date
WORK_HEADER = [
    "№ акта",
    "Наименование работ",
    "Проектная документация",
    "Дата начала",
    "Дата окончания",
    "Выполнены в соответствии с",
    "Разрешается производство работ",
    "Исполнительные схемы и испытания",
    "Дата акта",
]
MATERIAL_HEADER = ["№ акта", "Материал", "Количество", "Ед. изм."]


def write_xlsx(
    path: Path, works: list[list], materials: list[list] | None, works_title: str = "Работы"
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = works_title
    for row in works:
        sheet.append(row)
    if materials is not None:
        other = workbook.create_sheet("Материалы")
        for row in materials:
            other.append(row)
    workbook.save(path / "works.xlsx")
    return path


def work(
    act, name="Устройство бетонной подготовки", start="01.03.2026", end="10.03.2026", act_date=None
) -> list:
    return [act, name, "12-КЖ", start, end, "СП 70.13330.2012", "Гидроизоляция", "ИС-1", act_date]


def messages(findings) -> list[str]:
    return [f.message for f in findings]


def test_good_register_with_excel_and_text_dates(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path,
        [
            WORK_HEADER,
            work("1", start=dt.datetime(2026, 3, 1), end="2026-03-10"),
            work(2, start="12.03.2026", end=46100, act_date="«21» марта 2026 г."),
        ],
        [
            MATERIAL_HEADER,
            ["1", "Бетон В25", "12,5", "м3"],
            [1, "Песок", 20, "м3"],
            ["2", "Арматура А500С Ø16", "1 234,5", "кг"],
        ],
    )
    works, materials, findings = read_register(tmp_path)
    assert findings == []
    assert list(works.columns) == tables.WORK_COLUMNS
    assert list(materials.columns) == tables.MATERIAL_COLUMNS
    first, second = works.to_dict("records")
    assert first["act_number"] == "1" and second["act_number"] == "2"
    assert first["start_date"] == D(2026, 3, 1) and first["end_date"] == D(2026, 3, 10)
    assert first["act_date"] == D(2026, 3, 10)  # defaults to the end date
    assert second["end_date"] == D(2026, 3, 19)  # Excel serial 46100
    assert second["act_date"] == D(2026, 3, 21)
    assert first["sheet_row"] == 2
    assert materials["quantity"].tolist() == [12.5, 20.0, 1234.5]
    assert materials["line_no"].tolist() == [1, 2, 1]
    assert materials["sheet_row"].tolist() == [2, 3, 4]


def test_headers_in_any_case_with_title_row_numbers_row_and_english_names(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Works"
    sheet.append(["Реестр скрытых работ — корпус 2"])
    sheet.append(["ACT NUMBER", "Work name", "  дата\nНАЧАЛА ", "End date", "design docs"])
    sheet.append([1, 2, 3, 4, 5])
    sheet.append(["5-КЖ", "Армирование", "01.03.2026", "05.03.2026", "КЖ1"])
    mats = workbook.create_sheet("Materials")
    mats.append(["act_number", "material", "qty", "unit"])
    mats.append(["5-кж", "Арматура", 1.5, "т"])
    workbook.save(tmp_path / "works.xlsx")
    works, materials, findings = read_register(tmp_path)
    assert findings == []
    assert works["act_number"].tolist() == ["5-КЖ"]
    assert works["sheet_row"].tolist() == [4]
    assert works["design_docs"].tolist() == ["КЖ1"]
    assert materials["act_number"].tolist() == ["5-КЖ"]  # the act's own spelling


def test_merged_cells_take_the_top_left_value(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path,
        [WORK_HEADER, work("1"), work("2")],
        [
            MATERIAL_HEADER,
            ["1", "Бетон В25", 5, "м3"],
            [None, "Песок", 3, "м3"],
            [None, "Щебень", 2, "м3"],
        ],
    )
    from openpyxl import load_workbook

    workbook = load_workbook(tmp_path / "works.xlsx")
    workbook["Материалы"].merge_cells("A2:A4")
    workbook.save(tmp_path / "works.xlsx")
    _, materials, findings = read_register(tmp_path)
    assert findings == []
    assert materials["act_number"].tolist() == ["1", "1", "1"]
    assert materials["line_no"].tolist() == [1, 2, 3]


def test_bad_rows_become_findings_with_sheet_and_row_and_the_rest_builds(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path,
        [
            WORK_HEADER,
            work("1"),  # row 2: good
            work("2", start="10.03.2026", end="01.03.2026"),  # row 3: end before start
            work("3", end="31.02.2026"),  # row 4: impossible date
            work("1"),  # row 5: duplicate act number
            work("4", start="вчера"),  # row 6: unparsable date
            [None, None, None, None, None, None, None, None, None],  # blank row: skipped
            work("5"),  # row 8: good
        ],
        [
            MATERIAL_HEADER,
            ["1", "Бетон В25", "много", "м3"],  # row 2: non-numeric quantity
            ["9", "Песок", 1, "м3"],  # row 3: unknown act
            ["3", "Щебень", 1, "м3"],  # row 4: act rejected above, no second finding
            ["5", "Песок", "2,5", "м3"],  # row 5: good
        ],
    )
    works, materials, findings = read_register(tmp_path)
    assert works["act_number"].tolist() == ["1", "5"]
    assert works["sheet_row"].tolist() == [2, 8]
    assert {f.code for f in findings} == {"INVALID_WORK"}
    text = messages(findings)
    assert len(text) == 6
    assert any(m.startswith("Лист «Работы», строка 3:") and "раньше даты начала" in m for m in text)
    assert any(
        m.startswith("Лист «Работы», строка 4:") and "31.02.2026" in m and "нет в календаре" in m
        for m in text
    )
    assert any(
        m.startswith("Лист «Работы», строка 5:") and "уже указан в строке 2" in m for m in text
    )
    assert any(m.startswith("Лист «Работы», строка 6:") and "«вчера»" in m for m in text)
    assert any(
        m.startswith("Лист «Материалы», строка 2:") and "«много»" in m and "укажите число" in m
        for m in text
    )
    assert any(m.startswith("Лист «Материалы», строка 3:") and "акту № 9" in m for m in text)
    # The material with a bad quantity stays in the act without a quantity.
    assert materials["material"].tolist() == ["Бетон В25", "Песок"]
    assert materials["quantity"].tolist() == [None, 2.5]


def test_missing_materials_sheet(tmp_path: Path) -> None:
    write_xlsx(tmp_path, [WORK_HEADER, work("1")], None)
    works, materials, findings = read_register(tmp_path)
    assert works["act_number"].tolist() == ["1"]
    assert materials.empty and list(materials.columns) == tables.MATERIAL_COLUMNS
    assert [f.code for f in findings] == ["INVALID_WORK"]
    assert "нет листа «Материалы»" in findings[0].message


def test_empty_register(tmp_path: Path) -> None:
    write_xlsx(tmp_path, [WORK_HEADER], [MATERIAL_HEADER])
    works, materials, findings = read_register(tmp_path)
    assert works.empty and materials.empty
    assert list(works.columns) == tables.WORK_COLUMNS
    assert ["реестр работ пуст" in m for m in messages(findings)] == [True]


def test_no_register_at_all(tmp_path: Path) -> None:
    works, materials, findings = read_register(tmp_path)
    assert works.empty and materials.empty
    assert "не найден works.xlsx" in findings[0].message


def test_corrupt_workbook(tmp_path: Path) -> None:
    (tmp_path / "works.xlsx").write_bytes(b"not a zip")
    works, _, findings = read_register(tmp_path)
    assert works.empty
    assert "не открывается" in findings[0].message


def test_missing_required_column(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path,
        [["№ акта", "Наименование работ", "Дата начала"], ["1", "x", "01.03.2026"]],
        [MATERIAL_HEADER],
    )
    works, _, findings = read_register(tmp_path)
    assert works.empty
    assert "«Дата окончания»" in findings[0].message


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("cp1251", ";"), ("utf-8", ","), ("utf-8-sig", ";")]
)
def test_csv_register(tmp_path: Path, encoding: str, delimiter: str) -> None:
    works_text = (
        delimiter.join(WORK_HEADER)
        + "\n"
        + delimiter.join(
            [
                "7",
                "Кладка стен",
                "АР-1",
                "12.03.2026",
                "2026-03-20",
                "СП 15",
                "Перекрытие",
                "ИС-7",
                "",
            ]
        )
        + "\n"
    )
    quantity = '"12,5"' if delimiter == "," else "12,5"
    materials_text = (
        delimiter.join(MATERIAL_HEADER)
        + "\n"
        + delimiter.join(["7", "Кирпич М150", quantity, "шт"])
        + "\n"
    )
    (tmp_path / "works.csv").write_bytes(works_text.encode(encoding))
    (tmp_path / "materials.csv").write_bytes(materials_text.encode(encoding))
    works, materials, findings = read_register(tmp_path)
    assert findings == []
    row = works.iloc[0]
    assert row["work_name"] == "Кладка стен"
    assert row["start_date"] == D(2026, 3, 12) and row["end_date"] == D(2026, 3, 20)
    assert materials["quantity"].tolist() == [12.5]
    assert materials["material"].tolist() == ["Кирпич М150"]


def test_csv_without_materials_file(tmp_path: Path) -> None:
    (tmp_path / "works.csv").write_text(
        ";".join(WORK_HEADER) + "\n1;Работы;;01.03.2026;02.03.2026;;;;\n", encoding="utf-8"
    )
    works, materials, findings = read_register(tmp_path)
    assert works["act_number"].tolist() == ["1"]
    assert materials.empty
    assert "materials.csv" in findings[0].message
    assert "Файл" not in findings[0].message or "works.csv" in findings[0].message
