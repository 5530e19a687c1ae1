"""Cost of adding one batch to the entity aggregates at corpus sizes N and 4N.

    python bench/aggregates.py                    # N = 6 batches, 4N = 24, batches of 8 x 60 pages
    python bench/aggregates.py --batches 10 --articles 80 --scale 4 --rounds 3

Mentions come from the real pipeline: the CLI runs once on a generated corpus
(our own generator) of --articles pages. That batch is cloned into a corpus
of N and of 4N batches: each clone gets its own doc_ids, dates shifted by a
week per batch, and a share (--novel) of its entities renamed to new ones, so
the vocabulary keeps growing as a real news stream's does. Then one more
batch is added and timed (best of --rounds), two ways:

- incremental (this pipeline): the new batch's partials, then the corpus
  tables summed from all partials (read from Parquet, written to Parquet);
- recompute (the design before): every mention re-read, resolve_corpus over
  all of them, every table recounted.

Printed: seconds and the 4N/N ratio of each. Incremental stays close to
flat in mentions; what still grows is the number of distinct entities,
pairs and (entity, day, outlet) keys the corpus tables hold.
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from itertools import combinations
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from pipeline.core import aggregate  # noqa: E402
from pipeline.core.canonical import make_entity_id, resolve_corpus  # noqa: E402
from pipeline.sample.generator import generate_corpus  # noqa: E402
from pipeline.storage import schemas, warehouse  # noqa: E402

MENTION_COLUMNS = ["doc_id", "text", "label", "entity_id", "canonical_name"]
ARTICLE_COLUMNS = ["doc_id", "domain", "published_at", "fetched_at"]


def base_batch(tmp: Path, n_articles: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    landing, wh, home = tmp / "landing", tmp / "warehouse", tmp / "dagster_home"
    generate_corpus(landing, n_articles=n_articles, seed=7, days=6)
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", str(wh),
                    "--no-progress"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    return (warehouse.read_table(wh, "entity_mentions", MENTION_COLUMNS),
            warehouse.read_table(wh, "articles", ARTICLE_COLUMNS))


def clone(mentions: pd.DataFrame, articles: pd.DataFrame, i: int, novel: float, scale: int = 1):
    """Batch i: ``scale`` copies of the base batch (own doc_ids), dates shifted, some entities new."""
    if scale > 1:
        m, a = clone(mentions, articles, i, novel)
        ms, as_ = [m], [a]
        for j in range(1, scale):
            ms.append(m.assign(doc_id=f"{j:03d}-" + m["doc_id"]))
            as_.append(a.assign(doc_id=f"{j:03d}-" + a["doc_id"]))
        return pd.concat(ms, ignore_index=True), pd.concat(as_, ignore_index=True)
    rng = np.random.default_rng(i)
    m, a = mentions.copy(), articles.copy()
    m["doc_id"] = f"{i:05d}-" + m["doc_id"]
    a["doc_id"] = f"{i:05d}-" + a["doc_id"]
    shift = timedelta(days=7 * i)
    a["published_at"] = a["published_at"] + shift
    a["fetched_at"] = a["fetched_at"] + shift
    ids = m["entity_id"].unique()
    renamed = set(ids[rng.random(len(ids)) < novel])
    pick = m["entity_id"].isin(renamed)
    suffix = f" Q{i}"
    m.loc[pick, "canonical_name"] = m.loc[pick, "canonical_name"] + suffix
    m.loc[pick, "text"] = m.loc[pick, "text"] + suffix
    m.loc[pick, "entity_id"] = [make_entity_id(lab, name) for lab, name in
                                zip(m.loc[pick, "label"], m.loc[pick, "canonical_name"])]
    return m, a


def write(frame: pd.DataFrame, path: Path, table: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if table:
        pq.write_table(schemas.to_arrow(table, frame), str(path), compression="zstd")
    else:
        frame.to_parquet(path, compression="zstd", index=False)


# --- incremental: what the pipeline's assets do ----------------------------------------

def add_batch_incremental(wh: Path, key: str, m: pd.DataFrame, a: pd.DataFrame) -> None:
    for table, frame in aggregate.batch_partials(m, a, key).items():
        write(frame, wh / table / f"{key}.parquet", table)
    read = lambda t: warehouse.read_table(wh, t)  # noqa: E731
    previous_path = wh / "entity_aliases" / "data.parquet"
    previous = pd.read_parquet(previous_path) if previous_path.exists() else None
    _, aliases = aggregate.corpus_entity_map(read("entity_batch_evidence"), previous)
    write(aliases, previous_path, "entity_aliases")
    mapping = aggregate.entity_map_from_aliases(aliases)
    counts, overlaps = read("entity_batch_counts"), read("entity_batch_overlaps")
    per_key = aggregate.corpus_counts(counts, overlaps, mapping)
    per_entity = aggregate.entity_document_counts(per_key)
    names = dict(zip(aliases["entity_id"], aliases["canonical_name"]))
    n_docs = aggregate.n_documents_with_entities(read("entity_batch_documents"))
    pairs = aggregate.entity_pairs(read("entity_batch_pairs"), overlaps, mapping, per_entity, names, n_docs, 2)
    write(pairs, wh / "entity_pairs" / "data.parquet", "entity_pairs")
    write(aggregate.entities(per_entity, aliases, pairs, set(counts["entity_id"])),
          wh / "entities" / "data.parquet", "entities")
    write(aggregate.entity_daily(per_key), wh / "entity_daily" / "data.parquet", "entity_daily")


# --- recompute: the design before (every mention, every time) --------------------------

def add_batch_recompute(wh: Path, key: str, m: pd.DataFrame, a: pd.DataFrame) -> None:
    write(m, wh / "mentions" / f"{key}.parquet")
    write(a, wh / "articles" / f"{key}.parquet")
    mentions = pd.read_parquet(wh / "mentions")
    articles = pd.read_parquet(wh / "articles")
    entity_map, _ = resolve_corpus(mentions)
    final = dict(zip(entity_map["entity_id"], entity_map["final_entity_id"]))
    names = dict(zip(entity_map["final_entity_id"], entity_map["canonical_name"]))
    mentions["entity_id"] = mentions["entity_id"].map(final)
    seen = articles["published_at"].fillna(articles["fetched_at"])
    dates = pd.DataFrame({"doc_id": articles["doc_id"], "domain": articles["domain"], "seen_at": seen})
    r = mentions.merge(dates, on="doc_id", how="left")
    per_doc = r.groupby("doc_id")["entity_id"].apply(lambda ids: sorted(set(ids)))
    doc_freq = r.groupby("entity_id")["doc_id"].nunique()
    counts: Counter = Counter()
    for ids in per_doc:
        counts.update(combinations(ids, 2))
    pairs = pd.DataFrame([(x, y, n, names[x], names[y], math.log(n * len(per_doc) / (doc_freq[x] * doc_freq[y])))
                          for (x, y), n in counts.items() if n >= 2],
                         columns=["a", "b", "n", "name_a", "name_b", "pmi"])
    write(pairs, wh / "old_pairs.parquet")
    g = r.groupby("entity_id")
    ents = pd.DataFrame({"n_mentions": g.size(), "n_documents": g["doc_id"].nunique(),
                         "first_seen": g["seen_at"].min(), "last_seen": g["seen_at"].max(),
                         "aliases": g["text"].apply(lambda t: sorted(set(t)))}).reset_index()
    write(ents, wh / "old_entities.parquet")
    r["date"] = r["seen_at"].dt.date
    daily = r.groupby(["date", "domain", "entity_id"]).agg(n_mentions=("doc_id", "size"),
                                                          n_documents=("doc_id", "nunique")).reset_index()
    write(daily, wh / "old_daily.parquet")


def measure(tmp: Path, base, n_batches: int, novel: float, rounds: int, scale: int) -> dict[str, float]:
    m0, a0 = base
    best = {"incremental": math.inf, "recompute": math.inf}
    for way, add in (("incremental", add_batch_incremental), ("recompute", add_batch_recompute)):
        wh = tmp / f"{way}-{n_batches}"
        for i in range(n_batches):  # the corpus so far (not timed)
            add_partials_only(wh, way, f"b{i:05d}", *clone(m0, a0, i, novel, scale))
        add(wh, "b_prev", *clone(m0, a0, n_batches + 100, novel, scale))  # warm: previous aggregate tables exist
        for r in range(rounds):
            key = f"b{n_batches + 200 + r:05d}"
            batch = clone(m0, a0, n_batches + 200 + r, novel, scale)
            start = time.perf_counter()
            add(wh, key, *batch)
            best[way] = min(best[way], time.perf_counter() - start)
            for p in wh.rglob(f"{key}.parquet"):  # back to N batches for the next round
                p.unlink()
    return best


def add_partials_only(wh: Path, way: str, key: str, m: pd.DataFrame, a: pd.DataFrame) -> None:
    if way == "incremental":
        for table, frame in aggregate.batch_partials(m, a, key).items():
            write(frame, wh / table / f"{key}.parquet", table)
    else:
        write(m, wh / "mentions" / f"{key}.parquet")
        write(a, wh / "articles" / f"{key}.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="generated pages in one batch")
    parser.add_argument("--batches", type=int, default=6, help="N: batches already in the corpus")
    parser.add_argument("--novel", type=float, default=0.3, help="share of a batch's entities that are new")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=8, help="copies of the generated batch in one batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = base_batch(tmp / "base", args.articles)
        print(f"one batch: {args.scale} x {base[1].shape[0]} articles, {args.scale * len(base[0])} mentions, "
              f"{base[0]['entity_id'].nunique()} distinct entities; {args.novel:.0%} of a batch's entities new; "
              f"best of {args.rounds}; {os.cpu_count()} cores")
        small = measure(tmp, base, args.batches, args.novel, args.rounds, args.scale)
        large = measure(tmp, base, 4 * args.batches, args.novel, args.rounds, args.scale)
        for way in small:
            print(f"  {way:12s} add 1 batch to N={args.batches:3d}: {small[way]:7.3f}s   "
                  f"to 4N={4 * args.batches:3d}: {large[way]:7.3f}s   4N/N = {large[way] / small[way]:4.2f}x")
        print(f"  at 4N, recompute / incremental = {large['recompute'] / large['incremental']:.2f}x")


if __name__ == "__main__":
    main()
