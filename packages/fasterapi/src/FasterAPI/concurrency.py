"""Running blocking and CPU-bound work from async code.

`run_in_threadpool` (FastAPI's `fastapi.concurrency`) runs a blocking call on core's
thread pool; `iterate_in_threadpool` and `contextmanager_in_threadpool` are built on it.
`SubInterpreterPool` and `run_in_subinterpreter` run CPU-bound pure-Python functions in
parallel: in sub-interpreters with their own GIL on Python 3.13+, in processes before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager
from typing import TypeVar

from fasterapi_concurrency import RemoteTraceback as RemoteTraceback
from fasterapi_concurrency import SubInterpreterPool as SubInterpreterPool
from fasterapi_concurrency import WorkerError as WorkerError
from fasterapi_concurrency import run_in_subinterpreter as run_in_subinterpreter
from fasterapi_core import run_in_threadpool as run_in_threadpool

__all__ = (
    "RemoteTraceback",
    "SubInterpreterPool",
    "WorkerError",
    "contextmanager_in_threadpool",
    "iterate_in_threadpool",
    "run_in_subinterpreter",
    "run_in_threadpool",
)

T = TypeVar("T")
_DONE = object()


def _next_or_done(iterator: Iterator[T]) -> T | object:
    return next(iterator, _DONE)


async def iterate_in_threadpool(iterable: Iterable[T]) -> AsyncIterator[T]:
    """Iterate a blocking iterable, each `next()` on the thread pool.

    Args:
        iterable: Any iterable whose iteration may block (a file, a DB cursor).

    Yields:
        Its items, in order, without blocking the event loop.
    """
    iterator = iter(iterable)
    while True:
        item = await run_in_threadpool(_next_or_done, iterator)
        if item is _DONE:
            return
        yield item  # type: ignore[misc]


@asynccontextmanager
async def contextmanager_in_threadpool(cm: AbstractContextManager[T]) -> AsyncIterator[T]:
    """Use a blocking context manager from async code: enter and exit on the thread pool.

    Args:
        cm: A synchronous context manager (e.g. a DB session).

    Yields:
        What `cm.__enter__()` returned.
    """
    value = await run_in_threadpool(cm.__enter__)
    try:
        yield value
    except BaseException as exc:
        if not await run_in_threadpool(cm.__exit__, type(exc), exc, exc.__traceback__):
            raise
    else:
        await run_in_threadpool(cm.__exit__, None, None, None)
