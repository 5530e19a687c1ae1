"""End-to-end pages/s by executor: in-process vs the local pool vs a local Dask cluster.

    python bench/scale.py                  # 1,000 generated articles
    python bench/scale.py --articles 2000 --no-dask

A corpus from our own generator (``news-pipeline sample-corpus DIR
--articles N``) goes through the real CLI (``python -m pipeline run``) once
per executor, each with a fresh warehouse and DAGSTER_HOME:

- inprocess: NEWS_EXECUTOR=inprocess (the baseline: parsing on one core);
- pool:      NEWS_EXECUTOR=pool (the default: parsing on every core);
- dask:      NEWS_EXECUTOR=dask on a scheduler plus two workers on 127.0.0.1
             started here; the run's own log line names the workers that
             parsed the documents.

NER runs the same way in all three (NEWS_NER_PROCESSES, default 2). Per
executor: wall time, documents/s (rows of `documents` over the CLI's wall
time), the parse_documents step's time, the peak RSS of the CLI process and
the peak summed RSS of its process tree (sampled), and the ratio against
in-process measured in the same invocation.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.pipeline_ner import fresh_run, step_seconds  # noqa: E402


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
    except psutil.Error:
        return 0


def run_once(landing: Path, work: Path, env_extra: dict) -> dict:
    home, wh, env = fresh_run(work, env_extra)
    stderr = (work / "stderr.txt").open("w+")
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", str(wh), "--no-progress"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
    )
    peak_tree = 0
    done = threading.Event()

    def sample():
        nonlocal peak_tree
        while not done.wait(0.25):
            peak_tree = max(peak_tree, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"run failed ({env_extra}): {(work / 'stderr.txt').read_text()[-3000:]}")
    return {
        "wall": wall, "warehouse": wh, "home": home,
        "parse": step_seconds(home, "parse_documents"),
        "ner": step_seconds(home, "entity_mentions"),
        "rss_main": usage.ru_maxrss * 1024, "rss_tree": peak_tree,
    }


def documents(wh: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(path).metadata.num_rows for path in (wh / "documents").glob("*.parquet"))


def worker_lines(home: Path) -> list[str]:
    """The parse step's own account of where its documents ran."""
    import dagster as dg

    lines = []
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for record in instance.get_run_records():
            for entry in instance.all_logs(record.dagster_run.run_id):
                if entry.user_message.startswith("documents "):
                    lines.append(entry.user_message)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="generated articles (pages)")
    parser.add_argument("--no-dask", action="store_true", help="skip the local Dask cluster")
    parser.add_argument("--files-per-batch", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        landing = tmp / "landing"
        subprocess.run([sys.executable, "-m", "pipeline", "sample-corpus", str(landing), "--articles",
                        str(args.articles)], cwd=PROJECT_ROOT, check=True, capture_output=True)
        base = {"NEWS_FILES_PER_BATCH": str(args.files_per_batch)}
        results = {
            "inprocess": run_once(landing, tmp / "inprocess", {**base, "NEWS_EXECUTOR": "inprocess"}),
            "pool": run_once(landing, tmp / "pool", {**base, "NEWS_EXECUTOR": "pool"}),
        }
        if not args.no_dask:
            from pipeline.cluster import local_dask_cluster

            with local_dask_cluster(workers=2) as address:
                results["dask"] = run_once(landing, tmp / "dask", {
                    **base, "NEWS_EXECUTOR": "dask", "NEWS_DASK_SCHEDULER": address})

        files = sum(1 for p in landing.rglob("*") if p.is_file())
        print(f"landing: {files} files from {args.articles} generated articles; {os.cpu_count()} cores")
        baseline = results["inprocess"]
        for way, r in results.items():
            docs = documents(r["warehouse"])
            print(f"  {way:9s} {docs} documents in {r['wall']:6.1f}s = {docs / r['wall']:5.1f} pages/s "
                  f"({baseline['wall'] / r['wall']:.2f}x in-process) | parse step {r['parse']:5.1f}s "
                  f"({baseline['parse'] / r['parse']:.2f}x) | NER step {r['ner']:5.1f}s | peak RSS "
                  f"CLI {r['rss_main'] / 2**20:5.0f} MB, process tree {r['rss_tree'] / 2**20:5.0f} MB")
        if "dask" in results:
            for line in worker_lines(results["dask"]["home"]):
                print(f"  dask: {line}")
            print(f"  (this process: pid {os.getpid()})")


if __name__ == "__main__":
    main()
