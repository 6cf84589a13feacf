"""`FasterAPI.concurrency`: FastAPI's thread-pool helpers next to the sub-interpreter pool."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from FasterAPI.concurrency import contextmanager_in_threadpool, iterate_in_threadpool


def test_iterate_in_threadpool_yields_every_item_off_the_loop_thread() -> None:
    threads: set[int] = set()

    def numbers() -> Iterator[int]:
        for i in range(3):
            threads.add(threading.get_ident())
            yield i

    async def collect() -> list[int]:
        return [i async for i in iterate_in_threadpool(numbers())]

    assert asyncio.run(collect()) == [0, 1, 2]
    assert threading.get_ident() not in threads


def test_contextmanager_in_threadpool_enters_exits_and_sees_errors() -> None:
    events: list[str] = []

    @contextmanager
    def resource() -> Iterator[str]:
        events.append("enter")
        try:
            yield "value"
        except KeyError:
            events.append("handled")
        finally:
            events.append("exit")

    async def plain() -> None:
        async with contextmanager_in_threadpool(resource()) as value:
            assert value == "value"

    async def failing(error: Exception) -> None:
        async with contextmanager_in_threadpool(resource()):
            raise error

    asyncio.run(plain())
    asyncio.run(failing(KeyError("swallowed by the context manager")))
    with pytest.raises(ValueError, match="kept"):
        asyncio.run(failing(ValueError("kept")))
    assert events == ["enter", "exit", "enter", "handled", "exit", "enter", "exit"]
