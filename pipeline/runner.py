"""Run the pipeline from the command line on the persistent Dagster instance.

Runs are executed in this process but recorded in $DAGSTER_HOME, so every
run made here shows in the Dagster UI beside the ones the sensor starts.
One run at a time per warehouse: a second `news-pipeline run` waits for the
first, then finds nothing new.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from filelock import FileLock
from tqdm import tqdm

from pipeline.core.landing import LandingScan, printable, scan_landing
from pipeline.defs.definitions import build_definitions
from pipeline.defs.jobs import AGGREGATE_TABLES, BATCH_TABLES, REFRESH_WRITE_ORDER
from pipeline.defs.partitions import batch_partitions
from pipeline.settings import Settings
from pipeline.storage import batches
from pipeline.storage import mention_links
from pipeline.storage import noop
from pipeline.storage import warehouse
from pipeline.storage.duck import DEFAULT_FILE as DUCKDB_FILE
from pipeline.storage.landing_files import landing_files_stale
from pipeline.storage.manifest import MANIFEST_FILE
from pipeline.storage.noop import NOTHING_NEW
from pipeline.storage.refresh import stale_batches


@dataclass
class RunOutcome:
    new_batches: list[str] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    aggregates_rebuilt: bool = False
    hidden: list[str] = field(default_factory=list)  # hidden landing entries, skipped by design
    errors: dict[str, str] = field(default_factory=dict)  # failed run -> what failed
    summary: str = ""  # the warehouse summary, made under the run lock

    def skipped_hidden(self, shown: int = 20) -> str:
        """The hidden entries the run skipped, by name (escaped), one per line."""
        if not self.hidden:
            return ""
        names = [f"  {printable(name)}" for name in self.hidden[:shown]]
        more = [f"  ... and {len(self.hidden) - shown} more"] if len(self.hidden) > shown else []
        return "\n".join([f"Skipped {len(self.hidden)} hidden landing entries (names starting with '.'):",
                          *names, *more])

    def describe(self) -> str:
        if not self.processed and not self.refreshed and not self.aggregates_rebuilt:
            return NOTHING_NEW
        return (
            f"Ingested {len(self.processed)} batch(es) "
            f"({len(self.new_batches)} new); boilerplate flags refreshed in {len(self.refreshed)} earlier batch(es); "
            f"aggregates rebuilt: {'yes' if self.aggregates_rebuilt else 'no'}."
        )


def _quiet_run_config(verbose: bool) -> dict:
    level = "DEBUG" if verbose else "WARNING"
    return {"loggers": {"console": {"config": {"log_level": level}}}}


def pending_batches(settings: Settings) -> list[str]:
    """Claimed batches whose per-batch tables are not all written (new or interrupted)."""
    written = {table: set(warehouse.partition_files(settings.warehouse_dir, table)) for table in BATCH_TABLES}
    return [
        batch.key
        for batch in batches.load_batches(settings.warehouse_dir)
        if not all(batch.key in keys for keys in written.values())
    ]


def _aggregates_stale(settings: Settings) -> bool:
    """Missing, or older than a per-batch table they are made from (a run killed before them)."""
    tables = [t for t in AGGREGATE_TABLES if t not in ("entity_chart", "entity_mention_links")]  # no table of their own
    paths = [warehouse.table_dir(settings.warehouse_dir, t) / "data.parquet" for t in tables]
    if not all(path.exists() for path in paths):
        return True
    oldest = min(path.stat().st_mtime_ns for path in paths)
    # the manifest and the DuckDB database are written after the tables: a run killed between them re-runs
    exports = [settings.warehouse_dir / MANIFEST_FILE, settings.warehouse_dir / DUCKDB_FILE]
    newest = max(path.stat().st_mtime_ns for path in paths)
    if not all(path.exists() for path in exports) or any(path.stat().st_mtime_ns < newest for path in exports):
        return True
    sources = [
        path
        for group in REFRESH_WRITE_ORDER
        for table in group
        for path in warehouse.partition_files(settings.warehouse_dir, table).values()
    ]
    overrides = settings.entity_overrides_path
    if overrides.exists() and overrides.stat().st_mtime_ns > oldest:  # a correction made since
        return True
    return any(path.stat().st_mtime_ns > oldest for path in sources) or mention_links.links_pending(
        settings.warehouse_dir)


def _instance() -> dg.DagsterInstance:
    # Two processes creating a new SQLite instance at once race on its schema
    # ("table ... already exists"): the first creates it, the other waits.
    home = Path(os.environ["DAGSTER_HOME"])
    with FileLock(str(home / ".instance.lock")):
        return dg.DagsterInstance.get()


def run_pipeline(settings: Settings, verbose: bool = False, progress: bool = True,
                 scan: LandingScan | None = None) -> RunOutcome:
    """``scan``: the landing dir as listed for the caller's no-op check, when it made one; a file
    landing after it waits for the next run, like one landing during the run."""
    instance = _instance()
    defs = build_definitions(settings)
    ingest_job = defs.resolve_job_def("ingest_batch")
    refresh_job = defs.resolve_job_def("refresh_batch")
    aggregates_job = defs.resolve_job_def("rebuild_aggregates")
    outcome = RunOutcome()

    with noop.run_lock(settings):  # a file lock, or a lease on an s3:// warehouse
        # one listing of the landing dir per run, taken before the claim (see noop.inputs)
        scan = scan if scan is not None else scan_landing(settings.landing_dir)
        inputs = noop.inputs(settings, Path(os.environ["DAGSTER_HOME"]), scan)
        claim = batches.claim_landing(settings.landing_dir, settings.warehouse_dir, settings.files_per_batch, scan)
        outcome.new_batches, outcome.hidden = [b.key for b in claim.batches], claim.hidden
        all_keys = [b.key for b in batches.load_batches(settings.warehouse_dir)]
        known = set(instance.get_dynamic_partitions(batch_partitions.name))
        missing = [key for key in all_keys if key not in known]
        if missing:
            instance.add_dynamic_partitions(batch_partitions.name, missing)

        todo = pending_batches(settings)
        for key in tqdm(todo, desc="batches", unit="batch", disable=not progress or not todo):
            result = ingest_job.execute_in_process(
                partition_key=key, instance=instance, run_config=_quiet_run_config(verbose), raise_on_error=False
            )
            _record(outcome, outcome.processed, key, result)

        # also after a run killed between its batches and their refresh
        for key in stale_batches(settings.warehouse_dir, REFRESH_WRITE_ORDER):
            result = refresh_job.execute_in_process(
                partition_key=key, instance=instance, run_config=_quiet_run_config(verbose), raise_on_error=False
            )
            _record(outcome, outcome.refreshed, key, result)

        if (outcome.processed or outcome.refreshed or _aggregates_stale(settings)
                or landing_files_stale(settings.warehouse_dir, settings.landing_dir, scan)):
            result = aggregates_job.execute_in_process(
                instance=instance, run_config=_quiet_run_config(verbose), raise_on_error=False
            )
            outcome.aggregates_rebuilt = result.success
            if not result.success:
                _record(outcome, [], "rebuild_aggregates", result)
        _stamp(settings, outcome, inputs)
    return outcome


def _stamp(settings: Settings, outcome: RunOutcome, inputs: dict) -> None:
    """Record what a run with nothing failed left behind, so that the next no-op run skips Dagster."""
    from pipeline.summary import summarise

    if outcome.failed:
        noop.forget(settings.warehouse_dir)
        return
    outcome.summary = summarise(settings.warehouse_dir)
    noop.record(settings, inputs, outcome.summary, outcome.skipped_hidden())


def _record(outcome: RunOutcome, done: list[str], key: str, result) -> None:
    if result.success:
        done.append(key)
        return
    outcome.failed.append(key)
    outcome.errors[key] = failure_message(result)


def failure_message(result) -> str:
    """The innermost error of a failed run's first failed step (e.g. 'No space left on device')."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            return f"step {event.step_key}: {error.message.strip()}"
    return "the run failed (see its logs in the Dagster UI)"
