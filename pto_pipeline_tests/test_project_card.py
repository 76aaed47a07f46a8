"""project.yaml (SPEC §2): loading never raises, blanks are reported by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from pto_pipeline.domain.project_card import ProjectCard, load_project_card, missing_fields

FULL_CARD = """
name: "Жилой дом. Корпус 2"
address: "г. Казань, ул. Сахарова, д. 12"
package_format: repeated
copies: 4
blocking_checks: true
organizations:
  developer: {name: "ООО «Заказчик»", ogrn: 1211600012345, inn: "1655456789",
              address: "г. Казань", phone: "+7 843 200-00-00",
              sro: {name: "СРО «Строители»", ogrn: 1091600001234, inn: 1655123456}}
  builder: {name: "ООО «Подрядчик»", ogrn: "1161690123456", inn: "1659876543",
            address: "г. Казань", phone: "+7 843 211-11-11", sro: "Ассоциация «СРО»"}
  designer: {name: "ООО «Проект»", ogrn: "1151690065432", inn: "1655333222",
             address: "г. Казань", phone: "+7 843 222-22-22"}
representatives:
  developer_control: {position: "Инженер", name: "Петров Пётр Петрович",
                      order: "приказ № 1 от 10.01.2026", nrs_id: "С-16-123456"}
  builder: {position: "Прораб", name: "Иванов И.И.", order: "приказ № 2 от 10.01.2026"}
  builder_control: {position: "Главный инженер", name: "Сидорова А.С.",
                    order: "приказ № 3 от 10.01.2026", nrs_id: "С-16-654321"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "project.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_card_loads_without_findings(tmp_path: Path) -> None:
    card, findings = load_project_card(write(tmp_path, FULL_CARD))
    assert findings == []
    assert card.package_format == "repeated"
    assert card.copies == 4
    assert card.blocking_checks is True
    assert card.organizations.developer.ogrn == "1211600012345"  # YAML int -> text
    assert card.organizations.developer.sro.inn == "1655123456"
    assert card.organizations.builder.sro.name == "Ассоциация «СРО»"  # one-line SRO
    assert card.performer_organization.name == "ООО «Подрядчик»"  # defaults to the builder
    assert card.representatives.designer is None


def test_defaults() -> None:
    card = ProjectCard()
    assert (card.package_format, card.copies, card.blocking_checks) == ("unified", 3, False)


@pytest.mark.parametrize(
    "text",
    [
        "name: [unclosed\n  address: x",
        "organizations:\n  developer: {name: a\n",
        "\tname: tab",
    ],
)
def test_bad_yaml_gives_an_empty_card_and_a_finding(tmp_path: Path, text: str) -> None:
    card, findings = load_project_card(write(tmp_path, text))
    assert card == ProjectCard()
    assert [f.code for f in findings] == ["PROJECT_CARD"]
    assert "ошибку YAML" in findings[0].message
    assert "строка" in findings[0].message


def test_missing_file(tmp_path: Path) -> None:
    card, findings = load_project_card(tmp_path / "project.yaml")
    assert card == ProjectCard()
    assert "Не найден файл карточки объекта" in findings[0].message


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n"])
def test_not_a_mapping(tmp_path: Path, text: str) -> None:
    card, findings = load_project_card(write(tmp_path, text))
    assert card == ProjectCard()
    assert [f.code for f in findings] == ["PROJECT_CARD"]


def test_empty_file_reports_every_required_field(tmp_path: Path) -> None:
    _, findings = load_project_card(write(tmp_path, ""))
    text = "\n".join(f.message for f in findings)
    assert {f.code for f in findings} == {"PROJECT_CARD"}
    assert "поле name — наименование объекта капитального строительства" in text
    assert "organizations.developer.ogrn — ОГРН застройщика (технического заказчика)" in text
    assert "representatives.builder_control.nrs_id — идентификационный номер в НРС" in text
    # Optional sections are not required.
    assert "representatives.designer" not in text
    assert "organizations.performer" not in text


def test_missing_field_is_named_in_russian(tmp_path: Path) -> None:
    text = FULL_CARD.replace('nrs_id: "С-16-123456"', 'nrs_id: ""')
    card, findings = load_project_card(write(tmp_path, text))
    assert [f.message for f in findings] == [
        "project.yaml: не заполнено поле representatives.developer_control.nrs_id — "
        "идентификационный номер в НРС представителя застройщика (технического заказчика) "
        "по вопросам строительного контроля. Заполните его: пока оно пустое, в актах "
        "остаётся пропуск."
    ]
    assert missing_fields(card) == [
        (
            "representatives.developer_control.nrs_id",
            "идентификационный номер в НРС представителя застройщика (технического "
            "заказчика) по вопросам строительного контроля",
        )
    ]


def test_wrong_values_fall_back_to_defaults_with_findings(tmp_path: Path) -> None:
    text = FULL_CARD.replace("copies: 4", "copies: три").replace(
        "package_format: repeated", "package_format: zip"
    )
    card, findings = load_project_card(write(tmp_path, text))
    assert card.copies == 3 and card.package_format == "unified"
    assert card.organizations.developer.name == "ООО «Заказчик»"  # the rest is kept
    text = "\n".join(f.message for f in findings)
    assert "поле copies" in text and "«три»" in text
    assert "поле package_format" in text


def test_section_of_the_wrong_shape(tmp_path: Path) -> None:
    text = FULL_CARD.replace(
        'builder: {position: "Прораб", name: "Иванов И.И.", order: "приказ № 2 от 10.01.2026"}',
        "builder: Иванов",
    )
    card, findings = load_project_card(write(tmp_path, text))
    assert card.representatives.builder.name == ""
    messages = "\n".join(f.message for f in findings)
    assert "representatives.builder" in messages
    assert "недопустимое значение «Иванов»" in messages


def test_impossible_ogrn_and_inn(tmp_path: Path) -> None:
    text = FULL_CARD.replace('inn: "1659876543"', 'inn: "12345"').replace(
        "ogrn: 1211600012345", "ogrn: 12"
    )
    _, findings = load_project_card(write(tmp_path, text))
    messages = [f.message for f in findings]
    assert any("ОГРН застройщика" in m and "13 цифр" in m for m in messages)
    assert any("ИНН лица, осуществляющего строительство" in m and "10 цифр" in m for m in messages)
