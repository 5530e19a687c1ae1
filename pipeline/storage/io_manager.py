"""Parquet IO manager: one directory per table under the warehouse.

Outputs are pandas DataFrames, or a ``StagedTable`` an asset wrote chunk by
chunk (large batches). Partitioned tables get one file per partition
(``<table>/<batch>.parquet``);
unpartitioned ones a single ``<table>/data.parquet``. Every write goes to a
hidden temporary file that is renamed into place, so a run killed at any
moment leaves either the old file or the new one, never half of one. Readers
(pandas, pyarrow datasets, DuckDB) ignore the dot-prefixed temporary files.
On an ``s3://`` warehouse the file is written locally and uploaded as one
object instead (``pipeline.storage.objects``): same guarantee, no rename.
"""
from __future__ import annotations

import dagster as dg
import pandas as pd
from upath import UPath

from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage.warehouse import StagedTable, read_file, write_table_file


def table_schema_metadata(table: str) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=field.name,
                type=str(field.type),
                description=(field.metadata or {}).get(b"description", b"").decode(),
            )
            for field in schemas.TABLES[table]
        ]
    )


def column_lineage_metadata(table: str) -> dg.TableColumnLineage | None:
    lineage = schemas.LINEAGE.get(table)
    if not lineage:
        return None
    return dg.TableColumnLineage(
        deps_by_column={
            column: [dg.TableColumnDep(asset_key=dg.AssetKey(up), column_name=col) for up, col in deps]
            for column, deps in lineage.items()
        }
    )


INTERNAL_GROUP = "internal"


def asset_group(table: str, public_group: str) -> str:
    """The UI asset group of a table: its stage's group when public, ``internal`` for staging and partials."""
    return public_group if schemas.is_public(table) else INTERNAL_GROUP


def definition_metadata(table: str) -> dict:
    """Static metadata for an asset producing `table` (schema shown before any run)."""
    return {"dagster/column_schema": table_schema_metadata(table)}


class ParquetIOManager(dg.UPathIOManager):
    extension = ".parquet"

    def __init__(self, base_path: str, endpoint_url: str = ""):
        self._endpoint_url = endpoint_url or None
        options = {}
        if objects.is_remote(base_path):
            endpoint = endpoint_url or objects.default_endpoint()
            options = {"endpoint_url": endpoint} if endpoint else {}
        super().__init__(base_path=UPath(base_path, **options))

    def _location(self, path: UPath):
        """The warehouse path (``Path`` or ``S3Path``) of a UPath this manager made."""
        return objects.location(str(path), self._endpoint_url)

    def get_asset_relative_path(self, context) -> UPath:
        table = context.asset_key.path[-1]
        if context.has_asset_partitions:
            return UPath(table)
        return UPath(table, "data")

    def dump_to_path(self, context: dg.OutputContext, obj, path: UPath) -> None:
        target = self._location(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, StagedTable):  # written chunk by chunk by the asset: move it into place
            objects.upload(obj.path, target)
            return
        write_table_file(context.asset_key.path[-1], obj, target)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> pd.DataFrame:
        table = context.asset_key.path[-1]
        return read_file(self._location(path), schema=schemas.TABLES[table]).to_pandas()

    def get_metadata(self, context: dg.OutputContext, obj) -> dict:
        table = context.asset_key.path[-1]
        rows = obj.num_rows if isinstance(obj, StagedTable) else len(obj)
        metadata = {
            "dagster/row_count": dg.MetadataValue.int(rows),
            "dagster/column_schema": table_schema_metadata(table),
        }
        lineage = column_lineage_metadata(table)
        if lineage is not None:
            metadata["dagster/column_lineage"] = lineage
        return metadata
