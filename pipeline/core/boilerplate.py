"""Boilerplate flagging: line rules, in-document repeats, corpus-level recurrence.

Nothing here deletes text: paragraphs get ``is_boilerplate`` and the name of
the rule that fired in ``boilerplate_rule``, so every decision can be audited
and undone downstream.

Line rules are deliberately conservative. Each one fires only when a pattern
matches *and* the paragraph is short (``max_words``), and most patterns are
anchored to the start of the paragraph or phrased as a call to action
("subscribe now", "leave a comment"), so an article sentence that merely
mentions subscribing, cookies or a donation is never flagged.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from pipeline.core.models import Paragraph


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern[str]
    max_words: int
    why: str


def _rule(name: str, max_words: int, why: str, *patterns: str) -> LineRule:
    return LineRule(name, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE), max_words, why)


# A word with Latin and Cyrillic/Greek letters side by side ("Аdvеrtіѕе" with Cyrillic А, е, і, ѕ).
_MIXED_WORD = r"\b\w*(?:[a-z][\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff][a-z])\w*\b"

# English, German and French phrasings of what recurs on every news site.
LINE_RULES: list[LineRule] = [
    _rule(
        "cookie_notice", 60,
        "Cookie/consent banners: the site says it uses cookies or asks to accept or manage them.",
        r"\b(we|this (web)?site|our (web)?site|site) uses? cookies\b",
        r"^(we|our partners)\b[\w ,]{0,20}\buse cookies\b",
        r"\baccept (all )?cookies\b", r"\bcookie (settings|preferences|policy|consent)\b",
        r"\bwir (verwenden|nutzen|setzen) cookies\b", r"\b(diese|unsere) (web)?seite (verwendet|nutzt) cookies\b",
        r"\bcookies? (akzeptieren|zustimmen|einstellungen)\b", r"\balle (cookies )?akzeptieren\b",
        r"\b(nous utilisons|ce site utilise) (des )?cookies\b", r"\baccepter (les |tous les )?cookies\b",
        r"\bparamètres des cookies\b",
    ),
    _rule(
        "login_prompt", 30,
        "Log-in walls and session notices: asks the reader to sign in, or reports the log-in state.",
        r"\b(log|sign) ?in to (continue|comment|read|access|view|bookmark|save|keep reading)\b",
        r"^(please )?(log|sign) ?in\b", r"\balready (a subscriber|a member|have an account|registered)\b",
        r"\b(automatically )?logged (in|out)\b", r"\bplease refresh (the page|your browser)\b",
        r"\b(log|sign) ?in with your (account|email)\b", r"\bforgot (your )?password\b", r"^create an account$",
        r"^(jetzt |bitte )?(anmelden|einloggen)\b", r"\bbitte (melden|loggen) sie sich\b.*\ban\b",
        r"\bsie sind (bereits |nicht )?(angemeldet|eingeloggt)\b", r"\bbereits (abonnent|registriert)\b",
        r"^(se connecter|connectez-vous|identifiez-vous)\b", r"\bdéjà (abonné|inscrit)\b",
    ),
    _rule(
        "subscription_pitch", 40,
        "Paywall and subscription sales copy: imperative offers, 'subscribers only' notices, product names ending in Premium.",
        r"\bsubscribe (now|today|for)\b", r"\bstart your (free )?(trial|[\w ]{0,30}subscription)\b",
        r"\bsubscription today\b", r"\b(become|already) a (subscriber|member)\b",
        r"\b(this|the) (article|story|content) is (only )?(available|reserved|exclusive) (to|for) ([\w'’-]+ ){0,4}(subscribers|members)\b",
        r"^[\w'’ -]{0,30}\bpremium$",
        r"\bjetzt (abonnieren|abonnent werden|testen|gratis testen|weiterlesen mit)\b",
        r"\b(abo|abonnement) (abschließen|abschliessen|wählen)\b",
        r"\b(dieser|der) (artikel|beitrag|inhalt) ist (nur )?(für |exklusiv für )?(abonnenten|abonnentinnen)\b",
        r"\b(abonnez-vous|je m'abonne|s'abonner)\b", r"\b(cet article|ce contenu) est réservé aux abonnés\b",
        r"\bplease subscribe\b", r"\bto (view|read|continue reading) the (full|whole|rest of the) (story|article)\b",
        r"\bcancel (at )?any ?time\b", r"\bjederzeit kündbar\b", r"\bsans engagement\b", r"\bcancela cuando quieras\b",
    ),
    _rule(
        "donation_appeal", 60,
        "Appeals for money: the reader's donation or support keeps the publication going.",
        r"\byour (donation|contribution|support) (allows|helps|will|makes|keeps|enables)\b",
        r"\b(please )?(donate|make a donation|support (us|our journalism|independent journalism))( today| now)?[.!]?$",
        r"\b(jetzt|bitte) spenden\b", r"\b(unterstützen sie|unterstütze) (unseren|unabhängigen) journalismus\b",
        r"\bihre spende\b", r"\b(faites un don|soutenez-nous|soutenez notre journalisme)\b", r"\bvotre (don|soutien) (nous )?permet\b",
    ),
    _rule(
        "sharing_prompt", 8,
        "Share buttons rendered as text: 'Share this article', 'Share on Facebook', 'Teilen'.",
        r"^(share|teilen|partager)\b", r"\bshare (this|on|via) ", r"\b(auf|via|per) (facebook|twitter|x|whatsapp|linkedin|e-mail|email) teilen\b",
        r"\bpartager sur\b", r"^(tweet|e-?mail|print|drucken|imprimer)$",
    ),
    _rule(
        "newsletter_signup", 40,
        "Newsletter sign-up boxes.",
        r"\b(sign up|subscribe|register) (for|to) (our|the|my)\b.{0,40}\bnewsletters?\b",
        r"\bnewsletter (abonnieren|bestellen|anmelden)\b", r"\b(jetzt )?(zum|für den) newsletter anmelden\b",
        r"\b(inscrivez-vous|abonnez-vous) à (notre|la) newsletter\b", r"^(sign up|get) (for )?(our|the)\b.{0,40}\bnewsletters?\b",
        r"^newsletter$", r"\bmit unserem newsletter\b",
        r"\b(mit der registrierung|by (signing up|registering|subscribing)|en vous inscrivant),? (akzeptieren sie|you agree|you accept|vous acceptez)\b", r"^get (the|our) .{0,40}\b(daily|weekly) (edition|briefing|newsletter)\b",
    ),
    _rule(
        "comment_prompt", 25,
        "Comment-section furniture: invitations to comment or join the conversation, comment counts.",
        r"\bjoin (the|thought-provoking|our) conversations?\b", r"\b(leave|post|add|write) a (comment|reply)\b",
        r"\bcomments? (are|is) (now )?(closed|disabled)\b", r"\bbe the first to comment\b",
        r"^(show |view |read )?(\d[\d,.]* )?comments?$",
        r"\bkommentar (schreiben|verfassen|abgeben)\b", r"^(\d+ )?kommentare?( anzeigen| lesen)?$", r"\bdiskutieren sie mit\b",
        r"\blaisser un commentaire\b", r"^(\d+ )?(réagir|commentaires?)$", r"\bréagir à cet article\b",
    ),
    _rule(
        "read_more_teaser", 25,
        "Cross-links to other stories: a line that starts with 'Read more', 'Related', 'Lesen Sie auch', 'Lire aussi'...",
        r"^(read more|read next|related( articles?| stories| content)?|see also|more on this( story)?|recommended( for you)?|most read|also read|you may also like)\b",
        r"^(lesen sie (auch|mehr)|mehr zum thema|weiterlesen|auch interessant|das könnte sie auch interessieren|meistgelesen)\b",
        r"^(lire aussi|à lire aussi|voir aussi|sur le même sujet|les plus lus)\b",
        r"^weitere (aktuelle )?(themen|artikel|beiträge|nachrichten)\b", r"^lust auf mehr\b", r"^mehr (dazu|zum thema)\b",
        r"^(te|le) puede interesar\b", r"^(lee|lea) (también|más)\b", r"^(contenido|noticias|artículos) relacionad[oa]s?\b",
        r"^más sobre\b",
    ),
    _rule(
        "copyright_notice", 60,
        "Copyright and reprint notices.",
        r"^(©|\(c\) |copyright\b)", r"\ball rights reserved\b", r"\balle rechte vorbehalten\b", r"\btous droits réservés\b",
        r"\bcopyrighted property\b", r"\bwritten permission\b.{0,40}\b(reprint|reproduc|republish)",
    ),
    _rule(
        "photo_credit", 8,
        "A line that only credits a picture: 'Photo: Reuters', 'Foto: dpa', 'Crédits photos : ...', 'Getty Images'.",
        r"^(photo|photos|foto|fotos|bild|image|picture|crédits? photos?|photo credit|bildquelle)\s*:\s*\S",
        r"^(beitragsbild|titelbild|symbolbild)$",
        r"^(getty images|reuters|afp|dpa|ap photo|imago|shutterstock|picture alliance)( via [\w ]+)?$",
    ),
    _rule(
        "legal_links", 8,
        "Links to the site's legal pages rendered as a line.",
        r"^(privacy policy|privacy notice|terms (of (use|service)|and conditions)|imprint|impressum|"
        r"datenschutz(erklärung|hinweise|- und nutzungsbedingungen)?|agb|nutzungsbedingungen|"
        r"mentions légales|politique de confidentialité|conditions générales)\b",
    ),
    _rule(
        "embed_placeholder", 40,
        "Placeholders for blocked embeds: 'click to load external content', 'Externer Inhalt'.",
        r"\b(klicken sie|click|cliquez)\b.{0,80}\b(laden|load|charger)\b", r"^externe[nr]? inhalte?\b",
        r"\bexternal content\b", r"\bcontenu externe\b",
    ),
    _rule(
        "browser_notice", 30,
        "Messages from the page's machinery rather than its text: notification, JavaScript and browser notices.",
        r"\bnotifications can be managed\b", r"\b(enable|activate) javascript\b", r"\bjavascript (is )?(disabled|required)\b",
        r"\byour browser (is out of date|does not support)\b", r"\b(bitte )?aktivieren sie javascript\b", r"\bactivez javascript\b",
    ),
    _rule(
        "obfuscated_text", 80,
        "Ad copy spelt with look-alike letters of another script (Cyrillic 'а', 'е', 'о' inside Latin words) to dodge "
        "filters; two such mixed-script words are needed, so a lone typo or transliteration does not fire.",
        rf"{_MIXED_WORD}.*{_MIXED_WORD}",
    ),
    _rule(
        "advertisement_label", 2,
        "A lone 'Advertisement' / 'Anzeige' / 'Publicité' label left where an ad was.",
        r"^(advertisement|advertising|sponsored( content)?|anzeige|werbung|publicité)$",
    ),
]

_WORD = re.compile(r"\w+")


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _flag(paragraph: Paragraph, rule: str, disabled: frozenset[str] = frozenset()) -> None:
    """Flag ``paragraph`` as boilerplate; a rule in ``disabled`` only names it (it stays content)."""
    if rule in disabled:
        paragraph.boilerplate_rule = paragraph.boilerplate_rule or rule
        return
    paragraph.is_boilerplate = True
    paragraph.boilerplate_rule = rule


# Page-level rules that run after the line rules (flag_paywall_blocks, flag_repeats_within_document, flag_link_runs).
STRUCTURAL_RULES = ("paywall_block", "repeat_in_document", "link_run", "url_or_timestamp", "microdata", "link_dense_run",
                    "byline")
PAGE_RULES = tuple(rule.name for rule in LINE_RULES) + STRUCTURAL_RULES

# Rules neutralised because cross-validation across sites showed a held-out recall cost (bench/quality.py;
# README "Boilerplate layers"): a paragraph such a rule matches is named in ``boilerplate_rule`` but stays
# content (``is_boilerplate`` False), so the evidence is kept and nothing is dropped.
#   copyright_notice: aeb held-out recall -0.0007 (min fold -0.0033): its gold counts agency credits and notices.
#   repeat_in_document: held-out recall -0.0001 (aeb), -0.0004 (fundus, min fold -0.0018).
#   link_dense_run: trafilatura-eval held-out recall -0.0017 (min fold -0.0086), though fundus F1 +0.0034.
#   microdata: fires on no dev page, so no fold shows a gain: it names, never drops.
# (url_or_timestamp stays on: fundus held-out precision +0.0010, no recall cost on any set.)
NEUTRALISED_RULES: frozenset[str] = frozenset(
    {"copyright_notice", "repeat_in_document", "link_dense_run", "microdata"})


def matching_rule(text: str, disabled: frozenset[str] = NEUTRALISED_RULES) -> str | None:
    """Name of the first line rule that fires on ``text``, else None; rules in ``disabled`` never fire."""
    return _matching_rules(text, disabled)[0]


def _matching_rules(text: str, disabled: frozenset[str]) -> tuple[str | None, str | None]:
    """(the first rule outside ``disabled`` that fires, the first rule in ``disabled`` that fires before it)."""
    stripped = text.strip().rstrip(":.!…»›→ ").strip()
    words = _word_count(stripped)
    first_disabled = None
    for rule in LINE_RULES:
        if words > rule.max_words or (first_disabled and rule.name in disabled):
            continue
        if rule.pattern.search(stripped):
            if rule.name not in disabled:
                return rule.name, first_disabled
            first_disabled = rule.name
    return None, first_disabled


def flag_line_rules(paragraphs: list[Paragraph], disabled: frozenset[str] = NEUTRALISED_RULES) -> None:
    for paragraph in paragraphs:
        if paragraph.is_boilerplate:
            continue
        rule, named_only = _matching_rules(paragraph.text, disabled)
        rule = rule or named_only  # a neutralised rule names the paragraph (see _flag)
        if rule:
            _flag(paragraph, rule, disabled)


def _repeat_key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


REPEAT_MIN_WORDS = 6
REPEAT_MAX_OCCURRENCES = 2


def flag_repeats_within_document(paragraphs: list[Paragraph], disabled: frozenset[str] = frozenset()) -> None:
    """Flag a later copy of a paragraph (case and punctuation do not count); the first copy stays.

    Only a lone second copy is flagged: at least ``REPEAT_MIN_WORDS`` words, at
    most ``REPEAT_MAX_OCCURRENCES`` in the document, and neighbours that are not
    copies too. Duplicated furniture (a standfirst repeated as the lede, a notice
    at top and bottom) comes twice and alone; labels ("Meal 2", "See it now:
    Amazon"), the same question put to each interviewee, and repeated blocks of
    a structured text (a meal plan per day) are content.
    """
    keys = [_repeat_key(p.text) for p in paragraphs]
    occurrences = Counter(keys)
    seen: set[str] = set()
    is_copy = []
    for key in keys:
        is_copy.append(bool(key) and key in seen)
        seen.add(key)
    for i, paragraph in enumerate(paragraphs):
        if not is_copy[i] or paragraph.is_boilerplate or len(keys[i].split()) < REPEAT_MIN_WORDS:
            continue
        if occurrences[keys[i]] > REPEAT_MAX_OCCURRENCES:
            continue
        if (i > 0 and is_copy[i - 1]) or (i + 1 < len(paragraphs) and is_copy[i + 1]):
            continue
        _flag(paragraph, "repeat_in_document", disabled)


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|"
    "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
)
_MONTH = re.compile(rf"\b({_MONTHS})\b")
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_PLURAL_AFTER_NUMBER = re.compile(r"(# \w+?)s\b")
_NON_WORD = re.compile(r"[^\w#]+")


def normalise_for_stats(text: str) -> str:
    """Recurrence key: case, punctuation, numbers, month names and plurals after a number do not count.

    "Updated 3 hours ago" and "Updated 1 hour ago" both become "updated # hour ago".
    """
    key = text.casefold()
    key = _MONTH.sub("#", key)
    key = _NUMBER.sub("#", key)
    key = _NON_WORD.sub(" ", key).strip()
    return _PLURAL_AFTER_NUMBER.sub(r"\1", key)


def key_document_counts(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """(domain, key, n_documents) and documents per domain carrying any key, from (domain, key, doc_id) rows.

    Both are sums over disjoint sets of documents (batches), so they add up."""
    rows = rows[rows["key"].astype(bool)]
    # distinct documents by dropping repeats, then counting: groupby nunique sorts every group (slower)
    domain_docs = rows.drop_duplicates(["domain", "doc_id"]).groupby("domain").size().rename("domain_documents")
    per_key = (rows.drop_duplicates(["domain", "key", "doc_id"]).groupby(["domain", "key"]).size()
               .rename("n_documents").reset_index())
    return per_key, domain_docs


def recurring_keys(per_key: pd.DataFrame, domain_docs: pd.Series, min_documents: int,
                   min_share: float) -> pd.DataFrame:
    """Keys in at least ``min_documents`` documents and ``min_share`` of their domain's documents.

    A domain with fewer than ``min_documents`` documents yields nothing.
    """
    columns = ["domain", "key", "n_documents", "share"]
    if per_key.empty:
        return pd.DataFrame(columns=columns)
    per_key = per_key.join(domain_docs.rename("domain_documents"), on="domain")
    per_key["share"] = per_key["n_documents"] / per_key["domain_documents"]
    keep = (
        (per_key["domain_documents"] >= min_documents)
        & (per_key["n_documents"] >= min_documents)
        & (per_key["share"] >= min_share)
    )
    return per_key.loc[keep, columns].reset_index(drop=True)


def domain_boilerplate_keys(rows: pd.DataFrame, min_documents: int, min_share: float) -> pd.DataFrame:
    """``recurring_keys`` of (domain, key, doc_id) rows."""
    return recurring_keys(*key_document_counts(rows), min_documents, min_share)


LINK_RUN_MIN = 4  # consecutive paragraphs that are each a whole link label
LINK_RUN_MAX_WORDS = 12


def flag_link_runs(paragraphs: list[Paragraph], link_labels: frozenset[str], min_run: int = LINK_RUN_MIN) -> None:
    """Flag runs of at least ``min_run`` short paragraphs that are each the whole label of a link on the page.

    Menus and lists of other stories that reached the main text come as a run of
    link labels; an article's own paragraphs, even one holding a link, do not.
    """
    if not link_labels:
        return
    is_label = [
        not p.is_boilerplate and _word_count(p.text) <= LINK_RUN_MAX_WORDS and _repeat_key(p.text) in link_labels
        for p in paragraphs
    ]
    start = 0
    while start < len(paragraphs):
        if not is_label[start]:
            start += 1
            continue
        end = start
        while end < len(paragraphs) and is_label[end]:
            end += 1
        if end - start >= min_run:
            for paragraph in paragraphs[start:end]:
                _flag(paragraph, "link_run")
        start = end


PAYWALL_RULES = frozenset({"subscription_pitch", "login_prompt"})
PAYWALL_BLOCK_MAX_PARAGRAPHS = 3
PAYWALL_BLOCK_MAX_WORDS = 60


def flag_page_rules(paragraphs: list[Paragraph], link_labels: frozenset[str] = frozenset(),
                    disabled: frozenset[str] = NEUTRALISED_RULES, link_run_min: int = LINK_RUN_MIN,
                    microdata_texts: frozenset[str] = frozenset(), authors: tuple[str, ...] = ()) -> None:
    """Every page-level rule in order (line rules, structural lines, paywall blocks, in-document repeats, link
    runs); a rule in ``disabled`` drops nothing (line and structural rules and repeats still name what they match).
    ``authors``: the names the article is credited to (for ``byline``)."""
    flag_line_rules(paragraphs, disabled)
    flag_structural_lines(paragraphs, microdata_texts, disabled)
    flag_bylines(paragraphs, authors, disabled)
    if "paywall_block" not in disabled:
        flag_paywall_blocks(paragraphs)
    flag_repeats_within_document(paragraphs, disabled)
    if "link_run" not in disabled:
        flag_link_runs(paragraphs, link_labels, link_run_min)
    flag_link_dense_runs(paragraphs, link_labels, disabled=disabled)


# A line that is only a URL, or only a date/time (an ISO timestamp, "12.03.2024 14:05", "March 3, 2024, 10:15 am").
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_TIMESTAMP_LINE = re.compile(
    r"^(?:\w+,?\s+)?(?:\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|\d{1,2}\.?\s+\w+\.?\s+\d{4}|\w+\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:[,\s]+(?:um\s+|at\s+|à\s+)?\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:am|pm|uhr|h)?"
    r"(?:\s*(?:z|utc|gmt|[a-z]{2,4}|[+-]\d{2}:?\d{2}))?)?$|"
    r"^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
TIMESTAMP_LINE_MAX_WORDS = 8


def flag_structural_lines(paragraphs: list[Paragraph], microdata_texts: frozenset[str] = frozenset(),
                          disabled: frozenset[str] = frozenset()) -> None:
    """Metadata rendered as text: a paragraph that is only a URL or a timestamp (``url_or_timestamp``), or the
    whole text of a schema.org microdata property other than the article's body (``microdata``: author,
    date, keywords, publisher...)."""
    for paragraph in paragraphs:
        if paragraph.is_boilerplate or paragraph.kind == "heading":
            continue
        text = paragraph.text.strip()
        if _URL_LINE.match(text) or (_word_count(text) <= TIMESTAMP_LINE_MAX_WORDS and _TIMESTAMP_LINE.match(text)):
            _flag(paragraph, "url_or_timestamp", disabled)
        elif microdata_texts and _repeat_key(text) in microdata_texts:
            _flag(paragraph, "microdata", disabled)


BYLINE_MAX_WORDS = 8


def flag_bylines(paragraphs: list[Paragraph], authors: tuple[str, ...] | list[str],
                 disabled: frozenset[str] = frozenset()) -> None:
    """The byline rendered as text (``byline``): a short paragraph at least half of whose words are the full
    names (two words or more) of the people or organisation the article is credited to ("Von Jane Doe,
    Frankfurt", "By Jane Doe and John Roe"); the names are kept in ``authors``."""
    names = [f" {key} " for key in (_repeat_key(a) for a in authors) if key.count(" ") >= 1]
    if not names:
        return
    for paragraph in paragraphs:
        if paragraph.is_boilerplate or paragraph.kind == "heading":
            continue
        key = _repeat_key(paragraph.text)
        words = key.count(" ") + 1 if key else 0
        if not words or words > BYLINE_MAX_WORDS:
            continue
        padded = f" {key} "
        named = sum(name.count(" ") - 1 for name in names if name in padded)
        if 2 * named >= words:
            _flag(paragraph, "byline", disabled)


LINK_DENSE_SHARE = 0.8  # share of a paragraph's words inside one link label
LINK_DENSE_MAX_WORDS = 40
LINK_DENSE_RUN_MIN = 3
_CONTAINED_LABEL_MIN_WORDS = 3


def flag_link_dense_runs(paragraphs: list[Paragraph], link_labels: frozenset[str],
                         min_run: int = LINK_DENSE_RUN_MIN, disabled: frozenset[str] = frozenset()) -> None:
    """Flag runs of at least ``min_run`` short paragraphs each mostly one link's label (a teaser: headline link
    plus a date or a line of standfirst), which whole-label link runs miss."""
    if not link_labels:
        return
    long_labels = [label for label in link_labels if label.count(" ") + 1 >= _CONTAINED_LABEL_MIN_WORDS]

    def dense(p: Paragraph) -> bool:
        words = _word_count(p.text)
        if p.is_boilerplate or p.kind == "heading" or not words or words > LINK_DENSE_MAX_WORDS:
            return False
        padded = f" {_repeat_key(p.text)} "
        linked = max((label.count(" ") + 1 for label in long_labels if f" {label} " in padded), default=0)
        return linked >= LINK_DENSE_SHARE * words

    flags = [dense(p) for p in paragraphs]
    start = 0
    while start < len(paragraphs):
        end = start
        while end < len(paragraphs) and flags[end]:
            end += 1
        if end - start >= min_run:
            for paragraph in paragraphs[start:end]:
                _flag(paragraph, "link_dense_run", disabled)
        start = max(end, start + 1)


def flag_paywall_blocks(paragraphs: list[Paragraph]) -> None:
    """Flag the few short paragraphs between two paywall paragraphs: one paywall box's remaining sales copy.

    A paywall box opens with a sales line ("To view the full story, please
    subscribe") and closes with another or a log-in line ("Already a subscriber?
    Log in"); what lies between ("When you join ... you'll get unlimited access",
    the offer list) is the same box. At most ``PAYWALL_BLOCK_MAX_PARAGRAPHS``
    paragraphs of at most ``PAYWALL_BLOCK_MAX_WORDS`` words, none a heading (a
    headline between a session notice and a pitch is the article's).
    """
    flagged = [i for i, p in enumerate(paragraphs) if p.is_boilerplate and p.boilerplate_rule in PAYWALL_RULES]
    for first, second in zip(flagged, flagged[1:]):
        between = paragraphs[first + 1:second]
        if paragraphs[first].boilerplate_rule == "subscription_pitch" and 0 < len(between) <= PAYWALL_BLOCK_MAX_PARAGRAPHS \
                and all(p.kind != "heading" and _word_count(p.text) <= PAYWALL_BLOCK_MAX_WORDS for p in between):
            for paragraph in between:
                if not paragraph.is_boilerplate:
                    _flag(paragraph, "paywall_block")
