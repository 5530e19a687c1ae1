"""HTML page -> Article: trafilatura's main-text tree cut into typed paragraphs, plus metadata.

trafilatura finds the main text and the metadata (title, authors, date, site
name, canonical URL; dates via htmldate). Its output tree (the one behind
``output_format="xml"``) keeps the structure: ``head``, ``p``, ``list/item``,
``quote``, ``table``. Each block is rendered with trafilatura's own text
renderer, so the joined paragraphs read like plain ``trafilatura.extract``.
"""
from __future__ import annotations

import re
import html as html_module
import json
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

import trafilatura
from lxml.etree import Element
from trafilatura.utils import load_html
from trafilatura.xml import delete_element, xmltotxt

from pipeline.core import ensemble as ensemble_module
from pipeline.core.boilerplate import LINK_RUN_MIN, NEUTRALISED_RULES, flag_page_rules
from pipeline.core.models import Article, Paragraph, Unusable
from pipeline.core.page_type import _CJK, PageSignals, add_text_signals, classify_page, is_feed, tree_signals, word_count
from pipeline.settings import Settings

# Module-level defaults for choices not (yet) in Settings; see README "Extraction settings".
FAST = False  # True skips trafilatura's readability/jusText fallbacks: faster, lower recall
DROP_TITLE_HEADING = True  # a heading repeating the title is metadata, not body text
# Figure captions as kind="caption" paragraphs where the figure stood. Off: it needs trafilatura's
# include_images, which changes its extraction (measured: precision -0.01 to -0.02 on all three sets).
# Either way a kept paragraph whose text is a caption on the page gets kind="caption".
CAPTIONS = False
PARAGRAPH_LANGUAGE_MIN_CHARS = 40  # shorter paragraphs inherit the article's language
PARAGRAPH_LANGUAGE_MIN_PROBABILITY = 0.9

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_WORD = re.compile(r"\w+")


def main_text_words(texts, link_labels: frozenset[str] = frozenset()) -> int:
    """Words in lines that are not the label of a link on the page.

    Index pages yield headline links and navigation, which are link labels;
    log-in walls yield prompts the line rules flag; an article has running text.
    """
    return sum(
        word_count(line)
        for text in texts
        for line in text.split("\n")
        if _normalised(line) not in link_labels
    )


@dataclass(frozen=True)
class ExtractionChoices:
    """The tuned choices of extraction, each one a switch the quality harness ablates and cross-validates
    (bench/quality.py --cv). The defaults are the choices the folds kept."""

    disabled_rules: frozenset[str] = NEUTRALISED_RULES  # page-level boilerplate rules that flag nothing
    link_run_min: int = LINK_RUN_MIN
    drop_title_heading: bool = DROP_TITLE_HEADING
    title: str = "scored"  # "scored": declared titles checked against the page's; "voted": the candidates' majority;
    # "agreement": the candidates scored against each other (title_scoring); "trafilatura": its title alone
    title_affixes: bool = False  # site/section affixes stripped by strip_affixes (any script, any separator)
    title_scoring: "TitleScoring" = None  # the weights of title="agreement"; None: TitleScoring()
    authors: str = "structured"  # "structured": JSON-LD persons, meta, bylines; "trafilatura": its byline alone
    author_organisations: bool = True  # organisations credited as authors kept beside persons
    date: str = "declared"  # "declared": structured data beside htmldate; "htmldate": htmldate alone
    classify_pages: bool = True  # non-articles rejected as not_an_article
    line_breaks: str = "sentence"  # a <br> starts a new paragraph: "sentence" after a sentence's end, "all", "keep"
    description_lead: bool = True  # the page's description, shown in its body but missed, as the standfirst
    title_disagreement: bool = False  # og:title and JSON-LD headline differ: the one the page shows wins
    title_visible_core: bool = True  # a title holding the first <h1> plus affixes or a suffix: the <h1> (a colon kicker stays)
    title_not_site_name: bool = False  # a candidate that is the site's name is never the title (no effect on the dev sets)
    title_continuation: str = "truncated"  # a longer page title that continues the declared one replaces it:
    # "truncated": only a declared title that looks cut ("…", a dangling "and"/"und"/"de"); "always"; "never"
    headline_lead: bool = True  # the subtitle right under the <h1>, missed by the text, as the standfirst
    ensemble: "ensemble_module.EnsembleChoice | None" = None  # other extractors' paragraphs combined (core/ensemble.py)


DEFAULT_CHOICES = ExtractionChoices()


@dataclass
class Draft:
    """Everything extraction learns from a page before the tuned choices are applied."""

    paragraphs: list[Paragraph]
    meta: "PageMetadata"
    keys: set[str]
    extracted_title: str | None
    extracted_author: str | None
    extracted_date: str | None
    site_name: str | None
    canonical_url: str | None
    link_labels: frozenset[str]
    signals: PageSignals
    standfirsts: list[str]
    microdata_texts: frozenset[str] = frozenset()
    visible_description: str | None = None  # meta description that is the whole text of an element in the body
    headline_lead: str | None = None  # the subtitle right under the first <h1> (subtitle_under_headline)
    alternatives: "ensemble_module.Alternatives | None" = None  # other extractors' output, computed on first use


def extract_article(html: str, url: str | None, settings: Settings,
                    choices: ExtractionChoices = DEFAULT_CHOICES) -> Article:
    return article_from_draft(draft_article(html, url, settings), settings, choices)


def draft_article(html: str, url: str | None, settings: Settings) -> Draft:
    if is_feed(html):
        raise Unusable("not_an_article", "feed: the document is an RSS/Atom feed")
    tree = load_html(html)
    if tree is None:
        raise Unusable("no_article", "no HTML tree could be parsed")
    meta = page_metadata(tree)
    signals = tree_signals(tree, url, set(meta.declared_types), meta.og_type)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=FAST,
        favor_precision=settings.favor_precision,
        favor_recall=settings.favor_recall,
        include_tables=settings.include_tables,
        include_comments=settings.include_comments,
        include_images=CAPTIONS,  # only to learn where figures stood; images never reach the text
        with_metadata=True,
        date_extraction_params={"outputformat": _DATE_FORMAT, "original_date": True, "extensive_search": True},
    )
    if document is None or document.body is None:
        raise Unusable("no_article", "trafilatura found no main text")

    captions = figure_captions(tree)
    paragraphs = body_paragraphs(document.body, captions)
    if settings.include_comments and document.commentsbody is not None:
        paragraphs += body_paragraphs(document.commentsbody, captions)
    caption_texts = set(captions.values())
    for paragraph in paragraphs:
        if paragraph.text in caption_texts:
            paragraph.kind = "caption"
    return Draft(
        paragraphs=paragraphs,
        meta=meta,
        keys=site_keys([*meta.site_names, document.sitename or ""], document.url or url),
        extracted_title=document.title,
        extracted_author=document.author,
        extracted_date=document.date,
        site_name=(meta.site_names[0] if meta.site_names else None) or document.sitename or None,
        canonical_url=document.url or url,
        link_labels=_link_labels(tree),
        signals=signals,
        standfirsts=standfirst_candidates(tree),
        microdata_texts=microdata_texts(tree),
        visible_description=visible_description(tree, meta.description),
        headline_lead=subtitle_under_headline(tree),
        alternatives=ensemble_module.Alternatives(html, captions=tuple(caption_texts)),
    )


def article_from_draft(draft: Draft, settings: Settings, choices: ExtractionChoices = DEFAULT_CHOICES) -> Article:
    """Apply the tuned choices to a draft: metadata, title heading, page type, boilerplate flags."""
    meta, keys = draft.meta, draft.keys
    title, paragraphs, title_words = _title_and_body(draft, choices)
    if choices.line_breaks != "keep":
        paragraphs = split_line_breaks(paragraphs, choices.line_breaks == "sentence")
    if choices.description_lead:
        paragraphs = add_description_lead(paragraphs, draft.visible_description, title)
    if choices.headline_lead:
        paragraphs = add_description_lead(paragraphs, draft.headline_lead, title)
    if choices.date == "htmldate":
        published, date_source = parse_date(draft.extracted_date), "htmldate"
    else:
        published, date_source = choose_date(draft.extracted_date, meta)
    published, precision = date_precision(published)
    if choices.authors == "trafilatura":
        authors = clean_authors(draft.extracted_author)
    else:
        authors = choose_authors(draft.extracted_author, meta, keys, choices.author_organisations)
    article = Article(
        paragraphs=paragraphs,
        title=title,
        authors=authors,
        published_at=published,
        date_source=date_source if published else None,
        date_precision=precision,
        site_name=draft.site_name,
        canonical_url=draft.canonical_url,
    )
    if choices.classify_pages:
        page_type, evidence = classify_page(draft_signals(draft, paragraphs))
        if page_type != "article":
            raise Unusable("not_an_article", f"{page_type}: {evidence}")
    choice = ensemble_module.choice_for(settings.extraction_ensemble, choices.ensemble)
    if choice is not None and draft.alternatives is not None:
        article.paragraphs = ensemble_module.combine(article.paragraphs, draft.alternatives, choice, (title or "",))
    finish_article(article, settings, draft.link_labels, title_words, choices, draft.microdata_texts)
    return article


def _title_and_body(draft: Draft, choices: ExtractionChoices) -> tuple[str | None, list[Paragraph], int]:
    """The title, the paragraphs (copies; the title heading moved out) and the words the title heading had."""
    meta = draft.meta
    paragraphs = [replace(p) for p in draft.paragraphs]
    if choices.title == "trafilatura":
        title = _clean_text(draft.extracted_title)
    elif choices.title == "voted":
        title = vote_title(draft.extracted_title, meta, draft.keys)
    elif choices.title == "agreement":
        title = score_title(draft.extracted_title, meta, draft.keys, choices.title_scoring or TitleScoring(),
                            None if choices.title_affixes else strip_site_name)
    else:
        strip = affix_stripper(draft.extracted_title, meta) if choices.title_affixes else strip_site_name
        names = site_name_keys(meta, draft.canonical_url) if choices.title_not_site_name else None
        title = choose_title(draft.extracted_title, meta, draft.keys, strip, choices.title_continuation, names)
        if choices.title_disagreement:
            title = settle_title_disagreement(title, meta, draft.keys, strip)
        if choices.title_visible_core:
            title = visible_core(title, meta, draft.keys)
    title_words = 0
    if choices.drop_title_heading and title:
        titles = [t for t in (title, draft.extracted_title, _clean_text(meta.og_title), *meta.headlines) if t]
        kept = _without_title_heading(paragraphs, titles)
        title_words = word_count(title) if len(kept) < len(paragraphs) else 0
        paragraphs = kept
    mark_standfirst(paragraphs, draft.standfirsts)
    return title, paragraphs, title_words


def draft_signals(draft: Draft, paragraphs: list[Paragraph] | None = None) -> PageSignals:
    """The page's signals for the classifier: the whole page's and its main text's (the title heading moved out)."""
    if paragraphs is None:
        paragraphs = _title_and_body(draft, DEFAULT_CHOICES)[1]
    signals = replace(draft.signals, main_words=0, link_words=0, long_paragraphs=0)
    add_text_signals(signals, [p.text for p in paragraphs], draft.link_labels)
    return signals


def finish_article(
    article: Article, settings: Settings, link_labels: frozenset[str] = frozenset(), extra_words: int = 0,
    choices: ExtractionChoices = DEFAULT_CHOICES, microdata: frozenset[str] = frozenset(),
) -> None:
    """Flag boilerplate, reject thin documents, detect languages (shared with text pages).

    ``extra_words``: main-text words kept outside the paragraphs (a title heading moved to Article.title).
    """
    article.paragraphs = [p for p in article.paragraphs if _clean_paragraph(p)]
    flag_page_rules(article.paragraphs, link_labels, choices.disabled_rules, choices.link_run_min, microdata,
                    tuple(article.authors))
    words = extra_words + main_text_words((p.text for p in article.paragraphs if not p.is_boilerplate), link_labels)
    if words < settings.min_article_words:
        raise Unusable("no_article", f"{words} words of main text outside links, fewer than {settings.min_article_words}")
    article.language = detect_language(article.text)
    for paragraph in article.paragraphs:
        paragraph.language = paragraph_language(paragraph.text, article.language)


# --- paragraphs -------------------------------------------------------------

def clean_paragraph_text(text: str) -> str:
    """No leading, trailing or repeated layout whitespace; a line break the text really has stays one "\n"."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# A line that ends a sentence: terminal punctuation of any script, then closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…。！？؟।][\"'”’»«)\]]*\s*$")


def split_line_breaks(paragraphs: list[Paragraph], after_sentence_end: bool = True) -> list[Paragraph]:
    """A paragraph whose line break (<br>) follows the end of a sentence is two paragraphs (a page that
    separates paragraphs with <br> instead of <p>); with ``after_sentence_end`` False every line break splits.
    Headings, list items and table rows keep their lines."""
    out: list[Paragraph] = []
    for paragraph in paragraphs:
        if "\n" not in paragraph.text or paragraph.kind not in ("paragraph", "quote", "standfirst"):
            out.append(paragraph)
            continue
        lines = [line for line in paragraph.text.split("\n") if line.strip()]
        pieces = [lines[0]] if lines else []
        for line in lines[1:]:
            if not after_sentence_end or _SENTENCE_END.search(pieces[-1]):
                pieces.append(line)
            else:
                pieces[-1] += "\n" + line
        out.extend(replace(paragraph, text=piece, kind=paragraph.kind if i == 0 or paragraph.kind == "quote"
                           else "paragraph") for i, piece in enumerate(pieces))
    return out


DESCRIPTION_LEAD_MIN_WORDS = STANDFIRST_MIN_WORDS = 8
_OUTSIDE_ARTICLE = {"nav", "footer", "aside", "form", "script", "style", "noscript", "template"}


def visible_description(tree, description: str | None) -> str | None:
    """The page's meta description when it is also the whole text of an element in the body (outside
    navigation, header, footer and asides): the lead the page shows under its headline."""
    text = " ".join((description or "").split())
    if word_count(text) < DESCRIPTION_LEAD_MIN_WORDS:
        return None
    for element in tree.iter("p", "div", "span", "h2", "h3", "section", "strong", "b"):
        if " ".join(element.text_content().split()) != text:
            continue
        if not any(a.tag in _OUTSIDE_ARTICLE for a in element.iterancestors()):
            return text
    return None


def add_description_lead(paragraphs: list[Paragraph], lead: str | None, title: str | None) -> list[Paragraph]:
    """The visible description as the first paragraph (kind standfirst), unless the text already holds it."""
    if not lead:
        return paragraphs
    key = _normalised(lead)
    if key == _normalised(title or "") or any(key in _normalised(p.text) for p in paragraphs):
        return paragraphs
    return [Paragraph(lead, kind="standfirst")] + paragraphs


HEADLINE_LEAD_MAX_WORDS = 80


def subtitle_under_headline(tree) -> str | None:
    """The subtitle the page shows right under its first <h1>: the next non-empty element after the <h1> (or
    after the wrapper the <h1> sits in alone, two levels up at most), when it is a <p>, <h2>, <div> or <span>
    of STANDFIRST_MIN_WORDS to HEADLINE_LEAD_MAX_WORDS words, mostly not link text, outside navigation,
    footers and asides."""
    heading = next((h for h in tree.iter("h1") if h.text_content().strip()), None)
    if heading is None or any(a.tag in _OUTSIDE_ARTICLE for a in heading.iterancestors()):
        return None
    element = heading
    for _ in range(3):
        following = next((e for e in element.itersiblings() if isinstance(e.tag, str)
                          and e.tag not in ("script", "style", "noscript", "template")
                          and e.text_content().strip()), None)
        if following is not None:
            break
        element = element.getparent()
        if element is None or element.tag == "body":
            return None
    if following is None or following.tag not in ("p", "h2", "div", "span"):
        return None
    text = " ".join(following.text_content().split())
    words, links = word_count(text), sum(word_count(a.text_content()) for a in following.iter("a"))
    if not STANDFIRST_MIN_WORDS <= words <= HEADLINE_LEAD_MAX_WORDS or 2 * links > words:
        return None
    if _BYLINE_PREFIX.match(text) or _NOT_A_LEAD.search(text):
        return None
    return text


# A byline, dateline or photo credit under the headline is not its subtitle: a time of day, a date in figures,
# a year in a line with no sentence end, a credit word.
_NOT_A_LEAD = re.compile(
    r"\d{1,2}:\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d+年\d+月\d+日|\b(?:19|20)\d{2}\b(?!.*[.!?…])|"
    r"\b(?:copyright|foto|photos?|pictures?|bild|credit|published|updated|veröffentlicht|aktualisiert)\b|©",
    re.IGNORECASE)


def _clean_paragraph(paragraph: Paragraph) -> bool:
    paragraph.text = clean_paragraph_text(paragraph.text)
    return bool(paragraph.text)


def body_paragraphs(body, captions: dict[str, str] | None = None) -> list[Paragraph]:
    _graphics_to_captions(body, captions or {})
    paragraphs: list[Paragraph] = []
    for element in body:
        _collect(element, paragraphs, inherited_kind=None)
    return [p for p in paragraphs if p.text]


def figure_captions(tree) -> dict[str, str]:
    """Image source -> the text of its <figcaption> (trafilatura drops captions); also class="...caption..." texts."""
    captions: dict[str, str] = {}
    for element in tree.xpath('//*[contains(@class, "caption")]'):
        text = " ".join(element.text_content().split())
        if text:
            captions.setdefault(f"#{len(captions)}", text)
    for figure in tree.iter("figure"):
        caption = figure.find(".//figcaption")
        text = " ".join(caption.text_content().split()) if caption is not None else ""
        if not text:
            continue
        for image in figure.iter("img", "source"):
            for attribute in ("src", "data-src", "data-lazy-src", "srcset", "data-srcset"):
                for source in (image.get(attribute) or "").split(","):
                    if source.strip():
                        captions.setdefault(source.split()[0], text)
    return captions


def _graphics_to_captions(body, captions: dict[str, str]) -> None:
    """Replace each image by its caption: in place at top level, else right after the block holding it."""
    for graphic in list(body.iter("graphic")):
        caption = captions.get(graphic.get("src", ""))
        block = graphic
        while block.getparent() is not body:
            block = block.getparent()
        if caption and block is graphic:
            graphic.addprevious(_caption_element(caption))
        elif caption:
            block.addnext(_caption_element(caption))
        delete_element(graphic, keep_tail=True)


def _caption_element(text: str):
    element = Element("caption")
    element.text = text
    return element


_LIST_MARKER = re.compile(r"^- ")  # trafilatura's plain-text item marker
_BLOCKS = {"p", "head", "list", "quote", "table", "code", "div"}


def _collect(element, out: list[Paragraph], inherited_kind: str | None) -> None:
    tag = element.tag
    if tag == "caption":
        out.append(Paragraph(element.text, kind="caption"))
    elif tag == "head":
        out.append(Paragraph(_render(element), kind="heading"))
    elif tag == "list":
        _lead_text(element, out, inherited_kind)
        for child in element:
            if child.tag == "item":
                out.append(Paragraph(_LIST_MARKER.sub("", _render(child)), kind="list_item"))
            else:
                _collect(child, out, inherited_kind)
    elif tag == "quote" and any(child.tag in _BLOCKS for child in element):
        _lead_text(element, out, "quote")
        for child in element:
            _collect(child, out, "quote")
    elif tag == "quote":
        out.append(Paragraph(_render(element), kind="quote"))
    elif tag == "table":
        # one paragraph per rendered row ("| a | b |"), without markdown separator rows
        for line in _render(element).splitlines():
            if line.strip() and not set(line) <= set("|-: "):
                out.append(Paragraph(line.strip(), kind=inherited_kind or "paragraph"))
    elif tag == "div":
        _lead_text(element, out, inherited_kind)
        for child in element:
            _collect(child, out, inherited_kind)
    else:
        out.append(Paragraph(_render(element), kind=inherited_kind or "paragraph"))
    tail = (element.tail or "").strip()
    if tail:
        out.append(Paragraph(" ".join(tail.split()), kind=inherited_kind or "paragraph"))


def _lead_text(element, out: list[Paragraph], kind: str | None) -> None:
    text = (element.text or "").strip()
    if text:
        out.append(Paragraph(" ".join(text.split()), kind=kind or "paragraph"))


# A newline of the page's source layout (not a <br>, which trafilatura keeps as <lb/>): a space, or nothing
# between two CJK characters (as browsers render it).
_LAYOUT_NEWLINE = re.compile(r"[ \t\r\f\v\u3000]*\n\s*")
_CJK_NEWLINE = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v\u3000]*\n\s*(?=[{_CJK}])")


def _collapse_layout_newlines(block) -> None:
    """Newlines around inline elements (a link, an emphasis) are the source's layout; a block without inline
    elements keeps its newlines (trafilatura's fallback extraction joins whole blocks with them)."""
    if len(block) == 0:
        return
    for node in block.iter():
        if node.tag in ("code", "lb") or any(a.tag == "code" for a in node.iterancestors()):
            continue
        for attribute in ("text", "tail") if node is not block else ("text",):
            value = getattr(node, attribute)
            if value and "\n" in value:
                setattr(node, attribute, _LAYOUT_NEWLINE.sub(" ", _CJK_NEWLINE.sub("", value)))


def _render(element) -> str:
    """trafilatura's plain-text rendering of one block, without the text that follows it; the source's
    layout newlines collapsed, so a "\n" left in the text is a line break the page has (<br>)."""
    tail, element.tail = element.tail, None
    _collapse_layout_newlines(element)
    try:
        return xmltotxt(element, include_formatting=False).strip()
    finally:
        element.tail = tail


def _link_labels(tree) -> frozenset[str]:
    """Texts of the page's links: <a>, and any other element carrying an href (web-component links)."""
    links = tree.xpath("//body//*[@href][not(self::link)]")
    labels = (_normalised(link.text_content()) for link in links)
    return frozenset(label for label in labels if label)


# microdata properties that describe an article rather than being its text
_MICRODATA_META = re.compile(
    r"^(author|creator|contributor|publisher|name|datePublished|dateModified|dateCreated|uploadDate|keywords|"
    r"articleSection|about|genre|inLanguage|copyrightHolder|copyrightYear|sourceOrganization|url|mainEntityOfPage|"
    r"image|thumbnailUrl|interactionStatistic|commentCount|wordCount|isAccessibleForFree|identifier)$")


def microdata_texts(tree) -> frozenset[str]:
    """Normalised texts of elements carrying a metadata itemprop (author, datePublished, keywords...), outside any
    articleBody/text property, so a paragraph that is exactly one of them is metadata rendered as text."""
    texts = set()
    for element in tree.xpath("//body//*[@itemprop]"):
        props = element.get("itemprop", "").split()
        if not any(_MICRODATA_META.match(prop) for prop in props):
            continue
        if element.xpath("ancestor-or-self::*[contains(@itemprop, 'articleBody') or @itemprop='text']"):
            continue
        key = _normalised(element.text_content())
        if key:
            texts.add(key)
    return frozenset(texts)


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _without_title_heading(paragraphs: list[Paragraph], titles: list[str]) -> list[Paragraph]:
    """Drop the first heading when it repeats the title (it is stored in Article.title).

    ``titles``: the chosen title and the page's other declared titles (trafilatura's, og:title, JSON-LD).
    """
    keys = {_normalised(title) for title in titles}
    for index, paragraph in enumerate(paragraphs[:3]):
        if paragraph.kind == "heading":
            if _normalised(paragraph.text) in keys:
                return paragraphs[:index] + paragraphs[index + 1:]
            break
    return paragraphs


# --- standfirst -------------------------------------------------------------

# class names that mark a lead/standfirst/summary paragraph; matched as whole words of the class attribute
_STANDFIRST_CLASS = re.compile(
    r"(?:^|[\s_-])(standfirst|lead|leadtext|lede|intro|summary|teaser|dek|deck|subtitle|sub-?headline|article-?summary|excerpt|kicker-?text)(?:$|[\s_-])",
    re.IGNORECASE,
)


def standfirst_candidates(tree) -> list[str]:
    """Texts the page marks as its lead: class="...standfirst/lead/summary/teaser..." elements, in page order."""
    texts = []
    for element in tree.xpath("//body//*[@class]"):
        if element.tag in ("p", "div", "h2", "span", "section") and _STANDFIRST_CLASS.search(element.get("class", "")):
            text = " ".join(element.text_content().split())
            if word_count(text) >= STANDFIRST_MIN_WORDS:
                texts.append(text)
        if len(texts) >= 5:
            break
    return texts


def mark_standfirst(paragraphs: list[Paragraph], candidates: list[str]) -> None:
    """The first paragraph (of the first three) that the page marks as its lead becomes kind="standfirst"."""
    keys = {_normalised(text) for text in candidates}
    for paragraph in paragraphs[:3]:
        if paragraph.kind in ("paragraph", "heading") and _normalised(paragraph.text) in keys:
            paragraph.kind = "standfirst"
            return


# --- metadata ---------------------------------------------------------------

_ARTICLE_TYPE = re.compile(r"article|posting|report|news|webpage", re.IGNORECASE)  # NewsArticle, BlogPosting...
_ORGANISATION_TYPE = re.compile(r"organi[sz]ation|corporation|newsmediaorganization|website|brand", re.IGNORECASE)


@dataclass
class PageMetadata:
    """What the page declares about itself: JSON-LD, Open Graph and other meta tags, headings."""

    headlines: list[str] = field(default_factory=list)  # JSON-LD headline/name of the article object
    og_title: str | None = None
    twitter_title: str | None = None
    html_title: str | None = None
    h1: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)  # og:site_name, publisher, application-name
    persons: list[str] = field(default_factory=list)  # JSON-LD authors typed (or untyped) as persons
    organisations: list[str] = field(default_factory=list)  # JSON-LD authors/publishers that are organisations
    author_organisations: list[str] = field(default_factory=list)  # JSON-LD authors that are organisations
    creators: list[str] = field(default_factory=list)  # citation_author / dc.creator ("Last, First" turned round)
    published: list[str] = field(default_factory=list)  # JSON-LD datePublished, article:published_time, ...
    published_sources: list[str] = field(default_factory=list)  # where each of ``published`` was declared
    declared_types: list[str] = field(default_factory=list)  # every JSON-LD @type on the page
    og_type: str | None = None
    description: str | None = None  # og:description / meta description


def page_metadata(tree) -> PageMetadata:
    meta = PageMetadata()

    def content(xpath: str) -> str | None:
        values = tree.xpath(xpath)
        text = " ".join(str(values[0]).split()) if values else ""
        return text or None

    meta.og_title = content('//meta[@property="og:title"]/@content')
    meta.og_type = content('//meta[@property="og:type"]/@content')
    meta.twitter_title = content('//meta[@name="twitter:title" or @property="twitter:title"]/@content')
    meta.html_title = content("//head/title/text()") or content("//title/text()")
    meta.h1 = [" ".join(h.text_content().split()) for h in tree.iter("h1")][:3]
    meta.description = content('//meta[@property="og:description"]/@content') \
        or content('//meta[@name="description"]/@content')
    for xpath in ('//meta[@property="og:site_name"]/@content', '//meta[@name="application-name"]/@content'):
        if content(xpath):
            meta.site_names.append(content(xpath))
    for source, xpath in (("article_meta", '//meta[@property="article:published_time"]/@content'),
                          ("microdata", '//meta[@itemprop="datePublished"]/@content'),
                          ("microdata", '//*[@itemprop="datePublished"]/@datetime')):
        if content(xpath):
            meta.published.append(content(xpath))
            meta.published_sources.append(source)
    for creator in tree.xpath('//meta[@name="citation_author" or @name="dc.creator" or @name="DC.creator"]/@content'):
        meta.creators.append(_surname_first(" ".join(str(creator).split())))
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        for item in _json_ld_items(data):
            _read_json_ld(item, meta)
    return meta


def _surname_first(name: str) -> str:
    """Library catalogue order "Tollefson, Jeff" -> "Jeff Tollefson"; anything else unchanged."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and all(1 <= len(part.split()) <= 3 for part in parts):
        return f"{parts[1]} {parts[0]}"
    return name


def _json_ld_items(data):
    if isinstance(data, list):
        for element in data:
            yield from _json_ld_items(element)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _json_ld_items(data["@graph"])


def _types(item: dict) -> str:
    kind = item.get("@type") or ""
    return " ".join(kind) if isinstance(kind, list) else str(kind)


def _read_json_ld(item: dict, meta: PageMetadata) -> None:
    kind = _types(item)
    meta.declared_types.extend(kind.split())
    if _ORGANISATION_TYPE.search(kind) and isinstance(item.get("name"), str) and not _ARTICLE_TYPE.search(kind):
        meta.organisations.append(item["name"].strip())
        return
    if not _ARTICLE_TYPE.search(kind):
        return
    is_page = "webpage" in kind.casefold() and not re.search(r"article|posting|report|news", kind, re.IGNORECASE)
    if not is_page and isinstance(item.get("headline"), str) and item["headline"].strip():
        meta.headlines.append(" ".join(item["headline"].split()))
    if isinstance(item.get("datePublished"), str) and not is_page:
        meta.published.insert(0, item["datePublished"].strip())
        meta.published_sources.insert(0, "json_ld")
    publishers = item.get("publisher")
    for publisher in publishers if isinstance(publishers, list) else [publishers]:
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            meta.organisations.append(publisher["name"].strip())
    if is_page:
        return
    authors = item.get("author")
    for author in authors if isinstance(authors, list) else [authors]:
        if isinstance(author, str):
            meta.persons.append(author)
        elif isinstance(author, dict) and isinstance(author.get("name"), str):
            if _ORGANISATION_TYPE.search(_types(author)):
                meta.organisations.append(author["name"].strip())
                meta.author_organisations.append(author["name"].strip())
            elif author.get("givenName") and author.get("familyName"):
                meta.persons.append(f"{author['givenName']} {author['familyName']}")
            else:
                meta.persons.append(author["name"])

_BYLINE_PREFIX = re.compile(
    r"^\s*((written |posted |reported )?by|von|vom|par|por|door|av|text|texte|autor|author|auteur)\s*[:|]?\s+",
    re.IGNORECASE,
)
# "A and B", "A und B", "A & B", "A et B", "A y B", "A e B", "A en B", "A og/och B"
_NAME_JOINER = re.compile(r"\s+(?:and|und|&|et|y|e|en|og|och)\s+", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(no author|unknown|anonymous|n/?a|none|null|\w*admin(istrator)?|datum|date|stand)$", re.IGNORECASE)
_JOB_WORDS = re.compile(
    r"\b(correspondent|editor|reporter|writer|journalist|columnist|contributor|staff|newsroom|desk|"
    r"redakteur(in)?|redaktion|korrespondent(in)?|journalistin|autorin|"
    r"rédacteur|rédactrice|rédaction|correspondant(e)?|journaliste|envoyée? spéciale?)\b",
    re.IGNORECASE,
)


# " | ", " - ", " – ", " — ", " · ", " • ", " * ", " :: ", and the full-width "｜"/"：" of CJK titles
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•*]|::)\s+|\s*[｜：|]\s*")
_TITLE_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _site_key(text: str) -> str:
    """Letters and digits only, umlauts spelt out, accents dropped: "Börsen-Zeitung" -> "boersenzeitung"."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATION))
    return "".join(ch for ch in text if ch.isalnum())


def site_keys(site_names, url: str | None) -> set[str]:
    """Keys for the names a site goes by: its declared names and its host name without "www." and suffix."""
    keys = {_site_key(name) for name in site_names if name}
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [label for label in host.split(".") if label and label != "www"]
    if len(labels) >= 2:
        keys.add(_site_key(labels[-2]))  # "boersen-zeitung" of www.boersen-zeitung.de
        keys.update(_site_key(label) for label in labels[:-2] if len(label) >= 5)  # "timesofindia" of a subdomain  # "timesofindia" of a subdomain
        keys.add(_site_key("".join(labels)))  # "mdrde", "orfat"
    return {key for key in keys if len(key) >= 2}


def _is_site_segment(segment: str, keys: set[str]) -> bool:
    key = _site_key(segment)
    if not key:
        return False
    if _TITLE_DATE.match(segment.strip()) or re.match(r"(?i)^by\s", segment.strip()):
        return True
    return any(key == site or (len(site) >= 4 and site in key and len(key) <= len(site) + 12)
               or (len(key) >= 4 and key in site) for site in keys)


def strip_site_name(title: str, keys: set[str]) -> str:
    """Drop the site's name (and a date or "by <author>") that pages put before or after the headline.

    "Steigende US-Zinsen setzen Dax zu | Börsen-Zeitung" -> "Steigende US-Zinsen setzen Dax zu";
    "X – DW – 13.06.2023" -> "X". From the first such segment after the first one, everything goes;
    a leading one goes alone. A title that is only a site name stays as it is.
    """
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    spans, start = [], 0
    for match in _TITLE_SEPARATOR.finditer(title):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(title)))
    first, last = 0, len(spans)
    for index in range(1, len(spans)):
        if _is_site_segment(title[spans[index][0]:spans[index][1]], keys):
            last = index
            break
    if last > 1 and _is_site_segment(title[spans[0][0]:spans[0][1]], keys):
        first = 1
    if (first, last) == (0, len(spans)):
        return title
    stripped = title[spans[first][0]:spans[last - 1][1]].strip()
    return stripped if word_count(stripped) >= 1 else title


def choose_title(extracted: str | None, meta: PageMetadata, keys: set[str], strip=strip_site_name,
                 continuation: str = "always", site_names: set[str] | None = None) -> str | None:
    """The article's own headline, its site name stripped: og:title, else the JSON-LD headline, else trafilatura's.

    A declared headline that shares under half its words with the page's <title>, <h1> and
    trafilatura's title is the site's, not the article's ("Welcome to ..."), and is passed over;
    one that a longer title merely continues was cut short, and the longer one is taken
    (``continuation``: "always"; "truncated", only when it looks cut, ``looks_truncated``; "never").
    With ``site_names`` (site_name_keys), a candidate that is only the site's name is passed over too.
    """
    extracted = _clean_text(extracted)
    page_titles = [t for t in (extracted, _clean_text(meta.html_title), *map(_clean_text, meta.h1)) if t]
    passed_over = set()
    for declared in [meta.og_title, *meta.headlines, meta.twitter_title]:
        declared = _clean_text(declared)
        if not declared:
            continue
        words = _normalised(declared).split()
        page_words = {word for t in page_titles for word in _normalised(t).split()}
        if page_words and sum(word in page_words for word in words) < len(words) / 2:
            passed_over.add(declared)
            continue
        title = strip(declared, keys)
        if site_names is not None and is_site_name(title, site_names):
            continue
        if continuation == "never" or (continuation == "truncated" and not looks_truncated(title)):
            return title
        for longer in page_titles:
            longer = strip(longer, keys)
            stem = title.rstrip(".… ")
            rest = longer[len(stem):]
            if longer.startswith(stem) and re.match(r"\s*\w", rest) and not _TITLE_SEPARATOR.match(rest):
                title = longer  # the declared title stopped mid-sentence
        return title
    for candidate in (extracted, _clean_text(meta.html_title)):
        if candidate and candidate not in passed_over:
            title = strip(candidate, keys)
            if site_names is None or not is_site_name(title, site_names):
                return title
    return None


# A title cut at a length limit ends in an ellipsis, a comma or dash, or a word that cannot end a headline:
# a conjunction, article or preposition (English, German, French, Spanish, Italian, Dutch, Polish, Portuguese).
_TRUNCATED = re.compile(
    r"(?:…|\.\.\.|[,;:–—-])$|(?:^|\s)(?:and|or|but|the|a|an|of|to|for|with|from|after|before|by|as|"
    r"und|oder|aber|der|die|das|den|dem|des|ein|eine|einen|einem|mit|von|vom|zu|zum|zur|für|nach|bei|"
    r"et|ou|le|la|les|de|du|un|une|au|aux|pour|avec|sur|y|o|el|los|las|del|que|con|para|por|"
    r"e|il|lo|gli|di|della|che|per|en|het|een|van|voor|i|w|z|na|oraz|do|da|dos|das|um|uma|com)$",
    re.IGNORECASE)


def looks_truncated(title: str) -> bool:
    """Whether a declared title looks cut short: it ends in "…"/"...", a comma, colon or dash, or a word
    that cannot end a headline ("Cranes return and", "The fall of the")."""
    return bool(_TRUNCATED.search(title.strip()))


def site_name_keys(meta: PageMetadata, url: str | None) -> set[str]:
    """The names the site declares, as site keys: og:site_name, application-name, JSON-LD publishers and
    organisations, and the domain's keys (site_keys). Not trafilatura's site name, which is at times the title,
    nor a declared name that is the page's <h1> or JSON-LD headline (pages that put the headline there)."""
    shown = {_site_key(text) for text in (*meta.h1[:1], *meta.headlines[:1]) if text}
    return site_keys([name for name in (*meta.site_names, *meta.organisations) if _site_key(name) not in shown], url)


def is_site_name(title: str, names: set[str]) -> bool:
    """Whether a title candidate is only the site's name ("Krimiblog-Archiv" on krimiblog.de)."""
    return _site_key(title) in names


def visible_core(title: str | None, meta: PageMetadata, keys: set[str]) -> str | None:
    """The page's first <h1> when the chosen title is that headline with more around it: site or section
    affixes, a suffix ("Ports | <h1>", "<h1>: what changes | Site", "<h1> Recipe").
    The <h1> must hold over half the title's words and not be the site's name; a kicker joined to the
    front by a colon ("Eastport: <h1>") is part of the headline, and the title stays."""
    h1 = _clean_text(next((h for h in meta.h1 if h.strip()), None))
    if not title or not h1:
        return title
    core, whole = _normalised(h1), _normalised(title)
    if not core or core == whole or f" {core} " not in f" {whole} " or 2 * len(core.split()) <= len(whole.split()):
        return title
    if _site_key(h1) in keys or _is_site_segment(h1, keys):
        return title
    at = title.casefold().find(h1.casefold())
    if at < 0:
        at = title.casefold().find(core.split()[0])
    before = title[:at] if at > 0 else ""
    if before.rstrip().endswith((":", "：")) and not _TITLE_SEPARATOR.search(before):
        return title  # a kicker
    return h1


def settle_title_disagreement(title: str | None, meta: PageMetadata, keys: set[str], strip=strip_site_name) -> str | None:
    """When og:title and the JSON-LD headline say different things, the one the page shows: the one equal to
    its first <h1>, else the one its <title> starts with. Only a headline that alone has that support
    replaces ``title``."""
    og, ld = _clean_text(meta.og_title), _clean_text(meta.headlines[0] if meta.headlines else None)
    if not og or not ld:
        return title
    og, ld = strip(og, keys), strip(ld, keys)
    if _normalised(og) == _normalised(ld):
        return title
    h1 = _normalised(next((h for h in meta.h1 if h.strip()), ""))
    page_title = _normalised(_clean_text(meta.html_title) or "")

    def shown(text: str) -> bool:
        key = _normalised(text)
        return bool(key) and (key == h1 or (page_title.startswith(key) and bool(h1) is False))

    for candidate, other in ((ld, og), (og, ld)):
        if shown(candidate) and not shown(other):
            return candidate
    return title


def vote_title(extracted: str | None, meta: PageMetadata, keys: set[str]) -> str | None:
    """The headline most of the page's title candidates agree on.

    Candidates, each with its site-name segments stripped: the JSON-LD headline, og:title, the first <h1>,
    <title>, twitter:title, trafilatura's title. A candidate scores one for every other source that says the
    same (case, punctuation and quote style aside) or holds it as a whole separator segment run ("Section |
    Headline | Site" holds "Headline"). The highest score wins; ties go to the first in the order above.
    A title that no candidate shares is passed to choose_title's rules.
    """
    sources = [*meta.headlines[:1], meta.og_title, *meta.h1[:1], meta.html_title, meta.twitter_title, extracted]
    candidates = []
    for raw in sources:
        text = _clean_text(raw)
        if text:
            candidates.append((strip_site_name(text, keys), _segment_runs(text)))
    best, best_score = None, 0
    for title, _ in candidates:
        key = _normalised(title)
        if not key:
            continue
        score = sum(1 for other, runs in candidates if other is not title and (key == _normalised(other) or key in runs))
        if score > best_score:
            best, best_score = title, score
    return best if best is not None else choose_title(extracted, meta, keys)


def affix_stripper(extracted: str | None, meta: PageMetadata):
    """strip_affixes as a (title, keys) function, each title checked against the page's other candidates."""
    candidates = list(title_candidates(extracted, meta).values())
    return lambda title, keys: strip_affixes(title, keys, [c for c in candidates if c != title])


def _segment_runs(title: str) -> set[str]:
    """Every run of consecutive separator segments of a title, normalised."""
    parts = [_normalised(part) for part in _TITLE_SEPARATOR.split(title)]
    return {" ".join(p for p in parts[i:j] if p) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}


# --- titles: affixes in any script, candidates scored against each other ------------------------------

# A site or section name is joined to a headline by one of these, spaced or not: | – — : · • / :: and the
# full-width or box-drawing forms ｜ │ － ： ・ ／; the hyphen, "*" and "»" only with a space on both sides
# ("Star-Wars-Tag" is one word, »quoted« is a quote).
_AFFIX_SEPARATOR = re.compile(r"\s*(?:::|[|｜│–—－:：·・•／/])\s*|\s+[-*»]\s+")
_KICKER_SEPARATOR = re.compile(r"^\s*[:：]\s*$")  # "Kenia: Nairobi von unten": a kicker, part of the headline


def _spans(title: str) -> list[tuple[int, int]]:
    """(start, end) of each separator segment of the title."""
    spans, start = [], 0
    for match in _AFFIX_SEPARATOR.finditer(title):
        spans.append((start, match.start()))
        start = match.end()
    return spans + [(start, len(title))]


def strip_affixes(title: str, keys: set[str], others=()) -> str:
    """The headline without the site or section names joined to it by a separator, in any script.

    A run of the title's separator segments is the headline when another of the page's title candidates
    (``others``) says exactly that run and the run is longer, in words, than what it leaves out (what the
    other candidates lack is an affix: "Vierschanzentournee | <headline>" beside a JSON-LD headline
    "<headline>"); a part joined by a colon is a kicker and stays. The longest such run wins. Otherwise the
    segments that name the site (og:site_name or publisher, domain, a date, "by <author>"; not a name that is
    itself one of the title candidates) go: from the first such segment after the first one everything goes, a
    leading one goes alone. A title of affixes only stays.
    """
    spans = _spans(title)
    if len(spans) < 2:
        return title
    pieces = [title[a:b] for a, b in spans]
    wanted = {_normalised(other) for other in others if other} - {""}
    keys = keys - {_site_key(text) for text in (title, *others) if text}  # a "site name" that is a headline
    total = word_count(title)
    best = None
    for i in range(len(spans)):
        for j in range(len(spans), i, -1):
            if (i, j) == (0, len(spans)) or (best and j - i <= best[1] - best[0]):
                continue
            run = title[spans[i][0]:spans[j - 1][1]]
            cuts = ([title[spans[i - 1][1]:spans[i][0]]] if i > 0 else []) + (
                [title[spans[j - 1][1]:spans[j][0]]] if j < len(spans) else [])
            if (_normalised(run) in wanted and 2 * word_count(run) > total
                    and not any(_KICKER_SEPARATOR.match(cut) for cut in cuts)):
                best = (i, j)
    if best is None:
        first, last = 0, len(spans)
        for index in range(1, len(spans)):
            if pieces[index].strip() and _is_site_segment(pieces[index], keys):
                last = index
                break
        if last > 1 and _is_site_segment(pieces[0], keys):
            first = 1
        best = (first, last)
    stripped = title[spans[best[0]][0]:spans[best[1] - 1][1]].strip()
    return stripped if word_count(stripped) >= 1 else title


@dataclass(frozen=True)
class TitleScoring:
    """How title candidates score each other (ExtractionChoices.title == "agreement").

    A candidate earns, from each source (its own included), that source's weight when they agree after
    normalisation (case, punctuation, quote style aside), times ``contained`` when it is a contiguous part of
    the other (the other adds a kicker or a section), times ``containing`` when the other is a contiguous part
    of it. ``order`` breaks ties: the first listed source wins. ``copy_weight``: the weight of the votes of twitter:title and trafilatura's title, which
    mostly copy og:title (the other sources' votes weigh 1).
    """

    contained: float = 0.5
    containing: float = 0.0
    order: tuple[str, ...] = ("og", "ld", "h1", "twitter", "title", "extracted")
    copy_weight: float = 1.0


def title_candidates(extracted: str | None, meta: "PageMetadata") -> dict[str, str]:
    """The page's title candidates by source, whitespace collapsed: og:title, the JSON-LD headline,
    twitter:title, the first non-empty <h1>, <title>, trafilatura's title."""
    raw = {"og": meta.og_title, "ld": meta.headlines[0] if meta.headlines else None, "twitter": meta.twitter_title,
           "h1": next((h for h in meta.h1 if h.strip()), None), "title": meta.html_title, "extracted": extracted}
    return {source: text for source, text in ((s, _clean_text(t)) for s, t in raw.items()) if text}


def _contains(longer: str, shorter: str) -> bool:
    return bool(shorter) and len(shorter) < len(longer) and f" {shorter} " in f" {longer} "


def score_title(extracted: str | None, meta: "PageMetadata", keys: set[str],
                scoring: TitleScoring = TitleScoring(), strip=None) -> str | None:
    """The candidate the others support most, each with its affixes stripped (``strip``: strip_affixes
    by default, given the other candidates), scored as TitleScoring describes."""
    raw = title_candidates(extracted, meta)
    if not raw:
        return None
    if strip is None:
        stripped = {s: strip_affixes(t, keys, [o for o_s, o in raw.items() if o_s != s]) for s, t in raw.items()}
    else:
        stripped = {s: strip(t, keys) for s, t in raw.items()}
    norm = {s: _normalised(t) for s, t in stripped.items()}
    raw_norm = {s: _normalised(t) for s, t in raw.items()}
    weight = {source: scoring.copy_weight if source in ("twitter", "extracted") else 1.0 for source in raw}

    def score(source: str) -> float:
        total = 0.0
        for other in raw:  # its own source too: a text scores the weighted support of every source
            if not norm[source]:
                continue
            if norm[source] == norm[other]:
                total += weight[other]
            elif _contains(raw_norm[other], norm[source]) or _contains(norm[other], norm[source]):
                total += weight[other] * scoring.contained
            elif _contains(norm[source], norm[other]):
                total += weight[other] * scoring.containing
        return total

    rank = {source: index for index, source in enumerate(scoring.order)}
    best = max(raw, key=lambda s: (score(s), -rank.get(s, len(rank))))
    return stripped[best]


def _clean_text(text: str | None) -> str | None:
    """Whitespace collapsed and HTML entities a page encoded twice ("&#8211;") decoded."""
    return " ".join(html_module.unescape(text).split()) if text else None


def choose_authors(extracted: str | None, meta: PageMetadata, keys: set[str],
                   keep_author_organisations: bool = True) -> list[str]:
    """People first: JSON-LD persons, else catalogue creators, else trafilatura's byline.

    Organisations (a publisher, the site's name) are dropped when a person is named
    beside them; a story credited only to an organisation ("BBC News") keeps it. With
    ``keep_author_organisations``, an organisation the page credits as an author (a JSON-LD
    author typed Organization, an agency in "Jane Doe et AFP") stays beside the persons,
    unless it is the site itself.
    """
    extracted_authors = clean_authors(extracted)
    if meta.persons:
        authors = clean_authors("; ".join(meta.persons))
        if {_site_key(a) for a in authors} < {_site_key(a) for a in extracted_authors}:
            authors = extracted_authors  # trafilatura found the same people and more (a second byline)
    elif meta.creators:
        authors = clean_authors("; ".join(meta.creators))
    else:
        authors = extracted_authors
    organisations = {_site_key(name) for name in meta.organisations} | keys
    people = [author for author in authors if _site_key(author) not in organisations]
    if people and keep_author_organisations:
        named = {_site_key(a) for a in people}
        people += [name for name in clean_authors("; ".join(meta.author_organisations))
                   if _site_key(name) not in keys and _site_key(name) not in named]
    if people:
        return people
    return authors or clean_authors("; ".join(meta.author_organisations))


def choose_date(extracted: str | None, meta: PageMetadata) -> tuple[datetime | None, str | None]:
    """(date, source). htmldate's date; the page's declared publication time instead when it falls on the same
    day (it carries the time and the offset) or htmldate found nothing. The source names the field the date
    came from (json_ld, article_meta, microdata) or htmldate."""
    found = parse_date(extracted)
    for raw, source in zip(meta.published, meta.published_sources):
        declared = parse_iso_datetime(raw)
        if declared is None:
            continue
        if found is None or declared.date() == found.date() or (
            declared.tzinfo and found.tzinfo is None and abs((declared.date() - found.date()).days) <= 1
        ):
            return declared, source
    return found, "htmldate" if found else None


def date_precision(value: datetime | None) -> tuple[datetime | None, str | None]:
    """(value, "day" or "time"). A date without a time of day (midnight, with or without an offset) is a day:
    it is kept as that day with no offset, so no time-zone conversion moves it to the day before."""
    if value is None:
        return None, None
    if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return value.replace(tzinfo=None), "day"
    return value, "time"


def parse_iso_datetime(raw: str) -> datetime | None:
    text = raw.strip().replace("Z", "+00:00") if raw else ""
    text = re.sub(r"(\.\d+)(?=[+-]\d\d:?\d\d$|$)", "", text)  # fractions of a second
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)  # +0200 -> +02:00
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


_HANDLE_SUFFIX = re.compile(r"\s*[(\[][^()\[\]]{0,40}[)\]]")  # "Jane Doe (jd)", "Max Muster [mm/dpa]"
_SLUG = re.compile(r"^[a-z]+(?:[-._][a-z]+)+$")


def clean_authors(raw: str | None) -> list[str]:
    """A byline string ("A; B", "By A and B") -> names, without "By", job titles or placeholders.

    A credit that is only a desk ("Redaktion", "Staff Writer") is kept when no person is named.
    """
    authors: list[str] = []
    desks: list[str] = []
    for part in re.split(r";|\|", raw or ""):
        part = _HANDLE_SUFFIX.sub("", part)
        part = _BYLINE_PREFIX.sub("", part).strip(" ,.-–—")
        for name in _NAME_JOINER.split(part):
            name = _BYLINE_PREFIX.sub("", name).strip(" ,.-–—")
            name = re.split(r",\s*|\s+[-–—]\s+", name)[0].strip()  # "Jane Doe, Transport Correspondent"
            if _SLUG.match(name):  # "chuck-ross", "edilson.la.rosa" from a profile URL
                name = re.sub(r"[-._]", " ", name).title()
            if not name or _NOT_A_NAME.match(name) or "@" in name or any(ch.isdigit() for ch in name):
                continue
            target = desks if _JOB_WORDS.search(name) else authors
            if _site_key(name) not in {_site_key(a) for a in target}:  # "Sophie-Foster" repeats "Sophie Foster"
                target.append(name)
    return authors or desks[:1]


def parse_date(raw: str | None) -> datetime | None:
    """htmldate's output (with time and offset when the page gives them) -> datetime."""
    if not raw:
        return None
    for fmt in (_DATE_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


# --- language ---------------------------------------------------------------

@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    if len(text.strip()) < PARAGRAPH_LANGUAGE_MIN_CHARS:
        return None
    language, _ = _identifier().classify(text)
    return language


def paragraph_language(text: str, article_language: str | None) -> str | None:
    """A paragraph's own language when it is long enough to tell confidently, else the article's."""
    if len(text) < PARAGRAPH_LANGUAGE_MIN_CHARS:
        return article_language
    language, probability = _identifier().classify(text)
    return language if probability >= PARAGRAPH_LANGUAGE_MIN_PROBABILITY else article_language
