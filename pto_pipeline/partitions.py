"""The `projects` dynamic partitions: one per project folder (SPEC §1)."""

import dagster as dg

projects_partitions = dg.DynamicPartitionsDefinition(name="projects")
