"""Landing files as entries: listing that survives any filesystem oddity,
lossless paths, and the per-file account kept in ``landing_files`` (no Dagster here).

Paths are kept as Python keeps undecodable file names: ``str`` with
surrogate escapes (``os.fsdecode``), so every name round-trips to its exact
bytes. Tables store the displayable form (``display_path``: bytes that are
not valid UTF-8 written as ``\\xNN``, everything else unchanged) and
``landing_files.path_bytes`` the exact bytes.

Listing walks directories through file descriptors (no path-length limit, no
symlink followed into a loop) and never opens anything that is not a regular
file. An entry that cannot be read as a file inside the landing dir (a
symlink out of it, a dangling or looping symlink, a FIFO, a path longer than
the OS allows, a directory that cannot be listed) is returned with the
rejection reason it gets; hidden entries are returned apart, by name.
"""
from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.core.ingest import file_kind

# Rejection reasons given to landing entries that are not readable files.
LANDING_REASONS: dict[str, str] = {
    "not_a_regular_file": "a FIFO, socket, device, or a symlink to a directory: never opened",
    "broken_symlink": "a symlink whose target does not exist",
    "symlink_loop": "a symlink that leads back to itself (too many levels of symbolic links)",
    "path_too_long": "the file's path is longer than the operating system allows to open",
    "superseded_file": "a document of an older version of a landing file; the newer version replaced it",
}

STATUSES = ("ingested", "partly_ingested", "nothing_usable", "rejected", "superseded")

# fastwarc/warcio record types skipped by name; any other skipped type counts as unknown_type
SKIPPED_TYPES = frozenset({"request", "metadata", "warcinfo", "revisit", "conversion", "continuation"})


# ---------------------------------------------------------------- paths

def path_bytes(path: str) -> bytes:
    """The exact bytes of a (surrogate-escaped) path."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return path.encode("utf-8", "surrogatepass")


def display_path(path: str) -> str:
    """Valid Unicode for tables and messages: bytes that are not UTF-8 become ``\\xNN``.

    Idempotent, and the identity on every path that is valid UTF-8.
    """
    return path_bytes(path).decode("utf-8", "backslashreplace")


def printable(text: str) -> str:
    """A name for one line of terminal output: control characters (newlines...) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in display_path(text))


# ---------------------------------------------------------------- listing

@dataclass(frozen=True)
class LandingEntry:
    path: str  # relative, '/'-separated, surrogate-escaped
    size: int
    mtime_ns: int
    problem: str | None = None  # rejection reason when it cannot be read as a file
    detail: str | None = None


@dataclass
class LandingScan:
    entries: list[LandingEntry] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # hidden files and folders, skipped by design


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _problem(rel: str, st: os.stat_result | None, reason: str, detail: str) -> LandingEntry:
    return LandingEntry(rel, st.st_size if st else 0, st.st_mtime_ns if st else 0, reason, detail)


def _os_problem(exc: OSError) -> str:
    return {errno.ELOOP: "symlink_loop", errno.ENOENT: "broken_symlink",
            errno.ENAMETOOLONG: "path_too_long"}.get(exc.errno, "read_error")


# A relative path this short (in characters, each at most 4 bytes, under a root of any sane
# length) always opens by its full path: longer ones are checked by opening that path.
_SURELY_OPENABLE = 768


def _file_entry(root: Path, rel: str, lst: os.stat_result) -> LandingEntry | None:
    """A symlink or a file deep enough to hit the OS path limit, checked by its full path (what reading opens)."""
    full = root / rel
    try:
        st = os.stat(full)  # follows a symlink
    except FileNotFoundError:
        if not stat.S_ISLNK(lst.st_mode):
            return None  # vanished since listing
        return _problem(rel, lst, "broken_symlink", f"symlink to {display_path(os.readlink(full))}, which does not exist")
    except OSError as exc:
        return _problem(rel, lst, _os_problem(exc), f"{exc.strerror} ({len(path_bytes(str(full)))} bytes of path)"
                        if exc.errno == errno.ENAMETOOLONG else exc.strerror or str(exc))
    if stat.S_ISLNK(lst.st_mode):
        target = Path(os.path.realpath(full))
        if not _inside(target, root):
            return _problem(rel, lst, "unsafe_path", "symlink leading outside the landing directory (not read)")
        if not stat.S_ISREG(st.st_mode):
            return _problem(rel, lst, "not_a_regular_file", "symlink to a directory or special file (not followed)")
    return LandingEntry(rel, st.st_size, st.st_mtime_ns)


def scan_landing(landing_dir: Path) -> LandingScan:
    """Every non-hidden entry below landing_dir that is not a directory, sorted by path.

    Directories are descended into whatever their name (``x.html/`` is a
    folder, not a page); symlinked directories are not (no loops, nothing
    outside). Never raises for what it finds.
    """
    root = Path(landing_dir).resolve()
    scan = LandingScan()
    root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    # depth first, one open descriptor per level: a wide tree never runs out of descriptors
    frames = [(root_fd, "", _list_dir(root, root_fd, "", scan))]
    while frames:
        dir_fd, prefix, subdirs = frames[-1]
        if not subdirs:
            os.close(dir_fd)
            frames.pop()
            continue
        name = subdirs.pop()
        try:
            sub_fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
        except OSError as exc:
            scan.entries.append(_problem(prefix + name, None, "read_error", f"cannot open directory: {exc.strerror}"))
            continue
        frames.append((sub_fd, f"{prefix}{name}/", _list_dir(root, sub_fd, f"{prefix}{name}/", scan)))
    scan.entries.sort(key=lambda e: path_bytes(e.path))
    scan.hidden.sort(key=path_bytes)
    return scan


def _list_dir(root: Path, dir_fd: int, prefix: str, scan: LandingScan) -> list[str]:
    """Classify one directory's entries into ``scan``; return its sub-directories' names."""
    subdirs = []
    try:
        with os.scandir(dir_fd) as listing:
            for item in listing:
                if _classify(root, prefix, item, scan):
                    subdirs.append(item.name)
    except OSError as exc:
        scan.entries.append(_problem(prefix.rstrip("/") or ".", None, "read_error", f"cannot list directory: {exc}"))
    return subdirs


def _classify(root: Path, prefix: str, item: os.DirEntry, scan: LandingScan) -> bool:
    """Record one entry; True when it is a directory to descend into."""
    rel = prefix + item.name
    if item.name.startswith("."):
        scan.hidden.append(rel)
        return False
    try:
        lst = item.stat(follow_symlinks=False)
    except FileNotFoundError:
        return False
    except OSError as exc:
        scan.entries.append(_problem(rel, None, "read_error", str(exc)))
        return False
    if stat.S_ISDIR(lst.st_mode):
        return True
    if stat.S_ISREG(lst.st_mode) and len(prefix) + len(item.name) < _SURELY_OPENABLE:
        scan.entries.append(LandingEntry(rel, lst.st_size, lst.st_mtime_ns))  # what reading opens is what was listed
    elif stat.S_ISREG(lst.st_mode) or stat.S_ISLNK(lst.st_mode):
        entry = _file_entry(root, rel, lst)
        if entry is not None:
            scan.entries.append(entry)
    else:
        kind = "FIFO" if stat.S_ISFIFO(lst.st_mode) else "socket" if stat.S_ISSOCK(lst.st_mode) else "device"
        scan.entries.append(_problem(rel, lst, "not_a_regular_file", f"a {kind} (never opened)"))
    return False


def earlier_versions(documents, paths) -> dict[str, set[str]]:
    """Displayed landing path -> doc_ids of the live documents earlier versions of it gave.

    ``documents`` has ``doc_id`` and ``source_path`` (a record adds ``#<offset>``).
    """
    wanted = {display_path(path) for path in paths}
    found: dict[str, set[str]] = {}
    for doc_id, source in zip(documents["doc_id"], documents["source_path"]):
        head, sep, offset = source.rpartition("#")
        path = source if source in wanted else head if sep and offset.isdigit() and head in wanted else None
        if path is not None:
            found.setdefault(path, set()).add(doc_id)
    return found


def open_regular(path: Path):
    """Open a file for reading only if it is a regular file (a FIFO would block forever)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


# ---------------------------------------------------------------- the per-file account

def media_kind(path: str) -> str:
    kind = file_kind(path)
    return {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text"}.get(
        kind[0], kind[0].lstrip(".")) if kind else "unsupported"


def skipped_by_reason(counts: Counter) -> dict[str, int]:
    """Records skipped by design, by reason, from the ingest core's counters."""
    skipped: Counter = Counter()
    for key, value in counts.items():
        if key == "skipped_non_html":
            skipped["non_html"] += value
        elif key == "skipped_http_status":
            skipped["non_2xx"] += value
        elif key.startswith("skipped_warc_"):
            name = key.removeprefix("skipped_warc_")
            skipped[name if name in SKIPPED_TYPES else "unknown_type"] += value
    return dict(skipped)


def records_by_type(counts: Counter) -> dict[str, int]:
    return {key.removeprefix("warc_type:"): value for key, value in counts.items() if key.startswith("warc_type:")}


def file_status(n_articles: int, n_rejections: int) -> str:
    """What ingestion made of one version of a file (``superseded`` is decided corpus-wide)."""
    if n_articles:
        return "partly_ingested" if n_rejections else "ingested"
    return "rejected" if n_rejections else "nothing_usable"


@dataclass
class _FileAccount:
    claimed: object  # batches.ClaimedFile
    counts: Counter = field(default_factory=Counter)
    documents: int = 0
    articles: int = 0
    rejections: Counter = field(default_factory=Counter)
    doc_ids: set = field(default_factory=set)


class LandingTally:
    """Counts per claimed file of a batch: records, skips, documents, articles, rejections."""

    def __init__(self, batch_key: str, claimed_files):
        self.batch_key = batch_key
        self.files = {display_path(c.path): _FileAccount(c) for c in claimed_files}

    def file_of(self, source_path: str) -> _FileAccount | None:
        source_path = display_path(source_path)
        if source_path in self.files:
            return self.files[source_path]
        head, sep, offset = source_path.rpartition("#")
        return self.files.get(head) if sep and offset.isdigit() else None

    def counts(self, path: str) -> Counter:
        return self.files[display_path(path)].counts

    def document(self, source_path: str, doc_id: str) -> None:
        if (account := self.file_of(source_path)) is not None:
            account.documents += 1
            account.doc_ids.add(doc_id)

    def article(self, source_path: str) -> None:
        if (account := self.file_of(source_path)) is not None:
            account.articles += 1

    def rejected(self, source_path: str, reason: str, doc_id: str | None) -> None:
        if (account := self.file_of(source_path)) is not None:
            account.rejections[reason] += 1
            if doc_id and reason == "duplicate_content":
                account.doc_ids.add(doc_id)  # the earlier copy stands for this record

    def kept_doc_ids(self, path: str) -> set[str]:
        return self.files[display_path(path)].doc_ids

    def rows(self) -> list[dict]:
        rows = []
        for shown, account in self.files.items():
            claimed = account.claimed
            by_type = records_by_type(account.counts)
            rows.append({
                "path": shown,
                "path_bytes": path_bytes(claimed.path),
                "size": claimed.size,
                "mtime": datetime.fromtimestamp(claimed.mtime_ns / 1e9, tz=timezone.utc),
                "sha256": claimed.sha256 or None,
                "batch": self.batch_key,
                "media_kind": media_kind(claimed.path),
                "n_records": sum(by_type.values()) if media_kind(claimed.path) in ("warc", "arc") else None,
                "records_by_type": sorted(by_type.items()),
                "records_skipped": sorted(skipped_by_reason(account.counts).items()),
                "n_documents": account.documents,
                "n_articles": account.articles,
                "n_rejections": sum(account.rejections.values()),
                "rejections_by_reason": sorted(account.rejections.items()),
                "status": file_status(account.articles, sum(account.rejections.values())),
                "duplicate_of": display_path(claimed.duplicate_of) if claimed.duplicate_of else None,
                "present": None,
                "superseded_by": None,
            })
        return rows
