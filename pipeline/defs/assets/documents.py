"""Per-batch parsing: documents, rejected_documents and what extraction gave."""

import dagster as dg
import pandas as pd

from pipeline.core import dedupe
from pipeline.core.landing import earlier_versions
from pipeline.core.tables import PARSED_TABLES, parse_batch
from pipeline.defs import checks
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import PipelineSettings
from pipeline.storage import warehouse
from pipeline.storage.batches import load_batch
from pipeline.storage.io_manager import asset_group, definition_metadata


DESCRIPTIONS = {
    "documents": "Every decoded document of the batch, with the bytes' hash and the decoded page.",
    "extracted_articles": "Articles as extraction gave them, before corpus-level boilerplate flags.",
    "extracted_paragraphs": "Paragraphs with page-level flags and their recurrence key.",
    "rejected_documents": "Files and records the pipeline could not use, with a specific reason.",
    "landing_file_batches": "Per batch: one row per claimed landing file, with what became of its records.",
    "dedupe_index": "Per batch: the doc_ids and article URLs later batches de-duplicate against.",
}
INDEXED_TABLES = (*PARSED_TABLES, "dedupe_index")


def _earlier(settings, batch_key: str) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """Documents (doc_id -> source_path), live articles and documents of batches claimed before this one.

    Read from their ``dedupe_index`` partitions; a batch written before the index
    existed (or whose index write was interrupted) is indexed from its own tables.
    """
    root = settings.warehouse_dir
    earlier = [key for key in warehouse.partition_files(root, "documents") if key < batch_key]
    indexed = set(warehouse.partition_files(root, "dedupe_index"))
    parts = {key: _index_from_tables(root, key) for key in earlier if key not in indexed}
    index = warehouse.read_table(root, "dedupe_index", dedupe.INDEX_COLUMNS, [k for k in earlier if k in indexed])
    parts.update(dict(tuple(index.groupby("batch", sort=False))) if len(index) else {})
    frames = [parts[key] for key in earlier if key in parts and len(parts[key])]
    return dedupe.earlier_state(pd.concat(frames, ignore_index=True) if frames else index)


def _index_from_tables(root, key: str, staged: dict | None = None) -> pd.DataFrame:
    """The batch's dedupe_index rows from its documents, extracted_articles and rejected_documents."""
    columns = {"documents": ["doc_id", "source_path"], "extracted_articles": ["doc_id", "url", "fetched_at"],
               "rejected_documents": ["doc_id", "reason"]}
    frames = {
        table: pd.read_parquet(staged[table].path, columns=cols) if staged else warehouse.read_table(
            root, table, cols, [key])
        for table, cols in columns.items()
    }
    return dedupe.index_rows(frames["documents"], frames["extracted_articles"], frames["rejected_documents"], key)


@dg.multi_asset(
    outs={
        table: dg.AssetOut(
            description=DESCRIPTIONS[table],
            metadata=definition_metadata(table),
            group_name=asset_group(table, "corpus"),
            kinds={"parquet"},
        )
        for table in INDEXED_TABLES
    },
    # extraction works on the documents of the same run
    internal_asset_deps={
        "documents": set(),
        "rejected_documents": set(),
        "landing_file_batches": set(),
        "extracted_articles": {dg.AssetKey("documents")},
        "extracted_paragraphs": {dg.AssetKey("documents")},
        "dedupe_index": {dg.AssetKey(table) for table in ("documents", "extracted_articles", "rejected_documents")},
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
    index = _index_from_tables(settings.warehouse_dir, batch.key, staged)  # before the staged files move
    check = checks.rejections_have_known_reasons(pd.read_parquet(staged["rejected_documents"].path))
    for table in PARSED_TABLES:
        metadata = {"batch_files": len(batch.files)}
        if table == "documents":
            metadata["counts"] = dg.MetadataValue.json(dict(stats))
        if table == "landing_file_batches":
            files = pd.read_parquet(staged[table].path, columns=["status"])
            metadata["files_by_status"] = dg.MetadataValue.json(files["status"].value_counts().to_dict())
        yield dg.Output(staged[table], output_name=table, metadata=metadata)
    # last: a batch with an index has all its parsed tables (without one it is indexed from them)
    yield dg.Output(index, output_name="dedupe_index")
    yield check
