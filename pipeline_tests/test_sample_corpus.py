"""The invented demo / scale corpus: determinism, layout, gold truth, extractability."""
from __future__ import annotations

import gzip
import html
import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import trafilatura

from pipeline.sample import generator as sample_corpus
from pipeline.sample.generator import END_DATE, OUTLETS, TOPICS, generate_corpus

N_ARTICLES = 60
DAYS = 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[dict], int]:
    root = tmp_path_factory.mktemp("sample_corpus")
    pages = root / "pages"
    written = generate_corpus(pages, n_articles=N_ARTICLES, seed=7, days=DAYS, gold_path=root / "gold.jsonl")
    gold = [json.loads(line) for line in (root / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return pages, gold, written


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _html(pages: Path, record: dict) -> str:
    raw = (pages / record["path"]).read_bytes()
    if record["path"].endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("cp1252" if record["encoding"] == "windows-1252" else "utf-8")


def _visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _meta(page: str, attr: str, name: str) -> str:
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', page)
    assert match, f"no {name} meta"
    return html.unescape(match.group(1))


def _articles(gold: list[dict]) -> list[dict]:
    return [record for record in gold if record["kind"] == "article"]


def _first_sentence(paragraph: str) -> str:
    return re.split(r"(?<=[.!?”])\s", paragraph, maxsplit=1)[0]


# --------------------------------------------------------------------------- #
# Determinism
# --------------------------------------------------------------------------- #

def test_same_seed_gives_byte_identical_files(tmp_path):
    generate_corpus(tmp_path / "a", n_articles=25, seed=11, gold_path=tmp_path / "a.jsonl")
    generate_corpus(tmp_path / "b", n_articles=25, seed=11, gold_path=tmp_path / "b.jsonl")
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert first and first == second
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_different_seed_gives_different_corpus(tmp_path):
    generate_corpus(tmp_path / "a", n_articles=25, seed=11)
    generate_corpus(tmp_path / "b", n_articles=25, seed=12)
    assert _files(tmp_path / "a") != _files(tmp_path / "b")


# --------------------------------------------------------------------------- #
# Layout
# --------------------------------------------------------------------------- #

def test_counts_outlets_and_page_kinds(corpus):
    pages, gold, written = corpus
    files = [p for p in pages.rglob("*") if p.is_file()]
    assert written == len(files) == len(gold)
    kinds = Counter(record["kind"] for record in gold)
    assert kinds["article"] == N_ARTICLES
    assert kinds["index"] >= 1 and kinds["login"] >= 1
    assert kinds["index"] + kinds["login"] < N_ARTICLES * 0.15  # non-articles stay a small share
    assert {record["domain"] for record in _articles(gold)} == {o.domain for o in OUTLETS}
    assert {p.relative_to(pages).parts[0] for p in files} == {o.domain for o in OUTLETS}


def test_gzip_pages_are_valid_and_some_pages_are_nested(corpus):
    pages, gold, _ = corpus
    gzipped = [record for record in gold if record["path"].endswith(".html.gz")]
    assert gzipped
    for record in gzipped:
        assert gzip.decompress((pages / record["path"]).read_bytes()).startswith(b"<!DOCTYPE html>")
    depths = Counter(len(Path(record["path"]).parts) - 1 for record in gold)
    assert depths[1] > depths[2] > 0  # most pages one folder deep, some two


def test_gold_path_inside_pages_dir_is_refused(tmp_path):
    with pytest.raises(ValueError):
        generate_corpus(tmp_path / "pages", n_articles=5, gold_path=tmp_path / "pages" / "gold.jsonl")


def test_cli_reports_files_written(tmp_path, capsys):
    assert sample_corpus.main([str(tmp_path / "out"), "--articles", "12", "--seed", "3", "--days", "2"]) == 0
    written = len([p for p in (tmp_path / "out").rglob("*") if p.is_file()])
    assert f"Wrote {written} files" in capsys.readouterr().out
    assert written == 14  # 12 articles, one index page, one login wall


# --------------------------------------------------------------------------- #
# Gold truth
# --------------------------------------------------------------------------- #

def test_gold_metadata_matches_page_markup(corpus):
    pages, gold, _ = corpus
    for record in _articles(gold):
        page = _html(pages, record)
        assert _meta(page, "property", "og:title") == record["title"]
        assert _meta(page, "name", "author") == ", ".join(record["authors"])
        assert _meta(page, "property", "article:published_time") == record["published_at"]
        assert f'<link rel="canonical" href="{record["url"]}">' in page
        assert record["url"].startswith(f"https://{record['domain']}/")
        assert f"<title>{html.escape(record['title'], quote=False)}" in page


def test_gold_paragraphs_are_on_the_page(corpus):
    pages, gold, _ = corpus
    for record in gold:
        visible = _visible_text(_html(pages, record))
        for text in record["body_paragraphs"] + record["furniture_paragraphs"]:
            assert text in visible, (record["path"], text)
        assert len(record["body_kinds"]) == len(record["body_paragraphs"])
        assert len(record["furniture_kinds"]) == len(record["furniture_paragraphs"])
        if record["kind"] != "article":
            assert record["body_paragraphs"] == [] and record["published_at"] is None


def test_publication_dates_span_the_requested_days(corpus):
    _, gold, _ = corpus
    dates = [datetime.fromisoformat(record["published_at"]) for record in _articles(gold)]
    assert all(d.tzinfo is not None for d in dates)
    assert all(END_DATE - timedelta(days=DAYS) <= d <= END_DATE for d in dates)
    assert len({d.astimezone(END_DATE.tzinfo).date() for d in dates}) == DAYS


def test_articles_have_realistic_length_and_structure(corpus):
    pages, gold, _ = corpus
    for record in _articles(gold):
        words = sum(len(text.split()) for text in record["body_paragraphs"])
        assert 250 <= words <= 700, record["path"]
        assert 4 <= record["body_kinds"].count("paragraph") <= 12
    all_kinds = Counter(kind for record in _articles(gold) for kind in record["body_kinds"])
    assert all_kinds["heading"] and all_kinds["quote"] and all_kinds["list_item"]
    markup = "".join(_html(pages, record) for record in _articles(gold)[:20])
    for tag in ("<h2>", "<blockquote>", "<ul>", "<figure", "<figcaption>", "application/ld+json", "story-body"):
        assert tag in markup


def test_body_paragraphs_do_not_repeat_across_articles(corpus):
    """Corpus-level boilerplate removal must not be able to mistake body text for furniture."""
    _, gold, _ = corpus
    prose = Counter(text for record in _articles(gold)
                    for text, kind in zip(record["body_paragraphs"], record["body_kinds"]) if kind == "paragraph")
    assert max(prose.values()) == 1


def test_windows_1252_page_declares_its_charset(corpus):
    pages, gold, _ = corpus
    legacy = [record for record in gold if record["encoding"] == "windows-1252"]
    assert len(legacy) == 1
    raw = (pages / legacy[0]["path"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    page = raw.decode("cp1252")
    assert '<meta charset="windows-1252">' in page
    assert html.escape(legacy[0]["body_paragraphs"][0], quote=False) in page


# --------------------------------------------------------------------------- #
# Furniture
# --------------------------------------------------------------------------- #

def test_furniture_is_identical_or_nearly_identical_within_an_outlet(corpus):
    _, gold, _ = corpus
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for record in _articles(gold):
        by_outlet[record["outlet"]].append(record)
    for outlet in OUTLETS:
        records = by_outlet[outlet.name]
        assert all(outlet.cookie in record["furniture_paragraphs"] for record in records)
        counts = {text for record in records
                  for text, kind in zip(record["furniture_paragraphs"], record["furniture_kinds"])
                  if kind == "comment_count"}
        if len(records) > 2:
            assert len(counts) > 1  # "1,234 comments" changes from page to page
            assert all(re.search(r"\d", text) for text in counts)


def test_teasers_quote_headlines_of_other_articles(corpus):
    _, gold, _ = corpus
    titles: dict[str, set[str]] = defaultdict(set)
    for record in _articles(gold):
        titles[record["outlet"]].add(record["title"])
    teasers = 0
    for record in _articles(gold):
        for text, kind in zip(record["furniture_paragraphs"], record["furniture_kinds"]):
            if kind == "related":
                assert text in titles[record["outlet"]], (record["outlet"], text)
                teasers += 1
    assert teasers >= N_ARTICLES


def test_furniture_kinds_cover_the_page_chrome(corpus):
    _, gold, _ = corpus
    kinds = {kind for record in _articles(gold) for kind in record["furniture_kinds"]}
    expected = {"cookie", "nav", "masthead", "byline", "timestamp", "caption", "credit", "newsletter",
                "paywall", "donation", "related", "read_more", "comment", "comment_count", "author_blurb",
                "footer", "advertisement"}
    assert expected <= kinds


# --------------------------------------------------------------------------- #
# Extraction and entities
# --------------------------------------------------------------------------- #

def test_trafilatura_extracts_the_gold_body(corpus):
    pages, gold, _ = corpus
    one_per_outlet = {record["outlet"]: record for record in _articles(gold)}.values()
    for record in one_per_outlet:
        raw = (pages / record["path"]).read_bytes()
        if record["path"].endswith(".gz"):
            raw = gzip.decompress(raw)
        text = trafilatura.extract(raw, url=record["url"], include_comments=False) or ""
        for paragraph, kind in zip(record["body_paragraphs"], record["body_kinds"]):
            if kind == "paragraph":
                assert _first_sentence(paragraph) in text, (record["outlet"], paragraph)


def test_people_appear_as_full_name_surname_and_possessive(corpus):
    _, gold, _ = corpus
    body = "\n".join(text for record in _articles(gold) for text in record["body_paragraphs"])
    people = {person for topic in TOPICS for person in topic.cast}
    varied = []
    for person in people:
        full = person.full in body
        bare = re.search(rf"(?<!{re.escape(person.first)} )\b{re.escape(person.last)}\b(?!')", body)
        possessive = f"{person.last}'s" in body
        if full and bare and possessive:
            varied.append(person.full)
    assert "Marta Kowalczyk" in varied and len(varied) >= 5


def test_acronyms_are_spelled_out_before_use(corpus):
    _, gold, _ = corpus
    orgs = [org for topic in TOPICS for org in topic.orgs if org.acronym]
    checked = 0
    for record in _articles(gold):
        body = "\n".join(record["body_paragraphs"])
        for org in orgs:
            positions = [m.start() for m in re.finditer(rf"\b{org.acronym}\b", body)]
            if positions:
                assert body.find(f"{org.name} ({org.acronym})") == positions[0] - len(org.name) - 2
                checked += 1
    assert checked >= 10


def test_entities_list_names_what_the_body_mentions(corpus):
    _, gold, _ = corpus
    frequency = Counter(name for record in _articles(gold) for name in record["entities"])
    cast = {person.full for topic in TOPICS for person in topic.cast}
    people = [name for name, _ in frequency.most_common() if name in cast]
    assert frequency[people[0]] >= 3 * frequency[people[-1]]  # some people are far more frequent
    assert frequency["Marta Kowalczyk"] and frequency["European Union"]
    for record in _articles(gold):
        body = "\n".join(record["body_paragraphs"])
        for name in record["entities"]:
            if name in cast:
                assert name in body
