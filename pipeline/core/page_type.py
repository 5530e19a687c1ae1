"""Is a page an article? Page types from signals that hold on any site.

A page is an article, or one of: ``listing`` (index, section, tag, category,
archive or search results page), ``homepage``, ``feed``, ``redirect`` (a stub
that only forwards), ``login`` or ``error``. The signals are structural, never
phrases of one site: the structured-data type the page declares (schema.org
``NewsArticle``... against ``CollectionPage``, ``ItemList``...), ``og:type``,
the URL's shape, the share of the extracted text that is link labels, blocks
repeating a teaser shape (a heading or an image with a link), and how many
paragraphs of running text the main text has.

``page_signals`` measures; ``classify_page`` decides, with thresholds that
bench/page_types.py checks on pages of both kinds from several sources.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_WORD = re.compile(r"\w+")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_COUNTED_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")  # a CJK character counts as a word


def word_count(text: str) -> int:
    return len(_COUNTED_WORD.findall(text))

ARTICLE_TYPES = re.compile(r"^(\w*article|blogposting|posting|report|liveblogposting|newsarticle|opinionnewsarticle)$",
                           re.IGNORECASE)
LISTING_TYPES = re.compile(r"^(collectionpage|itemlist|searchresultspage|profilepage|aboutpage|contactpage)$",
                           re.IGNORECASE)
# URL path segments that name an index of other pages: as the last segment ("/archive/", "/themen/"), or as the
# first of exactly two ("/tag/<name>", "/category/<name>/"); "/page/2" as the last two
_LISTING_SEGMENT = re.compile(
    r"^(tags?|topics?|themen|thema|category|categories|kategorie|rubrik|ressort|sections?|archives?|archiv|"
    r"search|suche|recherche|authors?|autor|autoren|latest|news|nachrichten|actualites|blog|stories)$",
    re.IGNORECASE,
)
_NAMED_INDEX = re.compile(r"^(tags?|category|categories|kategorie|rubrik|authors?|autor|topics?)$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page|seite|p)$", re.IGNORECASE)
_LISTING_FILE = re.compile(r"^list[_-]?\d*(?:[_-]\d+)*\.\w+$", re.IGNORECASE)
_HOME_PATH = re.compile(r"^/?(~[^/]+/?|(index|default|home)\.\w+)?$", re.IGNORECASE)  # "/", "/~user/", "/index.html"
_SEARCH_QUERY = re.compile(r"(?:^|&)(q|s|query|search|suche)=", re.IGNORECASE)
_LOGIN_PATH = re.compile(r"/(login|log-in|signin|sign-in|anmelden|connexion|account/login)\b", re.IGNORECASE)
_ERROR_TITLE = re.compile(
    r"\b(404|410|500|page not found|not found|seite nicht gefunden|page introuvable|página no encontrada|"
    r"error|fehler|erreur)\b", re.IGNORECASE)

LONG_PARAGRAPH_WORDS = 30  # a paragraph of running text
STUB_MAX_WORDS = 60  # redirect, login and error pages have little text
LOGIN_MAX_WORDS = 150


@dataclass(frozen=True)
class Thresholds:
    """The classifier's tuned numbers (chosen by leave-one-source-out in bench/page_types.py)."""

    article_min_long_paragraphs: int = 2  # running text an article has, unless its page declares it an article
    listing_link_share: float = 0.3  # share of the main text's words that are link labels, on an index page
    listing_min_teasers: int = 6  # repeated teaser blocks on an index page
    listing_teaser_link_share: float = 0.0  # ...with at least this share of the text in links


DEFAULT_THRESHOLDS = Thresholds()


@dataclass
class PageSignals:
    url_path: str | None = None  # None when the page's URL is unknown
    url_query: str = ""
    declared_types: set[str] = field(default_factory=set)  # JSON-LD @type values, lower case
    og_type: str | None = None
    meta_refresh: bool = False
    has_password_input: bool = False
    html_title: str = ""
    teaser_blocks: int = 0  # largest group of sibling blocks of one shape that each hold a headline-like link
    page_link_share: float = 0.0  # share of the whole page's visible words inside links
    page_long_paragraphs: int = 0  # <p> elements anywhere on the page with LONG_PARAGRAPH_WORDS words outside links
    main_words: int = 0  # words of the extracted main text
    link_words: int = 0  # of those, words in lines that are whole link labels
    long_paragraphs: int = 0  # extracted paragraphs with at least LONG_PARAGRAPH_WORDS words outside link labels

    @property
    def link_share(self) -> float:
        return self.link_words / self.main_words if self.main_words else 0.0


def url_shape(url: str | None) -> tuple[str | None, str]:
    if not url or "://" not in url:
        return None, ""
    parts = urlsplit(url)
    return parts.path or "", parts.query or ""


_FEED_START = re.compile(r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<\?xml-stylesheet[^>]*>\s*)*<(rss|feed|rdf:rdf)\b",
                         re.IGNORECASE | re.DOTALL)


def is_feed(text: str) -> bool:
    """An RSS, Atom or RDF feed: its root element, after the XML declaration, names it."""
    return bool(_FEED_START.match(text[:2000]))


def tree_signals(tree, url: str | None, declared_types: set[str], og_type: str | None) -> PageSignals:
    """The signals of the page as a whole (before main-text extraction)."""
    signals = PageSignals(declared_types={t.casefold() for t in declared_types}, og_type=(og_type or "").casefold() or None)
    signals.url_path, signals.url_query = url_shape(url)
    signals.meta_refresh = bool(tree.xpath('//meta[translate(@http-equiv, "REFSH", "refsh")="refresh"][contains(@content, "=")]'))
    signals.has_password_input = bool(tree.xpath('//input[@type="password"]'))
    titles = tree.xpath("//title/text()")
    signals.html_title = " ".join(str(titles[0]).split()) if titles else ""
    signals.teaser_blocks = teaser_blocks(tree)
    signals.page_link_share, signals.page_long_paragraphs = _page_text(tree)
    return signals


TEASER_MIN_LINK_WORDS = 4  # a headline link, not a menu entry


def teaser_blocks(tree) -> int:
    """The largest number of sibling elements of one tag and class that each hold a headline-like link (a link
    of at least TEASER_MIN_LINK_WORDS words): the repeated cards of a listing."""
    best = 0
    for parent in tree.xpath("//body//*[count(*) >= 4]"):
        shapes: Counter = Counter()
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            if any(word_count(a.text_content()) >= TEASER_MIN_LINK_WORDS for a in child.iter("a")):
                shapes[(child.tag, child.get("class", ""))] += 1
        if shapes:
            best = max(best, shapes.most_common(1)[0][1])
    return best


# text nodes outside scripts and styles: counting words in the inline code and subtracting them cost more than
# the rest of the page's signals together
_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"


def _page_text(tree) -> tuple[float, int]:
    """(share of the body's visible words inside links, <p> elements of running text outside links)."""
    bodies = tree.xpath("//body")
    if not bodies:
        return 0.0, 0
    total = word_count("".join(bodies[0].xpath(_VISIBLE_TEXT)))
    linked = sum(word_count(link.text_content()) for link in bodies[0].iter("a"))
    running = 0
    for paragraph in tree.iter("p"):
        words = word_count(paragraph.text_content())
        if words >= LONG_PARAGRAPH_WORDS:
            words -= sum(word_count(link.text_content()) for link in paragraph.iter("a"))
            running += words >= LONG_PARAGRAPH_WORDS
    return (linked / total if total else 0.0), running


CONTAINED_LABEL_MIN_WORDS = 3  # a link label this long counts as linked text inside a longer line too


def add_text_signals(signals: PageSignals, paragraph_texts: list[str], link_labels: frozenset[str]) -> None:
    """The signals of the extracted main text: its words, the share in link labels (a line that is a whole label,
    or the longest label of at least CONTAINED_LABEL_MIN_WORDS words inside it: a teaser's headline link), and
    its paragraphs of running text (LONG_PARAGRAPH_WORDS words outside links)."""
    long_labels = [label for label in link_labels if label.count(" ") + 1 >= CONTAINED_LABEL_MIN_WORDS]
    for text in paragraph_texts:
        outside = 0
        for line in text.split("\n"):
            words = word_count(line)
            key = " ".join(_WORD.findall(line.casefold()))
            if key in link_labels:
                linked = words
            else:
                padded = f" {key} "
                linked = max((word_count(label) for label in long_labels if f" {label} " in padded), default=0)
            signals.main_words += words
            signals.link_words += linked
            outside += words - linked
        if outside >= LONG_PARAGRAPH_WORDS:
            signals.long_paragraphs += 1


def _declares_article(signals: PageSignals) -> bool:
    return any(ARTICLE_TYPES.match(t) for t in signals.declared_types) or signals.og_type == "article"


def _listing_url(path: str, query: str) -> bool:
    segments = [s for s in path.split("/") if s]
    if _SEARCH_QUERY.search(query):
        return True
    if not segments:
        return False
    if _LISTING_SEGMENT.match(segments[-1]) or _LISTING_FILE.match(segments[-1]):
        return True
    if len(segments) >= 2 and _PAGE_NUMBER.match(segments[-2]) and segments[-1].isdigit():
        return True
    return len(segments) == 2 and bool(_NAMED_INDEX.match(segments[0]))


def classify_page(signals: PageSignals, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[str, str]:
    """(page type, the evidence): "article" or one of listing, homepage, feed, redirect, login, error."""
    declared = _declares_article(signals)
    running = signals.long_paragraphs
    if signals.meta_refresh and signals.main_words <= STUB_MAX_WORDS:
        return "redirect", f"meta refresh and {signals.main_words} words"
    if _ERROR_TITLE.search(signals.html_title) and running == 0 and signals.main_words <= LOGIN_MAX_WORDS:
        return "error", f"error title and {signals.main_words} words"
    if signals.has_password_input and running == 0 and signals.main_words <= LOGIN_MAX_WORDS:
        return "login", f"password form and {signals.main_words} words"
    path = signals.url_path
    if path is not None and _LOGIN_PATH.search(path) and running == 0:
        return "login", "log-in URL and no running text"
    evidence = f"{running} paragraphs of running text, {signals.link_share:.0%} of the text in links, " \
               f"{signals.teaser_blocks} teaser blocks"
    if path is not None and _HOME_PATH.match(path) and not signals.url_query and not declared:
        return "homepage", "site root, not declared an article; " + evidence
    listing_type = any(LISTING_TYPES.match(t) for t in signals.declared_types)
    listing_url = path is not None and _listing_url(path, signals.url_query)
    if listing_url and not declared and signals.page_long_paragraphs < thresholds.article_min_long_paragraphs:
        return "listing", "listing URL and no running text on the page; " + evidence
    if running >= thresholds.article_min_long_paragraphs or declared:
        return "article", f"{running} paragraphs of running text" + (", declared an article" if declared else "")
    if listing_type or listing_url:
        return "listing", "listing type or URL; " + evidence
    if signals.link_share >= thresholds.listing_link_share or (
            signals.teaser_blocks >= thresholds.listing_min_teasers
            and signals.link_share >= thresholds.listing_teaser_link_share):
        return "listing", evidence
    return "article", evidence
