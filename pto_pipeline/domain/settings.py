"""Settings read from the environment (SPEC §8)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_LANG_RE = re.compile(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*")
MAX_WORKERS = 256
MAX_STEP_PAGES = 100_000
EXECUTORS = ("in_process", "celery")


class SettingsError(ValueError):
    """One or more environment settings are unusable; the message names each and the fix."""


def _read(name: str, default: T, parse: Callable[[str], T], expect: str, problems: list[str]) -> T:
    """The parsed variable, or its default when unset; a bad value is noted in `problems`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError:
        shown = raw if len(raw) <= 40 else raw[:39] + "…"
        problems.append(f"{name}={shown!r}: expected {expect}")
        return default


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(raw)
        return value

    return parse


def _seconds(minimum: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if not math.isfinite(value) or value < minimum:
            raise ValueError(raw)
        return value

    return parse


def _lang(raw: str) -> str:
    if not _LANG_RE.fullmatch(raw):
        raise ValueError(raw)
    return raw


def _executor(raw: str) -> str:
    if raw not in EXECUTORS:
        raise ValueError(raw)
    return raw


def executor_name() -> str:
    """`PTO_EXECUTOR`: in_process (default, one machine) or celery (deploy/celery/)."""
    raw = os.environ.get("PTO_EXECUTOR", "").strip()
    return raw if raw in EXECUTORS else "in_process"


def _data_dir(raw: str) -> Path:
    path = Path(raw).resolve()
    if path.exists() and not path.is_dir():
        raise ValueError(raw)
    return path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    ocr_lang: str
    workers: int
    ocr_page_timeout: float
    quiet_seconds: float
    # Pages per OCR step; 0 = every page of a project in one step (the embedded default,
    # one process pool). Under the Celery executor each step goes to a worker.
    ocr_step_pages: int = 0

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the environment; SettingsError names every unusable variable."""
        problems: list[str] = []
        settings = cls(
            data_dir=_read(
                "PTO_DATA_DIR", Path("./data").resolve(), _data_dir, "a folder path", problems
            ),
            ocr_lang=_read(
                "PTO_OCR_LANG", "rus+eng", _lang, "tesseract languages like rus+eng", problems
            ),
            workers=_read(
                "PTO_WORKERS",
                os.cpu_count() or 1,
                _int_in(1, MAX_WORKERS),
                f"a whole number from 1 to {MAX_WORKERS}",
                problems,
            ),
            ocr_page_timeout=_read(
                "PTO_OCR_PAGE_TIMEOUT", 120.0, _seconds(1.0), "seconds, at least 1", problems
            ),
            quiet_seconds=_read(
                "PTO_QUIET_SECONDS", 10.0, _seconds(0.0), "seconds, 0 or more", problems
            ),
            ocr_step_pages=_read(
                "PTO_OCR_STEP_PAGES",
                0,
                _int_in(0, MAX_STEP_PAGES),
                f"a whole number from 0 (one step) to {MAX_STEP_PAGES}",
                problems,
            ),
        )
        _read("PTO_EXECUTOR", "in_process", _executor, "in_process or celery", problems)
        if problems:
            raise SettingsError(
                "unusable environment settings: " + "; ".join(problems) + " (fix or unset them)"
            )
        return settings

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
