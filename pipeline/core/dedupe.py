"""The de-duplication index: what a new batch needs to know of earlier batches, in one small table.

Each batch's parse writes its ``dedupe_index`` partition: one row per document
it decoded (doc_id, source_path, and for an article the canonical URL and
capture time), plus one ``superseded`` row per document its rejections took out
of the live tables (``duplicate_url``, ``superseded_file``). A later batch reads
these few columns instead of every earlier batch's documents, articles and
rejections. No Dagster here.
"""
from __future__ import annotations

import pandas as pd

INDEX_COLUMNS = ["doc_id", "source_path", "batch", "canonical_url", "fetched_at", "superseded"]
# rejection reasons that take a document out of the live tables
SUPERSEDING_REASONS = ("duplicate_url", "superseded_file")


def index_rows(documents: pd.DataFrame, articles: pd.DataFrame, rejected: pd.DataFrame, batch: str) -> pd.DataFrame:
    """The batch's index rows from its documents (doc_id, source_path), extracted_articles
    (doc_id, url, fetched_at) and rejected_documents (doc_id, reason)."""
    urls = articles.drop_duplicates("doc_id").set_index("doc_id")
    docs = pd.DataFrame({
        "doc_id": documents["doc_id"].to_numpy(),
        "source_path": documents["source_path"].to_numpy(),
        "batch": batch,
        "canonical_url": documents["doc_id"].map(urls["url"]).to_numpy(),
        "fetched_at": documents["doc_id"].map(urls["fetched_at"]).to_numpy(),
        "superseded": False,
    })
    gone = rejected.loc[rejected["reason"].isin(SUPERSEDING_REASONS), "doc_id"].dropna()
    superseded = pd.DataFrame({"doc_id": gone.to_numpy(), "source_path": None, "batch": batch,
                               "canonical_url": None, "fetched_at": pd.NaT, "superseded": True})
    frames = [frame for frame in (docs, superseded) if len(frame)]
    return pd.concat(frames, ignore_index=True) if frames else docs


def earlier_state(index: pd.DataFrame) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """From the earlier batches' index rows: doc_id -> source_path of every document, the live
    articles (doc_id, source_path, canonical_url, fetched_at) and the live documents
    (doc_id, source_path, batch)."""
    flagged = index["superseded"].fillna(False).astype(bool)
    documents = index[~flagged]
    superseded = set(index.loc[flagged, "doc_id"])
    live = documents[~documents["doc_id"].isin(superseded)]
    articles = live.loc[live["canonical_url"].notna(), ["doc_id", "source_path", "canonical_url", "fetched_at"]]
    return (dict(zip(documents["doc_id"], documents["source_path"])), articles.reset_index(drop=True),
            live[["doc_id", "source_path", "batch"]].reset_index(drop=True))
