"""The Dagster instance's dagster.yaml: SQLite under $DAGSTER_HOME (default) or PostgreSQL.

``NEWS_INSTANCE=postgresql://user:password@host:5432/dbname`` (or the CLI's
``--instance``, or ``make run NEWS_INSTANCE=...``) puts run, event-log and
schedule storage in that database with dagster-postgres. A dagster.yaml this
module wrote (it starts with ``GENERATED``) follows the switch each time; a
hand-written one is left alone.
"""
from __future__ import annotations

import os
from pathlib import Path

GENERATED = "# Written by news-pipeline when the instance is first created."

SQLITE_YAML = f"""\
{GENERATED}
# SQLite storage locks under many concurrent runs: keep them few.
run_queue:
  max_concurrent_runs: 2
telemetry:
  enabled: false
"""

# Runs launched by the daemon (sensor, UI) are queued: batch runs of several
# partitions go at once up to the tag limit.
POSTGRES_TEMPLATE = f"""\
{GENERATED}
# Instance storage on PostgreSQL (dagster-postgres), chosen by NEWS_INSTANCE.
storage:
  postgres:
    postgres_url: "{{url}}"
concurrency:
  runs:
    max_concurrent_runs: 8
    tag_concurrency_limits:
      - key: news/job
        value: ingest_batch
        limit: 4
telemetry:
  enabled: false
"""


def sqlalchemy_url(url: str) -> str:
    """postgres:// and postgresql:// as SQLAlchemy's psycopg2 URL (psycopg 3 is not installed)."""
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    raise ValueError(f"NEWS_INSTANCE must be a postgresql:// URL, not {url!r}")


def dagster_yaml(instance_url: str | None) -> str:
    if not instance_url:
        return SQLITE_YAML
    return POSTGRES_TEMPLATE.format(url=sqlalchemy_url(instance_url))


def write_dagster_yaml(home: Path, instance_url: str | None = None) -> Path:
    """home/dagster.yaml for ``instance_url`` (default $NEWS_INSTANCE; unset: SQLite)."""
    if instance_url is None:
        instance_url = os.environ.get("NEWS_INSTANCE") or None
    config = home / "dagster.yaml"
    wanted = dagster_yaml(instance_url)
    if not config.exists() or (config.read_text().startswith(GENERATED) and config.read_text() != wanted):
        config.write_text(wanted)
    return config
