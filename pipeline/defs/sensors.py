"""Sensors: new landing files become a batch partition and a run."""

import dagster as dg

from pipeline.defs.jobs import REFRESH_WRITE_ORDER, aggregates_job, ingest_batch_job, refresh_batch_job
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import PipelineSettings
from pipeline.storage.batches import claim_new_files
from pipeline.storage.refresh import stale_batches


@dg.sensor(
    job=ingest_batch_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Claims files that arrived in the landing dir into a new batch and runs it.",
)
def landing_sensor(context: dg.SensorEvaluationContext, pipeline_settings: PipelineSettings):
    settings = pipeline_settings.settings()
    if not settings.landing_dir.exists():
        return dg.SkipReason(f"landing dir {settings.landing_dir} does not exist")
    batches = claim_new_files(settings.landing_dir, settings.warehouse_dir, settings.files_per_batch)
    if not batches:
        return dg.SkipReason("no new landing files")
    keys = [batch.key for batch in batches]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=key, run_key=key) for key in keys],
        dynamic_partitions_requests=[batch_partitions.build_add_request(keys)],
    )


@dg.asset_sensor(
    asset_key=dg.AssetKey("domain_boilerplate"),
    job=refresh_batch_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="When the per-domain boilerplate evidence changes, refreshes the flags of earlier batches.",
)
def boilerplate_refresh_sensor(context, asset_event, pipeline_settings: PipelineSettings):
    settings = pipeline_settings.settings()
    stale = stale_batches(settings.warehouse_dir, REFRESH_WRITE_ORDER)
    if not stale:
        return dg.SkipReason("every batch's flags agree with the current evidence")
    storage_id = asset_event.event_log_entry.storage_id if asset_event.event_log_entry else 0
    return [dg.RunRequest(partition_key=key, run_key=f"refresh-{key}-{storage_id}") for key in stale]


# The declarative-automation sensor starts stopped on a fresh instance unless
# declared like this; it rebuilds the aggregates after each batch.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "aggregates_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)

daily_aggregates_schedule = dg.ScheduleDefinition(
    name="daily_aggregates",
    job=aggregates_job,
    cron_schedule="0 3 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuilds the corpus-wide entity tables every night.",
)
