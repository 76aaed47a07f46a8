"""Pieces every project asset shares: the partitions, metadata helpers."""

import dagster as dg
import pandas as pd

from pto_pipeline.domain.findings import Finding, findings_frame, severity_counts
from pto_pipeline.partitions import projects_partitions  # noqa: F401 - re-exported

PREVIEW_ROWS = 20


def preview(frame: pd.DataFrame, columns: list[str] | None = None) -> dg.MetadataValue:
    """A small markdown table an engineer can read in the UI."""
    if frame.empty:
        return dg.MetadataValue.md("_(пусто)_")
    shown = frame[columns] if columns else frame
    shown = shown.head(PREVIEW_ROWS).astype(str).replace({"None": "", "nan": "", "NaT": ""})
    shown = shown.apply(lambda col: col.str.replace("|", "/", regex=False).str.slice(0, 80))
    return dg.MetadataValue.md(shown.to_markdown(index=False))


def findings_metadata(findings: list[Finding], project_code: str) -> tuple[pd.DataFrame, dict]:
    frame = findings_frame(findings, project_code)
    counts = severity_counts(frame)
    meta = {f"findings_{sev}": dg.MetadataValue.int(n) for sev, n in counts.items()}
    if not frame.empty:
        meta["findings_preview"] = preview(frame, ["severity", "code", "source_file", "message"])
    return frame, meta
