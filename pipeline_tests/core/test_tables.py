"""Batch parsing streams: a large crawl file is never held in memory whole."""
import io
import tracemalloc

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.batches import claim_new_files
from pipeline.core.extract import extract_article
from pipeline.core.tables import PARSED_TABLES, parse_batch
from pipeline.settings import Settings
from pipeline.warehouse import StagedTable, read_table

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
