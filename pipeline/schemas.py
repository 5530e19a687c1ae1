"""The schema of every table: the single source for writing Parquet and for
the column metadata and lineage shown in the Dagster UI.

Column names are a contract with users: add columns, never rename them.
"""
from __future__ import annotations

import pyarrow as pa

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")


def _schema(*fields: tuple[str, pa.DataType, str]) -> pa.Schema:
    return pa.schema(
        [pa.field(name, dtype, metadata={"description": doc}) for name, dtype, doc in fields]
    )


TABLES: dict[str, pa.Schema] = {
    "documents": _schema(
        ("doc_id", pa.string(), "Stable id derived from the document's bytes (sha256 prefix)"),
        ("source_path", pa.string(), "Path relative to the landing dir; container records add '#<offset>'"),
        ("url", pa.string(), "URL as captured (WARC target URI, or the page's own canonical link)"),
        ("canonical_url", pa.string(), "URL without tracking parameters, fragment, www. and trailing slash"),
        ("fetched_at", UTC_TIMESTAMP, "Capture time (WARC date, else file modification time)"),
        ("content_sha256", pa.string(), "sha256 of the raw document bytes"),
        ("n_bytes", pa.int64(), "Size of the raw document bytes"),
        ("html", pa.large_string(), "Decoded page (HTML, or the text of a saved text page)"),
        ("media_type", pa.string(), "html or text"),
        ("encoding", pa.string(), "Character encoding used to decode the bytes"),
        ("batch", pa.string(), "Ingestion batch (Dagster partition) the document arrived in"),
        ("ingest_warnings", pa.list_(pa.string()),
         "What was wrong but salvaged when reading the record (e.g. bad_warc_date); empty when nothing"),
    ),
    "articles": _schema(
        ("doc_id", pa.string(), "Document id (documents.doc_id)"),
        ("source_path", pa.string(), "Path relative to the landing dir"),
        ("url", pa.string(), "Canonical URL of the article"),
        ("domain", pa.string(), "Host of the URL without www."),
        ("title", pa.string(), "Headline"),
        ("authors", pa.list_(pa.string()), "Author names, without 'By' or job titles"),
        ("published_at", UTC_TIMESTAMP, "Publication time in UTC, when the page gives it"),
        ("language", pa.string(), "ISO 639-1 code of the article's language"),
        ("text", pa.large_string(), "Kept paragraphs in reading order, joined by blank lines"),
        ("n_words", pa.int64(), "Words in text"),
        ("site_name", pa.string(), "Outlet name, when the page gives it"),
        ("fetched_at", UTC_TIMESTAMP, "Capture time (documents.fetched_at)"),
        ("n_paragraphs", pa.int32(), "Paragraphs extracted, boilerplate included"),
        ("n_boilerplate_paragraphs", pa.int32(), "Paragraphs flagged as boilerplate"),
        ("batch", pa.string(), "Ingestion batch"),
        (
            "published_utc_offset_minutes",
            pa.int32(),
            "UTC offset the page states with its publication time (published_at + offset = local time as published);"
            " null when it states none",
        ),
    ),
    "paragraphs": _schema(
        ("doc_id", pa.string(), "Document id"),
        ("paragraph_index", pa.int32(), "Reading order from 0"),
        ("text", pa.large_string(), "Paragraph text"),
        ("kind", pa.string(), "heading | paragraph | list_item | quote | caption | standfirst"),
        ("is_boilerplate", pa.bool_(), "True when the paragraph is site furniture, not article"),
        ("boilerplate_rule", pa.string(), "The rule that flagged it (null when kept)"),
        ("language", pa.string(), "ISO 639-1 code of the paragraph's language"),
        ("ner_applied", pa.bool_(), "False when NER skipped it (boilerplate, or no model for its language)"),
        ("batch", pa.string(), "Ingestion batch"),
    ),
    "entity_mentions": _schema(
        ("doc_id", pa.string(), "Document id"),
        ("paragraph_index", pa.int32(), "paragraphs.paragraph_index"),
        ("start", pa.int32(), "Start character offset in the paragraph's text"),
        ("end", pa.int32(), "End character offset (exclusive)"),
        ("text", pa.string(), "Mention as written, cleaned of articles, honorifics and possessives"),
        ("label", pa.string(), "Label the model gave this mention (PERSON, ORG, GPE, ...); entity_label is the entity's"),
        ("entity_id", pa.string(), "Entity id as resolved within the article (see entity_aliases)"),
        ("canonical_name", pa.string(), "Most complete name of the entity within the article"),
        ("batch", pa.string(), "Ingestion batch"),
    ),
    "entity_aliases": _schema(
        ("alias", pa.string(), "A name by which the entity is mentioned"),
        ("label", pa.string(), "Label of the entity"),
        ("entity_id", pa.string(), "Corpus-level entity id (entities.entity_id)"),
        ("alias_entity_id", pa.string(), "Article-level id carrying that alias (entity_mentions.entity_id)"),
        ("canonical_name", pa.string(), "entities.canonical_name of entity_id"),
    ),
    "entities": _schema(
        ("entity_id", pa.string(), "Corpus-level entity id, stable across runs"),
        ("canonical_name", pa.string(), "Most complete common form of the name"),
        ("label", pa.string(), "Label decided by the evidence across the corpus"),
        ("n_mentions", pa.int64(), "Mentions in the corpus"),
        ("n_documents", pa.int64(), "Articles mentioning the entity"),
        ("first_seen", UTC_TIMESTAMP, "Earliest publication (else fetch) time of a mentioning article"),
        ("last_seen", UTC_TIMESTAMP, "Latest publication (else fetch) time of a mentioning article"),
        ("aliases", pa.list_(pa.string()), "Names the entity is mentioned by"),
        ("top_cooccurring", pa.list_(pa.string()), "Canonical names of the entities it co-occurs with most"),
    ),
    "entity_daily": _schema(
        ("date", pa.date32(), "Publication date (UTC), falling back to fetch date"),
        ("entity_id", pa.string(), "entities.entity_id"),
        ("n_mentions", pa.int64(), "Mentions that day in that outlet"),
        ("n_documents", pa.int64(), "Articles that day in that outlet"),
        ("domain", pa.string(), "Outlet (articles.domain); sum over it for all outlets"),
    ),
    "entity_pairs": _schema(
        ("entity_id_a", pa.string(), "entities.entity_id (the smaller id of the pair)"),
        ("entity_id_b", pa.string(), "entities.entity_id (the larger id of the pair)"),
        ("n_documents", pa.int64(), "Articles in which both occur"),
        ("canonical_name_a", pa.string(), "Name of entity a"),
        ("canonical_name_b", pa.string(), "Name of entity b"),
        ("pmi", pa.float64(), "Pointwise mutual information of the pair over articles"),
    ),
    "rejected_documents": _schema(
        ("source_path", pa.string(), "Path relative to the landing dir (with '#offset' for records)"),
        ("reason", pa.string(), "Stable reason code (see README)"),
        ("detail", pa.string(), "Human-readable explanation"),
        ("stage", pa.string(), "ingest, decode, extract or dedupe"),
        ("batch", pa.string(), "Ingestion batch"),
        ("doc_id", pa.string(), "documents.doc_id when the document was decoded (duplicates), else null"),
    ),
}

# Column lineage: table -> column -> [(upstream table, upstream column)].
LINEAGE: dict[str, dict[str, list[tuple[str, str]]]] = {
    "articles": {
        "doc_id": [("documents", "doc_id")],
        "source_path": [("documents", "source_path")],
        "url": [("documents", "url"), ("documents", "html")],
        "domain": [("documents", "url")],
        "title": [("documents", "html")],
        "authors": [("documents", "html")],
        "published_at": [("documents", "html")],
        "published_utc_offset_minutes": [("documents", "html")],
        "language": [("documents", "html")],
        "text": [("paragraphs", "text"), ("paragraphs", "is_boilerplate")],
        "fetched_at": [("documents", "fetched_at")],
    },
    "paragraphs": {
        "doc_id": [("documents", "doc_id")],
        "text": [("documents", "html")],
        "kind": [("documents", "html")],
    },
    "entity_mentions": {
        "doc_id": [("paragraphs", "doc_id")],
        "paragraph_index": [("paragraphs", "paragraph_index")],
        "text": [("paragraphs", "text")],
        "start": [("paragraphs", "text")],
        "end": [("paragraphs", "text")],
    },
    "entity_aliases": {
        "alias": [("entity_mentions", "text")],
        "entity_id": [("entity_mentions", "entity_id")],
        "alias_entity_id": [("entity_mentions", "entity_id")],
    },
    "entities": {
        "entity_id": [("entity_aliases", "entity_id")],
        "canonical_name": [("entity_mentions", "canonical_name")],
        "n_mentions": [("entity_mentions", "entity_id")],
        "n_documents": [("entity_mentions", "doc_id")],
        "first_seen": [("articles", "published_at"), ("articles", "fetched_at")],
        "last_seen": [("articles", "published_at"), ("articles", "fetched_at")],
    },
    "entity_daily": {
        "date": [("articles", "published_at"), ("articles", "fetched_at")],
        "entity_id": [("entity_aliases", "entity_id")],
        "domain": [("articles", "domain")],
        "n_mentions": [("entity_mentions", "entity_id")],
        "n_documents": [("entity_mentions", "doc_id")],
    },
    "entity_pairs": {
        "entity_id_a": [("entity_aliases", "entity_id")],
        "entity_id_b": [("entity_aliases", "entity_id")],
        "n_documents": [("entity_mentions", "doc_id")],
    },
}


def empty_frame(table: str):
    """An empty pandas DataFrame with the table's columns and types."""
    return TABLES[table].empty_table().to_pandas()


def to_arrow(table: str, frame) -> pa.Table:
    """Conform a pandas DataFrame to the table's schema (column order and types).

    Extra columns are an error: every column must be declared here first.
    """
    schema = TABLES[table]
    extra = set(frame.columns) - set(schema.names)
    if extra:
        raise ValueError(f"{table}: columns not in the schema: {sorted(extra)}")
    missing = [name for name in schema.names if name not in frame.columns]
    if missing:
        raise ValueError(f"{table}: missing columns: {missing}")
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)

TABLES["entity_trends"] = _schema(
    ("entity_id", pa.string(), "entities.entity_id"),
    ("canonical_name", pa.string(), "Name of the entity"),
    ("last_day", pa.date32(), "Most recent date in the corpus"),
    ("last_day_share", pa.float64(), "Share of that day's mentions"),
    ("trailing_share", pa.float64(), "Average daily share over the preceding days"),
    ("lift", pa.float64(), "last_day_share over trailing_share (smoothed)"),
)
LINEAGE["entity_trends"] = {
    "entity_id": [("entity_daily", "entity_id")],
    "last_day_share": [("entity_daily", "n_mentions")],
    "trailing_share": [("entity_daily", "n_mentions")],
}


# Staging tables of the corpus-level boilerplate stage: what extraction gave,
# before the per-domain recurrence evidence is applied (see boilerplate stage).
TABLES["extracted_articles"] = TABLES["articles"]
TABLES["extracted_paragraphs"] = (
    TABLES["paragraphs"]
    .append(pa.field("boilerplate_key", pa.string(), metadata={"description": "Hash of the text, numbers masked"}))
    .append(pa.field("exact_key", pa.string(), metadata={"description": "Hash of the text, case and spacing folded"}))
)
TABLES["domain_boilerplate"] = _schema(
    ("domain", pa.string(), "Outlet (articles.domain)"),
    ("boilerplate_key", pa.string(), "extracted_paragraphs.boilerplate_key (near) or exact_key (exact)"),
    ("match", pa.string(), "near (numbers and dates masked) or exact"),
    ("example", pa.string(), "One paragraph text with that key"),
    ("n_documents", pa.int64(), "Articles of the domain containing it"),
    ("share", pa.float64(), "n_documents over the domain's articles"),
)
LINEAGE["domain_boilerplate"] = {
    "domain": [("extracted_articles", "domain")],
    "boilerplate_key": [("extracted_paragraphs", "boilerplate_key")],
    "example": [("extracted_paragraphs", "text")],
    "n_documents": [("extracted_paragraphs", "doc_id")],
}

# ---- entity aggregate tables (added below this line) ----

# Per-batch partial aggregates (one file per batch; summed by the corpus-wide
# entity tables, so a new batch costs in proportion to its own size). Keyed by
# the article-level entity id of entity_mentions; see pipeline/core/aggregate.py.
TABLES["entity_batch_evidence"] = _schema(
    ("entity_id", pa.string(), "Article-level entity id (entity_mentions.entity_id)"),
    ("canonical_name", pa.string(), "entity_mentions.canonical_name"),
    ("label", pa.string(), "entity_mentions.vote_label: the label the mentions count for (model's, or title evidence)"),
    ("text", pa.string(), "The mention as written"),
    ("n_mentions", pa.int64(), "Mentions in the batch with these four values"),
    ("batch", pa.string(), "Ingestion batch"),
)
TABLES["entity_batch_counts"] = _schema(
    ("entity_id", pa.string(), "Article-level entity id (entity_mentions.entity_id)"),
    ("date", pa.date32(), "Publication date (UTC), falling back to fetch date"),
    ("domain", pa.string(), "Outlet (articles.domain)"),
    ("n_mentions", pa.int64(), "Mentions in the batch"),
    ("n_documents", pa.int64(), "Articles of the batch mentioning it"),
    ("first_seen", UTC_TIMESTAMP, "Earliest publication (else fetch) time of those articles"),
    ("last_seen", UTC_TIMESTAMP, "Latest publication (else fetch) time of those articles"),
    ("batch", pa.string(), "Ingestion batch"),
)
TABLES["entity_batch_pairs"] = _schema(
    ("entity_id_a", pa.string(), "Article-level entity id (the smaller of the pair)"),
    ("entity_id_b", pa.string(), "Article-level entity id (the larger of the pair)"),
    ("n_documents", pa.int64(), "Articles of the batch mentioning both"),
    ("batch", pa.string(), "Ingestion batch"),
)
TABLES["entity_batch_documents"] = _schema(
    ("date", pa.date32(), "Publication date (UTC), falling back to fetch date"),
    ("domain", pa.string(), "Outlet (articles.domain)"),
    ("n_documents", pa.int64(), "Articles of the batch with at least one entity mention"),
    ("n_mentions", pa.int64(), "Entity mentions in those articles"),
    ("batch", pa.string(), "Ingestion batch"),
)
TABLES["entity_batch_overlaps"] = _schema(
    ("doc_id", pa.string(), "An article holding two article-level ids a corpus merge could join"),
    ("date", pa.date32(), "Its publication date (UTC), falling back to fetch date"),
    ("domain", pa.string(), "Its outlet"),
    ("entity_ids", pa.list_(pa.string()), "All its article-level entity ids"),
    ("batch", pa.string(), "Ingestion batch"),
)
for _table in ("entity_batch_evidence", "entity_batch_counts"):
    LINEAGE[_table] = {
        "entity_id": [("entity_mentions", "entity_id")],
        "n_mentions": [("entity_mentions", "entity_id")],
    }
LINEAGE["entity_batch_evidence"].update({
    "canonical_name": [("entity_mentions", "canonical_name")],
    "label": [("entity_mentions", "vote_label")],
    "text": [("entity_mentions", "text")],
})
LINEAGE["entity_batch_counts"].update({
    "date": [("articles", "published_at"), ("articles", "fetched_at")],
    "domain": [("articles", "domain")],
    "n_documents": [("entity_mentions", "doc_id")],
})
LINEAGE["entity_batch_pairs"] = {
    "entity_id_a": [("entity_mentions", "entity_id")],
    "entity_id_b": [("entity_mentions", "entity_id")],
    "n_documents": [("entity_mentions", "doc_id")],
}
LINEAGE["entity_batch_documents"] = {
    "date": [("articles", "published_at"), ("articles", "fetched_at")],
    "domain": [("articles", "domain")],
    "n_documents": [("entity_mentions", "doc_id")],
}
LINEAGE["entity_batch_overlaps"] = {
    "doc_id": [("entity_mentions", "doc_id")],
    "entity_ids": [("entity_mentions", "entity_id")],
}

# Added columns of existing entity tables (appended, never renamed).
TABLES["entity_pairs"] = TABLES["entity_pairs"].append(pa.field(
    "llr", pa.float64(),
    metadata={"description": "Log-likelihood ratio G² of the pair over articles (Dunning): evidence of association"},
))
TABLES["entity_trends"] = TABLES["entity_trends"].append(pa.field(
    "n_mentions_last_day", pa.int64(), metadata={"description": "Mentions of the entity on last_day"},
))
LINEAGE["entity_pairs"].update({
    "pmi": [("entity_batch_pairs", "n_documents"), ("entity_batch_counts", "n_documents")],
    "llr": [("entity_batch_pairs", "n_documents"), ("entity_batch_counts", "n_documents"),
            ("entity_batch_documents", "n_documents")],
})
TABLES["entity_mentions"] = (
    TABLES["entity_mentions"]
    .append(pa.field("corpus_entity_id", pa.string(), metadata={
        "description": "Corpus-level entity id (entities.entity_id), rewritten whenever the corpus re-resolves"}))
    .append(pa.field("corpus_canonical_name", pa.string(), metadata={
        "description": "entities.canonical_name of corpus_entity_id"}))
    .append(pa.field("entity_label", pa.string(), metadata={
        "description": "entities.label of corpus_entity_id: the class the corpus evidence gives the entity"}))
    .append(pa.field("source", pa.string(), metadata={
        "description": "model (found by the NER model) or gazetteer (a name the corpus resolved, found by matching)"}))
    .append(pa.field("vote_label", pa.string(), metadata={
        "description": "Label this mention counts for when its entity's class is decided: the model's, or PERSON"
                       " after a personal title (Ms, Dr...), or GPE for a one-word 'person' after 'in'"}))
)
LINEAGE["entity_mentions"].update({
    "corpus_entity_id": [("entity_aliases", "entity_id")],
    "corpus_canonical_name": [("entity_aliases", "canonical_name")],
    "entity_label": [("entity_aliases", "label")],
})
TABLES["entity_aliases"] = TABLES["entity_aliases"].append(pa.field("rule", pa.string(), metadata={
    "description": "Why the article-level id maps to the entity: model (its own entity), alias_table, spelling,"
                   " person_family, surname, class_vote, override (entity_overrides.yaml), carried (an earlier id)"}))
