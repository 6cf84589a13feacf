"""`FasterAPI.TestClient` raises core's `WebSocketDisconnect`, as FastAPI's does."""

from __future__ import annotations

import pytest

import FasterAPI
from FasterAPI import FastAPI, WebSocket, WebSocketDisconnect
from FasterAPI.testclient import AsyncTestClient, TestClient, WebSocketDenied


def make_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/bye")
    async def bye(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.close(code=4001, reason="bye")

    @app.websocket("/deny")
    async def deny(websocket: WebSocket) -> None:
        await websocket.close(code=1008)

    return app


def test_app_close_raises_core_websocket_disconnect() -> None:
    with TestClient(make_app()) as client, client.websocket_connect("/bye") as ws:
        with pytest.raises(FasterAPI.WebSocketDisconnect) as exc:
            ws.receive_text()
    assert type(exc.value) is WebSocketDisconnect
    assert exc.value.code == 4001
    assert exc.value.reason == "bye"


def test_refused_handshake_is_also_a_websocket_disconnect() -> None:
    with TestClient(make_app()) as client:
        with pytest.raises(WebSocketDisconnect) as exc:
            with client.websocket_connect("/deny"):
                pass  # pragma: no cover - never entered
    assert WebSocketDenied in type(exc.value).__mro__


def test_top_level_test_client_is_this_one() -> None:
    assert FasterAPI.TestClient is TestClient
    assert FasterAPI.AsyncTestClient is AsyncTestClient
    assert AsyncTestClient.websocket_disconnect_exc is WebSocketDisconnect


def test_async_client_raises_core_websocket_disconnect() -> None:
    import asyncio

    async def scenario() -> int:
        async with AsyncTestClient(make_app()) as client:
            async with client.websocket_connect("/bye") as ws:
                try:
                    await ws.receive_text()
                except WebSocketDisconnect as exc:
                    return exc.code
        return 0  # pragma: no cover

    assert asyncio.run(scenario()) == 4001
