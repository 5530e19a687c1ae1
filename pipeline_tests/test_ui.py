"""The Dagster UI for real: `dagster dev` (webserver, daemon, code server) over workspace.yaml.

New landing files are picked up by the sensor and materialized without
anyone pressing a button, the aggregates follow through the automation
sensor, and a job launched through the webserver's GraphQL API (what the
"Materialize" button does) succeeds.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

from pipeline.cli import DAGSTER_YAML
from pipeline.sample.generator import generate_corpus
from pipeline_tests.helpers import PROJECT_ROOT, read

WAIT_SECONDS = 300  # an upper bound for the polling loops below, not a speed requirement


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(2)
    pytest.fail(f"gave up waiting for {what}")


@pytest.fixture
def dagster_dev(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "NEWS_LANDING_DIR": str(landing),
           "NEWS_WAREHOUSE_DIR": str(warehouse)}
    dagster = Path(sys.executable).with_name("dagster")
    process = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )

    def up():
        try:
            return requests.get(f"http://127.0.0.1:{port}/server_info", timeout=5).ok
        except requests.RequestException:
            return False

    try:
        _wait_for(up, "the webserver to answer")
        yield port, landing, warehouse
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_sensor_and_automation_fill_the_tables_and_the_ui_launches_runs(dagster_dev):
    port, landing, warehouse = dagster_dev
    generate_corpus(landing / "sample", n_articles=10, seed=3, days=3)

    entities = warehouse / "entities" / "data.parquet"
    _wait_for(entities.exists, "the sensor's batch run and the automated aggregates")
    articles = read(warehouse, "articles")
    assert len(articles) >= 8
    assert len(read(warehouse, "entities")) > 0

    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    before = entities.stat().st_mtime_ns
    run_id = client.submit_job_execution("rebuild_aggregates")

    def finished():
        try:
            status = client.get_run_status(run_id)
        except DagsterGraphQLClientError:
            return None
        return status.value if status.value in ("SUCCESS", "FAILURE", "CANCELED") else None

    assert _wait_for(finished, "the run launched through the webserver") == "SUCCESS"
    assert entities.stat().st_mtime_ns > before
