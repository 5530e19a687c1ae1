"""Reading tables back from the warehouse directory (no Dagster here).

Corpus-wide assets read the partitioned tables straight from Parquet with
pyarrow datasets, selecting only the columns they need, instead of loading
every partition into memory through the IO manager. The warehouse is a
local directory or an ``s3://`` URL (``pipeline.storage.objects``): paths
here are ``Path`` or ``S3Path``, and every Parquet file is opened through
``objects.arrow_filesystem``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from pipeline.storage import objects
from pipeline.storage import schemas


def table_dir(warehouse_dir: Path, table: str) -> Path:
    return objects.location(warehouse_dir) / table


def read_file(path, columns: list[str] | None = None, schema=None) -> pa.Table:
    """One Parquet file of the warehouse (local or remote) as Arrow."""
    import pyarrow.parquet as pq

    filesystem, where = objects.arrow_filesystem(path)
    return pq.read_table(where, columns=columns, schema=schema, filesystem=filesystem)


def read_frame(path, columns: list[str] | None = None) -> pd.DataFrame:
    """One Parquet file as pandas (what ``pd.read_parquet(path, columns=...)`` gives for a local file)."""
    return read_file(path, columns).to_pandas()


def file_metadata(path):
    """The Parquet footer of one file (row count, schema) without reading its data."""
    import pyarrow.parquet as pq

    filesystem, where = objects.arrow_filesystem(path)
    if filesystem is None:
        stat = Path(where).stat()
        return _local_footer(where, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    with filesystem.open_input_file(where) as handle:
        return pq.ParquetFile(handle).metadata


@lru_cache(maxsize=4096)
def _local_footer(where: str, inode: int, size: int, mtime_ns: int, ctime_ns: int):
    """A local file's footer, read once per version of the file: the run summary, the manifest and the
    staleness checks all count every file's rows. A rewrite renames a new file into place: a new inode and
    change time (which, unlike the modification time, no write can set back), so it is read again."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(where).metadata


def partition_files(warehouse_dir: Path, table: str) -> dict[str, Path]:
    """Partition key -> file, for a partitioned table."""
    directory = table_dir(warehouse_dir, table)
    if not objects.is_remote(directory) and not directory.exists():  # a remote listing of nothing is empty
        return {}
    return {path.stem: path for path in sorted(directory.glob("*.parquet")) if not path.name.startswith(".")}


def table_files(warehouse_dir: Path, table: str, partitions: list[str] | None = None) -> list[Path]:
    """The Parquet files that make up a table (or the given partitions of it)."""
    files = partition_files(warehouse_dir, table)
    if partitions is not None:
        wanted = set(partitions)
        files = {key: path for key, path in files.items() if key in wanted}
    return list(files.values())


def dataset(warehouse_dir: Path, table: str, partitions: list[str] | None = None) -> ds.Dataset | None:
    """A pyarrow dataset over the table's files with its declared schema (None when it has no files).

    Files written before a column was added read that column as null.
    """
    files = table_files(warehouse_dir, table, partitions)
    if not files:
        return None
    filesystem, _ = objects.arrow_filesystem(files[0])
    return ds.dataset([objects.arrow_filesystem(p)[1] for p in files], schema=schemas.TABLES[table],
                      format="parquet", filesystem=filesystem)


def scan(
    warehouse_dir: Path,
    table: str,
    columns: list[str] | None = None,
    filter: ds.Expression | None = None,
    partitions: list[str] | None = None,
) -> pa.Table:
    """The one function every reader goes through: the table as Arrow, typed by its schema.

    Only ``columns`` are read, and ``filter`` is pushed down to the Parquet
    files (files and row groups whose statistics rule it out are skipped).
    A table without files reads as an empty table with its schema.
    """
    data = dataset(warehouse_dir, table, partitions)
    if data is None:
        empty = schemas.TABLES[table].empty_table()
        return empty.select(columns) if columns else empty
    return data.to_table(columns=columns, filter=filter)


def read_table(
    warehouse_dir: Path,
    table: str,
    columns: list[str] | None = None,
    partitions: list[str] | None = None,
) -> pd.DataFrame:
    """The whole table (or the given partitions), typed by its schema; empty if absent."""
    if not table_files(warehouse_dir, table, partitions):
        frame = schemas.empty_frame(table)
        return frame[columns] if columns else frame
    return scan(warehouse_dir, table, columns, partitions=partitions).to_pandas()


def write_table_file(table: str, frame: pd.DataFrame | pa.Table, path: Path, mtime_ns: int | None = None) -> None:
    """Write one file of a table atomically: conformed to its schema, rows in its CLUSTER_BY order.

    The rows go to a hidden temporary file renamed onto ``path`` (local) or
    uploaded as one object (S3), so readers see the old file or the new one,
    never half of one. ``mtime_ns`` keeps a given modification time.
    """
    objects.upload(write_temporary(table, frame, path), path, mtime_ns)


def write_temporary(table: str, frame: pd.DataFrame | pa.Table, path: Path) -> Path:
    """A local hidden temporary file holding the rows as ``write_table_file`` writes them
    (beside ``path`` when local, in the system temp dir when ``path`` is remote)."""
    import tempfile
    import uuid

    import pyarrow.parquet as pq

    arrow_table = frame if isinstance(frame, pa.Table) else schemas.to_arrow(table, frame)
    if table in schemas.CLUSTER_BY:
        arrow_table = arrow_table.sort_by([(column, "ascending") for column in schemas.CLUSTER_BY[table]])
    directory = Path(tempfile.gettempdir()) if objects.is_remote(path) else Path(path).parent
    tmp = directory / f".{path.name}.{uuid.uuid4().hex}.tmp"
    pq.write_table(arrow_table, str(tmp), compression="zstd", row_group_size=schemas.ROW_GROUP_ROWS)
    return tmp


def remove_stale_temporaries(directory: Path, pattern: str, older_than_s: float = 3600) -> None:
    """Delete hidden temporary files a killed write left behind (old enough not to be another writer's)."""
    import time

    if objects.is_remote(directory):  # object writes leave no temporaries behind
        return
    for leftover in Path(directory).glob(pattern):
        try:
            if time.time() - leftover.stat().st_mtime > older_than_s:
                leftover.unlink(missing_ok=True)
        except FileNotFoundError:
            pass


def superseded_doc_ids(warehouse_dir: Path, partitions: list[str] | None = None) -> set[str]:
    """Documents replaced by another capture of the same URL (duplicate_url) or by a newer
    version of their landing file (superseded_file)."""
    rows = scan(warehouse_dir, "rejected_documents", ["doc_id"], partitions=partitions,
                filter=ds.field("reason").isin(pa.array(SUPERSEDING_REASONS, pa.string())) & ds.field("doc_id").is_valid())
    return set(rows.column("doc_id").to_pylist())


SUPERSEDING_REASONS = ("duplicate_url", "superseded_file")


class StagedTable:
    """A partition file written a chunk at a time, then moved into place whole.

    Rows go to a hidden file beside the table's partitions (readers ignore
    dot-files), or to a local temporary file when the warehouse is remote;
    the IO manager renames (or uploads) it onto ``<table>/<partition>.parquet``
    once the asset has finished, so readers never see half of it.
    """

    def __init__(self, warehouse_dir: Path, table: str, partition: str):
        import tempfile
        import uuid

        import pyarrow.parquet as pq

        self.table = table
        if objects.is_remote(warehouse_dir):
            directory = Path(tempfile.gettempdir())
            remove_stale_temporaries(directory, f".{partition}.*.staging")  # a killed run's, an hour old
        else:
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
