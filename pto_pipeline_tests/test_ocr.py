"""Page text engine: text layers, OCR, cache, and every kind of bad file."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image, ImageChops, ImageDraw, ImageFont
from pypdf import PdfWriter

from pto_pipeline.domain import ocr

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
TEXT = [
    "СЕРТИФИКАТ СООТВЕТСТВИЯ",
    "№ ЕАЭС RU С-RU.АЖ56.В.00954/21",
    "Срок действия с 20.12.2022 по 19.12.2025",
    "Изготовитель: ООО «Бетон-Сервис»",
]


def _page_image(lines: list[str] = TEXT, size=(1240, 1754)) -> Image.Image:
    """A clean A4 page at 150 dpi with large print."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 36)
    for i, line in enumerate(lines):
        draw.text((100, 150 + i * 80), line, fill="black", font=font)
    img.info["dpi"] = (150, 150)
    return img


def _source(path: Path) -> ocr.SourceFile:
    return ocr.SourceFile(hashlib.sha256(path.read_bytes()).hexdigest(), path.name, path)


def _run(paths: list[Path], cache: Path | None = None, workers: int = 1, timeout: float = 60):
    tasks, failed = ocr.plan_pages([_source(p) for p in paths])
    config = ocr.OcrConfig(lang="rus+eng", page_timeout=timeout, cache_dir=cache)
    return failed + ocr.run_pages(tasks, config, workers)


def _folded(text: str) -> str:
    from pto_pipeline.domain.text import fold

    return fold(text).replace(" ", "")


def test_scanned_png_is_ocred_with_confidence(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    _page_image().save(path, dpi=(150, 150))
    [row] = _run([path])
    assert row["status"] == "ok" and row["text_source"] == "ocr"
    assert "00954/21" in row["text"]
    assert "БЕТОН-СЕРВИС" in row["text"].upper()
    assert row["ocr_confidence"] > 0.6


def test_rotated_and_stamped_page_is_still_read(tmp_path: Path) -> None:
    page = _page_image()
    stamp = Image.new("RGB", page.size, "white")
    ImageDraw.Draw(stamp).ellipse((80, 120, 600, 420), outline=(60, 80, 210), width=8)
    img = ImageChops.multiply(page, stamp)  # ink over print, as a real blue stamp
    path = tmp_path / "turned.jpg"
    img.rotate(180).save(path, quality=85, dpi=(150, 150))
    [row] = _run([path])
    assert "00954/21" in row["text"]


def test_digital_pdf_uses_text_layer_and_is_not_ocred(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    for _ in range(2):
        pdf.add_page()
        for line in TEXT * 3:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "digital.pdf"
    pdf.output(str(path))
    rows = _run([path])
    assert [r["page"] for r in rows] == [1, 2]
    assert all(r["text_source"] == "text_layer" and r["ocr_confidence"] is None for r in rows)
    assert "С-RU.АЖ56.В.00954/21" in rows[0]["text"]


def test_scanned_pdf_and_multipage_tiff_are_ocred_page_by_page(tmp_path: Path) -> None:
    first = _page_image()
    second = _page_image(["ПАСПОРТ КАЧЕСТВА № 4521", "Песок строительный ГОСТ 8736-2014"])
    pdf_path = tmp_path / "scan.pdf"
    first.save(pdf_path, save_all=True, append_images=[second], resolution=150)
    tiff_path = tmp_path / "scan.tif"
    first, second = first.copy(), second.copy()  # PDF saving leaves encoder state in .info
    first.info, second.info = {}, {}
    first.save(tiff_path, save_all=True, append_images=[second], dpi=(150, 150))
    rows = _run([pdf_path, tiff_path], workers=2)
    assert [(r["source_file"], r["page"], r["pages"]) for r in rows] == [
        ("scan.pdf", 1, 2),
        ("scan.pdf", 2, 2),
        ("scan.tif", 1, 2),
        ("scan.tif", 2, 2),
    ]
    assert all(r["text_source"] == "ocr" for r in rows)
    assert "4521" in rows[1]["text"] and "4521" in rows[3]["text"]


def test_page_is_ocred_once_per_content_hash(tmp_path: Path, monkeypatch) -> None:
    path_a = tmp_path / "a.png"
    _page_image().save(path_a, dpi=(150, 150))
    cache = tmp_path / "cache"
    [cold] = _run([path_a], cache=cache)
    calls = []
    monkeypatch.setattr(ocr, "recognise_pages", lambda *a, **k: calls.append(1) or [])
    # Same pixels in another file (another project, another name): served from the cache.
    path_b = tmp_path / "b.png"
    Image.open(path_a).save(path_b, dpi=(150, 150), compress_level=1)
    [warm] = _run([path_b], cache=cache)
    assert calls == []
    assert warm["cached"] and warm["text"] == cold["text"]
    # the cache keeps the words' boxes: the page is laid out again without new OCR
    assert warm["layout_text"] == cold["layout_text"] and "00954/21" in warm["layout_text"]
    assert warm["layout_word_confidences"] == cold["layout_word_confidences"]


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    files["encrypted"] = tmp_path / "encrypted.pdf"
    files["encrypted"].write_bytes(buf.getvalue())

    good = io.BytesIO()
    _page_image().save(good, format="PDF")
    files["truncated"] = tmp_path / "truncated.pdf"
    files["truncated"].write_bytes(good.getvalue()[: len(good.getvalue()) // 3])

    empty = PdfWriter()
    buf = io.BytesIO()
    empty.write(buf)
    files["zero_pages"] = tmp_path / "zero.pdf"
    files["zero_pages"].write_bytes(buf.getvalue())

    files["not_pdf"] = tmp_path / "letter.pdf"
    files["not_pdf"].write_text("Здравствуйте! Это не PDF.", encoding="utf-8")

    files["random_jpg"] = tmp_path / "noise.jpg"
    files["random_jpg"].write_bytes(bytes(range(256)) * 40)

    # A PNG whose header claims 40000 x 40000 pixels: refused before decoding.
    bomb = io.BytesIO()
    Image.new("1", (40_000, 40_000)).save(bomb, format="PNG")
    files["bomb"] = tmp_path / "bomb.png"
    files["bomb"].write_bytes(bomb.getvalue())
    return files


def test_bad_files_fail_with_reasons_and_the_rest_goes_on(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    good = tmp_path / "good.png"
    _page_image().save(good, dpi=(150, 150))
    rows = _run([*bad.values(), good], workers=2)
    by_file = {r["source_file"]: r for r in rows}
    for name, path in bad.items():
        row = by_file[path.name]
        assert row["status"] == "failed", name
        assert row["error"], name
    assert "парол" in by_file["encrypted.pdf"]["error"]
    assert "Мпикс" in by_file["bomb.png"]["error"]
    assert by_file["good.png"]["status"] == "ok"


def test_hanging_tesseract_page_times_out(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "slow.png"
    _page_image().save(path, dpi=(150, 150))
    fake_bin = tmp_path / "tesseract"
    fake_bin.write_text("#!/bin/sh\nsleep 30\n")
    fake_bin.chmod(0o755)
    monkeypatch.setattr(ocr.pytesseract.pytesseract, "tesseract_cmd", str(fake_bin))
    [row] = _run([path], timeout=1)
    assert row["status"] == "failed"
    assert "не уложилось" in row["error"]


def _numbered_pages(tmp_path: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        path = tmp_path / f"page{i}.png"
        _page_image([f"ПАСПОРТ № {4100 + i}", "Партия 12/03-24", "Количество 12 шт."]).save(
            path, dpi=(150, 150)
        )
        paths.append(path)
    return paths


def test_pages_share_one_tesseract_call_and_keep_their_own_text(
    tmp_path: Path, monkeypatch
) -> None:
    calls: list[int] = []
    real = ocr.run_tesseract_many

    def counting(grays, config):
        calls.append(len(grays))
        return real(grays, config)

    monkeypatch.setattr(ocr, "run_tesseract_many", counting)
    rows = _run(_numbered_pages(tmp_path, 3))
    assert calls == [3]
    for i, row in enumerate(rows):
        assert row["status"] == "ok"
        assert str(4100 + i) in row["text"]
        assert not any(str(4100 + j) in row["text"] for j in range(3) if j != i)
        # one confidence per word of the text, so a field's words can be weighed
        assert len(row["word_confidences"]) == len(row["text"].split())
        assert all(0 <= c <= 100 for c in row["word_confidences"])


def test_when_the_shared_call_hangs_pages_are_read_one_by_one(tmp_path: Path, monkeypatch) -> None:
    """The list-file call hangs; each page alone goes through the real tesseract."""
    fake_bin = tmp_path / "tesseract"
    fake_bin.write_text('#!/bin/sh\ncase "$1" in *.txt) sleep 30 ;; esac\nexec tesseract "$@"\n')
    fake_bin.chmod(0o755)
    monkeypatch.setattr(ocr.pytesseract.pytesseract, "tesseract_cmd", str(fake_bin))
    rows = _run(_numbered_pages(tmp_path, 2), timeout=4)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert "4100" in rows[0]["text"] and "4101" in rows[1]["text"]


def test_batches_keep_every_worker_busy() -> None:
    sizes = [len(b) for b in ocr.page_batches(100, 2)]
    assert sizes[0] == ocr.PAGES_PER_CALL and sizes[-1] == 1  # big first, small last
    assert sizes == sorted(sizes, reverse=True)
    assert [len(b) for b in ocr.page_batches(3, 2)] == [1, 1, 1]
    assert [len(b) for b in ocr.page_batches(2, 4)] == [1, 1]
    assert [len(b) for b in ocr.page_batches(14, 1)] == [6, 6, 2]  # one worker: no tail
    assert ocr.page_batches(0, 2) == []
    batches = ocr.page_batches(37, 3)
    assert [i for b in batches for i in b] == list(range(37))
    assert max(len(b) for b in batches) <= ocr.PAGES_PER_CALL


@pytest.mark.parametrize("angle", [-2.0, 1.5])
def test_skew_is_estimated(angle: float) -> None:
    gray = _page_image(TEXT * 4).convert("L").rotate(angle, expand=True, fillcolor=255)
    assert ocr.estimate_skew(gray) == pytest.approx(-angle, abs=0.5)


def test_text_inside_a_ruled_table_is_read(tmp_path: Path) -> None:
    """An annex table inside a framed form: without erasing the rules, tesseract's layout
    analysis takes the table for a picture and returns no cell text at all."""
    img = Image.new("RGB", (2480, 3508), (240, 240, 232))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(SERIF, 46)
    speckles = random.Random(1)
    for _ in range(3000):  # scanner dust
        draw.point((speckles.randrange(2480), speckles.randrange(3508)), fill=(60, 60, 60))
    draw.rectangle((80, 80, 2400, 3420), outline="black", width=10)
    draw.rectangle((100, 100, 2380, 3400), outline="black", width=3)
    draw.text((780, 190), "ПРИЛОЖЕНИЕ к сертификату соответствия", fill="black", font=font)
    rows = ["Кольцо стеновое КС 10.9", "Кольцо стеновое КС 15.9", "Плита днища ПН 15"]
    top, height = 580, 80
    for i in range(len(rows) + 2):
        draw.line((205, top + i * height, 2310, top + i * height), fill="black", width=3)
    for x in (205, 345, 1415, 1950, 2310):
        draw.line((x, top, x, top + (len(rows) + 1) * height), fill="black", width=3)
    draw.text((360, top + 15), "Наименование и обозначение продукции", fill="black", font=font)
    for i, text in enumerate(rows):
        y = top + (i + 1) * height + 15
        draw.text((260, y), str(i + 1), fill="black", font=font)
        draw.text((360, y), text, fill="black", font=font)
        draw.text((1430, y), "ГОСТ 8020-2016", fill="black", font=font)
        draw.text((2000, y), "6810 91 100 0", fill="black", font=font)
    path = tmp_path / "annex.png"
    img.save(path, dpi=(300, 300))
    [row] = _run([path])
    for text in rows:
        assert _folded(text) in _folded(row["text"]), row["text"]


def test_rule_removal_keeps_large_title_letters() -> None:
    """Vertical strokes of a title in big type are not table rules."""
    img = Image.new("L", (2480, 600), 255)
    draw = ImageDraw.Draw(img)
    draw.text((150, 150), "СЕРТИФИКАТ СООТВЕТСТВИЯ", fill=0, font=ImageFont.truetype(SERIF, 110))
    draw.line((100, 450, 2380, 450), fill=0, width=4)  # a rule under it
    before = np.asarray(img) < 140
    after = np.asarray(ocr.remove_ruling(img)) < 140
    title = np.s_[:400, :]
    assert after[title].sum() >= 0.97 * before[title].sum()
    assert after[430:470].sum() < 0.05 * before[430:470].sum()


def test_registration_code_words_are_read_again_with_russian_alone(tmp_path: Path) -> None:
    """A body code misread with rus+eng (`I'B69`) is replaced by the Russian model's
    reading; a sure word and a word of no code shape are left alone."""
    img = Image.new("L", (1400, 200), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(SERIF, 48)
    draw.text((60, 60), "С-RU.ГВ69.В.51161/23", fill=0, font=font)
    left, top, right, bottom = draw.textbbox((60, 60), "С-RU.ГВ69.В.51161/23", font=font)
    box = {"left": left, "top": top, "width": right - left, "height": bottom - top}
    data = {
        "text": ["C-RU.I'B69.B.51161/23", "C-RU.I'B69.B.51161/23", "Изготовитель"],
        "conf": [60.0, 99.0, 40.0],
        "page_num": [1, 1, 1],
        **{key: [value] * 3 for key, value in box.items()},
    }
    ocr._reread_code_words([img], data, tmp_path, ocr.OcrConfig(lang="rus+eng"))
    assert "ГВ69" in data["text"][0]
    assert data["text"][1:] == ["C-RU.I'B69.B.51161/23", "Изготовитель"]


@pytest.mark.parametrize(
    ("first", "russian", "merged"),
    [
        ("C-RU.BT01.B.59033/24", "С-КУ.БТо1.В.59033/24", "C-RU.БТо1.B.59033/24"),
        ("C-RU.I'B69.B.51161/23", "С-ВО.ГВ69.В.51161/23", "C-RU.ГВ69.B.51161/23"),
        # the Russian model's country code and its inserted letters are not taken
        ("Д-RU.AA46.B.91522/24", "Д-KBY.АЯ46.В.91522/24", "Д-RU.АЯ46.B.91522/24"),
        (
            "RU.31548.04)KJTH0.OC10.06052",
            "ВО.31548.04ЖЛНо0.ОС10.06052",
            "RU.31548.04)KJTH0.OC10.06052",
        ),
        ("C-RU.PA01.B.1/2", "С-РУ.РА01.В.1", "C-RU.PA01.B.1/2"),  # segments differ in number
    ],
)
def test_only_body_codes_are_taken_from_the_russian_reading(first, russian, merged) -> None:
    assert ocr.merge_code_readings(first, russian) == merged


def test_value_under_a_grey_stamp_is_read_again_right_of_its_label() -> None:
    """The first reading found the label `Партия №` and nothing right of it (the stamp's
    rings made tesseract skip the value); the strip right of the label, kept to ink as
    dark as the label's, gives the value."""
    img = Image.new("L", (1240, 400), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(SERIF, 34)
    draw.text((60, 150), "Партия №", fill=0, font=font)
    draw.text((330, 150), "К-239", fill=0, font=font)
    for radius in (90, 110, 125):  # a round stamp in grey ink over the value
        draw.ellipse((300 - radius, 170 - radius, 300 + radius, 170 + radius), outline=150, width=4)
    draw.text((215, 90), "ОГРН 12212059 «ЗАРЕЧНЫЙ»", fill=150, font=ImageFont.truetype(FONT, 18))
    label_only = ocr.Recognised(
        "Партия №",
        0.95,
        2,
        (95, 95),
        (
            ocr.Word("Партия", 95, 60, 152, 190, 185, (1, 1, 1)),
            ocr.Word("№", 95, 200, 152, 230, 185, (1, 1, 1)),
        ),
    )
    again = ocr.read_covered_values(img, label_only, ocr.OcrConfig(lang="rus+eng"))
    added = [w.text for w in again.boxes[2:]]
    assert any("239" in word for word in added), added
    # a line whose value is there is not read again
    whole = ocr.Recognised(
        "Партия № 4593",
        0.95,
        3,
        (95, 95, 95),
        (
            *label_only.boxes,
            ocr.Word("4593", 95, 330, 152, 420, 185, (1, 1, 1)),
        ),
    )
    assert ocr.read_covered_values(img, whole, ocr.OcrConfig()) is whole


def test_a_page_read_before_is_found_by_its_files_bytes_without_rendering(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "scan.png"
    _page_image().save(path, dpi=(150, 150))
    cache = tmp_path / "cache"
    [cold] = _run([path], cache=cache)
    monkeypatch.setattr(ocr, "render_page", lambda task: pytest.fail("pixels decoded again"))
    [warm] = _run([path], cache=cache)
    assert warm["cached"] and warm["text"] == cold["text"]
    assert warm["layout_text"] == cold["layout_text"]


def test_a_text_layer_page_read_before_is_not_opened_again(tmp_path: Path, monkeypatch) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=FONT)
    pdf.set_font("dejavu", size=14)
    for line in TEXT:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "digital.pdf"
    pdf.output(str(path))
    cache = tmp_path / "cache"
    [cold] = _run([path], cache=cache)
    assert cold["text_source"] == "text_layer"
    monkeypatch.setattr(ocr, "pdf_text_layer", lambda *a: pytest.fail("text layer read again"))
    [warm] = _run([path], cache=cache)
    assert (warm["text"], warm["layout_text"]) == (cold["text"], cold["layout_text"])


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shape"])
def test_a_corrupt_cache_entry_is_read_again_and_heals(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "scan.png"
    _page_image().save(path, dpi=(150, 150))
    cache = tmp_path / "cache"
    [cold] = _run([path], cache=cache)
    for entry in (cache / "ocr").rglob("*.json"):
        text = entry.read_text(encoding="utf-8")
        entry.write_text(
            {
                "garbage": "\x00{not json",
                "truncated": text[: len(text) // 2],
                "wrong shape": "[1, 2]",
            }[damage],
            encoding="utf-8",
        )
    [again] = _run([path], cache=cache)
    assert again["status"] == "ok" and not again["cached"] and again["text"] == cold["text"]
    [healed] = _run([path], cache=cache)
    assert healed["cached"] and healed["text"] == cold["text"]


def test_an_older_engine_versions_cache_is_not_used(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "scan.png"
    _page_image().save(path, dpi=(150, 150))
    cache = tmp_path / "cache"
    _run([path], cache=cache)
    monkeypatch.setattr(ocr, "tesseract_version", lambda: "tesseract 0.0-older")
    [row] = _run([path], cache=cache)
    assert not row["cached"]
