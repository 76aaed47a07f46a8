from datetime import date
from pathlib import Path

import pytest

from pto_pipeline.domain.extraction import (
    FIELDS,
    classify_page,
    extract_document,
    score_requisites,
    split_pages,
)
from pto_pipeline.domain.extraction.numbers import find_numbers
from pto_pipeline.domain.extraction.rules import RULES_DIR, load_families
from pto_pipeline.domain.tables import REQUISITE_FIELDS

CERTIFICATE_FORMATS = ("ЕАЭС RU С-{A2}.{L2}{D2}.{L1}.{D5-6}/{D2}", "РОСС {A2}.{L2}{D2}.{L1}{D5}")
DECLARATION_FORMATS = ("ЕАЭС {N} RU Д-{A2}.{L2}{D2}.{L1}.{D5-6}/{D2}",)

CONCRETE_PASSPORT = """ООО «БетонСтрой»
420087, г. Казань, ул. Родина, д. 7
Декларация о соответствии ЕАЭС N RU Д-RU.РА01.В.71855/21 от 15.06.2021
ДОКУМЕНТ О КАЧЕСТВЕ БЕТОННОЙ СМЕСИ ЗАДАННОГО КАЧЕСТВА
партии № {number}
Дата и время отгрузки: {day}.03.2026 10:45
Условное обозначение смеси: БСТ В25 П4 F150 W6 ГОСТ 7473-2010
Объем партии, м3: 12,0
"""

CERTIFICATE_PAGE = """ЕВРАЗИЙСКИЙ ЭКОНОМИЧЕСКИЙ СОЮЗ
СЕРТИФИКАТ СООТВЕТСТВИЯ
№ ЕАЭС RU С-RU.НА46.В.01234/22
Серия RU № 0412987
ИЗГОТОВИТЕЛЬ АО «Завод ЖБИ-6»
ПРОДУКЦИЯ Изделия железобетонные для колодцев, см. приложение (бланк № 0123456)
СООТВЕТСТВУЕТ ТРЕБОВАНИЯМ ГОСТ 8020-2016
СРОК ДЕЙСТВИЯ С 14.03.2022 ПО 13.03.2027 ВКЛЮЧИТЕЛЬНО
"""

ANNEX_PAGE = """ЕВРАЗИЙСКИЙ ЭКОНОМИЧЕСКИЙ СОЮЗ
ПРИЛОЖЕНИЕ
к сертификату соответствия № ЕАЭС RU С-RU.НА46.В.01234/22
Серия RU № 0123456
Кольцо стеновое КС 10.9 | ГОСТ 8020-2016
Кольцо стеновое КС 15.9 | ГОСТ 8020-2016
"""


# --- registration numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("ЕАЭС RU С-RU.АЖ56.В.00954/21", "ЕАЭС RU С-RU.АЖ56.В.00954/21"),
        ("EAЭC RU C-RU.AЖ56.B.OO954/21", "ЕАЭС RU С-RU.АЖ56.В.00954/21"),  # Latin, O for 0
        ("ЕАЭС RU С-RU. АЖ56 .В.00954/ 21", "ЕАЭС RU С-RU.АЖ56.В.00954/21"),  # spacing
        ("ЕАЭС RU С-RU,АЖ56,В,00954l21", "ЕАЭС RU С-RU.АЖ56.В.00954/21"),  # , for . and l for /
        ("P0CC RU.AЯ52.H1OO51", "РОСС RU.АЯ52.Н10051"),  # old ГОСТ Р
        ("РОСС RU.C/172.H03617", "РОСС RU.СЛ72.Н03617"),  # Л read as `/1`
        ("ЕАЭС RU C-RU.HI55.B.69939/25", "ЕАЭС RU С-RU.НГ55.В.69939/25"),  # Г read as I
    ],
)
def test_certificate_numbers_are_repaired_to_canonical_cyrillic(printed, canonical):
    found = find_numbers(f"№ {printed} выдан", CERTIFICATE_FORMATS)
    assert [n.text for n in found] == [canonical]


@pytest.mark.parametrize(
    "printed",
    [
        "ЕАЭС N RU Д-RU.РА01.В.71855/21",
        "EAЭC Ne RU J-RU.PA01.B.71855/21",  # № as Ne, Д as J
        "EA3C № RU Д-RU.PAO1.B.7l855/2l",  # Э as 3, O for 0, l for 1
        "ЕАЭС М RU Д-RU.РА01.В.71855/21",  # № as М
        "ЕАЭС RU Д-RU.РА01.В.71855/21",  # no sign at all
    ],
)
def test_declaration_numbers_survive_ocr_errors(printed):
    found = find_numbers(printed, DECLARATION_FORMATS)
    assert [n.text for n in found] == ["ЕАЭС N RU Д-RU.РА01.В.71855/21"]


def _shipped_formats(family: str) -> tuple[str, ...]:
    return next(f.number_formats for f in load_families(RULES_DIR) if f.name == family)


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        # the English model reads a Cyrillic body code: П as II or N, Ю as HO/IO/EO/t0, Ф as ®
        ("РОСС RU.IIT59.H75618", "РОСС RU.ПТ59.Н75618"),
        ("РОСС RU.Xt029.H38503", "РОСС RU.ХЮ29.Н38503"),
        ("ЕАЭС RU C-RU.NY71.B.61165/25", "ЕАЭС RU С-RU.ПУ71.В.61165/25"),
        ("ЕАЭС RU ‘C-RU.JI®80.B.29694/23", "ЕАЭС RU С-RU.ЛФ80.В.29694/23"),
        ("РОСС RU.32365.04CTHO1.0C07.28261", "РОСС RU.32365.04СТЮ1.ОС07.28261"),
        ("РОСС RU.32536.04CTEO1.0C17.43731", "РОСС RU.32536.04СТЮ1.ОС17.43731"),
        ("РОСС КЧЦ.32607.04ЖЛНО.ОС01.41728", "РОСС RU.32607.04ЖЛН0.ОС01.41728"),  # RU as КЧЦ
        # a code that reads letter by letter is never merged into one letter
        ("РОСС RU.НО52.Н10051", "РОСС RU.НО52.Н10051"),
        ("РОСС RU.32607.04ЖЛН0.ОС01.41728", "РОСС RU.32607.04ЖЛН0.ОС01.41728"),
    ],
)
def test_body_codes_read_by_the_english_model_are_repaired(printed, canonical):
    found = find_numbers(f"№ {printed} |", _shipped_formats("conformity_certificate"))
    assert [n.text for n in found] == [canonical]


@pytest.mark.parametrize(
    "printed", ["ЕАЭС М RU Jf-RU. РАО5.В. 44604/25", "РОСС RU JJ-RU.PA05.B.44604/25"]
)
def test_declaration_letter_d_read_as_two_characters(printed):
    found = find_numbers(printed, _shipped_formats("conformity_declaration"))
    assert [n.text[-20:] for n in found] == ["Д-RU.РА05.В.44604/25"]


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        # Д of the declaration type read as the digit 4; ЕАЭС read as EASC
        ("ЕАЭС М RU 4-RU.PA01.B.28561/23", "ЕАЭС N RU Д-RU.РА01.В.28561/23"),
        ("‘EASC М RU Д-РУ.РАО1. В. 17737/23", "ЕАЭС N RU Д-RU.РА01.В.17737/23"),
        ("ЕАЭС М RU Д- -RU.PA05.B.07259/24", "ЕАЭС N RU Д-RU.РА05.В.07259/24"),  # dash twice
        ("РОСС RU Д-РУЧ.РАО1.В.34055/24", "РОСС RU Д-RU.РА01.В.34055/24"),  # RU as РУЧ
        ("ЕАЭС М RU Д-ВЧУ.РАО1.В.16620/24", "ЕАЭС N RU Д-RU.РА01.В.16620/24"),
        ("ЕАЭС М ВО Д-ВУО.РАО1.В.24451/24", "ЕАЭС N RU Д-RU.РА01.В.24451/24"),
        ("РОСС RU A-RU.PA46.B.68995/23", "РОСС RU Д-RU.РА46.В.68995/23"),  # Д as Latin A
        ("РОСС RU a -RU.PA01.B.53724/24", "РОСС RU Д-RU.РА01.В.53724/24"),
    ],
)
def test_declaration_numbers_with_misread_fixed_letters(printed, canonical):
    found = find_numbers(printed, _shipped_formats("conformity_declaration"))
    assert [n.text for n in found] == [canonical]


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        # Г read as I', Л as JT, Ж as )K
        ("№ ЕАЭС ВО C-RU.I'B69.B.51161/23 ae", "ЕАЭС RU С-RU.ГВ69.В.51161/23"),
        ("РОСС RU.31548.04)KJTH0.OC10.06052", "РОСС RU.31548.04ЖЛН0.ОС10.06052"),
        ("№ РОСС RU:31130.04)KJIH0.0C05.64652", "РОСС RU.31130.04ЖЛН0.ОС05.64652"),  # a colon
    ],
)
def test_body_code_letters_read_as_two_characters(printed, canonical):
    found = find_numbers(printed, _shipped_formats("conformity_certificate"))
    assert [n.text for n in found] == [canonical]


@pytest.mark.parametrize("country", ["ВО", "КУ", "БУ", "RO"])
def test_latin_country_code_read_as_cyrillic_is_repaired_to_ru(country):
    found = find_numbers(f"№ ЕАЭС RU С-{country}.АЖ56.В.00954/21", CERTIFICATE_FORMATS)
    assert [n.text for n in found] == ["ЕАЭС RU С-RU.АЖ56.В.00954/21"]
    assert find_numbers("ЕАЭС RU С-CN.АЖ56.В.00954/21", CERTIFICATE_FORMATS)[0].text == (
        "ЕАЭС RU С-CN.АЖ56.В.00954/21"
    )


def test_repairs_are_counted_and_lower_the_confidence():
    clean = extract_document(CERTIFICATE_PAGE)
    noisy = extract_document(CERTIFICATE_PAGE.replace("01234/22", "O1234/22"))
    assert noisy.fields["doc_number"] == clean.fields["doc_number"]
    assert noisy.confidence["doc_number"] < clean.confidence["doc_number"]


def test_blank_series_number_is_never_the_certificate_number():
    text = CERTIFICATE_PAGE.replace("№ ЕАЭС RU С-RU.НА46.В.01234/22\n", "")
    result = extract_document(text)
    assert result.fields["doc_number"] != "0412987"
    assert result.fields["doc_number"] is None
    assert result.status == "needs_review"
    assert "номер документа" in result.error


def test_blank_series_printed_before_the_number_is_skipped():
    text = CERTIFICATE_PAGE.replace(
        "№ ЕАЭС RU С-RU.НА46.В.01234/22\nСерия RU № 0412987",
        "Серия RU № 0412987\n№ EAЭC RU C-RU.HA46.B.01234/22",
    )
    assert extract_document(text).fields["doc_number"] == "ЕАЭС RU С-RU.НА46.В.01234/22"


# --- classification ----------------------------------------------------------------------


def test_concrete_passport_quoting_the_plant_declaration_is_a_quality_document():
    text = CONCRETE_PASSPORT.format(number="26-000518", day="19")
    page = classify_page(text)
    result = extract_document(text)

    assert page.doc_type == "quality_document"
    assert page.starts_document
    assert result.fields["doc_number"] == "26-000518"  # the batch, not the declaration
    assert result.fields["batch_number"] == "26-000518"
    assert result.fields["issue_date"] == date(2026, 3, 19)  # not the declaration's date
    assert result.fields["valid_to"] is None
    assert result.status == "ok"


def test_rebar_plant_quality_certificate_is_not_a_conformity_certificate():
    text = """ПАО «Уральская Сталь»
СЕРТИФИКАТ КАЧЕСТВА № 4567 от 12.03.2026
Продукция сертифицирована: сертификат соответствия № РОСС RU.АЯ52.Н10051
Наименование продукции: Прокат арматурный класса А500С
Партия № 1234   Плавка № 56789
Масса партии, т: 15,340
"""
    result = extract_document(text)
    assert result.fields["doc_type"] == "quality_document"
    assert result.fields["doc_number"] == "4567"
    assert result.fields["batch_number"] == "1234"
    assert (result.fields["quantity"], result.fields["unit"]) == (15.34, "т")


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("СЕРТИФИКАТ СООТВЕТСТВИЯ", "conformity_certificate"),
        ("CEPTИФИKAT COOTBETCTBИЯ", "conformity_certificate"),  # Latin look-alikes
        ("С Е Р Т И Ф И К А Т  С О О Т В Е Т С Т В И Я", "conformity_certificate"),
        ("СЕРТИФИКАТ СООТВЕТСВИЯ", "conformity_certificate"),  # a letter lost
        ("ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ", "conformity_declaration"),
        ("JEKЛAPAЦИЯ O COOTBETCTBИИ", "conformity_declaration"),  # Д read as J
        ("ПАСПОРТ КАЧЕСТВА № 5", "quality_document"),
        ("ДОКУМЕНТ О КАЧЕСТВЕ № 5", "quality_document"),
        ("ОТКАЗНОЕ ПИСЬМО", "refusal_letter"),
        ("ПРОТОКОЛ ИСПЫТАНИЙ № 5", "test_report"),
    ],
)
def test_title_decides_the_type(title, doc_type):
    text = f"ООО «Завод»\n{title}\nНастоящий документ выдан для предъявления заказчику объекта.\n"
    assert classify_page(text).doc_type == doc_type


def test_empty_and_garbage_text_has_no_type_and_fails_with_a_reason():
    for text in ["", "   \n ", ". ,_ |~ ‘ — i Il .. ^ “ ii _-~ | ."]:
        page = classify_page(text)
        result = extract_document(text)
        assert page.doc_type is None and not page.starts_document
        assert result.status == "failed"
        assert result.fields["doc_type"] is None
        assert result.error and "Текст документа" in result.error


def test_readable_text_of_no_known_family_is_other_and_goes_to_review():
    text = "Счёт на оплату № 17 от 02.03.2026\nПоставщик: ООО «Склад»\nИтого к оплате 12 000 руб."
    result = extract_document(text)
    assert classify_page(text).doc_type == "other"
    assert result.fields["doc_type"] == "other"
    assert result.status == "needs_review"
    assert "тип документа не определён" in result.error.lower()


# --- splitting ---------------------------------------------------------------------------


def test_three_concatenated_passports_are_three_documents():
    pages = [
        CONCRETE_PASSPORT.format(number=number, day=day)
        for number, day in [("26-000518", "19"), ("26-000519", "19"), ("26-000533", "20")]
    ]
    assert split_pages(pages) == [(1, 1), (2, 2), (3, 3)]


def test_certificate_with_annex_is_one_document():
    assert split_pages([CERTIFICATE_PAGE, ANNEX_PAGE]) == [(1, 2)]
    assert split_pages([CERTIFICATE_PAGE, ANNEX_PAGE, ANNEX_PAGE]) == [(1, 3)]


def test_second_sheet_and_blank_pages_join_the_previous_document():
    passport = "ООО «Завод»\nПАСПОРТ № 12 от 01.02.2026\nНаименование продукции: Кирпич М150\n"
    sheet_two = "Лист 2 из 2\nРезультаты испытаний: прочность 16,2 МПа, водопоглощение 12 %\n"
    repeated = "ПАСПОРТ № 12 (продолжение)\nМорозостойкость F50, плотность 1800 кг/м3 и другие\n"
    assert split_pages([passport, sheet_two, "", repeated]) == [(1, 4)]


def test_letters_and_waybills_between_documents_start_their_own_documents():
    letter = (
        "АО «Волжский бетон»\nИсх. № 318 от 24.03.2026\nСопроводительное письмо\n"
        "Направляем Вам документы о качестве на поставленную бетонную смесь.\n"
    )
    waybill = (
        "ТОВАРНАЯ НАКЛАДНАЯ № 512 от 19.03.2026\nГрузоотправитель: АО «Волжский бетон»\n"
        "Груз: бетонная смесь, 12 м3, принят без замечаний\n"
    )
    passport = CONCRETE_PASSPORT.format(number="26-000518", day="19")
    assert split_pages([letter, passport, waybill, CERTIFICATE_PAGE, ANNEX_PAGE]) == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 5),
    ]


def test_split_pages_edge_cases():
    assert split_pages([]) == []
    assert split_pages(["just one page"]) == [(1, 1)]
    assert split_pages([CERTIFICATE_PAGE, CONCRETE_PASSPORT.format(number="7", day="01")]) == [
        (1, 1),
        (2, 2),
    ]


# --- requisites --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "printed",
    [
        'ООО "БетонСтрой"',
        "OOO <<БетонСтрой>>",
        "000 «БетонСтрой»",  # ООО read as zeros
        "ООО “БетонСтрой”",
        "Общество с ограниченной ответственностью «БетонСтрой»",
        "ООО «БeтoнCтpой»",  # Latin look-alikes inside the name
        "Общество’ с ограниченной ответственностью «БетонСтрой»",  # a stray apostrophe
        "Общество.с ограниченной ответственностью «БетонСтрой»",  # a dot for a space
    ],
)
def test_manufacturer_is_normalised_with_its_legal_form(printed):
    text = f"ПАСПОРТ № 1 от 01.02.2026\nИзготовитель: {printed}\nНаименование продукции: Песок\n"
    assert extract_document(text).fields["manufacturer"] == "ООО «БетонСтрой»"


def test_unclosed_quote_does_not_swallow_the_address():
    text = (
        "ООО «Северный завод Е 423582, г. Набережные Челны\nПАСПОРТ № 663/25\n"
        "Наименование продукции: Праймер битумный\n"
    )
    result = extract_document(text)
    assert result.fields["manufacturer"] == "ООО «Северный завод Е»"
    assert result.status == "needs_review"  # an unclosed name is not trusted


def test_manufacturer_is_not_the_certification_body_or_the_customer():
    text = (
        "ПАСПОРТ № 1 от 01.02.2026\nОрган по сертификации ООО «Сертификат-Центр»\n"
        "Потребитель: ООО «Заказчик»\nПродукция ПАО «Северсталь»: прокат\n"
    )
    assert extract_document(text).fields["manufacturer"] == "ПАО «Северсталь»"


@pytest.mark.parametrize(
    ("line", "quantity", "unit"),
    [
        ("Количество: 12,5 м³", 12.5, "м3"),
        ("Объем: 7 куб.м", 7.0, "м3"),
        ("Кол-во: 8 мЗ", 8.0, "м3"),  # З for 3
        ("Количество: 3 тн", 3.0, "т"),
        ("Количество: 1 200 шт.", 1200.0, "шт"),
        ("Количество: 45,5 кв.м", 45.5, "м2"),
        ("Количество: 100 п.м", 100.0, "м"),
        ("Масса, кг: 250", 250.0, "кг"),
        ("Количество: 20 л", 20.0, "л"),
        ("Количество, M3 `` ; 177,0", 177.0, "м3"),  # the 3 of м3 is not the amount
        ("Итого масса нетто: 4,811-т_", 4.811, "т"),
    ],
)
def test_quantity_and_unit_are_normalised(line, quantity, unit):
    text = (
        f"ООО «Завод»\nПАСПОРТ № 12 от 01.02.2026\nНаименование продукции: Блок стеновой\n{line}\n"
    )
    fields = extract_document(text).fields
    assert (fields["quantity"], fields["unit"]) == (quantity, unit)


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("ГОСТ 7473-2010", "ГОСТ 7473-2010"),
        ("ГОСТ 7473", "ГОСТ 7473"),
        ("TOCT 7473—2010", "ГОСТ 7473-2010"),
        ("ГОСТ 31108 - 2020", "ГОСТ 31108-2020"),
        ("ГОСТ Р 52544-2006", "ГОСТ Р 52544-2006"),
        ("ГОСТ 8267-93", "ГОСТ 8267-93"),
        ("ТУ 5745-001-12345678-2015", "ТУ 5745-001-12345678-2015"),
        ("ТУ 23.61.12-001-12345678-2019", "ТУ 23.61.12-001-12345678-2019"),
        ("СТО 123-2020", "СТО 123-2020"),
    ],
)
def test_standards_are_read_with_or_without_year(printed, canonical):
    text = f"ООО «Завод»\nПАСПОРТ № 12\nНаименование продукции: Блок стеновой {printed}\n"
    fields = extract_document(text).fields
    assert fields["standard"] == canonical
    assert fields["product_name"] == "Блок стеновой"


def test_validity_range_phrasings():
    base = "ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ\nЕАЭС N RU Д-RU.РА01.В.71855/21\nИзготовитель ООО «А»\n"
    cases = {
        "Дата регистрации декларации: 15.06.2021\nДекларация о соответствии действительна "
        "с даты регистрации по 14.06.2026 включительно": (date(2021, 6, 15), date(2026, 6, 14)),
        "Срок действия с 15.06.2021 по 14.06.2026 включительно": (
            date(2021, 6, 15),
            date(2026, 6, 14),
        ),
        "действительна с «15» июня 2021 г. до «14» июня 2026 г.": (
            date(2021, 6, 15),
            date(2026, 6, 14),
        ),
    }
    for tail, (start, end) in cases.items():
        fields = extract_document(base + tail).fields
        assert (fields["valid_from"], fields["valid_to"]) == (start, end), tail
        assert fields["issue_date"] == start


def test_garbled_date_labels_still_give_the_dates():
    page = (
        "ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ\nЗаявитель ООО «Карьер»\nИзготовитель ООО «Карьер»\n"
        "заявляет, что Щебень гранитный фракции 5-20 мм\n"
        "Декларация о соответствии действительна с даты регистрации no 20.02.2026 включительно\n"
        "Регистрационный номер декларации о соответствии: ЕАЭС N RU Д-RU.РА05.В.44604/25\n"
        "‚ Дата ра декларации о соответствии: 21.02. 2025\n"
    )
    fields = extract_document(page).fields
    assert fields["issue_date"] == fields["valid_from"] == date(2025, 2, 21)
    assert fields["valid_to"] == date(2026, 2, 20)  # `по` OCR'd as `no`
    apostrophe = page.replace("Дата ра декларации о соответствии", "Дата’регистрации")
    assert extract_document(apostrophe).fields["issue_date"] == date(2025, 2, 21)


def test_batch_in_a_wide_table_row_is_told_from_the_heat_number():
    page = (
        "ООО «КвадратСталь»\nСЕРТИФИКАТ КАЧЕСТВА № 43202\nДата выдачи: 12.10.2026\n"
        "Наименование продукции: Арматурная сталь А500С d8 мм\n"
        "Ne ane № Kaace 9, мм Длина, Кот ВО Maced, 9 с. % Mn, % Изгиб -\n"
        "партии | | М | пачек | Н/мм? | Н/мм? |\n"
        "789268 1012-06 А500С 8 12,0 11 26,476 0,19 1,16 0,37 584 694 16 удовл.\n"
        "Итого масса нетто: 26,476 т\nНачальник ОТК И.И. Уваров\n"
    )
    fields = extract_document(page).fields
    assert fields["batch_number"] == "1012-06"
    assert (fields["quantity"], fields["unit"]) == (26.476, "т")


@pytest.mark.parametrize(
    ("batch_line", "batch"),
    [
        ("Homep партни | 239/26", "239/26"),  # `и` read as `н` inside the label
        ("`Номер партии ° 84-12/25 _", "84-12/25"),  # a degree sign before the value
        ("Homep партии ‚28/06-13", "28/06-13"),  # a low quote glued to the value
        ("Номер партни о | 95-06/25 . a", "95-06/25"),  # a stray letter, then a border
    ],
)
def test_batch_label_and_value_survive_ocr_debris(batch_line, batch):
    page = (
        "ООО «Вятский завод сортового проката»\nСЕРТИФИКАТ КАЧЕСТВА\n"
        "№ 23070 от 24 января 2026 года\n"
        "Наименование продукции | Прокат арматурный А240\nНД на продукцию ГОСТ 34028-2016\n"
        f"{batch_line}\n| Масса партии, т | 30,866 |\nНачальник ОТК Ю.И. Сидоров\n"
    )
    assert extract_document(page).fields["batch_number"] == batch


def test_concrete_ticket_volume_in_the_table_row_under_its_title():
    page = (
        "ООО «Бетон № 6»\nДокумент о качестве бетонной смеси заданного качества "
        "партии № 991/05 от 16.05.2026\n"
        "Время № авто Наименование смеси Нормативный Объём, П F W Кл. ЕРН\n"
        "отгрузки документ м3\n"
        "11:25 К 210 ЕА 16 Бетонная смесь БСТ В7,5 П3 F200 W6 ГОСТ 7473-2010 9,0 П3 F200 W6 I\n"
        "Выдал (лаборант) Трофимов В.С.\n"
    )
    fields = extract_document(page).fields
    assert (fields["quantity"], fields["unit"]) == (9.0, "м3")
    assert fields["batch_number"] == "991/05"


def test_refusal_letter_number_is_the_outgoing_number():
    text = (
        "ООО «СухиеСмеси»\nИсх. № 125/03 от 12.03.2026\nОТКАЗНОЕ ПИСЬМО\n"
        "Настоящим ООО «СухиеСмеси» сообщает, что продукция «Смесь сухая» не подлежит "
        "обязательной сертификации (постановление от 23.12.2021 № 2425).\n"
    )
    fields = extract_document(text).fields
    assert fields["doc_type"] == "refusal_letter"
    assert fields["doc_number"] == "125/03"
    assert fields["issue_date"] == date(2026, 3, 12)


def test_missing_required_field_and_low_ocr_confidence_need_review():
    declaration = (
        "ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ\nЕАЭС N RU Д-RU.РА01.В.71855/21\n"
        "Изготовитель ООО «ТехноПласт»\nПродукция: Трубы напорные ПЭ100\n"
    )
    missing = extract_document(declaration)
    assert missing.status == "needs_review"
    assert "окончание срока действия" in missing.error

    complete = declaration + "Дата регистрации: 15.06.2021\nДействительна по 14.06.2026\n"
    assert extract_document(complete).status == "ok"
    blurred = extract_document(complete, ocr_confidence=0.3)
    assert blurred.status == "needs_review"
    assert "низкая уверенность" in blurred.error.lower()
    assert all(value < 0.6 for value in blurred.confidence.values())


def test_fields_match_the_documents_table_contract():
    assert list(FIELDS) == REQUISITE_FIELDS
    result = extract_document(CERTIFICATE_PAGE)
    assert set(result.fields) == set(REQUISITE_FIELDS)


# --- rules as data -----------------------------------------------------------------------


def test_a_new_family_is_a_new_yaml_file(tmp_path: Path):
    for path in RULES_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "quality_pipes.yaml").write_text(
        "name: quality_pipes\nextends: quality_document\ndoc_type: quality_document\n"
        "anchors:\n  body: [труба напорная]\n"
        "fields:\n  quantity:\n    kind: quantity\n    labels: [длина партии]\n",
        encoding="utf-8",
    )
    families = {f.name: f for f in load_families(tmp_path)}
    pipes = families["quality_pipes"]
    assert pipes.doc_type == "quality_document" and pipes.depth == 1
    assert pipes.body_anchors[0].phrase == "труба напорная"
    assert len(pipes.fields["quantity"].labels) > 1  # own label first, then inherited ones
    assert pipes.required == families["quality_document"].required


# --- evaluation --------------------------------------------------------------------------


def test_score_requisites_normalises_before_comparing():
    truth = [
        {
            "source_file": "a.pdf",
            "first_page": 1,
            "doc_type": "quality_document",
            "doc_number": "26-000518",
            "issue_date": "2026-03-19",
            "manufacturer": "ООО «БетонСтрой»",
            "product_name": "Бетонная смесь БСТ В25 П4 F150 W6",
            "quantity": 12.0,
            "unit": "м3",
        },
        {"source_file": "a.pdf", "first_page": 2, "doc_type": "conformity_certificate"},
    ]
    predicted = [
        {
            "source_file": "a.pdf",
            "first_page": 1,
            "doc_type": "quality_document",
            "doc_number": "26 000518",
            "issue_date": date(2026, 3, 19),
            "manufacturer": 'OOO "БетонСтрой"',
            "product_name": "БСТ B25 П4 F150 W6 бетонная смесь",
            "quantity": 12.0001,
            "unit": "м3",
            "standard": "ГОСТ 7473-2010",  # not in truth: counts as a mismatch
        },
    ]
    report = score_requisites(predicted, truth)

    assert report["documents"] == 2
    assert report["fields"]["doc_number"] == {"correct": 1, "total": 1, "accuracy": 1.0}
    assert report["fields"]["manufacturer"]["accuracy"] == 1.0
    assert report["fields"]["product_name"]["accuracy"] == 1.0
    assert report["fields"]["issue_date"]["accuracy"] == 1.0
    assert report["fields"]["standard"] == {"correct": 0, "total": 1, "accuracy": 0.0}
    assert report["fields"]["doc_type"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert report["fields"]["batch_number"] == {"correct": 0, "total": 0, "accuracy": 1.0}
    assert report["overall"] == pytest.approx(7 / 9)
    missing = [e for e in report["errors"] if e["first_page"] == 2]
    assert missing and missing[0]["expected"] == "document"


def test_score_requisites_product_names_need_token_set_ratio_90():
    truth = [{"source_file": "f", "first_page": 1, "product_name": "Арматура А500С Ø16"}]
    wrong = [{"source_file": "f", "first_page": 1, "product_name": "Арматура А240 Ø10"}]
    assert score_requisites(wrong, truth)["overall"] == 0.0


# A two-column form OCR'd column by column: every label first, then every value in the
# same order; wrapped values (the customer's address) shift later values down a few lines.
PROTOCOL_LABEL_BLOCK = """Испытательная лаборатория ООО «ТехКонтроль-Поволжье»
443022, г. Самара, ул. Заводское шоссе, д. 5, тел. +7 (846) 200-11-22

Аттестат аккредитации RA.RU.21АБ07

ПРОТОКОЛ ИСПЫТАНИЙ № 3318

1. Заказчик:

—

2. Объект испытаний:
3. Изготовитель продукции:
4. НД на продукцию:
`5. Номер партии:
6. Место отбора образцов:
7. Дата отбора образцов:

8. Дата проведения испытаний:

.9. Методы испытаний:

10: Условия испытаний:

от 12.03.2026 г.

Общество с ограниченной ответственностью «ВолгаМонтаж», 443013, Самарская
область, г. Самара, ул. Мичурина, д. 40

Прокат арматурный класса А500С диаметром 12 мм

`АО «Средневолжский металлургический завод»

ГОСТ 34028-2016
11/03-27
Склад строительной площадки, г. Самара, ул. Ново-Садовая
10.03.2026
12.03.2026

ГОСТ 12004-81 «Сталь арматурная. Методы испытания на
растяжение»; ГОСТ 14019-2003

Результаты испытаний
1 Предел текучести, Н/мм2 не менее 500 561"""


def test_label_block_value_is_aligned_not_the_next_label():
    fields = extract_document(PROTOCOL_LABEL_BLOCK, 0.9).fields
    assert fields["batch_number"] == "11/03-27"
    assert fields["doc_number"] == "3318"


def test_label_block_quantity_takes_the_unit_from_its_label():
    text = (
        "ДОКУМЕНТ О КАЧЕСТВЕ № 77\n\nДата выдачи:\nНомер партии:\nКласс бетона:\n"
        "Объём, мз:\nВодитель:\n\n5 марта 2026 г.\n12-88\nВ25\n6,5\nИванов И.И.\n"
    )
    fields = extract_document(text, 0.9).fields
    assert (fields["batch_number"], fields["quantity"], fields["unit"]) == ("12-88", 6.5, "м3")


PASSPORT_BARE_LABELS = """ПАСПОРТ КАЧЕСТВА № 14

Изготовитель

Наименование продукции

Обозначение НД

| Номер партии

Количество, т

Потребитель

Показатели качества

ООО «Карьер Приволжский»
443013, г. Самара, ул. Мичурина, д. 4

Песок для строительных работ, класс II,
средний

ГОСТ 8736-2014
15-03/26

120,5

АО «СтройТрест»
"""


def test_label_block_without_colons_aligns_values_with_titles():
    fields = extract_document(PASSPORT_BARE_LABELS, 0.9).fields
    assert fields["manufacturer"] == "ООО «Карьер Приволжский»"
    assert fields["product_name"] == "Песок для строительных работ, класс II, средний"
    assert fields["standard"] == "ГОСТ 8736-2014"
    assert fields["batch_number"] == "15-03/26"
    assert (fields["quantity"], fields["unit"]) == (120.5, "т")


def test_two_titles_without_colons_are_not_a_label_block():
    text = "ПАСПОРТ КАЧЕСТВА № 9\nНаименование продукции\nНомер партии\n27-11\nЩебень М1200\n"
    fields = extract_document(text, 0.9).fields
    assert fields["batch_number"] == "27-11"


def test_label_on_its_own_line_still_reads_the_value_below():
    text = "ПАСПОРТ КАЧЕСТВА № 5\nНомер партии:\n412\nМасса партии, т:\n1,25\n"
    fields = extract_document(text, 0.9).fields
    assert (fields["batch_number"], fields["quantity"]) == ("412", 1.25)


@pytest.mark.parametrize(
    ("line", "batch"),
    [
        ("5. Номер партии: . ( _ 26/04-07 |", "26/04-07"),
        ('"Номер партии и Б-70 о', "Б-70"),
        ("Номер партии `30/03-11 |", "30/03-11"),
    ],
)
def test_batch_number_after_ocr_cell_debris(line: str, batch: str):
    text = f"ПАСПОРТ КАЧЕСТВА № 2184\nИзготовитель: ООО «Пример»\n{line}\n"
    assert extract_document(text, 0.9).fields["batch_number"] == batch


REBAR_TABLE = """СЕРТИФИКАТ КАЧЕСТВА № 4410
Дата выдачи: 19.05.2026
Изготовитель: АО «УралПрокат»
Наименование продукции: Прокат арматурный А400 d28 мм
| № плавки № _ | Класс 9, мм | Длина, | Кол-во | Macca, т | С, % | Mn, %
_ партии , м пачек
{row}
"""


@pytest.mark.parametrize(
    ("row", "batch"),
    [
        ("247223 19/05- 52 А400 28 - 11,7 10 6, 616 0,22 1,19 0,45", "19/05-52"),
        ("547510 | 80-12/25 | А500С", "80-12/25"),  # a row OCR broke after three cells
    ],
)
def test_rebar_batch_in_table_row_read_by_its_form(row: str, batch: str):
    text = REBAR_TABLE.format(row=row)
    assert extract_document(text, 0.9).fields["batch_number"] == batch


def test_batch_quantity_in_running_text_beats_the_mass_of_one_item():
    text = (
        "ПАСПОРТ № 726\nДата: 8 марта 2026 года\n"
        "Настоящий документ выдан ООО «ЖБИ-Пример» в том, что продукция «Кольцо стеновое\n"
        "КС 15.9», партия № 08/05-58 в количестве 21 ит., отгруженная в адрес ООО «Заказчик»,\n"
        "изготовлена и принята в соответствии с требованиями ГОСТ 8020-2016.\n"
        "Основные показатели:\n- Масса изделия, т: 1,27\n"
    )
    fields = extract_document(text, 0.9).fields
    assert (fields["quantity"], fields["unit"]) == (21.0, "шт")


def test_concrete_ticket_row_with_a_long_mix_name_gives_the_volume():
    text = (
        "ДОКУМЕНТ О КАЧЕСТВЕ БЕТОННОЙ СМЕСИ ЗАДАННОГО КАЧЕСТВА партии № 26-4411\n"
        "Дата и время отгрузки: 12.03.2026 13:55\n"
        "Г. Время | № авто | и. смеси. : | Нормативный Объём, II F | м | W |\n"
        "отгрузки ° | `` документ. | куб. м |\n"
        "13:55. - xX 703 Ур 52 _, Бетонная смесь тяжелого бетона БСТ B25 ГОСТ 7473-2010. "
        "36,5 | 14 | F150 | W6 I\n"
    )
    fields = extract_document(text, 0.9).fields
    assert (fields["quantity"], fields["unit"]) == (36.5, "м3")


def test_rebar_mass_in_table_row_is_the_tonnes_figure_not_chemistry():
    text = REBAR_TABLE.format(
        row="742340 | 6-281 | А400 7 16 | реа _ 52,373 | 0,21 | 1,28 | 0,69 | 0,015 0,022"
    ).replace("Macca, т", "Масса, т")
    fields = extract_document(text, 0.9).fields
    assert (fields["quantity"], fields["unit"]) == (52.373, "т")


def test_batch_number_with_separators_is_kept_before_stray_unit_letters():
    text = 'СЕРТИФИКАТ КАЧЕСТВА № 77\n"Номер партии и 22-08/26 т: о\n“Масса партии, т. о 10,572\n'
    fields = extract_document(text, 0.9).fields
    assert (fields["batch_number"], fields["quantity"]) == ("22-08/26", 10.572)


def test_product_printed_under_the_consumer_in_a_value_block_is_not_its_address():
    """Labels OCR'd first, then the values: the consumer company and the product name
    on consecutive lines are two values, not a company with its address."""
    page = (
        "ООО «Эталон-СтальПром», 454068, г. Челябинск\nСЕРТИФИКАТ КАЧЕСТВА\n\n"
        "Изготовитель\n\nПотребитель\nНаименование продукции\n\nКласс арматуры\n\n"
        "№ 87749 от 6 февраля 2026 года\n\n"
        "ООО «Эталон-СтальПром», 454068, Челябинская область, г.\n\n"
        "Челябинск, ул. Восстания, д. 144/3\nООО «СтандартГенподряд»\n"
        "Арматурная сталь А500С d16 мм\nА500С\n\nДиаметр, мм 16\n"
        "НД на продукцию ГОСТ 34028-2016\nНомер партии 4430\nМасса партии, тн 52,756\n"
    )
    fields = extract_document(page).fields
    assert fields["product_name"].startswith("Арматурная сталь А500С")
    assert fields["manufacturer"] == "ООО «Эталон-СтальПром»"


def test_a_value_block_of_other_labels_and_signatures_gives_no_product():
    """The values column was lost by OCR: better no name (review) than a wrong one."""
    page = (
        "Общество с ограниченной ответственностью «ИтильМеталл»\n"
        "СЕРТИФИКАТ КАЧЕСТВА № 20807\nДата выдачи: 04.09.2026\n\n"
        "Грузополучатель:\nНаименование продукции:\nНормативный документ:\n\n"
        "Марка стали: 35ГС\nВагон/автомобиль №: Р 799 ОА 12\nЗаказ №: 1165-26\n"
        "353818 | 0904-37 | А500С | 14 | 6,0 | 10 | 28,277 | 0,24 | 1,21 | удовл.\n"
        "Прокат соответствует требованиям ГОСТ 34028-2016.\nНачальник ОТК И.Ю. Рябов\n"
    )
    assert extract_document(page).fields["product_name"] is None


@pytest.mark.parametrize(
    ("row", "batch"),
    [
        ("511520 5629 A500C 25 12,0 6 33,754 0,19 0,98 0,34 0,033 0,019 0,42 585", "5629"),
        ("767850 25-730 А240 25 12,0 5 56,214 019 0,95 057’ 0,031 0,011 - 0,39", "25-730"),
    ],
)
def test_wide_rebar_table_batch_with_or_without_a_separator(row, batch):
    """Heat, batch and class in one OCR'd row; the batch is the cell after the heat."""
    page = (
        "ООО «ИтильМеталл»\nСЕРТИФИКАТ КАЧЕСТВА № 20807\nДата выдачи: 04.09.2026\n"
        "Наименование продукции: Арматурная сталь А500С d25 мм\nМарка стали: 35ГС\n"
        "№ плавки № Класс @, мм Длина, Кол-во Масса,т C,% Мп % Si,% S, % Р, % Сэкв\n"
        f"партии м пачек Н/мм?\n{row}\nИтого масса нетто: 33,754 т\n"
        "Прокат соответствует требованиям ГОСТ 34028-2016. Прокат испытан на свариваемость.\n"
    )
    fields = extract_document(page).fields
    assert fields["batch_number"] == batch


def test_maker_above_its_label_and_not_the_consumer_after_it():
    """A two-line cell: OCR prints its first line above the centred title; the next
    company on the label's lines belongs to «Потребитель»."""
    page = (
        "АО «АтлантСталь», 426949, Удмуртская Республика, г. Ижевск\n"
        "СЕРТИФИКАТ КАЧЕСТВА\n№ 17459 от 26.12.2025 г.\n\n"
        "— АО «АтлантСталь», 426949, Удмуртская Республика, г.\n\n| Изготовитель\n"
        "— Ижевск, ул. Окружное шоссе, д. 17, офис 191\n"
        "Потребитель с OOO «АлабугаСтройИнвест» о a\n"
        "Наименование продукции Арматурная сталь А240 d10 мм\n"
    )
    assert extract_document(page).fields["manufacturer"] == "АО «АтлантСталь»"


def test_legal_form_spelled_out_with_a_dot_for_a_space():
    page = (
        "ПАСПОРТ\n№ 378\n`Предприятие-изготовитель | Общество.с ограниченной ответственностью "
        "«Буинский\nкарьер», 620722, Свердловская область, г. Екатеринбург\n"
        "Наименование продукции Песок природный II класса, средний\n"
    )
    assert extract_document(page).fields["manufacturer"] == "ООО «Буинский карьер»"


@pytest.mark.parametrize(
    "text",
    [
        # the title lost to a faded scan; the prose formula remains
        "АО «ИдельЩебень»\nДОКУМЕНТ О т\n№ 269/25\n4 октября 2025 года\n"
        "Настоящий документ выдан АО «ИдельЩебень» в том, что продукция «Песок для\n"
        "строительных работ», партия № 25-843 в количестве 66,000 тн, изготовлена по ГОСТ 8736.\n",
        # the start of the concrete title garbled, its tail readable
        "ООО «Кама-Бетон-Комплект»\n"
        "eee о качестве о смеси аданного качества партии № 767103 с от 02.03.26\n"
        "Потребитель: АО «Трест»\n16:40 | 545 | Смесь бетонная БСТ В35 П4 F150 W6 | 12,0\n",
    ],
)
def test_quality_documents_with_a_damaged_title_are_still_recognised(text):
    assert classify_page(text).doc_type == "quality_document"


@pytest.mark.parametrize(
    ("name_line", "expected"),
    [
        ("Наименование продукции Арматура A400 ©20\n\nКласс арматуры А400", "Арматура А400 Ø20"),
        ("Наименование продукции: Арматура А500С О14", "Арматура А500С Ø14"),
    ],
)
def test_rebar_name_repairs_the_diameter_sign_and_stops_at_the_next_row(name_line, expected):
    page = f"ООО «Сталь»\nСЕРТИФИКАТ КАЧЕСТВА № 51/4399\nПредел текучести\n{name_line}\n"
    assert extract_document(page).fields["product_name"].startswith(expected)


def test_concrete_frost_grade_read_as_e_is_repaired():
    page = (
        "ООО «Бетон»\nДОКУМЕНТ О КАЧЕСТВЕ БЕТОННОЙ СМЕСИ ЗАДАННОГО КАЧЕСТВА № 12\n"
        "Марка смеси: Смесь бетонная ВСТ В25 П4 Е150 W8\nОбъем партии, м3: 12,0\n"
    )
    assert extract_document(page).fields["product_name"] == "Смесь бетонная БСТ В25 П4 F150 W8"


def test_an_address_is_never_the_product_name():
    page = (
        "ПАСПОРТ № П-797\nИзготовитель ООО «ПрикамьеЖелезобетон»\nНаименование изделия\n"
        "«ПрикамьеЖелезобетон», 420691, Республика Татарстан, г. Казань, ул. Ленина, д. 5\n"
    )
    assert extract_document(page).fields["product_name"] is None


def test_a_field_read_from_doubtful_words_needs_review_on_a_clean_page():
    """The page reads well on average, but the passport number's word does not."""
    page = (
        "ООО «Керамика»\nПАСПОРТ КАЧЕСТВА № 08/12-14\nДата выдачи 08.12.2025\n"
        "Наименование продукции: Кирпич керамический КР-р-по 250х120х65/1НФ/150/2,0/50\n"
        "Изготовитель: ООО «Керамика»\nКоличество: 22560 шт.\n"
    )
    words = page.split()
    sure = extract_document(page, 0.92, [95] * len(words))
    assert sure.status == "ok"
    doubtful = [30 if w == "08/12-14" else 95 for w in words]
    unsure = extract_document(page, 0.92, doubtful)
    assert unsure.confidence["doc_number"] < 0.6 <= unsure.confidence["manufacturer"]
    assert unsure.status == "needs_review" and "номер документа" in unsure.error
    # confidences that do not belong to this text are ignored: the page mean counts
    assert extract_document(page, 0.92, [30, 30]).status == "ok"


@pytest.mark.parametrize("number_line", ["№ 94302 от 5 июня 2025 г.", "Ne 71/8401 or 25.04.26"])
def test_number_line_apart_from_its_title(number_line):
    """OCR put the form's label column between the title and its number line."""
    page = (
        "ПАО «Лаишевский завод сортового проката»\nСЕРТИФИКАТ КАЧЕСТВА\n\n"
        "Изготовитель\n\nПотребитель\n\nНаименование продукции\n\n"
        f"{number_line}\n\nПАО «Лаишевский завод сортового проката», 426328,\n"
        "Номер плавки 355002\n"
    )
    expected = number_line.split()[1]
    assert extract_document(page).fields["doc_number"] == expected


def test_title_with_its_number_below_the_form_labels_still_names_the_type():
    page = (
        "Общество с ограниченной ответственностью «Идель-Сталь»\n"
        "Юридический адрес: 445078, Самарская область, г. Тольятти, ул. Химиков, д. 107\n"
        "ОГРН 1066350387047 ИНН 6330530416 КПП 633401001\nТел. +7 (8482) 87-20-58\n\n"
        "Грузополучатель:\nНаименование продукции:\nНормативный документ:\nМарка стали:\n"
        "Вагон/автомобиль №:\nЗаказ №:\n\n№ плавки № Класс\nпартии\n797773 0614-19 A500C\n"
        "Итого масса нетто 38,605 т\n\nСЕРТИФИКАТ КАЧЕСТВА Ne С-1184\nДата выдачи: 14.06.2025\n"
    )
    assert classify_page(page).doc_type == "quality_document"


@pytest.mark.parametrize("item", ["1, Сертификат соответствия", "— Сертификат соответствия"])
def test_a_letter_listing_a_certificate_is_not_a_certificate(item):
    page = (
        "ООО «Поставщик»\nИсх. № 4425 от 19.07.2025\nГенеральному директору ООО «Трест»\n"
        "Направляем документы по договору поставки № 926/25 от 13.07.2025:\n\n"
        f"{item} № ЕАЭС RU С-RU.ДФ11.В.40317/24;\n2. Паспорта качества на партии продукции;\n"
    )
    assert classify_page(page).doc_type == "other"


def test_test_report_sample_name_gets_the_grade_repairs():
    page = (
        "Испытательная лаборатория ООО «ТестСтрой»\nПРОТОКОЛ ИСПЫТАНИЙ № 135/26\n"
        "от 05.09.2026\n1. Заказчик: ООО «Трест»\n"
        "2. Объект испытаний: Смесь бетонная BCT B25 П4 Е150 W8\n3. Методы испытаний: ГОСТ 10180\n"
    )
    assert extract_document(page).fields["product_name"] == "Смесь бетонная БСТ В25 П4 F150 W8"


@pytest.mark.parametrize("debris", ["продукции", "Оо ON ОО. В WN"])
def test_label_tails_and_ocr_debris_are_never_a_product_name(debris):
    page = (
        "ООО «Керамика»\nПАСПОРТ КАЧЕСТВА № 08/12-14\nДата выдачи 08.12.2025\n"
        f"Наименование продукции: {debris}\nКоличество: 22560 шт.\n"
    )
    assert extract_document(page).fields["product_name"] is None


def test_number_token_repairs():
    from pto_pipeline.domain.extraction.normalize import repair_number_token

    assert repair_number_token("N-108") == "П-108"  # П read by the English model
    assert repair_number_token("TI-580") == "П-580"
    assert repair_number_token("0З/17") == "03/17"
    assert repair_number_token("12O4") == "1204"
    assert repair_number_token("NB-12") == "NB-12"  # a Latin code stays


def test_labelled_issue_date_under_a_declaration_line_is_the_documents_own():
    page = (
        "АО «Гарант-Миксер»\nПАСПОРТ КАЧЕСТВА № 26-763196\n"
        "(сведения о подтверждении соответствия: декларация ЕАЭС N RU Д-RU.РА02.В.12345/25)\n"
        "lata выдачи: ^ ‚ 10.08.2026 г.\nНомер партии: 2316\n"
    )
    assert extract_document(page).fields["issue_date"] == date(2026, 8, 10)
    # a date that only continues the line above still belongs to the decree named there
    letter = (
        "ООО «Завод»\nИсх. № 14 от 06.01.2026\nне подлежит сертификации в соответствии с "
        "Постановлением Правительства\nРоссийской Федерации от 23.12.2021 № 2425\n"
    )
    assert extract_document(letter).fields["issue_date"] == date(2026, 1, 6)


def test_a_properties_table_before_the_product_is_never_the_product_or_the_quantity():
    # A passport that opens with its properties table (layouts of other suppliers do):
    # «Наименование показателя» is a column title, «Масса 1 м²» a property per unit.
    text = (
        "ООО «Кровля-Юг»\n"
        "ПАСПОРТ КАЧЕСТВА № 531/26\n"
        "от 28.04.2026\n"
        "Наименование показателя Норма Фактическое значение\n"
        "Масса 1 м², кг 5,0±0,25 5,1\n"
        "Разрывная сила при растяжении, Н не менее 600 712\n"
        "Продукция: Материал рулонный гидроизоляционный наплавляемый «Бикрост ХПП»\n"
        "Изготовлена по: СТО 72746455-3.1.11-2015\n"
        "Партия №: 383/26\n"
        "Отгружено: 60 м2\n"
    )
    fields = extract_document(text, 0.9).fields
    assert fields["product_name"] == (
        "Материал рулонный гидроизоляционный наплавляемый «Бикрост ХПП»"
    )
    assert (fields["quantity"], fields["unit"]) == (60.0, "м2")
