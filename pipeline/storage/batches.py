"""The batch ledger: which landing files were claimed into which batch.

Each batch is a JSON manifest in ``<warehouse>/_batches/<key>.json``, written
atomically under a file lock, so two processes never claim the same file.
On an ``s3://`` warehouse there is no lock: the manifest of the ledger's n-th
batch is the create-only object ``_batches/<n:06d>.json`` (If-None-Match: *).
Two claimers that read the same ledger both try to create the same name;
one wins, the other (HTTP 412) reads the ledger again, now with the winner's
files in it, and claims what is left. The manifest is the whole claim, so a
claimer killed at any moment leaves a complete batch or none.
A batch key is also the Dagster partition key of the per-batch tables.
A file is new when its (path, size, mtime) is unknown; a new file whose bytes
(sha256) were already claimed is recorded as a duplicate, never ingested twice.
An entry that is not a readable file (see ``core.landing.scan_landing``) is
claimed with its problem, so it becomes a rejection instead of a silent skip;
paths are kept with surrogate escapes (lossless in the JSON manifests).
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock

from pipeline.core.landing import LandingScan, display_path, open_regular, scan_landing
from pipeline.storage import objects

LEDGER_DIR = "_batches"


@dataclass(frozen=True)
class ClaimedFile:
    path: str  # relative to the landing dir
    size: int
    mtime_ns: int
    sha256: str
    duplicate_of: str | None = None  # earlier claimed path with the same bytes
    problem: str | None = None  # rejection reason of an entry that is not a readable file
    detail: str | None = None


@dataclass(frozen=True)
class Batch:
    key: str
    created_at: str
    files: tuple[ClaimedFile, ...]


def ledger_dir(warehouse_dir: Path) -> Path:
    return objects.location(warehouse_dir) / LEDGER_DIR


def ledger_lock(warehouse_dir: Path):
    """The local ledger's file lock; nothing on S3, where claims are create-only objects."""
    directory = ledger_dir(warehouse_dir)
    if objects.is_remote(directory):
        return nullcontext()
    directory.mkdir(parents=True, exist_ok=True)
    return FileLock(str(directory / ".lock"))


def load_batches(warehouse_dir: Path) -> list[Batch]:
    """Every claimed batch, oldest first."""
    directory = ledger_dir(warehouse_dir)
    if not objects.is_remote(directory) and not directory.exists():
        return []
    batches = [batch for manifest in sorted(directory.glob("*.json")) if (batch := _read_manifest(manifest))]
    return sorted(batches, key=lambda batch: batch.key)  # claim order (a remote manifest is named by number)


# A run reads the ledger several times (claim, pending batches, each batch's files, landing_files):
# a local manifest is parsed once per version (it is only ever replaced whole, by a rename).
_PARSED: dict[str, tuple[tuple[int, int, int], Batch]] = {}


def _read_manifest(manifest: Path) -> Batch | None:
    stamp = None
    if not objects.is_remote(manifest):
        try:
            st = os.stat(manifest)
        except FileNotFoundError:
            return None
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        cached = _PARSED.get(str(manifest))
        if cached is not None and cached[0] == stamp:
            return cached[1]
    try:
        data = json.loads(manifest.read_text())
    except FileNotFoundError:
        return None
    batch = Batch(key=data["key"], created_at=data["created_at"],
                  files=tuple(ClaimedFile(**f) for f in data["files"]))
    if stamp is not None:
        _PARSED[str(manifest)] = (stamp, batch)
    return batch


def load_batch(warehouse_dir: Path, key: str) -> Batch:
    for batch in load_batches(warehouse_dir):
        if batch.key == key:
            return batch
    raise KeyError(f"no batch {key!r} in {ledger_dir(warehouse_dir)}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _new_batch_key(now: datetime, sequence: int) -> str:
    # Keys sort in claim order (later stages rely on "earlier batch" meaning a
    # smaller key): the time, then the ledger's running count of batches.
    return f"{now:%Y%m%dT%H%M%S}-{sequence:06d}-{uuid.uuid4().hex[:8]}"


def _payload(batch: Batch) -> str:
    return json.dumps({"key": batch.key, "created_at": batch.created_at, "files": [asdict(f) for f in batch.files]},
                      indent=1)


def _write_manifest(warehouse_dir: Path, batch: Batch) -> None:
    directory = ledger_dir(warehouse_dir)
    target = directory / f"{batch.key}.json"
    tmp = directory / f".{batch.key}.json.tmp"
    tmp.write_text(_payload(batch))
    os.replace(tmp, target)


def _create_manifest(warehouse_dir: Path, batch: Batch, sequence: int) -> bool:
    """Create the remote ledger's ``sequence``-th manifest; False when another claimer created it first."""
    return objects.create_only(ledger_dir(warehouse_dir) / f"{sequence:06d}.json", _payload(batch).encode())


@dataclass
class Claim:
    batches: list[Batch] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # hidden entries of the landing dir, skipped by design


def claim_new_files(landing_dir: Path, warehouse_dir: Path, files_per_batch: int = 2_000) -> list[Batch]:
    """Claim every landing file not claimed before into new batches; return them."""
    return claim_landing(landing_dir, warehouse_dir, files_per_batch).batches


def claim_landing(landing_dir: Path, warehouse_dir: Path, files_per_batch: int = 2_000,
                  scan: LandingScan | None = None) -> Claim:
    """Claim every landing entry not claimed before into new batches; also name the hidden ones skipped.

    ``scan``: the landing dir as the caller already listed it (one listing per run), else listed here."""
    landing_dir = Path(landing_dir)
    if objects.is_remote(warehouse_dir):
        return _claim_optimistically(landing_dir, warehouse_dir, files_per_batch, scan)
    with ledger_lock(warehouse_dir):
        known = load_batches(warehouse_dir)
        claimed, hidden = _unclaimed(landing_dir, known, {}, scan)
        batches = []
        for sequence, start in enumerate(range(0, len(claimed), files_per_batch)):
            batch = _batch(known, sequence, claimed[start : start + files_per_batch])
            _write_manifest(warehouse_dir, batch)
            batches.append(batch)
        return Claim(batches, hidden)


def _claim_optimistically(landing_dir: Path, warehouse_dir: Path, files_per_batch: int,
                          scan: LandingScan | None) -> Claim:
    """The remote ledger: one create-only manifest at a time; a lost race re-reads the ledger and goes on.

    Every round either commits a batch of ours or finds one committed by
    another claimer, so it ends; hashes are computed once per file version."""
    hashes: dict = {}
    batches: list[Batch] = []
    while True:
        known = load_batches(warehouse_dir)
        claimed, hidden = _unclaimed(landing_dir, known, hashes, scan)
        if not claimed:
            return Claim(batches, hidden)
        batch = _batch(known, 0, claimed[:files_per_batch])
        if _create_manifest(warehouse_dir, batch, len(known)):
            batches.append(batch)


def _batch(known: list[Batch], offset: int, files: list[ClaimedFile]) -> Batch:
    now = datetime.now(timezone.utc)
    if known:  # a clock set back must not make a new batch sort before an old one
        now = max(now, datetime.strptime(known[-1].key[:15], "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc))
    return Batch(key=_new_batch_key(now, len(known) + offset), created_at=now.isoformat(), files=tuple(files))


def _unclaimed(landing_dir: Path, known: list[Batch], hashes: dict,
               scan: LandingScan | None = None) -> tuple[list[ClaimedFile], list[str]]:
    """The landing entries no batch of ``known`` claimed, in scan order, and the hidden entries skipped.

    ``hashes`` caches sha256 by (path, size, mtime) across calls."""
    seen_stat = {(f.path, f.size, f.mtime_ns) for b in known for f in b.files if not f.problem}
    seen_problem = {(f.path, f.size, f.mtime_ns, f.problem) for b in known for f in b.files if f.problem}
    seen_sha = {f.sha256: f.path for b in known for f in b.files if f.sha256}
    seen_path_sha = {(f.path, f.sha256) for b in known for f in b.files if f.sha256}
    claimed: list[ClaimedFile] = []
    scan = scan if scan is not None else scan_landing(landing_dir)
    for entry in scan.entries:
        rel_path, problem, detail = entry.path, entry.problem, entry.detail
        if problem is None:
            if (rel_path, entry.size, entry.mtime_ns) in seen_stat:
                continue
            version = (rel_path, entry.size, entry.mtime_ns)
            try:
                sha = hashes[version] if version in hashes else file_sha256(landing_dir / rel_path)
                hashes[version] = sha
            except FileNotFoundError:
                continue  # vanished since listing: the next listing will not see it either
            except OSError as exc:
                problem, detail = "read_error", display_path(f"{type(exc).__name__}: {exc.strerror or exc}")
        if problem is not None:
            if (rel_path, entry.size, entry.mtime_ns, problem) not in seen_problem:
                claimed.append(ClaimedFile(rel_path, entry.size, entry.mtime_ns, "", problem=problem, detail=detail))
            continue
        if (rel_path, sha) in seen_path_sha:
            continue  # touched or rewritten with the same bytes: nothing new
        # empty files share one hash but are not copies of each other: each gets its own rejection
        duplicate_of = seen_sha.get(sha) if entry.size else None
        claimed.append(ClaimedFile(rel_path, entry.size, entry.mtime_ns, sha, duplicate_of=duplicate_of))
        seen_sha.setdefault(sha, rel_path)
    return claimed, list(scan.hidden)
