"""Page text: the PDF text layer when it is sane, otherwise tesseract OCR.

Pages are the unit of work. The parent process only counts pages and hands
(file, page) tasks to a process pool; each worker opens the file itself,
renders one page, OCRs it and forgets the bitmap, so memory stays bounded
however many pages a project has. Results are cached by the page's pixel hash
plus engine version and settings, across runs and projects.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import math
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract
from PIL import Image, ImageChops
from scipy.ndimage import maximum_filter1d, minimum_filter1d

from pto_pipeline.domain.extraction.layout import (
    Word,
    empty_value_boxes,
    layout_text,
    pdf_words,
    tesseract_words,
    words_from_json,
    words_to_json,
)
from pto_pipeline.domain.extraction.rules import ends_with_value_label
from pto_pipeline.domain.fsutil import write_text_atomic
from pto_pipeline.domain.scratch import scratch_prefix

# Refuse pages above this many pixels before decoding them (decompression bombs).
MAX_PAGE_PIXELS = 150_000_000
TARGET_DPI = 300
# A decoded image page is shrunk below this many pixels (A4 at ~600 dpi) right away.
MAX_DECODED_PIXELS = 36_000_000
# Bump when preprocessing changes: it is part of the cache key.
PREPROCESS_VERSION = "12"
_LOW_CONFIDENCE = 0.55
_MIN_LAYER_CHARS = 40
# A text layer with more than this share of its characters unseen on the page (render
# mode 3, fully transparent, or painted under an image) is not trusted: OCR the page.
HIDDEN_LAYER_SHARE = 0.2
# A word of a certificate's or declaration's registration code: a country and a dot
# (`RU.`), or a four-character body code between dots (`.ГВ69.`, `.0001.`).
CODE_WORD = re.compile(
    r"(?:^|[^A-Za-zА-Яа-я])[A-ZА-Я]{2}[.:]"
    r"|[.:](?=[0-9'’]{0,4}[A-Za-zА-Яа-я])[0-9A-Za-zА-Яа-я'’]{4,5}[.:]"  # not a date's `.2024.`
)
_TO_CYRILLIC_TWINS = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
# Words read at least this sure (0..100) are not read again.
REREAD_BELOW = 93
# Pages handed to one tesseract process: loading the rus+eng models takes ~0.1 s, about
# a tenth of a page's OCR, and is paid once per call.
PAGES_PER_CALL = 6

Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS


class PageSourceError(Exception):
    """The file (or page) cannot be opened as a document; message is Russian."""


@dataclass(frozen=True)
class OcrConfig:
    lang: str = "rus+eng"
    page_timeout: float = 120.0
    cache_dir: Path | None = None

    @property
    def cache_tag(self) -> str:
        return f"{tesseract_version()}|{self.lang}|pp{PREPROCESS_VERSION}|boxes3"


@dataclass(frozen=True)
class PageTask:
    sha256: str
    source_file: str
    path: str  # absolute path of the stored copy
    page: int  # 1-based
    pages: int
    kind: str  # pdf | image


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    try:
        return str(pytesseract.get_tesseract_version())
    except Exception:  # noqa: BLE001 - missing binary is reported when OCR is attempted
        return "unknown"


# --- counting pages (parent process; cheap, no rendering) --------------------


def count_pages(path: Path) -> tuple[str, int]:
    """Return (kind, pages) or raise PageSourceError with a Russian reason."""
    if path.suffix.lower() == ".pdf":
        return "pdf", _count_pdf_pages(path)
    return "image", _count_image_frames(path)


def _count_pdf_pages(path: Path) -> int:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason:
            raise PageSourceError("PDF защищён паролем — загрузите копию без пароля") from exc
        raise PageSourceError("файл не является читаемым PDF (повреждён или обрезан)") from exc
    try:
        n = len(pdf)
    finally:
        pdf.close()
    if n == 0:
        raise PageSourceError("в PDF нет ни одной страницы")
    return n


def _count_image_frames(path: Path) -> int:
    try:
        with Image.open(path) as img:
            width, height = img.size
            frames = getattr(img, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise PageSourceError(_too_large_message()) from exc
    except Exception as exc:
        raise PageSourceError(
            "файл не является изображением (повреждён или другой формат)"
        ) from exc
    if width * height > MAX_PAGE_PIXELS:
        raise PageSourceError(_too_large_message())
    return frames


def _too_large_message() -> str:
    return (
        f"изображение больше {MAX_PAGE_PIXELS // 1_000_000} Мпикс — "
        "отсканируйте с разрешением 300 dpi"
    )


# --- one page (worker process) ----------------------------------------------


def pdf_text_layer(pdf_path: str, page_index: int) -> tuple[str, list[Word]] | None:
    """The page's text layer (in the PDF's order, and its words with their boxes) when it
    is real text covering the page, else None."""
    import pdfplumber  # local: only PDF pages need it

    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[page_index]
        text = page.extract_text() or ""
        if not _text_layer_is_sane(text):
            return None
        page_area = float(page.width * page.height) or 1.0
        image_area = sum(float(im["width"] * im["height"]) for im in page.images)
        chars = page.chars
        if image_area / page_area > 0.5 and chars:
            # A scan with a partial text layer (an OCR stamp, a header): OCR the image.
            covered = (max(c["bottom"] for c in chars) - min(c["top"] for c in chars)) / float(
                page.height
            )
            if covered < 0.5:
                return None
        return text, pdf_words(page.extract_words())


def _text_layer_is_sane(text: str) -> bool:
    stripped = "".join(text.split())
    if len(stripped) < _MIN_LAYER_CHARS or "(cid:" in text:
        return False
    readable = sum(ch.isalnum() or ch in ".,;:-–—№«»\"'()/%+" for ch in stripped)
    return readable / len(stripped) >= 0.85


_WHITE = 250  # fill colour channels at or above this read as white
_TINY_POINTS = 1.0  # text lower than this (in points) cannot be read
_UNSEEN_MODES = {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP}


def hidden_text_share(pdf_path: str, page_index: int) -> float:
    """Share of the page's text characters a reader of the page cannot see.

    Unseen: render mode 3 (invisible) or 7 (clip only), a fill fully transparent, or a
    text object painted before an image that covers it (the usual forged scan).
    """
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        page = pdf[page_index]
        objects = list(page.get_objects())
        order = {_address(o.raw): i for i, o in enumerate(objects)}
        images = [
            (i, o.get_bounds())
            for i, o in enumerate(objects)
            if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE
        ]
        textpage = page.get_textpage()
        verdicts: dict[int, bool] = {}
        seen = unseen = 0
        for index in range(textpage.count_chars()):
            if chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index)).isspace():
                continue
            obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
            key = _address(obj)
            if key not in verdicts:
                verdicts[key] = _text_object_unseen(obj, order.get(key), images)
            unseen += verdicts[key]
            seen += not verdicts[key]
        return unseen / (seen + unseen) if seen + unseen else 0.0
    finally:
        pdf.close()


def _address(pointer) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def _text_object_unseen(obj, position: int | None, images: list) -> bool:
    if not obj:
        return False
    if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) in _UNSEEN_MODES:
        return True
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a) and (
        a.value == 0 or min(r.value, g.value, b.value) >= _WHITE
    ):
        return True  # transparent, or white on (almost always) white paper
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return False
    if top.value - bottom.value < _TINY_POINTS:
        return True  # too small to read
    box = (left.value, bottom.value, right.value, top.value)
    return position is not None and any(i > position and _contains(p, box) for i, p in images)


def _contains(outer: tuple, inner: tuple, slack: float = 1.0) -> bool:
    return (
        outer[0] - slack <= inner[0]
        and outer[1] - slack <= inner[1]
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def render_page(task: PageTask) -> Image.Image:
    """Decode one page to a PIL image (RGB or L), EXIF orientation applied."""
    if task.kind == "pdf":
        pdf = pdfium.PdfDocument(task.path)
        try:
            page = pdf[task.page - 1]
            width_pt, height_pt = page.get_size()
            scale = TARGET_DPI / 72.0
            if width_pt * height_pt * scale * scale > MAX_PAGE_PIXELS:
                scale = (MAX_PAGE_PIXELS / (width_pt * height_pt)) ** 0.5
            image = page.render(scale=scale).to_pil()
            image.info["dpi"] = (scale * 72.0, scale * 72.0)
            return image
        finally:
            pdf.close()
    with Image.open(task.path) as img:
        if task.page > 1:
            img.seek(task.page - 1)
        dpi = img.info.get("dpi")
        orientation = img.getexif().get(_EXIF_ORIENTATION) if task.page == 1 else None
        full = img.size
        factor = _reduction(full, dpi)
        if factor > 1 and img.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale: the full bitmap never exists.
            img.draft(img.mode, (full[0] // factor, full[1] // factor))
        img.load()
        step = max(1, round(img.width / max(1, full[0] // factor)))
        if step > 1:
            # reduce() averages pixels: palette and 1-bit pages are widened first.
            base = img.convert("RGB" if img.mode == "P" else "L") if img.mode in ("1", "P") else img
            image = base.reduce(step)
        else:
            image = img.copy()
    if orientation in _EXIF_TRANSPOSE:
        image = image.transpose(_EXIF_TRANSPOSE[orientation])
    if dpi:
        shrink = (
            full[0] / image.width if orientation not in (5, 6, 7, 8) else full[0] / image.height
        )
        image.info["dpi"] = (float(dpi[0]) / shrink, float(dpi[1]) / shrink)
    return image


_EXIF_ORIENTATION = 0x0112
_EXIF_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _reduction(size: tuple[int, int], dpi) -> int:
    """Whole-number shrink factor for a scan far above TARGET_DPI (or of huge size with no
    DPI recorded), so that preprocessing works on a page near 300 dpi, not on gigabytes."""
    try:
        source_dpi = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        source_dpi = 0.0
    factor = int(source_dpi // TARGET_DPI) if source_dpi >= 1.5 * TARGET_DPI else 1
    while size[0] * size[1] / (factor * factor) > MAX_DECODED_PIXELS:
        factor += 1
    return max(1, factor)


def page_hash(image: Image.Image) -> str:
    digest = hashlib.sha256(f"{image.mode}{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def preprocess(image: Image.Image) -> Image.Image:
    """Grayscale page at ~300 dpi with stamps' colour ink removed, contrast stretched,
    deskewed and table rules erased."""
    image = _drop_colour_ink(image)
    gray = _stretch_contrast(image.convert("L"))
    gray = _normalise_dpi(gray, image.info.get("dpi"))
    return remove_ruling(_deskew(gray))


def prepare_for_ocr(image: Image.Image, config: OcrConfig) -> Image.Image:
    """The preprocessed page, turned upright when its lines run vertically (judged once
    rules are erased: a table's vertical rules would look like lines of text)."""
    gray = preprocess(image)
    if looks_sideways(gray):
        rotation = _detect_rotation(gray, config)
        if rotation:
            gray = _deskew(gray.rotate(-rotation, expand=True, fillcolor=255))
    return gray


def _drop_colour_ink(image: Image.Image) -> Image.Image:
    """Blue (and red) stamp and signature ink → white; black print stays."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return image
    rgb = image.convert("RGB")
    thumb = rgb.copy()
    thumb.thumbnail((400, 400))
    if not _colour_ink_mask(np.asarray(thumb, dtype=np.int16)).any():
        return image  # no stamp or signature ink: skip the full-size pass
    r, g, b = rgb.split()
    # b - max(r, g) > 30 with b > 120 (blue ink); r - max(g, b) > 60 (red ink)
    blue = ImageChops.subtract(b, ImageChops.lighter(r, g)).point(lambda v: 255 if v > 30 else 0)
    blue = ImageChops.multiply(blue, b.point(lambda v: 255 if v > 120 else 0))
    red = ImageChops.subtract(r, ImageChops.lighter(g, b)).point(lambda v: 255 if v > 60 else 0)
    ink = ImageChops.lighter(blue, red)
    out = Image.composite(Image.new("RGB", rgb.size, (255, 255, 255)), rgb, ink)
    out.info = dict(image.info)
    return out


def _stretch_contrast(gray: Image.Image) -> Image.Image:
    """Faded scans: map the darkest ink to black and the paper (median) to white.

    Percentile cut-offs of the whole page would treat a page that is 99 % paper
    as all ink; the median is the paper on any document page.
    """
    cumulative = np.cumsum(gray.reduce(2).histogram())  # percentiles: half size is plenty
    total = cumulative[-1]
    ink = int(np.searchsorted(cumulative, total * 0.0005))
    paper = int(np.searchsorted(cumulative, total * 0.5))
    if paper - ink < 40 or (ink <= 5 and paper >= 250):
        return gray
    lut = np.clip((np.arange(256) - ink) * 255.0 / (paper - ink), 0, 255).astype(np.uint8)
    return gray.point(lut.tolist())


def _colour_ink_mask(rgb: np.ndarray) -> np.ndarray:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    blue = ((b - np.maximum(r, g)) > 30) & (b > 120)
    red = (r - np.maximum(g, b)) > 60
    return blue | red


def _normalise_dpi(gray: Image.Image, dpi: tuple[float, float] | None) -> Image.Image:
    # No DPI recorded: assume an A4 page and infer it from the short side.
    source_dpi = float(dpi[0]) if dpi and dpi[0] and dpi[0] > 1 else min(gray.size) / 8.27
    scale = TARGET_DPI / source_dpi
    if 0.75 <= scale <= 1.35:
        return gray
    scale = min(scale, 3.0)
    new_size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    if new_size[0] * new_size[1] > MAX_PAGE_PIXELS:
        return gray
    return gray.resize(new_size, Image.Resampling.LANCZOS)


def _ink_thumbnail(gray: Image.Image, size: int = 500) -> Image.Image | None:
    """Ink mask (255 = ink) of a small copy of the page; None for an empty page."""
    small = gray.reduce(max(1, max(gray.size) // size))  # box average: cheap, no copy
    ink = small.point(lambda v: 255 if v < 128 else 0)
    if np.asarray(ink).mean() < 0.5:  # under 0.2 % ink: nothing to align
        return None
    return ink


def _profile_sharpness(ink: np.ndarray, axis: int) -> float:
    profile = ink.sum(axis=axis, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def _best_angle(ink: Image.Image, angles: np.ndarray) -> float:
    scores = [
        _profile_sharpness(np.asarray(ink.rotate(float(a), resample=Image.Resampling.NEAREST)), 1)
        for a in angles
    ]
    return float(angles[int(np.argmax(scores))])


def estimate_skew(gray: Image.Image, max_angle: float = 4.0) -> float:
    """Skew angle (degrees) maximising the sharpness of the row projection profile:
    a 1° grid first, then 0.25° around the best."""
    ink = _ink_thumbnail(gray)
    if ink is None:
        return 0.0
    coarse = _best_angle(ink, np.arange(-max_angle, max_angle + 0.5, 1.0))
    return _best_angle(ink, np.arange(coarse - 0.75, coarse + 0.8, 0.25))


def looks_sideways(gray: Image.Image) -> bool:
    """Text lines run vertically (page turned 90°/270°): columns profile sharper than rows."""
    ink = _ink_thumbnail(gray)
    if ink is None:
        return False
    pixels = np.asarray(ink)
    return _profile_sharpness(pixels, 0) > 1.5 * _profile_sharpness(pixels, 1)


def _deskew(gray: Image.Image) -> Image.Image:
    # Tesseract copes with slight skew itself; rotating a full page costs ~0.1 s.
    angle = estimate_skew(gray)
    if abs(angle) < 0.9:
        return gray
    return gray.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)


def _long_runs(ink: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels lying on a run of at least `length` ink pixels along `axis`: a morphological
    opening with a line (erosion, then dilation)."""
    eroded = minimum_filter1d(ink, length, axis=axis)
    return maximum_filter1d(eroded, length, axis=axis).astype(bool)


def _rules_along(half: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Rules running along `axis` (1: horizontal, 0: vertical) of a half-resolution ink
    mask. A pixel also counts as ink when a neighbour across the rule is: a rule tilted
    by the small skew left in place (< 0.9°) still forms one run, not a trail of dashes.
    The blank gaps between letters stay blank, so a line of text never forms a run."""
    tolerant = half.copy()
    if axis == 1:
        tolerant[1:] |= half[:-1]
        tolerant[:-1] |= half[1:]
    else:
        tolerant[:, 1:] |= half[:, :-1]
        tolerant[:, :-1] |= half[:, 1:]
    return _long_runs(tolerant, length, axis=axis)


def remove_ruling(gray: Image.Image) -> Image.Image:
    """Erase table rules and frames: tesseract's layout analysis takes ruled tables
    for pictures and drops the text in their cells, and the dashes a partly erased
    rule leaves cost it more time than the rule itself."""
    ink = gray.point(lambda v: 255 if v < 140 else 0)
    # a cell is ink when two of its four pixels are: a one-pixel rule still is, a
    # speckle of scan noise is not
    half_ink = ink.reduce(2).point(lambda v: 255 if v >= 120 else 0)
    half = np.asarray(half_ink) > 0
    # ~10 mm at 300 dpi, in half-resolution pixels: longer than the strokes of title
    # letters and than bold words whose letters touch, shorter than table rules
    length = max(20, gray.width // 40)
    # the same test both ways: a page may still lie sideways here
    rules = _rules_along(half, length, axis=1) | _rules_along(half, length, axis=0)
    if not rules.any():
        return gray
    # white over the rule, its grey anti-aliased edges (left alone, they come back as
    # dotted lines) and the paper a pixel or two around it
    mask = Image.fromarray(rules.astype(np.uint8) * 255).resize(gray.size, Image.Resampling.NEAREST)
    return ImageChops.lighter(gray, mask)


@dataclass(frozen=True)
class Recognised:
    text: str
    confidence: float  # mean word confidence 0..1, weighted by word length
    words: int
    word_confidences: tuple[int, ...]  # 0..100, one per whitespace-separated word of `text`
    boxes: tuple[Word, ...] = ()  # the words with their boxes, for the layout reading


def run_tesseract(gray: Image.Image, config: OcrConfig) -> Recognised:
    """One page through one tesseract call."""
    return run_tesseract_many([gray], config)[0]


def run_tesseract_many(grays: list[Image.Image], config: OcrConfig) -> list[Recognised]:
    """Several pages through one tesseract call (a list file of page images); its
    timeout is the per-page timeout times the number of pages. Registration-code words
    are then read again with the first language alone (see `CODE_WORD`)."""
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("ocr")) as tmp:
        data = _tesseract_data(grays, Path(tmp), "page", config.lang, 3, config)
        _reread_code_words(grays, data, Path(tmp), config)
    return [_assemble_text(data, page) for page in range(1, len(grays) + 1)]


def _tesseract_data(
    images: list[Image.Image], tmp: Path, stem: str, lang: str, psm: int, config: OcrConfig
) -> dict:
    """tesseract's word table (TSV) of the images, read in one call; `page_num` tells
    which image a word is on."""
    paths = []
    for i, image in enumerate(images):
        path = tmp / f"{stem}{i}.pgm"
        image.save(path, format="PPM")  # uncompressed: cheaper than PNG for both sides
        paths.append(str(path))
    source = paths[0]
    if len(paths) > 1:
        source = str(tmp / f"{stem}s.txt")
        Path(source).write_text("\n".join(paths) + "\n", encoding="utf-8")
    return pytesseract.image_to_data(
        source,
        lang=lang,
        config=f"--oem 1 --psm {psm}",
        timeout=config.page_timeout * len(paths),
        output_type=pytesseract.Output.DICT,
    )


def _reread_code_words(grays: list[Image.Image], data: dict, tmp: Path, config: OcrConfig) -> None:
    """Read registration-code words again with the first language alone and keep that
    reading. With `rus+eng`, tesseract spells a certificate's Cyrillic body code in Latin
    look-alikes and loses letters that have none (`ГВ69` as `I'B69`, `ЖБ39` as `2KB39`,
    `БТ01` as `BT01`); the Russian model alone reads them (`RU` becomes `КУ` or `ВО`,
    which the number templates repair). One extra call for all such words of the pages."""
    first_lang = config.lang.split("+")[0]
    if first_lang == config.lang:
        return
    words = [
        i
        for i, word in enumerate(data["text"])
        if CODE_WORD.search(word or "") and 0 <= float(data["conf"][i]) < REREAD_BELOW
    ]
    if not words:
        return
    crops = [_word_crop(grays[int(data["page_num"][i]) - 1], data, i) for i in words]
    try:
        again = _tesseract_data(crops, tmp, "word", first_lang, 7, config)
    except Exception:  # noqa: BLE001 - the first reading stands
        return
    for k, i in enumerate(words, start=1):
        reading = "".join(
            w.strip() for j, w in enumerate(again["text"]) if int(again["page_num"][j]) == k and w
        )
        data["text"][i] = merge_code_readings(data["text"][i], reading)


# A body code as the Russian model reads it: two Cyrillic letters, two digits (`ГВ69`,
# `БТо1`: the number templates repair `о` and `З` in digit places).
_BODY_CODE = re.compile(r"[А-ЯЁ]{2}[0-9оОзЗ]{2}")


def merge_code_readings(first: str, russian: str) -> str:
    """The first reading with its body-code segments taken from the Russian one. Only
    those: the Russian model misreads the Latin country code (`RU` as `KBY`) and inserts
    letters into long voluntary codes, which the first reading and the templates get right."""
    segments, again = first.split("."), russian.split(".")
    if len(segments) != len(again):
        return first
    merged = [
        new if _BODY_CODE.fullmatch(new) and old.translate(_TO_CYRILLIC_TWINS) != new else old
        for old, new in zip(segments, again, strict=True)
    ]
    return ".".join(merged)


def _word_crop(gray: Image.Image, data: dict, i: int, pad: int = 10) -> Image.Image:
    left, top = int(data["left"][i]), int(data["top"][i])
    right, bottom = left + int(data["width"][i]), top + int(data["height"][i])
    return gray.crop(
        (
            max(0, left - pad),
            max(0, top - pad),
            min(gray.width, right + pad),
            min(gray.height, bottom + pad),
        )
    )


def _assemble_text(data: dict, page: int = 1) -> Recognised:
    lines: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0 or int(data["page_num"][i]) != page:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        # tesseract words hold no spaces; split defensively so words and confidences align
        lines.setdefault(key, []).extend((part, conf) for part in word.split())
    text_lines: list[str] = []
    previous_block = None
    for (block, _par, _line), words in lines.items():
        if previous_block is not None and block != previous_block:
            text_lines.append("")
        text_lines.append(" ".join(w for w, _ in words))
        previous_block = block
    all_words = [w for words in lines.values() for w in words]
    letters = sum(len(w) for w, _ in all_words)
    weighted = sum(conf * len(w) for w, conf in all_words)
    confidence = (weighted / letters / 100.0) if letters else 0.0
    return Recognised(
        "\n".join(text_lines),
        round(confidence, 4),
        len(all_words),
        tuple(round(conf) for _, conf in all_words),
        tuple(tesseract_words(data, page)),
    )


def _detect_rotation(gray: Image.Image, config: OcrConfig) -> int:
    try:
        osd = pytesseract.image_to_osd(
            gray, config="--psm 0 -c min_characters_to_try=20", timeout=config.page_timeout
        )
    except Exception:  # noqa: BLE001 - too little text for OSD: keep the page as it is
        return 0
    for line in osd.splitlines():
        if line.startswith("Rotate:"):
            return int(line.split(":")[1].strip()) % 360
    return 0


def second_look(gray: Image.Image, first: Recognised, config: OcrConfig) -> Recognised:
    """When the first reading is poor, detect a 90/180° turn and read the page again;
    then read again the values a stamp hid (`read_covered_values`)."""
    if first.confidence >= _LOW_CONFIDENCE and first.words >= 5:
        return read_covered_values(gray, first, config)
    rotation = _detect_rotation(gray, config)
    if rotation:
        turned = _deskew(gray.rotate(-rotation, expand=True, fillcolor=255))
        again = run_tesseract(turned, config)
        if again.confidence > first.confidence:
            return read_covered_values(turned, again, config)
    return read_covered_values(gray, first, config)


_MAX_COVERED_VALUES = 4  # strips read again per page
_PAPER = 200  # pixels lighter than this are paper


def read_covered_values(gray: Image.Image, reading: Recognised, config: OcrConfig) -> Recognised:
    """A label that ends its line with no value (`Партия №`, `Отгружено`) most often
    has its value under a stamp: tesseract skips the region. The strip right of the
    label is read again as one line, keeping only the darkest ink (Otsu's threshold
    between the print and a grey stamp), so the stamp drops out. The words found join
    the page's words (not its engine-order text), so only the layout reading sees them."""
    boxes = empty_value_boxes(reading.boxes, ends_with_value_label, gray.width)
    added: list[Word] = []
    for box in boxes[:_MAX_COVERED_VALUES]:
        added.extend(_read_value_strip(gray, box, config))
    if not added:
        return reading
    return replace(reading, boxes=(*reading.boxes, *added))


def _read_value_strip(
    gray: Image.Image, box: tuple[float, float, float, float], config: OcrConfig
) -> list[Word]:
    left, top, right, bottom = (round(v) for v in box)
    left, top = max(0, left), max(0, top)
    right, bottom = min(gray.width, right), min(gray.height, bottom)
    if right - left < 10 or bottom - top < 5:
        return []
    strip = np.asarray(gray.crop((left, top, right, bottom)))
    ink = strip[strip < _PAPER]
    if ink.size == 0:
        return []  # nothing printed there
    dark = Image.fromarray(np.where(strip <= _otsu(ink), 0, 255).astype(np.uint8))
    try:
        with tempfile.TemporaryDirectory(prefix=scratch_prefix("ocr")) as tmp:
            data = _tesseract_data([dark], Path(tmp), "strip", config.lang, 7, config)
    except Exception:  # noqa: BLE001 - the page's first reading stands
        return []
    return [
        Word(w.text, w.confidence, w.left + left, w.top + top, w.right + left, w.bottom + top)
        for w in tesseract_words(data)
        if re.search(r"[0-9A-Za-zА-Яа-яЁё]{2}", w.text) and w.confidence >= _STRIP_MIN_CONF
    ]


def _otsu(values: np.ndarray) -> int:
    """The grey level that best splits `values` in two classes (Otsu's method)."""
    hist = np.bincount(values.astype(np.uint8).ravel(), minlength=256).astype(float)
    levels = np.arange(256)
    below = np.cumsum(hist)
    above = below[-1] - below
    mass = np.cumsum(hist * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * below / below[-1] - mass) ** 2 / (below * above)
    return int(np.nanargmax(between)) if np.isfinite(between).any() else int(values.max())


_STRIP_MIN_CONF = 40  # the value keeps its confidence; extraction weighs it


def recognise_pages(grays: list[Image.Image], config: OcrConfig) -> list[Recognised | Exception]:
    """Readings of prepared pages: one tesseract call for all; if that call fails (a
    page that hangs tesseract), page by page, so only the bad page fails."""
    if len(grays) > 1:
        try:
            return list(run_tesseract_many(grays, config))
        except Exception:  # noqa: BLE001 - retried page by page below
            pass
    results: list[Recognised | Exception] = []
    for gray in grays:
        try:
            results.append(run_tesseract(gray, config))
        except Exception as exc:  # noqa: BLE001 - reported in the page's row
            results.append(exc)
    return results


def _cache_file(config: OcrConfig, key: str) -> Path | None:
    if config.cache_dir is None:
        return None
    return config.cache_dir / "ocr" / key[:2] / f"{key}.json"


def _new_row(task: PageTask) -> dict:
    return {
        "sha256": task.sha256,
        "source_file": task.source_file,
        "page": task.page,
        "pages": task.pages,
        "text": "",
        "text_source": "ocr",
        "ocr_confidence": None,
        "status": "ok",
        "error": None,
        "word_confidences": None,
        "layout_text": "",
        "layout_word_confidences": None,
        "hidden_text_layer": False,
        "cached": False,
    }


@contextmanager
def _failures_into(row: dict, config: OcrConfig) -> Iterator[None]:
    """A bad page becomes a failed row with the reason; the other pages go on."""
    try:
        yield
    except RuntimeError as exc:
        row.update(status="failed", error=_page_error(exc, config))
    except Exception as exc:  # noqa: BLE001 - a bad page must not stop the others
        row.update(status="failed", error=f"страница не прочитана: {type(exc).__name__}: {exc}")


def _read_without_ocr(
    task: PageTask, row: dict, config: OcrConfig
) -> tuple[Image.Image, Path | None] | None:
    """Fill `row` from the page index, the PDF text layer or the OCR cache; otherwise
    the prepared page and its cache file."""
    if _from_page_index(task, row, config):
        return None
    if task.kind == "pdf":
        layer = pdf_text_layer(task.path, task.page - 1)
        if layer is not None:
            if hidden_text_share(task.path, task.page - 1) <= HIDDEN_LAYER_SHARE:
                row.update(
                    text=layer[0], layout_text=layout_text(layer[1])[0], text_source="text_layer"
                )
                _index_page(
                    task, config, {"text_layer": layer[0], "words": words_to_json(layer[1])}
                )
                return None
            row["hidden_text_layer"] = True  # the page is read from its pixels instead
    image = render_page(task)
    key = hashlib.sha256(f"{page_hash(image)}|{config.cache_tag}".encode()).hexdigest()
    cache = _cache_file(config, key)
    if cache is not None and _from_cache(cache, row):
        _index_page(task, config, {"reading": key, "hidden": row["hidden_text_layer"]})
        return None
    return prepare_for_ocr(image, config), cache


def _from_cache(cache: Path, row: dict) -> bool:
    """Fill `row` from an OCR cache entry; a missing, corrupt or foreign entry is a miss
    (the page is read again and the entry rewritten)."""
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        laid_out, laid_out_confidences = layout_text(words_from_json(cached.get("words") or []))
        row.update(
            text=str(cached["text"]),
            ocr_confidence=float(cached["confidence"]),
            word_confidences=cached.get("word_confidences"),
            layout_text=laid_out,
            layout_word_confidences=laid_out_confidences,
            cached=True,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


# --- page index: a page already read is found by its file's bytes, no pixels decoded ----


def _page_index_file(task: PageTask, config: OcrConfig) -> Path | None:
    if config.cache_dir is None:
        return None
    key = hashlib.sha256(f"{task.sha256}|{task.page}|{config.cache_tag}".encode()).hexdigest()
    return config.cache_dir / "ocr" / "pages" / key[:2] / f"{key}.json"


def _from_page_index(task: PageTask, row: dict, config: OcrConfig) -> bool:
    """A page of a file read before (same bytes, same engine and settings): its text
    layer, or the OCR cache entry of its pixels, without rendering the page."""
    index = _page_index_file(task, config)
    if index is None or not index.exists():
        return False
    try:
        entry = json.loads(index.read_text(encoding="utf-8"))
        if "text_layer" in entry:
            row.update(
                text=str(entry["text_layer"]),
                layout_text=layout_text(words_from_json(entry["words"]))[0],
                text_source="text_layer",
                cached=True,
            )
            return True
        cache = _cache_file(config, str(entry["reading"]))
        if cache is not None and _from_cache(cache, row):
            row["hidden_text_layer"] = bool(entry.get("hidden"))
            return True
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return False


def _index_page(task: PageTask, config: OcrConfig, entry: dict) -> None:
    index = _page_index_file(task, config)
    if index is None:
        return
    # a full or read-only cache disk: the page is simply read again next time
    with suppress(OSError):
        write_text_atomic(index, json.dumps(entry, ensure_ascii=False))


def _store_reading(
    row: dict, reading: Recognised, cache: Path | None, config: OcrConfig, task: PageTask
) -> None:
    words = list(reading.word_confidences)
    laid_out, laid_out_confidences = layout_text(reading.boxes)
    row.update(
        text=reading.text,
        ocr_confidence=reading.confidence,
        word_confidences=words,
        layout_text=laid_out,
        layout_word_confidences=laid_out_confidences,
    )
    if cache is not None:
        payload = {
            "text": reading.text,
            "confidence": reading.confidence,
            "word_confidences": words,
            # the engine's words and boxes: the layout is laid out again on every read,
            # so a better layout needs no new OCR
            "words": words_to_json(reading.boxes),
            "engine": config.cache_tag,
        }
        try:
            write_text_atomic(cache, json.dumps(payload, ensure_ascii=False))
        except OSError:
            return  # a full or read-only cache disk: the reading stands, uncached
        _index_page(task, config, {"reading": cache.stem, "hidden": row["hidden_text_layer"]})


def process_pages(tasks: list[PageTask], config: OcrConfig) -> list[dict]:
    """PAGE_COLUMNS rows of a few pages; those that need OCR share one tesseract call.
    Never raises."""
    rows = [_new_row(task) for task in tasks]
    pending: list[tuple[PageTask, dict, Image.Image, Path | None]] = []
    for task, row in zip(tasks, rows, strict=True):
        with _failures_into(row, config):
            if prepared := _read_without_ocr(task, row, config):
                pending.append((task, row, *prepared))
    readings = recognise_pages([gray for _, _, gray, _ in pending], config) if pending else []
    for (task, row, gray, cache), reading in zip(pending, readings, strict=True):
        with _failures_into(row, config):
            if isinstance(reading, Exception):
                raise reading
            _store_reading(row, second_look(gray, reading, config), cache, config, task)
    return rows


def _page_error(exc: RuntimeError, config: OcrConfig) -> str:
    if "timeout" in str(exc).lower():
        return f"распознавание страницы не уложилось в {config.page_timeout:.0f} с"
    return f"ошибка распознавания: {exc}"


# --- many pages (parent process) --------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    sha256: str
    source_file: str
    path: Path


def plan_pages(files: Iterable[SourceFile]) -> tuple[list[PageTask], list[dict]]:
    """Page tasks for readable files and failed rows for files that can't be opened."""
    tasks: list[PageTask] = []
    failed: list[dict] = []
    for f in files:
        try:
            kind, pages = count_pages(f.path)
        except PageSourceError as exc:
            failed.append(_failed_file_row(f, str(exc)))
            continue
        except OSError as exc:
            failed.append(_failed_file_row(f, f"файл недоступен: {exc.strerror or exc}"))
            continue
        tasks.extend(
            PageTask(f.sha256, f.source_file, str(f.path), p, pages, kind)
            for p in range(1, pages + 1)
        )
    return tasks, failed


def _failed_file_row(f: SourceFile, reason: str) -> dict:
    task = PageTask(f.sha256, f.source_file, str(f.path), page=1, pages=0, kind="")
    return _new_row(task) | {"status": "failed", "error": reason}


@dataclass
class OcrProgress:
    done: int
    total: int
    cached: int
    elapsed: float


def page_batches(n_tasks: int, workers: int) -> list[range]:
    """Consecutive task indexes per tesseract call, largest first ("guided" scheduling):
    up to PAGES_PER_CALL while much work is left, then smaller, so that the workers
    finish together instead of one idling while another reads its last big batch."""
    workers = max(1, workers)
    batches: list[range] = []
    start = 0
    while start < n_tasks:
        remaining = n_tasks - start
        share = remaining if workers == 1 else math.ceil(remaining / (2 * workers))
        size = max(1, min(PAGES_PER_CALL, share))
        batches.append(range(start, start + size))
        start += size
    return batches


def run_pages(
    tasks: list[PageTask],
    config: OcrConfig,
    workers: int,
    on_progress: Callable[[OcrProgress], None] | None = None,
) -> list[dict]:
    """Process pages on `workers` processes (one tesseract thread each), in task order."""
    _init_worker()
    started = time.monotonic()
    results: dict[int, dict] = {}
    cached = 0
    batches = page_batches(len(tasks), workers)

    def record(batch: range, rows: list[dict]) -> None:
        nonlocal cached
        results.update(zip(batch, rows, strict=True))
        cached += sum(bool(r["cached"]) for r in rows)
        if on_progress is not None:
            elapsed = time.monotonic() - started
            on_progress(OcrProgress(len(results), len(tasks), cached, elapsed))

    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            record(batch, process_pages([tasks[i] for i in batch], config))
    else:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(batches)), initializer=_init_worker
        ) as pool:
            futures = {
                pool.submit(process_pages, [tasks[i] for i in batch], config): batch
                for batch in batches
            }
            for future in as_completed(futures):
                batch = futures[future]
                try:
                    rows = future.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its pages only
                    rows = [_dead_worker_row(tasks[i], exc) for i in batch]
                record(batch, rows)
    return [results[i] for i in range(len(tasks))]


def _dead_worker_row(task: PageTask, exc: Exception) -> dict:
    return _new_row(task) | {
        "status": "failed",
        "error": f"обработчик страницы завершился с ошибкой: {exc}",
    }


def _init_worker() -> None:
    # One tesseract thread per process: the pool provides the parallelism.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def config_snapshot(config: OcrConfig) -> dict:
    data = asdict(config)
    data["cache_dir"] = str(config.cache_dir) if config.cache_dir else None
    data["engine"] = config.cache_tag
    return data
