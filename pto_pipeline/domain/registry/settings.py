"""Registry settings from the environment (SPEC §11) and the sources they name.

`PTO_REGISTRY` — comma list of `snapshot`, `eaeu`, `fsa`, or `off` (default `snapshot`:
offline; the network sources are opt-in). Sources are asked in that order; the first
that has the number answers. `snapshot` without any `registry/*.csv` is left out.
`PTO_REGISTRY_EAEU_URL`, `PTO_REGISTRY_FSA_URL` — base URLs (tests point them at a
local server). `PTO_REGISTRY_MAX_AGE_DAYS` (default 7) — how long a stored answer is
reused. `PTO_REGISTRY_TIMEOUT` (seconds per request, default 20),
`PTO_REGISTRY_MIN_INTERVAL` (seconds between two requests to one service, default 1).
`PTO_REGISTRY_FSA_TOKEN`, or `PTO_REGISTRY_FSA_USER` / `PTO_REGISTRY_FSA_PASSWORD`, for
the national registry's session.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from pathlib import Path

from pto_pipeline.domain.registry.services import (
    EAEU_DEFAULT_URL,
    FSA_DEFAULT_URL,
    EaeuSource,
    FsaSource,
)
from pto_pipeline.domain.registry.snapshot import SnapshotSource
from pto_pipeline.domain.registry.web import EvidenceStore, PoliteClient
from pto_pipeline.domain.settings import SettingsError

SOURCE_NAMES = ("snapshot", "eaeu", "fsa")


@dataclass(frozen=True)
class RegistrySettings:
    sources: tuple[str, ...] = ("snapshot",)
    eaeu_url: str = EAEU_DEFAULT_URL
    fsa_url: str = FSA_DEFAULT_URL
    max_age_days: float = 7.0
    timeout: float = 20.0
    min_interval: float = 1.0
    fsa_token: str = ""
    fsa_user: str = "anonymous"
    fsa_password: str = ""

    @classmethod
    def from_env(cls) -> RegistrySettings:
        env = os.environ
        problems = []
        raw = env.get("PTO_REGISTRY", "").strip().lower()
        names = tuple(n.strip() for n in raw.split(",") if n.strip()) or cls.sources
        if names == ("off",):
            names = ()
        unknown = [n for n in names if n not in SOURCE_NAMES]
        if unknown:
            problems.append(
                f"PTO_REGISTRY={raw!r}: unknown source(s) {', '.join(unknown)}; "
                "expected a comma list of snapshot, eaeu, fsa, or off"
            )
        numbers = {}
        for name, default, low in (
            ("PTO_REGISTRY_MAX_AGE_DAYS", cls.max_age_days, 0.0),
            ("PTO_REGISTRY_TIMEOUT", cls.timeout, 0.1),
            ("PTO_REGISTRY_MIN_INTERVAL", cls.min_interval, 0.0),
        ):
            text = env.get(name, "").strip()
            try:
                value = float(text) if text else default
                if not math.isfinite(value) or value < low:
                    raise ValueError(text)
            except ValueError:
                problems.append(f"{name}={text!r}: expected a number of at least {low:g}")
                value = default
            numbers[name] = value
        urls = {}
        for name, default in (
            ("PTO_REGISTRY_EAEU_URL", EAEU_DEFAULT_URL),
            ("PTO_REGISTRY_FSA_URL", FSA_DEFAULT_URL),
        ):
            url = env.get(name, "").strip() or default
            if not url.startswith(("http://", "https://")):
                problems.append(f"{name}={url!r}: expected an http(s) URL")
                url = default
            urls[name] = url
        if problems:
            raise SettingsError("unusable registry settings: " + "; ".join(problems))
        return cls(
            sources=tuple(dict.fromkeys(names)),
            eaeu_url=urls["PTO_REGISTRY_EAEU_URL"],
            fsa_url=urls["PTO_REGISTRY_FSA_URL"],
            max_age_days=numbers["PTO_REGISTRY_MAX_AGE_DAYS"],
            timeout=numbers["PTO_REGISTRY_TIMEOUT"],
            min_interval=numbers["PTO_REGISTRY_MIN_INTERVAL"],
            fsa_token=env.get("PTO_REGISTRY_FSA_TOKEN", "").strip(),
            fsa_user=env.get("PTO_REGISTRY_FSA_USER", "").strip() or "anonymous",
            fsa_password=env.get("PTO_REGISTRY_FSA_PASSWORD", ""),
        )


def build_sources(registry_dir: Path, settings: RegistrySettings, **client_options) -> list:
    """The configured sources in order; `client_options` go to every PoliteClient."""
    max_age = dt.timedelta(days=settings.max_age_days)
    options = {"timeout": settings.timeout, "min_interval": settings.min_interval}
    options |= client_options
    sources: list = []
    for name in settings.sources:
        if name == "snapshot":
            snapshot = SnapshotSource(registry_dir)
            # No snapshot files is no registry at all (the default on a fresh site): no
            # check, rather than every certificate "not found".
            if snapshot.files or snapshot.findings:
                sources.append(snapshot)
            continue
        evidence = EvidenceStore(registry_dir, name, max_age)
        if name == "eaeu":
            sources.append(EaeuSource(PoliteClient(settings.eaeu_url, **options), evidence))
        elif name == "fsa":
            client = PoliteClient(settings.fsa_url, **options)
            sources.append(
                FsaSource(
                    client,
                    evidence,
                    token=settings.fsa_token,
                    user=settings.fsa_user,
                    password=settings.fsa_password,
                )
            )
    return sources
