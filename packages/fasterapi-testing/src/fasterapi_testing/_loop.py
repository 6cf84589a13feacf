"""One event loop in one background thread, for the whole life of a sync client."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """Runs an event loop in a daemon thread; started lazily, stopped by `close()`.

    Every request, WebSocket and lifespan of a client runs on this one loop, so
    objects an application creates at startup (pools, locks, queues) stay usable.
    """

    __slots__ = ("_lock", "loop", "thread")

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> asyncio.AbstractEventLoop:
        """Return the running loop, starting the thread on first use."""
        loop = self.loop
        if loop is not None:
            return loop
        with self._lock:
            if self.loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=_run_forever, args=(loop,), name="fasterapi-testclient-loop", daemon=True
                )
                thread.start()
                self.thread = thread
                self.loop = loop
            return self.loop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop and block until it returns (or raises)."""
        return asyncio.run_coroutine_threadsafe(coro, self.start()).result()

    def close(self) -> None:
        """Cancel what is still running, stop the loop and join its thread."""
        with self._lock:
            loop, thread = self.loop, self.thread
            self.loop = self.thread = None
        if loop is None or thread is None:
            return
        if thread is threading.current_thread():  # pragma: no cover - closed from the loop itself
            loop.call_soon(loop.stop)
            return
        try:
            asyncio.run_coroutine_threadsafe(_shutdown(loop), loop).result()
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()


def _run_forever(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    loop.run_forever()


async def _shutdown(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel leftover tasks (an app still streaming, a lifespan never shut down)."""
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks(loop) if t is not current]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    await loop.shutdown_asyncgens()
    # A client left open is closed by its finalizer at interpreter exit, where Python 3.12
    # refuses the thread this starts to wait for the executor ("can't create new thread at
    # interpreter shutdown"); the executor's workers have been joined by then.
    with contextlib.suppress(RuntimeError):
        await loop.shutdown_default_executor()
