"""Which earlier batches need refreshing (no Dagster here).

The per-domain evidence grows as batches arrive: a paragraph that looked like
article text in the first pages of a site can turn out to recur on all of
them. A batch is stale when its final paragraphs' flags differ from what the
current ``domain_boilerplate`` table gives, or when one of its articles was
superseded by a newer capture of the same URL in a later batch. Refreshing it
rewrites its articles and paragraphs (no re-extraction) and entity mentions.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.core.corpus_boilerplate import recurring
from pipeline.storage import warehouse


def _current_boilerplate(warehouse_dir: Path) -> pd.DataFrame:
    path = warehouse.table_dir(warehouse_dir, "domain_boilerplate") / "data.parquet"
    if not path.exists():
        return pd.DataFrame(columns=["domain", "boilerplate_key", "match"])
    return warehouse.read_frame(path, ["domain", "boilerplate_key", "match"])


def interrupted_batches(warehouse_dir: Path, write_order: list[list[str]]) -> set[str]:
    """Batches whose tables were not all rewritten after the first one was.

    A refresh writes the groups of ``write_order`` in turn; a run killed
    half-way leaves a table of an earlier group newer than one of a later group.
    The file times compared are those of our own writes.
    """
    write_order = [group for group in write_order if group]
    tables = [table for group in write_order for table in group]
    files = {table: warehouse.partition_files(warehouse_dir, table) for table in tables}
    interrupted = set()
    for key in set.intersection(*(set(f) for f in files.values())):
        times = [[files[table][key].stat().st_mtime_ns for table in group] for group in write_order]
        if any(min(later) < max(earlier) for earlier, later in zip(times, times[1:])):
            interrupted.add(key)
    return interrupted


def stale_batches(warehouse_dir: Path, write_order: list[list[str]] | None = None) -> list[str]:
    """Batches whose written flags disagree with the current per-domain evidence,
    or whose refresh was interrupted."""
    final = set(warehouse.partition_files(warehouse_dir, "paragraphs"))
    complete = sorted(final & set(warehouse.partition_files(warehouse_dir, "entity_mentions")))
    if not complete:
        return []
    interrupted = interrupted_batches(warehouse_dir, write_order) if write_order else set()
    extracted = warehouse.read_table(
        warehouse_dir, "extracted_paragraphs",
        ["doc_id", "paragraph_index", "kind", "boilerplate_key", "exact_key", "is_boilerplate", "batch"], complete,
    )
    domains = warehouse.read_table(warehouse_dir, "extracted_articles", ["doc_id", "domain"], complete)
    written = warehouse.read_table(
        warehouse_dir, "paragraphs", ["doc_id", "paragraph_index", "is_boilerplate", "boilerplate_rule"], complete
    )
    expected = extracted.assign(
        should_flag=extracted["is_boilerplate"] | recurring(extracted, domains, _current_boilerplate(warehouse_dir))
    )
    compared = expected.merge(
        written.rename(columns={"is_boilerplate": "written_flag"}), on=["doc_id", "paragraph_index"], how="left"
    )
    differs = compared["should_flag"] != compared["written_flag"].fillna(False).astype(bool)
    stale = set(compared.loc[differs, "batch"])
    # an article a newer capture of its URL replaced must leave its batch
    articles = warehouse.read_table(warehouse_dir, "articles", ["doc_id", "batch"], complete)
    superseded = warehouse.superseded_doc_ids(warehouse_dir)
    stale |= set(articles.loc[articles["doc_id"].isin(superseded), "batch"])
    return sorted(stale | interrupted)

