"""The corpus gazetteer: names the corpus has resolved, found again where the model missed them.

Built from the ``entities`` and ``entity_aliases`` tables as they stand when a
batch's mentions are recognised: the canonical name and aliases of every
entity with at least ``min_mentions`` mentions. Matched with spaCy's
PhraseMatcher on the tokens (ORTH: case-sensitive) of the paragraphs NER
applies to.

Which names are left out (rule of this module):

* a name without a capital letter, shorter than two characters, or carried by
  two entities (ambiguous: no entity to give it);
* a one-word name that is a stop word of the language, or whose lower-case
  form occurs as a word (a run of letters and digits) in the paragraphs being matched ("Will", "May",
  "Bill" where the text also says "will", "may", "bill"): a common word in
  capitals is more often that word than the name;
* a one-word match at the start of a sentence, right after a number, or inside
  a longer capitalised run (``canonical.one_word_name_fits``, the rule label
  propagation uses), so a name seen only sentence-initially is never matched.

Longest match wins where matches overlap; a match overlapping a model span or a
propagated name is dropped later (``canonical.canonicalise_document``).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from pipeline.core.canonical import one_word_name_fits
from pipeline.core.models import Mention

_WORD = re.compile(r"[^\W_]+")  # a run of letters and digits: a match starts and ends at the edges of such runs


@dataclass
class Gazetteer:
    names: dict[str, str]  # name -> label of its entity
    _matchers: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.names)

    def find(self, nlp, texts: Sequence[str]) -> list[list[Mention]]:
        """Per text, the gazetteer names found in it (paragraph_index = position in
        ``texts``, label = the name's entity label), tokenised with ``nlp``'s tokenizer."""
        results: list[list[Mention]] = [[] for _ in texts]
        if not self.names or not texts:
            return results
        matcher, one_word, key_words = self._matcher(nlp)
        words = [set(_WORD.findall(text)) for text in texts]
        lower_words = {w for ws in words for w in ws if w.islower()}
        stop_words = nlp.Defaults.stop_words
        from spacy.util import filter_spans

        # only texts holding the key word of some name are tokenised (the costly part)
        todo = [i for i, ws in enumerate(words) if not key_words.isdisjoint(ws)]
        for i, doc in zip(todo, nlp.tokenizer.pipe([texts[i] for i in todo])):
            text = texts[i]
            spans = filter_spans([doc[s:e] for _, s, e in matcher(doc)])
            for span in spans:
                start, end, name = span.start_char, span.end_char, span.text
                if (start and (text[start - 1].isalnum() or text[start - 1] == "-")) or (
                        end < len(text) and (text[end].isalnum() or text[end] == "-")):
                    continue  # part of a longer word ("Brandt-led"): not this name
                if name in one_word:
                    lower = name.lower()
                    if lower in lower_words or lower in stop_words or not one_word_name_fits(text, start, end):
                        continue
                results[i].append(Mention(i, start, end, name, self.names[name]))
        return results

    def _matcher(self, nlp):
        key = id(nlp)
        if key not in self._matchers:
            from spacy.matcher import PhraseMatcher

            matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
            patterns = list(nlp.tokenizer.pipe(sorted(self.names)))
            matcher.add("GAZETTEER", patterns)
            one_word = {doc.text for doc in patterns if len(doc) == 1}
            # a name's longest run of letters and digits is a whole such run in any text it is
            # matched in ("The Dragon Waiting": "Waiting"), so texts without one need no tokenising
            key_words = {max(_WORD.findall(name), key=len, default=name) for name in self.names}
            self._matchers[key] = (matcher, one_word, key_words, nlp)  # nlp kept so its id stays this one's
        return self._matchers[key][:3]


def build_gazetteer(entities: pd.DataFrame, entity_aliases: pd.DataFrame, min_mentions: int) -> Gazetteer:
    """The gazetteer of the entities with at least ``min_mentions`` mentions.

    ``entities``: entity_id, canonical_name, label, n_mentions; ``entity_aliases``:
    alias, entity_id (the tables of the same names)."""
    kept = entities[entities["n_mentions"] >= max(1, min_mentions)]
    pairs = list(zip(kept["canonical_name"], kept["entity_id"]))
    aliases = entity_aliases[entity_aliases["entity_id"].isin(set(kept["entity_id"]))]
    pairs += list(zip(aliases["alias"], aliases["entity_id"]))
    label_of = dict(zip(kept["entity_id"], kept["label"]))
    owners: dict[str, set[str]] = {}
    for name, entity_id in pairs:
        name = " ".join(str(name).split())
        if len(name) >= 2 and name[0].isupper():
            owners.setdefault(name, set()).add(entity_id)
    return Gazetteer({name: label_of[next(iter(ids))] for name, ids in owners.items() if len(ids) == 1})
