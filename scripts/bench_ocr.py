"""OCR speed benchmark: the plain tesseract CLI vs the `ocr_text` page engine, one run.

Generates ~100 synthetic scanned pages, then times, on the same page images and
the same number of parallel processes (PTO_WORKERS, default all cores):
  1. baseline: `tesseract <page> stdout -l rus+eng`, one process per page;
  2. ocr_text: our engine (decode, content hash, preprocessing, tesseract TSV, cache) cold;
  3. ocr_text again with the warm cache (an unchanged page is never OCRed twice).
Target: (2) <= 1.15 x (1).
A fourth line runs the CLI on the pages as our preprocessing leaves them (preprocessing
not timed): it separates the engine's own overhead from the extra text tesseract reads
once table rules are erased (the plain CLI drops ruled tables as pictures).

    .venv/bin/python scripts/bench_ocr.py [--pages 100] [--workers N] [--out bench_out]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pto_pipeline.corpus import render_bench_pages
from pto_pipeline.domain import ocr


def run_cli_baseline(pages: list[Path], workers: int, lang: str) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(page: Path) -> None:
        subprocess.run(
            ["tesseract", str(page), "stdout", "-l", lang],
            check=True,
            capture_output=True,
            env=env,
        )

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, pages))
    return time.monotonic() - started


def preprocess_to_files(pages: list[Path], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    prepared = []
    for page in pages:
        task = ocr.PageTask("bench", page.name, str(page), 1, 1, "image")
        target = out_dir / f"{page.stem}.pgm"
        ocr.preprocess(ocr.render_page(task)).save(target)
        prepared.append(target)
    return prepared


def run_engine(pages: list[Path], workers: int, lang: str, cache_dir: Path) -> float:
    sources = [ocr.SourceFile(hashlib.sha256(p.read_bytes()).hexdigest(), p.name, p) for p in pages]
    started = time.monotonic()
    tasks, failed = ocr.plan_pages(sources)
    rows = ocr.run_pages(tasks, ocr.OcrConfig(lang=lang, cache_dir=cache_dir), workers)
    elapsed = time.monotonic() - started
    bad = [r for r in rows + failed if r["status"] != "ok"]
    if bad:
        print(f"warning: {len(bad)} page(s) failed", file=sys.stderr)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("PTO_WORKERS", 0)) or os.cpu_count()
    )
    parser.add_argument("--lang", default=os.environ.get("PTO_OCR_LANG", "rus+eng"))
    parser.add_argument("--out", default=None, help="keep the pages here (default: temp)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    root = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="pto-bench-"))
    try:
        pages = render_bench_pages(root / "pages", n_pages=args.pages, seed=args.seed)
        print(f"{len(pages)} pages, {args.workers} parallel processes, lang {args.lang}")
        cli = run_cli_baseline(pages, args.workers, args.lang)
        print(f"tesseract CLI          {cli:8.1f} s  {len(pages) / cli:6.2f} pages/s")
        cold = run_engine(pages, args.workers, args.lang, root / "cache")
        print(
            f"ocr_text (cold cache)  {cold:8.1f} s  {len(pages) / cold:6.2f} pages/s  "
            f"ratio {cold / cli:.3f} (target <= 1.15)"
        )
        warm = run_engine(pages, args.workers, args.lang, root / "cache")
        print(f"ocr_text (warm cache)  {warm:8.1f} s  {len(pages) / warm:6.2f} pages/s")
        prepared = preprocess_to_files(pages, root / "prepared")
        cli_prepared = run_cli_baseline(prepared, args.workers, args.lang)
        print(
            f"tesseract CLI on preprocessed pages {cli_prepared:6.1f} s  "
            f"(ocr_text / this = {cold / cli_prepared:.3f})"
        )
    finally:
        if not args.out:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
