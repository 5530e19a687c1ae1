"""Per-batch parsing: documents, articles, paragraphs and rejected_documents."""

import dagster as dg

from pipeline import checks, warehouse
from pipeline.batches import load_batch
from pipeline.core.tables import parse_batch
from pipeline.io_manager import definition_metadata
from pipeline.partitions import batch_partitions
from pipeline.resources import PipelineSettings

PARSED_TABLES = ("documents", "articles", "paragraphs", "rejected_documents")

DESCRIPTIONS = {
    "documents": "Every decoded document of the batch, with the bytes' hash and the decoded page.",
    "articles": "One row per usable article: clean text and metadata.",
    "paragraphs": "Every extracted paragraph in reading order, boilerplate flagged (not deleted).",
    "rejected_documents": "Files and records the pipeline could not use, with a specific reason.",
}


def _earlier_doc_ids(settings, batch_key: str) -> dict[str, str]:
    """doc_id -> source_path of documents from batches claimed before this one."""
    earlier = [key for key in warehouse.partition_files(settings.warehouse_dir, "documents") if key < batch_key]
    frame = warehouse.read_table(settings.warehouse_dir, "documents", ["doc_id", "source_path"], earlier)
    return dict(zip(frame["doc_id"], frame["source_path"]))


@dg.multi_asset(
    outs={
        table: dg.AssetOut(
            description=DESCRIPTIONS[table],
            metadata=definition_metadata(table),
            group_name="corpus",
            kinds={"parquet"},
        )
        for table in PARSED_TABLES
    },
    # articles and paragraphs are made from the documents of the same run
    internal_asset_deps={
        "documents": set(),
        "rejected_documents": set(),
        "articles": {dg.AssetKey("documents")},
        "paragraphs": {dg.AssetKey("documents")},
    },
    partitions_def=batch_partitions,
    check_specs=checks.PARSE_CHECK_SPECS,
)
def parse_documents(context: dg.AssetExecutionContext, pipeline_settings: PipelineSettings):
    """Read the batch's landing files, decode, de-duplicate and extract articles."""
    settings = pipeline_settings.settings()
    batch = load_batch(settings.warehouse_dir, context.partition_key)
    tables = parse_batch(
        settings.landing_dir,
        batch,
        settings,
        earlier_doc_ids=_earlier_doc_ids(settings, batch.key),
        log=context.log.info,
    )
    reasons = tables.rejected_documents["reason"].value_counts().to_dict()
    for table in PARSED_TABLES:
        frame = getattr(tables, table)
        metadata = {"batch_files": len(batch.files)}
        if table == "rejected_documents":
            metadata["reasons"] = dg.MetadataValue.json(reasons)
        if table == "documents":
            metadata["skipped_records"] = dg.MetadataValue.json(dict(tables.stats))
        yield dg.Output(frame, output_name=table, metadata=metadata)
    yield checks.articles_are_unique_and_non_empty(tables.articles)
    yield checks.rejections_have_known_reasons(tables.rejected_documents)
