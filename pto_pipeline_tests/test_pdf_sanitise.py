"""No script, action, attachment or form of an inbox PDF reaches the package PDF."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from docx import Document
from fpdf import FPDF
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from pto_pipeline.domain import office
from pto_pipeline.domain.package import build_package

ACTIVE = (
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/URI",
    b"/EmbeddedFile",
    b"/AcroForm",
    b"/OpenAction",
    b"/AA",
    b"/SubmitForm",
    b"/Widget",
)


def _action(kind: str, **extra) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in extra.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def _link(writer: PdfWriter, action: DictionaryObject):
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 200, 50)]),
                NameObject("/A"): action,
            }
        )
    )


def _hostile_pdf(path: Path) -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="app.alert('page open')")}
    )
    page[NameObject("/Annots")] = ArrayObject(
        [
            _link(writer, _action("/JavaScript", JS="app.launchURL('http://x')")),
            _link(writer, _action("/Launch", F="cmd.exe")),
            _link(writer, _action("/URI", URI="http://evil.example/")),
        ]
    )
    writer.add_attachment("payload.exe", b"MZ not really")
    writer._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS="app.alert(1)")
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/NeedAppearances"): NumberObject(1)}
    )
    with open(path, "wb") as out:
        writer.write(out)
    assert all(marker in path.read_bytes() for marker in (b"/JavaScript", b"/Launch", b"/URI"))


def _blank_pdf(path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(path))


def test_package_pdf_carries_no_active_content(tmp_path: Path, monkeypatch) -> None:
    acts_dir = tmp_path / "output" / "p" / "acts"
    acts_dir.mkdir(parents=True)
    Document().save(acts_dir / "АОСР-1.docx")
    (tmp_path / "store").mkdir()
    _hostile_pdf(tmp_path / "store" / "cert.pdf")

    def convert(sources, out_dir, timeout=300.0):
        out_dir.mkdir(parents=True, exist_ok=True)
        pdfs = [out_dir / (Path(s).stem + ".pdf") for s in sources]
        for pdf in pdfs:
            _blank_pdf(pdf)
        return pdfs

    monkeypatch.setattr(office, "soffice_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(office, "convert_to_pdf", convert)
    acts = pd.DataFrame(
        {
            "act_number": ["1"],
            "act_date": [date(2026, 3, 10)],
            "work_name": ["Бетон"],
            "docx_path": [str(acts_dir / "АОСР-1.docx")],
        }
    )
    documents = pd.DataFrame(
        {
            "document_id": ["c"],
            "doc_type": ["conformity_certificate"],
            "doc_number": ["1"],
            "issue_date": [date(2026, 1, 1)],
            "product_name": ["Бетон"],
            "first_page": [1],
            "last_page": [1],
            "stored_path": ["store/cert.pdf"],
        }
    )
    coverage = pd.DataFrame(
        {
            "act_number": ["1"],
            "line_no": [1],
            "material": ["Бетон"],
            "status": ["covered"],
            "document_id": ["c"],
        }
    )
    result = build_package(
        tmp_path, "p", "unified", acts, coverage, documents, built_at=datetime(2026, 3, 21)
    )
    assert result.pdf_path is not None
    merged = Path(result.pdf_path).read_bytes()
    assert [m for m in ACTIVE if m in merged] == []
    with zipfile.ZipFile(result.zip_path) as archive:
        for name in archive.namelist():
            if name.startswith("Документы") and name.endswith(".pdf"):  # from the inbox
                data = archive.read(name)
                assert [m for m in ACTIVE if m in data] == [], name
