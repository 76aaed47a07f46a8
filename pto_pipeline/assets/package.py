"""id_package (ZIP + merged PDF + findings.xlsx) and the analysts' marts."""

from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from pto_pipeline.assets.common import findings_metadata, preview, projects_partitions
from pto_pipeline.domain.findings import findings_frame, severity_counts, sort_findings
from pto_pipeline.domain.findings_xlsx import write_findings_xlsx
from pto_pipeline.domain.fsutil import write_text_atomic
from pto_pipeline.domain.marts import publish_project
from pto_pipeline.domain.package import build_package, package_fingerprint, package_history
from pto_pipeline.domain.status_page import write_status_page
from pto_pipeline.resources import PtoSettings
from pto_pipeline.stale_runs import tag_run_owner


def collect_findings(code: str, *stage_outputs: dict) -> pd.DataFrame:
    frames = [o["findings"] for o in stage_outputs if o.get("findings") is not None]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return findings_frame([], code)
    return sort_findings(pd.concat(frames, ignore_index=True).assign(project_code=code))


@dg.asset(
    partitions_def=projects_partitions,
    group_name="package",
    description="The as-built package (SPEC §6): Реестр ИД, acts, quality documents as a ZIP "
    "and one merged PDF; findings.xlsx for the engineer. Rebuilt only when an input changed.",
    kinds={"python", "pdf", "excel"},
)
def id_package(
    context: dg.AssetExecutionContext,
    pto: PtoSettings,
    raw_documents: dict,
    requisites: dict,
    work_register: dict,
    matched_materials: dict,
    aosr_acts: dict,
) -> dict:
    settings = pto.load()
    code = context.partition_key
    out_dir = settings.project_output(code)
    documents = _documents_with_store_paths(requisites["documents"], raw_documents["files"])
    acts = aosr_acts["acts"]
    fmt = work_register["card"].package_format
    project_name = work_register["card"].name
    fingerprint = package_fingerprint(
        settings.data_dir, fmt, acts, matched_materials["coverage"], documents, project_name
    )
    state_file = settings.state_dir(code) / "package.json"
    previous = _read_state(state_file)
    stage_findings = collect_findings(
        code, raw_documents, requisites, work_register, matched_materials, aosr_acts
    )
    if previous.get("fingerprint") == fingerprint and previous.get("zip_path"):
        package = previous
        context.log.info("package inputs unchanged: keeping %s", package["zip_path"])
        package_findings: list = []
    else:
        result = build_package(
            settings.data_dir,
            code,
            fmt,
            acts,
            matched_materials["coverage"],
            documents,
            findings=stage_findings,
            built_at=datetime.now().replace(microsecond=0),
            project_name=project_name,
        )
        package = result.as_record() | {"fingerprint": fingerprint}
        package_findings = result.findings
        write_text_atomic(state_file, pd.Series(package).to_json(force_ascii=False))
    pkg_findings, _ = findings_metadata(package_findings, code)
    findings = sort_findings(pd.concat([stage_findings, pkg_findings], ignore_index=True))
    write_findings_xlsx(findings, out_dir / "findings.xlsx")
    counts = severity_counts(findings)
    context.add_output_metadata(
        {
            "zip": dg.MetadataValue.path(str(package.get("zip_path") or "")),
            "pdf": dg.MetadataValue.path(str(package.get("pdf_path") or "")),
            "acts": int(package.get("acts") or 0),
            "documents": int(package.get("documents") or 0),
            "sheets": int(package.get("sheets") or 0),
            "format": fmt,
            **{f"findings_{k}": v for k, v in counts.items()},
            "findings_preview": preview(findings, ["severity", "code", "act_number", "message"]),
        }
    )
    return {"package": package, "findings": findings}


def _documents_with_store_paths(documents: pd.DataFrame, files: pd.DataFrame) -> pd.DataFrame:
    stored = files.dropna(subset=["sha256"]).drop_duplicates("sha256")[["sha256", "stored_path"]]
    return documents.merge(stored, on="sha256", how="left")


def _read_state(path) -> dict:
    try:
        return pd.read_json(path, typ="series").to_dict()
    except (OSError, ValueError):
        return {}


@dg.asset(
    partitions_def=projects_partitions,
    group_name="marts",
    pool="warehouse",
    description="Publishes the project's tables to warehouse/pto.duckdb (schema marts), "
    "atomically: readers see the project before or after a build, never half of it; "
    "then rewrites output/status.html, every project's state on one page.",
    kinds={"duckdb"},
)
def marts(
    context: dg.AssetExecutionContext,
    pto: PtoSettings,
    raw_documents: dict,
    requisites: dict,
    matched_materials: dict,
    aosr_acts: dict,
    id_package: dict,
    registry_checks: dict,
    design_spec: dict,
) -> None:
    # This step holds the warehouse slot: name its process, so that a later build can
    # free the slot if the process dies here.
    tag_run_owner(context.instance, context.run)
    settings = pto.load()
    code = context.partition_key
    tables = {
        "files": raw_documents["files"],
        "documents": requisites["documents"],
        "material_coverage": matched_materials["coverage"],
        "acts": aosr_acts["acts"],
        "findings": id_package["findings"],
        "packages": package_history(settings.data_dir, code),
        "registry_checks": registry_checks["checks"],
        "design_spec": design_spec["lines"],
        "design_vs_register": matched_materials["design_vs_register"],
    }
    path = publish_project(settings.data_dir, code, tables, build_started_at=_run_start(context))
    page = write_status_page(settings.data_dir, path)
    context.add_output_metadata(
        {
            "database": dg.MetadataValue.path(str(path)),
            "status_page": dg.MetadataValue.url(page.resolve().as_uri()),
            **{f"rows_{name}": len(frame) for name, frame in tables.items()},
        }
    )


def _run_start(context: dg.AssetExecutionContext) -> datetime | None:
    """When this run started (UTC), for the build duration on the status page."""
    try:
        started = context.instance.get_run_stats(context.run_id).start_time
    except Exception:  # noqa: BLE001 - a duration is nice to have, never worth a failed build
        return None
    return datetime.fromtimestamp(started, UTC).replace(tzinfo=None) if started else None
