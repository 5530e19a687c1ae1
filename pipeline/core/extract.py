"""HTML page -> Article: trafilatura's main-text tree cut into typed paragraphs, plus metadata.

trafilatura finds the main text and the metadata (title, authors, date, site
name, canonical URL; dates via htmldate). Its output tree (the one behind
``output_format="xml"``) keeps the structure: ``head``, ``p``, ``list/item``,
``quote``, ``table``. Each block is rendered with trafilatura's own text
renderer, so the joined paragraphs read like plain ``trafilatura.extract``.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

import trafilatura
from lxml.etree import Element
from trafilatura.utils import load_html
from trafilatura.xml import delete_element, xmltotxt

from pipeline.core.boilerplate import flag_line_rules, flag_repeats_within_document
from pipeline.core.models import Article, Paragraph, Unusable
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


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_COUNTED_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")  # a CJK character counts as a word


def word_count(text: str) -> int:
    return len(_COUNTED_WORD.findall(text))


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


def extract_article(html: str, url: str | None, settings: Settings) -> Article:
    tree = load_html(html)
    if tree is None:
        raise Unusable("no_article", "no HTML tree could be parsed")
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
    title_words = 0
    if DROP_TITLE_HEADING and document.title:
        kept = _without_title_heading(paragraphs, document.title)
        title_words = word_count(document.title) if len(kept) < len(paragraphs) else 0
        paragraphs = kept
    article = Article(
        paragraphs=paragraphs,
        title=document.title or None,
        authors=clean_authors(document.author),
        published_at=parse_date(document.date),
        site_name=document.sitename or None,
        canonical_url=document.url or url,
    )
    finish_article(article, settings, _link_labels(tree), title_words)
    return article


def finish_article(
    article: Article, settings: Settings, link_labels: frozenset[str] = frozenset(), extra_words: int = 0
) -> None:
    """Flag boilerplate, reject thin documents, detect languages (shared with text pages).

    ``extra_words``: main-text words kept outside the paragraphs (a title heading moved to Article.title).
    """
    flag_line_rules(article.paragraphs)
    flag_repeats_within_document(article.paragraphs)
    words = extra_words + main_text_words((p.text for p in article.paragraphs if not p.is_boilerplate), link_labels)
    if words < settings.min_article_words:
        raise Unusable("no_article", f"{words} words of main text outside links, fewer than {settings.min_article_words}")
    article.language = detect_language(article.text)
    for paragraph in article.paragraphs:
        paragraph.language = paragraph_language(paragraph.text, article.language)


# --- paragraphs -------------------------------------------------------------

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


def _render(element) -> str:
    """trafilatura's plain-text rendering of one block, without the text that follows it."""
    tail, element.tail = element.tail, None
    try:
        return xmltotxt(element, include_formatting=False).strip()
    finally:
        element.tail = tail


def _link_labels(tree) -> frozenset[str]:
    labels = (_normalised(anchor.text_content()) for anchor in tree.iter("a"))
    return frozenset(label for label in labels if label)


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _without_title_heading(paragraphs: list[Paragraph], title: str) -> list[Paragraph]:
    """Drop the first heading when it repeats the title (it is stored in Article.title)."""
    for index, paragraph in enumerate(paragraphs[:3]):
        if paragraph.kind == "heading":
            if _normalised(paragraph.text) == _normalised(title):
                return paragraphs[:index] + paragraphs[index + 1:]
            break
    return paragraphs


# --- metadata ---------------------------------------------------------------

_BYLINE_PREFIX = re.compile(r"^\s*(by|von|par|text|texte|autor|author|auteur)\s*[:|]?\s+", re.IGNORECASE)
_JOB_WORDS = re.compile(
    r"\b(correspondent|editor|reporter|writer|journalist|columnist|contributor|staff|newsroom|desk|"
    r"redakteur(in)?|redaktion|korrespondent(in)?|journalistin|autorin|"
    r"rédacteur|rédactrice|rédaction|correspondant(e)?|journaliste|envoyée? spéciale?)\b",
    re.IGNORECASE,
)


def clean_authors(raw: str | None) -> list[str]:
    """trafilatura's "A; B" author string -> names, without "By" and without job titles."""
    authors: list[str] = []
    for part in re.split(r";|\|", raw or ""):
        name = _BYLINE_PREFIX.sub("", part).strip(" ,.-–—")
        name = re.split(r",\s*|\s+[-–—]\s+", name)[0].strip()  # "Jane Doe, Transport Correspondent"
        if not name or _JOB_WORDS.search(name) or "@" in name or any(ch.isdigit() for ch in name):
            continue
        if name.casefold() not in {a.casefold() for a in authors}:
            authors.append(name)
    return authors


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
