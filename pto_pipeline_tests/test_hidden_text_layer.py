"""A PDF's invisible text layer never beats what the page shows (issue 10, item 4)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
from fpdf import FPDF
from fpdf.enums import TextMode

from pto_pipeline.domain import ocr
from pto_pipeline.domain.documents import build_documents
from pto_pipeline.domain.tables import PAGE_COLUMNS
from pto_pipeline_tests.test_ocr import FONT, _page_image

VISIBLE = [
    "ДОКУМЕНТ О КАЧЕСТВЕ № 4417",
    "Бетонная смесь БСТ В25 П4 F150 W6",
    "Изготовитель: ООО «Бетон-Сервис»",
    "Дата отгрузки 10.03.2026",
]
FORGED = [
    "ДОКУМЕНТ О КАЧЕСТВЕ № 9999",
    "Арматура А500С Ø16 ГОСТ 34028-2016",
    "Изготовитель: ООО «Подделка и партнёры»",
    "Дата отгрузки 01.01.2026",
]


def _forged_pdf(path: Path, how: str) -> None:
    """A scan of VISIBLE carrying a text layer that says FORGED."""
    png = io.BytesIO()
    _page_image(VISIBLE).save(png, format="PNG", dpi=(150, 150))
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=14)
    pdf.add_page()

    def forged_text() -> None:
        # spread over the page, as a full OCR layer would be
        for i, line in enumerate(FORGED * 3):
            pdf.text(72, 80 + 60 * i, line)

    if how == "under_the_image":  # text painted first, the scan image drawn over it
        forged_text()
        pdf.image(png, x=0, y=0, w=pdf.w, h=pdf.h)
        pdf.output(str(path))
        return
    pdf.image(png, x=0, y=0, w=pdf.w, h=pdf.h)
    if how == "render_mode_3":
        pdf.text_mode = TextMode.INVISIBLE
    elif how == "white":
        pdf.set_text_color(255, 255, 255)
    elif how == "tiny":
        pdf.set_font_size(0.5)
    forged_text()
    pdf.output(str(path))


def _read(path: Path) -> dict:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    tasks, failed = ocr.plan_pages([ocr.SourceFile(sha, path.name, path)])
    [row] = failed + ocr.run_pages(tasks, ocr.OcrConfig(lang="rus+eng"), 1)
    return row


@pytest.mark.parametrize("how", ["render_mode_3", "under_the_image", "white", "tiny"])
def test_hidden_text_layer_is_replaced_by_ocr_of_the_page(tmp_path: Path, how: str) -> None:
    path = tmp_path / "passport.pdf"
    _forged_pdf(path, how)
    row = _read(path)
    assert row["status"] == "ok"
    assert row["text_source"] == "ocr"
    assert "4417" in row["text"] and "9999" not in row["text"]
    assert row["hidden_text_layer"] is True

    documents, findings = build_documents(pd.DataFrame([row], columns=PAGE_COLUMNS))
    assert documents.iloc[0]["doc_number"] != "9999"
    hidden = [f for f in findings if f.code == "HIDDEN_TEXT_LAYER"]
    assert len(hidden) == 1 and hidden[0].source_file == "passport.pdf"
    assert "скрытый" in hidden[0].message


def test_visible_digital_text_is_still_taken_from_the_layer(tmp_path: Path) -> None:
    path = tmp_path / "digital.pdf"
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=14)
    pdf.add_page()
    for i, line in enumerate(VISIBLE):
        pdf.text(72, 100 + 24 * i, line)
    pdf.output(str(path))
    row = _read(path)
    assert row["text_source"] == "text_layer" and "4417" in row["text"]
    assert not row["hidden_text_layer"]
