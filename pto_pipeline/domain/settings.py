"""Settings read from the environment (SPEC §8)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    ocr_lang: str
    workers: int
    ocr_page_timeout: float
    quiet_seconds: float

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            data_dir=Path(os.environ.get("PTO_DATA_DIR", "./data")).resolve(),
            ocr_lang=os.environ.get("PTO_OCR_LANG", "rus+eng").strip() or "rus+eng",
            workers=_positive_int("PTO_WORKERS", os.cpu_count() or 1),
            ocr_page_timeout=float(_positive_int("PTO_OCR_PAGE_TIMEOUT", 120)),
            quiet_seconds=float(os.environ.get("PTO_QUIET_SECONDS", "10") or 10),
        )

    @property
    def projects_dir(self) -> Path:
        return self.data_dir / "projects"

    @property
    def output_dir(self) -> Path:
        return self.data_dir / "output"

    @property
    def store_dir(self) -> Path:
        """Immutable content-addressed copies of every inbox file."""
        return self.data_dir / "store"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    def state_dir(self, code: str) -> Path:
        """Small bookkeeping files of a project (first-seen ledger, fingerprints)."""
        return self.data_dir / "state" / code

    def project_dir(self, code: str) -> Path:
        return self.projects_dir / code

    def project_output(self, code: str) -> Path:
        return self.output_dir / code
