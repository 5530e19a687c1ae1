"""Where the per-document map runs: in this process, a local process pool, or a Dask cluster.

``map_batch`` (pipeline/core/batch.py) hands every document to an executor;
the stages never know which one. All three return one ``Outcome`` per item,
in input order, so the tables are the same whichever runs them.

Each document has a time budget (``Settings.document_time_budget_s``); a
document that exceeds it becomes a ``too_slow`` outcome and the batch goes on:

* ``pool`` (default): a pebble process pool; a worker over budget is killed
  and replaced, so even a page stuck inside C code (libxml2) is stopped.
* ``inprocess`` and ``dask``: an exception raised in the stage's own thread:
  SIGALRM (``signal.setitimer``) on the main thread, elsewhere (Dask runs
  tasks on a thread pool) a timer thread that raises it asynchronously
  (``PyThreadState_SetAsyncExc``). Either is only handled between Python
  bytecodes, so a single long call into C code finishes before the document
  is stopped, and the worker is not replaced.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager

from pipeline.core.models import Unusable

EXECUTORS = ("inprocess", "pool", "dask")


class TooSlow(Unusable):
    def __init__(self, budget_s: float):
        super().__init__("too_slow", f"took longer than the per-document budget of {budget_s:g} s")


def apply_one(fn: Callable, item, budget_s: float | None = None):
    """``fn(item)`` as (value, reason, detail); ``Unusable`` and any other exception become reasons."""
    try:
        with _alarm(budget_s):
            return fn(item), None, None
    except _Expired:  # the timer fired just as the stage ended
        return None, "too_slow", TooSlow(budget_s).detail
    except Unusable as exc:
        return None, exc.reason, exc.detail
    except Exception as exc:  # a bug or a library failure on this document only
        last = traceback.extract_tb(exc.__traceback__)[-1]
        detail = f"{type(exc).__name__}: {exc} (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno})"
        return None, "internal_error", detail[:2000]


class _Expired(BaseException):
    """Raised asynchronously in a thread over its budget (not an Exception: stages cannot swallow it)."""


@contextmanager
def _alarm(budget_s: float | None):
    """Raise TooSlow in this thread after ``budget_s`` seconds."""
    if not budget_s:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        with _thread_alarm(budget_s):
            yield
        return

    def expired(signum, frame):
        raise TooSlow(budget_s)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, budget_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Closing:
    def closing(self, items: Iterable) -> Iterator:
        """``items``, then close this executor (however the loop over them ends)."""
        try:
            yield from items
        finally:
            self.close()


@contextmanager
def _thread_alarm(budget_s: float):
    thread_id, lock, state = ctypes.c_ulong(threading.get_ident()), threading.Lock(), {"done": False}

    def expire():
        with lock:
            if not state["done"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, ctypes.py_object(_Expired))

    timer = threading.Timer(budget_s, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except _Expired:
        raise TooSlow(budget_s) from None
    finally:
        with lock:
            state["done"] = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, None)  # drop one that came too late
        timer.cancel()


class InProcessExecutor(_Closing):
    """One document after another in this process (tests, small batches, debugging)."""

    name = "inprocess"

    def __init__(self, budget_s: float | None = None):
        self.budget_s = budget_s
        if budget_s:
            import pipeline.core.warmup  # noqa: F401 (lazy models loaded outside any budget)

    def describe(self) -> str:
        return f"documents ran in this process (pid {os.getpid()})"

    def map(self, fn: Callable, items: Iterable) -> Iterator[tuple]:
        for item in items:
            yield (item, *apply_one(fn, item, self.budget_s))

    def close(self) -> None:
        pass


def _start_context():
    # forkserver: workers fork from a clean server process (no threads of the
    # caller's, e.g. Dagster's), with the parsing libraries imported once.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.core.tables", "pipeline.core.warmup"])
        return context
    return multiprocessing.get_context("spawn")


class PoolExecutor(_Closing):
    """A local process pool (pebble): documents in parallel, a worker over budget killed and replaced."""

    name = "pool"

    def __init__(self, workers: int, budget_s: float | None = None):
        from pebble import ProcessPool

        self.budget_s = budget_s
        self.workers = max(1, workers)
        self.pool = ProcessPool(max_workers=self.workers, context=_start_context())

    def describe(self) -> str:
        return f"documents ran on a pool of {self.workers} local worker processes"

    def map(self, fn: Callable, items: Iterable) -> Iterator[tuple]:
        from pebble import ProcessExpired

        items = list(items)
        futures = [self.pool.schedule(apply_one, args=(fn, item), timeout=self.budget_s or None) for item in items]
        for item, future in zip(items, futures):
            try:
                yield (item, *future.result())
            except FutureTimeout:
                yield item, None, "too_slow", TooSlow(self.budget_s).detail + "; its worker was replaced"
            except ProcessExpired as exc:  # the worker died on this document (crash, out of memory)
                yield item, None, "internal_error", f"worker process died: exit code {exc.exitcode}"

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


class DaskExecutor(_Closing):
    """Documents as tasks on a Dask distributed cluster (``Settings.dask_scheduler``)."""

    name = "dask"

    def __init__(self, address: str, budget_s: float | None = None):
        from distributed import Client

        if not address:
            raise ValueError("executor 'dask' needs a scheduler address (NEWS_DASK_SCHEDULER=tcp://host:8786)")
        self.budget_s = budget_s
        self.client = Client(address, set_as_default=False)
        self.workers: Counter[str] = Counter()  # documents per worker: proof the work ran on the cluster

    def describe(self) -> str:
        per_worker = ", ".join(f"{worker}: {count}" for worker, count in sorted(self.workers.items()))
        return f"documents per Dask worker (stage runs): {per_worker}"

    def map(self, fn: Callable, items: Iterable) -> Iterator[tuple]:
        items = list(items)
        futures = self.client.map(_located, [fn] * len(items), items, budget_s=self.budget_s, pure=False)
        try:
            for item, future in zip(items, futures):
                value, reason, detail, worker = future.result()
                self.workers[worker] += 1
                yield item, value, reason, detail
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()


def _located(fn: Callable, item, budget_s: float | None = None) -> tuple:
    """apply_one on a Dask worker, with the worker's address and pid."""
    from distributed import get_worker

    if budget_s:
        import pipeline.core.warmup  # noqa: F401 (once per worker process, outside any budget)

    try:
        where = f"{get_worker().address} pid {os.getpid()}"
    except ValueError:
        where = f"local pid {os.getpid()}"
    return (*apply_one(fn, item, budget_s), where)


def make_executor(kind: str, workers: int = 2, budget_s: float | None = None, dask_scheduler: str = ""):
    if kind == "inprocess":
        return InProcessExecutor(budget_s)
    if kind == "pool":
        return PoolExecutor(workers, budget_s)
    if kind == "dask":
        return DaskExecutor(dask_scheduler, budget_s)
    raise ValueError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")


def open_executor(settings):
    """The executor ``settings`` name (``executor``, ``executor_workers``, ``dask_scheduler``, the budget)."""
    return make_executor(
        settings.executor, settings.executor_workers, settings.document_time_budget_s or None,
        settings.dask_scheduler,
    )
