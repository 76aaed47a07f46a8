"""Completeness validation as inline asset checks (one partition each).

Checks are declared non-blocking so the package is still built and marked
incomplete; a project whose card says `blocking_checks: true` gets a failed
step instead (downstream steps are skipped), the same effect as a blocking check.
"""

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from pto_pipeline.domain.validation import validate_coverage, validate_requisites

CHECKS_BY_ASSET: dict[str, list[dg.AssetCheckSpec]] = {
    "requisites": [
        dg.AssetCheckSpec(
            "documents_readable", asset="requisites", description="Every document was read."
        ),
        dg.AssetCheckSpec(
            "requisites_complete",
            asset="requisites",
            description="Great Expectations suite on the requisites: types, numbers, dates.",
        ),
    ],
    "work_register": [
        dg.AssetCheckSpec(
            "project_card_complete",
            asset="work_register",
            description="project.yaml has every required field and the register has no bad rows.",
        ),
    ],
    "matched_materials": [
        dg.AssetCheckSpec(
            "materials_covered",
            asset="matched_materials",
            description="Great Expectations suite on the coverage: no missing, expired or "
            "after-work documents.",
        ),
    ],
}


def run_checks(asset_name: str, value: dict, card) -> Iterator[dg.AssetCheckResult]:
    results = list(_CHECKS[asset_name](value))
    yield from results
    failed = [r.check_name for r in results if not r.passed]
    if failed and getattr(card, "blocking_checks", False):
        raise dg.Failure(
            description=f"blocking completeness checks failed: {', '.join(failed)}",
            metadata={"failed_checks": ", ".join(failed)},
        )


def _requisites_checks(value: dict) -> Iterator[dg.AssetCheckResult]:
    documents: pd.DataFrame = value["documents"]
    failed = documents[documents["status"] == "failed"]
    yield dg.AssetCheckResult(
        check_name="documents_readable",
        passed=failed.empty,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "documents": len(documents),
            "failed": len(failed),
            "failed_files": ", ".join(failed["source_file"].astype(str).head(20)),
        },
    )
    yield _ge_result("requisites_complete", validate_requisites(documents))


def _register_checks(value: dict) -> Iterator[dg.AssetCheckResult]:
    findings: pd.DataFrame = value["findings"]
    card = findings[findings["code"] == "PROJECT_CARD"]
    rows = findings[findings["code"] == "INVALID_WORK"]
    yield dg.AssetCheckResult(
        check_name="project_card_complete",
        passed=card.empty and rows.empty,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "card_findings": len(card),
            "invalid_rows": len(rows),
            "messages": "\n".join(pd.concat([card, rows])["message"].astype(str).head(20)),
        },
    )


def _coverage_checks(value: dict) -> Iterator[dg.AssetCheckResult]:
    yield _ge_result("materials_covered", validate_coverage(value["coverage"]))


def _ge_result(check_name: str, summary) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=bool(summary.success),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "expectations_evaluated": summary.evaluated,
            "expectations_failed": len(summary.failed),
            "failed": dg.MetadataValue.json(summary.failed[:20]),
            "statistics": dg.MetadataValue.json(summary.statistics),
        },
    )


_CHECKS = {
    "requisites": _requisites_checks,
    "work_register": _register_checks,
    "matched_materials": _coverage_checks,
}
