"""The corpus-wide ``landing_files`` account, from the per-batch partials (no Dagster here).

Each batch's parse writes one ``landing_file_batches`` row per claimed file
version. This table gathers them (from their running totals plus the partials of
batches added since: pipeline/storage/totals.py), marks every version but a path's newest
as ``superseded``, and says whether the path is still in the landing dir
(``present``, refreshed by the next run after a file is deleted). Batches
claimed before the partials existed get rows from the ledger and their
documents, articles and rejections (record counts unknown there).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.core.landing import LandingScan, LandingTally, display_path, scan_landing
from pipeline.storage import batches
from pipeline.storage import schemas
from pipeline.storage import totals
from pipeline.storage import warehouse

TABLE = "landing_files"
PARTIAL = "landing_file_batches"


def _legacy_rows(warehouse_dir: Path, legacy: list[batches.Batch]) -> list[dict]:
    keys = [b.key for b in legacy]
    if not keys:
        return []
    documents = warehouse.read_table(warehouse_dir, "documents", ["doc_id", "source_path", "batch"], keys)
    articles = warehouse.read_table(warehouse_dir, "extracted_articles", ["source_path", "batch"], keys)
    rejected = warehouse.read_table(warehouse_dir, "rejected_documents", ["source_path", "reason", "doc_id", "batch"], keys)
    rows = []
    for batch in legacy:
        tally = LandingTally(batch.key, batch.files)
        mine = documents[documents["batch"] == batch.key]
        for doc_id, source in zip(mine["doc_id"], mine["source_path"]):
            tally.document(source, doc_id)
        for source in articles.loc[articles["batch"] == batch.key, "source_path"]:
            tally.article(source)
        for row in rejected[rejected["batch"] == batch.key].itertuples():
            tally.rejected(row.source_path, row.reason, row.doc_id)
        for row in tally.rows():
            rows.append({**row, "n_records": None, "records_by_type": None, "records_skipped": None})
    return rows


def gather(rows: pd.DataFrame) -> pd.DataFrame:
    """The partial rows as they are, in (path, batch) order (how the running totals combine them)."""
    return rows.sort_values(["path", "batch"], ignore_index=True)


def build_landing_files(warehouse_dir: Path, landing_dir: Path) -> tuple[pd.DataFrame, LandingScan]:
    """Every claimed version of every landing file, and the scan of the landing dir used for ``present``."""
    partials = totals.running_totals(warehouse_dir, PARTIAL, schemas.TOTALS[PARTIAL], gather)
    written = set(warehouse.partition_files(warehouse_dir, PARTIAL))
    parsed = set(warehouse.partition_files(warehouse_dir, "documents"))
    legacy = [b for b in batches.load_batches(warehouse_dir) if b.key in parsed - written]
    legacy_rows = _legacy_rows(warehouse_dir, legacy)
    if legacy_rows:
        partials = pd.concat([partials, pd.DataFrame(legacy_rows, columns=partials.columns)], ignore_index=True)
    frame = partials.sort_values(["path", "batch"], ignore_index=True)
    # sorted by batch within a path, so the last is the newest ("max" on strings falls back to Python per path)
    newest = frame.groupby("path", sort=False)["batch"].transform("last")
    older = frame["batch"] < newest
    frame.loc[older, "status"] = "superseded"
    frame["superseded_by"] = newest.where(older, None)
    scan = scan_landing(landing_dir)
    frame["present"] = frame["path"].isin(present_paths(scan))
    return frame, scan


def present_paths(scan: LandingScan) -> set[str]:
    return {display_path(entry.path) for entry in scan.entries}


def landing_files_stale(warehouse_dir: Path, landing_dir: Path, scan: LandingScan | None = None) -> bool:
    """Missing, older than a batch's partial, or wrong about which paths are still present
    (in ``scan``, the run's listing of the landing dir, else one made here)."""
    target = warehouse.table_dir(warehouse_dir, TABLE) / "data.parquet"
    parsed = warehouse.partition_files(warehouse_dir, "documents")
    if not target.exists():
        return bool(parsed)
    built = target.stat().st_mtime_ns
    if any(p.stat().st_mtime_ns > built for p in warehouse.partition_files(warehouse_dir, PARTIAL).values()):
        return True
    if not Path(landing_dir).is_dir():
        return False
    stored = warehouse.read_frame(target, ["path", "present"])
    scan = scan if scan is not None else scan_landing(landing_dir)
    return bool((stored["present"] != stored["path"].isin(present_paths(scan))).any())


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {status: int(n) for status, n in frame["status"].value_counts().items()}


def summed_counts(frame: pd.DataFrame, column: str) -> dict[str, int]:
    """Sum of a map column (list of (key, count) pairs per row)."""
    total: dict[str, int] = {}
    for pairs in frame[column].dropna():
        for key, value in pairs:
            total[key] = total.get(key, 0) + int(value)
    return dict(sorted(total.items()))
