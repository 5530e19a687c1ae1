"""The warehouse on object storage: a real S3 server (SeaweedFS) started by the test on 127.0.0.1."""
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import psycopg2
import pytest

from pipeline.corpus import Corpus
from pipeline.storage import batches, noop, objects, schemas, warehouse
from pipeline_tests.helpers import PROJECT_ROOT, TABLES, run_cli
from pipeline_tests.services import S3_BUCKET, dask_cluster, postgres_server, s3_server

RUN_TIME_COLUMNS = ("batch", "computed_at", "superseded_by")  # what differs between two runs of the same files
ENV = {"NEWS_NER_PROCESSES": "1", "NEWS_FILES_PER_BATCH": "4"}


@pytest.fixture(scope="module")
def s3():
    with s3_server() as env:
        yield env


@pytest.fixture(scope="module")
def reference(sample_landing, tmp_path_factory):
    """The same landing files run on a local warehouse."""
    root = tmp_path_factory.mktemp("local")
    run_cli("run", "--landing", str(sample_landing), "--warehouse", str(root / "warehouse"), "--no-progress",
            env={"DAGSTER_HOME": str(root / "home"), **ENV})
    return root / "warehouse"


def _url(name: str) -> str:
    return f"s3://{S3_BUCKET}/{name}"


def _table(warehouse_dir, table: str) -> pd.DataFrame:
    frame = warehouse.read_table(objects.location(warehouse_dir), table)
    frame = frame.drop(columns=[c for c in RUN_TIME_COLUMNS if c in frame])
    listy = [c for c in frame.columns if len(frame) and frame[c].map(lambda v: hasattr(v, "__len__")
                                                                    and not isinstance(v, str)).any()]
    for column in listy:  # lists and maps compare as their text
        frame[column] = frame[column].map(lambda v: json.dumps(v.tolist() if hasattr(v, "tolist") else v,
                                                               default=str, sort_keys=True))
    return frame.sort_values(list(frame.columns), ignore_index=True)


def _assert_same_tables(got_dir, expected_dir):
    for table in schemas.PUBLIC_TABLES:
        expected, got = _table(expected_dir, table), _table(got_dir, table)
        assert len(expected) > 0 or table not in TABLES or table == "rejected_documents", table
        pd.testing.assert_frame_equal(got, expected, check_like=True, obj=table)


def _cli(landing, warehouse_url, home, check=True, **env):
    return run_cli("run", "--landing", str(landing), "--warehouse", warehouse_url, "--no-progress",
                   env={"DAGSTER_HOME": str(home), **ENV, **env}, check=check)


def _logged_messages(instance_url: str, fragment: str) -> list[str]:
    """Messages of the instance's event log that contain ``fragment``."""
    with psycopg2.connect(instance_url) as connection, connection.cursor() as cursor:
        cursor.execute("select event from event_logs where event like %s", (f"%{fragment}%",))
        return [json.loads(event).get("user_message", "") for [event] in cursor.fetchall()]


def test_a_run_on_s3_postgres_and_dask_gives_the_local_runs_tables(s3, sample_landing, reference, tmp_path):
    """Every server at once, as on a cluster: instance on PostgreSQL, warehouse on S3, documents parsed by the
    workers of a Dask cluster. The reference is the embedded default (SQLite, local files, the process pool)."""
    url = _url("equal")
    with postgres_server() as instance_url, dask_cluster(workers=2) as scheduler:
        cluster = {"NEWS_INSTANCE": instance_url, "NEWS_EXECUTOR": "dask", "NEWS_DASK_SCHEDULER": scheduler}
        first = _cli(sample_landing, url, tmp_path / "home", **cluster)
        n = len(batches.load_batches(reference))
        assert f"Ingested {n} batch(es) ({n} new)" in first.stdout
        again = _cli(sample_landing, url, tmp_path / "home", **cluster)
        assert "Nothing new to ingest" in again.stdout
        # the parse steps ran on the cluster's two workers, not in the run's process
        logged = _logged_messages(instance_url, "documents per Dask worker")
        workers = {pid for message in logged for pid in re.findall(r"tcp://127\.0\.0\.1:\d+ pid (\d+)", message)}
        assert len(logged) >= n and 1 <= len(workers) <= 2 and "local pid" not in "".join(logged), logged
    assert not (PROJECT_ROOT / "s3:").exists()  # nothing written to a local path named like the URL
    _assert_same_tables(url, reference)

    remote = objects.location(url)
    names = [name for name, *_ in objects.walk_files(remote)]
    assert "_batches/000000.json" in names and "entities/data.parquet" in names
    assert not [n for n in names if ".tmp" in n or ".staging" in n]  # no temporaries: one object per write
    assert not (remote / "_batches" / ".run.lock").exists()  # the lease was released
    # what other tools read: pandas (through s3fs) on a table's prefix, the Corpus API, the DuckDB export
    options = {"endpoint_url": s3["AWS_ENDPOINT_URL"]}
    articles = pd.read_parquet(f"{url}/articles", storage_options=options)
    assert len(articles) == len(warehouse.read_table(reference, "articles")) > 0
    corpus = Corpus(url)
    pd.testing.assert_frame_equal(corpus.entities(), Corpus(reference).entities())
    assert corpus.landing_dir() == sample_landing
    with corpus.duckdb() as connection:
        [[count]] = connection.execute("select count(*) from articles").fetchall()
    assert count == len(articles)
    import duckdb

    exported = tmp_path / "exported.duckdb"
    exported.write_bytes((remote / "corpus.duckdb").read_bytes())
    with duckdb.connect(str(exported), read_only=True) as connection:
        [[count]] = connection.execute("select count(*) from mentions_resolved").fetchall()
    assert count == len(warehouse.read_table(reference, "entity_mentions"))


def _claim(landing, url, env, queue):
    os.environ.update(env)
    claim = batches.claim_landing(landing, objects.location(url), files_per_batch=2)
    queue.put([[f.path for f in b.files] for b in claim.batches])


def test_concurrent_claimers_on_s3_claim_each_file_once(s3, sample_landing):
    """Without any lock: three processes claim at once; create-only manifests let each file go to one."""
    url = _url("claims")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_claim, args=(sample_landing, url, s3, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    claimed = [path for result in results for files in result for path in files]
    ledger = batches.load_batches(objects.location(url))
    in_ledger = [f.path for b in ledger for f in b.files]
    assert len(claimed) == len(set(claimed)) == len(in_ledger) == len(set(in_ledger)) > 0
    assert sorted(claimed) == sorted(in_ledger)
    assert [b.key for b in ledger] == sorted(b.key for b in ledger)
    assert [int(b.key.split("-")[1]) for b in ledger] == list(range(len(ledger)))


def _start(landing, url, home, **env):
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", url, "--no-progress"],
        cwd=PROJECT_ROOT, env={**os.environ, "DAGSTER_HOME": str(home), **ENV, **env},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )


def test_two_clis_on_one_s3_warehouse_ingest_each_file_once(s3, sample_landing, reference, tmp_path):
    """Two runs at once, as from two machines (each its own Dagster home, no shared local file)."""
    url = _url("together")
    first, second = _start(sample_landing, url, tmp_path / "a"), _start(sample_landing, url, tmp_path / "b")
    outputs = [process.communicate(timeout=900)[0] for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0
    n = len(batches.load_batches(reference))
    assert sum(f"Ingested {n} batch(es) ({n} new)" in out for out in outputs) == 1, outputs
    claimed = [f.path for b in batches.load_batches(objects.location(url)) for f in b.files]
    assert len(claimed) == len(set(claimed)) > 0
    _assert_same_tables(url, reference)


def test_sigkill_on_s3_then_rerun_gives_the_same_tables(s3, sample_landing, reference, tmp_path):
    url, home = _url("killed"), tmp_path / "home"
    remote = objects.location(url)

    def parquet_files() -> int:
        return sum(name.endswith(".parquet") for name, *_ in objects.walk_files(remote))

    process = _start(sample_landing, url, home, NEWS_RUN_LEASE_S="3")
    deadline = time.monotonic() + 600
    while process.poll() is None and parquet_files() < 8 and time.monotonic() < deadline:
        time.sleep(0.1)  # killed once a few table files exist: mid-batch
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert (remote / "_batches" / ".run.lock").exists()  # the dead run's lease is left behind...
    started = time.monotonic()
    rerun = _cli(sample_landing, url, home, NEWS_RUN_LEASE_S="3")  # ...and taken over once it goes stale
    assert "Ingested" in rerun.stdout
    assert time.monotonic() - started >= 3  # it waited for the lease, then ran
    claimed = [f.path for b in batches.load_batches(remote) for f in b.files]
    assert len(claimed) == len(set(claimed)) > 0
    _assert_same_tables(url, reference)


def test_a_live_lease_is_not_taken_over_and_a_dead_one_is(s3):
    path = objects.location(_url("lease")) / "_batches" / ".run.lock"
    holder = noop.RunLease(path, ttl_s=1.5, poll_s=0.1)
    holder.acquire()
    try:
        waiter = noop.RunLease(path, ttl_s=1.5, poll_s=0.1)
        taken = []
        thread = __import__("threading").Thread(target=lambda: (waiter.acquire(), taken.append(time.monotonic())))
        thread.start()
        time.sleep(4)  # more than two lease periods: the holder renews, so the waiter keeps waiting
        assert not taken and not holder.lost
    finally:
        holder.release()
    thread.join(timeout=30)
    assert taken  # released: the waiter got it at once
    waiter._stop.set()  # now the waiter "dies": it stops renewing, without releasing
    waiter._renewer.join()
    started = time.monotonic()
    third = noop.RunLease(path, ttl_s=1.5, poll_s=0.1)
    third.acquire()
    assert time.monotonic() - started >= 1.5
    third.release()
    assert not path.exists()
