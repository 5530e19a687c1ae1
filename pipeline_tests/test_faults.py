"""Faults: SIGKILL at random moments, two runs at once, re-runs."""
import os
import random
import signal
import subprocess
import sys
import time

import pandas as pd

from pipeline.storage import batches
from pipeline_tests.helpers import PROJECT_ROOT, read, run_cli

# Sort keys per table: rows compare equal across runs whatever the batch keys.
TABLE_KEYS = {
    "documents": ["doc_id"],
    "articles": ["doc_id"],
    "paragraphs": ["doc_id", "paragraph_index"],
    "entity_mentions": ["doc_id", "paragraph_index", "start"],
    "entities": ["entity_id"],
    "entity_pairs": ["entity_id_a", "entity_id_b"],
    "rejected_documents": ["source_path", "reason"],
    "landing_files": ["path"],
}


def _snapshot(warehouse) -> dict[str, pd.DataFrame]:
    tables = {}
    for table, keys in TABLE_KEYS.items():
        frame = read(warehouse, table).drop(columns=["batch"], errors="ignore")
        frame = frame.drop(columns=[c for c in frame.columns if frame[c].map(type).eq(list).any()] if len(frame) else [])
        tables[table] = frame.sort_values(keys, ignore_index=True)
    return tables


def _progress(warehouse) -> tuple[int, int]:
    """Claimed batches and written table files so far."""
    return (len(list(batches.ledger_dir(warehouse).glob("*.json"))), len(list(warehouse.rglob("*.parquet"))))


def _start(landing, warehouse, home) -> subprocess.Popen:
    env = {**os.environ, "DAGSTER_HOME": str(home), "NEWS_FILES_PER_BATCH": "4"}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def test_sigkill_at_random_moments_then_rerun_equals_uninterrupted_run(sample_landing, tmp_path):
    reference = tmp_path / "reference"
    started = time.monotonic()
    run_cli("run", "--landing", str(sample_landing), "--warehouse", str(reference), "--no-progress",
            env={"DAGSTER_HOME": str(tmp_path / "home-ref"), "NEWS_FILES_PER_BATCH": "4"})
    duration = time.monotonic() - started  # kill moments are drawn within it
    expected = _snapshot(reference)
    assert len(expected["articles"]) > 0

    killed = tmp_path / "killed"
    home = tmp_path / "home-killed"
    per_batch = duration / len(batches.load_batches(reference))
    rng = random.Random(20261125)
    kills = 0
    for _ in range(4):
        # Kill at a moment tied to the run's own progress, not to the clock: the
        # first round right after its claim, later ones once the run has written
        # a new table file, then a random fraction of one batch's time.
        before = _progress(killed)
        process = _start(sample_landing, killed, home)
        while process.poll() is None and _progress(killed) == before:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.5) * per_batch)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 1, "every run finished before it could be killed: kill earlier"
    run_cli("run", "--landing", str(sample_landing), "--warehouse", str(killed), "--no-progress",
            env={"DAGSTER_HOME": str(home), "NEWS_FILES_PER_BATCH": "4"})

    # no temporary files left behind where readers look, no file claimed twice
    claimed = [f.path for b in batches.load_batches(killed) for f in b.files]
    assert len(claimed) == len(set(claimed))
    actual = _snapshot(killed)
    for table, frame in expected.items():
        pd.testing.assert_frame_equal(actual[table], frame, check_like=True, obj=table)


def test_two_runs_started_together_ingest_each_file_once(sample_landing, tmp_path):
    warehouse = tmp_path / "warehouse"
    home = tmp_path / "home"
    first, second = _start(sample_landing, warehouse, home), _start(sample_landing, warehouse, home)
    assert first.wait(timeout=900) == 0
    assert second.wait(timeout=900) == 0
    claimed = [f.path for b in batches.load_batches(warehouse) for f in b.files]
    assert len(claimed) == len(set(claimed)) > 0
    documents = read(warehouse, "documents")
    assert documents["doc_id"].is_unique and len(documents) > 0
    assert read(warehouse, "articles")["doc_id"].is_unique
