from __future__ import annotations

from collections.abc import Iterator

import pytest

from fasterapi_concurrency import SubInterpreterPool
from fasterapi_concurrency._compat import HAS_SUBINTERPRETERS

#: Every backend this Python can run; "process" is available everywhere.
BACKENDS = ["subinterpreter", "process"] if HAS_SUBINTERPRETERS else ["process"]


@pytest.fixture(scope="session", params=BACKENDS)
def shared_pool(request: pytest.FixtureRequest) -> Iterator[SubInterpreterPool]:
    """A two-worker pool per backend, shared by the tests that leave it healthy."""
    pool = SubInterpreterPool(2, backend=request.param)
    yield pool
    pool.shutdown()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name
