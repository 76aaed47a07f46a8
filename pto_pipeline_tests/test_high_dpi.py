"""A 1200-dpi colour scan is downsampled before preprocessing (issue 10, bounded memory)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MAKE = """
from PIL import Image, ImageDraw, ImageFont
img = Image.new("RGB", (9921, 14031), (250, 248, 240))   # A4 at 1200 dpi, colour
draw = ImageDraw.Draw(img)
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 160)
lines = ["ДОКУМЕНТ О КАЧЕСТВЕ № 4417", "Бетонная смесь БСТ В25", "Дата 10.03.2026"]
for i, line in enumerate(lines):
    draw.text((800, 1200 + i * 400), line, fill=(10, 10, 10), font=font)
img.save({path!r}, "JPEG", quality=85, dpi=(1200, 1200))
"""

READ = """
import resource
resource.setrlimit(resource.RLIMIT_AS, (1500 << 20, 1500 << 20))
from pto_pipeline.domain import ocr
task = ocr.PageTask("x", "scan.jpg", {path!r}, 1, 1, "image")
image = ocr.render_page(task)
gray = ocr.prepare_for_ocr(image, ocr.OcrConfig())
text = ocr.run_tesseract(gray, ocr.OcrConfig()).text
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(image.size, round(image.info["dpi"][0]), int(peak) // 1024)
print(text)
"""


def test_1200_dpi_colour_scan_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = str(tmp_path / "scan.jpg")
    subprocess.run([sys.executable, "-c", MAKE.format(path=path)], check=True, timeout=300)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(READ.format(path=path))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    first, text = done.stdout.split("\n", 1)
    print(first)
    peak_mb = int(first.rsplit(" ", 1)[1])
    assert peak_mb < 800
    assert "4417" in text
