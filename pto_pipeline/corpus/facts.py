"""What a document states (its facts) and the ground-truth requisites derived from them.

Layouts print the facts; the truth is computed from the same facts, so ground
truth is known by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from pto_pipeline.corpus import products as P
from pto_pipeline.corpus import vocab as V
from pto_pipeline.corpus.products import Product
from pto_pipeline.corpus.vocab import Company
from pto_pipeline.domain.tables import REQUISITE_FIELDS as TABLE_REQUISITE_FIELDS

REQUISITE_FIELDS = tuple(TABLE_REQUISITE_FIELDS)  # the SPEC §4 fields, in table order

# doc_type -> numbering/template families ("schemes") that render it
SCHEMES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "conformity_certificate": ("eaeu_cert", "gost_r_cert", "voluntary_cert"),
    "conformity_declaration": ("eaeu_decl", "national_decl"),
    "quality_document": ("concrete_doc", "rebar_cert", "passport"),
    "refusal_letter": ("refusal",),
    "test_report": ("test_report",),
    "other": ("covering_letter", "waybill"),
}
DOC_TYPES = tuple(SCHEMES_BY_TYPE)


@dataclass
class Facts:
    doc_type: str
    scheme: str
    manufacturer: Company
    number: str
    issue_date: date
    product: Product | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    batch_number: str | None = None
    quantity: float | None = None
    unit: str | None = None
    consumer: Company | None = None
    object_name: str | None = None
    quoted_declaration: str | None = None  # concrete plants quote their declaration
    blank_series: str | None = None  # printing-house blank number, never the doc number
    body: str = ""  # certification body code, e.g. АЖ56
    annex_products: tuple[Product, ...] = ()
    related: tuple[str, ...] = ()  # numbers of other documents a letter mentions
    extra: dict[str, str] = field(default_factory=dict)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def requisites(f: Facts) -> dict:
    """SPEC §4 requisites of the document, ISO dates, null where it has none."""
    out: dict = dict.fromkeys(REQUISITE_FIELDS)
    out.update(doc_type=f.doc_type, doc_number=f.number, issue_date=_iso(f.issue_date))
    if f.doc_type == "other":
        return out
    out["manufacturer"] = f.manufacturer.short
    if f.product is not None:
        out["product_name"] = f.product.name
        out["standard"] = f.product.standard
    if f.doc_type in ("conformity_certificate", "conformity_declaration"):
        out["valid_from"] = _iso(f.valid_from)
        out["valid_to"] = _iso(f.valid_to)
    elif f.doc_type == "quality_document":
        out["batch_number"] = f.batch_number
        out["quantity"] = f.quantity
        out["unit"] = f.unit
    elif f.doc_type == "refusal_letter":
        out["valid_to"] = _iso(f.valid_to)
    elif f.doc_type == "test_report":
        out["batch_number"] = f.batch_number
    return out


# -- random facts -----------------------------------------------------------------
def _kind_for_scheme(rng: random.Random, scheme: str) -> str:
    if scheme == "concrete_doc":
        return "concrete"
    if scheme == "rebar_cert":
        return "rebar"
    if scheme == "passport":
        return rng.choice(
            (
                "sand",
                "crushed_stone",
                "brick",
                "pipe",
                "waterproofing",
                "mortar",
                "precast",
                "primer",
            )
        )
    if scheme in ("eaeu_cert", "eaeu_decl"):
        return rng.choice(("rebar", "pipe", "waterproofing", "brick", "primer", "precast"))
    if scheme == "refusal":
        return rng.choice(("sand", "crushed_stone", "mortar", "concrete", "precast"))
    if scheme == "test_report":
        return rng.choice(("concrete", "concrete", "rebar", "mortar", "brick"))
    return rng.choice(P.KINDS)


def certificate_product(rng: random.Random, product: Product) -> Product:
    """Certificates name a product range, often without the batch-level grades."""
    if product.kind == "rebar" and rng.random() < 0.6:
        return replace(product, name=product.group, grades={"class": product.grades["class"]})
    if product.kind == "concrete":
        return replace(product, name=product.group, grades={})
    return product


def random_facts(
    rng: random.Random,
    doc_type: str | None = None,
    scheme: str | None = None,
    kind: str | None = None,
    around: date | None = None,
) -> Facts:
    """Plausible random facts of one document, dated near `around`."""
    if scheme is None:
        doc_type = doc_type or rng.choice(DOC_TYPES)
        scheme = rng.choice(SCHEMES_BY_TYPE[doc_type])
    else:
        doc_type = next(t for t, s in SCHEMES_BY_TYPE.items() if scheme in s)
    around = around or V.rand_date(rng, date(2025, 6, 1), date(2026, 10, 31))
    product = P.random_product(rng, kind or _kind_for_scheme(rng, scheme))
    maker = V.company(rng, product.industry)
    consumer = V.company(rng, "builder")
    obj = object_name(rng)
    body = V.body_code(rng)
    f = Facts(doc_type, scheme, maker, "", around, product, consumer=consumer, object_name=obj)
    f.body = body
    if scheme in ("eaeu_cert", "gost_r_cert", "voluntary_cert", "eaeu_decl", "national_decl"):
        start = around - timedelta(days=rng.randint(30, 900))
        years = rng.choice((1, 3, 3, 5)) if scheme != "national_decl" else rng.choice((3, 5))
        f.issue_date = f.valid_from = start
        f.valid_to = V.add_years(start, years) - timedelta(days=1)
        f.product = certificate_product(rng, product) if "cert" in scheme else product
        f.number = {
            "eaeu_cert": lambda: V.eaeu_certificate_number(rng, start.year, body),
            "gost_r_cert": lambda: V.gost_r_certificate_number(rng, body),
            "voluntary_cert": lambda: V.voluntary_certificate_number(rng, body),
            "eaeu_decl": lambda: V.eaeu_declaration_number(rng, start.year),
            "national_decl": lambda: V.national_declaration_number(rng, start.year),
        }[scheme]()
        if scheme in ("eaeu_cert", "gost_r_cert"):
            f.blank_series = V.blank_number(rng)
        if "cert" in scheme and rng.random() < 0.25:
            # The first page names the product group; the annex lists what is covered.
            f.annex_products = tuple(_annex(rng, product))
            f.product = replace(product, name=product.group, grades={})
    elif doc_type == "quality_document":
        f.number = quality_number(rng, scheme, around)
        f.batch_number = f.number if scheme == "concrete_doc" else V.batch_number(rng, around)
        f.quantity = P.typical_quantity(rng, product)
        f.unit = product.unit
        if scheme == "concrete_doc" and rng.random() < 0.7:
            f.quoted_declaration = V.eaeu_declaration_number(rng, around.year - rng.randint(0, 3))
    elif scheme == "refusal":
        f.number = rng.choice(
            (
                str(rng.randint(1, 350)),
                f"{rng.randint(1, 350)}/{around.year % 100:02d}",
                f"{rng.randint(1, 99)}-{rng.choice(('ОТК', 'ТО', 'исх'))}",
            )
        )
        if rng.random() < 0.6:
            f.valid_to = date(around.year, 12, 31) if rng.random() < 0.6 else V.add_years(around, 1)
    elif scheme == "test_report":
        f.number = rng.choice(
            (
                f"{rng.randint(1, 999)}/{around.year % 100:02d}",
                f"{rng.randint(1, 999)}-Б",
                f"ИЛ-{rng.randint(100, 9999)}",
                f"{rng.randint(1000, 9999)}",
            )
        )
        f.batch_number = V.batch_number(rng, around) if rng.random() < 0.6 else None
    else:
        f.number = str(rng.randint(10, 9999))
        f.consumer = consumer
        f.related = tuple(
            V.eaeu_certificate_number(rng, around.year - 1, V.body_code(rng))
            for _ in range(rng.randint(0, 2))
        )
    return f


def _annex(rng: random.Random, product: Product) -> list[Product]:
    factory = P.FACTORIES[product.kind]
    items = [product] + [factory(rng) for _ in range(rng.randint(3, 8))]
    seen: dict[str, Product] = {}
    for item in items:
        seen.setdefault(item.name, item)
    return list(seen.values())


def quality_number(rng: random.Random, scheme: str, when: date) -> str:
    yy = when.year % 100
    if scheme == "concrete_doc":
        options = (
            str(rng.randint(100, 9999)),
            f"{yy}-{rng.randint(1, 999999):06d}",
            f"{rng.randint(1, 999)}/{when.month:02d}",
        )
    elif scheme == "rebar_cert":
        options = (
            str(rng.randint(1000, 99999)),
            f"{rng.randint(1, 99)}/{rng.randint(1000, 9999)}",
            f"С-{rng.randint(100, 9999):04d}",
        )
    else:
        options = (
            str(rng.randint(1, 2999)),
            f"П-{rng.randint(10, 999)}",
            f"{rng.randint(1, 999)}/{yy}",
            f"{when.day:02d}/{when.month:02d}-{rng.randint(1, 60):02d}",
        )
    return rng.choice(options)


_OBJECTS = (
    "Многоквартирный жилой дом № {n}",
    "Жилой комплекс «{name}», корпус {n}",
    "Детский сад на {k} мест",
    "Общеобразовательная школа на {k} мест",
    "Складской комплекс, корпус {n}",
    "Торгово-офисный центр, секция {n}",
    "Поликлиника на {k} посещений в смену",
)
_COMPLEX_NAMES = ("Светлый", "Ривьера", "Солнечный город", "Зилант", "Волжские просторы", "Палитра")


def object_name(rng: random.Random) -> str:
    template = rng.choice(_OBJECTS)
    city = rng.choice(V.CITIES)
    name = template.format(
        n=rng.randint(1, 12),
        k=rng.choice((220, 280, 550, 825, 1100)),
        name=rng.choice(_COMPLEX_NAMES),
    )
    return f"{name}, г. {city.name}, {V.street(rng)}"
