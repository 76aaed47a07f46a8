"""The register against the specification (SPEC §10): identity, quantities, sheets."""

from __future__ import annotations

import pandas as pd

from pto_pipeline.corpus.rd_eval import identity
from pto_pipeline.domain.design.compare import (
    Reference,
    against_design,
    compare_register,
    references,
    with_sheet_titles,
)


def _spec(*lines: dict) -> pd.DataFrame:
    base = {
        "code": "1-КЖ1",
        "sheet": "2",
        "position": "1",
        "type_mark": "",
        "mass": None,
        "section": "",
    }
    return pd.DataFrame([base | line for line in lines])


def _register(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        [{"act_number": a, "material": m, "quantity": q, "unit": u} for a, m, q, u in rows]
    )


def test_references_name_codes_and_sheet_ranges() -> None:
    assert references("Шифр 118-2025-КЖ1, листы 5–9; ООО «ПИ»") == [
        Reference("118-2025-КЖ1", ("5", "6", "7", "8", "9"))
    ]
    assert references("118-2025-KЖ0 л. 3, 4, 118-2025-АР лист 14") == [
        Reference("118-2025-КЖ0", ("3", "4")),  # a Latin K read as the Cyrillic one
        Reference("118-2025-АР", ("14",)),
    ]
    assert references("по проекту") == []


def test_other_wording_is_in_the_design_and_kilograms_meet_tonnes() -> None:
    spec = _spec(
        {
            "name": "Арматура периодического профиля класса А500С диаметром 16 мм",
            "unit": "кг",
            "quantity": 9150.0,
        }
    )
    register = _register(
        ("2", "Арматура А500С Ø16", 8.6, "т"), ("3", "Арматура A500C ф16", 0.5, "т")
    )
    frame, findings = compare_register(register, spec)
    assert findings == []
    [row] = frame.to_dict("records")
    assert row["status"] == "matched" and row["unit"] == "кг"
    assert row["register_quantity"] == 9100.0 and row["design_quantity"] == 9150.0


def test_total_over_all_acts_above_the_design_is_over_design() -> None:
    spec = _spec({"name": "Бетон В25 F150 W6", "unit": "м3", "quantity": 30.0})
    register = _register(
        ("3", "Бетонная смесь БСТ В25 П4 F150 W6", 24.0, "м3"),
        ("5", "Бетонная смесь БСТ В25 П4 F150 W6", 6.5, "м³"),
    )
    frame, findings = compare_register(register, spec)
    assert [f.code for f in findings] == ["OVER_DESIGN_QUANTITY"]
    assert "30,5 м3" in findings[0].message and "30 м3" in findings[0].message
    assert frame["status"].tolist() == ["over_design"]


def test_pieces_with_a_unit_mass_meet_a_mass_in_the_register() -> None:
    spec = _spec(
        {
            "name": "Ø12 А500С L=11700",
            "section": "Арматура",
            "unit": "шт",
            "quantity": 100.0,
            "mass": 10.39,
        }
    )
    frame, findings = compare_register(_register(("5", "Арматура А500С Ø12", 1.1, "т")), spec)
    assert [f.code for f in findings] == ["OVER_DESIGN_QUANTITY"]  # 1,1 t > 1,039 t
    assert frame["unit"].tolist() == ["т"]


def test_a_material_matching_two_positions_is_compared_with_their_sum() -> None:
    spec = _spec(
        {
            "name": "Песок для строительных работ",
            "type_mark": "ГОСТ 8736-2014",
            "unit": "м3",
            "quantity": 190.0,
        },
        {
            "name": "Песок средний",
            "type_mark": "ГОСТ 8736-2014",
            "unit": "м3",
            "quantity": 40.0,
            "code": "1-НВК",
            "sheet": "3",
        },
    )
    register = _register(
        ("1", "Песок ГОСТ 8736-2014", 180.0, "м3"), ("7", "Песок ГОСТ 8736-2014", 35.0, "м3")
    )
    frame, findings = compare_register(register, spec)
    assert findings == [] and frame["design_quantity"].tolist() == [230.0]


def test_another_brand_is_not_in_design() -> None:
    spec = _spec(
        {
            "name": "Материал рулонный наплавляемый",
            "type_mark": "Унифлекс ЭПП",
            "unit": "м2",
            "quantity": 65.0,
        }
    )
    frame, findings = compare_register(
        _register(("8", "Гидроизоляция наплавляемая «Бикрост ХПП»", 60.0, "м2")), spec
    )
    assert [(f.code, f.act_number) for f in findings] == [("NOT_IN_DESIGN", "8")]
    assert "согласование проектировщика" in findings[0].message
    assert frame["status"].tolist() == ["not_in_design"]


def test_named_sheets_missing_from_rd_and_titles_for_the_act() -> None:
    works = pd.DataFrame(
        [
            {"act_number": "1", "design_docs": "Шифр 1-КЖ1, листы 2, 3"},
            {"act_number": "2", "design_docs": "Шифр 1-АР, лист 1"},
            {"act_number": "3", "design_docs": None},
        ]
    )
    sheets = pd.DataFrame([{"code": "1-КЖ1", "sheet": "2", "title": "Спецификация материалов"}])
    design = {"has_rd": True, "lines": _spec(), "sheets": sheets, "findings": None}
    _, findings = against_design(works, _register(), design)
    assert {(f.code, f.act_number) for f in findings} == {
        ("RD_SHEET_NOT_FOUND", "1"),
        ("RD_SHEET_NOT_FOUND", "2"),
    }
    assert "лист 3" in next(f.message for f in findings if f.act_number == "1")
    titled = with_sheet_titles(works, sheets)
    assert titled["design_docs"][0] == (
        "Шифр 1-КЖ1, листы 2, 3 (1-КЖ1, л. 2 — «Спецификация материалов»)"
    )
    assert titled["design_docs"][1] == "Шифр 1-АР, лист 1"


def test_without_rd_nothing_is_reported() -> None:
    works = pd.DataFrame([{"act_number": "1", "design_docs": "Шифр 1-КЖ1, лист 2"}])
    design = {"has_rd": False, "lines": _spec(), "sheets": pd.DataFrame(), "findings": None}
    frame, findings = against_design(works, _register(("1", "Бетон В25", 1.0, "м3")), design)
    assert findings == [] and frame.empty


def test_other_wordings_never_give_not_in_design_and_substitutions_are_found() -> None:
    result = identity(seed=11, trials=15)
    assert result["false_not_in_design"] == 0
    assert result["substitutions_found"] >= 0.75 * result["substitutions"]
