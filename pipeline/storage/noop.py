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

On an ``s3://`` warehouse the run lock is a lease (``RunLease``): the
create-only object ``_batches/.run.lock``, renewed by its holder; a holder
killed with SIGKILL stops renewing it, and a waiter that has seen it
unchanged for ``Settings.run_lease_s`` takes it over with a conditional
replace (If-Match), so exactly one waiter wins and none waits forever.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from pipeline.core.landing import LandingScan, scan_landing
from pipeline.settings import Settings
from pipeline.storage import objects
from pipeline.storage.batches import ledger_dir

# JSON in the ledger dir, not named *.json (those are the batches); dot-files are not fingerprinted
STAMP_FILE = ".noop-stamp"
NOTHING_NEW = "Nothing new to ingest; tables are up to date."


def stamp_path(warehouse_dir: Path) -> Path:
    return ledger_dir(warehouse_dir) / STAMP_FILE


def run_lock_path(warehouse_dir: Path) -> Path:
    return ledger_dir(warehouse_dir) / ".run.lock"


class RunLease:
    """One run at a time on a remote warehouse, without a lock server: a lease object renewed by its holder."""

    def __init__(self, path, ttl_s: float = 30.0, poll_s: float = 0.5):
        self.path, self.ttl_s, self.poll_s = path, ttl_s, poll_s
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._etag: str | None = None
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        self.lost = False  # set when another process took the lease over (we stopped renewing in time)

    def _body(self, beat: int) -> bytes:
        return json.dumps({"owner": self.owner, "beat": beat, "ttl_s": self.ttl_s}).encode()

    def acquire(self) -> None:
        seen: tuple[str, float] | None = None  # (etag, first seen by our clock): no trust in other clocks
        while True:
            if objects.create_only(self.path, self._body(0)):
                self._etag = self.path.stat().etag
                break
            try:
                _, etag = self.path.read_versioned()
            except FileNotFoundError:
                continue  # released meanwhile: try to create it again
            if seen is None or seen[0] != etag:
                seen = (etag, time.monotonic())
            elif time.monotonic() - seen[1] > self.ttl_s:  # not renewed for a whole lease: its holder died
                taken = objects.replace_if(self.path, self._body(0), etag)
                if taken is not None:
                    self._etag = taken
                    break
                seen = None
            time.sleep(self.poll_s)
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew, name="run-lease", daemon=True)
        self._renewer.start()

    def _renew(self) -> None:
        beat = 0
        while not self._stop.wait(self.ttl_s / 3):
            beat += 1
            etag = objects.replace_if(self.path, self._body(beat), self._etag)
            if etag is None:
                self.lost = True
                return
            self._etag = etag

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        if not self.lost and self._etag is not None:
            objects.delete(self.path, if_match=self._etag)
        self._etag = None

    def __enter__(self) -> "RunLease":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def run_lock(settings: Settings):
    """One ``news-pipeline run`` at a time per warehouse: a file lock, or a ``RunLease`` on S3."""
    path = run_lock_path(settings.warehouse_dir)
    if objects.is_remote(path):
        return RunLease(path, settings.run_lease_s)
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path))


def _stat(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _warehouse_files(root: Path) -> list:
    """(relative path, size, version) of every file under the warehouse, dot-files left out."""
    return objects.walk_files(root)


def _instance_identity(home: Path) -> list:
    """The instance's home: path, inode (a wiped and recreated home differs) and dagster.yaml."""
    try:
        inode = home.stat().st_ino
        config = (home / "dagster.yaml").read_text()
    except OSError:
        return [str(home)]
    return [str(home), inode, config]


def inputs(settings: Settings, home: Path, scan: LandingScan | None = None) -> dict:
    """What a run reads besides the warehouse. A run takes it before it claims anything: a
    file landing during the run is then missing from its stamp, so the next run is a full one.
    ``scan``: the landing dir as listed for this (the run then claims from the same listing)."""
    scan = scan if scan is not None else scan_landing(settings.landing_dir)
    return {
        "settings": {key: str(value) for key, value in sorted(asdict(settings).items())},
        "instance": _instance_identity(Path(home)),
        "landing": [[e.path, e.size, e.mtime_ns, e.problem] for e in scan.entries],
        "hidden": list(scan.hidden),
        "overrides": _stat(settings.entity_overrides_path),
    }


def fingerprint(settings: Settings, state: dict) -> str:
    state = {**state, "warehouse": _warehouse_files(settings.warehouse_dir)}
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def record(settings: Settings, state: dict, summary: str, hidden_message: str) -> None:
    """Write the stamp atomically (under the run lock, after a run with nothing failed; ``state``
    from ``inputs`` at its start)."""
    objects.write_text(stamp_path(settings.warehouse_dir), json.dumps({
        "fingerprint": fingerprint(settings, state), "summary": summary, "hidden": hidden_message}))


def forget(warehouse_dir: Path) -> None:
    objects.delete(stamp_path(warehouse_dir))


def unchanged(settings: Settings, home: Path, scan: LandingScan | None = None) -> dict | None:
    """The recorded summary and hidden-entries message when nothing changed since the last complete run.
    ``scan``: the landing dir as listed by the caller, which then runs on the same listing."""
    path = stamp_path(settings.warehouse_dir)
    if not path.exists():
        return None
    with run_lock(settings):  # not while another run writes
        try:
            stamp = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        return stamp if stamp.get("fingerprint") == fingerprint(settings, inputs(settings, home, scan)) else None
