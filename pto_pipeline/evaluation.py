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
import itertools
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

from pto_pipeline.corpus import generate_document_corpus
from pto_pipeline.corpus.project import generate_project
from pto_pipeline.domain import inbox, ocr
from pto_pipeline.domain.documents import build_documents
from pto_pipeline.domain.extraction import FIELDS
from pto_pipeline.domain.extraction.evaluate import fields_equal, score_requisites
from pto_pipeline.domain.extraction.rules import common
from pto_pipeline.domain.fsutil import write_text_atomic
from pto_pipeline.domain.matching import match_materials
from pto_pipeline.domain.register import read_register
from pto_pipeline.domain.registry import (
    RegistrySettings,
    apply_registry,
    build_sources,
    check_documents,
)
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
    documents, pages = read_documents(corpus_sources(files_dir), workers, lang, cache_dir)
    return predicted_records(documents), pages


def corpus_sources(files_dir: Path, prefix: str = "") -> list[ocr.SourceFile]:
    """The files of a generated corpus, named as its truth names them (after `prefix`)."""
    sources = []
    for path in sorted(p for p in files_dir.rglob("*") if p.is_file()):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        name = prefix + path.relative_to(files_dir).as_posix()
        sources.append(ocr.SourceFile(sha, name, path))
    return sources


def predicted_records(documents: pd.DataFrame, extra: tuple[str, ...] = ()) -> list[dict]:
    keep = ["source_file", "first_page", "last_page", "status", *REQUISITE_FIELDS, *extra]
    return [
        {k: (None if _is_missing(v) else v) for k, v in rec.items()}
        for rec in documents[keep].to_dict("records")
    ]


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
    # the project's registry snapshot, as the registry_checks asset reads it: a terminated
    # certificate counts as expired for the works it falls into
    registry = build_sources(data_dir / "registry", RegistrySettings(sources=("snapshot",)))
    checks, _ = check_documents(documents, registry)
    documents = apply_registry(documents, checks)
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


# --- unseen layouts -----------------------------------------------------------------------

UNSEEN_SEED = 20261202  # never the development report's seed
CONFIDENCE_BINS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 1.0)
_SETS = (("development", "development"), ("unseen", "reserved"))


def run_unseen_layouts_report(
    seed: int,
    unseen_seed: int,
    n_documents: int,
    out_dir: Path | None,
    workers: int,
    lang: str = "rus+eng",
) -> tuple[str, dict]:
    """Score the same OCR and extraction on a corpus of development layouts and on one of
    layouts reserved for evaluation (`corpus/reserved_layouts.py`), side by side.

    Both corpora are read in one OCR run (the worker pool stays full); report.json holds
    every number, the printed report only what a rule writer may see (no page contents).
    """
    with tempfile.TemporaryDirectory(prefix="pto-eval-unseen-") as tmp:
        root = out_dir or Path(tmp)
        seeds = {"development": seed, "unseen": unseen_seed}
        truth: dict[str, list[dict]] = {}
        sources: list[ocr.SourceFile] = []
        for label, layouts in _SETS:
            records = generate_document_corpus(
                root / label, seed=seeds[label], n_documents=n_documents, layouts=layouts
            )
            truth[label] = [{**r, "source_file": f"{label}/{r['source_file']}"} for r in records]
            sources += corpus_sources(root / label / "files", prefix=f"{label}/")
        started = time.monotonic()
        documents, pages = read_documents(sources, workers, lang, root / "cache")
        elapsed = time.monotonic() - started
        predicted = predicted_records(documents, extra=("field_confidence",))
        threshold = review_threshold()
        report = {
            "seeds": seeds,
            "documents": n_documents,
            "pages": pages,
            "seconds": round(elapsed, 1),
            "review_threshold": threshold,
            "sets": {
                label: score_layout_set(
                    [p for p in predicted if p["source_file"].startswith(f"{label}/")],
                    truth[label],
                    threshold,
                )
                for label, _ in _SETS
            },
        }
        write_text_atomic(
            root / "report.json",
            json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n",
        )
        return format_unseen_report(report), report


def review_threshold() -> float:
    """The confidence below which a field sends its document to review (extraction rules)."""
    return float(common().review_threshold)


def score_layout_set(predicted: list[dict], truth: list[dict], threshold: float) -> dict:
    """Field accuracy, per-layout accuracy, calibration and error kinds of one corpus."""
    scores = score_requisites(predicted, truth)
    layouts = {}
    for name in sorted({_layout_name(r) for r in truth}):
        subset = [r for r in truth if _layout_name(r) == name]
        layouts[name] = {
            "documents": len(subset),
            "accuracy": round(score_requisites(predicted, subset)["overall"], 4),
        }
    outcomes = field_outcomes(predicted, truth, threshold)
    return {
        "overall": scores["overall"],
        "fields": scores["fields"],
        "layouts": layouts,
        "calibration": calibration(outcomes, predicted, truth),
        "error_kinds": error_kinds(outcomes),
        "errors": [o for o in outcomes if o["kind"]],
    }


def _layout_name(record: dict) -> str:
    return str(record.get("layout") or "?").split("/")[0]


def _doc_key(record: dict) -> tuple[str, int]:
    return str(record.get("source_file", "")), int(record.get("first_page") or 1)


def _null(value: object) -> bool:
    return value is None or _is_missing(value) or (isinstance(value, str) and not value.strip())


def _confidences(record: dict) -> dict[str, float]:
    raw = record.get("field_confidence")
    try:
        return {k: float(v) for k, v in json.loads(raw).items()} if raw else {}
    except (TypeError, ValueError):
        return {}


def field_outcomes(predicted: list[dict], truth: list[dict], threshold: float) -> list[dict]:
    """One row per scored (document, field): right or not, its confidence, and whether the
    engineer would see it — its document is needs_review / failed / unread, or the field's
    own confidence is below the review threshold."""
    by_key = {_doc_key(p): p for p in predicted}
    rows = []
    for expected in truth:
        got = by_key.get(_doc_key(expected))
        confidence = _confidences(got) if got else {}
        doc_reviewed = got is None or got.get("status") != "ok"
        for name in FIELDS:
            want, have = expected.get(name), (got or {}).get(name)
            if _null(want) and _null(have):
                continue
            conf = None if _null(have) else confidence.get(name, 0.0)
            rows.append(
                {
                    "source_file": expected["source_file"],
                    "layout": _layout_name(expected),
                    "field": name,
                    "correct": fields_equal(name, want, have),
                    "confidence": conf,
                    "reviewed": doc_reviewed or (conf is not None and conf < threshold),
                    "kind": _error_kind(name, want, have, expected),
                }
            )
            if rows[-1]["kind"]:
                rows[-1].update(expected=_plain_value(want), predicted=_plain_value(have))
    return rows


def _plain_value(value: object) -> object:
    if _null(value):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def _error_kind(name: str, want: object, have: object, expected: dict) -> str | None:
    if fields_equal(name, want, have):
        return None
    if _null(have):
        return "empty"
    if _null(want):
        return "value where the document has none"
    for other in FIELDS:
        want_other = expected.get(other)
        if other != name and not _null(want_other) and fields_equal(other, want_other, have):
            return f"value of {other} read"
    return "wrong value"


def calibration(outcomes: list[dict], predicted: list[dict], truth: list[dict]) -> dict:
    kept = [o for o in outcomes if not o["reviewed"]]
    bins = []
    for lo, hi in itertools.pairwise(CONFIDENCE_BINS):
        inside = [
            o
            for o in outcomes
            if o["confidence"] is not None and lo <= o["confidence"] < (hi if hi < 1.0 else 1.01)
        ]
        bins.append(
            {
                "bin": f"[{lo:.2f}, {hi:.2f}{')' if hi < 1.0 else ']'}",
                "fields": len(inside),
                "accuracy": _ratio(sum(o["correct"] for o in inside), len(inside))
                if inside
                else None,
            }
        )
    by_key = {_doc_key(p): p for p in predicted}
    clean = clean_reviewed = reviewed_docs = 0
    for record in truth:
        got = by_key.get(_doc_key(record))
        sent = got is None or got.get("status") != "ok"
        reviewed_docs += sent
        scans = str(record.get("scan") or "").split(",")
        for page in range(int(record["first_page"]), int(record["last_page"]) + 1):
            if page <= len(scans) and scans[page - 1] == "clean":
                clean += 1
                clean_reviewed += sent
    return {
        "fields": len(outcomes),
        "fields_not_reviewed": len(kept),
        "accuracy_not_reviewed": _ratio(sum(o["correct"] for o in kept), len(kept)),
        "wrong_not_reviewed": sum(not o["correct"] for o in kept),
        "fields_reviewed_share": _ratio(len(outcomes) - len(kept), len(outcomes)),
        "documents_reviewed_share": _ratio(reviewed_docs, len(truth)),
        "clean_pages": clean,
        "clean_pages_reviewed": clean_reviewed,
        "clean_pages_reviewed_share": _ratio(clean_reviewed, clean),
        "reliability": bins,
    }


def error_kinds(outcomes: list[dict]) -> list[dict]:
    """Wrong fields grouped by field and kind, most frequent first (no page contents)."""
    groups: dict[tuple[str, str], dict] = {}
    for o in outcomes:
        if o["kind"] is None:
            continue
        group = groups.setdefault(
            (o["field"], o["kind"]), {"field": o["field"], "kind": o["kind"], "documents": 0}
        )
        group["documents"] += 1
        group["not_reviewed"] = group.get("not_reviewed", 0) + (not o["reviewed"])
    return sorted(groups.values(), key=lambda g: (-g["documents"], g["field"], g["kind"]))


def format_unseen_report(report: dict) -> str:
    dev, unseen = report["sets"]["development"], report["sets"]["unseen"]
    seeds = report["seeds"]
    lines = [
        f"Requisites on development vs unseen (reserved) layouts: {report['documents']} "
        f"documents each (seeds {seeds['development']} | {seeds['unseen']}), "
        f"{report['pages']} pages, OCR + extraction {report['seconds']:.0f} s",
        f"{'field':<14} {'development':>20} {'unseen':>20}",
    ]
    for name in dev["fields"]:
        a, b = dev["fields"][name], unseen["fields"][name]
        lines.append(f"{name:<14} {_cell(a):>20} {_cell(b):>20}")
    gap = dev["overall"] - unseen["overall"]
    lines.append(
        f"{'overall':<14} {dev['overall']:>20.3f} {unseen['overall']:>20.3f}   gap {gap:+.3f}"
    )
    lines.append(f"Calibration (review threshold {report['review_threshold']:.2f})")
    rows = (
        ("accuracy of fields not sent to review", "accuracy_not_reviewed", "{:.3f}"),
        ("wrong fields not sent to review", "wrong_not_reviewed", "{}"),
        ("share of fields sent to review", "fields_reviewed_share", "{:.3f}"),
        ("share of documents sent to review", "documents_reviewed_share", "{:.3f}"),
        ("clean scan pages", "clean_pages", "{}"),
        ("share of clean pages sent to review", "clean_pages_reviewed_share", "{:.3f}"),
    )
    for title, key, fmt in rows:
        a, b = dev["calibration"][key], unseen["calibration"][key]
        lines.append(f"  {title:<40} {fmt.format(a):>10} {fmt.format(b):>10}")
    lines.append("  reliability: confidence -> accuracy (fields)")
    for a, b in zip(
        dev["calibration"]["reliability"], unseen["calibration"]["reliability"], strict=True
    ):
        lines.append(
            f"    {a['bin']:<14} {_maybe(a['accuracy']):>7} ({a['fields']:>3}) "
            f"{_maybe(b['accuracy']):>10} ({b['fields']:>3})"
        )
    for label, scored in (("development", dev), ("unseen", unseen)):
        lines.append(f"Per layout ({label}): documents, field accuracy")
        for name, s in scored["layouts"].items():
            lines.append(f"  {name:<34} {s['documents']:>3} {s['accuracy']:>7.3f}")
    lines.append("Unseen errors by field and kind (documents; of them not sent to review)")
    for g in unseen["error_kinds"][:10]:
        lines.append(f"  {g['field']}: {g['kind']} on {g['documents']} ({g['not_reviewed']})")
    return "\n".join(lines)


def _maybe(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _cell(score: dict) -> str:
    return f"{score['correct']}/{score['total']} {score['accuracy']:.3f}"
