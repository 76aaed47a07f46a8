"""Completeness validation with Great Expectations 1.x (ephemeral, pandas).

Two suites feed the Dagster asset checks: `validate_requisites` (the documents
table) and `validate_coverage` (one row per material line and document; it
fails while any line is not covered). Results come back as a small plain
`ValidationSummary` that turns into check metadata.

Importing Great Expectations takes seconds (pandas, scipy, altair, sqlalchemy);
building the context afterwards takes milliseconds. Both happen lazily, once
per process, and the context and batch definitions are reused by every call.
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

DOC_TYPES = [
    "conformity_certificate",
    "conformity_declaration",
    "quality_document",
    "refusal_letter",
    "test_report",
    "other",
]
DOC_STATUSES = ["ok", "needs_review", "failed"]
TEXT_SOURCES = ["text_layer", "ocr"]
COVERAGE_STATUSES = ["covered", "expired", "doc_after_work", "unconfirmed", "missing"]
MAX_EXAMPLES = 5

_DOCUMENT_KEYS = ["document_id", "source_file"]
_COVERAGE_KEYS = ["act_number", "material"]
_DOCUMENT_DATES = ["issue_date", "valid_from", "valid_to"]
_COVERAGE_DATES = ["doc_date", "valid_to"]


@dataclass(frozen=True)
class ValidationSummary:
    success: bool
    evaluated: int
    failed: list[dict[str, Any]] = field(default_factory=list)
    statistics: dict[str, Any] = field(default_factory=dict)

    def as_metadata(self) -> dict[str, Any]:
        """JSON-ready form for asset check metadata."""
        return asdict(self)


def validate_requisites(documents: pd.DataFrame, today: date | None = None) -> ValidationSummary:
    """Expectations on the documents table (tables.DOCUMENT_COLUMNS)."""
    today = today or date.today()
    ex = _gx().expectations
    ok = _column("status") == "ok"
    expectations = [
        ex.ExpectColumnValuesToNotBeNull(
            column="document_id", description="У каждого документа есть идентификатор"
        ),
        ex.ExpectColumnValuesToBeUnique(
            column="document_id", description="Каждый документ учтён один раз"
        ),
        ex.ExpectColumnValuesToBeInSet(
            column="status", value_set=DOC_STATUSES, description="Статус документа допустим"
        ),
        ex.ExpectColumnValuesToBeInSet(
            column="status",
            value_set=["ok"],
            description="Все документы прочитаны (нет failed / needs_review)",
        ),
        ex.ExpectColumnValuesToBeInSet(
            column="doc_type", value_set=DOC_TYPES, description="Тип документа из перечня SPEC"
        ),
        ex.ExpectColumnValuesToBeInSet(
            column="text_source", value_set=TEXT_SOURCES, description="Источник текста допустим"
        ),
        *(
            ex.ExpectColumnValuesToNotBeNull(
                column=column,
                row_condition=ok,
                description=f"У прочитанного документа заполнено поле {column}",
            )
            for column in ("doc_type", "doc_number", "issue_date")
        ),
        ex.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="valid_to",
            column_B="valid_from",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            description="Срок действия заканчивается не раньше, чем начинается",
        ),
        ex.ExpectColumnValuesToBeBetween(
            column="issue_date",
            max_value=today,
            description="Дата документа не в будущем (иначе дата распознана неверно)",
        ),
        ex.ExpectColumnValuesToBeBetween(
            column="ocr_confidence",
            min_value=0,
            max_value=1,
            description="Уверенность распознавания от 0 до 1",
        ),
        ex.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="last_page",
            column_B="first_page",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            description="Последняя страница документа не раньше первой",
        ),
    ]
    frame = _with_dates(documents, _DOCUMENT_DATES)
    return _run("documents", frame, expectations, _DOCUMENT_KEYS)


def validate_coverage(coverage: pd.DataFrame) -> ValidationSummary:
    """Expectations on matched materials (tables.COVERAGE_COLUMNS); fails on any uncovered line."""
    ex = _gx().expectations
    expectations = [
        ex.ExpectColumnValuesToNotBeNull(
            column="act_number", description="Строка относится к акту"
        ),
        ex.ExpectColumnValuesToNotBeNull(column="material", description="Материал указан"),
        ex.ExpectColumnValuesToBeInSet(
            column="status", value_set=COVERAGE_STATUSES, description="Статус строки допустим"
        ),
        ex.ExpectColumnValuesToBeInSet(
            column="status",
            value_set=["covered"],
            description="Каждый материал подтверждён действующим документом о качестве",
        ),
        ex.ExpectColumnValuesToNotBeNull(
            column="document_id",
            row_condition=_column("status") == "covered",
            description="У подтверждённой строки указан документ",
        ),
        ex.ExpectColumnValuesToBeBetween(
            column="match_score",
            min_value=0,
            max_value=1,
            description="Оценка сопоставления от 0 до 1",
        ),
        ex.ExpectColumnValuesToBeBetween(
            column="quantity", min_value=0, description="Количество материала не отрицательно"
        ),
    ]
    frame = _with_dates(coverage, _COVERAGE_DATES)
    return _run("coverage", frame, expectations, _COVERAGE_KEYS)


# ---------------------------------------------------------------- running


_lock = threading.Lock()
_state: dict[str, Any] = {}


def _gx():
    """The great_expectations module, imported on first use (slow import)."""
    module = _state.get("gx")
    if module is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import great_expectations as module
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        _state["gx"] = module
    return module


def _column(name: str):
    """GX row-condition column (the string syntax is deprecated since GX 1.9)."""
    _gx()
    from great_expectations.expectations.row_conditions import Column

    return Column(name)


def _batch_definition(asset_name: str):
    """Whole-dataframe batch definition on a cached ephemeral context (lock held)."""
    definitions = _state.setdefault("batch_definitions", {})
    if asset_name in definitions:
        return definitions[asset_name]
    if "source" not in _state:
        gx = _gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        _state["context"] = context
        _state["source"] = context.data_sources.add_pandas("pto_pipeline")
    asset = _state["source"].add_dataframe_asset(asset_name)
    definitions[asset_name] = asset.add_batch_definition_whole_dataframe("whole")
    return definitions[asset_name]


def _run(asset_name: str, frame: pd.DataFrame, expectations: list, keys: list[str]):
    gx = _gx()
    needed = {column for e in expectations for column in _columns_of(e)}
    missing = sorted(needed - set(frame.columns))
    frame = frame.assign(**{column: None for column in missing}) if missing else frame
    suite = gx.ExpectationSuite(name=f"pto_{asset_name}", expectations=expectations)
    result_format = {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": [key for key in keys if key in frame.columns],
    }
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = _batch_definition(asset_name).get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format=result_format)
    failed = [_missing_column(column) for column in missing]
    failed += [_failure(item, keys) for item in result.results if not item.success]
    statistics = dict(result.statistics)
    statistics["rows"] = len(frame)
    return ValidationSummary(
        success=not failed,
        evaluated=int(statistics.get("evaluated_expectations", 0)) + len(missing),
        failed=failed,
        statistics=_plain(statistics),
    )


def _failure(item, keys: list[str]) -> dict[str, Any]:
    config = item.expectation_config
    kwargs = dict(config.kwargs)
    column = kwargs.get("column") or ",".join(
        str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs
    )
    details = item.result or {}
    exception = (item.exception_info or {}).get("exception_message")
    if exception is None:
        for info in (item.exception_info or {}).values():
            if isinstance(info, dict) and info.get("exception_message"):
                exception = info["exception_message"]
    examples = details.get("unexpected_index_list") or details.get("partial_unexpected_list") or []
    return {
        "expectation": config.type,
        "description": config.description,
        "column": column,
        "unexpected_count": details.get("unexpected_count"),
        "examples": [_example(e, keys) for e in examples[:MAX_EXAMPLES]]
        or ([exception] if exception else []),
        **(
            {"condition": _condition_text(kwargs["row_condition"])}
            if kwargs.get("row_condition")
            else {}
        ),
    }


def _condition_text(condition) -> str:
    if isinstance(condition, dict) and {"column", "operator"} <= set(condition):
        column = condition["column"]
        name = column.get("name") if isinstance(column, dict) else column
        return f"{name} {condition['operator']} {condition.get('parameter')!r}"
    return str(condition)


def _missing_column(column: str) -> dict[str, Any]:
    return {
        "expectation": "expect_column_to_exist",
        "description": f"В таблице есть столбец {column}",
        "column": column,
        "unexpected_count": None,
        "examples": [],
    }


def _columns_of(expectation) -> list[str]:
    names = (getattr(expectation, name, None) for name in ("column", "column_A", "column_B"))
    return [name for name in names if name]


def _with_dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Date columns as `datetime.date` or None, so comparisons never mix types."""
    frame = frame.copy()
    for column in columns:
        if column in frame.columns:
            frame[column] = pd.Series(
                [_as_date(v) for v in frame[column]], dtype=object, index=frame.index
            )
    for column in ("first_page", "last_page", "match_score", "quantity", "ocr_confidence"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _as_date(value) -> date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()


def _example(value, keys: list[str]):
    if isinstance(value, dict):
        ordered = [k for k in keys if k in value] + [k for k in value if k not in keys]
        return {k: _plain(value[k]) for k in ordered}
    return _plain(value)


def _plain(value):
    """JSON-friendly copy (dates as ISO text, NaN as None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
