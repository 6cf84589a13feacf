"""Functions that this package's tests and benchmark send to workers.

They live in the package, not in `tests/`, because a worker finds a function
by importing its module by name, and the installed package is importable
everywhere: in a sub-interpreter, in a spawned process, under any pytest
import mode. Nothing here is public API.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from pathlib import Path


def add(a: int, b: int = 0) -> int:
    return a + b


def noop() -> None:
    return None


def whereami() -> tuple[int, int]:
    """(process id, interpreter id) of the caller; the interpreter id is 0 before 3.13."""
    try:
        interpreters = importlib.import_module("_interpreters")
    except ImportError:
        return os.getpid(), 0
    current: int = interpreters.get_current()[0]
    return os.getpid(), current


def fib(n: int) -> int:
    """Deliberately slow, pure-Python and CPU-bound."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def spin(seconds: float) -> tuple[float, float]:
    """Burn CPU in pure Python for `seconds`; return the (start, end) monotonic stamps."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        sum(range(200))
    return start, time.monotonic()


def rendezvous(directory: str, me: str, other: str, timeout: float) -> tuple[float, float, bool]:
    """Announce `me`, then keep computing until `other` shows up (or `timeout` passes).

    Both sides can only meet if both run at the same time. Returns the
    (start, end) monotonic stamps and whether the other side was seen.
    """
    start = time.monotonic()
    Path(directory, me).touch()
    seen = False
    while time.monotonic() - start < timeout:
        sum(range(200))
        if Path(directory, other).exists():
            seen = True
            break
    return start, time.monotonic(), seen


def sleep_then_touch(started: str, seconds: float, done: str) -> str:
    Path(started).touch()
    time.sleep(seconds)
    Path(done).touch()
    return done


def touch(path: str) -> str:
    Path(path).touch()
    return path


def fail(message: str) -> None:
    raise ValueError(message)


class StubbornError(Exception):
    """Pickles, but does not unpickle: its __init__ wants two arguments."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(f"{code}: {detail}")


def fail_stubbornly() -> None:
    raise StubbornError(7, "no way back")


def return_lock() -> object:
    return threading.Lock()


def import_module(name: str) -> str:
    importlib.import_module(name)
    return name


def break_interpreter() -> None:
    """Remove the dispatch step from the sub-interpreter's __main__: its next call fails."""
    main = importlib.import_module("__main__")
    del main._fa_step


def exit_process() -> None:
    os._exit(3)


def sys_path() -> list[str]:
    return list(importlib.import_module("sys").path)


class Point:
    """A picklable object with a method (sent as a bound method)."""

    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)


class LockHolder:
    """An object that cannot be pickled (it holds a lock)."""

    __slots__ = ("lock",)

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def value(self) -> int:
        return 1


async def coroutine() -> int:
    return 1


def _plain_decorator(func: object) -> object:
    def wrapper() -> object:
        return func

    return wrapper


decorated = _plain_decorator(noop)
