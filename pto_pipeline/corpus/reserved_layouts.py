"""Document layouts RESERVED FOR EVALUATION ONLY: `pto-pipeline eval --unseen-layouts`.

These layouts measure how the extraction rules generalise to forms nobody tuned them on.
They are never used in golden tests, in the sample project (`project.py`) or in the
development corpus. Rule writers must not read this module (nor `reserved_blocks.py`):
a rule written against these pages turns the unseen figure into a development figure.

When a reserved layout fails, fix the general mechanism (label vocabularies, label-value
geometry, table headers), then move the layout to the development set (a
`layouts_*.py` module) and reserve a new one here, so the unseen set stays unseen.

The truth of every document is `facts.requisites()`, as for the development layouts: each
layout prints exactly the facts a careful reader takes from the page (see the ground-truth
conventions in the package docstring).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from pto_pipeline.corpus import vocab as V
from pto_pipeline.corpus.facts import Facts
from pto_pipeline.corpus.layouts_common import company_stamp, letterhead, new_flow, signature_row
from pto_pipeline.corpus.page import Cell, Flow, Page, Rect, Signature
from pto_pipeline.corpus.products import Product, fmt_qty, printed_unit, unit_decimals
from pto_pipeline.corpus.reserved_blocks import (
    Field,
    footer,
    header_band,
    labels_above,
    leaders,
    plain_table,
    side_by_side,
    signature_columns,
    stamp_at,
)

_REGULATION = "ТР ЕАЭС 047/2023 «О безопасности зданий и сооружений, строительных материалов»"


def _dmy(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def _qty(f: Facts) -> str:
    return fmt_qty(f.quantity, unit_decimals(f.unit))


def _org(c: V.Company) -> str:
    return f"{c.full}, {c.address}, ИНН {c.inn}"


def _body_text(rng: random.Random, f: Facts) -> str:
    body = V.company(rng, "cert")
    return f"{body.short}, {body.address}, аттестат RA.RU.11{f.body}"


def _props_rows(p: Product, header: list[str]) -> list[list[str]]:
    return [header] + [[pr.indicator, pr.norm, pr.actual] for pr in p.properties]


def _stamp_bottom(flow: Flow, f: Facts, rng: random.Random, side: str) -> None:
    x = flow.left + 28 if side == "left" else flow.right - 28
    stamp_at(flow, f.manufacturer, rng, x, min(flow.y + 6, flow.bottom - 22))


# -- conformity certificates (EAEU) ----------------------------------------------------
def cert_eaeu_caption_grid(f: Facts, rng: random.Random) -> list[Page]:
    """Captions above values in a two-column grid; registration facts in boxes on top."""
    flow = new_flow(rng, families=("sans",))
    header_band(flow, "ЕВРАЗИЙСКИЙ ЭКОНОМИЧЕСКИЙ СОЮЗ", f"Бланк {f.blank_series}")
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 5, bold=True, align="center")
    flow.space(3)
    labels_above(
        flow,
        [
            ("Регистрационный номер", f.number),
            ("Дата регистрации", _dmy(f.valid_from)),
            ("Действителен до", _dmy(f.valid_to)),
        ],
        columns=3,
        boxed=True,
    )
    flow.space(3)
    m = f.manufacturer
    labels_above(
        flow,
        [
            ("Изготовитель", _org(m)),
            ("Заявитель", f"{m.full}, ОГРН {m.ogrn}"),
            ("Наименование продукции", f.product.name),
            ("Документ, по которому изготовлена продукция", f.product.standard),
            ("Код ТН ВЭД ЕАЭС", f.product.tn_ved),
            ("Соответствует требованиям", _REGULATION),
            ("Орган по сертификации", _body_text(rng, f)),
            ("Схема сертификации", "1с"),
        ],
        columns=2,
        value_bold=False,
    )
    if f.annex_products:
        flow.para("Перечень конкретной продукции приведён в приложении.", size=flow.size - 1)
    y = signature_columns(
        flow, [("Руководитель органа", V.person(rng)), ("Эксперт", V.person(rng))], rng
    )
    stamp_at(flow, V.company(rng, "cert"), rng, flow.left + 60, y)
    return flow.pages + _annex_plain(f, rng)


def cert_eaeu_numbered_clauses(f: Facts, rng: random.Random) -> list[Page]:
    """Numbered clauses; number and dates in a ruled table with a header row at the end."""
    flow = new_flow(rng, families=("serif",))
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 4, bold=True, align="center")
    flow.para("Евразийский экономический союз", align="center", space_after=4)
    m = f.manufacturer
    clauses = [
        f"1. Орган по сертификации: {_body_text(rng, f)}.",
        f"2. Заявитель: {m.full}, {m.address}, телефон {m.phone}.",
        f"3. Производитель: {m.full}. Адрес производства: {m.address}.",
        f"4. Объект сертификации — продукция: {f.product.name}. Серийный выпуск.",
        f"5. Продукция выпускается по документу: {f.product.standard}.",
        f"6. Код ТН ВЭД ЕАЭС: {f.product.tn_ved}.",
        f"7. Продукция соответствует требованиям {_REGULATION}.",
        f"8. Основание: протокол испытаний № {rng.randint(100, 999)}-П от "
        f"{_dmy(f.valid_from - timedelta(days=rng.randint(5, 30)))}.",
    ]
    for text in clauses:
        flow.para(text, indent=4, first_indent=-4, space_after=1.2)
    flow.space(3)
    flow.table(
        [70, 45, 45],
        [
            ["Регистрационный номер сертификата", "Дата выдачи", "Срок действия по"],
            [f.number, _dmy(f.valid_from), _dmy(f.valid_to)],
        ],
        align=["center"] * 3,
    )
    signature_row(flow, "Руководитель органа по сертификации", V.person(rng), rng)
    flow.para(f"Серия RU № {f.blank_series}", size=flow.size - 2, align="right")
    stamp_at(flow, V.company(rng, "cert"), rng, flow.right - 35, flow.y - 12)
    return flow.pages + _annex_plain(f, rng)


def _annex_plain(f: Facts, rng: random.Random) -> list[Page]:
    if not f.annex_products:
        return []
    flow = new_flow(rng, families=("sans",))
    flow.para(f"Приложение к сертификату соответствия № {f.number}", bold=True)
    flow.para("Лист 2", size=flow.size - 1, align="right", space_after=3)
    rows = [["Поз.", "Наименование изделия", "Стандарт"]]
    rows += [[str(n), item.name, item.standard] for n, item in enumerate(f.annex_products, 1)]
    plain_table(flow, [12, 110, 50], rows)
    return flow.pages


# -- conformity certificates (ГОСТ Р, voluntary) ---------------------------------------
def cert_gost_r_header_table(f: Facts, rng: random.Random) -> list[Page]:
    """Dates in a header-row table under the title; sections with captions above."""
    flow = new_flow(rng)
    flow.para("Система сертификации ГОСТ Р", size=flow.size - 1, align="right")
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 5, bold=True, align="center")
    flow.space(2)
    flow.table(
        [60, 40, 40],
        [
            ["Номер", "Действителен с", "Действителен по"],
            [f.number, _dmy(f.valid_from), _dmy(f.valid_to)],
        ],
        align=["center"] * 3,
        shade_header=True,
    )
    flow.space(3)
    m = f.manufacturer
    labels_above(
        flow,
        [
            ("Продукция:", f.product.name),
            ("Изготовлена по:", f.product.standard),
            ("Завод-изготовитель:", f"{m.full}, {m.address}"),
            ("Код ОКПД 2:", f.product.okpd2),
            ("Выдан органом по сертификации:", _body_text(rng, f)),
        ],
        columns=1,
        value_bold=False,
    )
    signature_columns(
        flow, [("Руководитель органа", V.person(rng)), ("Эксперт", V.person(rng))], rng
    )
    _stamp_bottom(flow, f, rng, "left")
    footer(
        flow,
        f"Бланк серии ГР № {f.blank_series}",
        "Лист 1 из 1" if not f.annex_products else "Лист 1",
    )
    return flow.pages + _annex_plain(f, rng)


def cert_gost_r_two_columns(f: Facts, rng: random.Random) -> list[Page]:
    """Two key-value columns side by side; validity phrased as issue and expiry."""
    flow = new_flow(rng, landscape=True, families=("sans", "serif"))
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 5, bold=True, align="center")
    flow.para(f"{f.number}", size=flow.size + 2, bold=True, align="center", space_after=4)
    m = f.manufacturer
    side_by_side(
        flow,
        [
            ("Изготовитель", f"{m.full}, {m.address}"),
            ("Марка", f.product.name),
            ("Стандарт", f.product.standard),
        ],
        [
            ("Выдан", _dmy(f.valid_from)),
            ("Действителен до", _dmy(f.valid_to)),
            ("Орган", _body_text(rng, f)),
            ("Бланк", f"серия ГР № {f.blank_series}"),
        ],
        label_w=34,
    )
    signature_columns(flow, [("Руководитель органа", V.person(rng))], rng)
    return flow.pages + _annex_plain(f, rng)


def cert_voluntary_leaders(f: Facts, rng: random.Random) -> list[Page]:
    """Dot-leader form; validity told in the closing sentence."""
    flow = new_flow(rng, families=("serif", "mono"))
    system = rng.choice(("ЕВРОСТРОЙСЕРТ", "НАЦСТРОЙКОНТРОЛЬ", "СТРОЙЭКСПЕРТИЗА"))
    flow.para(f"Система добровольной сертификации «{system}»", bold=True, align="center")
    flow.para(
        f"СЕРТИФИКАТ СООТВЕТСТВИЯ № {f.number}",
        size=flow.size + 3,
        bold=True,
        align="center",
        space_after=4,
    )
    m = f.manufacturer
    leaders(
        flow,
        [
            ("Наименование изделия", f.product.name),
            ("Нормативный документ", f.product.standard),
            ("Производитель", f"{m.short}, {m.city.name}"),
            ("Орган по сертификации", _body_text(rng, f)),
        ],
        label_w=62,
    )
    flow.space(3)
    flow.para(
        f"Настоящий сертификат действует с {V.fmt_date(f.valid_from, 'quoted')} "
        f"по {V.fmt_date(f.valid_to, 'quoted')}",
        first_indent=10,
    )
    signature_columns(flow, [("Руководитель органа", V.person(rng))], rng)
    return flow.pages + _annex_plain(f, rng)


# -- declarations ----------------------------------------------------------------------
def decl_eaeu_ruled_grid(f: Facts, rng: random.Random) -> list[Page]:
    """A ruled two-column grid; registration data lead the table."""
    flow = new_flow(rng, families=("sans", "serif"))
    flow.para("ЕАЭС", bold=True, align="right")
    flow.para(
        "ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ", size=flow.size + 4, bold=True, align="center", space_after=3
    )
    m = f.manufacturer
    rows: list[list[str | Cell]] = [
        [Cell("Регистрационный номер", bold=True), f.number],
        [Cell("Дата регистрации", bold=True), _dmy(f.valid_from)],
        [Cell("Действует до", bold=True), _dmy(f.valid_to)],
        [Cell("Заявитель", bold=True), f"{m.full}, {m.address}, ОГРН {m.ogrn}"],
        [Cell("Изготовитель", bold=True), f"{m.full}, {m.address}"],
        [Cell("Продукция", bold=True), f.product.name],
        [Cell("Обозначение НД", bold=True), f.product.standard],
        [Cell("Код ТН ВЭД ЕАЭС", bold=True), f.product.tn_ved],
        [Cell("Технический регламент", bold=True), _REGULATION],
        [Cell("Схема декларирования", bold=True), "1д"],
    ]
    flow.table([48, flow.width - 48], rows, header_rows=0)
    signature_row(flow, m.head_title, m.head, rng)
    flow.para("М.П.", size=flow.size - 1)
    return flow.pages


def decl_eaeu_caption_card(f: Facts, rng: random.Random) -> list[Page]:
    """A card with captions above values, three columns at the top."""
    flow = new_flow(rng, families=("sans",))
    m = f.manufacturer
    header_band(flow, m.short, "Форма Д-1")
    flow.para("Декларация о соответствии", size=flow.size + 4, bold=True, align="center")
    flow.para("(Евразийский экономический союз)", size=flow.size - 1, align="center", space_after=3)
    labels_above(
        flow,
        [
            ("Номер декларации", f.number),
            ("Дата принятия", V.fmt_date(f.valid_from, "words_g")),
            ("Срок действия по", V.fmt_date(f.valid_to, "words_g")),
        ],
        columns=3,
    )
    flow.hrule(0.3)
    labels_above(
        flow,
        [
            ("Наименование продукции", f.product.name),
            ("Продукция изготовлена в соответствии с", f.product.standard),
            ("Производитель", _org(m)),
            ("Заявитель", f"{m.short}, в лице руководителя {m.head.full}"),
        ],
        columns=1,
        value_bold=False,
    )
    signature_columns(flow, [(m.head_title, m.head)], rng)
    _stamp_bottom(flow, f, rng, "right")
    return flow.pages


def decl_national_statement(f: Facts, rng: random.Random) -> list[Page]:
    """The applicant's statement in prose; number and dates in a block at the top right."""
    flow = new_flow(rng, families=("serif",))
    m = f.manufacturer
    letterhead(flow, m, rng, style=2)
    x0 = flow.left + flow.width * 0.45
    flow.para("ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ", bold=True, x0=x0)
    flow.para(f"{f.number}", x0=x0)
    flow.para(f"от {V.fmt_date(f.valid_from, 'quoted')}", x0=x0)
    flow.para(f"Срок действия до {_dmy(f.valid_to)}", x0=x0, space_after=5)
    flow.para(
        f"Мы, {m.full}, в лице {m.head.full}, заявляем, что продукция «{f.product.name}», "
        f"выпускаемая по {f.product.standard}, код ОКПД 2 {f.product.okpd2}, соответствует "
        f"требованиям {f.product.standard}.",
        first_indent=10,
        space_after=2,
    )
    flow.para(
        f"Производитель: {m.short}, {m.address}. Декларация принята на основании собственных "
        f"доказательств — протокола испытаний № {rng.randint(10, 999)} от "
        f"{_dmy(f.valid_from - timedelta(days=rng.randint(4, 25)))}.",
        first_indent=10,
        space_after=6,
    )
    signature_row(flow, m.head_title, m.head, rng)
    _stamp_bottom(flow, f, rng, "left")
    return flow.pages


def decl_national_unruled(f: Facts, rng: random.Random) -> list[Page]:
    """Key-value pairs in an unruled two-column table, one rule under its header."""
    flow = new_flow(rng, families=("mono", "sans"))
    m = f.manufacturer
    flow.para(
        "ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ", size=flow.size + 3, bold=True, align="center", space_after=3
    )
    rows = [
        ["Сведение", "Значение"],
        ["Зарегистрирована под №", f.number],
        ["Зарегистрирована", _dmy(f.valid_from)],
        ["Действительна по", _dmy(f.valid_to)],
        ["Изготовитель", f"{m.short}, {m.address}"],
        ["Продукция", f.product.name],
        ["Стандарт", f.product.standard],
        ["ОКПД 2", f.product.okpd2],
    ]
    plain_table(flow, [55, 120], rows)
    signature_columns(flow, [("Руководитель", m.head)], rng)
    return flow.pages


# -- concrete --------------------------------------------------------------------------
def concrete_batch_table(f: Facts, rng: random.Random) -> list[Page]:
    """Product line, then a batch table and a properties table."""
    flow = new_flow(rng)
    letterhead(flow, f.manufacturer, rng, style=1)
    flow.para(f"ПАСПОРТ № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.para("на бетонную смесь", align="center")
    flow.para(f"Выдан {V.fmt_date(f.issue_date, 'quoted')}", align="center", space_after=3)
    p = f.product
    flow.kv("Продукция:", p.name, label_w=32, label_bold=True)
    flow.kv("Стандарт:", p.standard, label_w=32, label_bold=True)
    flow.space(2)
    unit = printed_unit(rng, f.unit)
    flow.table(
        [24, 30, 34, 30, 40],
        [
            ["№ партии", "Дата изготовления", f"Объём, {unit}", "Время", "Автомобиль"],
            [
                f.batch_number,
                _dmy(f.issue_date),
                _qty(f),
                f"{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}",
                V.vehicle_plate(rng, f.manufacturer.city.region_code),
            ],
        ],
        align=["center"] * 5,
    )
    flow.space(3)
    header = ["Наименование показателя", "Норма по НД", "Фактическое значение"]
    flow.table([90, 40, 45], _props_rows(p, header), align=["left", "center", "center"])
    signature_columns(flow, [("Лаборант", V.person(rng)), ("Диспетчер", V.person(rng))], rng)
    _stamp_bottom(flow, f, rng, "right")
    return flow.pages


def concrete_two_party_captions(f: Facts, rng: random.Random) -> list[Page]:
    """Supplier and consignee side by side, then captions above values."""
    flow = new_flow(rng, families=("sans", "mono"))
    m = f.manufacturer
    side_by_side(
        flow,
        [("Поставщик", f"{m.short}, {m.address}")],
        [("Получатель", f.consumer.short if f.consumer else "—")],
        label_w=26,
    )
    flow.hrule(0.4)
    flow.para(f"ДОКУМЕНТ О КАЧЕСТВЕ № {f.number}", size=flow.size + 2, bold=True, align="center")
    flow.para(f"бетонной смеси, партия № {f.batch_number}", size=flow.size - 1, align="center")
    flow.space(2)
    unit = printed_unit(rng, f.unit)
    p = f.product
    fields: list[Field] = [
        ("Дата выдачи", _dmy(f.issue_date)),
        ("Марка бетонной смеси", p.name),
        (f"{_AMOUNT_LABEL.get(f.unit, 'Кол-во в партии')}, {unit}", _qty(f)),
        ("Нормативный документ", p.standard),
        ("Объект", f.object_name or "—"),
        ("Время выезда", f"{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}"),
    ]
    labels_above(flow, fields, columns=2, boxed=True)
    if f.quoted_declaration:
        flow.para(f"Сведения о декларации: {f.quoted_declaration}", size=flow.size - 1.5)
    signature_columns(flow, [("Отпустил", V.person(rng)), ("Получил", V.person(rng))], rng)
    _stamp_bottom(flow, f, rng, "left")
    return flow.pages


# -- rebar -----------------------------------------------------------------------------
def rebar_batch_rows(f: Facts, rng: random.Random) -> list[Page]:
    """Heading lines, a batch table with a total row, a properties table."""
    flow = new_flow(rng, families=("sans", "serif"))
    letterhead(flow, f.manufacturer, rng, style=0)
    flow.para(
        f"ДОКУМЕНТ О КАЧЕСТВЕ ПРОДУКЦИИ № {f.number}", size=flow.size + 2, bold=True, align="center"
    )
    flow.para(f"Дата: {_dmy(f.issue_date)}", align="right", space_after=2)
    p = f.product
    leaders(
        flow,
        [
            ("Наименование изделия", p.name),
            ("Стандарт", p.standard),
            ("Получатель", f.consumer.short if f.consumer else "—"),
        ],
        label_w=58,
    )
    flow.space(2)
    flow.table(
        [26, 26, 24, 24, 34],
        [
            ["№ партии", "№ плавки", "Диаметр, мм", "Класс", "Масса нетто, т"],
            [f.batch_number, V.heat_number(rng), p.grades["diameter"], p.grades["class"], _qty(f)],
        ],
        align=["center"] * 5,
    )
    flow.space(3)
    header = ["Показатель", "Норма по НД", "Фактическое значение"]
    flow.table([90, 40, 45], _props_rows(p, header), align=["left", "center", "center"])
    signature_columns(flow, [("Контролёр ОТК", V.person(rng))], rng)
    _stamp_bottom(flow, f, rng, "right")
    return flow.pages


def rebar_unruled_landscape(f: Facts, rng: random.Random) -> list[Page]:
    """Landscape: properties first in an unruled table, then captions above values."""
    flow = new_flow(rng, landscape=True, families=("mono", "sans"))
    m = f.manufacturer
    header_band(flow, f"{m.short} · {m.address}", "Ф-ОТК-07")
    flow.para(
        f"Сертификат качества № {f.number} от {V.fmt_date(f.issue_date, 'dmy_g')}",
        size=flow.size + 2,
        bold=True,
        align="center",
        space_after=3,
    )
    p = f.product
    plain_table(flow, [110, 50, 50], _props_rows(p, ["Показатель", "Требование", "Факт"]))
    flow.space(4)
    labels_above(
        flow,
        [
            ("Прокат", p.name),
            ("НД", p.standard),
            ("Партия", f.batch_number),
            ("Вес, т", _qty(f)),
        ],
        columns=4,
    )
    signature_columns(flow, [("Начальник ОТК", V.person(rng)), ("Мастер", V.person(rng))], rng)
    _stamp_bottom(flow, f, rng, "left")
    return flow.pages


# -- generic passports -----------------------------------------------------------------
def passport_on_product(f: Facts, rng: random.Random) -> list[Page]:
    """«Паспорт № … на …», properties table first, captions above values after it."""
    flow = new_flow(rng)
    letterhead(flow, f.manufacturer, rng, style=rng.choice((0, 1)))
    p = f.product
    flow.para(f"ПАСПОРТ № {f.number} на {p.what}", size=flow.size + 2, bold=True, align="center")
    flow.para(f"Дата выдачи {V.fmt_date(f.issue_date, 'words_g')}", align="center", space_after=3)
    header = ["Наименование показателя", "Требования НД", "Фактическое значение"]
    flow.table([90, 40, 45], _props_rows(p, header), align=["left", "center", "center"])
    flow.space(3)
    unit = printed_unit(rng, f.unit)
    labels_above(
        flow,
        [
            ("Марка", p.name),
            ("Изготовлено по", p.standard),
            ("Партия №", f.batch_number),
            ("Кол-во", f"{_qty(f)} {unit}"),
        ],
        columns=2,
    )
    signature_columns(flow, [("Начальник ОТК", V.person(rng))], rng)
    _stamp_bottom(flow, f, rng, "right")
    return flow.pages


def passport_unruled_batch(f: Facts, rng: random.Random) -> list[Page]:
    """Product named in prose; quantity and unit in separate columns of an unruled table."""
    flow = new_flow(rng, families=("sans", "mono"))
    m = f.manufacturer
    header_band(flow, m.short, f"тел. {m.phone}")
    flow.para(
        f"Паспорт качества № {f.number} от {V.fmt_date(f.issue_date, 'dmy_short')}",
        size=flow.size + 2,
        bold=True,
        space_after=2,
    )
    p = f.product
    flow.para(f"Продукция: {p.name}", space_after=0.5)
    flow.para(f"Нормативный документ: {p.standard}", space_after=3)
    plain_table(
        flow,
        [30, 40, 30, 30],
        [
            ["№ партии", "Дата изготовления", "Количество", "Ед. изм."],
            [f.batch_number, _dmy(f.issue_date), _qty(f), printed_unit(rng, f.unit)],
        ],
    )
    flow.space(3)
    plain_table(flow, [100, 40, 40], _props_rows(p, ["Показатель", "Норма", "Результат"]))
    flow.space(2)
    flow.para(f"Изготовитель: {m.full}, {m.address}", size=flow.size - 1)
    signature_columns(flow, [("Контролёр ОТК", V.person(rng)), ("Кладовщик", V.person(rng))], rng)
    footer(flow, m.email, "стр. 1/1")
    return flow.pages


def passport_issued_for(f: Facts, rng: random.Random) -> list[Page]:
    """«Выдан на»: the product after the title, a ruled three-column grid of facts."""
    flow = new_flow(rng, families=("serif", "sans"))
    letterhead(flow, f.manufacturer, rng, style=2)
    p = f.product
    flow.para("ДОКУМЕНТ О КАЧЕСТВЕ", size=flow.size + 3, bold=True, align="center")
    flow.para(f"№ {f.number}", bold=True, align="center")
    flow.para(f"Выдан на: {p.name}", align="center", space_after=3)
    unit = printed_unit(rng, f.unit)
    flow.table(
        [50, 50, 50],
        [
            ["Дата выдачи", "№ партии", f"Отгружено, {unit}"],
            [_dmy(f.issue_date), f.batch_number, _qty(f)],
        ],
        align=["center"] * 3,
    )
    flow.space(2)
    flow.para(f"Продукция изготовлена по {p.standard} и принята ОТК.", space_after=2)
    for prop in p.properties[:4]:
        flow.para(f"{prop.indicator} — {prop.actual} (по НД {prop.norm})", indent=5)
    signature_columns(flow, [("Производитель работ", V.person(rng)), ("ОТК", V.person(rng))], rng)
    return flow.pages


# -- test reports ----------------------------------------------------------------------
def report_caption_grid(f: Facts, rng: random.Random) -> list[Page]:
    """Captions above values; results in an unruled table; a footer."""
    flow = new_flow(rng, families=("sans",))
    lab = V.company(rng, "lab")
    header_band(
        flow, f"Испытательная лаборатория {lab.short}", V.accreditation_number(rng, prefix="21")
    )
    flow.para(f"ПРОТОКОЛ № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.para("испытаний строительной продукции", align="center", space_after=3)
    p = f.product
    fields: list[Field] = [
        ("Дата выдачи протокола", _dmy(f.issue_date)),
        ("Дата поступления образцов", _dmy(f.issue_date - timedelta(days=rng.randint(3, 12)))),
        ("Наименование образца", p.name),
        ("НД на продукцию", p.standard),
        ("Производитель продукции", f.manufacturer.short),
        ("Заказчик", f.consumer.short if f.consumer else "—"),
    ]
    if f.batch_number:
        fields.append(("Партия", f.batch_number))
    labels_above(flow, fields, columns=2)
    flow.space(2)
    plain_table(flow, [100, 40, 40], _props_rows(p, ["Показатель", "Норма", "Получено"]))
    signature_columns(flow, [("Инженер", V.person(rng)), ("Руководитель ИЛ", V.person(rng))], rng)
    stamp_at(flow, lab, rng, flow.right - 40, flow.y - 10)
    footer(flow, "Протокол распространяется только на испытанные образцы", "Лист 1")
    return flow.pages


def report_header_table_prose(f: Facts, rng: random.Random) -> list[Page]:
    """Number and date in a header-row table; the object described in prose."""
    flow = new_flow(rng, families=("serif",))
    lab = V.company(rng, "lab")
    letterhead(flow, lab, rng, style=0)
    flow.para("ПРОТОКОЛ ИСПЫТАНИЙ", size=flow.size + 3, bold=True, align="center", space_after=2)
    flow.table(
        [60, 60, 40],
        [
            ["Номер протокола", "Дата протокола", "Количество листов"],
            [f.number, _dmy(f.issue_date), "1"],
        ],
        align=["center"] * 3,
    )
    flow.space(3)
    p = f.product
    batch = f" (партия № {f.batch_number})" if f.batch_number else ""
    flow.para(
        f"Испытаниям подвергнуты образцы продукции «{p.name}»{batch}, изготовленной "
        f"{f.manufacturer.full} по {p.standard}. Образцы доставлены заказчиком.",
        first_indent=10,
        space_after=3,
    )
    header = ["Наименование показателя", "Требование", "Результат испытаний"]
    flow.table([90, 40, 45], _props_rows(p, header), align=["left", "center", "center"])
    signature_row(flow, "Руководитель лаборатории", V.person(rng), rng)
    stamp_at(flow, lab, rng, flow.left + 45, flow.y - 8)
    return flow.pages


# -- refusal letters -------------------------------------------------------------------
def refusal_date_first(f: Facts, rng: random.Random) -> list[Page]:
    """«от <date> № <number>» in a box at the top left; the addressee on the right."""
    flow = new_flow(rng, families=("serif", "sans"))
    m = f.manufacturer
    letterhead(flow, m, rng, style=1)
    top = flow.y
    flow.para(f"от {_dmy(f.issue_date)}  № {f.number}", x0=flow.left + 2, width=75)
    flow.add(Rect(flow.left, top - 1, 78, flow.y - top + 2, 0.3))
    flow.y = top
    for line in ("Руководителю организации-заказчика", f.consumer.short if f.consumer else ""):
        flow.para(line, x0=flow.left + flow.width * 0.55)
    flow.space(8)
    flow.para("О подтверждении соответствия продукции", bold=True, space_after=3)
    p = f.product
    flow.para(
        f"Продукция {m.short} — {p.name}, выпускаемая по {p.standard}, — не включена в "
        f"перечни продукции, подлежащей обязательной сертификации или декларированию "
        f"(Постановление Правительства РФ от 23.12.2021 № 2425). Оформление сертификата или "
        f"декларации о соответствии на неё не требуется.",
        first_indent=10,
        space_after=2,
    )
    if f.valid_to:
        flow.para(f"Письмо действует по {_dmy(f.valid_to)}.", first_indent=10)
    signature_columns(flow, [(m.head_title, m.head)], rng)
    _stamp_bottom(flow, f, rng, "left")
    return flow.pages


def refusal_product_table(f: Facts, rng: random.Random) -> list[Page]:
    """Outgoing number and date as captioned values; the product in a ruled table."""
    flow = new_flow(rng, families=("sans",))
    m = f.manufacturer
    header_band(flow, m.full, f"ИНН {m.inn}")
    labels_above(
        flow,
        [("Исходящий номер", f.number), ("Дата", V.fmt_date(f.issue_date, "words_g"))],
        columns=3,
    )
    flow.space(4)
    flow.para("Уведомление", size=flow.size + 2, bold=True, align="center", space_after=3)
    flow.para(
        "Настоящим уведомляем, что следующая продукция нашего производства не подлежит "
        "обязательному подтверждению соответствия:",
        first_indent=10,
        space_after=2,
    )
    p = f.product
    flow.table(
        [95, 45, 35],
        [["Наименование", "НД", "ОКПД 2"], [p.name, p.standard, p.okpd2]],
        align=["left", "center", "center"],
    )
    flow.space(2)
    if f.valid_to:
        flow.para(f"Уведомление действительно до {V.fmt_date(f.valid_to, 'dmy_g')}")
    signature_columns(flow, [(m.head_title, m.head)], rng)
    footer(flow, f"Исполнитель: {V.person(rng).short}", m.phone)
    return flow.pages


# -- other documents -------------------------------------------------------------------
def other_transfer_act(f: Facts, rng: random.Random) -> list[Page]:
    """«Акт приёма-передачи документации»: a list of handed-over documents."""
    flow = new_flow(rng, families=("serif",))
    flow.para(f"АКТ № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.para("приёма-передачи исполнительной документации", align="center")
    flow.para(f"г. {f.manufacturer.city.name}", space_after=0)
    flow.para(V.fmt_date(f.issue_date, "quoted"), align="right", space_after=3)
    consumer = f.consumer.short if f.consumer else "Заказчик"
    flow.para(
        f"{f.manufacturer.short} передаёт, а {consumer} принимает следующие документы:",
        space_after=2,
    )
    rows = [["№", "Документ", "Листов"]]
    items = ["Паспорта качества", "Товарные накладные", *(f"Сертификат {n}" for n in f.related)]
    rows += [[str(n), item, str(rng.randint(1, 12))] for n, item in enumerate(items, 1)]
    plain_table(flow, [12, 140, 25], rows)
    signature_columns(flow, [("Передал", V.person(rng)), ("Принял", V.person(rng))], rng)
    return flow.pages


def other_invoice(f: Facts, rng: random.Random) -> list[Page]:
    """«Счёт на оплату» with a ruled goods table."""
    flow = new_flow(rng, families=("sans",))
    m = f.manufacturer
    side_by_side(
        flow,
        [("Поставщик", _org(m))],
        [("Банк", f"р/с 40702810{rng.randint(10**11, 10**12 - 1)}")],
        label_w=24,
    )
    flow.space(3)
    flow.para(
        f"СЧЁТ НА ОПЛАТУ № {f.number} от {V.fmt_date(f.issue_date, 'words_g')}",
        size=flow.size + 3,
        bold=True,
        space_after=3,
    )
    qty = rng.randint(5, 200)
    price = rng.uniform(100, 5000)
    flow.table(
        [10, 95, 20, 25, 30],
        [
            ["№", "Товар", "Кол-во", "Цена", "Сумма"],
            ["1", f.product.name, str(qty), fmt_qty(price, 2), fmt_qty(price * qty, 2)],
        ],
        align=["center", "left", "right", "right", "right"],
    )
    flow.para(f"Всего к оплате: {fmt_qty(price * qty * 1.2, 2)} руб., в т.ч. НДС 20 %", bold=True)
    signature_columns(flow, [("Руководитель", m.head), ("Бухгалтер", V.person(rng))], rng)
    return flow.pages


# -- layouts reserved on 2026-12-02 in place of the promoted ones ----------------------
def _requisites_block(flow: Flow, c: V.Company, width: float) -> None:
    """Company requisites as small right-aligned lines in the top right corner."""
    small = max(7.5, flow.size - 3)
    x0 = flow.right - width
    for line in (c.address, f"ИНН {c.inn} / КПП {c.kpp}", f"ОГРН {c.ogrn}", c.phone, c.email):
        flow.para(line, size=small, align="right", x0=x0, width=width)


def cert_gost_r_certifies_prose(f: Facts, rng: random.Random) -> list[Page]:
    """Registry number in a top-right block, the body in prose, dates in a vertical grid."""
    flow = new_flow(rng, families=("serif",))
    flow.para("Госстандарт России", size=flow.size - 1.5)
    flow.para("Система сертификации ГОСТ Р", size=flow.size - 1.5)
    x0 = flow.left + flow.width * 0.5
    flow.y = flow.top
    flow.para("Зарегистрирован в Реестре системы", size=flow.size - 1, x0=x0, align="right")
    flow.para(f"под № {f.number}", bold=True, x0=x0, align="right", space_after=8)
    flow.para("С Е Р Т И Ф И К А Т", size=flow.size + 7, bold=True, align="center")
    flow.para(
        "соответствия продукции требованиям нормативных документов",
        align="center",
        space_after=6,
    )
    m = f.manufacturer
    body = V.company(rng, "cert")
    flow.para(
        f"Настоящий сертификат удостоверяет, что продукция «{f.product.name}», выпускаемая "
        f"серийно {m.full} ({m.address}), соответствует требованиям {f.product.standard}.",
        first_indent=12,
        space_after=2,
    )
    if f.annex_products:
        flow.para(
            "Номенклатура изделий — в приложении к сертификату.", first_indent=12, space_after=2
        )
    flow.para(
        f"Сертификат выдан органом по сертификации {body.short} (аттестат аккредитации "
        f"РОСС RU.0001.11{f.body}) на основании результатов испытаний типовых образцов и "
        f"анализа состояния производства.",
        first_indent=12,
        space_after=5,
    )
    half = flow.width * 0.55
    flow.table(
        [half * 0.55, half * 0.45],
        [
            [Cell("Зарегистрирован", bold=True), V.fmt_date(f.valid_from, "words_g")],
            [Cell("Срок действия истекает", bold=True), V.fmt_date(f.valid_to, "words_g")],
            [Cell("Инспекционный контроль", bold=True), "ежегодно"],
        ],
        header_rows=0,
        fill=False,
    )
    person = V.person(rng)
    flow.space(10)
    base = flow.baseline(flow.y, flow.size)
    flow.text_at(flow.left, base, "Руководитель органа по сертификации")
    flow.text_at(flow.right, base, person.initials_first, align="right")
    flow.add(Signature(flow.right - 70, base - 10, 38, 12, rng.getrandbits(32)))
    flow.add(company_stamp(body, rng, flow.right - 45, base + 14, ("Орган по", "сертификации")))
    flow.y = base + 10
    footer(flow, f"Бланк ОП № {f.blank_series}", "Копия верна")
    return flow.pages + _annex_plain(f, rng)


def refusal_reply_to_request(f: Facts, rng: random.Random) -> list[Page]:
    """A reply to an incoming request; the outgoing registration sits in a box at the bottom."""
    flow = new_flow(rng, families=("sans", "serif"))
    m = f.manufacturer
    top = flow.y
    flow.para(m.short, size=flow.size + 4, bold=True, width=flow.width * 0.45)
    flow.para("производство строительных материалов", size=flow.size - 2, width=flow.width * 0.45)
    left_end = flow.y
    flow.y = top
    _requisites_block(flow, m, flow.width * 0.45)
    flow.y = max(flow.y, left_end)
    flow.hrule(0.8, gap=2.0)
    flow.space(4)
    if f.consumer:
        for line in (f.consumer.short, f"{f.consumer.head.short}", f.consumer.address):
            flow.para(line, width=flow.width * 0.5)
    request_date = f.issue_date - timedelta(days=rng.randint(2, 20))
    flow.space(5)
    flow.para(
        f"На запрос вх. № {rng.randint(100, 4999)} от {_dmy(request_date)}",
        size=flow.size - 1,
        space_after=4,
    )
    flow.para("Уважаемые коллеги!", align="center", space_after=3)
    p = f.product
    flow.para(
        f"В ответ на Ваш запрос о предоставлении сертификата соответствия на поставляемую "
        f"продукцию сообщаем следующее. {p.name} по {p.standard} нашего производства в единый "
        f"перечень продукции, подлежащей обязательной сертификации, и в единый перечень "
        f"продукции, подлежащей декларированию соответствия (утверждены Постановлением "
        f"Правительства РФ от 23.12.2021 № 2425), не входит. Поэтому ни сертификат, ни "
        f"декларация о соответствии на неё не оформляются.",
        first_indent=10,
        space_after=2,
    )
    flow.para(
        "С каждой партией поставляется паспорт качества с результатами приёмо-сдаточных испытаний.",
        first_indent=10,
        space_after=2,
    )
    if f.valid_to:
        flow.para(
            f"Сведения, изложенные в письме, актуальны по {_dmy(f.valid_to)} включительно.",
            first_indent=10,
        )
    flow.space(8)
    flow.para("С уважением,")
    signature_row(flow, m.head_title, m.head, rng)
    stamp_at(flow, m, rng, flow.left + 70, flow.y - 4)
    flow.space(12)
    box_top = flow.y
    x = flow.left + 2
    flow.para(f"Исходящий № {f.number}", size=flow.size - 1, x0=x, width=70)
    flow.para(f"Дата: {_dmy(f.issue_date)}", size=flow.size - 1, x0=x, width=70)
    flow.add(Rect(flow.left, box_top - 1, 74, flow.y - box_top + 2, 0.3))
    return flow.pages


def other_document_register(f: Facts, rng: random.Random) -> list[Page]:
    """Landscape register of accompanying documents: number and date in a small grid."""
    flow = new_flow(rng, landscape=True, families=("sans",))
    m = f.manufacturer
    flow.size = max(flow.size - 1, 10)
    grid_w = 80.0
    flow.para(m.full, bold=True, width=flow.width - grid_w - 10)
    flow.para(m.address, size=flow.size - 1.5, width=flow.width - grid_w - 10)
    left_end = flow.y
    x0 = flow.right - grid_w
    flow.y = flow.top
    flow.table(
        [40, 40],
        [["Номер документа", "Дата составления"], [f.number, _dmy(f.issue_date)]],
        x0=x0,
        fill=False,
        align=["center", "center"],
        size=flow.size - 1,
    )
    flow.y = max(flow.y, left_end)
    flow.space(5)
    flow.para("РЕЕСТР", size=flow.size + 4, bold=True, align="center")
    flow.para("документов, передаваемых с поставкой продукции", align="center", space_after=4)
    consumer = f.consumer.short if f.consumer else "—"
    side_by_side(
        flow,
        [("Отправитель:", m.short)],
        [("Получатель:", consumer)],
        label_w=30,
    )
    flow.space(3)
    rows = [["№ п/п", "Вид документа", "Номер", "Дата", "Листов", "Примечание"]]
    n = 0
    for number in f.related:
        n += 1
        start = f.issue_date - timedelta(days=rng.randint(100, 700))
        rows.append([str(n), "Сертификат соответствия", number, _dmy(start), "2", "копия"])
    for _ in range(rng.randint(2, 4)):
        n += 1
        shipped = f.issue_date - timedelta(days=rng.randint(0, 6))
        rows.append(
            [
                str(n),
                "Паспорт качества",
                str(rng.randint(100, 9999)),
                _dmy(shipped),
                "1",
                "оригинал",
            ]
        )
    n += 1
    rows.append(
        [str(n), "Товарная накладная", str(rng.randint(10, 999)), _dmy(f.issue_date), "1", "2 экз."]
    )
    sheets = sum(int(r[4]) for r in rows[1:])
    rows.append(["", "Итого листов", "", "", str(sheets), ""])
    flow.table(
        [14, 70, 70, 30, 18, 30],
        rows,
        align=["center", "left", "left", "center", "center", "left"],
        size=flow.size - 0.5,
    )
    y = signature_columns(
        flow, [("Реестр составил", V.person(rng)), ("Документы получил", V.person(rng))], rng
    )
    flow.text_at(flow.left + flow.width / 2, y + 16, "«____» ____________ 20___ г.")
    return flow.pages


def decl_eaeu_registry_card(f: Facts, rng: random.Random) -> list[Page]:
    """A registry printout: shaded section bands, status line, labels left of values."""
    flow = new_flow(rng, families=("sans",))
    flow.size = max(flow.size - 1, 10)
    flow.para("Сведения о декларации о соответствии", size=flow.size + 3, bold=True, space_after=1)
    flow.para(
        "Единый реестр выданных сертификатов соответствия и зарегистрированных деклараций "
        "о соответствии",
        size=flow.size - 1.5,
        space_after=3,
    )
    m = f.manufacturer
    sections = [
        (
            "Общие сведения",
            [
                ("Статус", "Действует"),
                ("Регистрационный номер декларации о соответствии", f.number),
                ("Дата регистрации", _dmy(f.valid_from)),
                ("Дата окончания действия", _dmy(f.valid_to)),
                ("Схема декларирования", "3д"),
            ],
        ),
        (
            "Заявитель",
            [
                ("Полное наименование", m.full),
                ("ОГРН", m.ogrn),
                ("Адрес места нахождения", m.address),
            ],
        ),
        ("Изготовитель", [("Полное наименование", m.full), ("Адрес", m.address)]),
        (
            "Продукция",
            [
                ("Общее наименование продукции", f.product.name),
                (
                    "Наименование документа, в соответствии с которым изготовлена продукция",
                    f.product.standard,
                ),
                ("Код ТН ВЭД ЕАЭС", f.product.tn_ved),
                ("Технический регламент", _REGULATION),
            ],
        ),
    ]
    label_w = flow.width * 0.42
    for title, fields in sections:
        flow.ensure(flow.line_height() * 3)
        flow.space(1.5)
        flow.add(Rect(flow.left, flow.y, flow.width, flow.line_height() + 1.2, 0, fill=215))
        flow.para(title, bold=True, x0=flow.left + 2)
        flow.space(1.5)
        for label, value in fields:
            flow.kv(label, value, label_w=label_w, size=flow.size - 0.5, space_after=1.0)
    flow.space(4)
    flow.para(
        f"Выписка сформирована {_dmy(f.valid_from + timedelta(days=rng.randint(30, 400)))}",
        size=flow.size - 2,
        align="right",
    )
    return flow.pages


_AMOUNT_LABEL = {"м3": "Объём партии", "т": "Масса партии", "м2": "Площадь партии"}


def passport_a5_four_column(f: Facts, rng: random.Random) -> list[Page]:
    """A half-sheet (A5 landscape) passport: a ruled four-column grid of paired fields."""
    family = rng.choice(("serif", "sans"))
    flow = Flow(family=family, size=10.0, margins=(12, 10, 10, 10), page_size=(210.0, 148.0))
    m = f.manufacturer
    top = flow.y
    flow.para(m.short, size=12, bold=True, width=flow.width * 0.5)
    flow.para(m.address, size=8, width=flow.width * 0.5)
    flow.y = top
    x0 = flow.left + flow.width * 0.55
    flow.para(f"ПАСПОРТ № {f.number}", size=13, bold=True, x0=x0, align="right")
    flow.para(f"выписан {V.fmt_date(f.issue_date, 'dmy_short')}", x0=x0, align="right")
    flow.hrule(0.5, gap=2.0)
    p = f.product
    unit = printed_unit(rng, f.unit)
    pairs = [
        ("Партия", f.batch_number),
        (f"{_AMOUNT_LABEL.get(f.unit, 'Кол-во в партии')}, {unit}", _qty(f)),
        ("Изделие", p.name),
        ("ГОСТ / ТУ", p.standard),
    ]
    rows: list[list[str | Cell]] = []
    for i in range(0, len(pairs), 2):
        row: list[str | Cell] = []
        for label, value in pairs[i : i + 2]:
            row += [Cell(label, size=8.5), Cell(value, bold=True)]
        rows.append(row)
    flow.table([26, 54, 26, 54], rows, header_rows=0)
    flow.space(2)
    props = "; ".join(f"{pr.indicator} — {pr.actual}" for pr in p.properties[:3])
    flow.para(f"Фактические показатели: {props}.", size=9)
    flow.para("Партия проверена и принята ОТК предприятия.", size=9)
    y = signature_columns(
        flow, [("Контролёр ОТК", V.person(rng)), ("Отпустил", V.person(rng))], rng
    )
    stamp_at(flow, m, rng, flow.left + flow.width * 0.35, y)
    return flow.pages


def other_fax_cover_sheet(f: Facts, rng: random.Random) -> list[Page]:
    """A fax-style cover sheet: a ruled header grid, then a short note listing enclosures."""
    flow = new_flow(rng, families=("mono", "sans"))
    m = f.manufacturer
    flow.para(m.short.upper(), size=flow.size + 2, bold=True, align="right")
    flow.para(f"{m.address}  тел. {m.phone}", size=flow.size - 2, align="right")
    flow.hrule(0.3)
    flow.space(2)
    flow.para("СОПРОВОДИТЕЛЬНАЯ ЗАПИСКА", size=flow.size + 3, bold=True, space_after=3)
    consumer = f.consumer.short if f.consumer else "—"
    pages = rng.randint(3, 12)
    grid: list[list[str | Cell]] = [
        [Cell("Кому", bold=True), consumer, Cell("Рег. №", bold=True), f.number],
        [Cell("От кого", bold=True), m.short, Cell("Дата", bold=True), _dmy(f.issue_date)],
        [Cell("Тема", bold=True), "Документы на поставку", Cell("Листов", bold=True), str(pages)],
    ]
    flow.table([24, 70, 22, 40], grid, header_rows=0)
    flow.space(5)
    flow.para("Направляем в Ваш адрес следующие документы:", space_after=1.5)
    items = [f"— копия сертификата соответствия {n};" for n in f.related]
    for _ in range(rng.randint(1, 3)):
        shipped = f.issue_date - timedelta(days=rng.randint(0, 10))
        items.append(f"— паспорт качества № {rng.randint(100, 9999)} от {_dmy(shipped)};")
    items.append("— счёт-фактура (копия).")
    for item in items:
        flow.para(item, indent=6)
    flow.space(3)
    flow.para("Оригиналы будут переданы с водителем при следующей поставке.", space_after=4)
    signature_row(flow, "Отправил", V.person(rng), rng)
    flow.space(3)
    flow.para("При неполучении всех листов просьба сообщить по телефону.", size=flow.size - 2)
    return flow.pages


# Reserved layouts that failed, whose mechanisms were fixed, now development layouts
# (layouts_promoted.py): `cert_gost_r_two_columns`, `refusal_date_first`,
# `other_transfer_act` (2026-12-02).
LAYOUTS = {
    "eaeu_cert": {
        "cert_eaeu_caption_grid": cert_eaeu_caption_grid,
        "cert_eaeu_numbered_clauses": cert_eaeu_numbered_clauses,
    },
    "gost_r_cert": {
        "cert_gost_r_header_table": cert_gost_r_header_table,
        "cert_gost_r_certifies_prose": cert_gost_r_certifies_prose,
    },
    "voluntary_cert": {"cert_voluntary_leaders": cert_voluntary_leaders},
    "eaeu_decl": {
        "decl_eaeu_ruled_grid": decl_eaeu_ruled_grid,
        "decl_eaeu_caption_card": decl_eaeu_caption_card,
        "decl_eaeu_registry_card": decl_eaeu_registry_card,
    },
    "national_decl": {
        "decl_national_statement": decl_national_statement,
        "decl_national_unruled": decl_national_unruled,
    },
    "concrete_doc": {
        "concrete_batch_table": concrete_batch_table,
        "concrete_two_party_captions": concrete_two_party_captions,
    },
    "rebar_cert": {
        "rebar_batch_rows": rebar_batch_rows,
        "rebar_unruled_landscape": rebar_unruled_landscape,
    },
    "passport": {
        "passport_on_product": passport_on_product,
        "passport_unruled_batch": passport_unruled_batch,
        "passport_issued_for": passport_issued_for,
        "passport_a5_four_column": passport_a5_four_column,
    },
    "test_report": {
        "report_caption_grid": report_caption_grid,
        "report_header_table_prose": report_header_table_prose,
    },
    "refusal": {
        "refusal_product_table": refusal_product_table,
        "refusal_reply_to_request": refusal_reply_to_request,
    },
    "covering_letter": {
        "other_document_register": other_document_register,
        "other_fax_cover_sheet": other_fax_cover_sheet,
    },
    "waybill": {"other_invoice": other_invoice},
}
