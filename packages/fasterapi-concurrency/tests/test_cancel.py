"""Cancelling the task that awaits a call never breaks the pool."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from fasterapi_concurrency import SubInterpreterPool
from fasterapi_concurrency import _selftest as st


async def wait_for_file(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        await asyncio.sleep(0.01)


def test_cancelling_a_running_call_keeps_the_pool_serving(backend: str, tmp_path: Path) -> None:
    started, done = tmp_path / "started", tmp_path / "done"

    async def main() -> int:
        async with SubInterpreterPool(1, backend=backend) as pool:  # type: ignore[arg-type]
            task = asyncio.create_task(pool.run(st.sleep_then_touch, str(started), 0.3, str(done)))
            await wait_for_file(started)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The call was already running: it finishes in its worker, the
            # result is dropped, and the same single worker serves the next call.
            return await pool.run(st.add, 1, 2)

    assert asyncio.run(main()) == 3
    assert done.exists()


def test_cancelled_queued_call_never_runs(backend: str, tmp_path: Path) -> None:
    started, done = tmp_path / "started", tmp_path / "done"
    dropped = [tmp_path / f"dropped-{i}" for i in range(3)]

    async def main() -> int:
        async with SubInterpreterPool(1, backend=backend) as pool:  # type: ignore[arg-type]
            busy = asyncio.create_task(pool.run(st.sleep_then_touch, str(started), 0.5, str(done)))
            await wait_for_file(started)
            # The process pool hands up to max_workers + 1 calls to its workers
            # ahead of time (those can no longer be cancelled); the last one
            # queued here is still waiting in the pool on every backend.
            queued = [asyncio.create_task(pool.run(st.touch, str(path))) for path in dropped]
            await asyncio.sleep(0.05)
            queued[-1].cancel()
            await busy
            await asyncio.gather(*queued[:-1])
            with pytest.raises(asyncio.CancelledError):
                await queued[-1]
            return await pool.run(st.add, 2, 2)

    assert asyncio.run(main()) == 4
    assert not dropped[-1].exists()
    if backend == "subinterpreter":
        assert dropped[0].exists()
        assert dropped[1].exists()


def test_shutdown_can_cancel_queued_calls(backend: str, tmp_path: Path) -> None:
    started, done = tmp_path / "started", tmp_path / "done"
    dropped = [tmp_path / f"dropped-{i}" for i in range(3)]

    async def main() -> None:
        pool = SubInterpreterPool(1, backend=backend)  # type: ignore[arg-type]
        busy = asyncio.create_task(pool.run(st.sleep_then_touch, str(started), 0.3, str(done)))
        await wait_for_file(started)
        queued = [asyncio.create_task(pool.run(st.touch, str(path))) for path in dropped]
        await asyncio.sleep(0.05)
        await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)
        await busy
        with pytest.raises(asyncio.CancelledError):
            await queued[-1]
        pool.shutdown(cancel_futures=True)  # again: nothing left to do

    asyncio.run(main())
    assert done.exists()
    assert not dropped[-1].exists()
