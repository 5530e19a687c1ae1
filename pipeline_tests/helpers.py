"""Shared test helpers: run the real pipeline and read its tables."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TABLES = [
    "documents", "articles", "paragraphs", "entity_mentions", "entities",
    "entity_daily", "entity_pairs", "rejected_documents",
]


def run_cli(*args: str, env: dict | None = None, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess:
    """The real `news-pipeline` CLI in a subprocess (python -m pipeline)."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=PROJECT_ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def read(warehouse: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(warehouse / table)


def pipeline_assets():
    import dagster as dg

    from pipeline.defs.assets import aggregates, boilerplate, documents, landing, mentions

    return dg.load_assets_from_modules([documents, boilerplate, mentions, aggregates, landing])


def resources(settings) -> dict:
    from pipeline.storage.io_manager import ParquetIOManager
    from pipeline.defs.resources import PipelineSettings

    return {
        "io_manager": ParquetIOManager(str(settings.warehouse_dir)),
        "pipeline_settings": PipelineSettings.from_settings(settings),
    }


def materialize_batch(settings, instance, key: str, selection=None):
    """One batch through the real assets with `dagster.materialize` (a batch run's selection by default)."""
    import dagster as dg

    from pipeline.defs.jobs import BATCH_RUN_TABLES

    result = dg.materialize(
        pipeline_assets(), selection=selection or BATCH_RUN_TABLES,
        partition_key=key, instance=instance, resources=resources(settings),
    )
    assert result.success
    return result


def ingest_new(settings, instance) -> list[str]:
    """Claim the new landing files and materialize every new batch."""
    from pipeline.storage import batches
    from pipeline.defs.partitions import batch_partitions

    keys = [b.key for b in batches.claim_new_files(settings.landing_dir, settings.warehouse_dir)]
    instance.add_dynamic_partitions(batch_partitions.name, keys)
    for key in keys:
        materialize_batch(settings, instance, key)
    return keys


def materialize_aggregates(settings, instance):
    import dagster as dg

    from pipeline.defs.jobs import AGGREGATE_TABLES

    result = dg.materialize(pipeline_assets(), selection=AGGREGATE_TABLES, instance=instance,
                            resources=resources(settings))
    assert result.success
    return result


@contextlib.contextmanager
def unreadable_keeping_stamps(paths):
    """Overwrite files with as many zero bytes, keeping their modification times (size and mtime: the
    stamps the pipeline compares), and restore them afterwards: whatever reads them inside fails."""
    saved = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}
    for path, (data, mtime) in saved.items():
        path.write_bytes(b"\0" * len(data))
        os.utime(path, ns=(mtime, mtime))
    try:
        yield
    finally:
        for path, (data, mtime) in saved.items():
            path.write_bytes(data)
            os.utime(path, ns=(mtime, mtime))
