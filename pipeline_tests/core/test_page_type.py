"""Page classifier: non-articles become not_an_article with their type; articles pass."""
import gzip
import json

import pytest

from pipeline.core.extract import ExtractionChoices, extract_article
from pipeline.core.models import Unusable
from pipeline.core.page_type import PageSignals, classify_page, is_feed
from pipeline.sample import generator as sample_corpus
from pipeline.settings import Settings
from pipeline_tests.conftest import require_shared


def _rejection(html: str, url: str | None) -> Unusable:
    with pytest.raises(Unusable) as caught:
        extract_article(html, url, Settings())
    return caught.value


@pytest.mark.parametrize("number", range(6))
def test_generated_section_fronts_are_listings(number):
    page = sample_corpus.PAGE_BUILDERS["index"](7, 6, 60, number)
    rejected = _rejection(page.html, page.gold["url"])
    assert rejected.reason in ("not_an_article", "no_article")
    if rejected.reason == "not_an_article":
        assert rejected.detail.startswith("listing")


def test_most_generated_section_fronts_are_recognised_as_listings_not_just_thin():
    verdicts = []
    for number in range(10):
        page = sample_corpus.PAGE_BUILDERS["index"](7, 6, 60, number)
        verdicts.append(_rejection(page.html, page.gold["url"]).detail.split(":")[0])
    assert verdicts.count("listing") >= 8, verdicts


@pytest.mark.parametrize("number", range(8))
def test_generated_articles_are_articles(number):
    page = sample_corpus.PAGE_BUILDERS["article"](7, 6, 60, number)
    assert extract_article(page.html, page.gold["url"], Settings()).paragraphs


def test_a_feed_is_rejected_before_extraction():
    feed = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>'
            + "".join(f"<item><title>Story {i} about the harbour cranes</title><link>https://x.example/{i}</link>"
                      "</item>" for i in range(5)) + "</channel></rss>")
    assert is_feed(feed)
    rejected = _rejection(feed, "https://x.example/feed")
    assert (rejected.reason, rejected.detail.split(":")[0]) == ("not_an_article", "feed")
    assert not is_feed("<!doctype html><html><body><p>rss</p></body></html>")


def test_site_root_is_a_homepage_unless_declared_an_article():
    signals = PageSignals(url_path="/", long_paragraphs=5, main_words=400)
    assert classify_page(signals)[0] == "homepage"
    assert classify_page(PageSignals(url_path="/~jdoe/", long_paragraphs=3))[0] == "homepage"
    assert classify_page(PageSignals(url_path="/", og_type="article", long_paragraphs=3))[0] == "article"
    # no URL known: the URL says nothing
    assert classify_page(PageSignals(url_path=None, long_paragraphs=3))[0] == "article"


def test_listing_urls_need_no_running_text_on_the_page():
    assert classify_page(PageSignals(url_path="/tag/harbour", long_paragraphs=3, page_long_paragraphs=0))[0] == "listing"
    assert classify_page(PageSignals(url_path="/themen/harbour-cranes-return-after-two-years", long_paragraphs=3,
                                     page_long_paragraphs=4))[0] == "article"
    assert classify_page(PageSignals(url_path="/news/list_4_2.html", page_long_paragraphs=0))[0] == "listing"


def test_classification_can_be_switched_off():
    page = sample_corpus.PAGE_BUILDERS["index"](7, 6, 60, 0)
    choices = ExtractionChoices(classify_pages=False)
    try:
        extract_article(page.html, page.gold["url"], Settings(), choices)
    except Unusable as exc:
        assert exc.reason == "no_article"


def test_dev_articles_are_articles():
    """Of every article page in the three dev sets, at most 1% is taken for a non-article."""
    root = require_shared("corpora")
    pages = []
    aeb = root / "article-extraction-benchmark-dev"
    for key, entry in json.loads((aeb / "ground-truth.json").read_text()).items():
        pages.append((aeb / "html" / f"{key}.html.gz", entry["url"]))
    fundus = root / "fundus-dev"
    for entry in json.loads((fundus / "index.json").read_text()):
        pages.append((fundus / entry["html"], entry["url"]))
    rejected = []
    for path, url in pages:
        html = gzip.open(path).read().decode("utf-8", errors="replace")
        try:
            extract_article(html, url, Settings())
        except Unusable as exc:
            if exc.reason == "not_an_article":
                rejected.append((url, exc.detail))
    assert len(pages) == 192
    assert len(rejected) <= 0.01 * len(pages), rejected


def test_the_page_link_share_counts_visible_words_only():
    """Words inside scripts, styles and templates are not the page's text: a link share of half the visible words
    stays a half however much inline code the page carries."""
    import lxml.html

    from pipeline.core.page_type import tree_signals

    code = " ".join(f"var w{i} = {i};" for i in range(2000))
    html = (f"<html><head><style>p {{ margin: 0 }}</style></head><body><script>{code}</script>"
            "<p>one two three four five six</p> <noscript>seven eight</noscript> "
            "<a href='/a'>alpha beta gamma</a> <a href='/b'>delta epsilon zeta</a>"
            f"<template><p>{code}</p></template></body></html>")
    signals = tree_signals(lxml.html.fromstring(html), "https://example.org/a", set(), None)
    assert signals.page_link_share == pytest.approx(0.5)
