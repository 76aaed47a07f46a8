"""The EAEU and national registry clients against local servers speaking their protocols.

The real client code (httpx, retries, backoff, evidence) runs; only the pauses are
recorded instead of slept, so a test never waits for a backoff.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from pto_pipeline.domain.registry.records import (
    FOUND,
    NOT_FOUND,
    SUSPENDED,
    TERMINATED,
    UNAVAILABLE,
    UNKNOWN,
    VALID,
)
from pto_pipeline.domain.registry.services import PAGE_SIZE, EaeuSource, FsaSource
from pto_pipeline.domain.registry.web import USER_AGENT, EvidenceStore, PoliteClient
from pto_pipeline_tests.registry_servers import (
    eaeu_answer,
    eaeu_record,
    fsa_answer,
    fsa_item,
    serve,
)

CERT = "ЕАЭС RU С-RU.ДА52.В.88583/24"
GOST_R = "РОСС RU.ЛЛ67.Н75242"


def _client(url: str, sleeps: list[float], **kw) -> PoliteClient:
    options = {"timeout": 0.5, "attempts": 3, "backoff": 0.25, "min_interval": 0.0}
    return PoliteClient(url, sleep=sleeps.append, **(options | kw))


def _eaeu(url: str, tmp_path: Path, sleeps: list[float], **kw) -> EaeuSource:
    evidence = EvidenceStore(tmp_path, "eaeu", dt.timedelta(days=7))
    return EaeuSource(_client(f"{url}/odata", sleeps, **kw), evidence)


def _fsa(url: str, tmp_path: Path, sleeps: list[float], **kw) -> FsaSource:
    evidence = EvidenceStore(tmp_path, "fsa", dt.timedelta(days=7))
    return FsaSource(_client(url, sleeps, **kw), evidence)


@pytest.fixture
def eaeu():
    with serve(eaeu_answer) as (url, registry):
        yield url, registry


@pytest.fixture
def fsa():
    with serve(fsa_answer) as (url, registry):
        yield url, registry


# ---------------------------------------------------------------- EAEU


def test_eaeu_good_answer_is_read_and_kept_as_evidence(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.records = [eaeu_record(CERT, "Прекращён", status_date="2026-04-01")]
    source = _eaeu(url, tmp_path, [])
    answer = source.lookup(CERT)
    assert answer.outcome == FOUND
    record = answer.record
    assert (record.status, record.status_word) == (TERMINATED, "прекращён")
    assert record.status_date == dt.date(2026, 4, 1)
    assert (record.valid_from, record.valid_to) == (dt.date(2024, 9, 12), dt.date(2027, 9, 11))
    assert record.manufacturer == "ООО «Сталь»" and "А500С" in record.product
    method, path, headers, _ = registry.requests[0]
    assert method == "GET" and f"docId eq '{CERT}'" in unquote_plus(path)
    assert headers["User-Agent"] == USER_AGENT
    # Stored with its date, reused while fresh: the server is not asked again.
    files = list((tmp_path / "evidence" / "eaeu").glob("*.json"))
    assert len(files) == 1
    stored = json.loads(files[0].read_text(encoding="utf-8"))
    assert stored["number"] == CERT and stored["outcome"] == FOUND and stored["answered_at"]
    assert stored["raw"][0]["value"][0]["docId"] == CERT
    again = _eaeu(url, tmp_path, []).lookup(CERT)
    assert again.outcome == FOUND and again.record == record
    assert len(registry.requests) == 1


def test_eaeu_not_found_is_an_empty_answer(eaeu, tmp_path: Path) -> None:
    url, _ = eaeu
    assert _eaeu(url, tmp_path, []).lookup(CERT).outcome == NOT_FOUND


@pytest.mark.parametrize("next_link", [False, True])
def test_eaeu_pages_are_followed(eaeu, tmp_path: Path, next_link: bool) -> None:
    """A number with a long history: the latest decision is on the second page."""
    url, registry = eaeu
    registry.use_next_link = next_link
    old = [eaeu_record(CERT, "действует", status_date=f"2024-10-{d:02d}") for d in range(1, 21)]
    registry.records = [*old, eaeu_record(CERT, "приостановлен", status_date="2026-02-03")]
    assert len(old) == PAGE_SIZE
    answer = _eaeu(url, tmp_path, []).lookup(CERT)
    assert answer.record.status == SUSPENDED
    assert answer.record.status_date == dt.date(2026, 2, 3)
    assert len(registry.requests) == 2


def test_eaeu_429_honours_retry_after(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.records = [eaeu_record(CERT)]
    registry.faults = [(429, {"Retry-After": "7"}, b"{}")]
    sleeps: list[float] = []
    answer = _eaeu(url, tmp_path, sleeps).lookup(CERT)
    assert answer.outcome == FOUND
    assert sleeps == [7.0]


def test_eaeu_retry_after_beyond_the_limit_is_unavailable(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.records = [eaeu_record(CERT)]
    registry.faults = [(429, {"Retry-After": "3600"}, b"{}")]
    sleeps: list[float] = []
    answer = _eaeu(url, tmp_path, sleeps).lookup(CERT)
    assert answer.outcome == UNAVAILABLE and "3600" in answer.note
    assert sleeps == []  # it did not sit out an hour
    assert not list(tmp_path.rglob("*.json"))  # no answer, nothing kept as evidence


def test_eaeu_5xx_then_success_backs_off_exponentially(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.records = [eaeu_record(CERT)]
    registry.faults = [(503, {}, b"busy"), (502, {}, b"busy")]
    sleeps: list[float] = []
    assert _eaeu(url, tmp_path, sleeps).lookup(CERT).outcome == FOUND
    assert sleeps == [0.25, 0.5]


def test_eaeu_5xx_every_time_is_unavailable(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.faults = [(500, {}, b"")] * 3
    answer = _eaeu(url, tmp_path, []).lookup(CERT)
    assert answer.outcome == UNAVAILABLE and "HTTP 500" in answer.note


def test_eaeu_hanging_server_is_unavailable_after_the_timeout(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.hang.set()
    source = _eaeu(url, tmp_path, [], timeout=0.2, attempts=2)
    answer = source.lookup(CERT)
    assert answer.outcome == UNAVAILABLE and "нет ответа" in answer.note
    # After a few numbers without an answer the service is not asked again in this run.
    for _ in range(3):
        source.lookup(CERT)
    asked = len(registry.requests)
    assert source.lookup(CERT).outcome == UNAVAILABLE
    assert len(registry.requests) == asked


def test_eaeu_malformed_json_is_unavailable(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.raw_body = b'{"value": [{"docId": '
    answer = _eaeu(url, tmp_path, []).lookup(CERT)
    assert answer.outcome == UNAVAILABLE and "JSON" in answer.note


def test_eaeu_answer_for_another_number_is_rejected(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.records = [eaeu_record(CERT)]
    registry.rewrite_number = "ЕАЭС RU С-RU.ДА52.В.88584/24"
    answer = _eaeu(url, tmp_path, []).lookup(CERT)
    assert answer.outcome == UNAVAILABLE and answer.record is None
    assert "других номеров" in answer.note
    assert not list(tmp_path.rglob("*.json"))


def test_eaeu_bare_status_code_other_than_01_is_unknown(eaeu, tmp_path: Path) -> None:
    """Public clients disagree on what 02 and 03 mean: never guess, never valid."""
    url, registry = eaeu
    registry.records = [eaeu_record(CERT, "", code="03")]
    record = _eaeu(url, tmp_path, []).lookup(CERT).record
    assert record.status == UNKNOWN and record.status_word == "код 03"


def test_eaeu_covers_only_eaeu_numbers(tmp_path: Path) -> None:
    source = _eaeu("http://127.0.0.1:9", tmp_path, [])
    assert source.covers(CERT) and source.covers("EAЭC N RU Д-RU.РА01.В.71471/24")
    assert not source.covers(GOST_R)


def test_corrupt_evidence_is_asked_again(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.records = [eaeu_record(CERT)]
    source = _eaeu(url, tmp_path, [])
    source.lookup(CERT)
    [path] = (tmp_path / "evidence" / "eaeu").glob("*.json")
    path.write_text('{"outcome": "found", "record": ', encoding="utf-8")
    assert _eaeu(url, tmp_path, []).lookup(CERT).record.status == VALID
    assert len(registry.requests) == 2
    json.loads(path.read_text(encoding="utf-8"))  # rewritten whole


def test_stale_evidence_is_asked_again(eaeu, tmp_path: Path) -> None:
    url, registry = eaeu
    registry.records = [eaeu_record(CERT)]
    _eaeu(url, tmp_path, []).lookup(CERT)
    source = _eaeu(url, tmp_path, [])
    source.evidence.now = lambda: dt.datetime.now() + dt.timedelta(days=8)
    source.lookup(CERT)
    assert len(registry.requests) == 2


# ---------------------------------------------------------------- FSA


def test_fsa_logs_in_maps_status_ids_and_reads_the_item(fsa, tmp_path: Path) -> None:
    url, registry = fsa
    registry.records = [fsa_item(GOST_R, 1)]
    answer = _fsa(url, tmp_path, []).lookup(GOST_R, "conformity_certificate")
    assert answer.outcome == FOUND
    record = answer.record
    assert (record.status, record.status_word) == (VALID, "архивный")
    assert (record.valid_from, record.valid_to) == (dt.date(2023, 2, 1), dt.date(2026, 1, 31))
    assert record.manufacturer == "ООО «Кровля»" and record.product == "Праймер битумный"
    paths = [(m, p) for m, p, _, _ in registry.requests]
    assert paths == [
        ("POST", "/login"),
        ("GET", "/api/v1/rss/common/identifiers"),
        ("POST", "/api/v1/rss/common/certificates/get"),
    ]
    body = json.loads(registry.requests[-1][3])
    assert body["filter"]["columnsSearch"][0] == {
        "name": "number",
        "search": GOST_R,
        "type": 0,
        "translated": False,
    }


def test_fsa_declarations_use_their_register(fsa, tmp_path: Path) -> None:
    url, registry = fsa
    number = "ЕАЭС N RU Д-RU.РА01.В.71471/24"
    registry.records = [fsa_item(number, 14, date="2024-05-12", end="2029-05-11")]
    record = _fsa(url, tmp_path, []).lookup(number, "conformity_declaration").record
    assert record.status == TERMINATED and record.valid_to == dt.date(2029, 5, 11)
    assert registry.requests[-1][1] == "/api/v1/rds/common/declarations/get"


def test_fsa_not_found(fsa, tmp_path: Path) -> None:
    url, _ = fsa
    assert _fsa(url, tmp_path, []).lookup(GOST_R).outcome == NOT_FOUND


def test_fsa_pages_until_the_number_is_found(fsa, tmp_path: Path) -> None:
    """A substring search: similar numbers first, the exact one on page 2."""
    url, registry = fsa
    similar = [fsa_item(f"{GOST_R}{i}", 6, id=i) for i in range(PAGE_SIZE)]
    registry.records = [*similar, fsa_item(GOST_R, 15, id=99)]
    record = _fsa(url, tmp_path, []).lookup(GOST_R).record
    assert record.number == GOST_R and record.status == SUSPENDED


def test_fsa_expired_session_logs_in_again(fsa, tmp_path: Path) -> None:
    url, registry = fsa
    registry.records = [fsa_item(GOST_R)]
    registry.expire_token_once = True
    assert _fsa(url, tmp_path, []).lookup(GOST_R).outcome == FOUND
    assert [p for _, p, _, _ in registry.requests].count("/login") == 2


def test_fsa_429_and_5xx_then_success(fsa, tmp_path: Path) -> None:
    url, registry = fsa
    registry.records = [fsa_item(GOST_R)]
    registry.faults = [(429, {"Retry-After": "2"}, b""), (500, {}, b"")]
    sleeps: list[float] = []
    assert _fsa(url, tmp_path, sleeps, attempts=4).lookup(GOST_R).outcome == FOUND
    assert sleeps == [2.0, 0.5]


def test_fsa_hanging_server_is_unavailable(fsa, tmp_path: Path) -> None:
    url, registry = fsa
    registry.hang.set()
    answer = _fsa(url, tmp_path, [], timeout=0.2, attempts=1).lookup(GOST_R)
    assert answer.outcome == UNAVAILABLE


def test_fsa_malformed_json_is_unavailable(fsa, tmp_path: Path) -> None:
    url, registry = fsa
    registry.raw_body = b"<html>maintenance</html>"
    answer = _fsa(url, tmp_path, []).lookup(GOST_R)
    assert answer.outcome == UNAVAILABLE


def test_fsa_answer_for_another_number_is_rejected(fsa, tmp_path: Path) -> None:
    url, registry = fsa
    registry.records = [fsa_item(GOST_R)]
    registry.rewrite_number = "РОСС RU.ЛЛ67.Н75243"
    answer = _fsa(url, tmp_path, []).lookup(GOST_R)
    assert answer.outcome == UNAVAILABLE and answer.record is None
