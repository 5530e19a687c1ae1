"""The no-op run without Dagster: a stamp of what the last complete run left behind.

A run that ends with nothing failed records, under the run lock, a fingerprint
of everything its decisions depend on: the landing dir's entries (path, size,
modification time), every file of the warehouse (name, size, modification
time), the entity overrides file, the settings and the Dagster instance it
registered the batches with, together with the summary it printed. The next
``news-pipeline run`` computes the same fingerprint first: when it matches,
nothing can have changed (no new or changed landing file, no table written
since), so it prints the recorded summary without importing Dagster, opening
the instance or reading a table. Anything different falls through to the full
run, which decides as before.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from pipeline.core.landing import scan_landing
from pipeline.settings import Settings
from pipeline.storage.batches import ledger_dir

# JSON in the ledger dir, not named *.json (those are the batches); dot-files are not fingerprinted
STAMP_FILE = ".noop-stamp"
NOTHING_NEW = "Nothing new to ingest; tables are up to date."


def stamp_path(warehouse_dir: Path) -> Path:
    return ledger_dir(warehouse_dir) / STAMP_FILE


def run_lock_path(warehouse_dir: Path) -> Path:
    return ledger_dir(warehouse_dir) / ".run.lock"


def _stat(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _warehouse_files(root: Path) -> list:
    """(relative path, size, mtime_ns) of every file under the warehouse, dot-files left out."""
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                path = Path(directory) / name
                found.append([str(path.relative_to(root)), *(_stat(path) or [])])
    return found


def _instance_identity(home: Path) -> list:
    """The instance's home: path, inode (a wiped and recreated home differs) and dagster.yaml."""
    try:
        inode = home.stat().st_ino
        config = (home / "dagster.yaml").read_text()
    except OSError:
        return [str(home)]
    return [str(home), inode, config]


def inputs(settings: Settings, home: Path) -> dict:
    """What a run reads besides the warehouse. A run takes it before it claims anything: a
    file landing during the run is then missing from its stamp, so the next run is a full one."""
    scan = scan_landing(settings.landing_dir)
    return {
        "settings": {key: str(value) for key, value in sorted(asdict(settings).items())},
        "instance": _instance_identity(Path(home)),
        "landing": [[e.path, e.size, e.mtime_ns, e.problem] for e in scan.entries],
        "hidden": list(scan.hidden),
        "overrides": _stat(settings.entity_overrides_path),
    }


def fingerprint(settings: Settings, state: dict) -> str:
    state = {**state, "warehouse": _warehouse_files(Path(settings.warehouse_dir))}
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def record(settings: Settings, state: dict, summary: str, hidden_message: str) -> None:
    """Write the stamp atomically (under the run lock, after a run with nothing failed; ``state``
    from ``inputs`` at its start)."""
    path = stamp_path(settings.warehouse_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"fingerprint": fingerprint(settings, state), "summary": summary,
                               "hidden": hidden_message}))
    os.replace(tmp, path)


def forget(warehouse_dir: Path) -> None:
    stamp_path(warehouse_dir).unlink(missing_ok=True)


def unchanged(settings: Settings, home: Path) -> dict | None:
    """The recorded summary and hidden-entries message when nothing changed since the last complete run."""
    from filelock import FileLock

    path = stamp_path(settings.warehouse_dir)
    if not path.exists():
        return None
    with FileLock(str(run_lock_path(settings.warehouse_dir))):  # not while another run writes
        try:
            stamp = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        return stamp if stamp.get("fingerprint") == fingerprint(settings, inputs(settings, home)) else None
