"""registry_checks: certificates and declarations against the registries (SPEC §11)."""

import dagster as dg

from pto_pipeline.assets.common import findings_metadata, preview, projects_partitions
from pto_pipeline.domain.registry import RegistrySettings, build_sources, check_documents
from pto_pipeline.resources import PtoSettings


@dg.asset(
    partitions_def=projects_partitions,
    group_name="documents",
    description="Each certificate and declaration looked up by number in the registries "
    "(PTO_REGISTRY: snapshot files, the EAEU unified register, the national register): "
    "status, validity, product, manufacturer; every answer kept under registry/.",
    kinds={"python"},
)
def registry_checks(context: dg.AssetExecutionContext, pto: PtoSettings, requisites: dict) -> dict:
    settings = pto.load()
    registry = RegistrySettings.from_env()
    sources = build_sources(settings.data_dir / "registry", registry)
    try:
        checks, check_findings = check_documents(requisites["documents"], sources)
    finally:
        for source in sources:
            getattr(source, "close", lambda: None)()
    problems = [f for s in sources for f in getattr(s, "findings", [])]
    findings, meta = findings_metadata(problems + check_findings, context.partition_key)
    counts = checks["status"].value_counts().to_dict() if not checks.empty else {}
    context.log.info(
        "registry sources: %s; checked %d document(s): %s",
        ",".join(registry.sources) or "off",
        len(checks),
        counts,
    )
    context.add_output_metadata(
        {
            "sources": ",".join(registry.sources) or "off",
            "checked": len(checks),
            **{f"status_{k}": int(v) for k, v in counts.items()},
            "preview": preview(checks, ["doc_number", "source", "status", "mismatch"]),
            **meta,
        }
    )
    return {"checks": checks, "findings": findings}
