from __future__ import annotations

import asyncio
import importlib
import math
import os
import sys
from pathlib import Path

import pytest

from fasterapi_concurrency import SubInterpreterPool, run_in_subinterpreter
from fasterapi_concurrency import _selftest as st
from fasterapi_concurrency._compat import HAS_SUBINTERPRETERS, cpu_count


def test_runs_a_call_with_args_and_kwargs(shared_pool: SubInterpreterPool) -> None:
    async def main() -> list[int]:
        return [
            await shared_pool.run(st.add, 2, 3),
            await shared_pool.run(st.add, 2, b=5),
            await shared_pool.run(math.factorial, 5),
            await shared_pool.run(st.Point(3, -4).norm1),
        ]

    assert asyncio.run(main()) == [5, 7, 120, 7]


def test_work_runs_outside_the_main_interpreter(shared_pool: SubInterpreterPool) -> None:
    pid, interpreter = asyncio.run(shared_pool.run(st.whereami))
    if shared_pool.backend == "subinterpreter":
        main_id = importlib.import_module("_interpreters").get_current()[0]
        assert pid == os.getpid()
        assert interpreter != main_id
    else:
        assert pid != os.getpid()


def test_calls_run_in_parallel(shared_pool: SubInterpreterPool, tmp_path: Path) -> None:
    """Two calls that can only return `seen` if both are running at the same moment."""

    async def main() -> tuple[tuple[float, float, bool], tuple[float, float, bool]]:
        return await asyncio.gather(
            shared_pool.run(st.rendezvous, str(tmp_path), "a", "b", 30.0),
            shared_pool.run(st.rendezvous, str(tmp_path), "b", "a", 30.0),
        )

    (start_a, end_a, seen_a), (start_b, end_b, seen_b) = asyncio.run(main())
    assert seen_a
    assert seen_b
    assert max(start_a, start_b) < min(end_a, end_b)  # the intervals overlap


@pytest.mark.skipif(not HAS_SUBINTERPRETERS, reason="sub-interpreters need Python 3.13")
def test_each_sub_interpreter_owns_its_gil() -> None:
    interpreters = importlib.import_module("_interpreters")

    async def main() -> tuple[int, int]:
        async with SubInterpreterPool(1, backend="subinterpreter") as pool:
            _, first = await pool.run(st.whereami)
            _, again = await pool.run(st.whereami)
            assert interpreters.get_config(first).gil == "own"
            return first, again

    first, again = asyncio.run(main())
    assert first == again  # created once, reused
    assert first not in {i for i, *_ in interpreters.list_all()}  # destroyed at shutdown


def test_backend_auto_matches_the_python_version() -> None:
    pool = SubInterpreterPool(1)
    try:
        assert pool.backend == ("subinterpreter" if HAS_SUBINTERPRETERS else "process")
        assert pool.max_workers == 1
        assert repr(pool) == f"SubInterpreterPool(max_workers=1, backend={pool.backend!r})"
    finally:
        pool.shutdown()


def test_backend_can_be_forced_to_processes() -> None:
    pool = SubInterpreterPool(1, backend="process")
    pool.shutdown()
    assert pool.backend == "process"


@pytest.mark.skipif(HAS_SUBINTERPRETERS, reason="only older Pythons lack sub-interpreters")
def test_subinterpreter_backend_needs_python_313() -> None:  # pragma: no cover - version branch
    with pytest.raises(RuntimeError, match=r"3\.13.*backend='process'"):
        SubInterpreterPool(backend="subinterpreter")


def test_default_worker_count_is_the_cpu_count() -> None:
    pool = SubInterpreterPool()
    pool.shutdown()
    assert pool.max_workers == cpu_count() >= 1


@pytest.mark.parametrize("bad", [0, -1])
def test_max_workers_must_be_positive(bad: int) -> None:
    with pytest.raises(ValueError, match="max_workers"):
        SubInterpreterPool(bad)


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="backend must be one of"):
        SubInterpreterPool(backend="threads")  # type: ignore[arg-type]


def test_no_calls_after_shutdown(backend: str) -> None:
    pool = SubInterpreterPool(1, backend=backend)  # type: ignore[arg-type]
    assert asyncio.run(pool.run(st.add, 1, 1)) == 2
    pool.shutdown()
    pool.shutdown()  # a second time does nothing
    with pytest.raises(RuntimeError, match="shut down"):
        asyncio.run(pool.run(st.add, 1, 1))


def test_async_with_shuts_the_pool_down(backend: str) -> None:
    async def main() -> SubInterpreterPool:
        async with SubInterpreterPool(1, backend=backend) as pool:  # type: ignore[arg-type]
            assert await pool.run(st.add, 40, 2) == 42
        return pool

    pool = asyncio.run(main())
    with pytest.raises(RuntimeError, match="shut down"):
        asyncio.run(pool.run(st.noop))


def test_workers_see_the_sys_path_of_the_caller(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fa_conc_extra.py").write_text("def triple(x):\n    return 3 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    extra = importlib.import_module("fa_conc_extra")

    async def main() -> tuple[int, list[str]]:
        async with SubInterpreterPool(1, backend=backend) as pool:  # type: ignore[arg-type]
            return await pool.run(extra.triple, 14), await pool.run(st.sys_path)

    result, worker_path = asyncio.run(main())
    assert result == 42
    assert str(tmp_path) in worker_path
    monkeypatch.delitem(sys.modules, "fa_conc_extra")


def test_run_in_subinterpreter_uses_one_default_pool() -> None:
    from fasterapi_concurrency import pool as pool_module

    async def main() -> tuple[int, int]:
        return await run_in_subinterpreter(st.add, 1, b=2), await run_in_subinterpreter(st.add, 3)

    assert asyncio.run(main()) == (3, 3)
    default = pool_module._get_default_pool()
    assert default is pool_module._get_default_pool()
    assert default.max_workers == cpu_count()
