"""Construction products with realistic designations, standards and test properties.

`Product.name` is exactly what a document prints as the product (the
`product_name` requisite); `standard` is printed separately.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

KINDS = (
    "concrete",
    "rebar",
    "sand",
    "crushed_stone",
    "brick",
    "pipe",
    "waterproofing",
    "mortar",
    "primer",
    "precast",
)

INDUSTRY_BY_KIND = {
    "concrete": "concrete",
    "rebar": "metal",
    "sand": "aggregate",
    "crushed_stone": "aggregate",
    "brick": "brick",
    "pipe": "plastic",
    "waterproofing": "roofing",
    "mortar": "mortar",
    "primer": "roofing",
    "mastic": "roofing",
    "precast": "precast",
}

# Units as printed -> normalised unit of the requisites.
UNIT_SPELLINGS = {
    "м3": ("м3", "м³", "куб. м", "м.куб."),
    "т": ("т", "тн", "т."),
    "шт": ("шт.", "шт"),
    "м2": ("м2", "м²", "кв. м"),
    "м": ("м", "п.м", "пог. м"),
    "кг": ("кг",),
    "л": ("л",),
}


@dataclass(frozen=True)
class Property:
    indicator: str
    norm: str
    actual: str


@dataclass(frozen=True)
class Product:
    kind: str
    name: str
    standard: str
    unit: str
    tn_ved: str
    okpd2: str
    what: str  # accusative phrase after «на» in titles: «на песок», «на бетонную смесь»
    grades: dict[str, str] = field(default_factory=dict)
    properties: tuple[Property, ...] = ()
    group: str = ""  # product group wording for certificates

    @property
    def industry(self) -> str:
        return INDUSTRY_BY_KIND[self.kind]


def printed_unit(rng: random.Random, unit: str) -> str:
    return rng.choice(UNIT_SPELLINGS[unit])


def fmt_qty(value: float, decimals: int) -> str:
    """Russian decimal comma: 21,450."""
    return f"{value:.{decimals}f}".replace(".", ",")


def unit_decimals(unit: str) -> int:
    return {"т": 3, "м3": 1, "м2": 1, "м": 1, "кг": 1, "л": 0, "шт": 0}[unit]


def _r(rng: random.Random, lo: float, hi: float, nd: int = 1) -> str:
    return fmt_qty(rng.uniform(lo, hi), nd)


# -- concrete ---------------------------------------------------------------------
CONCRETE_CLASSES = ("В7,5", "В15", "В20", "В22,5", "В25", "В30", "В35", "В40")


def concrete(
    rng: random.Random,
    cls: str | None = None,
    mobility: str | None = None,
    frost: str | None = None,
    water: str | None = None,
    prefix: str | None = None,
) -> Product:
    cls = cls or rng.choice(CONCRETE_CLASSES)
    mobility = mobility or rng.choice(("П3", "П4", "П4", "П5"))
    frost = frost or rng.choice(("F100", "F150", "F150", "F200", "F300"))
    water = water or rng.choice(("W4", "W6", "W6", "W8", "W12"))
    prefix = prefix or rng.choice(
        ("Бетонная смесь", "Смесь бетонная", "Бетонная смесь тяжелого бетона")
    )
    name = f"{prefix} БСТ {cls} {mobility} {frost} {water}"
    strength = float(cls[1:].replace(",", "."))
    slump = {"П3": "10–15", "П4": "16–20", "П5": "21 и более"}[mobility]
    props = (
        Property("Класс бетона по прочности на сжатие", cls, cls),
        Property(
            "Требуемая прочность, МПа",
            fmt_qty(strength * 1.307, 1),
            fmt_qty(strength * rng.uniform(1.32, 1.5), 1),
        ),
        Property(
            "Марка по удобоукладываемости (осадка конуса, см)",
            f"{mobility} ({slump})",
            f"{rng.randint(15, 21)}",
        ),
        Property("Марка по морозостойкости", frost, frost),
        Property("Марка по водонепроницаемости", water, water),
        Property("Наибольшая крупность заполнителя, мм", "20", "20"),
        Property(
            "Сохраняемость удобоукладываемости, мин", "не менее 90", str(rng.choice((90, 120, 150)))
        ),
        Property(
            "Удельная эффективная активность ЕРН, Бк/кг", "не более 370", str(rng.randint(60, 160))
        ),
    )
    return Product(
        kind="concrete",
        name=name,
        standard="ГОСТ 7473-2010",
        unit="м3",
        tn_ved="3824 50 900 0",
        okpd2="23.63.10.000",
        what="бетонную смесь",
        grades={"class": cls, "mobility": mobility, "frost": frost, "water": water},
        properties=props,
        group="Смеси бетонные тяжелого бетона классов по прочности на сжатие от В7,5 до В40",
    )


# -- rebar ------------------------------------------------------------------------
REBAR_DIAMETERS = (8, 10, 12, 14, 16, 18, 20, 22, 25, 28, 32)


def rebar(rng: random.Random, cls: str | None = None, diameter: int | None = None) -> Product:
    cls = cls or rng.choice(("А500С", "А500С", "А500С", "А400", "А240"))
    diameter = diameter or rng.choice(REBAR_DIAMETERS)
    style = rng.randint(0, 3)
    if style == 0:
        name = f"Прокат арматурный класса {cls} диаметром {diameter} мм"
    elif style == 1:
        name = f"Арматура {cls} Ø{diameter}"
    elif style == 2:
        name = f"Прокат арматурный свариваемый периодического профиля {cls} ф{diameter}"
    else:
        name = f"Арматурная сталь {cls} d{diameter} мм"
    yield_min = {"А500С": 500, "А400": 400, "А240": 240}[cls]
    tensile_min = {"А500С": 600, "А400": 500, "А240": 360}[cls]
    props = (
        Property(
            "Предел текучести σт, Н/мм²",
            f"не менее {yield_min}",
            str(yield_min + rng.randint(25, 95)),
        ),
        Property(
            "Временное сопротивление σв, Н/мм²",
            f"не менее {tensile_min}",
            str(tensile_min + rng.randint(30, 110)),
        ),
        Property("Относительное удлинение δ5, %", "не менее 14", str(rng.randint(16, 25))),
        Property("Изгиб в холодном состоянии на 180°", "без трещин", "удовл."),
        Property(
            "Углеродный эквивалент Сэкв, %", "не более 0,50", fmt_qty(rng.uniform(0.38, 0.48), 2)
        ),
    )
    return Product(
        kind="rebar",
        name=name,
        standard="ГОСТ 34028-2016" if rng.random() < 0.85 or cls == "А240" else "ГОСТ Р 52544-2006",
        unit="т",
        tn_ved="7214 20 000 0",
        okpd2="24.10.62.000",
        what="арматурный прокат",
        grades={"class": cls, "diameter": str(diameter)},
        properties=props,
        group=f"Прокат арматурный свариваемый периодического профиля класса {cls}",
    )


# -- aggregates -------------------------------------------------------------------
def sand(rng: random.Random, name: str | None = None) -> Product:
    size = rng.choice(("средний", "мелкий", "крупный", "очень мелкий"))
    klass = rng.choice(("I", "I", "II"))
    mk = {
        "средний": "2,0–2,5",
        "мелкий": "1,5–2,0",
        "крупный": "2,5–3,0",
        "очень мелкий": "1,0–1,5",
    }[size]
    name = name or rng.choice(
        (
            f"Песок для строительных работ {klass} класса, {size}",
            f"Песок природный {klass} класса, {size}",
            f"Песок строительный {size} (Мк {mk})",
        )
    )
    props = (
        Property("Модуль крупности Мк", mk, fmt_qty(rng.uniform(1.2, 2.8), 2)),
        Property("Полный остаток на сите № 063, %", "30–45", _r(rng, 30, 45)),
        Property("Содержание пылевидных и глинистых частиц, %", "не более 3,0", _r(rng, 0.4, 2.6)),
        Property("Содержание глины в комках, %", "не более 0,35", _r(rng, 0.0, 0.3, 2)),
        Property("Насыпная плотность, кг/м³", "—", str(rng.randint(1430, 1620))),
        Property(
            "Удельная эффективная активность ЕРН, Бк/кг", "не более 370", str(rng.randint(20, 90))
        ),
    )
    return Product(
        kind="sand",
        name=name,
        standard="ГОСТ 8736-2014",
        unit=rng.choice(("м3", "м3", "т")),
        tn_ved="2505 10 000 0",
        okpd2="08.12.11.110",
        what="песок",
        properties=props,
        group="Песок для строительных работ",
    )


def crushed_stone(
    rng: random.Random, fraction: str | None = None, mark: str | None = None
) -> Product:
    fraction = fraction or rng.choice(("5-20", "20-40", "40-70", "5-10", "10-20"))
    mark = mark or rng.choice(("М800", "М1000", "М1200", "М1400"))
    rock = rng.choice(("гранитный", "из плотных горных пород", "известняковый", "гравийный"))
    name = rng.choice(
        (
            f"Щебень {rock} фракции {fraction} мм, марка по дробимости {mark}",
            f"Щебень {rock} фр. {fraction} {mark}",
        )
    )
    props = (
        Property("Марка по дробимости", mark, mark),
        Property(
            "Содержание зерен пластинчатой (лещадной) формы, %", "не более 25", _r(rng, 6, 22)
        ),
        Property("Содержание пылевидных и глинистых частиц, %", "не более 1,0", _r(rng, 0.2, 0.9)),
        Property("Марка по морозостойкости", "F300", "F300"),
        Property("Насыпная плотность, кг/м³", "—", str(rng.randint(1340, 1480))),
    )
    return Product(
        kind="crushed_stone",
        name=name,
        standard=rng.choice(("ГОСТ 8267-93", "ГОСТ 32703-2014")),
        unit=rng.choice(("м3", "т")),
        tn_ved="2517 10 100 0",
        okpd2="08.12.12.140",
        what="щебень",
        grades={"fraction": fraction, "mark": mark},
        properties=props,
        group="Щебень и гравий из плотных горных пород для строительных работ",
    )


# -- wall materials ---------------------------------------------------------------
def brick(rng: random.Random, grade: str | None = None, designation: bool | None = None) -> Product:
    grade = grade or rng.choice(("М125", "М150", "М150", "М175", "М200"))
    kind = rng.choice(("рядовой", "лицевой"))
    body = rng.choice(("полнотелый", "пустотелый"))
    frost = rng.choice(("F50", "F75", "F100"))
    if designation is None:
        designation = rng.random() < 0.4
    if designation:
        code = f"КР-{'р' if kind == 'рядовой' else 'л'}-{'по' if body == 'полнотелый' else 'пу'}"
        density = "2,0" if body == "полнотелый" else "1,4"
        name = f"Кирпич {code} 250х120х65/1НФ/{grade[1:]}/{density}/{frost[1:]}"
    else:
        name = f"Кирпич керамический {kind} {body} одинарный {grade} {frost}"
    props = (
        Property("Марка по прочности", grade, grade),
        Property(
            "Предел прочности при сжатии, МПа",
            f"не менее {int(grade[1:]) / 10:.1f}".replace(".", ","),
            _r(rng, int(grade[1:]) / 10 + 0.5, int(grade[1:]) / 10 + 4),
        ),
        Property("Марка по морозостойкости", frost, frost),
        Property("Водопоглощение, %", "не менее 6,0", _r(rng, 7, 13)),
        Property("Средняя плотность, кг/м³", "—", str(rng.randint(1350, 1900))),
    )
    return Product(
        kind="brick",
        name=name,
        standard="ГОСТ 530-2012",
        unit="шт",
        tn_ved="6904 10 000 0",
        okpd2="23.32.11.110",
        what="кирпич керамический",
        grades={"grade": grade, "frost": frost},
        properties=props,
        group="Кирпич и камень керамические",
    )


def mortar(rng: random.Random, grade: str | None = None) -> Product:
    grade = grade or rng.choice(("М75", "М100", "М150", "М200"))
    name = rng.choice(
        (
            f"Раствор цементный кладочный {grade} Пк2 F50",
            f"Смесь растворная кладочная тяжелая цементная {grade} Пк2",
            f"Раствор строительный кладочный {grade}",
        )
    )
    props = (
        Property("Марка по прочности на сжатие", grade, grade),
        Property("Марка по подвижности", "Пк2", "Пк2"),
        Property("Подвижность, см", "4–8", str(rng.randint(5, 8))),
        Property("Водоудерживающая способность, %", "не менее 90", str(rng.randint(91, 97))),
    )
    return Product(
        kind="mortar",
        name=name,
        standard="ГОСТ 28013-98",
        unit="м3",
        tn_ved="3824 50 100 0",
        okpd2="23.64.10.000",
        what="растворную смесь",
        grades={"grade": grade},
        properties=props,
        group="Смеси растворные строительные и растворы кладочные",
    )


# -- pipes, insulation, precast -----------------------------------------------------
def pipe(rng: random.Random, variant: str | None = None) -> Product:
    variant = variant or rng.choice(("pe", "pvc", "pp"))
    if variant == "pe":
        size, sdr = rng.choice(((110, "6,6"), (160, "9,5"), (63, "3,8"), (225, "13,4")))
        sdr_n = rng.choice(("17", "11"))
        name = f"Труба ПЭ 100 SDR {sdr_n} {size}×{sdr} питьевая"
        standard, tn = "ГОСТ 18599-2001", "3917 21 100 9"
        grades = {"material": "ПЭ 100", "sdr": sdr_n, "size": str(size)}
    elif variant == "pvc":
        size = rng.choice((110, 160, 200))
        name = f"Труба НПВХ {size}×3,2 SN4 для наружной канализации"
        standard, tn = "ТУ 2248-057-72311668-2007", "3917 23 100 9"
        grades = {"material": "НПВХ", "sn": "SN4", "size": str(size)}
    else:
        size = rng.choice((160, 200, 250, 315))
        name = f"Труба полипропиленовая двухслойная гофрированная SN8 Ø{size}"
        standard, tn = "ТУ 2248-001-96467180-2008", "3917 22 100 0"
        grades = {"material": "ПП", "sn": "SN8", "size": str(size)}
    props = (
        Property("Внешний вид", "по НД", "соответствует"),
        Property("Наружный диаметр, мм", str(size), fmt_qty(size + rng.uniform(0.1, 0.8), 1)),
        Property("Овальность после экструзии, мм", "не более 2,2", _r(rng, 0.4, 1.8)),
        Property(
            "Относительное удлинение при разрыве, %", "не менее 350", str(rng.randint(380, 620))
        ),
        Property("Стойкость при постоянном внутреннем давлении", "без разрушения", "выдержала"),
    )
    return Product(
        kind="pipe",
        name=name,
        standard=standard,
        unit="м",
        tn_ved=tn,
        okpd2="22.21.21.122",
        what="трубы",
        grades=grades,
        properties=props,
        group="Трубы напорные и безнапорные из полимерных материалов",
    )


_WATERPROOFING_BRANDS = (
    "Техноэласт ЭПП",
    "Унифлекс ЭПП",
    "Гидроизол-Про ЭПП",
    "Биполь ХПП",
    "Изоэласт П",
    "Бикрост ХКП",
)


def waterproofing(rng: random.Random, brand: str | None = None) -> Product:
    brand = brand or rng.choice(_WATERPROOFING_BRANDS)
    name = rng.choice(
        (
            f"Материал рулонный гидроизоляционный наплавляемый битумно-полимерный «{brand}»",
            f"Рулонный кровельный и гидроизоляционный материал «{brand}»",
        )
    )
    props = (
        Property("Масса 1 м², кг", "5,0±0,25", _r(rng, 4.9, 5.2, 2)),
        Property("Разрывная сила при растяжении, Н", "не менее 600", str(rng.randint(620, 880))),
        Property("Температура гибкости на брусе R=25 мм, °С", "не выше минус 25", "минус 25"),
        Property("Теплостойкость, °С", "не ниже 100", "100"),
        Property("Водонепроницаемость при 0,2 МПа, 2 ч", "абсолютная", "абсолютная"),
    )
    return Product(
        kind="waterproofing",
        name=name,
        standard=rng.choice(
            ("СТО 72746455-3.1.11-2015", "ТУ 5774-003-00287852-99", "ГОСТ 32805-2014")
        ),
        unit="м2",
        tn_ved="6807 10 000 0",
        okpd2="23.99.12.110",
        what="рулонный материал",
        grades={"brand": brand},
        properties=props,
        group="Материалы рулонные кровельные и гидроизоляционные",
    )


def primer(rng: random.Random, brand: str | None = None) -> Product:
    brand = brand or rng.choice(("ТЕХНОНИКОЛЬ № 01", "Гидростоп-П", "Битумикс ПБ-1", "Праймекс"))
    props = (
        Property("Условная вязкость по ВЗ-246 (сопло 4 мм), с", "15–30", str(rng.randint(16, 28))),
        Property("Массовая доля нелетучих веществ, %", "не менее 40", str(rng.randint(41, 52))),
        Property("Время высыхания, ч", "не более 12", str(rng.randint(4, 11))),
    )
    return Product(
        kind="primer",
        name=f"Праймер битумный «{brand}»",
        standard="ТУ 5775-011-17925162-2003",
        unit=rng.choice(("л", "кг")),
        tn_ved="2715 00 000 0",
        okpd2="20.30.22.170",
        what="праймер",
        grades={"brand": brand},
        properties=props,
        group="Праймеры и мастики битумные",
    )


def mastic(rng: random.Random, brand: str | None = None) -> Product:
    brand = brand or rng.choice(("Гидромаст", "Битумикс М-2", "Техномаст", "Праймекс-М"))
    props = (
        Property("Условная прочность, МПа", "не менее 0,5", _r(rng, 0.6, 0.9, 2)),
        Property(
            "Относительное удлинение при разрыве, %", "не менее 100", str(rng.randint(110, 300))
        ),
        Property("Теплостойкость, °С", "не ниже 85", str(rng.randint(85, 100))),
        Property("Водопоглощение за 24 ч, %", "не более 0,2", _r(rng, 0.05, 0.19, 2)),
    )
    return Product(
        kind="mastic",
        name=f"Мастика битумно-полимерная гидроизоляционная «{brand}»",
        standard="ГОСТ 30693-2000",
        unit="кг",
        tn_ved="2715 00 000 0",
        okpd2="23.99.12.120",
        what="мастику",
        grades={"brand": brand},
        properties=props,
        group="Праймеры и мастики битумные",
    )


WELL_PRODUCTS_GROUP = (
    "Конструкции бетонные и железобетонные для колодцев канализационных, водопроводных "
    "и газопроводных сетей"
)
_PRECAST = ("КС 10.9", "КС 15.9", "КС 20.9", "КО-6", "1ПП 15-1", "ПН 15", "КС 7.3")


def precast(rng: random.Random, mark: str | None = None) -> Product:
    mark = mark or rng.choice(_PRECAST)
    noun = {
        "КС": "Кольцо стеновое",
        "КО": "Кольцо опорное",
        "1ПП": "Плита перекрытия",
        "ПН": "Плита днища",
    }[mark.split(" ")[0].split("-")[0]]
    props = (
        Property("Класс бетона по прочности на сжатие", "В15", "В15"),
        Property("Отпускная прочность бетона, %", "не менее 70", str(rng.randint(72, 95))),
        Property("Марка бетона по морозостойкости", "F150", "F150"),
        Property("Марка бетона по водонепроницаемости", "W4", "W4"),
        Property("Масса изделия, т", "—", _r(rng, 0.1, 2.0, 2)),
    )
    return Product(
        kind="precast",
        name=f"{noun} {mark}",
        standard="ГОСТ 8020-2016",
        unit="шт",
        tn_ved="6810 91 100 0",
        okpd2="23.61.12.162",
        what="изделия железобетонные",
        grades={"mark": mark},
        properties=props,
        group=WELL_PRODUCTS_GROUP,
    )


FACTORIES = {
    "concrete": concrete,
    "rebar": rebar,
    "sand": sand,
    "crushed_stone": crushed_stone,
    "brick": brick,
    "pipe": pipe,
    "waterproofing": waterproofing,
    "mortar": mortar,
    "primer": primer,
    "mastic": mastic,
    "precast": precast,
}


def random_product(rng: random.Random, kind: str | None = None) -> Product:
    kind = kind or rng.choice(KINDS)
    return FACTORIES[kind](rng)


def typical_quantity(rng: random.Random, product: Product) -> float:
    """A plausible shipment size for one batch document."""
    if product.kind == "concrete":
        return rng.choice((6.0, 7.0, 8.0, 9.0, 10.0, 12.0, 24.0, 36.5))
    if product.kind == "rebar":
        return round(rng.uniform(1.5, 60.0), 3)
    if product.kind in ("sand", "crushed_stone"):
        return float(rng.randint(15, 400)) if product.unit == "м3" else float(rng.randint(20, 600))
    if product.kind == "brick":
        return float(rng.randint(5, 60) * 480)
    if product.kind == "pipe":
        return float(rng.randint(4, 60) * 12)
    if product.kind == "waterproofing":
        return float(rng.randint(10, 200) * 10)
    if product.kind == "mortar":
        return float(rng.randint(2, 20))
    if product.kind == "primer":
        return float(rng.randint(2, 40) * 20)
    return float(rng.randint(2, 40))
