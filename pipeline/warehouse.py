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
    """Documents replaced by another capture of the same URL (duplicate_url) or by a newer
    version of their landing file (superseded_file)."""
    rejected = read_table(warehouse_dir, "rejected_documents", ["doc_id", "reason"], partitions)
    return set(rejected.loc[rejected["reason"].isin(SUPERSEDING_REASONS), "doc_id"].dropna())


SUPERSEDING_REASONS = ("duplicate_url", "superseded_file")


class StagedTable:
    """A partition file written a chunk at a time, then moved into place whole.

    Rows go to a hidden file beside the table's partitions (readers ignore
    dot-files); the IO manager renames it onto ``<table>/<partition>.parquet``
    once the asset has finished, so readers never see half of it.
    """

    def __init__(self, warehouse_dir: Path, table: str, partition: str):
        import uuid

        import pyarrow.parquet as pq

        self.table = table
        directory = table_dir(warehouse_dir, table)
        directory.mkdir(parents=True, exist_ok=True)
        for leftover in directory.glob(f".{partition}.*.staging"):  # from a killed run
            leftover.unlink(missing_ok=True)
        self.path = directory / f".{partition}.{uuid.uuid4().hex}.staging"
        self._writer = pq.ParquetWriter(str(self.path), schemas.TABLES[table], compression="zstd")
        self.num_rows = 0

    def append(self, rows: list[dict]) -> None:
        if rows:
            frame = pd.DataFrame(rows, columns=schemas.TABLES[self.table].names)
            self._writer.write_table(schemas.to_arrow(self.table, frame))
            self.num_rows += len(rows)

    def close(self) -> "StagedTable":
        self._writer.close()
        return self
