"""Files as people drop them into an inbox: scans in several formats, digital PDFs.

Every writer is byte-deterministic (no timestamps, fixed encoder settings) and
stores 300 DPI in the image metadata.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image

from pto_pipeline.corpus.degrade import ScanStyle, apply
from pto_pipeline.corpus.documents import Document
from pto_pipeline.corpus.pdfout import digital_pdf, scanned_pdf
from pto_pipeline.corpus.raster import DPI, render_page

FORMATS = ("jpeg", "png", "tiff", "pdf_scan", "pdf_text")
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "pdf_scan": ".pdf", "pdf_text": ".pdf"}


@dataclass
class FileSpec:
    """One inbox file holding one or more documents (several = scanned together)."""

    path: str  # '/'-separated, relative to the inbox
    fmt: str
    documents: list[Document]
    styles: list[ScanStyle] = field(default_factory=list)  # one per page; empty = clean
    jpeg_quality: int = 80

    @property
    def page_count(self) -> int:
        return sum(len(doc.pages) for doc in self.documents)

    def page_ranges(self) -> list[tuple[int, int]]:
        """1-based (first, last) page of each document in the file."""
        ranges, start = [], 1
        for doc in self.documents:
            ranges.append((start, start + len(doc.pages) - 1))
            start += len(doc.pages)
        return ranges


def scan_images(spec: FileSpec) -> list[Image.Image]:
    pages = [page for doc in spec.documents for page in doc.pages]
    styles = spec.styles or [ScanStyle()] * len(pages)
    return [apply(render_page(page), style) for page, style in zip(pages, styles, strict=True)]


def render_file(spec: FileSpec) -> bytes:
    if spec.fmt == "pdf_text":
        return digital_pdf([page for doc in spec.documents for page in doc.pages])
    images = scan_images(spec)
    if spec.fmt == "pdf_scan":
        return scanned_pdf(images, jpeg_quality=spec.jpeg_quality)
    if spec.fmt == "tiff":
        return tiff_bytes(images)
    if len(images) != 1:
        raise ValueError(f"{spec.fmt} holds one page, got {len(images)} for {spec.path}")
    if spec.fmt == "jpeg":
        return jpeg_bytes(images[0], spec.jpeg_quality)
    if spec.fmt == "png":
        return png_bytes(images[0])
    raise ValueError(f"unknown format {spec.fmt}")


def jpeg_bytes(image: Image.Image, quality: int = 80) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, dpi=(DPI, DPI))
    return buf.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(DPI, DPI), compress_level=6)
    return buf.getvalue()


def tiff_bytes(images: list[Image.Image]) -> bytes:
    """Multi-page TIFF, LZW-compressed, as office MFPs write them."""
    buf = io.BytesIO()
    first, rest = images[0], images[1:]
    first.save(
        buf,
        format="TIFF",
        save_all=True,
        append_images=rest,
        compression="tiff_lzw",
        dpi=(DPI, DPI),
    )
    return buf.getvalue()
