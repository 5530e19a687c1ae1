"""HTTP payloads inside crawl records: codings decoded as a browser would, bombs stopped at the cap."""
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.core.decode import decode_document
from pipeline.core.ingest import INGEST_WARNINGS, REJECTION_REASONS, read_documents
from pipeline.core.models import RawDocument, Rejection
from pipeline.settings import Settings
from pipeline_tests.crawl_records import (
    BOMB_KINDS, MB, bomb_block, chunked, compress, encoded_block, http_block, page, write_bomb_warcs, write_warc,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SMALL_CAPS = Settings(max_document_bytes=1 * MB, max_decompressed_bytes=16 * MB)


def items(root: Path, rel: str, settings: Settings = Settings()) -> list:
    return list(read_documents(root, rel, settings, Counter()))


def one_record(tmp_path: Path, block: bytes, settings: Settings = Settings()):
    write_warc(tmp_path / "one.warc.gz", [("https://example.com/p", block)])
    [item] = items(tmp_path, "one.warc.gz", settings)
    return item


@pytest.mark.parametrize("codings, is_chunked", [
    ((), True), (("gzip",), False), (("deflate",), False), (("deflate-raw",), False), (("br",), False),
    (("gzip", "br"), False), (("br", "gzip"), True), (("deflate-raw", "gzip"), True),
])
def test_encoded_payload_is_decoded(tmp_path, codings, is_chunked):
    body = page(2_000)
    doc = one_record(tmp_path, encoded_block(body, codings, is_chunked))
    assert isinstance(doc, RawDocument), doc
    assert doc.content == body and doc.ingest_warnings == ()


def test_x_gzip_and_upper_case_labels(tmp_path):
    body = page()
    block = http_block(compress("gzip", body), [("Content-Encoding", "X-GZIP"), ("Transfer-Encoding", "identity")])
    assert one_record(tmp_path, block).content == body


def test_gzip_label_on_zlib_data_is_read(tmp_path):
    body = page()
    assert one_record(tmp_path, http_block(compress("deflate", body), [("Content-Encoding", "gzip")])).content == body


def test_header_says_chunked_but_body_is_not(tmp_path):
    body = page()
    doc = one_record(tmp_path, http_block(body, [("Transfer-Encoding", "chunked")]))
    assert doc.content == body and doc.ingest_warnings == ()


@pytest.mark.parametrize("coding", ["compress", "zstd", "x-made-up"])
def test_unknown_coding_is_rejected_with_its_name(tmp_path, coding):
    rejection = one_record(tmp_path, http_block(b"\x1f\x9d\x90junk", [("Content-Encoding", f"gzip, {coding}")]))
    assert rejection.reason == "unsupported_content_encoding" and coding in rejection.detail


def test_corrupt_compressed_payload_is_rejected(tmp_path):
    data = bytearray(compress("gzip", page(5_000)))
    data[len(data) // 2: len(data) // 2 + 40] = bytes(40)
    rejection = one_record(tmp_path, http_block(bytes(data), [("Content-Encoding", "gzip")]))
    assert rejection.reason == "corrupt_payload"


def test_corrupt_chunk_header_is_rejected(tmp_path):
    framed = chunked(page(3_000), 1000)
    second = framed.index(b"\r\n3e8\r\n") + 2
    block = http_block(framed[:second] + b"zz\r\n" + framed[second + 5:], [("Transfer-Encoding", "chunked")])
    assert one_record(tmp_path, block).reason == "corrupt_payload"


# ------------------------------------------------------------------ truncated payloads: kept, flagged

def test_payload_shorter_than_its_content_length_is_kept_and_flagged(tmp_path):
    body = page(1_000)
    block = http_block(body[:3000], [("Content-Length", str(len(body)))])
    doc = one_record(tmp_path, block)
    assert doc.content == body[:3000] and doc.ingest_warnings == ("truncated",)
    assert "truncated" in INGEST_WARNINGS
    assert decode_document(doc, Settings()).ingest_warnings == ("truncated",)


def test_compressed_payload_cut_short_keeps_what_decodes(tmp_path):
    body = page(20_000)
    data = compress("gzip", body)
    doc = one_record(tmp_path, http_block(data[: len(data) // 2], [("Content-Encoding", "gzip")]))
    assert isinstance(doc, RawDocument) and doc.ingest_warnings == ("truncated",)
    assert 0 < len(doc.content) < len(body) and body.startswith(doc.content)


@pytest.mark.parametrize("cut", ["no last chunk", "chunk cut short"])
def test_chunked_payload_cut_short_is_kept_and_flagged(tmp_path, cut):
    body = page(3_000)
    framed = chunked(body, 1000)
    framed = framed[: -len(b"0\r\n\r\n")] if cut == "no last chunk" else framed[:2500]
    doc = one_record(tmp_path, http_block(framed, [("Transfer-Encoding", "chunked")]))
    assert doc.ingest_warnings == ("truncated",) and body.startswith(doc.content) and len(doc.content) >= 2000


def test_whole_payloads_carry_no_warning(tmp_path):
    body = page()
    doc = one_record(tmp_path, http_block(body, [("Content-Length", str(len(body)))]))
    assert doc.content == body and doc.ingest_warnings == ()


# ------------------------------------------------------------------ bombs

@pytest.mark.parametrize("kind", sorted(BOMB_KINDS))
def test_bomb_of_each_coding_stops_at_the_cap_and_the_file_goes_on(tmp_path, kind):
    [name] = write_bomb_warcs(tmp_path, 64 * MB, [kind])
    bomb, after = items(tmp_path, name, SMALL_CAPS)
    assert isinstance(bomb, Rejection) and bomb.reason == "decompression_limit", bomb
    assert str(SMALL_CAPS.max_decompressed_bytes) in bomb.detail
    assert isinstance(after, RawDocument) and after.url.endswith("/after")


def test_payload_over_the_document_cap_but_under_the_bomb_cap_is_too_large(tmp_path):
    rejection = one_record(tmp_path, bomb_block("gzip", 4 * MB), SMALL_CAPS)
    assert rejection.reason == "too_large"


def test_arc_record_bomb_stops_at_the_cap(tmp_path):
    http = bomb_block("br", 64 * MB)
    about = b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n"
    (tmp_path / "bomb.arc").write_bytes(
        b"filedesc://bomb.arc 0.0.0.0 20240425162447 text/plain %d\n%s\n" % (len(about), about)
        + b"http://bomb.example/ 192.0.2.1 20240425162448 text/html %d\n%s\n" % (len(http), http))
    [rejection] = items(tmp_path, "bomb.arc", SMALL_CAPS)
    assert rejection.reason == "decompression_limit"


# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child of a
# large pytest process would report the parent's peak.
CHILD = """
import re, sys
from collections import Counter
from pathlib import Path
from pipeline.core.ingest import read_documents
from pipeline.settings import Settings
reasons = [getattr(i, "reason", "ok") for i in read_documents(Path(sys.argv[1]), sys.argv[2], Settings(), Counter())]
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
print(",".join(reasons), peak_kb // 1024)
"""


def test_gigabyte_brotli_bomb_is_read_at_flat_memory(tmp_path):
    """A 3 GB brotli payload (about 600 KB on disk) under the default caps: stopped at 200 MB, memory flat."""
    [name] = write_bomb_warcs(tmp_path, 3 * 1024 * MB, ["br"])
    assert (tmp_path / name).stat().st_size < 2 * MB
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), name], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, check=True).stdout.split()
    reasons, peak_mb = out[0].split(","), int(out[1])
    assert reasons == ["decompression_limit", "ok"]
    assert peak_mb < 300, f"peak RSS {peak_mb} MB"


def test_new_reasons_are_listed():
    assert {"unsupported_content_encoding", "corrupt_payload", "decompression_limit"} <= set(REJECTION_REASONS)
