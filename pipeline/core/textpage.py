"""A page saved as plain text, site chrome included -> Article.

One paragraph per non-empty line. A blank-line separated block whose lines
look hard-wrapped (every line but the last of similar, bounded length) is one
paragraph instead, its lines joined with spaces.
"""
from __future__ import annotations

import re

from pipeline.core.boilerplate import matching_rule
from pipeline.core.extract import finish_article
from pipeline.core.models import Article, Paragraph
from pipeline.settings import Settings

WRAP_MIN_CHARS, WRAP_MAX_CHARS = 40, 100
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 4, 30
_WORD = re.compile(r"\w+")


def article_from_text(text: str, settings: Settings) -> Article:
    paragraphs = [Paragraph(line) for line in text_paragraphs(text)]
    title_index = _title_index(paragraphs)
    title = None
    if title_index is not None:
        paragraphs[title_index].kind = "heading"
        title = paragraphs[title_index].text
    article = Article(paragraphs=paragraphs, title=title)
    finish_article(article, settings)
    return article


def text_paragraphs(text: str) -> list[str]:
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if _hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _hard_wrapped(lines: list[str]) -> bool:
    return len(lines) >= 2 and all(WRAP_MIN_CHARS <= len(line) <= WRAP_MAX_CHARS for line in lines[:-1]) \
        and len(lines[-1]) <= WRAP_MAX_CHARS


def _title_index(paragraphs: list[Paragraph]) -> int | None:
    """The first headline-like line: a few words, no closing full stop, not furniture."""
    for index, paragraph in enumerate(paragraphs[:10]):
        text = paragraph.text
        words = len(_WORD.findall(text))
        if TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS and not text.endswith((".", ":", "!")) \
                and matching_rule(text, frozenset()) is None:
            return index
    return None
