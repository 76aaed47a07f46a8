"""design_spec: the project's working documentation (rd/) read into specification lines
(SPEC §10); its comparison with the register lands in matched_materials' findings."""

import dagster as dg

from pto_pipeline.assets.common import findings_metadata, preview, projects_partitions
from pto_pipeline.domain import ocr
from pto_pipeline.domain.design.sheets import read_design
from pto_pipeline.resources import PtoSettings


@dg.asset(
    partitions_def=projects_partitions,
    group_name="acts",
    description="Specification sheets of the working documentation in projects/<code>/rd/ "
    "(ГОСТ 21.110 full and short forms; vector PDFs from text and ruling, scans by OCR): "
    "one row per line with the sheet's шифр and number.",
    kinds={"python", "pdf"},
)
def design_spec(context: dg.AssetExecutionContext, pto: PtoSettings) -> dict:
    settings = pto.load()
    code = context.partition_key
    config = ocr.OcrConfig(
        lang=settings.ocr_lang,
        page_timeout=settings.ocr_page_timeout,
        cache_dir=settings.cache_dir,
    )
    reading = read_design(settings.project_dir(code) / "rd", config, settings.workers)
    findings, meta = findings_metadata(reading.findings, code)
    lines, sheets = reading.lines, reading.sheets
    context.add_output_metadata(
        {
            "rd_files": reading.files,
            "sheets": len(sheets),
            "specification_lines": len(lines),
            "sheets_ocr": int((sheets["text_source"] == "ocr").sum()) if len(sheets) else 0,
            "preview": preview(lines, ["code", "sheet", "position", "name", "unit", "quantity"]),
            **meta,
        }
    )
    return {"has_rd": reading.has_rd, "lines": lines, "sheets": sheets, "findings": findings}
