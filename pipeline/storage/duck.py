"""The warehouse as a DuckDB database: a view per public table, plus two analysis views.

Views read the Parquet files in place (``read_parquet`` over the table's
directory, ignoring the hidden files of writes in progress), so a database
exported once sees later batches; moving the warehouse needs a new export.
Every view and column carries its description from ``pipeline.storage.schemas`` as
a DuckDB comment. Times are ``TIMESTAMPTZ``: use ``articles.date`` (a UTC
day) to group by day, since casting a timestamp to a date follows the
session's time zone.

DuckDB reads a local warehouse itself. It cannot read an ``s3://`` one
here (its httpfs extension is a download, not a package), so there the
tables come through pyarrow datasets: ``connect`` registers them (views
over the objects, read lazily) and ``export`` writes a database holding
copies of the public tables, uploaded beside them as one object.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pyarrow as pa

from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage import warehouse

DEFAULT_FILE = "corpus.duckdb"

_SCALAR_TYPES = {
    pa.string(): "VARCHAR", pa.large_string(): "VARCHAR", pa.int8(): "TINYINT", pa.int32(): "INTEGER",
    pa.int64(): "BIGINT", pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN", pa.date32(): "DATE", pa.binary(): "BLOB",
    schemas.UTC_TIMESTAMP: "TIMESTAMPTZ",
}


def _sql_type(dtype: pa.DataType) -> str:
    if pa.types.is_list(dtype):
        return _sql_type(dtype.value_type) + "[]"
    if pa.types.is_map(dtype):
        return f"MAP({_sql_type(dtype.key_type)}, {_sql_type(dtype.item_type)})"
    return _SCALAR_TYPES[dtype]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table_select(warehouse_dir: Path, table: str, connection=None) -> str:
    """SELECT of the table's declared columns, in order, typed; empty (typed) when it has no files.

    A remote table is registered on ``connection`` as an Arrow dataset and selected from there."""
    schema = schemas.TABLES[table]
    if not warehouse.table_files(warehouse_dir, table):
        columns = ", ".join(f"CAST(NULL AS {_sql_type(f.type)}) AS {quote(f.name)}" for f in schema)
        return f"SELECT {columns} WHERE false"
    columns = ", ".join(f"CAST({quote(f.name)} AS {_sql_type(f.type)}) AS {quote(f.name)}" for f in schema)
    if objects.is_remote(warehouse_dir):
        connection.register(f"_arrow_{table}", warehouse.dataset(warehouse_dir, table))
        return f"SELECT {columns} FROM {quote('_arrow_' + table)}"
    pattern = str(Path(warehouse.table_dir(warehouse_dir, table)).resolve() / "*.parquet")
    return f"SELECT {columns} FROM read_parquet({_literal(pattern)}, union_by_name = true)"


def _mentions_resolved() -> str:
    """Mentions with their corpus entity: as stored with them when the table has the columns, else (and for
    files written before it had them) through entity_aliases."""
    stored = [c for c in ("corpus_entity_id", "corpus_canonical_name", "entity_label")
              if c in schemas.TABLES["entity_mentions"].names]
    mentions = f"m.* EXCLUDE ({', '.join(stored)})" if stored else "m.*"

    def pick(column: str, looked_up: str) -> str:
        return f"coalesce(m.{column}, {looked_up})" if column in stored else looked_up

    return (
        f"SELECT {mentions}, {pick('corpus_entity_id', 'map.entity_id')} AS corpus_entity_id,"
        f" {pick('corpus_canonical_name', 'e.canonical_name')} AS corpus_canonical_name,"
        f" {pick('entity_label', 'e.label')} AS entity_label, a.date, a.outlet"
        " FROM entity_mentions m"
        " LEFT JOIN (SELECT alias_entity_id, any_value(entity_id) AS entity_id FROM entity_aliases GROUP BY 1) map"
        " ON m.entity_id = map.alias_entity_id"
        " LEFT JOIN entities e ON e.entity_id = map.entity_id"
        " LEFT JOIN articles a ON a.doc_id = m.doc_id"
    )


EXTRA_VIEWS = {
    "mentions_resolved": (
        _mentions_resolved,
        "entity_mentions with the corpus entity joined in (corpus_entity_id, corpus_canonical_name,"
        " entity_label) and the article's date and outlet.",
    ),
    "outlet_daily": (
        lambda: ("SELECT date, outlet, count(*) AS n_articles, CAST(sum(n_words) AS BIGINT) AS n_words"
                 " FROM articles GROUP BY ALL"),
        "Articles and words per outlet and UTC day (articles.date): the denominators to normalise counts by.",
    ),
}


def define_views(connection, warehouse_dir: Path, copy: bool = False) -> None:
    """Create (or replace) every view on ``connection``, with comments (``copy``: tables holding the rows)."""
    kind = "TABLE" if copy else "VIEW"
    for table in schemas.PUBLIC_TABLES:
        select = _table_select(warehouse_dir, table, connection)
        connection.execute(f"CREATE OR REPLACE {kind} {quote(table)} AS {select}")
        if copy and objects.is_remote(warehouse_dir) and "_arrow_" in select:
            connection.unregister(f"_arrow_{table}")
        connection.execute(f"COMMENT ON {kind} {quote(table)} IS {_literal(schemas.TABLE_DESCRIPTIONS.get(table, ''))}")
        for field in schemas.TABLES[table]:
            connection.execute(
                f"COMMENT ON COLUMN {quote(table)}.{quote(field.name)} IS {_literal(schemas.description(field))}")
    for name, (sql, text) in EXTRA_VIEWS.items():
        connection.execute(f"CREATE OR REPLACE VIEW {quote(name)} AS {sql()}")
        connection.execute(f"COMMENT ON VIEW {quote(name)} IS {_literal(text)}")


def connect(warehouse_dir: Path, database: str = ":memory:"):
    """A DuckDB connection (in memory by default) with the warehouse's views."""
    import duckdb

    connection = duckdb.connect(database)
    define_views(connection, objects.location(warehouse_dir))
    return connection


def export(warehouse_dir: Path, out: Path | None = None) -> Path:
    """Write a DuckDB database file holding the views (default ``<warehouse>/corpus.duckdb``), atomically.

    For a remote warehouse the file holds copies of the public tables (written locally, then uploaded)."""
    import tempfile

    import duckdb

    warehouse_dir = objects.location(warehouse_dir)
    out = objects.location(out) if out is not None else warehouse_dir / DEFAULT_FILE
    local_dir = Path(tempfile.gettempdir()) if objects.is_remote(out) else out.parent
    local_dir.mkdir(parents=True, exist_ok=True)
    warehouse.remove_stale_temporaries(local_dir, f".{out.name}.*.tmp*")  # from a killed run
    tmp = local_dir / f".{out.name}.{uuid.uuid4().hex}.tmp"
    if objects.is_remote(warehouse_dir):
        connection = duckdb.connect(str(tmp))
        define_views(connection, warehouse_dir, copy=True)
    else:
        connection = connect(warehouse_dir, str(tmp))
    connection.close()
    objects.upload(tmp, out)
    return out
