"""The Python 3.13+ backend: one thread per worker, each owning one sub-interpreter.

A worker thread creates an isolated sub-interpreter (its own GIL, its own
modules), keeps it for its whole life and runs calls in it one at a time.
While a call runs, the thread holds the sub-interpreter's GIL, not the main
one, so the event loop and the other workers keep running in parallel.

How a call travels:

1. the caller pickles it (`_protocol.encode_call`) and puts it, with a
   `concurrent.futures.Future`, on the pool's queue;
2. a free worker thread binds the pickled bytes into its sub-interpreter's
   ``__main__`` (bytes are shared between interpreters without pickling) and
   executes a precompiled one-line step there, which runs `_worker.execute`;
3. the step puts the ``(ok, bytes)`` reply on the worker's cross-interpreter
   queue; the thread takes it off and resolves the future.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import queue
import sys
import threading
from pathlib import Path
from typing import Any

from fasterapi_concurrency import _compat, _worker
from fasterapi_concurrency.errors import WorkerError

Reply = tuple[bool, bytes]
_WorkItem = tuple["cf.Future[Reply]", bytes]

# Runs once in each new sub-interpreter: same sys.path as the parent (so user
# modules import), then the worker module loaded from its file under a
# private name, without importing its package.
_BOOTSTRAP = """\
import sys
sys.path[:] = _fa_path
import importlib.util
_fa_spec = importlib.util.spec_from_file_location("_fasterapi_concurrency_worker", _fa_file)
_fa_module = importlib.util.module_from_spec(_fa_spec)
sys.modules[_fa_spec.name] = _fa_module
_fa_spec.loader.exec_module(_fa_module)
import _interpqueues
def _fa_step(request, _execute=_fa_module.execute, _put=_interpqueues.put, _qid=_fa_qid, _args=_fa_put_args):
    _put(_qid, _execute(request), *_args)
del _fa_spec, _fa_module, _fa_path, _fa_file, _fa_qid, _fa_put_args
"""
# PERF: compiled once; executing a code object skips parsing on every call
# (benchmarks/bench_concurrency.py::overhead).
_STEP = compile("_fa_step(_fa_request)", "<fasterapi-concurrency>", "exec")
# CPython 3.13's _interpqueues wants, for create() and put(), an item format
# and "what to do with an item whose interpreter is gone": 0 = shareable
# objects only, 1 = remove the item. 3.14 dropped the format and gave the rest
# defaults, so the queue is created the 3.14 way first.
_SHARED_ONLY = 0
_UNBOUND_REMOVE = 1


class _Interpreter:
    """One isolated sub-interpreter plus the queue it answers on."""

    __slots__ = ("_interpreters", "_queues", "id", "qid")

    def __init__(self, sys_path: tuple[str, ...]) -> None:
        self._interpreters, self._queues = _compat.load_interpreter_modules()
        config = self._interpreters.new_config("isolated")
        self.id: int = self._interpreters.create(config)
        self.qid: int | None = None
        try:
            put_args: tuple[int, ...] = ()
            try:
                self.qid = self._queues.create(0)
            except TypeError:  # CPython 3.13: (maxsize, fmt, unboundop), all required
                put_args = (_SHARED_ONLY, _UNBOUND_REMOVE)
                self.qid = self._queues.create(0, *put_args)
            shared = {
                "_fa_put_args": put_args,
                "_fa_path": sys_path,
                "_fa_file": str(Path(_worker.__file__)),
                "_fa_qid": self.qid,
            }
            failure = self._interpreters.exec(self.id, _BOOTSTRAP, shared)
            if failure is not None:
                raise WorkerError(f"a new sub-interpreter failed to start:\n{_describe(failure)}")
        except BaseException:
            self.close()
            raise

    def call(self, request: bytes) -> Reply:
        """Run one call; any failure here means the interpreter is no longer usable."""
        failure = self._interpreters.exec(self.id, _STEP, {"_fa_request": request})
        if failure is not None:
            raise WorkerError(
                "the sub-interpreter running this call failed; the worker starts a new one "
                f"for its next call:\n{_describe(failure)}"
            )
        item = self._queues.get(self.qid)
        reply: Reply = item[0]
        return reply

    def close(self) -> None:
        if self.qid is not None:
            with contextlib.suppress(Exception):  # already gone: nothing left to free
                self._queues.destroy(self.qid)
            self.qid = None
        with contextlib.suppress(Exception):
            self._interpreters.destroy(self.id)


def _describe(failure: Any) -> str:
    return str(getattr(failure, "errdisplay", None) or getattr(failure, "formatted", failure))


class SubInterpreterExecutor:
    """`max_workers` threads, each running calls in its own sub-interpreter."""

    __slots__ = ("_closed", "_lock", "_max_workers", "_threads", "_work")

    backend = "subinterpreter"

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max_workers
        self._work: queue.SimpleQueue[_WorkItem | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False
        _compat.load_interpreter_modules()  # fail now, in the caller, if unavailable

    @property
    def started(self) -> bool:
        return bool(self._threads)

    def submit(self, request: bytes) -> cf.Future[Reply]:
        future: cf.Future[Reply] = cf.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot run new calls after the pool was shut down")
            if not self._threads:
                self._start()
            self._work.put((future, request))
        return future

    def _start(self) -> None:
        # The worker sees the sys.path of the moment the pool starts.
        sys_path = tuple(sys.path)
        for i in range(self._max_workers):
            thread = threading.Thread(
                target=_serve,
                args=(self._work, sys_path),
                name=f"fasterapi-subinterpreter-{i}",
            )
            thread.start()
            self._threads.append(thread)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            first = not self._closed
            self._closed = True
            if cancel_futures:
                stops = 0
                while True:
                    try:
                        item = self._work.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        stops += 1
                    else:
                        item[0].cancel()
                for _ in range(stops):
                    self._work.put(None)
            if first:
                for _ in self._threads:
                    self._work.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


def _serve(work: queue.SimpleQueue[_WorkItem | None], sys_path: tuple[str, ...]) -> None:
    """A worker thread: run calls until told to stop; replace the interpreter if it breaks."""
    interpreter: _Interpreter | None = None
    try:
        while (item := work.get()) is not None:
            future, request = item
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while queued: dropped, never run
            try:
                if interpreter is None:
                    interpreter = _Interpreter(sys_path)
                reply = interpreter.call(request)
            except BaseException as exc:
                # The interpreter (or its creation) failed, not the function:
                # the function's own exceptions come back inside the reply.
                if interpreter is not None:
                    interpreter.close()
                    interpreter = None
                future.set_exception(_as_worker_error(exc))
                continue
            future.set_result(reply)
    finally:
        if interpreter is not None:
            interpreter.close()


def _as_worker_error(exc: BaseException) -> WorkerError:
    if isinstance(exc, WorkerError):
        return exc
    error = WorkerError(
        f"the sub-interpreter could not run the call ({type(exc).__name__}: {exc}); "
        "the worker starts a new one for its next call"
    )
    error.__cause__ = exc
    return error
