"""The worker side, run in this interpreter (coverage cannot see inside workers)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from fasterapi_concurrency import RemoteTraceback, WorkerError
from fasterapi_concurrency import _selftest as st
from fasterapi_concurrency._protocol import decode_reply, encode_call
from fasterapi_concurrency._worker import execute, find


def roundtrip(func: Any, *args: Any, **kwargs: Any) -> Any:
    return decode_reply(execute(encode_call(func, args, kwargs)))


def test_result_roundtrip() -> None:
    assert roundtrip(st.add, 1, b=2) == 3
    assert roundtrip(st.Point(1, 2).norm1) == 3
    assert roundtrip(len, "abc") == 3


def test_function_is_found_once_then_cached() -> None:
    assert find("fasterapi_concurrency._selftest", "Point.norm1") is st.Point.norm1
    assert find("fasterapi_concurrency._selftest", "Point.norm1") is st.Point.norm1


def test_reference_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from fasterapi_concurrency import _protocol

    monkeypatch.setattr(_protocol, "_MAX_REFERENCES", 1)
    monkeypatch.setattr(_protocol, "_references", {})
    assert roundtrip(st.add, 1) == 1
    assert roundtrip(st.noop) is None
    assert list(_protocol._references) == [st.noop]


def test_exception_roundtrip() -> None:
    with pytest.raises(ValueError, match="bad") as info:
        roundtrip(st.fail, "bad")
    assert isinstance(info.value.__cause__, RemoteTraceback)


def test_unpicklable_exception_roundtrip() -> None:
    with pytest.raises(WorkerError) as info:
        roundtrip(st.fail_stubbornly)
    assert info.value.remote_type is not None
    assert info.value.remote_type.endswith("StubbornError")


def test_unpicklable_result() -> None:
    with pytest.raises(TypeError, match="cannot be pickled back"):
        roundtrip(st.return_lock)


def test_missing_module_and_missing_name() -> None:
    request = pickle.dumps(("fa_conc_nowhere", "job", None, (), {}))
    with pytest.raises(ImportError, match=r"could not import fa_conc_nowhere\.job"):
        decode_reply(execute(request))
    request = pickle.dumps(("fasterapi_concurrency._selftest", "nothing_here", None, (), {}))
    with pytest.raises(ImportError, match="found no 'nothing_here'"):
        decode_reply(execute(request))


@pytest.mark.parametrize("name", ["fa_conc_c", None])
def test_single_phase_import_error_gets_advice(name: str | None) -> None:
    message = "module fa_conc_c does not support loading in subinterpreters"
    request = pickle.dumps((None, None, _raiser(message, name), (), {}))
    with pytest.raises(
        ImportError, match=r"fa_conc_c is .*single-phase.*backend='process'"
    ) as info:
        decode_reply(execute(request))
    assert info.value.name == "fa_conc_c"


def _raiser(message: str, name: str | None) -> Any:
    import functools

    return functools.partial(_raise_import_error, message, name)


def _raise_import_error(message: str, name: str | None) -> None:
    raise ImportError(message, name=name)


def test_unpicklable_exception_blob_falls_back() -> None:
    data = pickle.dumps((b"not a pickle", "pkg.Err", "msg", "Traceback: ..."))
    with pytest.raises(WorkerError, match=r"pkg\.Err: msg"):
        decode_reply((False, data))
