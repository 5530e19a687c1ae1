"""A landing directory of hostile and good input files, for tests.

``write_hostile_corpus(dir)`` writes one file per case and returns
``{rel_path: expected}``, where expected is the rejection reason the file must
produce (under default ``Settings``) or ``"ok"``. ``GOOD_TEXTS`` lists text that
must come out of each good file intact (the mojibake check). ``outcomes``
runs ingestion and decoding on one file and reports what happened.
"""
from __future__ import annotations

import codecs
import os
import gzip
import io
import random
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.core.decode import decode_document
from pipeline.core.ingest import read_documents
from pipeline.core.models import RawDocument, Unusable
from pipeline.settings import Settings

DEFAULTS = Settings()
BOMB_BYTES = 300 * 1024 * 1024
NESTING_LEVELS = 50_000

SMART = "“Smart quotes” — café, naïve, €5"
RUSSIAN = "Москва - столица России. Новости дня: правительство обсудило бюджет на следующий год, а экономисты ожидают роста."
JAPANESE = "東京では今日、新しい政策について記者会見が行われました。政府は経済対策を発表し、専門家は慎重な見方を示しています。"

GOOD_TEXTS: dict[str, list[str]] = {
    "good/utf8.html": [SMART, RUSSIAN],
    "good/cp1252_meta.html": [SMART],
    "good/latin1_label_cp1252_bytes.htm": [SMART],
    "good/bom_utf8.html": [SMART],
    "good/bom_utf16.html": [SMART, RUSSIAN],
    "good/koi8r_undeclared.html": [RUSSIAN],
    "good/shift_jis_undeclared.html": [JAPANESE],
    "good/nested/dir/page.html.gz": [SMART],
    "good/notes.txt": [RUSSIAN],
    "good/crawl.warc.gz": [SMART, RUSSIAN],
    "good/crawl.arc": [SMART],
}


def _page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>Test</title></head><body><article><p>{body}</p></article></body></html>"


def _http(status: str, content_type: str, extra: list[tuple[str, str]] | None = None) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type), *(extra or [])], protocol="HTTP/1.1")


def _chunked(data: bytes, size: int = 100) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def _warc(path: Path, records: list[tuple], gzipped: bool = True) -> list[int]:
    """Write records (uri, type, payload bytes, http headers or None, extra WARC headers); return offsets."""
    offsets = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "hostile_corpus"}))
        for uri, rec_type, payload, http, headers in records:
            offsets.append(out.tell())
            record = writer.create_warc_record(
                uri, rec_type, payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=headers or {}
            )
            writer.write_record(record)
    return offsets


def _good_warc(path: Path) -> None:
    html = _page(f"{SMART} {RUSSIAN}", '<meta charset="utf-8">').encode()
    compressed = gzip.compress(html)
    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
    _warc(path, [
        ("https://www.Example.org/news/1?utm_source=x", "request", b"", request, None),
        ("https://www.Example.org/news/1?utm_source=x", "response", html,
         _http("200 OK", "text/html; charset=utf-8"), {"WARC-Date": "2024-04-25T16:24:47Z"}),
        ("https://www.example.org/news/1", "metadata", b"fetchTimeMs: 12\r\n", None,
         {"Content-Type": "application/warc-fields"}),
        # gzip content-encoding inside chunked transfer-encoding
        ("https://example.org/news/2", "response", _chunked(compressed),
         _http("200 OK", "text/html; charset=utf-8", [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]),
         {"WARC-Date": "2024-04-25T16:25:00.123456Z"}),
        ("https://example.org/logo.png", "response", b"\x89PNG\r\n\x1a\n" + bytes(200), _http("200 OK", "image/png"), None),
        ("https://example.org/missing", "response", _page("Not found").encode(), _http("404 Not Found", "text/html"), None),
        ("https://example.org/old", "response", b"", _http("301 Moved Permanently", "text/html", [("Location", "/new")]), None),
    ])


def _arc(path: Path, truncate: bool = False) -> None:
    body = _page(SMART, '<meta charset="utf-8">').encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    about = b"1 0 hostile_corpus\nURL IP-address Archive-date Content-type Archive-length\n"
    data = (
        b"filedesc://%s 0.0.0.0 20240425162447 text/plain %d\n%s\n" % (path.name.encode(), len(about), about)
        + b"http://www.example.net/story 192.0.2.1 20240425162448 text/html %d\n%s\n" % (len(http), http)
    )
    path.write_bytes(data[:-len(body) // 2] if truncate else data)


def _gzip_bomb(path: Path) -> None:
    # Concatenated gzip members are one valid gzip stream: 300 MB of zeros in
    # about 300 KB, written in milliseconds.
    member = gzip.compress(bytes(1024 * 1024), compresslevel=9)
    with open(path, "wb") as out:
        for _ in range(BOMB_BYTES // (1024 * 1024)):
            out.write(member)


def write_hostile_corpus(dir: Path) -> dict[str, str]:
    root = Path(dir)
    for sub in ("bad", "good/nested/dir"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def put(rel: str, data: bytes, outcome: str) -> None:
        (root / rel).write_bytes(data)
        expected[rel] = outcome

    rng = random.Random(1234)
    put("bad/empty.html", b"", "empty_file")
    put("bad/whitespace.html", b" \r\n\t\n" * 100, "empty_document")
    put("bad/binary_junk.html", b"\x89PNG\r\n\x1a\n" + rng.randbytes(20_000), "binary_content")
    full = gzip.compress(_page(SMART * 200).encode())
    put("bad/truncated.html.gz", full[: len(full) // 2], "truncated_gzip")
    put("bad/not_gzip.html.gz", b"<html>plain text pretending to be gzip</html>", "corrupt_gzip")
    _gzip_bomb(root / "bad/bomb.html.gz")
    expected["bad/bomb.html.gz"] = "decompression_limit"
    oversize = _page("x" * (DEFAULTS.max_document_bytes + 1)).encode()
    put("bad/oversize.html", oversize, "too_large")
    put("bad/deep.html", ("<div>" * NESTING_LEVELS + "deep" + "</div>" * NESTING_LEVELS).encode(), "too_deeply_nested")
    put("bad/report.pdf", b"%PDF-1.4\n%fake\n", "unsupported_file_type")
    put("bad/noextension", b"<html></html>", "unsupported_file_type")
    put("bad/empty.warc.gz", b"", "empty_file")
    put("bad/garbage.warc", rng.randbytes(5_000), "malformed_warc_record")

    html = _page(SMART).encode()
    ok_record = ("https://example.com/a", "response", html, _http("200 OK", "text/html"), None)
    big_record = ("https://example.com/b", "response", _page(RUSSIAN * 300).encode(), _http("200 OK", "text/html"), None)
    offsets = _warc(root / "bad/truncated.warc.gz", [ok_record, big_record])
    data = (root / "bad/truncated.warc.gz").read_bytes()
    (root / "bad/truncated.warc.gz").write_bytes(data[: (offsets[-1] + len(data)) // 2])
    expected["bad/truncated.warc.gz"] = "truncated_warc"

    _warc(root / "bad/malformed_header.warc", [ok_record, ok_record], gzipped=False)
    data = (root / "bad/malformed_header.warc").read_bytes()
    second = data.rindex(b"WARC/1.0\r\n")
    tail = data[second:].replace(b"Content-Length: ", b"Content-Length: twelve", 1)
    (root / "bad/malformed_header.warc").write_bytes(data[:second] + tail)
    expected["bad/malformed_header.warc"] = "malformed_warc_record"

    _arc(root / "bad/truncated.arc", truncate=True)
    expected["bad/truncated.arc"] = "truncated_warc"

    put("good/utf8.html", _page(f"{SMART} {RUSSIAN}", '<meta charset="utf-8">').encode(), "ok")
    put("good/cp1252_meta.html", _page(SMART, '<meta charset="windows-1252">').encode("cp1252"), "ok")
    # Pages labelled ISO-8859-1 routinely contain windows-1252 quotes; browsers read them as 1252.
    put("good/latin1_label_cp1252_bytes.htm",
        _page(SMART, '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">').encode("cp1252"), "ok")
    put("good/bom_utf8.html", codecs.BOM_UTF8 + _page(SMART).encode(), "ok")
    put("good/bom_utf16.html", codecs.BOM_UTF16_LE + _page(f"{SMART} {RUSSIAN}").encode("utf-16-le"), "ok")
    put("good/koi8r_undeclared.html", _page(f"{RUSSIAN} {RUSSIAN}").encode("koi8-r"), "ok")
    put("good/shift_jis_undeclared.html", _page(f"{JAPANESE} {JAPANESE}").encode("shift_jis"), "ok")
    put("good/nested/dir/page.html.gz", gzip.compress(_page(SMART).encode()), "ok")
    put("good/notes.txt", f"{RUSSIAN}\n\n{RUSSIAN}\n".encode(), "ok")
    _good_warc(root / "good/crawl.warc.gz")
    expected["good/crawl.warc.gz"] = "ok"
    _arc(root / "good/crawl.arc")
    expected["good/crawl.arc"] = "ok"
    return expected


def outcomes(landing_dir: Path, rel_path: str, settings: Settings = DEFAULTS) -> list[str]:
    """What ingestion then decoding make of one file: "ok" or a reason, per item."""
    results = []
    for item in read_documents(landing_dir, rel_path, settings):
        if not isinstance(item, RawDocument):
            results.append(item.reason)
            continue
        try:
            decode_document(item, settings)
            results.append("ok")
        except Unusable as exc:
            results.append(exc.reason)
    return results


# ---------------------------------------------------------------- filesystem oddities

LONG_COMPONENT = "d" * 200
NON_UTF8_NAME = os.fsdecode(b"odd names/bad-\xff\xfe-byte.html")  # surrogate-escaped, as os.listdir gives it


def _make_long_path(root: Path, rel_dir: str, depth: int, name: str, data: bytes) -> str:
    """A file below nested directories whose full path is longer than PATH_MAX (made through dir fds)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    parts = [rel_dir] + [LONG_COMPONENT] * depth
    try:
        for part in parts:
            os.mkdir(part, dir_fd=fd)
            sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = sub
        out = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, data)
        os.close(out)
    finally:
        os.close(fd)
    return "/".join([*parts, name])


def write_filesystem_oddities(root: Path, outside: Path) -> tuple[dict[str, str], list[str]]:
    """Odd landing entries: ``({rel_path: expected reason or "ok"}, hidden names)``.

    File names with spaces, newlines and bytes that are not UTF-8; symlinks
    inside and outside the landing dir, dangling and looping; a FIFO; a
    directory named like a page; a path longer than the OS limit. ``outside``
    receives a file and a folder the landing dir links to (never to be read).
    """
    root, outside = Path(root), Path(outside)
    for sub in ("odd names", "links", "special", "looks_like_a_page.html", "empty_folder.html"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.html").write_text(_page("OUTSIDE-SECRET never to be read " * 5))
    expected: dict[str, str] = {}

    def page(rel: str, words: str) -> None:
        with open(root / rel, "wb") as out:
            out.write(_page(f"{SMART} {words} " * 4).encode())
        expected[rel] = "ok"

    page("odd names/with space.html", "a name with spaces")
    page("odd names/new\nline.html", "a name with a newline")
    page(NON_UTF8_NAME, "a name that is not UTF-8")
    page("looks_like_a_page.html/inside.html", "a page inside a folder named like a page")
    page("links/target.html", "the target of a symlink inside the landing dir")
    os.symlink("target.html", root / "links/to_target.html")
    expected["links/to_target.html"] = "duplicate_file"  # the same bytes as its target, claimed first
    os.symlink(outside / "secret.html", root / "links/outside.html")
    expected["links/outside.html"] = "unsafe_path"
    os.symlink(outside, root / "links/outside_folder")
    expected["links/outside_folder"] = "unsafe_path"
    os.symlink("../odd names", root / "links/folder_inside")
    expected["links/folder_inside"] = "not_a_regular_file"
    os.symlink("nowhere.html", root / "links/dangling.html")
    expected["links/dangling.html"] = "broken_symlink"
    os.symlink("loop.html", root / "links/loop.html")
    expected["links/loop.html"] = "symlink_loop"
    os.symlink("loop_b.html", root / "links/loop_a.html")
    os.symlink("loop_a.html", root / "links/loop_b.html")
    expected["links/loop_a.html"] = expected["links/loop_b.html"] = "symlink_loop"
    os.mkfifo(root / "special/pipe.html")
    expected["special/pipe.html"] = "not_a_regular_file"
    long_rel = _make_long_path(root, "long", 21, "page.html", _page("too deep to open").encode())
    expected[long_rel] = "path_too_long"
    (root / ".hidden page.html").write_bytes(_page("hidden").encode())
    (root / "odd names/.hidden folder").mkdir()
    (root / "odd names/.hidden folder/page.html").write_bytes(_page("hidden too").encode())
    return expected, [".hidden page.html", "odd names/.hidden folder"]
