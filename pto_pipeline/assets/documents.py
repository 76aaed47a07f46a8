"""Document assets: raw_documents → ocr_text → requisites (SPEC §9)."""

import sys
import time

import dagster as dg
import pandas as pd
from tqdm import tqdm

from pto_pipeline.assets.checks import CHECKS_BY_ASSET, run_checks
from pto_pipeline.assets.common import findings_metadata, preview, projects_partitions
from pto_pipeline.domain import inbox, ocr
from pto_pipeline.domain.corrections import FILE_NAME as CORRECTIONS
from pto_pipeline.domain.corrections import apply_field_corrections, read_corrections
from pto_pipeline.domain.documents import build_documents, document_findings
from pto_pipeline.domain.project_card import load_project_card
from pto_pipeline.domain.scratch import clean_stale_temp, system_temp
from pto_pipeline.domain.settings import Settings, executor_name
from pto_pipeline.domain.tables import PAGE_COLUMNS
from pto_pipeline.resources import PtoSettings

GROUP = "documents"


@dg.asset(
    partitions_def=projects_partitions,
    group_name=GROUP,
    description="Every inbox file: hash, content-addressed copy, status "
    "(processed / duplicate / unsupported / failed).",
    kinds={"python", "file"},
)
def raw_documents(context: dg.AssetExecutionContext, pto: PtoSettings) -> dict:
    settings = pto.load()
    code = context.partition_key
    project_dir = settings.project_dir(code)
    if not project_dir.is_dir():
        # Deleted or moved while its build waited in the queue: build nothing, so the
        # marts keep the project's last state instead of an empty one.
        raise dg.Failure(
            description=f"project folder {project_dir} no longer exists (deleted or moved "
            "while the build was queued); nothing was built, earlier outputs are kept",
            allow_retries=False,
        )
    out = settings.project_output(code)
    # Temp files of a build that was killed: each names its (now dead) owner process.
    removed = clean_stale_temp(
        [
            system_temp(),
            settings.store_dir,
            out,
            out / "acts",
            out / "package",
            settings.state_dir(code),
        ]
    )
    if removed:
        context.log.warning(
            "removed %d temporary file(s) left by a killed build: %s",
            len(removed),
            ", ".join(p.name for p in removed[:10]),
        )
    ledger_path = settings.state_dir(code) / "first_seen.json"
    previous = inbox.load_first_seen(ledger_path)
    result = inbox.ingest_inbox(
        project_dir,
        settings.data_dir,
        settings.store_dir,
        now=time.time(),
        quiet_seconds=settings.quiet_seconds,
        previous_first_seen=previous,
    )
    files = result.files
    inbox.save_first_seen(ledger_path, files)
    if result.skipped_unstable:
        context.log.info(
            "skipped %d file(s) still being written: %s",
            len(result.skipped_unstable),
            ", ".join(result.skipped_unstable[:10]),
        )
    findings, meta = findings_metadata(result.findings, code)
    status_counts = files["status"].value_counts().to_dict() if not files.empty else {}
    context.add_output_metadata(
        {
            "files": len(files),
            **{f"status_{s}": int(status_counts.get(s, 0)) for s in _FILE_STATUSES},
            "still_writing": len(result.skipped_unstable),
            "bytes": int(files["size_bytes"].sum()) if not files.empty else 0,
            "preview": preview(files, ["source_file", "status", "size_bytes", "sha256"]),
            **meta,
        }
    )
    return {"files": files, "findings": findings}


_FILE_STATUSES = ("processed", "duplicate", "unsupported", "failed")


def _ocr_config(settings: Settings) -> ocr.OcrConfig:
    return ocr.OcrConfig(
        lang=settings.ocr_lang,
        page_timeout=settings.ocr_page_timeout,
        cache_dir=settings.cache_dir,
    )


@dg.op(
    out={
        "batches": dg.DynamicOut(dict, description="page tasks of one OCR step"),
        "unreadable": dg.Out(list, description="rows of files that cannot be opened"),
    },
    description="Counts the pages of every processed file and cuts them into batches of "
    "PTO_OCR_STEP_PAGES pages (0: one batch), one OCR step each.",
)
def ocr_plan(context: dg.OpExecutionContext, pto: PtoSettings, raw_documents: dict):
    settings = pto.load()
    files = raw_documents["files"]
    processed = files[files["status"] == "processed"]
    sources = [
        ocr.SourceFile(row.sha256, row.source_file, settings.data_dir / row.stored_path)
        for row in processed.itertuples()
    ]
    tasks, failed_rows = ocr.plan_pages(sources)
    starts = step_starts(len(tasks), settings.ocr_step_pages)
    context.log.info(
        "OCR: %d file(s), %d page(s) in %d step(s)", len(sources), len(tasks), len(starts)
    )
    yield dg.Output(failed_rows, output_name="unreadable")
    for start, stop in zip(starts, [*starts[1:], len(tasks)], strict=True):
        # Always one step, even without pages: the join (and the asset) must run.
        yield dg.DynamicOutput(
            {"start": start, "tasks": tasks[start:stop]},
            mapping_key=f"p{start + 1:06d}",
            output_name="batches",
        )


def step_starts(n_tasks: int, step_pages: int) -> list[int]:
    """First task index of every OCR step: one step when `step_pages` is 0."""
    if step_pages <= 0 or n_tasks <= step_pages:
        return [0]
    return list(range(0, n_tasks, step_pages))


@dg.op(
    # Under the Celery executor the `ocr` pool caps the OCR steps running at once
    # (deploy/celery: sized to the workers' slots); embedded builds claim no slot.
    pool="ocr" if executor_name() == "celery" else None,
    description="OCR of one batch of pages: text layer or tesseract, on PTO_WORKERS processes.",
)
def ocr_pages(context: dg.OpExecutionContext, pto: PtoSettings, batch: dict) -> dict:
    settings = pto.load()
    tasks = batch["tasks"]
    context.log.info("OCR step: %d page(s), %d worker(s)", len(tasks), settings.workers)
    started = time.monotonic()
    with _ProgressReporter(context, len(tasks)) as progress:
        rows = ocr.run_pages(tasks, _ocr_config(settings), settings.workers, on_progress=progress)
    return {"start": batch["start"], "rows": rows, "seconds": time.monotonic() - started}


@dg.op(description="Joins the OCR steps' pages, in file and page order, into one table.")
def ocr_join(
    context: dg.OpExecutionContext, pto: PtoSettings, unreadable: list, readings: list
) -> dict:
    config = _ocr_config(pto.load())
    readings = sorted(readings, key=lambda r: r["start"])
    rows = unreadable + [row for reading in readings for row in reading["rows"]]
    pages = pd.DataFrame(rows, columns=[*PAGE_COLUMNS, "cached"])
    ocred = pages[(pages["text_source"] == "ocr") & (pages["status"] == "ok")]
    context.add_output_metadata(
        {
            "pages": len(pages),
            "pages_text_layer": int((pages["text_source"] == "text_layer").sum()),
            "pages_ocr": len(ocred),
            "pages_from_cache": int(pages["cached"].sum()),
            "pages_failed": int((pages["status"] == "failed").sum()),
            "mean_ocr_confidence": float(ocred["ocr_confidence"].mean()) if len(ocred) else 0.0,
            "ocr_steps": len(readings),
            # Summed over the steps (they may have run on several machines at once).
            "seconds": round(sum(r["seconds"] for r in readings), 1),
            "engine": config.cache_tag,
            "preview": preview(
                pages.assign(text=pages["text"].str.slice(0, 60).str.replace("\n", " ")),
                ["source_file", "page", "text_source", "ocr_confidence", "status", "text"],
            ),
        }
    )
    return {"pages": pages.drop(columns=["cached"])}


@dg.graph_asset(
    partitions_def=projects_partitions,
    group_name=GROUP,
    description="Text of every page: the PDF text layer when sane, else tesseract OCR "
    "(cached by page content hash). Pages are read in steps of PTO_OCR_STEP_PAGES, so "
    "the Celery executor spreads one project over every worker.",
    kinds={"python", "tesseract"},
)
def ocr_text(raw_documents: dict) -> dict:
    batches, unreadable = ocr_plan(raw_documents)
    return ocr_join(unreadable, batches.map(ocr_pages).collect())


class _ProgressReporter:
    """tqdm bar on stderr (pages N/M, rate, time left) plus a log line every ~10 %."""

    def __init__(self, context: dg.AssetExecutionContext, total: int) -> None:
        self.context = context
        self.total = total
        self.next_log = 0
        self.bar = tqdm(total=total, unit="page", desc="OCR", file=sys.stderr, mininterval=0.5)

    def __enter__(self) -> "_ProgressReporter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()

    def __call__(self, progress: ocr.OcrProgress) -> None:
        self.bar.update(progress.done - self.bar.n)
        if progress.done >= self.next_log or progress.done == progress.total:
            rate = progress.done / progress.elapsed if progress.elapsed else 0.0
            left = (progress.total - progress.done) / rate if rate else 0.0
            self.context.log.info(
                "OCR pages %d/%d (%d from cache), %.2f pages/s, ~%.0f s left",
                progress.done,
                progress.total,
                progress.cached,
                rate,
                left,
            )
            self.next_log = progress.done + max(1, self.total // 10)


@dg.asset(
    partitions_def=projects_partitions,
    group_name=GROUP,
    description="Requisites of every document (SPEC §4): type, number, dates, manufacturer, "
    "product, standard, batch, quantity, each with a confidence.",
    kinds={"python"},
    check_specs=CHECKS_BY_ASSET["requisites"],
)
def requisites(
    context: dg.AssetExecutionContext, pto: PtoSettings, raw_documents: dict, ocr_text: dict
):
    settings = pto.load()
    documents, doc_findings = build_documents(
        ocr_text["pages"], llm_cache_dir=settings.cache_dir / "llm"
    )
    # The engineer's corrections replace what was read (SPEC §5a); a corrected document
    # is graded again, so its own MISSING_REQUISITE goes once the answers close it.
    corrections = read_corrections(settings.project_dir(context.partition_key) / CORRECTIONS)
    documents, stale = apply_field_corrections(documents, raw_documents["files"], corrections)
    corrected = _corrected_ids(documents)
    doc_findings = [f for f in doc_findings if f.document_id not in corrected]
    doc_findings += document_findings(documents[documents["document_id"].isin(corrected)])
    doc_findings += corrections.findings + stale
    if corrections.fields:
        context.log.info(
            "corrections.xlsx: %d field answer(s), %d document(s) corrected, %d stale",
            len(corrections.fields),
            len(corrected),
            len(stale),
        )
    findings, meta = findings_metadata(doc_findings, context.partition_key)
    counts = documents["status"].value_counts().to_dict() if not documents.empty else {}
    types = documents["doc_type"].value_counts().to_dict() if not documents.empty else {}
    value = {"documents": documents, "findings": findings}
    yield dg.Output(
        value,
        metadata={
            "documents": len(documents),
            **{f"status_{s}": int(counts.get(s, 0)) for s in ("ok", "needs_review", "failed")},
            "doc_types": dg.MetadataValue.json({str(k): int(v) for k, v in types.items()}),
            "corrected_documents": len(corrected),
            "preview": preview(
                documents,
                ["source_file", "doc_type", "doc_number", "issue_date", "valid_to", "status"],
            ),
            **meta,
        },
    )
    card, _ = load_project_card(settings.project_dir(context.partition_key) / "project.yaml")
    yield from run_checks("requisites", value, card)


def _corrected_ids(documents: pd.DataFrame) -> set[str]:
    if documents.empty:
        return set()
    marked = documents["corrected_fields"].fillna("").astype(str) != ""
    return set(documents.loc[marked, "document_id"])
