"""`pto-pipeline` command line (SPEC §8): init, build, demo, eval, ui, sql.

Exit codes: 0 success (findings are data, not failures), 1 the run failed,
2 bad usage or an unusable project (the message says what to fix).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE = 0, 1, 2
REPO_ROOT = Path(__file__).resolve().parent.parent


class UsageError(Exception):
    """Bad arguments or an unusable project; the message tells the user what to fix."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    from pto_pipeline.domain.registry.settings import RegistrySettings
    from pto_pipeline.domain.settings import Settings, SettingsError

    try:
        Settings.from_env()  # every command: a bad setting is a clear message, exit 2
        RegistrySettings.from_env()
        return args.handler(args)
    except (UsageError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pto-pipeline",
        description="As-built documentation (АОСР) pipeline on Dagster.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "init", help="scaffold projects/<code>/ with project.yaml, works.xlsx, inbox/"
    )
    p.add_argument("code")
    p.add_argument(
        "--from-rd",
        metavar="FOLDER",
        default=None,
        help="copy the working documentation's PDFs into rd/ and draft the Материалы sheet "
        "from their specifications",
    )
    p.set_defaults(handler=cmd_init)
    p = sub.add_parser("build", help="build one project in the Dagster instance at $DAGSTER_HOME")
    p.add_argument("code")
    p.set_defaults(handler=cmd_build)
    p = sub.add_parser("demo", help="write the synthetic sample project and build it")
    p.add_argument("--code", default="demo")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(handler=cmd_demo)
    p = sub.add_parser("eval", help="accuracy report of requisites on a fresh synthetic corpus")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--documents", type=int, default=40)
    p.add_argument("--out", default=None, help="keep the corpus in this folder")
    p.add_argument(
        "--coverage-seeds",
        default="0,1,2",
        help="seeds of the sample project whose coverage verdicts are scored "
        "(comma-separated; empty to skip)",
    )
    p.add_argument("--no-requisites", action="store_true", help="score coverage only")
    p.add_argument(
        "--unseen-layouts",
        action="store_true",
        help="score requisites on layouts reserved for evaluation beside the development "
        "layouts (same corpus size; --seed is the development corpus's seed)",
    )
    p.add_argument(
        "--unseen-seed", type=int, default=None, help="seed of the reserved-layout corpus"
    )
    p.set_defaults(handler=cmd_eval)
    p = sub.add_parser("ui", help="start the Dagster UI and daemon (dagster dev) on this project")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(handler=cmd_ui)
    p = sub.add_parser(
        "sql", help="query the analysts' marts read-only (interactive shell without QUERY)"
    )
    p.add_argument("query", nargs="?", help="SQL to run, e.g. 'SELECT * FROM marts.acts'")
    p.set_defaults(handler=cmd_sql)
    return parser


# --- environment -------------------------------------------------------------


def ensure_dagster_home() -> Path:
    """$DAGSTER_HOME, defaulting to ./dagster_home, with a dagster.yaml in it."""
    home = Path(os.environ.get("DAGSTER_HOME") or "dagster_home").resolve()
    os.environ["DAGSTER_HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(REPO_ROOT / "dagster.yaml", config)
    return home


def _settings():
    from pto_pipeline.domain.settings import Settings

    return Settings.from_env()


def _check_code(code: str) -> None:
    from pto_pipeline.domain.inbox import is_valid_project_code

    if not is_valid_project_code(code):
        raise UsageError(
            f"invalid project code {code!r}: use 1-64 characters a-z, 0-9, '_' or '-', "
            "starting with a letter or digit (e.g. 'zhk-kazan-2')"
        )


# --- init ----------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from pto_pipeline.domain.scaffold import scaffold_project

    _check_code(args.code)
    settings = _settings()
    project_dir = settings.project_dir(args.code)
    if (project_dir / "project.yaml").exists():
        raise UsageError(f"project {args.code!r} already exists at {project_dir}")
    from_rd = getattr(args, "from_rd", None)
    if from_rd is not None and not Path(from_rd).is_dir():
        raise UsageError(f"--from-rd: folder {from_rd} not found")
    if from_rd is not None and (project_dir / "works.xlsx").exists():
        raise UsageError(
            f"{project_dir / 'works.xlsx'} already exists: --from-rd drafts a new register "
            "and never overwrites one"
        )
    scaffold_project(project_dir)
    print(f"created {project_dir}")
    if from_rd is not None:
        drafted = _draft_from_rd(settings, project_dir, Path(from_rd))
        print(f"  Материалы: {drafted} line(s) drafted from the specifications in rd/")
    print("  1. fill in project.yaml (organisations, representatives)")
    print("  2. fill in works.xlsx (sheets «Работы» and «Материалы»)")
    print("  3. put scans of quality documents into inbox/")
    print(f"  4. pto-pipeline build {args.code}")
    return EXIT_OK


def _draft_from_rd(settings, project_dir: Path, source: Path) -> int:
    from pto_pipeline.domain import ocr
    from pto_pipeline.domain.design.draft import copy_rd, write_register_draft
    from pto_pipeline.domain.design.sheets import read_design

    copies = copy_rd(source, project_dir / "rd")
    print(f"  rd/: {len(copies)} PDF file(s)")
    config = ocr.OcrConfig(
        lang=settings.ocr_lang, page_timeout=settings.ocr_page_timeout, cache_dir=settings.cache_dir
    )
    reading = read_design(project_dir / "rd", config, settings.workers)
    for finding in reading.findings:
        print(f"  ! {finding.source_file}: {finding.message}")
    return write_register_draft(project_dir / "works.xlsx", reading.lines)


# --- build ---------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    _check_code(args.code)
    settings = _settings()
    project_dir = settings.project_dir(args.code)
    if not project_dir.is_dir():
        raise UsageError(
            f"project folder {project_dir} not found: create it with "
            f"`pto-pipeline init {args.code}` (PTO_DATA_DIR={settings.data_dir})"
        )
    if not (project_dir / "project.yaml").is_file():
        raise UsageError(
            f"{project_dir / 'project.yaml'} is missing: every project needs a project card "
            f"(`pto-pipeline init` writes a template)"
        )
    return build_project(args.code)


def build_project(code: str) -> int:
    from pto_pipeline.build import run_build
    from pto_pipeline.instance_init import ensure_instance_ready

    home = ensure_dagster_home()
    if note := ensure_instance_ready(home):
        print(note, file=sys.stderr)
    print(f"building project {code!r} in the Dagster instance at {home}", file=sys.stderr)
    outcome = run_build(code)
    print(outcome.summary)
    return EXIT_OK if outcome.success else EXIT_RUN_FAILED


# --- demo ----------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from pto_pipeline.corpus import generate_project

    _check_code(args.code)
    settings = _settings()
    manifest = generate_project(settings.data_dir, code=args.code, seed=args.seed)
    print(f"sample project written to {settings.project_dir(args.code)}", file=sys.stderr)
    del manifest
    return build_project(args.code)


# --- eval ----------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace) -> int:
    from pto_pipeline.evaluation import (
        UNSEEN_SEED,
        run_accuracy_report,
        run_coverage_report,
        run_unseen_layouts_report,
    )

    out = Path(args.out) if args.out else None
    if args.documents < 1:
        raise UsageError(f"--documents: {args.documents} is not a positive number of documents")
    if args.unseen_layouts:
        report, _ = run_unseen_layouts_report(
            seed=args.seed,
            unseen_seed=UNSEEN_SEED if args.unseen_seed is None else args.unseen_seed,
            n_documents=args.documents,
            out_dir=out,
            workers=_settings().workers,
        )
        print(report)
        return EXIT_OK
    try:
        seeds = [int(s) for s in args.coverage_seeds.split(",") if s.strip()]
    except ValueError as exc:
        raise UsageError(
            f"--coverage-seeds: {args.coverage_seeds!r} is not a list of integers"
        ) from exc
    if not args.no_requisites:
        print(
            run_accuracy_report(
                seed=args.seed,
                n_documents=args.documents,
                out_dir=out / "requisites" if out else None,
                workers=_settings().workers,
            )
        )
    if seeds:
        report, _ = run_coverage_report(
            seeds, out / "coverage" if out else None, workers=_settings().workers
        )
        print(report)
    return EXIT_OK


# --- ui ------------------------------------------------------------------------


def cmd_ui(args: argparse.Namespace) -> int:
    home = ensure_dagster_home()
    dagster = shutil.which("dagster") or str(Path(sys.executable).parent / "dagster")
    cmd = [dagster, "dev", "-w", str(REPO_ROOT / "workspace.yaml"), "-p", str(args.port)]
    print(f"DAGSTER_HOME={home}; PTO_DATA_DIR={_settings().data_dir}", file=sys.stderr)
    os.execv(cmd[0], cmd)
    return EXIT_OK  # pragma: no cover - execv does not return


# --- sql -----------------------------------------------------------------------


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from pto_pipeline.domain.marts import database_path
    from pto_pipeline.sql_shell import main_query

    path = database_path(_settings().data_dir)
    if not path.is_file():
        raise UsageError(
            f"no marts at {path} yet: build a project first "
            "(`pto-pipeline build <code>` or `pto-pipeline demo`), or set PTO_DATA_DIR"
        )
    try:
        return main_query(path, args.query)
    except duckdb.Error as exc:
        raise UsageError(str(exc).splitlines()[0]) from exc


def entrypoint() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entrypoint()
