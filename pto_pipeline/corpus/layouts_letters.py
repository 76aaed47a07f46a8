"""Letters and reports: refusal letters, test reports, covering letters, waybills."""

from __future__ import annotations

import random
from datetime import timedelta

from pto_pipeline.corpus import vocab as V
from pto_pipeline.corpus.facts import Facts
from pto_pipeline.corpus.layouts_common import (
    caption_fields,
    kv_columns,
    letterhead,
    new_flow,
    sign_and_stamp,
)
from pto_pipeline.corpus.page import Cell, Page
from pto_pipeline.corpus.products import fmt_qty, printed_unit, unit_decimals

_LIST_2425 = (
    "Постановлением Правительства Российской Федерации от 23.12.2021 № 2425 «Об утверждении "
    "единого перечня продукции, подлежащей обязательной сертификации, и единого перечня "
    "продукции, подтверждение соответствия которой осуществляется в форме принятия "
    "декларации о соответствии»"
)


def _outgoing(f: Facts, rng: random.Random) -> tuple[str, str]:
    """Outgoing number line and the date line of a business letter."""
    style = V.pick_date_style(rng)
    return f"Исх. № {f.number}", V.fmt_date(f.issue_date, style)


def _addressee(f: Facts, rng: random.Random) -> list[str]:
    if f.consumer is None or rng.random() < 0.35:
        return ["Всем заинтересованным лицам"]
    who = f.consumer.head
    return ["Генеральному директору", f.consumer.short, who.short]


def refusal_letter(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    letterhead(flow, f.manufacturer, rng)
    number, when = _outgoing(f, rng)
    top = flow.y
    one_line = rng.random() < 0.5
    if one_line:
        flow.para(f"{number} от {when}")
    else:
        flow.para(number)
        flow.para(f"от {when}")
    flow.para("На № ________ от ____________", size=flow.size - 1)
    left_end = flow.y
    flow.y = top
    for line in _addressee(f, rng):
        flow.para(line, x0=flow.left + flow.width * 0.55)
    flow.y = max(flow.y, left_end) + 8
    title = rng.choice(
        ("ОТКАЗНОЕ ПИСЬМО", "Информационное письмо", "Об отсутствии обязательной сертификации", "")
    )
    if title:
        flow.para(title, bold=True, align="center", space_after=4)
    p = f.product
    variant = rng.randint(0, 1)
    if variant == 0:
        body = (
            f"{f.manufacturer.full} настоящим сообщает, что выпускаемая предприятием продукция "
            f"«{p.name}», изготавливаемая по {p.standard}, не подлежит обязательной сертификации "
            f"и декларированию соответствия в соответствии с {_LIST_2425}."
        )
    else:
        body = (
            f"Сообщаем, что продукция {p.name} ({p.standard}) производства {f.manufacturer.short} "
            f"не входит в единые перечни продукции, подлежащей обязательному подтверждению "
            f"соответствия, утвержденные {_LIST_2425}, в связи с чем сертификат соответствия и "
            f"декларация о соответствии на данную продукцию не оформляются."
        )
    flow.para(body, first_indent=12, space_after=2)
    flow.para(
        "Качество продукции подтверждается документами о качестве (паспортами), которые "
        "выдаются на каждую партию продукции.",
        first_indent=12,
        space_after=2,
    )
    if f.valid_to:
        flow.para(
            "Настоящее письмо действительно до "
            f"{V.fmt_date(f.valid_to, rng.choice(('dmy', 'dmy_g', 'words_g'))).rstrip('.')}.",
            first_indent=12,
        )
    flow.space(8)
    sign_and_stamp(
        flow,
        [(f.manufacturer.head_title, f.manufacturer.head)],
        f.manufacturer,
        rng,
        stamp_center=("Для", "документов"),
    )
    flow.y = max(flow.y + 10, flow.bottom - 14)
    flow.para(f"Исп. {V.person(rng).short}", size=flow.size - 2.5)
    flow.para(f"тел. {f.manufacturer.phone}", size=flow.size - 2.5)
    f.extra["variant"] = f"{'oneline' if one_line else 'twoline'}-{variant}"
    return flow.pages


# -- test reports ---------------------------------------------------------------------
_METHODS = {
    "concrete": "ГОСТ 10180-2012 «Бетоны. Методы определения прочности по контрольным образцам»",
    "rebar": "ГОСТ 12004-81 «Сталь арматурная. Методы испытания на растяжение»; ГОСТ 14019-2003",
    "mortar": "ГОСТ 5802-86 «Растворы строительные. Методы испытаний»",
    "brick": "ГОСТ 8462-85 «Материалы стеновые. Методы определения пределов прочности»",
}


def test_report(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng, families=("serif", "sans"))
    lab = V.company(rng, "lab")
    acc = V.accreditation_number(rng, prefix="21")
    compact = rng.random() < 0.4
    if compact:
        flow.para(f"Испытательная лаборатория {lab.short}", bold=True, align="center")
        flow.para(f"{lab.address}, тел. {lab.phone}", size=flow.size - 1.5, align="center")
        flow.para(f"Аттестат аккредитации {acc}", size=flow.size - 1.5, align="center")
        flow.hrule(0.4)
    else:
        letterhead(flow, lab, rng)
        flow.para(
            f"Испытательная лаборатория. Уникальный номер записи об аккредитации в реестре "
            f"аккредитованных лиц {acc}",
            size=flow.size - 1,
            align="center",
        )
    flow.space(3)
    flow.para(f"ПРОТОКОЛ ИСПЫТАНИЙ № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.para(
        f"от {V.fmt_date(f.issue_date, V.pick_date_style(rng, formal=True))}",
        align="center",
        space_after=4,
    )
    p = f.product
    sampled = f.issue_date - timedelta(days=28 if p.kind == "concrete" else rng.randint(2, 10))
    rows = [
        ("Заказчик", f"{f.consumer.full}, {f.consumer.address}" if f.consumer else "—"),
        ("Объект испытаний", f"{p.name}"),
        ("Изготовитель продукции", f.manufacturer.short),
        ("НД на продукцию", p.standard),
    ]
    if f.batch_number:
        rows.append(("Номер партии", f.batch_number))
    rows += [
        ("Место отбора образцов", f.object_name or "склад изготовителя"),
        ("Дата отбора образцов", sampled.strftime("%d.%m.%Y")),
        (
            "Дата проведения испытаний",
            (f.issue_date - timedelta(days=rng.randint(0, 2))).strftime("%d.%m.%Y"),
        ),
        ("Методы испытаний", _METHODS.get(p.kind, f"{p.standard}, раздел «Методы контроля»")),
        (
            "Условия испытаний",
            f"температура {rng.randint(18, 23)} °С, влажность {rng.randint(45, 70)} %",
        ),
    ]
    for n, (label, value) in enumerate(rows, 1):
        flow.kv(f"{n}. {label}:", value, label_w=60, space_after=0.8)
    flow.space(2)
    flow.para("Результаты испытаний", bold=True, align="center", space_after=1)
    if p.kind == "concrete":
        table = _concrete_results(f, rng)
        flow.table([18, 28, 22, 32, 32, flow.width - 132], table, align=["center"] * 6)
    else:
        table = [["№ п/п", "Показатель", "Требование НД", "Результат"]]
        table += [
            [str(n), pr.indicator, pr.norm, pr.actual] for n, pr in enumerate(p.properties, 1)
        ]
        flow.table(
            [14, 90, 40, flow.width - 144], table, align=["center", "left", "center", "center"]
        )
    flow.space(2)
    flow.para(f"Заключение: образцы соответствуют требованиям {p.standard}.", space_after=3)
    sign_and_stamp(
        flow,
        [("Испытания провел", V.person(rng)), ("Начальник ИЛ", V.person(rng))],
        lab,
        rng,
        stamp_center=("Испытательная", "лаборатория"),
    )
    flow.y = max(flow.y + 6, flow.bottom - 12)
    flow.para(
        "Результаты испытаний распространяются только на образцы, подвергнутые испытаниям. "
        "Перепечатка протокола без разрешения ИЛ запрещена. Стр. 1 из 1",
        size=flow.size - 2.5,
    )
    f.extra["variant"] = "compact" if compact else "letterhead"
    return flow.pages


def _concrete_results(f: Facts, rng: random.Random) -> list[list[str | Cell]]:
    cls = f.product.grades.get("class", "В25")
    strength = float(cls[1:].replace(",", "."))
    rows: list[list[str | Cell]] = [
        [
            "№ серии",
            "Маркировка",
            "Возраст, сут",
            "Разрушающая нагрузка, кН",
            "Прочность, МПа",
            "Класс, требуемая прочность",
        ]
    ]
    for n in range(1, rng.randint(2, 4)):
        value = strength * rng.uniform(1.32, 1.55)
        rows.append(
            [
                str(n),
                f"{cls}-{rng.randint(1, 60)}",
                "28",
                fmt_qty(value * 22.5, 1),
                fmt_qty(value, 1),
                f"{cls} / {fmt_qty(strength * 1.307, 1)} МПа",
            ]
        )
    return rows


# -- other documents -------------------------------------------------------------------
def covering_letter(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    letterhead(flow, f.manufacturer, rng)
    number, when = _outgoing(f, rng)
    flow.para(f"{number} от {when}", space_after=4)
    if f.consumer:
        for line in (f"Руководителю {f.consumer.short}", f"{f.consumer.head.short}"):
            flow.para(line, x0=flow.left + flow.width * 0.55)
    flow.space(6)
    flow.para("Сопроводительное письмо", bold=True, align="center", space_after=3)
    p = f.product
    flow.para(
        f"Направляем Вам комплект документов на продукцию «{p.name}», поставленную по договору "
        f"поставки № {rng.randint(10, 999)}/{f.issue_date.year % 100} от "
        f"{(f.issue_date - timedelta(days=rng.randint(20, 200))).strftime('%d.%m.%Y')}:",
        first_indent=12,
        space_after=2,
    )
    items = [f"Сертификат соответствия № {num}" for num in f.related]
    items += ["Паспорта качества на партии продукции", "Товарные накладные (копии)"]
    for n, item in enumerate(items, 1):
        flow.para(f"{n}. {item};", indent=12)
    flow.space(3)
    flow.para(
        "Просим подписать и вернуть один экземпляр накладных в наш адрес.",
        first_indent=12,
        space_after=8,
    )
    sign_and_stamp(
        flow,
        [("Менеджер по продажам", V.person(rng))],
        f.manufacturer,
        rng,
        with_stamp=rng.random() < 0.5,
    )
    f.extra["variant"] = "letter"
    return flow.pages


def waybill(f: Facts, rng: random.Random) -> list[Page]:
    """Simplified ТОРГ-12 / УПД style delivery note (landscape)."""
    flow = new_flow(rng, landscape=True, families=("sans", "serif"))
    upd = rng.random() < 0.5
    flow.size = max(flow.size - 1, 10)
    supplier = f.manufacturer
    flow.kv("Поставщик:", f"{supplier.full}, ИНН {supplier.inn}, {supplier.address}", label_w=38)
    if f.consumer:
        flow.kv(
            "Грузополучатель:",
            f"{f.consumer.full}, ИНН {f.consumer.inn}, {f.consumer.address}",
            label_w=38,
        )
        flow.kv("Плательщик:", f.consumer.short, label_w=38)
    flow.kv(
        "Основание:",
        f"Договор поставки № {rng.randint(10, 999)}-П от "
        f"{(f.issue_date - timedelta(days=90)).strftime('%d.%m.%Y')}",
        label_w=38,
    )
    flow.space(3)
    title = "УНИВЕРСАЛЬНЫЙ ПЕРЕДАТОЧНЫЙ ДОКУМЕНТ" if upd else "ТОВАРНАЯ НАКЛАДНАЯ"
    flow.para(
        f"{title} № {f.number} от {f.issue_date.strftime('%d.%m.%Y')}",
        size=flow.size + 3,
        bold=True,
        align="center",
        space_after=3,
    )
    p = f.product
    qty = f.quantity or float(rng.randint(5, 200))
    unit = f.unit or p.unit
    price = rng.uniform(80, 9000)
    rows: list[list[str | Cell]] = [
        [
            "№",
            "Товар (наименование, характеристика)",
            "Ед. изм.",
            "Количество",
            "Цена, руб.",
            "Сумма без НДС, руб.",
            "НДС, %",
            "Сумма с НДС, руб.",
        ]
    ]
    rows.append(
        [
            "1",
            p.name,
            printed_unit(rng, unit),
            fmt_qty(qty, unit_decimals(unit)),
            fmt_qty(price, 2),
            fmt_qty(price * qty, 2),
            "20",
            fmt_qty(price * qty * 1.2, 2),
        ]
    )
    rows.append(
        [
            Cell("Итого", span=5, bold=True, align="right"),
            fmt_qty(price * qty, 2),
            "",
            fmt_qty(price * qty * 1.2, 2),
        ]
    )
    flow.table(
        [10, 100, 18, 24, 26, 34, 14, 34],
        rows,
        align=["center", "left", "center", "right", "right", "right", "center", "right"],
    )
    flow.space(4)
    sign_and_stamp(
        flow,
        [("Отпуск груза разрешил", supplier.head), ("Груз получил", V.person(rng))],
        supplier,
        rng,
    )
    f.extra["variant"] = "upd" if upd else "torg12"
    return flow.pages


# -- further development layouts ---------------------------------------------------------------
def refusal_letter_table(f: Facts, rng: random.Random) -> list[Page]:
    """The products in a ruled table with a header row; date above the outgoing number."""
    flow = new_flow(rng, families=("sans", "serif"))
    letterhead(flow, f.manufacturer, rng)
    number, when = _outgoing(f, rng)
    flow.para(when)
    flow.para(number, space_after=6)
    flow.para(rng.choice(("Письмо об отказе", "О сертификации продукции")), bold=True)
    flow.space(3)
    flow.para(
        "Сообщаем, что продукция, указанная ниже, не подлежит обязательной сертификации и "
        f"декларированию соответствия согласно {_LIST_2425}.",
        first_indent=12,
        space_after=2,
    )
    p = f.product
    flow.table(
        [12, 95, 50],
        [["№", "Наименование продукции", "Нормативный документ"], ["1", p.name, p.standard]],
        align=["center", "left", "center"],
    )
    flow.space(2)
    if f.valid_to:
        flow.para(f"Срок действия письма: до {V.fmt_date(f.valid_to, 'dmy')}.")
    flow.space(6)
    sign_and_stamp(flow, [(f.manufacturer.head_title, f.manufacturer.head)], f.manufacturer, rng)
    f.extra["variant"] = "product-table"
    return flow.pages


def refusal_letter_memo(f: Facts, rng: random.Random) -> list[Page]:
    """Typewriter memo: «№ … от …» on the right, a short body, no letterhead block."""
    flow = new_flow(rng, families=("mono",))
    m = f.manufacturer
    flow.para(m.full, bold=True)
    flow.para(f"ИНН {m.inn}, {m.address}", size=flow.size - 1)
    flow.hrule(0.3)
    flow.para(f"Исх. № {f.number} от {V.fmt_date(f.issue_date, 'dmy')}", align="right")
    flow.space(6)
    p = f.product
    flow.para(
        f"Продукция {p.name} ({p.standard}) не подлежит обязательному подтверждению "
        "соответствия. Документы о качестве выдаются на каждую партию.",
        first_indent=8,
        space_after=2,
    )
    if f.valid_to:
        flow.para(f"Письмо действительно по {V.fmt_date(f.valid_to, 'dmy_g')}", first_indent=8)
    flow.space(6)
    sign_and_stamp(flow, [(m.head_title, m.head)], m, rng, with_stamp=rng.random() < 0.7)
    f.extra["variant"] = "memo"
    return flow.pages


def test_report_table_form(f: Facts, rng: random.Random) -> list[Page]:
    """Facts in a ruled two-column grid, results in a table; labels vary per document."""
    flow = new_flow(rng, families=("sans", "serif"))
    lab = V.company(rng, "lab")
    letterhead(flow, lab, rng, style=rng.choice((1, 2)))
    flow.para(f"ПРОТОКОЛ ИСПЫТАНИЙ № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.space(3)
    p = f.product
    rows: list[list[str | Cell]] = [
        [Cell("Дата выдачи протокола", bold=True), f.issue_date.strftime("%d.%m.%Y")],
        [Cell(rng.choice(("Наименование продукции", "Образец")), bold=True), p.name],
        [Cell(rng.choice(("Изготовитель", "Производитель")), bold=True), f.manufacturer.short],
        [Cell("НД на продукцию", bold=True), p.standard],
    ]
    if f.batch_number:
        rows.append([Cell("Номер партии", bold=True), f.batch_number])
    rows.append([Cell("Заказчик", bold=True), f.consumer.short if f.consumer else "—"])
    rng.shuffle(rows)
    flow.table([60, flow.width - 60], rows, header_rows=0)
    flow.space(3)
    table: list[list[str | Cell]] = [["Определяемый показатель", "Норматив", "Фактически"]]
    table += [[pr.indicator, pr.norm, pr.actual] for pr in p.properties]
    flow.table([90, 40, flow.width - 130], table, align=["left", "center", "center"])
    sign_and_stamp(flow, [("Начальник ИЛ", V.person(rng))], lab, rng)
    f.extra["variant"] = "grid"
    return flow.pages


def test_report_columns(f: Facts, rng: random.Random) -> list[Page]:
    """Laboratory and customer side by side; the sample under captions in two columns."""
    flow = new_flow(rng, families=("serif", "mono"))
    lab = V.company(rng, "lab")
    kv_columns(
        flow,
        [("ИЛ:", lab.short), ("Адрес:", lab.address)],
        [("Заказчик:", f.consumer.short if f.consumer else "—"), ("Объект:", f.object_name or "—")],
        label_w=22,
    )
    flow.hrule(0.4)
    flow.para(f"Протокол № {f.number}", size=flow.size + 3, bold=True, align="center")
    flow.para(
        f"Дата: {V.fmt_date(f.issue_date, V.pick_date_style(rng, formal=True))}",
        align="center",
        space_after=3,
    )
    p = f.product
    fields = [
        ("Объект испытаний", p.name),
        ("Изготовитель", f.manufacturer.short),
        ("Нормативный документ", p.standard),
    ]
    if f.batch_number:
        fields.append(("Партия", f.batch_number))
    caption_fields(flow, fields, columns=2)
    table: list[list[str | Cell]] = [["Показатель", "Требование", "Результат"]]
    table += [[pr.indicator, pr.norm, pr.actual] for pr in p.properties]
    flow.table([90, 40, flow.width - 130], table, align=["left", "center", "center"])
    sign_and_stamp(flow, [("Испытатель", V.person(rng))], lab, rng)
    f.extra["variant"] = "columns"
    return flow.pages


def delivery_note(f: Facts, rng: random.Random) -> list[Page]:
    """Portrait delivery note: captions above values, a goods table."""
    flow = new_flow(rng, families=("sans",))
    flow.para(
        f"ТОВАРНО-ТРАНСПОРТНАЯ НАКЛАДНАЯ № {f.number}",
        size=flow.size + 2,
        bold=True,
        align="center",
    )
    flow.para(f"Дата составления: {f.issue_date.strftime('%d.%m.%Y')}", align="center")
    flow.space(3)
    caption_fields(
        flow,
        [
            ("Грузоотправитель", f.manufacturer.short),
            ("Грузополучатель", f.consumer.short if f.consumer else "—"),
            ("Пункт разгрузки", f.object_name or "—"),
            ("Автомобиль", V.vehicle_plate(rng, f.manufacturer.city.region_code)),
        ],
        columns=2,
    )
    p = f.product
    unit = f.unit or p.unit
    qty = f.quantity or float(rng.randint(5, 200))
    flow.table(
        [100, 30, 40],
        [["Груз", "Ед.", "Количество"], [p.name, printed_unit(rng, unit), fmt_qty(qty, 0)]],
        align=["left", "center", "right"],
    )
    sign_and_stamp(
        flow,
        [("Груз сдал", V.person(rng)), ("Груз принял", V.person(rng))],
        f.manufacturer,
        rng,
        with_stamp=False,
    )
    f.extra["variant"] = "ttn"
    return flow.pages


LAYOUTS = {
    "refusal": {
        "refusal_letter": refusal_letter,
        "refusal_letter_table": refusal_letter_table,
        "refusal_letter_memo": refusal_letter_memo,
    },
    "test_report": {
        "test_report": test_report,
        "test_report_table_form": test_report_table_form,
        "test_report_columns": test_report_columns,
    },
    "covering_letter": {"covering_letter": covering_letter},
    "waybill": {"waybill": waybill, "delivery_note": delivery_note},
}
