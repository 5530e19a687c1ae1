"""Named-entity recognition with spaCy, one model per language.

Speed choices (measured with ``bench/ner.py``):

* Only the ``ner`` component is loaded. In the English small model ``ner``
  has its own internal tok2vec (the shared ``tok2vec`` only feeds the tagger
  and parser), and it reads lexical attributes the tokenizer sets, so
  tok2vec, tagger, parser, senter, attribute_ruler and lemmatizer are
  excluded. On the benchmark pages over 99.9% of paragraphs get exactly the
  same entities as the full pipeline (the rare difference: without the parser
  there are no sentence boundaries for an entity to stop at).
* Texts go through ``nlp.pipe`` in batches.
* With ``n_process > 1`` and a large enough batch, texts are spread over
  forked worker processes that inherit the loaded model and send back only
  ``(start, end, label)`` tuples. spaCy's own ``n_process`` ships whole
  serialised Docs back to the parent, which costs the parent a core's worth
  of work on a two-core machine; returning tuples scales close to linearly.
  Where ``fork`` is unavailable (or we run inside a daemonic process, which
  may not have children) everything runs in-process.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from pipeline.core.models import Mention

ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)

# Labels of other schemes, as ours: the French models (WikiNER scheme) tag PER,
# LOC, ORG and MISC; MISC (events, works, nationalities mixed) is not kept.
LABEL_ALIASES = {"PER": "PERSON"}


def _entity_spans(doc) -> list[tuple[int, int, str]]:
    spans = []
    for ent in doc.ents:
        label = LABEL_ALIASES.get(ent.label_, ent.label_)
        if label in ENTITY_LABELS:
            spans.append((ent.start_char, ent.end_char, label))
    return spans


# Everything in a standard spaCy pipeline that ``ner`` does not read from.
# Components missing from a given model are ignored.
UNNEEDED_COMPONENTS = ("tok2vec", "tagger", "morphologizer", "parser", "senter",
                       "attribute_ruler", "lemmatizer", "textcat", "textcat_multilabel")

# Below this many characters, starting worker processes costs more than it saves.
MIN_PARALLEL_CHARS = 50_000
# Texts longer than this are recognised in pieces (spaCy refuses over nlp.max_length).
MAX_PIECE_CHARS = 100_000

Span = tuple[int, int, str]

# The models a forked worker inherits from its parent; set just before forking.
_FORKED_MODELS: dict = {}


def language_key(language: str | None) -> str | None:
    """Primary language subtag, lower case: 'en-GB' -> 'en'."""
    if not language:
        return None
    return language.replace("_", "-").split("-")[0].strip().lower() or None


class EntityRecognizer:
    """``naive=True`` is the benchmark baseline, kept so the pipeline's own
    end-to-end run can be timed against it: the full model (every
    component), one ``nlp(text)`` call per paragraph, one process."""

    def __init__(self, models: dict[str, str], batch_size: int = 256, n_process: int = 1, naive: bool = False):
        self.model_names = {language_key(lang): name for lang, name in models.items()}
        self.batch_size = max(1, batch_size)
        self.n_process = max(1, n_process)
        self.naive = naive
        self._loaded: dict = {}

    def covers(self, language: str | None) -> bool:
        return language_key(language) in self.model_names

    def nlp(self, language: str):
        """The loaded pipeline for a language (loaded on first use)."""
        key = language_key(language)
        if key not in self._loaded:
            if self.naive:
                import spacy

                self._loaded[key] = spacy.load(self.model_names[key])
            else:
                self._loaded[key] = _load_ner_only(self.model_names[key])
        return self._loaded[key]

    def recognise(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[list[Mention]]:
        """One list of Mentions per input text (paragraph_index = position in
        ``texts``; offsets into that text). Texts in a language no model
        covers get []. Pass many texts per call (a whole batch of documents):
        worker processes start once per call."""
        if len(texts) != len(languages):
            raise ValueError("texts and languages must have the same length")
        results: list[list[Mention]] = [[] for _ in texts]
        by_language: dict[str, list[int]] = {}
        for i, (text, language) in enumerate(zip(texts, languages)):
            if text and self.covers(language):
                by_language.setdefault(language_key(language), []).append(i)
        for key, indices in by_language.items():
            spans = self._spans(key, [texts[i] for i in indices])
            for i, text_spans in zip(indices, spans):
                results[i] = [
                    Mention(paragraph_index=i, start=s, end=e, text=texts[i][s:e], label=label)
                    for s, e, label in text_spans
                ]
        return results

    def _spans(self, key: str, texts: list[str]) -> list[list[Span]]:
        nlp = self.nlp(key)
        pieces, owners = _pieces(texts)
        if self.naive:
            piece_spans = [_entity_spans(nlp(p)) for _, p in pieces]
        elif self._parallel(sum(map(len, texts))):
            piece_spans = _parallel_spans(key, nlp, pieces, self.batch_size, self.n_process)
        else:
            piece_spans = _doc_spans(nlp, [p for _, p in pieces], self.batch_size)
        spans: list[list[Span]] = [[] for _ in texts]
        for (offset, _), owner, found in zip(pieces, owners, piece_spans):
            spans[owner].extend((s + offset, e + offset, label) for s, e, label in found)
        return spans

    def _parallel(self, n_chars: int) -> bool:
        return (
            self.n_process > 1
            and n_chars >= MIN_PARALLEL_CHARS
            and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon
        )


def _load_ner_only(model_name: str):
    """The model with every component but ner (and a tok2vec ner listens to) left out."""
    import spacy

    nlp = spacy.load(model_name, exclude=[c for c in UNNEEDED_COMPONENTS if c != "tok2vec"])
    if "tok2vec" in nlp.pipe_names and "ner" not in nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")
    return nlp


def _pieces(texts: list[str]) -> tuple[list[tuple[int, str]], list[int]]:
    """(offset, piece) for every text, splitting over-long texts at whitespace."""
    pieces: list[tuple[int, str]] = []
    owners: list[int] = []
    for owner, text in enumerate(texts):
        for offset, piece in _split_long(text):
            pieces.append((offset, piece))
            owners.append(owner)
    return pieces, owners


def _split_long(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while len(text) - start > MAX_PIECE_CHARS:
        cut = text.rfind(" ", start + MAX_PIECE_CHARS // 2, start + MAX_PIECE_CHARS)
        cut = cut if cut > start else start + MAX_PIECE_CHARS
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _doc_spans(nlp, texts: list[str], batch_size: int) -> list[list[Span]]:
    return [_entity_spans(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]


def _worker_spans(task: tuple[str, list[str], int]) -> list[list[Span]]:
    key, texts, batch_size = task
    return _doc_spans(_FORKED_MODELS[key], texts, batch_size)


def _parallel_spans(key: str, nlp, pieces: list[tuple[int, str]], batch_size: int,
                    n_process: int) -> list[list[Span]]:
    texts = [p for _, p in pieces]
    # Chunks of at most batch_size texts, and at least eight per worker so
    # that no worker sits idle long while the last chunks finish.
    chunk = max(1, min(batch_size, len(texts) // (8 * n_process)))
    tasks = [(key, texts[i:i + chunk], batch_size) for i in range(0, len(texts), chunk)]
    _FORKED_MODELS[key] = nlp
    try:
        # An executor, unlike multiprocessing.Pool, fails instead of hanging when a worker dies.
        with ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context("fork")) as pool:
            return [spans for part in pool.map(_worker_spans, tasks) for spans in part]
    finally:
        _FORKED_MODELS.pop(key, None)
