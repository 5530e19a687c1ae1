"""Map a document-level function over a batch.

Every per-document stage goes through ``map_batch`` so that a parallel
backend can be plugged in here without touching the stages. A document that
fails never stops the batch: ``Unusable`` becomes a rejection with its own
reason, any other exception an ``internal_error`` rejection.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from pipeline.core.models import Unusable

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


def _apply(fn: Callable[[In], Out], item: In) -> Outcome:
    try:
        return Outcome(item, value=fn(item))
    except Unusable as exc:
        return Outcome(item, reason=exc.reason, detail=exc.detail)
    except Exception as exc:  # a bug or a library failure on this document only
        last = traceback.extract_tb(exc.__traceback__)[-1]
        detail = f"{type(exc).__name__}: {exc} (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno})"
        return Outcome(item, reason="internal_error", detail=detail[:2000])


def map_batch(
    fn: Callable[[In], Out],
    items: Iterable[In],
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 100,
) -> Iterator[Outcome]:
    """Apply ``fn`` to each item in order, yielding one Outcome per item."""
    for count, item in enumerate(items, start=1):
        yield _apply(fn, item)
        if on_progress is not None and count % progress_every == 0:
            on_progress(count)
