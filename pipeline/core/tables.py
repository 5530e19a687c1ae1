"""Turn one batch of landing files into table rows (no Dagster here).

``parse_batch`` reads, decodes, de-duplicates and extracts every document of
a batch; ``recognise_entities`` finds and canonicalises the entity mentions
of a batch's paragraphs. Both return pandas DataFrames shaped like the
tables in ``pipeline.schemas``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from pipeline import schemas
from pipeline.batches import Batch
from pipeline.core.batch import map_batch
from pipeline.core.canonical import canonicalise_document
from pipeline.core.decode import DecodedDocument, decode_document
from pipeline.core.extract import extract_article
from pipeline.core.ingest import read_documents
from pipeline.core.models import Article, RawDocument, Rejection
from pipeline.core.ner import EntityRecognizer
from pipeline.core.textpage import article_from_text
from pipeline.core.urls import domain_of
from pipeline.settings import Settings

Log = Callable[[str], None]

# Reasons given after ingestion (ingest.REJECTION_REASONS lists the earlier ones).
EXTRACTION_REASONS = {
    "duplicate_file": "the file's bytes were already ingested under another path",
    "duplicate_content": "a document with the same bytes was already ingested",
    "duplicate_url": "an older capture of a URL also captured later; the newest capture is kept",
    "no_article": "no article text could be extracted (index page, login wall, too short)",
    "internal_error": "an unexpected error on this document only; the message says where",
}


def doc_id_for(content_sha256: str) -> str:
    return content_sha256[:16]


@dataclass
class BatchTables:
    documents: pd.DataFrame
    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    rejected_documents: pd.DataFrame
    stats: Counter = field(default_factory=Counter)


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return schemas.empty_frame(table)
    return pd.DataFrame(rows, columns=schemas.TABLES[table].names)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _read_batch(landing_dir: Path, batch: Batch, settings: Settings, stats: Counter, reject) -> list[RawDocument]:
    raws: list[RawDocument] = []
    for claimed in batch.files:
        if claimed.duplicate_of:
            reject(claimed.path, "duplicate_file", f"same bytes as {claimed.duplicate_of}, ingested before", "ingest")
            continue
        mtime = datetime.fromtimestamp(claimed.mtime_ns / 1e9, tz=timezone.utc)
        for item in read_documents(landing_dir, claimed.path, settings, stats):
            if isinstance(item, Rejection):
                reject(item.source_path, item.reason, item.detail, "ingest")
            elif item.fetched_at is None:
                raws.append(RawDocument(**{**item.__dict__, "fetched_at": mtime}))
            else:
                raws.append(item)
    return raws


def _newest_per_url(decoded: list[DecodedDocument], reject) -> list[DecodedDocument]:
    """The same article captured twice (same canonical URL): the newest capture wins."""
    newest: dict[str, DecodedDocument] = {}
    for doc in decoded:
        key = doc.canonical_url
        if key is None:
            continue
        current = newest.get(key)
        if current is None or (_utc(doc.fetched_at) or datetime.min.replace(tzinfo=timezone.utc)) > (
            _utc(current.fetched_at) or datetime.min.replace(tzinfo=timezone.utc)
        ):
            newest[key] = doc
    kept = []
    for doc in decoded:
        winner = newest.get(doc.canonical_url) if doc.canonical_url else doc
        if winner is doc:
            kept.append(doc)
        else:
            reject(doc.source_path, "duplicate_url", f"older capture of {doc.canonical_url}; newer: {winner.source_path}", "dedupe")
    return kept


def parse_batch(
    landing_dir: Path,
    batch: Batch,
    settings: Settings,
    earlier_doc_ids: dict[str, str] | None = None,
    log: Log | None = None,
) -> BatchTables:
    """Rows of documents, articles, paragraphs and rejected_documents for one batch.

    ``earlier_doc_ids`` maps doc_id -> source_path of documents ingested in
    earlier batches: the same bytes arriving again are recorded, not re-ingested.
    """
    earlier_doc_ids = earlier_doc_ids or {}
    log = log or (lambda message: None)
    stats: Counter = Counter()
    rejected: list[dict] = []

    def reject(source_path: str, reason: str, detail: str, stage: str) -> None:
        rejected.append(
            {"source_path": source_path, "reason": reason, "detail": detail, "stage": stage, "batch": batch.key}
        )

    raws = _read_batch(Path(landing_dir), batch, settings, stats, reject)
    log(f"read {len(batch.files)} files: {len(raws)} documents, {len(rejected)} rejected")

    decoded: list[DecodedDocument] = []
    seen: dict[str, str] = dict(earlier_doc_ids)
    for outcome in map_batch(lambda raw: decode_document(raw, settings), raws):
        if not outcome.ok:
            reject(outcome.item.source_path, outcome.reason, outcome.detail, "decode")
            continue
        doc = outcome.value
        doc_id = doc_id_for(doc.content_sha256)
        if doc_id in seen:
            reject(doc.source_path, "duplicate_content", f"same bytes as {seen[doc_id]}", "dedupe")
            continue
        seen[doc_id] = doc.source_path
        decoded.append(doc)

    document_rows = [
        {
            "doc_id": doc_id_for(doc.content_sha256),
            "source_path": doc.source_path,
            "url": doc.url,
            "canonical_url": doc.canonical_url,
            "fetched_at": _utc(doc.fetched_at),
            "content_sha256": doc.content_sha256,
            "n_bytes": doc.n_bytes,
            "html": doc.text,
            "media_type": doc.media_type,
            "encoding": doc.encoding,
            "batch": batch.key,
        }
        for doc in decoded
    ]

    article_rows: list[dict] = []
    paragraph_rows: list[dict] = []
    to_extract = _newest_per_url(decoded, reject)
    outcomes = map_batch(
        lambda doc: _extract(doc, settings),
        to_extract,
        on_progress=lambda n: log(f"extracted {n}/{len(to_extract)} documents"),
    )
    for outcome in outcomes:
        doc: DecodedDocument = outcome.item
        if not outcome.ok:
            reject(doc.source_path, outcome.reason, outcome.detail, "extract")
            continue
        article: Article = outcome.value
        doc_id = doc_id_for(doc.content_sha256)
        article_rows.append(_article_row(doc_id, doc, article, batch.key))
        paragraph_rows.extend(_paragraph_rows(doc_id, article, settings, batch.key))

    log(f"{len(article_rows)} articles, {len(paragraph_rows)} paragraphs, {len(rejected)} rejected")
    return BatchTables(
        documents=_frame("documents", document_rows),
        articles=_frame("articles", article_rows),
        paragraphs=_frame("paragraphs", paragraph_rows),
        rejected_documents=_frame("rejected_documents", rejected),
        stats=stats,
    )


def _extract(doc: DecodedDocument, settings: Settings) -> Article:
    if doc.media_type == "text":
        return article_from_text(doc.text, settings)
    return extract_article(doc.text, doc.url, settings)


def _article_row(doc_id: str, doc: DecodedDocument, article: Article, batch_key: str) -> dict:
    url = doc.canonical_url or article.canonical_url or doc.url
    text = article.text
    return {
        "doc_id": doc_id,
        "source_path": doc.source_path,
        "url": url,
        "domain": domain_of(url),
        "title": article.title,
        "authors": list(article.authors),
        "published_at": _utc(article.published_at),
        "language": article.language,
        "text": text,
        "n_words": len(text.split()),
        "site_name": article.site_name,
        "fetched_at": _utc(doc.fetched_at),
        "n_paragraphs": len(article.paragraphs),
        "n_boilerplate_paragraphs": sum(p.is_boilerplate for p in article.paragraphs),
        "batch": batch_key,
    }


def _paragraph_rows(doc_id: str, article: Article, settings: Settings, batch_key: str) -> list[dict]:
    rows = []
    for index, paragraph in enumerate(article.paragraphs):
        language = paragraph.language or article.language
        rows.append(
            {
                "doc_id": doc_id,
                "paragraph_index": index,
                "text": paragraph.text,
                "kind": paragraph.kind,
                "is_boilerplate": paragraph.is_boilerplate,
                "boilerplate_rule": paragraph.boilerplate_rule,
                "language": language,
                "ner_applied": (not paragraph.is_boilerplate) and language in settings.ner_models,
                "batch": batch_key,
            }
        )
    return rows


def recognise_entities(
    paragraphs: pd.DataFrame, recognizer: EntityRecognizer, batch_key: str, log: Log | None = None
) -> pd.DataFrame:
    """entity_mentions rows for the paragraphs NER applies to, canonicalised per article."""
    log = log or (lambda message: None)
    selected = paragraphs[paragraphs["ner_applied"]]
    texts = selected["text"].tolist()
    spans = recognizer.recognise(texts, selected["language"].tolist())
    log(f"recognised entities in {len(texts)} paragraphs")

    rows: list[dict] = []
    selected = selected.assign(_spans=spans)
    for doc_id, group in selected.groupby("doc_id", sort=False):
        indices = group["paragraph_index"].tolist()
        texts_by_index = dict(zip(indices, group["text"]))
        mentions = [
            # recognise() numbers paragraphs by position; map back to paragraph_index
            type(m)(paragraph_index=index, start=m.start, end=m.end, text=m.text, label=m.label)
            for index, found in zip(indices, group["_spans"])
            for m in found
        ]
        max_index = max(indices) if indices else -1
        paragraph_texts = [texts_by_index.get(i, "") for i in range(max_index + 1)]
        for cm in canonicalise_document(mentions, paragraph_texts):
            rows.append(
                {
                    "doc_id": doc_id,
                    "paragraph_index": cm.paragraph_index,
                    "start": cm.start,
                    "end": cm.end,
                    "text": cm.text,
                    "label": cm.label,
                    "entity_id": cm.entity_id,
                    "canonical_name": cm.canonical_name,
                    "batch": batch_key,
                }
            )
    return _frame("entity_mentions", rows)
