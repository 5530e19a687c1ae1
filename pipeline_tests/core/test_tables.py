"""Batch parsing streams: a large crawl file is never held in memory whole."""
import io
import tracemalloc

import pandas as pd

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.core.extract import extract_article
from pipeline.core.tables import PARSED_TABLES, parse_batch
from pipeline.settings import Settings
from pipeline.storage.batches import claim_new_files
from pipeline.storage.warehouse import StagedTable, read_table

RECORDS = 120
FILLER = "x" * (1024 * 1024)  # a megabyte of inline script per page, as heavy pages have


def _page(i: int) -> bytes:
    paragraphs = "".join(
        f"<p>Record {i}: the harbour authority said on Monday that repairs to the northern wall "
        f"would take another {i % 7 + 2} weeks, according to engineers, residents and officials.</p>"
        for _ in range(4)
    )
    return (f"<html><head><title>Harbour {i}</title><script>var blob='{FILLER}';</script></head>"
            f"<body><article><h1>Harbour {i}</h1>{paragraphs}</article></body></html>").encode()


def _write_warc(path) -> int:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(RECORDS):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://harbour.example/news/{i}", "response", payload=io.BytesIO(_page(i)), http_headers=http,
            ))
    return RECORDS * len(FILLER)


def test_a_large_warc_is_parsed_in_flat_memory(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    payload_bytes = _write_warc(landing / "crawl.warc.gz")
    settings = Settings(landing_dir=landing, warehouse_dir=warehouse, documents_per_chunk=5)
    [batch] = claim_new_files(landing, warehouse)
    sinks = {table: StagedTable(warehouse, table, batch.key) for table in PARSED_TABLES}

    # one-time model loads (language identification) are not what we measure
    extract_article(_page(0).decode().replace(FILLER, ""), None, settings)
    tracemalloc.start()
    stats = parse_batch(landing, batch, settings, sinks=sinks)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    for sink in sinks.values():
        sink.close().path.rename(sink.path.parent / f"{batch.key}.parquet")

    assert stats["documents"] == stats["articles"] == RECORDS
    # every page passed through, yet at most a few chunks' worth was held at once
    assert peak < payload_bytes / 4, (peak, payload_bytes)
    documents = read_table(warehouse, "documents", ["doc_id", "source_path", "n_bytes"])
    assert len(documents) == RECORDS and documents["n_bytes"].min() > len(FILLER)
    assert documents["source_path"].str.match(r"crawl\.warc\.gz#\d+$").all()


def _dated_page(head: str) -> str:
    body = "".join(
        f"<p>Paragraph {n}: the ferry operator said the new timetable would start in May after talks with "
        f"the island council, residents and the harbour board.</p>" for n in range(4)
    )
    return f"<html lang='en'><head><title>Ferry timetable</title>{head}</head><body><article>{body}</article></body></html>"


def test_the_stated_utc_offset_is_kept_beside_the_utc_time(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    (landing / "late.html").write_text(_dated_page(
        '<meta property="article:published_time" content="2024-03-06T00:50:00+02:00">'))
    (landing / "utc.html").write_text(_dated_page(
        '<meta property="article:published_time" content="2024-03-06T09:00:00Z">'))
    (landing / "undated.html").write_text(_dated_page(""))
    settings = Settings(landing_dir=landing, warehouse_dir=warehouse)
    [batch] = claim_new_files(landing, warehouse)
    sinks = {table: StagedTable(warehouse, table, batch.key) for table in PARSED_TABLES}
    parse_batch(landing, batch, settings, sinks=sinks)
    for sink in sinks.values():
        sink.close().path.rename(sink.path.parent / f"{batch.key}.parquet")

    articles = read_table(warehouse, "extracted_articles").set_index("source_path")
    late = articles.loc["late.html"]
    assert str(late["published_at"]) == "2024-03-05 22:50:00+00:00"  # UTC crosses midnight
    assert late["published_utc_offset_minutes"] == 120
    local = late["published_at"] + pd.Timedelta(minutes=int(late["published_utc_offset_minutes"]))
    assert local.date().isoformat() == "2024-03-06"  # the day as published
    assert articles.loc["utc.html", "published_utc_offset_minutes"] == 0
    assert pd.isna(articles.loc["undated.html", "published_utc_offset_minutes"])
    assert (late["date_source"], late["date_precision"]) == ("article_meta", "time")
    assert articles.loc["undated.html", "date_source"] is None or pd.isna(articles.loc["undated.html", "date_source"])


def test_outlet_is_the_domain_else_the_site_name_else_the_landing_folder():
    from pipeline.core.tables import outlet_of

    assert outlet_of("https://www.bbc.co.uk/news/1", "BBC News", "bbc/1.html") == "bbc.co.uk"
    assert outlet_of(None, " The Daily Harbor ", "saved/1.html") == "The Daily Harbor"
    assert outlet_of(None, None, "2024/pressdesk/note.txt") == "pressdesk"
    assert outlet_of(None, "", "crawls/cc-news.warc.gz#1234") == "crawls"
    assert outlet_of(None, None, "note.txt") is None


def test_article_day_is_the_utc_day_of_publication_else_fetch():
    from datetime import datetime, timedelta, timezone

    from pipeline.core.tables import utc_day

    late_in_new_york = datetime(2024, 3, 10, 22, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert str(utc_day(late_in_new_york, None)) == "2024-03-11"
    assert str(utc_day(None, datetime(2024, 3, 9, 1, tzinfo=timezone.utc))) == "2024-03-09"
    assert utc_day(None, None) is None
