"""Batch quality documents: concrete, rebar and generic product passports."""

from __future__ import annotations

import random
from datetime import date

from pto_pipeline.corpus import vocab as V
from pto_pipeline.corpus.facts import Facts
from pto_pipeline.corpus.layouts_common import letterhead, new_flow, sign_and_stamp
from pto_pipeline.corpus.page import Cell, Page
from pto_pipeline.corpus.products import fmt_qty, printed_unit, unit_decimals


def _qty(f: Facts) -> str:
    return fmt_qty(f.quantity, unit_decimals(f.unit))


def _date(rng: random.Random, d: date, formal: bool = False) -> str:
    return V.fmt_date(d, V.pick_date_style(rng, formal))


def _declaration_line(f: Facts, rng: random.Random) -> str | None:
    if not f.quoted_declaration:
        return None
    prefix = rng.choice(
        (
            "Декларация о соответствии",
            "Продукция задекларирована: декларация о соответствии",
            "Сведения о подтверждении соответствия: декларация",
        )
    )
    return f"{prefix} {f.quoted_declaration}"


def _time(rng: random.Random) -> str:
    return (
        f"{rng.randint(6, 20):02d}:{rng.choice((0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55)):02d}"
    )


# -- concrete -------------------------------------------------------------------
def concrete_table(f: Facts, rng: random.Random) -> list[Page]:
    """«Документ о качестве бетонной смеси заданного качества партии № …» as a ruled form."""
    flow = new_flow(rng)
    letterhead(flow, f.manufacturer, rng)
    declaration = _declaration_line(f, rng)
    if declaration:
        flow.para(declaration, size=flow.size - 1, align="center", space_after=2)
    flow.para("ДОКУМЕНТ О КАЧЕСТВЕ", size=flow.size + 3, bold=True, align="center")
    flow.para("бетонной смеси заданного качества", bold=True, align="center")
    flow.para(f"партии № {f.number}", size=flow.size + 2, bold=True, align="center")
    issue = _date(rng, f.issue_date)
    flow.para(f"от {issue}", align="center", space_after=3)
    p = f.product
    props = {prop.indicator: prop for prop in p.properties}
    unit = printed_unit(rng, f.unit)
    rows: list[list[str | Cell]] = [["№", "Наименование показателя", "Значение"]]
    values = [
        ("Изготовитель", f"{f.manufacturer.short}, {f.manufacturer.address}"),
        ("Потребитель", f.consumer.short if f.consumer else "—"),
        ("Адрес объекта", f.object_name or "—"),
        ("Наименование и условное обозначение бетонной смеси", p.name),
        ("Нормативный документ", p.standard),
        ("Класс бетона по прочности на сжатие", p.grades["class"]),
        ("Марка по удобоукладываемости", p.grades["mobility"]),
        ("Марка по морозостойкости", p.grades["frost"]),
        ("Марка по водонепроницаемости", p.grades["water"]),
        ("Наибольшая крупность заполнителя, мм", "20"),
        ("Вид и класс цемента", rng.choice(("ЦЕМ I 42,5Н", "ЦЕМ II/А-Ш 32,5Б", "ПЦ 500-Д0-Н"))),
        (
            "Химические добавки",
            rng.choice(("Пластификатор С-3, 0,6 %", "Реламикс ПК, 0,8 %", "нет")),
        ),
        (
            "Сохраняемость удобоукладываемости, мин",
            props["Сохраняемость удобоукладываемости, мин"].actual,
        ),
        (
            "Удельная эффективная активность ЕРН, Бк/кг",
            props["Удельная эффективная активность ЕРН, Бк/кг"].actual,
        ),
        (f"Объём партии, {unit}", _qty(f)),
        ("Дата и время отгрузки", f"{f.issue_date.strftime('%d.%m.%Y')} {_time(rng)}"),
        ("Автомобиль (гос. номер)", V.vehicle_plate(rng, f.manufacturer.city.region_code)),
    ]
    if rng.random() < 0.4:
        values.pop(10)
    for n, (label, value) in enumerate(values, 1):
        rows.append([str(n), label, value])
    flow.table(
        [10, 80, flow.width - 90],
        rows,
        align=["center", "left", "left"],
        shade_header=rng.random() < 0.4,
    )
    flow.space(3)
    flow.para(
        f"Бетонная смесь соответствует требованиям {p.standard}. Прочность бетона в проектном "
        f"возрасте будет сообщена дополнительно.",
        size=flow.size - 0.5,
    )
    sign_and_stamp(
        flow,
        [("Начальник лаборатории", V.person(rng)), ("Диспетчер", V.person(rng))],
        f.manufacturer,
        rng,
        stamp_center=("ОТК",) if rng.random() < 0.5 else None,
    )
    f.extra["variant"] = "declaration-quoted" if declaration else "plain"
    return flow.pages


def concrete_passport(f: Facts, rng: random.Random) -> list[Page]:
    """Key-value passport with a short strength table."""
    flow = new_flow(rng, families=("serif", "sans", "mono"))
    letterhead(flow, f.manufacturer, rng)
    title = rng.choice(
        (
            f"ДОКУМЕНТ О КАЧЕСТВЕ БЕТОННОЙ СМЕСИ ЗАДАННОГО КАЧЕСТВА ПАРТИИ № {f.number}",
            f"ПАСПОРТ КАЧЕСТВА № {f.number}",
            f"ДОКУМЕНТ О КАЧЕСТВЕ № {f.number}",
        )
    )
    flow.para(title, size=flow.size + 1.5, bold=True, align="center", space_after=1)
    declaration = _declaration_line(f, rng)
    if declaration:
        flow.para(f"({declaration})", size=flow.size - 1, align="center")
    flow.space(3)
    p = f.product
    kv = [
        ("Дата выдачи", _date(rng, f.issue_date)),
        ("Потребитель", f.consumer.short if f.consumer else "—"),
        ("Объект", f.object_name or "—"),
        ("Бетонная смесь", p.name),
        ("ГОСТ", p.standard),
        ("Объём, " + printed_unit(rng, f.unit), _qty(f)),
        ("Время отгрузки", _time(rng)),
        ("Подвижность (осадка конуса), см", p.properties[2].actual),
        ("Водоцементное отношение", fmt_qty(rng.uniform(0.38, 0.55), 2)),
        ("Водитель", V.person(rng).short),
    ]
    if "ПАРТИИ" not in title:
        if f.batch_number == f.number:  # a passport number is not the batch number
            f.batch_number = V.batch_number(rng, f.issue_date)
        kv.insert(1, ("Номер партии", f.batch_number))
    label_w = rng.uniform(50, 64)
    for label, value in kv:
        flow.kv(label + ":", value, label_w=label_w)
    flow.space(3)
    flow.para("Показатели качества бетона", bold=True, space_after=1)
    rows: list[list[str | Cell]] = [["Показатель", "Требование", "Фактически"]]
    for prop in p.properties[:5]:
        rows.append([prop.indicator, prop.norm, prop.actual])
    flow.table([90, 40, flow.width - 130], rows, align=["left", "center", "center"])
    sign_and_stamp(
        flow,
        [("Инженер-лаборант", V.person(rng)), ("Мастер смены", V.person(rng))],
        f.manufacturer,
        rng,
    )
    f.extra["variant"] = "kv"
    return flow.pages


def concrete_ticket(f: Facts, rng: random.Random) -> list[Page]:
    """Landscape shipment ticket with a wide one-row table."""
    flow = new_flow(rng, landscape=True)
    letterhead(flow, f.manufacturer, rng, style=rng.choice((0, 2)))
    declaration = _declaration_line(f, rng)
    if declaration:
        flow.para(declaration, size=flow.size - 1)
    issue = V.fmt_date(f.issue_date, rng.choice(("dmy", "dmy_short")))
    flow.para(
        f"Документ о качестве бетонной смеси заданного качества партии № {f.number} от {issue}",
        size=flow.size + 2,
        bold=True,
        align="center",
        space_after=3,
    )
    flow.kv("Потребитель:", f.consumer.full if f.consumer else "—", label_w=40)
    flow.kv("Объект:", f.object_name or "—", label_w=40)
    flow.space(2)
    p = f.product
    unit = printed_unit(rng, f.unit)
    rows: list[list[str | Cell]] = [
        [
            "Время отгрузки",
            "№ авто",
            "Наименование смеси",
            "Нормативный документ",
            f"Объём, {unit}",
            "П",
            "F",
            "W",
            "Кл. ЕРН",
        ],
        [
            _time(rng),
            V.vehicle_plate(rng, f.manufacturer.city.region_code),
            p.name,
            p.standard,
            _qty(f),
            p.grades["mobility"],
            p.grades["frost"],
            p.grades["water"],
            "I",
        ],
    ]
    flow.table([24, 32, 72, 38, 20, 14, 18, 18, 20], rows, align=["center"] * 9)
    flow.space(3)
    flow.para(
        "Прочность бетона в возрасте 28 суток будет сообщена дополнительно. "
        "Добавление воды в бетонную смесь на объекте запрещается.",
        size=flow.size - 1,
    )
    sign_and_stamp(
        flow, [("Выдал (лаборант)", V.person(rng)), ("Принял", V.person(rng))], f.manufacturer, rng
    )
    f.extra["variant"] = "landscape"
    return flow.pages


# -- rebar ----------------------------------------------------------------------
def rebar_wide(f: Facts, rng: random.Random) -> list[Page]:
    """Steel plant «Сертификат качества» with chemistry and mechanics in one wide table."""
    flow = new_flow(rng, landscape=True, families=("sans", "serif"))
    letterhead(flow, f.manufacturer, rng, style=rng.choice((1, 2)))
    flow.para(f"СЕРТИФИКАТ КАЧЕСТВА № {f.number}", size=flow.size + 4, bold=True, align="center")
    flow.para(
        f"Дата выдачи: {_date(rng, f.issue_date, formal=True)}", align="center", space_after=3
    )
    p = f.product
    left = [
        ("Грузополучатель:", f.consumer.short if f.consumer else "—"),
        ("Наименование продукции:", p.name),
        ("Нормативный документ:", p.standard),
        ("Марка стали:", rng.choice(("Ст3сп", "Ст3пс", "25Г2С", "35ГС"))),
        ("Вагон/автомобиль №:", V.vehicle_plate(rng, f.manufacturer.city.region_code)),
        ("Заказ №:", f"{rng.randint(100, 9999)}-{f.issue_date.year % 100}"),
    ]
    for label, value in left:
        flow.kv(label, value, label_w=62, space_after=0.2)
    flow.space(2)
    props = {prop.indicator.split(",")[0]: prop.actual for prop in p.properties}
    rows: list[list[str | Cell]] = [
        [
            "№ плавки",
            "№ партии",
            "Класс",
            "Ø, мм",
            "Длина, м",
            "Кол-во пачек",
            "Масса, т",
            "C, %",
            "Mn, %",
            "Si, %",
            "S, %",
            "P, %",
            "Сэкв",
            "σт, Н/мм²",
            "σв, Н/мм²",
            "δ5, %",
            "Изгиб",
        ],
        [
            V.heat_number(rng),
            f.batch_number,
            p.grades["class"],
            p.grades["diameter"],
            rng.choice(("11,7", "12,0", "6,0")),
            str(rng.randint(1, 12)),
            _qty(f),
            fmt_qty(rng.uniform(0.18, 0.26), 2),
            fmt_qty(rng.uniform(0.9, 1.4), 2),
            fmt_qty(rng.uniform(0.3, 0.7), 2),
            fmt_qty(rng.uniform(0.01, 0.04), 3),
            fmt_qty(rng.uniform(0.01, 0.04), 3),
            props["Углеродный эквивалент Сэкв"],
            props["Предел текучести σт"],
            props["Временное сопротивление σв"],
            props["Относительное удлинение δ5"],
            "удовл.",
        ],
    ]
    widths = [20, 17, 16, 15, 13, 14, 17, 13, 13, 13, 13, 13, 13, 16, 16, 13, 15]
    flow.table(widths, rows, size=10.0, align=["center"] * 17)
    flow.para(f"Итого масса нетто: {_qty(f)} т", bold=True, space_after=2)
    flow.para(
        f"Прокат соответствует требованиям {p.standard}. Прокат испытан на свариваемость.",
        size=flow.size - 1,
    )
    sign_and_stamp(
        flow, [("Начальник ОТК", V.person(rng))], f.manufacturer, rng, stamp_center=("ОТК",)
    )
    f.extra["variant"] = "landscape-table"
    return flow.pages


def rebar_form(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    letterhead(flow, f.manufacturer, rng)
    flow.para("СЕРТИФИКАТ КАЧЕСТВА", size=flow.size + 4, bold=True, align="center")
    flow.para(
        f"№ {f.number} от {_date(rng, f.issue_date)}", bold=True, align="center", space_after=3
    )
    p = f.product
    unit = printed_unit(rng, f.unit)
    rows: list[list[str | Cell]] = [
        [Cell("Изготовитель", bold=True), f"{f.manufacturer.short}, {f.manufacturer.address}"],
        [Cell("Потребитель", bold=True), f.consumer.short if f.consumer else "—"],
        [Cell("Наименование продукции", bold=True), p.name],
        [Cell("Класс арматуры", bold=True), p.grades["class"]],
        [Cell("Диаметр, мм", bold=True), p.grades["diameter"]],
        [Cell("НД на продукцию", bold=True), p.standard],
        [Cell("Номер плавки", bold=True), V.heat_number(rng)],
        [Cell("Номер партии", bold=True), f.batch_number],
        [Cell(f"Масса партии, {unit}", bold=True), _qty(f)],
    ]
    flow.table([62, flow.width - 62], rows, header_rows=0)
    flow.space(3)
    flow.para("Механические свойства", bold=True, space_after=1)
    props: list[list[str | Cell]] = [["Показатель", "Норма по НД", "Фактически"]]
    props += [[prop.indicator, prop.norm, prop.actual] for prop in p.properties]
    flow.table([95, 40, flow.width - 135], props, align=["left", "center", "center"])
    flow.space(2)
    flow.para(f"Продукция соответствует требованиям {p.standard}.", space_after=2)
    sign_and_stamp(
        flow,
        [("Начальник ОТК", V.person(rng)), ("Контролер ОТК", V.person(rng))],
        f.manufacturer,
        rng,
        stamp_center=("ОТК",),
    )
    f.extra["variant"] = "portrait-form"
    return flow.pages


# -- generic passports -------------------------------------------------------------
def _passport_title(rng: random.Random, f: Facts) -> str:
    return rng.choice(("ПАСПОРТ", "ПАСПОРТ КАЧЕСТВА", "ДОКУМЕНТ О КАЧЕСТВЕ", "СЕРТИФИКАТ КАЧЕСТВА"))


def passport_table(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    letterhead(flow, f.manufacturer, rng)
    p = f.product
    flow.para(
        f"{_passport_title(rng, f)} № {f.number}", size=flow.size + 3, bold=True, align="center"
    )
    flow.para(f"на {p.what}", align="center", space_after=3)
    unit = printed_unit(rng, f.unit)
    kv = [
        ("Дата выдачи", _date(rng, f.issue_date)),
        ("Наименование продукции", p.name),
        ("Нормативный документ", p.standard),
        ("Номер партии", f.batch_number),
        ("Количество", f"{_qty(f)} {unit}"),
        ("Получатель", f.consumer.short if f.consumer else "—"),
    ]
    rng.shuffle(kv[3:])
    for label, value in kv:
        flow.kv(label, value, label_w=58, label_bold=True)
    flow.space(2)
    flow.para("Результаты приемо-сдаточных испытаний", bold=True, align="center", space_after=1)
    rows: list[list[str | Cell]] = [
        ["№ п/п", "Наименование показателя", "Требования НД", "Фактическое значение"]
    ]
    for n, prop in enumerate(p.properties, 1):
        rows.append([str(n), prop.indicator, prop.norm, prop.actual])
    flow.table([14, 86, 38, flow.width - 138], rows, align=["center", "left", "center", "center"])
    flow.space(3)
    flow.para(f"Заключение: продукция соответствует требованиям {p.standard}.", space_after=1)
    sign_and_stamp(flow, [("Начальник ОТК", V.person(rng))], f.manufacturer, rng)
    f.extra["variant"] = "kv+table"
    return flow.pages


def passport_grid(f: Facts, rng: random.Random) -> list[Page]:
    """Everything in one ruled two-column grid; the title above it."""
    flow = new_flow(rng, families=("sans", "serif"))
    if rng.random() < 0.5:
        letterhead(flow, f.manufacturer, rng, style=2)
    p = f.product
    flow.space(4)
    flow.para(f"{_passport_title(rng, f)}", size=flow.size + 4, bold=True, align="center")
    flow.para(f"№ {f.number}", size=flow.size + 2, bold=True, align="center", space_after=4)
    unit = printed_unit(rng, f.unit)
    rows: list[list[str | Cell]] = [
        [
            Cell("Предприятие-изготовитель", bold=True),
            f"{f.manufacturer.full}, {f.manufacturer.address}, ИНН {f.manufacturer.inn}",
        ],
        [Cell("Наименование продукции", bold=True), p.name],
        [Cell("Обозначение НД", bold=True), p.standard],
        [Cell("Номер партии", bold=True), f.batch_number],
        [Cell("Дата изготовления (отгрузки)", bold=True), _date(rng, f.issue_date)],
        [Cell(f"Количество, {unit}", bold=True), _qty(f)],
        [Cell("Потребитель", bold=True), f.consumer.short if f.consumer else "—"],
        [Cell("Показатели качества", bold=True, span=2, align="center")],
    ]
    for prop in p.properties:
        rows.append([prop.indicator, f"{prop.actual} (норма: {prop.norm})"])
    flow.table([75, flow.width - 75], rows, header_rows=0)
    flow.space(2)
    flow.para(f"Партия продукции принята ОТК и соответствует {p.standard}.")
    sign_and_stamp(
        flow,
        [("Представитель ОТК", V.person(rng)), ("Начальник производства", V.person(rng))],
        f.manufacturer,
        rng,
    )
    f.extra["variant"] = "grid"
    return flow.pages


def passport_memo(f: Facts, rng: random.Random) -> list[Page]:
    """Typewriter-style passport written as prose."""
    flow = new_flow(rng, families=("mono", "serif"))
    letterhead(flow, f.manufacturer, rng, style=rng.choice((0, 2)))
    p = f.product
    flow.para(_passport_title(rng, f), size=flow.size + 3, bold=True, align="center")
    date_text = V.fmt_date(f.issue_date, rng.choice(("dmy", "dmy_short", "quoted", "words")))
    flow.para(f"№ {f.number}", bold=True, align="right")
    flow.para(f"Дата: {date_text}", align="right", space_after=4)
    unit = printed_unit(rng, f.unit)
    consumer = f.consumer.short if f.consumer else "потребителя"
    flow.para(
        f"Настоящий документ выдан {f.manufacturer.short} в том, что продукция «{p.name}», "
        f"партия № {f.batch_number} в количестве {_qty(f)} {unit}, отгруженная в адрес "
        f"{consumer}, изготовлена и принята в соответствии с требованиями {p.standard}.",
        first_indent=10,
        space_after=3,
    )
    flow.para("Основные показатели:", bold=True)
    for prop in p.properties:
        flow.para(f"– {prop.indicator}: {prop.actual}", indent=6)
    flow.space(3)
    flow.para(
        "Продукция хранится и транспортируется в условиях, исключающих ее загрязнение.",
        size=flow.size - 1,
    )
    sign_and_stamp(flow, [("Мастер ОТК", V.person(rng))], f.manufacturer, rng)
    f.extra["variant"] = "prose"
    return flow.pages


def passport_properties_first(f: Facts, rng: random.Random) -> list[Page]:
    """The properties table («Наименование показателя …») comes before the product's name."""
    flow = new_flow(rng, families=("sans", "serif"))
    letterhead(flow, f.manufacturer, rng)
    p = f.product
    flow.para(f"ПАСПОРТ КАЧЕСТВА № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.para(f"от {_date(rng, f.issue_date)}", align="center", space_after=4)
    rows: list[list[str | Cell]] = [["Наименование показателя", "Норма", "Фактическое значение"]]
    rows += [[prop.indicator, prop.norm, prop.actual] for prop in p.properties]
    flow.table([90, 45, flow.width - 135], rows, align=["left", "center", "center"])
    flow.space(3)
    unit = printed_unit(rng, f.unit)
    for label, value in (
        ("Продукция", p.name),
        ("Изготовлена по", p.standard),
        ("Партия №", f.batch_number),
        ("Отгружено", f"{_qty(f)} {unit}"),
    ):
        flow.kv(label, value, label_w=40, label_bold=True)
    sign_and_stamp(flow, [("Начальник ОТК", V.person(rng))], f.manufacturer, rng)
    f.extra["variant"] = "properties-first"
    return flow.pages


def rebar_prose(f: Facts, rng: random.Random) -> list[Page]:
    """The batch told in a sentence («партия … массой … т»), mechanics in a table."""
    flow = new_flow(rng, families=("serif", "mono"))
    letterhead(flow, f.manufacturer, rng, style=rng.choice((0, 2)))
    p = f.product
    flow.para(f"СЕРТИФИКАТ КАЧЕСТВА № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.para(f"от {_date(rng, f.issue_date, formal=True)}", align="center", space_after=4)
    weight = rng.choice(("массой", "весом", "в количестве"))
    flow.para(
        f"Настоящим удостоверяется, что партия № {f.batch_number} проката «{p.name}» "
        f"{weight} {_qty(f)} т изготовлена по {p.standard} и принята ОТК. "
        f"Плавка № {V.heat_number(rng)}.",
        first_indent=10,
        space_after=3,
    )
    props: list[list[str | Cell]] = [["Показатель", "Норматив", "Фактически"]]
    props += [[prop.indicator, prop.norm, prop.actual] for prop in p.properties]
    flow.table([95, 40, flow.width - 135], props, align=["left", "center", "center"])
    sign_and_stamp(flow, [("Начальник ОТК", V.person(rng))], f.manufacturer, rng)
    f.extra["variant"] = weight.split()[-1]
    return flow.pages


LAYOUTS = {
    "concrete_doc": {
        "concrete_quality_table": concrete_table,
        "concrete_passport_kv": concrete_passport,
        "concrete_ticket_landscape": concrete_ticket,
    },
    "rebar_cert": {
        "rebar_certificate_wide": rebar_wide,
        "rebar_certificate_form": rebar_form,
        "rebar_certificate_prose": rebar_prose,
    },
    "passport": {
        "passport_table": passport_table,
        "passport_grid": passport_grid,
        "passport_prose": passport_memo,
        "passport_properties_first": passport_properties_first,
    },
}
