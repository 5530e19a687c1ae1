"""Real servers for the tests that need them, on 127.0.0.1, stopped afterwards.

* PostgreSQL: Debian's postgresql-15 binaries (``make test`` installs the
  package when it is missing), run as the unprivileged ``postgres`` user
  (initdb and pg_ctl refuse root) on a directory that user owns.
* Dask: a ``dask scheduler`` and two ``dask worker`` processes from this venv
  (pipeline/cluster.py).

A missing server skips its tests, except under CI=true, where it fails.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
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
