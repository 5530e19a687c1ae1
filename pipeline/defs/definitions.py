"""Assembles the Dagster definitions: assets, checks, jobs, sensors, schedule, resources."""
from __future__ import annotations

import dagster as dg

from pipeline.defs.assets import aggregates, boilerplate, documents, exports, landing, mentions
from pipeline.defs.checks import ALL_CHECKS
from pipeline.defs.jobs import aggregates_job, ingest_batch_job, refresh_batch_job
from pipeline.defs.resources import PipelineSettings
from pipeline.storage.io_manager import ParquetIOManager
from pipeline.defs.sensors import (
    automation_sensor,
    boilerplate_refresh_sensor,
    daily_aggregates_schedule,
    landing_sensor,
)
from pipeline.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=dg.load_assets_from_modules([documents, boilerplate, mentions, aggregates, landing, exports]),
        asset_checks=ALL_CHECKS,
        jobs=[ingest_batch_job, refresh_batch_job, aggregates_job],
        sensors=[landing_sensor, boilerplate_refresh_sensor, automation_sensor],
        schedules=[daily_aggregates_schedule],
        resources={
            "io_manager": ParquetIOManager(str(settings.warehouse_dir), settings.s3_endpoint_url),
            "pipeline_settings": PipelineSettings.from_settings(settings),
        },
    )


defs = build_definitions(Settings.from_env())
