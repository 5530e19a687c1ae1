"""Reading tables back from the warehouse directory (no Dagster here).

Corpus-wide assets read the partitioned tables straight from Parquet with
pyarrow datasets, selecting only the columns they need, instead of loading
every partition into memory through the IO manager.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from pipeline import schemas


def table_dir(warehouse_dir: Path, table: str) -> Path:
    return Path(warehouse_dir) / table


def partition_files(warehouse_dir: Path, table: str) -> dict[str, Path]:
    """Partition key -> file, for a partitioned table."""
    directory = table_dir(warehouse_dir, table)
    if not directory.exists():
        return {}
    return {path.stem: path for path in sorted(directory.glob("*.parquet")) if not path.name.startswith(".")}


def read_table(
    warehouse_dir: Path,
    table: str,
    columns: list[str] | None = None,
    partitions: list[str] | None = None,
) -> pd.DataFrame:
    """The whole table (or the given partitions), typed by its schema; empty if absent."""
    schema = schemas.TABLES[table]
    files = partition_files(warehouse_dir, table)
    if partitions is not None:
        files = {key: path for key, path in files.items() if key in set(partitions)}
    if not files:
        frame = schemas.empty_frame(table)
        return frame[columns] if columns else frame
    dataset = ds.dataset([str(p) for p in files.values()], schema=schema, format="parquet")
    return dataset.to_table(columns=columns).to_pandas()


def superseded_doc_ids(warehouse_dir: Path, partitions: list[str] | None = None) -> set[str]:
    """Documents another capture of the same URL replaced (rejected as duplicate_url)."""
    rejected = read_table(warehouse_dir, "rejected_documents", ["doc_id", "reason"], partitions)
    return set(rejected.loc[rejected["reason"] == "duplicate_url", "doc_id"].dropna())
