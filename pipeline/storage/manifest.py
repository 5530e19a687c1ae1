"""``<warehouse>/_manifest.json``: what made the warehouse, and when each table was last written.

Written atomically (a hidden temporary file renamed into place, or one PUT) after the
corpus-wide tables are rebuilt. Readers should treat it as informative: the
tables themselves are the data.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from pipeline.settings import Settings
from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage import warehouse

MANIFEST_FILE = "_manifest.json"
LIBRARIES = ("trafilatura", "spacy", "pyarrow", "pandas", "dagster", "fastwarc", "warcio", "py3langid")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _utc_iso(timestamp_ns: int) -> str:
    return datetime.fromtimestamp(timestamp_ns / 1e9, tz=timezone.utc).isoformat()


def table_status(warehouse_dir: Path) -> dict[str, dict]:
    """Per table with files: public or internal, files, rows (from the footers), when last written."""
    status = {}
    for table in schemas.TABLES:
        files = warehouse.table_files(warehouse_dir, table)
        if not files:
            continue
        status[table] = {
            "public": schemas.is_public(table),
            "files": len(files),
            "rows": sum(warehouse.file_metadata(path).num_rows for path in files),
            "last_written": _utc_iso(max(path.stat().st_mtime_ns for path in files)),
        }
    return status


def build_manifest(settings: Settings) -> dict:
    settings_dict = {key: str(value) if isinstance(value, (Path, objects.S3Path)) else value
                     for key, value in asdict(settings).items()}
    return {
        "pipeline_version": _version("news-pipeline"),
        "written_at": datetime.now(timezone.utc).isoformat(),
        "landing_dir": str(settings.landing_dir),
        "models": {
            language: {"package": package, "version": _version(package)}
            for language, package in settings.ner_models.items()
        },
        "libraries": {name: _version(name) for name in LIBRARIES},
        "settings": settings_dict,
        "tables": table_status(settings.warehouse_dir),
    }


def write_manifest(settings: Settings) -> Path:
    path = settings.warehouse_dir / MANIFEST_FILE
    warehouse.remove_stale_temporaries(path.parent, f".{path.name}.*.tmp")  # from a killed run
    objects.write_text(path, json.dumps(build_manifest(settings), indent=1, sort_keys=True))
    return path


def read_manifest(warehouse_dir: Path) -> dict | None:
    path = objects.location(warehouse_dir) / MANIFEST_FILE
    return json.loads(path.read_text()) if path.exists() else None
