"""`pto-pipeline init`: an empty project an engineer fills in (SPEC §2, §3)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from pto_pipeline.domain.fsutil import atomic_path, write_text_atomic
from pto_pipeline.domain.xlsx_text import write_text_cell

WORK_HEADERS = [
    "№ акта",
    "Наименование работ",
    "Проектная документация",
    "Дата начала",
    "Дата окончания",
    "Выполнены в соответствии с",
    "Разрешается производство работ",
    "Исполнительные схемы и испытания",
    "Дата акта",
]
MATERIAL_HEADERS = ["№ акта", "Материал", "Количество", "Ед. изм."]

PROJECT_YAML_TEMPLATE = """\
# Карточка объекта (SPEC §2). Заполните все поля; пустые поля попадут в замечания
# (PROJECT_CARD), а в актах останутся пропуски.
name: ""                # объект капитального строительства (по проектной документации)
address: ""             # почтовый или строительный адрес объекта
package_format: unified # unified — документы о качестве один раз; repeated — после каждого акта
copies: 3               # экземпляров акта
blocking_checks: false  # true — не собирать пакет, пока проверки полноты не пройдены

organizations:
  developer:            # застройщик / технический заказчик
    name: ""
    ogrn: ""
    inn: ""
    address: ""
    phone: ""
    sro: ""             # СРО: наименование, ОГРН, ИНН (если членство обязательно)
  builder:              # лицо, осуществляющее строительство
    name: ""
    ogrn: ""
    inn: ""
    address: ""
    phone: ""
    sro: ""
  designer:             # лицо, осуществляющее подготовку проектной документации
    name: ""
    ogrn: ""
    inn: ""
    address: ""
    phone: ""
    sro: ""
  # performer:          # лицо, выполнившее работы (если не генподрядчик)

representatives:        # должность, ФИО, распорядительный документ, ИН в НРС
  developer_control:    # застройщика/техзаказчика по вопросам строительного контроля
    position: ""
    name: ""
    order: ""
    nrs_id: ""          # обязателен
  builder:              # лица, осуществляющего строительство
    position: ""
    name: ""
    order: ""
  builder_control:      # лица, осуществляющего строительство, по вопросам строительного контроля
    position: ""
    name: ""
    order: ""
    nrs_id: ""          # обязателен
  # designer: {position: "", name: "", order: ""}   # авторский надзор
  # performer: {position: "", name: "", order: ""}  # лица, выполнившего работы
"""


def scaffold_project(project_dir: Path) -> None:
    (project_dir / "inbox").mkdir(parents=True, exist_ok=True)
    write_text_atomic(project_dir / "project.yaml", PROJECT_YAML_TEMPLATE)
    if not (project_dir / "works.xlsx").exists():
        write_empty_register(project_dir / "works.xlsx")


def write_empty_register(
    path: Path,
    materials: list[list[object]] | None = None,
    extra_material_headers: list[str] | None = None,
) -> None:
    """works.xlsx with both sheets' headers; `materials` pre-fills the Материалы sheet
    (a draft from the working documentation, `init --from-rd`)."""
    wb = Workbook()
    works = wb.active
    works.title = "Работы"
    _header(works, WORK_HEADERS)
    sheet = wb.create_sheet("Материалы")
    _header(sheet, MATERIAL_HEADERS + list(extra_material_headers or []))
    for r, row in enumerate(materials or [], start=2):
        for c, value in enumerate(row, start=1):
            write_text_cell(sheet, r, c, value)
    if materials:
        sheet.column_dimensions["B"].width = 70
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _header(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, title in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(14, len(title) + 4)
    sheet.freeze_panes = "A2"
