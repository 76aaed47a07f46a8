"""The layout reading: words put back where they are printed, tables read by their
column titles, both readings of a page combined, and confidences that separate right
values from wrong ones."""

from __future__ import annotations

from datetime import date

import pytest

from pto_pipeline.domain.extraction import extract_document
from pto_pipeline.domain.extraction.extract import combine_readings
from pto_pipeline.domain.extraction.fields import Context, table_fields
from pto_pipeline.domain.extraction.layout import (
    Word,
    layout_text,
    words_from_json,
    words_to_json,
)
from pto_pipeline.domain.extraction.normalize import search_form
from pto_pipeline.domain.extraction.rules import common, families
from pto_pipeline.domain.extraction.table_reader import find_tables

CHAR = 20  # pixels per character of the synthetic pages below
LINE = 50  # pixels between lines


def _line(y: int, *cells: tuple[int, str], conf: int = 95, key: object = None) -> list[Word]:
    """Words of one printed line: each cell starts at a character column."""
    words = []
    for column, text in cells:
        x = column * CHAR
        for part in text.split():
            words.append(Word(part, conf, x, y, x + len(part) * CHAR, y + 30, key))
            x += (len(part) + 1) * CHAR
    return words


def _page(*lines: list[Word]) -> list[Word]:
    return [w for line in lines for w in line]


def _keyed(words: list[Word], key: tuple) -> list[Word]:
    return [Word(w.text, w.confidence, w.left, w.top, w.right, w.bottom, key) for w in words]


# --- words laid out -------------------------------------------------------------------


def test_label_column_read_as_a_block_still_pairs_each_label_with_its_value():
    """tesseract put the labels in one block and the values in another; laid out, each
    label shares its line with its value, a cell boundary between them."""
    labels = [
        _line(100 + i * LINE, (0, label)) for i, label in enumerate(["Номер партии", "Количество"])
    ]
    values = [_line(100 + i * LINE, (30, value)) for i, value in enumerate(["4593", "12,5 м3"])]
    words = [
        *_keyed(labels[0], (1, 1, 1)),
        *_keyed(labels[1], (1, 1, 2)),
        *_keyed(values[0], (2, 1, 1)),
        *_keyed(values[1], (2, 1, 2)),
    ]
    text, confidences = layout_text(words)
    assert text.splitlines() == [
        "Номер партии" + " " * 18 + "4593",
        "Количество" + " " * 20 + "12,5 м3",
    ]
    assert len(confidences) == len(text.split())


def test_value_stands_under_its_column_title():
    words = _page(
        _line(100, (0, "№ плавки"), (14, "№ партии"), (28, "Количество, т"), (46, "Класс")),
        _line(150, (0, "742340"), (14, "К-289"), (30, "18,617"), (46, "А500С")),
    )
    lines = layout_text(words)[0].splitlines()
    title = lines[0].index("Количество")
    assert lines[1].index("18,617") in range(title, title + len("Количество, т"))


def test_a_logo_beside_two_lines_does_not_merge_them():
    logo = Word("КМ", 90, 1600, 90, 1700, 200)  # one tall word spanning both lines
    words = [*_page(_line(100, (0, "ОГРН 1037324443243")), _line(150, (0, "Тел. 57-21-82"))), logo]
    lines = layout_text(words)[0].splitlines()
    ogrn = next(i for i, line in enumerate(lines) if "ОГРН 1037324443243" in line)
    phone = next(i for i, line in enumerate(lines) if "Тел. 57-21-82" in line)
    assert ogrn < phone and "Тел" not in lines[ogrn] and "ОГРН" not in lines[phone]
    assert sum("КМ" in line for line in lines) == 1


def test_wide_vertical_gap_is_a_paragraph_break():
    text = layout_text(_page(_line(100, (0, "Первый")), _line(400, (0, "Второй"))))[0]
    assert text == "Первый\n\nВторой"


def test_cached_words_round_trip_and_a_damaged_row_is_skipped():
    words = _page(_line(100, (0, "Паспорт № 12"), key=(1, 1, 1)))
    rows = words_to_json(words)
    assert layout_text(words_from_json(rows)) == layout_text(words)
    assert words_from_json([*rows, ["broken"], None]) == words_from_json(rows)


# --- tables by their titles ------------------------------------------------------------


def _tables(text: str):
    return find_tables(search_form(text))


REBAR = (
    "СЕРТИФИКАТ КАЧЕСТВА № 17/6824\n"
    "Дата выдачи: 09.04.2026\n"
    "Изготовитель:         ООО «Меридиан-СтальПром»\n"
    "Наименование продукции:   Арматурная сталь А240 d25 мм\n"
    "Нормативный документ:     ГОСТ 34028-2016\n"
    "№ плавки      №      Класс   Длина Кол-во Масса, т   C, %   Mn, %\n"
    "              партии         , м   пачек\n"
    "327125       К-289   А240     6,0   8      18,617   0,24   1,14\n"
    "Прокат соответствует требованиям ГОСТ 34028-2016 и испытан на свариваемость.\n"
)


def test_batch_table_gives_batch_and_tonnes_not_the_bundle_count():
    """«Кол-во» over «пачек» counts bundles; «Масса, т» is the batch quantity, even when
    OCR joined the titles into one cell."""
    [table] = _tables(REBAR)
    assert table.kind.name == "batch" and len(table.rows) == 1
    layout = (REBAR, None)
    fields = extract_document(REBAR, 0.9, layout=layout).fields
    assert fields["batch_number"] == "К-289"
    assert (fields["quantity"], fields["unit"]) == (18.617, "т")


def test_table_of_several_batches_gives_no_single_quantity():
    text = REBAR.replace(
        "327125       К-289   А240     6,0   8      18,617   0,24   1,14\n",
        "327125       К-289   А240     6,0   8      18,617   0,24   1,14\n"
        "327126       К-290   А240     6,0   4      9,100    0,22   1,10\n",
    )
    [table] = _tables(text)
    assert len(table.rows) == 2
    family = next(f for f in families() if f.name == "quality_rebar")
    assert table_fields(Context(text, common(), ()), family.fields) == {}


def test_unit_printed_in_a_wrapped_column_title():
    text = (
        "Документ о качестве бетонной смеси партии № 25-446878 от 07.11.2025\n"
        "Изготовитель: АО «Свияжский бетонный завод»\n\n"
        "Время      № авто        Наименование смеси             Нормативный       Объём,\n"
        "отгрузки                                                  документ        м.куб.\n\n"
        "19:45      Х 656 ТЕ 12   Смесь бетонная БСТ В20 П5 F150 W6    ГОСТ 7473-2010   24,0\n"
    )
    fields = extract_document(text, 0.9, layout=(text, None)).fields
    assert fields["product_name"] == "Смесь бетонная БСТ В20 П5 F150 W6"
    assert fields["standard"] == "ГОСТ 7473-2010"
    assert (fields["quantity"], fields["unit"]) == (24.0, "м3")


PROPERTIES_FIRST = (
    "ПАСПОРТ КАЧЕСТВА № 215/26\n"
    "от 28 апреля 2026 года\n"
    "Изготовитель: ООО «Заречный завод гидроизоляционных материалов»\n\n"
    "Наименование показателя                          Норма          Фактическое значение\n"
    "Масса 1 м2, кг                                  5,0±0,25                4,98\n"
    "Разрывная сила при растяжении, Н              не менее 600               862\n\n"
    "Продукция           Рулонный кровельный материал «Унифлекс ЭПП»\n"
    "Изготовлена по      ТУ 5774-003-00287852-99\n"
    "Партия №            К-239\n"
    "Отгружено           1080,0 м2\n"
)


def test_properties_table_is_never_the_product_or_the_quantity():
    [table] = _tables(PROPERTIES_FIRST)
    assert table.kind.name == "properties"
    fields = extract_document(PROPERTIES_FIRST, 0.9, layout=(PROPERTIES_FIRST, None)).fields
    assert fields["product_name"] == "Рулонный кровельный материал «Унифлекс ЭПП»"
    assert (fields["quantity"], fields["unit"]) == (1080.0, "м2")
    assert fields["batch_number"] == "К-239"


def test_key_value_line_is_no_table():
    """`Масса партии, т   35,195` names two columns' words in one cell: a label."""
    assert _tables("Номер партии     6409\nМасса партии, т.     35,195\n") == []


# --- two readings combined -------------------------------------------------------------


def test_readings_that_agree_keep_their_confidence():
    values, confidence = combine_readings(
        [{"doc_number": ("4410", 0.85)}, {"doc_number": ("4410", 0.8)}]
    )
    assert values == {"doc_number": "4410"} and confidence["doc_number"] == 0.85


def test_readings_that_disagree_lower_the_confidence_and_keep_the_layout_value():
    values, confidence = combine_readings(
        [{"manufacturer": ("АО «Урал-Сталь»", 0.8)}, {"manufacturer": ("ООО «Гарант»", 0.8)}]
    )
    assert values["manufacturer"] == "АО «Урал-Сталь»"
    assert confidence["manufacturer"] < 0.8


def test_a_lost_decimal_comma_is_caught_between_readings():
    values, _ = combine_readings([{"quantity": (15356.0, 0.85)}, {"quantity": (15.356, 0.7)}])
    assert values["quantity"] == 15.356


# --- confidence that means something --------------------------------------------------


def _words_of(text: str, low: dict[str, int]) -> list[int]:
    return [low.get(word, 96) for word in text.split()]


CONCRETE = (
    "ДОКУМЕНТ О КАЧЕСТВЕ № 518\n"
    "Дата выдачи: 11.02.2026\n"
    "Изготовитель: ООО «Приволжский бетонный завод»\n"
    "Наименование продукции: Бетонная смесь БСТ В25 П4 F150 W6\n"
    "ГОСТ 7473-2010\n"
    "Номер партии: 518\n"
    "Объём, м3: 7,0\n"
)


def test_grade_codes_doubted_by_ocr_do_not_send_a_clean_passport_to_review():
    """tesseract gives `F150` and `W6` a confidence near 46 even when they are right."""
    doubted = _words_of(CONCRETE, {"F150": 46, "W6": 46})
    result = extract_document(CONCRETE, 0.93, doubted, layout=(CONCRETE, doubted))
    assert result.fields["product_name"] == "Бетонная смесь БСТ В25 П4 F150 W6"
    assert result.status == "ok"


def test_a_doubted_character_in_the_document_number_is_sent_to_review():
    doubted = _words_of(CONCRETE, {"518": 40})
    result = extract_document(CONCRETE, 0.93, doubted, layout=(CONCRETE, doubted))
    assert result.status == "needs_review"
    assert "номер документа" in (result.error or "")


@pytest.mark.parametrize("date_word", ["от", "or"])  # a serif т read as a Latin r
def test_letter_date_is_not_the_cited_regulations(date_word: str):
    text = (
        "ООО «КамаНерудпром», ИНН 7413997580\n"
        f"Исх. № 124                         Генеральному директору\n"
        f"{date_word} 27.01.2026 г.                  АО «Нижнекамский трест»\n\n"
        "Информационное письмо\n"
        "Сообщаем, что продукция Щебень известняковый фр. 5-10 М800 (ГОСТ 32703-2014)\n"
        "производства ООО «КамаНерудпром» не входит в единые перечни продукции, утвержденные\n"
        "Правительством Российской Федерации от\n"
        "23.12.2021 № 2425, в связи с чем сертификат и декларация не оформляются.\n"
    )
    fields = extract_document(text, 0.9, layout=(text, None)).fields
    assert fields["issue_date"] == date(2026, 1, 27)


def test_only_a_label_ending_its_line_with_no_value_gets_a_strip_to_read_again():
    from pto_pipeline.domain.extraction.layout import empty_value_boxes
    from pto_pipeline.domain.extraction.rules import ends_with_value_label

    words = _page(
        _line(100, (0, "Партия №"), (40, ";")),  # stamp debris after the label
        _line(150, (0, "Отгружено"), (20, "1080,0 м2")),
        _line(200, (0, "Начальник ОТК"), (60, "Королёва М.О.")),
    )
    boxes = empty_value_boxes(words, ends_with_value_label, page_width=100 * CHAR)
    assert len(boxes) == 1
    left, top, _right, bottom = boxes[0]
    assert left > len("Партия №") * CHAR and top < 100 < 130 < bottom


# --- captions above their values ----------------------------------------------------------

CAPTION_GRID = (
    "ПРОТОКОЛ ИСПЫТАНИЙ № ИЛ-7794\n"
    "Дата: 11.11.2025\n\n"
    "Объект испытаний                               Изготовитель\n"
    "Смесь бетонная БСТ В25 П5 F150 W6              ООО «Восточный бетонный узел»\n\n"
    "Нормативный документ                           Партия\n"
    "ГОСТ 7473-2010                                 5570\n"
)


def test_captions_side_by_side_give_each_value_to_its_own_caption():
    fields = extract_document(CAPTION_GRID, 0.9, layout=(CAPTION_GRID, None)).fields
    assert fields["product_name"] == "Смесь бетонная БСТ В25 П5 F150 W6"
    assert fields["manufacturer"] == "ООО «Восточный бетонный узел»"
    assert fields["batch_number"] == "5570"


def test_unfolded_captions_keep_each_words_confidence():
    from pto_pipeline.domain.extraction.captions import unfold_captions

    text = "Продукция          Изготовитель\nПраймер «Гидростоп-П»          ООО «Урал»\n"
    confidences = [90, 91, 50, 51, 80, 81]
    unfolded, moved = unfold_captions(text, confidences, lambda caption: True)
    assert unfolded.splitlines()[:2] == [
        "Продукция: Праймер «Гидростоп-П»",
        "Изготовитель: ООО «Урал»",
    ]
    assert moved == [90, 50, 51, 91, 80, 81]


def test_a_table_under_its_titles_is_not_taken_for_captions():
    from pto_pipeline.domain.extraction.captions import unfold_captions

    text = "Партия        Количество\n4593          12,5\n4594          10,0\n"
    assert unfold_captions(text, None, lambda caption: True)[0] == text


def test_a_batch_of_nothing_is_doubted():
    text = CONCRETE.replace("Объём, м3: 7,0", "Объём, м3: 0")
    result = extract_document(text, 0.95, layout=(text, None))
    assert result.fields["quantity"] == 0
    assert result.confidence["quantity"] < 0.6


# --- bad input: empty with a reason, never a sure wrong value, never a crash ---------------


def test_label_with_no_value_leaves_the_field_empty_with_a_reason():
    text = CONCRETE.replace(
        "Наименование продукции: Бетонная смесь БСТ В25 П4 F150 W6", "Наименование продукции:"
    )
    result = extract_document(text, 0.95, layout=(text, None))
    assert result.fields["product_name"] is None
    assert result.status == "needs_review" and "наименование продукции" in result.error


def test_a_page_that_is_all_table_reads_without_crashing():
    header = "№ п/п      Наименование показателя      Норма по НД      Фактическое значение\n"
    rows = "".join(f"{i}      Показатель {i}      не менее {i}0      {i}5\n" for i in range(1, 40))
    text = "ПАСПОРТ № 12\n" + header + rows
    result = extract_document(text, 0.9, layout=(text, None))
    assert result.fields["product_name"] is None  # a property is no product
    assert result.fields["quantity"] is None


def test_two_values_for_one_label_are_not_both_sure():
    text = CONCRETE.replace("Объём, м3: 7,0", "Объём, м3: 7,0\nОбъём, м3: 9,0")
    flow = CONCRETE.replace("Объём, м3: 7,0", "Объём, м3: 9,0\nОбъём, м3: 7,0")
    result = extract_document(flow, 0.95, layout=(text, None))
    assert result.confidence["quantity"] < 0.8  # the readings disagree: doubted


def test_short_refusal_letter_mentioning_passports_is_still_a_refusal_letter():
    text = (
        "Общество с ограниченной ответственностью «Стандарт-РастворБетон»\n"
        "ИНН 6692053468, 620966, г. Екатеринбург, ул. Магистральная, д. 78\n\n"
        "Исх. № 306/25 от 23.09.2025\n\n"
        "Продукция Смесь растворная кладочная тяжелая цементная М100 Пк2 (ГОСТ\n"
        "28013-98) не подлежит обязательному подтверждению соответствия. Документы о\n"
        "качестве выдаются на каждую партию.\n"
        "Письмо действительно по 31.12.2025 г.\n"
    )
    assert extract_document(text, 0.9).fields["doc_type"] == "refusal_letter"


def test_batch_product_and_weight_told_in_a_sentence():
    text = (
        "ООО «Чистопольский металлургический завод № 8», г. Москва\n\n"
        "СЕРТИФИКАТ КАЧЕСТВА № C-9897\nот 19.05.2026 г.\n\n"
        "Настоящим удостоверяется, что партия № В-59 проката «Прокат арматурный\n"
        "свариваемый периодического профиля А500С ф20» весом 19,326 т изготовлена по\n"
        "ГОСТ 34028-2016 и принята ОТК.\n"
    )
    fields = extract_document(text, 0.9, layout=(text, None)).fields
    assert (
        fields["product_name"] == "Прокат арматурный свариваемый периодического профиля А500С ф20"
    )
    assert fields["batch_number"] == "В-59"
    assert (fields["quantity"], fields["unit"]) == (19.326, "т")


# --- mechanisms found by reserved layouts that failed (now development layouts) ----------


def test_act_handing_over_passports_is_not_a_passport():
    text = (
        "АКТ № 6359\nприёма-передачи исполнительной документации\n"
        "«13» июля 2025 г.\n"
        "ООО «Зеленодольский завод» передаёт, а АО «ИтильДевелопмент» принимает документы:\n"
        "№     Документ                       Листов\n"
        "1     Паспорта качества              11\n"
        "2     Товарные накладные             1\n"
    )
    assert extract_document(text, 0.9, layout=(text, None)).fields["doc_type"] == "other"


def test_refusal_names_the_product_after_its_maker_and_a_dash():
    text = (
        "Общество с ограниченной ответственностью «Волжский завод нерудных материалов»\n\n"
        "от 10.09.2026 № 267                    Руководителю организации-заказчика\n\n"
        "Продукция ООО «Волжский завод нерудных материалов» — Щебень гравийный фракции 10-20\n"
        "мм, марка по дробимости М1000, выпускаемая по ГОСТ 8267-93, — не включена в перечни\n"
        "продукции, подлежащей обязательной сертификации или декларированию. Оформление\n"
        "сертификата или декларации о соответствии на неё не требуется.\n"
        "Письмо действует по 31.12.2026.\n"
    )
    fields = extract_document(text, 0.9, layout=(text, None)).fields
    assert fields["doc_type"] == "refusal_letter"
    assert fields["product_name"] == "Щебень гравийный фракции 10-20 мм, марка по дробимости М1000"
    assert fields["valid_to"] == date(2026, 12, 31)


def test_company_name_never_taken_across_a_cell_gap():
    text = (
        "СЕРТИФИКАТ СООТВЕТСТВИЯ\nРОСС RU.КА38.Н80191\n\n"
        "Изготовитель   Акционерное общество                   Выдан           21.11.2025\n"
        "               «ГарантБетон-Комплект», г. Москва       Действителен    20.11.2030\n"
    )
    result = extract_document(text, 0.9, layout=(text, None))
    assert result.fields["manufacturer"] != "АО «Выдан»"
    assert result.fields["issue_date"] == date(2025, 11, 21)
    assert result.fields["valid_to"] == date(2030, 11, 20)
