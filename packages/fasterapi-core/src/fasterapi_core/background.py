"""Work that runs after the response has been sent: `BackgroundTask`, `BackgroundTasks`."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from fasterapi_core._concurrency import run_in_threadpool

__all__ = ("BackgroundTask", "BackgroundTasks")

logger = logging.getLogger("fasterapi")


class BackgroundTask:
    """One call to make after the response: `BackgroundTask(send_email, to, subject=...)`.

    Sync functions run in the thread pool, async ones on the event loop.

    Args:
        func: The function to call.
        *args: Its positional arguments.
        **kwargs: Its keyword arguments.
    """

    __slots__ = ("args", "func", "is_async", "kwargs")

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.is_async = _is_async_callable(func)

    async def __call__(self) -> None:
        """Run the task; its exception propagates, marked as coming after the response.

        The mark tells the app that the response is already out: the error reaches the
        server (which logs it) or a test client (which raises it), as in Starlette, and no
        500 is attempted.
        """
        try:
            if self.is_async:
                await self.func(*self.args, **self.kwargs)
            else:
                await run_in_threadpool(self.func, *self.args, **self.kwargs)
        except Exception as exc:
            _mark_after_response(exc)
            raise


class BackgroundTasks(BackgroundTask):
    """A list of tasks run in order after the response; inject it by annotation in a handler.

    A failing task is logged (with its traceback, on the `fasterapi` logger) and the next
    one still runs; once all have run, the first failure is re-raised, so that, as in
    Starlette, it reaches the server and `TestClient(raise_server_exceptions=True)`.

    Args:
        tasks: Initial tasks.
    """

    __slots__ = ("tasks",)

    def __init__(self, tasks: list[BackgroundTask] | None = None) -> None:
        self.tasks: list[BackgroundTask] = list(tasks) if tasks else []

    def add_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Queue `func(*args, **kwargs)` to run after the response is sent."""
        self.tasks.append(BackgroundTask(func, *args, **kwargs))

    async def __call__(self) -> None:
        """Run every task in order; log a failing one, go on, then re-raise the first failure.

        Raises:
            Exception: The first task's error, after every task has run.
        """
        first: Exception | None = None
        for task in self.tasks:
            try:
                await task()
            except Exception as exc:  # noqa: PERF203 - one failing task must not stop the others
                logger.exception("background task %r failed", getattr(task, "func", task))
                if first is None:
                    first = exc
        if first is not None:
            _mark_after_response(first)
            _mark_logged(first)
            raise first


def _mark_after_response(exc: BaseException) -> None:
    """Mark `exc` as raised after the response went out (read by the app's error handling)."""
    exc.__dict__["_fasterapi_response_started"] = True


def _mark_logged(exc: BaseException) -> None:
    """Mark `exc`, about to be re-raised, as logged with its traceback on our logger.

    `fasterapi run`'s protocol (`FasterAPI._fastproto`) reads the mark and does not log the
    same traceback again; a server that does not know it (uvicorn's own protocols) does.
    """
    exc.__dict__["_fasterapi_logged"] = True


def _is_async_callable(obj: Any) -> bool:
    while hasattr(obj, "func") and type(obj).__name__ == "partial":
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or (
        callable(obj) and inspect.iscoroutinefunction(type(obj).__call__)
    )
