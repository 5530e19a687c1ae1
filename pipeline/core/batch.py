"""Map a document-level function over a batch.

Every per-document stage goes through ``map_batch``; where the documents run
(this process, a local pool, a cluster) is the executor's business
(pipeline/core/executors.py). A document that fails never stops the batch:
``Unusable`` becomes a rejection with its own reason, a document over its time
budget ``too_slow``, any other exception an ``internal_error`` rejection.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from pipeline.core.executors import InProcessExecutor

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True)
class Outcome(Generic[In, Out]):
    item: In
    value: Out | None = None
    reason: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def map_batch(
    fn: Callable[[In], Out],
    items: Iterable[In],
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 100,
    executor=None,
) -> Iterator[Outcome]:
    """Apply ``fn`` to each item on ``executor`` (in this process by default), one Outcome per item, in order.

    With a process pool or a cluster, ``fn`` must be picklable (a module-level
    function or a ``functools.partial`` of one, not a lambda).
    """
    executor = executor or InProcessExecutor()
    for count, (item, value, reason, detail) in enumerate(executor.map(fn, items), start=1):
        yield Outcome(item, value=value, reason=reason, detail=detail)
        if on_progress is not None and count % progress_every == 0:
            on_progress(count)
