"""Optional LLM extraction, driven through the real openai client against a local fake server."""

from __future__ import annotations

import datetime as dt
import json
import math
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pto_pipeline.domain.llm import (
    DEFAULT_MODEL,
    LLM_CONFIDENCE,
    LLM_UNGROUNDED_CONFIDENCE,
    LlmSettings,
    fields_needing_llm,
    llm_fill,
)

CONCRETE_TEXT = """ООО «БетонСтрой»
Документ о качестве бетонной смеси заданного качества партии № 26-000518
Декларация о соответствии ЕАЭС N RU Д-RU.РА01.В.71855/21
Дата отгрузки 19.03.2026
Бетонная смесь БСТ В25 П4 F150 W6 ГОСТ 7473-2010
Объём партии 12,5 м3
"""

# What the rules read from CONCRETE_TEXT: the date and the volume were missed.
RULE_FIELDS = {
    "doc_type": "quality_document",
    "doc_number": "26-000518",
    "issue_date": None,
    "valid_from": None,
    "valid_to": None,
    "manufacturer": "ООО «БетонСтрой»",
    "product_name": "Бетонная смесь БСТ В25 П4 F150 W6",
    "standard": "ГОСТ 7473-2010",
    "batch_number": "26-000518",
    "quantity": None,
    "unit": None,
}
RULE_CONFIDENCE = {name: 0.9 for name, value in RULE_FIELDS.items() if value is not None} | {
    "doc_type": 0.95
}

GOOD_ANSWER = {
    "doc_type": "quality_document",
    "doc_number": "ЕАЭС N RU Д-RU.РА01.В.71855/21",  # wrong, but the rules were sure
    "issue_date": "2026-03-19",
    "valid_from": None,
    "valid_to": None,
    "manufacturer": "БетонСтрой",
    "product_name": "Бетонная смесь",
    "standard": "ГОСТ 7473-2010",
    "batch_number": "26-000518",
    "quantity": 12.5,
    "unit": "м3",
}


class FakeChatServer:
    """OpenAI-compatible `POST /v1/chat/completions` on 127.0.0.1, one canned reply."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.content = json.dumps(GOOD_ANSWER, ensure_ascii=False)
        self.status = 200
        self.delay = 0.0
        self.release = threading.Event()  # cuts a slow reply short at teardown
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def reply(self, request: dict) -> tuple[int, dict]:
        if self.status != 200:
            return self.status, {"error": {"message": "boom", "type": "server_error"}}
        return 200, {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1_770_000_000,
            "model": request.get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self.content, "refusal": None},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        fake: FakeChatServer = self.server.fake  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path != "/v1/chat/completions":
            self._send(404, {"error": {"message": "not found"}})
            return
        request = json.loads(body)
        fake.requests.append(request)
        fake.headers.append({k.lower(): v for k, v in self.headers.items()})
        if fake.delay:
            fake.release.wait(fake.delay)
        self._send(*fake.reply(request))

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except ConnectionError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fake = FakeChatServer()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def settings(server: FakeChatServer, tmp_path: Path) -> LlmSettings:
    return LlmSettings(
        api_key="test-key",
        model="test-model",
        base_url=server.base_url,
        timeout=5.0,
        max_retries=0,
        cache_dir=tmp_path / "llm-cache",
    )


def fill(settings: LlmSettings, text: str = CONCRETE_TEXT, fields=None, confidence=None):
    return llm_fill(
        text,
        dict(RULE_FIELDS if fields is None else fields),
        dict(RULE_CONFIDENCE if confidence is None else confidence),
        settings,
    )


def assert_unchanged(fields: dict, confidence: dict) -> None:
    assert fields == RULE_FIELDS
    assert confidence == RULE_CONFIDENCE


# --- which fields are asked for ---------------------------------------------------------


def test_only_empty_or_unsure_applicable_fields_need_the_llm():
    # A batch document has no validity period, so empty valid_from/valid_to are fine.
    assert fields_needing_llm(RULE_FIELDS, RULE_CONFIDENCE) == ["issue_date", "quantity", "unit"]
    unsure = RULE_CONFIDENCE | {"manufacturer": 0.4}
    assert "manufacturer" in fields_needing_llm(RULE_FIELDS, unsure)


def test_unsure_doc_type_asks_for_every_missing_field():
    needed = fields_needing_llm(RULE_FIELDS, RULE_CONFIDENCE | {"doc_type": 0.3})
    assert needed[0] == "doc_type"
    assert {"valid_from", "valid_to", "issue_date"} <= set(needed)


def test_nan_from_a_dataframe_counts_as_empty():
    fields = RULE_FIELDS | {"quantity": math.nan, "issue_date": dt.date(2026, 3, 19)}
    confidence = RULE_CONFIDENCE | {"issue_date": 0.9, "unit": 0.9}
    assert fields_needing_llm(fields | {"unit": "м3"}, confidence) == ["quantity"]


# --- a good answer ------------------------------------------------------------------------


def test_good_answer_fills_only_the_missing_fields(server, settings):
    fields, confidence, note = fill(settings)

    assert fields["issue_date"] == dt.date(2026, 3, 19)
    assert fields["quantity"] == 12.5
    assert fields["unit"] == "м3"
    assert {confidence[n] for n in ("issue_date", "quantity", "unit")} == {LLM_CONFIDENCE}
    # Requisites the rules were sure of are kept, even where the model disagrees.
    for name in ("doc_number", "manufacturer", "product_name"):
        assert fields[name] == RULE_FIELDS[name]
        assert confidence[name] == RULE_CONFIDENCE[name]
    assert "issue_date" in note and "quantity" in note


def test_request_uses_structured_output_of_the_requisites_schema(server, settings):
    fill(settings)

    (request,) = server.requests
    assert request["model"] == "test-model"
    assert server.headers[0]["authorization"] == "Bearer test-key"
    response_format = request["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert response_format["json_schema"]["strict"] is True
    assert set(schema["required"]) == set(RULE_FIELDS)
    assert "quality_document" in schema["properties"]["doc_type"]["enum"]
    system, user = request["messages"]
    assert "Серия RU" in system["content"]  # the blank-number convention is explained
    assert "26-000518" in user["content"]


def test_number_not_in_the_text_is_filled_with_low_confidence(server, settings):
    server.content = json.dumps(GOOD_ANSWER | {"batch_number": "99-999999"})
    fields = RULE_FIELDS | {"batch_number": None}

    filled, confidence, _ = fill(settings, fields=fields)

    assert filled["batch_number"] == "99-999999"
    assert confidence["batch_number"] == LLM_UNGROUNDED_CONFIDENCE


def test_llm_does_not_override_a_rule_value_it_is_less_sure_of(server, settings):
    server.content = json.dumps(GOOD_ANSWER | {"batch_number": "99-999999"})
    confidence = RULE_CONFIDENCE | {"batch_number": 0.55}

    filled, new_confidence, _ = fill(settings, confidence=confidence)

    assert filled["batch_number"] == "26-000518"
    assert new_confidence["batch_number"] == 0.55


# --- cache -------------------------------------------------------------------------------


def test_cache_prevents_sending_the_same_text_twice(server, settings):
    first = fill(settings)
    second = fill(settings)

    assert len(server.requests) == 1
    assert first[:2] == second[:2]
    assert "cache" in second[2]
    (cache_file,) = settings.cache_dir.glob("*.json")
    assert json.loads(cache_file.read_text("utf-8"))["answer"]["issue_date"] == "2026-03-19"


def test_nothing_to_ask_sends_nothing(server, settings):
    complete = RULE_FIELDS | {"issue_date": dt.date(2026, 3, 19), "quantity": 12.5, "unit": "м3"}
    confidence = {name: 0.9 for name in complete}

    fields, _, note = fill(settings, fields=complete, confidence=confidence)
    _, _, blank_note = fill(settings, text="  \n")

    assert fields == complete and note is None
    assert "no text" in blank_note
    assert server.requests == []


# --- failures leave the rules' result untouched ---------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "Конечно! Вот реквизиты документа.",
        json.dumps(GOOD_ANSWER | {"doc_type": "passport"}),
        json.dumps(GOOD_ANSWER | {"issue_date": "19.03.2026"}),
        json.dumps(GOOD_ANSWER | {"quantity": "двенадцать"}),
    ],
    ids=["not-json", "unknown-doc-type", "non-iso-date", "text-quantity"],
)
def test_malformed_answer_keeps_fields_and_says_why(server, settings, content):
    server.content = content

    fields, confidence, note = fill(settings)

    assert_unchanged(fields, confidence)
    assert "schema" in note
    assert not list(settings.cache_dir.glob("*.json"))  # a bad answer is asked again next time


def test_http_error_keeps_fields(server, settings):
    server.status = 500

    fields, confidence, note = fill(settings)

    assert_unchanged(fields, confidence)
    assert "HTTP 500" in note


def test_slow_server_times_out_within_bounded_time(server, settings):
    server.delay = 5.0
    quick = LlmSettings(
        api_key="test-key",
        model="test-model",
        base_url=server.base_url,
        timeout=0.5,
        max_retries=0,
        cache_dir=settings.cache_dir,
    )

    started = time.monotonic()
    fields, confidence, note = fill(quick)

    assert time.monotonic() - started < 3.0
    assert_unchanged(fields, confidence)
    assert "timed out" in note


def test_unreachable_server_keeps_fields(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = LlmSettings(
        api_key="k", model="m", base_url=f"http://127.0.0.1:{port}/v1", timeout=2, max_retries=0
    )

    fields, confidence, note = fill(settings)

    assert_unchanged(fields, confidence)
    assert "connect" in note


# --- settings ------------------------------------------------------------------------------


def test_llm_is_off_without_api_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert LlmSettings.from_env() is None
    monkeypatch.setenv("OPENAI_API_KEY", "  ")
    assert LlmSettings.from_env() is None


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.delenv("PTO_LLM_MODEL", raising=False)
    monkeypatch.delenv("PTO_LLM_BASE_URL", raising=False)

    default = LlmSettings.from_env()
    assert (default.model, default.base_url, default.cache_dir) == (DEFAULT_MODEL, None, None)

    monkeypatch.setenv("PTO_LLM_MODEL", "qwen2.5")
    monkeypatch.setenv("PTO_LLM_BASE_URL", "http://localhost:11434/v1")
    custom = LlmSettings.from_env(cache_dir=tmp_path)
    assert (custom.model, custom.base_url, custom.cache_dir) == (
        "qwen2.5",
        "http://localhost:11434/v1",
        tmp_path,
    )
    assert "sk-secret" not in repr(custom)


# --- the document's status after the model filled its gaps -----------------------------


def test_document_whose_gaps_the_model_filled_is_regraded(server, settings, monkeypatch):
    import pandas as pd

    from pto_pipeline.domain.documents import build_documents
    from pto_pipeline.domain.tables import PAGE_COLUMNS

    text = (
        "ООО «БетонСтрой»\n"
        "Документ о качестве бетонной смеси заданного качества партии № 26-000518\n"
        "Отгружено девятнадцатого марта две тысячи двадцать шестого года\n"
        "Бетонная смесь БСТ В25 П4 F150 W6 ГОСТ 7473-2010\nОбъём партии 12,5 м3\n"
    )
    page = dict.fromkeys(PAGE_COLUMNS) | {
        "sha256": "a" * 64,
        "source_file": "паспорт.jpg",
        "page": 1,
        "pages": 1,
        "text": text,
        "text_source": "ocr",
        "ocr_confidence": 0.9,
        "status": "ok",
    }
    pages = pd.DataFrame([page], columns=PAGE_COLUMNS)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    without, _ = build_documents(pages)
    assert without.iloc[0]["status"] == "needs_review"
    assert "дата документа" in without.iloc[0]["error"]

    monkeypatch.setenv("OPENAI_API_KEY", settings.api_key)
    monkeypatch.setenv("PTO_LLM_BASE_URL", settings.base_url)
    monkeypatch.setenv("PTO_LLM_MODEL", settings.model)
    with_llm, _ = build_documents(pages, llm_cache_dir=settings.cache_dir)
    row = with_llm.iloc[0]
    assert row["issue_date"] == dt.date(2026, 3, 19)
    assert (row["status"], row["error"]) == ("ok", None)
