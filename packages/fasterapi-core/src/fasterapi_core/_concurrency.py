"""The thread pool that sync handlers, sync dependencies and sync background tasks run in.

One `ThreadPoolExecutor` per process, sized by `Faster(thread_pool_size=...)` (default
`min(32, os.cpu_count() + 4)`, the stdlib's own default). Context variables are copied into
the worker, as `asyncio.to_thread` does.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = (
    "configure_thread_pool",
    "default_thread_pool_size",
    "iterate_in_threadpool",
    "run_in_threadpool",
)


def default_thread_pool_size() -> int:
    """`min(32, os.cpu_count() + 4)`: the size used when `thread_pool_size` is not given."""
    return min(32, (os.cpu_count() or 1) + 4)


_size = default_thread_pool_size()
_executor: ThreadPoolExecutor | None = None


def configure_thread_pool(size: int | None) -> None:
    """Set the number of worker threads (None: the default). Takes effect for new work."""
    global _executor, _size
    new = default_thread_pool_size() if size is None else size
    if new < 1:
        raise ValueError("thread_pool_size must be at least 1")
    if new != _size or _executor is None:
        old = _executor
        _size = new
        _executor = None
        if old is not None:
            old.shutdown(wait=False)


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=_size, thread_name_prefix="fasterapi")
    return _executor


async def run_in_threadpool(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking `func(*args, **kwargs)` in the thread pool and await its result.

    Args:
        func: Any sync callable.
        *args: Positional arguments for `func`.
        **kwargs: Keyword arguments for `func`.

    Returns:
        What `func` returned (its exception is raised here).
    """
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    call = (
        functools.partial(ctx.run, func, *args, **kwargs)
        if kwargs
        else functools.partial(ctx.run, func, *args)
    )
    executor = _executor if _executor is not None else _get_executor()
    return await loop.run_in_executor(executor, call)


class _Exhausted(Exception):
    pass


def _next(it: Iterator[T]) -> T:
    try:
        return next(it)
    except StopIteration:
        raise _Exhausted from None


def step_generator(gen: Any, error: BaseException | None = None) -> tuple[bool, Any]:
    """Advance a sync generator (or throw `error` into it): `(True, value)` or `(False, None)`.

    StopIteration never crosses the thread boundary: a Future cannot hold it (asyncio refuses,
    and the await would hang on Python 3.10).
    """
    try:
        value = next(gen) if error is None else gen.throw(error)
    except StopIteration:
        return False, None
    return True, value


async def iterate_in_threadpool(iterable: Iterable[T]) -> AsyncIterator[T]:
    """Iterate a blocking iterable with each `next()` in the thread pool."""
    it = iter(iterable)
    while True:
        try:
            yield await run_in_threadpool(_next, it)
        except _Exhausted:  # noqa: PERF203 - the loop ends here
            return
