"""HTTP for the registry web services: polite, bounded, and never failing a build.

- a clear User-Agent naming the tool;
- a rate limit: at least `min_interval` seconds between two requests to one service;
- retries with exponential backoff on 5xx, 429 and transport errors (timeouts,
  refused connections), honouring `Retry-After` (seconds or an HTTP date) up to
  `max_wait`; a longer wait means the service is unavailable now;
- after `trip_after` numbers in a row for which a service did not answer, it is not
  asked again in this run (a dead registry must not hold a build for an hour).

Every answer is kept as evidence (`EvidenceStore`): a JSON file per source and number
with the date of the answer, written atomically, reused while younger than
`PTO_REGISTRY_MAX_AGE_DAYS`. A file that does not parse is asked again, never trusted.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from pto_pipeline.domain.fsutil import write_text_atomic
from pto_pipeline.domain.registry.records import FOUND, NOT_FOUND, Lookup, RegistryRecord

log = logging.getLogger(__name__)

USER_AGENT = (
    "pto-pipeline/0.1 (as-built documentation checker of a construction contractor; "
    "looks up conformity certificates and declarations one number at a time)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Unavailable(Exception):
    """The service gave no usable answer; the message (Russian) says why."""


@dataclass
class PoliteClient:
    """An httpx client with the rate limit, retries and backoff described above."""

    base_url: str
    timeout: float = 20.0
    attempts: int = 4
    backoff: float = 1.0  # first wait; doubles each retry
    max_wait: float = 60.0
    min_interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    transport: httpx.BaseTransport | None = None
    waits: list[float] = field(default_factory=list)  # every pause taken, for the logs
    _last: float | None = None
    _client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url.rstrip("/") + "/",
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                transport=self.transport,
                follow_redirects=False,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        """The response of the first attempt that is neither 5xx/429 nor a transport error."""
        problem = ""
        for attempt in range(self.attempts):
            self._pace()
            try:
                response = self.client.request(method, url.lstrip("/"), **kwargs)
            except httpx.TimeoutException:
                problem = f"нет ответа за {self.timeout:g} с"
                wait = self.backoff * 2**attempt
            except httpx.TransportError as exc:
                problem = f"сетевая ошибка ({type(exc).__name__})"
                wait = self.backoff * 2**attempt
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                problem = f"HTTP {response.status_code}"
                wait = max(self.backoff * 2**attempt, _retry_after(response) or 0.0)
            if attempt + 1 < self.attempts:
                if wait > self.max_wait:
                    raise Unavailable(f"{problem}, сервис просит подождать {wait:.0f} с")
                self._pause(wait)
        raise Unavailable(f"{problem} после {self.attempts} попыток")

    def json(self, method: str, url: str, **kwargs) -> object:
        return json_of(self.request(method, url, **kwargs))

    def _pace(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.min_interval:
            self._pause(self.min_interval - (now - self._last))
        self._last = self.clock()

    def _pause(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.sleep(seconds)


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# ---------------------------------------------------------------- evidence


@dataclass
class EvidenceStore:
    """Answers of one source under `registry/evidence/<source>/<key>.json`."""

    root: Path
    source: str
    max_age: dt.timedelta
    now: Callable[[], dt.datetime] = dt.datetime.now

    def path(self, number: str) -> Path:
        digest = hashlib.sha256(number.encode("utf-8")).hexdigest()[:24]
        return Path(self.root) / "evidence" / self.source / f"{digest}.json"

    def fresh(self, number: str, key: str) -> Lookup | None:
        """The stored answer for `number` when it is younger than max_age and sound."""
        path = self.path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            answered = dt.datetime.fromisoformat(data["answered_at"])
            outcome = data["outcome"]
            if data["key"] != key or outcome not in (FOUND, NOT_FOUND):
                raise ValueError("evidence for another number")
            record = RegistryRecord.from_json(data["record"]) if outcome == FOUND else None
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("registry evidence %s is unusable (%s): asking again", path, exc)
            return None
        if self.now() - answered > self.max_age:
            return None
        return Lookup(self.source, outcome, record, checked_at=answered, note="ответ из архива")

    def keep(self, number: str, key: str, lookup: Lookup, raw: object) -> None:
        """Store a found / not-found answer with its date and the raw response."""
        if lookup.outcome not in (FOUND, NOT_FOUND):
            return
        data = {
            "source": self.source,
            "number": number,
            "key": key,
            "answered_at": (lookup.checked_at or self.now()).isoformat(timespec="seconds"),
            "outcome": lookup.outcome,
            "record": lookup.record.as_json() if lookup.record else None,
            "raw": raw,
        }
        write_text_atomic(self.path(key), json.dumps(data, ensure_ascii=False, indent=1))


def json_of(response) -> object:
    """The answer's JSON; an error status or a body that is not JSON is no answer."""
    if response.status_code >= 400:
        raise Unavailable(f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise Unavailable("ответ не в формате JSON") from exc
