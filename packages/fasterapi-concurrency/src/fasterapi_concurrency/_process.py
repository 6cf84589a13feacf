"""The fallback backend (Python 3.10-3.12, or `backend="process"`): a process pool.

Workers are started with the "spawn" method: a fresh interpreter that imports
what it needs. "fork" is not safe inside a server: it copies a process that
runs threads (the event loop's executor, this pool's own manager thread) and
any lock one of them held at that instant stays locked for ever in the child;
the child also inherits the server's sockets and event-loop state. Python 3.12
warns about forking a threaded process and 3.14 stops using fork by default.
"forkserver" is safe too, but its workers are children of the fork server, not
of the server, which would defeat the parent watch below.

Workers never outlive the server:

- the pool shuts down at interpreter exit (concurrent.futures does it for
  every ProcessPoolExecutor, and the module-level default pool registers an
  ``atexit`` hook as well);
- if the server is killed (SIGTERM, SIGKILL, a crash), nothing in it runs any
  more, so each worker watches its parent itself: a daemon thread compares
  ``os.getppid()`` with the pid it was started from, every quarter second, and
  ends the worker when the parent is gone (the orphan gets a new parent).
  ``prctl(PR_SET_PDEATHSIG)`` is not used: Linux fires it when the *thread*
  that started the worker ends, and the pool starts workers from whichever
  thread happens to submit a call;
- workers ignore SIGINT: Ctrl-C in a terminal reaches the whole process group,
  and the server, not each worker, decides how to stop.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures.process import BrokenProcessPool

from fasterapi_concurrency._worker import execute

Reply = tuple[bool, bytes]

#: How often a worker checks that its parent is still alive, in seconds.
PARENT_POLL_INTERVAL = 0.25


def _start_worker(parent_pid: int) -> None:
    """Initializer of every worker process (runs in the worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch = threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="fasterapi-parent-watch", daemon=True
    )
    watch.start()


def _watch_parent(parent_pid: int) -> None:  # pragma: no cover - runs in the worker process
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_INTERVAL)
    os._exit(0)


class ProcessExecutor:
    """A `ProcessPoolExecutor` that is started on first use and replaced when it breaks."""

    __slots__ = ("_closed", "_executor", "_lock", "_max_workers")

    backend = "process"

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max_workers
        self._executor: cf.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def started(self) -> bool:
        return self._executor is not None

    def _new_executor(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            self._max_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    def submit(self, request: bytes) -> cf.Future[Reply]:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot run new calls after the pool was shut down")
            if self._executor is None:
                self._executor = self._new_executor()
            try:
                return self._executor.submit(execute, request)
            except BrokenProcessPool:
                # A worker died (os._exit, a signal, a crash in C code) and the
                # stdlib pool refuses new work from then on: start a fresh one.
                broken, self._executor = self._executor, self._new_executor()
                broken.shutdown(wait=False)
                return self._executor.submit(execute, request)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            executor = self._executor
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=cancel_futures)
