"""One findings model shared by every stage (SPEC §7).

A finding is a remark for the engineer: a code, a severity derived from the
code, a Russian message saying what to do, and the act / material / document /
file it concerns. Findings are data, never exceptions: a stage that meets bad
input records a finding and goes on with the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import pandas as pd


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# SPEC §7 codes and their severities; new codes may be added, never renamed.
SEVERITY_BY_CODE: dict[str, Severity] = {
    "MISSING_QUALITY_DOC": Severity.ERROR,
    "EXPIRED_QUALITY_DOC": Severity.ERROR,
    "DOC_AFTER_WORK": Severity.ERROR,
    "UNREADABLE_DOCUMENT": Severity.ERROR,
    "INVALID_WORK": Severity.ERROR,
    "PROJECT_CARD": Severity.ERROR,
    "MISSING_REQUISITE": Severity.WARNING,
    "UNUSED_DOCUMENT": Severity.WARNING,
    "QUANTITY_SHORTFALL": Severity.WARNING,
    "UNSUPPORTED_FILE": Severity.WARNING,
    "PACKAGE_PDF": Severity.WARNING,
    "UNCONFIRMED_MATCH": Severity.WARNING,
    "STALE_CORRECTION": Severity.WARNING,
    "HIDDEN_TEXT_LAYER": Severity.WARNING,
    "ACT_FILE_NAME": Severity.WARNING,
    # registry (SPEC §11)
    "REGISTRY_INVALID": Severity.ERROR,
    "REGISTRY_NOT_FOUND": Severity.WARNING,
    "REGISTRY_MISMATCH": Severity.WARNING,
    "REGISTRY_SNAPSHOT": Severity.WARNING,  # a snapshot row the code could not use as is
    "REGISTRY_UNAVAILABLE": Severity.INFO,
    # working documentation (SPEC §10)
    "NOT_IN_DESIGN": Severity.WARNING,
    "OVER_DESIGN_QUANTITY": Severity.WARNING,
    "RD_SHEET_NOT_FOUND": Severity.WARNING,
    "RD_UNREADABLE": Severity.WARNING,
    "RD_NO_SPECIFICATION": Severity.INFO,
    "FILE_IN_PROGRESS": Severity.INFO,
    "DUPLICATE_DOCUMENT": Severity.INFO,
    "NOT_QUALITY_DOCUMENT": Severity.INFO,
}

SEVERITY_ORDER = {Severity.ERROR.value: 0, Severity.WARNING.value: 1, Severity.INFO.value: 2}

FINDING_COLUMNS = [
    "project_code",
    "stage",
    "severity",
    "code",
    "act_number",
    "material",
    "document_id",
    "source_file",
    "message",
]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    stage: str = ""
    project_code: str | None = None
    act_number: str | None = None
    material: str | None = None
    document_id: str | None = None
    source_file: str | None = None
    severity: str = field(default="")

    def __post_init__(self) -> None:
        if self.code not in SEVERITY_BY_CODE:
            raise ValueError(f"unknown finding code {self.code!r}")
        if not self.severity:
            object.__setattr__(self, "severity", SEVERITY_BY_CODE[self.code].value)


def findings_frame(findings: Iterable[Finding], project_code: str | None = None) -> pd.DataFrame:
    """Findings as a table with the SPEC §7 columns (plus `stage`)."""
    rows = []
    for f in findings:
        row = asdict(f)
        if project_code is not None:
            row["project_code"] = project_code
        rows.append(row)
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return frame.astype(object).where(frame.notna(), None)


def sort_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """Most severe first, then by act, code and file: the order an engineer works in."""
    if frame.empty:
        return frame
    key = frame["severity"].map(SEVERITY_ORDER).fillna(9)
    return (
        frame.assign(_sev=key, _act=frame["act_number"].fillna(""))
        .sort_values(["_sev", "_act", "code", "source_file"], na_position="last", kind="stable")
        .drop(columns=["_sev", "_act"])
        .reset_index(drop=True)
    )


def severity_counts(frame: pd.DataFrame) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    if not frame.empty:
        for sev, n in frame["severity"].value_counts().items():
            counts[str(sev)] = int(n)
    return counts
