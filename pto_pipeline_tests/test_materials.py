"""Normalisation of material names and document products (SPEC §5)."""

from __future__ import annotations

import pytest

from pto_pipeline.domain.materials import (
    compare,
    convert_quantity,
    extract_standards,
    normalize_unit,
    profile,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Бетонная смесь БСТ В25 П4 F150 W6", "concrete"),
        ("Блок газобетонный D500 B2,5", "block"),
        ("Сетка арматурная 100х100х4", "mesh"),
        ("Раствор цементно-песчаный М150", "mortar"),
        ("Песок для строительных работ", "sand"),
        ("Щебень фр. 20-40", "crushed_stone"),
        ("Прокат арматурный A500C", "rebar"),
        ("Труба ПЭ100 SDR17 110х6,6", "pipe"),
        ("Кирпич керамический полнотелый М150", "brick"),
        ("Фиксатор арматуры «Стульчик»", "fixings"),
        ("Изделие непонятное", None),
    ],
)
def test_kind_of_material(text: str, kind: str | None) -> None:
    assert profile(text).kind == kind


def test_kind_from_standard_when_the_name_is_silent() -> None:
    assert profile("Смесь БСТ", "ГОСТ 7473-2010").kind == "concrete"


def test_concrete_grades_with_decimal_comma_and_latin_or_cyrillic_letters() -> None:
    latin = profile("Бетон B22,5 F150 W6 П4")
    cyrillic = profile("Бетон В22.5 F150 W6 П4")
    assert latin.labels["concrete_class"] == ("B22,5",)
    assert latin.numeric == cyrillic.numeric
    assert latin.labels["frost"] == ("F150",)
    assert latin.labels["water"] == ("W6",)
    assert latin.labels["mobility"] == ("П4",)


def test_preposition_v_is_not_a_concrete_class() -> None:
    assert "concrete_class" not in profile("Бетонирование в 2 захватки").numeric


@pytest.mark.parametrize(
    "text",
    [
        "Арматура А500С Ø16",
        "Арматура A500C d16",
        "Арматура А500С ф16",
        "Прокат арматурный класса А500С диаметром 16 мм",
        "Арматура A500C 16 мм",
    ],
)
def test_rebar_class_and_diameter_in_every_spelling(text: str) -> None:
    rebar = profile(text)
    assert rebar.discrete["rebar_class"] == frozenset({"A500C"})
    assert rebar.numeric["diameter"] == ((16.0, 16.0),)


def test_old_rebar_class_names() -> None:
    assert profile("Арматура A-III ф12").discrete["rebar_class"] == frozenset({"A400"})
    assert profile("Арматура А240 ф8").discrete["rebar_class"] == frozenset({"A240"})


def test_pipe_size_sdr_and_material() -> None:
    pipe = profile("Труба ПЭ100 SDR17 110х6,6 ГОСТ 18599-2001")
    assert pipe.labels["size"] == ("110х6,6",)
    assert pipe.labels["sdr"] == ("SDR17",)
    assert pipe.discrete["pipe_grade"] == frozenset({"ПЭ100"})
    assert pipe.numeric["diameter"] == ((110.0, 110.0),)  # outer diameter from the size


def test_brick_grade_and_brand_in_quotes() -> None:
    brick = profile("Кирпич «Ломинцевский» М150")
    assert brick.labels["grade"] == ("М150",)
    assert brick.brands == ("Ломинцевский",)
    # A manufacturer in quotes after ООО is not a brand.
    assert profile("Кирпич М150 ООО «Завод»").brands == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ГОСТ 7473-2010", "ГОСТ 7473"),
        ("ГОСТ 7473", "ГОСТ 7473"),
        ("ГОСТ 8267-93", "ГОСТ 8267"),
        ("ГОСТ Р 52544-2006", "ГОСТ Р 52544"),
        ("ТУ 5745-001-12345678-2015", "ТУ 5745-001-12345678"),
        ("ГOCT 34028-2016", "ГОСТ 34028"),  # Latin look-alikes from OCR
        ("ГОСТ 8267-3", "ГОСТ 8267"),  # a year with a digit lost in OCR
    ],
)
def test_standard_numbers_with_or_without_year(text: str, expected: str) -> None:
    assert extract_standards(text) == frozenset({expected})


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("м3", "м3"),
        ("м³", "м3"),
        ("куб.м", "м3"),
        ("M3", "м3"),
        ("т", "т"),
        ("тн", "т"),
        ("шт.", "шт"),
        ("м2", "м2"),
        ("кв.м", "м2"),
        ("", None),
        (None, None),
    ],
)
def test_units(unit: str | None, expected: str | None) -> None:
    assert normalize_unit(unit) == expected


def test_quantity_conversion_between_kilograms_and_tonnes() -> None:
    assert convert_quantity(1500, "кг", "т") == pytest.approx(1.5)
    assert convert_quantity(2, "м³", "м3") == 2
    assert convert_quantity(2, "м3", "т") is None


@pytest.mark.parametrize(
    ("line", "document", "conflict"),
    [
        ("Бетон В25 F150 W6", "Бетонная смесь БСТ B30 П4 F150 W6", "класс B30 ≠ B25"),
        ("Арматура А500С Ø16", "Арматура A500C Ø12", "диаметр Ø12 ≠ Ø16"),
        ("Арматура А500С Ø16", "Арматура А240 Ø16", "класс арматуры А240 ≠ А500С"),
        ("Кирпич М150", "Кирпич керамический М100", "марка М100 ≠ М150"),
        ("Труба ПЭ100 SDR17 110х6,6", "Труба ПЭ100 SDR11 110х10", "SDR SDR11 ≠ SDR17"),
        ("Песок ГОСТ 8736-2014", "Песок ГОСТ 31424-2010", "стандарт ГОСТ 31424 ≠ ГОСТ 8736"),
        ("Песок", "Щебень", "вид материала: щебень ≠ песок"),
    ],
)
def test_a_conflicting_key_attribute_rules_out_a_match(
    line: str, document: str, conflict: str
) -> None:
    result = compare(profile(line), profile(document))
    assert not result.accepted
    assert conflict in result.reason
    assert result.reason.endswith("— отклонён")


@pytest.mark.parametrize(
    ("line", "document"),
    [
        ("Арматура А500С Ø16", "Прокат арматурный класса A500C диаметром 16 мм"),
        ("Бетон В25", "Бетонные смеси БСТ классов В7,5–В40"),  # a declaration for a range
        ("Гидроизоляция «Техноэласт ЭПП»", "Материал рулонный «Техноэласт» ЭПП"),
        ("Песок для строительных работ ГОСТ 8736-2014", "Песок природный ГОСТ 8736"),
        ("Труба ПЭ100 SDR17 Ø110", "Труба напорная PE 100 SDR 17 110х6,6"),
    ],
)
def test_the_same_material_written_differently_matches(line: str, document: str) -> None:
    result = compare(profile(line), profile(document))
    assert result.accepted, result.reason
    assert 0 < result.score <= 1


def test_batch_document_without_a_readable_grade_is_not_matched_on_standard_alone() -> None:
    line = profile("Бетонная смесь БСТ В25 П4 F150 W6", "ГОСТ 7473-2010")
    unreadable_passport = profile("", "ГОСТ 7473-2010")
    result = compare(line, unreadable_passport, batch=True)
    assert not result.accepted
    assert "не прочитаны" in result.reason and "класс" in result.reason
    # A certificate for a family of mixes legitimately names no class.
    assert compare(line, profile("Смеси бетонные", "ГОСТ 7473-2010")).accepted
    # A passport that states the class still matches.
    assert compare(line, profile("БСТ В25 П4", "ГОСТ 7473-2010"), batch=True).accepted
