"""A landing dir of damaged crawl files through batch parsing: every record a document, a count or a reasoned row."""
from pipeline.core.tables import parse_batch
from pipeline.settings import Settings
from pipeline.storage.batches import claim_new_files
from pipeline_tests.crawl_records import MB, encoded_block, http_block, write_bomb_warcs, write_warc


def _article(marker: str) -> bytes:
    text = " ".join(f"The {marker} committee met on Monday and agreed item {n} of the new harbour plan." for n in range(8))
    return (f"<!DOCTYPE html><html><head><title>{marker} report</title></head>"
            f"<body><article><h1>{marker} report</h1><p>{text}</p></article></body></html>").encode()


def test_damaged_crawls_end_in_documents_and_reasoned_rows(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    write_bomb_warcs(landing, 48 * MB, ["br", "gzip_chunked"])
    body = _article("cut")
    offsets = write_warc(landing / "damaged.warc.gz", [
        ("https://news.example/first", encoded_block(_article("first"), ["gzip"])),
        ("https://news.example/lost", encoded_block(_article("lost"), ["br"])),
        ("https://news.example/cut", http_block(body[: len(body) * 3 // 4], [("Content-Length", str(len(body)))])),
    ])
    data = bytearray((landing / "damaged.warc.gz").read_bytes())
    middle = (offsets[1] + offsets[2]) // 2
    data[middle:middle + 30] = bytes(30)  # corrupt the second member
    (landing / "damaged.warc.gz").write_bytes(bytes(data))
    mixed = _article("mixed").replace(b"</article>", "<p>Un café crème à Noël, très élégant.</p></article>".encode("cp1252"))
    (landing / "mixed.html").write_bytes(mixed.replace(b"<head>", "<head><meta charset='utf-8'><title>“q”</title>".encode()))
    [batch] = claim_new_files(landing, warehouse)
    settings = Settings(landing_dir=landing, warehouse_dir=warehouse, max_decompressed_bytes=16 * MB)
    tables = parse_batch(landing, batch, settings)

    rejected = tables.rejected_documents.set_index("source_path")["reason"].to_dict()
    bombs = {path: reason for path, reason in rejected.items() if path.startswith("bomb_")}
    assert sorted(bombs.values()) == ["decompression_limit", "decompression_limit"]
    assert rejected[f"damaged.warc.gz#{offsets[1]}"] == "corrupt_gzip"
    docs = tables.documents.set_index("url")
    assert {"https://news.example/first", "https://news.example/cut"} <= set(docs.index)
    assert list(docs.loc["https://news.example/cut", "ingest_warnings"]) == ["truncated"]
    assert list(docs.loc["https://news.example/first", "ingest_warnings"]) == []
    mixed_row = tables.documents[tables.documents.source_path == "mixed.html"].iloc[0]
    assert mixed_row.encoding == "utf-8" and list(mixed_row.ingest_warnings) == ["mixed_encoding"]
    assert "café crème à Noël" in mixed_row.html
    # the good pages after each bomb are documents too
    assert {f"https://bomb.example/{kind}/after" for kind in ("br", "gzip_chunked")} <= set(docs.index)
