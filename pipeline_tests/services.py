"""Real servers for the tests that need them, on 127.0.0.1, stopped afterwards.

* PostgreSQL: Debian's postgresql-15 binaries (``make test`` installs the
  package when it is missing), run as the unprivileged ``postgres`` user
  (initdb and pg_ctl refuse root) on a directory that user owns.
* Dask: a ``dask scheduler`` and two ``dask worker`` processes from this venv.

A missing server skips its tests, except under CI=true, where it fails.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


@contextmanager
def dask_cluster(workers: int = 2):
    """``dask scheduler`` plus ``workers`` single-threaded ``dask worker`` processes; yields the address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    bindir = Path(sys.executable).parent
    processes = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(workers):
            processes.append(subprocess.Popen(
                [str(bindir / "dask"), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-dashboard", "--memory-limit", "0"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        from distributed import Client

        with Client(address, timeout="60s", set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

