"""Extraction quality against the gold sets in ../shared/corpora, ours beside plain trafilatura.

    python bench/quality.py                    # run the core (decode -> extract_article) on every page
    python bench/quality.py --warehouse DIR    # score a pipeline run's articles/paragraphs tables instead
    python bench/quality.py --sets aeb,fundus  # a subset (aeb, trafilatura, fundus)
    python bench/quality.py --cv-only          # only the cross-validated figures and ablations (bench/quality_cv.py)

Scores, as ../shared/corpora/README.md defines them:
- aeb (article-extraction-benchmark-dev): 4-word-shingle precision/recall/F1, per-page normalised.
- trafilatura (trafilatura-eval-dev): "with"/"without" snippet precision/recall/F1 over all snippets;
  title, date and author_recall as for fundus, over the pages whose gold gives that field.
- fundus (fundus-dev): paragraph precision/recall (a paragraph matches when it equals exactly one
  paragraph on the other side, whitespace normalised), title exact match, date on the right day,
  author recall.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
SETS = {"aeb": "article-extraction-benchmark-dev", "trafilatura": "trafilatura-eval-dev", "fundus": "fundus-dev"}


# --- what a system returns for one page ------------------------------------

@dataclass
class Output:
    text: str = ""
    paragraphs: list[str] = field(default_factory=list)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | str | None = None


@dataclass
class Page:
    path: Path  # the gzipped page
    relative: str  # path inside the set's directory, e.g. "html/<key>.html.gz"
    url: str | None
    gold: dict


# --- decoding ---------------------------------------------------------------

def decode_html(content: bytes) -> str:
    """The pipeline's decoder when present, else trafilatura's (charset-normalizer plus HTML hints)."""
    from trafilatura.utils import decode_file

    try:
        from pipeline.core.decode import decode_document
        from pipeline.core.models import RawDocument, Unusable
        from pipeline.settings import Settings
    except ImportError:
        return decode_file(content)
    try:
        return decode_document(RawDocument(source_path="bench", content=content), Settings()).text
    except Unusable:
        return ""


# --- systems ----------------------------------------------------------------

def ours(html: str, url: str | None, settings=None) -> Output:
    from pipeline.core.extract import extract_article
    from pipeline.core.models import Unusable
    from pipeline.settings import Settings

    try:
        article = extract_article(html, url, settings or Settings())
    except Unusable:
        return Output()
    kept = [p.text for p in article.paragraphs if not p.is_boilerplate]
    return Output(article.text, kept, article.title, article.authors, article.published_at)


def plain(html: str, url: str | None) -> Output:
    """Plain trafilatura with default settings: extract() for the text, its metadata beside."""
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return Output()
    text = trafilatura.extract(html, url=url) or ""
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    return Output(text, [line for line in text.split("\n") if line.strip()], document.title, authors, document.date)


# --- gold sets --------------------------------------------------------------

def load_pages(name: str) -> list[Page]:
    root = CORPORA / SETS[name]
    pages = []
    if name == "aeb":
        for key, gold in json.loads((root / "ground-truth.json").read_text()).items():
            pages.append(Page(root / "html" / f"{key}.html.gz", f"html/{key}.html.gz", gold.get("url"), gold))
    elif name == "trafilatura":
        for url, gold in json.loads((root / "evaldata.json").read_text()).items():
            relative = f"pages/{gold['file']}.gz"
            pages.append(Page(root / relative, relative, url.split("::")[-1] if "://" in url else None, gold))
    elif name == "fundus":
        for entry in json.loads((root / "index.json").read_text()):
            publisher = root / entry["country"] / f"{entry['publisher']}.json"
            expected = json.loads(publisher.read_text())[entry["version"]]
            pages.append(Page(root / entry["html"], entry["html"], entry["url"], {**entry, "expected": expected}))
    return pages


# --- scoring ----------------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + size]) for i in range(max(len(tokens) - size + 1, 0)))


def shingle_components(predicted: str, gold: str) -> dict:
    """One page's 4-shingle precision and recall (a page with nothing predicted and nothing expected scores 1)."""
    p, g = shingles(predicted), shingles(gold)
    tp = sum((p & g).values())
    fp, fn = sum(p.values()) - tp, sum(g.values()) - tp
    if tp + fp + fn == 0:
        return {"precision": 1.0, "recall": 1.0, "pages": 1}
    # dividing the three counts by their sum (so pages weigh alike) leaves P and R unchanged
    return {"precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0, "pages": 1}


def _prf(precision: float, recall: float) -> dict:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _ws(text: str) -> str:
    return " ".join(text.split())


def snippet_components(predicted: str, gold: dict) -> dict:
    """One page's "with" snippets found (tp) and missed (fn), "without" snippets found (fp)."""
    text = _ws(predicted)
    tp = sum(1 for snippet in gold.get("with", []) if _ws(snippet) in text)
    fp = sum(1 for snippet in gold.get("without", []) if _ws(snippet) in text)
    return {"tp": tp, "fn": len(gold.get("with", [])) - tp, "fp": fp}


def _snippet_prf(components: list[dict]) -> dict:
    tp, fp, fn = (sum(c[key] for c in components) for key in ("tp", "fp", "fn"))
    return _prf(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)


def fundus_gold_paragraphs(expected: dict) -> list[str]:
    body = expected.get("body") or {}
    paragraphs = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        paragraphs += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return [_ws(p) for p in paragraphs if _ws(p)]


def _gold_date(gold: str | None) -> datetime | None:
    """An ISO date or date-time; trafilatura-eval also has unpadded ones ("2022-11-1"), and one impossible one."""
    try:
        return datetime.fromisoformat(gold)
    except (TypeError, ValueError):
        parts = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})$", gold or "")
        try:
            return datetime(*map(int, parts.groups())) if parts else None
        except ValueError:
            return None


def _day_matches(predicted, gold: str | None) -> bool:
    if not predicted or not gold:
        return False
    gold_dt = _gold_date(gold)
    if gold_dt is None:
        return False
    if isinstance(predicted, str):
        try:
            predicted = datetime.fromisoformat(predicted)
        except ValueError:
            return False
    if predicted.date() == gold_dt.date():  # the day as each side states it
        return True
    if predicted.tzinfo and gold_dt.tzinfo:  # or the same day once in the gold's offset
        return predicted.astimezone(gold_dt.tzinfo).date() == gold_dt.date()
    return False


def fundus_components(output: Output, gold: dict) -> dict:
    expected = gold["expected"]
    gold_paragraphs = Counter(fundus_gold_paragraphs(expected))
    our_paragraphs = Counter(_ws(p) for p in output.paragraphs if _ws(p))
    want = {_ws(a).casefold() for a in expected.get("authors") or []}
    got = {_ws(a).casefold() for a in output.authors}
    dated = bool(expected.get("publishing_date"))
    return {
        "gold_total": sum(gold_paragraphs.values()),
        "gold_found": sum(n for text, n in gold_paragraphs.items() if text in our_paragraphs),
        "ours_total": sum(our_paragraphs.values()),
        "ours_matching": sum(n for text, n in our_paragraphs.items() if text in gold_paragraphs),
        "titled": 1, "title_ok": int(_ws(output.title or "") == _ws(expected.get("title") or "")),
        "dated": int(dated), "date_ok": int(dated and _day_matches(output.published_at, expected["publishing_date"])),
        "authors_total": len(want), "authors_found": len(want & got),
    }


def _metadata_share(components: list[dict]) -> dict:
    def share(hit: str, total: str) -> float:
        n = sum(c[total] for c in components)
        return sum(c[hit] for c in components) / n if n else 0.0
    return {"title": share("title_ok", "titled"), "date": share("date_ok", "dated"),
            "author_recall": share("authors_found", "authors_total")}


def aggregate(name: str, components: list[dict]) -> dict:
    """The set's scores over any subset of its pages' components (a fold, the whole set)."""
    if name == "aeb":
        n = len(components)
        return _prf(sum(c["precision"] for c in components) / n, sum(c["recall"] for c in components) / n) if n else _prf(0, 0)
    if name == "trafilatura":
        return {**_snippet_prf(components), **_metadata_share(components)}
    found, total = (sum(c[k] for c in components) for k in ("gold_found", "gold_total"))
    matching, ours_total = (sum(c[k] for c in components) for k in ("ours_matching", "ours_total"))
    return {**_prf(matching / ours_total if ours_total else 0.0, found / total if total else 0.0),
            **_metadata_share(components)}


def components(name: str, output: Output, gold: dict) -> dict:
    """One page's share of the set's scores."""
    if name == "aeb":
        return shingle_components(output.text, gold["articleBody"])
    if name == "trafilatura":
        return {**snippet_components(output.text, gold), **metadata_components(output, gold)}
    return fundus_components(output, gold)


def _gold_authors(value) -> list[str]:
    """trafilatura-eval's author field: a list, or one string naming one or more people."""
    if isinstance(value, list):
        return [_ws(a) for a in value if _ws(a)]
    return [_ws(a) for a in re.split(r";|,|\s+(?:and|und|&)\s+", value or "") if _ws(a)]


def metadata_components(output: Output, gold: dict) -> dict:
    """trafilatura-eval metadata, over the pages whose gold gives the field (a non-empty value):
    title exact match (whitespace normalised), date on the right day, author recall (case-insensitive)."""
    want = {a.casefold() for a in _gold_authors(gold.get("author"))}
    dated = _gold_date(gold.get("date")) is not None
    return {"titled": int(bool(gold.get("title"))),
            "title_ok": int(bool(gold.get("title")) and _ws(output.title or "") == _ws(gold["title"])),
            "dated": int(dated), "date_ok": int(dated and _day_matches(output.published_at, gold["date"])),
            "authors_total": len(want), "authors_found": len(want & {_ws(a).casefold() for a in output.authors})}


def score(name: str, pairs: list) -> dict:
    return aggregate(name, [components(name, output, gold) for output, gold in pairs])


# --- running ----------------------------------------------------------------

def run_system(system, pages: list[Page]) -> list[tuple[Output, dict]]:
    return [(system(decode_html(gzip.open(page.path).read()), page.url), page.gold) for page in pages]


def warehouse_outputs(warehouse: Path, pages: list[Page]) -> list[tuple[Output, dict]]:
    """Our side read from a pipeline run's Parquet tables, matched to pages by source_path suffix."""
    import pandas as pd

    articles = pd.read_parquet(warehouse / "articles")
    paragraphs = pd.read_parquet(warehouse / "paragraphs")
    paragraphs = paragraphs[~paragraphs["is_boilerplate"]].sort_values(["doc_id", "paragraph_index"])
    texts_by_doc = paragraphs.groupby("doc_id")["text"].apply(list).to_dict()
    by_tail, by_name = {}, {}  # "html/<key>.html.gz" and "<key>.html.gz", whatever the landing layout above
    for _, row in articles.iterrows():
        path = str(row["source_path"]).replace("\\", "/")
        by_tail.setdefault("/".join(path.split("/")[-2:]), []).append((path, row))
        by_name.setdefault(path.split("/")[-1], []).append(row)
    pairs, missing = [], 0
    for page in pages:
        candidates = by_tail.get("/".join(page.relative.split("/")[-2:]), [])
        row = next((r for path, r in candidates if path.endswith(page.relative)), None)
        same_name = by_name.get(page.relative.split("/")[-1], [])
        if row is None and len(same_name) == 1:
            row = same_name[0]
        if row is None:
            missing += 1
            pairs.append((Output(), page.gold))
            continue
        authors = row.get("authors")
        pairs.append((Output(
            text=row.get("text") or "",
            paragraphs=texts_by_doc.get(row["doc_id"], []),
            title=row.get("title"),
            authors=list(authors) if authors is not None else [],
            published_at=_timestamp(row.get("published_at")),
        ), page.gold))
    if missing:
        print(f"  {missing} of {len(pages)} pages not found in {warehouse}: scored as empty", file=sys.stderr)
    return pairs


def _timestamp(value):
    if value is None or value != value:  # None or NaT/NaN
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


COLUMNS = {"aeb": ["precision", "recall", "f1"], "trafilatura": ["precision", "recall", "f1", "title", "date", "author_recall"],
           "fundus": ["precision", "recall", "f1", "title", "date", "author_recall"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, help="score this run's articles/paragraphs Parquet tables")
    parser.add_argument("--sets", default="aeb,trafilatura,fundus")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-trafilatura baseline")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validated figures and ablations")
    parser.add_argument("--cv-only", action="store_true", help="only the cross-validated figures and ablations")
    args = parser.parse_args(argv)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # per-page "discarding data" chatter
    if not CORPORA.exists():
        print(f"{CORPORA} is absent: nothing to score", file=sys.stderr)
        return 1

    if args.cv_only:
        from quality_cv import main_cv
        main_cv(args.sets.split(","))
        return 0
    print(f"{'set':<12} {'system':<7} {'pages':>5}  " + "  ".join(f"{c:>13}" for c in COLUMNS["fundus"]) + "   secs")
    for name in args.sets.split(","):
        pages = load_pages(name)
        systems = [("ours", None)] + ([] if args.no_plain else [("plain", plain)])
        for label, system in systems:
            started = time.perf_counter()
            if label == "ours":
                pairs = warehouse_outputs(args.warehouse, pages) if args.warehouse else run_system(ours, pages)
            else:
                pairs = run_system(system, pages)
            scores = score(name, pairs)
            cells = "  ".join(f"{scores[c]:>13.3f}" if c in scores else f"{'':>13}" for c in COLUMNS["fundus"])
            print(f"{name:<12} {label:<7} {len(pages):>5}  {cells}  {time.perf_counter() - started:5.0f}", flush=True)
    if not (args.no_cv or args.warehouse):
        from quality_cv import main_cv
        main_cv(args.sets.split(","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
