"""Specification sheets of the working documentation read on every form (SPEC §10).

Each case draws a sheet with the corpus generator, writes it as a vector PDF or a scan,
reads the folder and compares every line (position, name, type/mark, unit, quantity)
with what was drawn, plus the title block's шифр and sheet.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pto_pipeline.corpus.degrade import ScanStyle, apply
from pto_pipeline.corpus.pdfout import digital_pdf, scanned_pdf
from pto_pipeline.corpus.raster import render_page
from pto_pipeline.corpus.rd import FULL_COLUMNS, Row, Sheet, draw_sheet, exact_share
from pto_pipeline.domain.design.sheets import read_design
from pto_pipeline.domain.ocr import OcrConfig

CODE = "77-2026-КЖ4"
ROWS = [
    Row(section="Бетон"),
    Row("1", "Бетон тяжёлый класса В30 W8 F200", "ГОСТ 26633-2015", "", "", "м³", "112,4"),
    Row(section="Арматурные изделия"),
    Row(
        "2",
        "Арматура периодического профиля А500С диаметром 20 мм в прутках немерной длины, "
        "с приёмкой по массе",
        "ГОСТ 34028-2016",
        "",
        "",
        "т",
        "14,25",
    ),
    Row("3", "Арматура А240 Ø8", "ГОСТ 34028-2016", "", "", "кг", "1 320", "", "хомуты"),
    Row(section="Материалы"),
    Row("4", "Гидроизоляция проникающая", "Пенетрон", "", "ООО «Пенетрон»", "кг", "85"),
]
SHORT_ROWS = [
    Row(section="Сборные элементы"),
    Row("1", "Плита перекрытия ПК 60.15-8", "Серия 1.141-1", quantity="12", mass="2850"),
    Row("2", "Перемычка 2ПБ 19-3", "ГОСТ 948-2016", quantity="24", mass="81"),
    Row(section="Материалы"),
    Row("3", "Раствор цементный М100, м³", "ГОСТ 28013-98", quantity="1,6"),
]


def _read(folder: Path, tmp_path: Path):
    return read_design(folder, OcrConfig(cache_dir=tmp_path / "cache"))


def _write(folder: Path, name: str, sheets: list[Sheet], scan: ScanStyle | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pages = [draw_sheet(s) for s in sheets]
    if scan is None:
        data = digital_pdf(pages, creator="AutoCAD")
    else:
        data = scanned_pdf([apply(render_page(p), scan) for p in pages], jpeg_quality=85)
    (folder / name).write_bytes(data)


def _check(reading, sheets: list[Sheet], sheet_numbers: bool = True) -> None:
    truth = [line for s in sheets for line in s.truth()]
    read = reading.lines.to_dict("records")
    assert exact_share(truth, read) == (len(truth), len(truth)), read
    if sheet_numbers:  # OCR drops a lone position digit in its ruled box
        assert [r["position"] for r in read] == [t["position"] for t in truth]
    assert [r["type_mark"] for r in read] == [t["type_mark"] for t in truth]
    assert set(reading.sheets["code"]) == {s.code for s in sheets}
    if sheet_numbers:  # OCR of a sideways title block may lose the lone sheet number
        got = set(zip(reading.sheets["code"], reading.sheets["sheet"], strict=True))
        assert got == {(s.code, str(s.sheet)) for s in sheets}


def test_full_form_ruled_vector_sheet(tmp_path: Path) -> None:
    sheets = [Sheet(CODE, 2, 5, "Спецификация материалов перекрытия", rows=ROWS)]
    _write(tmp_path / "rd", "a.pdf", sheets)
    reading = _read(tmp_path / "rd", tmp_path)
    _check(reading, sheets)
    assert set(reading.lines["form"]) == {"full"}
    assert list(reading.lines["section"]) == ["Бетон", *["Арматурные изделия"] * 2, "Материалы"]
    assert reading.sheets["title"][0] == "Спецификация материалов перекрытия"
    assert reading.findings == []


def test_short_form_unruled_vector_sheet(tmp_path: Path) -> None:
    sheets = [
        Sheet(CODE, 3, 5, "Спецификация элементов", rows=SHORT_ROWS, form="short", style="open")
    ]
    _write(tmp_path / "rd", "b.pdf", sheets)
    reading = _read(tmp_path / "rd", tmp_path)
    _check(reading, sheets)
    lines = reading.lines.to_dict("records")
    assert [line["unit"] for line in lines] == ["шт", "шт", "м3"]  # pieces unless written
    assert lines[0]["mass"] == 2850.0


def test_multipage_specification_with_repeated_header(tmp_path: Path) -> None:
    sheets = [
        Sheet(CODE, 2, 5, "Спецификация материалов", rows=ROWS[:4]),
        Sheet(CODE, 3, 5, "Спецификация материалов (окончание)", rows=ROWS[4:]),
    ]
    _write(tmp_path / "rd", "multi.pdf", sheets)
    _check(_read(tmp_path / "rd", tmp_path), sheets)


def test_columns_in_another_order(tmp_path: Path) -> None:
    order = (
        "name",
        "position",
        "quantity",
        "unit",
        "type_mark",
        "note",
        "mass",
        "code",
        "manufacturer",
    )
    by_name = {c[0]: c for c in FULL_COLUMNS}
    sheets = [
        Sheet(CODE, 4, 5, "Спецификация", rows=ROWS, columns=tuple(by_name[c] for c in order))
    ]
    _write(tmp_path / "rd", "order.pdf", sheets)
    _check(_read(tmp_path / "rd", tmp_path), sheets)


def test_short_form_ruled_vector_sheet(tmp_path: Path) -> None:
    sheets = [Sheet(CODE, 2, 5, "Спецификация", rows=SHORT_ROWS, style="ruled", form="short")]
    _write(tmp_path / "rd", "open.pdf", sheets)
    _check(_read(tmp_path / "rd", tmp_path), sheets)


def test_drawing_without_specification_keeps_its_sheet_only(tmp_path: Path) -> None:
    sheets = [Sheet(CODE, 5, 5, "План перекрытия на отм. +3.000", caption="План")]
    _write(tmp_path / "rd", "plan.pdf", sheets)
    reading = _read(tmp_path / "rd", tmp_path)
    assert reading.lines.empty and reading.findings == []
    assert reading.sheets.to_dict("records")[0]["title"] == "План перекрытия на отм. +3.000"


@pytest.mark.slow
def test_sheet_scanned_sideways_is_turned_and_read(tmp_path: Path) -> None:
    sheets = [Sheet(CODE, 14, 15, "Спецификация элементов", rows=SHORT_ROWS, form="short")]
    _write(tmp_path / "rd", "scan.pdf", sheets, ScanStyle(rotate=90, noise=2.0, seed=3))
    reading = _read(tmp_path / "rd", tmp_path)
    assert set(reading.lines["text_source"]) == {"ocr"}
    _check(reading, sheets, sheet_numbers=False)


@pytest.mark.slow
def test_cad_export_without_text_layer_goes_through_ocr(tmp_path: Path) -> None:
    sheets = [Sheet(CODE, 3, 5, "Спецификация элементов", rows=SHORT_ROWS, form="short")]
    _write(tmp_path / "rd", "curves.pdf", sheets, ScanStyle())  # pixels only, no text
    reading = _read(tmp_path / "rd", tmp_path)
    assert set(reading.sheets["text_source"]) == {"ocr"}
    _check(reading, sheets, sheet_numbers=False)


def test_list_of_referenced_documents_is_no_specification(tmp_path: Path) -> None:
    columns = (
        ("type_mark", "Обозначение", 60),
        ("name", "Наименование", 110),
        ("note", "Примечание", 30),
    )
    rows = [
        Row(
            type_mark="ГОСТ 21.101-2020",
            name="СПДС. Основные требования к проектной и рабочей документации",
        ),
        Row(type_mark="ГОСТ 21.501-2018", name="СПДС. Правила выполнения рабочей документации"),
    ]
    for style in ("ruled", "open"):
        sheet = Sheet(CODE, 1, 5, "Общие данные", rows=rows, style=style, columns=columns)
        _write(tmp_path / style, "od.pdf", [sheet])
        reading = _read(tmp_path / style, tmp_path)
        assert reading.lines.empty and reading.findings == []
        assert reading.sheets["title"].tolist() == ["Общие данные"]


def test_broken_and_password_protected_pdfs_are_findings(tmp_path: Path) -> None:
    rd = tmp_path / "rd"
    _write(rd, "good.pdf", [Sheet(CODE, 2, 5, "Спецификация", rows=ROWS)])
    (rd / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 500)
    writer = PdfWriter()
    writer.append(PdfReader(rd / "good.pdf"))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    (rd / "locked.pdf").write_bytes(buffer.getvalue())
    (rd / "notes.docx").write_bytes(b"PK\x03\x04")
    reading = _read(rd, tmp_path)
    codes = {(f.code, f.source_file) for f in reading.findings}
    assert codes == {
        ("RD_UNREADABLE", "rd/broken.pdf"),
        ("RD_UNREADABLE", "rd/locked.pdf"),
        ("RD_UNREADABLE", "rd/notes.docx"),
    }
    assert "паролем" in next(f.message for f in reading.findings if "locked" in f.source_file)
    assert len(reading.lines) == 4  # the good sheet is still read


def test_no_rd_folder_means_no_design(tmp_path: Path) -> None:
    reading = _read(tmp_path / "rd", tmp_path)
    assert not reading.has_rd and reading.lines.empty and reading.findings == []
