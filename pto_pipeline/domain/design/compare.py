"""The register against the working documentation (SPEC §10).

A register material is the design's when a specification line is the same product by
the quality documents' identity rules (`materials.compare`): an accepted pair, or a
candidate (nothing contradicts it, the evidence is short — the same material worded
otherwise). Only a material with neither is `NOT_IN_DESIGN`: a false one sends the
engineer after a designer's approval he does not need, so doubt goes to the design.

Quantities: register lines matched to the same specification lines are one material;
their total over all acts, converted to the design's unit (t ↔ kg; pieces to mass
through «Масса ед.»), above the design total is `OVER_DESIGN_QUANTITY`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.materials import compare, convert_quantity, normalize_unit, profile
from pto_pipeline.domain.text import to_cyrillic_lookalikes

from .sheets import normalize_code, rules

STAGE = "design_spec"
DESIGN_VS_REGISTER_COLUMNS = [
    "material",
    "design_name",
    "design_quantity",
    "register_quantity",
    "unit",
    "status",  # matched | not_in_design | over_design
]
_RELATIVE_SLACK = 1e-6  # rounding of decimal quantities, not a tolerance


@dataclass(frozen=True)
class Reference:
    code: str
    sheets: tuple[str, ...]  # empty: the whole set


_SHEETS = re.compile(
    r"(?:лист[а-я]*|л\.)\s*((?:[0-9]{1,3}\s*(?:[-–—]|\.\.|,|и)?\s*)+)", re.IGNORECASE
)


def references(design_docs: str) -> list[Reference]:
    """The шифры and sheets a register row's «Проектная документация» names:
    `Шифр 118-2025-КЖ1, листы 5–9` → (118-2025-КЖ1, 5..9)."""
    text = str(design_docs or "")
    found = list(rules().code.finditer(to_cyrillic_lookalikes(text.upper())))
    out = []
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        out.append(Reference(normalize_code(m.group(0)), _sheet_list(text[m.end() : end])))
    return out


def _sheet_list(text: str) -> tuple[str, ...]:
    m = _SHEETS.search(text)
    if not m:
        return ()
    sheets: list[int] = []
    for part in re.split(r",|\bи\b", m.group(1)):
        nums = [int(n) for n in re.findall(r"[0-9]{1,3}", part)]
        if len(nums) == 2 and nums[0] < nums[1] <= nums[0] + 200:
            sheets.extend(range(nums[0], nums[1] + 1))
        else:
            sheets.extend(nums)
    return tuple(str(n) for n in dict.fromkeys(sheets))


def sheet_titles(refs: list[Reference], sheets: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(code, sheet, title) of the named sheets found in the RD, in the register's order."""
    out = []
    for ref in refs:
        for sheet in ref.sheets:
            found = sheets[(sheets["code"] == ref.code) & (sheets["sheet"] == sheet)]
            titles = [t for t in found["title"] if t]
            if titles:
                out.append((ref.code, sheet, titles[0]))
    return out


def missing_sheets(works: pd.DataFrame, sheets: pd.DataFrame) -> list[Finding]:
    """`RD_SHEET_NOT_FOUND` for every шифр/лист a register row names that no RD file has."""
    have = {(c, s) for c, s in zip(sheets["code"], sheets["sheet"], strict=True) if c}
    codes = {c for c, _ in have}
    findings = []
    for work in works.to_dict("records"):
        for ref in references(work.get("design_docs")):
            if ref.code not in codes:
                what = f"шифр {ref.code}"
            else:
                absent = [s for s in ref.sheets if (ref.code, s) not in have]
                if not absent:
                    continue
                what = f"шифр {ref.code}, лист{'ы' if len(absent) > 1 else ''} {', '.join(absent)}"
            findings.append(
                Finding(
                    "RD_SHEET_NOT_FOUND",
                    f"в п.2 акта указан {what}, но в папке rd/ такого листа нет — добавьте "
                    "лист РД в rd/ или исправьте «Проектная документация» в реестре",
                    stage=STAGE,
                    act_number=str(work.get("act_number")),
                )
            )
    return findings


def compare_register(
    materials: pd.DataFrame, lines: pd.DataFrame
) -> tuple[pd.DataFrame, list[Finding]]:
    """design_vs_register rows and NOT_IN_DESIGN / OVER_DESIGN_QUANTITY findings."""
    design = lines.to_dict("records")
    design_profiles = [profile(_design_text(d)) for d in design]
    groups: dict[tuple[int, ...], list[dict]] = defaultdict(list)
    unmatched: list[dict] = []
    for line in materials.to_dict("records"):
        matched = _matching_lines(str(line.get("material") or ""), design_profiles, design)
        if matched:
            groups[matched].append(line)
        else:
            unmatched.append(line)
    rows: list[dict] = []
    findings: list[Finding] = []
    for line in unmatched:
        rows.append(
            {
                "material": line["material"],
                "design_name": None,
                "design_quantity": None,
                "register_quantity": _float(line.get("quantity")),
                "unit": normalize_unit(line.get("unit")),
                "status": "not_in_design",
            }
        )
        findings.append(
            Finding(
                "NOT_IN_DESIGN",
                f"материала «{line['material']}» нет в спецификациях РД (rd/) — это замена "
                "материала: получите согласование проектировщика (запись в журнале "
                "авторского надзора или письмо) или исправьте наименование в реестре",
                stage=STAGE,
                act_number=str(line.get("act_number")),
                material=line["material"],
            )
        )
    for ids, register_lines in groups.items():
        row, finding = _quantity_row([design[i] for i in ids], register_lines)
        rows.append(row)
        if finding:
            findings.append(finding)
    frame = pd.DataFrame(rows, columns=DESIGN_VS_REGISTER_COLUMNS).astype(object)
    return frame.where(frame.notna(), None), findings


def _design_text(line: dict) -> str:
    """What the specification says about the product: name and type/mark (a brand or a
    standard lives there), and the section when the name alone names no kind."""
    text = " ".join(str(line.get(k) or "") for k in ("name", "type_mark")).strip()
    if profile(text).kind is None and line.get("section"):
        text = f"{line['section']} {text}"
    return text


def _matching_lines(material: str, profiles: list, design: list[dict]) -> tuple[int, ...]:
    """Indexes of the specification lines that are this material: every accepted line,
    else the best candidate."""
    if not material.strip():
        return ()
    mine = profile(material)
    accepted, candidates = [], []
    for i, other in enumerate(profiles):
        result = compare(mine, other)
        if result.accepted:
            accepted.append(i)
        elif result.candidate:
            candidates.append((result.score, i))
    if accepted:
        return tuple(accepted)
    candidates = [(score, i) for score, i in candidates if not _own_codes_both(material, design[i])]
    if candidates:
        return (max(candidates)[1],)
    return ()


_STANDARD_REF = re.compile(r"(?:ГОСТ|ТУ|СТО|СП|СНИП)\s*Р?\s*[0-9][0-9.\-–—]*", re.IGNORECASE)


def _own_codes_both(material: str, line: dict) -> bool:
    """Each side names a code the other lacks (`ТЕХНОНИКОЛЬ № 01` against «Битумикс
    ПБ-1», КС 15.9 against КО-6): two products, not one worded twice. A register line
    without codes of its own (`Мастика битумная`) stays the design's candidate."""
    mine = profile(_STANDARD_REF.sub(" ", material))
    theirs = profile(_STANDARD_REF.sub(" ", _design_text(line)))
    own = [t for t, code in mine.token_seq if code and not _code_in(t, theirs.tokens)]
    other = [t for t, code in theirs.token_seq if code and not _code_in(t, mine.tokens)]
    return bool(own) and bool(other)


def _code_in(code: str, tokens: frozenset[str]) -> bool:
    """`М175` is found as the `175` of a designation `КР-р-по 250х120х65/1НФ/175/2,0`."""
    digits = re.sub(r"\D", "", code)
    return code in tokens or (bool(digits) and digits != code and digits in tokens)


def _quantity_row(design: list[dict], register: list[dict]) -> tuple[dict, Finding | None]:
    unit = next((d["unit"] for d in design if d.get("unit")), None)
    design_total, unit = _design_total(design, unit, register)
    register_total = 0.0
    for line in register:
        q = _float(line.get("quantity"))
        converted = convert_quantity(q, line.get("unit"), unit) if q is not None else None
        if converted is None:
            register_total = None
            break
        register_total += converted
    materials = list(dict.fromkeys(str(r["material"]) for r in register))
    row = {
        "material": "; ".join(materials),
        "design_name": "; ".join(dict.fromkeys(_design_name(d) for d in design)),
        "design_quantity": design_total,
        "register_quantity": register_total,
        "unit": unit,
        "status": "matched",
    }
    if design_total is None or register_total is None:
        return row, None
    if register_total <= design_total * (1 + _RELATIVE_SLACK):
        return row, None
    row["status"] = "over_design"
    acts = ", ".join(dict.fromkeys(str(r.get("act_number")) for r in register))
    where = "; ".join(
        dict.fromkeys(
            f"{d.get('code') or '?'} л.{d.get('sheet') or '?'} поз.{d.get('position') or '—'}"
            for d in design
        )
    )
    finding = Finding(
        "OVER_DESIGN_QUANTITY",
        f"«{materials[0]}»: по реестру (акты {acts}) {_fmt(register_total)} {unit}, по "
        f"проекту ({where}) {_fmt(design_total)} {unit} — проверьте объём в реестре и "
        "исполнительной схеме; превышение согласуйте с проектировщиком",
        stage=STAGE,
        act_number=str(register[-1].get("act_number")),
        material=materials[0],
    )
    return row, finding


def _design_total(
    design: list[dict], unit: str | None, register: list[dict]
) -> tuple[float | None, str | None]:
    """The design quantity in one unit: the register's mass unit when the specification
    counts pieces with a mass per piece (kg)."""
    register_unit = normalize_unit(register[0].get("unit")) if register else None
    if (
        register_unit in ("т", "кг")
        and unit not in ("т", "кг")
        and all(d.get("mass") is not None and d.get("quantity") is not None for d in design)
    ):
        kg = sum(float(d["quantity"]) * float(d["mass"]) for d in design)
        return convert_quantity(kg, "кг", register_unit), register_unit
    total = 0.0
    for d in design:
        q = d.get("quantity")
        converted = convert_quantity(float(q), d.get("unit"), unit) if q is not None else None
        if converted is None:
            return None, unit
        total += converted
    return total, unit


def _design_name(line: dict) -> str:
    return " ".join(str(line.get(k) or "") for k in ("name", "type_mark")).strip()


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")


def against_design(
    works: pd.DataFrame, materials: pd.DataFrame, design: dict
) -> tuple[pd.DataFrame, list[Finding]]:
    """design_vs_register and every design finding of a project; nothing without rd/."""
    findings = list(_design_findings(design))
    if not design.get("has_rd"):
        empty = pd.DataFrame(columns=DESIGN_VS_REGISTER_COLUMNS).astype(object)
        return empty, findings
    rows, compared = compare_register(materials, design["lines"])
    return rows, findings + compared + missing_sheets(works, design["sheets"])


def _design_findings(design: dict) -> list[Finding]:
    """The reading's own findings (unreadable RD files) back as Finding objects."""
    frame = design.get("findings")
    if frame is None or len(frame) == 0:
        return []
    fields = ("code", "message", "stage", "act_number", "material", "source_file")
    return [Finding(**{k: r.get(k) for k in fields}) for r in frame.to_dict("records")]


def with_sheet_titles(works: pd.DataFrame, sheets: pd.DataFrame) -> pd.DataFrame:
    """Works whose п.2 names RD sheets found in rd/, with those sheets' titles added:
    `Шифр 118-2025-КЖ1, лист 2 (л. 2 — «Спецификация материалов ...»)`."""
    if sheets is None or sheets.empty or "design_docs" not in works.columns:
        return works
    works = works.copy()
    texts = []
    for text in works["design_docs"]:
        found = sheet_titles(references(text), sheets) if isinstance(text, str) else []
        if found:
            listed = "; ".join(f"{c}, л. {s} — «{t}»" for c, s, t in found)
            text = f"{text.rstrip(' ;.')} ({listed})"
        texts.append(text)
    works["design_docs"] = texts
    return works
