"""What the caller sees when a call cannot be sent, or fails in its worker."""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import sys
import types
from typing import Any, cast

import pytest

from fasterapi_concurrency import RemoteTraceback, SubInterpreterPool, WorkerError
from fasterapi_concurrency import _selftest as st


def run(pool: SubInterpreterPool, func: Any, *args: Any) -> Any:
    return asyncio.run(pool.run(func, *args))


def test_exception_comes_back_with_type_message_and_remote_traceback(
    shared_pool: SubInterpreterPool,
) -> None:
    with pytest.raises(ValueError, match=r"^boom$") as info:
        run(shared_pool, st.fail, "boom")
    cause = info.value.__cause__
    assert isinstance(cause, RemoteTraceback)
    assert "Traceback (most recent call last)" in str(cause)
    assert "in fail" in cause.traceback
    assert "ValueError: boom" in cause.traceback


def test_unpicklable_exception_becomes_worker_error_naming_its_type(
    shared_pool: SubInterpreterPool,
) -> None:
    with pytest.raises(WorkerError, match=r"StubbornError: 7: no way back") as info:
        run(shared_pool, st.fail_stubbornly)
    assert info.value.remote_type == "fasterapi_concurrency._selftest.StubbornError"
    assert isinstance(info.value.__cause__, RemoteTraceback)


def test_unpicklable_result_is_a_type_error(shared_pool: SubInterpreterPool) -> None:
    with pytest.raises(TypeError, match=r"result of .*return_lock .*cannot be pickled"):
        run(shared_pool, st.return_lock)


def test_pool_keeps_serving_after_errors(shared_pool: SubInterpreterPool) -> None:
    with pytest.raises(ValueError):
        run(shared_pool, st.fail, "x")
    assert run(shared_pool, st.add, 1, 1) == 2


def _nested_function() -> Any:
    def inner() -> int:
        return 1

    return inner


def _not_importable_main_function() -> Any:
    func = types.FunctionType(st.noop.__code__, {}, "script_job")
    func.__module__ = "__main__"
    func.__qualname__ = "script_job"
    return func


def _with_module(module: str | None) -> Any:
    func = types.FunctionType(st.noop.__code__, {}, "job")
    func.__module__ = module  # type: ignore[assignment]
    return func


def _copy_of_noop() -> Any:
    # Same module and name as st.noop, but another object: a worker would run st.noop.
    return types.FunctionType(st.noop.__code__, st.__dict__, "noop")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: lambda: 1, "is a lambda"),
        (_nested_function, "defined inside another function"),
        (lambda: st.decorated, "defined inside another function"),
        (lambda: st.coroutine, "coroutine function"),
        (_not_importable_main_function, "__main__ module of a script"),
        (_copy_of_noop, "does not refer to this object"),
        (lambda: _with_module(None), "has no __module__"),
        (
            lambda: _with_module("fa_conc_no_such_module"),
            "'fa_conc_no_such_module' cannot be imported",
        ),
        (lambda: st.LockHolder().value, "cannot send .*LockHolder"),
        (
            lambda: functools.partial(st.add, cast("int", st.LockHolder())),
            "cannot send functools.partial",
        ),
    ],
)
def test_unsendable_functions_fail_before_dispatch(
    backend: str, make: Any, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_main = types.ModuleType("__main__")
    fake_main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    pool = SubInterpreterPool(1, backend=backend)  # type: ignore[arg-type]
    try:
        with pytest.raises(TypeError, match=reason):
            run(pool, make())
        assert not pool._executor.started  # raised in the caller: no worker was started
    finally:
        pool.shutdown()


def test_main_module_started_with_dash_m_is_sent_by_its_real_name(
    shared_pool: SubInterpreterPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `python -m fasterapi_concurrency._selftest` would define `add` in __main__,
    # whose spec names the importable module.
    fake_main = types.ModuleType("__main__")
    fake_main.__spec__ = importlib.util.find_spec("fasterapi_concurrency._selftest")
    func = types.FunctionType(st.add.__code__, fake_main.__dict__, "add", (0,))
    func.__module__ = "__main__"
    fake_main.add = func  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    assert run(shared_pool, func, 20, 22) == 42


def test_unpicklable_argument_fails_before_dispatch(shared_pool: SubInterpreterPool) -> None:
    with pytest.raises(TypeError, match=r"cannot send the arguments of .*add.*cross by pickle"):
        run(shared_pool, st.add, st.LockHolder())


def test_module_that_the_worker_cannot_import(
    backend: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = SubInterpreterPool(1, backend=backend)  # type: ignore[arg-type]
    try:
        assert run(pool, st.add, 1, 2) == 3  # workers started before the module's folder existed
        (tmp_path / "fa_conc_late.py").write_text("def job():\n    return 1\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        late = importlib.import_module("fa_conc_late")
        with pytest.raises(ImportError, match=r"could not import fa_conc_late\.job.*by reference"):
            run(pool, late.job)
    finally:
        pool.shutdown()
        monkeypatch.delitem(sys.modules, "fa_conc_late")


@pytest.mark.skipif(
    importlib.util.find_spec("readline") is None, reason="needs the readline extension module"
)
def test_single_phase_extension_module_gets_a_clear_import_error(
    shared_pool: SubInterpreterPool,
) -> None:
    if shared_pool.backend == "process":
        assert run(shared_pool, st.import_module, "readline") == "readline"
        return
    with pytest.raises(ImportError, match=r"readline is .*single-phase.*backend='process'") as info:
        run(shared_pool, st.import_module, "readline")
    assert info.value.name == "readline"
