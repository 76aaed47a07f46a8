"""The two public registry web services behind the source interface (SPEC §11).

EAEU — the unified register of issued conformity certificates and registered
declarations of the Eurasian Economic Union, published by the Eurasian Economic
Commission as an open-data OData service. What was found from here (public clients on
GitHub that read it; the registry's own documentation pages could not be opened from
this workplace):
- `GET <base>/ConformityDocDetailsType?$filter=docId eq '<number>'&$top=N&$skip=M`,
  answer `{"value": [record, ...]}`, perhaps with `@odata.nextLink` for the next page;
  no authentication; clients use hosts `tech.eaeunion.org/odata` and
  `opendata.eaeunion.org/odata` (default here: the first);
- a record (structure ConformityDocDetailsType of the EEC's technological documents,
  Решение Коллегии ЕЭК от 10.05.2016 № 39): `docId` (registration number),
  `conformityDocKindName`, `docStartDate`, `docValidityDate` (ISO dates, sometimes
  `{"$date": ...}`), `docStatusDetails` {`docStatus` or `docStatusName` (word),
  `docStatusCode`, `startDate`, `endDate`, `noteText`}, `applicantDetails`
  {`businessEntityName`}, `technicalRegulationObjectDetails` {`manufacturerDetails`:
  [{`businessEntityName`}], `productDetails`: [{`productName`}]}.
Not verifiable from here: the exact casing of the entity set name, whether `eq` on
`docId` is exact, page sizes the server allows, and the status code list — public
clients disagree (one reads 02 as приостановлен and 03 as прекращён, another the
reverse). So the status word is taken from the record's text when present; of the codes
only `01` (действует, on which they agree) is trusted; any other bare code is `unknown`.

FSA — the Russian national registers of Rosaccreditation (pub.fsa.gov.ru), read through
the JSON service of its public web application. It is undocumented and changes without
notice. What public clients show:
- `POST <base>/login` with `{"username": ..., "password": ...}` returns the token in the
  `Authorization` response header (the web application logs in as an anonymous user
  whose password its JavaScript carries; it is not shipped here: set
  `PTO_REGISTRY_FSA_TOKEN`, or `PTO_REGISTRY_FSA_USER` / `PTO_REGISTRY_FSA_PASSWORD`);
- `GET <base>/api/v1/{rss|rds}/common/identifiers` → `{"status": {"<k>": {"id": 6,
  "name": "Действует"}, ...}}`, the status dictionary;
- certificates: `POST <base>/api/v1/rss/common/certificates/get`, declarations:
  `POST <base>/api/v1/rds/common/declarations/get`, body `{"size", "page" (from 0),
  "filter": {"columnsSearch": [{"name": "number", "search": <number>, "type": 0,
  "translated": false}]}, "columnsSort": [...]}`; answer `{"total": N, "items": [...]}`
  with `id`, `number`, `idStatus`, `date` / `declDate`, `endDate` / `declEndDate`,
  `applicantName`, `manufacterName` (sic), `productFullName`.
Not verifiable from here: the search `type` value (clients use 0 and 9), whether the
search is exact or a substring, and the date of the status change (the list items do
not carry it; a terminated document without that date is treated as void from its
start — the cautious reading).

Both: an answer that names only other numbers is not evidence of anything — not of
validity, and not of absence either — so it makes the number `unavailable`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pto_pipeline.domain.registry.records import (
    FOUND,
    NOT_FOUND,
    UNAVAILABLE,
    UNKNOWN,
    Lookup,
    RegistryRecord,
    number_key,
    parse_date,
    status_of_word,
)
from pto_pipeline.domain.registry.web import EvidenceStore, PoliteClient, Unavailable, json_of

log = logging.getLogger(__name__)

EAEU_DEFAULT_URL = "https://tech.eaeunion.org/odata"
FSA_DEFAULT_URL = "https://pub.fsa.gov.ru"
PAGE_SIZE = 20
MAX_PAGES = 5
TRIP_AFTER = 3  # numbers in a row without an answer: stop asking this service in this run


@dataclass
class WebSource:
    """A registry web service: evidence first, then the service; never raises."""

    client: PoliteClient
    evidence: EvidenceStore
    name: str = ""
    now: object = dt.datetime.now
    _misses: int = 0
    _tripped: str = ""
    findings: list = field(default_factory=list)

    def covers(self, number: str, doc_type: str = "") -> bool:
        return True

    def lookup(self, number: str, doc_type: str = "") -> Lookup:
        key = number_key(number)
        kept = self.evidence.fresh(number, key)
        if kept is not None:
            return kept
        if self._tripped:
            return Lookup(self.name, UNAVAILABLE, note=self._tripped)
        try:
            lookup, raw = self._ask(number, key, doc_type)
        except Unavailable as exc:
            lookup, raw = Lookup(self.name, UNAVAILABLE, note=str(exc)), None
        if lookup.outcome == UNAVAILABLE:
            self._misses += 1
            if self._misses >= TRIP_AFTER:
                self._tripped = f"сервис не отвечал {self._misses} раза подряд ({lookup.note})"
            log.warning("registry %s: no answer for %s: %s", self.name, number, lookup.note)
            return lookup
        self._misses = 0
        self.evidence.keep(number, key, lookup, raw)
        return lookup

    def close(self) -> None:
        self.client.close()

    def _ask(self, number: str, key: str, doc_type: str) -> tuple[Lookup, object]:
        raise NotImplementedError

    def _answer(self, key: str, records: list[RegistryRecord], raw: object) -> tuple:
        """found / not_found / unavailable from the records of every page."""
        now = self.now()
        mine = [r for r in records if number_key(r.number) == key]
        if mine:
            chosen = max(mine, key=lambda r: r.status_date or r.valid_from or dt.date.min)
            note = f"записей с этим номером: {len(mine)}" if len(mine) > 1 else ""
            return Lookup(self.name, FOUND, chosen, checked_at=now, note=note), raw
        if records:
            others = ", ".join(sorted({r.number for r in records})[:3])
            note = f"реестр вернул записи других номеров ({others})"
            return Lookup(self.name, UNAVAILABLE, checked_at=now, note=note), raw
        return Lookup(self.name, NOT_FOUND, checked_at=now), raw


# ---------------------------------------------------------------- EAEU (OData)

EAEU_ENTITY = "ConformityDocDetailsType"
EAEU_TRUSTED_CODES = {"01": "действует"}
_EAEU_PREFIXES = ("ЕАЭС", "EAEU", "ТС ", "TC ")


@dataclass
class EaeuSource(WebSource):
    name: str = "eaeu"

    def covers(self, number: str, doc_type: str = "") -> bool:
        """Only EAEU (and former Customs Union) documents are in the unified register."""
        text = str(number).strip().upper()
        return text.startswith(_EAEU_PREFIXES) or number_key(text).startswith(("EAЭC", "EAEU"))

    def _ask(self, number: str, key: str, doc_type: str) -> tuple[Lookup, object]:
        literal = number.strip().replace("'", "''")
        params = {"$filter": f"docId eq '{literal}'", "$top": str(PAGE_SIZE), "$skip": "0"}
        url: str | None = EAEU_ENTITY
        records: list[RegistryRecord] = []
        pages: list[object] = []
        for page in range(MAX_PAGES):
            payload = self.client.json("GET", url, params=params)
            if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
                raise Unavailable("ответ без списка записей (value)")
            pages.append(payload)
            items = payload["value"]
            records += [r for r in (_eaeu_record(i) for i in items) if r is not None]
            next_link = payload.get("@odata.nextLink")
            if next_link:
                url, params = self._same_service(str(next_link)), None
            elif len(items) >= PAGE_SIZE:
                params = {**params, "$skip": str((page + 1) * PAGE_SIZE)} if params else None
                if params is None:
                    break
            else:
                break
        return self._answer(key, records, pages)

    def _same_service(self, link: str) -> str:
        """A next-page link, only if it stays on the configured service."""
        parts, base = urlsplit(link), urlsplit(self.client.base_url)
        if parts.netloc and parts.netloc != base.netloc:
            raise Unavailable(f"ссылка на следующую страницу ведёт на другой сайт ({parts.netloc})")
        if not parts.netloc:
            return link
        path = parts.path
        if path.startswith(base.path):
            path = path[len(base.path.rstrip("/")) :]
        return path.lstrip("/") + (f"?{parts.query}" if parts.query else "")


def _eaeu_record(item: object) -> RegistryRecord | None:
    if not isinstance(item, dict) or not item.get("docId"):
        return None
    status = item.get("docStatusDetails") or {}
    status = status if isinstance(status, dict) else {}
    word = str(status.get("docStatus") or status.get("docStatusName") or "").strip()
    code = str(status.get("docStatusCode") or "").strip()
    if not word:
        word = EAEU_TRUSTED_CODES.get(code, f"код {code}" if code else "")
    state, canonical = status_of_word(word)
    objects = item.get("technicalRegulationObjectDetails") or {}
    objects = objects if isinstance(objects, dict) else {}
    applicant = item.get("applicantDetails") or {}
    return RegistryRecord(
        number=str(item["docId"]).strip(),
        status=state,
        status_word=canonical if state != UNKNOWN else word,
        status_date=parse_date(status.get("startDate")),
        valid_from=parse_date(item.get("docStartDate")),
        valid_to=parse_date(item.get("docValidityDate")),
        applicant=_text(applicant.get("businessEntityName") if isinstance(applicant, dict) else ""),
        manufacturer=_names(objects.get("manufacturerDetails"), "businessEntityName"),
        product=_names(objects.get("productDetails"), "productName"),
        kind=_text(item.get("conformityDocKindName")),
    )


def _text(value: object) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _names(items: object, key: str) -> str:
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return ""
    names = [_text(i.get(key)) for i in items if isinstance(i, dict)]
    return "; ".join(dict.fromkeys(n for n in names if n))


# ---------------------------------------------------------------- FSA (web app JSON)

_FSA_KINDS = {
    # doc_type -> (register path, date field, end date field, sort column)
    "conformity_certificate": ("rss", "certificates", "date", "endDate"),
    "conformity_declaration": ("rds", "declarations", "declDate", "declEndDate"),
}


@dataclass
class FsaSource(WebSource):
    name: str = "fsa"
    token: str = ""
    user: str = "anonymous"
    password: str = ""
    _statuses: dict = field(default_factory=dict)

    def _ask(self, number: str, key: str, doc_type: str) -> tuple[Lookup, object]:
        register, kind, date_field, end_field = _FSA_KINDS.get(
            doc_type, _FSA_KINDS["conformity_certificate"]
        )
        statuses = self._status_names(register)
        body = {
            "size": PAGE_SIZE,
            "page": 0,
            "filter": {
                "columnsSearch": [
                    {"name": "number", "search": number.strip(), "type": 0, "translated": False}
                ]
            },
            "columnsSort": [{"column": date_field, "sort": "DESC"}],
        }
        records: list[RegistryRecord] = []
        pages: list[object] = []
        for page in range(MAX_PAGES):
            url = f"api/v1/{register}/common/{kind}/get"
            payload = self._call("POST", url, {**body, "page": page})
            if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
                raise Unavailable("ответ без списка записей (items)")
            pages.append(payload)
            items = payload["items"]
            records += [
                r
                for r in (_fsa_record(i, statuses, date_field, end_field) for i in items)
                if r is not None
            ]
            total = payload.get("total")
            seen = (page + 1) * PAGE_SIZE
            if not items or not isinstance(total, int) or seen >= total:
                break
        return self._answer(key, records, pages)

    def _status_names(self, register: str) -> dict[str, str]:
        if register not in self._statuses:
            payload = self._call("GET", f"api/v1/{register}/common/identifiers")
            table = payload.get("status") if isinstance(payload, dict) else None
            names: dict[str, str] = {}
            if isinstance(table, dict):
                for k, v in table.items():
                    if isinstance(v, dict) and v.get("name"):
                        names[str(v.get("id", k))] = str(v["name"])
            self._statuses[register] = names
        return self._statuses[register]

    def _call(self, method: str, url: str, body: object = None) -> object:
        for _ in range(2):
            if not self.token:
                self.token = self._login()
            kwargs = {"headers": {"Authorization": self.token}}
            if body is not None:
                kwargs["json"] = body
            response = self.client.request(method, url, **kwargs)
            if response.status_code == 401:
                self.token = ""  # the session expired: log in again, once
                continue
            return json_of(response)
        raise Unavailable("сервис не принимает вход (HTTP 401)")

    def _login(self) -> str:
        response = self.client.request(
            "POST", "login", json={"username": self.user, "password": self.password}
        )
        token = response.headers.get("Authorization", "")
        if response.status_code >= 400 or not token:
            raise Unavailable(
                f"вход в сервис не удался (HTTP {response.status_code}): задайте "
                "PTO_REGISTRY_FSA_TOKEN или PTO_REGISTRY_FSA_USER / PTO_REGISTRY_FSA_PASSWORD"
            )
        return token


def _fsa_record(
    item: object, statuses: dict[str, str], date_field: str, end_field: str
) -> RegistryRecord | None:
    if not isinstance(item, dict) or not item.get("number"):
        return None
    status_id = str(item.get("idStatus", "")).strip()
    word = (
        statuses.get(status_id)
        or str(item.get("status") or "")
        or (f"код {status_id}" if status_id else "")
    )
    state, canonical = status_of_word(word)
    return RegistryRecord(
        number=str(item["number"]).strip(),
        status=state,
        status_word=canonical if state != UNKNOWN else word,
        valid_from=parse_date(item.get(date_field)),
        valid_to=parse_date(item.get(end_field)),
        applicant=_text(item.get("applicantName")),
        manufacturer=_text(item.get("manufacterName") or item.get("manufacturerName")),
        product=_text(item.get("productFullName")),
    )
