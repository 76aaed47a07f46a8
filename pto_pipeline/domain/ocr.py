"""Page text: the PDF text layer when it is sane, otherwise tesseract OCR.

Pages are the unit of work. The parent process only counts pages and hands
(file, page) tasks to a process pool; each worker opens the file itself,
renders one page, OCRs it and forgets the bitmap, so memory stays bounded
however many pages a project has. Results are cached by the page's pixel hash
plus engine version and settings, across runs and projects.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytesseract
from PIL import Image, ImageChops, ImageOps

from pto_pipeline.domain.fsutil import write_text_atomic

# Refuse pages above this many pixels before decoding them (decompression bombs).
MAX_PAGE_PIXELS = 150_000_000
TARGET_DPI = 300
# Bump when preprocessing changes: it is part of the cache key.
PREPROCESS_VERSION = "6"
_LOW_CONFIDENCE = 0.55
_MIN_LAYER_CHARS = 40

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
        return f"{tesseract_version()}|{self.lang}|pp{PREPROCESS_VERSION}"


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


def pdf_text_layer(pdf_path: str, page_index: int) -> str | None:
    """The page's text layer when it is real text covering the page, else None."""
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
        return text


def _text_layer_is_sane(text: str) -> bool:
    stripped = "".join(text.split())
    if len(stripped) < _MIN_LAYER_CHARS or "(cid:" in text:
        return False
    readable = sum(ch.isalnum() or ch in ".,;:-–—№«»\"'()/%+" for ch in stripped)
    return readable / len(stripped) >= 0.85


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
        image = ImageOps.exif_transpose(img) if task.page == 1 else img.copy()
        image.load()
    if dpi:
        image.info["dpi"] = dpi
    return image


def page_hash(image: Image.Image) -> str:
    digest = hashlib.sha256(f"{image.mode}{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def preprocess(image: Image.Image) -> Image.Image:
    """Grayscale page at ~300 dpi with stamps' colour ink removed, contrast stretched, deskewed."""
    image = _drop_colour_ink(image)
    gray = _stretch_contrast(image.convert("L"))
    gray = _normalise_dpi(gray, image.info.get("dpi"))
    return remove_ruling(_deskew(gray))


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
    cumulative = np.cumsum(gray.histogram())
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
    small = gray.copy()
    small.thumbnail((size, size))
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


def _runs_mask(ink: Image.Image, block: int, horizontal: bool) -> Image.Image:
    """Ink pixels lying in a block of `block` consecutive ink pixels along one direction.

    Box-averaging the ink mask down by `block` along that direction leaves 255 only
    where a whole block is ink; scaling back up marks those blocks. Letter strokes
    are shorter than a block, table rules and frames are longer.
    """
    width, height = ink.size
    small_size = (
        (max(1, width // block), height) if horizontal else (width, max(1, height // block))
    )
    full = ink.resize(small_size, Image.Resampling.BOX).point(lambda v: 255 if v >= 250 else 0)
    return full.resize((width, height), Image.Resampling.NEAREST)


def remove_ruling(gray: Image.Image) -> Image.Image:
    """Erase table rules and frames: tesseract's layout analysis takes ruled tables
    for pictures and drops the text in their cells."""
    ink = gray.point(lambda v: 255 if v < 140 else 0)
    # ~8 mm at 300 dpi: longer than the strokes of title letters, shorter than table rules
    block = max(40, gray.width // 25)
    lines = ImageChops.lighter(
        _runs_mask(ink, block, horizontal=True), _runs_mask(ink, block, horizontal=False)
    )
    lines = ImageChops.multiply(lines, ink)
    if not lines.getbbox():
        return gray
    return Image.composite(Image.new("L", gray.size, 255), gray, lines)


def run_tesseract(gray: Image.Image, config: OcrConfig) -> tuple[str, float, int]:
    """(text, mean word confidence 0..1, word count) from one tesseract call."""
    with tempfile.NamedTemporaryFile(suffix=".pgm", delete=False) as tmp:
        gray.save(tmp, format="PPM")  # uncompressed: cheaper than PNG for both sides
        tmp_path = tmp.name
    try:
        data = pytesseract.image_to_data(
            tmp_path,
            lang=config.lang,
            config="--oem 1 --psm 3",
            timeout=config.page_timeout,
            output_type=pytesseract.Output.DICT,
        )
    finally:
        os.unlink(tmp_path)
    return _assemble_text(data)


def _assemble_text(data: dict) -> tuple[str, float, int]:
    lines: dict[tuple[int, int, int], list[str]] = {}
    weighted, letters = 0.0, 0
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        weighted += conf * len(word)
        letters += len(word)
    text_lines: list[str] = []
    previous_block = None
    for (block, _par, _line), words in lines.items():
        if previous_block is not None and block != previous_block:
            text_lines.append("")
        text_lines.append(" ".join(words))
        previous_block = block
    words_count = sum(len(w) for w in lines.values())
    confidence = (weighted / letters / 100.0) if letters else 0.0
    return "\n".join(text_lines), round(confidence, 4), words_count


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


def ocr_image(image: Image.Image, config: OcrConfig) -> tuple[str, float]:
    """OCR a page; when confidence is low, detect a 90/180° turn and retry."""
    gray = preprocess(image)
    if looks_sideways(gray):
        rotation = _detect_rotation(gray, config)
        if rotation:
            gray = _deskew(gray.rotate(-rotation, expand=True, fillcolor=255))
    text, confidence, words = run_tesseract(gray, config)
    if confidence >= _LOW_CONFIDENCE and words >= 5:
        return text, confidence
    rotation = _detect_rotation(gray, config)
    if rotation:
        turned = gray.rotate(-rotation, expand=True, fillcolor=255)
        turned = _deskew(turned)
        text2, confidence2, _ = run_tesseract(turned, config)
        if confidence2 > confidence:
            return text2, confidence2
    return text, confidence


def _cache_file(config: OcrConfig, key: str) -> Path | None:
    if config.cache_dir is None:
        return None
    return config.cache_dir / "ocr" / key[:2] / f"{key}.json"


def process_page(task: PageTask, config: OcrConfig) -> dict:
    """Text of one page as a PAGE_COLUMNS row; never raises."""
    row = {
        "sha256": task.sha256,
        "source_file": task.source_file,
        "page": task.page,
        "pages": task.pages,
        "text": "",
        "text_source": "ocr",
        "ocr_confidence": None,
        "status": "ok",
        "error": None,
        "cached": False,
    }
    try:
        if task.kind == "pdf":
            layer = pdf_text_layer(task.path, task.page - 1)
            if layer is not None:
                row.update(text=layer, text_source="text_layer")
                return row
        image = render_page(task)
        key = hashlib.sha256(f"{page_hash(image)}|{config.cache_tag}".encode()).hexdigest()
        cache = _cache_file(config, key)
        if cache is not None and cache.exists():
            cached = json.loads(cache.read_text(encoding="utf-8"))
            row.update(text=cached["text"], ocr_confidence=cached["confidence"], cached=True)
            return row
        text, confidence = ocr_image(image, config)
        del image
        row.update(text=text, ocr_confidence=confidence)
        if cache is not None:
            payload = {"text": text, "confidence": confidence, "engine": config.cache_tag}
            write_text_atomic(cache, json.dumps(payload, ensure_ascii=False))
    except RuntimeError as exc:
        row.update(status="failed", error=_page_error(exc, config))
    except Exception as exc:  # noqa: BLE001 - a bad page must not stop the others
        row.update(status="failed", error=f"страница не прочитана: {type(exc).__name__}: {exc}")
    return row


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
    return {
        "sha256": f.sha256,
        "source_file": f.source_file,
        "page": 1,
        "pages": 0,
        "text": "",
        "text_source": "ocr",
        "ocr_confidence": None,
        "status": "failed",
        "error": reason,
        "cached": False,
    }


@dataclass
class OcrProgress:
    done: int
    total: int
    cached: int
    elapsed: float


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

    def report() -> None:
        if on_progress is not None:
            on_progress(OcrProgress(len(results), len(tasks), cached, time.monotonic() - started))

    if workers <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            results[i] = process_page(task, config)
            cached += bool(results[i]["cached"])
            report()
    else:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)), initializer=_init_worker
        ) as pool:
            futures = {pool.submit(process_page, t, config): i for i, t in enumerate(tasks)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its page only
                    results[i] = _failed_file_row(
                        SourceFile(tasks[i].sha256, tasks[i].source_file, Path(tasks[i].path)),
                        f"обработчик страницы завершился с ошибкой: {exc}",
                    ) | {"page": tasks[i].page, "pages": tasks[i].pages}
                cached += bool(results[i]["cached"])
                report()
    return [results[i] for i in range(len(tasks))]


def _init_worker() -> None:
    # One tesseract thread per process: the pool provides the parallelism.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def config_snapshot(config: OcrConfig) -> dict:
    data = asdict(config)
    data["cache_dir"] = str(config.cache_dir) if config.cache_dir else None
    data["engine"] = config.cache_tag
    return data
