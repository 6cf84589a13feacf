"""`SubInterpreterPool` and `run_in_subinterpreter`: CPU-bound work off the event loop, in parallel."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures as cf
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Literal, ParamSpec, Protocol, TypeVar

from fasterapi_concurrency import _compat
from fasterapi_concurrency._protocol import decode_reply, encode_call
from fasterapi_concurrency.errors import WorkerError

_P = ParamSpec("_P")
_R = TypeVar("_R")

BackendName = Literal["subinterpreter", "process"]
BackendChoice = Literal["auto", "subinterpreter", "process"]
_BACKENDS = ("auto", "subinterpreter", "process")


class _Executor(Protocol):
    backend: str

    @property
    def started(self) -> bool: ...

    def submit(self, request: bytes) -> cf.Future[tuple[bool, bytes]]: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


class SubInterpreterPool:
    """A pool of workers that run CPU-bound pure-Python functions in parallel.

    On Python 3.13+ each worker is a thread that owns one sub-interpreter with
    its own GIL, created on first use and reused for every later call: the
    workers run in parallel with each other and with the event loop. On
    Python 3.10-3.12 the same API runs the calls in a process pool.

    A function is sent by reference (its module and qualified name; the worker
    imports it), its arguments and its result cross by pickle, and an
    exception raised in the worker is raised again in the caller. Module
    globals are not shared: each worker has its own copy of every module.

    Example:
        ```python
        async with SubInterpreterPool() as pool:
            digest = await pool.run(hash_password, password, rounds=100_000)
        ```

    Args:
        max_workers: How many calls may run at once. Defaults to the number of
            CPUs this process may use.
        backend: "auto" (sub-interpreters on 3.13+, else processes),
            "subinterpreter" (3.13+ only) or "process" (any version).

    Raises:
        ValueError: `max_workers` is below 1, or `backend` is not one of the three names.
        RuntimeError: `backend="subinterpreter"` on Python older than 3.13.
    """

    __slots__ = ("_executor", "_max_workers")

    def __init__(self, max_workers: int | None = None, *, backend: BackendChoice = "auto") -> None:
        if max_workers is None:
            max_workers = _compat.cpu_count()
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        if backend not in _BACKENDS:
            raise ValueError(
                f"backend must be one of {', '.join(map(repr, _BACKENDS))}; got {backend!r}"
            )
        if backend == "auto":
            backend = "subinterpreter" if _compat.HAS_SUBINTERPRETERS else "process"
        self._max_workers = max_workers
        self._executor: _Executor
        if backend == "subinterpreter":
            from fasterapi_concurrency._subinterp import SubInterpreterExecutor

            self._executor = SubInterpreterExecutor(max_workers)
        else:
            from fasterapi_concurrency._process import ProcessExecutor

            self._executor = ProcessExecutor(max_workers)
        _track(self._executor)

    @property
    def backend(self) -> BackendName:
        """Where calls run: "subinterpreter" or "process"."""
        return "subinterpreter" if self._executor.backend == "subinterpreter" else "process"

    @property
    def max_workers(self) -> int:
        """How many calls may run at the same time."""
        return self._max_workers

    async def run(self, func: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        """Run `func(*args, **kwargs)` in a worker and return its result.

        Workers start on the first call. Cancelling the awaiting task drops the
        call if it has not started yet; a call that already started finishes in
        its worker and its result is discarded; the pool keeps serving.

        Args:
            func: A module-level function (or class, or builtin) that a worker
                can import by name; a bound method, `functools.partial` or
                callable object is pickled whole instead.
            *args: Positional arguments, pickled.
            **kwargs: Keyword arguments, pickled.

        Returns:
            The value `func` returned, unpickled in the caller.

        Raises:
            TypeError: Before dispatch, when a worker could not find `func` (a
                lambda, a nested function, a function of a script's
                ``__main__``), when it is a coroutine function, or when an
                argument cannot be pickled.
            ImportError: The worker could not import `func`'s module; for an
                extension module without sub-interpreter support the message
                names the module and suggests `backend="process"`.
            WorkerError: The worker failed (and was replaced) or the exception
                raised by `func` cannot be pickled.
            RuntimeError: The pool was shut down.
            BaseException: Whatever `func` raised, with the same type and
                message; its ``__cause__`` is a `RemoteTraceback`.
        """
        request = encode_call(func, args, kwargs)
        future = self._executor.submit(request)
        try:
            reply = await asyncio.wrap_future(future)
        except cf.BrokenExecutor as exc:
            raise WorkerError(
                f"a worker process died while {getattr(func, '__qualname__', func)!r} was "
                f"queued or running ({exc}); the pool starts new workers for the next calls"
            ) from exc
        result: _R = decode_reply(reply)
        return result

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers, after the calls already started have finished.

        Calling it again does nothing more; calls after it raise RuntimeError.

        Args:
            wait: Block until every worker has stopped (and its sub-interpreter
                or process is gone).
            cancel_futures: Also cancel the calls still queued instead of running them.
        """
        self._executor.shutdown(wait, cancel_futures=cancel_futures)
        if wait:
            _untrack(self._executor)

    async def __aenter__(self) -> SubInterpreterPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Waiting for the workers blocks: do it in a thread, not on the loop.
        await asyncio.to_thread(self.shutdown, True)

    def __repr__(self) -> str:
        return f"SubInterpreterPool(max_workers={self._max_workers}, backend={self.backend!r})"


# --- exit: no worker thread, sub-interpreter or process outlives the program --

_live: set[_Executor] = set()
_live_lock = threading.Lock()
_hooked = False


def _track(executor: _Executor) -> None:
    global _hooked
    with _live_lock:
        _live.add(executor)
        if not _hooked:
            # Worker threads are not daemons (a sub-interpreter must be destroyed
            # by its own thread, never torn down mid-call), so plain atexit would
            # run too late: the interpreter first waits for non-daemon threads.
            # This hook runs before that wait, as concurrent.futures' own does.
            register = getattr(threading, "_register_atexit", None)
            if register is not None:
                register(_shutdown_all)
            atexit.register(_shutdown_all)
            _hooked = True


def _untrack(executor: _Executor) -> None:
    with _live_lock:
        _live.discard(executor)


def _shutdown_all() -> None:
    with _live_lock:
        executors = list(_live)
        _live.clear()
    for executor in executors:
        executor.shutdown(wait=True)


_default_pool: SubInterpreterPool | None = None
_default_lock = threading.Lock()


def _get_default_pool() -> SubInterpreterPool:
    global _default_pool
    with _default_lock:
        if _default_pool is None:
            _default_pool = SubInterpreterPool()
            atexit.register(_default_pool.shutdown)
        return _default_pool


async def run_in_subinterpreter(
    func: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs
) -> _R:
    """Run `func(*args, **kwargs)` in the shared default pool and return its result.

    The default pool is a `SubInterpreterPool()` with the default number of
    workers and backend, created on the first call and shut down when the
    interpreter exits. See `SubInterpreterPool.run` for what `func` and its
    arguments may be and what is raised.

    Args:
        func: A module-level function a worker can import by name.
        *args: Positional arguments, pickled.
        **kwargs: Keyword arguments, pickled.

    Returns:
        The value `func` returned.
    """
    return await _get_default_pool().run(func, *args, **kwargs)
