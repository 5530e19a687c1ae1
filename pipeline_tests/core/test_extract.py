import gzip
import json
from datetime import timedelta

import pytest

from pipeline.core import extract
from pipeline.core.extract import clean_authors, extract_article
from pipeline.core.models import Unusable
from pipeline.settings import Settings

ARTICLE = """<html lang="en"><head><title>Harbour cranes return to Eastport | The Coastal Ledger</title>
<meta property="og:title" content="Harbour cranes return to Eastport">
<meta property="og:site_name" content="The Coastal Ledger">
<link rel="canonical" href="https://ledger.example.com/news/harbour-cranes">
<meta name="author" content="By Jane Doe, Transport Correspondent">
<meta property="article:published_time" content="2024-03-05T14:30:00+01:00">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Harbour cranes return to Eastport</h1>
<p>The first of four new container cranes arrived in Eastport on Tuesday, ending a two-year gap in which
the harbour could only load ships with their own gear.</p>
<p>Port officials said the cranes would let the harbour handle twice as many containers a week, and that
hiring for the night shift would start in April.</p>
<h2>What changes for the town</h2>
<p>Residents near the quay have been told to expect more lorry traffic on the coast road while a new
access lane is built.</p>
<ul><li>Night shifts start in April.</li><li>The coast road gets a new access lane.</li>
<li>Two more cranes arrive in the summer.</li></ul>
<blockquote><p>We have waited a long time for this, and the whole town will feel the difference.</p></blockquote>
<figure><img src="crane.jpg" alt="A crane"><figcaption>The new crane being unloaded at berth seven.</figcaption></figure>
<p>The harbour board will publish its traffic plan next month after a public consultation with
residents and businesses.</p>
<p>Sign up to our newsletter</p>
</article>
<footer><p>We use cookies to improve your experience. Accept all cookies</p></footer>
</body></html>"""

INDEX_PAGE = """<html><head><title>News | The Coastal Ledger</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><h1>Latest news</h1><ul>
<li><a href="/a1">Harbour cranes return to Eastport after two years</a></li>
<li><a href="/a2">Council approves a new lane for the coast road</a></li>
<li><a href="/a3">Ferry timetable changes from May for island routes</a></li>
<li><a href="/a4">Lifeboat crew rescues two sailors off the point</a></li>
<li><a href="/a5">School roof repairs finished three weeks early</a></li>
</ul></main><footer><a href="/about">About us</a></footer></body></html>"""

LOGIN_WALL = """<html><head><title>Members area | The Coastal Ledger</title></head><body><main>
<h1>Please log in to continue reading</h1>
<p>Already a subscriber? Sign in to continue.</p>
<form><label>Email</label><input name="email"><label>Password</label><input type="password">
<button>Log in</button></form>
<p>Subscribe now for unlimited access.</p></main></body></html>"""


@pytest.fixture(scope="module")
def article():
    return extract_article(ARTICLE, "https://ledger.example.com/news/harbour-cranes?utm=x", Settings())


def test_paragraph_kinds_come_from_the_structure(article):
    kinds = {p.text: p.kind for p in article.paragraphs}
    assert kinds["What changes for the town"] == "heading"
    assert kinds["Night shifts start in April."] == "list_item"
    assert kinds["We have waited a long time for this, and the whole town will feel the difference."] == "quote"
    assert article.paragraphs[0].text.startswith("The first of four new container cranes")
    assert article.paragraphs[0].kind == "paragraph"


def test_captions_placed_where_the_figure_stood(monkeypatch):
    monkeypatch.setattr(extract, "CAPTIONS", True)
    paragraphs = extract_article(ARTICLE, None, Settings()).paragraphs
    texts = [p.text for p in paragraphs]
    index = texts.index("The new crane being unloaded at berth seven.")
    assert paragraphs[index].kind == "caption"
    assert paragraphs[index - 1].kind == "quote"
    assert not any("crane.jpg" in text for text in texts)


def test_title_is_metadata_not_a_paragraph(article):
    assert article.title == "Harbour cranes return to Eastport"
    assert all(p.text != article.title for p in article.paragraphs)


def test_authors_without_by_or_job_title(article):
    assert article.authors == ["Jane Doe"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("By Jane Doe; Transport Correspondent", ["Jane Doe"]),
        ("Von Max Muster, Redakteur", ["Max Muster"]),
        ("Par Marie Dupont; Marie Dupont", ["Marie Dupont"]),
        (None, []),
    ],
)
def test_clean_authors(raw, expected):
    assert clean_authors(raw) == expected


def test_publication_date_is_timezone_aware(article):
    assert article.published_at.isoformat() == "2024-03-05T14:30:00+01:00"
    assert article.published_at.utcoffset() == timedelta(hours=1)


def test_site_name_canonical_url_and_language(article):
    assert article.site_name == "The Coastal Ledger"
    assert article.canonical_url == "https://ledger.example.com/news/harbour-cranes"
    assert article.language == "en"
    assert {p.language for p in article.paragraphs} == {"en"}


def test_boilerplate_is_flagged_not_deleted(article):
    newsletter = [p for p in article.paragraphs if p.text == "Sign up to our newsletter"]
    assert newsletter and newsletter[0].is_boilerplate
    assert newsletter[0].boilerplate_rule == "newsletter_signup"
    assert "Sign up to our newsletter" not in article.text
    assert "The harbour board will publish its traffic plan" in article.text


def test_paragraph_language_follows_the_paragraph():
    german = (
        "<p>Die Stadtverwaltung hat am Dienstag beschlossen, die Hafenstraße ab dem kommenden Monat für den "
        "Lieferverkehr zu sperren, weil die Bauarbeiten länger dauern als geplant.</p>"
    )
    page = ARTICLE.replace("<h2>What changes", german + "<h2>What changes")
    article = extract_article(page, None, Settings())
    languages = {p.text[:14]: p.language for p in article.paragraphs}
    assert languages["Die Stadtverwa"] == "de"
    assert languages["The first of f"] == "en"


@pytest.mark.parametrize("page", [INDEX_PAGE, LOGIN_WALL, "<html><body></body></html>"], ids=["index", "login", "empty"])
def test_pages_without_an_article_are_unusable(page):
    with pytest.raises(Unusable) as caught:
        extract_article(page, None, Settings())
    assert caught.value.reason == "no_article"


def test_real_page_extracts_gold_text(aeb_dir):
    """On a real benchmark page, our text carries the gold article's opening and closing words."""
    gold = json.loads((aeb_dir / "ground-truth.json").read_text())
    key = sorted(gold)[0]
    html = gzip.open(aeb_dir / "html" / f"{key}.html.gz").read().decode("utf-8", errors="replace")
    article = extract_article(html, gold[key]["url"], Settings())
    gold_lines = [line for line in gold[key]["articleBody"].split("\n") if len(line.split()) >= 8]
    assert gold_lines[0][:60] in article.text
    assert gold_lines[-1][-60:] in article.text
    assert article.title
