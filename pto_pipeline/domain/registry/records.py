"""What a conformity registry says about one document number (SPEC §11).

The registries print a status word; the pipeline works with five statuses
(`valid`, `terminated`, `suspended`, `not_found`, `unavailable`) plus `unknown` for a
word it does not know. An unknown word is never taken for `valid`.

Mapping of the registry's words, and why:
- действует, возобновлён → valid (возобновлён: resumed after a suspension);
- прекращён → terminated from the status date on;
- приостановлен → suspended from the status date on (it may resume, but while it is
  suspended the material has no valid certificate);
- аннулирован → terminated, and void from the start: an annulled certificate or
  declaration is one that should never have been issued or registered, so every act
  that uses it is affected, whatever the date of the annulment;
- архивный → valid within its registered term: the registry moves a document to the
  archive when its term ends; the term itself (registry valid_to) is compared with the
  scan, and expiry is judged by the dates as for any document (SPEC §5).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from pto_pipeline.domain.text import fold, squash

VALID, TERMINATED, SUSPENDED = "valid", "terminated", "suspended"
NOT_FOUND, UNAVAILABLE, UNKNOWN = "not_found", "unavailable", "unknown"
STATUSES = (VALID, TERMINATED, SUSPENDED, NOT_FOUND, UNAVAILABLE, UNKNOWN)
INVALID_STATUSES = frozenset({TERMINATED, SUSPENDED})

# Status words as the registries print them, folded (see `status_key`), by their stem.
_WORD_STEMS: tuple[tuple[str, str, str], ...] = (
    # stem (folded), status, canonical word; the invalid ones first, so that
    # "действие прекращено" is terminated, not valid
    ("АННУЛИР", TERMINATED, "аннулирован"),
    ("ПРЕКРАЩ", TERMINATED, "прекращён"),
    ("ПРИОСТАНОВ", SUSPENDED, "приостановлен"),
    ("АРХИВ", VALID, "архивный"),
    ("ВОЗОБНОВ", VALID, "возобновлён"),
    ("ДЕИСТВ", VALID, "действует"),
)
ANNULLED_WORD = "аннулирован"


def status_key(word: str) -> str:
    """A status word folded to Cyrillic capitals without ё/й differences."""
    text = str(word or "").strip().upper().replace("Ё", "Е").replace("Й", "И")
    return re.sub(r"[^А-Я]", "", text)


def status_of_word(word: str) -> tuple[str, str]:
    """(status, canonical word) of a registry status word; (`unknown`, word) when unknown.

    "недействителен" / "не действует" are not "действует": a negation is never valid.
    """
    key = status_key(word)
    if not key or key.startswith("НЕ"):
        return UNKNOWN, str(word or "").strip()
    for stem, status, canonical in _WORD_STEMS:
        if stem in key:
            return status, canonical
    return UNKNOWN, str(word or "").strip()


_NUMBER_SIGN = re.compile(r"№|\bNO\b\.?|\bN\b")


def number_key(number: str) -> str:
    """Comparison key of a registration number: look-alike letters, spaces, № ignored.

    `ЕАЭС N RU Д-RU.РА01.В.12345/22`, `ЕАЭС RU Д-RU.PA01.B.12345/22` and an OCR'd
    `EAЭC N RU Д-RU.РА01.В.12345/22` have one key.
    """
    return squash(_NUMBER_SIGN.sub(" ", fold(str(number or ""))))


@dataclass(frozen=True)
class RegistryRecord:
    """One registry entry, whatever source it came from."""

    number: str
    status: str  # valid | terminated | suspended | unknown
    status_word: str = ""  # as the registry printed it
    status_date: dt.date | None = None  # the day the status took effect
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    applicant: str = ""
    manufacturer: str = ""
    product: str = ""
    kind: str = ""  # certificate / declaration, as the registry names it

    @property
    def annulled(self) -> bool:
        return status_of_word(self.status_word)[1] == ANNULLED_WORD

    @property
    def invalid_from(self) -> dt.date | None:
        """First day the document is not valid because of its registry status.

        None for a valid or unknown status. Annulled, or terminated / suspended without
        a date: void from its start (date.min when the start is not known either).
        """
        if self.status not in INVALID_STATUSES:
            return None
        if self.annulled or self.status_date is None:
            return self.valid_from or dt.date.min
        return self.status_date

    def as_json(self) -> dict:
        out = asdict(self)
        for key in ("status_date", "valid_from", "valid_to"):
            out[key] = out[key].isoformat() if out[key] else None
        return out

    @classmethod
    def from_json(cls, data: dict) -> RegistryRecord:
        values = {k: data.get(k) for k in cls.__dataclass_fields__}
        for key in ("status_date", "valid_from", "valid_to"):
            values[key] = dt.date.fromisoformat(values[key]) if values[key] else None
        for key in ("status_word", "applicant", "manufacturer", "product", "kind"):
            values[key] = str(values[key] or "")
        if values["status"] not in STATUSES or not values["number"]:
            raise ValueError("not a registry record")
        return cls(**values)


@dataclass(frozen=True)
class Lookup:
    """A source's answer for one number."""

    source: str
    outcome: str  # found | not_found | unavailable
    record: RegistryRecord | None = None
    checked_at: dt.datetime | None = None  # when the registry answered (evidence date)
    note: str = ""  # Russian: why unavailable, or how a choice was made
    extra: dict = field(default_factory=dict)


FOUND = "found"


def parse_date(value: object) -> dt.date | None:
    """A date from `ДД.ММ.ГГГГ`, ISO (`2024-05-12`, `2024-05-12T00:00:00Z`) or `{"$date": …}`."""
    if isinstance(value, dict):
        value = value.get("$date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for pattern, size in (("%d.%m.%Y", 10), ("%Y-%m-%d", 10)):
        try:
            return dt.datetime.strptime(text[:size], pattern).date()
        except ValueError:
            continue
    return None
