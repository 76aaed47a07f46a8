"""АОСР acts: every field read back from the generated DOCX, the registry appendix,
escaping, re-rendering only on change, and conversion to PDF."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.table import Table

from pto_pipeline.domain import tables
from pto_pipeline.domain.acts import TEMPLATE_PATH, act_filename, initials, render_acts
from pto_pipeline.domain.matching import match_materials
from pto_pipeline.domain.office import OfficeUnavailable, convert_to_pdf
from pto_pipeline.domain.project_card import ProjectCard
from pto_pipeline.templates.build_aosr_template import build_template

D = dt.date
TRICKY = 'Армирование плиты <Фп-1> "в осях" 1-12 & А-Г'

CARD = {
    "name": "Жилой дом. Корпус 2",
    "address": "г. Казань, ул. Сахарова, д. 12",
    "copies": 4,
    "organizations": {
        "developer": {
            "name": "ООО «Заказчик»",
            "ogrn": "1211600012345",
            "inn": "1655456789",
            "address": "420111, г. Казань, ул. Баумана, д. 1",
            "phone": "+7 843 200-00-00",
            "sro": {"name": "СРО «Строители»", "ogrn": "1091600001234", "inn": "1655123456"},
        },
        "builder": {
            "name": "ООО «Подрядчик»",
            "ogrn": "1161690123456",
            "inn": "1659876543",
            "address": "г. Казань",
            "phone": "+7 843 211-11-11",
        },
        "designer": {
            "name": "ООО «Проект»",
            "ogrn": "1151690065432",
            "inn": "1655333222",
            "address": "г. Казань",
            "phone": "+7 843 222-22-22",
        },
    },
    "representatives": {
        "developer_control": {
            "position": "Инженер строительного контроля",
            "name": "Петров Пётр Петрович",
            "order": "приказ № 1 от 10.01.2026",
            "nrs_id": "С-16-123456",
        },
        "builder": {"position": "Прораб", "name": "Иванов И.И.", "order": "приказ № 2"},
        "builder_control": {
            "position": "Главный инженер",
            "name": "Сидорова Анна Сергеевна",
            "order": "приказ № 3",
            "nrs_id": "С-16-654321",
        },
    },
}


def card(**changes) -> ProjectCard:
    return ProjectCard.model_validate({**CARD, **changes})


def works(*numbers: str, work_name: str = TRICKY) -> pd.DataFrame:
    rows = [
        {
            "act_number": number,
            "work_name": work_name,
            "design_docs": "12-2025-КЖ1, листы 3-5",
            "start_date": D(2026, 3, 10),
            "end_date": D(2026, 3, 20),
            "standards": "СП 70.13330.2012",
            "next_works": "Бетонирование плиты",
            "conformity_docs": "Исполнительная схема ИС-2",
            "act_date": D(2026, 3, 21),
            "sheet_row": 2,
        }
        for number in numbers
    ]
    return pd.DataFrame(rows, columns=tables.WORK_COLUMNS)


def materials(act: str, names: list[str]) -> pd.DataFrame:
    rows = [
        {
            "act_number": act,
            "material": n,
            "quantity": None,
            "unit": None,
            "sheet_row": i + 2,
            "line_no": i + 1,
        }
        for i, n in enumerate(names)
    ]
    return pd.DataFrame(rows, columns=tables.MATERIAL_COLUMNS)


def document(doc_id: str, doc_type: str, product: str, number: str, **dates) -> dict:
    row = dict.fromkeys(tables.DOCUMENT_COLUMNS)
    row.update(
        document_id=doc_id,
        doc_type=doc_type,
        product_name=product,
        doc_number=number,
        status="ok",
        source_file=f"{doc_id}.pdf",
        **dates,
    )
    return row


def coverage_for(register: pd.DataFrame, lines: pd.DataFrame, docs: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(docs, columns=tables.DOCUMENT_COLUMNS)
    coverage, _ = match_materials(register, lines, frame)
    return coverage


def read_back(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    """All paragraph texts (tables included, in order) and every table's cell texts."""
    document_ = docx.Document(str(path))
    texts: list[str] = []
    grids: list[list[list[str]]] = []
    for block in document_.iter_inner_content():
        if isinstance(block, Table):
            grid = [[cell.text for cell in row.cells] for row in block.rows]
            grids.append(grid)
            texts.extend(cell for row in grid for cell in row)
        else:
            texts.append(block.text)
    return texts, grids


SMALL_DOCS = [
    document(
        "q1",
        "quality_document",
        "Бетонная смесь БСТ В25 П4 F150 W6",
        "26-000518",
        issue_date=D(2026, 3, 19),
    ),
    document(
        "d1",
        "conformity_declaration",
        "Смеси бетонные БСТ В7,5–В40",
        "ЕАЭС N RU Д-RU.РА01.В.71855/25",
        issue_date=D(2025, 6, 1),
        valid_from=D(2025, 6, 1),
        valid_to=D(2028, 5, 31),
    ),
]


@pytest.fixture
def small_act(tmp_path: Path) -> tuple[pd.DataFrame, Path]:
    register = works("1")
    coverage = coverage_for(register, materials("1", ["Бетон В25 F150 W6", "Песок"]), SMALL_DOCS)
    acts = render_acts(card(), register, coverage, tmp_path / "acts")
    return acts, Path(acts["docx_path"].iloc[0])


def test_every_field_of_the_act_reads_back(small_act) -> None:
    acts, path = small_act
    assert path.name == "АОСР-1.docx" and path.exists()
    texts, _ = read_back(path)
    joined = "\n".join(texts)
    expected = [
        "Жилой дом. Корпус 2, г. Казань, ул. Сахарова, д. 12",
        "ООО «Заказчик», ОГРН 1211600012345, ИНН 1655456789, 420111, г. Казань, ул. Баумана, "
        "д. 1, тел. +7 843 200-00-00",
        "СРО «Строители», ОГРН 1091600001234, ИНН 1655123456",
        "ООО «Подрядчик», ОГРН 1161690123456, ИНН 1659876543, г. Казань, тел. +7 843 211-11-11",
        "ООО «Проект», ОГРН 1151690065432, ИНН 1655333222, г. Казань, тел. +7 843 222-22-22",
        "освидетельствования скрытых работ № 1",
        "21.03.2026",
        "Инженер строительного контроля Петров П.П., идентификационный номер в НРС "
        "С-16-123456, приказ № 1 от 10.01.2026, ООО «Заказчик», ОГРН 1211600012345",
        "Прораб Иванов И.И., приказ № 2",
        "Главный инженер Сидорова А.С., идентификационный номер в НРС С-16-654321, приказ № 3",
        "ООО «Подрядчик»",  # performer defaults to the builder
        TRICKY,  # п.1, escaped by docxtpl and read back intact
        "12-2025-КЖ1, листы 3-5",
        "Бетон В25 F150 W6 — декларация о соответствии № ЕАЭС N RU Д-RU.РА01.В.71855/25 от "
        "01.06.2025, действительна до 31.05.2028; документ о качестве № 26-000518 от 19.03.2026",
        "Песок — документ о качестве отсутствует",
        "Исполнительная схема ИС-2",
        "10.03.2026",
        "20.03.2026",
        "СП 70.13330.2012",
        "Бетонирование плиты",
        "Акт составлен в 4 экземплярах (в случае заполнения акта на бумажном носителе).",
        "Копии документов о качестве по п.3 (2 шт.)",
        "Петров П.П.",
        "Сидорова А.С.",
    ]
    for value in expected:
        assert value in texts or value in joined, value
    # The form's sections, in order.
    order = [
        "Объект капитального строительства",
        "Застройщик, технический заказчик",
        "Лицо, осуществляющее строительство",
        "Лицо, осуществляющее подготовку проектной документации",
        "АКТ",
        "Представитель застройщика",
        "произвели осмотр работ, выполненных",
        "1. К освидетельствованию предъявлены следующие работы:",
        "2. Работы выполнены по проектной документации",
        "3. При выполнении работ применены",
        "4. Предъявлены документы",
        "5. Даты:",
        "6. Работы выполнены в соответствии с",
        "7. Разрешается производство последующих работ",
        "Дополнительные сведения",
        "Акт составлен в",
        "Приложения:",
        "(фамилия, инициалы)",
    ]
    positions = [next(i for i, t in enumerate(texts) if t.startswith(s)) for s in order]
    assert positions == sorted(positions)
    assert "(наименование скрытых работ)" in texts
    assert "РЕЕСТР" not in joined
    assert not [t for t in texts if "{{" in t or "{%" in t]  # no template tag left behind
    row = acts.iloc[0]
    assert (row["materials"], row["documents"], bool(row["complete"])) == (2, 2, False)
    assert "Песок" in row["missing"]
    assert row["rewritten"] is True


def test_more_than_five_documents_go_to_the_registry_appendix(tmp_path: Path) -> None:
    register = works("7")
    docs = [
        document(
            f"r{i}", "quality_document", "Арматура А500С Ø16", f"С-{i}", issue_date=D(2026, 3, i)
        )
        for i in range(1, 7)
    ]
    lines = materials("7", ["Арматура А500С Ø16", "Щебень фр. 20-40"])
    coverage = coverage_for(register, lines, docs)
    acts = render_acts(card(), register, coverage, tmp_path)
    texts, grids = read_back(Path(acts["docx_path"].iloc[0]))
    assert "Арматура А500С Ø16 — см. Реестр документов о качестве (приложение № 1)" in texts
    assert "Щебень фр. 20-40 — документ о качестве отсутствует" in texts
    assert "Реестр документов о качестве (приложение № 1)" in texts  # Приложения
    assert "РЕЕСТР\nдокументов о качестве" in texts
    registry = next(g for g in grids if g[0][0] == "№ п/п")
    assert registry[0] == [
        "№ п/п",
        "Материал (изделие)",
        "Документ",
        "Номер",
        "Дата",
        "Срок действия",
    ]
    assert len(registry) == 1 + 6 + 1
    assert registry[1] == [
        "1",
        "Арматура А500С Ø16",
        "документ о качестве",
        "С-1",
        "01.03.2026",
        "—",
    ]
    assert registry[-1][1:3] == ["Щебень фр. 20-40", "документ о качестве отсутствует"]
    assert acts.iloc[0]["documents"] == 6


def test_special_characters_do_not_break_the_docx(tmp_path: Path) -> None:
    tricky_card = card(name='ЖК «Мир» & <Дом> "2"\x0b с\tтабуляцией')
    register = works("5/1", work_name="Работы & <прочие> \"кавычки\" 'апостроф'\x01")
    acts = render_acts(
        tricky_card, register, pd.DataFrame(columns=tables.COVERAGE_COLUMNS), tmp_path
    )
    path = Path(acts["docx_path"].iloc[0])
    assert path.name == "АОСР-5_1.docx"
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    texts, _ = read_back(path)
    assert "Работы & <прочие> \"кавычки\" 'апостроф'" in texts
    assert any('ЖК «Мир» & <Дом> "2" с табуляцией' in t for t in texts)


def test_missing_card_fields_leave_visible_blanks(tmp_path: Path) -> None:
    organizations = {**CARD["organizations"], "developer": {"name": "ООО «Заказчик»"}}
    acts = render_acts(
        card(organizations=organizations),
        works("1"),
        pd.DataFrame(columns=tables.COVERAGE_COLUMNS),
        tmp_path,
    )
    texts, _ = read_back(Path(acts["docx_path"].iloc[0]))
    assert (
        "ООО «Заказчик», ОГРН ________________, ИНН ________________, адрес "
        "________________, тел. ________________"
    ) in texts
    assert not acts.iloc[0]["complete"]
    assert "ОГРН застройщика" in acts.iloc[0]["missing"]


def test_unchanged_inputs_do_not_rewrite_the_act(tmp_path: Path) -> None:
    register = works("1", "2")
    coverage = coverage_for(register, materials("1", ["Бетон В25"]), SMALL_DOCS)
    first = render_acts(card(), register, coverage, tmp_path)
    assert first["rewritten"].tolist() == [True, True]
    paths = [Path(p) for p in first["docx_path"]]
    before = [(p.stat().st_mtime_ns, p.read_bytes()) for p in paths]

    previous = dict(zip(first["act_number"], first["fingerprint"], strict=True))
    again = render_acts(card(), register, coverage, tmp_path, previous_fingerprints=previous)
    assert again["rewritten"].tolist() == [False, False]
    assert again["fingerprint"].tolist() == first["fingerprint"].tolist()
    # Without the previous fingerprints, the one stored in the file is used.
    again = render_acts(card(), register, coverage, tmp_path)
    assert again["rewritten"].tolist() == [False, False]
    assert [(p.stat().st_mtime_ns, p.read_bytes()) for p in paths] == before

    changed = register.copy()
    changed.loc[1, "next_works"] = "Монтаж колонн"
    third = render_acts(card(), changed, coverage, tmp_path, previous_fingerprints=previous)
    assert third["rewritten"].tolist() == [False, True]
    assert "Монтаж колонн" in read_back(paths[1])[0]


def test_acts_removed_from_the_register_are_removed(tmp_path: Path) -> None:
    empty = pd.DataFrame(columns=tables.COVERAGE_COLUMNS)
    render_acts(card(), works("1", "2"), empty, tmp_path)
    render_acts(card(), works("1"), empty, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == ["АОСР-1.docx"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_initials() -> None:
    assert initials("Петров Пётр Петрович") == "Петров П.П."
    assert initials("Петров П.П.") == "Петров П.П."
    assert initials("Петров П. П.") == "Петров П.П."
    assert initials("") == ""
    assert act_filename("5/1") == "АОСР-5_1.docx"


def test_committed_template_matches_its_build_script(tmp_path: Path) -> None:
    rebuilt = build_template(tmp_path / "aosr.docx")
    with zipfile.ZipFile(rebuilt) as new, zipfile.ZipFile(TEMPLATE_PATH) as committed:
        for part in ("word/document.xml", "word/styles.xml"):
            assert new.read(part) == committed.read(part), part


def test_libreoffice_converts_an_act_to_pdf(small_act, tmp_path: Path) -> None:
    _, path = small_act
    try:
        pdfs = convert_to_pdf([path], tmp_path / "pdf")
    except OfficeUnavailable as exc:
        pytest.skip(str(exc))
    from pypdf import PdfReader

    reader = PdfReader(str(pdfs[0]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "освидетельствования скрытых работ № 1" in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (210, 297)
