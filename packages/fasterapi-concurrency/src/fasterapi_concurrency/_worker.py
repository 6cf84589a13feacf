"""The worker side of a call: unpickle it, find the function, run it, pickle the outcome.

Both backends run `execute` for every call: a process worker imports it as
`fasterapi_concurrency._worker`, a sub-interpreter loads this file on its own
(by path) so that it does not import the pool machinery (asyncio, threads,
concurrent.futures) it never uses. Hence the rule for this module: it imports
the standard library only, never its own package.

Wire format (all `pickle`, highest protocol):

- request: ``(module, qualname, target, args, kwargs)`` where ``module`` is
  ``None`` when ``target`` is the pickled callable itself (bound method,
  ``functools.partial``, callable instance), else the function is imported
  from ``module`` and found by walking ``qualname``;
- reply: ``(True, pickled result)`` or ``(False, pickled (exception or None,
  "module.QualName" of its type, str(exception), formatted traceback))``.
"""

from __future__ import annotations

import importlib
import pickle
import traceback
from typing import Any

PROTOCOL = pickle.HIGHEST_PROTOCOL

#: The message CPython gives when a single-phase-init extension module is
#: imported in an isolated sub-interpreter.
_NO_SUBINTERPRETERS = "does not support loading in subinterpreters"

# PERF: functions are imported and looked up once per worker, then found in a
# dict on every later call (benchmarks/bench_concurrency.py::overhead).
_functions: dict[tuple[str, str], Any] = {}


def find(module: str, qualname: str) -> Any:
    """The object named `qualname` in `module`, importing the module if needed.

    Raises:
        ImportError: The module cannot be imported here or has no such name.
    """
    key = (module, qualname)
    try:
        return _functions[key]
    except KeyError:
        pass
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except ImportError as exc:
        if _NO_SUBINTERPRETERS in str(exc):
            raise
        raise ImportError(
            f"the worker could not import {module}.{qualname}: {exc}. Functions are sent "
            "by reference (module and name) and imported again in the worker, so the "
            "module must be importable from sys.path in a fresh interpreter.",
            name=module,
        ) from exc
    except AttributeError as exc:
        raise ImportError(
            f"the worker imported {module!r} but found no {qualname!r} in it: {exc}",
            name=module,
        ) from exc
    _functions[key] = obj
    return obj


def execute(request: bytes) -> tuple[bool, bytes]:
    """Run one pickled call and return its pickled outcome (see the module docstring)."""
    name = "the function"
    try:
        module, qualname, target, args, kwargs = pickle.loads(request)
        if module is None:
            func = target
        else:
            name = f"{module}.{qualname}"
            func = find(module, qualname)
        result = func(*args, **kwargs)
    except BaseException as exc:
        return False, encode_error(exc)
    try:
        return True, pickle.dumps(result, PROTOCOL)
    except Exception as exc:
        problem = TypeError(
            f"the result of {name} ({type(result).__qualname__}) cannot be pickled back "
            f"to the caller: {exc}. Return plain data: str, bytes, numbers, lists, "
            "dicts, or instances of classes defined in importable modules."
        )
        return False, encode_error(problem)


def encode_error(exc: BaseException) -> bytes:
    """Pickle an exception with its traceback text; keep only its type name if it won't pickle."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    exc = _with_advice(exc)
    cls = type(exc)
    try:
        data = pickle.dumps(exc, PROTOCOL)
        # An exception whose __init__ takes other arguments than it passes to
        # BaseException pickles fine but fails to unpickle: find out here.
        pickle.loads(data)
        blob: bytes | None = data
    except Exception:
        blob = None
    return pickle.dumps((blob, f"{cls.__module__}.{cls.__qualname__}", str(exc), text), PROTOCOL)


def _with_advice(exc: BaseException) -> BaseException:
    if isinstance(exc, ImportError) and _NO_SUBINTERPRETERS in str(exc):
        # CPython's message is "module NAME does not support ...", without .name set.
        name = exc.name or str(exc).removeprefix("module ").split(" ", 1)[0]
        return ImportError(
            f"{exc}: {name} is an extension module built with "
            "single-phase initialisation, which cannot be loaded in an isolated "
            "sub-interpreter. Run this function with SubInterpreterPool(backend='process') "
            "instead, or use a release of the module that supports sub-interpreters "
            "(multi-phase init, PEP 489).",
            name=name,
            path=exc.path,
        )
    return exc
