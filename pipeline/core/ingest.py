"""Landing files to raw documents, streaming, never raising for bad input.

WARC files are read with fastwarc (about 2.8x warcio on the real crawls, see
bench/warc_readers.py); ARC files with warcio, since fastwarc cannot read ARC.
Records are read one at a time and capped (max_document_bytes plus room for
HTTP headers), so memory stays flat for any file size. Record-level problems
reject that record and reading goes on; file-level ones end the file.
"""
from __future__ import annotations

import gzip
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from fastwarc.warc import ArchiveIterator as WarcIterator
from fastwarc.warc import WarcRecord, WarcRecordType
from warcio.archiveiterator import ArchiveIterator as ArcIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline.core.models import RawDocument, Rejection
from pipeline.core.payload import Payload, PayloadError, decode_payload, header_tokens
from pipeline.core.resync import describe_lost_span, is_gzip, next_record_start, record_end
from pipeline.settings import Settings

REJECTION_REASONS: dict[str, str] = {
    "empty_file": "the file has no bytes (or a compressed file decompresses to none)",
    "empty_document": "the document or record holds only whitespace",
    "binary_content": "the bytes are not text (NUL bytes, control characters)",
    "truncated_gzip": "a gzip stream ends before its end marker",
    "corrupt_gzip": "a .gz file is not valid gzip data",
    "decompression_limit": "decompressing went past max_decompressed_bytes (likely a decompression bomb); stopped there",
    "unsupported_content_encoding": "a crawl record's HTTP payload uses a Content-Encoding that cannot be decoded (compress, zstd, unknown)",
    "corrupt_payload": "a crawl record's compressed or chunked HTTP payload is invalid data (not merely cut short)",
    "too_large": "a document is larger than max_document_bytes",
    "truncated_warc": "a WARC/ARC file ends inside a record",
    "malformed_warc_record": "a WARC/ARC record has an unparseable header or HTTP header",
    "too_deeply_nested": "HTML elements nest deeper than max_html_depth (256, the HTML parser's own limit)",
    "text_node_too_long": "a text node longer than the HTML parser's limit (about 10,000,000 characters), which it would drop with the rest of the page",
    "unsupported_file_type": "the file name has none of the supported suffixes",
    "unsafe_path": "the path leads outside the landing directory",
    "file_vanished": "the file disappeared between listing and reading",
    "read_error": "the file could not be read (permissions, I/O error, not a regular file)",
}

# Problems that cost a document a field, not the document: listed in
# documents.ingest_warnings.
INGEST_WARNINGS: dict[str, str] = {
    "bad_warc_date": "the record's WARC-Date (ARC date) is missing or unparseable; fetched_at falls back to the file's modification time",
    "mixed_encoding": "the page is UTF-8 but for some bytes in another encoding (a pasted paragraph, a stray quote); those bytes were read as windows-1252, U+FFFD where undefined",
    "truncated": "the HTTP payload ends early (fewer bytes than its Content-Length, a chunk or compressed stream cut short); the bytes that were read are kept",
}

SINGLE_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text"}
CONTAINER_SUFFIXES = (".warc", ".arc")
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(
    s + gz for s in (*SINGLE_SUFFIXES, *CONTAINER_SUFFIXES) for gz in ("", ".gz")
)
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
SNIFFED_MEDIA_TYPES = frozenset({"", "application/octet-stream", "unknown/unknown", "text/plain"})
HTTP_HEADER_ALLOWANCE = 64 * 1024  # raw record bytes read beyond max_document_bytes
READ_CHUNK = 1024 * 1024


class _Reject(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def file_kind(rel_path: str) -> tuple[str, bool] | None:
    """(suffix without .gz, gzipped) for a supported file name, else None."""
    name = rel_path.rsplit("/", 1)[-1].lower()
    gzipped = name.endswith(".gz")
    stem = name[:-3] if gzipped else name
    for suffix in (*SINGLE_SUFFIXES, *CONTAINER_SUFFIXES):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return suffix, gzipped
    return None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def list_landing_files(landing_dir: Path) -> list[str]:
    """Relative POSIX paths of every regular file below landing_dir, sorted.

    Hidden files and directories are skipped, and so are symlinks leading
    outside landing_dir. Symlinked directories are not descended into (no
    loops, no duplicates). Unsupported files are listed: they become rejections.
    """
    root = Path(landing_dir).resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            try:
                if path.is_symlink() and not _inside(path.resolve(strict=True), root):
                    continue
                if not path.is_file():
                    continue
            except OSError:  # dangling symlink, or vanished meanwhile
                continue
            found.append(path.relative_to(root).as_posix())
    return sorted(found)


def read_documents(
    landing_dir: Path, rel_path: str, settings: Settings, stats: Counter | None = None
) -> Iterator[RawDocument | Rejection]:
    """Stream the documents of one landing file; bad input yields Rejections."""
    stats = stats if stats is not None else Counter()
    kind = file_kind(rel_path)
    if kind is None:
        yield Rejection(rel_path, "unsupported_file_type", f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
        return
    suffix, gzipped = kind
    root = Path(landing_dir).resolve()
    path = root / rel_path
    try:
        if not _inside(path.resolve(), root):
            yield Rejection(rel_path, "unsafe_path", "resolves outside the landing directory")
            return
        size = path.stat().st_size
        if not path.is_file():
            yield Rejection(rel_path, "read_error", "not a regular file")
            return
        if size == 0:
            yield Rejection(rel_path, "empty_file", "0 bytes")
            return
        if suffix in SINGLE_SUFFIXES:
            yield _read_single(path, rel_path, SINGLE_SUFFIXES[suffix], gzipped, size, settings)
        elif suffix == ".warc":
            yield from _read_warc(path, rel_path, settings, stats)
        else:
            yield from _read_arc(path, rel_path, settings, stats)
    except FileNotFoundError as exc:
        yield Rejection(rel_path, "file_vanished", str(exc))
    except OSError as exc:
        yield Rejection(rel_path, "read_error", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a library failing on input it did not foresee
        yield Rejection(rel_path, "read_error", f"unexpected {type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- single files

def _read_single(
    path: Path, rel_path: str, media_type: str, gzipped: bool, size: int, settings: Settings
) -> RawDocument | Rejection:
    try:
        if gzipped:
            content = _gunzip_capped(path, settings)
        elif size > settings.max_document_bytes:
            raise _Reject("too_large", f"{size} bytes > max_document_bytes {settings.max_document_bytes}")
        else:
            with open(path, "rb") as stream:  # capped: the file may have grown since stat
                content = stream.read(settings.max_document_bytes + 1)
            if len(content) > settings.max_document_bytes:
                raise _Reject("too_large", f"more than max_document_bytes {settings.max_document_bytes}")
        if not content:
            raise _Reject("empty_file", "decompresses to 0 bytes")
    except _Reject as rejected:
        return Rejection(rel_path, rejected.reason, rejected.detail)
    return RawDocument(source_path=rel_path, content=content, media_type=media_type)


def _gunzip_capped(path: Path, settings: Settings) -> bytes:
    """Decompress in chunks, keeping at most max_document_bytes + 1 bytes."""
    keep = settings.max_document_bytes + 1
    kept: list[bytes] = []
    total = 0
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(READ_CHUNK):
                if total < keep:
                    kept.append(chunk[: keep - total])
                total += len(chunk)
                if total > settings.max_decompressed_bytes:
                    raise _Reject(
                        "decompression_limit",
                        f"more than max_decompressed_bytes {settings.max_decompressed_bytes} decompressed; stopped",
                    )
    except EOFError as exc:
        raise _Reject("truncated_gzip", str(exc)) from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise _Reject("corrupt_gzip", str(exc)) from None
    if total > settings.max_document_bytes:
        raise _Reject("too_large", f"{total} bytes decompressed > max_document_bytes {settings.max_document_bytes}")
    return b"".join(kept)


# ---------------------------------------------------------------- WARC / ARC

def parse_warc_date(value: str | None) -> datetime:
    """WARC-Date (ISO 8601, UTC) as an aware datetime; ValueError if invalid.

    Lenient only where the reading is unambiguous: a trailing ``Z`` and a
    ``-0700``-style offset are accepted; a date such as ``2008-10-294`` is not.
    """
    if not value:
        raise ValueError("missing WARC-Date")
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _record_date(value: str | None) -> tuple[datetime | None, tuple[str, ...]]:
    """A record's date, or None with a ``bad_warc_date`` warning: a bad date loses the date, not the page."""
    try:
        return parse_warc_date(value), ()
    except ValueError:
        return None, ("bad_warc_date",)


def _target_uri(value: str | None) -> str | None:
    return value.strip().strip("<>") or None if value else None


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _read_up_to(reader, limit: int) -> bytes:
    parts, total = [], 0
    while total < limit:
        chunk = reader.read(min(READ_CHUNK, limit - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _read_warc(path: Path, rel_path: str, settings: Settings, stats: Counter) -> Iterator[RawDocument | Rejection]:
    """Records of a WARC file; past a corrupt stretch (gzip member, garbled header) reading resumes.

    The stretch that cannot be read becomes one rejection at its first byte
    (``corrupt_gzip`` in a .warc.gz, ``malformed_warc_record`` in a plain
    WARC) whose detail gives the byte range lost and what could be read of
    the lost record; reading goes on at the next gzip member or ``WARC/``
    line that starts a readable record (see core/resync.py).
    """
    start, records_seen = 0, 0
    with open(path, "rb") as stream:
        while True:
            segment = _WarcSegment(stream, start)
            yield from segment.read(rel_path, settings, stats)
            records_seen += segment.records_seen
            if segment.cut:
                return
            if segment.failure is None:
                break
            lost_from = segment.lost_from()
            resume = next_record_start(stream, lost_from)
            if resume is None:  # nothing readable follows
                if _ends_early(path, segment.last_offset):
                    yield Rejection(rel_path, "truncated_warc",
                                    f"gzip stream ends inside a member after offset {segment.last_offset}")
                else:
                    yield Rejection(rel_path, "malformed_warc_record",
                                    f"unparseable record after offset {segment.last_offset}: {segment.failure}")
                return
            stats["warc_spans_lost"] += 1
            yield Rejection(f"{rel_path}#{lost_from}", "corrupt_gzip" if is_gzip(stream) else "malformed_warc_record",
                            describe_lost_span(stream, lost_from, resume, segment.failure))
            start = resume
    if segment.headless is not None:
        yield Rejection(segment.headless.source_path, "truncated_warc", "file ends inside a record header")
    elif _ends_early(path, segment.last_offset):
        yield Rejection(rel_path, "truncated_warc", f"gzip stream ends inside a member after offset {segment.last_offset}")
    elif records_seen == 0:
        yield Rejection(rel_path, "malformed_warc_record", "no WARC record found")


class _WarcSegment:
    """Reads records from ``start`` until the file ends or the bytes cannot be read (``failure``)."""

    def __init__(self, stream, start: int):
        self.stream, self.start = stream, start
        self.failure: OSError | None = None
        self.headless: Rejection | None = None  # a record without Content-Length: truncation if nothing follows
        self.last_offset = start  # the last record started
        self.last_done: int | None = None  # the last record read to its end
        self.in_record = False
        self.records_seen = 0
        self.cut = False  # a record was cut short by the end of the file: nothing follows

    def read(self, rel_path: str, settings: Settings, stats: Counter) -> Iterator[RawDocument | Rejection]:
        self.stream.seek(self.start)
        records = WarcIterator(self.stream, record_types=WarcRecordType.any_type, parse_http=False)
        try:
            for record in records:
                if self.headless is not None:
                    yield self.headless
                    self.headless = None
                self.last_offset, self.in_record = record.stream_pos, True
                source = f"{rel_path}#{self.last_offset}"
                stats["warc_records"] += 1
                stats[f"warc_type:{record.headers.get('WARC-Type', '(none)').strip().lower()}"] += 1
                self.records_seen += 1
                if "Content-Length" not in record.headers:
                    self.headless = Rejection(source, "malformed_warc_record", "no Content-Length header")
                    self.in_record = False
                    continue
                if "WARC-Type" not in record.headers:
                    record.reader.consume()
                    yield Rejection(source, "malformed_warc_record", "no (valid) WARC-Type header")
                else:
                    result = _warc_record(record, source, settings, stats)
                    if result is not None:
                        yield result
                        if isinstance(result, Rejection) and result.reason == "truncated_warc":
                            self.cut = True
                            return
                self.last_done, self.in_record = self.last_offset, False
        except OSError as exc:
            self.failure = exc

    def lost_from(self) -> int:
        """Where the unreadable stretch begins: the record being read, else the end of the last one read."""
        if self.in_record:
            return self.last_offset
        if self.last_done is None:
            return self.start
        return record_end(self.stream, self.last_done)


def _ends_early(path: Path, offset: int) -> bool:
    """Whether a container file was cut short; for gzip, checked from offset on.

    fastwarc and warcio stop silently when a .gz file is cut early in a
    member. Records are usually one member each, so this decompresses (and
    discards) little more than the last record; for a file that is a single
    member, offset is not a member start and the whole file is checked.
    """
    with open(path, "rb") as stream:
        if stream.read(2) != b"\x1f\x8b":
            # Plain file: records end with a newline; a file cut inside one rarely does.
            stream.seek(0)
            if not stream.read(16).startswith((b"WARC/", b"filedesc://")):
                return False  # not a container at all: malformed, not truncated
            stream.seek(-1, os.SEEK_END)
            return stream.read(1) != b"\n"
        stream.seek(offset)
        if stream.read(2) != b"\x1f\x8b":
            offset = 0
        stream.seek(offset)
        decompressor = None
        while chunk := stream.read(READ_CHUNK):
            while chunk:
                if decompressor is None or decompressor.eof:
                    decompressor = zlib.decompressobj(wbits=31)
                try:
                    decompressor.decompress(chunk, READ_CHUNK)
                except zlib.error:
                    return False  # not truncation; e.g. padding after the last member
                chunk = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
        return decompressor is not None and not decompressor.eof


def _warc_record(record: WarcRecord, source: str, settings: Settings, stats: Counter) -> RawDocument | Rejection | None:
    record_type = record.record_type
    if record_type not in (WarcRecordType.response, WarcRecordType.resource):
        consumed = record.reader.consume()
        if consumed < record.content_length:
            return Rejection(source, "truncated_warc", f"record has {consumed} of {record.content_length} bytes")
        stats[f"skipped_warc_{record_type}"] += 1
        return None
    limit = settings.max_document_bytes + HTTP_HEADER_ALLOWANCE
    block = _read_up_to(record.reader, limit)
    consumed = len(block) + record.reader.consume()
    if consumed < record.content_length:
        return Rejection(source, "truncated_warc", f"record has {consumed} of {record.content_length} bytes")
    fetched_at, warnings = _record_date(record.headers.get("WARC-Date"))
    url = _target_uri(record.headers.get("WARC-Target-URI"))
    oversize = record.content_length > limit

    if record_type == WarcRecordType.resource:
        media, charset, body = _mime(record.headers.get("Content-Type")), None, block
    elif not record.is_http:
        stats["skipped_non_html"] += 1  # e.g. dns: records
        return None
    else:
        http = WarcRecord()
        http.init_headers(WarcRecordType.response)
        http.is_http = True
        http.set_bytes_content(block)
        try:
            http.parse_http(auto_decode="none")  # decoded below, streaming and capped
            status = http.http_headers.status_code or 0
            media, charset = _mime(http.http_content_type), http.http_charset
        except OSError as exc:
            return Rejection(source, "malformed_warc_record", f"bad HTTP response: {exc}")
        if not 200 <= status < 300 or status == 204:
            stats["skipped_http_status"] += 1
            return None
        if not oversize and (media in HTML_MEDIA_TYPES or media in SNIFFED_MEDIA_TYPES):  # else skipped below
            headers = http.http_headers
            decoded = _http_body(http.reader, headers.get_multiple("Content-Encoding"),
                                 headers.get_multiple("Transfer-Encoding"), headers.get("Content-Length"), settings)
            if isinstance(decoded, _Reject):
                return Rejection(source, decoded.reason, decoded.detail)
            body, warnings = decoded.body, warnings + decoded.warnings
        else:
            body = b""
    return _html_document(source, url, fetched_at, media, charset, body, oversize, settings, stats, warnings)


def _http_body(reader, content_encoding: list[str], transfer_encoding: list[str], content_length: str | None,
               settings: Settings) -> Payload | _Reject:
    """The decoded HTTP body (see core/payload.py), or why it cannot be had."""
    try:
        length = int(content_length) if content_length and content_length.strip().isdigit() else None
        return decode_payload(reader, header_tokens(content_encoding), header_tokens(transfer_encoding), length,
                              keep=settings.max_document_bytes + 1, max_decompressed=settings.max_decompressed_bytes)
    except PayloadError as exc:
        return _Reject(exc.reason, exc.detail)


def _html_document(
    source: str, url: str | None, fetched_at: datetime | None, media: str, charset: str | None,
    body: bytes, oversize: bool, settings: Settings, stats: Counter, warnings: tuple[str, ...] = (),
) -> RawDocument | Rejection | None:
    is_html = media in HTML_MEDIA_TYPES or (media in SNIFFED_MEDIA_TYPES and _looks_like_html(body))
    if not is_html:
        stats["skipped_non_html"] += 1
        return None
    if oversize or len(body) > settings.max_document_bytes:
        return Rejection(source, "too_large", f"HTML payload > max_document_bytes {settings.max_document_bytes}")
    return RawDocument(source_path=source, content=body, media_type="html", url=url,
                       fetched_at=fetched_at, declared_charset=charset, ingest_warnings=warnings)


def _read_arc(path: Path, rel_path: str, settings: Settings, stats: Counter) -> Iterator[RawDocument | Rejection]:
    last_offset = records_seen = 0
    with open(path, "rb") as stream:
        records = ArcIterator(stream, arc2warc=True)
        try:
            for record in records:
                stats["warc_records"] += 1
                stats[f"warc_type:{record.rec_type}"] += 1
                records_seen += 1
                result = _arc_record(record, rel_path, settings, stats)
                # warcio knows a record's offset only once the record has been read
                last_offset = records.get_record_offset()
                if result is not None:
                    result = replace(result, source_path=f"{rel_path}#{last_offset}")
                    yield result
                    if isinstance(result, Rejection) and result.reason == "truncated_warc":
                        return
        except (ArchiveLoadFailed, ValueError, EOFError, zlib.error) as exc:
            if isinstance(exc, EOFError) or _ends_early(path, last_offset):
                yield Rejection(rel_path, "truncated_warc", f"file ends inside a record after offset {last_offset}")
            else:
                yield Rejection(rel_path, "malformed_warc_record", f"unparseable record after offset {last_offset}: {exc}")
            return
    if _ends_early(path, last_offset):
        yield Rejection(rel_path, "truncated_warc", f"gzip stream ends inside a member after offset {last_offset}")
    elif records_seen == 0:
        yield Rejection(rel_path, "malformed_warc_record", "no ARC record found")


def _arc_record(record, source: str, settings: Settings, stats: Counter) -> RawDocument | Rejection | None:
    """Like _warc_record, for a warcio record (ARC converted to WARC headers)."""
    wanted = record.rec_type == "response" and record.http_headers is not None
    status = record.http_headers.get_statuscode() if wanted else ""
    ok_status = status.isdigit() and 200 <= int(status) < 300 and int(status) != 204
    content_type = record.http_headers.get_header("Content-Type") if wanted else None
    decoded = None
    if wanted and ok_status and _mime(content_type) in HTML_MEDIA_TYPES | SNIFFED_MEDIA_TYPES:
        # warcio's content_stream() would inflate a compressed payload without a cap: decoded here
        headers = record.http_headers
        decoded = _http_body(record.raw_stream, _all_values(headers, "Content-Encoding"),
                             _all_values(headers, "Transfer-Encoding"), headers.get_header("Content-Length"), settings)
    while record.raw_stream.read(READ_CHUNK):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended before the record's declared length
        return Rejection(source, "truncated_warc", f"record misses {record.raw_stream.limit} bytes")
    if not wanted:
        stats["skipped_non_html" if record.rec_type == "response" else f"skipped_warc_{record.rec_type}"] += 1
        return None
    if not ok_status:
        stats["skipped_http_status"] += 1
        return None
    if isinstance(decoded, _Reject):
        return Rejection(source, decoded.reason, decoded.detail)
    fetched_at, warnings = _record_date(record.rec_headers.get_header("WARC-Date"))
    charset = None
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    url = _target_uri(record.rec_headers.get_header("WARC-Target-URI"))
    body, payload_warnings = (decoded.body, decoded.warnings) if decoded is not None else (b"", ())
    return _html_document(source, url, fetched_at, _mime(content_type), charset, body, False, settings, stats,
                          warnings + payload_warnings)


def _all_values(headers, name: str) -> list[str]:
    return [value for key, value in headers.headers if key.lower() == name.lower()]



# ---------------------------------------------------------------- one document again

def read_document_at(landing_dir: Path, source_path: str, settings: Settings) -> RawDocument:
    """The document ``documents.source_path`` names, read again from the landing dir.

    A WARC record is read from its byte offset (one record, not the file); an
    ARC record by streaming the file to it. Raises ``LookupError`` when the
    file or record no longer gives a document (with the reason it gives instead).
    """
    rel_path, _, offset = source_path.partition("#")
    kind = file_kind(rel_path)
    if offset and kind is not None and kind[0] == ".warc":
        root = Path(landing_dir).resolve()
        path = root / rel_path
        if not _inside(path.resolve(), root):
            raise LookupError(f"{source_path}: resolves outside the landing directory")
        with open(path, "rb") as stream:
            stream.seek(int(offset))
            records = WarcIterator(stream, record_types=WarcRecordType.any_type, parse_http=False)
            record = next(iter(records), None)
            if record is None or record.stream_pos != int(offset):
                raise LookupError(f"{source_path}: no WARC record starts at offset {offset}")
            found = _warc_record(record, source_path, settings, Counter())
    else:
        found = next((item for item in read_documents(landing_dir, rel_path, settings)
                      if item.source_path == source_path), None)
    if isinstance(found, RawDocument):
        return found
    reason = f"{found.reason}: {found.detail}" if isinstance(found, Rejection) else "no document there"
    raise LookupError(f"{source_path}: {reason}")
