"""NER speed inside the pipeline's own end-to-end run, naive against ours.

    python bench/pipeline_ner.py                       # AEB pages + 150 generated pages
    python bench/pipeline_ner.py --generated 0         # the benchmark pages only

The same landing dir (the article-extraction-benchmark-dev pages from
../shared, copied to a temporary dir, plus --generated pages of our own
sample-corpus generator) goes through the real CLI,
``python -m pipeline run --landing ... --warehouse ...``, once per way, each
with a fresh warehouse and a fresh DAGSTER_HOME:

- naive:  NEWS_NER_NAIVE=1 (full spaCy pipeline, one nlp(text) per paragraph);
- ours-1: NEWS_NER_PROCESSES=1;   ours-2: NEWS_NER_PROCESSES=2.

Per way: the entity_mentions step's duration from the run's event log (the
step stats Dagster records; summed over batches), the words NER read (the
paragraphs with ner_applied), words/s, the whole CLI run's wall time, and
the share of mentions identical to naive's. Ratios are against naive in the
same invocation, so a noisy machine moves all ways alike. --rounds repeats
the three ways in turn and keeps each way's best.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

AEB_HTML = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark-dev" / "html"
WAYS = {
    "naive": {"NEWS_NER_NAIVE": "1", "NEWS_NER_PROCESSES": "1"},
    "ours-1": {"NEWS_NER_NAIVE": "0", "NEWS_NER_PROCESSES": "1"},
    "ours-2": {"NEWS_NER_NAIVE": "0", "NEWS_NER_PROCESSES": "2"},
}


def build_landing(landing: Path, generated: int) -> None:
    shutil.copytree(AEB_HTML, landing / "aeb")
    if generated:
        from pipeline.sample.generator import generate_corpus

        generate_corpus(landing / "generated", n_articles=generated, seed=3, days=5)


def fresh_run(work: Path, env_extra: dict) -> tuple[Path, Path, dict]:
    """An empty DAGSTER_HOME and warehouse under ``work``, and the CLI's environment (only env_extra's NEWS_*)."""
    if work.exists():
        shutil.rmtree(work)
    home, wh = work / "dagster_home", work / "warehouse"
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWS_")}
    env.update(env_extra, DAGSTER_HOME=str(home))
    return home, wh, env


def run_once(landing: Path, work: Path, env_extra: dict) -> dict:
    home, wh, env = fresh_run(work, env_extra)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", str(wh),
                    "--no-progress"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return {"wall": wall, "ner": step_seconds(home, "entity_mentions"), "warehouse": wh}


def step_seconds(home: Path, step_key: str) -> float:
    import dagster as dg

    total = 0.0
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for record in instance.get_run_records():
            for stats in instance.get_run_step_stats(record.dagster_run.run_id):
                if stats.step_key == step_key and stats.end_time and stats.start_time:
                    total += stats.end_time - stats.start_time
    return total


def ner_words(wh: Path) -> int:
    import pandas as pd

    paragraphs = pd.read_parquet(wh / "paragraphs", columns=["text", "ner_applied"])
    return int(paragraphs.loc[paragraphs["ner_applied"], "text"].str.split().str.len().sum())


def mention_keys(wh: Path) -> set:
    import pandas as pd

    m = pd.read_parquet(wh / "entity_mentions", columns=["doc_id", "paragraph_index", "start", "end", "label"])
    return set(m.itertuples(index=False, name=None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=150, help="generated pages added to the AEB pages")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each way; the best counts")
    args = parser.parse_args()
    if not AEB_HTML.exists():
        sys.exit(f"{AEB_HTML} is absent")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        landing = tmp / "landing"
        build_landing(landing, args.generated)
        best: dict[str, dict] = {}
        for _ in range(args.rounds):
            for way, env in WAYS.items():
                result = run_once(landing, tmp / way, env)
                result["words"] = ner_words(result["warehouse"])
                result["mentions"] = mention_keys(result["warehouse"])
                if way not in best or result["ner"] < best[way]["ner"]:
                    best[way] = result
        words = best["naive"]["words"]
        print(f"landing: {sum(1 for p in landing.rglob('*') if p.is_file())} files; NER read {words:,} words "
              f"(paragraphs with ner_applied); best of {args.rounds}; {os.cpu_count()} cores")
        naive = best["naive"]
        for way, r in best.items():
            rate = r["words"] / r["ner"]
            same = len(r["mentions"] & naive["mentions"]) / max(1, len(r["mentions"] | naive["mentions"]))
            print(f"  {way:7s} entity_mentions step {r['ner']:6.1f}s {rate:8,.0f} words/s "
                  f"{naive['ner'] / r['ner']:5.2f}x naive | whole run {r['wall']:6.1f}s "
                  f"{naive['wall'] / r['wall']:5.2f}x naive | mentions shared with naive {same:.1%}")
        print(f"  ours-2 / ours-1 (entity_mentions step): {best['ours-1']['ner'] / best['ours-2']['ner']:.2f}x")


if __name__ == "__main__":
    main()
