"""АОСР acts (SPEC §5, §6): plain context per act, rendered with the docxtpl template.

`act_context` turns the project card, a register row and the act's coverage rows into
plain data (strings and lists) for `templates/aosr.docx`; `render_acts` renders one
DOCX per register row, atomically, and only when the act's fingerprint (its context,
the template and this module's layout version) changed since the last build.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import docx
import pandas as pd
from docxtpl import DocxTemplate

from pto_pipeline.domain import matching
from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.fsutil import atomic_path
from pto_pipeline.domain.matching import as_text, format_date
from pto_pipeline.domain.project_card import (
    Organization,
    ProjectCard,
    Representative,
    missing_fields,
)
from pto_pipeline.domain.text import shorten

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "templates" / "aosr.docx"
# Bump when the context layout changes in a way the fingerprint would not see.
CONTEXT_VERSION = "1"
REGISTRY_THRESHOLD = 5  # more documents than this -> п.3 refers to the registry
BLANK = "________________"
REGISTRY_NAME = "Реестр документов о качестве (приложение № 1)"

ACT_COLUMNS = [
    "act_number",
    "docx_path",
    "fingerprint",
    "rewritten",
    "materials",
    "documents",
    "complete",
    "work_name",
    "act_date",
    "start_date",
    "end_date",
    "missing",  # Russian: what keeps the act incomplete, '; '-separated
]

# Gender of «действителен» for each document type.
_VALID_WORD = {
    "conformity_certificate": "действителен",
    "conformity_declaration": "действительна",
    "refusal_letter": "действительно",
    "quality_document": "действителен",
}
_STATUS_TEXT = {
    matching.MISSING: "документ о качестве отсутствует",
    matching.EXPIRED: "срок действия документа истёк до начала работ",
    matching.AFTER_WORK: "документ датирован позже окончания работ",
    matching.UNCONFIRMED: "документ о качестве не подтверждён (проверяется)",
}


def _status_text(status: str) -> str:
    return _STATUS_TEXT.get(status, _STATUS_TEXT[matching.MISSING])


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def clean(value: object) -> str:
    """Text safe for the DOCX: no control characters (they make the XML invalid)."""
    text = as_text(value).replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text)


# Bytes of the act number in a file name: with the prefix, a collision suffix and the
# temporary-file affixes of an atomic write it stays far below the 255-byte name limit.
FILENAME_NUMBER_BYTES = 150
# python-docx refuses core properties longer than this.
CORE_PROPERTY_CHARS = 255


def _cut_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _tag(act_number: str) -> str:
    return hashlib.sha256(act_number.encode("utf-8")).hexdigest()[:8]


def _safe_stem(act_number: str) -> tuple[str, bool]:
    """The act number as a file-name stem, and whether it was cut to the byte limit."""
    safe = _UNSAFE_FILENAME.sub("_", clean(act_number)).strip(" .") or "без-номера"
    cut = _cut_bytes(safe, FILENAME_NUMBER_BYTES).rstrip(" .")
    return cut, cut != safe


def act_filename(act_number: str) -> str:
    """The file name of one act on its own (see `act_file_names` for a whole register)."""
    stem, cut = _safe_stem(act_number)
    return f"АОСР-{stem}-{_tag(act_number)}.docx" if cut else f"АОСР-{stem}.docx"


def act_file_names(act_numbers: list[str]) -> tuple[dict[str, str], list[Finding]]:
    """One distinct, bounded file name per act number, independent of register order.

    Numbers that become the same name once unsafe characters are replaced (`5/1`, `5:1`,
    `5_1`; compared case-insensitively, as Windows does) keep the plain name only for the
    number that needed no change; the others get a suffix from their own number, and a
    finding says which file holds which act.
    """
    stems = {number: _safe_stem(number) for number in dict.fromkeys(act_numbers)}
    groups: dict[str, list[str]] = {}
    for number, (stem, _) in stems.items():
        groups.setdefault(stem.casefold(), []).append(number)
    names: dict[str, str] = {}
    findings: list[Finding] = []
    for number, (stem, cut) in stems.items():
        clash = len(groups[stem.casefold()]) > 1 and stem != number
        if cut or clash:
            names[number] = f"АОСР-{stem}-{_tag(number)}.docx"
            findings.append(_file_name_finding(number, names[number], cut))
        else:
            names[number] = f"АОСР-{stem}.docx"
    return names, findings


def _file_name_finding(number: str, name: str, cut: bool) -> Finding:
    why = (
        "слишком длинный для имени файла"
        if cut
        else "после замены недопустимых в имени файла символов совпал с номером другого акта"
    )
    return Finding(
        "ACT_FILE_NAME",
        f"Номер акта «{shorten(number)}» {why}; акт сохранён в файл «{shorten(name, 120)}». "
        "Проверьте нумерацию актов в реестре работ.",
        stage="aosr_acts",
        act_number=number,
    )


def initials(full_name: str) -> str:
    """`Петров Пётр Петрович` -> `Петров П.П.`; names already short stay as written."""
    parts = clean(full_name).replace(".", ". ").split()
    if len(parts) < 2:
        return " ".join(parts)
    if all(len(p) > 2 and not p.endswith(".") for p in parts[1:3]):
        return f"{parts[0]} " + "".join(f"{p[0]}." for p in parts[1:3])
    if parts[0].endswith("."):  # «П. П. Петров»
        given = [p for p in parts if p.endswith(".")]
        family = [p for p in parts if not p.endswith(".")]
        return " ".join(family) + " " + "".join(given)
    return f"{parts[0]} " + "".join(parts[1:])


# --- organisations and people --------------------------------------------------------


def organization_requisites(org: Organization | None) -> str:
    org = org or Organization()
    return ", ".join(
        [
            clean(org.name) or BLANK,
            f"ОГРН {clean(org.ogrn) or BLANK}",
            f"ИНН {clean(org.inn) or BLANK}",
            clean(org.address) or f"адрес {BLANK}",
            f"тел. {clean(org.phone) or BLANK}",
        ]
    )


def sro_line(org: Organization | None) -> str:
    if org is None or org.sro is None:
        return ""
    sro = org.sro
    parts = [clean(sro.name)]
    if sro.ogrn:
        parts.append(f"ОГРН {clean(sro.ogrn)}")
    if sro.inn:
        parts.append(f"ИНН {clean(sro.inn)}")
    return ", ".join(p for p in parts if p)


def representative_line(
    rep: Representative | None, with_nrs: bool, org: Organization | None
) -> str:
    """должность, фамилия, инициалы, [НРС], распорядительный документ, [организация]."""
    if rep is None:
        return ""
    parts = [f"{clean(rep.position) or BLANK} {initials(rep.name) or BLANK}"]
    if with_nrs:
        parts.append(f"идентификационный номер в НРС {clean(rep.nrs_id) or BLANK}")
    parts.append(clean(rep.order) or f"распорядительный документ {BLANK}")
    if org is not None:
        parts.append(organization_requisites(org))
    return ", ".join(parts)


def _representatives(card: ProjectCard) -> dict[str, dict[str, str]]:
    orgs, reps = card.organizations, card.representatives
    roles: dict[str, tuple[Representative | None, bool, Organization | None]] = {
        "developer_control": (
            reps.developer_control,
            True,
            reps.developer_control.organization or orgs.developer,
        ),
        "builder": (reps.builder, False, reps.builder.organization),
        "builder_control": (reps.builder_control, True, reps.builder_control.organization),
        "designer": (
            reps.designer,
            False,
            reps.designer and (reps.designer.organization or orgs.designer),
        ),
        "performer": (
            reps.performer,
            False,
            reps.performer and (reps.performer.organization or card.performer_organization),
        ),
    }
    return {
        role: {
            "line": representative_line(rep, with_nrs, org),
            "signature": initials(rep.name) if rep else "",
        }
        for role, (rep, with_nrs, org) in roles.items()
    }


# --- п.3: materials and their documents ----------------------------------------------


def document_text(row: Mapping[str, Any]) -> str:
    """«документ о качестве № 26-000518 от 19.03.2026[, действителен до 31.12.2026]»."""
    doc_type = as_text(row.get("doc_type"))
    name = matching.DOC_TYPE_RU.get(doc_type, "документ")
    number = clean(row.get("doc_number")) or BLANK
    text = f"{name} № {number} от {format_date(row.get('doc_date')) or BLANK}"
    valid_to = format_date(row.get("valid_to"))
    if valid_to and doc_type != matching.BATCH_TYPE:
        text += f", {_VALID_WORD.get(doc_type, 'действителен')} до {valid_to}"
    return text


def _material_lines(coverage_rows: pd.DataFrame) -> list[dict[str, Any]]:
    """One entry per material line, in register order, with its listed documents."""
    if coverage_rows is None or coverage_rows.empty:
        return []
    lines = []
    ordered = coverage_rows.assign(_line=pd.to_numeric(coverage_rows["line_no"]))
    for _, group in ordered.sort_values("_line", kind="stable").groupby("_line", sort=False):
        first = group.iloc[0]
        status = as_text(first.get("status")) or matching.MISSING
        # A candidate the engineer has not confirmed is never cited in the act.
        docs = [
            r
            for _, r in group.iterrows()
            if as_text(r.get("document_id")) and status != matching.UNCONFIRMED
        ]
        lines.append(
            {
                "material": clean(first.get("material")),
                "status": status,
                "documents": docs,
            }
        )
    return lines


def _material_item(line: dict[str, Any], via_registry: bool) -> str:
    status = line["status"]
    docs = "; ".join(document_text(d) for d in line["documents"])
    if status == matching.ELIGIBLE:
        return f"{line['material']} — " + (f"см. {REGISTRY_NAME}" if via_registry else docs)
    if docs and not via_registry:
        return f"{line['material']} — {docs} ({_status_text(status)})"
    return f"{line['material']} — {_status_text(status)}"


def _registry_rows(lines: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for line in lines:
        if not line["documents"]:
            rows.append(
                {
                    "material": line["material"],
                    "document": _status_text(line["status"]),
                    "number": "",
                    "date": "",
                    "validity": "",
                }
            )
            continue
        for doc in line["documents"]:
            doc_type = as_text(doc.get("doc_type"))
            valid_to = format_date(doc.get("valid_to"))
            validity = f"до {valid_to}" if valid_to else "—"
            if line["status"] != matching.ELIGIBLE:
                validity += f" ({_status_text(line['status'])})"
            rows.append(
                {
                    "material": line["material"],
                    "document": matching.DOC_TYPE_RU.get(doc_type, "документ"),
                    "number": clean(doc.get("doc_number")) or BLANK,
                    "date": format_date(doc.get("doc_date")) or BLANK,
                    "validity": validity,
                }
            )
    return [{"no": str(i), **row} for i, row in enumerate(rows, start=1)]


# --- the act -------------------------------------------------------------------------

_WORK_FIELDS_RU = {
    "work_name": "п.1 наименование работ",
    "design_docs": "п.2 проектная документация",
    "conformity_docs": "п.4 исполнительные схемы и испытания",
    "start_date": "п.5 дата начала работ",
    "end_date": "п.5 дата окончания работ",
    "standards": "п.6 работы выполнены в соответствии с",
    "next_works": "п.7 разрешается производство работ",
}


def act_context(
    card: ProjectCard,
    work_row: Mapping[str, Any],
    coverage_rows: pd.DataFrame | None,
    *,
    registry_threshold: int = REGISTRY_THRESHOLD,
    card_missing: list[str] | None = None,
) -> dict[str, Any]:
    """Plain data for the template (and for the fingerprint) of one act."""
    lines = _material_lines(coverage_rows if coverage_rows is not None else pd.DataFrame())
    document_ids = {as_text(d.get("document_id")) for line in lines for d in line["documents"]}
    via_registry = len(document_ids) > registry_threshold
    act_date = work_row.get("act_date")
    if matching.is_blank(act_date):
        act_date = work_row.get("end_date")

    attachments = [REGISTRY_NAME] if via_registry else []
    if document_ids:
        attachments.append(f"Копии документов о качестве по п.3 ({len(document_ids)} шт.)")
    if clean(work_row.get("conformity_docs")):
        attachments.append(clean(work_row.get("conformity_docs")))

    if card_missing is None:
        card_missing = [f"карточка объекта: {label}" for _, label in missing_fields(card)]
    missing = list(card_missing)
    missing += [
        label for key, label in _WORK_FIELDS_RU.items() if matching.is_blank(work_row.get(key))
    ]
    missing += [
        f"п.3 «{line['material']}»: {_status_text(line['status'])}"
        for line in lines
        if line["status"] != matching.ELIGIBLE
    ]
    object_line = ", ".join(p for p in (clean(card.name), clean(card.address)) if p)
    return {
        "object_line": object_line,
        "developer": {
            "requisites": organization_requisites(card.organizations.developer),
            "sro": sro_line(card.organizations.developer),
        },
        "builder": {
            "requisites": organization_requisites(card.organizations.builder),
            "sro": sro_line(card.organizations.builder),
        },
        "designer": {
            "requisites": organization_requisites(card.organizations.designer),
            "sro": sro_line(card.organizations.designer),
        },
        "act_number": clean(work_row.get("act_number")),
        "act_date": format_date(act_date),
        "representatives": _representatives(card),
        "other_participants": "",
        "performer_name": clean(card.performer_organization.name),
        "work_name": clean(work_row.get("work_name")),
        "design_docs": clean(work_row.get("design_docs")),
        "materials": [_material_item(line, via_registry) for line in lines] or [""],
        "conformity_docs": clean(work_row.get("conformity_docs")),
        "start_date": format_date(work_row.get("start_date")),
        "end_date": format_date(work_row.get("end_date")),
        "standards": clean(work_row.get("standards")),
        "next_works": clean(work_row.get("next_works")),
        "additional_info": "",
        "copies": str(card.copies),
        "attachments": attachments or [""],
        "registry": _registry_rows(lines) if via_registry else [],
        "registry_subject": f"к п.3 акта освидетельствования скрытых работ № "
        f"{clean(work_row.get('act_number'))}: {clean(work_row.get('work_name'))}",
        "material_count": len(lines),
        "document_count": len(document_ids),
        "complete": not missing,
        "missing": missing,
    }


# --- rendering ------------------------------------------------------------------------


def _template_bytes(template: Path) -> bytes:
    return Path(template).read_bytes()


def fingerprint(context: dict[str, Any], template_bytes: bytes) -> str:
    payload = json.dumps(context, ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256()
    digest.update(CONTEXT_VERSION.encode())
    digest.update(hashlib.sha256(template_bytes).digest())
    digest.update(payload.encode("utf-8"))
    return digest.hexdigest()


def stored_fingerprint(path: Path) -> str | None:
    """The fingerprint written into an act's core properties, or None."""
    try:
        return docx.Document(str(path)).core_properties.identifier or None
    except Exception:  # noqa: BLE001 - a missing or broken file just means "re-render"
        return None


def render_act(context: dict[str, Any], template_bytes: bytes, target: Path, fp: str) -> None:
    template = DocxTemplate(io.BytesIO(template_bytes))
    template.render(context, autoescape=True)
    core = template.docx.core_properties
    core.identifier = fp
    core.title = shorten(f"АОСР № {context['act_number']}", CORE_PROPERTY_CHARS)
    with atomic_path(target) as tmp:
        template.save(str(tmp))


def render_acts(
    card: ProjectCard,
    works: pd.DataFrame,
    coverage: pd.DataFrame,
    out_dir: Path,
    previous_fingerprints: dict[str, str] | None = None,
    *,
    template: Path = TEMPLATE_PATH,
    registry_threshold: int = REGISTRY_THRESHOLD,
    remove_stale: bool = True,
) -> pd.DataFrame:
    """Render every act of the register into `out_dir`; one row per act (ACT_COLUMNS).

    An act is rewritten only when its fingerprint differs from `previous_fingerprints`
    (or, without it, from the fingerprint stored in the existing file). With
    `remove_stale`, acts no longer in the register are deleted from `out_dir`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    template_bytes = _template_bytes(template)
    card_missing = [f"карточка объекта: {label}" for _, label in missing_fields(card)]
    if coverage is None or "act_number" not in coverage.columns:
        coverage = pd.DataFrame(columns=["act_number", "line_no"])
    rows = []
    written: set[str] = set()
    file_names, _ = act_file_names([as_text(n) for n in works.get("act_number", [])])
    for _, work in works.iterrows():
        act = as_text(work.get("act_number"))
        act_rows = coverage[coverage["act_number"].map(as_text) == act]
        context = act_context(
            card, work, act_rows, registry_threshold=registry_threshold, card_missing=card_missing
        )
        fp = fingerprint(context, template_bytes)
        target = out_dir / file_names[act]
        written.add(target.name)
        if previous_fingerprints is not None:
            previous = previous_fingerprints.get(act)
        else:
            previous = stored_fingerprint(target)
        rewrite = previous != fp or not target.exists()
        if rewrite:
            render_act(context, template_bytes, target, fp)
        rows.append(
            {
                "act_number": act,
                "docx_path": str(target),
                "fingerprint": fp,
                "rewritten": rewrite,
                "materials": context["material_count"],
                "documents": context["document_count"],
                "complete": context["complete"],
                "work_name": context["work_name"],
                "act_date": matching.as_date(work.get("act_date"))
                or matching.as_date(work.get("end_date")),
                "start_date": matching.as_date(work.get("start_date")),
                "end_date": matching.as_date(work.get("end_date")),
                "missing": "; ".join(context["missing"]),
            }
        )
    if remove_stale:
        for stale in out_dir.glob("АОСР-*.docx"):
            if stale.name not in written:
                stale.unlink(missing_ok=True)
    frame = pd.DataFrame(rows, columns=ACT_COLUMNS).astype(object)
    return frame.where(frame.notna(), None)
