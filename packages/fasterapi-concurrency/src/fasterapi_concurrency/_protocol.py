"""The caller's side of a call: check and pickle it before dispatch, unpickle the reply.

Every check that can be made in the caller is made here, so a call that could
never work fails at once with a `TypeError` that says why, instead of failing
later in a worker (or hanging).
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import sys
from collections.abc import Callable, Mapping
from types import BuiltinFunctionType, FunctionType, ModuleType
from typing import Any, NoReturn

from fasterapi_concurrency._worker import PROTOCOL
from fasterapi_concurrency.errors import RemoteTraceback, WorkerError

#: (module, qualname) to import in the worker, or None when the callable is pickled whole.
Reference = tuple[str, str] | None

# PERF: the checks below import and walk modules; do them once per function
# (benchmarks/bench_concurrency.py::overhead). Bounded so that functions made
# at run time cannot grow it without end.
_references: dict[object, tuple[str, str]] = {}
_MAX_REFERENCES = 4096


def encode_call(
    func: Callable[..., object], args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> bytes:
    """Pickle a call for a worker.

    Raises:
        TypeError: The worker could not find `func`, or an argument cannot be pickled.
    """
    try:
        ref = _references[func]
    except (KeyError, TypeError):
        ref = None
        if _by_reference(func):
            ref = _reference(func)
            if len(_references) >= _MAX_REFERENCES:
                _references.clear()
            _references[func] = ref
    module, qualname = ref if ref is not None else (None, None)
    target = None if ref is not None else func
    try:
        return pickle.dumps((module, qualname, target, args, dict(kwargs)), PROTOCOL)
    except Exception as exc:
        if target is not None:
            _check_picklable(target)
        raise TypeError(
            f"cannot send the arguments of {_name(func)} to a worker: {exc}. Arguments and "
            "results cross by pickle; pass plain data (str, bytes, numbers, lists, dicts) "
            "or instances of classes defined in importable modules."
        ) from exc


def decode_reply(reply: tuple[bool, bytes]) -> Any:
    """The result of a call, or raise the exception the worker sent back."""
    ok, data = reply
    if not ok:
        raise_remote(data)
    return pickle.loads(data)


def raise_remote(data: bytes) -> NoReturn:
    """Raise the exception pickled by `_worker.encode_error`, its traceback as the cause."""
    blob, type_name, message, text = pickle.loads(data)
    exc: BaseException | None = None
    if blob is not None:
        try:
            exc = pickle.loads(blob)
        except Exception:
            exc = None
    if exc is None:
        exc = WorkerError(
            f"the worker raised {type_name}: {message} (the exception could not be pickled "
            "back, so it is re-raised as WorkerError; its traceback is the cause)",
            remote_type=type_name,
        )
    raise exc from RemoteTraceback(text)


def _by_reference(func: object) -> bool:
    if isinstance(func, (FunctionType, type)):
        return True
    # Module-level builtins such as math.factorial; a builtin *method*
    # ([].append) is bound to an object and is pickled with it instead.
    return isinstance(func, BuiltinFunctionType) and isinstance(
        func.__self__, (ModuleType, type(None))
    )


def _reference(func: Any) -> tuple[str, str]:
    qualname: str = func.__qualname__
    module: str | None = func.__module__
    what = _name(func)
    if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
        raise TypeError(
            f"{what} is a coroutine function: await it on the event loop instead. The pool "
            "runs plain (blocking, CPU-bound) functions."
        )
    if "<lambda>" in qualname:
        raise TypeError(
            f"{what} is a lambda, which a worker cannot import by name. Functions are sent "
            "by reference (module and name): define it with `def` at the top level of a module."
        )
    if "<locals>" in qualname:
        raise TypeError(
            f"{what} is defined inside another function (a closure or nested function), "
            "which a worker cannot import by name. Move it to the top level of a module and "
            "pass what it used from the enclosing function as arguments."
        )
    if module is None:
        raise TypeError(f"{what} has no __module__, so a worker cannot import it.")
    if module == "__main__":
        main = sys.modules.get("__main__")
        spec = getattr(main, "__spec__", None)
        if spec is None or spec.name in (None, "__main__"):
            raise TypeError(
                f"{what} is defined in the __main__ module of a script, which a worker cannot "
                "import (it starts without that script). Move it into a module that can be "
                "imported, or start the program with `python -m package.module`."
            )
        home: Any = main
        module = spec.name
    else:
        home = sys.modules.get(module)
        if home is None:
            try:
                home = importlib.import_module(module)
            except Exception as exc:
                raise TypeError(f"{what}: its module {module!r} cannot be imported: {exc}") from exc
    found: Any = home
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is not func:
        raise TypeError(
            f"{what}: the name {module}.{qualname} does not refer to this object (was it "
            "redefined, or replaced by a decorator that does not keep its name?), so a "
            "worker importing that name would run something else."
        )
    return module, qualname


def _check_picklable(func: object) -> None:
    try:
        pickle.dumps(func, PROTOCOL)
    except Exception as exc:
        raise TypeError(
            f"cannot send {func!r} to a worker: {exc}. A callable that is not a plain "
            "module-level function (a bound method, a functools.partial, a callable object) "
            "crosses by pickle together with the object it is bound to; make that object "
            "picklable, or call a module-level function instead."
        ) from exc


def _name(func: object) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"
