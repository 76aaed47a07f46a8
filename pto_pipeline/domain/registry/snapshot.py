"""Registry snapshot files: `$PTO_DATA_DIR/registry/*.csv` (SPEC §11).

The contract is UTF-8, `;`, header `number;status;status_date;valid_from;valid_to;
applicant;manufacturer;product`, dates ДД.ММ.ГГГГ. People export these from the
registries' web pages and open them in Excel, so the reader is tolerant: UTF-8 with or
without a BOM or cp1251; `;`, `,` or tab, sniffed from the header line; Russian headers;
columns in any order; extra columns ignored. What cannot be used becomes a finding:

- a status word the code does not know → the record keeps status `unknown` (never
  `valid`) and a REGISTRY_SNAPSHOT warning names the file, row and word;
- a row without a number, a date that does not parse → the row or the date is skipped
  with a warning;
- two rows for one number → the row with the latest status_date wins (the registry's
  most recent decision; on a tie, the later row in the later file), with a warning
  naming both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.registry.records import (
    FOUND,
    NOT_FOUND,
    UNKNOWN,
    Lookup,
    RegistryRecord,
    number_key,
    parse_date,
    status_of_word,
)

STAGE = "registry_checks"
SOURCE = "snapshot"
COLUMNS = (
    "number",
    "status",
    "status_date",
    "valid_from",
    "valid_to",
    "applicant",
    "manufacturer",
    "product",
)
# Russian headers a registry export or a person may use.
_ALIASES = {
    "номер": "number",
    "регистрационныйномер": "number",
    "номердокумента": "number",
    "статус": "status",
    "статусдействия": "status",
    "датастатуса": "status_date",
    "датаизменениястатуса": "status_date",
    "действуетс": "valid_from",
    "датаначаладействия": "valid_from",
    "датарегистрации": "valid_from",
    "действуетдо": "valid_to",
    "датаокончаниядействия": "valid_to",
    "заявитель": "applicant",
    "изготовитель": "manufacturer",
    "продукция": "product",
    "наименованиепродукции": "product",
}
_DATE_COLUMNS = ("status_date", "valid_from", "valid_to")
MAX_FILE_BYTES = 50 * 1024 * 1024


def _header_key(text: str) -> str:
    key = "".join(ch for ch in str(text).strip().lower().replace("ё", "е") if ch.isalnum())
    key = key.replace("_", "")
    if key in {c.replace("_", "") for c in COLUMNS}:
        return next(c for c in COLUMNS if c.replace("_", "") == key)
    return _ALIASES.get(key, "")


def decode(data: bytes) -> str:
    """UTF-8 (a BOM dropped) or, when that fails, cp1251 (Excel on Russian Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most known columns."""
    best, best_known = ";", -1
    for delimiter in (";", ",", "\t"):
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        known = sum(1 for c in cells if _header_key(c))
        if known > best_known:
            best, best_known = delimiter, known
    return best


@dataclass
class _Row:
    record: RegistryRecord
    where: str  # «file», строка N
    order: tuple[str, int]


@dataclass
class SnapshotSource:
    """Lookups in the snapshot CSV files of one folder."""

    folder: Path
    name: str = SOURCE
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    _rows: dict[str, _Row] = field(default_factory=dict)
    _mtime: dt.datetime | None = None

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        paths = sorted(self.folder.glob("*.csv")) if self.folder.is_dir() else []
        for path in paths:
            self._read_file(path)

    def covers(self, number: str, doc_type: str = "") -> bool:
        return True

    def lookup(self, number: str, doc_type: str = "") -> Lookup:
        row = self._rows.get(number_key(number))
        if row is None:
            return Lookup(self.name, NOT_FOUND, checked_at=self._mtime, note=self._where_all())
        return Lookup(self.name, FOUND, row.record, checked_at=self._mtime, note=row.where)

    def _where_all(self) -> str:
        return ", ".join(f"«{f}»" for f in self.files) or "нет файлов"

    # -- reading ----------------------------------------------------------------------
    def _read_file(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise OSError("file too large")
            text = decode(path.read_bytes())
        except OSError as exc:
            self._problem(f"Файл реестра «{path.name}» не читается ({exc}): проверьте его.")
            return
        self.files.append(path.name)
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime)
        self._mtime = max(self._mtime or mtime, mtime)
        lines = text.splitlines()
        if not lines:
            return
        reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(lines[0]))
        header = [_header_key(c) for c in next(reader, [])]
        if "number" not in header or "status" not in header:
            self._problem(
                f"В файле реестра «{path.name}» нет столбцов number и status (или «Номер», "
                "«Статус»): файл не использован. Первая строка должна быть заголовком: "
                "number;status;status_date;valid_from;valid_to;applicant;manufacturer;product."
            )
            return
        for row_no, cells in enumerate(reader, start=2):
            values = {
                col: cells[i].strip() for i, col in enumerate(header) if col and i < len(cells)
            }
            if any(values.values()):
                self._add_row(path.name, row_no, values)

    def _add_row(self, file: str, row_no: int, values: dict[str, str]) -> None:
        where = f"«{file}», строка {row_no}"
        number = values.get("number", "")
        if not number_key(number):
            self._problem(f"В файле реестра {where} нет номера документа: строка пропущена.")
            return
        dates = {}
        for column in _DATE_COLUMNS:
            raw = values.get(column, "")
            dates[column] = parse_date(raw)
            if raw and dates[column] is None:
                self._problem(
                    f"В файле реестра {where} (№ {number}) дата {column} «{raw}» не "
                    "распознана: укажите её как ДД.ММ.ГГГГ."
                )
        status, word = status_of_word(values.get("status", ""))
        if status == UNKNOWN:
            self._problem(
                f"В файле реестра {where} у № {number} статус «{values.get('status', '')}» "
                "неизвестен (ожидается: действует, прекращён, приостановлен, возобновлён, "
                "аннулирован, архивный). Документ не считается действующим: проверьте его "
                "статус в реестре и исправьте файл."
            )
        record = RegistryRecord(
            number=number,
            status=status,
            status_word=word,
            applicant=values.get("applicant", ""),
            manufacturer=values.get("manufacturer", ""),
            product=values.get("product", ""),
            **dates,
        )
        self._keep(_Row(record, where, (file, row_no)))

    def _keep(self, row: _Row) -> None:
        key = number_key(row.record.number)
        old = self._rows.get(key)
        if old is None:
            self._rows[key] = row
            return

        def rank(r: _Row) -> tuple:
            return (r.record.status_date or dt.date.min, r.order)

        kept = row if rank(row) >= rank(old) else old
        self._rows[key] = kept
        self._problem(
            f"В файлах реестра две записи для № {row.record.number}: {old.where} "
            f"(«{old.record.status_word}») и {row.where} («{row.record.status_word}»). "
            f"Взята {kept.where} — с более поздней датой статуса; удалите лишнюю строку, "
            "если выбор неверен."
        )

    def _problem(self, message: str) -> None:
        self.findings.append(Finding("REGISTRY_SNAPSHOT", message, stage=STAGE))
