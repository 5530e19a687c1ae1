"""Reading one entity's mentions from a large warehouse reads only the columns and row groups it needs.

Builds a synthetic warehouse directly (no pages, no NER): --documents
articles over --batches batch files, --mentions-per-document mentions each,
entity ids drawn from a Zipf-like distribution, written with the pipeline's
own writer (warehouse.write_table_file: sorted by schemas.CLUSTER_BY, row
groups of schemas.ROW_GROUP_ROWS). Then, for one mid-frequency entity:

* baseline: read the whole entity_mentions table and filter in pandas;
* ours: ``Corpus.mentions(entity=...)`` (filter pushed down to the files);
* the same pushed-down read on a copy written without the clustering.

Reports row groups and bytes the filtered scan touches (from the Parquet
footers: row groups whose statistics cannot rule the filter out, and their
column chunks for the columns read), and wall times as ratios against the
baseline measured in the same run.

    python bench/corpus_read.py [--documents 100000] [--batches 50] [--mentions-per-document 20]
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.corpus import Corpus
from pipeline.storage import schemas
from pipeline.storage import warehouse


def _mentions(rng, doc_ids: np.ndarray, per_doc: int, ids: np.ndarray, batch: str) -> pd.DataFrame:
    n = len(doc_ids) * per_doc
    weights = 1.0 / np.arange(1, len(ids) + 1)
    chosen = rng.choice(len(ids), size=n, p=weights / weights.sum())
    return pd.DataFrame({
        "doc_id": np.repeat(doc_ids, per_doc), "paragraph_index": np.tile(np.arange(per_doc) // 4, len(doc_ids)),
        "start": np.tile((np.arange(per_doc) % 4) * 40, len(doc_ids)),
        "end": np.tile((np.arange(per_doc) % 4) * 40 + 12, len(doc_ids)),
        "text": ids[chosen], "label": "PERSON", "entity_id": ids[chosen], "canonical_name": ids[chosen],
        "batch": batch,
    }).astype({"paragraph_index": "int32", "start": "int32", "end": "int32"})


def _articles(doc_ids: np.ndarray, batch: str, rng) -> pd.DataFrame:
    frame = schemas.empty_frame("articles").reindex(range(len(doc_ids)))
    frame = frame.astype(object).where(pd.notna(frame), None)
    days = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 90, len(doc_ids)), unit="D")
    outlets = np.array([f"outlet{i}.example" for i in range(8)])[rng.integers(0, 8, len(doc_ids))]
    frame = frame.assign(doc_id=doc_ids, source_path=[f"{o}/{d}.html" for o, d in zip(outlets, doc_ids)],
                         authors=[[] for _ in doc_ids], published_at=days, fetched_at=days, date=days.date,
                         domain=outlets, outlet=outlets, text="", n_words=0, n_paragraphs=5,
                         n_boilerplate_paragraphs=0, batch=batch)
    return frame


def build(root: Path, documents: int, batches: int, per_doc: int, clustered: bool, seed: int = 3) -> str:
    """The synthetic warehouse; returns the name of the entity to look up."""
    rng = np.random.default_rng(seed)
    # article-level ids are hashes: an entity's ids lie anywhere in the sort order
    article_ids = np.array([f"E{hashlib.sha1(str(i).encode()).hexdigest()[:16]}" for i in range(20_000)])
    for table in ("entity_mentions", "articles"):
        (root / table).mkdir(parents=True, exist_ok=True)
    saved = dict(schemas.CLUSTER_BY)
    if not clustered:
        schemas.CLUSTER_BY.clear()
    try:
        for number, chunk in enumerate(np.array_split(np.arange(documents), batches)):
            batch = f"20240101T000000-{number:06d}-bench"
            doc_ids = np.array([f"{i:016x}" for i in chunk])
            warehouse.write_table_file("entity_mentions", _mentions(rng, doc_ids, per_doc, article_ids, batch),
                                       root / "entity_mentions" / f"{batch}.parquet")
            warehouse.write_table_file("articles", _articles(doc_ids, batch, rng), root / "articles" / f"{batch}.parquet")
    finally:
        schemas.CLUSTER_BY.update(saved)
    # corpus entities: three article-level ids of unrelated frequency rank each
    order = np.random.default_rng(seed + 1).permutation(len(article_ids))
    corpus_ids = np.empty(len(article_ids), dtype=object)
    corpus_ids[order] = article_ids[order[(np.arange(len(order)) // 3) * 3]]
    aliases = pd.DataFrame({"alias": article_ids, "label": "PERSON", "entity_id": corpus_ids,
                            "alias_entity_id": article_ids, "canonical_name": corpus_ids})
    entities = pd.DataFrame({"entity_id": np.unique(corpus_ids)}).assign(
        canonical_name=lambda f: f["entity_id"], label="PERSON", n_mentions=1, n_documents=1,
        first_seen=pd.Timestamp("2024-01-01", tz="UTC"), last_seen=pd.Timestamp("2024-01-01", tz="UTC"),
        aliases=lambda f: [[] for _ in f["entity_id"]], top_cooccurring=lambda f: [[] for _ in f["entity_id"]],
        top_cooccurring_ids=lambda f: [[] for _ in f["entity_id"]])
    for table, frame in (("entity_aliases", aliases), ("entities", entities)):
        (root / table).mkdir(exist_ok=True)
        warehouse.write_table_file(table, frame, root / table / "data.parquet")
    return corpus_ids[300]  # the entity of the article-level id ranked 300th of 20,000


def touched(root: Path, ids: list[str], columns: list[str]) -> tuple[int, int, int, int]:
    """(row groups touched, row groups in all, bytes of the needed column chunks, bytes of all files)."""
    data = warehouse.dataset(root, "entity_mentions")
    where = ds.field("entity_id").isin(pa.array(ids, pa.string()))
    needed = total_groups = needed_bytes = 0
    for fragment in data.get_fragments():
        meta = fragment.metadata
        total_groups += meta.num_row_groups
        kept = {piece.row_groups[0].id for piece in fragment.split_by_row_group(where)}
        needed += len(kept)
        for index in kept:
            group = meta.row_group(index)
            needed_bytes += sum(group.column(c).total_compressed_size for c in range(group.num_columns)
                                if group.column(c).path_in_schema in columns)
    total_bytes = sum(p.stat().st_size for p in warehouse.table_files(root, "entity_mentions"))
    return needed, total_groups, needed_bytes, total_bytes


def _timed(function, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - began)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--mentions-per-document", type=int, default=20)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="corpus-read-"))
    try:
        clustered, plain = base / "clustered", base / "plain"
        entity = build(clustered, args.documents, args.batches, args.mentions_per_document, clustered=True)
        build(plain, args.documents, args.batches, args.mentions_per_document, clustered=False)
        corpus = Corpus(clustered)
        ids = sorted(corpus._alias_map().query("corpus_entity_id == @entity")["entity_id"])
        columns = schemas.TABLES["entity_mentions"].names

        def baseline():
            frame = pd.read_parquet(clustered / "entity_mentions")
            return frame[frame["entity_id"].isin(ids)]

        base_time, expected = _timed(baseline)
        ours_time, got = _timed(lambda: corpus.mentions(entity=entity))
        plain_time, got_plain = _timed(lambda: Corpus(plain).mentions(entity=entity))
        assert len(got) == len(expected) == len(got_plain) > 0
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in warehouse.table_files(clustered, "entity_mentions"))
        print(f"entity_mentions: {rows:,} rows over {args.batches} files, {args.documents:,} documents; "
              f"entity {entity}: {len(ids)} article-level ids, {len(got):,} mentions")
        for name, root in (("clustered (ours)", clustered), ("unclustered", plain)):
            needed, groups, needed_bytes, total_bytes = touched(root, ids, columns)
            print(f"  {name:<17} row groups read {needed:>4} of {groups:>4}; "
                  f"bytes {needed_bytes / 1e6:7.1f} MB of {total_bytes / 1e6:7.1f} MB "
                  f"({needed_bytes / total_bytes:.1%})")
        print(f"  time: full read + pandas filter {base_time:.3f}s (1.00x); Corpus.mentions {ours_time:.3f}s "
              f"({base_time / ours_time:.1f}x faster); unclustered pushed-down {plain_time:.3f}s "
              f"({base_time / plain_time:.1f}x)")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
