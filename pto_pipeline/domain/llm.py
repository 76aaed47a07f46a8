"""Optional LLM extraction: fill requisites the rules could not read (SPEC §4, §8).

Off unless `OPENAI_API_KEY` is set; the pipeline works fully without it. Any
OpenAI-compatible server can be used through `PTO_LLM_BASE_URL`.

How it is used: the rule-based extractor runs first; `fields_needing_llm` names
the requisites it left empty or unsure of, and only when there are some does
`llm_fill` ask the model. The model always extracts every requisite of the
text (so one cached answer serves any later question about that text), but only
the needed fields are taken from its answer.

Confidence of LLM values: `LLM_CONFIDENCE` (0.7) — above the 0.6 review
threshold, below what an exact rule match earns. A document number, batch
number or standard that cannot be found in the text (after folding Latin and
Cyrillic look-alikes) gets `LLM_UNGROUNDED_CONFIDENCE` (0.5) instead, so a
possibly invented number is flagged for review. An LLM value replaces a rule
value only when it carries a higher confidence.

Answers are cached as JSON files named by sha256(model, prompt version, text):
the same text is never sent twice, and a rebuild costs nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import openai
import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict, Field

from pto_pipeline.domain.fsutil import write_text_atomic
from pto_pipeline.domain.tables import REQUISITE_FIELDS
from pto_pipeline.domain.text import squash

LLM_CONFIDENCE = 0.7
LLM_UNGROUNDED_CONFIDENCE = 0.5
DEFAULT_MODEL = "gpt-4o-mini"
# Bump whenever the prompt or the schema changes: it invalidates cached answers.
PROMPT_VERSION = "requisites-v1"
# Long multi-page scans: the requisites are on the first pages; keep requests bounded.
MAX_TEXT_CHARS = 20_000
# Identifiers an LLM could invent; they must be visible in the text to be trusted.
GROUNDED_FIELDS = ("doc_number", "batch_number", "standard")

# Requisites a document of a given type does not carry (SPEC §4: a batch document
# has no validity period; certificates and declarations cover serial production).
NOT_APPLICABLE: dict[str, frozenset[str]] = {
    "quality_document": frozenset({"valid_from", "valid_to"}),
    "test_report": frozenset({"valid_from", "valid_to"}),
    "conformity_certificate": frozenset({"batch_number", "quantity", "unit"}),
    "conformity_declaration": frozenset({"batch_number", "quantity", "unit"}),
    "refusal_letter": frozenset({"valid_from", "batch_number", "quantity", "unit"}),
}

DocType = Literal[
    "conformity_certificate",
    "conformity_declaration",
    "quality_document",
    "refusal_letter",
    "test_report",
    "other",
]


# What the model must answer; its JSON schema is sent as structured output (no
# docstring on purpose: it would become the schema description the model reads).
class LlmRequisites(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_type: DocType = Field(description="Тип документа")
    doc_number: str | None = Field(None, description="Номер документа, как в тексте")
    issue_date: dt.date | None = Field(None, description="Дата выдачи/регистрации/отгрузки")
    valid_from: dt.date | None = Field(None, description="Начало срока действия")
    valid_to: dt.date | None = Field(None, description="Окончание срока действия")
    manufacturer: str | None = Field(None, description="Изготовитель")
    product_name: str | None = Field(None, description="Продукция с марками и классами")
    standard: str | None = Field(None, description="ГОСТ/ТУ/СТО продукции")
    batch_number: str | None = Field(None, description="Номер партии (плавки)")
    quantity: float | None = Field(None, description="Количество в партии, число")
    unit: str | None = Field(None, description="Единица измерения количества")


SYSTEM_PROMPT = """\
Ты извлекаешь реквизиты из распознанного (OCR) текста документа о качестве \
строительного материала для акта освидетельствования скрытых работ (АОСР). \
Ответь одним JSON-объектом строго по заданной схеме.

Поля:
- doc_type: conformity_certificate — сертификат соответствия (ЕАЭС, ГОСТ Р, \
добровольной сертификации); conformity_declaration — декларация о соответствии; \
quality_document — паспорт качества, документ о качестве, сертификат качества на партию; \
refusal_letter — отказное письмо (продукция не подлежит обязательной сертификации); \
test_report — протокол испытаний; other — иной документ.
- doc_number: номер документа (например «ЕАЭС RU С-RU.АЖ56.В.00954/21», \
«ЕАЭС N RU Д-RU.РА01.В.71855/21», «РОСС RU.АЯ52.Н10051», «26-000518», «Исх. № 118»).
- issue_date: дата выдачи, регистрации или отгрузки партии.
- valid_from, valid_to: срок действия («с … по … включительно») — у сертификатов, \
деклараций и отказных писем; у документов на партию и протоколов — null.
- manufacturer: изготовитель продукции (организация).
- product_name: наименование продукции с марками и классами \
(например «Бетонная смесь БСТ В25 П4 F150 W6», «Арматурный прокат А500С Ø16»).
- standard: ГОСТ, ТУ или СТО продукции (например «ГОСТ 7473-2010»).
- batch_number: номер партии (плавки) — у документов на партию.
- quantity, unit: количество в партии числом и единица (м3, т, шт, м2, м, кг).

Правила:
- Даты только в формате ГГГГ-ММ-ДД. «12.03.26» — это 2026-03-12; \
«12» марта 2026 г. — 2026-03-12. Номер партии вида «12/03-24» — не дата.
- Номер бланка («Серия RU № 0301122», «бланк №») — НЕ номер сертификата.
- Документ о качестве или паспорт на конкретную партию, в шапке которого указан номер \
декларации или сертификата завода, — это quality_document; его doc_number — номер \
самого документа о качестве (обычно номер партии), а не номер декларации.
- OCR путает похожие латинские и кириллические буквы (A/А, B/В, C/С, E/Е, H/Н, K/К, \
M/М, O/О, P/Р, T/Т, X/Х), «№» читается как «N», «Ne» или «М». Переписывай номера как \
в тексте, исправляя только такие очевидные ошибки распознавания.
- Ничего не выдумывай: если реквизита нет в тексте или он нечитаем, верни null.
"""

USER_TEMPLATE = "Текст документа:\n<<<\n{text}\n>>>"


@dataclass(frozen=True)
class LlmSettings:
    api_key: str | None = field(repr=False)  # never printed into logs
    model: str
    base_url: str | None
    timeout: float = 30.0
    max_retries: int = 2
    cache_dir: Path | None = None

    @classmethod
    def from_env(cls, cache_dir: Path | None = None) -> LlmSettings | None:
        """Settings from SPEC §8 variables; None (LLM off) when OPENAI_API_KEY is unset."""
        api_key = os.environ.get("OPENAI_API_KEY", "").strip()
        if not api_key:
            return None
        return cls(
            api_key=api_key,
            model=os.environ.get("PTO_LLM_MODEL", "").strip() or DEFAULT_MODEL,
            base_url=os.environ.get("PTO_LLM_BASE_URL", "").strip() or None,
            cache_dir=Path(cache_dir) if cache_dir is not None else None,
        )


class LlmFailure(Exception):
    """Why the model gave no usable answer (English, for logs)."""


def fields_needing_llm(
    fields: dict, confidence: dict[str, float], threshold: float = 0.6
) -> list[str]:
    """Requisites the rules left empty or below `threshold`, in REQUISITE_FIELDS order.

    When the document type itself is sure, requisites that type never carries
    (e.g. a validity period on a batch document) are not asked for.
    """
    unsure = [
        name
        for name in REQUISITE_FIELDS
        if _is_empty(fields.get(name)) or confidence.get(name, 0.0) < threshold
    ]
    if "doc_type" in unsure:
        return unsure
    skip = NOT_APPLICABLE.get(str(fields.get("doc_type")), frozenset())
    return [name for name in unsure if name not in skip]


def llm_fill(
    text: str,
    fields: dict,
    confidence: dict[str, float],
    settings: LlmSettings,
    logger: logging.Logger | None = None,
) -> tuple[dict, dict[str, float], str | None]:
    """Fill the requisites the rules missed from the model's answer; never raises.

    Returns new (fields, confidence, note). The note is None when nothing was
    needed, otherwise an English sentence for logs; on any failure (timeout, HTTP
    error, malformed or off-schema answer) the inputs come back unchanged.
    """
    log = logger or logging.getLogger(__name__)
    needed = fields_needing_llm(fields, confidence)
    if not needed:
        return dict(fields), dict(confidence), None
    if not text or not text.strip():
        return dict(fields), dict(confidence), "llm skipped: the document has no text"
    try:
        answer, cached = _answer(text[:MAX_TEXT_CHARS], settings, log)
    except LlmFailure as exc:
        note = f"llm gave no usable answer ({exc}); rule-based requisites kept"
        log.warning(note)
        return dict(fields), dict(confidence), note
    new_fields, new_confidence, filled = _merge(answer, needed, text, fields, confidence)
    source = "cache" if cached else f"model {settings.model}"
    note = (
        f"llm filled {', '.join(filled)} (from {source})"
        if filled
        else f"llm added nothing to {', '.join(needed)} (from {source})"
    )
    log.info(note)
    return new_fields, new_confidence, note


def cache_key(model: str, text: str) -> str:
    payload = json.dumps([model, PROMPT_VERSION, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _answer(text: str, settings: LlmSettings, log: logging.Logger) -> tuple[LlmRequisites, bool]:
    """The model's validated answer for `text` and whether it came from the cache."""
    cache_file = _cache_file(settings, text)
    cached = _read_cache(cache_file)
    if cached is not None:
        return cached, True
    answer = _ask_model(text, settings)
    if cache_file is not None:
        try:
            write_text_atomic(cache_file, _cache_payload(settings, answer))
        except OSError as exc:  # the answer is still good; only the next run pays again
            log.warning("llm answer not cached at %s: %s", cache_file, exc)
    return answer, False


def _cache_file(settings: LlmSettings, text: str) -> Path | None:
    if settings.cache_dir is None:
        return None
    return Path(settings.cache_dir) / f"{cache_key(settings.model, text)}.json"


def _read_cache(path: Path | None) -> LlmRequisites | None:
    """A cached answer, or None when absent or unreadable (then the model is asked again)."""
    if path is None or not path.is_file():
        return None
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return LlmRequisites.model_validate(payload["answer"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_payload(settings: LlmSettings, answer: LlmRequisites) -> str:
    payload = {
        "model": settings.model,
        "prompt_version": PROMPT_VERSION,
        "answer": answer.model_dump(mode="json"),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)


def _ask_model(text: str, settings: LlmSettings) -> LlmRequisites:
    """One structured-output chat completion; every failure becomes LlmFailure."""
    try:
        with openai.OpenAI(
            # A local OpenAI-compatible server may need no key; the client insists on one.
            api_key=settings.api_key or "unused",
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        ) as client:
            completion = client.chat.completions.parse(
                model=settings.model,
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": USER_TEMPLATE.format(text=text)},
                ],
                response_format=LlmRequisites,
            )
    except openai.APITimeoutError as exc:
        raise LlmFailure(f"request timed out after {settings.timeout:g} s") from exc
    except openai.APIStatusError as exc:
        raise LlmFailure(f"HTTP {exc.status_code} from the LLM server") from exc
    except openai.APIConnectionError as exc:
        raise LlmFailure(f"cannot connect to the LLM server: {exc}") from exc
    except pydantic.ValidationError as exc:
        raise LlmFailure(
            f"answer is not JSON of the requisites schema: {_first_error(exc)}"
        ) from exc
    except openai.OpenAIError as exc:
        raise LlmFailure(f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # a malformed response must not stop the build
        raise LlmFailure(f"unexpected {type(exc).__name__}: {exc}") from exc
    return _parsed(completion)


def _parsed(completion: Any) -> LlmRequisites:
    if not completion.choices:
        raise LlmFailure("answer has no choices")
    message = completion.choices[0].message
    if message.refusal:
        raise LlmFailure(f"model refused: {message.refusal}")
    if message.parsed is None:
        raise LlmFailure("answer is empty")
    return message.parsed


def _first_error(exc: pydantic.ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ())) or "answer"
    return f"{where}: {error.get('msg', '')}"


def _merge(
    answer: LlmRequisites,
    needed: list[str],
    text: str,
    fields: dict,
    confidence: dict[str, float],
) -> tuple[dict, dict[str, float], list[str]]:
    """Take needed fields from the answer where they beat the rules' confidence."""
    new_fields, new_confidence = dict(fields), dict(confidence)
    filled: list[str] = []
    for name in needed:
        value = _clean(getattr(answer, name))
        if value is None:
            continue
        score = _confidence_of(name, value, text)
        old = fields.get(name)
        if not _is_empty(old) and score <= confidence.get(name, 0.0):
            continue
        new_fields[name] = value
        new_confidence[name] = score
        if value != old:
            filled.append(name)
    return new_fields, new_confidence, filled


def _confidence_of(name: str, value: object, text: str) -> float:
    if name in GROUNDED_FIELDS and squash(str(value)) not in squash(text):
        return LLM_UNGROUNDED_CONFIDENCE
    return LLM_CONFIDENCE


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, float) and (not math.isfinite(value) or value <= 0):
        return None
    return value


def _is_empty(value: object) -> bool:
    """None, blank text, or a pandas/NumPy missing value (NaN, NA, NaT)."""
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or other non-scalar is a value
        return False
