"""The landing_files account: every claimed version of every landing file, and what became of it."""

import dagster as dg
import pandas as pd

from pipeline.core.landing import printable
from pipeline.defs.assets.aggregates import AGGREGATE_CONDITION
from pipeline.defs.resources import PipelineSettings
from pipeline.storage import landing_files as account
from pipeline.storage.io_manager import definition_metadata

SHOWN_NAMES = 20


@dg.asset(
    deps=["landing_file_batches"],
    group_name="corpus",
    kinds={"parquet"},
    metadata=definition_metadata("landing_files"),
    automation_condition=AGGREGATE_CONDITION,
)
def landing_files(pipeline_settings: PipelineSettings) -> dg.Output[pd.DataFrame]:
    """One row per claimed landing file and version: records by type, skips, documents, rejections, status."""
    settings = pipeline_settings.settings()
    frame, scan = account.build_landing_files(settings.warehouse_dir, settings.landing_dir)
    return dg.Output(frame, metadata={
        "files_by_status": dg.MetadataValue.json(account.status_counts(frame)),
        "present": int(frame["present"].sum()),
        "gone": int((~frame["present"]).sum()),
        "records_by_type": dg.MetadataValue.json(account.summed_counts(frame, "records_by_type")),
        "records_skipped": dg.MetadataValue.json(account.summed_counts(frame, "records_skipped")),
        "hidden_skipped": len(scan.hidden),
        "hidden_skipped_names": dg.MetadataValue.json([printable(n) for n in scan.hidden[:SHOWN_NAMES]]),
    })
