"""A worker whose interpreter or process fails is replaced; the pool keeps serving."""

from __future__ import annotations

import asyncio
import importlib

import pytest

from fasterapi_concurrency import SubInterpreterPool, WorkerError
from fasterapi_concurrency import _selftest as st
from fasterapi_concurrency._compat import HAS_SUBINTERPRETERS


@pytest.mark.skipif(not HAS_SUBINTERPRETERS, reason="sub-interpreters need Python 3.13")
def test_broken_sub_interpreter_is_replaced() -> None:
    async def main() -> None:
        async with SubInterpreterPool(1, backend="subinterpreter") as pool:
            _, first = await pool.run(st.whereami)
            await pool.run(st.break_interpreter)
            with pytest.raises(WorkerError, match="starts a new one"):
                await pool.run(st.add, 1, 1)
            _, second = await pool.run(st.whereami)
            assert second != first
            assert await pool.run(st.add, 1, 1) == 2

    asyncio.run(main())


@pytest.mark.skipif(not HAS_SUBINTERPRETERS, reason="sub-interpreters need Python 3.13")
def test_destroyed_sub_interpreter_is_replaced() -> None:
    interpreters = importlib.import_module("_interpreters")

    async def main() -> None:
        async with SubInterpreterPool(1, backend="subinterpreter") as pool:
            _, first = await pool.run(st.whereami)
            interpreters.destroy(first)  # idle between calls, so this is allowed
            with pytest.raises(WorkerError, match="could not run the call"):
                await pool.run(st.add, 1, 1)
            assert await pool.run(st.add, 1, 1) == 2

    asyncio.run(main())


def test_dead_worker_process_is_replaced() -> None:
    async def main() -> None:
        async with SubInterpreterPool(1, backend="process") as pool:
            pid, _ = await pool.run(st.whereami)
            with pytest.raises(WorkerError, match="died"):
                await pool.run(st.exit_process)
            new_pid, _ = await pool.run(st.whereami)
            assert new_pid != pid

    asyncio.run(main())
