"""The pipeline at N and 4N pages, one batch added to each, the no-op run, and a local Dask cluster.

    python bench/scale.py                          # N = 2,000 generated articles
    python bench/scale.py --articles 300 --repeats 2 --no-dask   # a quick look
    python bench/scale.py --executors              # also in-process and the pool on N, for the ratio
    python bench/scale.py --baseline REV           # also N with the code of git revision REV

Corpora from our own generator (``news-pipeline sample-corpus DIR --articles
N``) go through the real CLI (``python -m pipeline run``), each with a fresh
warehouse and DAGSTER_HOME, in batches of ``--files-per-batch`` landing files:

- N and 4N articles (the pool executor, the default): wall time per page
  (rows of ``documents``), peak RSS of the CLI process (ru_maxrss) and of its
  process tree (sampled every 0.25 s), at 4N against N;
- one batch added to each: a folder of ``--extra-articles`` generated
  articles of another seed, ``--repeats`` times (a new folder each time,
  alternating N and 4N so both see the same load); the median wall time of
  that run and of its corpus-wide step (the rebuild_aggregates run), 4N/N;
- the no-op run (nothing new, answered from the stamp): median of
  ``--repeats`` CLI runs on the 4N corpus;
- baseline (``--baseline REV``): the N corpus again, right after the N run,
  with the code of git revision REV (a temporary worktree, the same
  environment): end-to-end pages/s of this code against that one, in one run;
- dask: the N corpus again with NEWS_EXECUTOR=dask on a scheduler plus two
  workers on 127.0.0.1 started here; the parse step's own log lines name the
  workers that parsed the documents.

The machine is shared: compare the ratios measured in one invocation.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.noop import cli_run, generate  # noqa: E402
from bench.pipeline_ner import fresh_run, step_seconds  # noqa: E402


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
    except psutil.Error:
        return 0


def run_once(landing: Path, work: Path, env_extra: dict, code: Path = PROJECT_ROOT) -> dict:
    """One CLI run on a fresh warehouse; ``code``: the project checkout whose ``pipeline`` runs."""
    home, wh, env = fresh_run(work, env_extra)
    if code != PROJECT_ROOT:
        env["PYTHONPATH"] = str(code)
    stderr = (work / "stderr.txt").open("w+")
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", str(wh), "--no-progress"],
        cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
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
        "rss_main": usage.ru_maxrss * 1024, "rss_tree": peak_tree, "env": env,
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


def last_run_seconds(home: Path, job: str) -> float:
    """Duration of the newest run of ``job`` in the instance."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        records = [r for r in instance.get_run_records() if r.dagster_run.job_name == job and r.end_time]
        newest = max(records, key=lambda r: r.start_time)
        return newest.end_time - newest.start_time


def add_one_batch(corpus: dict, landing: Path, extra: int, seed: int) -> dict:
    generate(landing / f"extra{seed}", extra, seed)
    wall, out = cli_run(landing, corpus["warehouse"], corpus["env"])
    assert "Ingested 1 batch(es) (1 new)" in out, out
    return {"wall": wall, "corpus_step": last_run_seconds(corpus["home"], "rebuild_aggregates"),
            "batch_step": last_run_seconds(corpus["home"], "ingest_batch")}


def noop_seconds(corpus: dict, landing: Path, repeats: int) -> float:
    from pipeline.storage import noop

    times = []
    for _ in range(repeats):
        wall, out = cli_run(landing, corpus["warehouse"], corpus["env"])
        assert noop.NOTHING_NEW in out, out
        times.append(wall)
    return statistics.median(times)


@contextlib.contextmanager
def checkout(revision: str, where: Path):
    """A detached git worktree of ``revision`` of this repository (removed afterwards)."""
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(where), revision], cwd=PROJECT_ROOT,
                   check=True)
    try:
        yield where
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=PROJECT_ROOT, check=False)


def mb(n: float) -> str:
    return f"{n / 2**20:5.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="generated articles of the N corpus")
    parser.add_argument("--files-per-batch", type=int, default=250)
    parser.add_argument("--extra-articles", type=int, default=40, help="articles of each added batch")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-dask", action="store_true", help="skip the local Dask cluster")
    parser.add_argument("--executors", action="store_true", help="also run N in-process and on the pool")
    parser.add_argument("--baseline", metavar="REV",
                        help="also run the N corpus with the code of git revision REV, right after the N run, "
                             "for an end-to-end pages/s ratio measured in this run")
    args = parser.parse_args()
    base = {"NEWS_FILES_PER_BATCH": str(args.files_per_batch)}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        sizes = {"N": args.articles, "4N": 4 * args.articles}
        corpora, landings = {}, {}
        for label, articles in sizes.items():
            landings[label] = tmp / label / "landing"
            generate(landings[label] / "base", articles, seed=1)
            corpora[label] = run_once(landings[label], tmp / label / "run", base)
            corpora[label]["pages"] = documents(corpora[label]["warehouse"])
            if label == "N" and args.baseline:
                with checkout(args.baseline, tmp / "baseline-code") as code:
                    baseline = run_once(landings["N"], tmp / "baseline", base, code)
                baseline["pages"] = documents(baseline["warehouse"])
        adds: dict[str, list[dict]] = {"N": [], "4N": []}
        for i in range(args.repeats):
            for label in sizes:
                adds[label].append(add_one_batch(corpora[label], landings[label], args.extra_articles, 4242 + i))
        noop = noop_seconds(corpora["4N"], landings["4N"], args.repeats)

        print(f"{os.cpu_count()} cores; batches of {args.files_per_batch} landing files; pool executor")
        for label, r in corpora.items():
            batches = len(list((r["warehouse"] / "documents").glob("*.parquet")))
            print(f"  {label:2s} {sizes[label]:6d} articles: {r['pages']} pages in {r['wall']:6.1f}s = "
                  f"{1000 * r['wall'] / r['pages']:5.1f} ms/page ({batches} batches incl. added) | peak RSS CLI "
                  f"{mb(r['rss_main'])}, process tree {mb(r['rss_tree'])}")
        n, four = corpora["N"], corpora["4N"]
        if args.baseline:
            now, then = n["pages"] / n["wall"], baseline["pages"] / baseline["wall"]
            print(f"  N with the code of {args.baseline}: {baseline['pages']} pages in {baseline['wall']:6.1f}s = "
                  f"{then:5.1f} pages/s; this code {now:5.1f} pages/s = {now / then:.2f}x | peak RSS CLI "
                  f"{mb(baseline['rss_main'])}, process tree {mb(baseline['rss_tree'])}")
        print(f"  4N / N: time per page {(four['wall'] / four['pages']) / (n['wall'] / n['pages']):.2f}x | "
              f"peak RSS CLI {four['rss_main'] / n['rss_main']:.2f}x, process tree "
              f"{four['rss_tree'] / n['rss_tree']:.2f}x")
        median = {label: {k: statistics.median(a[k] for a in runs) for k in runs[0]} for label, runs in adds.items()}
        print(f"one batch of {args.extra_articles} generated articles added, median of {args.repeats}:")
        for label, m in median.items():
            print(f"  {label:2s}: run {m['wall']:6.2f}s | batch run {m['batch_step']:6.2f}s | "
                  f"corpus step (rebuild_aggregates) {m['corpus_step']:6.2f}s")
        print(f"  4N / N: run {median['4N']['wall'] / median['N']['wall']:.2f}x | batch run "
              f"{median['4N']['batch_step'] / median['N']['batch_step']:.2f}x | corpus step "
              f"{median['4N']['corpus_step'] / median['N']['corpus_step']:.2f}x")
        print(f"no-op run on the 4N corpus, median of {args.repeats}: {noop:.2f}s")

        results = {"pool": n}
        if args.executors:
            results["inprocess"] = run_once(landings["N"], tmp / "inprocess", {**base, "NEWS_EXECUTOR": "inprocess"})
        if not args.no_dask:
            from pipeline.cluster import local_dask_cluster

            with local_dask_cluster(workers=2) as address:
                results["dask"] = run_once(landings["N"], tmp / "dask", {
                    **base, "NEWS_EXECUTOR": "dask", "NEWS_DASK_SCHEDULER": address})
        if len(results) > 1:
            print("executors on the N corpus (pool: the N run above; the others on N plus the added batches):")
            for way, r in results.items():
                docs = r.get("pages") or documents(r["warehouse"])
                print(f"  {way:9s} {docs} documents in {r['wall']:6.1f}s = {docs / r['wall']:5.1f} pages/s "
                      f"({n['wall'] / n['pages'] / (r['wall'] / docs):.2f}x the pool) | parse step "
                      f"{r['parse']:5.1f}s | NER step {r['ner']:5.1f}s | peak RSS CLI {mb(r['rss_main'])}, "
                      f"process tree {mb(r['rss_tree'])}")
        if "dask" in results:
            for line in worker_lines(results["dask"]["home"]):
                print(f"  dask: {line}")
            print(f"  (this process: pid {os.getpid()})")


if __name__ == "__main__":
    main()
