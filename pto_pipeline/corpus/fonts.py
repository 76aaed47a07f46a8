"""Cyrillic TrueType fonts for rendering, and text measurement in millimetres.

Both renderers (raster via PIL, digital PDF via fpdf2) use the same TTF files,
so a line wrapped with `text_width_mm` fits on the page in either output.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

# Font families used by layouts: a Times-like serif, an Arial-like sans and a
# typewriter-like mono. Candidates in order of preference (file names as
# shipped by Debian's fonts-liberation, fonts-dejavu and fonts-freefont).
_CANDIDATES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("serif", False): ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf", "FreeSerif.ttf"),
    ("serif", True): ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf", "FreeSerifBold.ttf"),
    ("sans", False): ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "FreeSans.ttf"),
    ("sans", True): ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf", "FreeSansBold.ttf"),
    ("mono", False): ("LiberationMono-Regular.ttf", "DejaVuSansMono.ttf", "FreeMono.ttf"),
    ("mono", True): ("LiberationMono-Bold.ttf", "DejaVuSansMono-Bold.ttf", "FreeMonoBold.ttf"),
}
FAMILIES = ("serif", "sans", "mono")

_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)

# Rendering reference size for measurements (pixels per em).
_REF_PX = 1000
MM_PER_PT = 25.4 / 72


class FontNotFoundError(RuntimeError):
    """No TrueType font with Cyrillic glyphs could be found."""


@dataclass(frozen=True)
class FontFace:
    family: str
    bold: bool
    path: Path

    @property
    def key(self) -> str:
        """Name under which the face is registered in a PDF."""
        return f"{self.family}{'-bold' if self.bold else ''}"


def _search_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("PTO_FONT_DIR", "").split(os.pathsep) if p]
    dirs += [Path(p) for p in _FONT_DIRS]
    dirs += [Path.home() / ".fonts", Path.home() / ".local/share/fonts"]
    return [d for d in dirs if d.is_dir()]


@functools.cache
def _font_index() -> dict[str, Path]:
    """File name -> first path found (sorted walk, so the choice is stable)."""
    index: dict[str, Path] = {}
    for root in _search_dirs():
        for path in sorted(root.rglob("*.ttf")):
            index.setdefault(path.name, path)
    return index


def _has_cyrillic(path: Path) -> bool:
    try:
        font = ImageFont.truetype(str(path), 40)
    except OSError:
        return False
    # A font without Cyrillic draws every letter as the same .notdef box.
    masks = {bytes(font.getmask(ch)) for ch in "ЖЩЮ"}
    return len(masks) == 3


@functools.cache
def font_face(family: str, bold: bool = False) -> FontFace:
    """The font for a family; raises FontNotFoundError with a hint if none is installed."""
    index = _font_index()
    for name in _CANDIDATES[(family, bold)]:
        path = index.get(name)
        if path is not None and _has_cyrillic(path):
            return FontFace(family, bold, path)
    # Any family will do before giving up: a sans page still reads as a document.
    for (_, other_bold), names in _CANDIDATES.items():
        if other_bold != bold:
            continue
        for name in names:
            path = index.get(name)
            if path is not None and _has_cyrillic(path):
                return FontFace(family, bold, path)
    raise FontNotFoundError(
        "No TrueType font with Cyrillic letters found (looked for Liberation, DejaVu and "
        f"FreeFont files under {', '.join(str(d) for d in _search_dirs()) or 'no font folder'}). "
        "Install them, e.g. `apt-get install fonts-liberation fonts-dejavu-core "
        "fonts-freefont-ttf`, or point PTO_FONT_DIR at a folder holding such .ttf files."
    )


@functools.cache
def pil_font(family: str, bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_face(family, bold).path), size_px)


@functools.lru_cache(maxsize=200_000)
def text_width_mm(text: str, family: str, bold: bool, size_pt: float) -> float:
    """Advance width of `text` in millimetres at `size_pt`."""
    width_px = pil_font(family, bold, _REF_PX).getlength(text)
    return width_px / _REF_PX * size_pt * MM_PER_PT
