"""Certificates and declarations of conformity (EAEU, ГОСТ Р, voluntary, national)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from pto_pipeline.corpus import vocab as V
from pto_pipeline.corpus.facts import Facts
from pto_pipeline.corpus.layouts_common import (
    caption_fields,
    kv_columns,
    new_flow,
    sign_and_stamp,
    signature_row,
)
from pto_pipeline.corpus.page import Cell, Flow, Page, Rect
from pto_pipeline.corpus.products import Product

TECH_REGULATIONS = (
    "ТР ЕАЭС 047/2023 «О безопасности зданий и сооружений, строительных материалов и изделий»",
    "ТР ТС 010/2011 «О безопасности машин и оборудования»",
    "ТР ЕАЭС 043/2017 «О требованиях к средствам обеспечения пожарной безопасности "
    "и пожаротушения»",
)


def _dmy(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def _frame(flow: Flow, rng: random.Random) -> None:
    """Decorative double border of an official blank."""
    inset = rng.uniform(6, 9)
    w, h = flow.page_w, flow.page_h
    flow.add(Rect(inset, inset, w - 2 * inset, h - 2 * inset, 0.9))
    flow.add(Rect(inset + 1.6, inset + 1.6, w - 2 * inset - 3.2, h - 2 * inset - 3.2, 0.3))


def _protocol(rng: random.Random, before: date) -> tuple[str, date, V.Company, str]:
    lab = V.company(rng, "lab")
    number = f"{rng.randint(10, 9999)}{rng.choice(('/И', '-ИЛ', '/П', ''))}-{before.year % 100:02d}"
    when = before - timedelta(days=rng.randint(5, 40))
    return number, when, lab, V.accreditation_number(rng, prefix="21")


def _manufacturer_text(f: Facts, rng: random.Random) -> str:
    m = f.manufacturer
    return (
        f"{m.full}. Место нахождения и адрес места осуществления деятельности по изготовлению "
        f"продукции: {m.address}, Российская Федерация"
    )


def _applicant_text(f: Facts) -> str:
    m = f.manufacturer
    return (
        f"{m.full}. Место нахождения: {m.address}. Основной государственный регистрационный "
        f"номер {m.ogrn}. Телефон: {m.phone}. Адрес электронной почты: {m.email}"
    )


def _product_text(product: Product, annex: bool, rng: random.Random) -> str:
    tail = rng.choice(("Серийный выпуск", "Серийный выпуск.", "Продукция серийного выпуска"))
    see = ", см. приложение" if annex else ""
    return f"{product.name}{see}. Продукция изготовлена в соответствии с {product.standard}. {tail}"


def _sections(flow: Flow, sections: list[tuple[str, str]], mode: str) -> None:
    """Form sections: caption + value, in one of three blank styles."""
    small = flow.size - 0.5
    if mode == "table":
        rows = [[Cell(title, bold=True, size=small - 0.5), value] for title, value in sections]
        flow.table([52, flow.width - 52], rows, size=small, header_rows=0)
        flow.space(3)
        return
    for title, value in sections:
        if mode == "kv":
            flow.kv(title, value, label_w=50, size=small, label_bold=True, space_after=1.5)
        else:
            flow.para(title, size=small, bold=True)
            flow.para(value, size=small, indent=6, space_after=1.5)


def eaeu_certificate(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    flow.left = max(flow.left, 17)
    flow.right_margin = max(flow.right_margin, 14)
    _frame(flow, rng)
    flow.y = 16
    mode = rng.choice(("kv", "stacked", "table"))
    series_top = rng.random() < 0.6
    if "series_position" in f.extra:  # pinned by a scenario
        series_top = f.extra["series_position"] == "top"
    f.extra["variant"] = f"{mode}-series-{'top' if series_top else 'bottom'}"
    flow.para("ЕВРАЗИЙСКИЙ ЭКОНОМИЧЕСКИЙ СОЮЗ", size=flow.size + 2, bold=True, align="center")
    flow.space(2)
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 6, bold=True, align="center")
    flow.para(f"№ {f.number}", size=flow.size + 2, bold=True, align="center")
    if series_top:
        flow.para(f"Серия RU    № {f.blank_series}", size=flow.size, align="right")
    flow.space(3)
    body = V.company(rng, "cert")
    proto_no, proto_date, lab, lab_acc = _protocol(rng, f.valid_from)
    sections = [
        (
            "ОРГАН ПО СЕРТИФИКАЦИИ",
            f"Орган по сертификации продукции {body.full}. Место нахождения: {body.address}. "
            f"Уникальный номер записи об аккредитации в реестре аккредитованных лиц "
            f"RA.RU.11{f.body}. Телефон: {body.phone}. Адрес электронной почты: {body.email}",
        ),
        ("ЗАЯВИТЕЛЬ", _applicant_text(f)),
        ("ИЗГОТОВИТЕЛЬ", _manufacturer_text(f, rng)),
        ("ПРОДУКЦИЯ", _product_text(f.product, bool(f.annex_products), rng)),
        ("КОД ТН ВЭД ЕАЭС", f.product.tn_ved),
        ("СООТВЕТСТВУЕТ ТРЕБОВАНИЯМ", rng.choice(TECH_REGULATIONS)),
        (
            "СЕРТИФИКАТ СООТВЕТСТВИЯ ВЫДАН НА ОСНОВАНИИ",
            f"Протокола испытаний № {proto_no} от {_dmy(proto_date)}, выданного испытательной "
            f"лабораторией {lab.full}, уникальный номер записи об аккредитации {lab_acc}; "
            f"акта анализа состояния производства № {rng.randint(10, 999)} от "
            f"{_dmy(proto_date - timedelta(days=rng.randint(3, 20)))}. Схема сертификации 1с",
        ),
        (
            "ДОПОЛНИТЕЛЬНАЯ ИНФОРМАЦИЯ",
            f"Условия хранения продукции в соответствии с {f.product.standard}. "
            f"Срок службы (годности) указан в прилагаемой к продукции документации",
        ),
    ]
    _sections(flow, sections, mode)
    validity = (
        f"СРОК ДЕЙСТВИЯ С {_dmy(f.valid_from)} ПО {_dmy(f.valid_to)} ВКЛЮЧИТЕЛЬНО"
        if rng.random() < 0.6
        else f"Срок действия с {_dmy(f.valid_from)} по {_dmy(f.valid_to)} включительно"
    )
    flow.para(validity, bold=True, space_after=2)
    head, expert = V.person(rng), V.person(rng)
    sign_and_stamp(
        flow,
        [
            ("Руководитель (уполномоченное лицо) органа по сертификации", head),
            ("Эксперт (эксперт-аудитор)", expert),
        ],
        body,
        rng,
        stamp_center=("Орган по", "сертификации", f"RA.RU.11{f.body}"),
        mp=True,
    )
    if not series_top:
        flow.y = max(flow.y + 4, flow.bottom - 8)
        flow.para(f"Серия RU  № {f.blank_series}", size=flow.size - 1)
    return flow.pages + annex_pages(f, rng, "сертификату соответствия")


def gost_r_certificate(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    _frame(flow, rng)
    flow.y = 16
    flow.para("СИСТЕМА СЕРТИФИКАЦИИ ГОСТ Р", size=flow.size + 1, bold=True, align="center")
    flow.para(
        "ФЕДЕРАЛЬНОЕ АГЕНТСТВО ПО ТЕХНИЧЕСКОМУ РЕГУЛИРОВАНИЮ И МЕТРОЛОГИИ",
        size=flow.size - 1,
        align="center",
    )
    flow.para(f"№ {f.blank_series}", size=flow.size, align="right")
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 6, bold=True, align="center")
    flow.para(f"№ {f.number}", size=flow.size + 2, bold=True, align="center")
    flow.para(
        f"Срок действия с {_dmy(f.valid_from)}    по {_dmy(f.valid_to)}",
        align="center",
        space_after=3,
    )
    body = V.company(rng, "cert")
    proto_no, proto_date, lab, lab_acc = _protocol(rng, f.valid_from)
    rows = [
        (
            f"ОРГАН ПО СЕРТИФИКАЦИИ рег. № РОСС RU.0001.11{f.body}",
            f"{body.full}. {body.address}, тел. {body.phone}",
        ),
        ("ПРОДУКЦИЯ", _product_text(f.product, bool(f.annex_products), rng)),
        ("код ОК 034-2014 (ОКПД 2)", f.product.okpd2),
        ("код ТН ВЭД", f.product.tn_ved),
        ("СООТВЕТСТВУЕТ ТРЕБОВАНИЯМ НОРМАТИВНЫХ ДОКУМЕНТОВ", f.product.standard),
        (
            "ИЗГОТОВИТЕЛЬ",
            f"{f.manufacturer.full}. ИНН {f.manufacturer.inn}. {f.manufacturer.address}",
        ),
        ("СЕРТИФИКАТ ВЫДАН", f"{f.manufacturer.full}. {f.manufacturer.address}"),
        (
            "НА ОСНОВАНИИ",
            f"Протокол испытаний № {proto_no} от {_dmy(proto_date)} ИЛ {lab.short} "
            f"(аттестат аккредитации {lab_acc})",
        ),
        ("ДОПОЛНИТЕЛЬНАЯ ИНФОРМАЦИЯ", "Схема сертификации: 3. Инспекционный контроль — ежегодно"),
    ]
    mode = rng.choice(("table", "kv"))
    f.extra["variant"] = mode
    _sections(flow, rows, mode)
    sign_and_stamp(
        flow,
        [("Руководитель органа", V.person(rng)), ("Эксперт", V.person(rng))],
        body,
        rng,
        stamp_center=("Орган по", "сертификации"),
        mp=True,
    )
    flow.y = max(flow.y + 3, flow.bottom - 10)
    flow.para(
        "Сертификат имеет юридическую силу на всей территории Российской Федерации",
        size=flow.size - 2,
        align="center",
    )
    return flow.pages + annex_pages(f, rng, "сертификату соответствия")


def voluntary_certificate(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    _frame(flow, rng)
    flow.y = 16
    system = rng.choice(
        ("СТРОЙСТАНДАРТ", "СТРОЙСЕРТИФИКАЦИЯ", "РОССТРОЙСЕРТ", "КАЧЕСТВО СТРОЙМАТЕРИАЛОВ")
    )
    registry = f.number.rsplit(".", 2)[0]
    flow.para(f"СИСТЕМА ДОБРОВОЛЬНОЙ СЕРТИФИКАЦИИ «{system}»", bold=True, align="center")
    flow.para(
        f"Зарегистрирована Федеральным агентством по техническому регулированию и метрологии, "
        f"регистрационный № {registry}",
        size=flow.size - 1.5,
        align="center",
        space_after=4,
    )
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 6, bold=True, align="center")
    flow.para(f"№ {f.number}", size=flow.size + 1, bold=True, align="center", space_after=2)
    style = rng.choice(("quoted", "dmy_g", "words_g"))
    flow.para(
        f"Срок действия: с {V.fmt_date(f.valid_from, style)} по {V.fmt_date(f.valid_to, style)}",
        align="center",
        space_after=4,
    )
    body = V.company(rng, "cert")
    rows = [
        ("Орган по сертификации", f"{body.full}, {body.address}"),
        ("Продукция", f"{f.product.name}{', см. приложение' if f.annex_products else ''}"),
        ("Изготовлена по", f.product.standard),
        (
            "Изготовитель",
            f"{f.manufacturer.short}, ИНН {f.manufacturer.inn}, {f.manufacturer.address}",
        ),
        ("Соответствует требованиям", f"{f.product.standard}, СП 70.13330.2012"),
        (
            "Выдан на основании",
            f"Протокол испытаний № {rng.randint(10, 999)}-С "
            f"от {_dmy(f.valid_from - timedelta(days=9))}",
        ),
    ]
    mode = rng.choice(("kv", "stacked"))
    f.extra["variant"] = mode
    _sections(flow, rows, mode)
    sign_and_stamp(flow, [("Руководитель органа по сертификации", V.person(rng))], body, rng)
    return flow.pages + annex_pages(f, rng, "сертификату соответствия")


def annex_pages(f: Facts, rng: random.Random, of_what: str) -> list[Page]:
    """«Приложение» page(s) listing the products the certificate actually covers."""
    if not f.annex_products:
        return []
    flow = new_flow(rng)
    _frame(flow, rng)
    flow.y = 16
    flow.para(f"ПРИЛОЖЕНИЕ к {of_what}", bold=True, align="center")
    flow.para(f"№ {f.number}", bold=True, align="center")
    if f.blank_series:
        flow.para(f"Серия RU  № {V.blank_number(rng)}", size=flow.size - 1, align="right")
    flow.space(3)
    rows: list[list[str | Cell]] = [
        [
            "№ п/п",
            "Наименование и обозначение продукции",
            "Обозначение документа, по которому выпускается продукция",
            "Код ТН ВЭД ЕАЭС",
        ]
    ]
    for n, item in enumerate(f.annex_products, 1):
        rows.append([str(n), item.name, item.standard, item.tn_ved])
    flow.table(
        [12, 90, 45, 30], rows, size=flow.size - 0.5, align=["center", "left", "left", "center"]
    )
    flow.space(6)
    signature_row(
        flow, "Руководитель (уполномоченное лицо) органа по сертификации", V.person(rng), rng
    )
    signature_row(flow, "Эксперт (эксперт-аудитор)", V.person(rng), rng)
    return flow.pages


def eaeu_declaration(f: Facts, rng: random.Random) -> list[Page]:
    """EAEU declaration; the official template puts number and dates at the very bottom."""
    flow = new_flow(rng)
    at_bottom = rng.random() < 0.6
    if "number_position" in f.extra:  # pinned by a scenario
        at_bottom = f.extra["number_position"] == "bottom"
    f.extra["variant"] = "number-bottom" if at_bottom else "number-top"
    head = f.manufacturer.head
    flow.y += 4
    flow.para("ЕВРАЗИЙСКИЙ ЭКОНОМИЧЕСКИЙ СОЮЗ", size=flow.size + 1, bold=True, align="center")
    flow.para(
        "ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ", size=flow.size + 5, bold=True, align="center", space_after=4
    )
    if not at_bottom:
        flow.para(f"Регистрационный номер: {f.number}", bold=True)
        flow.para(f"Дата регистрации декларации: {_dmy(f.valid_from)}")
        flow.para(
            f"Срок действия с {_dmy(f.valid_from)} по {_dmy(f.valid_to)} включительно",
            space_after=4,
        )
    m = f.manufacturer
    proto_no, proto_date, lab, lab_acc = _protocol(rng, f.valid_from)
    paragraphs = [
        f"Заявитель {m.full}",
        f"Место нахождения (адрес юридического лица) и адрес места осуществления деятельности: "
        f"{m.address}",
        f"Основной государственный регистрационный номер {m.ogrn}. "
        f"Телефон: {m.phone}. Адрес электронной почты: {m.email}",
        f"в лице {_genitive_title(m.head_title)} {head.full}",
        *_declared_products(f),
        f"Изготовитель {m.full}. Место нахождения и адрес места осуществления деятельности по "
        f"изготовлению продукции: {m.address}",
        f"Продукция изготовлена в соответствии с {f.product.standard}",
        f"Код ТН ВЭД ЕАЭС {f.product.tn_ved}. Серийный выпуск",
        f"соответствует требованиям {rng.choice(TECH_REGULATIONS)}",
        f"Декларация о соответствии принята на основании протокола испытаний № {proto_no} от "
        f"{_dmy(proto_date)}, выданного испытательной лабораторией {lab.full} (уникальный номер "
        f"записи об аккредитации {lab_acc}). Схема декларирования 1д",
        f"Дополнительная информация: {f.product.standard}. Условия хранения продукции — в "
        f"соответствии с требованиями нормативной документации изготовителя",
    ]
    if at_bottom:
        paragraphs.append(
            f"Декларация о соответствии действительна с даты регистрации по "
            f"{_dmy(f.valid_to)} включительно."
        )
    for text in paragraphs:
        flow.para(text, space_after=1.5)
    flow.space(4)
    signature_row(flow, "", head, rng)
    flow.para(
        "(подпись)                    М.П.           (Ф.И.О. заявителя)",
        size=flow.size - 2,
        indent=20,
    )
    if at_bottom:
        flow.y = max(flow.y + 6, flow.bottom - 16)
        flow.para(f"Регистрационный номер декларации о соответствии: {f.number}", bold=True)
        flow.para(f"Дата регистрации декларации о соответствии: {_dmy(f.valid_from)}")
    return flow.pages


def _declared_products(f: Facts) -> list[str]:
    """«заявляет, что …»: one product, or a declaration's list of several, one per line."""
    if not f.annex_products:
        return [f"заявляет, что {f.product.name}"]
    items = [f"{n}) {item.name}" for n, item in enumerate(f.annex_products, 1)]
    return ["заявляет, что продукция:", *items]


def national_declaration(f: Facts, rng: random.Random) -> list[Page]:
    flow = new_flow(rng)
    m = f.manufacturer
    flow.y += 4
    flow.para(
        "ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ", size=flow.size + 5, bold=True, align="center", space_after=4
    )
    kv = rng.random() < 0.5
    f.extra["variant"] = "kv" if kv else "prose"
    rows = [
        ("Заявитель", f"{m.full}, ОГРН {m.ogrn}, ИНН {m.inn}, {m.address}, тел. {m.phone}"),
        ("в лице", f"{_genitive_title(m.head_title).lower()} {m.head.full}"),
        ("заявляет, что продукция", f.product.name),
        ("изготовленная", f"{m.short}, {m.address}"),
        ("по", f.product.standard),
        ("код ОКПД 2", f.product.okpd2),
        (
            "соответствует требованиям",
            f"{f.product.standard}; Постановление Правительства Российской Федерации от "
            f"23.12.2021 № 2425",
        ),
        (
            "Декларация принята на основании",
            f"протокола испытаний № {rng.randint(10, 999)}/{f.valid_from.year % 100} от "
            f"{_dmy(f.valid_from - timedelta(days=rng.randint(3, 30)))}",
        ),
    ]
    for label, value in rows:
        if kv:
            flow.kv(label, value, label_w=48, space_after=1.2)
        else:
            flow.para(f"{label} {value}", space_after=1.2)
    flow.space(2)
    valid = rng.choice(("до", "по"))
    flow.para(
        f"Декларация о соответствии действительна {valid} {_dmy(f.valid_to)}",
        bold=True,
        space_after=4,
    )
    signature_row(flow, m.head_title, m.head, rng)
    flow.space(6)
    flow.para("Сведения о регистрации декларации о соответствии:", bold=True)
    flow.para(f"Регистрационный номер декларации: {f.number}")
    flow.para(f"Дата регистрации: {_dmy(f.valid_from)}")
    return flow.pages


def _genitive_title(title: str) -> str:
    """«Генеральный директор» -> «Генерального директора» (genitive after «в лице»)."""
    words = title.split()
    out = []
    for word in words:
        if word.endswith("ый") or word.endswith("ий"):
            out.append(word[:-2] + "ого")
        elif word.endswith("ор"):
            out.append(word + "а")
        else:
            out.append(word)
    return " ".join(out)


# -- further development layouts: captions above values, columns, product tables -----------
def _pick(rng: random.Random, *labels: str) -> str:
    return rng.choice(labels)


def eaeu_certificate_landscape(f: Facts, rng: random.Random) -> list[Page]:
    """Landscape blank: captions above underlined values in two columns, order varies."""
    flow = new_flow(rng, landscape=True)
    _frame(flow, rng)
    flow.y = 14
    flow.para(f"Серия RU № {f.blank_series}", size=flow.size - 1)
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 5, bold=True, align="center")
    flow.para(f"№ {f.number}", size=flow.size + 1, bold=True, align="center", space_after=3)
    m = f.manufacturer
    body = V.company(rng, "cert")
    product = f"{f.product.name}{', см. приложение' if f.annex_products else ''}"
    fields = [
        (_pick(rng, "Изготовитель", "Производитель"), f"{m.full}, {m.address}"),
        (_pick(rng, "Продукция", "Наименование продукции", "Объект сертификации"), product),
        (_pick(rng, "Изготовлена по", "Нормативный документ"), f.product.standard),
        ("Код ТН ВЭД ЕАЭС", f.product.tn_ved),
        ("Орган по сертификации", f"{body.short}, RA.RU.11{f.body}"),
        ("Соответствует требованиям", TECH_REGULATIONS[0]),
    ]
    rng.shuffle(fields)
    dates = [
        (_pick(rng, "Дата регистрации", "Дата выдачи"), _dmy(f.valid_from)),
        (_pick(rng, "Действителен по", "Срок действия до"), _dmy(f.valid_to)),
    ]
    top = rng.random() < 0.5
    f.extra["variant"] = "dates-top" if top else "dates-bottom"
    caption_fields(flow, dates + fields if top else fields + dates, columns=2)
    sign_and_stamp(flow, [("Руководитель органа", V.person(rng))], body, rng)
    return flow.pages + annex_pages(f, rng, "сертификату соответствия")


def gost_r_certificate_captions(f: Facts, rng: random.Random) -> list[Page]:
    """One column of captions above values; validity as a sentence at the top or bottom."""
    flow = new_flow(rng, families=("serif", "sans", "mono"))
    _frame(flow, rng)
    flow.y = 16
    flow.para("СИСТЕМА СЕРТИФИКАЦИИ ГОСТ Р", bold=True, align="center")
    flow.para("СЕРТИФИКАТ СООТВЕТСТВИЯ", size=flow.size + 5, bold=True, align="center")
    flow.para(f"рег. № {f.number}", bold=True, align="center", space_after=3)
    validity = (
        f"Действителен с {_dmy(f.valid_from)} до {_dmy(f.valid_to)}"
        if rng.random() < 0.5
        else f"Срок действия с {V.fmt_date(f.valid_from, 'dmy_g')} по "
        f"{V.fmt_date(f.valid_to, 'dmy_g')}"
    )
    top = rng.random() < 0.5
    f.extra["variant"] = "validity-top" if top else "validity-bottom"
    if top:
        flow.para(validity, align="center", space_after=3)
    m = f.manufacturer
    fields = [
        (_pick(rng, "Продукция", "Наименование изделия"), f.product.name),
        ("Соответствует требованиям", f.product.standard),
        (_pick(rng, "Изготовитель", "Завод-изготовитель"), f"{m.full}, ИНН {m.inn}"),
        ("Код ОКПД 2", f.product.okpd2),
    ]
    caption_fields(flow, fields)
    if not top:
        flow.para(validity, bold=True, space_after=2)
    flow.para(f"Бланк № {f.blank_series}", size=flow.size - 2, align="right")
    sign_and_stamp(flow, [("Руководитель органа", V.person(rng))], V.company(rng, "cert"), rng)
    return flow.pages + annex_pages(f, rng, "сертификату соответствия")


def eaeu_declaration_table(f: Facts, rng: random.Random) -> list[Page]:
    """Registration data in two columns; the product in a table with a header row."""
    flow = new_flow(rng, families=("sans", "serif"))
    m = f.manufacturer
    flow.para("ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ ЕАЭС", size=flow.size + 4, bold=True, align="center")
    flow.space(3)
    kv_columns(
        flow,
        [("Номер:", f.number)],
        [
            ("Дата регистрации:", _dmy(f.valid_from)),
            (_pick(rng, "Действительна по:", "Срок действия по:"), _dmy(f.valid_to)),
        ],
        label_w=rng.choice((26.0, 40.0)),
    )
    flow.space(2)
    flow.para(f"Заявитель: {m.full}, {m.address}, ОГРН {m.ogrn}", space_after=1)
    flow.para(f"Изготовитель: {m.full}, {m.address}", space_after=2)
    flow.table(
        [80, 50, 35],
        [
            ["Наименование продукции", "Обозначение документа", "Код ТН ВЭД ЕАЭС"],
            [f.product.name, f.product.standard, f.product.tn_ved],
        ],
        align=["left", "center", "center"],
        shade_header=rng.random() < 0.5,
    )
    flow.space(2)
    flow.para(f"соответствует требованиям {rng.choice(TECH_REGULATIONS)}", space_after=4)
    signature_row(flow, m.head_title, m.head, rng)
    f.extra["variant"] = "product-table"
    return flow.pages


def national_declaration_columns(f: Facts, rng: random.Random) -> list[Page]:
    """Applicant and registration side by side; the product under captions."""
    flow = new_flow(rng, families=("serif", "mono"))
    m = f.manufacturer
    flow.para("ДЕКЛАРАЦИЯ О СООТВЕТСТВИИ", size=flow.size + 4, bold=True, align="center")
    flow.space(3)
    kv_columns(
        flow,
        [("Заявитель", m.short), ("ОГРН", m.ogrn), ("Адрес", m.address)],
        [
            ("№", f.number),
            ("от", _dmy(f.valid_from)),
            (_pick(rng, "до", "по"), _dmy(f.valid_to)),
        ],
        label_w=22,
    )
    flow.space(3)
    caption_fields(
        flow,
        [
            (_pick(rng, "Продукция", "Наименование продукции"), f.product.name),
            ("Изготовлена по", f.product.standard),
            ("Изготовитель", f"{m.full}, {m.address}"),
        ],
        columns=rng.choice((1, 2)),
    )
    signature_row(flow, m.head_title, m.head, rng)
    f.extra["variant"] = "columns"
    return flow.pages


LAYOUTS = {
    "eaeu_cert": {
        "eaeu_certificate_form": eaeu_certificate,
        "eaeu_certificate_landscape": eaeu_certificate_landscape,
    },
    "gost_r_cert": {
        "gost_r_certificate_form": gost_r_certificate,
        "gost_r_certificate_captions": gost_r_certificate_captions,
    },
    "voluntary_cert": {"voluntary_certificate_form": voluntary_certificate},
    "eaeu_decl": {
        "eaeu_declaration_form": eaeu_declaration,
        "eaeu_declaration_table": eaeu_declaration_table,
    },
    "national_decl": {
        "national_declaration_form": national_declaration,
        "national_declaration_columns": national_declaration_columns,
    },
}
