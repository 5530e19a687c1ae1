"""A plain-text summary of what the warehouse holds (for the CLI and the demo)."""
from __future__ import annotations

from pathlib import Path

from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage import warehouse


def table_row_counts(warehouse_dir: Path) -> dict[str, int]:
    """Rows per table, from the Parquet footers (no data read)."""
    return {
        table: sum(warehouse.file_metadata(path).num_rows
                   for path in warehouse.partition_files(warehouse_dir, table).values())
        for table in schemas.TABLES
    }


def summarise(warehouse_dir: Path, top: int = 10) -> str:
    warehouse_dir = objects.location(warehouse_dir)
    lines = [f"Warehouse: {warehouse_dir}", "", "Rows per table:"]
    for table, count in table_row_counts(warehouse_dir).items():
        lines.append(f"  {table:<20} {count:>8}")

    rejected = warehouse.read_table(warehouse_dir, "rejected_documents", ["reason"])
    if not rejected.empty:
        lines += ["", "Rejected documents by reason:"]
        for reason, count in rejected["reason"].value_counts().items():
            lines.append(f"  {reason:<20} {count:>8}")

    landing_file = warehouse.table_dir(warehouse_dir, "landing_files") / "data.parquet"
    if landing_file.exists():
        files = warehouse.read_frame(landing_file, ["status", "present"])
        lines += ["", "Landing files by status (one row per claimed version):"]
        for status, count in files["status"].value_counts().items():
            lines.append(f"  {status:<20} {count:>8}")
        lines.append(f"  {'gone (deleted since)':<20} {int((~files['present']).sum()):>8}")

    entities_file = warehouse.table_dir(warehouse_dir, "entities") / "data.parquet"
    if entities_file.exists():
        entities = warehouse.read_frame(entities_file).head(top)
        lines += ["", f"Top {len(entities)} entities:"]
        for row in entities.itertuples():
            lines.append(f"  {row.canonical_name:<32} {row.label:<8} {row.n_mentions:>6} mentions in {row.n_documents} articles")
    chart = warehouse_dir / "charts" / "top_entities.png"
    if chart.exists():
        lines += ["", f"Chart: {chart}"]
    return "\n".join(lines)
