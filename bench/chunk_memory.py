"""Peak memory of parsing a batch of large pages: chunks bounded by bytes against count only.

    python bench/chunk_memory.py [--files 24] [--megabytes 4] [--chunk-megabytes 16]

Writes --files generated pages of about --megabytes each (a long inline
script, as heavy pages have, around a short article), claims them as one
batch and parses it with ``parse_batch`` into staged Parquet, in a fresh
process per way: the baseline bounds a chunk by count only
(``bytes_per_chunk`` set beyond the batch, so all files are one chunk under
the default 200 documents), ours sets ``bytes_per_chunk`` to
--chunk-megabytes (0: the default, 64 MB). Large pages are slow to extract,
hence the small defaults.
Reports each process's peak RSS and the ratio.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

CHILD = """
import resource, sys
from pathlib import Path
from pipeline.core.tables import PARSED_TABLES, parse_batch
from pipeline.settings import Settings
from pipeline.storage.batches import load_batches
from pipeline.storage.warehouse import StagedTable
landing, warehouse, chunk_bytes = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
settings = Settings(landing_dir=landing, warehouse_dir=warehouse, **({"bytes_per_chunk": chunk_bytes} if chunk_bytes else {}))
[batch] = load_batches(warehouse)
sinks = {table: StagedTable(warehouse, table, batch.key + sys.argv[4]) for table in PARSED_TABLES}
stats = parse_batch(landing, batch, settings, sinks=sinks)
print(stats["documents"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def page(i: int, megabytes: float) -> bytes:
    text = " ".join(f"Sentence {n} of report {i}: the council met on Monday to discuss the budget." for n in range(20))
    pad = "x" * int(megabytes * 1024 * 1024)
    return (f"<html><head><title>Report {i}</title><script>var pad='{pad}';</script></head>"
            f"<body><article><h1>Report {i}</h1><p>{text}</p></article></body></html>").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--megabytes", type=float, default=4.0)
    parser.add_argument("--chunk-megabytes", type=int, default=16)
    args = parser.parse_args()
    from pipeline.storage.batches import claim_new_files

    with tempfile.TemporaryDirectory() as tmp:
        landing, warehouse = Path(tmp) / "landing", Path(tmp) / "warehouse"
        landing.mkdir()
        for i in range(args.files):
            (landing / f"page{i:03d}.html").write_bytes(page(i, args.megabytes))
        claim_new_files(landing, warehouse)
        total = args.files * args.megabytes
        print(f"{args.files} pages of {args.megabytes:g} MB ({total:,.0f} MB) in one batch")
        results = {}
        ours = args.chunk_megabytes * 1024 * 1024
        for label, chunk_bytes in (("count only (baseline)", 1 << 62), (f"bytes_per_chunk {ours >> 20 or 64} MB", ours)):
            out = subprocess.run([sys.executable, "-c", CHILD, str(landing), str(warehouse), str(chunk_bytes),
                                  f"_{len(results)}"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
            documents, peak = (int(x) for x in out.stdout.split()[-2:])
            results[label] = peak
            print(f"{label:<26} {documents:>4} documents  peak RSS {peak:>6,} MB")
        base, ours = results.values()
        print(f"ratio bytes-bounded / count-only: {ours / base:.2f}x")


if __name__ == "__main__":
    main()
