import gzip
import io
import os
import tracemalloc
from collections import Counter
from datetime import timezone
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.core.decode import decode_document
from pipeline.core.ingest import (
    INGEST_WARNINGS,
    REJECTION_REASONS,
    SUPPORTED_SUFFIXES,
    file_kind,
    list_landing_files,
    read_documents,
)
from pipeline.core.models import RawDocument, Rejection
from pipeline.settings import Settings
from pipeline_tests.conftest import require_shared
from pipeline_tests.hostile_corpus import GOOD_TEXTS, SMART, outcomes, write_hostile_corpus

SETTINGS = Settings()
MOJIBAKE = ("Ã", "â€", "Ð", "\ufffd")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("landing")
    return root, write_hostile_corpus(root)


def documents(root: Path, rel: str, settings: Settings = SETTINGS, stats: Counter | None = None) -> list:
    return list(read_documents(root, rel, settings, stats))


def html_response(body: bytes, content_type: str = "text/html; charset=utf-8") -> StatusAndHeaders:
    return StatusAndHeaders("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")


# ------------------------------------------------------------------ hostile corpus

def test_hostile_corpus_is_listed_completely(hostile):
    root, expected = hostile
    assert list_landing_files(root) == sorted(expected)


def test_each_bad_file_yields_exactly_its_reason(hostile):
    root, expected = hostile
    wrong = {}
    for rel, reason in expected.items():
        if reason == "ok":
            continue
        got = outcomes(root, rel)
        if {r for r in got if r != "ok"} != {reason}:
            wrong[rel] = (reason, got)
    assert not wrong


def test_each_good_file_decodes_without_mojibake(hostile):
    root, expected = hostile
    good = [rel for rel, reason in expected.items() if reason == "ok"]
    assert set(good) == set(GOOD_TEXTS)
    for rel in good:
        texts = []
        for item in documents(root, rel):
            assert isinstance(item, RawDocument), (rel, item)
            texts.append(decode_document(item, SETTINGS).text)
        assert texts, rel
        joined = "\n".join(texts)
        for fragment in GOOD_TEXTS[rel]:
            assert fragment in joined, (rel, fragment)
        assert not any(marker in joined for marker in MOJIBAKE), rel


def test_every_reason_used_is_documented(hostile):
    root, expected = hostile
    used = {reason for rel in expected for reason in outcomes(root, rel)} - {"ok"}
    assert used <= set(REJECTION_REASONS)
    assert {"empty_file", "binary_content", "truncated_gzip", "decompression_limit", "too_large", "truncated_warc",
            "malformed_warc_record", "too_deeply_nested", "unsupported_file_type"} <= used


def test_bomb_stops_at_a_smaller_cap(hostile):
    root, _ = hostile
    small = Settings(max_decompressed_bytes=8 * 1024 * 1024, max_document_bytes=1024 * 1024)
    [rejection] = documents(root, "bad/bomb.html.gz", small)
    assert rejection.reason == "decompression_limit"


def test_gzip_over_document_cap_but_under_decompression_cap_is_too_large(tmp_path):
    (tmp_path / "big.html.gz").write_bytes(gzip.compress(b"<p>" + b"a" * 3_000_000))
    [rejection] = documents(tmp_path, "big.html.gz", Settings(max_document_bytes=1_000_000))
    assert rejection.reason == "too_large"


def test_truncated_warc_keeps_the_records_before_the_cut(hostile):
    root, _ = hostile
    items = documents(root, "bad/truncated.warc.gz")
    assert [type(i).__name__ for i in items] == ["RawDocument", "Rejection"]
    assert items[0].url == "https://example.com/a"
    assert items[1].reason == "truncated_warc"


@pytest.mark.parametrize("name", ["dolma_sample-0000.warc.gz", "resiliparse_warcfile.warc.gz"])
def test_real_warc_cut_anywhere_is_reported_truncated(tmp_path, name):
    data = require_shared("corpora", "warc", name).read_bytes()
    for fraction in (0.0003, 0.1, 0.33, 0.5, 0.77, 0.999):
        (tmp_path / "cut.warc.gz").write_bytes(data[: int(len(data) * fraction)])
        reasons = [i.reason for i in documents(tmp_path, "cut.warc.gz") if isinstance(i, Rejection)]
        assert reasons == ["truncated_warc"], fraction


# ------------------------------------------------------------------ good containers

def test_good_warc_records(hostile):
    root, _ = hostile
    stats = Counter()
    docs = documents(root, "good/crawl.warc.gz", stats=stats)
    assert all(isinstance(d, RawDocument) for d in docs)
    assert [d.url for d in docs] == ["https://www.Example.org/news/1?utm_source=x", "https://example.org/news/2"]
    assert all(d.fetched_at.tzinfo == timezone.utc for d in docs)
    assert docs[1].fetched_at.microsecond == 123456
    assert all(d.declared_charset == "utf-8" and d.media_type == "html" for d in docs)
    # chunked transfer-encoding and gzip content-encoding are undone
    assert docs[1].content.startswith(b"<!DOCTYPE html>")
    assert SMART.encode() in docs[1].content
    assert stats["skipped_warc_request"] == 1
    assert stats["skipped_warc_metadata"] == 1
    assert stats["skipped_warc_warcinfo"] == 1
    assert stats["skipped_non_html"] == 1  # image/png
    assert stats["skipped_http_status"] == 2  # 404 and 301


def test_source_offsets_point_at_the_records(hostile):
    root, _ = hostile
    for doc in documents(root, "good/crawl.warc.gz"):
        rel, offset = doc.source_path.split("#")
        with open(root / rel, "rb") as stream:
            stream.seek(int(offset))
            record = next(iter(ArchiveIterator(stream)))
            assert record.headers.get("WARC-Target-URI") == doc.url


def test_bad_record_does_not_stop_the_file(tmp_path):
    with open(tmp_path / "mixed.warc", "wb") as out:
        writer = WARCWriter(out, gzip=False)
        for n, date in enumerate(["2024-01-01T00:00:00Z", "13th of never", "2024-01-02T00:00:00Z"]):
            body = f"<html><body><p>story {n}</p></body></html>".encode()
            writer.write_record(writer.create_warc_record(
                f"https://example.com/{n}", "response", payload=io.BytesIO(body),
                http_headers=html_response(body), warc_headers_dict={"WARC-Date": date}))
    items = documents(tmp_path, "mixed.warc")
    # a bad date loses the date, not the page
    assert [getattr(i, "reason", "ok") for i in items] == ["ok", "ok", "ok"]
    assert items[1].source_path.startswith("mixed.warc#")
    assert items[1].fetched_at is None and items[1].ingest_warnings == ("bad_warc_date",)
    assert items[2].url == "https://example.com/2"


def _warc_with_dates(path: Path, dates: list[str]) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=str(path).endswith(".gz"))
        for n, date in enumerate(dates):
            body = f"<html><head><title>Page {n}</title></head><body><p>story {n}</p></body></html>".encode()
            writer.write_record(writer.create_warc_record(
                f"http://example.org/{n}", "response", payload=io.BytesIO(body),
                http_headers=html_response(body), warc_headers_dict={"WARC-Date": date}))


def test_clueweb_style_bad_date_keeps_the_page(tmp_path):
    _warc_with_dates(tmp_path / "clueweb.warc.gz", ["2008-10-294T05:21:46-0700", "2008-10-29T05:21:46-0700"])
    bad, good = documents(tmp_path, "clueweb.warc.gz")
    assert isinstance(bad, RawDocument) and b"story 0" in bad.content
    assert bad.fetched_at is None and "bad_warc_date" in bad.ingest_warnings
    assert isinstance(good, RawDocument) and good.ingest_warnings == ()
    assert good.fetched_at.isoformat() == "2008-10-29T12:21:46+00:00"
    assert "bad_warc_date" in INGEST_WARNINGS
    assert decode_document(bad, SETTINGS).ingest_warnings == ("bad_warc_date",)


def test_good_arc(hostile):
    root, _ = hostile
    stats = Counter()
    [doc] = documents(root, "good/crawl.arc", stats=stats)
    assert doc.url == "http://www.example.net/story"
    assert doc.fetched_at.isoformat() == "2024-04-25T16:24:48+00:00"
    assert doc.source_path.startswith("good/crawl.arc#") and int(doc.source_path.split("#")[1]) > 0
    assert stats["skipped_warc_warcinfo"] == 1


# ------------------------------------------------------------------ real crawls

@pytest.mark.parametrize(
    "name", ["dolma_sample-0000.warc.gz", "dolma_sample-0001.warc.gz", "resiliparse_warcfile.warc.gz"]
)
def test_real_warc_files(name):
    warc_dir = require_shared("corpora", "warc")
    stats = Counter()
    items = documents(warc_dir, name, stats=stats)
    assert items and all(isinstance(i, RawDocument) for i in items)
    for doc in items:
        assert doc.url.startswith(("http://", "https://"))
        assert doc.fetched_at is not None and doc.fetched_at.tzinfo == timezone.utc
        assert doc.source_path.startswith(f"{name}#")
        decoded = decode_document(doc, SETTINGS)
        assert "<" in decoded.text and "\ufffd" not in decoded.text[:5000]
    assert stats["skipped_warc_request"] > 0
    if name.startswith("resiliparse"):  # the Common Crawl excerpt
        assert stats["skipped_warc_metadata"] > 0 and stats["skipped_warc_warcinfo"] > 0
        assert len(items) == 16


def test_common_crawl_legacy_charsets_decode():
    warc_dir = require_shared("corpora", "warc")
    decoded = [decode_document(d, SETTINGS) for d in documents(warc_dir, "resiliparse_warcfile.warc.gz")]
    russian = [d for d in decoded if d.url == "http://01spb.ru/company/"]
    assert russian and russian[0].encoding == "cp1251"
    assert any("\u0400" <= ch <= "\u04ff" for ch in russian[0].text)
    chinese = [d for d in decoded if d.encoding == "gb18030"]
    assert chinese and all(any("\u4e00" <= ch <= "\u9fff" for ch in d.text) for d in chinese)


# ------------------------------------------------------------------ streaming

def test_large_warc_streams_with_flat_memory(tmp_path):
    """A ~200 MB WARC is read while Python allocations peak far below its size."""
    chunk = (b"<p>" + b"news " * 200 + b"</p>\n") * 1000  # ~1 MB
    body = b"<html><body>" + chunk + b"</body></html>"
    giant = b"<html><body>" + chunk * 40 + b"</body></html>"  # one 40 MB record, over the cap
    path = tmp_path / "big.warc"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        for n in range(160):
            writer.write_record(writer.create_warc_record(
                f"https://example.com/{n}", "response", payload=io.BytesIO(body), http_headers=html_response(body)))
        writer.write_record(writer.create_warc_record(
            "https://example.com/giant", "response", payload=io.BytesIO(giant), http_headers=html_response(giant)))
    size = path.stat().st_size
    assert size > 190_000_000

    settings = Settings(max_document_bytes=2 * 1024 * 1024)
    counts = Counter()
    tracemalloc.start()
    try:
        for item in read_documents(tmp_path, "big.warc", settings):
            counts[getattr(item, "reason", "doc")] += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counts == {"doc": 160, "too_large": 1}
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


# ------------------------------------------------------------------ listing and paths

def test_listing_skips_hidden_and_escaping_symlinks(tmp_path):
    landing, outside = tmp_path / "landing", tmp_path / "outside"
    (landing / "a" / "b").mkdir(parents=True)
    (landing / ".hidden_dir").mkdir()
    outside.mkdir()
    (landing / "z.html").write_text("<p>z</p>")
    (landing / "a" / "b" / "deep.warc.gz").write_bytes(b"x")
    (landing / "a" / "notes.docx").write_bytes(b"x")
    (landing / ".DS_Store").write_bytes(b"x")
    (landing / ".hidden_dir" / "secret.html").write_text("<p>s</p>")
    (outside / "secret.html").write_text("<p>secret</p>")
    (landing / "escape.html").symlink_to(outside / "secret.html")
    (landing / "alias.html").symlink_to(landing / "z.html")
    (landing / "linked_dir").symlink_to(outside)
    (landing / "dangling.html").symlink_to(tmp_path / "nowhere.html")
    assert list_landing_files(landing) == ["a/b/deep.warc.gz", "a/notes.docx", "alias.html", "z.html"]


def test_unsupported_files_are_rejected_not_ignored(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    assert "notes.docx" in list_landing_files(tmp_path)
    [rejection] = documents(tmp_path, "notes.docx")
    assert rejection.reason == "unsupported_file_type"


@pytest.mark.parametrize("name", ["gone.html", "gone.warc.gz", "gone.arc"])
def test_file_vanished_between_listing_and_reading(tmp_path, name):
    (tmp_path / name).write_bytes(b"<html><body>soon gone</body></html>")
    [rel] = list_landing_files(tmp_path)
    os.remove(tmp_path / rel)
    [rejection] = documents(tmp_path, rel)
    assert rejection == Rejection(rel, "file_vanished", rejection.detail)


def test_paths_outside_the_landing_dir_are_refused(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    (tmp_path / "secret.html").write_text("<p>secret</p>")
    [rejection] = documents(landing, "../secret.html")
    assert rejection.reason == "unsafe_path"


def test_unreadable_file_is_a_read_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = tmp_path / "locked.html"
    path.write_text("<p>x</p>")
    path.chmod(0)
    [rejection] = documents(tmp_path, "locked.html")
    assert rejection.reason == "read_error"


def test_directory_with_a_document_name_is_a_read_error(tmp_path):
    (tmp_path / "folder.html").mkdir()
    [rejection] = documents(tmp_path, "folder.html")
    assert rejection.reason == "read_error"


def test_file_kinds():
    assert file_kind("a/B.HTML") == (".html", False)
    assert file_kind("x.warc.gz") == (".warc", True)
    assert file_kind("x.ARC.GZ") == (".arc", True)
    assert file_kind("x.txt") == (".txt", False)
    assert file_kind("x.gz") is None
    assert file_kind(".html") is None
    assert file_kind("archive.tar.gz") is None
    assert {".html", ".htm.gz", ".txt", ".warc.gz", ".arc"} <= set(SUPPORTED_SUFFIXES)
