"""Cost of label propagation beside NER, in the same run.

    python bench/propagation.py

Text: the English paragraphs bench/ner.py uses, in documents of 10
paragraphs. Times: EntityRecognizer (one process) on all of them, then
cleaning and article-level resolution with and without label propagation.
Printed: words/s of NER alone, of NER + resolution without propagation and
with it (as ratios of NER alone), and how many mentions propagation added.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.ner import english_paragraphs, timed  # noqa: E402
from pipeline.core.canonical import canonicalise_document  # noqa: E402
from pipeline.core.models import Mention  # noqa: E402
from pipeline.core.ner import EntityRecognizer  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

DOC_PARAGRAPHS = 10


def resolve(docs, found, propagate: bool) -> int:
    n = 0
    for start, paragraphs in docs:
        mentions = [Mention(i, m.start, m.end, m.text, m.label)
                    for i, ms in enumerate(found[start:start + len(paragraphs)]) for m in ms]
        n += sum(c.source == "gazetteer" for c in canonicalise_document(mentions, paragraphs, propagate=propagate))
    return n


def main() -> int:
    texts = english_paragraphs()
    words = sum(len(t.split()) for t in texts)
    recognizer = EntityRecognizer({"en": Settings().ner_models["en"]})
    recognizer.nlp("en")
    ner_s, found = timed(lambda: recognizer.recognise(texts, ["en"] * len(texts)))
    docs = [(i, texts[i:i + DOC_PARAGRAPHS]) for i in range(0, len(texts), DOC_PARAGRAPHS)]
    best = {}
    for propagate in (False, True, False, True):
        seconds, added = timed(lambda: resolve(docs, found, propagate))
        best[propagate] = min(best.get(propagate, (1e9, 0)), (seconds, added))
    print(f"{len(texts)} paragraphs, {words} words")
    print(f"NER alone:                        {words / ner_s:8.0f} words/s  1.00x")
    for propagate, label in ((False, "NER + resolution:"), (True, "NER + resolution + propagation:")):
        seconds, added = best[propagate]
        rate = words / (ner_s + seconds)
        print(f"{label:<33} {rate:8.0f} words/s  {rate * ner_s / words:.2f}x  (+{added} mentions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
