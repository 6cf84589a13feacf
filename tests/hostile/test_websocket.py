"""Property 10 (in-process part): WebSockets.

A message over `websocket_max_message_size` closes the connection with 1009, invalid JSON
with 1007, and a client that vanishes leaves nothing behind: the endpoint returns, the yield
dependency's teardown runs and no asyncio task outlives the connection. (Invalid UTF-8 in a
text frame is the server's job: see test_server.py.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from FasterAPI import Depends, Faster, WebSocket, WebSocketDisconnect
from fasterapi_testing import TestClient
from fasterapi_testing import WebSocketDisconnect as ClientSawClose


def make_app(events: list[str], **kwargs: Any) -> Faster:
    app = Faster(**kwargs)

    async def resource() -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "res"
        finally:
            events.append("close")

    @app.websocket("/echo")
    async def echo(websocket: WebSocket, res: str = Depends(resource)) -> None:
        await websocket.accept()
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    events.append("disconnect")
                    return
                if message.get("text") is not None:
                    await websocket.send_text(message["text"])
                else:
                    await websocket.send_bytes(message.get("bytes") or b"")
        except WebSocketDisconnect as exc:
            events.append(f"closed {exc.code}")
            raise

    @app.websocket("/json")
    async def json(websocket: WebSocket) -> None:
        await websocket.accept()
        while True:
            await websocket.send_json(await websocket.receive_json())

    @app.websocket("/text")
    async def text(websocket: WebSocket, res: str = Depends(resource)) -> None:
        await websocket.accept()
        while True:
            await websocket.send_text(await websocket.receive_text())

    return app


def close_code(session: Any) -> int:
    with pytest.raises(ClientSawClose) as info:
        session.receive_text()
    return int(info.value.code)


@pytest.mark.parametrize(
    "payload", ["x" * 2048, b"x" * 2048, "\u2603" * 400], ids=["text", "bytes", "utf-8"]
)
def test_an_oversize_message_closes_with_1009(payload: Any) -> None:
    events: list[str] = []
    app = make_app(events, websocket_max_message_size=1024)
    with TestClient(app) as client, client.websocket_connect("/echo") as ws:
        ws.send_text("small")
        assert ws.receive_text() == "small"
        if isinstance(payload, bytes):
            ws.send_bytes(payload)
        else:
            ws.send_text(payload)
        assert close_code(ws) == 1009
    assert "closed 1009" in events
    assert events[-1] == "close"


def test_the_default_message_limit_is_one_mib() -> None:
    events: list[str] = []
    app = make_app(events)
    with TestClient(app) as client, client.websocket_connect("/echo") as ws:
        ws.send_bytes(b"x" * (1024 * 1024))
        assert len(ws.receive_bytes()) == 1024 * 1024
        ws.send_bytes(b"x" * (1024 * 1024 + 1))
        assert close_code(ws) == 1009


@pytest.mark.parametrize(
    "payload",
    [
        "{",
        pytest.param("[" * 100_000, id="deep"),
        '{"a": NaN}',
        "9" * 1_000_000,
    ],
)
def test_invalid_json_closes_with_1007(payload: str) -> None:
    app = make_app([], websocket_max_message_size=4 * 1024 * 1024)
    with TestClient(app) as client, client.websocket_connect("/json") as ws:
        ws.send_text('{"ok": 1}')
        assert ws.receive_json() == {"ok": 1}
        ws.send_text(payload)
        assert close_code(ws) == 1007


def test_a_client_that_leaves_runs_the_teardown() -> None:
    events: list[str] = []
    app = make_app(events)
    with TestClient(app) as client:
        for path in ("/echo", "/text"):
            with client.websocket_connect(path) as ws:
                ws.send_text("hi")
                assert ws.receive_text() == "hi"
        # The endpoint saw the disconnect, the dependency closed.
    assert events.count("open") == 2
    assert events.count("close") == 2


def test_a_vanished_client_leaves_no_task_behind(guard: Any) -> None:
    events: list[str] = []
    app = make_app(events)

    async def one_connection(path: str) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []
        inbox: list[dict[str, Any]] = [
            {"type": "websocket.connect"},
            {"type": "websocket.receive", "text": "hi"},
            # The TCP connection dropped: no close frame, the server reports 1006.
            {"type": "websocket.disconnect", "code": 1006},
        ]

        async def receive() -> dict[str, Any]:
            await asyncio.sleep(0)
            if inbox:
                return inbox.pop(0)
            await asyncio.sleep(3600)
            raise AssertionError("the app read past the disconnect")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [],
            "scheme": "ws",
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 2),
            "subprotocols": [],
        }
        await asyncio.wait_for(app(scope, receive, send), 5)
        return sent

    async def main() -> set[asyncio.Task[Any]]:
        before = asyncio.all_tasks()
        for _ in range(20):
            await one_connection("/echo")
            await one_connection("/text")
        await asyncio.sleep(0.05)
        return asyncio.all_tasks() - before

    leftover = guard(asyncio.run, main())
    assert leftover == set()
    assert events.count("open") == 40
    assert events.count("close") == 40
