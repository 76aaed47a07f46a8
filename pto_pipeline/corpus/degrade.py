"""Scanner and copier artefacts applied to clean page renders, deterministic per seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps


@dataclass(frozen=True)
class ScanStyle:
    """How one page was scanned. All zeros = a perfect scan."""

    skew: float = 0.0  # degrees, counter-clockwise
    rotate: int = 0  # 0 / 90 / 180 / 270: page fed sideways or upside down
    noise: float = 0.0  # gaussian sigma in grey levels (kept small for PNG/TIFF)
    specks: float = 0.0  # dust specks per megapixel
    fade: float = 0.0  # 0..0.5: toner low / faded copy
    blur: float = 0.0  # gaussian radius in pixels
    paper: int = 255  # paper grey level (yellowish if color)
    grayscale: bool = False
    edge_shadow: bool = False  # dark band of the scanner lid at one edge
    seed: int = 0

    @property
    def name(self) -> str:
        parts = []
        if self.skew:
            parts.append(f"skew{self.skew:+.1f}")
        if self.rotate:
            parts.append(f"rot{self.rotate}")
        if self.fade:
            parts.append("faded")
        if self.noise or self.specks:
            parts.append("noisy")
        if self.blur:
            parts.append("blurred")
        return "+".join(parts) or "clean"


CLEAN = ScanStyle()


def random_style(rng: random.Random, level: str = "mild", allow_rotation: bool = True) -> ScanStyle:
    """A plausible scan: `clean`, `mild` (office scanner) or `heavy` (old copier)."""
    if level == "clean":
        return ScanStyle(seed=rng.getrandbits(32))
    heavy = level == "heavy"
    rotate = 0
    if allow_rotation and rng.random() < (0.25 if heavy else 0.12):
        rotate = rng.choice((90, 180, 270))
    return ScanStyle(
        skew=round(rng.uniform(-2.0, 2.0) if heavy else rng.uniform(-1.2, 1.2), 2),
        rotate=rotate,
        noise=rng.uniform(6, 14) if heavy else rng.uniform(0, 6),
        specks=rng.uniform(20, 80) if heavy else rng.uniform(0, 15),
        fade=rng.uniform(0.18, 0.4) if heavy else rng.uniform(0.0, 0.18),
        blur=rng.uniform(0.6, 1.2) if heavy else rng.uniform(0.0, 0.7),
        paper=rng.randint(225, 245) if heavy else rng.randint(238, 255),
        grayscale=rng.random() < (0.6 if heavy else 0.4),
        edge_shadow=rng.random() < (0.5 if heavy else 0.15),
        seed=rng.getrandbits(32),
    )


def apply(image: Image.Image, style: ScanStyle) -> Image.Image:
    """The page as it comes out of the scanner in `style` (PIL operations, fast at 300 DPI)."""
    if style == CLEAN:
        return image.copy()
    nrng = np.random.default_rng(style.seed)
    img = ImageOps.grayscale(image) if style.grayscale else image.copy()
    img = img.point(_tone_lut(style, len(img.getbands())))
    if style.skew:
        # Bilinear resampling already softens edges about as much as a scanner lens does.
        fill = _paper_color(style)
        img = img.rotate(style.skew, resample=Image.Resampling.BILINEAR, fillcolor=fill)
    elif style.blur:
        img = img.filter(ImageFilter.BoxBlur(style.blur))
    if style.noise:
        img = _grain(img, nrng, style.noise)
    if style.specks:
        _specks(img, nrng, style.specks)
    if style.edge_shadow:
        _edge_shadow(img, nrng)
    if style.rotate:
        img = img.rotate(-style.rotate, expand=True)
    return img


def _paper_color(style: ScanStyle) -> int | tuple[int, int, int]:
    if style.grayscale:
        return style.paper
    return (style.paper, style.paper, int(style.paper * 0.97))


def _tone_lut(style: ScanStyle, bands: int) -> list[int]:
    """Faded toner and off-white paper: squeeze the tonal range (a touch of yellow in color)."""
    ink = 255 * style.fade * 1.4
    lut = [round(ink + v * (style.paper - ink) / 255.0) for v in range(256)]
    if bands == 1:
        return lut
    blue = [round(v * 0.97) for v in lut]
    return lut + lut + blue


def _grain(img: Image.Image, nrng: np.random.Generator, sigma: float) -> Image.Image:
    """Sensor grain: the same luminance noise on every channel."""
    # A random 1024 px tile repeated over the page: cheap, and no eye sees the period.
    tile = nrng.normal(128.0, sigma, (1024, 1024)).clip(0, 255).astype(np.uint8)
    reps = (img.height // 1024 + 1, img.width // 1024 + 1)
    layer = Image.fromarray(np.ascontiguousarray(np.tile(tile, reps)[: img.height, : img.width]))
    if img.mode == "RGB":
        layer = Image.merge("RGB", (layer, layer, layer))
    return ImageChops.add(img, layer, scale=1.0, offset=-128)


def _specks(img: Image.Image, nrng: np.random.Generator, per_mpx: float) -> None:
    draw = ImageDraw.Draw(img)
    count = int(per_mpx * img.width * img.height / 1e6)
    for _ in range(count):
        x = int(nrng.integers(0, img.width - 4))
        y = int(nrng.integers(0, img.height - 4))
        size = int(nrng.integers(1, 4))
        shade = int(nrng.integers(20, 140))
        fill = shade if img.mode == "L" else (shade, shade, shade)
        draw.ellipse([x, y, x + size, y + size], fill=fill)


def _edge_shadow(img: Image.Image, nrng: np.random.Generator) -> None:
    """Dark band of the scanner lid along one edge."""
    band = int(nrng.integers(25, 90))
    side = int(nrng.integers(0, 4))
    w, h = img.size
    box = [(0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)][side]
    region = np.asarray(img.crop(box), dtype=np.float32)
    ramp = np.linspace(0.35, 1.0, band, dtype=np.float32)
    if side in (1, 3):
        ramp = ramp[::-1]
    shape = (band, 1) if side in (0, 1) else (1, band)
    ramp = ramp.reshape(shape + ((1,) if region.ndim == 3 else ()))
    img.paste(Image.fromarray((region * ramp).astype(np.uint8)), box[:2])


def blank_noise_page(seed: int, size: tuple[int, int] = (2480, 3508)) -> Image.Image:
    """An unreadable 'scan': a grey page of noise and smudges, no text at all."""
    nrng = np.random.default_rng(seed)
    base = nrng.normal(200, 35, (size[1] // 8, size[0] // 8)).astype(np.float32)
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8)).resize(size, Image.Resampling.BICUBIC)
    arr = np.asarray(img, dtype=np.float32) + nrng.normal(0, 25, (size[1], size[0]))
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(2))
