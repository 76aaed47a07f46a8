"""How well the RD comparison and the specification reading do (issue: working
documentation against the register). Run: `python -m pto_pipeline.corpus.rd_eval`.

1. Identity (`identity`): random specifications of the corpus products; the register
   names every designed product in an engineer's own short wording (`Арматура А500С
   Ø16`, `Бетон В25 F150 W6`, `Праймер ТЕХНОНИКОЛЬ № 01`) and adds substitutions (the
   same product with another brand, class, diameter, grade, fraction, SDR or mark).
   Counted: designed lines wrongly reported NOT_IN_DESIGN (false), substitutions
   reported (found).
2. Reading (`reading`): specification sheets drawn in a layout reserved for evaluation
   (never used while the reader was written: A3 full form, mono font, no vertical
   rules, another column order, long wrapped names), vector and scanned; the share of
   lines read exactly (name, unit, quantity).
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from pto_pipeline.corpus import products as P
from pto_pipeline.corpus.degrade import ScanStyle, apply
from pto_pipeline.corpus.pdfout import digital_pdf, scanned_pdf
from pto_pipeline.corpus.raster import render_page
from pto_pipeline.corpus.rd import FULL_COLUMNS, Row, Sheet, draw_sheet, exact_share
from pto_pipeline.domain.design.compare import compare_register
from pto_pipeline.domain.design.sheets import read_design
from pto_pipeline.domain.ocr import OcrConfig

_BRANDS = {
    "waterproofing": P._WATERPROOFING_BRANDS,
    "primer": ("ТЕХНОНИКОЛЬ № 01", "Гидростоп-П", "Битумикс ПБ-1", "Праймекс"),
    "mastic": ("Гидромаст", "Битумикс М-2", "Техномаст", "Праймекс-М"),
}


def register_wording(p: P.Product) -> str:
    """How an engineer writes the product in the register: short, grades only."""
    g = p.grades
    return {
        "concrete": lambda: f"Бетон {g.get('class')} {g.get('frost')} {g.get('water')}",
        "rebar": lambda: f"Арматура {g.get('class')} Ø{g.get('diameter')}",
        "sand": lambda: f"Песок {p.standard}",
        "crushed_stone": lambda: f"Щебень фр. {g.get('fraction')} {g.get('mark')}",
        "brick": lambda: f"Кирпич керамический {g['grade']}",
        "mortar": lambda: f"Раствор кладочный {g['grade']}",
        "pipe": lambda: _pipe_wording(p),
        "waterproofing": lambda: f"Гидроизоляция наплавляемая «{g.get('brand')}»",
        "primer": lambda: f"Праймер {g.get('brand')}",
        "mastic": lambda: f"Мастика «{g.get('brand')}»",
        "precast": lambda: f"{p.name.split()[0]} {g.get('mark')}",
    }[p.kind]()


def _pipe_wording(p: P.Product) -> str:
    g = p.grades
    if g.get("material") == "ПЭ 100":
        return f"Труба ПЭ100 SDR{g['sdr']} Ø{g['size']}"
    return f"Труба {g.get('material')} {g.get('sn')} Ø{g.get('size')}"


def substitute(rng: random.Random, p: P.Product) -> P.Product | None:
    """The same kind of product with one distinguishing attribute changed."""
    g = p.grades
    if p.kind in _BRANDS:
        others = [b for b in _BRANDS[p.kind] if b != g["brand"]]
        return P.FACTORIES[p.kind](rng, brand=rng.choice(others))
    if p.kind == "concrete":
        others = [c for c in P.CONCRETE_CLASSES if c != g["class"]]
        return P.concrete(rng, rng.choice(others), g["mobility"], g["frost"], g["water"])
    if p.kind == "rebar":
        others = [d for d in P.REBAR_DIAMETERS if str(d) != g["diameter"]]
        return P.rebar(rng, g["class"], rng.choice(others))
    if p.kind == "crushed_stone":
        others = [f for f in ("5-20", "20-40", "40-70", "5-10", "10-20") if f != g["fraction"]]
        return P.crushed_stone(rng, rng.choice(others), g["mark"])
    if p.kind == "mortar":
        grade = g["grade"]
        return P.mortar(rng, rng.choice([m for m in ("М75", "М100", "М200") if m != grade]))
    if p.kind == "precast":
        others = [m for m in P._PRECAST if m != g["mark"] and m.split()[0] == g["mark"].split()[0]]
        return P.precast(rng, rng.choice(others)) if others else None
    return None  # sand, brick, pipe: no attribute the register wording carries


def identity(seed: int = 20261202, trials: int = 60, designed: int = 8) -> dict:
    rng = random.Random(seed)
    false_not_in_design = in_design = found = substitutions = 0
    for _ in range(trials):
        spec = _distinct_products(rng, designed)
        lines = pd.DataFrame(
            [
                {
                    "name": p.name,
                    "type_mark": p.standard,
                    "unit": p.unit,
                    "quantity": 1e6,
                    "section": "",
                }
                for p in spec
            ]
        )
        register = [register_wording(p) for p in spec]
        subs = [s for s in (substitute(rng, p) for p in rng.sample(spec, 3)) if s is not None]
        subs = [s for s in subs if not any(_same(s, p) for p in spec)]
        register_subs = [register_wording(s) for s in subs]
        materials = pd.DataFrame(
            [
                {"act_number": "1", "material": m, "quantity": 1.0, "unit": ""}
                for m in register + register_subs
            ]
        )
        _, findings = compare_register(materials, lines)
        flagged = {f.material for f in findings if f.code == "NOT_IN_DESIGN"}
        in_design += len(register)
        false_not_in_design += sum(m in flagged for m in register)
        substitutions += len(register_subs)
        found += sum(m in flagged for m in register_subs)
    return {
        "designed_lines": in_design,
        "false_not_in_design": false_not_in_design,
        "substitutions": substitutions,
        "substitutions_found": found,
    }


def _same(a: P.Product, b: P.Product) -> bool:
    return a.kind == b.kind and a.grades == b.grades


def _distinct_products(rng: random.Random, n: int) -> list[P.Product]:
    out: list[P.Product] = []
    while len(out) < n:
        p = P.random_product(rng, rng.choice((*P.KINDS, "mastic")))
        if p.kind in ("sand", "brick") and any(q.kind == p.kind for q in out):
            continue  # the register wording names no grade to tell them apart
        if not any(_same(p, q) or (p.kind == q.kind and not p.grades) for q in out):
            out.append(p)
    return out


# --- reading on the reserved layout ----------------------------------------------------

_RESERVED_ORDER = (
    "position",
    "name",
    "type_mark",
    "unit",
    "quantity",
    "mass",
    "note",
    "code",
    "manufacturer",
)


def reserved_sheets(seed: int, count: int = 4) -> list[Sheet]:
    rng = random.Random(seed)
    by_name = {c[0]: c for c in FULL_COLUMNS}
    sheets = []
    for k in range(count):
        rows: list[Row] = []
        for n, p in enumerate(_distinct_products(rng, 7), start=1):
            if n in (1, 5):
                rows.append(Row(section=rng.choice(("Материалы", "Изделия", "Бетон"))))
            q = P.typical_quantity(rng, p)
            quantity = P.fmt_qty(q, P.unit_decimals(p.unit))
            unit = {"м3": "м³", "м2": "м²"}.get(p.unit, p.unit)
            rows.append(Row(str(n), p.name, p.standard, "", "", unit, quantity))
        sheets.append(
            replace(
                Sheet(
                    f"{rng.randint(10, 99)}-2026-{rng.choice(('КЖ', 'КР', 'ВК', 'АС'))}"
                    f"{rng.randint(1, 5)}",
                    2 + k,
                    9,
                    "Спецификация оборудования, изделий и материалов",
                    rows=rows,
                ),
                style="open",
                font="mono",
                columns=tuple(by_name[c] for c in _RESERVED_ORDER),
            )
        )
    return sheets


def reading(seed: int = 20261203, count: int = 4) -> dict:
    sheets = reserved_sheets(seed, count)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages = [draw_sheet(s) for s in sheets]
        (root / "vector").mkdir()
        (root / "vector" / "spec.pdf").write_bytes(digital_pdf(pages, creator="Revit"))
        (root / "scan").mkdir()
        images = [
            apply(render_page(p), ScanStyle(skew=0.5, noise=3.0, seed=k))
            for k, p in enumerate(pages)
        ]
        (root / "scan" / "spec.pdf").write_bytes(scanned_pdf(images, jpeg_quality=80))
        truth = [line for s in sheets for line in s.truth()]
        for name in ("vector", "scan"):
            read = read_design(root / name, OcrConfig(cache_dir=root / "cache"), 2)
            out[name] = exact_share(truth, read.lines.to_dict("records"))
    return out


def sample_reading() -> dict:
    from pto_pipeline.corpus.rd import write_sample_rd

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        truth = write_sample_rd(Path(tmp) / "rd")
        read = read_design(Path(tmp) / "rd", OcrConfig(cache_dir=Path(tmp) / "cache"), 2)
        for name, sheets in truth["files"].items():
            lines = [line for s in sheets for line in s["lines"]]
            got = read.lines[read.lines["source_file"] == name].to_dict("records")
            out[name] = exact_share(lines, got)
    return out


if __name__ == "__main__":
    print("identity:", identity())
    print("sample sheets:", sample_reading())
    print("reserved layout:", reading())
