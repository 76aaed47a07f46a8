"""PDF writers: a digital PDF with a real text layer, and image-only scanned PDFs.

Both are byte-deterministic: fixed creation date, creator and producer.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from fpdf import FPDF
from PIL import Image

from pto_pipeline.corpus.fonts import FAMILIES, font_face
from pto_pipeline.corpus.page import Line, Page, Rect, Signature, Stamp, Text
from pto_pipeline.corpus.raster import mm_to_px, signature_mask, stamp_mask

FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
_STAMP_DPI = 200


def _new_pdf(creator: str) -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator(creator)
    pdf.set_producer(creator)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    return pdf


def digital_pdf(pages: list[Page], creator: str = "1C:Document flow") -> bytes:
    """A PDF as an office program would export it: selectable text, embedded TTF fonts."""
    pdf = _new_pdf(creator)
    for family in FAMILIES:
        for bold in (False, True):
            face = font_face(family, bold)
            pdf.add_font(face.key, "", str(face.path))
    for page in pages:
        pdf.add_page(format=(page.width, page.height))
        for item in page.items:
            _draw_item(pdf, item)
    return bytes(pdf.output())


def _draw_item(pdf: FPDF, item: object) -> None:
    if isinstance(item, Text):
        pdf.set_font(font_face(item.family, item.bold).key, size=item.size)
        pdf.set_text_color(*item.color)
        pdf.text(item.x, item.y, item.text)
    elif isinstance(item, Line):
        pdf.set_line_width(item.width)
        pdf.set_draw_color(0, 0, 0)
        pdf.line(item.x1, item.y1, item.x2, item.y2)
    elif isinstance(item, Rect):
        if item.fill is not None:
            pdf.set_fill_color(item.fill)
        pdf.set_line_width(max(item.width, 0.01))
        style = ("F" if item.fill is not None else "") + ("D" if item.width else "")
        pdf.rect(item.x, item.y, item.w, item.h, style=style or "D")
    elif isinstance(item, Stamp):
        mask = stamp_mask(item, _STAMP_DPI)
        side = mask.width * 25.4 / _STAMP_DPI
        pdf.image(_ink_png(mask, item.color), item.cx - side / 2, item.cy - side / 2, side, side)
    elif isinstance(item, Signature):
        mask = signature_mask(item, _STAMP_DPI)
        pdf.image(_ink_png(mask, item.color), item.x, item.y, item.w, item.h)


def _ink_png(mask: Image.Image, color: tuple[int, int, int]) -> Image.Image:
    ink = Image.new("RGBA", mask.size, (*color, 0))
    ink.putalpha(mask)
    return ink


def scanned_pdf(images: list[Image.Image], jpeg_quality: int = 70, dpi: int = 300) -> bytes:
    """An image-only PDF, one JPEG per page, page size from the pixel size and DPI."""
    pdf = _new_pdf("Scanner HP LaserJet MFP M428")
    for image in images:
        w_mm = image.width * 25.4 / dpi
        h_mm = image.height * 25.4 / dpi
        pdf.add_page(format=(w_mm, h_mm))
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=jpeg_quality, dpi=(dpi, dpi))
        buf.seek(0)
        pdf.image(buf, 0, 0, w_mm, h_mm)
    return bytes(pdf.output())


__all__ = ["digital_pdf", "mm_to_px", "scanned_pdf"]
