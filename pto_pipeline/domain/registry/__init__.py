"""Registry verification of certificates and declarations (SPEC §11).

- records.py: the RegistryRecord value, status words and number keys;
- snapshot.py: the offline source, `registry/*.csv`;
- web.py: polite HTTP (rate limit, retries, backoff) and the evidence store;
- services.py: the EAEU open-data OData service and the Russian national registry;
- settings.py: PTO_REGISTRY* settings and the sources they name;
- check.py: the comparison, the findings and what matching needs.
"""

from pto_pipeline.domain.registry.check import (
    CHECK_COLUMNS,
    apply_registry,
    check_documents,
)
from pto_pipeline.domain.registry.settings import RegistrySettings, build_sources

__all__ = [
    "CHECK_COLUMNS",
    "RegistrySettings",
    "apply_registry",
    "build_sources",
    "check_documents",
]
