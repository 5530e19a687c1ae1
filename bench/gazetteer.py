"""The corpus gazetteer on text we did not write: its cost beside NER, and how often its additions hold.

    python bench/gazetteer.py [--min-mentions 5] [--sample 25]

Text: the English paragraphs bench/ner.py uses (real pages), in documents of
10 paragraphs, split into two halves by document.

Cost: EntityRecognizer (one process) on all of it, then article-level
resolution with label propagation, without and with a gazetteer built from
the model's mentions of the whole text (the entity of a mention: its
article-level id; names: canonical names and mention texts of entities with
at least --min-mentions mentions). Printed as words/s and as ratios of NER +
resolution without the gazetteer (and of NER alone), best of two rounds each, in the same run.

Precision: a gazetteer built from the first half only, matched in the second
half. An addition is "confirmed" when the model itself tagged that exact name
somewhere in the second half, "unconfirmed" otherwise; a sample of
additions is printed with context to read.
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.ner import english_paragraphs, timed  # noqa: E402
from pipeline.core.canonical import canonicalise_document  # noqa: E402
from pipeline.core.gazetteer import Gazetteer, build_gazetteer  # noqa: E402
from pipeline.core.models import Mention  # noqa: E402
from pipeline.core.ner import EntityRecognizer  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

DOC_PARAGRAPHS = 10


def resolve(nlp, docs, found, gazetteer: Gazetteer | None) -> list[list]:
    """Per document, its CanonicalMentions (gazetteer matching timed with it)."""
    out = []
    for start, paragraphs in docs:
        mentions = [Mention(i, m.start, m.end, m.text, m.label)
                    for i, ms in enumerate(found[start:start + len(paragraphs)]) for m in ms]
        matches = ([m for ms in gazetteer.find(nlp, paragraphs) for m in ms] if gazetteer else None)
        out.append(canonicalise_document(mentions, paragraphs, gazetteer_matches=matches))
    return out


def gazetteer_of(resolved: list[list], min_mentions: int) -> Gazetteer:
    rows = [(c.entity_id, c.canonical_name, c.label, c.text) for doc in resolved for c in doc if c.source == "model"]
    frame = pd.DataFrame(rows, columns=["entity_id", "canonical_name", "label", "alias"])
    entities = frame.groupby("entity_id").agg(canonical_name=("canonical_name", "first"), label=("label", "first"),
                                              n_mentions=("alias", "size")).reset_index()
    return build_gazetteer(entities, frame[["alias", "entity_id"]].drop_duplicates(), min_mentions)


def report(title: str, docs, plain: list[list], gazetteer: Gazetteer, nlp, found, sample: int) -> None:
    """Additions of the gazetteer to ``docs``; an addition is confirmed when the model tagged
    that exact name in another document of ``docs``."""
    tagged_in: dict[str, set[int]] = {}
    for d, doc in enumerate(plain):
        for c in doc:
            if c.source == "model":
                tagged_in.setdefault(c.text, set()).add(d)
    additions = []
    for d, (paragraphs, with_gazetteer, without) in enumerate(
            zip([p for _, p in docs], resolve(nlp, docs, found, gazetteer), plain)):
        before = {(x.paragraph_index, x.start) for x in without}
        additions += [(d, paragraphs, c) for c in with_gazetteer
                      if c.source == "gazetteer" and (c.paragraph_index, c.start) not in before]
    confirmed = [bool(tagged_in.get(c.text, set()) - {d}) for d, _, c in additions]
    print(f"{title}: gazetteer of {len(gazetteer)} names, {len(additions)} mentions added")
    if not additions:
        return
    print(f"  confirmed (the model tagged that exact name in another document): {sum(confirmed)} "
          f"({sum(confirmed) / len(additions):.1%}); not: {len(additions) - sum(confirmed)}")
    print(f"  most added names: {Counter(c.text for _, _, c in additions).most_common(10)}")
    picked = random.Random(0).sample(range(len(additions)), min(sample, len(additions)))
    for i in sorted(picked):
        _, paragraphs, c = additions[i]
        text = paragraphs[c.paragraph_index]
        context = text[max(0, c.start - 50):c.start] + "[[" + c.text + "]]" + text[c.end:c.end + 50]
        print(f"  {c.label:<7} {'confirmed' if confirmed[i] else 'not':<9} {' '.join(context.split())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-mentions", type=int, default=Settings().gazetteer_min_mentions)
    parser.add_argument("--sample", type=int, default=25)
    args = parser.parse_args()
    texts = english_paragraphs()
    words = sum(len(t.split()) for t in texts)
    recognizer = EntityRecognizer({"en": Settings().ner_models["en"]})
    nlp = recognizer.nlp("en")
    ner_s, found = timed(lambda: recognizer.recognise(texts, ["en"] * len(texts)))
    docs = [(i, texts[i:i + DOC_PARAGRAPHS]) for i in range(0, len(texts), DOC_PARAGRAPHS)]
    plain = resolve(nlp, docs, found, None)
    gazetteer = gazetteer_of(plain, args.min_mentions)

    best: dict[bool, float] = {}
    for on in (False, True, False, True):
        seconds, _ = timed(lambda: resolve(nlp, docs, found, Gazetteer(dict(gazetteer.names)) if on else None))
        best[on] = min(best.get(on, 1e9), seconds)
    print(f"{len(texts)} paragraphs, {words} words; gazetteer of {len(gazetteer)} names "
          f"(entities with >= {args.min_mentions} mentions)")
    base = words / (ner_s + best[False])
    print(f"NER alone:                        {words / ner_s:8.0f} words/s  ({words / ner_s / base:.2f}x)")
    print(f"NER + resolution (propagation):   {base:8.0f} words/s  1.00x")
    rate = words / (ner_s + best[True])
    print(f"  + gazetteer:                    {rate:8.0f} words/s  {rate / base:.2f}x "
          f"({rate * ner_s / words:.2f}x NER alone)")

    report("whole text", docs, plain, gazetteer, nlp, found, args.sample)
    half = len(docs) // 2
    report("held-out half (gazetteer from the first half, matched in the second)", docs[half:], plain[half:],
           gazetteer_of(plain[:half], args.min_mentions), nlp, found, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
