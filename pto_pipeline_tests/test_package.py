import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pto_pipeline.domain import office, package
from pto_pipeline.domain.findings import Finding, findings_frame
from pto_pipeline.domain.package import build_package, package_fingerprint, package_history

CODE = "p1"
BUILT_AT = datetime(2026, 3, 25, 9, 30, 0)
REGISTER = "00 Реестр исполнительной документации"


def _act_docx(path: Path, number: str, pages: int = 1) -> None:
    document = Document()
    document.add_heading(f"АКТ освидетельствования скрытых работ № {number}")
    document.add_paragraph(f"pages={pages}")  # read by the fake converter
    for _ in range(pages - 1):
        document.add_page_break()
    document.save(path)


def _blank_pdf(path: Path, pages: int) -> None:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.write(path)


@pytest.fixture
def project(tmp_path: Path) -> dict:
    """Two acts; a certificate (pages 2-3 of a PDF) shared by both, a JPEG passport
    for act 1 and a multi-page TIFF letter for act 2."""
    acts_dir = tmp_path / "output" / CODE / "acts"
    store = tmp_path / "store"
    acts_dir.mkdir(parents=True)
    store.mkdir()
    _act_docx(acts_dir / "АОСР-1.docx", "1", pages=2)
    _act_docx(acts_dir / "АОСР-10.docx", "10", pages=1)
    _blank_pdf(store / "cert.pdf", 3)
    Image.new("RGB", (1240, 1754), "white").save(store / "passport.jpg", dpi=(150, 150))
    frames = [Image.new("L", (850, 1100), shade) for shade in (255, 230, 200)]
    frames[0].save(store / "letter.tif", save_all=True, append_images=frames[1:])
    acts = pd.DataFrame(
        {
            "act_number": ["10", "1"],  # register order is by act number, not input order
            "act_date": [date(2026, 3, 20), date(2026, 3, 10)],
            "work_name": ["Армирование стен", "Бетонирование фундамента"],
            "docx_path": [
                str(acts_dir / "АОСР-10.docx"),  # absolute
                f"output/{CODE}/acts/АОСР-1.docx",  # relative to the data root
            ],
        }
    )
    documents = pd.DataFrame(
        {
            "document_id": ["cert#p2-3", "passport", "letter", "unused"],
            "doc_type": [
                "conformity_certificate",
                "quality_document",
                "refusal_letter",
                "test_report",
            ],
            "doc_number": ["ЕАЭС RU С-RU.АЖ56.В.00954/21", "26-000518", "Исх-12", "5"],
            "issue_date": [date(2025, 1, 10), date(2026, 3, 9), None, date(2026, 1, 1)],
            "product_name": ["Бетонная смесь БСТ В25", "Арматура А500С", None, None],
            "first_page": [2, 1, 2, 1],
            "last_page": [3, 1, 3, 1],
            "stored_path": ["store/cert.pdf", "store/passport.jpg", "store/letter.tif", "x.pdf"],
        }
    )
    coverage = pd.DataFrame(
        {
            "act_number": ["1", "1", "10", "10", "10"],
            "line_no": [1, 2, 1, 2, 3],
            "material": ["Бетон", "Арматура", "Бетон", "Проволока", "Щебень"],
            "status": ["covered", "covered", "covered", "covered", "missing"],
            "document_id": ["cert#p2-3", "passport", "cert#p2-3", "letter", None],
        }
    )
    return {
        "data_dir": tmp_path,
        "acts": acts,
        "documents": documents,
        "coverage": coverage,
    }


@pytest.fixture
def fake_office(monkeypatch):
    """A fast stand-in for LibreOffice: `pages=N` in the DOCX gives N blank pages."""
    calls = []

    def convert(sources, out_dir, timeout=300.0):
        calls.append([Path(s).name for s in sources])
        out_dir.mkdir(parents=True, exist_ok=True)
        pdfs = []
        for source in sources:
            texts = [p.text for p in Document(source).paragraphs]
            pages = next((int(t[6:]) for t in texts if t.startswith("pages=")), 1)
            pdf = out_dir / (Path(source).stem + ".pdf")
            _blank_pdf(pdf, pages)
            pdfs.append(pdf)
        return pdfs

    monkeypatch.setattr(office, "soffice_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(office, "convert_to_pdf", convert)
    return calls


def _build(project, fmt="unified", **kwargs):
    return build_package(
        project["data_dir"],
        CODE,
        fmt,
        project["acts"],
        project["coverage"],
        project["documents"],
        built_at=kwargs.pop("built_at", BUILT_AT),
        **kwargs,
    )


def _register_view(result):
    return list(
        result.register[["row_no", "kind", "number", "sheets"]].itertuples(index=False, name=None)
    )


def test_unified_register_lists_acts_then_each_document_once(project, fake_office):
    result = _build(project, "unified")

    assert _register_view(result) == [
        (1, "act", "1", 2),
        (2, "act", "10", 1),
        (3, "document", "ЕАЭС RU С-RU.АЖ56.В.00954/21", 2),  # pages 2-3 only
        (4, "document", "26-000518", 1),
        (5, "document", "Исх-12", 2),  # TIFF frames 2-3
    ]
    assert result.acts == 2 and result.documents == 3
    assert len(fake_office) == 2  # all acts in one LibreOffice call, then the register
    assert result.findings == []

    names = zipfile.ZipFile(result.zip_path).namelist()
    assert names[:2] == [f"{REGISTER}.docx", f"{REGISTER}.pdf"]
    assert names[2:] == [
        "Акты/01 АОСР-1.docx",
        "Акты/01 АОСР-1.pdf",
        "Акты/02 АОСР-10.docx",
        "Акты/02 АОСР-10.pdf",
        "Документы о качестве/03 Сертификат соответствия № ЕАЭС RU С-RU.АЖ56.В.00954_21.pdf",
        "Документы о качестве/04 Документ о качестве № 26-000518.pdf",
        "Документы о качестве/05 Отказное письмо № Исх-12.pdf",
    ]
    # merged PDF: register (1 page) + acts + documents, in register order
    assert result.sheets == 1 + 2 + 1 + 2 + 1 + 2
    assert len(PdfReader(result.pdf_path).pages) == result.sheets
    assert result.zip_path.name == "ИД-p1-20260325-093000.zip"
    assert result.pdf_path.with_suffix(".zip") == result.zip_path


def test_repeated_puts_each_acts_documents_right_after_it(project, fake_office):
    result = _build(project, "repeated")

    assert [(kind, number) for _, kind, number, _ in _register_view(result)] == [
        ("act", "1"),
        ("document", "ЕАЭС RU С-RU.АЖ56.В.00954/21"),
        ("document", "26-000518"),
        ("act", "10"),
        ("document", "ЕАЭС RU С-RU.АЖ56.В.00954/21"),  # shared certificate repeated
        ("document", "Исх-12"),
    ]
    names = zipfile.ZipFile(result.zip_path).namelist()
    assert "01 АОСР-1/02 Сертификат соответствия № ЕАЭС RU С-RU.АЖ56.В.00954_21.pdf" in names
    assert "04 АОСР-10/05 Сертификат соответствия № ЕАЭС RU С-RU.АЖ56.В.00954_21.pdf" in names
    assert result.sheets == 1 + (2 + 2 + 1) + (1 + 2 + 2)


def test_real_libreoffice_renders_register_first_and_the_acts(project):
    if office.soffice_binary() is None:
        pytest.skip("LibreOffice not installed")
    result = _build(project, "unified", project_name="Жилой дом, корпус 2")

    assert result.pdf_path is not None and result.findings == []
    reader = PdfReader(result.pdf_path)
    first_page = reader.pages[0].extract_text()
    assert "Реестр исполнительной документации" in first_page
    assert "26-000518" in first_page
    sheets = list(result.register["sheets"])
    assert all(isinstance(n, int) and n >= 1 for n in sheets)
    assert len(reader.pages) == 1 + sum(sheets)
    act_page = reader.pages[1].extract_text()
    assert "№ 1" in act_page


def test_without_libreoffice_zip_is_built_with_a_package_pdf_finding(project, monkeypatch):
    monkeypatch.setattr(office, "soffice_binary", lambda: None)
    result = _build(project, "unified")

    assert result.pdf_path is None and result.sheets is None
    assert [f.code for f in result.findings] == ["PACKAGE_PDF"]
    assert result.findings[0].severity == "warning"
    names = zipfile.ZipFile(result.zip_path).namelist()
    assert f"{REGISTER}.docx" in names and f"{REGISTER}.pdf" not in names
    assert "Акты/01 АОСР-1.docx" in names and "Акты/01 АОСР-1.pdf" not in names
    assert sum(n.startswith("Документы о качестве/") for n in names) == 3
    assert list(result.register["sheets"]) == [None, None, 2, 1, 2]  # acts not rendered
    assert list(result.zip_path.parent.glob("*.pdf")) == []


def test_libreoffice_failure_is_a_finding_not_an_exception(project, monkeypatch):
    def broken(sources, out_dir, timeout=300.0):
        raise office.OfficeUnavailable("LibreOffice не создал 0001.pdf")

    monkeypatch.setattr(office, "soffice_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(office, "convert_to_pdf", broken)
    result = _build(project, "repeated")

    assert result.pdf_path is None and result.zip_path.exists()
    assert "0001.pdf" in result.findings[0].message


def test_empty_project_still_gets_a_register(tmp_path, fake_office):
    empty = pd.DataFrame()
    result = build_package(tmp_path, CODE, "unified", empty, empty, empty, built_at=BUILT_AT)

    assert result.acts == 0 and result.documents == 0 and result.register.empty
    assert zipfile.ZipFile(result.zip_path).namelist() == [f"{REGISTER}.docx", f"{REGISTER}.pdf"]
    assert result.sheets == 1


def test_unreadable_copy_becomes_a_finding_and_the_rest_is_packaged(project, fake_office):
    (project["data_dir"] / "store" / "passport.jpg").write_bytes(b"not an image")
    findings = findings_frame([Finding("MISSING_QUALITY_DOC", "Загрузите паспорт")], CODE)
    result = _build(project, "unified", findings=findings)

    (bad,) = result.findings
    assert bad.code == "UNREADABLE_DOCUMENT" and bad.document_id == "passport"
    assert result.errors == 2  # the build's error plus this one
    row = result.register.set_index("document_id").loc["passport"]
    assert row["sheets"] is None
    assert (
        sum("Документы о качестве/" in n for n in zipfile.ZipFile(result.zip_path).namelist()) == 2
    )


def test_earlier_packages_are_kept_and_listed_in_history(project, fake_office):
    first = _build(project, built_at=datetime(2026, 3, 25, 9, 0, 0))
    second = _build(project, "repeated", built_at=datetime(2026, 3, 26, 9, 0, 0))

    assert first.zip_path.exists() and second.zip_path.exists()
    assert first.zip_path != second.zip_path
    history = package_history(project["data_dir"], CODE)
    assert list(history["format"]) == ["unified", "repeated"]
    assert list(history["zip_path"]) == [
        first.zip_path.relative_to(project["data_dir"]).as_posix(),
        second.zip_path.relative_to(project["data_dir"]).as_posix(),
    ]
    assert list(history["acts"]) == [2, 2]
    record = second.as_record()
    assert record["pdf_path"] == "output/p1/package/ИД-p1-20260326-090000.pdf"
    assert record["built_at"] == "2026-03-26T09:00:00"


def test_crash_while_writing_leaves_no_partial_package(project, fake_office, monkeypatch):
    def crash(target, *args):
        Path(target).write_bytes(b"PK half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(package, "_write_zip", crash)
    with pytest.raises(OSError):
        _build(project)

    folder = project["data_dir"] / "output" / CODE / "package"
    assert list(folder.glob("*.zip")) == []
    assert [p for p in folder.iterdir() if p.name.startswith(".")] == []


def test_fingerprint_changes_only_when_an_input_changes(project):
    def fingerprint(fmt="unified"):
        return package_fingerprint(
            project["data_dir"],
            fmt,
            project["acts"],
            project["coverage"],
            project["documents"],
        )

    base = fingerprint()
    assert fingerprint() == base
    assert fingerprint("repeated") != base
    _act_docx(project["data_dir"] / "output" / CODE / "acts" / "АОСР-1.docx", "1", pages=3)
    assert fingerprint() != base


def test_only_acts_that_changed_are_converted_again(project, fake_office):
    _build(project)
    first = [
        name for call in fake_office for name in call if name != f"{package.REGISTER_STEM}.docx"
    ]
    assert first  # every act converted once
    fake_office.clear()
    _build(project, built_at=BUILT_AT.replace(hour=BUILT_AT.hour + 1))
    assert [n for call in fake_office for n in call if n != f"{package.REGISTER_STEM}.docx"] == []
    # one act edited: that act alone goes to LibreOffice
    edited = Path(project["acts"]["docx_path"].iloc[0])
    edited = edited if edited.is_absolute() else project["data_dir"] / edited
    _act_docx(edited, "1-изм", pages=2)
    fake_office.clear()
    result = _build(project, built_at=BUILT_AT.replace(hour=BUILT_AT.hour + 2))
    converted = [n for call in fake_office for n in call if n != f"{package.REGISTER_STEM}.docx"]
    assert len(converted) == 1
    assert result.sheets is not None


def test_a_damaged_cached_act_pdf_is_converted_again(project, fake_office):
    _build(project)
    for cached in (project["data_dir"] / "cache" / "act-pdf").rglob("*.pdf"):
        cached.write_bytes(b"not a pdf")
    fake_office.clear()
    result = _build(project, built_at=BUILT_AT.replace(hour=BUILT_AT.hour + 1))
    assert [n for call in fake_office for n in call if n != f"{package.REGISTER_STEM}.docx"]
    assert result.sheets is not None
