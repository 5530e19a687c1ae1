import dagster as dg

from pipeline.partitions import batch_partitions

BATCH_TABLES = ["documents", "articles", "paragraphs", "rejected_documents", "entity_mentions"]
AGGREGATE_TABLES = ["entity_aliases", "entity_pairs", "entities", "entity_daily", "entity_trends", "entity_chart"]

ingest_batch_job = dg.define_asset_job(
    "ingest_batch",
    selection=dg.AssetSelection.assets(*BATCH_TABLES),
    partitions_def=batch_partitions,
    description="Parse one batch of landing files and recognise its entities.",
)

aggregates_job = dg.define_asset_job(
    "rebuild_aggregates",
    selection=dg.AssetSelection.assets(*AGGREGATE_TABLES),
    description="Rebuild the corpus-wide entity tables and chart.",
)
