from __future__ import annotations

import fasterapi_concurrency
from fasterapi_concurrency.__about__ import __version__


def test_all_is_pinned_and_sorted() -> None:
    assert fasterapi_concurrency.__all__ == (
        "RemoteTraceback",
        "SubInterpreterPool",
        "WorkerError",
        "run_in_subinterpreter",
    )
    assert list(fasterapi_concurrency.__all__) == sorted(fasterapi_concurrency.__all__)


def test_every_public_name_is_documented() -> None:
    for name in fasterapi_concurrency.__all__:
        obj = getattr(fasterapi_concurrency, name)
        assert obj.__doc__, name
        assert "Args:" in obj.__doc__ or "Attributes:" in obj.__doc__, name


def test_version() -> None:
    assert fasterapi_concurrency.__version__ == __version__ == "0.1.0"
