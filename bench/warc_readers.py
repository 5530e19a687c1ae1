"""Compare fastwarc and warcio on the real WARC files in ../shared/corpora/warc.

Each reader iterates every record of the three files, parses HTTP headers and
reads every payload to the end, several rounds; prints records/s, MB/s (of
compressed input) and the fastwarc/warcio ratio.

    .venv/bin/python bench/warc_readers.py [--rounds N]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator as WarcioIterator

WARC_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "warc"


def read_with_fastwarc(path: Path) -> tuple[int, int]:
    records = payload = 0
    with open(path, "rb") as stream:
        for record in FastIterator(stream, record_types=WarcRecordType.any_type, parse_http=True):
            records += 1
            payload += len(record.reader.read())
    return records, payload


def read_with_warcio(path: Path) -> tuple[int, int]:
    records = payload = 0
    with open(path, "rb") as stream:
        for record in WarcioIterator(stream):  # parses HTTP headers by default
            records += 1
            payload += len(record.content_stream().read())
    return records, payload


def measure(reader, files: list[Path], rounds: int) -> dict[str, float]:
    reader(files[0])  # warm-up
    records = payload = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for path in files:
            n, size = reader(path)
            records += n
            payload += size
    elapsed = time.perf_counter() - start
    input_mb = rounds * sum(p.stat().st_size for p in files) / 1e6
    return {
        "records": records // rounds,
        "seconds": elapsed,
        "records_per_s": records / elapsed,
        "input_mb_per_s": input_mb / elapsed,
        "payload_mb_per_s": payload / 1e6 / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    files = sorted(WARC_DIR.glob("*.warc.gz"))
    if not files:
        raise SystemExit(f"no WARC files under {WARC_DIR}")
    print(f"{len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.2f} MB compressed, "
          f"{args.rounds} rounds")
    results = {}
    for name, reader in (("fastwarc", read_with_fastwarc), ("warcio", read_with_warcio)):
        results[name] = r = measure(reader, files, args.rounds)
        print(f"{name:9s} {r['records']} records/round  {r['records_per_s']:9.0f} records/s  "
              f"{r['input_mb_per_s']:7.1f} MB/s compressed  {r['payload_mb_per_s']:7.1f} MB/s payload")
    ratio = results["fastwarc"]["records_per_s"] / results["warcio"]["records_per_s"]
    print(f"fastwarc / warcio speed ratio: {ratio:.2f}x")


if __name__ == "__main__":
    main()
