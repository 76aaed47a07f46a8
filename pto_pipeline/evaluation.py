"""Accuracy reports against generated ground truth.

- Requisites: a corpus generated with a seed never used in development, run through
  the same OCR and extraction code as the `ocr_text` and `requisites` assets, scored
  per field.
- Coverage: the sample project generated with each seed, run through the same intake,
  OCR, extraction, register and matching code as the assets, its verdicts scored
  against the planted ones. Precision of `covered` comes first: a wrong `covered`
  hides a defect from the supervisor.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

from pto_pipeline.corpus import generate_document_corpus
from pto_pipeline.corpus.project import generate_project
from pto_pipeline.domain import inbox, ocr
from pto_pipeline.domain.documents import build_documents
from pto_pipeline.domain.extraction.evaluate import score_requisites
from pto_pipeline.domain.matching import match_materials
from pto_pipeline.domain.register import read_register
from pto_pipeline.domain.tables import PAGE_COLUMNS, REQUISITE_FIELDS


def run_accuracy_report(
    seed: int, n_documents: int, out_dir: Path | None, workers: int, lang: str = "rus+eng"
) -> str:
    with tempfile.TemporaryDirectory(prefix="pto-eval-") as tmp:
        root = out_dir or Path(tmp)
        started = time.monotonic()
        truth = generate_document_corpus(root, seed=seed, n_documents=n_documents)
        generated = time.monotonic() - started
        predicted, pages = extract_corpus(root / "files", workers, lang, root / "cache")
        elapsed = time.monotonic() - started - generated
        scores = score_requisites(predicted, truth)
        (root / "report.json").write_text(
            json.dumps(scores, ensure_ascii=False, indent=1, default=str)
        )
        return format_report(scores, seed, len(truth), pages, elapsed)


def extract_corpus(
    files_dir: Path, workers: int, lang: str, cache_dir: Path | None
) -> tuple[list[dict], int]:
    sources = []
    for path in sorted(p for p in files_dir.rglob("*") if p.is_file()):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        sources.append(ocr.SourceFile(sha, path.relative_to(files_dir).as_posix(), path))
    documents, pages = read_documents(sources, workers, lang, cache_dir)
    keep = ["source_file", "first_page", "last_page", "status", *REQUISITE_FIELDS]
    predicted = [
        {k: (None if _is_missing(v) else v) for k, v in rec.items()}
        for rec in documents[keep].to_dict("records")
    ]
    return predicted, pages


def read_documents(
    sources: list[ocr.SourceFile], workers: int, lang: str, cache_dir: Path | None
) -> tuple[pd.DataFrame, int]:
    """Requisites of the files, read as the `ocr_text` and `requisites` assets read them."""
    tasks, failed = ocr.plan_pages(sources)
    rows = ocr.run_pages(tasks, ocr.OcrConfig(lang=lang, cache_dir=cache_dir), workers)
    pages = pd.DataFrame(failed + rows, columns=[*PAGE_COLUMNS, "cached"])
    documents, _ = build_documents(pages.drop(columns=["cached"]))
    return documents, len(tasks)


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_report(scores: dict, seed: int, documents: int, pages: int, seconds: float) -> str:
    lines = [
        f"Accuracy report: seed {seed}, {documents} documents, {pages} pages, "
        f"OCR + extraction {seconds:.0f} s",
        f"{'field':<14} {'correct':>8} {'total':>6} {'accuracy':>9}",
    ]
    for name, s in scores["fields"].items():
        lines.append(f"{name:<14} {s['correct']:>8} {s['total']:>6} {s['accuracy']:>9.3f}")
    lines.append(f"{'overall':<14} {'':>8} {'':>6} {scores['overall']:>9.3f}")
    errors = scores.get("errors") or []
    if errors:
        lines.append("first mismatches:")
        lines.extend(f"  {json.dumps(e, ensure_ascii=False, default=str)}" for e in errors[:15])
    return "\n".join(lines)


# --- coverage verdicts ------------------------------------------------------------------


def run_coverage_report(
    seeds: list[int], out_dir: Path | None, workers: int, lang: str = "rus+eng"
) -> tuple[str, dict]:
    """Build the sample project once per seed and score its coverage verdicts."""
    with tempfile.TemporaryDirectory(prefix="pto-eval-coverage-") as tmp:
        root = out_dir or Path(tmp)
        per_seed = {}
        for seed in seeds:
            data_dir = root / f"seed-{seed}"
            generate_project(data_dir, "demo", seed)
            coverage = project_coverage(data_dir, "demo", workers, lang, root / "cache")
            expected = json.loads(
                (data_dir / "ground_truth" / "demo" / "expected.json").read_text("utf-8")
            )
            per_seed[seed] = score_coverage(coverage, expected)
        total = combine_scores(list(per_seed.values()))
        (root / "coverage_report.json").write_text(
            json.dumps({"seeds": per_seed, "total": total}, ensure_ascii=False, indent=1)
        )
        return format_coverage_report(per_seed, total), total


def project_coverage(
    data_dir: Path, code: str, workers: int, lang: str, cache_dir: Path | None
) -> pd.DataFrame:
    """Coverage of one project by the assets' own domain code (no Dagster run)."""
    project_dir = data_dir / "projects" / code
    files = inbox.ingest_inbox(
        project_dir, data_dir, data_dir / "store", now=time.time(), quiet_seconds=0
    ).files
    processed = files[files["status"] == "processed"]
    sources = [
        ocr.SourceFile(row.sha256, row.source_file, data_dir / row.stored_path)
        for row in processed.itertuples()
    ]
    documents, _ = read_documents(sources, workers, lang, cache_dir)
    works, materials, _ = read_register(project_dir)
    coverage, _ = match_materials(works, materials, documents)
    return coverage


def score_coverage(coverage: pd.DataFrame, expected: dict) -> dict:
    """Covered precision and recall, status accuracy, and every wrong `covered`.

    A `covered` verdict is right when the line should be covered and every document it
    lists is one the ground truth names for it (a second scan of one of them counts as
    that document).
    """
    same = expected.get("same_document", {})
    predicted: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for row in coverage.to_dict("records"):
        key = (str(row["act_number"]), str(row["material"]))
        status, listed = predicted.get(key, (row["status"], set()))
        if row.get("source_file") and status != "unconfirmed":
            listed.add(same.get(row["source_file"], row["source_file"]))
        predicted[key] = (status, listed)
    counts = {"lines": 0, "status_right": 0, "covered_predicted": 0, "covered_right": 0}
    counts["covered_expected"] = 0
    by_status: dict[str, int] = {}
    wrong: list[dict] = []
    for line in expected["coverage"]:
        key = (line["act_number"], line["material"])
        status, listed = predicted.get(key, ("missing", set()))
        counts["lines"] += 1
        by_status[status] = by_status.get(status, 0) + 1
        counts["status_right"] += status == line["status"]
        counts["covered_expected"] += line["status"] == "covered"
        if status != "covered":
            continue
        counts["covered_predicted"] += 1
        if line["status"] == "covered" and listed and listed <= set(line["source_files"]):
            counts["covered_right"] += 1
        else:
            wrong.append(
                {
                    "act": key[0],
                    "material": key[1],
                    "expected": line["status"],
                    "listed": sorted(listed),
                }
            )
    return {**counts, "by_status": by_status, "wrong_covered": wrong}


def combine_scores(scores: list[dict]) -> dict:
    keys = ("lines", "status_right", "covered_predicted", "covered_right", "covered_expected")
    total = {k: sum(s[k] for s in scores) for k in keys}
    total["precision"] = _ratio(total["covered_right"], total["covered_predicted"])
    total["recall"] = _ratio(total["covered_right"], total["covered_expected"])
    total["status_accuracy"] = _ratio(total["status_right"], total["lines"])
    total["wrong_covered"] = [w for s in scores for w in s["wrong_covered"]]
    return total


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 1.0


def format_coverage_report(per_seed: dict[int, dict], total: dict) -> str:
    lines = [
        "Coverage verdicts (the sample project, one build per seed)",
        f"{'seed':>6} {'lines':>6} {'covered':>8} {'right':>6} {'expected':>9} "
        f"{'precision':>10} {'recall':>7} {'status ok':>10}",
    ]
    for seed, s in per_seed.items():
        precision = _ratio(s["covered_right"], s["covered_predicted"])
        recall = _ratio(s["covered_right"], s["covered_expected"])
        lines.append(
            f"{seed:>6} {s['lines']:>6} {s['covered_predicted']:>8} {s['covered_right']:>6} "
            f"{s['covered_expected']:>9} {precision:>10.3f} {recall:>7.3f} "
            f"{_ratio(s['status_right'], s['lines']):>10.3f}"
        )
    lines.append(
        f"{'all':>6} {total['lines']:>6} {total['covered_predicted']:>8} "
        f"{total['covered_right']:>6} {total['covered_expected']:>9} {total['precision']:>10.3f} "
        f"{total['recall']:>7.3f} {total['status_accuracy']:>10.3f}"
    )
    for w in total["wrong_covered"]:
        lines.append(f"  wrong covered: {json.dumps(w, ensure_ascii=False)}")
    return "\n".join(lines)
