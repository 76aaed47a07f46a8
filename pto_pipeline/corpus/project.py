"""The demo construction project: card, work register, inbox scans and ground truth.

The scenario is fixed (acts, dates, quantities and which document covers what),
so every planted case is known by construction; the seed varies company names,
registry numbers, layouts and scan artefacts.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pto_pipeline.corpus import products as P
from pto_pipeline.corpus import vocab as V
from pto_pipeline.corpus.degrade import ScanStyle, blank_noise_page, random_style
from pto_pipeline.corpus.documents import Document, build_document
from pto_pipeline.corpus.facts import Facts, quality_number
from pto_pipeline.corpus.files import FileSpec, jpeg_bytes, render_file
from pto_pipeline.corpus.rd import OVERRUN as RD_OVERRUN
from pto_pipeline.corpus.rd import SUBSTITUTION as RD_SUBSTITUTION
from pto_pipeline.corpus.rd import write_sample_rd
from pto_pipeline.domain.fsutil import write_bytes_atomic, write_text_atomic
from pto_pipeline.domain.scaffold import MATERIAL_HEADERS, WORK_HEADERS
from pto_pipeline.domain.tables import REQUISITE_FIELDS

KAZAN = V.CITIES[0]
OBJECT_NAME = (
    "Многоквартирный жилой дом со встроенными нежилыми помещениями и подземной "
    "автостоянкой. Корпус 2"
)
OBJECT_ADDRESS = "Республика Татарстан, г. Казань, Советский район, ул. Аделя Кутуя, з/у 118"


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@dataclass
class Act:
    number: str
    work_name: str
    design_docs: str
    start: date
    end: date
    standards: str
    next_works: str
    conformity_docs: str
    materials: list[tuple[str, float, str]]  # material, quantity, unit


@dataclass
class Line:
    """Expected coverage of one material line."""

    act: str
    material: str
    status: str
    documents: list[str] = field(default_factory=list)  # keys of planned documents


ACTS = [
    Act(
        "1",
        "Устройство песчаной подушки под фундаментную плиту Фм1 в осях 1–8/А–Г",
        "Шифр 118-2025-КЖ0, листы 3, 4; ООО «ПИ «Татгражданпроект»",
        d(3, 2),
        d(3, 6),
        "СП 45.13330.2017, СП 22.13330.2016, проект 118-2025-КЖ0",
        "Армирование фундаментной плиты Фм1",
        "Исполнительная схема № 1 песчаной подушки; протокол уплотнения грунта № 12-У",
        [("Песок для строительных работ ГОСТ 8736-2014", 180.0, "м3")],
    ),
    Act(
        "2",
        "Армирование фундаментной плиты Фм1 в осях 1–8/А–Г",
        "Шифр 118-2025-КЖ1, листы 5–9",
        d(3, 9),
        d(3, 16),
        "СП 70.13330.2012, проект 118-2025-КЖ1",
        "Бетонирование фундаментной плиты Фм1",
        "Исполнительная схема армирования № 2",
        [
            ("Арматура А500С Ø16 ГОСТ 34028-2016", 8.6, "т"),
            ("Проволока вязальная Ø1,2 мм ГОСТ 3282-74", 0.12, "т"),
        ],
    ),
    Act(
        "3",
        "Бетонирование фундаментной плиты Фм1 в осях 1–8/А–Г",
        "Шифр 118-2025-КЖ1, листы 2–4",
        d(3, 17),
        d(3, 19),
        "СП 70.13330.2012, СП 435.1325800.2018",
        "Устройство гидроизоляции фундаментной плиты",
        "Исполнительная геодезическая схема № 3; журнал бетонных работ",
        [("Бетонная смесь БСТ В25 П4 F150 W6 ГОСТ 7473-2010", 24.0, "м3")],
    ),
    Act(
        "4",
        "Устройство оклеечной гидроизоляции фундаментной плиты в два слоя",
        "Шифр 118-2025-КЖ0, лист 12",
        d(3, 23),
        d(3, 27),
        "СП 71.13330.2017, СП 28.13330.2017",
        "Устройство монолитных стен приямков",
        "Исполнительная схема гидроизоляции № 4",
        [
            ("Материал гидроизоляционный наплавляемый «Техноэласт ЭПП»", 420.0, "м2"),
            ("Праймер битумный «ТЕХНОНИКОЛЬ № 01»", 160.0, "л"),
        ],
    ),
    Act(
        "5",
        "Армирование и бетонирование монолитных стен приямков ПР-1, ПР-2",
        "Шифр 118-2025-КЖ2, листы 1–3",
        d(3, 30),
        d(4, 3),
        "СП 70.13330.2012, проект 118-2025-КЖ2",
        "Кладка стен камер из кирпича",
        "Исполнительная схема № 5",
        [
            ("Арматура А500С Ø12 ГОСТ 34028-2016", 1.8, "т"),
            ("Бетонная смесь БСТ В25 П4 F150 W6 ГОСТ 7473-2010", 6.0, "м3"),
        ],
    ),
    Act(
        "6",
        "Кладка стен камер КК-1, КК-2 из керамического кирпича",
        "Шифр 118-2025-АР, листы 14, 15",
        d(4, 6),
        d(4, 10),
        "СП 70.13330.2012, СП 15.13330.2020",
        "Прокладка трубопровода наружной канализации К1",
        "Исполнительная схема кладки № 6",
        [
            ("Кирпич керамический рядовой полнотелый М150 ГОСТ 530-2012", 6000.0, "шт"),
            ("Раствор кладочный М150 ГОСТ 28013-98", 3.5, "м3"),
        ],
    ),
    Act(
        "7",
        "Прокладка трубопровода наружной канализации К1 на песчаном основании, монтаж колодцев",
        "Шифр 118-2025-НВК, листы 2–6",
        d(4, 13),
        d(4, 17),
        "СП 129.13330.2019, СП 32.13330.2018",
        "Обратная засыпка траншеи",
        "Исполнительная схема № 7; акт испытания трубопровода на герметичность",
        [
            ("Песок для строительных работ ГОСТ 8736-2014", 35.0, "м3"),
            ("Щебень гранитный фр. 20-40 М1200 ГОСТ 8267-93", 12.0, "м3"),
            ("Труба ПЭ 100 SDR 17 110×6,6 ГОСТ 18599-2001", 96.0, "м"),
            ("Кольцо стеновое КС 15.9 ГОСТ 8020-2016", 4.0, "шт"),
        ],
    ),
    # One roofing supplier, three products of one kind with different brands: only the
    # document for the very product may cover a line (SPEC §5, identity evidence).
    Act(
        "8",
        "Устройство обмазочной и оклеечной гидроизоляции стен приямков ПР-1, ПР-2",
        "Шифр 118-2025-КЖ2, лист 7",
        d(4, 20),
        d(4, 24),
        "СП 71.13330.2017, СП 28.13330.2017",
        "Обратная засыпка пазух приямков",
        "Исполнительная схема гидроизоляции № 8",
        [
            # the trade name without quotes; the mastic named unlike its declaration
            ("Праймер битумный ИзолПраймер-01", 80.0, "л"),
            ("Мастика битумная гидроизоляционная", 240.0, "кг"),
            ("Гидроизоляция наплавляемая «Бикрост ХПП»", 60.0, "м2"),
        ],
    ),
]


@dataclass
class Planned:
    """A document of the scenario and where it ends up."""

    key: str
    doc: Document


def _unique(rng: random.Random, used: set[str], make) -> str:
    for _ in range(100):
        value = make()
        if value not in used:
            used.add(value)
            return value
    raise RuntimeError("could not draw a unique number")


class Scenario:
    """Builds the demo's documents and files from one random generator."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        rng = self.rng
        self.builder = V.company(rng, "builder", city=KAZAN, form="ООО")
        brand = rng.choice(("Зилант-Сити", "Волжская Гавань", "Казанская Ривьера", "Новый Кутуя"))
        self.developer = V.company(
            rng, "builder", city=KAZAN, form="ООО", name=f"Специализированный застройщик «{brand}»"
        )
        self.designer = V.company(
            rng, "builder", city=KAZAN, form="ООО", name="ПИ «Татгражданпроект»"
        )
        self.concrete_plant = V.company(rng, "concrete", city=KAZAN)
        self.other_concrete_plant = V.company(rng, "concrete", city=V.CITIES[2])
        self.steel_plant = V.company(rng, "metal")
        self.quarry = V.company(rng, "aggregate", city=KAZAN)
        self.granite = V.company(rng, "aggregate")
        self.brickworks = V.company(rng, "brick")
        self.pipe_plant = V.company(rng, "plastic")
        self.roofing = V.company(rng, "roofing")
        self.mortar_plant = V.company(rng, "mortar", city=KAZAN)
        self.precast_plant = V.company(rng, "precast", city=KAZAN)
        self.docs: dict[str, Document] = {}

    # -- helpers --------------------------------------------------------------------
    def _facts(
        self, doc_type: str, scheme: str, maker: V.Company, product: P.Product, when: date, **kw
    ) -> Facts:
        f = Facts(
            doc_type,
            scheme,
            maker,
            "",
            when,
            product,
            consumer=self.builder,
            object_name=f"{OBJECT_NAME}, {OBJECT_ADDRESS}",
        )
        for key, value in kw.items():
            setattr(f, key, value)
        return f

    def _quality(
        self,
        key: str,
        scheme: str,
        maker,
        product,
        when,
        qty,
        layout,
        style_seed=None,
        number=None,
        batch=None,
    ) -> None:
        rng = self.rng
        number = number or _unique(rng, self.used, lambda: quality_number(rng, scheme, when))
        f = self._facts(
            "quality_document",
            scheme,
            maker,
            product,
            when,
            number=number,
            quantity=qty,
            unit=product.unit,
        )
        f.batch_number = batch or (
            number if scheme == "concrete_doc" else V.batch_number(rng, when)
        )
        layout_rng = random.Random(style_seed) if style_seed is not None else rng
        if scheme == "concrete_doc":  # each plant quotes its own declaration
            if maker is not self.concrete_plant:
                self.other_declaration = getattr(self, "other_declaration", None) or (
                    V.eaeu_declaration_number(rng, 2025)
                )
            f.quoted_declaration = (
                self.concrete_declaration
                if maker is self.concrete_plant
                else self.other_declaration
            )
        self.docs[key] = build_document(f, layout_rng, layout)

    # -- the documents ------------------------------------------------------------------
    def build(self) -> None:
        rng = self.rng
        self.concrete_declaration = V.eaeu_declaration_number(rng, 2024)

        # Rebar: EAEU certificate shared by acts 2 and 5, plus two mill certificates.
        body = V.body_code(rng)
        rebar_cert_product = replace(
            P.rebar(rng, "А500С", 16),
            name="Прокат арматурный свариваемый периодического профиля класса А500С",
            standard="ГОСТ 34028-2016",
            grades={"class": "А500С"},
        )
        f = self._facts(
            "conformity_certificate",
            "eaeu_cert",
            self.steel_plant,
            rebar_cert_product,
            date(2024, 9, 12),
            number=V.eaeu_certificate_number(rng, 2024, body),
            valid_from=date(2024, 9, 12),
            valid_to=date(2027, 9, 11),
            blank_series=V.blank_number(rng),
            body=body,
        )
        f.extra["series_position"] = "top"
        self.docs["rebar_eaeu"] = build_document(f, rng, "eaeu_certificate_form")
        rebar16 = replace(
            P.rebar(rng, "А500С", 16),
            name="Прокат арматурный класса А500С диаметром 16 мм",
            standard="ГОСТ 34028-2016",
        )
        rebar12 = replace(
            P.rebar(rng, "А500С", 12), name="Арматура А500С Ø12", standard="ГОСТ 34028-2016"
        )
        self._quality(
            "rebar16",
            "rebar_cert",
            self.steel_plant,
            rebar16,
            d(3, 5),
            21.45,
            "rebar_certificate_wide",
        )
        self._quality(
            "rebar12",
            "rebar_cert",
            self.steel_plant,
            rebar12,
            d(3, 26),
            3.84,
            "rebar_certificate_form",
        )

        # Concrete B25: three passports of one plant scanned into one PDF (act 3).
        b25 = replace(
            P.concrete(rng, "В25", "П4", "F150", "W6", "Бетонная смесь"), standard="ГОСТ 7473-2010"
        )
        style_seed = rng.getrandbits(32)
        first = rng.randint(300, 900)
        for n, (when, qty) in enumerate(((d(3, 17), 8.0), (d(3, 17), 8.0), (d(3, 18), 8.0)), 1):
            number = str(first + n * rng.randint(3, 9))
            self.used.add(number)
            self._quality(
                f"concrete_b25_{n}",
                "concrete_doc",
                self.concrete_plant,
                b25,
                when,
                qty,
                "concrete_quality_table",
                style_seed,
                number,
            )
        # B30 from another plant: conflicts with the B25 lines (key grade), used by no act.
        b30 = replace(
            P.concrete(rng, "В30", "П4", "F150", "W6", "Бетонная смесь"), standard="ГОСТ 7473-2010"
        )
        self._quality(
            "concrete_b30",
            "concrete_doc",
            self.other_concrete_plant,
            b30,
            d(4, 1),
            7.0,
            "concrete_ticket_landscape",
        )

        # Sand: two batches allocated by date to acts 1 and 7; the first one is short.
        sand = replace(
            P.sand(rng), name="Песок для строительных работ I класса, средний", unit="м3"
        )
        self._quality(
            "sand_1",
            "passport",
            self.quarry,
            sand,
            d(3, 2),
            120.0,
            "passport_table",
            batch=f"02/03-{rng.randint(10, 40)}",
        )
        self._quality(
            "sand_2",
            "passport",
            self.quarry,
            sand,
            d(4, 14),
            40.0,
            "passport_prose",
            batch=f"14/04-{rng.randint(41, 70)}",
        )
        stone = replace(
            P.crushed_stone(rng, "20-40", "М1200"),
            name="Щебень гранитный фракции 20-40 мм, марка по дробимости М1200",
            standard="ГОСТ 8267-93",
            unit="м3",
        )
        self._quality("stone", "passport", self.granite, stone, d(4, 8), 15.0, "passport_grid")
        brick = replace(
            P.brick(rng, "М150", designation=False),
            name="Кирпич керамический рядовой полнотелый одинарный М150 F50",
        )
        self._quality("brick", "passport", self.brickworks, brick, d(4, 2), 6240.0, "passport_grid")
        pipe = replace(
            P.pipe(rng, "pe"),
            name="Труба ПЭ 100 SDR 17 110×6,6 питьевая",
            standard="ГОСТ 18599-2001",
            grades={"material": "ПЭ 100", "sdr": "17", "size": "110"},
        )
        self._quality("pipe", "passport", self.pipe_plant, pipe, d(4, 20), 108.0, "passport_table")

        # Waterproofing: EAEU declaration (number at the bottom), a digital PDF.
        wp = replace(
            P.waterproofing(rng, "Техноэласт ЭПП"),
            name="Материал рулонный гидроизоляционный наплавляемый битумно-полимерный "
            "«Техноэласт ЭПП»",
            standard="СТО 72746455-3.1.11-2015",
        )
        f = self._facts(
            "conformity_declaration",
            "eaeu_decl",
            self.roofing,
            wp,
            date(2024, 5, 12),
            number=V.eaeu_declaration_number(rng, 2024),
            valid_from=date(2024, 5, 12),
            valid_to=date(2029, 5, 11),
        )
        f.extra["number_position"] = "bottom"
        self.docs["waterproofing_decl"] = build_document(f, rng, "eaeu_declaration_form")
        # Primer: an old ГОСТ Р certificate that expired before act 4 started.
        primer = replace(P.primer(rng, "ТЕХНОНИКОЛЬ № 01"), unit="л")
        body = V.body_code(rng)
        f = self._facts(
            "conformity_certificate",
            "gost_r_cert",
            self.roofing,
            primer,
            date(2023, 2, 1),
            number=V.gost_r_certificate_number(rng, body),
            valid_from=date(2023, 2, 1),
            valid_to=date(2026, 1, 31),
            blank_series=V.blank_number(rng),
            body=body,
        )
        self.docs["primer_cert"] = build_document(f, rng, "gost_r_certificate_form")
        # Well rings: ГОСТ Р certificate for a product group with an annex listing КС 15.9.
        ring = P.precast(rng, "КС 15.9")
        group = replace(
            ring,
            name=P.WELL_PRODUCTS_GROUP,
            grades={},
        )
        annex = tuple(
            P.precast(rng, mark)
            for mark in ("КС 10.9", "КС 15.9", "КС 20.9", "КО-6", "ПН 15", "1ПП 15-1")
        )
        body = "АЯ52"
        f = self._facts(
            "conformity_certificate",
            "gost_r_cert",
            self.precast_plant,
            group,
            date(2025, 4, 15),
            number=V.gost_r_certificate_number(rng, body),
            valid_from=date(2025, 4, 15),
            valid_to=date(2028, 4, 14),
            blank_series=V.blank_number(rng),
            body=body,
            annex_products=annex,
        )
        self.docs["rings_cert"] = build_document(f, rng, "gost_r_certificate_form")

        # Act 8: one EAEU declaration listing the supplier's primer and mastic (its scope),
        # and a roll-material passport (properties table first) dated after the works.
        izol = replace(P.primer(rng, "ИзолПраймер-01"), standard="ТУ 5775-011-17925162-2003")
        gidromast = P.mastic(rng, "Гидромаст")
        f = self._facts(
            "conformity_declaration",
            "eaeu_decl",
            self.roofing,
            replace(gidromast, name="Праймеры и мастики битумные"),
            date(2025, 6, 2),
            number=V.eaeu_declaration_number(rng, 2025),
            valid_from=date(2025, 6, 2),
            valid_to=date(2030, 6, 1),
            annex_products=(izol, gidromast),
        )
        self.docs["roofing_decl_multi"] = build_document(f, rng, "eaeu_declaration_form")
        bikrost = replace(
            P.waterproofing(rng, "Бикрост ХПП"),
            name="Материал рулонный гидроизоляционный наплавляемый «Бикрост ХПП»",
        )
        self._quality(
            "bikrost",
            "passport",
            self.roofing,
            bikrost,
            d(4, 28),
            60.0,
            "passport_properties_first",
        )

        # Mortar: refusal letter (not subject to mandatory certification).
        mortar = replace(
            P.mortar(rng, "М150"), name="Растворы строительные кладочные цементные", grades={}
        )
        f = self._facts(
            "refusal_letter",
            "refusal",
            self.mortar_plant,
            mortar,
            date(2026, 1, 15),
            number=f"{rng.randint(12, 80)}/26",
            valid_to=date(2026, 12, 31),
        )
        self.docs["mortar_refusal"] = build_document(f, rng, "refusal_letter")

        # Test report on concrete of act 3; a covering letter (doc_type other).
        f = self._facts(
            "test_report",
            "test_report",
            self.concrete_plant,
            b25,
            d(4, 14),
            number=f"{rng.randint(100, 180)}/26",
            batch_number=self.docs["concrete_b25_1"].facts.number,
        )
        self.docs["concrete_test"] = build_document(f, rng, "test_report")
        f = self._facts(
            "other",
            "covering_letter",
            self.steel_plant,
            rebar16,
            d(3, 6),
            number=str(rng.randint(200, 900)),
            related=(self.docs["rebar_eaeu"].facts.number,),
        )
        self.docs["covering_letter"] = build_document(f, rng, "covering_letter")
        self._registry_cases()

    def _registry_cases(self) -> None:
        """Documents planted for the registry check (SPEC §11), from their own generator so
        that every other document keeps its numbers and layout."""
        rng = random.Random(self.seed + 104_723)
        # A certificate on the bricks of act 6, terminated by the registry during the works
        # (registry_snapshot); the batch passport still covers the line.
        brick = replace(
            P.brick(rng, "М150", designation=False),
            name="Кирпич керамический рядовой полнотелый М150",
            standard="ГОСТ 530-2012",
        )
        body = V.body_code(rng)
        f = self._facts(
            "conformity_certificate",
            "eaeu_cert",
            self.brickworks,
            brick,
            date(2025, 3, 3),
            number=V.eaeu_certificate_number(rng, 2025, body),
            valid_from=date(2025, 3, 3),
            valid_to=date(2028, 3, 2),
            blank_series=V.blank_number(rng),
            body=body,
        )
        self.docs["brick_cert"] = build_document(f, rng, "eaeu_certificate_form")

    # -- files ---------------------------------------------------------------------------
    def files(self) -> list[FileSpec]:
        rng = self.rng

        def style(level="mild", rotate: int | None = 0, **kw) -> ScanStyle:
            s = random_style(rng, level, allow_rotation=False)
            s = replace(s, rotate=rotate or 0, **kw)
            return s

        def spec(path, fmt, keys, styles=None, quality=None):
            docs = [self.docs[k] for k in keys]
            pages = sum(len(doc.pages) for doc in docs)
            styles = list(styles or [])
            # a seed may lay a document out on two pages: each page gets a style
            styles += [style() for _ in range(pages - len(styles))]
            if fmt in ("png", "tiff"):
                styles = [replace(s, noise=0.0) for s in styles]
            return FileSpec(path, fmt, docs, styles, quality or rng.randint(62, 85))

        concrete_styles = [style("mild", skew=s) for s in (0.8, -1.4, 0.5)]
        return [
            spec("Сертификаты/ЕАЭС арматура А500С.pdf", "pdf_scan", ["rebar_eaeu"]),
            spec("Сертификаты/Декларация Техноэласт ЭПП.pdf", "pdf_text", ["waterproofing_decl"]),
            spec(
                "Сертификаты/Сертификат праймер.jpg",
                "jpeg",
                ["primer_cert"],
                [style("mild", rotate=180)],
            ),
            spec("Сертификаты/Сертификат кольца КС с приложением.tif", "tiff", ["rings_cert"]),
            spec(
                "Паспорта/Бетон В25 17-18.03 (3 шт).pdf",
                "pdf_scan",
                ["concrete_b25_1", "concrete_b25_2", "concrete_b25_3"],
                concrete_styles,
            ),
            spec(
                "Паспорта/Бетон В30 01.04.jpg", "jpeg", ["concrete_b30"], [style("mild", rotate=90)]
            ),
            spec(
                "Паспорта/Песок партия 1.jpg",
                "jpeg",
                ["sand_1"],
                [style("heavy", rotate=0, grayscale=True)],
                60,
            ),
            spec("Паспорта/песок 14.04.tif", "tiff", ["sand_2"]),
            spec("Паспорта/Щебень 20-40.png", "png", ["stone"]),
            spec("Паспорта/Кирпич М150.jpg", "jpeg", ["brick"]),
            spec("Паспорта/Труба ПЭ 110.jpg", "jpeg", ["pipe"]),
            spec("Паспорта/Арматура d16 сертификат качества.jpg", "jpeg", ["rebar16"]),
            spec("Паспорта/Арматура d12.png", "png", ["rebar12"]),
            spec("Письма/Отказное письмо раствор.pdf", "pdf_text", ["mortar_refusal"]),
            spec(
                "Письма/Сопроводительное письмо.png", "png", ["covering_letter"], [style("clean")]
            ),
            spec("Протоколы/Протокол испытаний бетона.pdf", "pdf_scan", ["concrete_test"]),
            spec("Сертификаты/Декларация праймер мастика.pdf", "pdf_scan", ["roofing_decl_multi"]),
            spec("Паспорта/Бикрост ХПП.jpg", "jpeg", ["bikrost"]),
            # The first concrete passport again, photographed by phone: one document.
            spec(PHOTO_DUPLICATE, "pdf_scan", ["concrete_b25_1"], [style("mild", skew=1.8)]),
            # Last, so the styles of every file above stay as they were.
            spec("Сертификаты/ЕАЭС кирпич М150.pdf", "pdf_scan", ["brick_cert"]),
        ]


# -- writing -------------------------------------------------------------------------------
def generate_project(data_dir: Path, code: str = "demo", seed: int = 0) -> dict:
    """Write the demo project and its ground truth under `data_dir`; return a manifest."""
    data_dir = Path(data_dir)
    project_dir = data_dir / "projects" / code
    inbox = project_dir / "inbox"
    truth_dir = data_dir / "ground_truth" / code
    scenario = Scenario(seed)
    scenario.build()
    specs = scenario.files()

    written: list[str] = []
    records: list[dict] = []
    for spec in specs:
        write_bytes_atomic(inbox / spec.path, render_file(spec))
        written.append(spec.path)
        records += _records(spec)
    extra_records, extra_files = _planted_files(inbox, seed)
    records += extra_records
    written += extra_files

    write_text_atomic(project_dir / "project.yaml", _project_yaml(scenario))
    write_bytes_atomic(project_dir / "works.xlsx", works_xlsx(ACTS))
    write_text_atomic(data_dir / REGISTRY_SNAPSHOT, registry_snapshot(scenario, seed))
    rd_truth = write_sample_rd(project_dir / "rd")
    key_by_doc = {id(doc): key for key, doc in scenario.docs.items()}
    source_by_key = {
        key_by_doc[id(doc)]: spec.path
        for spec in specs
        if spec.path != PHOTO_DUPLICATE
        for doc in spec.documents
    }
    expected = _expected(scenario, source_by_key, written)
    expected["findings"] += _design_findings()
    expected["design"] = rd_truth
    records.sort(key=lambda r: (r["source_file"], r["first_page"] or 0))
    write_text_atomic(truth_dir / "documents.json", _json(records))
    write_text_atomic(truth_dir / "expected.json", _json(expected))
    return {
        "code": code,
        "seed": seed,
        "project_dir": str(project_dir),
        "inbox_dir": str(inbox),
        "ground_truth_dir": str(truth_dir),
        "files": sorted(written),
        "documents": len(records),
        "pages": sum(spec.page_count for spec in specs) + 2,
        "acts": len(ACTS),
        "material_lines": sum(len(a.materials) for a in ACTS),
        "expected_files": expected["files"],
    }


def _design_findings() -> list[dict]:
    """The RD's planted cases (corpus/rd.py): one substitution, one overrun."""
    return [
        {"code": code, "act_number": act, "material": material, "source_file": None}
        for code, (act, material) in (
            ("NOT_IN_DESIGN", RD_SUBSTITUTION),
            ("OVER_DESIGN_QUANTITY", RD_OVERRUN),
        )
    ]


def _records(spec: FileSpec) -> list[dict]:
    out = []
    split = len(spec.documents) > 1
    for doc, (first, last) in zip(spec.documents, spec.page_ranges(), strict=True):
        out.append(_record(spec.path, first, last, split, "ok", doc.layout, doc.truth()))
    return out


def _record(source, first, last, split, status, layout, truth: dict) -> dict:
    return {
        "source_file": source,
        "first_page": first,
        "last_page": last,
        "split": split,
        "expected_status": status,
        "layout": layout,
        **truth,
    }


_NULL_TRUTH = dict.fromkeys(REQUISITE_FIELDS)

# Lines the rules must not cover on their own: the document is theirs, but the evidence is
# short (the register names the mastic differently and without its brand).
CONFIRMED_IN_REVIEW = {("8", 1)}
DUPLICATE_OF = "Сертификаты/ЕАЭС арматура А500С.pdf"
# Other bytes, same document: the first concrete passport scanned again by a phone app.
PHOTO_DUPLICATE = "Паспорта/скан с телефона бетон 17.03.pdf"
DUPLICATE = "сканы/scan_0012.pdf"
NOISE_SCAN = "сканы/IMG_0457.jpg"
CORRUPT_SCAN = "сканы/IMG_0458.jpg"
EMPTY_SCAN = "сканы/IMG_0460.jpg"
UNSUPPORTED = ("Реестр ИД черновик.docx", "примечание прораба.txt")
IGNORED = ("сканы/Thumbs.db", "~$естр ИД черновик.docx")


def _planted_files(inbox: Path, seed: int) -> tuple[list[dict], list[str]]:
    """Duplicate, unreadable, empty, unsupported and ignored files."""
    rng = random.Random(seed + 7919)
    write_bytes_atomic(inbox / DUPLICATE, (inbox / DUPLICATE_OF).read_bytes())
    write_bytes_atomic(inbox / NOISE_SCAN, jpeg_bytes(blank_noise_page(rng.getrandbits(32)), 70))
    write_bytes_atomic(inbox / CORRUPT_SCAN, b"\xff\xd8\xff\xe0" + rng.randbytes(48_000))
    write_bytes_atomic(inbox / EMPTY_SCAN, b"")
    write_bytes_atomic(
        inbox / UNSUPPORTED[0], _docx_stub("Реестр исполнительной документации (черновик)")
    )
    write_text_atomic(
        inbox / UNSUPPORTED[1],
        "Паспорта на бетон за 18.03 донести до пятницы.\n"
        "Сертификат на проволоку запросить у поставщика.\n",
    )
    write_bytes_atomic(inbox / IGNORED[0], b"\x00" * 512)  # Windows thumbnail cache
    write_bytes_atomic(inbox / IGNORED[1], b"\x00" * 162)  # Word's lock file of an open .docx
    records = [
        _record(NOISE_SCAN, 1, 1, False, "failed", "blank_noise", dict(_NULL_TRUTH)),
        _record(CORRUPT_SCAN, 1, 1, False, "failed", "corrupt_bytes", dict(_NULL_TRUTH)),
    ]
    files = [DUPLICATE, NOISE_SCAN, CORRUPT_SCAN, EMPTY_SCAN, *UNSUPPORTED, *IGNORED]
    return records, files


def _expected(scenario: Scenario, source: dict[str, str], written: list[str]) -> dict:
    docs = scenario.docs

    def numbers(*keys: str) -> list[str]:
        return [docs[k].facts.number for k in keys]

    lines = [
        ("1", 0, "covered", ("sand_1",)),
        ("2", 0, "covered", ("rebar_eaeu", "rebar16")),
        ("2", 1, "missing", ()),
        ("3", 0, "covered", ("concrete_b25_1", "concrete_b25_2", "concrete_b25_3")),
        ("4", 0, "covered", ("waterproofing_decl",)),
        ("4", 1, "expired", ("primer_cert",)),
        ("5", 0, "covered", ("rebar_eaeu", "rebar12")),
        ("5", 1, "missing", ()),
        ("6", 0, "covered", ("brick",)),
        ("6", 1, "covered", ("mortar_refusal",)),
        ("7", 0, "covered", ("sand_2",)),
        ("7", 1, "covered", ("stone",)),
        ("7", 2, "doc_after_work", ("pipe",)),
        ("7", 3, "covered", ("rings_cert",)),
        ("8", 0, "covered", ("roofing_decl_multi",)),
        ("8", 1, "covered", ("roofing_decl_multi",)),  # named unlike it: the engineer confirms
        ("8", 2, "doc_after_work", ("bikrost",)),
    ]
    acts = {a.number: a for a in ACTS}
    coverage = [
        {
            "act_number": act,
            "material": acts[act].materials[n][0],
            "status": status,
            "doc_numbers": numbers(*keys),
            "source_files": [source[k] for k in keys],
            # the rules rightly stop short of this one: `unconfirmed` until the engineer
            # confirms the candidate in review.xlsx (the round-trip test does)
            "confirmed_in_review": (act, n) in CONFIRMED_IN_REVIEW,
        }
        for act, n, status, keys in lines
    ]

    def finding(code, act=None, line=None, key=None, path=None):
        return {
            "code": code,
            "act_number": act,
            "material": acts[act].materials[line][0] if act is not None else None,
            "source_file": path or (source[key] if key else None),
        }

    findings = [
        finding("MISSING_QUALITY_DOC", "2", 1),
        finding("MISSING_QUALITY_DOC", "5", 1),
        finding("EXPIRED_QUALITY_DOC", "4", 1, "primer_cert"),
        finding("DOC_AFTER_WORK", "7", 2, "pipe"),
        finding("DOC_AFTER_WORK", "8", 2, "bikrost"),
        finding("DUPLICATE_DOCUMENT", path=PHOTO_DUPLICATE),
        finding("UNCONFIRMED_MATCH", "8", 1, "roofing_decl_multi"),
        finding("QUANTITY_SHORTFALL", "1", 0, "sand_1"),
        finding("UNUSED_DOCUMENT", key="concrete_b30"),
        finding("DUPLICATE_DOCUMENT", path=DUPLICATE),
        finding("UNREADABLE_DOCUMENT", path=NOISE_SCAN),
        finding("UNREADABLE_DOCUMENT", path=CORRUPT_SCAN),
        finding("UNREADABLE_DOCUMENT", path=EMPTY_SCAN),
        *(finding("UNSUPPORTED_FILE", path=p) for p in UNSUPPORTED),
    ]
    # SPEC §11: exactly these registry findings, and no other REGISTRY_* one
    registry = [
        finding("REGISTRY_INVALID", "6", 0, "brick_cert"),
        finding("REGISTRY_NOT_FOUND", key="rings_cert"),
        finding("REGISTRY_MISMATCH", key="waterproofing_decl"),
    ]
    supported = [
        p for p in written if p.lower().endswith((".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"))
    ]
    all_supported = sorted(set(supported) | set(source.values()))
    return {
        "files": {
            "processed": len(all_supported) - 2,  # minus the duplicate and the empty file
            "duplicate": 1,
            "unsupported": len(UNSUPPORTED),
            "failed": 1,
        },
        "ignored": list(IGNORED),
        # other bytes, one document: a covered line may list either scan
        "same_document": {PHOTO_DUPLICATE: source["concrete_b25_1"]},
        "coverage": coverage,
        "findings": findings + registry,
        "registry_findings": registry,
        "registry_statuses": {
            source[key]: status
            for key, status in (
                ("brick_cert", "terminated"),
                ("rebar_eaeu", "valid"),
                ("waterproofing_decl", "valid"),
                ("roofing_decl_multi", "valid"),
                ("primer_cert", "valid"),  # архивный: valid within its term
                ("rings_cert", "not_found"),
            )
        },
        "notes": {
            "duplicate": f"{DUPLICATE} has the same bytes as {DUPLICATE_OF}",
            "split": "Паспорта/Бетон В25 17-18.03 (3 шт).pdf holds three documents, one per page",
            "quantity_shortfall": "expected only where at least one batch document is allocated",
            "annex": "КС 15.9 is covered only through the annex page of the rings certificate",
            "key_grade_conflict": "the В30 passport must not match the В25 lines of acts 3 and 5",
            "one_supplier": "the roll-material declaration (act 4) must not cover the primer or "
            "mastic of act 8, nor the primer/mastic declaration the expired primer of act 4",
            "properties_first": "the Бикрост passport names its properties table first",
            "photo_duplicate": f"{PHOTO_DUPLICATE} is a second scan of a concrete passport",
            "registry": f"{REGISTRY_SNAPSHOT}: the brick certificate terminated on "
            f"{BRICK_TERMINATED:%d.%m.%Y}, during act 6 (the batch passport still covers the "
            "line, the certificate is not cited); the rings "
            "certificate absent; the Техноэласт declaration's record names another "
            "manufacturer; the expired primer certificate archived",
        },
    }


# -- registry snapshot (SPEC §11) -------------------------------------------------------------
REGISTRY_SNAPSHOT = "registry/выгрузка реестра.csv"
BRICK_TERMINATED = d(4, 8)  # during act 6 (06.04–10.04)
REGISTRY_HEADER = "number;status;status_date;valid_from;valid_to;applicant;manufacturer;product"


def registry_snapshot(scenario: Scenario, seed: int) -> str:
    """The registry's view of the project's certificates and declarations.

    Planted: the brick certificate terminated during act 6's works; the rings certificate
    absent; the Техноэласт declaration's record naming another manufacturer (a forged or
    misattributed document). Its own generator: the scenario's numbers stay as they were.
    """
    rng = random.Random(seed + 104_729)
    other = scenario.roofing
    while other.name == scenario.roofing.name:
        other = V.company(rng, "roofing")
    docs = scenario.docs

    def row(key: str, status: str, status_date: date | None, maker: V.Company | None = None):
        """One snapshot line; the manufacturer's full legal form, as registries print it."""
        f = docs[key].facts
        product = f.product.name if f.product else ""
        if f.annex_products:
            product += ": " + ", ".join(p.name for p in f.annex_products)
        maker = maker or f.manufacturer
        cells = [
            f.number,
            status,
            f"{status_date:%d.%m.%Y}" if status_date else "",
            f"{f.valid_from:%d.%m.%Y}" if f.valid_from else "",
            f"{f.valid_to:%d.%m.%Y}" if f.valid_to else "",
            maker.full,
            maker.full,
            product,
        ]
        return ";".join(c.replace(";", ",") for c in cells)

    lines = [
        REGISTRY_HEADER,
        row("brick_cert", "прекращён", BRICK_TERMINATED),
        row("rebar_eaeu", "действует", date(2024, 9, 12)),
        row("waterproofing_decl", "действует", date(2024, 5, 12), other),
        row("roofing_decl_multi", "действует", date(2025, 6, 2)),
        row("primer_cert", "архивный", date(2026, 2, 1)),
    ]
    return "\n".join(lines) + "\n"


# -- project card and register -------------------------------------------------------------
def _org(c: V.Company, sro: V.Company | None = None, sro_kind: str = "") -> dict:
    out = {"name": c.full, "ogrn": c.ogrn, "inn": c.inn, "address": c.address, "phone": c.phone}
    if sro is not None:
        out["sro"] = {
            "name": f"Ассоциация «Саморегулируемая организация «{sro.name}»{sro_kind}»",
            "ogrn": sro.ogrn,
            "inn": sro.inn,
        }
    return out


def _representative(rng: random.Random, position: str, org: V.Company, nrs: bool) -> dict:
    who = V.person(rng)
    when = V.rand_date(rng, date(2025, 9, 1), date(2026, 2, 20))
    out = {
        "position": position,
        "name": who.full,
        "order": f"Приказ {org.short} № {rng.randint(3, 240)}"
        f"{rng.choice(('', '-П', '/ОК', '-ст'))} от {when:%d.%m.%Y}",
    }
    if nrs:
        out["nrs_id"] = f"С-{org.city.region_code}-{rng.randint(10000, 299999):06d}"
    return out


def _project_yaml(s: Scenario) -> str:
    rng = random.Random(s.rng.getrandbits(32))
    sro_builders = V.company(rng, "builder", city=KAZAN, name="Строители Татарстана")
    sro_designers = V.company(rng, "builder", city=KAZAN, name="Проектировщики Поволжья")
    card = {
        "name": OBJECT_NAME,
        "address": OBJECT_ADDRESS,
        "package_format": "unified",
        "copies": 3,
        "organizations": {
            "developer": _org(s.developer),
            "builder": _org(s.builder, sro_builders),
            "designer": _org(s.designer, sro_designers),
        },
        "representatives": {
            "developer_control": _representative(
                rng, "Ведущий инженер отдела технического надзора", s.developer, True
            ),
            "builder": _representative(rng, "Руководитель проекта", s.builder, False),
            "builder_control": _representative(rng, "Начальник участка", s.builder, True),
            "designer": _representative(rng, "Главный инженер проекта", s.designer, False),
        },
    }
    header = (
        "# Карточка объекта (SPEC §2). Сгенерировано демонстрационным генератором:\n"
        "# организации, представители и распорядительные документы вымышлены.\n"
    )
    return header + yaml.safe_dump(card, allow_unicode=True, sort_keys=False, width=120)


_FIXED_TIME = dt.datetime(2026, 4, 20, 9, 0, 0)


def works_xlsx(acts: list[Act]) -> bytes:
    """The register as a ПТО engineer keeps it (one text date to show both are accepted)."""
    wb = Workbook()
    works = wb.active
    works.title = "Работы"
    works.append(WORK_HEADERS)
    for act in acts:
        end: object = act.end
        if act.number == "6":
            end = act.end.strftime("%d.%m.%Y")  # typed as text by hand
        works.append(
            [
                act.number,
                act.work_name,
                act.design_docs,
                act.start,
                end,
                act.standards,
                act.next_works,
                act.conformity_docs,
                None,
            ]
        )
    for row in works.iter_rows(min_row=2):
        for cell in row[3:5]:
            cell.number_format = "DD.MM.YYYY"
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGHI", (8, 48, 30, 12, 12, 30, 30, 36, 12), strict=True):
        works.column_dimensions[col].width = width
    materials = wb.create_sheet("Материалы")
    materials.append(MATERIAL_HEADERS)
    for act in acts:
        for name, qty, unit in act.materials:
            materials.append([act.number, name, qty, unit])
    for col, width in zip("ABCD", (8, 60, 12, 10), strict=True):
        materials.column_dimensions[col].width = width
    for sheet in (works, materials):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    wb.properties.creator = "ПТО"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_zip(buf.getvalue())


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry timestamps and document dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>2026-04-20T09:00:00Z\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 4, 20, 9, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def _docx_stub(title: str) -> bytes:
    """A minimal valid .docx (unsupported in the inbox by design)."""
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{title}</w:t></w:r></w:p></w:body></w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(
                zipfile.ZipInfo(name, date_time=(2026, 4, 1, 12, 0, 0)), text.encode("utf-8")
            )
    return out.getvalue()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
