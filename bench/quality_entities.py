"""Entity resolution quality on the generated corpus, whose generator knows who each name is.

    python bench/quality_entities.py --articles 400            # generate (seed 3), run the CLI, score
    python bench/quality_entities.py --warehouse DIR           # score a warehouse built from the generated corpus

Persons: every mention whose words include a generated person's surname (and
no other generated person's) is that person's. A person's entity is the
PERSON entity holding most of their mentions; the score is the share of their
mentions under it (target: >= 97% for each). Top PERSON entities: the 50
PERSON entities with most mentions whose canonical name is not a generated
person's (cast or reporter) full name or surname.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from pipeline import sample_corpus  # noqa: E402

TOP_PERSONS = 50


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", re.sub(r"['’]s\b", "", text).casefold())


def generated_people() -> dict[str, tuple[str, str]]:
    """full name -> (first, last) of every person the generator writes about."""
    return {p.full: (p.first, p.last) for topic in sample_corpus.TOPICS for p in topic.cast}


def reporter_names() -> set[str]:
    return {r.name for outlet in sample_corpus.OUTLETS for r in outlet.reporters}


def corpus_mentions(warehouse: Path) -> pd.DataFrame:
    """Mentions with their corpus entity (mapped through entity_aliases for a warehouse
    written before entity_mentions had corpus columns)."""
    mentions = pd.read_parquet(warehouse / "entity_mentions")
    if "corpus_entity_id" not in mentions:
        links = pd.read_parquet(warehouse / "entity_aliases").drop_duplicates("alias_entity_id")
        links = links.set_index("alias_entity_id")
        mentions["corpus_entity_id"] = mentions["entity_id"].map(links["entity_id"])
        mentions["corpus_canonical_name"] = mentions["entity_id"].map(links["canonical_name"])
        mentions["entity_label"] = mentions["entity_id"].map(links["label"])
    return mentions


def person_scores(warehouse: Path) -> pd.DataFrame:
    """Per generated person: mentions, share under their PERSON entity, where the rest went."""
    mentions = corpus_mentions(warehouse)
    people = generated_people()
    surnames = {last.casefold(): full for full, (_, last) in people.items()}
    owner = []
    for text in mentions["text"]:
        hits = {surnames[w] for w in _words(text) if w in surnames}
        owner.append(next(iter(hits)) if len(hits) == 1 else None)
    mentions = mentions.assign(person=owner).dropna(subset=["person"])
    rows = []
    for full, group in mentions.groupby("person"):
        persons = group[group["entity_label"] == "PERSON"]
        best = persons["corpus_entity_id"].value_counts()
        under = int(best.iloc[0]) if len(best) else 0
        entity = persons.loc[persons["corpus_entity_id"] == best.index[0], "corpus_canonical_name"].iloc[0] if len(best) else None
        elsewhere = group[group["corpus_entity_id"] != (best.index[0] if len(best) else None)]
        rest = elsewhere.groupby(["corpus_canonical_name", "entity_label"]).size().sort_values(ascending=False)
        rows.append({
            "person": full, "mentions": len(group), "share": under / len(group), "entity": entity,
            "elsewhere": "; ".join(f"{n} {lab} {c}" for (n, lab), c in rest.head(3).items()),
        })
    return pd.DataFrame(rows).sort_values("share", ignore_index=True)


def non_persons_in_top(warehouse: Path, top: int = TOP_PERSONS) -> list[tuple[str, int]]:
    entities = pd.read_parquet(warehouse / "entities", columns=["canonical_name", "label", "n_mentions"])
    persons = entities[entities["label"] == "PERSON"].sort_values("n_mentions", ascending=False).head(top)
    known = set()
    for full, (_, last) in generated_people().items():
        known |= {full.casefold(), last.casefold()}
    for name in reporter_names():
        known |= {name.casefold(), name.split()[-1].casefold()}
    return [(n, int(c)) for n, c in zip(persons["canonical_name"], persons["n_mentions"])
            if " ".join(n.split()).casefold() not in known]


def build(articles: int, seed: int, work: Path) -> Path:
    landing, warehouse = work / "landing", work / "warehouse"
    cli = [sys.executable, "-m", "pipeline"]
    env = {**os.environ, "DAGSTER_HOME": str(work / "dagster_home")}
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    subprocess.run(cli + ["sample-corpus", str(landing), "--articles", str(articles), "--seed", str(seed)],
                   check=True, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    subprocess.run(cli + ["run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress"],
                   check=True, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    return warehouse


def report(warehouse: Path) -> bool:
    scores = person_scores(warehouse)
    total = scores["mentions"].sum()
    weighted = (scores["share"] * scores["mentions"]).sum() / total if total else 0.0
    print(f"generated people: {len(scores)}, their mentions: {total}")
    print(f"share under the person's one PERSON entity: min {scores['share'].min():.3f}, "
          f"mention-weighted {weighted:.3f}  (target: >= 0.97 for each)")
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(scores.to_string(index=False, formatters={"share": "{:.3f}".format}))
    bad = non_persons_in_top(warehouse)
    print(f"non-persons among the top {TOP_PERSONS} PERSON entities: {len(bad)}  (target: 0)")
    for name, n in bad:
        print(f"  {name!r}: {n}")
    return bool((scores["share"] >= 0.97).all() and not bad)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if args.warehouse:
        report(args.warehouse)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        print(f"generated corpus: --articles {args.articles} --seed {args.seed}")
        report(build(args.articles, args.seed, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
