"""`pto-pipeline init <code> --from-rd <folder>`: the register's Материалы sheet drafted
from the specification, so the register does not start from an empty page.

One row per specification position: the material as the design names it (name and
type/mark, so the identity rules find it again), the design quantity and unit, and
where it comes from (шифр, sheet, position). The act number is left for the engineer:
which act builds a material in is his knowledge, not the drawing's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from pto_pipeline.domain.fsutil import atomic_path
from pto_pipeline.domain.scaffold import write_empty_register

SOURCE_HEADER = "Позиция РД"  # not a register column: the reader ignores it


def draft_rows(lines: pd.DataFrame) -> list[list[object]]:
    """[№ акта (empty), Материал, Количество, Ед. изм., Позиция РД] per spec line."""
    rows = []
    for line in lines.to_dict("records"):
        name = " ".join(str(line.get(k) or "") for k in ("name", "type_mark")).split()
        if not name:
            continue
        where = ", ".join(
            part
            for part in (
                str(line.get("code") or ""),
                f"л. {line['sheet']}" if line.get("sheet") else "",
                f"поз. {line['position']}" if line.get("position") else "",
            )
            if part
        )
        quantity = line.get("quantity")
        rows.append(
            [
                None,
                " ".join(name),
                float(quantity) if quantity is not None and quantity == quantity else None,
                line.get("unit"),
                where,
            ]
        )
    return rows


def copy_rd(source: Path, rd_dir: Path) -> list[Path]:
    """The PDFs of `source` (sub-folders kept) copied into the project's rd/; returns
    the copies. Nothing is copied when `source` is rd/ itself."""
    source, rd_dir = Path(source).resolve(), Path(rd_dir)
    if rd_dir.exists() and source == rd_dir.resolve():
        return sorted(rd_dir.rglob("*.pdf"))
    copies = []
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.is_symlink()):
        if path.suffix.lower() != ".pdf":
            continue
        target = rd_dir / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            shutil.copyfile(path, tmp)
        copies.append(target)
    return copies


def write_register_draft(path: Path, lines: pd.DataFrame) -> int:
    """works.xlsx with empty Работы and a drafted Материалы sheet; the rows written."""
    rows = draft_rows(lines)
    write_empty_register(path, materials=rows, extra_material_headers=[SOURCE_HEADER])
    return len(rows)
