"""The as-built documentation package (SPEC §6): ZIP and one merged PDF.

Order: the Реестр исполнительной документации, then the acts and the quality
documents — `unified` puts every document once after all acts, `repeated` puts
each act's documents right after it. The register numbers every entry and
counts its sheets from the rendered PDFs. An act's documents are the ones the
coverage table lists for its lines (what п.3 of the act cites), in line order.

LibreOffice renders the DOCX files (acts in one call, then the register, whose
sheet counts depend on the rendered acts). Without it, or when it fails, the
ZIP is still written (DOCX acts, documents as PDF) with a `PACKAGE_PDF` finding.

Outputs `output/<code>/package/ИД-<code>-<YYYYmmdd-HHMMSS>.zip|.pdf` are written
atomically; earlier packages stay. The ZIP comment carries a JSON manifest
(the `marts.packages` row), which `package_history` reads back.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageSequence
from pypdf import PdfReader, PdfWriter

from pto_pipeline.domain import office
from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.fsutil import atomic_path
from pto_pipeline.domain.matching import UNCONFIRMED
from pto_pipeline.domain.pdf_sanitise import sanitise_writer
from pto_pipeline.domain.scratch import scratch_prefix

FORMATS = ("unified", "repeated")
LAYOUT_VERSION = 1  # bump when the package layout changes: forces a rebuild
STAGE = "id_package"
REGISTER_TITLE = "Реестр исполнительной документации"
REGISTER_STEM = "00 Реестр исполнительной документации"
ACTS_FOLDER = "Акты"
DOCUMENTS_FOLDER = "Документы о качестве"
ACT_TITLE = "Акт освидетельствования скрытых работ"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
A4_INCHES = (8.27, 11.69)

DOC_TYPE_RU = {
    "conformity_certificate": "Сертификат соответствия",
    "conformity_declaration": "Декларация о соответствии",
    "quality_document": "Документ о качестве",
    "refusal_letter": "Отказное письмо",
    "test_report": "Протокол испытаний",
    "other": "Документ",
}

PACKAGE_MART_COLUMNS = [
    "project_code",
    "built_at",
    "format",
    "zip_path",
    "pdf_path",
    "acts",
    "documents",
    "errors",
    "sheets",
    "fingerprint",
]

REGISTER_COLUMNS = [
    "row_no",  # № п/п
    "kind",  # act | document
    "title",  # наименование документа
    "number",
    "date",
    "sheets",  # None when the act could not be rendered
    "act_number",
    "document_id",
    "zip_name",  # path inside the ZIP (PDF for documents, DOCX for acts)
]


@dataclass
class PackageResult:
    project_code: str
    data_dir: Path
    zip_path: Path
    pdf_path: Path | None
    format: str
    built_at: datetime  # local wall-clock time, as in the file names
    acts: int
    documents: int
    sheets: int | None  # pages of the merged PDF; None without a PDF
    register: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    errors: int = 0  # error findings of the build this package belongs to
    fingerprint: str = ""

    def as_record(self) -> dict:
        """The `marts.packages` row, JSON-ready: paths relative to the data root,
        built_at as ISO text."""
        data_dir = self.data_dir
        return {
            "project_code": self.project_code,
            "built_at": self.built_at.isoformat(),
            "format": self.format,
            "zip_path": _relative(self.zip_path, data_dir),
            "pdf_path": _relative(self.pdf_path, data_dir) if self.pdf_path else None,
            "acts": self.acts,
            "documents": self.documents,
            "errors": self.errors,
            "sheets": self.sheets,
            "fingerprint": self.fingerprint,
        }


@dataclass
class _Entry:
    """One register row and the files behind it."""

    kind: str
    key: str  # act number or document id
    short: str  # file name part: «АОСР-5», «Сертификат соответствия»
    title: str
    number: str
    date: date | None
    act_number: str | None = None
    document_id: str | None = None
    docx: Path | None = None  # acts: working copy of the DOCX
    pdf: Path | None = None  # rendered PDF (None when not rendered)
    row_no: int = 0
    zip_name: str = ""


def package_dir(data_dir: Path, project_code: str) -> Path:
    return Path(data_dir) / "output" / project_code / "package"


def build_package(
    data_dir: Path,
    project_code: str,
    fmt: str,
    acts: pd.DataFrame,
    coverage: pd.DataFrame,
    documents: pd.DataFrame,
    findings: pd.DataFrame | None = None,
    built_at: datetime | None = None,
    project_name: str | None = None,
) -> PackageResult:
    """Assemble the package; problems become findings, never exceptions."""
    data_dir = Path(data_dir)
    built_at = built_at or datetime.now().replace(microsecond=0)
    notes: list[Finding] = []
    if fmt not in FORMATS:
        notes.append(
            _finding(
                "PROJECT_CARD",
                f"package_format «{fmt}» неизвестен (допустимо: unified, repeated); "
                "комплект собран в формате unified. Исправьте project.yaml.",
            )
        )
        fmt = "unified"
    fingerprint = package_fingerprint(data_dir, fmt, acts, coverage, documents, project_name)
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("package")) as tmp:
        work = Path(tmp)
        act_entries = _act_entries(data_dir, acts, work, notes)
        act_keys = {entry.key for entry in act_entries}
        links = [(act, doc) for act, doc in _links(coverage) if act in act_keys]
        used = {doc for _, doc in links}
        doc_entries = _document_entries(data_dir, documents, used, work, notes)
        ordered = _ordered(fmt, act_entries, doc_entries, links)
        _number(ordered, fmt)
        pdf_ready = _render_acts(act_entries, work, notes, data_dir / "cache" / "act-pdf")
        register = _register_frame(ordered)
        register_docx = work / f"{REGISTER_STEM}.docx"
        _write_register_docx(register, register_docx, project_code, project_name)
        register_pdf = _render_register(register_docx, work, notes) if pdf_ready else None
        merged = work / "package.pdf"
        sheets = _merge_pdf(register_pdf, ordered, merged, notes) if register_pdf else None
        zip_target, pdf_target = _targets(data_dir, project_code, built_at)
        if sheets is not None:
            with atomic_path(pdf_target) as out:
                shutil.copyfile(merged, out)
        else:
            pdf_target = None
        errors = _error_count(findings) + sum(f.severity == "error" for f in notes)
        result = PackageResult(
            project_code=project_code,
            data_dir=data_dir,
            zip_path=zip_target,
            pdf_path=pdf_target,
            format=fmt,
            built_at=built_at,
            acts=len(act_entries),
            documents=len(doc_entries),
            sheets=sheets,
            register=register,
            findings=notes,
            errors=errors,
            fingerprint=fingerprint,
        )
        manifest = json.dumps(result.as_record())
        with atomic_path(zip_target) as out:
            _write_zip(out, register_docx, register_pdf, ordered, manifest)
    return result


def package_fingerprint(
    data_dir: Path,
    fmt: str,
    acts: pd.DataFrame,
    coverage: pd.DataFrame,
    documents: pd.DataFrame,
    project_name: str | None = None,
) -> str:
    """Hash of everything the package is made of: rebuild only when it changes."""
    data_dir = Path(data_dir)
    act_part = sorted(
        (
            [
                _text(row.get("act_number")),
                _text(row.get("work_name")),
                _date_text(row.get("act_date")),
                _file_hash(_resolve(data_dir, row.get("docx_path"))),
            ]
            for row in _records(acts)
        ),
        key=json.dumps,  # input order does not matter; None-safe ordering
    )
    doc_fields = ("document_id", "doc_type", "doc_number", "issue_date", "valid_from")
    doc_fields += ("product_name", "first_page", "last_page", "stored_path")
    used = _used_document_ids(coverage)
    doc_part = sorted(
        (
            [_text(row.get(name)) for name in doc_fields]
            for row in _records(documents)
            if _text(row.get("document_id")) in used
        ),
        key=json.dumps,
    )
    payload = {
        "layout": LAYOUT_VERSION,
        "project_name": project_name,
        "format": fmt,
        "acts": act_part,
        "documents": doc_part,
        "links": sorted(_links(coverage)),
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def package_history(data_dir: Path, project_code: str) -> pd.DataFrame:
    """Rows for `marts.packages`: every package still on disk, read from its ZIP manifest."""
    rows = []
    for zip_path in sorted(package_dir(data_dir, project_code).glob("ИД-*.zip")):
        try:
            with zipfile.ZipFile(zip_path) as archive:
                row = json.loads(archive.comment.decode("utf-8"))
        except (OSError, zipfile.BadZipFile, ValueError):
            continue
        if row.get("pdf_path") and not (Path(data_dir) / row["pdf_path"]).exists():
            row["pdf_path"] = None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=PACKAGE_MART_COLUMNS)
    frame["built_at"] = pd.to_datetime(frame["built_at"])
    return frame.sort_values("built_at", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- entries


def _act_entries(data_dir: Path, acts: pd.DataFrame, work: Path, notes: list[Finding]):
    entries = []
    folder = work / "acts"
    folder.mkdir()
    rows = sorted(_records(acts), key=lambda r: _natural_key(_text(r.get("act_number")) or ""))
    for index, row in enumerate(rows, start=1):
        number = _text(row.get("act_number")) or "?"
        work_name = _text(row.get("work_name"))
        entry = _Entry(
            kind="act",
            key=number,
            short=f"АОСР-{number}",
            title=f"{ACT_TITLE}: {work_name}" if work_name else ACT_TITLE,
            number=number,
            date=_as_date(row.get("act_date")),
            act_number=number,
        )
        source = _resolve(data_dir, row.get("docx_path"))
        if source is not None and source.is_file():
            # Index-prefixed copies: unique stems for LibreOffice's output names.
            entry.docx = folder / f"{index:04d}.docx"
            shutil.copyfile(source, entry.docx)
        else:
            notes.append(
                _finding(
                    "PACKAGE_PDF",
                    f"Файл акта № {number} не найден ({row.get('docx_path')}); акт не вошёл "
                    "в комплект. Сформируйте акты заново и пересоберите комплект.",
                    act_number=number,
                )
            )
        entries.append(entry)
    return entries


def _document_entries(
    data_dir: Path, documents: pd.DataFrame, used: set[str], work: Path, notes: list[Finding]
) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    folder = work / "documents"
    folder.mkdir()
    for row in _records(documents):
        document_id = _text(row.get("document_id"))
        if document_id is None or document_id not in used or document_id in entries:
            continue
        entry = _document_entry(row, document_id)
        target = folder / f"{len(entries):04d}.pdf"
        try:
            _document_pdf(data_dir, row, target)
            entry.pdf = target
        except Exception as exc:  # noqa: BLE001 - any unreadable copy becomes a finding
            notes.append(
                _finding(
                    "UNREADABLE_DOCUMENT",
                    f"{entry.title} № {entry.number or 'б/н'} не удалось добавить в комплект "
                    f"({exc}). Загрузите скан заново в папку inbox.",
                    document_id=document_id,
                    source_file=_text(row.get("source_file")),
                )
            )
        entries[document_id] = entry
    for document_id in sorted(used - set(entries)):
        notes.append(
            _finding(
                "PACKAGE_PDF",
                f"Документ {document_id} указан в акте, но отсутствует в списке документов; "
                "в комплект не вошёл. Пересоберите проект.",
                document_id=document_id,
            )
        )
    return entries


def _document_entry(row: dict, document_id: str) -> _Entry:
    doc_type = _text(row.get("doc_type")) or "other"
    kind_ru = DOC_TYPE_RU.get(doc_type, DOC_TYPE_RU["other"])
    product = _text(row.get("product_name"))
    return _Entry(
        kind="document",
        key=document_id,
        short=kind_ru,
        title=f"{kind_ru}: {product}" if product else kind_ru,
        number=_text(row.get("doc_number")) or "",
        date=_as_date(row.get("issue_date")) or _as_date(row.get("valid_from")),
        document_id=document_id,
    )


def _used_document_ids(coverage: pd.DataFrame) -> set[str]:
    return {doc for _, doc in _links(coverage)}


def _links(coverage: pd.DataFrame) -> list[tuple[str, str]]:
    """(act_number, document_id) in act-line order, each pair once."""
    rows = _records(coverage)
    if rows and "line_no" in rows[0]:
        rows = sorted(rows, key=lambda r: _to_number(r.get("line_no"), 0))
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        if _text(row.get("status")) == UNCONFIRMED:
            continue  # a candidate never goes into the package
        act, doc = _text(row.get("act_number")), _text(row.get("document_id"))
        if act is not None and doc is not None:
            seen.setdefault((act, doc), None)
    return list(seen)


def _ordered(
    fmt: str, acts: list[_Entry], docs: dict[str, _Entry], links: list[tuple[str, str]]
) -> list[_Entry]:
    by_act: dict[str, list[str]] = {}
    for act, doc in links:
        if doc in docs:
            by_act.setdefault(act, []).append(doc)
    if fmt == "repeated":
        ordered = []
        for act in acts:
            ordered.append(act)
            ordered.extend(_copy(docs[doc]) for doc in by_act.get(act.key, []))
        return ordered
    first_use = [doc for act in acts for doc in by_act.get(act.key, [])]
    return [*acts, *(docs[doc] for doc in dict.fromkeys(first_use))]


def _copy(entry: _Entry) -> _Entry:
    return _Entry(**{name: getattr(entry, name) for name in entry.__dataclass_fields__})


def _number(ordered: list[_Entry], fmt: str) -> None:
    """Register numbers and names inside the ZIP."""
    width = max(2, len(str(len(ordered))))
    folder = ""
    for row_no, entry in enumerate(ordered, start=1):
        entry.row_no = row_no
        prefix = f"{row_no:0{width}d}"
        if entry.kind == "act":
            name = _safe_name(f"{prefix} {entry.short}")
            folder = name if fmt == "repeated" else ACTS_FOLDER
            entry.zip_name = f"{folder}/{name}.docx"
        else:
            label = f"{prefix} {entry.short}" + (f" № {entry.number}" if entry.number else "")
            parent = folder if fmt == "repeated" and folder else DOCUMENTS_FOLDER
            entry.zip_name = f"{parent}/{_safe_name(label)}.pdf"


# ---------------------------------------------------------------- rendering


def _document_pdf(data_dir: Path, row: dict, target: Path) -> None:
    source = _resolve(data_dir, row.get("stored_path"))
    if source is None or not source.is_file():
        raise FileNotFoundError(f"нет файла {row.get('stored_path')}")
    first = max(1, int(_to_number(row.get("first_page"), 1)))
    last = _to_number(row.get("last_page"), math.inf)
    suffix = source.suffix.lower()
    if suffix == ".pdf":
        _pdf_pages(source, first, last, target)
    elif suffix in IMAGE_SUFFIXES:
        _image_pages(source, first, last, target)
    else:
        raise ValueError(f"формат {suffix or 'без расширения'} не поддерживается")


def _pdf_pages(source: Path, first: int, last: float, target: Path) -> None:
    reader = PdfReader(source)
    if reader.is_encrypted:
        reader.decrypt("")
    writer = PdfWriter()
    for page in reader.pages[first - 1 : int(min(last, len(reader.pages)))]:
        writer.add_page(page)
    if not writer.pages:
        raise ValueError(f"в файле нет страниц {first}–{last}")
    sanitise_writer(writer)  # scripts and actions of an inbox PDF never reach the client
    with open(target, "wb") as out:
        writer.write(out)


def _image_pages(source: Path, first: int, last: float, target: Path) -> None:
    writer = PdfWriter()
    with Image.open(source) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if first <= number <= last:
                writer.append(io.BytesIO(_frame_pdf(frame)))
    if not writer.pages:
        raise ValueError(f"в файле нет страниц {first}–{last}")
    with open(target, "wb") as out:
        writer.write(out)


def _frame_pdf(frame: Image.Image) -> bytes:
    """One scan page as a PDF page at its own resolution (A4-sized when unknown)."""
    page = frame.copy()
    if page.mode not in ("1", "L", "RGB"):
        page = page.convert("RGB")
    dpi = frame.info.get("dpi", (0, 0))[0]
    if not 100 <= float(dpi or 0) <= 1200:
        dpi = max(page.width / A4_INCHES[0], page.height / A4_INCHES[1], 72.0)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=float(dpi), quality=90)  # small print stays legible
    return buffer.getvalue()


def _render_acts(
    entries: list[_Entry], work: Path, notes: list[Finding], pdf_cache: Path | None
) -> bool:
    """Convert the act DOCX that changed in one LibreOffice call (the others come from
    `pdf_cache`, by their bytes); False when there is no PDF renderer."""
    sources = [entry for entry in entries if entry.docx is not None]
    try:
        if office.soffice_binary() is None:
            raise office.OfficeUnavailable("LibreOffice (soffice) не найден")
        pdfs = office.convert_cached([e.docx for e in sources], work / "acts-pdf", pdf_cache)
    except office.OfficeUnavailable as exc:
        notes.append(_pdf_finding(exc))
        return False
    for entry, pdf in zip(sources, pdfs, strict=True):
        entry.pdf = pdf
    return True


def _render_register(register_docx: Path, work: Path, notes: list[Finding]) -> Path | None:
    try:
        return office.convert_to_pdf([register_docx], work / "register-pdf")[0]
    except office.OfficeUnavailable as exc:
        notes.append(_pdf_finding(exc))
        return None


def _pdf_finding(exc: Exception) -> Finding:
    return _finding(
        "PACKAGE_PDF",
        f"Единый PDF комплекта не собран: {exc}. ZIP с актами в DOCX сформирован; "
        "установите LibreOffice (libreoffice-writer) и пересоберите комплект.",
    )


def _merge_pdf(
    register_pdf: Path, ordered: list[_Entry], target: Path, notes: list[Finding]
) -> int | None:
    try:
        return _merge_pdf_pages(register_pdf, ordered, target)
    except Exception as exc:  # noqa: BLE001 - a broken page must not cost the ZIP
        notes.append(_pdf_finding(exc))
        return None


def _merge_pdf_pages(register_pdf: Path, ordered: list[_Entry], target: Path) -> int:
    writer = PdfWriter()
    writer.append(register_pdf, outline_item=REGISTER_TITLE)
    for entry in ordered:
        if entry.pdf is not None:
            label = f"{entry.row_no}. {entry.title}" + (
                f" № {entry.number}" if entry.number else ""
            )
            writer.append(entry.pdf, outline_item=label)
    sanitise_writer(writer)
    with open(target, "wb") as out:
        writer.write(out)
    return len(writer.pages)


# ---------------------------------------------------------------- register


def _register_frame(ordered: list[_Entry]) -> pd.DataFrame:
    rows = [
        {
            "row_no": entry.row_no,
            "kind": entry.kind,
            "title": entry.title,
            "number": entry.number,
            "date": entry.date,
            "sheets": _page_count(entry.pdf),
            "act_number": entry.act_number,
            "document_id": entry.document_id,
            "zip_name": entry.zip_name,
        }
        for entry in ordered
    ]
    # Object columns keep None and ints as they are (no NaN, no 2.0).
    return pd.DataFrame(
        {name: pd.Series([row[name] for row in rows], dtype=object) for name in REGISTER_COLUMNS}
    )


def _page_count(pdf: Path | None) -> int | None:
    return len(PdfReader(pdf).pages) if pdf is not None else None


def _write_register_docx(
    register: pd.DataFrame, target: Path, project_code: str, project_name: str | None
) -> None:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2), Cm(1)
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(REGISTER_TITLE).bold = True
    subtitle = document.add_paragraph(project_name or f"Проект {project_code}")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    headers = ["№ п/п", "Наименование документа", "Номер", "Дата", "Кол-во листов"]
    widths = [Cm(1.2), Cm(8.0), Cm(4.8), Cm(2.4), Cm(1.6)]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid widths are what LibreOffice honours
    _repeat_as_header(table.rows[0])
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.text, cell.width = text, width
        cell.paragraphs[0].runs[0].bold = True
    for row in register.itertuples(index=False):
        values = [
            str(row.row_no),
            row.title,
            row.number or "б/н",
            row.date.strftime("%d.%m.%Y") if row.date else "",
            "" if row.sheets is None else str(row.sheets),
        ]
        cells = table.add_row().cells
        for index, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.text, cell.width = text, width
            if index != 1:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if register.empty:
        document.add_paragraph("Документы в комплект не включены: нет актов и документов.")
    document.save(target)


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


# ---------------------------------------------------------------- output


def _targets(data_dir: Path, project_code: str, built_at: datetime) -> tuple[Path, Path]:
    folder = package_dir(data_dir, project_code)
    stem = f"ИД-{project_code}-{built_at:%Y%m%d-%H%M%S}"
    candidate, counter = stem, 1
    while (folder / f"{candidate}.zip").exists() or (folder / f"{candidate}.pdf").exists():
        counter += 1
        candidate = f"{stem}-{counter}"
    return folder / f"{candidate}.zip", folder / f"{candidate}.pdf"


def _write_zip(
    target: Path,
    register_docx: Path,
    register_pdf: Path | None,
    ordered: list[_Entry],
    manifest: str,
) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(register_docx, f"{REGISTER_STEM}.docx")
        if register_pdf is not None:
            archive.write(register_pdf, f"{REGISTER_STEM}.pdf")
        written: set[str] = set()
        for entry in ordered:
            for path, name in _entry_files(entry):
                if name not in written:
                    archive.write(path, name)
                    written.add(name)
        archive.comment = manifest.encode("utf-8")


def _entry_files(entry: _Entry) -> Iterable[tuple[Path, str]]:
    if entry.kind == "act":
        if entry.docx is not None:
            yield entry.docx, entry.zip_name
        if entry.pdf is not None:
            yield entry.pdf, entry.zip_name.removesuffix(".docx") + ".pdf"
    elif entry.pdf is not None:
        yield entry.pdf, entry.zip_name


# ---------------------------------------------------------------- helpers


def _finding(code: str, message: str, **where) -> Finding:
    return Finding(code=code, message=message, stage=STAGE, **where)


def _error_count(findings: pd.DataFrame | None) -> int:
    if findings is None or findings.empty or "severity" not in findings.columns:
        return 0
    return int((findings["severity"] == "error").sum())


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _to_number(value, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def _as_date(value) -> date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        stamp = pd.Timestamp(str(value))
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()


def _date_text(value) -> str | None:
    parsed = _as_date(value)
    return parsed.isoformat() if parsed else None


def _resolve(data_dir: Path, value) -> Path | None:
    text = _text(value)
    if text is None:
        return None
    path = Path(text)
    return path if path.is_absolute() else data_dir / path


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(data_dir).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _file_hash(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _natural_key(text: str) -> list[tuple[int, int | str]]:
    return [
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    ]


def _safe_name(text: str, limit: int = 100) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    return cleaned[:limit].rstrip(" .") or "документ"
