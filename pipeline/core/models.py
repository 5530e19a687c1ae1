"""The records passed between document-level stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RawDocument:
    """One document as read from the landing directory, before decoding.

    ``source_path`` is relative to the landing directory; a record inside a
    container file (WARC, ARC) is that file's path plus ``#`` and the record's
    byte offset.
    """

    source_path: str
    content: bytes
    media_type: str = "html"  # "html" or "text"
    url: str | None = None
    fetched_at: datetime | None = None  # timezone-aware (UTC) when known
    declared_charset: str | None = None  # e.g. from a WARC record's HTTP header
    ingest_warnings: tuple[str, ...] = ()  # codes from ingest.INGEST_WARNINGS: a field was lost, not the page


@dataclass(frozen=True)
class Rejection:
    """A file or record the pipeline could not use, and why.

    ``reason`` is a short stable code (see README, "Rejection reasons");
    ``detail`` is a human-readable explanation.
    """

    source_path: str
    reason: str
    detail: str


@dataclass
class Paragraph:
    text: str
    kind: str = "paragraph"  # heading | paragraph | list_item | quote | caption | standfirst
    is_boilerplate: bool = False
    boilerplate_rule: str | None = None  # which rule flagged it, when flagged
    language: str | None = None


@dataclass
class Article:
    paragraphs: list[Paragraph]
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    date_source: str | None = None  # json_ld | article_meta | microdata | htmldate
    date_precision: str | None = None  # day | time
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None

    @property
    def text(self) -> str:
        """Kept paragraphs in reading order joined by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs if not p.is_boilerplate)


@dataclass(frozen=True)
class Mention:
    """A named-entity span in one paragraph; offsets index that paragraph's text."""

    paragraph_index: int
    start: int
    end: int
    text: str
    label: str


class Unusable(Exception):
    """Raised by a document-level stage when a document cannot be used.

    The batch runner turns it into a ``rejected_documents`` row; it never
    stops the batch. ``reason`` is a short stable code, ``detail`` free text.
    """

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
