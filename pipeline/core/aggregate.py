"""Corpus-wide entity aggregates from resolved mentions (plain pandas).

Inputs are the mentions with their corpus-level entity ids (see
``resolve_mentions``) and the articles' doc_id, domain, published_at and
fetched_at. The date of a mention is its article's publication date, falling
back to the fetch date.
"""
from __future__ import annotations

import math
from itertools import combinations

import pandas as pd

from pipeline import schemas


def resolve_mentions(mentions: pd.DataFrame, entity_map: pd.DataFrame) -> pd.DataFrame:
    """Replace article-level entity ids by corpus-level ones (names and labels too)."""
    mapping = entity_map.rename(
        columns={"canonical_name": "final_name", "label": "final_label"}
    )[["entity_id", "final_entity_id", "final_name", "final_label"]]
    merged = mentions.merge(mapping, on="entity_id", how="left")
    merged["entity_id"] = merged["final_entity_id"].fillna(merged["entity_id"])
    merged["canonical_name"] = merged["final_name"].fillna(merged["canonical_name"])
    merged["label"] = merged["final_label"].fillna(merged["label"])
    return merged.drop(columns=["final_entity_id", "final_name", "final_label"])


def article_dates(articles: pd.DataFrame) -> pd.DataFrame:
    """doc_id, domain and the article's timestamp (published, else fetched)."""
    seen = articles["published_at"].fillna(articles["fetched_at"])
    return pd.DataFrame({"doc_id": articles["doc_id"], "domain": articles["domain"], "seen_at": seen})


def entity_pairs(resolved: pd.DataFrame, min_support: int) -> pd.DataFrame:
    """Entities co-occurring in one article, with a PMI strength over articles."""
    per_doc = resolved.groupby("doc_id")["entity_id"].apply(lambda ids: sorted(set(ids)))
    n_docs = len(per_doc)
    if n_docs == 0:
        return schemas.empty_frame("entity_pairs")
    doc_freq = resolved.groupby("entity_id")["doc_id"].nunique()
    counts: dict[tuple[str, str], int] = {}
    for ids in per_doc:
        for pair in combinations(ids, 2):
            counts[pair] = counts.get(pair, 0) + 1
    names = resolved.drop_duplicates("entity_id").set_index("entity_id")["canonical_name"]
    rows = [
        {
            "entity_id_a": a,
            "entity_id_b": b,
            "n_documents": n,
            "canonical_name_a": names[a],
            "canonical_name_b": names[b],
            "pmi": math.log(n * n_docs / (doc_freq[a] * doc_freq[b])),
        }
        for (a, b), n in counts.items()
        if n >= min_support
    ]
    if not rows:
        return schemas.empty_frame("entity_pairs")
    frame = pd.DataFrame(rows, columns=schemas.TABLES["entity_pairs"].names)
    return frame.sort_values(["n_documents", "pmi"], ascending=False, ignore_index=True)


def top_cooccurring(pairs: pd.DataFrame, limit: int = 5) -> dict[str, list[str]]:
    """For each entity, the names of the entities it shares most articles with."""
    both = pd.concat(
        [
            pairs.rename(columns={"entity_id_a": "entity_id", "canonical_name_b": "other"}),
            pairs.rename(columns={"entity_id_b": "entity_id", "canonical_name_a": "other"}),
        ]
    )[["entity_id", "other", "n_documents", "pmi"]]
    both = both.sort_values(["n_documents", "pmi"], ascending=False)
    return {eid: group["other"].head(limit).tolist() for eid, group in both.groupby("entity_id", sort=False)}


def entities(resolved: pd.DataFrame, dates: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    if resolved.empty:
        return schemas.empty_frame("entities")
    with_dates = resolved.merge(dates[["doc_id", "seen_at"]], on="doc_id", how="left")
    grouped = with_dates.groupby("entity_id")
    frame = pd.DataFrame(
        {
            "canonical_name": grouped["canonical_name"].first(),
            "label": grouped["label"].first(),
            "n_mentions": grouped.size(),
            "n_documents": grouped["doc_id"].nunique(),
            "first_seen": grouped["seen_at"].min(),
            "last_seen": grouped["seen_at"].max(),
            "aliases": grouped["text"].apply(lambda t: sorted(set(t))),
        }
    ).reset_index()
    partners = top_cooccurring(pairs)
    frame["top_cooccurring"] = frame["entity_id"].map(lambda eid: partners.get(eid, []))
    return frame.sort_values(["n_mentions", "entity_id"], ascending=[False, True], ignore_index=True)


def entity_daily(resolved: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    if resolved.empty:
        return schemas.empty_frame("entity_daily")
    with_dates = resolved.merge(dates, on="doc_id", how="inner").dropna(subset=["seen_at"])
    with_dates["date"] = pd.to_datetime(with_dates["seen_at"], utc=True).dt.date
    with_dates["domain"] = with_dates["domain"].fillna("")
    grouped = with_dates.groupby(["date", "domain", "entity_id"])
    frame = pd.DataFrame(
        {"n_mentions": grouped.size(), "n_documents": grouped["doc_id"].nunique()}
    ).reset_index()
    frame["domain"] = frame["domain"].replace("", None)
    return frame[schemas.TABLES["entity_daily"].names].sort_values(["date", "entity_id"], ignore_index=True)


def trending(daily: pd.DataFrame, entity_names: pd.Series, window_days: int = 7, top: int = 20) -> pd.DataFrame:
    """Entities whose share of mentions on the last day rises most over their trailing average."""
    columns = ["entity_id", "canonical_name", "last_day", "last_day_share", "trailing_share", "lift"]
    if daily.empty:
        return pd.DataFrame(columns=columns)
    per_day = daily.groupby(["date", "entity_id"])["n_mentions"].sum().unstack(fill_value=0)
    shares = per_day.div(per_day.sum(axis=1), axis=0)
    last_day = shares.index.max()
    trailing = shares.loc[shares.index < last_day].tail(window_days)
    if trailing.empty:
        return pd.DataFrame(columns=columns)
    last = shares.loc[last_day]
    average = trailing.mean()
    # Smoothed so that a first appearance on the last day does not divide by zero.
    lift = (last + 1e-3) / (average + 1e-3)
    frame = pd.DataFrame(
        {
            "entity_id": last.index,
            "canonical_name": entity_names.reindex(last.index).values,
            "last_day": last_day,
            "last_day_share": last.values,
            "trailing_share": average.reindex(last.index).values,
            "lift": lift.values,
        }
    )
    frame = frame[frame["last_day_share"] > 0]
    return frame.sort_values("lift", ascending=False, ignore_index=True).head(top)
