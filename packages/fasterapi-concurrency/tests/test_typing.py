"""`run` keeps the signature of the function it runs: mypy checks this file (nox typecheck).

Each `# type: ignore[...]` below must be needed, or `mypy --strict`
(warn_unused_ignores) fails: that is how a wrong inference is caught.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from fasterapi_concurrency import SubInterpreterPool, run_in_subinterpreter
from fasterapi_concurrency import _selftest as st


async def inferred(pool: SubInterpreterPool) -> tuple[int, st.Point]:
    total: int = await pool.run(st.add, 1, b=2)
    point: st.Point = await pool.run(st.Point, 3, 4)
    if TYPE_CHECKING:
        wrong: str = await pool.run(st.add, 1)  # type: ignore[arg-type]
        await pool.run(st.add, "one")  # type: ignore[arg-type]
        await pool.run(st.add, 1, c=2)  # type: ignore[call-arg]
        await run_in_subinterpreter(st.fib, "ten")  # type: ignore[arg-type]
        del wrong
    return total, point


def test_results_have_the_function_return_type(shared_pool: SubInterpreterPool) -> None:
    total, point = asyncio.run(inferred(shared_pool))
    assert total == 3
    assert isinstance(point, st.Point)
    assert (point.x, point.y) == (3, 4)
