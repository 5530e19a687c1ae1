"""Running totals of per-batch partials, so a corpus step reads one file and the new batches' partials (no Dagster here).

A per-batch partial table (``entity_batch_counts``, ``landing_file_batches``,
...) has one file per batch. Its running totals table is one corpus-wide file
holding the partials of the batches folded so far, combined (summed per key,
or simply gathered), and in its Parquet metadata the stamp (size and
modification time) of each partial file it folded. Reading the totals:

- every partial file still has the stamp folded: the totals file as it is;
- new batches only: the totals plus those batches' partial files, combined,
  written back (the compaction) -- the cost is that of the new batches and of
  the totals, whatever the number of earlier batches;
- a folded batch was rewritten (a re-run or refresh) or removed: rebuilt from
  every partial file, as before the totals existed.

The combine functions are associative (sums, minima, maxima, concatenation),
so totals plus partials combine to exactly what all partials combine to, and
a re-run never counts a batch twice. The totals file is written atomically
with its stamps in it: a run killed half-way leaves the old totals, still
consistent with what they say they folded.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage import warehouse

FOLDED_KEY = b"news_pipeline.folded"  # Parquet metadata: {batch: [size, mtime_ns]} of the partial files folded


def _stamp(path: Path) -> list[int]:
    st = path.stat()  # a local Path or an S3Path (objects.py)
    return [st.st_size, st.st_mtime_ns]


def totals_path(warehouse_dir: Path, totals_table: str) -> Path:
    return warehouse.table_dir(warehouse_dir, totals_table) / "data.parquet"


def _load(path: Path, totals_table: str) -> tuple[dict | None, pa.Table | None]:
    """(stamps folded, rows) of the totals file; (None, None) when absent or unreadable."""
    if not path.exists():
        return None, None
    try:
        table = warehouse.read_file(path, schema=schemas.TABLES[totals_table])
        filesystem, where = objects.arrow_filesystem(path)
        folded = json.loads((pq.read_schema(where, filesystem=filesystem).metadata or {})[FOLDED_KEY])
    except (OSError, KeyError, ValueError):  # written by another version, or damaged: rebuild
        return None, None
    return folded, table


def _save(path: Path, totals_table: str, rows: pd.DataFrame | pa.Table, folded: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = rows if isinstance(rows, pa.Table) else schemas.to_arrow(totals_table, rows)
    metadata = {**(table.schema.metadata or {}), FOLDED_KEY: json.dumps(folded, sort_keys=True).encode()}
    warehouse.write_table_file(totals_table, table.replace_schema_metadata(metadata), path)


def running_totals(
    warehouse_dir: Path, partial: str, totals_table: str, combine: Callable[[pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """``combine`` of every file of ``partial``, read from its running totals plus the partials folded in since.

    ``combine`` takes rows of ``partial`` (or earlier totals beside them) and
    returns rows of ``totals_table``; it must be associative:
    combine(concat(combine(a), b)) == combine(concat(a, b)).
    """
    files = warehouse.partition_files(warehouse_dir, partial)
    stamps = {batch: _stamp(path) for batch, path in files.items()}

    def read(batches: list[str] | None) -> pd.DataFrame:
        return warehouse.read_table(warehouse_dir, partial, partitions=batches)

    return _fold(warehouse_dir, totals_table, stamps, read, combine)


def derived_totals(
    warehouse_dir: Path, sources: tuple[str, ...], totals_table: str,
    derive: Callable[[list[str]], pa.Table], combine: Callable[[pa.Table], pa.Table],
) -> pa.Table:
    """Running totals of a partial that is not stored per batch but derived from the batch's ``sources`` files.

    ``derive(batches)``: the partial rows of those batches (each batch with a
    file in every source table), typed as ``totals_table``; ``combine`` as in
    ``running_totals``, on Arrow (a corpus-wide key count is too many rows
    for a pandas group-by per batch). A folded batch's stamp is that of each
    of its source files.
    """
    files = [warehouse.partition_files(warehouse_dir, table) for table in sources]
    complete = sorted(set.intersection(*(set(of_table) for of_table in files)))
    stamps = {batch: [value for of_table in files for value in _stamp(of_table[batch])] for batch in complete}
    return _fold(warehouse_dir, totals_table, stamps, lambda batches: derive(complete if batches is None else batches),
                 combine, pa.concat_tables)


def summed(keys: list[str], value: str) -> Callable[[pa.Table], pa.Table]:
    """A combine for ``derived_totals``: ``value`` summed per ``keys`` (nulls are a key), the keys in the order
    they first occur (the totals, then the batches in order)."""
    def combine(table: pa.Table) -> pa.Table:
        table = table.unify_dictionaries()  # batches concatenated, each with its own dictionaries
        grouped = table.group_by(keys, use_threads=False).aggregate([(value, "sum")])
        return grouped.rename_columns([*keys, value]).select(table.schema.names).cast(table.schema)
    return combine


def _concat_frames(frame: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, parts[list(frame.columns)]], ignore_index=True) if len(frame) else parts


def _fold(warehouse_dir: Path, totals_table: str, stamps: dict, read: Callable, combine: Callable,
          concat: Callable | None = None):
    """The totals with the batches not folded yet added (``read(None)``: every batch), as pandas, or as
    Arrow with ``concat`` (the Arrow concatenation)."""
    arrow = concat is not None
    path = totals_path(warehouse_dir, totals_table)
    folded, table = _load(path, totals_table)
    frame = table if arrow or table is None else table.to_pandas()
    if folded is not None and all(stamps.get(batch) == stamp for batch, stamp in folded.items()):
        new = sorted(batch for batch in stamps if batch not in folded)
        if not new:
            return frame
        rows = concat([frame, read(new)]) if arrow else _concat_frames(frame, read(new))
    else:
        rows = read(None)
    combined = combine(rows)
    _save(path, totals_table, combined, stamps)
    if arrow:
        return combined
    return _load(path, totals_table)[1].to_pandas()  # as a later read gives it (typed by the totals schema)
