"""Keeping ``entity_mentions``' corpus columns in step with ``entity_aliases`` (no Dagster here).

A batch's mentions are written with the corpus ids known at that moment (the
article-level values for ids the corpus has not seen yet). Every corpus step
then rewrites, batch by batch, the files whose ``corpus_entity_id``,
``corpus_canonical_name`` or ``entity_label`` disagree with the new
``entity_aliases``. Each file is compared through its distinct link rows
(article-level id and corpus columns: as many as the ids it holds, not its
mentions), recorded in ``.links_checked`` with the file's stamp when it was
last read or written, so a file unchanged since is not read again (a local
warehouse; on S3 every file's four columns are read, as before).

The rewrite keeps the file's modification time: it changes nothing a
per-batch table is made from, and the staleness rules (``refresh.py``,
``runner._aggregates_stale``) compare the times of the per-batch writes. A
file replaced by a batch refresh while it was being relinked is left alone
(the refresh wrote current values; the next corpus step checks it again).
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.core.aggregate import CORPUS_COLUMNS, corpus_links, link_corpus_ids, links_differ
from pipeline.core.gazetteer import Gazetteer, build_gazetteer
from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage import warehouse

TABLE = "entity_mentions"
MARKER = ".linked_to"  # in entity_mentions/: the entity_aliases file time the mentions were last linked to
CHECKED = ".links_checked"  # in entity_mentions/: each file's stamp and distinct link rows, as last checked
LINK_ROW = ["entity_id", *CORPUS_COLUMNS]
STAMP_COLUMNS = ["ino", "size", "mtime_ns"]


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


def _checked_path(warehouse_dir: Path) -> Path:
    return warehouse.table_dir(warehouse_dir, TABLE) / CHECKED


def _no_checks() -> pd.DataFrame:
    return pd.DataFrame(columns=["batch", *STAMP_COLUMNS, *LINK_ROW])


def _load_checked(warehouse_dir: Path) -> pd.DataFrame:
    """Per batch: the stamp of its mentions file and the distinct link rows it held when last checked or written."""
    path = _checked_path(warehouse_dir)
    empty = _no_checks()
    if objects.is_remote(path) or not path.exists():
        return empty
    try:
        rows = pq.read_table(str(path)).to_pandas()
    except (OSError, ValueError):  # damaged: every file is read again
        return empty
    return rows if list(rows.columns) == list(empty.columns) else empty  # else: of another version


def _save_checked(warehouse_dir: Path, parts: list[pd.DataFrame]) -> None:
    path = _checked_path(warehouse_dir)
    if objects.is_remote(path):
        return
    frame = pd.concat(parts, ignore_index=True) if parts else _no_checks()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), str(tmp))
    os.replace(tmp, path)


def _recorded_state(recorded: pd.DataFrame, stamps: dict[str, tuple], links: pd.DataFrame) -> tuple[set, set]:
    """(batches whose file is unchanged since it was recorded, those of them whose recorded link rows agree
    with ``links``)."""
    first = recorded.drop_duplicates("batch")
    unchanged = {batch for batch, *stamp in zip(first["batch"], *(first[c] for c in STAMP_COLUMNS))
                 if stamps.get(batch) == tuple(int(v) for v in stamp)}
    rows = recorded[recorded["batch"].isin(unchanged)]
    disagreeing = {batch for batch, group in rows.groupby("batch") if links_differ(group, links)}
    return unchanged, unchanged - disagreeing


def relink_mentions(warehouse_dir: Path, entity_aliases: pd.DataFrame) -> dict[str, int]:
    """Rewrite the corpus columns of every batch whose mentions disagree with ``entity_aliases``.

    A file is compared through its distinct (entity_id, corpus columns) rows:
    kept from the last check in ``.links_checked`` while the file is unchanged
    (inode, size, modification time), else read (four columns) and kept.
    Returns counts: batches checked, of them read, batches rewritten, mentions whose corpus id changed."""
    links = corpus_links(entity_aliases)
    stats = {"batches_checked": 0, "batches_read": 0, "batches_rewritten": 0, "mentions_relinked": 0}
    files = warehouse.partition_files(warehouse_dir, TABLE)
    stamps = {batch: _stamp(path) for batch, path in files.items()}
    recorded = _load_checked(warehouse_dir)
    unchanged, current_ones = _recorded_state(recorded, stamps, links)
    checked = [recorded[recorded["batch"].isin(current_ones)]]

    def record(batch: str, stamp: tuple, rows: pd.DataFrame) -> None:
        checked.append(rows.assign(batch=batch, ino=stamp[0], size=stamp[1], mtime_ns=stamp[2])[
            ["batch", *STAMP_COLUMNS, *LINK_ROW]])

    for batch, path in files.items():
        stats["batches_checked"] += 1
        if batch in current_ones:
            continue
        before = stamps[batch]
        # a file recorded as it is now disagrees (else it would be current); one written before the
        # corpus columns has to be rewritten; any other is compared through its link rows
        if batch not in unchanged and set(CORPUS_COLUMNS) <= set(warehouse.file_metadata(path).schema.names):
            stats["batches_read"] += 1
            current = warehouse.read_frame(path, LINK_ROW).drop_duplicates(ignore_index=True)
            if not links_differ(current, links):
                record(batch, before, current)
                continue
        frame = warehouse.read_file(path, schema=schemas.TABLES[TABLE]).to_pandas()
        linked = link_corpus_ids(frame, links)
        changed = int((linked["corpus_entity_id"] != frame["corpus_entity_id"]).sum())
        tmp = warehouse.write_temporary(TABLE, linked, path)  # sorted and grouped as every mentions file
        if _stamp(path) != before:  # a batch refresh replaced it meanwhile: its values are current
            tmp.unlink(missing_ok=True)
            continue
        written = tmp.stat()  # a rename keeps the inode and the size; upload sets the time back
        objects.upload(tmp, path, mtime_ns=before[2])
        record(batch, (written.st_ino, written.st_size, before[2]),
               linked[LINK_ROW].drop_duplicates(ignore_index=True))
        stats["batches_rewritten"] += 1
        stats["mentions_relinked"] += changed
    _save_checked(warehouse_dir, checked)
    aliases = _aliases_path(warehouse_dir)
    if aliases.exists() and stats["batches_checked"]:
        objects.write_text(warehouse.table_dir(warehouse_dir, TABLE) / MARKER, str(aliases.stat().st_mtime_ns))
    return stats
