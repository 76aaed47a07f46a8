"""Act assets: work_register → matched_materials → aosr_acts (SPEC §9)."""

import json

import dagster as dg
import pandas as pd

from pto_pipeline.assets.checks import CHECKS_BY_ASSET, run_checks
from pto_pipeline.assets.common import findings_metadata, preview, projects_partitions
from pto_pipeline.domain.acts import act_file_names, render_acts
from pto_pipeline.domain.corrections import FILE_NAME as CORRECTIONS
from pto_pipeline.domain.corrections import read_corrections, resolve_decisions
from pto_pipeline.domain.design.compare import against_design, with_sheet_titles
from pto_pipeline.domain.fsutil import write_text_atomic
from pto_pipeline.domain.matching import BY_ENGINEER, STATUS_ORDER, as_text, match_materials
from pto_pipeline.domain.project_card import load_project_card
from pto_pipeline.domain.register import read_register
from pto_pipeline.domain.registry import apply_registry
from pto_pipeline.domain.review import FILE_NAME as REVIEW
from pto_pipeline.domain.review import write_review
from pto_pipeline.resources import PtoSettings

GROUP = "acts"


@dg.asset(
    partitions_def=projects_partitions,
    group_name=GROUP,
    description="project.yaml and the work register (works.xlsx or works.csv + materials.csv).",
    kinds={"python", "excel"},
    check_specs=CHECKS_BY_ASSET["work_register"],
)
def work_register(context: dg.AssetExecutionContext, pto: PtoSettings):
    settings = pto.load()
    project_dir = settings.project_dir(context.partition_key)
    card, card_findings = load_project_card(project_dir / "project.yaml")
    works, materials, register_findings = read_register(project_dir)
    all_findings = card_findings + register_findings
    findings, meta = findings_metadata(all_findings, context.partition_key)
    value = {
        "card": card,
        "works": works,
        "materials": materials,
        "findings": findings,
    }
    yield dg.Output(
        value,
        metadata={
            "acts": len(works),
            "material_lines": len(materials),
            "package_format": card.package_format,
            "preview": preview(works, ["act_number", "work_name", "start_date", "end_date"]),
            **meta,
        },
    )
    yield from run_checks("work_register", value, card)


@dg.asset(
    partitions_def=projects_partitions,
    group_name=GROUP,
    description="Material lines of every act matched to quality documents (SPEC §5), with the "
    "score and the reason each candidate was taken or rejected.",
    kinds={"python"},
    check_specs=CHECKS_BY_ASSET["matched_materials"],
)
def matched_materials(
    context: dg.AssetExecutionContext,
    pto: PtoSettings,
    raw_documents: dict,
    work_register: dict,
    requisites: dict,
    registry_checks: dict,
    design_spec: dict,
):
    settings = pto.load()
    code = context.partition_key
    corrections_path = settings.project_dir(code) / CORRECTIONS
    # A document the registry terminated or suspended counts as expired for the works it
    # falls into (SPEC §11): matching reads registry_invalid_from.
    documents = apply_registry(requisites["documents"], registry_checks["checks"])
    files = raw_documents["files"]
    decisions, stale = resolve_decisions(
        read_corrections(corrections_path), work_register["materials"], documents, files
    )
    coverage, match_findings = match_materials(
        work_register["works"], work_register["materials"], documents, decisions
    )
    review_path = settings.project_output(code) / REVIEW
    review = write_review(review_path, documents, coverage, corrections_path)
    context.log.info(
        "review.xlsx: %d requisite row(s), %d match row(s); %d engineer decision(s) applied",
        review["fields"],
        review["decisions"],
        len(decisions),
    )
    design_rows, design_findings = against_design(
        work_register["works"], work_register["materials"], design_spec
    )
    findings, meta = findings_metadata(match_findings + stale + design_findings, code)
    # registry_checks feeds matched_materials' findings (SPEC §9)
    findings = pd.concat(
        [f for f in (findings, registry_checks["findings"]) if not f.empty] or [findings],
        ignore_index=True,
    )
    value = {"coverage": coverage, "findings": findings, "design_vs_register": design_rows}
    lines = coverage.drop_duplicates(["act_number", "line_no"])
    counts = lines["status"].value_counts().to_dict() if not lines.empty else {}
    yield dg.Output(
        value,
        metadata={
            "material_lines": len(lines),
            **{f"lines_{s}": int(counts.get(s, 0)) for s in STATUS_ORDER},
            "decided_by_engineer": int((coverage["decided_by"] == BY_ENGINEER).sum())
            if not coverage.empty
            else 0,
            "review_file": dg.MetadataValue.path(str(review_path)),
            "preview": preview(
                coverage,
                ["act_number", "material", "status", "doc_number", "match_score", "explanation"],
            ),
            **meta,
        },
    )
    yield from run_checks("matched_materials", value, work_register["card"])


@dg.asset(
    partitions_def=projects_partitions,
    group_name=GROUP,
    description="One АОСР (Приказ Минстроя № 344/пр, прил. 3) DOCX per act; an act is "
    "rewritten only when its inputs changed.",
    kinds={"python", "docx"},
)
def aosr_acts(
    context: dg.AssetExecutionContext,
    pto: PtoSettings,
    work_register: dict,
    matched_materials: dict,
    design_spec: dict,
) -> dict:
    settings = pto.load()
    code = context.partition_key
    out_dir = settings.project_output(code) / "acts"
    fingerprints_path = settings.state_dir(code) / "act_fingerprints.json"
    previous = _read_json(fingerprints_path)
    acts = render_acts(
        work_register["card"],
        with_sheet_titles(work_register["works"], design_spec["sheets"]),
        matched_materials["coverage"],
        out_dir,
        previous_fingerprints=previous,
    )
    write_text_atomic(
        fingerprints_path,
        json.dumps(dict(zip(acts["act_number"], acts["fingerprint"], strict=True)), indent=0),
    )
    rewritten = int(acts["rewritten"].sum()) if not acts.empty else 0
    context.log.info("acts: %d, rewritten: %d", len(acts), rewritten)
    numbers = [as_text(n) for n in work_register["works"].get("act_number", [])]
    findings, meta = findings_metadata(act_file_names(numbers)[1], code)
    context.add_output_metadata(
        {
            **meta,
            "acts": len(acts),
            "rewritten": rewritten,
            "complete": int(acts["complete"].sum()) if not acts.empty else 0,
            "folder": dg.MetadataValue.path(str(out_dir)),
            "preview": preview(acts, ["act_number", "materials", "documents", "complete"]),
        }
    )
    return {"acts": acts, "findings": findings}


def _read_json(path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
