"""Rasterise vector pages into clean 300 DPI RGB images (scan effects come later)."""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from pto_pipeline.corpus.fonts import pil_font
from pto_pipeline.corpus.page import Line, Page, Rect, Signature, Stamp, Text

DPI = 300


def mm_to_px(mm: float, dpi: int = DPI) -> int:
    return round(mm * dpi / 25.4)


def render_page(page: Page, dpi: int = DPI) -> Image.Image:
    """The page as a white RGB image with black print and blue stamps/signatures."""
    size = (mm_to_px(page.width, dpi), mm_to_px(page.height, dpi))
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for item in page.items:
        if isinstance(item, Text):
            font = pil_font(item.family, item.bold, round(item.size * dpi / 72))
            xy = (item.x * dpi / 25.4, item.y * dpi / 25.4)
            draw.text(xy, item.text, font=font, fill=item.color, anchor="ls")
        elif isinstance(item, Line):
            width = max(1, mm_to_px(item.width, dpi))
            points = [mm_to_px(v, dpi) for v in (item.x1, item.y1, item.x2, item.y2)]
            draw.line(points, fill=(0, 0, 0), width=width)
        elif isinstance(item, Rect):
            box = [mm_to_px(item.x, dpi), mm_to_px(item.y, dpi)]
            box += [mm_to_px(item.x + item.w, dpi), mm_to_px(item.y + item.h, dpi)]
            fill = None if item.fill is None else (item.fill,) * 3
            width = mm_to_px(item.width, dpi)
            draw.rectangle(box, fill=fill, outline=(0, 0, 0) if width else None, width=width)
    # Ink marks go over the print, as on paper.
    for item in page.items:
        if isinstance(item, Stamp):
            mask = stamp_mask(item, dpi)
            _stain(image, mask, item.color, mm_to_px(item.cx, dpi), mm_to_px(item.cy, dpi))
        elif isinstance(item, Signature):
            mask = signature_mask(item, dpi)
            cx = mm_to_px(item.x + item.w / 2, dpi)
            cy = mm_to_px(item.y + item.h / 2, dpi)
            _stain(image, mask, item.color, cx, cy)
    return image


def _stain(image: Image.Image, mask: Image.Image, color: tuple[int, int, int], cx: int, cy: int):
    """Multiply-blend ink of `color` through `mask` centred at (cx, cy)."""
    w, h = mask.size
    x0, y0 = cx - w // 2, cy - h // 2
    box = (max(x0, 0), max(y0, 0), min(x0 + w, image.width), min(y0 + h, image.height))
    if box[0] >= box[2] or box[1] >= box[3]:
        return
    region = np.asarray(image.crop(box), dtype=np.float32)
    alpha = np.asarray(mask, dtype=np.float32)[
        box[1] - y0 : box[3] - y0, box[0] - x0 : box[2] - x0, None
    ]
    alpha /= 255.0
    ink = np.array(color, dtype=np.float32) / 255.0
    blended = region * (1.0 - alpha * (1.0 - ink))
    image.paste(Image.fromarray(blended.clip(0, 255).astype(np.uint8)), box[:2])


def stamp_mask(stamp: Stamp, dpi: int = DPI) -> Image.Image:
    """Ink coverage (L mode) of a round stamp, rotated and unevenly inked."""
    rng = random.Random(stamp.seed)
    r_px = mm_to_px(stamp.radius, dpi)
    side = 2 * r_px + 8
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    c = side / 2
    line = max(2, mm_to_px(0.55, dpi))
    thin = max(1, mm_to_px(0.3, dpi))
    for radius, width in ((r_px, line), (r_px - mm_to_px(1.3, dpi), thin)):
        draw.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=width)
    inner = r_px * 0.62
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=thin)
    _ring_text(mask, stamp.ring_text, c, (r_px - mm_to_px(1.3, dpi) + inner) / 2, dpi)
    _center_text(draw, stamp.center_lines, c, inner, dpi)
    mask = mask.rotate(stamp.angle, resample=Image.Resampling.BICUBIC)
    return _uneven_ink(mask, rng, strength=0.55)


def _ring_text(mask: Image.Image, text: str, c: float, radius: float, dpi: int) -> None:
    text = f"{text} * "
    size_px = max(10, min(mm_to_px(3.2, dpi), int(2 * math.pi * radius / len(text) * 1.45)))
    font = pil_font("sans", True, size_px)
    step = 2 * math.pi / len(text)
    for n, ch in enumerate(text):
        if ch == " ":
            continue
        angle = -math.pi / 2 + n * step
        glyph = Image.new("L", (size_px * 2, size_px * 2), 0)
        ImageDraw.Draw(glyph).text((size_px, size_px), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(angle) - size_px
        y = c + radius * math.sin(angle) - size_px
        mask.paste(255, (round(x), round(y)), glyph)


def _center_text(draw: ImageDraw.ImageDraw, lines: tuple[str, ...], c: float, inner: float, dpi):
    if not lines:
        return
    size_px = mm_to_px(2.8 if len(lines) > 2 else 3.4, dpi)
    font = pil_font("sans", True, size_px)
    widest = max(font.getlength(line) for line in lines)
    if widest > inner * 1.7:
        size_px = int(size_px * inner * 1.7 / widest)
        font = pil_font("sans", True, size_px)
    step = size_px * 1.2
    y = c - step * (len(lines) - 1) / 2
    for line in lines:
        draw.text((c, y), line, font=font, fill=255, anchor="mm")
        y += step


def _uneven_ink(mask: Image.Image, rng: random.Random, strength: float) -> Image.Image:
    """Stamps and pen strokes never ink evenly: modulate by a smooth random field."""
    small = np.random.default_rng(rng.getrandbits(32)).random((12, 12), dtype=np.float32)
    field = Image.fromarray((small * 255).astype(np.uint8)).resize(
        mask.size, Image.Resampling.BICUBIC
    )
    field_arr = np.asarray(field, dtype=np.float32) / 255.0
    level = (1.0 - strength) + strength * field_arr
    out = np.asarray(mask, dtype=np.float32) * level * 0.92
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def signature_mask(sig: Signature, dpi: int = DPI) -> Image.Image:
    """A handwritten-looking flourish: a few smooth loops and a trailing stroke."""
    rng = random.Random(sig.seed)
    w, h = mm_to_px(sig.w, dpi), mm_to_px(sig.h, dpi)
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    width = max(2, mm_to_px(0.35, dpi))
    loops = rng.randint(2, 4)
    phase = rng.random() * math.pi
    points = []
    for n in range(240):
        t = n / 239
        x = 0.08 * w + 0.8 * w * t + 0.07 * w * math.sin(2 * math.pi * loops * t + phase)
        y = h * (0.55 - 0.3 * math.cos(2 * math.pi * loops * t) * (1 - 0.6 * t))
        y += h * 0.1 * math.sin(7 * t + phase)
        points.append((x, y))
    draw.line(points, fill=255, width=width, joint="curve")
    tail_y = h * rng.uniform(0.55, 0.8)
    draw.line([(w * 0.6, tail_y), (w * 0.97, tail_y - h * rng.uniform(0.1, 0.3))], 255, width)
    mask = mask.filter(ImageFilter.GaussianBlur(0.6))
    return _uneven_ink(mask, rng, strength=0.35)
