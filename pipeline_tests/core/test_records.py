"""Damaged crawl files: reading resumes after a corrupt stretch, and the loss is recorded."""
from collections import Counter
from pathlib import Path

import pytest

from pipeline.core.ingest import read_documents
from pipeline.core.models import RawDocument, Rejection
from pipeline.settings import Settings
from pipeline_tests.crawl_records import encoded_block, page, tiny_warc, write_warc

N_RECORDS = 6


def six_records(path: Path, gzipped: bool) -> tuple[bytearray, list[int]]:
    offsets = write_warc(path, [(f"https://example.com/{n}", encoded_block(page(300, f"story{n}")))
                                for n in range(N_RECORDS)], gzipped)
    return bytearray(path.read_bytes()), offsets


def read(root: Path, rel: str, stats: Counter | None = None) -> tuple[list[RawDocument], list[Rejection]]:
    items = list(read_documents(root, rel, Settings(), stats if stats is not None else Counter()))
    return ([i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Rejection)])


def urls(docs: list[RawDocument]) -> list[int]:
    return [int(d.url.rsplit("/", 1)[1]) for d in docs]


def damage(data: bytearray, start: int, n: int = 40) -> None:
    for i in range(start, start + n):
        data[i] ^= 0xA5


@pytest.mark.parametrize("where", ["inside the member", "its gzip header", "member cut short"])
def test_corrupt_member_in_the_middle_costs_only_its_record(tmp_path, where):
    path = tmp_path / "crawl.warc.gz"
    data, offsets = six_records(path, gzipped=True)
    third, fourth = offsets[3], offsets[4]
    if where == "inside the member":
        damage(data, third + (fourth - third) // 2)
    elif where == "its gzip header":
        data[third:third + 3] = b"XYZ"
    else:
        del data[third + 100:fourth]
    path.write_bytes(bytes(data))
    stats = Counter()
    docs, [lost] = read(tmp_path, "crawl.warc.gz", stats)
    assert urls(docs) == [0, 1, 2, 4, 5]
    assert lost.reason == "corrupt_gzip"
    assert lost.source_path == f"crawl.warc.gz#{third}"
    resumed = data.index(b"\x1f\x8b\x08", third + 1)
    assert f"bytes {third}-{resumed}" in lost.detail and f"resumed at offset {resumed}" in lost.detail
    if where == "inside the member":  # the header of the lost record is still legible
        assert "a response record for https://example.com/3" in lost.detail
    assert stats["warc_spans_lost"] == 1


def test_junk_between_members_is_recorded_and_loses_no_record(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    data, offsets = six_records(path, gzipped=True)
    data[offsets[3]:offsets[3]] = b"not gzip at all " * 10
    path.write_bytes(bytes(data))
    docs, [junk] = read(tmp_path, "crawl.warc.gz")
    assert urls(docs) == list(range(N_RECORDS))
    assert junk.reason == "corrupt_gzip" and f"bytes {offsets[3]}-{offsets[3] + 160} " in junk.detail
    assert "lost: a" not in junk.detail  # no record header in it


def test_two_corrupt_members_each_recorded(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    data, offsets = six_records(path, gzipped=True)
    for n in (1, 4):
        damage(data, offsets[n] + 60)
    path.write_bytes(bytes(data))
    docs, lost = read(tmp_path, "crawl.warc.gz")
    assert urls(docs) == [0, 2, 3, 5]
    assert [r.source_path for r in lost] == [f"crawl.warc.gz#{offsets[1]}", f"crawl.warc.gz#{offsets[4]}"]


def test_corrupt_first_member_keeps_the_rest(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    data, offsets = six_records(path, gzipped=True)
    damage(data, 60)
    path.write_bytes(bytes(data))
    docs, [lost] = read(tmp_path, "crawl.warc.gz")
    assert urls(docs) == [1, 2, 3, 4, 5] and lost.source_path == "crawl.warc.gz#0"


def test_garbled_header_in_a_plain_warc_costs_only_its_record(tmp_path):
    path = tmp_path / "crawl.warc"
    data, offsets = six_records(path, gzipped=False)
    data[offsets[2]:offsets[2] + 60] = b"#" * 60  # the version line and the first headers garbled
    path.write_bytes(bytes(data))
    docs, [lost] = read(tmp_path, "crawl.warc")
    assert urls(docs) == [0, 1, 3, 4, 5]
    assert lost.reason == "malformed_warc_record" and lost.source_path == f"crawl.warc#{offsets[2]}"
    assert f"resumed at offset {offsets[3]}" in lost.detail


def test_record_without_a_type_is_rejected_and_reading_goes_on(tmp_path):
    path = tmp_path / "crawl.warc"
    data, offsets = six_records(path, gzipped=False)
    data[offsets[2] + 10:offsets[2] + 60] = b"#" * 50  # WARC-Type and the next lines garbled
    path.write_bytes(bytes(data))
    docs, [lost] = read(tmp_path, "crawl.warc")
    assert urls(docs) == [0, 1, 3, 4, 5]
    assert lost.reason == "malformed_warc_record" and lost.source_path == f"crawl.warc#{offsets[2]}"


def test_corrupt_last_member_is_still_reported(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    data, offsets = six_records(path, gzipped=True)
    damage(data, offsets[5] + 60)
    path.write_bytes(bytes(data))
    docs, [lost] = read(tmp_path, "crawl.warc.gz")
    assert urls(docs) == [0, 1, 2, 3, 4]
    assert lost.reason in ("malformed_warc_record", "corrupt_gzip") and str(offsets[4]) in lost.detail


def test_warc_gz_that_is_really_plain_is_read(tmp_path):
    plain = tmp_path / "plain.warc"
    six_records(plain, gzipped=False)
    plain.rename(tmp_path / "really_plain.warc.gz")
    docs, rejected = read(tmp_path, "really_plain.warc.gz")
    assert urls(docs) == list(range(N_RECORDS)) and rejected == []


def test_plain_named_gz_cut_inside_a_record_is_truncated(tmp_path):
    plain = tmp_path / "cut.warc.gz"
    data, offsets = six_records(plain, gzipped=False)
    plain.write_bytes(bytes(data[: offsets[5] + 300]))
    docs, [cut] = read(tmp_path, "cut.warc.gz")
    assert urls(docs) == [0, 1, 2, 3, 4] and cut.reason == "truncated_warc"


@pytest.mark.parametrize("name", ["tiny.warc", "tiny.warc.gz"])
def test_twenty_thousand_tiny_records_are_each_a_document_or_a_count(tmp_path, name):
    written = tiny_warc(tmp_path / name, 20_000)
    stats = Counter()
    docs, rejected = read(tmp_path, name, stats)
    assert rejected == []
    assert len(docs) == written["html"] and len({d.source_path for d in docs}) == len(docs)
    assert stats["skipped_warc_request"] == written["request"]
    assert stats["skipped_warc_metadata"] == written["metadata"]
    assert stats["skipped_non_html"] == written["image"]
    assert stats["skipped_http_status"] == written["not_found"]
    assert stats["warc_records"] == 20_000 == sum(written.values())
