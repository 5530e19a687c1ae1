"""A Dask cluster on this machine (scheduler plus workers on 127.0.0.1), for tests and benchmarks.

On a real cluster the scheduler and workers are started by its operators
(``dask scheduler`` / ``dask worker tcp://host:8786`` with this project
installed on every worker); the pipeline only needs the address
(``NEWS_EXECUTOR=dask NEWS_DASK_SCHEDULER=tcp://host:8786``).
"""
from __future__ import annotations

import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_dask_cluster(workers: int = 2):
    """``dask scheduler`` plus ``workers`` single-threaded ``dask worker`` processes; yields the address."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  **quiet)]
    try:
        for _ in range(workers):
            processes.append(subprocess.Popen([dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                               "--no-dashboard", "--memory-limit", "0"], **quiet))
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
