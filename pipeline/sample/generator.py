"""Invented news pages for the demo and for scale benchmarks.

Every outlet, journalist, person, organisation, headline and sentence is made up
from the templates and word lists in `world.py`; no third-party text is used.
Output is deterministic for a seed and written page by page. Each page draws
from its own seeded generator, so page *i* (and the headline other pages quote
as a teaser) can be rebuilt on demand instead of being kept in memory.

    python -m pipeline.sample.generator OUT_DIR [--articles N] [--seed S] [--days D] [--gold PATH]
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from tqdm import tqdm

from pipeline.sample.world import (
    MONTHS,
    WEEKDAYS,
    Person,
    Place,
    Topic,
    TOPICS,
    LEDE_TEMPLATES,
    BODY_TEMPLATES,
    GENERIC_HEADLINES,
    KEY_POINT_TEMPLATES,
    CAPTION_TEMPLATES,
    COMMENT_TEMPLATES,
    COMMENTERS,
    PHOTOGRAPHERS,
    ORDINALS,
    WHEN_PHRASES,
    NEXT_WHEN_PHRASES,
    PAST_MONTHS,
    GENERIC_SUBHEADS,
    Reporter,
    Outlet,
    OUTLETS,
)

# The corpus always ends here, so output does not depend on today's date.
END_DATE = datetime(2024, 3, 15, 23, 0, tzinfo=timezone.utc)
INDEX_EVERY = 30  # one section-index page after every N articles
LOGIN_EVERY = 45  # one login-wall page after every N articles
GZIP_SHARE = 0.07
NESTED_SHARE = 0.10
PROGRESS_THRESHOLD = 1000


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #

SLOT = re.compile(r"\{([A-Za-z0-9_]+)\}")


def word_count(text: str) -> int:
    return len(text.split())


def _slugify(text: str, max_words: int = 8) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "story"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _long_date(moment: datetime, us_style: bool) -> str:
    weekday = WEEKDAYS[moment.weekday()]
    month = MONTHS[moment.month - 1]
    if us_style:
        return f"{weekday}, {month} {moment.day}, {moment.year}"
    return f"{weekday} {moment.day} {month} {moment.year}"


def _short_date(moment: datetime, us_style: bool) -> str:
    month = MONTHS[moment.month - 1]
    return f"{month} {moment.day}, {moment.year}" if us_style else f"{moment.day} {month} {moment.year}"


def _clock(moment: datetime, us_style: bool) -> str:
    if us_style:
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'a.m.' if moment.hour < 12 else 'p.m.'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- #
# Prose: fills sentence templates, tracking how each entity was mentioned
# --------------------------------------------------------------------------- #

class Prose:
    """Template filler for one article (or one piece of furniture).

    Within a sentence {P}/{Pobj}/{Pposs} are one person and {P2}... another; a
    person's first mention in the article is the full name (with the role as an
    appositive in subject position), later mentions are the surname, an
    honorific plus surname, or a possessive.
    """

    def __init__(self, rng: random.Random, topic: Topic, outlet: Outlet, published: datetime):
        self.rng = rng
        self.topic = topic
        self.outlet = outlet
        self.published = published
        self.introduced: set[str] = set()
        self.entities: dict[str, None] = {}  # ordered set of canonical names
        self._primary = topic.cast[0]
        self._secondary = topic.cast[1]
        self._org = topic.orgs[0]
        self._used_templates: set[str] = set()
        self._used_values: set[str] = set()
        self._slot_handlers = self._handlers()

    # -- sentences ---------------------------------------------------------
    def sentence(self, template: str) -> str:
        self._choose_cast()
        return _capitalise(self.fill(template))

    def next_sentence(self, templates: tuple[str, ...]) -> str:
        usable = [t for t in templates if self._usable(t) and t not in self._used_templates]
        if not usable:
            usable = [t for t in templates if self._usable(t)]
        template = self.rng.choice(usable)
        self._used_templates.add(template)
        return self.sentence(template)

    def fill(self, text: str) -> str:
        for _ in range(4):  # slots may expand to text with further slots
            expanded = SLOT.sub(self._slot, text)
            if expanded == text:
                break
            text = expanded
        return text

    def fresh(self, pool: tuple[str, ...]) -> str:
        """A value from the pool not yet used in this article, while any are left."""
        unused = [value for value in pool if value not in self._used_values]
        value = self.rng.choice(unused or pool)
        self._used_values.add(value)
        return value

    def _usable(self, template: str) -> bool:
        return "{BODY}" not in template or bool(self.topic.bodies)

    def _choose_cast(self) -> None:
        cast = self.topic.cast
        if not self.introduced and self.rng.random() < 0.75:
            primary = cast[0]
        elif self.rng.random() < 0.45:  # keep following the previous sentence's person
            primary = self._primary
        else:
            primary = _weighted(self.rng, cast, [p.weight for p in cast])
        others = [p for p in cast if p != primary]
        self._primary = primary
        self._secondary = _weighted(self.rng, others, [p.weight for p in others])
        self._org = _weighted(self.rng, self.topic.orgs, [3.0] + [1.0] * (len(self.topic.orgs) - 1))

    # -- slots -------------------------------------------------------------
    def _slot(self, match: re.Match) -> str:
        name = match.group(1)
        handler = self._slot_handlers.get(name)
        return handler() if handler else match.group(0)

    def _handlers(self) -> dict[str, Callable[[], str]]:
        rng, topic = self.rng, self.topic
        return {
            "P": lambda: self._person(self._primary, "subject"),
            "Pobj": lambda: self._person(self._primary, "object"),
            "Pposs": lambda: self._person(self._primary, "possessive"),
            "P2": lambda: self._person(self._secondary, "subject"),
            "P2obj": lambda: self._person(self._secondary, "object"),
            "FULL": lambda: self._primary.full,
            "LAST": lambda: self._primary.last,
            "O": self._org_mention,
            "ACR": self._acronym,
            "PLACE": lambda: self._place(topic.places),
            "PLACE2": lambda: self._place(topic.places),
            "BODY": lambda: self._place(topic.bodies),
            "SUBJ": lambda: rng.choice(topic.subjects),
            "SUBJ_H": lambda: rng.choice(topic.subjects).removeprefix("the "),
            "ISSUE": lambda: rng.choice(topic.issues),
            "GROUP": lambda: rng.choice(topic.groups),
            "EVENT": lambda: self.fresh(topic.events),
            "QUOTE": lambda: self.fresh(topic.quotes),
            "QUOTE_C": lambda: self.fresh(topic.quotes)[:-1] + ",",  # “..., ” she said
            "OUTLET": self._outlet_mention,
            "DAY": self._day,
            "WHEN": lambda: rng.choice(WHEN_PHRASES),
            "NEXT_WHEN": lambda: rng.choice(NEXT_WHEN_PHRASES),
            "MONTH": lambda: rng.choice(PAST_MONTHS),
            "YEAR": lambda: str(rng.randint(2018, 2023)),
            "YEAR_OLD": lambda: str(rng.randint(2003, 2014)),
            "YEAR_MID": lambda: str(rng.randint(2015, 2021)),
            "YEAR_NEXT": lambda: str(rng.randint(2025, 2030)),
            "ORD": lambda: rng.choice(ORDINALS),
            "NUM": lambda: str(rng.randint(2, 19)),
            "BIG": lambda: f"{rng.randint(12, 480) * 100:,}",
            "PCT": self._percent,
            "MONEY": self._money,
        }

    def _person(self, person: Person, position: str) -> str:
        self.entities[person.full] = None
        if person.full not in self.introduced:
            self.introduced.add(person.full)
            if position == "subject":
                return f"{person.full}, {person.role},"
            return f"{person.full}'s" if position == "possessive" else person.full
        name = self._later_name(person)
        return f"{name}'s" if position == "possessive" else name

    def _later_name(self, person: Person) -> str:
        roll = self.rng.random()
        if roll < self.outlet.honorific_rate:
            dot = "." if self.outlet.us_style else ""
            return f"{person.honorific}{dot} {person.last}"
        if roll > 0.93:
            return person.full
        return person.last

    def _org_mention(self) -> str:
        org = self._org
        self.entities[org.name] = None
        the = "the " if org.with_the else ""
        if not org.acronym:
            return f"{the}{org.name}"
        if org.name not in self.introduced:
            self.introduced.add(org.name)
            return f"{the}{org.name} ({org.acronym})"
        if org.generic and self.rng.random() < 0.2:
            return org.generic
        return org.acronym

    def _acronym(self) -> str:
        """Short name for headlines and comments, where acronyms go unexplained."""
        with_acronym = [org for org in self.topic.orgs if org.acronym]
        if self._org.acronym or not with_acronym:
            return self._org.acronym or self._org.name
        return with_acronym[0].acronym

    def _place(self, places: tuple[Place, ...]) -> str:
        place = self.rng.choice(places)
        self.entities[place.canonical] = None
        return self.rng.choice(place.forms)

    def _outlet_mention(self) -> str:
        self.entities[self.outlet.name] = None
        return self.outlet.name

    def _day(self) -> str:
        back = 1 if self.rng.random() < 0.3 else 0
        return WEEKDAYS[(self.published - timedelta(days=back)).weekday()]

    def _percent(self) -> str:
        value = self.rng.randint(3, 64)
        if self.outlet.us_style:
            return f"{value} percent"
        return f"{value}%" if self.outlet.key == "meridian" else f"{value} per cent"

    def _money(self) -> str:
        """"£340m" / "$340 million" / "€1.2bn", following the outlet's style."""
        long = self.outlet.long_money
        if self.rng.random() < 0.7:
            amount, unit = str(self.rng.randint(12, 950)), (" million" if long else "m")
        else:
            amount, unit = f"{self.rng.randint(11, 98) / 10:.1f}", (" billion" if long else "bn")
        return f"{self.outlet.currency}{amount}{unit}"


# --------------------------------------------------------------------------- #
# Article plan: the cheap, per-index facts other pages need (headline, URL)
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Stub:
    index: int
    outlet: Outlet
    topic: Topic
    published: datetime  # in the outlet's time zone
    headline: str
    article_id: int
    nested: bool
    gzipped: bool

    @property
    def slug(self) -> str:
        return _slugify(self.headline)

    @property
    def section_slug(self) -> str:
        return _slugify(self.topic.section)

    @property
    def url(self) -> str:
        day = self.published
        if self.outlet.key == "harbor":
            tail = f"{day:%Y/%m/%d}/{self.slug}-{self.article_id}"
        elif self.outlet.key == "courier":
            tail = f"news/{self.section_slug}/{self.article_id}/{self.slug}"
        else:
            tail = f"{self.section_slug}/{self.slug}-{self.article_id}"
        return f"https://{self.outlet.domain}/{tail}"

    @property
    def rel_path(self) -> str:
        folder = f"{self.outlet.domain}/{self.section_slug}" if self.nested else self.outlet.domain
        suffix = ".html.gz" if self.gzipped else ".html"
        return f"{folder}/{self.slug}-{self.article_id}{suffix}"


@lru_cache(maxsize=8192)
def _stub(seed: int, days: int, index: int) -> Stub:
    rng = random.Random(f"{seed}/stub/{index}")
    if index < len(OUTLETS):  # every outlet appears even in a tiny corpus
        outlet = OUTLETS[index]
        rng.random()
    else:
        outlet = _weighted(rng, OUTLETS, [o.weight for o in OUTLETS])
    topic = _weighted(rng, TOPICS, [t.weight for t in TOPICS])
    day_start = END_DATE.replace(hour=0, minute=0) - timedelta(days=rng.randrange(max(days, 1)))
    published = (day_start + timedelta(minutes=rng.randrange(5 * 60, 23 * 60))).astimezone(outlet.tz)
    headline = _capitalise(Prose(rng, topic, outlet, published).fill(
        rng.choice(GENERIC_HEADLINES if rng.random() < 0.4 else topic.headlines)))
    article_id = 4_100_000 + index * 97 + rng.randrange(97)  # unique, yet not sequential-looking
    nested = index == 2 or rng.random() < NESTED_SHARE
    gzipped = index == 1 or rng.random() < GZIP_SHARE
    return Stub(index, outlet, topic, published, headline, article_id, nested, gzipped)


def _stubs_from(seed: int, days: int, n_articles: int, outlet: Outlet, rng: random.Random,
                count: int, exclude: int = -1) -> list[Stub]:
    """Up to `count` distinct other articles of the same outlet, picked at random."""
    found: dict[int, Stub] = {}
    for _ in range(count * 12):
        if len(found) >= count or n_articles < 2:
            break
        index = rng.randrange(n_articles)
        if index == exclude or index in found:
            continue
        stub = _stub(seed, days, index)
        if stub.outlet == outlet:
            found[index] = stub
    return list(found.values())


# --------------------------------------------------------------------------- #
# Article body
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Block:
    kind: str  # paragraph | heading | quote | list_item (the pipeline's Paragraph kinds)
    text: str


def _body_blocks(rng: random.Random, prose: Prose) -> list[Block]:
    target_words = rng.randint(270, 620)
    quote = _pull_quote(rng, prose) if rng.random() < 0.7 else None
    key_points = _key_points(rng, prose) if rng.random() < 0.4 else []
    extra_words = word_count(quote or "") + sum(word_count(k) for k in key_points)
    paragraphs = _prose_paragraphs(rng, prose, max(target_words - extra_words, 200))
    blocks = [Block("paragraph", text) for text in paragraphs]
    if key_points:
        at = rng.randint(1, 2)
        blocks[at:at] = [Block("list_item", text) for text in key_points]
    if quote:
        blocks.insert(rng.randint(2, len(blocks) - 1), Block("quote", quote))
    _insert_subheads(rng, prose.topic, blocks)
    return blocks


def _prose_paragraphs(rng: random.Random, prose: Prose, target_words: int) -> list[str]:
    count = min(12, max(4, round(target_words / rng.uniform(45, 72))))
    paragraphs: list[str] = []
    total = 0
    for number in range(count):
        goal = target_words * (number + 1) / count
        sentences = [prose.next_sentence(LEDE_TEMPLATES if number == 0 else BODY_TEMPLATES)]
        total += word_count(sentences[0])
        while total < goal:
            sentences.append(prose.next_sentence(BODY_TEMPLATES))
            total += word_count(sentences[-1])
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _pull_quote(rng: random.Random, prose: Prose) -> str:
    first, second = prose.fresh(prose.topic.quotes), prose.fresh(prose.topic.quotes)
    speaker = prose.topic.cast[0] if rng.random() < 0.6 else rng.choice(prose.topic.cast)
    prose.entities[speaker.full] = None
    return f"“{first} {second}” — {speaker.full}"


def _key_points(rng: random.Random, prose: Prose) -> list[str]:
    templates = rng.sample(KEY_POINT_TEMPLATES, rng.randint(3, 4))
    return [prose.sentence(template) for template in templates]


def _insert_subheads(rng: random.Random, topic: Topic, blocks: list[Block]) -> None:
    paragraphs = sum(block.kind == "paragraph" for block in blocks)
    if paragraphs < 6:
        return
    wanted = rng.choice((0, 1, 1, 2))
    titles = rng.sample(topic.subheads + GENERIC_SUBHEADS, wanted)
    for title in titles:
        spots = [i for i in range(3, len(blocks))
                 if blocks[i].kind == "paragraph" and blocks[i - 1].kind == "paragraph"]
        if spots:
            blocks.insert(rng.choice(spots), Block("heading", title))


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #

class Page:
    """Collects the furniture text of one page as it is rendered."""

    def __init__(self) -> None:
        self.furniture: list[tuple[str, str]] = []

    def furn(self, kind: str, text: str) -> str:
        self.furniture.append((kind, text))
        return _esc(text)


@dataclass
class ArticleView:
    stub: Stub
    blocks: list[Block]
    authors: list[Reporter]
    caption: str
    credit: str
    updated: str
    paywall: str
    donation: str
    comment_count: int
    comments: list[tuple[str, str]]
    related: list[Stub]
    inline: Stub | None

    @property
    def outlet(self) -> Outlet:
        return self.stub.outlet

    @property
    def iso(self) -> str:
        return self.stub.published.isoformat()


def _byline(view: ArticleView) -> str:
    if len(view.authors) == 1:
        author = view.authors[0]
        return f"By {author.name}, {author.desk}"
    return "By " + " and ".join(author.name for author in view.authors)


def _head(outlet: Outlet, title: str, extra: str = "") -> str:
    return (
        f"<title>{_esc(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta property="og:site_name" content="{_attr(outlet.name)}">\n'
        f'<link rel="stylesheet" href="/static/{outlet.prefix}-main.css">\n'
        f"{extra}"
        f"<script>window.{outlet.prefix}Analytics = window.{outlet.prefix}Analytics || [];</script>\n"
    )


def _article_head(view: ArticleView) -> str:
    stub, outlet = view.stub, view.outlet
    meta = (
        f'<meta property="og:title" content="{_attr(stub.headline)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:url" content="{_attr(stub.url)}">\n'
        f'<meta name="author" content="{_attr(", ".join(a.name for a in view.authors))}">\n'
        f'<meta property="article:published_time" content="{view.iso}">\n'
        f'<meta property="article:section" content="{_attr(stub.topic.section)}">\n'
        f'<link rel="canonical" href="{_attr(stub.url)}">\n'
    )
    if outlet.json_ld:
        meta += _json_ld(view)
    return _head(outlet, f"{stub.headline}{outlet.title_sep}{outlet.name}", meta)


def _json_ld(view: ArticleView) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": view.stub.headline,
        "datePublished": view.iso,
        "dateModified": view.iso,
        "author": [{"@type": "Person", "name": a.name, "jobTitle": a.desk} for a in view.authors],
        "publisher": {"@type": "Organization", "name": view.outlet.name},
        "mainEntityOfPage": view.stub.url,
        "articleSection": view.stub.topic.section,
        "inLanguage": "en",
    }
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{payload}</script>\n'


def _document(outlet: Outlet, head: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="{charset}">\n{head}</head>\n'
        f'<body class="{outlet.prefix}-site">\n{body}\n</body>\n</html>\n'
    )


def _cookie_banner(page: Page, outlet: Outlet) -> str:
    p = outlet.prefix
    buttons = "".join(f'<button type="button" class="{p}-consent-btn">{page.furn("cookie", b)}</button>'
                      for b in outlet.cookie_buttons)
    return (f'<div id="{p}-cookie-consent" class="consent-banner" role="dialog">'
            f"<p>{page.furn('cookie', outlet.cookie)}</p>{buttons}</div>\n")


def _masthead(page: Page, outlet: Outlet, when: datetime, section: str) -> str:
    p = outlet.prefix
    nav = "".join(f'<li><a href="/{_slugify(label)}">{page.furn("nav", label)}</a></li>'
                  for label in outlet.nav)
    return (
        f'<header class="{p}-masthead"><a class="{p}-logo" href="/">{page.furn("masthead", outlet.name)}</a>'
        f'<p class="{p}-tagline">{page.furn("tagline", outlet.tagline)}</p>'
        f'<p class="{p}-dateline">{page.furn("dateline", _long_date(when, outlet.us_style))}</p></header>\n'
        f'<nav class="{p}-nav" aria-label="Sections"><ul>{nav}</ul></nav>\n'
        f'<ol class="{p}-breadcrumb"><li><a href="/">{page.furn("breadcrumb", "Home")}</a></li>'
        f'<li><a href="/{_slugify(section)}">{page.furn("breadcrumb", section)}</a></li></ol>\n'
    )


def _footer(page: Page, outlet: Outlet, with_newsletter: bool = True) -> str:
    p = outlet.prefix
    links = "".join(f'<li><a href="/{_slugify(item)}">{page.furn("footer", item)}</a></li>'
                    for item in outlet.footer)
    signup = ""
    if with_newsletter:
        signup = (f'<section class="{p}-newsletter-box"><p>{page.furn("newsletter", outlet.newsletter)}</p>'
                  '<form action="/newsletter"><input type="email" name="email" placeholder="Email address">'
                  f'<button type="submit">{page.furn("newsletter", "Sign up")}</button></form></section>\n')
    return (f'{signup}<footer class="{p}-footer"><ul>{links}</ul>'
            f'<p class="{p}-copyright">{page.furn("footer", outlet.copyright)}</p></footer>')


def _figure(page: Page, view: ArticleView, css: str) -> str:
    return (f'<figure class="{css}"><img src="/media/{view.stub.article_id}.jpg" alt="">'
            f'<figcaption>{page.furn("caption", view.caption)} '
            f'<span class="credit">{page.furn("credit", view.credit)}</span></figcaption></figure>\n')


def _teaser_link(page: Page, stub: Stub, kind: str = "related") -> str:
    return f'<a href="{_attr(stub.url)}">{page.furn(kind, stub.headline)}</a>'


def _related(page: Page, view: ArticleView, css: str) -> str:
    if not view.related:
        return ""
    items = "".join(f"<li>{_teaser_link(page, stub)}</li>" for stub in view.related)
    return (f'<aside class="{css}"><h2>{page.furn("section_label", view.outlet.related_label)}</h2>'
            f"<ul>{items}</ul></aside>\n")


def _comments(page: Page, view: ArticleView, css: str) -> str:
    label = view.outlet.comments_label.format(count=f"{view.comment_count:,}")
    items = "".join(
        f'<li class="comment"><p class="comment-author">{page.furn("comment", handle)}</p>'
        f'<p class="comment-text">{page.furn("comment", text)}</p>'
        f'<a class="reply" href="#reply">{page.furn("comment", "Reply")}</a></li>'
        for handle, text in view.comments
    )
    return (f'<section id="comments" class="{css}"><h3>{page.furn("comment_count", label)}</h3>'
            f"<ol>{items}</ol></section>\n")


def _body_html(page: Page, view: ArticleView, para_class: str = "", sections: bool = False) -> str:
    parts: list[str] = ['<section class="body-section">'] if sections else []
    in_list = False
    paragraphs_seen = 0
    for block in view.blocks:
        if in_list and block.kind != "list_item":
            parts.append("</ul>")
            in_list = False
        if block.kind == "heading":
            if sections:
                parts.append('</section><section class="body-section">')
            parts.append(f"<h2>{_esc(block.text)}</h2>")
        elif block.kind == "quote":
            parts.append(f"<blockquote><p>{_esc(block.text)}</p></blockquote>")
        elif block.kind == "list_item":
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{_esc(block.text)}</li>")
        else:
            paragraphs_seen += 1
            paragraph = f"<p>{_esc(block.text)}</p>"
            parts.append(f'<div class="{para_class}">{paragraph}</div>' if para_class else paragraph)
            parts.extend(_inline_inserts(page, view, paragraphs_seen))
    if in_list:
        parts.append("</ul>")
    if sections:
        parts.append("</section>")
    return "\n".join(parts) + "\n"


def _inline_inserts(page: Page, view: ArticleView, paragraphs_seen: int) -> list[str]:
    """In-body furniture after the given paragraph: ads, newsletter pitch, teaser."""
    outlet, p = view.outlet, view.outlet.prefix
    inserts = []
    if outlet.ad_label and paragraphs_seen % 3 == 0:
        inserts.append(f'<div class="{p}-ad-slot" aria-hidden="true">'
                       f'<span class="ad-label">{page.furn("advertisement", outlet.ad_label)}</span></div>')
    if outlet.inline_newsletter == "aside" and paragraphs_seen == 3:
        inserts.append(f'<aside class="{p}-inline-signup"><p>{page.furn("newsletter", outlet.newsletter)}</p>'
                       f'<a href="/newsletters">{page.furn("newsletter", "Sign up")}</a></aside>')
    if outlet.inline_newsletter == "plain" and paragraphs_seen == 3:
        inserts.append(f'<p><strong>{page.furn("newsletter", outlet.newsletter)}</strong></p>')
    if outlet.inline_teaser and view.inline and paragraphs_seen == 4:
        inserts.append(f'<p class="{p}-rm"><strong>{page.furn("read_more", outlet.inline_teaser)}</strong> '
                       f"{_teaser_link(page, view.inline, 'read_more')}</p>")
    return inserts


def _render_article_tag(page: Page, view: ArticleView) -> str:
    """Plain semantic markup: <article> holding header, figure, body and author bio."""
    stub = view.stub
    return (
        '<main id="content">\n<article class="dh-article">\n'
        f'<header><p class="kicker">{page.furn("kicker", stub.topic.section)}</p>'
        f"<h1>{_esc(stub.headline)}</h1>\n"
        f'<p class="byline">{page.furn("byline", _byline(view))}</p>\n'
        f'<p class="timestamp"><time datetime="{view.iso}">{page.furn("timestamp", view.updated)}</time></p></header>\n'
        f"{_figure(page, view, 'lead-image')}"
        f"{_body_html(page, view)}"
        f'<div class="paywall-banner"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f'<footer class="author-bio">{_author_blurbs(page, view)}</footer>\n'
        "</article>\n"
        f"{_related(page, view, 'related-stories')}"
        f'<div class="donate-appeal"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f"{_comments(page, view, 'comments')}"
        "</main>\n"
    )


def _render_story_body(page: Page, view: ArticleView) -> str:
    """No <article> element at all: divs plus JSON-LD metadata in the head."""
    stub = view.stub
    return (
        '<div id="main-wrapper">\n<div class="headline-block">'
        f'<span class="section-label">{page.furn("kicker", stub.topic.section)}</span>'
        f'<h1 class="story-headline">{_esc(stub.headline)}</h1>\n'
        f'<div class="story-meta"><span class="byline">{page.furn("byline", _byline(view))}</span> '
        f'<span class="updated">{page.furn("timestamp", view.updated)}</span></div></div>\n'
        f'<div class="lead-art">{_figure(page, view, "lead-photo")}</div>\n'
        f'<div class="story-body">\n{_body_html(page, view)}</div>\n'
        f'<div class="subscribe-cta"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f'<div class="author-card">{_author_blurbs(page, view)}</div>\n'
        f"{_related(page, view, 'read-next')}"
        f'<div class="membership"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f"{_comments(page, view, 'comments-wrapper')}"
        "</div>\n"
    )


def _render_entry_content(page: Page, view: ArticleView) -> str:
    """Blog-engine style: entry-title / entry-meta / entry-content, donation inside the post."""
    stub, author = view.stub, view.authors[0]
    names = " and ".join(a.name for a in view.authors)
    return (
        f'<div id="primary">\n<article id="post-{stub.article_id}" class="post type-post">\n'
        f'<header class="entry-header"><h1 class="entry-title">{_esc(stub.headline)}</h1>\n'
        f'<div class="entry-meta"><span class="posted-on">{page.furn("timestamp", view.updated)}</span> '
        f'<span class="byline"><a class="author" href="/author/{_slugify(author.name)}">'
        f'{page.furn("byline", "By " + names)}</a></span></div></header>\n'
        f'<div class="entry-content">\n{_figure(page, view, "wp-caption")}'
        f"{_body_html(page, view)}"
        f'<div class="support-box"><p>{page.furn("donation", view.donation)}</p></div>\n'
        "</div>\n"
        f'<footer class="entry-footer"><span class="cat-links">'
        f'{page.furn("kicker", "Posted in " + stub.topic.section)}</span></footer>\n'
        "</article>\n"
        f'<div class="author-info">{_author_blurbs(page, view)}</div>\n'
        f'<div class="member-cta"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f"{_related(page, view, 'post-navigation')}"
        f"{_comments(page, view, 'comments-area')}"
        "</div>\n"
    )


def _render_microdata(page: Page, view: ArticleView) -> str:
    """schema.org microdata, body split into <section>s at each subheading."""
    stub = view.stub
    page.furn("byline", _byline(view))
    byline = _esc(_byline(view))
    blurbs = " ".join(page.furn("author_blurb", a.blurb(view.outlet.name)) for a in view.authors)
    for author in view.authors:  # wrap each name in microdata without changing the visible text
        byline = byline.replace(_esc(author.name), (
            '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
            f'<span itemprop="name">{_esc(author.name)}</span></span>'), 1)
    return (
        '<main class="mp-main">\n<article itemscope itemtype="https://schema.org/NewsArticle">\n'
        f'<meta itemprop="datePublished" content="{view.iso}">\n'
        f'<h1 itemprop="headline">{_esc(stub.headline)}</h1>\n'
        f'<p class="article-meta"><span class="byline">{byline}</span> · '
        f'<span class="updated">{page.furn("timestamp", view.updated)}</span></p>\n'
        f"{_figure(page, view, 'hero')}"
        f'<div itemprop="articleBody">\n{_body_html(page, view, sections=True)}'
        f"<p><em>{blurbs}</em></p>"
        '</div>\n'
        f'<div class="topics">{page.furn("kicker", "Topics: " + stub.topic.section)}</div>\n'
        "</article>\n"
        f'<div class="premium-banner"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f"{_related(page, view, 'more-from')}"
        f'<div class="contribute"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f"{_comments(page, view, 'mp-comments')}"
        "</main>\n"
    )


def _render_ad_slots(page: Page, view: ArticleView) -> str:
    """Every paragraph wrapped in its own div, advertisement slots in between."""
    stub = view.stub
    return (
        f'<div class="page">\n<article class="lo-article" data-article-id="{stub.article_id}">\n'
        f'<div class="lo-header"><h1>{_esc(stub.headline)}</h1>\n'
        f'<div class="lo-byline">{page.furn("byline", _byline(view))}</div>\n'
        f'<div class="lo-time">{page.furn("timestamp", view.updated)}</div></div>\n'
        f"{_figure(page, view, 'lo-figure')}"
        f'<div class="lo-body">\n{_body_html(page, view, para_class="lo-paragraph")}</div>\n'
        f'<div class="lo-plus"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f'<div class="lo-donate"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f'<div class="lo-author">{_author_blurbs(page, view)}</div>\n'
        "</article>\n"
        f"{_related(page, view, 'lo-related')}"
        f"{_comments(page, view, 'lo-comments')}"
        "</div>\n"
    )


RENDERERS: dict[str, Callable[[Page, ArticleView], str]] = {
    "article": _render_article_tag,
    "story-body": _render_story_body,
    "entry-content": _render_entry_content,
    "microdata": _render_microdata,
    "ad-slots": _render_ad_slots,
}


def _author_blurbs(page: Page, view: ArticleView) -> str:
    return "".join(f'<p class="author-blurb">{page.furn("author_blurb", a.blurb(view.outlet.name))}</p>'
                   for a in view.authors)


# --------------------------------------------------------------------------- #
# Pages
# --------------------------------------------------------------------------- #

@dataclass
class RenderedPage:
    rel_path: str
    html: str
    gold: dict
    gzipped: bool = False


def _article_view(seed: int, days: int, n_articles: int, stub: Stub, rng: random.Random,
                  blocks: list[Block]) -> ArticleView:
    outlet, topic = stub.outlet, stub.topic
    furniture_prose = Prose(rng, topic, outlet, stub.published)  # keeps caption/comment entities out of gold
    authors = _pick_authors(rng, outlet, topic)
    updated_at = stub.published + timedelta(minutes=rng.randrange(10, 300))
    words = sum(word_count(b.text) for b in blocks)
    updated = outlet.updated.format(
        hours=rng.randint(2, 11), minutes=rng.randint(2, 59),
        date=_short_date(updated_at, outlet.us_style), time=_clock(updated_at, outlet.us_style),
        read=words // 200 + 1)
    related = _stubs_from(seed, days, n_articles, outlet, rng, count=rng.randint(3, 4), exclude=stub.index)
    comments = [(rng.choice(COMMENTERS), furniture_prose.sentence(template))
                for template in rng.sample(COMMENT_TEMPLATES, rng.randint(2, 4))]
    return ArticleView(
        stub=stub, blocks=blocks, authors=authors,
        caption=furniture_prose.sentence(rng.choice(CAPTION_TEMPLATES)),
        credit=outlet.credit.format(photographer=rng.choice(PHOTOGRAPHERS)),
        updated=updated,
        paywall=outlet.paywall.format(read=rng.randint(1, 4)),
        donation=outlet.donation.format(supporters=f"{rng.randint(1800, 2600):,}"),
        comment_count=rng.randint(3, 2400),
        comments=comments,
        related=related[1:] if outlet.inline_teaser else related,
        inline=related[0] if related and outlet.inline_teaser else None,
    )


def _pick_authors(rng: random.Random, outlet: Outlet, topic: Topic) -> list[Reporter]:
    specialists = [r for r in outlet.reporters if topic.key in r.covers] or list(outlet.reporters)
    lead = rng.choice(specialists)
    if rng.random() < 0.2:
        others = [r for r in specialists if r != lead] or [r for r in outlet.reporters if r != lead]
        return [lead, rng.choice(others)]
    return [lead]


def _article_page(seed: int, days: int, n_articles: int, index: int) -> RenderedPage:
    stub = _stub(seed, days, index)
    rng = random.Random(f"{seed}/article/{index}")
    prose = Prose(rng, stub.topic, stub.outlet, stub.published)
    blocks = _body_blocks(rng, prose)
    view = _article_view(seed, days, n_articles, stub, rng, blocks)
    page = Page()
    body = (_cookie_banner(page, stub.outlet)
            + _masthead(page, stub.outlet, stub.published, stub.topic.section)
            + RENDERERS[stub.outlet.markup](page, view)
            + _footer(page, stub.outlet))
    gold = _gold(stub.rel_path, stub.url, stub.outlet, "article", stub.headline, page)
    gold.update(
        authors=[a.name for a in view.authors],
        published_at=view.iso,
        body_paragraphs=[b.text for b in blocks],
        body_kinds=[b.kind for b in blocks],
        entities=list(prose.entities),
    )
    return RenderedPage(stub.rel_path, _document(stub.outlet, _article_head(view), body), gold, stub.gzipped)


def _index_page(seed: int, days: int, n_articles: int, number: int) -> RenderedPage:
    """A section front listing headlines: not an article, the pipeline should reject it."""
    rng = random.Random(f"{seed}/index/{number}")
    outlet = OUTLETS[number % len(OUTLETS)]
    section = "Latest news"  # the listing mixes every topic
    stubs = sorted(_stubs_from(seed, days, n_articles, outlet, rng, count=12),
                   key=lambda s: s.published, reverse=True)
    page = Page()
    when = END_DATE.astimezone(outlet.tz)
    items = "".join(
        f'<li class="teaser">{_teaser_link(page, s, "listing")} '
        f'<span class="teaser-date">{page.furn("listing", _short_date(s.published, outlet.us_style))}</span></li>'
        for s in stubs)
    main = (f'<main class="{outlet.prefix}-section-front"><h1>{page.furn("listing", section)}</h1>\n'
            f'<ul class="teaser-list">{items}</ul>\n'
            f'<a class="more" href="?page=2">{page.furn("listing", "More stories")}</a></main>\n')
    body = (_cookie_banner(page, outlet) + _masthead(page, outlet, when, section) + main + _footer(page, outlet))
    title = f"{section}{outlet.title_sep}{outlet.name}"
    url = f"https://{outlet.domain}/{_slugify(section)}"
    rel_path = f"{outlet.domain}/section-{_slugify(section)}-{number}.html"
    return RenderedPage(rel_path, _document(outlet, _head(outlet, title), body),
                        _gold(rel_path, url, outlet, "index", title, page))


def _login_page(seed: int, days: int, n_articles: int, number: int) -> RenderedPage:
    """A login wall in place of an article: little text, the pipeline should reject it."""
    rng = random.Random(f"{seed}/login/{number}")
    outlet = OUTLETS[(number + 2) % len(OUTLETS)]
    target = _stubs_from(seed, days, n_articles, outlet, rng, count=1)
    page = Page()
    return_to = target[0].url if target else f"https://{outlet.domain}/"
    when = END_DATE.astimezone(outlet.tz)
    pitch = (f"This article is available to {outlet.name} subscribers. "
             "Sign in with your account or start a subscription to keep reading.")
    main = (
        f'<main class="{outlet.prefix}-account"><h1>{page.furn("login", "Sign in to continue reading")}</h1>\n'
        f'<p>{page.furn("login", pitch)}</p>\n'
        f'<form method="post" action="/account/login"><label>{page.furn("login", "Email address")}'
        '<input type="email" name="email"></label>'
        f'<label>{page.furn("login", "Password")}<input type="password" name="password"></label>'
        f'<input type="hidden" name="return" value="{_attr(return_to)}">'
        f'<button type="submit">{page.furn("login", "Sign in")}</button></form>\n'
        f'<p><a href="/account/reset">{page.furn("login", "Forgot your password?")}</a> '
        f'<a href="/subscribe">{page.furn("login", "Create an account")}</a></p></main>\n'
    )
    body = (_cookie_banner(page, outlet) + _masthead(page, outlet, when, "Account") + main
            + _footer(page, outlet, with_newsletter=False))
    title = f"Sign in{outlet.title_sep}{outlet.name}"
    url = f"https://{outlet.domain}/account/login?return={_slugify(return_to, 20)}"
    rel_path = f"{outlet.domain}/login-{number}.html"
    return RenderedPage(rel_path, _document(outlet, _head(outlet, title), body),
                        _gold(rel_path, url, outlet, "login", title, page))


def _gold(rel_path: str, url: str, outlet: Outlet, kind: str, title: str, page: Page) -> dict:
    return {
        "path": rel_path,
        "url": url,
        "outlet": outlet.name,
        "domain": outlet.domain,
        "kind": kind,
        "title": title,
        "authors": [],
        "published_at": None,
        "body_paragraphs": [],
        "body_kinds": [],
        "furniture_paragraphs": [text for _, text in page.furniture],
        "furniture_kinds": [kind_ for kind_, _ in page.furniture],
        "entities": [],
        "encoding": "utf-8",
    }


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #

def _schedule(n_articles: int) -> Iterator[tuple[str, int]]:
    """Page kinds in writing order: articles with occasional index and login pages."""
    indexes = logins = 0
    for index in range(n_articles):
        yield "article", index
        if (index + 1) % INDEX_EVERY == 0:
            yield "index", indexes
            indexes += 1
        if (index + 1) % LOGIN_EVERY == 0:
            yield "login", logins
            logins += 1
    if n_articles and not indexes:
        yield "index", 0
    if n_articles and not logins:
        yield "login", 0


PAGE_BUILDERS = {"article": _article_page, "index": _index_page, "login": _login_page}


def _encode(rendered: RenderedPage, legacy: bool) -> bytes:
    """UTF-8, or windows-1252 with a matching meta charset for the one legacy page."""
    if not legacy:
        return rendered.html.encode("utf-8")
    rendered.gold["encoding"] = "windows-1252"
    text = rendered.html.replace('<meta charset="utf-8">', '<meta charset="windows-1252">', 1)
    return text.encode("cp1252", errors="xmlcharrefreplace")


def _wants_legacy_encoding(rendered: RenderedPage, number: int, done: bool) -> bool:
    """The first plain article from the fourth on that has non-ASCII text to encode."""
    return (not done and number >= 3 and rendered.gold["kind"] == "article" and not rendered.gzipped
            and any(ch in rendered.html for ch in "“é"))


def _write(out_dir: Path, rendered: RenderedPage, data: bytes) -> None:
    path = out_dir / rendered.rel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    if rendered.gzipped:
        data = gzip.compress(data, compresslevel=6, mtime=0)  # mtime=0 keeps bytes reproducible
    path.write_bytes(data)


def _check_gold_location(out_dir: Path, gold_path: Path | None) -> None:
    if gold_path is None:
        return
    if gold_path.resolve().is_relative_to(out_dir.resolve()):
        raise ValueError("gold_path must lie outside out_dir, or the pipeline would ingest it")


def generate_corpus(out_dir: Path, n_articles: int = 150, seed: int = 7, days: int = 6,
                    gold_path: Path | None = None, progress: bool = False) -> int:
    """Write the corpus under out_dir (creating it); returns number of files written."""
    out_dir = Path(out_dir)
    gold_path = Path(gold_path) if gold_path is not None else None
    _check_gold_location(out_dir, gold_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = sum(1 for _ in _schedule(n_articles))
    gold_file = None
    if gold_path is not None:
        gold_path.parent.mkdir(parents=True, exist_ok=True)
        gold_file = gold_path.open("w", encoding="utf-8")
    written = 0
    legacy_done = False
    try:
        for kind, number in tqdm(_schedule(n_articles), total=total, unit="page", disable=not progress):
            rendered = PAGE_BUILDERS[kind](seed, days, n_articles, number)
            legacy = _wants_legacy_encoding(rendered, number, legacy_done)
            legacy_done = legacy_done or legacy
            _write(out_dir, rendered, _encode(rendered, legacy))
            if gold_file is not None:
                gold_file.write(json.dumps(rendered.gold, ensure_ascii=False) + "\n")
            written += 1
    finally:
        if gold_file is not None:
            gold_file.close()
        _stub.cache_clear()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write an invented news corpus (HTML pages).")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=150, help="number of article pages")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=6, help="days the articles are spread over")
    parser.add_argument("--gold", type=Path, default=None, help="write gold.jsonl here (outside OUT_DIR)")
    args = parser.parse_args(argv)
    written = generate_corpus(args.out_dir, n_articles=args.articles, seed=args.seed, days=args.days,
                              gold_path=args.gold, progress=args.articles > PROGRESS_THRESHOLD)
    print(f"Wrote {written} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
