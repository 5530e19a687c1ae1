"""Per-batch parsing: documents, rejected_documents and what extraction gave."""

import dagster as dg
import pandas as pd

from pipeline import checks, warehouse
from pipeline.batches import load_batch
from pipeline.core.landing import earlier_versions
from pipeline.core.tables import PARSED_TABLES, parse_batch
from pipeline.io_manager import asset_group, definition_metadata
from pipeline.partitions import batch_partitions
from pipeline.resources import PipelineSettings


DESCRIPTIONS = {
    "documents": "Every decoded document of the batch, with the bytes' hash and the decoded page.",
    "extracted_articles": "Articles as extraction gave them, before corpus-level boilerplate flags.",
    "extracted_paragraphs": "Paragraphs with page-level flags and their recurrence key.",
    "rejected_documents": "Files and records the pipeline could not use, with a specific reason.",
    "landing_file_batches": "Per batch: one row per claimed landing file, with what became of its records.",
}


def _earlier(settings, batch_key: str) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """Documents (doc_id -> source_path), live articles and documents of batches claimed before this one."""
    earlier = [key for key in warehouse.partition_files(settings.warehouse_dir, "documents") if key < batch_key]
    documents = warehouse.read_table(settings.warehouse_dir, "documents", ["doc_id", "source_path", "batch"], earlier)
    articles = warehouse.read_table(
        settings.warehouse_dir, "extracted_articles", ["doc_id", "source_path", "url", "fetched_at"], earlier
    ).rename(columns={"url": "canonical_url"})
    superseded = warehouse.superseded_doc_ids(settings.warehouse_dir, earlier)
    live = articles[~articles["doc_id"].isin(superseded)]
    live_documents = documents[~documents["doc_id"].isin(superseded)]
    return dict(zip(documents["doc_id"], documents["source_path"])), live, live_documents


@dg.multi_asset(
    outs={
        table: dg.AssetOut(
            description=DESCRIPTIONS[table],
            metadata=definition_metadata(table),
            group_name=asset_group(table, "corpus"),
            kinds={"parquet"},
        )
        for table in PARSED_TABLES
    },
    # extraction works on the documents of the same run
    internal_asset_deps={
        "documents": set(),
        "rejected_documents": set(),
        "landing_file_batches": set(),
        "extracted_articles": {dg.AssetKey("documents")},
        "extracted_paragraphs": {dg.AssetKey("documents")},
    },
    partitions_def=batch_partitions,
    check_specs=checks.PARSE_CHECK_SPECS,
)
def parse_documents(context: dg.AssetExecutionContext, pipeline_settings: PipelineSettings):
    """Read the batch's landing files, decode, de-duplicate and extract articles."""
    settings = pipeline_settings.settings()
    batch = load_batch(settings.warehouse_dir, context.partition_key)
    earlier_doc_ids, earlier_articles, earlier_documents = _earlier(settings, batch.key)
    staged = {table: warehouse.StagedTable(settings.warehouse_dir, table, batch.key) for table in PARSED_TABLES}
    stats = parse_batch(
        settings.landing_dir,
        batch,
        settings,
        earlier_doc_ids=earlier_doc_ids,
        earlier_articles=earlier_articles,
        sinks=staged,
        log=context.log.info,
        earlier_versions=earlier_versions(earlier_documents, [claimed.path for claimed in batch.files]),
    )
    for table in PARSED_TABLES:
        staged[table].close()
    check = checks.rejections_have_known_reasons(pd.read_parquet(staged["rejected_documents"].path))
    for table in PARSED_TABLES:
        metadata = {"batch_files": len(batch.files)}
        if table == "documents":
            metadata["counts"] = dg.MetadataValue.json(dict(stats))
        if table == "landing_file_batches":
            files = pd.read_parquet(staged[table].path, columns=["status"])
            metadata["files_by_status"] = dg.MetadataValue.json(files["status"].value_counts().to_dict())
        yield dg.Output(staged[table], output_name=table, metadata=metadata)
    yield check
