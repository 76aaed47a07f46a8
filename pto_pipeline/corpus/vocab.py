"""Russian business vocabulary: dates, companies, people, addresses, registry numbers.

Everything takes a `random.Random` so content is reproducible per seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

DATE_STYLES = ("dmy", "dmy_short", "quoted", "words", "words_g", "dmy_g")


def fmt_date(d: date, style: str = "dmy") -> str:
    """Russian date spellings met on documents."""
    month = MONTHS_GENITIVE[d.month - 1]
    if style == "dmy":
        return d.strftime("%d.%m.%Y")
    if style == "dmy_g":
        return d.strftime("%d.%m.%Y") + " г."
    if style == "dmy_short":
        return d.strftime("%d.%m.%y")
    if style == "quoted":
        return f"«{d.day:02d}» {month} {d.year} г."
    if style == "words":
        return f"{d.day} {month} {d.year} года"
    if style == "words_g":
        return f"{d.day} {month} {d.year} г."
    raise ValueError(style)


def pick_date_style(rng: random.Random, formal: bool = False) -> str:
    if formal:
        return rng.choice(("dmy", "dmy", "dmy_g", "quoted"))
    return rng.choice(DATE_STYLES)


def rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# -- people ---------------------------------------------------------------------
_SURNAMES = _words(
    "Иванов Петров Смирнов Кузнецов Соколов Попов Лебедев Козлов Новиков Морозов Волков "
    "Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров "
    "Михайлов Беляев Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев "
    "Титов Кузьмин Кудрявцев Баранов Куликов Алексеев Степанов Яковлев Сорокин Сергеев "
    "Романов Захаров Борисов Королёв Герасимов Пономарёв Григорьев Лазарев Медведев Ершов "
    "Никитин Соболев Рябов Поляков Цветков Данилов Жуков Фролов Журавлёв Николаев Крылов "
    "Максимов Сидоров Осипов Белоусов Федотов Дорофеев Егоров Матвеев Бобров Дмитриев Калинин "
    "Анисимов Петухов Антонов Тимофеев Никифоров Веселов Филиппов Марков Большаков Суханов "
    "Миронов Ширяев Александров Коновалов Шестаков Казаков Ефимов Денисов Громов Фомин "
    "Давыдов Мельников Щербаков Блинов Колесников Карпов Афанасьев Власов Маслов Исаков "
    "Тихонов Аксёнов Гаврилов Родионов Котов Горбунов Кудряшов Быков Зуев Третьяков Савельев "
    "Панов Рыбаков Суворов Абрамов Воронов Мухин Архипов Трофимов Мартынов Емельянов Горшков "
    "Чернов Овчинников Селезнёв Панфилов Копылов Михеев Галкин Назаров Лобанов Лукин Беляков "
    "Потапов Некрасов Хохлов Жданов Наумов Шилов Воронцов Ермаков Дроздов Игнатьев Савин "
    "Логинов Сафонов Капустин Кириллов Моисеев Елисеев Кошелев Костин Горбачёв Орехов Ефремов "
    "Исаев Евдокимов Калашников Кабанов Носков Юдин Кулагин Лапин Прохоров Нестеров Харитонов "
    "Агафонов Муравьёв Ларионов Федосеев Зимин Пахомов Шубин Игнатов Филатов Крюков Рогов "
    "Кулаков Терентьев Молчанов Владимиров Артемьев Гурьев Зиновьев Гришин Кононов Дементьев "
    "Ситников Симонов Мишин Фадеев Комиссаров Мамонтов Носов Гуляев Шаров Устинов Вишняков "
    "Евсеев Лаврентьев Брагин Константинов Корнилов Авдеев Зыков Бирюков Шарапов Никонов "
    "Щукин Дьячков Одинцов Сазонов Якушев Красильников Гордеев Самойлов Князев Беспалов "
    "Уваров Шашков Бобылёв Доронин Белозёров Рожков Самсонов Мясников Лихачёв Буров Сысоев "
    "Фомичёв Русаков Стрелков Гущин Тетерин Колобов Субботин Фокин Блохин Селиверстов Пестов "
    "Кондратьев Силин Меркушев Лыткин Туров Гарипов Хабибуллин Галиев Закиров Сафин Нуриев "
    "Валиев Шакиров Мингазов Хайруллин Зарипов Ахметов Гиниятуллин Сабиров"
)
_MALE_NAMES = _words(
    "Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир "
    "Владислав Геннадий Георгий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин "
    "Леонид Максим Михаил Николай Олег Павел Пётр Роман Руслан Рустам Сергей Станислав Тимур "
    "Фёдор Юрий Ринат Айдар Марат Ильдар"
)
_FEMALE_NAMES = _words(
    "Анна Валентина Галина Дарья Екатерина Елена Ирина Лариса Любовь Людмила Марина Мария "
    "Наталья Надежда Оксана Ольга Светлана Татьяна Юлия Гульнара Альфия Эльвира"
)
_MALE_PATRONYMICS = _words(
    "Александрович Алексеевич Андреевич Борисович Васильевич Викторович Владимирович "
    "Геннадьевич Дмитриевич Евгеньевич Иванович Игоревич Константинович Михайлович Николаевич "
    "Олегович Павлович Петрович Сергеевич Юрьевич Рашитович Ринатович Фаритович Ильдарович"
)


@dataclass(frozen=True)
class Person:
    surname: str
    name: str
    patronymic: str

    @property
    def full(self) -> str:
        return f"{self.surname} {self.name} {self.patronymic}"

    @property
    def short(self) -> str:
        """«Иванов И.И.»"""
        return f"{self.surname} {self.name[0]}.{self.patronymic[0]}."

    @property
    def initials_first(self) -> str:
        """«И.И. Иванов» as under a signature."""
        return f"{self.name[0]}.{self.patronymic[0]}. {self.surname}"


def person(rng: random.Random) -> Person:
    surname = rng.choice(_SURNAMES)
    if rng.random() < 0.3:
        name = rng.choice(_FEMALE_NAMES)
        patronymic = rng.choice(_MALE_PATRONYMICS)
        patronymic = patronymic[:-3] + "вна" if patronymic.endswith("вич") else patronymic
        surname = _feminine(surname)
    else:
        name = rng.choice(_MALE_NAMES)
        patronymic = rng.choice(_MALE_PATRONYMICS)
    return Person(surname, name, patronymic)


def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


# -- places -----------------------------------------------------------------------
@dataclass(frozen=True)
class City:
    name: str
    region: str
    region_code: str  # first two digits of INN/KPP
    postcode: str  # first three digits
    phone_code: str


CITIES = (
    City("Казань", "Республика Татарстан", "16", "420", "843"),
    City("Набережные Челны", "Республика Татарстан", "16", "423", "8552"),
    City("Зеленодольск", "Республика Татарстан", "16", "422", "84371"),
    City("Самара", "Самарская область", "63", "443", "846"),
    City("Тольятти", "Самарская область", "63", "445", "8482"),
    City("Нижний Новгород", "Нижегородская область", "52", "603", "831"),
    City("Ульяновск", "Ульяновская область", "73", "432", "8422"),
    City("Чебоксары", "Чувашская Республика", "21", "428", "8352"),
    City("Уфа", "Республика Башкортостан", "02", "450", "347"),
    City("Пермь", "Пермский край", "59", "614", "342"),
    City("Екатеринбург", "Свердловская область", "66", "620", "343"),
    City("Челябинск", "Челябинская область", "74", "454", "351"),
    City("Москва", "г. Москва", "77", "115", "495"),
    City("Йошкар-Ола", "Республика Марий Эл", "12", "424", "8362"),
    City("Ижевск", "Удмуртская Республика", "18", "426", "3412"),
)

_STREETS = (
    "ул. Гвардейская",
    "ул. Производственная",
    "ул. Техническая",
    "ул. Промышленная",
    "ул. Тэцевская",
    "ул. Окружное шоссе",
    "ул. Складская",
    "ул. Заводская",
    "ул. Индустриальная",
    "ул. Северная",
    "ул. Магистральная",
    "ул. Луговая",
    "ул. Энергетиков",
    "ул. Строителей",
    "пр-т Победы",
    "ул. Ленина",
    "ул. Гагарина",
    "ул. Мира",
    "ул. Карьерная",
    "ул. Портовая",
    "ул. Химиков",
    "ул. Сибирский тракт",
    "ул. Восстания",
    "ул. Лебедева",
)


def street(rng: random.Random) -> str:
    return rng.choice(_STREETS)


def address(rng: random.Random, city: City, office: bool = True) -> str:
    postcode = f"{city.postcode}{rng.randint(0, 999):03d}"
    building = f"д. {rng.randint(1, 160)}"
    if rng.random() < 0.3:
        building += rng.choice(("А", "Б", "В", " корп. 2", ", стр. 1", "/3"))
    tail = f", офис {rng.randint(1, 412)}" if office and rng.random() < 0.35 else ""
    region = f"{city.region}, " if city.region != "г. Москва" else ""
    return f"{postcode}, {region}г. {city.name}, {rng.choice(_STREETS)}, {building}{tail}"


def phone(rng: random.Random, city: City) -> str:
    code = city.phone_code
    digits = 10 - len(code)
    number = f"{rng.randint(0, 10**digits - 1):0{digits}d}"
    if digits == 7:
        number = f"{number[:3]}-{number[3:5]}-{number[5:]}"
    elif digits == 6:
        number = f"{number[:2]}-{number[2:4]}-{number[4:]}"
    else:
        number = f"{number[:1]}-{number[1:3]}-{number[3:]}"
    return f"+7 ({code}) {number}"


# -- companies --------------------------------------------------------------------
LEGAL_FORMS = {
    "ООО": "Общество с ограниченной ответственностью",
    "АО": "Акционерное общество",
    "ПАО": "Публичное акционерное общество",
    "ЗАО": "Закрытое акционерное общество",
}

_NAME_ROOTS = _words(
    "Волга Кама Урал Поволжье Север Итиль Казань Прикамье Вятка Ока Сура Свияга Алабуга Идель "
    "Меридиан Магистраль Гранит Монолит Регион Альянс Вектор Стандарт Профи Эталон Гарант "
    "Континент Атлант Базис Форпост Квадрат Стройкомплекс Техно"
)
_ADJECTIVES = _words(
    "Камский Волжский Уральский Приволжский Казанский Северный Заречный Восточный Лаишевский "
    "Зеленодольский Чистопольский Елабужский Буинский Свияжский Самарский Ульяновский Вятский "
    "Средневолжский Нижнекамский Альметьевский"
)

# Words per industry: (camel-case suffixes, "<Adjective> <noun>" nouns)
INDUSTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "concrete": (
        ("Бетон", "Бетон-Сервис", "БетонСтрой", "Бетон-Комплект", "Миксер", "РБУ"),
        ("бетонный завод", "завод ЖБИ", "завод товарного бетона", "бетонный узел"),
    ),
    "metal": (
        ("Сталь", "Металл", "Прокат", "МеталлИнвест", "СтальПром"),
        (
            "металлургический завод",
            "электрометаллургический завод",
            "трубно-прокатный завод",
            "завод сортового проката",
        ),
    ),
    "aggregate": (
        ("Нерудпром", "Карьер", "Гранит", "Песок", "НерудСнаб", "Щебень"),
        ("карьер", "горно-обогатительный комбинат", "завод нерудных материалов"),
    ),
    "brick": (
        ("Керамика", "Кирпич", "КерамСтрой", "Клинкер"),
        ("кирпичный завод", "завод керамических стеновых материалов", "керамический завод"),
    ),
    "plastic": (
        ("Пласт", "ТрубПласт", "Полимер", "ПолимерТруб", "Пластик-Трейд"),
        ("трубный завод", "завод полимерных труб", "завод пластмассовых изделий"),
    ),
    "roofing": (
        ("Изол", "КровляПром", "Гидроизол", "Изоляция", "КровТех"),
        ("завод кровельных материалов", "завод гидроизоляционных материалов"),
    ),
    "mortar": (
        ("Раствор", "СухиеСмеси", "РастворБетон", "Смеси"),
        ("растворобетонный узел", "завод строительных смесей"),
    ),
    "precast": (
        ("ЖБИ", "ЖБК", "Железобетон", "СборЖБИ"),
        ("завод железобетонных изделий", "комбинат ЖБИ", "завод ЖБК"),
    ),
    "trade": (
        ("СтройСнаб", "Снабкомплект", "СтройТорг", "МеталлоБаза", "Трейд", "Логистик"),
        ("торговый дом", "строительный рынок", "снабженческая компания"),
    ),
    "lab": (
        ("СтройТест", "ЛабКонтроль", "Эксперт", "ТестСтрой", "КачествоСтрой"),
        ("испытательный центр", "строительная лаборатория"),
    ),
    "cert": (
        ("Стандарт-Тест", "Сертификация", "СертЭксперт", "ТестСерт", "РегионСтандарт"),
        ("центр сертификации", "центр стандартизации и сертификации"),
    ),
    "builder": (
        ("Строй", "СтройИнвест", "Строймонтаж", "Генподряд", "Девелопмент"),
        ("строительный трест", "строительная компания"),
    ),
}


@dataclass(frozen=True)
class Company:
    form: str  # ООО / АО / ПАО / ЗАО
    name: str  # without quotes
    city: City
    address: str
    inn: str
    kpp: str
    ogrn: str
    phone: str
    email: str
    head: Person
    head_title: str

    @property
    def short(self) -> str:
        """`ООО «Бетон-Сервис»` — the form used as the `manufacturer` requisite."""
        return f"{self.form} «{self.name}»"

    @property
    def full(self) -> str:
        return f"{LEGAL_FORMS[self.form]} «{self.name}»"


def inn_with_check(first9: str) -> str:
    """10-digit legal-entity INN with its control digit."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    control = sum(int(d) * w for d, w in zip(first9, weights, strict=True)) % 11 % 10
    return first9 + str(control)


def ogrn_with_check(first12: str) -> str:
    return first12 + str(int(first12) % 11 % 10)


def company_name(rng: random.Random, industry: str) -> str:
    suffixes, nouns = INDUSTRIES[industry]
    style = rng.random()
    if style < 0.4:
        return rng.choice(_NAME_ROOTS) + rng.choice(suffixes)
    if style < 0.65:
        return f"{rng.choice(_NAME_ROOTS)}-{rng.choice(suffixes)}"
    noun = rng.choice(nouns)
    adjective = rng.choice(_ADJECTIVES)
    if noun.split()[0].endswith("ая"):
        adjective = adjective[:-2] + "ая"
    if "завод" in noun and rng.random() < 0.3:
        return f"{adjective} {noun} № {rng.randint(1, 9)}"
    return f"{adjective} {noun}"


def company(
    rng: random.Random,
    industry: str,
    city: City | None = None,
    form: str | None = None,
    name: str | None = None,
) -> Company:
    city = city or rng.choice(CITIES)
    form = form or rng.choices(("ООО", "АО", "ПАО", "ЗАО"), weights=(70, 20, 6, 4))[0]
    name = name or company_name(rng, industry)
    name = name[0].upper() + name[1:]
    inn = inn_with_check(city.region_code + f"{rng.randint(0, 9_999_999):07d}")
    kpp = f"{city.region_code}{rng.randint(1, 99):02d}01001"
    year = rng.randint(2, 23)
    ogrn = ogrn_with_check(f"1{year:02d}{city.region_code}{rng.randint(0, 9_999_999):07d}")
    slug = "".join(ch for ch in _translit(name.lower()) if ch.isalnum())[:14] or "office"
    head_title = rng.choice(("Генеральный директор", "Директор", "Управляющий директор"))
    return Company(
        form=form,
        name=name,
        city=city,
        address=address(rng, city),
        inn=inn,
        kpp=kpp,
        ogrn=ogrn,
        phone=phone(rng, city),
        email=f"{rng.choice(('info', 'office', 'sales', 'otk', 'mail'))}@{slug}.ru",
        head=person(rng),
        head_title=head_title,
    )


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        _words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh sch _ y _ e yu ya"),
        strict=True,
    )
)


def _translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text).replace("_", "")


# -- registry numbers ---------------------------------------------------------------
_BODY_LETTERS = "АБВГДЕЖИКЛМНПРСТУФХЮЯ"


def body_code(rng: random.Random) -> str:
    """Accreditation code of a certification body, e.g. `АЖ56`."""
    return rng.choice(_BODY_LETTERS) + rng.choice(_BODY_LETTERS) + f"{rng.randint(1, 99):02d}"


def eaeu_certificate_number(rng: random.Random, year: int, body: str) -> str:
    return f"ЕАЭС RU С-RU.{body}.В.{rng.randint(10, 99999):05d}/{year % 100:02d}"


def eaeu_declaration_number(rng: random.Random, year: int) -> str:
    registry = rng.choice(("РА01", "РА01", "РА01", "РА02", "РА05", "НВ42", "АД37"))
    return f"ЕАЭС N RU Д-RU.{registry}.В.{rng.randint(10, 99999):05d}/{year % 100:02d}"


def national_declaration_number(rng: random.Random, year: int) -> str:
    registry = rng.choice(("РА01", "РА01", "НА79", "АЯ46", "СП12"))
    return f"РОСС RU Д-RU.{registry}.В.{rng.randint(10, 99999):05d}/{year % 100:02d}"


def gost_r_certificate_number(rng: random.Random, body: str) -> str:
    return f"РОСС RU.{body}.{rng.choice('НВ')}{rng.randint(10, 99999):05d}"


def voluntary_certificate_number(rng: random.Random, body: str) -> str:
    system = rng.randint(31000, 32999)
    scheme = rng.choice(("04ЖЛН0", "04СТЮ1", "04ИБФ1", "04ЛСВ0"))
    return f"РОСС RU.{system}.{scheme}.ОС{rng.randint(1, 20):02d}.{rng.randint(10, 99999):05d}"


def blank_number(rng: random.Random) -> str:
    """Printing-house number of a certificate blank (серия RU № …): never the doc number."""
    return f"{rng.randint(1, 999_999):07d}"


def accreditation_number(rng: random.Random, body: str | None = None, prefix: str = "11") -> str:
    return f"RA.RU.{prefix}{body or body_code(rng)}"


def batch_number(rng: random.Random, when: date) -> str:
    """Batch numbers, some looking like dates (`12/03-24`), which they are not."""
    style = rng.randint(0, 6)
    if style == 0:
        return f"{when.day:02d}/{when.month:02d}-{rng.randint(1, 60):02d}"
    if style == 1:
        return f"{rng.randint(1, 999)}/{when.year % 100:02d}"
    if style == 2:
        return f"{when.month:02d}{when.day:02d}-{rng.randint(1, 40):02d}"
    if style == 3:
        return f"{rng.randint(100, 9999)}"
    if style == 4:
        return f"{rng.choice('АБВПК')}-{rng.randint(10, 999)}"
    if style == 5:
        return f"{when.year % 100:02d}-{rng.randint(1, 999):03d}"
    return f"{rng.randint(1, 99)}-{when.month:02d}/{when.year % 100:02d}"


def heat_number(rng: random.Random) -> str:
    return f"{rng.choice(('2', '3', '5', '7'))}{rng.randint(10000, 99999)}"


def vehicle_plate(rng: random.Random, region: str) -> str:
    letters = "АВЕКМНОРСТУХ"
    return (
        f"{rng.choice(letters)} {rng.randint(1, 999):03d} {rng.choice(letters)}"
        f"{rng.choice(letters)} {region if region != '77' else '777'}"
    )
