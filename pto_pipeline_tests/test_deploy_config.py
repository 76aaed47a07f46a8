"""deploy/celery/: the instance settings are valid and the workers' Celery settings are the
executor's."""

from __future__ import annotations

from pathlib import Path

import yaml
from dagster._core.instance.config import dagster_instance_config

from pto_pipeline.jobs import CELERY_CONFIG

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "celery"


def test_workers_use_the_executors_celery_settings() -> None:
    worker = yaml.safe_load((DEPLOY / "celery.yaml").read_text())["execution"]["config"]
    assert worker["config_source"] == CELERY_CONFIG
    assert worker["broker"] == worker["backend"] == {"env": "PTO_CELERY_BROKER"}


def test_instance_config_queues_runs_one_per_project(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "dagster.yaml").write_text((DEPLOY / "dagster.yaml").read_text())
    monkeypatch.setenv("DAGSTER_PG_URL", "postgresql://postgres@127.0.0.1:5432/unused")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    runs = config["concurrency"]["runs"]
    assert runs["tag_concurrency_limits"] == [
        {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
    ]
    assert config["concurrency"]["pools"]["granularity"] == "op"
    assert config["run_retries"]["enabled"] and config["run_monitoring"]["enabled"]
