import os
from collections import Counter

import pandas as pd
import pytest

from pipeline.core.landing import (
    display_path, earlier_versions, file_status, open_regular, path_bytes, printable, records_by_type,
    skipped_by_reason,
)


def test_paths_display_escaped_and_keep_their_bytes():
    raw = b"dir/caf\xe9 \xff.html"
    name = os.fsdecode(raw)
    assert display_path(name) == "dir/caf\\xe9 \\xff.html"
    assert display_path(display_path(name)) == display_path(name)  # idempotent
    assert path_bytes(name) == raw
    assert display_path("ünïcode/ok.html") == "ünïcode/ok.html"  # valid UTF-8 untouched
    assert printable("new\nline\t.html") == "new\\nline\\t.html"
    display_path(name).encode("utf-8")  # writable to Parquet: no lone surrogates left


def test_skip_counts_are_named_by_reason():
    counts = Counter({"skipped_warc_request": 3, "skipped_warc_metadata": 1, "skipped_warc_unknown": 2,
                      "skipped_non_html": 4, "skipped_http_status": 5, "warc_type:response": 9,
                      "warc_type:unknown": 2, "warc_records": 11})
    assert skipped_by_reason(counts) == {"request": 3, "metadata": 1, "unknown_type": 2, "non_html": 4, "non_2xx": 5}
    assert records_by_type(counts) == {"response": 9, "unknown": 2}


@pytest.mark.parametrize("articles, rejections, status", [
    (2, 0, "ingested"), (2, 1, "partly_ingested"), (0, 1, "rejected"), (0, 0, "nothing_usable"),
])
def test_file_status(articles, rejections, status):
    assert file_status(articles, rejections) == status


def test_earlier_versions_group_records_under_their_file():
    documents = pd.DataFrame({"doc_id": ["a", "b", "c", "d"],
                              "source_path": ["x.warc#0", "x.warc#120", "x.warc.html", "y#z.html"]})
    assert earlier_versions(documents, ["x.warc", "y#z.html"]) == {"x.warc": {"a", "b"}, "y#z.html": {"d"}}


def test_a_fifo_is_never_opened_for_reading(tmp_path):
    os.mkfifo(tmp_path / "pipe.html")
    with pytest.raises(OSError, match="not a regular file"):
        open_regular(tmp_path / "pipe.html")  # returns at once instead of blocking for a writer
