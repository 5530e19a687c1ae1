"""Turn one batch of landing files into table rows (no Dagster here).

``parse_batch`` reads, decodes, de-duplicates and extracts every document of
a batch; ``recognise_entities`` finds and canonicalises the entity mentions
of a batch's paragraphs. Both return pandas DataFrames shaped like the
tables in ``pipeline.storage.schemas``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import pandas as pd

from pipeline.core.batch import map_batch
from pipeline.core.canonical import canonicalise_document
from pipeline.core.corpus_boilerplate import boilerplate_key, exact_key
from pipeline.core.decode import DecodedDocument, decode_document
from pipeline.core.executors import open_executor
from pipeline.core.extract import extract_article
from pipeline.core.gazetteer import Gazetteer
from pipeline.core.ingest import read_documents
from pipeline.core.landing import LandingTally, display_path
from pipeline.core.models import Article, RawDocument, Rejection
from pipeline.core.ner import EntityRecognizer, language_key
from pipeline.core.textpage import article_from_text
from pipeline.core.urls import canonical_url, domain_of
from pipeline.settings import Settings
from pipeline.storage import schemas
from pipeline.storage.batches import Batch, file_sha256

Log = Callable[[str], None]

# Reasons given after ingestion (ingest.REJECTION_REASONS lists the earlier ones).
EXTRACTION_REASONS = {
    "file_changed": "the file changed between claiming and reading; the next run ingests the new version",
    "duplicate_file": "the file's bytes were already ingested under another path",
    "duplicate_content": "a document with the same decoded text was already ingested",
    "duplicate_url": "an older capture of a URL captured again; the newest capture is the article",
    "too_slow": "the document took longer than the per-document time budget (document_time_budget_s)",
    "no_article": "no article text could be extracted (no main text, or too short)",
    "not_an_article": "the page is not an article: detail names its type (listing, homepage, feed, redirect, login,"
                      " error) and the evidence",
    "internal_error": "an unexpected error on this document only; the message says where",
}


def doc_id_for(content_sha256: str) -> str:
    return content_sha256[:16]


class RowCollector:
    """A table sink that keeps rows in memory (tests, small batches)."""

    def __init__(self, table: str):
        self.table = table
        self.rows: list[dict] = []

    def append(self, rows: list[dict]) -> None:
        self.rows.extend(rows)

    def frame(self) -> pd.DataFrame:
        return _frame(self.table, self.rows)


@dataclass
class BatchTables:
    documents: pd.DataFrame
    extracted_articles: pd.DataFrame
    extracted_paragraphs: pd.DataFrame
    rejected_documents: pd.DataFrame
    landing_file_batches: pd.DataFrame | None = None
    stats: Counter = field(default_factory=Counter)


# landing_file_batches first: a batch whose other tables are written has it too
PARSED_TABLES = ("landing_file_batches", "documents", "rejected_documents", "extracted_articles", "extracted_paragraphs")


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


def _read_batch(
    landing_dir: Path, batch: Batch, settings: Settings, stats: Counter, reject, tally: LandingTally
) -> Iterator[RawDocument]:
    """Every document of the batch's files, streamed (a WARC is never held whole).

    Source paths leave here in their displayable form (``landing.display_path``).
    """
    for claimed in batch.files:
        if claimed.problem:
            reject(claimed.path, claimed.problem, claimed.detail or "", "ingest")
            continue
        if claimed.duplicate_of:
            reject(claimed.path, "duplicate_file", f"same bytes as {claimed.duplicate_of}, ingested before", "ingest")
            continue
        try:
            stat = (Path(landing_dir) / claimed.path).stat()
        except FileNotFoundError:
            reject(claimed.path, "file_vanished", "the file disappeared after it was claimed", "ingest")
            continue
        changed = (stat.st_size, stat.st_mtime_ns) != (claimed.size, claimed.mtime_ns)
        if changed and file_sha256(Path(landing_dir) / claimed.path) != claimed.sha256:
            reject(claimed.path, "file_changed",
                   "the file changed after it was claimed; the next run ingests the new version", "ingest")
            continue
        mtime = datetime.fromtimestamp(claimed.mtime_ns / 1e9, tz=timezone.utc)
        counts = tally.counts(claimed.path)
        for item in read_documents(landing_dir, claimed.path, settings, counts):
            if isinstance(item, Rejection):
                reject(item.source_path, item.reason, item.detail, "ingest")
            else:
                yield replace(item, source_path=display_path(item.source_path), fetched_at=item.fetched_at or mtime)
        stats.update(counts)


class _UrlIndex:
    """The same article captured twice (same canonical URL) is one article: the newest capture wins.

    Holds one small entry per live URL: earlier batches' articles first, then
    each of this batch's as it is extracted. A capture superseded after its
    row was written is recorded as ``duplicate_url`` with its doc_id, and the
    final articles leave it out (in an earlier batch, through a refresh).
    """

    def __init__(self, earlier: pd.DataFrame, reject):
        self.reject = reject
        self.live: dict[str, tuple[datetime, str, str]] = {}
        for row in earlier.itertuples():
            if isinstance(row.canonical_url, str):
                when = pd.Timestamp(row.fetched_at).to_pydatetime() if pd.notna(row.fetched_at) else _FLOOR
                self.live[row.canonical_url] = (when, row.doc_id, row.source_path)

    def admit(self, doc: DecodedDocument) -> bool:
        """True when ``doc`` is (so far) the newest capture of its URL."""
        url = doc.canonical_url
        if not url:
            return True
        when, doc_id = _utc(doc.fetched_at) or _FLOOR, doc_id_for(doc.content_sha256)
        current = self.live.get(url)
        if current is not None and current[0] >= when:  # a tie keeps the capture ingested first
            self.reject(doc.source_path, "duplicate_url", f"older capture of {url}; newest: {current[2]}",
                        "dedupe", doc_id)
            return False
        if current is not None:
            self.reject(current[2], "duplicate_url", f"older capture of {url}; newest: {doc.source_path}",
                        "dedupe", current[1])
        self.live[url] = (when, doc_id, doc.source_path)
        return True


_FLOOR = datetime.min.replace(tzinfo=timezone.utc)


def _chunks(items: Iterable, size: int, max_bytes: int | None = None, weight=len) -> Iterator[list]:
    """Consecutive lists of at most ``size`` items and at most ``max_bytes`` of ``weight``.

    A single item heavier than ``max_bytes`` is a chunk on its own.
    """
    chunk: list = []
    held = 0
    for item in items:
        heft = weight(item) if max_bytes is not None else 0
        if chunk and max_bytes is not None and held + heft > max_bytes:
            yield chunk
            chunk, held = [], 0
        chunk.append(item)
        held += heft
        if len(chunk) == size:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _raw_bytes(raw: RawDocument) -> int:
    return len(raw.content)


def parse_batch(
    landing_dir: Path,
    batch: Batch,
    settings: Settings,
    earlier_doc_ids: dict[str, str] | None = None,
    earlier_articles: pd.DataFrame | None = None,
    sinks: dict | None = None,
    log: Log | None = None,
    earlier_versions: dict[str, set[str]] | None = None,
) -> BatchTables | Counter:
    """Rows of documents, rejected_documents and the extracted articles and paragraphs of one batch.

    Documents stream through in chunks of ``settings.documents_per_chunk`` and
    at most ``settings.bytes_per_chunk`` of raw content, so
    memory stays flat however large a crawl file is: each chunk's rows go to
    ``sinks`` (table name -> object with ``append(rows)``) and the counts are
    returned. Without sinks the rows are collected and returned as DataFrames.

    ``earlier_doc_ids`` maps doc_id -> source_path of earlier batches' documents:
    the same content arriving again is recorded, not re-ingested.
    ``earlier_articles`` (doc_id, source_path, canonical_url, fetched_at) are the
    live articles of earlier batches: the same URL keeps only its newest capture.
    ``earlier_versions`` maps a landing path (displayed) to the doc_ids of the
    live documents its earlier versions gave: a path claimed again supersedes
    them (``superseded_file``), except those whose content the new version still holds.
    """
    collect = sinks is None
    sinks = sinks or {table: RowCollector(table) for table in PARSED_TABLES}
    if earlier_articles is None:
        earlier_articles = pd.DataFrame(columns=["doc_id", "source_path", "canonical_url", "fetched_at"])
    log = log or (lambda message: None)
    stats: Counter = Counter()
    rejected: list[dict] = []
    tally = LandingTally(batch.key, batch.files)
    earlier_versions = {path: ids for path, ids in (earlier_versions or {}).items() if path in tally.files}

    def reject(source_path: str, reason: str, detail: str, stage: str, doc_id: str | None = None) -> None:
        tally.rejected(source_path, reason, doc_id)
        rejected.append(
            {"source_path": display_path(source_path), "reason": reason, "detail": display_path(detail),
             "stage": stage, "batch": batch.key, "doc_id": doc_id}
        )

    seen: dict[str, str] = dict(earlier_doc_ids or {})
    # the older version of a path claimed again is no live capture of its URL any more
    replaced = set().union(*earlier_versions.values()) if earlier_versions else set()
    urls = _UrlIndex(earlier_articles[~earlier_articles["doc_id"].isin(replaced)], reject)
    raws = _read_batch(Path(landing_dir), batch, settings, stats, reject, tally)
    chunks = _chunks(raws, settings.documents_per_chunk, settings.bytes_per_chunk, _raw_bytes)
    executor = open_executor(settings)  # one pool (or cluster client) for the whole batch
    for number, chunk in enumerate(executor.closing(chunks), start=1):
        decoded = _decode_new(chunk, settings, seen, reject, executor)
        articles = _extract_all(decoded, settings, reject, executor)
        decoded = [_with_page_url(doc, articles.get(doc_id_for(doc.content_sha256))) for doc in decoded]
        article_rows, paragraph_rows = [], []
        for doc in decoded:
            doc_id = doc_id_for(doc.content_sha256)
            tally.document(doc.source_path, doc_id)
            if doc_id in articles:
                tally.article(doc.source_path)
            if doc_id in articles and urls.admit(doc):
                article_rows.append(_article_row(doc_id, doc, articles[doc_id], batch.key))
                paragraph_rows.extend(_paragraph_rows(doc_id, articles[doc_id], settings, batch.key))
        sinks["documents"].append([_document_row(doc, batch.key) for doc in decoded])
        sinks["extracted_articles"].append(article_rows)
        sinks["extracted_paragraphs"].append(paragraph_rows)
        stats["documents"] += len(decoded)
        stats["articles"] += len(article_rows)
        log(f"chunk {number}: {stats['documents']} documents, {stats['articles']} articles so far")
    _supersede_versions(earlier_versions, tally, earlier_doc_ids or {}, rejected, batch.key)
    log(executor.describe())
    # rejections are few and small; written once so that empty batches have the table too
    sinks["rejected_documents"].append(rejected)
    sinks["landing_file_batches"].append(tally.rows())
    stats["rejected"] = len(rejected)

    if not collect:
        return stats
    return BatchTables(**{table: sinks[table].frame() for table in PARSED_TABLES}, stats=stats)


def _supersede_versions(
    earlier_versions: dict[str, set[str]], tally: LandingTally, doc_sources: dict[str, str], rejected: list[dict],
    batch_key: str,
) -> None:
    """The documents of a path's older version leave the live tables: the newest version replaces them.

    Recorded as ``superseded_file`` rows (not counted against the new version).
    """
    for path, doc_ids in earlier_versions.items():
        for doc_id in sorted(doc_ids - tally.kept_doc_ids(path)):
            rejected.append({
                "source_path": doc_sources.get(doc_id, path), "reason": "superseded_file",
                "detail": f"an older version of {path}; the version claimed in batch {batch_key} replaces it",
                "stage": "dedupe", "batch": batch_key, "doc_id": doc_id,
            })


def _decode_new(raws: list[RawDocument], settings: Settings, seen: dict[str, str], reject,
                executor=None) -> list[DecodedDocument]:
    """Decoded documents whose content was not ingested before."""
    decoded = []
    for outcome in map_batch(partial(decode_document, settings=settings), raws, executor=executor):
        if not outcome.ok:
            reject(outcome.item.source_path, outcome.reason, outcome.detail, "decode")
            continue
        doc = outcome.value
        doc_id = doc_id_for(doc.content_sha256)
        if doc_id in seen:
            reject(doc.source_path, "duplicate_content", f"same content as {seen[doc_id]}", "dedupe", doc_id)
            continue
        seen[doc_id] = doc.source_path
        decoded.append(doc)
    return decoded


def _extract_all(decoded: list[DecodedDocument], settings: Settings, reject, executor=None) -> dict[str, Article]:
    articles: dict[str, Article] = {}
    for outcome in map_batch(partial(_extract, settings=settings), decoded, executor=executor):
        doc_id = doc_id_for(outcome.item.content_sha256)
        if outcome.ok:
            articles[doc_id] = outcome.value
        else:
            reject(outcome.item.source_path, outcome.reason, outcome.detail, "extract", doc_id)
    return articles


def _with_page_url(doc: DecodedDocument, article: Article | None) -> DecodedDocument:
    if doc.url or article is None or not article.canonical_url:
        return doc
    return replace(doc, url=article.canonical_url, canonical_url=canonical_url(article.canonical_url))


def _document_row(doc: DecodedDocument, batch_key: str) -> dict:
    return {
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
        "batch": batch_key,
        "ingest_warnings": list(doc.ingest_warnings),
        "raw_sha256": doc.raw_sha256,
    }


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
        "published_utc_offset_minutes": _offset_minutes(article.published_at),
        "date": utc_day(article.published_at, doc.fetched_at),
        "outlet": outlet_of(url, article.site_name, doc.source_path),
        "date_source": article.date_source,
        "date_precision": article.date_precision,
    }


def utc_day(published_at: datetime | None, fetched_at: datetime | None):
    """The article's calendar day in UTC: publication time, else fetch time (None when neither)."""
    when = _utc(published_at) or _utc(fetched_at)
    return when.date() if when is not None else None


def outlet_of(url: str | None, site_name: str | None, source_path: str) -> str | None:
    """Domain, else site name, else the landing sub-folder the file came from (None at the top level)."""
    domain = domain_of(url)
    if domain:
        return domain
    if site_name and site_name.strip():
        return site_name.strip()
    folder = source_path.split("#", 1)[0].rpartition("/")[0]
    return folder.rpartition("/")[2] or None


def _offset_minutes(value: datetime | None) -> int | None:
    """The offset a page states with its time; a naive value (a date alone) states none."""
    offset = value.utcoffset() if value is not None else None
    return None if offset is None else int(offset.total_seconds() // 60)


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
                "boilerplate_key": boilerplate_key(paragraph.text),
                "exact_key": exact_key(paragraph.text),
            }
        )
    return rows


def _gazetteer_matches(gazetteer: Gazetteer | None, recognizer: EntityRecognizer, texts: list[str],
                       languages: list) -> list[list]:
    """Per text, the gazetteer's names in it, tokenised as its language's model tokenises."""
    matches: list[list] = [[] for _ in texts]
    if not gazetteer:
        return matches
    by_language: dict[str, list[int]] = {}
    for i, (text, language) in enumerate(zip(texts, languages)):
        if text and recognizer.covers(language):
            by_language.setdefault(language_key(language), []).append(i)
    for key, indices in by_language.items():
        for i, found in zip(indices, gazetteer.find(recognizer.nlp(key), [texts[i] for i in indices])):
            matches[i] = found
    return matches


def recognise_entities(
    paragraphs: pd.DataFrame, recognizer: EntityRecognizer, batch_key: str, log: Log | None = None,
    propagate: bool = True, gazetteer: Gazetteer | None = None,
) -> pd.DataFrame:
    """entity_mentions rows for the paragraphs NER applies to, canonicalised per article;
    with a ``gazetteer``, its names are found in them too (see core/gazetteer.py)."""
    log = log or (lambda message: None)
    selected = paragraphs[paragraphs["ner_applied"]]
    texts = selected["text"].tolist()
    spans = recognizer.recognise(texts, selected["language"].tolist())
    log(f"recognised entities in {len(texts)} paragraphs")

    matches = _gazetteer_matches(gazetteer, recognizer, texts, selected["language"].tolist())
    if gazetteer:
        log(f"gazetteer of {len(gazetteer)} names: {sum(map(len, matches))} matches")

    rows: list[dict] = []
    selected = selected.assign(_spans=spans, _matches=matches)
    for doc_id, group in selected.groupby("doc_id", sort=False):
        indices = group["paragraph_index"].tolist()
        texts_by_index = dict(zip(indices, group["text"]))
        mentions = [
            # recognise() numbers paragraphs by position; map back to paragraph_index
            type(m)(paragraph_index=index, start=m.start, end=m.end, text=m.text, label=m.label)
            for index, found in zip(indices, group["_spans"])
            for m in found
        ]
        found = [type(m)(paragraph_index=index, start=m.start, end=m.end, text=m.text, label=m.label)
                 for index, ms in zip(indices, group["_matches"]) for m in ms]
        max_index = max(indices) if indices else -1
        paragraph_texts = [texts_by_index.get(i, "") for i in range(max_index + 1)]
        for cm in canonicalise_document(mentions, paragraph_texts, propagate=propagate, gazetteer_matches=found):
            rows.append(
                {
                    "doc_id": doc_id,
                    "paragraph_index": cm.paragraph_index,
                    "start": cm.start,
                    "end": cm.end,
                    "text": cm.text,
                    "label": cm.model_label,
                    "entity_id": cm.entity_id,
                    "canonical_name": cm.canonical_name,
                    "batch": batch_key,
                    # until the corpus step resolves them (see aggregate.link_corpus_ids)
                    "corpus_entity_id": cm.entity_id,
                    "corpus_canonical_name": cm.canonical_name,
                    "entity_label": cm.label,
                    "source": cm.source,
                    "vote_label": cm.vote_label,
                }
            )
    return _frame("entity_mentions", rows)
