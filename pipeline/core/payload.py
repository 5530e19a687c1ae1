"""HTTP payloads of crawl records decoded as a browser would: streaming, capped.

The WARC/ARC readers' own decoding is switched off (fastwarc's and warcio's
inflate a whole payload at once: an 8 KB brotli payload became gigabytes
before any cap applied). Here every stage is a generator that yields bounded
pieces and only the consumer decides how much to keep:

    raw body -> de-chunk (Transfer-Encoding: chunked) -> undo each coding, last applied first

Codings: ``gzip``/``x-gzip`` (gzip or zlib framing), ``deflate`` (zlib
framing, or raw deflate as many servers send), ``br``, ``identity``; any other
(``compress``, ``zstd``, an unknown token) is ``unsupported_content_encoding``.
Every stage's output counts against ``max_decompressed_bytes``
(``decompression_limit``); at most ``max_document_bytes + 1`` decoded bytes
are ever held. A payload that ends early (fewer bytes than Content-Length, a
chunk cut short or no last chunk, a compressed stream without its end) keeps
the bytes that were decoded and says ``truncated``.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import brotli

PIECE = 256 * 1024  # the most any stage hands on at once
_CHUNK_SIZE_LINE = re.compile(rb"[ \t]*([0-9a-fA-F]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")


class PayloadError(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Payload:
    body: bytes  # at most max_document_bytes + 1 bytes: more means too large
    n_decoded: int  # bytes the last stage produced in all
    warnings: tuple[str, ...] = ()


class _Truncation:
    """Collects which stages ended early (shared by the stages of one payload)."""

    def __init__(self) -> None:
        self.where: list[str] = []


def header_tokens(values: Iterable[str | None]) -> list[str]:
    """Codings listed in one or more header values, in the order applied ("gzip, br" -> gzip first)."""
    return [token.strip().lower() for value in values if value for token in value.split(",") if token.strip()]


def _pieces(reader, size: int = PIECE) -> Iterator[bytes]:
    while chunk := reader.read(size):
        yield chunk


def _dechunk(pieces: Iterator[bytes], truncation: _Truncation) -> Iterator[bytes]:
    """Undo chunked transfer coding; a body that does not start with a chunk header is passed as it is.

    (Crawlers often store the body de-chunked but keep the header: a browser
    would fail, an archive reader should not.)
    """
    buffer = bytearray()
    source = iter(pieces)
    exhausted = False

    def fill(need: int) -> bool:
        nonlocal exhausted
        while len(buffer) < need and not exhausted:
            chunk = next(source, None)
            if chunk is None:
                exhausted = True
            else:
                buffer.extend(chunk)
        return len(buffer) >= need

    first = True
    while True:
        fill(1024)  # a size line with chunk extensions
        match = _CHUNK_SIZE_LINE.match(buffer)
        if match is None:
            if first:  # not chunked after all
                if buffer:
                    yield bytes(buffer)
                yield from source
                return
            if not buffer.strip() and exhausted:
                truncation.where.append("no last chunk")
                return
            raise PayloadError("corrupt_payload", "invalid chunk header in a chunked body")
        first = False
        size = int(match.group(1), 16)
        del buffer[: match.end()]
        if size == 0:
            return  # trailers, if any, are not needed
        while size:
            if not fill(1):
                truncation.where.append("a chunk cut short")
                return
            piece = bytes(buffer[: min(size, PIECE)])
            del buffer[: len(piece)]
            size -= len(piece)
            yield piece
        fill(2)
        if buffer[:2] == b"\r\n":
            del buffer[:2]
        elif buffer[:1] == b"\n":
            del buffer[:1]


def _zlib_stage(pieces: Iterator[bytes], wbits: int | None, coding: str, truncation: _Truncation) -> Iterator[bytes]:
    """Inflate gzip (several members too), zlib or raw deflate; wbits None: pick zlib or raw from the first bytes."""
    decompressor = None
    for data in pieces:
        while data:
            if decompressor is None:
                if wbits is None:  # deflate: zlib framing if the header checks out, else raw
                    if len(data) < 2:
                        data = data + next(pieces, b"")
                    wbits = 15 if len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0 else -15
                decompressor = zlib.decompressobj(wbits)
            try:
                while True:  # at most PIECE bytes out per call; the rest waits in unconsumed_tail or zlib's window
                    out = decompressor.decompress(data, PIECE)
                    data = decompressor.unconsumed_tail
                    if out:
                        yield out
                    if decompressor.eof or (not data and len(out) < PIECE):
                        break
            except zlib.error as exc:
                raise PayloadError("corrupt_payload", f"{coding} data is invalid: {exc}") from None
            if not decompressor.eof:
                break
            data = decompressor.unused_data
            if wbits != 47 or not data.startswith(b"\x1f\x8b"):
                return  # what follows a finished stream is ignored, as browsers do
            decompressor = None  # the next gzip member
    if decompressor is None or not decompressor.eof:
        truncation.where.append(f"{coding} stream ends early")


def _brotli_stage(pieces: Iterator[bytes], truncation: _Truncation) -> Iterator[bytes]:
    decompressor = brotli.Decompressor()
    try:
        for data in pieces:
            out = decompressor.process(data, output_buffer_limit=PIECE)
            while True:
                if out:
                    yield out
                if decompressor.is_finished() or decompressor.can_accept_more_data():
                    break
                out = decompressor.process(b"", output_buffer_limit=PIECE)
            if decompressor.is_finished():
                return
    except brotli.error as exc:
        raise PayloadError("corrupt_payload", f"br data is invalid: {exc}") from None
    truncation.where.append("br stream ends early")


def _counted(pieces: Iterator[bytes], cap: int, coding: str) -> Iterator[bytes]:
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > cap:
            raise PayloadError(
                "decompression_limit",
                f"{coding} payload decodes to more than max_decompressed_bytes {cap}; stopped",
            )
        yield piece


def _decoder(coding: str, pieces: Iterator[bytes], truncation: _Truncation) -> Iterator[bytes]:
    if coding in ("gzip", "x-gzip"):
        return _zlib_stage(pieces, 47, coding, truncation)  # 32 + 15: gzip or zlib header
    if coding == "deflate":
        return _zlib_stage(pieces, None, coding, truncation)
    if coding == "br":
        return _brotli_stage(pieces, truncation)
    raise PayloadError("unsupported_content_encoding", f"cannot decode Content-Encoding {coding!r}")


def decode_payload(
    reader, content_codings: list[str], transfer_codings: list[str], content_length: int | None,
    keep: int, max_decompressed: int,
) -> Payload:
    """Read and decode an HTTP body from ``reader``: keep the first ``keep`` bytes, count the rest.

    ``content_codings`` / ``transfer_codings`` are in the order the server
    applied them; ``content_length`` is the HTTP header's (ignored with
    chunked, as HTTP says).
    """
    truncation = _Truncation()
    codings = [c for c in (*content_codings, *transfer_codings) if c not in ("identity", "chunked")]
    for coding in codings:  # fail before reading anything
        if coding not in ("gzip", "x-gzip", "deflate", "br"):
            raise PayloadError("unsupported_content_encoding", f"cannot decode Content-Encoding {coding!r}")
    raw_total = 0

    def raw() -> Iterator[bytes]:
        nonlocal raw_total
        for piece in _pieces(reader):
            raw_total += len(piece)
            yield piece

    stream: Iterator[bytes] = raw()
    chunked = "chunked" in transfer_codings
    if chunked:
        stream = _dechunk(stream, truncation)
    for coding in reversed(codings):
        stream = _counted(_decoder(coding, stream, truncation), max_decompressed, coding)
    kept: list[bytes] = []
    held = total = 0
    for piece in stream:
        if held < keep:
            kept.append(piece[: keep - held])
            held += len(kept[-1])
        total += len(piece)
        if not codings and held >= keep:
            return Payload(b"".join(kept), total)  # too large; nothing to decompress, so no need to read on
    if not chunked and content_length is not None and raw_total < content_length:
        truncation.where.append(f"{raw_total} of {content_length} bytes (Content-Length)")
    warnings = ("truncated",) if truncation.where else ()
    return Payload(b"".join(kept), total, warnings)
