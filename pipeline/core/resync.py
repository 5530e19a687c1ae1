"""Finding the way back into a WARC file after a stretch that cannot be read.

A .warc.gz is a series of gzip members, normally one record each, so a
corrupt member costs that member's records only: the next member that starts
with a readable WARC record is found by its gzip magic bytes. In a plain WARC
the next line starting ``WARC/1.`` that begins a readable record is the way
back. Candidates are confirmed by fastwarc reading a record header there, so
a chance match inside a payload is passed over. Files are scanned in windows:
memory stays flat however far the next record is.
"""
from __future__ import annotations

import re
import zlib

from fastwarc.warc import ArchiveIterator, WarcRecordType

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_LINE = b"WARC/1."
WINDOW = 1024 * 1024
LEGIBLE_BYTES = 16 * 1024  # how much of a lost stretch is read to say what was lost
_HEADER = re.compile(rb"^(WARC-Type|WARC-Target-URI):[ \t]*([^\r\n]*)", re.MULTILINE | re.IGNORECASE)


def is_gzip(stream) -> bool:
    position = stream.tell()
    stream.seek(0)
    magic = stream.read(2)
    stream.seek(position)
    return magic == GZIP_MAGIC[:2]


def _inflate_member(stream, offset: int, limit: int | None = None) -> tuple[bytes, int | None]:
    """(up to ``limit`` bytes of the gzip member at offset, the member's end or None if it has none)."""
    stream.seek(offset)
    decompressor = zlib.decompressobj(31)
    kept = bytearray()
    consumed = 0
    step = WINDOW if limit is None else 256  # small steps keep what decodes before a corrupt spot
    try:
        while chunk := stream.read(step):
            data = chunk
            while data:
                out = decompressor.decompress(data, WINDOW)
                if limit is not None and len(kept) < limit:
                    kept += out[: limit - len(kept)]
                if decompressor.eof:
                    return bytes(kept), offset + consumed + len(chunk) - len(decompressor.unused_data)
                data = decompressor.unconsumed_tail
                if limit is not None and len(kept) >= limit:
                    return bytes(kept), None
            consumed += len(chunk)
    except zlib.error:
        pass
    return bytes(kept), None


def record_end(stream, offset: int) -> int:
    """The byte after the record that starts at ``offset`` (its gzip member, or its header and block)."""
    if is_gzip(stream):
        _, end = _inflate_member(stream, offset)
        return end if end is not None else offset
    stream.seek(offset)
    head = stream.read(64 * 1024)
    header_end = head.find(b"\r\n\r\n")
    length = re.search(rb"^Content-Length:[ \t]*(\d+)", head[:max(header_end, 0)], re.MULTILINE | re.IGNORECASE)
    if header_end < 0 or length is None:
        return offset
    end = offset + header_end + 4 + int(length.group(1))
    stream.seek(end)
    gap = stream.read(16)  # the blank lines that close a record
    return end + len(gap) - len(gap.lstrip(b"\r\n"))


def _readable_record_at(stream, offset: int) -> bool:
    stream.seek(offset)
    try:
        record = next(iter(ArchiveIterator(stream, record_types=WarcRecordType.any_type, parse_http=False)), None)
    except OSError:
        return False
    return record is not None and record.stream_pos == offset and "WARC-Type" in record.headers


def next_record_start(stream, after: int) -> int | None:
    """Offset of the first readable record that starts after ``after``, or None."""
    gzipped = is_gzip(stream)
    pattern = GZIP_MAGIC if gzipped else WARC_LINE
    position = after + 1
    while True:
        stream.seek(position)
        window = stream.read(WINDOW + len(pattern))
        if len(window) < len(pattern):
            return None
        found = window.find(pattern)
        while found >= 0:
            candidate = position + found
            at_line_start = gzipped or candidate == 0 or _byte_before(stream, candidate) == b"\n"
            if at_line_start and _readable_record_at(stream, candidate):
                return candidate
            found = window.find(pattern, found + 1)
        position += WINDOW


def _byte_before(stream, offset: int) -> bytes:
    stream.seek(offset - 1)
    return stream.read(1)


def describe_lost_span(stream, start: int, end: int, failure: Exception) -> str:
    """The rejection detail for bytes start..end that could not be read: where, why, what was in them."""
    if is_gzip(stream):
        legible, _ = _inflate_member(stream, start, LEGIBLE_BYTES)
    else:
        stream.seek(start)
        legible = stream.read(min(LEGIBLE_BYTES, end - start))
    fields = {name.decode().lower(): value.decode("utf-8", "replace").strip()
              for name, value in _HEADER.findall(legible[: legible.find(b"\r\n\r\n") if b"\r\n\r\n" in legible else None])}
    what = ""
    if fields:
        what = f"; lost: a {fields.get('warc-type', 'WARC')} record" + (
            f" for {fields['warc-target-uri'].strip('<>')}" if "warc-target-uri" in fields else "")
    return (f"bytes {start}-{end} ({end - start} bytes) unreadable ({failure}){what}; "
            f"reading resumed at offset {end}")
