"""Run the build job for one project in the instance at $DAGSTER_HOME and summarise it."""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from pto_pipeline.definitions import defs
from pto_pipeline.domain.findings import severity_counts
from pto_pipeline.domain.matching import STATUS_ORDER
from pto_pipeline.domain.settings import Settings
from pto_pipeline.domain.status_page import status_path
from pto_pipeline.partitions import projects_partitions
from pto_pipeline.stale_runs import owner_tags, stale_claim_watch


@dataclass
class BuildOutcome:
    success: bool
    run_id: str | None
    summary: str


def run_build(code: str, instance: dg.DagsterInstance | None = None) -> BuildOutcome:
    """Materialize the whole graph for `code`; the run shows in the UI of that instance."""
    instance = instance or dg.DagsterInstance.get()
    if not instance.has_dynamic_partition(projects_partitions.name, code):
        instance.add_dynamic_partitions(projects_partitions.name, [code])
    job = defs.resolve_job_def("build_project")
    run_config = {
        # An explicit build reads every file now: no quiet period.
        "resources": {"pto": {"config": {"quiet_seconds": 0.0}}},
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
    }
    try:
        with stale_claim_watch(instance, _report_released):
            result = job.execute_in_process(
                run_config=run_config,
                instance=instance,
                partition_key=code,
                raise_on_error=False,
                tags={"pto/trigger": "cli", **owner_tags()},
            )
    except Exception:  # noqa: BLE001 - report, don't crash the CLI with a traceback wall
        return BuildOutcome(
            False, None, "build failed before the run started:\n" + traceback.format_exc()
        )
    if not result.success:
        return BuildOutcome(False, result.run_id, _failure_summary(result))
    return BuildOutcome(True, result.run_id, _success_summary(code, result))


def _report_released(run_id: str) -> None:
    print(
        f"released the warehouse slot of run {run_id}: its build process is gone "
        "(killed or crashed); that run is marked failed",
        file=sys.stderr,
    )


def _failure_summary(result: dg.ExecuteInProcessResult) -> str:
    lines = [f"run {result.run_id} FAILED"]
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            message = error.message.strip() if error else "unknown error"
            lines.append(f"  step {event.step_key}: {message}")
    lines.append("open the run in the Dagster UI (pto-pipeline ui) to see logs and re-execute")
    return "\n".join(lines)


def _success_summary(code: str, result: dg.ExecuteInProcessResult) -> str:
    documents: pd.DataFrame = result.output_for_node("requisites")["documents"]
    acts: pd.DataFrame = result.output_for_node("aosr_acts")["acts"]
    package_out = result.output_for_node("id_package")
    package, findings = package_out["package"], package_out["findings"]
    doc_counts = documents["status"].value_counts().to_dict() if not documents.empty else {}
    complete = int(acts["complete"].sum()) if not acts.empty else 0
    sev = severity_counts(findings)
    coverage: pd.DataFrame = result.output_for_node("matched_materials")["coverage"]
    line_status = (
        coverage.drop_duplicates(["act_number", "line_no"])["status"].value_counts().to_dict()
        if not coverage.empty
        else {}
    )
    lines = [
        f"project {code}: run {result.run_id} succeeded",
        "  documents: "
        + ", ".join(f"{s} {int(doc_counts.get(s, 0))}" for s in ("ok", "needs_review", "failed")),
        f"  acts: {len(acts)} ({complete} complete, {len(acts) - complete} incomplete)",
        f"  findings: error {sev['error']}, warning {sev['warning']}, info {sev['info']}",
        f"  package: {package.get('zip_path') or '-'}",
        f"  package PDF: {package.get('pdf_path') or '- (LibreOffice unavailable, see findings)'}",
        "  material lines: " + ", ".join(f"{s} {int(line_status.get(s, 0))}" for s in STATUS_ORDER),
        f"  findings list: output/{code}/findings.xlsx",
        f"  to review and answer: output/{code}/review.xlsx "
        f"(save it as projects/{code}/corrections.xlsx)",
        f"  status page (all projects): {status_path(Settings.from_env().data_dir)}",
    ]
    return "\n".join(lines)
