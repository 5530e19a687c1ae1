"""Parse rate of a WARC of 20,000 tiny records, against fastwarc alone on the same file.

    python bench/records.py [--records 20000] [--rounds 3]

Writes a generated WARC (plain and gzipped, one gzip member per record) of
tiny records (HTML pages, requests, metadata, images, 404s), then, per file
and round: the baseline, fastwarc iterating every record with HTTP headers
parsed and every payload read; ours, ``read_documents`` (record checks, our
payload decoding, media and status filters, documents built); and ours plus
``decode_document`` on each document. Prints records/s (best round) and the
ratio to the baseline measured in the same run.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from fastwarc.warc import ArchiveIterator, WarcRecordType  # noqa: E402

from pipeline.core.decode import decode_document  # noqa: E402
from pipeline.core.ingest import read_documents  # noqa: E402
from pipeline.core.models import RawDocument  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline_tests.crawl_records import tiny_warc  # noqa: E402


def baseline(root: Path, name: str) -> int:
    records = 0
    with open(root / name, "rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.any_type, parse_http=True):
            record.reader.read()
            records += 1
    return records


def ours(root: Path, name: str, decode: bool = False) -> int:
    settings, stats = Settings(), Counter()
    for item in read_documents(root, name, settings, stats):
        if decode and isinstance(item, RawDocument):
            decode_document(item, settings)
    return stats["warc_records"]


def best_rate(fn, rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        records = fn()
        best = max(best, records / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"{'file':<16}{'way':<26}{'records/s':>11}{'vs fastwarc':>13}")
        for name in ("tiny.warc", "tiny.warc.gz"):
            tiny_warc(root / name, args.records)
            base = best_rate(lambda: baseline(root, name), args.rounds)
            print(f"{name:<16}{'fastwarc alone (baseline)':<26}{base:>11,.0f}{1:>12.2f}x")
            for label, decode in (("read_documents", False), ("read_documents + decode", True)):
                rate = best_rate(lambda: ours(root, name, decode), args.rounds)
                print(f"{name:<16}{label:<26}{rate:>11,.0f}{rate / base:>12.2f}x")


if __name__ == "__main__":
    main()
