"""Other extractors beside plain trafilatura: CPU per page and quality alone, measured in the same run.

    python bench/extractors.py                 # the article-extraction-benchmark dev pages
    python bench/extractors.py --sets aeb,trafilatura,fundus --repeat 1

For each extractor (pipeline/core/ensemble.py's adapters; one not installed is reported and skipped): CPU
seconds per page (time.process_time, the pages decoded beforehand) and that time as a ratio to plain
``trafilatura.extract`` measured in the same run, interleaved page by page so machine load hits all alike;
then each extractor's own score on the set (quality.py's scoring), and what the ensemble configurations
cost per page on top of our extraction (``extract_article`` with and without them).
"""
from __future__ import annotations

import argparse
import gzip
import logging
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality  # noqa: E402
from quality import Output  # noqa: E402


def _trafilatura(html: str) -> list[str]:
    import trafilatura

    return [line for line in (trafilatura.extract(html) or "").split("\n") if line.strip()]


def systems():
    from pipeline.core import ensemble

    out = {"trafilatura": _trafilatura}
    for name in ensemble.VOTERS + ensemble.BENCH_ONLY:
        function = ensemble.EXTRACTORS[name]
        try:
            function("<html><body><p>probe</p></body></html>")
        except ImportError as error:
            print(f"{name:<14} not installed ({error})")
            continue
        except Exception:  # an extractor may refuse the tiny probe page; it is installed
            pass
        out[name] = function
    return out


def _timed(function, html: str):
    started = time.process_time()
    try:
        result = function(html)
    except Exception as error:  # counted as a failure: the page scores as empty for that extractor
        result = error
    return time.process_time() - started, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="aeb")
    parser.add_argument("--repeat", type=int, default=1, help="timing passes over the pages (best pass counts)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    if not quality.CORPORA.exists():
        print(f"{quality.CORPORA} is absent: nothing to measure", file=sys.stderr)
        return 1
    runs = systems()
    for name in args.sets.split(","):
        pages = quality.load_pages(name)
        htmls = [quality.decode_html(gzip.open(page.path).read()) for page in pages]
        best = {system: float("inf") for system in runs}
        outputs = {system: [] for system in runs}
        failures = {system: 0 for system in runs}
        for rep in range(args.repeat):
            totals = {system: 0.0 for system in runs}
            for html in htmls:
                for system, function in runs.items():
                    seconds, result = _timed(function, html)
                    totals[system] += seconds
                    if rep == 0:
                        if isinstance(result, Exception):
                            failures[system] += 1
                            result = []
                        outputs[system].append(result)
            best = {system: min(best[system], totals[system]) for system in runs}
        base = best["trafilatura"] / len(htmls)
        print(f"\n== {name}: {len(htmls)} pages; CPU ms/page, ratio to trafilatura.extract in this run; alone ==")
        print(f"{'extractor':<14} {'ms/page':>8} {'ratio':>6} {'fails':>5}  {'precision':>9} {'recall':>7} {'f1':>6}")
        for system in runs:
            pairs = [(Output("\n".join(paragraphs), paragraphs), page.gold)
                     for paragraphs, page in zip(outputs[system], pages)]
            scores = quality.score(name, pairs)
            per_page = best[system] / len(htmls)
            print(f"{system:<14} {1000 * per_page:8.1f} {per_page / base:6.2f} {failures[system]:>5}  "
                  f"{scores['precision']:9.3f} {scores['recall']:7.3f} {scores['f1']:6.3f}", flush=True)
        pipeline_cost(htmls, pages, base)
    return 0


def pipeline_cost(htmls, pages, base: float) -> None:
    """Our extraction per page with each ensemble configuration, as a ratio to plain trafilatura.extract."""
    from pipeline.core.ensemble import EnsembleChoice
    from pipeline.core.extract import DEFAULT_CHOICES, extract_article
    from pipeline.core.models import Unusable
    from pipeline.settings import Settings

    settings = Settings()
    configurations = [("ours, ensemble off", replace(DEFAULT_CHOICES, ensemble=None)),
                      ("ours + vote", replace(DEFAULT_CHOICES, ensemble=EnsembleChoice("vote"))),
                      ("ours + gated", replace(DEFAULT_CHOICES, ensemble=EnsembleChoice("gated"))),
                      ("ours + gated 100 words",
                       replace(DEFAULT_CHOICES, ensemble=EnsembleChoice("gated", gate_words=100)))]
    print(f"{'configuration':<24} {'ms/page':>8} {'ratio':>6}  (ratio: to plain trafilatura.extract)")
    for label, choices in configurations:
        total = 0.0
        for html, page in zip(htmls, pages):
            started = time.process_time()
            try:
                extract_article(html, page.url, settings, choices)
            except Unusable:
                pass
            total += time.process_time() - started
        per_page = total / len(htmls)
        print(f"{label:<24} {1000 * per_page:8.1f} {per_page / base:6.2f}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
