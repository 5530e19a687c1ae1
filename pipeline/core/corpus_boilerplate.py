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

from pipeline.core.boilerplate import key_document_counts, normalise_for_stats, recurring_keys

RULE = "recurs_in_domain"


def _hash(text: str) -> str | None:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16] if text else None


def boilerplate_key(text: str) -> str | None:
    """The near key: numbers, dates and punctuation masked."""
    return _hash(normalise_for_stats(text))


def exact_key(text: str) -> str | None:
    return _hash(" ".join(text.casefold().split()))


KEY_COUNT_COLUMNS = ["domain", "match", "boilerplate_key", "n_documents"]


def key_counts(keys: pd.DataFrame, article_domains: pd.DataFrame) -> pd.DataFrame:
    """The recurrence evidence of some articles: (domain, match, boilerplate_key, n_documents).

    ``keys``: doc_id, kind, boilerplate_key, exact_key of their paragraphs;
    ``article_domains``: doc_id, domain of the articles. Rows with a key count
    the articles holding it (``match`` near or exact); rows without one count
    the domain's articles holding any key of that match, and (``match`` =
    ``article``) all its articles. Every count is of distinct documents, so the
    counts of disjoint sets of articles (one per batch) add up to the corpus's.
    """
    articles = article_domains.dropna(subset=["domain"])
    rows = keys.merge(articles, on="doc_id")
    per_domain = articles.drop_duplicates(["domain", "doc_id"]).groupby("domain").size()
    parts = [pd.DataFrame({"domain": per_domain.index, "match": "article", "boilerplate_key": None,
                           "n_documents": per_domain.to_numpy()})]
    for match, column, subset in (("near", "boilerplate_key", rows),
                                  ("exact", "exact_key", rows[rows["kind"] != "heading"])):
        per_key, domain_docs = key_document_counts(
            subset.dropna(subset=[column])[["domain", column, "doc_id"]].rename(columns={column: "key"}))
        parts.append(per_key.rename(columns={"key": "boilerplate_key"}).assign(match=match))
        parts.append(pd.DataFrame({"domain": domain_docs.index, "match": match, "boilerplate_key": None,
                                   "n_documents": domain_docs.to_numpy()}))
    return pd.concat(parts, ignore_index=True)[KEY_COUNT_COLUMNS]


def boilerplate_from_counts(counts: pd.DataFrame, settings) -> pd.DataFrame:
    """(domain, boilerplate_key, match, n_documents, share) from ``key_counts`` summed per
    (domain, match, boilerplate_key); rows of keys in fewer documents than any tier asks may be left out."""
    totals = counts[counts["boilerplate_key"].isna()]
    articles = totals[totals["match"] == "article"].set_index("domain")["n_documents"]
    # thin evidence: a site with few articles yet says nothing about its furniture
    enough = set(articles[articles >= settings.boilerplate_min_domain_documents].index)
    found = []
    for match, min_documents, min_share in (
        ("near", settings.boilerplate_min_documents, settings.boilerplate_min_share),
        ("exact", settings.boilerplate_exact_min_documents, settings.boilerplate_exact_min_share),
    ):
        of_match = counts[(counts["match"] == match) & counts["domain"].isin(enough)]
        per_key = of_match[of_match["boilerplate_key"].notna()].rename(columns={"boilerplate_key": "key"})
        domain_docs = of_match[of_match["boilerplate_key"].isna()].set_index("domain")["n_documents"]
        found.append(recurring_keys(per_key[["domain", "key", "n_documents"]], domain_docs, min_documents,
                                    min_share).assign(match=match))
    found = pd.concat([tier for tier in found if len(tier)] or found[:1], ignore_index=True)
    return found.rename(columns={"key": "boilerplate_key"})[
        ["domain", "boilerplate_key", "match", "n_documents", "share"]
    ]


def domain_boilerplate(keys: pd.DataFrame, article_domains: pd.DataFrame, settings) -> pd.DataFrame:
    """(domain, boilerplate_key, match, n_documents, share) from paragraph keys and article domains.

    ``keys``: doc_id, kind, boilerplate_key, exact_key of every extracted paragraph;
    ``article_domains``: doc_id, domain of every extracted article.
    """
    return boilerplate_from_counts(key_counts(keys, article_domains), settings)


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
