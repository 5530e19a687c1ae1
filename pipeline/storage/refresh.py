"""Which earlier batches need refreshing (no Dagster here).

The per-domain evidence grows as batches arrive: a paragraph that looked like
article text in the first pages of a site can turn out to recur on all of
them. A batch is stale when its final paragraphs' flags differ from what the
current ``domain_boilerplate`` table gives, or when one of its articles was
superseded by a newer capture of the same URL in a later batch. Refreshing it
rewrites its articles and paragraphs (no re-extraction) and entity mentions.
Batches found fresh are not read again until their files, the boilerplate
keys or the superseded documents change (``CHECKED_FILE``).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from pipeline.core.corpus_boilerplate import recurring
from pipeline.storage import objects
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
    superseded = warehouse.superseded_doc_ids(warehouse_dir)
    against, stamps = _checked_against(warehouse_dir, superseded), _stamps(warehouse_dir, complete)
    checked = _load_checked(warehouse_dir, against)
    stale = _stale(warehouse_dir, [key for key in complete if checked.get(key) != stamps[key]], superseded)
    _save_checked(warehouse_dir, against, {key: stamps[key] for key in complete if key not in stale | interrupted})
    return sorted(stale | interrupted)


# Batches found fresh, and what they were checked against: a batch whose files are
# unchanged since, checked against the same boilerplate and superseded documents,
# is fresh still (its flags depend on nothing else), so it is not read again.
CHECKED_FILE = ".refresh_checked.json"
CHECKED_TABLES = ("extracted_paragraphs", "extracted_articles", "paragraphs", "articles")


def _checked_against(warehouse_dir: Path, superseded: set[str]) -> str:
    current = _current_boilerplate(warehouse_dir)
    rows = sorted([str(v) for v in row] for row in zip(current["domain"], current["boilerplate_key"], current["match"]))
    return hashlib.sha256(json.dumps([rows, sorted(superseded)]).encode()).hexdigest()


def _stamps(warehouse_dir: Path, keys: list[str]) -> dict[str, list]:
    files = {table: warehouse.partition_files(warehouse_dir, table) for table in CHECKED_TABLES}
    stamps = {}
    for key in keys:
        paths = [files[table].get(key) for table in CHECKED_TABLES]
        stamps[key] = [[p.stat().st_size, p.stat().st_mtime_ns] if p is not None else None for p in paths]
    return stamps


def _load_checked(warehouse_dir: Path, against: str) -> dict:
    try:
        checked = json.loads((objects.location(warehouse_dir) / CHECKED_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return checked.get("batches", {}) if checked.get("against") == against else {}


def _save_checked(warehouse_dir: Path, against: str, fresh: dict) -> None:
    path = objects.location(warehouse_dir) / CHECKED_FILE
    text = json.dumps({"against": against, "batches": fresh}, sort_keys=True)
    if path.exists() and path.read_text() == text:
        return
    objects.write_text(path, text)


def _stale(warehouse_dir: Path, complete: list[str], superseded: set[str]) -> set[str]:
    """Of ``complete``, the batches whose written flags disagree with the current evidence."""
    if not complete:
        return set()
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
    stale |= set(articles.loc[articles["doc_id"].isin(superseded), "batch"])
    return stale

