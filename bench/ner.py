"""NER speed: spaCy run naively against EntityRecognizer, on the same paragraphs.

    python bench/ner.py                  # 3 rounds, best time of each way
    python bench/ner.py --rounds 1 --repeat 2

Text: the English pages of ../shared/corpora/article-extraction-benchmark-dev
(ground-truth articleBody, one paragraph per line). Ways compared:
- naive: full pipeline, one nlp(text) call per paragraph, one process;
- ours-1: EntityRecognizer, one process;  ours-2: EntityRecognizer, n_process=2.
Agreement: share of paragraphs whose entities (offsets + label, named-entity
labels only) are identical to the naive way's.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from pipeline.core.ner import ENTITY_LABELS, EntityRecognizer  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

AEB = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark-dev"


def english_paragraphs() -> list[str]:
    import py3langid

    gold = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    paragraphs = []
    for page in gold.values():
        body = page["articleBody"]
        if py3langid.classify(body)[0] == "en":
            paragraphs += [line.strip() for line in body.splitlines() if line.strip()]
    return paragraphs


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each way; the best counts")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the text this many times")
    args = parser.parse_args()
    if not AEB.exists():
        sys.exit(f"{AEB} is absent")

    import spacy

    model = Settings().ner_models["en"]
    paragraphs = english_paragraphs() * args.repeat
    words = sum(len(p.split()) for p in paragraphs)
    languages = ["en"] * len(paragraphs)
    full = spacy.load(model)
    ours = {n: EntityRecognizer({"en": model}, n_process=n) for n in (1, 2)}
    for recognizer in ours.values():
        recognizer.recognise(paragraphs[:20], languages[:20])  # load the model outside the timings

    def naive():
        return [[(e.start_char, e.end_char, e.label_) for e in full(p).ents if e.label_ in ENTITY_LABELS]
                for p in paragraphs]

    def ours_run(n):
        return [[(m.start, m.end, m.label) for m in found]
                for found in ours[n].recognise(paragraphs, languages)]

    best = {"naive": float("inf"), "ours-1": float("inf"), "ours-2": float("inf")}
    outputs = {}
    busy = 0.0  # cores the ours-2 workers kept busy in its best round
    for _ in range(args.rounds):
        for name, fn in (("naive", naive), ("ours-1", lambda: ours_run(1)), ("ours-2", lambda: ours_run(2))):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            seconds, outputs[name] = timed(fn)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if seconds < best[name]:
                best[name] = seconds
                if name == "ours-2":
                    busy = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / seconds

    print(f"{len(paragraphs)} English paragraphs, {words} words; {model}; best of {args.rounds} round(s); "
          f"{os.cpu_count()} cores")
    rate = {name: words / seconds for name, seconds in best.items()}
    for name in best:
        print(f"  {name:7s} {rate[name]:9,.0f} words/s  {rate[name] / rate['naive']:5.2f}x naive")
    print(f"  ours-2 / ours-1: {rate['ours-2'] / rate['ours-1']:.2f}x  (its workers kept {busy:.2f} cores busy;"
          f" well under 2 means other work held a core)")
    for name in ("ours-1", "ours-2"):
        same = sum(a == b for a, b in zip(outputs["naive"], outputs[name]))
        print(f"  {name} paragraphs with entities identical to naive: {100 * same / len(paragraphs):.2f}%")


if __name__ == "__main__":
    main()
