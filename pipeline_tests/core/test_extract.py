import gzip
import json
from datetime import timedelta

import pytest

from pipeline.core import extract
from pipeline.core.extract import ExtractionChoices, clean_authors, extract_article
from pipeline.core.models import Unusable
from pipeline.settings import Settings
from pipeline_tests.conftest import require_shared

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
        ("Jane Doe (jd); Max Muster [mm]", ["Jane Doe", "Max Muster"]),
        ("Hans Meier (hm) und Eva Roth (er)", ["Hans Meier", "Eva Roth"]),
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


@pytest.mark.parametrize("page, reason, detail", [
    (INDEX_PAGE, "not_an_article", "listing"),
    (LOGIN_WALL, "not_an_article", "login"),
    ("<html><body></body></html>", "no_article", ""),
], ids=["index", "login", "empty"])
def test_pages_without_an_article_are_unusable(page, reason, detail):
    with pytest.raises(Unusable) as caught:
        extract_article(page, None, Settings())
    assert caught.value.reason == reason
    assert caught.value.detail.startswith(detail)


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


# --- metadata ---------------------------------------------------------------

BODY = "".join(
    f"<p>Paragraph {n} of the story says the harbour board met on Tuesday and agreed the plan for the new "
    f"access lane after a long public consultation with residents.</p>" for n in range(4)
)


def _page(head: str, body: str = BODY) -> str:
    return f"<html lang='en'><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    "title, names, url, expected",
    [
        ("Steigende Zinsen setzen Dax zu | Börsen-Zeitung", ["Börsen-Zeitung"], None, "Steigende Zinsen setzen Dax zu"),
        ("Was wissen wir? – DW – 13.06.2023", [], "https://www.dw.com/de/x", "Was wissen wir?"),
        ("A story | Bhopal News - The Times of India", [], "https://timesofindia.indiatimes.com/x", "A story | Bhopal News"),
        ("Plot twist in court | The Daily Pundit | by Jane Doe", ["The Daily Pundit"], None, "Plot twist in court"),
        ("東京の記事 気象庁：朝日新聞デジタル", ["朝日新聞デジタル"], None, "東京の記事 気象庁"),
        ("Ledger | Harbour cranes return", ["The Ledger"], None, "Harbour cranes return"),
        ("Trains - and buses - are late again", ["The Coastal Ledger"], None, "Trains - and buses - are late again"),
        ("The Coastal Ledger", ["The Coastal Ledger"], None, "The Coastal Ledger"),
    ],
)
def test_site_name_is_stripped_from_titles(title, names, url, expected):
    assert extract.strip_site_name(title, extract.site_keys(names, url)) == expected


def test_title_prefers_og_title_and_skips_a_site_level_one():
    head = ("<title>Cranes return to Eastport | The Coastal Ledger</title>"
            "<meta property='og:site_name' content='The Coastal Ledger'>")
    assert extract_article(_page(head), None, Settings()).title == "Cranes return to Eastport"
    declared = head + "<meta property='og:title' content='Harbour cranes return to Eastport after two years'>"
    assert extract_article(_page(declared), None, Settings()).title == "Harbour cranes return to Eastport after two years"
    # an og:title sharing under half its words with the page's other titles is the site's slogan
    meta = extract.PageMetadata(og_title="Welcome to our website: news every day",
                                html_title="Cranes return to Eastport | The Coastal Ledger")
    keys = extract.site_keys(["The Coastal Ledger"], None)
    assert extract.choose_title("Cranes return to Eastport", meta, keys) == "Cranes return to Eastport"
    # an og:title cut short is completed from a longer page title that continues it
    meta = extract.PageMetadata(og_title="Cranes return to Eastport after", html_title="Cranes return to Eastport after two years")
    assert extract.choose_title(None, meta, keys) == "Cranes return to Eastport after two years"



@pytest.mark.parametrize(
    "title, names, url, others, expected",
    [
        # site names in other scripts, joined by unusual or full-width separators, spaced or not
        ("Краны вернулись в порт — Прибрежный вестник", ["Прибрежный вестник"], None, [], "Краны вернулись в порт"),
        ("港口起重机恢复运行｜海岸日报", ["海岸日报"], None, [], "港口起重机恢复运行"),
        ("عودة الرافعات إلى الميناء » صحيفة الساحل", ["صحيفة الساحل"], None, [], "عودة الرافعات إلى الميناء"),
        ("Harbour cranes return/Coastal Ledger", [], "https://www.coastalledger.example/x", [], "Harbour cranes return"),
        ("Harbour cranes return・Coastal Ledger", [], "https://coastalledger.example/", [], "Harbour cranes return"),
        ("Coastal Ledger :: Harbour cranes return", ["Coastal Ledger"], None, [], "Harbour cranes return"),
        # a section the other candidates lack is an affix; a colon's kicker stays
        ("Port news | Harbour cranes return to Eastport", [], None, ["Harbour cranes return to Eastport"],
         "Harbour cranes return to Eastport"),
        ("Harbour cranes return to Eastport · Port news", [], None, ["Harbour cranes return to Eastport"],
         "Harbour cranes return to Eastport"),
        ("Eastport: Harbour cranes return", [], None, ["Harbour cranes return"], "Eastport: Harbour cranes return"),
        # no evidence: nothing goes; quotes and hyphenated words are not separators
        ("Port news | Harbour cranes return to Eastport", ["The Coastal Ledger"], None, [],
         "Port news | Harbour cranes return to Eastport"),
        ("»Cranes are back« says the Ledger's mayor", ["Ledger"], None, [], "»Cranes are back« says the Ledger's mayor"),
        ("Eastport-Ledger cranes return", ["Ledger"], None, [], "Eastport-Ledger cranes return"),
        # a "site name" that is itself the headline (a fallback site name) strips nothing
        ("Results: Harbour rowing regatta", ["Results: Harbour rowing regatta"], None, [],
         "Results: Harbour rowing regatta"),
        ("The Coastal Ledger", ["The Coastal Ledger"], None, [], "The Coastal Ledger"),
    ],
)
def test_affixes_are_stripped_in_any_script(title, names, url, others, expected):
    assert extract.strip_affixes(title, extract.site_keys(names, url), others) == expected


_CANDIDATES = ("<title>Harbour cranes return to Eastport after two years | The Coastal Ledger</title>"
               "<meta property='og:site_name' content='The Coastal Ledger'>"
               "<meta property='og:title' content='Cranes are back'>"
               "<meta name='twitter:title' content='Cranes are back'>")


def test_title_candidates_scored_against_each_other():
    body = "<h1>Harbour cranes return to Eastport after two years</h1>" + BODY
    page = _page(_CANDIDATES, body)
    # og:title first: the declared title wins though the headline the page shows differs
    assert extract_article(page, None, Settings(), ExtractionChoices(title="scored")).title == "Cranes are back"
    # scored: <h1> and <title> (its site suffix stripped) agree; og:title has only its copies (which do not vote)
    agreement = ExtractionChoices(title="agreement", title_affixes=True,
                                  title_scoring=extract.TitleScoring(copy_weight=0.0))
    article = extract_article(page, None, Settings(), agreement)
    assert article.title == "Harbour cranes return to Eastport after two years"
    assert all(p.text != article.title for p in article.paragraphs)
    # the copies' votes weigh less: og:title and twitter:title no longer outvote a single other source
    meta = extract.PageMetadata(og_title="Cranes are back", twitter_title="Cranes are back",
                                h1=["Harbour cranes return to Eastport"])
    scoring = extract.TitleScoring(order=("og", "ld", "h1", "twitter", "title", "extracted"))
    assert extract.score_title("Cranes are back", meta, set(), scoring) == "Cranes are back"
    lighter = extract.TitleScoring(order=("h1", "og", "ld", "twitter", "title", "extracted"), copy_weight=0.0)
    assert extract.score_title("Cranes are back", meta, set(), lighter) == "Harbour cranes return to Eastport"


def test_contained_candidate_scores_over_its_longer_forms():
    # JSON-LD says the bare headline; the others add a kicker or a section: containment is agreement
    meta = extract.PageMetadata(headlines=["Harbour cranes return"], og_title="Eastport: Harbour cranes return",
                                h1=["Live: Harbour cranes return"])
    keys = extract.site_keys(["Ledger"], None)
    assert extract.score_title(None, meta, keys, extract.TitleScoring(contained=1.0)) == "Harbour cranes return"
    assert extract.score_title(None, meta, keys, extract.TitleScoring(contained=0.0)) == "Eastport: Harbour cranes return"
    assert extract.score_title(None, extract.PageMetadata(), keys) is None

def _json_ld(data) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def test_authors_are_people_from_json_ld_not_the_publisher_and_credited_organisations_beside_them():
    head = _json_ld({"@context": "https://schema.org", "@graph": [{
        "@type": "NewsArticle", "headline": "Harbour cranes return",
        "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "Condé Nast"},
                   {"@type": "Person", "name": "By Sam Roe, Transport Editor"}],
        "publisher": {"@type": "Organization", "name": "The Coastal Ledger"},
    }]})
    assert extract_article(_page(head), None, Settings()).authors == ["Jane Doe", "Sam Roe", "Condé Nast"]
    without = ExtractionChoices(author_organisations=False)
    assert extract_article(_page(head), None, Settings(), without).authors == ["Jane Doe", "Sam Roe"]


def test_an_organisation_credited_alone_stays_the_author():
    head = _json_ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Coastal News Agency"}})
    assert extract_article(_page(head), None, Settings()).authors == ["Coastal News Agency"]


def test_catalogue_creators_are_turned_round():
    head = "<meta name='dc.creator' content='Tollefson, Jeff'><meta name='dc.creator' content='Basu, Mohana'>"
    assert extract_article(_page(head), None, Settings()).authors == ["Jeff Tollefson", "Mohana Basu"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("By Jane Doe and Sam Roe", ["Jane Doe", "Sam Roe"]),
        ("Isabel Caro; Rocío Latorre y José Wilson", ["Isabel Caro", "Rocío Latorre", "José Wilson"]),
        ("Sophie Foster; sophie-foster", ["Sophie Foster"]),
        ("edilson.la.rosa", ["Edilson La Rosa"]),
        ("Vom Krimiblogger", ["Krimiblogger"]),
        ("Redaktion", ["Redaktion"]),
        ("Jane Doe; Redaktion", ["Jane Doe"]),
        ("No Author", []),
        ("wordpressadmin", []),
    ],
)
def test_clean_authors_more(raw, expected):
    assert clean_authors(raw) == expected


def test_declared_publication_time_gives_the_offset():
    head = ("<meta property='article:published_time' content='2024-03-05T22:30:00+01:00'>"
            "<meta name='date' content='2024-03-05'>")
    published = extract_article(_page(head), None, Settings()).published_at
    assert published.isoformat() == "2024-03-05T22:30:00+01:00"


def test_standfirst_marked_by_the_page_gets_its_kind():
    lead = ("<p class='article-standfirst'>Four new cranes arrive in Eastport this week, ending a two-year gap "
            "for the harbour.</p>")
    article = extract_article(_page("", "<h1>Cranes</h1>" + lead + BODY), None, Settings())
    assert article.paragraphs[0].kind == "standfirst"
    assert article.paragraphs[0].text.startswith("Four new cranes arrive")
    assert {p.kind for p in article.paragraphs[1:]} == {"paragraph"}


def test_menu_of_web_component_links_is_flagged():
    menu = "".join(f"<div><pp-link href='/s{i}'><p>Section number {i}</p></pp-link></div>" for i in range(6))
    article = extract_article(_page("", menu + BODY), None, Settings())
    flagged = [p for p in article.paragraphs if p.text.startswith("Section number")]
    assert all(p.boilerplate_rule == "link_run" for p in flagged)
    assert "Section number" not in article.text


# --- real pages ---------------------------------------------------------------

def _fundus_page(publisher: str):
    root = require_shared("corpora", "fundus-dev")
    for entry in json.loads((root / "index.json").read_text()):
        if entry["publisher"] == publisher:
            expected = json.loads((root / entry["country"] / f"{publisher}.json").read_text())[entry["version"]]
            html = gzip.open(root / entry["html"]).read().decode("utf-8", errors="replace")
            return extract_article(html, entry["url"], Settings()), expected
    pytest.skip(f"no {publisher} page")


@pytest.mark.parametrize("publisher", ["BoersenZeitung", "TheCitizen", "TaipeiTimes"])
def test_real_titles_lose_their_site_suffix(publisher):
    article, expected = _fundus_page(publisher)
    assert article.title == expected["title"].strip()


@pytest.mark.parametrize("publisher", ["Nature", "FreeBeacon"])
def test_real_authors_are_the_people_named(publisher):
    article, expected = _fundus_page(publisher)
    assert article.authors == expected["authors"]


def test_every_benchmark_page_yields_an_article(aeb_dir):
    gold = json.loads((aeb_dir / "ground-truth.json").read_text())
    for key, entry in gold.items():
        html = gzip.open(aeb_dir / "html" / f"{key}.html.gz").read().decode("utf-8", errors="replace")
        assert extract_article(html, entry["url"], Settings()).text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Hello \t  world \u00a0 again  ", "Hello world again"),
        ("first line  \n\n\n   second line\r\n", "first line\nsecond line"),
        (" \n \t ", ""),
    ],
)
def test_clean_paragraph_text(raw, expected):
    assert extract.clean_paragraph_text(raw) == expected


def test_paragraph_text_has_no_layout_whitespace():
    body = "".join(
        f"<p>\n      Paragraph {n} says   the harbour board\n        met on Tuesday and agreed the plan for the"
        f" new access lane<br>after a long consultation.   </p>" for n in range(4)
    )
    article = extract_article(_page("<title>Harbour plan</title>", body), None, Settings())
    assert article.paragraphs
    for paragraph in article.paragraphs:
        text = paragraph.text
        assert text == text.strip() and "  " not in text and "\n\n" not in text and "\t" not in text


def test_real_pages_have_clean_paragraph_text(aeb_dir):
    gold = json.loads((aeb_dir / "ground-truth.json").read_text())
    checked = 0
    for key in sorted(gold)[:20]:
        html = gzip.open(aeb_dir / "html" / f"{key}.html.gz").read().decode("utf-8", errors="replace")
        try:
            article = extract_article(html, gold[key]["url"], Settings())
        except Unusable:
            continue
        for paragraph in article.paragraphs:
            assert paragraph.text == extract.clean_paragraph_text(paragraph.text)
            checked += 1
    assert checked > 100


def test_date_source_and_precision():
    declared = _json_ld({"@type": "NewsArticle", "datePublished": "2024-03-15T00:50:00+02:00"})
    article = extract_article(_page(declared), None, Settings())
    assert (article.date_source, article.date_precision) == ("json_ld", "time")
    assert article.published_at.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("value", ["2024-03-15", "2024-03-15T00:00:00+02:00"])
def test_a_date_alone_is_never_moved_to_another_day(value):
    article = extract_article(_page(_json_ld({"@type": "NewsArticle", "datePublished": value})), None, Settings())
    assert article.date_precision == "day"
    assert article.published_at.tzinfo is None
    assert article.published_at.date().isoformat() == "2024-03-15"


def test_an_agency_credited_beside_a_person_is_kept():
    head = "<meta name='author' content='Marie Dupont et AFP'>"
    assert extract_article(_page(head), None, Settings()).authors == ["Marie Dupont", "AFP"]


# --- line breaks, the page's lead, title disagreement ---------------------------

BR_PARAGRAPHS = (
    "<p>The harbour board met on Tuesday and agreed the plan for the new access lane after a long consultation."
    "<br>Residents near the quay have been told to expect more lorry traffic while the lane is built.<br>"
    "Work starts in April and should take about six months, the board said in its statement.</p>"
    "<p>The board also said the cost of the lane would be shared with the county council and"
    "<br>the port operator, which will pay for the lighting.</p>"
)


def test_a_line_break_after_a_sentence_starts_a_paragraph():
    article = extract_article(_page("<title>Harbour plan</title>", BR_PARAGRAPHS + BODY), None, Settings())
    texts = [p.text for p in article.paragraphs]
    assert texts[0].startswith("The harbour board met") and texts[0].endswith("long consultation.")
    assert texts[1].startswith("Residents near the quay") and texts[2].startswith("Work starts in April")
    # a break inside a sentence is not a paragraph boundary: it stays one line break
    assert "shared with the county council and\nthe port operator" in texts[3]
    kept = extract_article(_page("<title>Harbour plan</title>", BR_PARAGRAPHS + BODY), None, Settings(),
                           ExtractionChoices(line_breaks="keep"))
    assert kept.paragraphs[0].text.count("\n") == 2


def test_split_line_breaks_keeps_headings_and_list_items():
    from pipeline.core.models import Paragraph

    paragraphs = [Paragraph("One.\nTwo.", kind="heading"), Paragraph("A.\nB.", kind="list_item"),
                  Paragraph("Lead one.\nLead two.", kind="standfirst"), Paragraph("Ends here.\nNext one.")]
    split = extract.split_line_breaks(paragraphs)
    assert [(p.text, p.kind) for p in split] == [
        ("One.\nTwo.", "heading"), ("A.\nB.", "list_item"), ("Lead one.", "standfirst"), ("Lead two.", "paragraph"),
        ("Ends here.", "paragraph"), ("Next one.", "paragraph")]
    assert [p.text for p in extract.split_line_breaks([Paragraph("no end\nhere.")], after_sentence_end=False)] \
        == ["no end", "here."]


def test_layout_newlines_around_links_are_spaces():
    body = ("<p>Viele Fans haben sich bereits den Tag angestrichen, vielmehr das Startdatum für\n<a href='/x'>den "
            "alljährlichen Tag</a> der Sets, der\n<b>wichtigste Termin</b> im Jahr mit einer Reihe von Angeboten.</p>")
    article = extract_article(_page("<title>Tag</title>", body + BODY), None, Settings())
    assert article.paragraphs[0].text.startswith("Viele Fans")
    assert "\n" not in article.paragraphs[0].text
    assert "Startdatum für den alljährlichen Tag der Sets, der wichtigste Termin" in article.paragraphs[0].text


def test_the_description_the_page_shows_becomes_the_standfirst():
    from lxml import html as lxml_html

    lead = "Four new cranes arrive in Eastport this week, ending a two-year gap for the harbour."
    page = (f"<html><head><meta name='description' content='{lead}'></head><body><article><h1>Cranes</h1>"
            f"<div class='x'><span>{lead}</span></div>{BODY}</article><footer><p>{lead}</p></footer></body></html>")
    tree = lxml_html.fromstring(page)
    assert extract.visible_description(tree, lead) == lead
    assert extract.visible_description(tree, "Not on the page at all, in any element of its body text.") is None
    hidden = page.replace(f"<div class='x'><span>{lead}</span></div>", "")
    assert extract.visible_description(lxml_html.fromstring(hidden), lead) is None  # only in the footer
    from pipeline.core.models import Paragraph

    body = [Paragraph("The first paragraph of the story.")]
    added = extract.add_description_lead(body, lead, "Cranes")
    assert (added[0].text, added[0].kind) == (lead, "standfirst") and added[1:] == body
    assert extract.add_description_lead([Paragraph(lead + " More.")], lead, "Cranes")[0].text == lead + " More."
    assert extract.add_description_lead(body, lead, lead) == body  # the title is not a lead


def test_title_disagreement_prefers_the_headline_the_page_shows():
    meta = extract.PageMetadata(og_title="Short social title", headlines=["The headline shown on the page"],
                                h1=["The headline shown on the page"], html_title="The headline shown on the page | Ledger")
    assert extract.settle_title_disagreement("Short social title", meta, set()) == "The headline shown on the page"
    agree = extract.PageMetadata(og_title="Same", headlines=["Same"], h1=["Other"])
    assert extract.settle_title_disagreement("Same", agree, set()) == "Same"


# --- the visible <h1> core, cut titles, site names, the subtitle under the headline ------------------

def test_a_declared_title_with_affixes_around_the_h1_gives_the_h1():
    keys = extract.site_keys(["The Coastal Ledger"], "https://ledger.example.com/a")
    meta = extract.PageMetadata(og_title="Harbour | Cranes return to Eastport after two years", h1=["Cranes return to Eastport after two years"])
    assert extract.visible_core("Harbour | Cranes return to Eastport after two years", meta, keys) \
        == "Cranes return to Eastport after two years"
    meta = extract.PageMetadata(h1=["Cranes return to Eastport"])
    assert extract.visible_core("Cranes return to Eastport: what changes", meta, keys) == "Cranes return to Eastport"
    # a colon kicker in front is part of the headline
    meta = extract.PageMetadata(h1=["Cranes return after two years"])
    assert extract.visible_core("Eastport: Cranes return after two years", meta, keys) == "Eastport: Cranes return after two years"
    # an <h1> with under half the title's words, or the site's name, is not the headline
    meta = extract.PageMetadata(h1=["Cranes"])
    assert extract.visible_core("Cranes return to Eastport after two years", meta, keys) == "Cranes return to Eastport after two years"
    meta = extract.PageMetadata(h1=["The Coastal Ledger"])
    assert extract.visible_core("The Coastal Ledger | Cranes", meta, keys) == "The Coastal Ledger | Cranes"
    # on a page: the choice switches it
    head = "<meta property='og:title' content='Ports | Harbour cranes return to Eastport'>"
    page = _page(head, "<h1>Harbour cranes return to Eastport</h1>" + BODY)
    assert extract_article(page, None, Settings()).title == "Harbour cranes return to Eastport"
    off = ExtractionChoices(title_visible_core=False)
    assert extract_article(page, None, Settings(), off).title == "Ports | Harbour cranes return to Eastport"


def test_a_declared_title_is_completed_only_when_it_looks_cut():
    assert extract.looks_truncated("Cranes return to Eastport and")
    assert extract.looks_truncated("Cranes return to Eastport…") and extract.looks_truncated("Kräne kehren zurück und")
    assert not extract.looks_truncated("Cranes return to Eastport")
    keys = set()
    whole = extract.PageMetadata(og_title="Cranes return to Eastport",
                                 html_title="Cranes return to Eastport in a battling week")
    assert extract.choose_title(None, whole, keys, continuation="truncated") == "Cranes return to Eastport"
    assert extract.choose_title(None, whole, keys, continuation="always") == "Cranes return to Eastport in a battling week"
    cut = extract.PageMetadata(og_title="Cranes return to Eastport after", html_title="Cranes return to Eastport after two years")
    assert extract.choose_title(None, cut, keys, continuation="truncated") == "Cranes return to Eastport after two years"
    assert extract.choose_title(None, cut, keys, continuation="never") == "Cranes return to Eastport after"


def test_the_site_name_is_never_the_title():
    meta = extract.PageMetadata(og_title="The Coastal Ledger", headlines=["Cranes return to Eastport"],
                                site_names=["The Coastal Ledger"], html_title="Cranes return to Eastport | The Coastal Ledger")
    names = extract.site_name_keys(meta, "https://ledger.example.com/a")
    assert extract.is_site_name("The Coastal Ledger", names) and not extract.is_site_name("Cranes return", names)
    assert extract.choose_title(None, meta, set(), site_names=names) == "Cranes return to Eastport"
    assert extract.choose_title(None, meta, set()) == "The Coastal Ledger"
    # a declared "site name" that is the headline the page shows is not the site's name
    shown = extract.PageMetadata(site_names=["Cranes return to Eastport"], h1=["Cranes return to Eastport"])
    assert not extract.is_site_name("Cranes return to Eastport", extract.site_name_keys(shown, None))
    # the fall-back candidates too: trafilatura's title that is the domain's name gives way to <title>
    bare = extract.PageMetadata(html_title="Cranes return to Eastport")
    names = extract.site_name_keys(bare, "https://ledger.example.com/a")
    assert extract.choose_title("Ledger", bare, set(), site_names=names) == "Cranes return to Eastport"


SUBTITLE = "Four new cranes arrive this week, ending a two-year gap for the harbour and its workers."


def test_the_subtitle_under_the_headline_becomes_the_standfirst():
    from lxml import html as lxml_html

    def subtitle(body: str):
        return extract.subtitle_under_headline(lxml_html.fromstring(f"<html><body>{body}</body></html>"))

    assert subtitle(f"<article><h1>Cranes return</h1><p class='x'>{SUBTITLE}</p><p>Body.</p></article>") == SUBTITLE
    # the <h1> alone in its wrapper: the element after the wrapper
    assert subtitle(f"<article><div><h1>Cranes return</h1></div><h2>{SUBTITLE}</h2></article>") == SUBTITLE
    # a byline or dateline, a short line, a run of links are not a subtitle
    assert subtitle("<h1>Cranes return</h1><p>By Jane Doe and John Roe of the Ledger, harbour desk</p>") is None
    assert subtitle("<h1>Cranes return</h1><p>Posted on the quay at 10:45 this morning by our whole team</p>") is None
    assert subtitle("<h1>Cranes return</h1><p>Short line.</p>") is None
    links = "".join(f"<a href='/{n}'>Section number {n}</a> " for n in range(4))
    assert subtitle(f"<h1>Cranes return</h1><div>{links}</div>") is None
    # a subtitle in the page's header, which the main text leaves out
    page = (f"<html><head><title>Cranes return</title></head><body><header><h1>Cranes return</h1>"
            f"<div class='x'>{SUBTITLE}</div></header><main><article>{BODY}</article></main></body></html>")
    article = extract_article(page, None, Settings())
    assert (article.paragraphs[0].text, article.paragraphs[0].kind) == (SUBTITLE, "standfirst")
    plain = extract_article(page, None, Settings(), ExtractionChoices(headline_lead=False))
    assert SUBTITLE not in plain.text
