"""WebSocket driven directly through fake ASGI receive/send channels (no server, no app)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import msgspec
import pytest

from fasterapi_core.exceptions import WebSocketDisconnect
from fasterapi_core.websocket import WebSocket, WebSocketClose, WebSocketState

Message = Mapping[str, Any]


class Peer:
    """The client side: queued messages to receive, and the list of what the app sent."""

    def __init__(self, *incoming: Message) -> None:
        self.incoming = list(incoming)
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        if not self.incoming:
            return {"type": "websocket.disconnect", "code": 1006}
        return self.incoming.pop(0)

    async def send(self, message: Message) -> None:
        self.sent.append(message)


def scope(**extra: Any) -> dict[str, Any]:
    return {
        "type": "websocket",
        "path": "/ws",
        "query_string": b"a=1",
        "headers": [(b"host", b"test"), (b"cookie", b"c=v")],
        "scheme": "ws",
        "server": ("test", 80),
        "subprotocols": ["chat"],
        **extra,
    }


CONNECT: Message = {"type": "websocket.connect"}


def text(t: str) -> Message:
    return {"type": "websocket.receive", "text": t}


def binary(b: bytes) -> Message:
    return {"type": "websocket.receive", "bytes": b}


def states(ws: WebSocket) -> tuple[WebSocketState, WebSocketState]:
    return ws.client_state, ws.application_state


def run(peer: Peer, body: Callable[[WebSocket], Coroutine[Any, Any, None]], **kw: Any) -> WebSocket:
    ws = WebSocket(scope(), peer.receive, peer.send, **kw)
    asyncio.run(body(ws))
    return ws


def test_echo_and_states() -> None:
    peer = Peer(
        CONNECT,
        text("hi"),
        binary(b"\x00"),
        text('{"a": [1, 2]}'),
        {"type": "websocket.disconnect", "code": 1001, "reason": "bye"},
    )
    seen: list[Any] = []

    async def body(ws: WebSocket) -> None:
        assert states(ws) == (WebSocketState.CONNECTING, WebSocketState.CONNECTING)
        await ws.accept(subprotocol="chat", headers=[(b"X-A", b"1")])
        assert states(ws) == (WebSocketState.CONNECTED, WebSocketState.CONNECTED)
        seen.append(await ws.receive_text())
        seen.append(await ws.receive_bytes())
        seen.append(await ws.receive_json())
        with pytest.raises(WebSocketDisconnect) as info:
            await ws.receive_text()
        assert (info.value.code, info.value.reason) == (1001, "bye")
        assert ws.client_state is WebSocketState.DISCONNECTED
        await ws.send_text("t")
        await ws.send_bytes(b"b")
        await ws.send_json({"k": "é"})
        await ws.send_json([1], mode="binary")
        await ws.close(1000)
        assert ws.application_state is WebSocketState.DISCONNECTED

    run(peer, body)
    assert seen == ["hi", b"\x00", {"a": [1, 2]}]
    assert peer.sent == [
        {"type": "websocket.accept", "subprotocol": "chat", "headers": [(b"x-a", b"1")]},
        {"type": "websocket.send", "text": "t"},
        {"type": "websocket.send", "bytes": b"b"},
        {"type": "websocket.send", "text": '{"k":"é"}'},
        {"type": "websocket.send", "bytes": b"[1]"},
        {"type": "websocket.close", "code": 1000, "reason": ""},
    ]


def test_connection_attributes() -> None:
    ws = WebSocket(scope(), Peer().receive, Peer().send)
    assert ws.url.path == "/ws"
    assert ws.query_params["a"] == "1"
    assert ws.headers["host"] == "test"
    assert ws.cookies == {"c": "v"}
    assert ws["subprotocols"] == ["chat"]
    with pytest.raises(ValueError):
        WebSocket({"type": "http"}, Peer().receive, Peer().send)


def test_accept_after_explicit_receive_does_not_read_again() -> None:
    peer = Peer(CONNECT, text("x"))

    async def body(ws: WebSocket) -> None:
        assert (await ws.receive())["type"] == "websocket.connect"
        await ws.accept()
        assert await ws.receive_text() == "x"

    run(peer, body)
    assert peer.sent[0] == {"type": "websocket.accept", "subprotocol": None, "headers": []}


def test_iterators_end_on_disconnect() -> None:
    got: list[Any] = []

    async def body(ws: WebSocket) -> None:
        await ws.accept()
        got.extend([t async for t in ws.iter_text()])

    run(Peer(CONNECT, text("a"), text("b")), body)

    async def body_bytes(ws: WebSocket) -> None:
        await ws.accept()
        got.extend([b async for b in ws.iter_bytes()])

    run(Peer(CONNECT, binary(b"c")), body_bytes)

    async def body_json(ws: WebSocket) -> None:
        await ws.accept()
        got.extend([j async for j in ws.iter_json()])

    run(Peer(CONNECT, text("1"), text('"d"')), body_json)
    assert got == ["a", "b", b"c", 1, "d"]


def test_receive_json_binary_mode_and_bad_mode() -> None:
    async def body(ws: WebSocket) -> None:
        await ws.accept()
        assert await ws.receive_json(mode="binary") == {"x": 1}
        with pytest.raises(RuntimeError, match="mode"):
            await ws.receive_json(mode="other")  # type: ignore[arg-type]
        with pytest.raises(RuntimeError, match="mode"):
            await ws.send_json(1, mode="other")  # type: ignore[arg-type]

    run(Peer(CONNECT, binary(b'{"x": 1}'), text("1")), body)


@pytest.mark.parametrize(
    ("message", "method", "code"),
    [
        (binary(b"x"), "receive_text", 1003),
        (text("x"), "receive_bytes", 1003),
        (text("{not json"), "receive_json", 1007),
        (text("x" * 11), "receive_text", 1009),
        (text("é" * 6), "receive_text", 1009),  # 6 characters, 12 UTF-8 bytes
        (binary(b"x" * 11), "receive_bytes", 1009),
    ],
)
def test_bad_messages_close_the_connection(message: Message, method: str, code: int) -> None:
    peer = Peer(CONNECT, message)

    async def body(ws: WebSocket) -> None:
        await ws.accept()
        with pytest.raises(WebSocketDisconnect) as info:
            await getattr(ws, method)()
        assert info.value.code == code
        assert ws.application_state is WebSocketState.DISCONNECTED

    run(peer, body, max_message_size=10)
    assert peer.sent[-1]["type"] == "websocket.close"
    assert peer.sent[-1]["code"] == code


def test_messages_at_the_size_limit_pass() -> None:
    async def body(ws: WebSocket) -> None:
        await ws.accept()
        assert await ws.receive_text() == "é" * 5
        assert await ws.receive_text() == "x" * 10
        assert await ws.receive_bytes() == b"y" * 10

    run(Peer(CONNECT, text("é" * 5), text("x" * 10), binary(b"y" * 10)), body, max_message_size=10)


def test_misuse_raises_clear_runtime_errors() -> None:
    async def body(ws: WebSocket) -> None:
        with pytest.raises(RuntimeError, match='call "accept" first'):
            await ws.receive_text()
        with pytest.raises(RuntimeError, match=r"websocket.accept"):
            await ws.send({"type": "websocket.send", "text": "x"})
        await ws.accept()
        with pytest.raises(RuntimeError, match=r"websocket.send"):
            await ws.send({"type": "websocket.accept"})
        await ws.close()
        with pytest.raises(RuntimeError, match="already closed"):
            await ws.send_text("late")
        with pytest.raises(RuntimeError, match="already closed"):
            await ws.close()

    run(Peer(CONNECT), body)


def test_receive_state_errors() -> None:
    async def wrong_first(ws: WebSocket) -> None:
        with pytest.raises(RuntimeError, match=r"websocket.connect"):
            await ws.receive()

    run(Peer(text("x")), wrong_first)

    async def after_disconnect(ws: WebSocket) -> None:
        await ws.accept()
        assert (await ws.receive())["type"] == "websocket.disconnect"
        with pytest.raises(RuntimeError, match="disconnect message"):
            await ws.receive()

    run(Peer(CONNECT), after_disconnect)

    async def unexpected(ws: WebSocket) -> None:
        await ws.accept()
        with pytest.raises(RuntimeError, match=r"websocket.receive"):
            await ws.receive()

    run(Peer(CONNECT, {"type": "websocket.connect"}), unexpected)


def test_close_before_accept_refuses() -> None:
    peer = Peer(CONNECT)

    async def body(ws: WebSocket) -> None:
        await ws.close(1008, "policy")
        assert ws.application_state is WebSocketState.DISCONNECTED

    run(peer, body)
    assert peer.sent == [{"type": "websocket.close", "code": 1008, "reason": "policy"}]


def test_broken_connection_while_sending_is_a_disconnect() -> None:
    async def broken(message: Message) -> None:
        if message["type"] == "websocket.send":
            raise OSError("connection reset")

    async def body() -> None:
        ws = WebSocket(scope(), Peer(CONNECT).receive, broken)
        await ws.accept()
        with pytest.raises(WebSocketDisconnect) as info:
            await ws.send_text("x")
        assert info.value.code == 1006
        assert ws.application_state is WebSocketState.DISCONNECTED

    asyncio.run(body())


class _Denial:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 403, "headers": []})
        await send({"type": "http.response.body", "body": b"no", "more_body": True})
        await send({"type": "http.response.body", "body": b""})


def test_denial_response() -> None:
    peer = Peer(CONNECT)

    async def body() -> None:
        ws = WebSocket(scope(extensions={"websocket.http.response": {}}), peer.receive, peer.send)
        await ws.send_denial_response(_Denial())
        assert ws.application_state is WebSocketState.DISCONNECTED
        with pytest.raises(RuntimeError):
            await ws.send({"type": "websocket.http.response.body", "body": b""})
        plain = WebSocket(scope(), peer.receive, peer.send)
        with pytest.raises(RuntimeError, match="denial"):
            await plain.send_denial_response(_Denial())
        odd = WebSocket(scope(extensions={"websocket.http.response": {}}), peer.receive, peer.send)
        await odd.send({"type": "websocket.http.response.start", "status": 403, "headers": []})
        assert odd.application_state is WebSocketState.RESPONSE
        with pytest.raises(RuntimeError, match=r"response.body"):
            await odd.send({"type": "websocket.send", "text": "x"})

    asyncio.run(body())
    assert [m["type"] for m in peer.sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
        "websocket.http.response.body",
        "websocket.http.response.start",
    ]


def test_send_json_encodes_structs_and_pydantic_like_objects() -> None:
    class Point(msgspec.Struct):
        x: int

    class ModelLike:
        def model_dump(self, mode: str) -> dict[str, str]:
            return {"mode": mode}

    peer = Peer(CONNECT)

    async def body(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_json(Point(1))
        await ws.send_json(ModelLike())
        with pytest.raises(TypeError):
            await ws.send_json(object())

    run(peer, body)
    assert [m.get("text") for m in peer.sent[1:]] == ['{"x":1}', '{"mode":"json"}']


def test_websocket_close_app() -> None:
    peer = Peer()
    asyncio.run(WebSocketClose(1001, "away")(scope(), peer.receive, peer.send))
    asyncio.run(WebSocketClose()(scope(), peer.receive, peer.send))
    assert peer.sent == [
        {"type": "websocket.close", "code": 1001, "reason": "away"},
        {"type": "websocket.close", "code": 1000, "reason": ""},
    ]
