"""HTTP through AsyncTestClient: the app runs on the test's own event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from fasterapi_testing import ASGIProtocolError, AsyncTestClient
from fasterapi_testing.types import Message, Receive, Scope, Send


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message["body"])
        if not message["more_body"]:
            break
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"x-chunks", str(len(chunks)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": b"|".join(chunks)})


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_get_and_post() -> None:
    async def main() -> None:
        async with AsyncTestClient(echo) as client:
            assert isinstance(client, httpx.AsyncClient)
            response = await client.post("/", content=b"abc")
            assert response.text == "abc"
            assert (await client.get("/")).status_code == 200

    run(main())


def test_runs_on_the_callers_loop() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        loops.append(asyncio.get_running_loop())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body"})

    async def main() -> None:
        await AsyncTestClient(app).get("/")
        assert loops == [asyncio.get_running_loop()]

    run(main())


def test_streamed_request_body() -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"a"
        yield b"b"

    async def main() -> None:
        response = await AsyncTestClient(echo).post("/", content=body())
        assert response.text == "a|b"
        assert response.headers["x-chunks"] == "2"

    run(main())


def test_streamed_response() -> None:
    step = asyncio.Event()
    received: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for i in range(2):
            await step.wait()
            step.clear()
            await send({"type": "http.response.body", "body": str(i).encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b"end", "more_body": True})
        received.append(await receive())

    async def main() -> None:
        async with AsyncTestClient(app) as client, client.stream("GET", "/") as response:
            chunks = response.aiter_bytes()
            step.set()
            assert await chunks.__anext__() == b"0"
            step.set()
            assert await chunks.__anext__() == b"1"
        assert received == [{"type": "http.disconnect"}]

    run(main())


def test_streamed_response_read_to_the_end() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"a", "more_body": True})
        await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"b"})
        await asyncio.sleep(0)

    async def main() -> None:
        assert (await AsyncTestClient(app).get("/")).content == b"ab"

    run(main())


class BoomError(Exception):
    pass


async def boom_mid_stream(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await asyncio.sleep(0)
    await send({"type": "http.response.body", "body": b"a", "more_body": True})
    await asyncio.sleep(0)
    raise BoomError


async def boom_after_body(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await asyncio.sleep(0)
    await send({"type": "http.response.body", "body": b"a"})
    await asyncio.sleep(0)
    raise BoomError


@pytest.mark.parametrize("app", [boom_mid_stream, boom_after_body])
def test_exceptions(app: Any) -> None:
    async def main() -> None:
        with pytest.raises(BoomError):
            await AsyncTestClient(app).get("/")
        response = await AsyncTestClient(app, raise_server_exceptions=False).get("/")
        assert response.content == b"a"

    run(main())


def test_no_response() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0)

    async def main() -> None:
        with pytest.raises(ASGIProtocolError):
            await AsyncTestClient(app).get("/")
        assert (
            await AsyncTestClient(app, raise_server_exceptions=False).get("/")
        ).status_code == 500

    run(main())


def test_app_ignoring_disconnect_is_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fasterapi_testing._http.DISCONNECT_GRACE", 0.05)
    cancelled: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            while True:
                await send({"type": "http.response.body", "body": b"t", "more_body": True})
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def main() -> None:
        async with AsyncTestClient(app).stream("GET", "/") as response:
            assert await response.aiter_bytes().__anext__() == b"t"

    run(main())
    assert cancelled == [True]


def test_exception_after_disconnect_is_raised_on_close() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"t", "more_body": True})
        await receive()
        raise BoomError

    async def main() -> None:
        async with AsyncTestClient(app).stream("GET", "/") as response:
            assert await response.aiter_bytes().__anext__() == b"t"

    with pytest.raises(BoomError):
        run(main())
