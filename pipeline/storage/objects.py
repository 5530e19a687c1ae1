"""Where the warehouse's bytes live: a local directory, or an ``s3://bucket/prefix`` URL.

Everything that lists, reads, writes or deletes a warehouse file goes
through here. A local warehouse is a plain ``pathlib.Path`` and behaves as
before (hidden temporary files renamed into place, file locks). A remote
one is an ``S3Path``: the same small part of the pathlib interface the
storage modules use (``/``, ``name``, ``exists``, ``stat``, ``glob``,
``read_text`` ...), backed by s3fs, plus what object storage offers instead
of renames and locks:

* ``write_bytes`` / ``upload``: one PUT (or one completed multipart upload)
  per object, which S3 makes visible whole or not at all;
* ``create_only``: a PUT with ``If-None-Match: *`` (False when the object
  exists: HTTP 412), the building block of the batch ledger's claims and the
  run lease;
* ``replace_if`` / ``delete(if_match=...)``: compare-and-swap on the ETag.

Modification times matter to the staleness rules (``refresh``,
``runner._aggregates_stale``), which compare the times of our own writes to
the nanosecond; S3's Last-Modified has whole seconds, so each write stores
its time in the object's metadata (``x-amz-meta-mtime-ns``) and ``stat``
reads it back (one HEAD, cached per ETag).

The endpoint comes from ``Settings.s3_endpoint_url`` (NEWS_S3_ENDPOINT_URL)
or the standard AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL; credentials and
region from the standard AWS_* variables (or the usual AWS config files).
Parquet is read and written through pyarrow's own S3 filesystem
(``arrow_filesystem``), configured the same way.
"""
from __future__ import annotations

import fnmatch
import os
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

SCHEME = "s3://"
MTIME_KEY = "mtime-ns"


def is_remote(location) -> bool:
    return isinstance(location, S3Path) or (isinstance(location, str) and location.startswith(SCHEME))


def location(root, endpoint_url: str | None = None):
    """``root`` as a path: ``S3Path`` for an ``s3://`` URL, else a local ``Path``."""
    if isinstance(root, S3Path):
        return root if endpoint_url is None or endpoint_url == root.endpoint_url else S3Path(root.url, endpoint_url)
    text = str(root)
    if text.startswith("s3:/") and not text.startswith(SCHEME):  # a URL that went through Path("s3://...")
        text = SCHEME + text[len("s3:/"):]
    if text.startswith(SCHEME):
        return S3Path(text, endpoint_url)
    return Path(root)


def default_endpoint() -> str:
    return (os.environ.get("NEWS_S3_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3")
            or os.environ.get("AWS_ENDPOINT_URL") or "")


@lru_cache(maxsize=8)
def _s3fs(endpoint_url: str):
    import s3fs

    kwargs = {"endpoint_url": endpoint_url} if endpoint_url else {}
    # no listing cache: other processes write the same prefixes
    return s3fs.S3FileSystem(use_listings_cache=False, skip_instance_cache=True, **kwargs)


@lru_cache(maxsize=8)
def _arrow_s3(endpoint_url: str):
    import pyarrow.fs as pafs

    kwargs = {}
    if endpoint_url:
        scheme, _, host = endpoint_url.partition("://")
        kwargs = {"endpoint_override": host or scheme, "scheme": scheme if host else "https"}
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        kwargs["region"] = region
    return pafs.S3FileSystem(**kwargs)  # credentials: the standard AWS_* variables and files


def arrow_filesystem(path):
    """(pyarrow filesystem, path on it) to open ``path`` with pyarrow (Parquet files, datasets)."""
    if isinstance(path, S3Path):
        return _arrow_s3(path.endpoint_url), path.key_path
    return None, str(path)


class PreconditionFailed(Exception):
    """A conditional write lost: the object exists (If-None-Match) or changed (If-Match)."""


def _precondition_failed(exc: BaseException) -> bool:
    for error in (exc, exc.__cause__, exc.__context__):
        response = getattr(error, "response", None)
        if isinstance(response, dict):
            code = str(response.get("Error", {}).get("Code", ""))
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in ("PreconditionFailed", "412", "ConditionalRequestConflict") or status in (409, 412):
                return True
    return False


def _missing(exc: BaseException) -> bool:
    if isinstance(exc, FileNotFoundError):
        return True
    for error in (exc.__cause__, exc.__context__):
        response = getattr(error, "response", None)
        if isinstance(response, dict) and str(response.get("Error", {}).get("Code", "")) in ("404", "NoSuchKey",
                                                                                              "NotFound"):
            return True
    return False


@dataclass(frozen=True)
class ObjectStat:
    st_size: int
    st_mtime_ns: int
    st_ino: int  # from the ETag: changes when the object is replaced by other bytes
    etag: str


_MTIMES: dict[tuple[str, str, int], int] = {}  # (url, etag, last-modified s) -> stored mtime_ns


def _mtime_ns(url: str, etag: str, last_modified) -> int | None:
    return _MTIMES.get((url, etag, int(last_modified.timestamp()))) if last_modified is not None else None


class S3Path:
    """An object (or a prefix) under an ``s3://`` warehouse; the pathlib subset the storage modules use."""

    def __init__(self, url: str, endpoint_url: str | None = None, _listed: dict | None = None):
        rest = url[len(SCHEME):].strip("/")
        self.bucket, _, key = rest.partition("/")
        self.key = str(PurePosixPath(key)) if key else ""
        if self.key == ".":
            self.key = ""
        self.endpoint_url = default_endpoint() if endpoint_url is None else endpoint_url
        self._listed = _listed  # size, etag, last-modified from the listing that found it

    # ------------------------------------------------------------ names
    @property
    def url(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.key}" if self.key else f"{SCHEME}{self.bucket}"

    @property
    def key_path(self) -> str:
        return f"{self.bucket}/{self.key}" if self.key else self.bucket

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"S3Path({self.url!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, S3Path) and (self.url, self.endpoint_url) == (other.url, other.endpoint_url)

    def __lt__(self, other: "S3Path") -> bool:
        return self.url < other.url

    def __hash__(self) -> int:
        return hash((self.url, self.endpoint_url))

    def __deepcopy__(self, memo):
        return S3Path(self.url, self.endpoint_url)

    def __reduce__(self):
        return (S3Path, (self.url, self.endpoint_url))

    def __truediv__(self, part) -> "S3Path":
        return S3Path(f"{self.url}/{str(part).strip('/')}", self.endpoint_url)

    @property
    def name(self) -> str:
        return PurePosixPath(self.key).name

    @property
    def stem(self) -> str:
        return PurePosixPath(self.key).stem

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.key).suffix

    @property
    def parent(self) -> "S3Path":
        parent = str(PurePosixPath(self.key).parent) if self.key else ""
        return S3Path(f"{SCHEME}{self.bucket}/{'' if parent == '.' else parent}", self.endpoint_url)

    def with_name(self, name: str) -> "S3Path":
        return self.parent / name

    def relative_to(self, other: "S3Path") -> PurePosixPath:
        return PurePosixPath(self.key).relative_to(other.key) if other.key else PurePosixPath(self.key)

    def resolve(self) -> "S3Path":
        return self

    # ------------------------------------------------------------ the client
    @property
    def _fs(self):
        return _s3fs(self.endpoint_url)

    def _call(self, method: str, **kwargs):
        return self._fs.call_s3(method, Bucket=self.bucket, **kwargs)

    # ------------------------------------------------------------ reading
    def _head(self) -> dict:
        try:
            return self._call("head_object", Key=self.key)
        except Exception as exc:
            if _missing(exc):
                raise FileNotFoundError(self.url) from None
            raise

    def stat(self) -> ObjectStat:
        listed = self._listed
        if listed is not None:
            cached = _mtime_ns(self.url, listed["ETag"], listed["LastModified"])
            if cached is not None:
                return ObjectStat(listed["Size"], cached, hash(listed["ETag"]) & (2**62 - 1), listed["ETag"])
        head = self._head()
        stored = head.get("Metadata", {}).get(MTIME_KEY)
        mtime_ns = int(stored) if stored else int(head["LastModified"].timestamp() * 1e9)
        _MTIMES[(self.url, head["ETag"], int(head["LastModified"].timestamp()))] = mtime_ns
        return ObjectStat(head["ContentLength"], mtime_ns, hash(head["ETag"]) & (2**62 - 1), head["ETag"])

    def exists(self) -> bool:
        if self._listed is not None:
            return True
        try:
            self._head()
            return True
        except FileNotFoundError:
            return self.is_dir()

    def is_dir(self) -> bool:
        prefix = f"{self.key}/" if self.key else ""
        return bool(self._call("list_objects_v2", Prefix=prefix, MaxKeys=1).get("KeyCount", 0))

    def is_file(self) -> bool:
        try:
            self._head()
            return True
        except FileNotFoundError:
            return False

    def read_versioned(self) -> tuple[bytes, str]:
        """The object's bytes and the ETag they belong to (one GET; for ``replace_if``)."""
        from fsspec.asyn import sync

        async def get():
            response = await self._fs._call_s3("get_object", Bucket=self.bucket, Key=self.key)
            async with response["Body"] as stream:
                return await stream.read(), response["ETag"]

        try:
            return sync(self._fs.loop, get)
        except Exception as exc:
            if _missing(exc):
                raise FileNotFoundError(self.url) from None
            raise

    def read_bytes(self) -> bytes:
        return self.read_versioned()[0]

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.read_bytes().decode(encoding)

    def listing(self, recursive: bool = False) -> list[dict]:
        """The objects under this prefix (one level, or all): the listing's Key, Size, ETag, LastModified."""
        prefix = f"{self.key}/" if self.key else ""
        kwargs = {"Prefix": prefix} if recursive else {"Prefix": prefix, "Delimiter": "/"}
        found, token = [], None
        while True:
            page = self._call("list_objects_v2", **kwargs, **({"ContinuationToken": token} if token else {}))
            found.extend(page.get("Contents", []))
            if not page.get("IsTruncated"):
                return found
            token = page["NextContinuationToken"]

    def iterdir(self):
        for item in self.listing():
            yield S3Path(f"{SCHEME}{self.bucket}/{item['Key']}", self.endpoint_url, _listed=item)

    def glob(self, pattern: str):
        """Objects directly under this prefix whose name matches ``pattern`` (no ``**``), sorted by name."""
        return sorted((p for p in self.iterdir() if fnmatch.fnmatchcase(p.name, pattern)), key=lambda p: p.name)

    # ------------------------------------------------------------ writing
    def mkdir(self, parents: bool = False, exist_ok: bool = False) -> None:
        """Nothing to do: object storage has no directories."""

    def _put(self, data: bytes, mtime_ns: int | None = None, **conditions) -> str:
        metadata = {MTIME_KEY: str(mtime_ns if mtime_ns is not None else time.time_ns())}
        try:
            response = self._call("put_object", Key=self.key, Body=data, Metadata=metadata, **conditions)
        except Exception as exc:
            if conditions and _precondition_failed(exc):
                raise PreconditionFailed(self.url) from None
            raise
        return response["ETag"]

    def write_bytes(self, data: bytes, mtime_ns: int | None = None) -> str:
        """Replace the object whole (one PUT: readers see the old bytes or the new); returns the ETag."""
        return self._put(bytes(data), mtime_ns)

    def write_text(self, text: str, encoding: str = "utf-8") -> str:
        return self.write_bytes(text.encode(encoding))

    def unlink(self, missing_ok: bool = False) -> None:
        if not missing_ok and not self.is_file():
            raise FileNotFoundError(self.url)
        self._call("delete_object", Key=self.key)


# ---------------------------------------------------------------- the operations, local or remote


def write_bytes(path, data: bytes, mtime_ns: int | None = None) -> None:
    """Write ``path`` whole, atomically: a hidden temporary file renamed into place (local) or one PUT."""
    if isinstance(path, S3Path):
        path.write_bytes(data, mtime_ns)
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    tmp.write_bytes(data)
    if mtime_ns is not None:
        os.utime(tmp, ns=(mtime_ns, mtime_ns))
    os.replace(tmp, path)


def write_text(path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def upload(local_file: Path, path, mtime_ns: int | None = None) -> None:
    """Move a finished local file to ``path``: a rename (local) or an upload, then the local file is removed.

    On S3 a file up to 100 MB goes in one PUT, a larger one as a multipart
    upload, which becomes visible only when completed: either way readers
    never see part of it.
    """
    if not isinstance(path, S3Path):
        if mtime_ns is not None:
            os.utime(local_file, ns=(mtime_ns, mtime_ns))
        os.replace(str(local_file), str(path))
        return
    metadata = {MTIME_KEY: str(mtime_ns if mtime_ns is not None else time.time_ns())}
    try:
        path._fs.put_file(str(local_file), path.key_path, chunksize=50 * 2**20, Metadata=metadata)
    finally:
        Path(local_file).unlink(missing_ok=True)


def create_only(path, data: bytes) -> bool:
    """Create ``path`` with ``data`` unless it exists; False when it does (If-None-Match: *, or O_EXCL locally)."""
    if isinstance(path, S3Path):
        try:
            path._put(data, IfNoneMatch="*")
            return True
        except PreconditionFailed:
            return False
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "xb") as handle:
            handle.write(data)
        return True
    except FileExistsError:
        return False


def replace_if(path: S3Path, data: bytes, etag: str) -> str | None:
    """Replace the object only if its ETag is still ``etag`` (If-Match); the new ETag, or None when it changed."""
    try:
        return path._put(data, IfMatch=etag)
    except PreconditionFailed:
        return None


def delete(path, if_match: str | None = None) -> bool:
    """Delete ``path`` (if it still has ETag ``if_match``, when given); False when it changed or was gone."""
    if not isinstance(path, S3Path):
        try:
            Path(path).unlink()
            return True
        except FileNotFoundError:
            return False
    try:
        path._call("delete_object", Key=path.key, **({"IfMatch": if_match} if if_match else {}))
        return True
    except Exception as exc:
        if _precondition_failed(exc) or _missing(exc):
            return False
        raise


def walk_files(root) -> list[list]:
    """[relative path, size, version] of every file under ``root``, dot-files and dot-dirs left out, sorted.

    The version is the modification time (local) or the ETag (S3: one listing, no HEAD per object).
    """
    found = []
    if isinstance(root, S3Path):
        for item in root.listing(recursive=True):
            relative = item["Key"][len(root.key) + 1:] if root.key else item["Key"]
            if not any(part.startswith(".") for part in relative.split("/")):
                found.append([relative, item["Size"], item["ETag"]])
        return sorted(found)
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                path = Path(directory) / name
                try:
                    st = path.stat()
                    found.append([str(path.relative_to(root)), st.st_size, st.st_mtime_ns])
                except OSError:
                    found.append([str(path.relative_to(root))])
    return found
