"""The Dagster instance on a real PostgreSQL server (dagster-postgres), started by the test on 127.0.0.1."""
import dagster as dg
import pandas as pd
import psycopg2

from pipeline.instance import sqlalchemy_url
from pipeline_tests.helpers import TABLES, read, run_cli
from pipeline_tests.services import postgres_server


def _run(landing, warehouse, home, **env):
    return run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress",
                   env={"DAGSTER_HOME": str(home), "NEWS_NER_PROCESSES": "1", **env})


def _run_tags(url: str) -> list[tuple[str, dict]]:
    with dg.instance_for_test(overrides={"storage": {"postgres": {"postgres_url": sqlalchemy_url(url)}}}) as instance:
        return [(r.dagster_run.job_name, r.dagster_run.tags) for r in instance.get_run_records()]


def test_runs_are_recorded_in_postgres_and_the_tables_match_sqlite(sample_landing, tmp_path):
    sqlite_home, pg_home = tmp_path / "home-sqlite", tmp_path / "home-pg"
    _run(sample_landing, tmp_path / "wh-sqlite", sqlite_home)
    with postgres_server() as url:
        first = _run(sample_landing, tmp_path / "wh-pg", pg_home, NEWS_INSTANCE=url)
        assert "Ingested 1 batch(es)" in first.stdout
        again = run_cli("run", "--landing", str(sample_landing), "--warehouse", str(tmp_path / "wh-pg"),
                        "--no-progress", "--instance", url, env={"DAGSTER_HOME": str(pg_home)})
        assert "Nothing new to ingest" in again.stdout

        assert "postgres_url" in (pg_home / "dagster.yaml").read_text()
        assert not list(pg_home.rglob("*.db"))  # no SQLite storage was created beside it
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("select pipeline_name, status from runs")
            runs = cursor.fetchall()
            cursor.execute("select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'")
            [[materializations]] = cursor.fetchall()
        assert {name for name, _ in runs} >= {"ingest_batch", "rebuild_aggregates"}
        assert {status for _, status in runs} == {"SUCCESS"}
        assert materializations >= len(TABLES)
        # batch runs launched through the run queue go several at once, under a tag limit
        with dg.DagsterInstance.from_config(str(pg_home)) as instance:
            queue = instance.get_concurrency_config().run_queue_config
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert {"key": "news/job", "value": "ingest_batch", "limit": 4} in queue.tag_concurrency_limits
        assert queue.max_concurrent_runs == 8
        assert {name: tags.get("news/job") for name, tags in _run_tags(url)}["ingest_batch"] == "ingest_batch"
        # the instance the CLI made is a real dagster-postgres one
        with dg.instance_for_test(overrides={"storage": {"postgres": {"postgres_url": sqlalchemy_url(url)}}}) as inst:
            [partition] = inst.get_dynamic_partitions("batches")
            assert inst.get_materialized_partitions(dg.AssetKey("entity_mentions")) == {partition}

    assert "postgres" not in (sqlite_home / "dagster.yaml").read_text()
    for table in TABLES:
        expected, got = read(tmp_path / "wh-sqlite", table), read(tmp_path / "wh-pg", table)
        assert len(expected) > 0 or table == "rejected_documents", table
        columns = [c for c in expected.columns if c not in ("batch", "computed_at")]
        keys = [c for c in ("doc_id", "paragraph_index", "start", "entity_id", "day", "source_path")
                if c in columns] or columns[:2]
        pd.testing.assert_frame_equal(
            got[columns].sort_values(keys).reset_index(drop=True),
            expected[columns].sort_values(keys).reset_index(drop=True), check_like=True,
        )
