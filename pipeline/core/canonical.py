"""Entity canonicalisation: clean mentions, resolve them within an article,
then merge entities across the corpus.

Cleaning (``clean_mention``) trims a mention's offsets, repeating until
nothing changes:

* a span holding a line break is cut into its lines; the longest line that
  survives cleaning is kept;
* surrounding spaces and stray punctuation (, ; : ! ? dashes, bullets) go;
* a trailing bracketed part goes: "Office for Budget Responsibility (OBR)"
  -> "Office for Budget Responsibility" (the acronym is used, see below);
* quotes or brackets wrapping the whole span go; an unmatched quote at
  either end goes; at an unmatched bracket the span is cut, keeping the part
  before it (or, when that has no letters, the part after it);
* a possessive goes: "Musk's", "Musk’s" -> "Musk", "Jones'" -> "Jones"
  (except brand names in ``KEEP_POSSESSIVE`` such as "McDonald's");
* a leading "the" goes, except in works of art ("The Crown") and in
  ``KEEP_ARTICLE`` ("The Hague");
* titles before a person's name go ("Mr", "Dr", "Sir", "President", "Prime
  Minister", "Secretary-General", optionally after "former"/"acting"...).
  Titles are stripped from PERSON mentions only ("Dr Pepper" stays), except
  Mr/Mrs/Ms/Mx, stripped whatever the label. Royal, papal and peerage titles
  ("King Charles", "Pope Francis", "Lord Sugar") are kept as part of the name;
* a leading conjunction or "Neither" goes ("Neither Ashworth" -> "Ashworth");
* a mention with no letter left, or only a title, an amount ("7.4bn") or no
  capital letter at all ("nasal vaccine trial") is dropped.
Before cleaning, ``split_mention`` cuts a person span joining two names
("Vance and Okafor") and a comma-joined person/organisation span ("Capital
Ledger, Raman") into their parts. Each cleaned mention casts a ``vote_label``
(PERSON after a personal title, GPE for a one-word "person" after "in"...,
else the model's label); classes are decided by these votes.

Within one article (``canonicalise_document``):

1. A mention found in the alias table (aliases.py) takes the table's name
   and label: "US", "U.S.", "the United States", "America" -> "United States".
2. An acronym the article defines, "Long Name (ACR)" (the long name has at
   least two words and is not a person, or its initials spell the acronym),
   resolves to the long name everywhere in that article.
3. Mentions with the same name key (case, full stops, apostrophe style and
   spacing ignored) are one entity; its label is the majority label of its
   mentions (ties: the first seen); the alias table's label wins outright.
4. A person name that is the first or last words of exactly one longer
   person name in the article resolves to it: "Putin", "Mr Putin" ->
   "Vladimir Putin"; "Aliyev" -> "Ilham Aliyev". Two candidates ("Biden"
   with "Joe Biden" and "Hunter Biden"): left alone.
5. The canonical name is the alias-table name, the acronym's expansion, the
   longer person name, or else the entity's most frequent spelling (ties:
   the longer). A CanonicalMention's ``label`` is its entity's label in the
   article, not necessarily the label the model gave that one mention.

Ids: ``entity_id`` = "E" + 16 hex digits of SHA-1 over the label class and
the name key of the canonical name, so the same canonical form gets the same
id in every document, run and batch. Label classes: PERSON; place = GPE and
LOC (and NORP when the alias table or the article's majority says the name
is a place, e.g. "US" tagged NORP); ORG; NORP (groups, demonyms:
"Americans" is not the United States); FAC; EVENT; PRODUCT; WORK_OF_ART; LAW.

Across the corpus (``resolve_corpus``):

1. Spelling/punctuation variants meet: names equal once accents, case and
   everything but letters and digits are ignored ("Rolls-Royce" and "Rolls
   Royce"; "Zelenskyy" and "Zelenskiy" do NOT meet).
2. Among variants labelled in different classes, a class with at most a
   third of the mentions of the largest class joins it (one-off wrong labels
   don't split an entity); closer splits ("Jordan" the person and the
   country) stay apart.
3a. Person families (``person_families``): a full name in every class, with
   its unambiguous surname, is one person when enough of their votes say so.
3b. A one-word person entity joins the one multi-word person entity whose
   name ends with that word ("Kowalczyk" -> "Marta Kowalczyk"); not when two
   or more such people exist. (Applied before rule 2, whose counts then
   include the surname mentions: a full name the model often tags as a place
   joins the person its surname mentions make it.)
4. A merged entity's label is the majority label of its mentions within the
   winning class; its name and final id are those of its most complete
   member: the name with the most words ("Ines Carvalho" over "Carvalho",
   however often the surname alone is used), then the most mentions, the
   longer, the alphabetically first.
Every document-level id keeps a row in ``entity_map`` pointing to its final
id; ``previous`` (an earlier entity_map) carries ids no longer seen forward.

Limits: no external knowledge base. Nicknames, transliteration variants,
people known by one name that is also someone's surname, and abbreviations
the article never spells out are not resolved unless in the alias table.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from pipeline.core import aliases
from pipeline.core.models import Mention
from pipeline.core.ner import ENTITY_LABELS

LABEL_CLASS = {
    "PERSON": "person", "GPE": "place", "LOC": "place", "ORG": "org", "NORP": "group",
    "FAC": "facility", "EVENT": "event", "PRODUCT": "product", "WORK_OF_ART": "work", "LAW": "law",
}

HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame")
OFFICE_TITLES = (
    "President", "Vice President", "Vice-President", "Prime Minister", "Deputy Prime Minister",
    "Chancellor", "Senator", "Sen", "Rep", "Representative", "Congressman", "Congresswoman",
    "Governor", "Gov", "Mayor", "Premier", "Minister", "Foreign Minister", "Defence Minister",
    "Defense Secretary", "Foreign Secretary", "Home Secretary", "Secretary of State",
    "Secretary", "Secretary-General", "Secretary General", "Chairman", "Chairwoman",
    "Chief Executive", "CEO", "Ambassador", "Commissioner", "Speaker", "General", "Gen",
    "Lt", "Colonel", "Col", "Major", "Captain", "Capt", "Sergeant", "Sgt", "Judge",
    "Justice", "Rev", "Reverend", "Rabbi", "Imam", "Bishop", "Archbishop", "Cardinal",
    "Detective", "Inspector",
)
KEEP_ARTICLE = frozenset({"the hague"})
KEEP_POSSESSIVE = frozenset({
    "mcdonald's", "sainsbury's", "macy's", "moody's", "lloyd's", "domino's", "kellogg's",
    "sotheby's", "christie's", "wendy's", "hardee's", "levi's", "dunkin'",
})

_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_QUALIFIER = r"(?:(?:former|ex|late|then|acting|interim|deputy)[\s-]+)*"


def _title_pattern(titles) -> re.Pattern:
    words = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(titles, key=len, reverse=True))
    return re.compile(rf"^{_QUALIFIER}(?:{words})\.?\s+(?=\S)", re.IGNORECASE)


_MISTER_RE = _title_pattern(("Mr", "Mrs", "Ms", "Mx"))
_TITLE_RE = _title_pattern(HONORIFICS + OFFICE_TITLES)
_TITLE_WORDS = frozenset(t.casefold() for t in HONORIFICS + OFFICE_TITLES)
_ARTICLE_RE = re.compile(r"^the\s+", re.IGNORECASE)
# Conjunctions and the like the model sometimes takes into a name at its start.
LEADING_JUNK = ("and", "or", "but", "nor", "neither", "either", "both", "whether", "while")
_LEADING_JUNK_RE = re.compile(rf"^(?:{'|'.join(LEADING_JUNK)})\s+(?=\S)", re.IGNORECASE)
# An amount, not a name: "7.4bn", "£5m", "$40 million", "12 per cent".
_AMOUNT_RE = re.compile(
    r"^[£$€¥]?\s?\d[\d.,]*\s?(?:bn|m|k|tn|million|billion|trillion|thousand|per\s?cent|percent|%)?$", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"(?:['’]s|(?<=[sS])['’])$")
_TRAILING_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]*[)\]]$")
_EDGE_PUNCTUATION = ",;:!?–—-/•·*|"
_PAIRS = {'"': '"', "“": "”", "„": "“", "‘": "’", "'": "'", "«": "»", "‹": "›",
          "(": ")", "[": "]", "{": "}"}
_CLOSERS = {c: o for o, c in _PAIRS.items() if o != c}
_QUOTES = frozenset("\"“”„‘’'«»‹›")


@dataclass(frozen=True)
class CanonicalMention:
    paragraph_index: int
    start: int
    end: int
    text: str
    label: str
    canonical_name: str
    entity_id: str
    model_label: str = ""  # the label the model gave this mention ("label" is the entity's in the article)
    vote_label: str = ""  # the label this mention counts for when its entity's class is decided (see vote_label)
    source: str = "model"  # model, or gazetteer (a name found again where the model missed it)


# --- cleaning -----------------------------------------------------------------

def clean_mention(m: Mention, paragraph_text: str) -> Mention | None:
    """The mention with trimmed offsets, or None when nothing sensible is left."""
    if paragraph_text[m.start:m.end] != m.text:
        raise ValueError(f"mention {m.text!r} does not match its paragraph at {m.start}:{m.end}")
    span = _clean_span(paragraph_text, m.start, m.end, m.label)
    if span is None:
        return None
    start, end = span
    return Mention(m.paragraph_index, start, end, paragraph_text[start:end], m.label)


def _clean_span(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    if _LINE_BREAK.search(text, start, end):
        best = None
        for line in _lines(text, start, end):
            cleaned = _clean_span(text, *line, label)
            if cleaned and (best is None or cleaned[1] - cleaned[0] > best[1] - best[0]):
                best = cleaned
        return best
    span = (start, end)
    while True:
        trimmed = _trim_once(text, *span, label)
        if trimmed is None:
            return None
        if trimmed == span:
            break
        span = trimmed
    words = text[span[0]:span[1]]
    if not any(ch.isalpha() for ch in words) or words.rstrip(".").casefold() in _TITLE_WORDS:
        return None
    if _AMOUNT_RE.match(words) or not any(ch.isupper() for ch in words):  # "7.4bn", "nasal vaccine trial"
        return None
    return span


def _lines(text: str, start: int, end: int):
    pos = start
    for brk in _LINE_BREAK.finditer(text, start, end):
        yield pos, brk.start()
        pos = brk.end()
    yield pos, end


def _trim_once(text: str, s: int, e: int, label: str) -> tuple[int, int] | None:
    """One pass of the trimming rules; returns the new span."""
    while s < e and (text[s].isspace() or text[s] in _EDGE_PUNCTUATION):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _EDGE_PUNCTUATION):
        e -= 1
    if e - s < 1:
        return None
    span = text[s:e]
    if (m := _TRAILING_BRACKETED.search(span)) and any(ch.isalpha() for ch in span[:m.start()]):
        return s, s + m.start()
    if e - s > 2 and _PAIRS.get(span[0]) == span[-1]:
        return s + 1, e - 1
    if span.casefold() not in KEEP_POSSESSIVE and (m := _POSSESSIVE_RE.search(span)):
        return s, s + m.start()
    if span[-1] in _QUOTES and _unmatched_quote(span, span[-1]):
        return s, e - 1
    if span[0] in _QUOTES and _unmatched_quote(span, span[0]):
        return s + 1, e
    if (cut := _unmatched_bracket(span)) is not None:
        left, right = (s, s + cut), (s + cut + 1, e)
        return left if any(ch.isalpha() for ch in text[slice(*left)]) else right
    if label != "WORK_OF_ART" and span.casefold() not in KEEP_ARTICLE and (m := _ARTICLE_RE.match(span)):
        return s + m.end(), e
    if (m := _LEADING_JUNK_RE.match(span)) and span[m.end()].isupper():  # "Neither Ashworth", "and Brandt"
        return s + m.end(), e
    title_re = _TITLE_RE if label == "PERSON" else _MISTER_RE
    if (m := title_re.match(span)) and span[m.end()].isupper():
        return s + m.end(), e
    return s, e


def _unmatched_quote(span: str, quote: str) -> bool:
    partner = _PAIRS.get(quote) or _CLOSERS.get(quote)
    if partner is None or partner == quote:  # straight quotes pair with themselves
        return span.count(quote) % 2 == 1
    return partner not in span


def _unmatched_bracket(span: str) -> int | None:
    stack: list[int] = []
    for i, ch in enumerate(span):
        if ch in "([{":
            stack.append(i)
        elif ch in ")]}":
            if not stack or span[stack[-1]] != _CLOSERS[ch]:
                return i
            stack.pop()
    return stack[0] if stack else None


# --- keys and ids ----------------------------------------------------------------

def name_key(name: str) -> str:
    """Case, full stops, apostrophe/dash style and spacing ignored."""
    text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'")
    text = re.sub(r"[‐‑‒–—]", "-", text).replace(".", " ")
    return " ".join(text.casefold().split())


def variant_key(name: str) -> str:
    """Also ignores accents and everything but letters and digits."""
    text = unicodedata.normalize("NFKD", name_key(name))
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def label_class(label: str) -> str:
    return LABEL_CLASS.get(label, label.lower())


def make_entity_id(label: str, canonical_name: str) -> str:
    digest = hashlib.sha1(f"{label_class(label)}\x1f{name_key(canonical_name)}".encode()).hexdigest()
    return "E" + digest[:16]


# --- one article -------------------------------------------------------------------

_ACRONYM_AFTER = re.compile(r"\s*[(\[]\s*([A-Z][A-Z.&]{1,11})\s*[)\]]")
_SMALL_WORDS = frozenset({"of", "for", "and", "the", "on", "in", "to", "de", "a", "an", "&"})


@dataclass
class _Group:
    key: str
    label: str
    names: Counter
    forced: bool  # name and label from the alias table
    target: "_Group | None" = None

    @property
    def name(self) -> str:
        return min(self.names.items(), key=lambda kv: (-kv[1], -len(kv[0])))[0]

    def resolved(self) -> "_Group":
        return self.target.resolved() if self.target else self


_PERSONAL_TITLE_BEFORE = re.compile(
    rf"(?:^|\s)(?:{'|'.join(HONORIFICS)})\.?\s+$")
_PLACE_PREPOSITION_BEFORE = re.compile(r"(?:^|\s)(?:in|near|across|throughout|outside)\s+$")
_TITLE_EVIDENCE_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"})
_COORDINATION = re.compile(r"\s+(?:and|&|or|nor)\s+(?=[A-Z])")
_COMMA = re.compile(r",\s+(?=[A-Z])")
_COMPANY_SUFFIXES = frozenset({"inc", "ltd", "llc", "plc", "co", "corp", "sa", "ag", "nv", "gmbh", "lp", "llp"})


def vote_label(m: Mention, paragraph_text: str) -> str:
    """The label a (cleaned) mention counts for when its entity's class is decided:
    PERSON after a personal title ("Ms Diallo", whatever the model said); a place
    for a one-word name the model called a person right after "in", "near"...
    ("officials in Rotterdam"); else the model's label."""
    before = paragraph_text[max(0, m.start - 12):m.start]
    if m.label in _TITLE_EVIDENCE_LABELS and _PERSONAL_TITLE_BEFORE.search(before):
        return "PERSON"
    if m.label == "PERSON" and len(m.text.split()) == 1 and _PLACE_PREPOSITION_BEFORE.search(before):
        return "GPE"
    return m.label


def split_mention(m: Mention) -> list[Mention]:
    """A person span that joins two names ("Vance and Okafor") and a person or
    organisation span with a comma before a capitalised part ("Capital Ledger,
    Raman"; not "Acme, Inc.") are cut into their parts."""
    if m.label == "PERSON":
        cuts = [(x.start(), x.end()) for x in _COORDINATION.finditer(m.text)]
    else:
        cuts = []
    if m.label in ("PERSON", "ORG"):
        cuts += [(x.start(), x.end()) for x in _COMMA.finditer(m.text)
                 if m.text[x.end():].split()[0].strip(".").casefold() not in _COMPANY_SUFFIXES]
    if not cuts:
        return [m]
    parts, pos = [], 0
    for start, end in sorted(cuts):
        parts.append((pos, start))
        pos = end
    parts.append((pos, len(m.text)))
    return [Mention(m.paragraph_index, m.start + a, m.start + b, m.text[a:b], m.label) for a, b in parts if b > a]


_AFTER_NUMBER = re.compile(r"\d\s*$")  # "1.64 GW": a unit, not the name it was once taken for
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”‘’'(\[]\s*)$")


def propagate_names(cleaned: list[Mention], votes: list[str], paragraph_texts: list[str]
                    ) -> list[tuple[Mention, str]]:
    """Label propagation within an article: the names the model found, found
    again wherever the model missed them in the article's paragraphs.

    Case-sensitive whole-word matches of each cleaned name with a capital
    letter; a name labelled two ways in the article is left out; a one-word
    name is not matched at the start of a sentence ("Will", "May"), right
    after a number ("1.64 GW"), nor as part of a longer capitalised run
    ("Brandt" in "Brandt Foundation").
    Returns (mention, vote label): the label is the name's majority vote in
    the article."""
    by_name: dict[str, Counter] = {}
    for c, vote in zip(cleaned, votes):
        if len(c.text) >= 2 and c.text[0].isupper():
            by_name.setdefault(c.text, Counter())[vote] += 1
    names = {name: labels.most_common(1)[0][0] for name, labels in by_name.items() if len(labels) == 1}
    if not names:
        return []
    covered: dict[int, list[tuple[int, int]]] = {}
    for c in cleaned:
        covered.setdefault(c.paragraph_index, []).append((c.start, c.end))
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?![\w-])")
    found = []
    for index in sorted({c.paragraph_index for c in cleaned} | set(range(len(paragraph_texts)))):
        text = paragraph_texts[index]
        if not text:
            continue
        spans = covered.setdefault(index, [])
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < e and s < end for s, e in spans):
                continue
            if " " not in m.group() and not one_word_name_fits(text, start, end):
                continue
            spans.append((start, end))
            found.append((Mention(index, start, end, m.group(), names[m.group()]), names[m.group()]))
    return found


def one_word_name_fits(text: str, start: int, end: int) -> bool:
    """False where a one-word name at text[start:end] is not taken as that name: at the
    start of a sentence ("Will", "May"), right after a number ("1.64 GW"), or inside a
    longer capitalised run ("Brandt" in "Brandt Foundation")."""
    return not (_SENTENCE_START.search(text[:start]) or _AFTER_NUMBER.search(text[:start])
                or _capitalised_neighbour(text, start, end))


def _capitalised_neighbour(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip().rsplit(None, 1)
    after = text[end:].lstrip().split(None, 1)
    before_word = before[-1].rstrip(".").casefold() if before else ""
    return (bool(before) and text[start - 1:start] == " " and before[-1][:1].isupper()
            and before_word not in _TITLE_WORDS) or (
        bool(after) and text[end:end + 1] == " " and after[0][:1].isupper())


def canonicalise_document(mentions: list[Mention], paragraph_texts: list[str],
                          propagate: bool = True, gazetteer_matches: list[Mention] | None = None
                          ) -> list[CanonicalMention]:
    """``gazetteer_matches``: names of the corpus gazetteer found in these paragraphs
    (``gazetteer.Gazetteer.find``); kept where they overlap no model span and no name
    propagation found, with source "gazetteer" and the gazetteer's label as vote."""
    cleaned = [
        c for m in mentions if m.label in ENTITY_LABELS
        for part in split_mention(m)
        if (c := clean_mention(part, paragraph_texts[m.paragraph_index])) is not None
    ]
    votes_of = [vote_label(c, paragraph_texts[c.paragraph_index]) for c in cleaned]
    found_again = propagate_names(cleaned, votes_of, paragraph_texts) if propagate else []
    found_again += _free_matches(gazetteer_matches or [], mentions, [m for m, _ in found_again])
    sources = ["model"] * len(cleaned) + ["gazetteer"] * len(found_again)
    cleaned += [m for m, _ in found_again]
    votes_of += [vote for _, vote in found_again]
    acronyms = _acronyms(cleaned, paragraph_texts)
    names: list[tuple[str, str | None]] = []  # per mention: name, forced label
    for c in cleaned:
        name = " ".join(c.text.split())
        name = acronyms.get(aliases.alias_key(name), name)
        hit = aliases.lookup(name)
        names.append((hit[0], hit[1]) if hit else (name, None))

    votes: dict[str, Counter] = {}
    groups: dict[str, _Group] = {}
    for c, (name, forced_label), vote in zip(cleaned, names, votes_of):
        key = name_key(name)
        group = groups.setdefault(key, _Group(key, forced_label or vote, Counter(), forced_label is not None))
        group.names[name] += 1
        votes.setdefault(key, Counter())[vote] += 1
    for key, group in groups.items():
        if not group.forced:
            group.label = votes[key].most_common(1)[0][0]
    _resolve_person_names([g for g in groups.values() if g.label == "PERSON" and not g.forced])

    result = []
    for c, (name, _), vote, source in zip(cleaned, names, votes_of, sources):
        entity = groups[name_key(name)].resolved()
        result.append(CanonicalMention(c.paragraph_index, c.start, c.end, c.text, entity.label,
                                       entity.name, make_entity_id(entity.label, entity.name), c.label, vote,
                                       source))
    return result


def _free_matches(matches: list[Mention], model: list[Mention], propagated: list[Mention]
                  ) -> list[tuple[Mention, str]]:
    """The matches that overlap no model span (raw, before cleaning) and no propagated name."""
    taken: dict[int, list[tuple[int, int]]] = {}
    for m in [*model, *propagated]:
        taken.setdefault(m.paragraph_index, []).append((m.start, m.end))
    free = []
    for m in matches:
        spans = taken.setdefault(m.paragraph_index, [])
        if not any(m.start < e and s < m.end for s, e in spans):
            spans.append((m.start, m.end))
            free.append((m, m.label))
    return free


def _acronyms(cleaned: list[Mention], paragraph_texts: list[str]) -> dict[str, str]:
    """alias_key(acronym) -> long name, for "Long Name (ACR)" in the article."""
    found: dict[str, str] = {}
    for c in cleaned:
        m = _ACRONYM_AFTER.match(paragraph_texts[c.paragraph_index], c.end)
        if not m:
            continue
        acronym, long_name = m.group(1), " ".join(c.text.split())
        words = long_name.split()
        initials = "".join(w[0] for w in words if w.casefold() not in _SMALL_WORDS).upper()
        if sum(ch.isupper() for ch in acronym) < 2:
            continue
        if initials == acronym.replace(".", "") or (len(words) >= 2 and c.label != "PERSON"):
            found.setdefault(aliases.alias_key(acronym), long_name)
    return found


def _resolve_person_names(people: list[_Group]) -> None:
    words = {g.key: g.key.split() for g in people}

    def part_of(short: _Group, long: _Group) -> bool:
        s, l = words[short.key], words[long.key]
        return len(s) < len(l) and (l[:len(s)] == s or l[-len(s):] == s)

    for short in people:
        candidates = [g for g in people if part_of(short, g)]
        maximal = [g for g in candidates if not any(part_of(g, other) for other in candidates)]
        if len(maximal) == 1:
            short.target = maximal[0]


# --- the corpus ----------------------------------------------------------------

MINORITY_RATIO = 3  # a class joins the largest one when that has >= 3x its mentions
FAMILY_MIN_PERSON_SHARE = 0.15  # person families: see person_families
SURNAME_MIN_PERSON_SHARE = 0.1
MAP_COLUMNS = ["entity_id", "final_entity_id", "canonical_name", "label"]
ALIAS_COLUMNS = ["alias", "label", "entity_id"]


def resolve_corpus(mentions: pd.DataFrame, previous: pd.DataFrame | None = None, with_rules: bool = False
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(entity_map, entity_aliases) from all documents' canonical mentions
    (columns entity_id, canonical_name, label, text; one row per mention, or
    one per distinct combination with an ``n_mentions`` count -- the corpus
    step passes the summed per-batch evidence, so its cost follows the
    number of distinct entities and spellings, not of mentions).
    ``previous`` is an earlier entity_map whose ids should keep resolving.
    ``with_rules`` adds a ``rule`` column to the entity map: the step that
    joined the id to its entity (spelling, person_family, surname,
    class_vote), model for an id that is its own entity, carried for an id
    only ``previous`` holds."""
    entities = _entity_stats(mentions)
    parent = {eid: eid for eid in entities}

    def root(eid: str) -> str:
        while parent[eid] != eid:
            parent[eid] = parent[parent[eid]]
            eid = parent[eid]
        return eid

    rules: dict[str, str] = {}  # article-level id -> the step that joined it to another
    step = ""

    def union(into: str, other: str) -> None:
        a, b = root(into), root(other)
        if a != b:
            parent[b] = a
            rules.setdefault(other, step)

    lone_words = _lone_words(entities)

    def join_minority_classes(names: dict[str, tuple[str, str]], size: dict[str, int]) -> None:
        """names: id -> (name, class); per spelling variant, small classes join the largest.
        The person side of a one-word name which no full name ends with (so
        nothing corroborates the person) joins a larger class however close."""
        by_variant: dict[str, dict[str, list[str]]] = {}
        for key, (name, cls) in sorted(names.items()):
            by_variant.setdefault(variant_key(name), {}).setdefault(cls, []).append(key)
        for vkey, classes in by_variant.items():
            totals = {cls: sum(size[i] for i in ids) for cls, ids in classes.items()}
            top = min(totals, key=lambda cls: (-totals[cls], cls))
            for cls, ids in classes.items():
                uncorroborated = cls == "person" and vkey in lone_words and totals[cls] < totals[top]
                if cls == top or uncorroborated or totals[cls] * MINORITY_RATIO <= totals[top]:
                    for key in ids:
                        union(classes[top][0], key)

    # 1: spelling variants within a class.
    step = "spelling"
    by_variant: dict[tuple[str, str], str] = {}
    for eid, e in sorted(entities.items()):
        union(by_variant.setdefault((variant_key(e["name"]), e["class"]), eid), eid)
    groups = _groups(entities, root)

    # 3a: person families -- a full name, and its surname when no other full
    # name ends with it, in every class, become one person when their mentions
    # together say so (see person_families).
    forced_person: set[str] = set()
    step = "person_family"
    for members in person_families(entities):
        target = min(members, key=lambda eid: (entities[eid]["class"] != "person", -len(entities[eid]["name"].split()),
                                               -entities[eid]["count"], eid))
        for eid in members:
            union(target, eid)
        forced_person |= set(members)
    groups = _groups(entities, root, forced_person)

    # 3b (before 2): a one-word person joins the one multi-word person ending with it.
    step = "surname"
    surname_owners: dict[str, set[str]] = {}
    for rid, g in groups.items():
        words = name_key(g["name"]).split()
        if g["class"] == "person" and len(words) >= 2:
            surname_owners.setdefault(variant_key(words[-1]), set()).add(rid)
    for rid, g in groups.items():
        if g["class"] == "person" and len(name_key(g["name"]).split()) == 1:
            owners = surname_owners.get(variant_key(g["name"]), set())
            if len(owners) == 1:
                union(next(iter(owners)), rid)
    groups = _groups(entities, root, forced_person)

    # 2: minority classes join the dominant one, counted with what the surnames
    # brought: "Ines Carvalho" tagged a place 12 times but named 144 times as a
    # person is a person.
    totals = Counter()
    step = "class_vote"
    for eid, e in entities.items():
        totals[root(eid)] += e["count"]
    join_minority_classes({rid: (g["name"], g["class"]) for rid, g in groups.items()}, totals)
    groups = _groups(entities, root, forced_person)

    rows = []
    for eid in entities:
        g = groups[root(eid)]
        rows.append((eid, g["final"], g["name"], g["label"]))
    entity_map = pd.DataFrame(rows, columns=MAP_COLUMNS)
    if previous is not None and len(previous):
        entity_map = _carry_forward(entity_map, previous)
    if with_rules:  # why each id maps where it does (entity_aliases.rule)
        joined = entity_map["entity_id"].map(rules)
        kept = entity_map["entity_id"] == entity_map["final_entity_id"]
        entity_map["rule"] = joined.where(~kept & joined.notna(), "model").where(
            entity_map["entity_id"].isin(list(entities)), "carried")
    alias_rows = {
        (alias, g["label"], g["final"])
        for rid, g in groups.items()
        for alias in g["aliases"]
    }
    entity_aliases = pd.DataFrame(sorted(alias_rows), columns=ALIAS_COLUMNS)
    return entity_map.sort_values("entity_id", ignore_index=True), entity_aliases


def _entity_stats(mentions: pd.DataFrame) -> dict[str, dict]:
    """Per article-level id: its name, label votes, class, mention count, aliases.

    Rows are mentions, or counts of them when an ``n_mentions`` column is
    given (one row per entity_id, canonical_name, label, text): the same
    evidence, so the result is the same for either shape."""
    weights = mentions["n_mentions"] if "n_mentions" in mentions else pd.Series(1, index=mentions.index)
    frame = pd.DataFrame({
        "entity_id": mentions["entity_id"], "canonical_name": mentions["canonical_name"],
        "label": mentions["label"], "text": mentions["text"], "w": weights.astype("int64"),
    })
    entities: dict[str, dict] = {}
    for eid, rows in frame.groupby("entity_id", sort=True):
        labels: Counter = Counter()
        names: Counter = Counter()
        for name, label, w in zip(rows["canonical_name"], rows["label"], rows["w"]):
            labels[label] += int(w)
            names[name] += int(w)
        label = min(labels, key=lambda lab: (-labels[lab], lab))
        name = min(names, key=lambda n: (-names[n], -len(n), n))
        forced = aliases.lookup(name)  # the alias table's label wins, as within the article
        if forced and forced[0] == name:
            label = forced[1]
            labels = Counter({label: sum(labels.values())})
        entities[eid] = {
            "name": name,
            "labels": labels,
            "class": label_class(label),
            "count": int(rows["w"].sum()),
            "aliases": set(rows["text"]) | set(names),
        }
    return entities


def person_families(entities: dict[str, dict]) -> list[list[str]]:
    """Article-level ids that together are one person, whatever the model called them.

    A family is a full name (two or three capitalised words, not an alias-table
    name) in every class it was labelled in, plus the one-word name equal to
    its last word when no other full name ends with that word and either at
    least SURNAME_MIN_PERSON_SHARE of that word's own mentions vote PERSON or
    it has at most a third as many mentions as the full name has PERSON votes.
    It is a
    person when at least FAMILY_MIN_PERSON_SHARE of all its mentions vote
    PERSON (the model's label, or a personal title before the name): "Helena
    Brandt" tagged ORG half the time, with "Ms Brandt" and "Brandt" (PERSON)
    elsewhere, is one person; "Jordan" the country, rarely tagged a person,
    does not join "Michael Jordan"."""
    by_key: dict[str, list[str]] = {}
    for eid, e in sorted(entities.items()):
        by_key.setdefault(variant_key(e["name"]), []).append(eid)

    def person_votes(key: str) -> tuple[int, int]:
        ids = by_key.get(key, [])
        return (sum(entities[i]["labels"].get("PERSON", 0) for i in ids), sum(entities[i]["count"] for i in ids))

    full_names = _full_names(entities, by_key)
    owners = Counter(full_names.values())
    families = []
    for key, surname in sorted(full_names.items()):
        members = [key]
        votes, total = person_votes(surname)
        full_votes, _ = person_votes(key)
        if owners[surname] == 1 and surname in by_key and (
                votes >= SURNAME_MIN_PERSON_SHARE * total or total * MINORITY_RATIO <= full_votes):
            members.append(surname)
        votes, total = (sum(x) for x in zip(*(person_votes(k) for k in members)))
        if votes and votes >= FAMILY_MIN_PERSON_SHARE * total:
            families.append([eid for k in members for eid in by_key[k]])
    return families


def _full_names(entities: dict[str, dict], by_key: dict[str, list[str]]) -> dict[str, str]:
    """Variant key of every name that can be a person's full name -> variant key of its last word."""
    full_names: dict[str, str] = {}
    for key, ids in by_key.items():
        words = entities[ids[0]]["name"].split()
        if 2 <= len(words) <= 3 and all(_name_word(w) for w in words) and not aliases.lookup(entities[ids[0]]["name"]):
            full_names[key] = variant_key(words[-1])
    return full_names


def _lone_words(entities: dict[str, dict]) -> set[str]:
    """Variant keys of one-word names that are no possible full name's last word."""
    by_key: dict[str, list[str]] = {}
    for eid, e in sorted(entities.items()):
        by_key.setdefault(variant_key(e["name"]), []).append(eid)
    surnames = set(_full_names(entities, by_key).values())
    return {key for key, ids in by_key.items() if len(entities[ids[0]]["name"].split()) == 1 and key not in surnames}


def _name_word(word: str) -> bool:
    """A word that can be part of a person's name: capitalised letters, maybe with - or '."""
    return word[:1].isupper() and word.replace("-", "").replace("'", "").replace("’", "").isalpha()


def _groups(entities: dict[str, dict], root, forced_person: set[str] = frozenset()) -> dict[str, dict]:
    """Per union-find root: the merged entity's class, label, name, final id, aliases.
    A group holding an id of a person family (``forced_person``) is a person."""
    members: dict[str, list[str]] = {}
    for eid in entities:
        members.setdefault(root(eid), []).append(eid)
    groups = {}
    for rid, ids in members.items():
        size = Counter()
        for eid in ids:
            size[entities[eid]["class"]] += entities[eid]["count"]
        forced = bool(forced_person.intersection(ids))
        cls = "person" if forced else min(size, key=lambda c: (-size[c], c))
        in_class = [eid for eid in ids if entities[eid]["class"] == cls] or ids
        named = ids if forced else in_class  # a family's name: its full name, whatever the model called it
        best = min(named, key=lambda i: (-len(re.findall(r"\w+", entities[i]["name"])),
                                         entities[i]["class"] != cls, -entities[i]["count"],
                                            -len(entities[i]["name"]), entities[i]["name"], i))
        labels = Counter()
        for eid in in_class:
            labels.update({lab: n for lab, n in entities[eid]["labels"].items() if label_class(lab) == cls})
        groups[rid] = {
            "class": cls,
            "label": min(labels, key=lambda lab: (-labels[lab], lab)) if labels else "PERSON",
            "name": entities[best]["name"],
            "final": best,
            "aliases": set().union(*(entities[eid]["aliases"] for eid in ids)),
        }
    return groups


def _carry_forward(entity_map: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Ids from an earlier run not seen now still map, through today's merges."""
    current = entity_map.set_index("entity_id")
    old = previous[~previous["entity_id"].isin(current.index)]
    rows = []
    for eid, final, name, label in old[MAP_COLUMNS].itertuples(index=False):
        if final in current.index:
            final, name, label = current.loc[final, ["final_entity_id", "canonical_name", "label"]]
        rows.append((eid, final, name, label))
    return pd.concat([entity_map, pd.DataFrame(rows, columns=MAP_COLUMNS)], ignore_index=True)
