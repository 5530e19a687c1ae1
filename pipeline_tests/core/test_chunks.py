"""A batch is parsed in chunks bounded by document count and by raw bytes."""
from pipeline.core.tables import _chunks, parse_batch
from pipeline.settings import Settings
from pipeline.storage.batches import claim_new_files

KB = 1024


def test_chunks_respect_both_bounds():
    sizes = [300, 300, 300, 300, 900, 2_000, 100, 100, 100, 100, 100]
    chunks = list(_chunks([b"x" * n for n in sizes], size=4, max_bytes=1_000))
    assert [[len(item) for item in chunk] for chunk in chunks] == [
        [300, 300, 300], [300], [900], [2_000], [100, 100, 100, 100], [100]]
    assert sum(len(chunk) for chunk in chunks) == len(sizes)
    # without a byte bound only the count applies
    assert [len(c) for c in _chunks([b"x" * n for n in sizes], size=4)] == [4, 4, 3]


def _page(i: int, filler_kb: int) -> bytes:
    text = " ".join(f"Sentence {n} of report {i} says the council met on Monday to discuss the budget."
                    for n in range(6))
    return (f"<html><head><title>Report {i}</title><script>var pad='{'x' * filler_kb * KB}';</script></head>"
            f"<body><article><h1>Report {i}</h1><p>{text}</p></article></body></html>").encode()


def test_parse_batch_chunks_by_bytes_as_well_as_by_count(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    for i in range(10):
        (landing / f"page{i:02d}.html").write_bytes(_page(i, 300))
    [batch] = claim_new_files(landing, warehouse)

    def chunk_count(settings: Settings) -> tuple[int, int]:
        messages: list[str] = []
        tables = parse_batch(landing, batch, settings, log=messages.append)
        return sum(m.startswith("chunk ") for m in messages), len(tables.documents)

    base = Settings(landing_dir=landing, warehouse_dir=warehouse)
    assert chunk_count(base) == (1, 10)
    # about 300 KB a page: three fit in 1 MB
    assert chunk_count(Settings(landing_dir=landing, warehouse_dir=warehouse, bytes_per_chunk=1024 * KB)) == (4, 10)
    assert chunk_count(Settings(landing_dir=landing, warehouse_dir=warehouse, bytes_per_chunk=1024 * KB,
                                documents_per_chunk=2)) == (5, 10)
