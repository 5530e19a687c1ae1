"""Keeping ``entity_mentions``' corpus columns in step with ``entity_aliases`` (no Dagster here).

A batch's mentions are written with the corpus ids known at that moment (the
article-level values for ids the corpus has not seen yet). Every corpus step
then rewrites, batch by batch, the files whose ``corpus_entity_id``,
``corpus_canonical_name`` or ``entity_label`` disagree with the new
``entity_aliases``; files already current are only read (three columns).

The rewrite keeps the file's modification time: it changes nothing a
per-batch table is made from, and the staleness rules (``refresh.py``,
``runner._aggregates_stale``) compare the times of the per-batch writes. A
file replaced by a batch refresh while it was being relinked is left alone
(the refresh wrote current values; the next corpus step checks it again).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.core.aggregate import CORPUS_COLUMNS, corpus_links, link_corpus_ids, links_differ
from pipeline.core.gazetteer import Gazetteer, build_gazetteer
from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage import warehouse

TABLE = "entity_mentions"
MARKER = ".linked_to"  # in entity_mentions/: the entity_aliases file time the mentions were last linked to


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def _aliases_path(warehouse_dir: Path) -> Path:
    return warehouse.table_dir(warehouse_dir, "entity_aliases") / "data.parquet"


def links_pending(warehouse_dir: Path) -> bool:
    """True when entity_aliases was rewritten after the mentions were last relinked
    (e.g. a run killed between the two)."""
    aliases = _aliases_path(warehouse_dir)
    if not aliases.exists() or not warehouse.partition_files(warehouse_dir, TABLE):
        return False
    marker = warehouse.table_dir(warehouse_dir, TABLE) / MARKER
    try:
        return marker.read_text().strip() != str(aliases.stat().st_mtime_ns)
    except FileNotFoundError:
        return True


def current_links(warehouse_dir: Path) -> pd.DataFrame:
    """The corpus columns the last ``entity_aliases`` table gives each article-level id."""
    path = _aliases_path(warehouse_dir)
    if not path.exists():
        return corpus_links(schemas.empty_frame("entity_aliases"))
    return corpus_links(warehouse.read_frame(path, ["entity_id", "alias_entity_id", "canonical_name", "label"]))


def current_gazetteer(warehouse_dir: Path, min_mentions: int) -> Gazetteer:
    """The corpus gazetteer of the last ``entities``/``entity_aliases`` tables (empty before the first corpus step)."""
    entities = warehouse.table_dir(warehouse_dir, "entities") / "data.parquet"
    aliases = _aliases_path(warehouse_dir)
    if not entities.exists() or not aliases.exists():
        return Gazetteer({})
    return build_gazetteer(warehouse.read_frame(entities, ["entity_id", "canonical_name", "label", "n_mentions"]),
                           warehouse.read_frame(aliases, ["alias", "entity_id"]), min_mentions)


def relink_mentions(warehouse_dir: Path, entity_aliases: pd.DataFrame) -> dict[str, int]:
    """Rewrite the corpus columns of every batch whose mentions disagree with ``entity_aliases``.

    Returns counts: batches checked, batches rewritten, mentions whose corpus id changed."""
    links = corpus_links(entity_aliases)
    stats = {"batches_checked": 0, "batches_rewritten": 0, "mentions_relinked": 0}
    for _, path in warehouse.partition_files(warehouse_dir, TABLE).items():
        stats["batches_checked"] += 1
        before = _stamp(path)
        if set(CORPUS_COLUMNS) <= set(warehouse.file_metadata(path).schema.names):  # else: written before them
            current = warehouse.read_frame(path, ["entity_id"] + CORPUS_COLUMNS)
            if not links_differ(current, links):
                continue
        frame = warehouse.read_file(path, schema=schemas.TABLES[TABLE]).to_pandas()
        linked = link_corpus_ids(frame, links)
        changed = int((linked["corpus_entity_id"] != frame["corpus_entity_id"]).sum())
        tmp = warehouse.write_temporary(TABLE, linked, path)  # sorted and grouped as every mentions file
        if _stamp(path) != before:  # a batch refresh replaced it meanwhile: its values are current
            tmp.unlink(missing_ok=True)
            continue
        objects.upload(tmp, path, mtime_ns=before[2])
        stats["batches_rewritten"] += 1
        stats["mentions_relinked"] += changed
    aliases = _aliases_path(warehouse_dir)
    if aliases.exists() and stats["batches_checked"]:
        objects.write_text(warehouse.table_dir(warehouse_dir, TABLE) / MARKER, str(aliases.stat().st_mtime_ns))
    return stats
