"""Peak memory of a real run over a landing dir of decompression bombs inside WARC records.

    python bench/bombs.py [--gigabytes 1]

Writes one .warc.gz per kind of bomb (gzip, deflate with and without zlib
framing, br, gzip inside chunked framing, gzip in gzip, gzip in br), each
payload inflating to --gigabytes, each followed by a good page in the same
encoding; then runs the real CLI (`python -m pipeline run`) over it with the
default caps, and, as the baseline in the same invocation, over a landing dir
holding the same files with the bombs left out. Reports the peak RSS of the
largest process of each run (ru_maxrss of its process tree), the ratio, and
the rejections by reason. Target: under 1 GB with bombs.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from pipeline_tests.crawl_records import BOMB_KINDS, MB, encoded_block, page, write_bomb_warcs, write_warc  # noqa: E402

PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); " \
       "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def run(landing: Path, work: Path) -> tuple[float, float]:
    """(peak RSS in MB of the run's largest process, wall seconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWS_")}
    env["DAGSTER_HOME"] = str(work / "home")
    (work / "home").mkdir(parents=True)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", PEAK, sys.executable, "-m", "pipeline", "run", "--landing", str(landing),
         "--warehouse", str(work / "warehouse"), "--no-progress"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024, time.perf_counter() - start


def reasons(warehouse: Path) -> dict[str, int]:
    import pandas as pd

    return pd.read_parquet(warehouse / "rejected_documents")["reason"].value_counts().to_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=1.0, help="what each bomb inflates to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bombs, baseline = tmp / "bombs", tmp / "baseline"
        start = time.perf_counter()
        names = write_bomb_warcs(bombs, int(args.gigabytes * 1024 * MB))
        baseline.mkdir()
        for kind in BOMB_KINDS:
            codings, _ = BOMB_KINDS[kind]
            write_warc(baseline / f"good_{kind}.warc.gz",
                       [(f"https://bomb.example/{kind}/after", encoded_block(page(marker=kind), codings))])
        on_disk = sum((bombs / n).stat().st_size for n in names)
        print(f"{len(names)} bomb WARCs, {on_disk / 1e6:.2f} MB on disk, each payload inflating to "
              f"{args.gigabytes:g} GB (made in {time.perf_counter() - start:.1f} s)")
        base_mb, base_s = run(baseline, tmp / "run_baseline")
        bomb_mb, bomb_s = run(bombs, tmp / "run_bombs")
        print(f"{'landing dir':<24}{'peak RSS MB':>12}{'wall s':>9}")
        print(f"{'baseline (no bombs)':<24}{base_mb:>12.0f}{base_s:>9.1f}")
        print(f"{'bombs':<24}{bomb_mb:>12.0f}{bomb_s:>9.1f}")
        print(f"ratio bombs / baseline: {bomb_mb / base_mb:.2f}x; target < 1024 MB: "
              f"{'met' if bomb_mb < 1024 else 'NOT met'}")
        print("rejections:", reasons(tmp / "run_bombs" / "warehouse"))


if __name__ == "__main__":
    main()
