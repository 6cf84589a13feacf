"""Background tasks: order, sync in the pool, failures logged without stopping the rest."""

import asyncio
import functools
import logging
import threading

import pytest

from fasterapi_core import BackgroundTask, BackgroundTasks, Faster
from fasterapi_testing import TestClient


def test_tasks_run_after_response_in_order(caplog: pytest.LogCaptureFixture) -> None:
    done: list[str] = []
    threads: list[bool] = []

    async def async_task(x: str) -> None:
        done.append(x)

    def sync_task(x: str, *, suffix: str = "") -> None:
        threads.append(threading.current_thread() is not threading.main_thread())
        done.append(x + suffix)

    def failing() -> None:
        raise RuntimeError("task failed")

    app = Faster()

    @app.get("/")
    def root(tasks: BackgroundTasks) -> str:
        tasks.add_task(async_task, "a")
        tasks.add_task(failing)
        tasks.add_task(sync_task, "s", suffix="!")
        return "ok"

    with caplog.at_level(logging.ERROR, logger="fasterapi"):
        assert TestClient(app, raise_server_exceptions=False).get("/").json() == "ok"
    assert done == ["a", "s!"]
    assert threads == [True]
    assert any("background task" in r.message for r in caplog.records)
    # Once every task has run, the first failure leaves the app (as in Starlette).
    with pytest.raises(RuntimeError, match="task failed"):
        TestClient(app).get("/")
    assert done == ["a", "s!", "a", "s!"]


def test_background_task_direct_and_partial() -> None:
    done: list[int] = []

    async def add(n: int) -> None:
        done.append(n)

    asyncio.run(BackgroundTask(functools.partial(add, 1))())
    asyncio.run(BackgroundTasks([BackgroundTask(done.append, 2)])())
    assert done == [1, 2]


def test_callable_object_task() -> None:
    done: list[str] = []

    class Job:
        async def __call__(self) -> None:
            done.append("job")

    task = BackgroundTask(Job())
    assert task.is_async
    asyncio.run(task())
    assert done == ["job"]
