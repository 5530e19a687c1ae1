"""Generated crawl records for tests and benches: encoded payloads, bombs, damaged files.

Everything is made by our own code. Bombs are compressed piece by piece from
zeros, so making a payload that inflates to gigabytes holds only the
compressed bytes (a few hundred KB) in memory.
"""
from __future__ import annotations

import io
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import brotli
from warcio.warcwriter import WARCWriter

MB = 1024 * 1024
CODINGS = ("gzip", "deflate", "deflate-raw", "br")  # deflate-raw: labelled deflate, sent without zlib framing


def page(words: int = 200, marker: str = "story") -> bytes:
    body = " ".join(f"{marker} word{n % 97}" for n in range(words))
    return (f"<!DOCTYPE html><html><head><title>{marker}</title></head>"
            f"<body><article><p>{body}</p></article></body></html>").encode()


def zeros(n_bytes: int, piece: int = MB) -> Iterator[bytes]:
    block = bytes(piece)
    for start in range(0, n_bytes, piece):
        yield block[: min(piece, n_bytes - start)]


def compress(coding: str, pieces: Iterable[bytes] | bytes) -> bytes:
    """``pieces`` compressed as the Content-Encoding ``coding`` (see CODINGS), streaming."""
    if isinstance(pieces, bytes):
        pieces = [pieces]
    if coding == "br":
        compressor = brotli.Compressor(quality=1, lgwin=24)
        return b"".join(compressor.process(piece) for piece in pieces) + compressor.finish()
    wbits = {"gzip": 31, "deflate": 15, "deflate-raw": -15}[coding]
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(compressor.compress(piece) for piece in pieces) + compressor.flush()


def header_name(coding: str) -> str:
    return "deflate" if coding == "deflate-raw" else coding


def chunked(data: bytes, size: int = 4096) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def http_block(body: bytes, headers: Iterable[tuple[str, str]] = (), content_type: str = "text/html; charset=utf-8",
               status: str = "200 OK") -> bytes:
    """An HTTP response as a crawler stores it: status line, headers, the body bytes as sent."""
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def encoded_block(body: bytes, codings: Iterable[str] = (), is_chunked: bool = False) -> bytes:
    """``body`` sent with the codings applied in order (and chunked framing when asked)."""
    data, names = body, []
    for coding in codings:
        data = compress(coding, data)
        names.append(header_name(coding))
    headers = [("Content-Encoding", ", ".join(names))] if names else []
    if is_chunked:
        data = chunked(data)
        headers.append(("Transfer-Encoding", "chunked"))
    else:
        headers.append(("Content-Length", str(len(data))))
    return http_block(data, headers)


def write_warc(path: Path, blocks: Iterable[tuple[str, bytes]], gzipped: bool | None = None) -> list[int]:
    """Write one response record per (uri, HTTP block); return each record's offset."""
    gzipped = str(path).endswith(".gz") if gzipped is None else gzipped
    offsets = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for uri, block in blocks:
            offsets.append(out.tell())
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(block),
                warc_content_type="application/http; msgtype=response",
                warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00Z"}))
    return offsets


def bomb_block(coding: str | tuple[str, ...], n_bytes: int, is_chunked: bool = False) -> bytes:
    """An HTTP response whose body inflates to ``n_bytes`` (codings stacked when a tuple)."""
    codings = (coding,) if isinstance(coding, str) else coding
    data = compress(codings[0], zeros(n_bytes))
    for outer in codings[1:]:
        data = compress(outer, data)
    headers = [("Content-Encoding", ", ".join(header_name(c) for c in codings))]
    if is_chunked:
        headers.append(("Transfer-Encoding", "chunked"))
        data = chunked(data, 64 * 1024)
    return http_block(data, headers)


BOMB_KINDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "gzip": (("gzip",), False),
    "deflate_zlib": (("deflate",), False),
    "deflate_raw": (("deflate-raw",), False),
    "br": (("br",), False),
    "gzip_chunked": (("gzip",), True),
    "gzip_then_gzip": (("gzip", "gzip"), False),
    "gzip_then_br": (("gzip", "br"), False),
}


def write_bomb_warcs(landing: Path, n_bytes: int, kinds: Iterable[str] = BOMB_KINDS) -> list[str]:
    """One .warc.gz per kind of bomb (each with a good page after the bomb); returns the file names."""
    landing.mkdir(parents=True, exist_ok=True)
    names = []
    for kind in kinds:
        codings, is_chunked = BOMB_KINDS[kind]
        name = f"bomb_{kind}.warc.gz"
        write_warc(landing / name, [
            (f"https://bomb.example/{kind}", bomb_block(codings, n_bytes, is_chunked)),
            (f"https://bomb.example/{kind}/after", encoded_block(page(marker=kind), codings)),
        ])
        names.append(name)
    return names


def tiny_warc(path: Path, n_records: int) -> dict[str, int]:
    """A WARC of ``n_records`` small records written directly (fast), cycling through kinds.

    Returns how many records of each kind were written: ``html`` (a 2xx
    HTML response), ``request``, ``metadata``, ``image`` (a non-HTML
    response), ``not_found`` (a 404 HTML response).
    """
    kinds = ("html", "request", "html", "metadata", "image", "html", "not_found")
    counts: dict[str, int] = {}
    gzipped = str(path).endswith(".gz")
    with open(path, "wb") as out:
        for n in range(n_records):
            kind = kinds[n % len(kinds)]
            counts[kind] = counts.get(kind, 0) + 1
            uri = f"https://tiny.example/{n}"
            if kind == "request":
                warc_type, content_type, block = "request", "application/http; msgtype=request", \
                    f"GET /{n} HTTP/1.1\r\nHost: tiny.example\r\n\r\n".encode()
            elif kind == "metadata":
                warc_type, content_type, block = "metadata", "application/warc-fields", b"fetchTimeMs: 3\r\n"
            else:
                warc_type, content_type = "response", "application/http; msgtype=response"
                body = (b"\x89PNG\r\n\x1a\n" + bytes(40) if kind == "image"
                        else f"<html><body><p>tiny page {n}</p></body></html>".encode())
                block = http_block(body, [("Content-Length", str(len(body)))],
                                   "image/png" if kind == "image" else "text/html",
                                   "404 Not Found" if kind == "not_found" else "200 OK")
            head = (f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Target-URI: {uri}\r\n"
                    f"WARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
                    f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
            record = head + block + b"\r\n\r\n"
            out.write(zlib.compress(record, 6, wbits=31) if gzipped else record)
    return counts
