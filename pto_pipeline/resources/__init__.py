"""Dagster resources: settings from the environment (SPEC §8)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pto_pipeline.domain.settings import Settings
from pto_pipeline.stale_runs import tag_run_owner


class PtoSettings(dg.ConfigurableResource):
    """Where the data root is and how OCR runs; empty fields fall back to the environment."""

    data_dir: str = ""
    ocr_lang: str = ""
    workers: int = 0
    quiet_seconds: float = -1.0

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Every run names its process, so a later build can tell if it died (SIGKILL).
        if context.instance is not None and context.dagster_run is not None:
            tag_run_owner(context.instance, context.dagster_run)

    def load(self) -> Settings:
        env = Settings.from_env()
        return Settings(
            data_dir=Path(self.data_dir).resolve() if self.data_dir else env.data_dir,
            ocr_lang=self.ocr_lang or env.ocr_lang,
            workers=self.workers or env.workers,
            ocr_page_timeout=env.ocr_page_timeout,
            quiet_seconds=self.quiet_seconds if self.quiet_seconds >= 0 else env.quiet_seconds,
            ocr_step_pages=env.ocr_step_pages,
        )
