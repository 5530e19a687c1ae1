import dagster as dg

from pipeline.defs.partitions import batch_partitions

# Per-batch tables, in the order a batch run makes them (the domain_boilerplate
# step between extraction and the final articles is corpus-wide).
PARSE_TABLES = ["documents", "rejected_documents", "extracted_articles", "extracted_paragraphs"]
BOILERPLATE_TABLES = ["domain_boilerplate"]
FINAL_TABLES = ["articles", "paragraphs"]
ENTITY_BATCH_TABLES = [
    "entity_mentions",
    # partial aggregates the corpus-wide entity tables sum (pipeline/core/aggregate.py)
    "entity_batch_evidence", "entity_batch_counts", "entity_batch_pairs",
    "entity_batch_documents", "entity_batch_overlaps",
]
BATCH_TABLES = PARSE_TABLES + FINAL_TABLES + ENTITY_BATCH_TABLES
# The order a batch's refresh writes its tables in (see refresh.interrupted_batches).
REFRESH_WRITE_ORDER = [[table] for table in FINAL_TABLES + ENTITY_BATCH_TABLES[:1]] + [ENTITY_BATCH_TABLES[1:]]
# Per-batch account of the landing files (an output of the parse step; see landing_files)
LANDING_BATCH_TABLES = ["landing_file_batches"]
# Per batch: what later batches de-duplicate against (an output of the parse step; see pipeline/core/dedupe.py)
DEDUPE_TABLES = ["dedupe_index"]
BATCH_RUN_TABLES = BATCH_TABLES + BOILERPLATE_TABLES + LANDING_BATCH_TABLES + DEDUPE_TABLES
LANDING_TABLES = ["landing_files"]
AGGREGATE_TABLES = ["entity_aliases", "entity_pairs", "entities", "entity_daily", "entity_trends", "entity_chart",
                    "entity_mention_links"]
# Written after the aggregates from every table (pipeline/defs/assets/exports.py).
EXPORT_ASSETS = ["warehouse_manifest", "corpus_duckdb"]

ingest_batch_job = dg.define_asset_job(
    "ingest_batch",
    selection=dg.AssetSelection.assets(*BATCH_RUN_TABLES),
    partitions_def=batch_partitions,
    description="Parse one batch of landing files and recognise its entities.",
    tags={"news/job": "ingest_batch"},  # the run-queue limit in the PostgreSQL dagster.yaml (pipeline/instance.py)
)

refresh_batch_job = dg.define_asset_job(
    "refresh_batch",
    selection=dg.AssetSelection.assets(*FINAL_TABLES, *ENTITY_BATCH_TABLES),
    partitions_def=batch_partitions,
    description="Re-apply the corpus-level boilerplate flags to an earlier batch (no re-extraction).",
)

aggregates_job = dg.define_asset_job(
    "rebuild_aggregates",
    selection=dg.AssetSelection.assets(*AGGREGATE_TABLES, *LANDING_TABLES, *EXPORT_ASSETS),
    description="Rebuild the corpus-wide entity tables and chart, the landing_files account, the manifest and the DuckDB database.",
)
