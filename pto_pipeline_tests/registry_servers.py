"""Local HTTP servers that speak the registry services' protocols (tests only).

The shapes are the ones the clients in pto_pipeline/domain/registry/services.py were
written against (see that module's docstring for where they come from). Each server
runs in a thread of the test process on 127.0.0.1; nothing reaches the internet.
A test may queue `faults` (status, headers, body) returned before the real answer, or
set `hang` to hold every request until the test ends.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Registry:
    """What a fake registry holds and how it misbehaves."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.faults: list[tuple[int, dict, bytes]] = []
        self.hang = threading.Event()  # set: requests hang until `release` is set
        self.release = threading.Event()
        self.requests: list[tuple[str, str, dict, bytes]] = []
        self.rewrite_number: str | None = None  # answer with this number instead
        self.raw_body: bytes | None = None  # answer these bytes with 200 (malformed JSON)
        self.use_next_link = False
        self.token = "Bearer session-1"
        self.expire_token_once = False


def _json(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _handler(registry: Registry, answer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            registry.requests.append((method, self.path, dict(self.headers), body))
            if registry.hang.is_set():
                registry.release.wait(10)
                return
            if registry.faults:
                status, headers, payload = registry.faults.pop(0)
            elif registry.raw_body is not None:
                status, headers, payload = 200, {}, registry.raw_body
            else:
                status, headers, payload = answer(registry, method, self.path, self.headers, body)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@contextmanager
def serve(answer) -> Iterator[tuple[str, Registry]]:
    registry = Registry()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(registry, answer))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", registry
    finally:
        registry.release.set()
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- EAEU OData


def eaeu_answer(registry: Registry, method: str, path: str, headers, body: bytes):
    parts = urlsplit(path)
    if method != "GET" or not parts.path.endswith("/odata/ConformityDocDetailsType"):
        return 404, {}, _json({"error": "not found"})
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    match = re.fullmatch(r"docId eq '(.*)'", query.get("$filter", ""))
    if not match:
        return 400, {}, _json({"error": "bad filter"})
    number = match.group(1).replace("''", "'")
    found = [r for r in registry.records if r["docId"] == number]
    if registry.rewrite_number:
        found = [{**r, "docId": registry.rewrite_number} for r in found]
    top, skip = int(query.get("$top", 100)), int(query.get("$skip", 0))
    page = found[skip : skip + top]
    out: dict = {"value": page}
    if registry.use_next_link and skip + top < len(found):
        nxt = dict(query, **{"$skip": str(skip + top)})
        link = "/odata/ConformityDocDetailsType?" + "&".join(f"{k}={v}" for k, v in nxt.items())
        out["@odata.nextLink"] = f"http://{headers['Host']}{link}"
    return 200, {}, _json(out)


def eaeu_record(number: str, status: str = "действует", **kw) -> dict:
    return {
        "docId": number,
        "conformityDocKindName": "Сертификат соответствия",
        "docStartDate": kw.get("start", "2024-09-12T00:00:00"),
        "docValidityDate": {"$date": kw.get("end", "2027-09-11T00:00:00Z")},
        "docStatusDetails": {
            "docStatus": status,
            "docStatusCode": kw.get("code", ""),
            "startDate": kw.get("status_date", "2024-09-12"),
        },
        "applicantDetails": {"businessEntityName": kw.get("applicant", "ООО «Сталь»")},
        "technicalRegulationObjectDetails": {
            "manufacturerDetails": [{"businessEntityName": kw.get("maker", "ООО «Сталь»")}],
            "productDetails": [{"productName": kw.get("product", "Прокат арматурный А500С")}],
        },
    }


# ---------------------------------------------------------------- FSA web-app JSON

FSA_STATUSES = {
    "status": {
        "a": {"id": 6, "name": "Действует"},
        "b": {"id": 14, "name": "Прекращён"},
        "c": {"id": 15, "name": "Приостановлен"},
        "d": {"id": 1, "name": "Архивный"},
    }
}


def fsa_answer(registry: Registry, method: str, path: str, headers, body: bytes):
    if path == "/login" and method == "POST":
        return 200, {"Authorization": registry.token}, _json({})
    if headers.get("Authorization") != registry.token:
        return 401, {}, _json({"message": "Access Denied"})
    if registry.expire_token_once:
        registry.expire_token_once = False
        registry.token = "Bearer session-2"
        return 401, {}, _json({"message": "Access Denied"})
    if re.fullmatch(r"/api/v1/(rss|rds)/common/identifiers", path) and method == "GET":
        return 200, {}, _json(FSA_STATUSES)
    kind = re.fullmatch(r"/api/v1/(rss|rds)/common/(certificates|declarations)/get", path)
    if not kind or method != "POST":
        return 404, {}, _json({"message": "not found"})
    request = json.loads(body)
    search = request["filter"]["columnsSearch"][0]["search"]
    found = [r for r in registry.records if search in r["number"]]
    if registry.rewrite_number:
        found = [{**r, "number": registry.rewrite_number} for r in found]
    size, page = request["size"], request["page"]
    return 200, {}, _json({"total": len(found), "items": found[page * size : (page + 1) * size]})


def fsa_item(number: str, id_status: int = 6, **kw) -> dict:
    return {
        "id": kw.get("id", 1),
        "number": number,
        "idStatus": id_status,
        "date": kw.get("date", "2023-02-01"),
        "endDate": kw.get("end", "2026-01-31"),
        "declDate": kw.get("date", "2023-02-01"),
        "declEndDate": kw.get("end", "2026-01-31"),
        "applicantName": kw.get("applicant", "ООО «Кровля»"),
        "manufacterName": kw.get("maker", "ООО «Кровля»"),
        "productFullName": kw.get("product", "Праймер битумный"),
    }
