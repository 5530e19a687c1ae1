"""The no-op run and the cost of adding one batch, as ratios measured in the same invocation.

    python bench/noop.py                   # no-op run on a 200-page corpus
    python bench/noop.py --scale           # also: one batch added to a corpus of N and of 4N pages

A corpus from our own generator (``news-pipeline sample-corpus``) goes through
the real CLI (``python -m pipeline run``) with a fresh warehouse and
DAGSTER_HOME. Then, with nothing new in the landing dir:

- full:  the no-op decided by the full run (the stamp of the last run removed
         first): imports Dagster, opens the instance, checks every table;
- stamp: the no-op answered from the last run's stamp (pipeline/storage/noop.py).

Each is the median of ``--repeats`` runs of the CLI (wall time of the process).

With ``--scale``: corpora of N and 4N generated pages are ingested in batches
of ``--files-per-batch`` files; then the same extra batch (pages of another
seed, in their own folder) is added to each, and the wall time of that run,
its parse step and the de-duplication read (earlier batches' state, from the
index and from the full tables) are compared, 4N against N.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.pipeline_ner import fresh_run, step_seconds  # noqa: E402


def generate(out: Path, articles: int, seed: int | None = None) -> None:
    extra = ["--seed", str(seed)] if seed is not None else []
    subprocess.run([sys.executable, "-m", "pipeline", "sample-corpus", str(out), "--articles", str(articles), *extra],
                   cwd=PROJECT_ROOT, check=True, capture_output=True)


def cli_run(landing: Path, wh: Path, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", str(wh), "--no-progress"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"run failed: {done.stderr[-3000:]}")
    return wall, done.stdout


def noop_times(landing: Path, wh: Path, env: dict, repeats: int) -> dict[str, float]:
    from pipeline.storage import noop

    times: dict[str, list[float]] = {"full": [], "stamp": []}
    for _ in range(repeats):
        noop.forget(wh)
        wall, out = cli_run(landing, wh, env)
        assert noop.NOTHING_NEW in out, out
        times["full"].append(wall)
        wall, out = cli_run(landing, wh, env)
        assert noop.NOTHING_NEW in out, out
        times["stamp"].append(wall)
    return {way: statistics.median(values) for way, values in times.items()}


def earlier_read_times(landing: Path, wh: Path, repeats: int = 3) -> dict[str, float]:
    """Seconds to build the earlier batches' de-duplication state: from the index, and from the tables."""
    import shutil

    from pipeline.defs.assets.documents import _earlier
    from pipeline.settings import Settings

    settings = Settings(landing_dir=landing, warehouse_dir=wh)

    def timed() -> float:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            _earlier(settings, "~")  # every batch is earlier
            best = min(best, time.perf_counter() - start)
        return best

    index = timed()
    aside = wh.parent / "dedupe_index.aside"
    shutil.move(wh / "dedupe_index", aside)  # read as a warehouse made before the index
    try:
        tables = timed()
    finally:
        shutil.move(aside, wh / "dedupe_index")
    return {"index": index, "tables": tables}


def add_one_batch(tmp: Path, articles: int, extra_articles: int, files_per_batch: int) -> dict:
    work = tmp / f"corpus{articles}"
    landing = work / "landing"
    generate(landing / "base", articles)
    home, wh, env = fresh_run(work / "run", {"NEWS_FILES_PER_BATCH": str(files_per_batch)})
    initial, _ = cli_run(landing, wh, env)
    generate(landing / "extra", extra_articles, seed=4242)
    parse_before = step_seconds(home, "parse_documents")
    wall, out = cli_run(landing, wh, env)
    assert "Ingested 1 batch(es)" in out, out
    batches = len(list((wh / "documents").glob("*.parquet")))
    return {"initial": initial, "wall": wall, "parse": step_seconds(home, "parse_documents") - parse_before,
            "batches": batches, **earlier_read_times(landing, wh)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="generated articles (N)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", action="store_true", help="also add one batch to corpora of N and 4N pages")
    parser.add_argument("--extra-articles", type=int, default=40, help="articles of the added batch")
    parser.add_argument("--files-per-batch", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        landing = tmp / "landing"
        generate(landing, args.articles)
        home, wh, env = fresh_run(tmp / "noop", {"NEWS_FILES_PER_BATCH": str(args.files_per_batch)})
        cli_run(landing, wh, env)
        noop = noop_times(landing, wh, env, args.repeats)
        print(f"no-op run, {args.articles} generated articles, median of {args.repeats}; {os.cpu_count()} cores")
        print(f"  full run decides:   {noop['full']:6.2f}s")
        print(f"  from the stamp:     {noop['stamp']:6.2f}s ({noop['full'] / noop['stamp']:.1f}x faster)")
        if not args.scale:
            return
        sizes = {"N": args.articles, "4N": 4 * args.articles}
        results = {label: add_one_batch(tmp, n, args.extra_articles, args.files_per_batch)
                   for label, n in sizes.items()}
        print(f"one batch of {args.extra_articles} generated articles added to a corpus of N and 4N articles "
              f"({args.files_per_batch} files per batch)")
        for label, r in results.items():
            print(f"  {label:2s} ({sizes[label]:5d} articles, {r['batches']:3d} batches): run {r['wall']:6.1f}s | "
                  f"parse step {r['parse']:5.1f}s | dedupe read: index {r['index'] * 1000:6.1f} ms, "
                  f"full tables {r['tables'] * 1000:6.1f} ms")
        n, four = results["N"], results["4N"]
        print(f"  4N / N: run {four['wall'] / n['wall']:.2f}x | parse step {four['parse'] / n['parse']:.2f}x | "
              f"dedupe read: index {four['index'] / n['index']:.2f}x, full tables {four['tables'] / n['tables']:.2f}x")


if __name__ == "__main__":
    main()
