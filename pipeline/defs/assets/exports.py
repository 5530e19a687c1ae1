"""After the corpus-wide tables: the warehouse manifest and the DuckDB database."""

import dagster as dg

from pipeline.defs.assets.aggregates import AGGREGATE_CONDITION
from pipeline.defs.resources import PipelineSettings
from pipeline.storage import duck
from pipeline.storage import manifest

CORPUS_TABLES = ["entity_aliases", "entity_pairs", "entities", "entity_daily", "entity_trends"]


@dg.asset(group_name="exports", kinds={"json"}, deps=CORPUS_TABLES, automation_condition=AGGREGATE_CONDITION)
def warehouse_manifest(pipeline_settings: PipelineSettings) -> dg.MaterializeResult:
    """_manifest.json: pipeline version, models and their versions, settings, landing dir, when each table was written."""
    settings = pipeline_settings.settings()
    path = manifest.write_manifest(settings)
    tables = manifest.read_manifest(settings.warehouse_dir)["tables"]
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "tables": dg.MetadataValue.json({t: s["rows"] for t, s in tables.items()}),
    })


@dg.asset(group_name="exports", kinds={"duckdb"}, deps=CORPUS_TABLES, automation_condition=AGGREGATE_CONDITION)
def corpus_duckdb(pipeline_settings: PipelineSettings) -> dg.MaterializeResult:
    """<warehouse>/corpus.duckdb: a view per public table, mentions_resolved and outlet_daily, with comments."""
    settings = pipeline_settings.settings()
    path = duck.export(settings.warehouse_dir)
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})
