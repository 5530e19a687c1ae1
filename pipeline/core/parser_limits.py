"""Pages the HTML parser would silently cut, found before extraction.

libxml2 (lxml 6.1.3 with libxml2 2.14.6, through trafilatura's parser, as
measured here) drops, without an error:

- every element nested deeper than 256 levels (``html`` and ``body``
  included), and everything in the page after the first such element;
- a text node longer than about 10,000,000 characters, and everything after it.

Either way the page would come out as ``no_article`` or as an article cut
short, with nothing to say why. A cheap scan of the text finds candidates
(nesting deeper than the limit by a flat tag scan, a run of text without
markup long enough to pass the limit); only those pages are parsed here to
confirm that the parser really cuts them.
"""
from __future__ import annotations

import html
import re

from trafilatura.utils import load_html

PARSER_MAX_DEPTH = 256
PARSER_MAX_TEXT = 10_000_000
# A shorter run can still pass the limit once stored as UTF-8 (up to 4 bytes a character).
_LONG_TEXT_RUN = re.compile(r"[^<]{%d,}" % (PARSER_MAX_TEXT // 4))


def _reaches_depth(tree, depth: int) -> bool:
    return bool(tree.getroottree().xpath("/*" * depth))


def parser_truncation(text: str, nested_too_deep: bool) -> tuple[str, str] | None:
    """(reason, detail) when the parser would cut the page, else None.

    ``nested_too_deep``: the flat scan found nesting deeper than PARSER_MAX_DEPTH
    (it can overcount where the parser closes elements itself, hence the check).
    """
    runs = [(match.start(), match.end()) for match in _LONG_TEXT_RUN.finditer(text)]
    if not nested_too_deep and not runs:
        return None
    tree = load_html(text)
    if tree is None and not nested_too_deep:
        return None  # not a page the parser can read at all: extraction says so
    if nested_too_deep and (tree is None or _reaches_depth(tree, PARSER_MAX_DEPTH)):
        return ("too_deeply_nested",
                f"elements nest deeper than {PARSER_MAX_DEPTH} levels: the HTML parser (libxml2) drops them "
                "and the rest of the page")
    if runs:
        longest_run = max(len(html.unescape(text[start:end])) for start, end in runs)
        longest_node = max((len(node) for node in tree.itertext()), default=0)
        if longest_node < 0.9 * longest_run:
            return ("text_node_too_long",
                    f"a text of {longest_run} characters without markup: the HTML parser (libxml2) drops text "
                    f"nodes over about {PARSER_MAX_TEXT} and the rest of the page")
    return None
