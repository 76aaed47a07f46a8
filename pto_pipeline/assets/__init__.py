"""Project assets in lineage order (SPEC §9)."""

from pto_pipeline.assets.acts import aosr_acts, matched_materials, work_register
from pto_pipeline.assets.design import design_spec
from pto_pipeline.assets.documents import ocr_text, raw_documents, requisites
from pto_pipeline.assets.package import id_package, marts
from pto_pipeline.assets.registry import registry_checks

ALL_ASSETS = [
    raw_documents,
    ocr_text,
    requisites,
    registry_checks,
    work_register,
    design_spec,
    matched_materials,
    aosr_acts,
    id_package,
    marts,
]
