"""What corpus-level boilerplate removal buys, on the generated multi-outlet corpus.

Generates a corpus with its gold (which paragraphs are article, which are
furniture), runs the real pipeline on it, and counts, over the paragraphs the
extractor kept:
  - furniture paragraphs flagged by page-level rules alone, and with the
    corpus-level (per-domain recurrence) rule added;
  - article paragraphs wrongly flagged by each.

    python bench/boilerplate.py [--articles 300] [--min-documents 3] [--min-share 0.3]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.sample.generator import generate_corpus  # noqa: E402


def _norm(text: str) -> str:
    return " ".join(text.split())


def measure(articles: int, min_documents: int, min_share: float, seed: int = 7) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gold_path = tmp / "gold.jsonl"
        generate_corpus(tmp / "landing", n_articles=articles, seed=seed, gold_path=gold_path)
        env = {
            **os.environ,
            "DAGSTER_HOME": str(tmp / "home"),
            "NEWS_BOILERPLATE_MIN_DOCUMENTS": str(min_documents),
            "NEWS_BOILERPLATE_MIN_SHARE": str(min_share),
        }
        run = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", "--landing", str(tmp / "landing"),
             "--warehouse", str(tmp / "warehouse"), "--no-progress"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        if run.returncode != 0:  # the paragraphs may still be complete: say so, measure them
            print(f"warning: the pipeline run exited {run.returncode}: {run.stderr.strip().splitlines()[-1:]}")
        paragraphs = pd.read_parquet(tmp / "warehouse" / "paragraphs")
        documents = pd.read_parquet(tmp / "warehouse" / "documents", columns=["doc_id", "source_path"])
        gold = {g["path"]: g for g in map(json.loads, gold_path.read_text().splitlines()) if g["kind"] == "article"}

    merged = paragraphs.merge(documents, on="doc_id")
    counts = {"article_kept": 0, "article_flagged_page": 0, "article_flagged_corpus": 0,
              "furniture": 0, "furniture_flagged_page": 0, "furniture_flagged_corpus": 0, "unmatched": 0}
    for row in merged.itertuples():
        page = gold.get(row.source_path)
        if page is None:
            continue
        text = _norm(row.text)
        body = {_norm(p) for p in page["body_paragraphs"]}
        furniture = [_norm(p) for p in page["furniture_paragraphs"]]
        page_flag = row.is_boilerplate and row.boilerplate_rule != "recurs_in_domain"
        corpus_flag = bool(row.is_boilerplate)
        if text in body:
            counts["article_kept"] += not corpus_flag
            counts["article_flagged_page"] += page_flag
            counts["article_flagged_corpus"] += corpus_flag
        elif any(text == f or (len(text) > 20 and text in f) or (len(f) > 8 and f in text) for f in furniture):
            counts["furniture"] += 1
            counts["furniture_flagged_page"] += page_flag
            counts["furniture_flagged_corpus"] += corpus_flag
        else:
            counts["unmatched"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--min-documents", type=int, default=3)
    parser.add_argument("--min-share", type=float, default=0.3)
    args = parser.parse_args()
    c = measure(args.articles, args.min_documents, args.min_share)
    article_total = c["article_kept"] + c["article_flagged_corpus"]
    print(f"generated corpus: {args.articles} articles; near tier: min_documents={args.min_documents}, "
          f"min_share={args.min_share}; exact tier: settings defaults")
    print(f"furniture paragraphs the extractor kept: {c['furniture']}")
    print(f"  flagged by page-level rules only:     {c['furniture_flagged_page']:>6} "
          f"({c['furniture_flagged_page'] / max(1, c['furniture']):.1%})")
    print(f"  flagged with corpus-level rule too:   {c['furniture_flagged_corpus']:>6} "
          f"({c['furniture_flagged_corpus'] / max(1, c['furniture']):.1%})")
    print(f"article paragraphs: {article_total}")
    print(f"  wrongly flagged, page-level only:     {c['article_flagged_page']:>6} "
          f"({c['article_flagged_page'] / max(1, article_total):.2%})")
    print(f"  wrongly flagged, with corpus-level:   {c['article_flagged_corpus']:>6} "
          f"({c['article_flagged_corpus'] / max(1, article_total):.2%})")
    print(f"paragraphs matching neither (headline, partial lines): {c['unmatched']}")


if __name__ == "__main__":
    main()
