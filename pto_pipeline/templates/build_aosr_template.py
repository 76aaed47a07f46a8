"""Build `aosr.docx`, the docxtpl template of the АОСР form.

Form: Приказ Минстроя России от 16.05.2023 № 344/пр, приложение 3 «Акт
освидетельствования скрытых работ». Laid out like the official sample: A4 portrait,
Times New Roman, every fill-in field underlined across the page with its small caption
under it, sections in the order of the form, signatures at the end, and an optional
«Реестр документов о качестве (приложение № 1)» on its own page.

Run after changing the layout and commit the result:

    python -m pto_pipeline.templates.build_aosr_template
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TEMPLATE_PATH = Path(__file__).with_name("aosr.docx")
FONT = "Times New Roman"

FIELD = "AOSR Field"  # underlined fill-in line
CAPTION = "AOSR Caption"  # small caption under a field
LABEL = "AOSR Text"  # printed text of the form
TITLE = "AOSR Title"

PAGE_WIDTH_MM = 210
LEFT_MM, RIGHT_MM = 25, 10
TEXT_WIDTH_MM = PAGE_WIDTH_MM - LEFT_MM - RIGHT_MM

# Captions: the printed wording of the 344/пр form.
ORG_CAPTION = (
    "(фамилия, имя, отчество (последнее — при наличии), адрес места жительства, ОГРНИП, ИНН "
    "индивидуального предпринимателя, полное и (или) сокращенное наименование, ОГРН, ИНН, "
    "адрес юридического лица в пределах его места нахождения, телефон или факс,"
)
SRO_CAPTION = (
    "полное и (или) сокращенное наименование, ОГРН, ИНН саморегулируемой организации, членом "
    "которой является указанное юридическое лицо или индивидуальный предприниматель (за "
    "исключением случаев, когда членство в саморегулируемых организациях в области "
    "строительства, реконструкции, капитального ремонта объектов капитального строительства "
    "не требуется))"
)
NRS_CAPTION = (
    "идентификационный номер в национальном реестре специалистов в области строительства (за "
    "исключением случаев, когда членство в саморегулируемых организациях в области "
    "строительства, реконструкции, капитального ремонта объектов капитального строительства не "
    "требуется)"
)
ORG_OF_REP = (
    "с указанием полного и (или) сокращенного наименования, ОГРН, ИНН, адреса юридического "
    "лица в пределах его места нахождения, фамилии, имени, отчества (последнее — при наличии), "
    "адреса места жительства, ОГРНИП, ИНН индивидуального предпринимателя"
)
REPRESENTATIVES = [
    (
        "developer_control",
        "Представитель застройщика, технического заказчика, лица, ответственного за "
        "эксплуатацию здания, сооружения, или регионального оператора по вопросам "
        "строительного контроля",
        f"(должность (при наличии), фамилия, инициалы, {NRS_CAPTION}, реквизиты "
        f"распорядительного документа, подтверждающего полномочия, {ORG_OF_REP})",
    ),
    (
        "builder",
        "Представитель лица, осуществляющего строительство, реконструкцию, капитальный ремонт",
        "(должность (при наличии), фамилия, инициалы, реквизиты распорядительного документа, "
        "подтверждающего полномочия)",
    ),
    (
        "builder_control",
        "Представитель лица, осуществляющего строительство, реконструкцию, капитальный ремонт, "
        "по вопросам строительного контроля (специалист по организации строительства)",
        f"(должность (при наличии), фамилия, инициалы, {NRS_CAPTION}, реквизиты "
        "распорядительного документа, подтверждающего полномочия)",
    ),
    (
        "designer",
        "Представитель лица, осуществляющего подготовку проектной документации (в случае "
        "привлечения застройщиком, техническим заказчиком лица, осуществляющего подготовку "
        "проектной документации, для проверки соответствия выполняемых работ проектной "
        "документации согласно части 2 статьи 53 Градостроительного кодекса Российской Федерации)",
        "(должность (при наличии), фамилия, инициалы, реквизиты распорядительного документа, "
        f"подтверждающего полномочия, {ORG_OF_REP})",
    ),
    (
        "performer",
        "Представитель лица, выполнившего работы, подлежащие освидетельствованию (в случае "
        "выполнения работ по договорам о строительстве, реконструкции, капитальном ремонте "
        "объектов капитального строительства, заключенным с иными лицами)",
        "(должность (при наличии), фамилия, инициалы, реквизиты распорядительного документа, "
        f"подтверждающего полномочия, {ORG_OF_REP})",
    ),
]
SIGNATURE_LABELS = {
    "developer_control": "Представитель застройщика, технического заказчика, лица, "
    "ответственного за эксплуатацию здания, сооружения, или регионального оператора по "
    "вопросам строительного контроля",
    "builder": "Представитель лица, осуществляющего строительство, реконструкцию, "
    "капитальный ремонт",
    "builder_control": "Представитель лица, осуществляющего строительство, реконструкцию, "
    "капитальный ремонт, по вопросам строительного контроля (специалист по организации "
    "строительства)",
    "designer": "Представитель лица, осуществляющего подготовку проектной документации",
    "performer": "Представитель лица, выполнившего работы, подлежащие освидетельствованию",
}


# --- low-level XML helpers ---------------------------------------------------------

# Elements that follow w:pBdr inside w:pPr (ECMA-376 order; Word rejects other orders).
_PPR_AFTER_BORDER = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _border(tag: str, size: int = 4) -> OxmlElement:
    element = OxmlElement(f"w:{tag}")
    element.set(qn("w:val"), "single")
    element.set(qn("w:sz"), str(size))
    element.set(qn("w:space"), "1")
    element.set(qn("w:color"), "000000")
    return element


def _underline_paragraph_style(style) -> None:
    """Bottom and between borders: every line of a field is ruled, like the paper form."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    borders.append(_border("bottom"))
    borders.append(_border("between"))
    ppr.insert_element_before(borders, *_PPR_AFTER_BORDER)


def _set_fonts(style, size: float, bold: bool = False, italic: bool = False) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attribute), FONT)


# ECMA-376 order of w:tblPr children; python-docx appends some of them out of order.
_TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]


def _order_table_properties(doc) -> None:
    """Put every table's w:tblPr children in schema order, so Word opens the file cleanly."""
    rank = {qn(f"w:{tag}"): i for i, tag in enumerate(_TBLPR_ORDER)}
    for tblpr in doc.element.body.iter(qn("w:tblPr")):
        children = sorted(tblpr, key=lambda child: rank.get(child.tag, len(rank)))
        for child in children:
            tblpr.remove(child)
            tblpr.append(child)


def _cell_borders(cell, **sides: bool) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if sides.get(side):
            borders.append(_border(side))
        else:
            none = OxmlElement(f"w:{side}")
            none.set(qn("w:val"), "nil")
            borders.append(none)
    tcpr.append(borders)


def _cell_margins_zero(table) -> None:
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr.append(margins)


def _fixed_widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))


# --- document structure ------------------------------------------------------------


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _set_fonts(normal, 11)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    label = doc.styles.add_style(LABEL, WD_STYLE_TYPE.PARAGRAPH)
    label.base_style = normal
    _set_fonts(label, 11)
    label.paragraph_format.space_before = Pt(4)
    label.paragraph_format.keep_with_next = True

    field = doc.styles.add_style(FIELD, WD_STYLE_TYPE.PARAGRAPH)
    field.base_style = normal
    _set_fonts(field, 11, italic=True)
    field.paragraph_format.space_before = Pt(2)
    field.paragraph_format.keep_with_next = True
    _underline_paragraph_style(field)

    caption = doc.styles.add_style(CAPTION, WD_STYLE_TYPE.PARAGRAPH)
    caption.base_style = normal
    _set_fonts(caption, 7.5)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_after = Pt(3)

    title = doc.styles.add_style(TITLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    _set_fonts(title, 12, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(297)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    section.header_distance = section.footer_distance = Mm(8)


def _p(doc, text: str, style: str = LABEL):
    return doc.add_paragraph(text, style=style)


def _field(doc, text: str, caption: str | None = None) -> None:
    _p(doc, text, FIELD)
    if caption:
        _p(doc, caption, CAPTION)


def _loop_field(doc, items: str, caption: str) -> None:
    """One ruled line per list item (п.3, Приложения)."""
    _p(doc, f"{{%p for item in {items} %}}", FIELD)
    _p(doc, "{{ item }}", FIELD)
    _p(doc, "{%p endfor %}", FIELD)
    _p(doc, caption, CAPTION)


def _inline_fields(doc, cells: list[tuple[float, str, str | None, bool]]) -> None:
    """A row of short fields: (width mm, text, caption, ruled); captions in a second row."""
    with_captions = any(c[2] for c in cells)
    table = doc.add_table(rows=2 if with_captions else 1, cols=len(cells))
    _cell_margins_zero(table)
    _fixed_widths(table, [c[0] for c in cells])
    for i, (_, text, caption, ruled) in enumerate(cells):
        top = table.cell(0, i).paragraphs[0]
        top.text = text
        top.style = doc.styles[FIELD if ruled else LABEL]
        if ruled:  # the field style's own border draws the rule under the value
            top.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _cell_borders(table.cell(0, i))
        if with_captions:
            bottom = table.cell(1, i).paragraphs[0]
            bottom.text = caption or ""
            bottom.style = doc.styles[CAPTION]
            _cell_borders(table.cell(1, i))


def _form_header(doc) -> None:
    note = doc.add_paragraph(style="Normal")
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note.paragraph_format.left_indent = Mm(95)
    run = note.add_run(
        "Приложение № 3\nк приказу Министерства строительства\nи жилищно-коммунального "
        "хозяйства\nРоссийской Федерации\nот 16 мая 2023 г. № 344/пр"
    )
    run.font.size = Pt(8)
    form = doc.add_paragraph("Форма", style="Normal")
    form.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    form.runs[0].font.size = Pt(8)


def _organisations(doc) -> None:
    _p(doc, "Объект капитального строительства")
    _field(
        doc,
        "{{ object_line }}",
        "(наименование объекта капитального строительства в соответствии с проектной "
        "документацией, почтовый или строительный адрес объекта капитального строительства)",
    )
    heads = [
        (
            "developer",
            "Застройщик, технический заказчик, лицо, ответственное за эксплуатацию здания, "
            "сооружения, или региональный оператор",
        ),
        ("builder", "Лицо, осуществляющее строительство, реконструкцию, капитальный ремонт"),
        ("designer", "Лицо, осуществляющее подготовку проектной документации"),
    ]
    for key, head in heads:
        _p(doc, head)
        _field(doc, f"{{{{ {key}.requisites }}}}", ORG_CAPTION)
        _field(doc, f"{{{{ {key}.sro }}}}", SRO_CAPTION)


def _act_title(doc) -> None:
    first = _p(doc, "АКТ", TITLE)
    first.paragraph_format.space_before = Pt(8)
    _p(doc, "освидетельствования скрытых работ № {{ act_number }}", TITLE)
    _inline_fields(
        doc,
        [
            (TEXT_WIDTH_MM - 45, "", None, False),
            (45, "{{ act_date }}", "(дата составления акта)", True),
        ],
    )


def _representatives(doc) -> None:
    for key, head, caption in REPRESENTATIVES:
        _p(doc, head)
        _field(doc, f"{{{{ representatives.{key}.line }}}}", caption)
    _p(doc, "а также иные представители лиц, участвующих в освидетельствовании:")
    _field(
        doc,
        "{{ other_participants }}",
        "(должность с указанием наименования организации, фамилия, инициалы, реквизиты "
        "распорядительного документа, подтверждающего полномочия)",
    )
    _p(doc, "произвели осмотр работ, выполненных")
    _field(
        doc,
        "{{ performer_name }}",
        "(полное и (или) сокращенное наименование или фамилия, имя, отчество (последнее — при "
        "наличии) лица, выполнившего работы, подлежащие освидетельствованию)",
    )
    _p(doc, "и составили настоящий акт о нижеследующем:")


def _items(doc) -> None:
    _p(doc, "1. К освидетельствованию предъявлены следующие работы:")
    _field(doc, "{{ work_name }}", "(наименование скрытых работ)")
    _p(doc, "2. Работы выполнены по проектной документации")
    _field(
        doc,
        "{{ design_docs }}",
        "(номер, другие реквизиты чертежа, наименование проектной и (или) рабочей документации, "
        "сведения о лицах, осуществляющих подготовку раздела проектной и (или) рабочей "
        "документации)",
    )
    _p(doc, "3. При выполнении работ применены")
    _loop_field(
        doc,
        "materials",
        "(наименование строительных материалов (изделий), реквизиты сертификатов и (или) других "
        "документов, подтверждающих их качество и безопасность; при количестве документов "
        "более пяти — реестр документов, являющийся неотъемлемой частью акта)",
    )
    _p(
        doc,
        "4. Предъявлены документы, подтверждающие соответствие работ предъявляемым к ним "
        "требованиям",
    )
    _field(
        doc,
        "{{ conformity_docs }}",
        "(исполнительные схемы и чертежи, результаты экспертиз, обследований, лабораторных и "
        "иных испытаний выполненных работ, проведенных в процессе строительного контроля)",
    )
    _p(doc, "5. Даты:")
    rest = TEXT_WIDTH_MM - 80
    _inline_fields(
        doc,
        [
            (40, "начала работ", None, False),
            (40, "{{ start_date }}", None, True),
            (rest, "", None, False),
        ],
    )
    _inline_fields(
        doc,
        [
            (40, "окончания работ", None, False),
            (40, "{{ end_date }}", None, True),
            (rest, "", None, False),
        ],
    )
    _p(doc, "6. Работы выполнены в соответствии с")
    _field(
        doc,
        "{{ standards }}",
        "(наименования и структурные единицы технических регламентов, иных нормативных "
        "правовых актов, разделы проектной и (или) рабочей документации)",
    )
    _p(doc, "7. Разрешается производство последующих работ")
    _field(
        doc,
        "{{ next_works }}",
        "(наименование работ, строительных конструкций, участков сетей "
        "инженерно-технического обеспечения)",
    )


def _closing(doc) -> None:
    _p(doc, "Дополнительные сведения")
    _field(doc, "{{ additional_info }}")
    copies = _p(doc, "Акт составлен в ")
    run = copies.add_run("{{ copies }}")
    run.font.underline = True
    copies.add_run(" экземплярах (в случае заполнения акта на бумажном носителе).")
    _p(doc, "Приложения:")
    _loop_field(doc, "attachments", "(перечень приложений)")


def _signatures(doc) -> None:
    for key, label in SIGNATURE_LABELS.items():
        paragraph = _p(doc, label)
        paragraph.paragraph_format.space_before = Pt(6)
        for run in paragraph.runs:
            run.font.size = Pt(10)
        _inline_fields(
            doc,
            [
                (70, f"{{{{ representatives.{key}.signature }}}}", "(фамилия, инициалы)", True),
                (15, "", None, False),
                (45, "", "(подпись)", True),
                (TEXT_WIDTH_MM - 130, "", None, False),
            ],
        )


def _registry(doc) -> None:
    """Приложение № 1: the registry of quality documents, only when п.3 refers to it."""
    _p(doc, "{%p if registry %}", "Normal")
    head = _p(
        doc,
        "Приложение № 1\nк акту освидетельствования скрытых работ № {{ act_number }} "
        "от {{ act_date }}",
        "Normal",
    )
    head.paragraph_format.page_break_before = True
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = _p(doc, "РЕЕСТР\nдокументов о качестве", TITLE)
    title.paragraph_format.space_before = Pt(12)
    note = _p(doc, "{{ registry_subject }}", "Normal")
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.paragraph_format.space_after = Pt(8)

    headers = ["№ п/п", "Материал (изделие)", "Документ", "Номер", "Дата", "Срок действия"]
    widths = [10, 52, 28, 42, 20, 23]
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    _fixed_widths(table, widths)
    for i, text in enumerate(headers):
        paragraph = table.cell(0, i).paragraphs[0]
        paragraph.text = text
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.runs[0].font.bold = True
        paragraph.runs[0].font.size = Pt(10)
    table.cell(1, 0).paragraphs[0].text = "{%tr for row in registry %}"
    cells = ["no", "material", "document", "number", "date", "validity"]
    for i, key in enumerate(cells):
        paragraph = table.cell(2, i).paragraphs[0]
        paragraph.text = f"{{{{ row.{key} }}}}"
        paragraph.runs[0].font.size = Pt(10)
        if key in ("no", "date", "validity"):
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.cell(3, 0).paragraphs[0].text = "{%tr endfor %}"

    sign = _p(
        doc, "Представитель лица, осуществляющего строительство, реконструкцию, капитальный ремонт"
    )
    sign.paragraph_format.space_before = Pt(12)
    _inline_fields(
        doc,
        [
            (70, "{{ representatives.builder.signature }}", "(фамилия, инициалы)", True),
            (15, "", None, False),
            (45, "", "(подпись)", True),
            (TEXT_WIDTH_MM - 130, "", None, False),
        ],
    )
    _p(doc, "{%p endif %}", "Normal")


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    doc = Document()
    _page(doc)
    _styles(doc)
    # Document() starts with one empty paragraph; drop it so the form begins at the top.
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _form_header(doc)
    _organisations(doc)
    _act_title(doc)
    _representatives(doc)
    _items(doc)
    _closing(doc)
    _signatures(doc)
    _registry(doc)
    _order_table_properties(doc)
    core = doc.core_properties
    core.title = "Акт освидетельствования скрытых работ"
    core.author = "pto-pipeline"
    core.comments = "Форма: приказ Минстроя России от 16.05.2023 № 344/пр, приложение 3"
    doc.save(path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH
    print(build_template(target))
