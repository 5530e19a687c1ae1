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
        ("doc_id", pa.string(), "Stable id: the first 16 hex digits of content_sha256"),
        ("source_path", pa.string(), "Path relative to the landing dir; container records add '#<offset>'"),
        ("url", pa.string(), "URL as captured (WARC target URI, or the page's own canonical link)"),
        ("canonical_url", pa.string(), "URL without tracking parameters, fragment, www. and trailing slash"),
        ("fetched_at", UTC_TIMESTAMP, "Capture time (WARC date, else file modification time)"),
        ("content_sha256", pa.string(),
         "sha256 of the decoded text encoded as UTF-8 (the same page in two encodings has one hash; raw_sha256"
         " hashes the bytes)"),
        ("n_bytes", pa.int64(), "Size of the document's bytes as they arrived, decompressed (what raw_sha256 hashes)"),
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
        ("date_source", pa.string(),
         "Where published_at came from: json_ld, article_meta, microdata (the page's structured data) or htmldate;"
         " null without a date"),
        ("date_precision", pa.string(),
         "day (a date alone, kept as that day at 00:00 UTC, never shifted by a time zone) or time; null without a date"),
    ),
    "paragraphs": _schema(
        ("doc_id", pa.string(), "Document id"),
        ("paragraph_index", pa.int32(), "Reading order from 0"),
        ("text", pa.large_string(), "Paragraph text"),
        ("kind", pa.string(), "heading | paragraph | list_item | quote | caption | standfirst"),
        ("is_boilerplate", pa.bool_(), "True when the paragraph is site furniture, not article"),
        ("boilerplate_rule", pa.string(),
         "The rule that flagged it; beside is_boilerplate false, a neutralised rule that matched (the paragraph is"
         " kept as content); null when no rule matched"),
        ("language", pa.string(), "ISO 639-1 code of the paragraph's language"),
        ("ner_applied", pa.bool_(), "False when NER skipped it (boilerplate, no model for its language, or past ner_max_words_per_document words of its article)"),
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
        "date_source": [("documents", "html")],
        "date_precision": [("documents", "html")],
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


# the evidence domain_boilerplate is decided on, not stored per batch but derived from each batch's
# extracted_paragraphs and extracted_articles and summed (pipeline/storage/totals.py: derived_totals)
TABLES["boilerplate_key_totals"] = _schema(
    ("domain", pa.dictionary(pa.int32(), pa.string()), "Outlet (articles.domain)"),
    ("match", pa.dictionary(pa.int8(), pa.string()), "near or exact: a key of that kind; article: the domain's"
                                                     " articles"),
    # a number, not the 16 hex digits: summing a corpus of keys per batch is a group-by on it
    ("boilerplate_key", pa.uint64(), "extracted_paragraphs.boilerplate_key (near) or exact_key (exact), as the"
                                     " number its 16 hex digits spell; null on the domain's own rows"),
    ("n_documents", pa.int64(), "Articles of the domain holding the key (null key: holding any key of that"
                                " match; match article: all its articles)"),
)
LINEAGE["boilerplate_key_totals"] = {
    "domain": [("extracted_articles", "domain")],
    "boilerplate_key": [("extracted_paragraphs", "boilerplate_key"), ("extracted_paragraphs", "exact_key")],
    "n_documents": [("extracted_paragraphs", "doc_id"), ("extracted_articles", "doc_id")],
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
    metadata={"description": "Log-likelihood ratio G² of the pair over articles (Dunning): evidence of association"
                           " in either direction, never negative (llr_sign says which)"},
))
TABLES["entity_trends"] = TABLES["entity_trends"].append(pa.field(
    "n_mentions_last_day", pa.int64(), metadata={"description": "Mentions of the entity on last_day"},
))
LINEAGE["entity_pairs"].update({
    "pmi": [("entity_batch_pairs", "n_documents"), ("entity_batch_counts", "n_documents")],
    "llr": [("entity_batch_pairs", "n_documents"), ("entity_batch_counts", "n_documents"),
            ("entity_batch_documents", "n_documents")],
})

# ---- landing files (added below this line) ----

_COUNTS = pa.map_(pa.string(), pa.int64())
TABLES["landing_files"] = _schema(
    ("path", pa.string(), "Path relative to the landing dir; bytes that are not UTF-8 shown as \\xNN"),
    ("path_bytes", pa.binary(), "The path's exact bytes (lossless, whatever the name)"),
    ("size", pa.int64(), "Size in bytes when claimed"),
    ("mtime", UTC_TIMESTAMP, "Modification time when claimed"),
    ("sha256", pa.string(), "sha256 of the file's bytes when claimed (null for an entry that is not a readable file)"),
    ("batch", pa.string(), "Ingestion batch that claimed this version"),
    ("media_kind", pa.string(), "html, text, warc, arc (by name; .gz included), or unsupported"),
    ("n_records", pa.int64(), "WARC/ARC records read (null for single-document files)"),
    ("records_by_type", _COUNTS, "WARC/ARC records read, by WARC-Type"),
    ("records_skipped", _COUNTS,
     "Records skipped by design, by reason: non_html, non_2xx, request, metadata, warcinfo, revisit, unknown_type"),
    ("n_documents", pa.int64(), "Rows this version gave in documents"),
    ("n_articles", pa.int64(), "Articles extraction gave (before later captures of the same URL)"),
    ("n_rejections", pa.int64(), "rejected_documents rows of this version (the file or its records)"),
    ("rejections_by_reason", _COUNTS, "Those rows by reason"),
    ("status", pa.string(), "ingested, partly_ingested, nothing_usable, rejected, or superseded (a newer version replaced it)"),
    ("duplicate_of", pa.string(), "Earlier claimed path with the same bytes, when rejected as duplicate_file"),
    ("present", pa.bool_(), "Whether the path is still in the landing dir (checked when the table was built; false: gone)"),
    ("superseded_by", pa.string(), "Batch of the newer version of the path, when superseded"),
)
# Per-batch partial of landing_files (same columns; present and superseded_by are decided corpus-wide).
TABLES["landing_file_batches"] = TABLES["landing_files"]
LINEAGE["landing_files"] = {
    "n_documents": [("documents", "source_path")],
    "n_articles": [("extracted_articles", "source_path")],
    "n_rejections": [("rejected_documents", "source_path")],
    "rejections_by_reason": [("rejected_documents", "reason")],
}

TABLES["dedupe_index"] = _schema(
    ("doc_id", pa.string(), "Document id (documents.doc_id): the content hash later batches de-duplicate against"),
    ("source_path", pa.string(), "Path relative to the landing dir (documents.source_path); null on superseded rows"),
    ("batch", pa.string(), "Batch whose parse wrote the row"),
    ("canonical_url", pa.string(),
     "URL of the document's article (extracted_articles.url) a newer capture must beat; null when it gave none"),
    ("fetched_at", UTC_TIMESTAMP, "Capture time of that article (extracted_articles.fetched_at)"),
    ("superseded", pa.bool_(),
     "True: not a document of the batch but one its rejections took out of the live tables (duplicate_url,"
     " superseded_file)"),
)

# ---- analysis columns, public and internal tables (added below this line) ----

TABLES["documents"] = TABLES["documents"].append(pa.field(
    "raw_sha256", pa.string(),
    metadata={"description": "sha256 of the document's bytes as they arrived, decompressed: the file's bytes"
                             " (a .gz file's decompressed bytes), or a WARC/ARC record's HTTP payload with"
                             " transfer and content encodings removed; Corpus.raw_bytes(doc_id) checks against it"},
))
TABLES["articles"] = TABLES["articles"].append(pa.field(
    "date", pa.date32(),
    metadata={"description": "UTC calendar day of published_at, else of fetched_at: the day every aggregate"
                             " (entity_daily, first_seen, last_seen) counts the article under"},
)).append(pa.field(
    "outlet", pa.string(),
    metadata={"description": "Outlet: domain, else site_name, else the landing sub-folder the file came from"
                             " (null only for a file at the top of the landing dir with neither)"},
))
TABLES["extracted_articles"] = TABLES["articles"]
TABLES["entity_pairs"] = (
    TABLES["entity_pairs"]
    .append(pa.field("llr_sign", pa.int8(), metadata={
        "description": "Direction of the association llr measures: 1 when the pair co-occurs more often than"
                       " chance (n_documents > n_a·n_b/n_articles), -1 when less often, 0 when exactly as often"}))
    .append(pa.field("n_a", pa.int64(), metadata={"description": "Articles mentioning entity a"}))
    .append(pa.field("n_b", pa.int64(), metadata={"description": "Articles mentioning entity b"}))
    .append(pa.field("n_articles", pa.int64(), metadata={
        "description": "Articles with at least one entity mention: the N behind pmi and llr"}))
)
TABLES["entities"] = TABLES["entities"].append(pa.field(
    "top_cooccurring_ids", pa.list_(pa.string()),
    metadata={"description": "entities.entity_id of the entities in top_cooccurring, in the same order"},
))
LINEAGE["articles"].update({
    "date": [("documents", "html"), ("documents", "fetched_at")],
    "outlet": [("documents", "url"), ("documents", "html"), ("documents", "source_path")],
})
LINEAGE["entity_pairs"].update({
    "llr_sign": LINEAGE["entity_pairs"]["llr"],
    "n_a": [("entity_batch_counts", "n_documents")],
    "n_b": [("entity_batch_counts", "n_documents")],
    "n_articles": [("entity_batch_documents", "n_documents")],
})

# Tables for analysis. Everything else in TABLES is internal: staging tables
# and per-batch partials the pipeline reads back, which may change shape
# between releases (they are listed in the codebook as such, and sit in their
# own asset group in the UI).
PUBLIC_TABLES: tuple[str, ...] = (
    "documents", "articles", "paragraphs", "entity_mentions", "entity_aliases", "entities",
    "entity_daily", "entity_pairs", "entity_trends", "rejected_documents", "domain_boilerplate",
    "landing_files",
)

# One line per table: what a row is and how it is made (the codebook and the
# DuckDB table comments use these).
TABLE_DESCRIPTIONS: dict[str, str] = {
    "documents": "One row per decoded document (a file, or a record of a WARC/ARC file), duplicates and"
                 " non-articles included.",
    "articles": "One row per usable article: the newest capture of its URL, with clean text and metadata.",
    "paragraphs": "Every extracted paragraph of every article in reading order; boilerplate is flagged, not"
                  " deleted.",
    "entity_mentions": "One row per named-entity mention in a kept paragraph, with offsets into"
                       " paragraphs.text; entity_id is resolved within the article, corpus_entity_id is the"
                       " corpus entity of entities.",
    "entity_aliases": "Every article-level entity id and the name it was mentioned by, mapped to its corpus-level"
                      " entity.",
    "entities": "One row per corpus-level entity, counted from the per-batch partials.",
    "entity_daily": "Mentions and articles per corpus entity, UTC day (articles.date) and outlet.",
    "entity_pairs": "Pairs of corpus entities mentioned in the same article at least pair_min_support times,"
                    " with PMI and Dunning's log-likelihood ratio over articles.",
    "entity_trends": "Entities whose share of the last day's mentions rises most against their trailing"
                     " average (top 20).",
    "rejected_documents": "One row per file or record the pipeline could not use, with a stable reason code.",
    "domain_boilerplate": "Paragraph keys that recur across an outlet's articles (its site furniture), with"
                          " the evidence.",
    "landing_files": "One row per claimed landing file and version: what was read from it, skipped and"
                     " rejected, its status, and whether it is still in the landing dir.",
    "landing_file_batches": "Partial per batch: the landing_files rows of the files that batch claimed.",
    "extracted_articles": "Staging: articles as extraction gave them, before the corpus-level boilerplate"
                          " flags.",
    "extracted_paragraphs": "Staging: paragraphs with page-level flags and their recurrence keys.",
    "entity_batch_evidence": "Partial aggregate per batch: mentions per article-level id, name, label and"
                             " spelling.",
    "entity_batch_counts": "Partial aggregate per batch: mentions and articles per article-level id, day and"
                           " outlet.",
    "entity_batch_pairs": "Partial aggregate per batch: articles per pair of article-level ids.",
    "entity_batch_documents": "Partial aggregate per batch: articles with entities per day and outlet.",
    "entity_batch_overlaps": "Partial aggregate per batch: articles where two article-level ids could merge"
                             " corpus-wide.",
    "dedupe_index": "Index per batch: the doc_ids, canonical URLs and capture times later batches"
                    " de-duplicate against, and the documents the batch superseded.",
    "boilerplate_key_totals": "Running totals: per outlet, the articles holding each near and exact paragraph"
                              " key, over every batch folded so far (the evidence of domain_boilerplate).",
}


def is_public(table: str) -> bool:
    return table in PUBLIC_TABLES


def description(field: pa.Field) -> str:
    """A column's description from the schema metadata ('' when it has none)."""
    return (field.metadata or {}).get(b"description", b"").decode()

# The outlet (articles.outlet) beside the domain in the day-and-outlet tables:
# an article without a URL has no domain but still an outlet.
_OUTLET = pa.field("outlet", pa.string(), metadata={
    "description": "Outlet (articles.outlet: domain, else site name, else landing sub-folder); sum over it"
                   " for all outlets"})
for _table in ("entity_daily", "entity_batch_counts", "entity_batch_documents", "entity_batch_overlaps"):
    TABLES[_table] = TABLES[_table].append(_OUTLET)
    LINEAGE.setdefault(_table, {})["outlet"] = [("articles", "outlet")]
LINEAGE["entity_daily"]["date"] = [("articles", "date")]

# Row order inside each file of a table (the IO manager sorts before writing):
# rows of one entity sit together, so a reader filtering on entity_id skips
# the row groups (ROW_GROUP_ROWS rows each) whose statistics rule it out.
CLUSTER_BY: dict[str, list[str]] = {"entity_mentions": ["entity_id", "doc_id", "paragraph_index", "start"]}
ROW_GROUP_ROWS = 10_000

# Example values for the codebook (table -> column -> value as it would print).
EXAMPLES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "3f9a1c0b7d2e4f18", "source_path": "crawl/CC-NEWS-2024.warc.gz#18342",
        "media_type": "html", "encoding": "utf-8", "ingest_warnings": "['bad_warc_date']",
    },
    "articles": {
        "domain": "bbc.co.uk", "outlet": "bbc.co.uk", "date": "2024-03-11",
        "published_at": "2024-03-11 08:30:00+00:00", "published_utc_offset_minutes": "60",
        "authors": "['Jane Doe', 'Max Muster']", "language": "en", "site_name": "BBC News",
    },
    "paragraphs": {"paragraph_index": "0", "kind": "quote", "boilerplate_rule": "cookie_notice"},
    "entity_mentions": {"start": "4", "end": "16", "text": "Yusuf Demir", "label": "PERSON",
                        "entity_id": "E3ab5252be191a361"},
    "entity_aliases": {"alias": "Demir", "label": "PERSON"},
    "entities": {"label": "PERSON", "aliases": "['Demir', 'Yusuf Demir']"},
    "entity_daily": {"date": "2024-03-11", "outlet": "bbc.co.uk"},
    "entity_pairs": {"llr_sign": "1", "pmi": "1.61"},
    "rejected_documents": {"reason": "no_article", "stage": "extract"},
    "domain_boilerplate": {"match": "near", "share": "0.42"},
}

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

# ---- running totals of the per-batch partials (internal; see pipeline/storage/totals.py) ----

# partial table -> its running totals table: one corpus-wide file holding the
# partials of the batches folded so far, summed per key (the entity partials;
# entity_batch_overlaps and landing_file_batches are gathered, batch kept),
# so a corpus step reads it and only the partials of batches added since.
TOTALS: dict[str, str] = {
    "entity_batch_evidence": "entity_total_evidence",
    "entity_batch_counts": "entity_total_counts",
    "entity_batch_pairs": "entity_total_pairs",
    "entity_batch_documents": "entity_total_documents",
    "entity_batch_overlaps": "entity_total_overlaps",
    "landing_file_batches": "landing_file_totals",
}
_GATHERED = ("entity_batch_overlaps", "landing_file_batches")  # rows kept as they are, with their batch
# every running totals file: of a stored partial (TOTALS), or derived from per-batch tables (derived_totals)
TOTALS_TABLES: tuple[str, ...] = (*TOTALS.values(), "boilerplate_key_totals")
for _partial, _totals in TOTALS.items():
    _schema_of = TABLES[_partial]
    if _partial not in _GATHERED:
        _schema_of = _schema_of.remove(_schema_of.get_field_index("batch"))
    TABLES[_totals] = _schema_of
    LINEAGE[_totals] = {field.name: [(_partial, field.name)] for field in _schema_of}
    TABLE_DESCRIPTIONS[_totals] = (
        f"Running totals: the {_partial} rows of every batch folded so far"
        + (", gathered." if _partial in _GATHERED else ", summed per key (without the batch).")
    )
