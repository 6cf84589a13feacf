"""WebSockets through the app and the test client: routes, parameters, limits, close codes."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from fasterapi_core import Faster, Query, WebSocket, WebSocketDisconnect, WebSocketException
from fasterapi_core.websocket import WebSocketState
from fasterapi_testing import TestClient
from fasterapi_testing import WebSocketDisconnect as ClientDisconnect

app = Faster(websocket_max_message_size=64)
events: list[Any] = []


@app.websocket("/echo/{room}")
async def echo(websocket: WebSocket, room: str, prefix: Annotated[str, Query()] = "") -> None:
    await websocket.accept(
        subprotocol="chat" if "chat" in websocket.scope.get("subprotocols", []) else None
    )
    try:
        while True:
            text = await websocket.receive_text()
            await websocket.send_text(f"{room}:{prefix}{text}")
    except WebSocketDisconnect as exc:
        events.append(("disconnect", exc.code))


@app.websocket("/json")
async def json_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    async for data in websocket.iter_json():
        await websocket.send_json({"got": data})


@app.websocket("/bytes")
async def bytes_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    data = await websocket.receive_bytes()
    await websocket.send_bytes(data[::-1])
    await websocket.close(code=4000, reason="done")
    events.append(("state", websocket.application_state))


@app.websocket("/refuse")
async def refuse(websocket: WebSocket) -> None:
    raise WebSocketException(code=4403, reason="forbidden")


@app.websocket("/limited")
async def limited(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        await websocket.receive_text()
    except WebSocketDisconnect as exc:
        events.append(("limited", exc.code))
        raise


client = TestClient(app)


def test_echo_with_path_and_query_params() -> None:
    events.clear()
    with client.websocket_connect("/echo/r1?prefix=%3E", subprotocols=["chat"]) as ws:
        assert ws.accepted_subprotocol == "chat"
        ws.send_text("hi")
        assert ws.receive_text() == "r1:>hi"
        ws.send_text("again")
        assert ws.receive_text() == "r1:>again"
    assert events == [("disconnect", 1000)]


def test_json_messages() -> None:
    with client.websocket_connect("/json") as ws:
        ws.send_json({"a": [1, 2]})
        assert ws.receive_json() == {"got": {"a": [1, 2]}}
        ws.send_text("not json")
        with pytest.raises(ClientDisconnect) as info:
            ws.receive_text()
        assert info.value.code == 1007


def test_bytes_and_server_close() -> None:
    events.clear()
    with client.websocket_connect("/bytes") as ws:
        ws.send_bytes(b"abc")
        assert ws.receive_bytes() == b"cba"
        with pytest.raises(ClientDisconnect) as info:
            ws.receive_bytes()
        assert (info.value.code, info.value.reason) == (4000, "done")
    assert events == [("state", WebSocketState.DISCONNECTED)]


def test_websocket_exception_closes_with_its_code() -> None:
    with pytest.raises(ClientDisconnect) as info, client.websocket_connect("/refuse"):
        pass
    assert info.value.code == 4403


def test_oversized_message_is_closed_with_1009() -> None:
    events.clear()
    with client.websocket_connect("/limited") as ws:
        ws.send_text("x" * 65)
        with pytest.raises(ClientDisconnect) as info:
            ws.receive_text()
        assert info.value.code == 1009
    assert events == [("limited", 1009)]
    with client.websocket_connect("/echo/ok") as ws:  # and the app keeps serving
        ws.send_text("x" * 60)
        assert ws.receive_text() == "ok:" + "x" * 60


def test_wrong_message_type_is_closed_with_1003() -> None:
    with client.websocket_connect("/echo/r") as ws:
        ws.send_bytes(b"binary")
        with pytest.raises(ClientDisconnect) as info:
            ws.receive_text()
        assert info.value.code == 1003


def test_websocket_routes_are_not_in_openapi() -> None:
    assert app.openapi()["paths"] == {}
