"""The asset graph users see (SPEC §9), pinned so accidental rewiring fails loudly."""

from __future__ import annotations

import dagster as dg

from pto_pipeline.definitions import defs

EXPECTED_DEPS = {
    "raw_documents": set(),
    "ocr_text": {"raw_documents"},
    "requisites": {"raw_documents", "ocr_text"},  # file names for corrections.xlsx
    "registry_checks": {"requisites"},
    "work_register": set(),
    "design_spec": set(),  # SPEC §10: rd/ read on its own, feeds matched_materials
    "matched_materials": {
        "raw_documents",
        "work_register",
        "requisites",
        "registry_checks",
        "design_spec",
    },
    "aosr_acts": {"work_register", "matched_materials", "design_spec"},  # п.2 sheet titles
    "id_package": {
        "raw_documents",
        "requisites",
        "work_register",
        "matched_materials",
        "aosr_acts",
    },
    "marts": {
        "raw_documents",
        "requisites",
        "matched_materials",
        "aosr_acts",
        "id_package",
        "registry_checks",
        "design_spec",
    },
}
EXPECTED_CHECKS = {
    ("requisites", "documents_readable"),
    ("requisites", "requisites_complete"),
    ("work_register", "project_card_complete"),
    ("matched_materials", "materials_covered"),
}


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)


def test_asset_graph_is_pinned() -> None:
    graph = defs.resolve_asset_graph()
    deps = {
        key.to_user_string(): {d.to_user_string() for d in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert deps == EXPECTED_DEPS
    for key in graph.get_all_asset_keys():
        partitions = graph.get(key).partitions_def
        assert isinstance(partitions, dg.DynamicPartitionsDefinition)
        assert partitions.name == "projects"
    assert graph.get(dg.AssetKey("marts")).group_name == "marts"
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert checks == EXPECTED_CHECKS


def test_sensor_schedule_and_job_are_registered() -> None:
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "build_project"
    assert defs.resolve_schedule_def("nightly_package_rebuild").job_name == "build_project"
    job = defs.resolve_job_def("build_project")
    assert job.partitions_def.name == "projects"
