"""A paragraph-level combination of trafilatura's main text with other extractors' (no Dagster here).

Other maintained extractors (resiliparse, readability-lxml, jusText, boilerpy3; newspaper4k and goose3 for
the benchmark only) each give the page's main text as a list of paragraphs. ``combine`` then:

- adds a paragraph trafilatura lacks when at least ``EnsembleChoice.votes`` of the voters have it (each
  covers at least ``coverage`` of its word trigrams), inserted in document order next to the paragraph of
  ours that precedes it in the voter's own order;
- optionally (``flag_unsupported``) flags a paragraph of ours that no voter covers, as boilerplate with the
  reason ``ensemble_unsupported`` (flagged, never deleted).

``mode="gated"`` consults the voters only where trafilatura's output looks incomplete: resiliparse (the
cheapest) has at least ``gate_words`` words of paragraphs that our text does not cover.

Extractor failures make that extractor abstain (``Alternatives.failed`` names it); they never fail a page.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import html as lxml_html

from pipeline.core.models import Paragraph

_WORD = re.compile(r"\w+")
VOTERS = ("resiliparse", "readability", "justext", "boilerpy3")
BENCH_ONLY = ("newspaper4k", "goose3")  # measured in bench/extractors.py; not dependencies of the pipeline
UNSUPPORTED_RULE = "ensemble_unsupported"
# readability-lxml and boilerpy3 log a traceback for every page they cannot parse; here that page's failure is
# the extractor's abstention (Alternatives.failed), so only their critical messages are let through
for _name in ("readability.readability", "boilerpy3"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class EnsembleChoice:
    """One configuration of the combination (``ExtractionChoices.ensemble``). The defaults are the configuration
    the cross-validated folds support best on all three dev sets (bench/quality_cv.py, README "Several
    extractors combined")."""

    mode: str = "vote"  # "vote": every page; "gated": only where resiliparse shows text we lack
    voters: tuple[str, ...] = VOTERS
    votes: int = 4  # voters that must hold a paragraph for it to be added
    coverage: float = 0.5  # share of a paragraph's word trigrams another text must hold to "cover" it
    min_words: int = 15  # shorter paragraphs are never added (headlines, captions, bylines, buttons)
    add: bool = True
    interior: bool = False  # add only between two of our paragraphs (never before the first or after the last)
    skip_captions: bool = True  # never add a text the page marks as a figure caption
    flag_unsupported: bool = False  # flag (never drop) our paragraphs no voter covers
    gate_words: int = 30  # mode "gated": words of resiliparse paragraphs we lack before the voters are asked


MODES = ("vote", "gated")


def choice_for(setting: str, choice: EnsembleChoice | None) -> EnsembleChoice | None:
    """The configuration in force: ``Settings.extraction_ensemble`` ("off", "vote", "gated") over the
    ExtractionChoices one when set, the ExtractionChoices one when the setting is empty."""
    if not setting:
        return choice
    if setting == "off":
        return None
    if setting not in MODES:
        raise ValueError(f"extraction_ensemble must be one of off, {', '.join(MODES)} or empty, not {setting!r}")
    return EnsembleChoice(mode=setting)


# --- the extractors: each HTML string -> a list of paragraph texts ------------

def _lines(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def resiliparse_paragraphs(html: str) -> list[str]:
    from resiliparse.extract.html2text import extract_plain_text

    return _lines(extract_plain_text(html, main_content=True, comments=False, alt_texts=False))


_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd", "dt")


def _html_blocks(fragment: str) -> list[str]:
    """The texts of an HTML fragment's innermost block elements, in document order."""
    if not fragment or not fragment.strip():
        return []
    root = lxml_html.fromstring(fragment)
    out = []
    for element in root.iter(*_BLOCK_TAGS):
        if any(child.tag in _BLOCK_TAGS for child in element.iterdescendants()):
            continue  # its blocks are listed themselves
        text = " ".join(element.text_content().split())
        if text:
            out.append(text)
    if not out:
        out = _lines(root.text_content())
    return out


def readability_paragraphs(html: str) -> list[str]:
    from readability import Document

    return _html_blocks(Document(html).summary(html_partial=True))


@lru_cache(maxsize=1)
def _all_stopwords() -> frozenset[str]:
    from justext import get_stoplist, get_stoplists

    return frozenset(word for language in get_stoplists() for word in get_stoplist(language))


@lru_cache(maxsize=64)
def _stoplist(language: str | None) -> frozenset[str]:
    from justext import get_stoplist
    from trafilatura.external import JUSTEXT_LANGUAGES

    if language in JUSTEXT_LANGUAGES:
        try:
            return frozenset(get_stoplist(JUSTEXT_LANGUAGES[language]))
        except ValueError:
            pass
    return _all_stopwords()


def justext_paragraphs(html: str, language: str | None = None) -> list[str]:
    """jusText with the stop words of ``language`` (an ISO 639-1 code), else of all its languages."""
    import justext

    paragraphs = justext.justext(html, _stoplist(language))
    return [" ".join(p.text.split()) for p in paragraphs if not p.is_boilerplate and p.text.strip()]


def boilerpy3_paragraphs(html: str) -> list[str]:
    from boilerpy3 import extractors

    return _lines(extractors.ArticleExtractor(raise_on_failure=True).get_content(html))


def newspaper4k_paragraphs(html: str) -> list[str]:
    import newspaper

    article = newspaper.Article("http://localhost/", fetch_images=False)
    article.download(input_html=html)
    article.parse()
    return _lines(article.text)


def goose3_paragraphs(html: str) -> list[str]:
    from goose3 import Goose

    with Goose({"enable_image_fetching": False, "http_timeout": 0.1}) as goose:
        return _lines(goose.extract(raw_html=html).cleaned_text)


EXTRACTORS = {
    "resiliparse": resiliparse_paragraphs,
    "readability": readability_paragraphs,
    "justext": justext_paragraphs,
    "boilerpy3": boilerpy3_paragraphs,
    "newspaper4k": newspaper4k_paragraphs,
    "goose3": goose3_paragraphs,
}


@dataclass
class Alternatives:
    """The other extractors' paragraphs for one page, computed on first use and kept."""

    html: str
    language: str | None = None  # for jusText's stop words; None: told by ``language_of`` our text
    found: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # extractor -> the error it raised (it abstains)
    captions: tuple[str, ...] = ()  # the page's figure captions (extract.figure_captions)
    _our_language: str | None = None

    def tell_language(self, paragraphs: list[Paragraph]) -> None:
        """The language of our text, for jusText's stop words (py3langid's default model)."""
        if self.language is None and self._our_language is None:
            import py3langid

            text = " ".join(p.text for p in paragraphs)
            self._our_language = py3langid.classify(text)[0] if len(text) >= 40 else None

    def get(self, name: str) -> list[str]:
        if name not in self.found:
            try:
                if name == "justext":
                    self.found[name] = justext_paragraphs(self.html, self.language or self._our_language)
                else:
                    self.found[name] = EXTRACTORS[name](self.html)
            except Exception as error:  # a third-party extractor's failure is its abstention, not the page's
                self.failed[name] = f"{type(error).__name__}: {error}"[:200]
                self.found[name] = []
        return self.found[name]


# --- the combination ----------------------------------------------------------

def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _grams(tokens: list[str]) -> set[tuple[str, ...]]:
    if len(tokens) < 3:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}


def _text_grams(paragraphs) -> set[tuple[str, ...]]:
    """Trigrams of the paragraphs, and each short paragraph whole (so short ones can be covered too)."""
    out: set[tuple[str, ...]] = set()
    for text in paragraphs:
        tokens = _tokens(text)
        out |= _grams(tokens)
        if len(tokens) < 3:
            out.add(tuple(tokens))
    return out


def covered(text: str, grams: set[tuple[str, ...]], coverage: float) -> bool:
    own = _grams(_tokens(text))
    return bool(own) and len(own & grams) >= coverage * len(own)


def uncovered_words(candidates: list[str], ours: set[tuple[str, ...]], coverage: float, min_words: int) -> int:
    """Words in the candidate paragraphs (of at least min_words words) that our text does not cover."""
    return sum(len(_tokens(text)) for text in candidates
               if len(_tokens(text)) >= min_words and not covered(text, ours, coverage))


def combine(paragraphs: list[Paragraph], alternatives: Alternatives, choice: EnsembleChoice,
            exclude: tuple[str, ...] = ()) -> list[Paragraph]:
    """Our paragraphs with the voters' evidence applied (a new list; flagged paragraphs are copies).

    ``exclude``: texts never added (the title, which extraction keeps outside the paragraphs).
    """
    ours = [p.text for p in paragraphs]
    alternatives.tell_language(paragraphs)
    our_grams = _text_grams(ours)
    if choice.mode == "gated":
        probe = alternatives.get("resiliparse")
        if uncovered_words(probe, our_grams, choice.coverage, choice.min_words) < choice.gate_words:
            return list(paragraphs)
    voters = {name: alternatives.get(name) for name in choice.voters}
    voter_grams = {name: _text_grams(texts) for name, texts in voters.items()}
    out = list(paragraphs)
    if choice.flag_unsupported:
        for index, paragraph in enumerate(out):
            if paragraph.is_boilerplate or not any(voters.values()):
                continue
            if not any(covered(paragraph.text, grams, choice.coverage) for grams in voter_grams.values()):
                out[index] = Paragraph(paragraph.text, paragraph.kind, True, UNSUPPORTED_RULE, paragraph.language)
    if not choice.add:
        return out
    excluded = _text_grams([*exclude, *(alternatives.captions if choice.skip_captions else ())])
    own_grams = [_grams(_tokens(p.text)) for p in paragraphs]
    added_grams: set[tuple[str, ...]] = set()
    inserts: dict[int, list[str]] = {}  # texts to insert after our paragraph at index (-1: before the first)
    added: set[tuple[str, ...]] = set()
    for texts in voters.values():
        # each voter paragraph's anchor: the index of our paragraph it largely is, if any
        anchors = [_anchor(text, own_grams, choice.coverage) for text in texts]
        for position, text in enumerate(texts):
            if anchors[position] is not None or len(_tokens(text)) < choice.min_words:
                continue
            before = next((a for a in reversed(anchors[:position]) if a is not None), None)
            after = next((a for a in anchors[position + 1:] if a is not None), None)
            if choice.interior and (before is None or after is None):
                continue
            if covered(text, our_grams, choice.coverage) or (excluded and covered(text, excluded, choice.coverage)):
                continue
            key = tuple(_tokens(text))
            if key in added or covered(text, added_grams, choice.coverage):
                continue
            if sum(1 for grams in voter_grams.values() if covered(text, grams, choice.coverage)) < choice.votes:
                continue
            added.add(key)
            added_grams |= _text_grams([text])
            slot = before if before is not None else (after - 1 if after is not None else len(paragraphs) - 1)
            inserts.setdefault(slot, []).append(text)
    if not inserts:
        return out
    result: list[Paragraph] = [Paragraph(t) for t in inserts.get(-1, [])]
    for index, paragraph in enumerate(out):
        result.append(paragraph)
        result.extend(Paragraph(t) for t in inserts.get(index, []))
    return result


def _anchor(text: str, own_grams: list[set], coverage: float) -> int | None:
    """The index of our paragraph (given by its trigrams) this text is largely the same as, if any."""
    grams = _grams(_tokens(text))
    if not grams:
        return None
    for index, own in enumerate(own_grams):
        shared = len(own & grams)
        if own and (shared >= coverage * len(grams) or shared >= coverage * len(own)):
            return index
    return None
