"""Corpus-level boilerplate: furniture is what recurs across one site's pages.

trafilatura judges one page at a time; here every paragraph gets two keys:
- a *near* key, a hash of its text with case, punctuation, numbers and month
  names masked, so "Updated 3 hours ago" and "Updated 5 hours ago" collide;
- an *exact* key, a hash of its text with only case and spacing folded.
A near key recurring in at least ``min_documents`` articles and ``min_share``
of its domain's articles is that domain's furniture. Exact repeats are
stronger evidence, so an exact key needs only ``exact_min_share`` of the
domain's articles, but ``exact_min_documents`` of them, and does not apply to
headings (sites reuse sub-headings such as "What happens next" in articles).
Neither tier fires for a domain with fewer than ``min_domain_documents``
articles: with four pages of a site, three sharing a templated line prove
nothing. Masking makes templated article lines collide ("Costs up 43 per cent ..."),
which is why the near tier asks for the larger share.
Flags are applied, never deletions: the paragraph keeps its row with
``boilerplate_rule = "recurs_in_domain"``.
"""
from __future__ import annotations

import hashlib

import pandas as pd

from pipeline.core.boilerplate import domain_boilerplate_keys, normalise_for_stats

RULE = "recurs_in_domain"


def _hash(text: str) -> str | None:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16] if text else None


def boilerplate_key(text: str) -> str | None:
    """The near key: numbers, dates and punctuation masked."""
    return _hash(normalise_for_stats(text))


def exact_key(text: str) -> str | None:
    return _hash(" ".join(text.casefold().split()))


def domain_boilerplate(keys: pd.DataFrame, article_domains: pd.DataFrame, settings) -> pd.DataFrame:
    """(domain, boilerplate_key, match, n_documents, share) from paragraph keys and article domains.

    ``keys``: doc_id, kind, boilerplate_key, exact_key of every extracted paragraph;
    ``article_domains``: doc_id, domain of every extracted article.
    """
    rows = keys.merge(article_domains.dropna(subset=["domain"]), on="doc_id")
    # thin evidence: a site with few articles yet says nothing about its furniture
    articles_per_domain = article_domains.dropna(subset=["domain"]).groupby("domain")["doc_id"].nunique()
    enough = articles_per_domain[articles_per_domain >= settings.boilerplate_min_domain_documents].index
    rows = rows[rows["domain"].isin(enough)]
    near = domain_boilerplate_keys(
        rows.dropna(subset=["boilerplate_key"]).rename(columns={"boilerplate_key": "key"}),
        settings.boilerplate_min_documents, settings.boilerplate_min_share,
    ).assign(match="near")
    exact = domain_boilerplate_keys(
        rows[rows["kind"] != "heading"].dropna(subset=["exact_key"]).rename(columns={"exact_key": "key"}),
        settings.boilerplate_exact_min_documents, settings.boilerplate_exact_min_share,
    ).assign(match="exact")
    found = pd.concat([near, exact], ignore_index=True)
    return found.rename(columns={"key": "boilerplate_key"})[
        ["domain", "boilerplate_key", "match", "n_documents", "share"]
    ]


def apply_flags(
    paragraphs: pd.DataFrame, articles: pd.DataFrame, boilerplate: pd.DataFrame, ner_languages,
    max_ner_words: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Final paragraphs and articles: corpus flags added to the per-page ones, text rebuilt.

    ``paragraphs`` carry boilerplate_key; ``articles`` domain. Paragraphs already
    flagged by a page-level rule keep that rule. With ``max_ner_words``, NER
    stops in an article once its recognised paragraphs reach that many words
    (the later ones keep ``ner_applied`` false), which bounds the NER time of
    one document.
    """
    paragraphs = paragraphs.copy()
    recurs = recurring(paragraphs, articles, boilerplate)
    newly = recurs & ~paragraphs["is_boilerplate"]
    paragraphs.loc[newly, "is_boilerplate"] = True
    paragraphs.loc[newly, "boilerplate_rule"] = RULE
    paragraphs["ner_applied"] = ~paragraphs["is_boilerplate"] & paragraphs["language"].isin(list(ner_languages))
    if max_ner_words:
        paragraphs.loc[_past_word_cap(paragraphs, max_ner_words), "ner_applied"] = False

    kept = paragraphs[~paragraphs["is_boilerplate"]].sort_values(["doc_id", "paragraph_index"])
    texts = kept.groupby("doc_id")["text"].agg("\n\n".join)
    articles = articles.copy()
    articles["text"] = articles["doc_id"].map(texts).fillna("").astype(str)
    articles["n_words"] = articles["text"].map(lambda text: len(text.split())).astype("int64")
    articles["n_boilerplate_paragraphs"] = (
        articles["doc_id"].map(paragraphs.groupby("doc_id")["is_boilerplate"].sum()).fillna(0).astype("int32")
    )
    return paragraphs.drop(columns=["boilerplate_key", "exact_key"]), articles


def _past_word_cap(paragraphs: pd.DataFrame, max_words: int) -> pd.Series:
    """True for recognised paragraphs after the first ``max_words`` recognised words of their article."""
    words = paragraphs["text"].str.split().str.len().fillna(0).where(paragraphs["ner_applied"], 0)
    order = paragraphs.sort_values(["doc_id", "paragraph_index"]).index
    so_far = words.loc[order].groupby(paragraphs.loc[order, "doc_id"]).cumsum().reindex(paragraphs.index)
    return paragraphs["ner_applied"] & (so_far > max_words)


def recurring(paragraphs: pd.DataFrame, articles: pd.DataFrame, boilerplate: pd.DataFrame) -> pd.Series:
    """True for paragraphs whose near or exact key is furniture of their article's domain."""
    domain = paragraphs["doc_id"].map(articles.set_index("doc_id")["domain"])
    near = set(zip(boilerplate.loc[boilerplate["match"] == "near", "domain"],
                   boilerplate.loc[boilerplate["match"] == "near", "boilerplate_key"]))
    exact = set(zip(boilerplate.loc[boilerplate["match"] == "exact", "domain"],
                    boilerplate.loc[boilerplate["match"] == "exact", "boilerplate_key"]))
    flags = [
        (d, nk) in near or (kind != "heading" and (d, ek) in exact)
        for d, nk, ek, kind in zip(domain, paragraphs["boilerplate_key"], paragraphs["exact_key"], paragraphs["kind"])
    ]
    return pd.Series(flags, index=paragraphs.index, dtype=bool)
