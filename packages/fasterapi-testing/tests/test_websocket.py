"""WebSockets through the sync and async clients, against bare ASGI apps."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fasterapi_testing import (
    ASGIProtocolError,
    AsyncTestClient,
    TestClient,
    WebSocketDenied,
    WebSocketDisconnect,
)
from fasterapi_testing.types import Message, Receive, Scope, Send


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Accepts, then echoes frames until the client goes away; "bye" closes with 4000."""
    assert scope["type"] == "websocket"
    assert (await receive())["type"] == "websocket.connect"
    subprotocol = scope["subprotocols"][0] if scope["subprotocols"] else None
    await send(
        {"type": "websocket.accept", "subprotocol": subprotocol, "headers": [(b"x-ws", b"1")]}
    )
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") == "bye":
            await send({"type": "websocket.close", "code": 4000, "reason": "see you"})
            return
        if message.get("text") == "scope":
            data = {
                k: v
                for k, v in scope.items()
                if k in ("path", "scheme", "server", "client", "subprotocols")
            }
            data["query_string"] = scope["query_string"].decode()
            data["headers"] = {k.decode(): v.decode() for k, v in scope["headers"]}
            data["extensions"] = scope["extensions"]
            await send({"type": "websocket.send", "text": json.dumps(data)})
            continue
        await send(
            {"type": "websocket.send", "text": message.get("text"), "bytes": message.get("bytes")}
        )


def test_echo_text_bytes_json() -> None:
    with TestClient(echo) as client, client.websocket_connect("/ws") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "hello"
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_bytes() == b"\x00\x01"
        ws.send_json({"a": [1, "é"]})
        assert ws.receive_json() == {"a": [1, "é"]}
        ws.send_json({"b": 2}, mode="binary")
        assert ws.receive_json(mode="binary") == {"b": 2}
        ws.send_text("raw")
        assert ws.receive() == {"type": "websocket.send", "text": "raw", "bytes": None}
        assert ws.accepted_subprotocol is None
        assert ws.extra_headers == [(b"x-ws", b"1")]


def test_scope_and_subprotocols() -> None:
    client = TestClient(echo, headers={"x-client": "c"})
    with client.websocket_connect("/ws?x=1", ["chat", "json"], headers={"x-extra": "e"}) as ws:
        assert ws.accepted_subprotocol == "chat"
        assert ws.scope["type"] == "websocket"
        ws.send_text("scope")
        data = ws.receive_json()
    assert data["path"] == "/ws"
    assert data["scheme"] == "ws"
    assert data["server"] == ["testserver", 80]
    assert data["client"] == ["testclient", 50000]
    assert data["subprotocols"] == ["chat", "json"]
    assert data["query_string"] == "x=1"
    assert data["extensions"] == {"websocket.http.response": {}}
    headers = data["headers"]
    assert headers["x-client"] == "c"
    assert headers["x-extra"] == "e"
    assert headers["upgrade"] == "websocket"
    assert headers["connection"] == "upgrade"
    assert headers["sec-websocket-version"] == "13"
    assert headers["sec-websocket-protocol"] == "chat, json"
    client.close()


def test_query_string_argument_and_wss() -> None:
    client = TestClient(echo, base_url="https://example.org")
    with client.websocket_connect("/ws?ignored=1", query_string="token=abc") as ws:
        ws.send_text("scope")
        data = ws.receive_json()
    assert data["query_string"] == "token=abc"
    assert data["scheme"] == "wss"
    assert data["server"] == ["example.org", 443]
    with client.websocket_connect("ws://other/ws?next=ws://x") as ws:
        ws.send_text("scope")
        data = ws.receive_json()
    assert data["server"] == ["other", 80]
    assert data["scheme"] == "ws"
    assert data["query_string"] == "next=ws://x"
    with client.websocket_connect("wss://other/ws") as ws:
        ws.send_text("scope")
        assert ws.receive_json()["server"] == ["other", 443]
    client.close()


def test_app_close_raises_disconnect_with_code_and_reason() -> None:
    with TestClient(echo) as client, client.websocket_connect("/ws") as ws:
        ws.send_text("bye")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
        assert info.value.code == 4000
        assert info.value.reason == "see you"
        # Later reads see the same close, never hang.
        assert ws.receive() == {"type": "websocket.close", "code": 4000, "reason": "see you"}
        with pytest.raises(WebSocketDisconnect):
            ws.receive_bytes()


def test_client_close_reaches_the_app() -> None:
    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        seen.append(await receive())

    with TestClient(app) as client:
        with client.websocket_connect("/") as ws:
            ws.close(4001, "done")
        with client.websocket_connect("/"):
            pass
    assert seen == [
        {"type": "websocket.disconnect", "code": 4001, "reason": "done"},
        {"type": "websocket.disconnect", "code": 1000, "reason": None},
    ]


def test_close_before_accept_is_a_denial() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1008, "reason": "no token"})

    with pytest.raises(WebSocketDenied) as info, TestClient(app).websocket_connect("/"):
        pass  # pragma: no cover - never entered
    assert info.value.status_code == 403
    assert info.value.code == 1008
    assert info.value.reason == "no token"
    assert isinstance(info.value, WebSocketDisconnect)
    assert "403" in str(info.value)


def test_denial_response_extension() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 401,
                "headers": [(b"x-why", b"auth")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": b"log in", "more_body": True})
        await send({"type": "websocket.http.response.body", "body": b" first"})

    with pytest.raises(WebSocketDenied) as info, TestClient(app).websocket_connect("/"):
        pass  # pragma: no cover - never entered
    assert info.value.status_code == 401
    assert info.value.headers == [(b"x-why", b"auth")]
    assert info.value.body == b"log in first"
    assert "log in first" in str(info.value)


class BoomError(Exception):
    pass


async def boom_before_accept(scope: Scope, receive: Receive, send: Send) -> None:
    raise BoomError("before")


async def boom_after_accept(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "websocket.accept"})
    await receive()
    raise BoomError("after")


async def returns_without_accept(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()


def test_app_exception_before_accept() -> None:
    with pytest.raises(BoomError), TestClient(boom_before_accept).websocket_connect("/"):
        pass  # pragma: no cover - never entered
    client = TestClient(boom_before_accept, raise_server_exceptions=False)
    with pytest.raises(WebSocketDenied) as info, client.websocket_connect("/"):
        pass  # pragma: no cover - never entered
    assert info.value.status_code == 500


def test_app_returning_without_accept() -> None:
    with (
        pytest.raises(ASGIProtocolError, match="without accepting"),
        TestClient(returns_without_accept).websocket_connect("/"),
    ):
        pass  # pragma: no cover - never entered


def test_app_exception_after_accept() -> None:
    with TestClient(boom_after_accept) as client, client.websocket_connect("/") as ws:
        ws.send_text("go")
        with pytest.raises(BoomError):
            ws.receive_text()
    client = TestClient(boom_after_accept, raise_server_exceptions=False)
    with client.websocket_connect("/") as ws:
        ws.send_text("go")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
        assert info.value.code == 1011
    client.close()


def test_app_exception_at_exit_is_reraised() -> None:
    with pytest.raises(BoomError), TestClient(boom_after_accept).websocket_connect("/"):
        pass


def test_app_returning_after_accept_reads_as_abnormal_close() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": "last"})

    with TestClient(app).websocket_connect("/") as ws:
        assert ws.receive_text() == "last"
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
        assert info.value.code == 1006
        ws.send_text("ignored once the app is gone")


@pytest.mark.parametrize(
    "messages",
    [
        [{"type": "websocket.send", "text": "too early"}],
        [{"type": "websocket.accept"}, {"type": "websocket.accept"}],
        [{"type": "websocket.accept"}, {"type": "websocket.http.response.start", "status": 400}],
    ],
)
def test_protocol_errors_raise_in_the_app(messages: list[Message]) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        for message in messages:
            await send(message)
        await receive()

    with pytest.raises(ASGIProtocolError), TestClient(app).websocket_connect("/") as ws:
        ws.receive()


def test_wrong_frame_kind() -> None:
    with TestClient(echo).websocket_connect("/") as ws:
        ws.send_bytes(b"x")
        with pytest.raises(TypeError, match="text"):
            ws.receive_text()
        ws.send_text("x")
        with pytest.raises(TypeError, match="binary"):
            ws.receive_bytes()


def test_disconnect_exception_from_the_app_after_close_is_a_clean_end() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        message = await receive()
        raise WebSocketDisconnect(message["code"])

    with TestClient(app).websocket_connect("/"):
        pass


def test_app_ignoring_the_close_is_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fasterapi_testing.websocket.DISCONNECT_GRACE", 0.05)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            await send({"type": "websocket.send", "text": "tick"})
            await asyncio.sleep(0.01)

    with TestClient(app).websocket_connect("/") as ws:
        assert ws.receive_text() == "tick"


# -- the hook for a framework's own exception classes ------------------------------
class FrameworkDisconnect(Exception):
    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


class FrameworkClient(TestClient):
    websocket_disconnect_exc = FrameworkDisconnect


def test_subclass_swaps_the_disconnect_exception() -> None:
    with FrameworkClient(echo).websocket_connect("/") as ws:
        ws.send_text("bye")
        with pytest.raises(FrameworkDisconnect) as info:
            ws.receive_text()
    assert info.value.code == 4000
    assert info.value.reason == "see you"


def test_subclass_denial_is_both_classes() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1008})

    assert issubclass(FrameworkClient.websocket_denied_exc, WebSocketDenied)
    assert issubclass(FrameworkClient.websocket_denied_exc, FrameworkDisconnect)
    with pytest.raises(FrameworkDisconnect) as info, FrameworkClient(app).websocket_connect("/"):
        pass  # pragma: no cover - never entered
    assert isinstance(info.value, WebSocketDenied)
    assert info.value.code == 1008


def test_framework_disconnect_raised_by_the_app_after_close_is_clean() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await receive()
        raise FrameworkDisconnect(1000)

    with FrameworkClient(app).websocket_connect("/"):
        pass


# -- async client ------------------------------------------------------------------
def test_async_websocket() -> None:
    async def main() -> None:
        async with (
            AsyncTestClient(echo) as client,
            client.websocket_connect("/ws", ["p"]) as ws,  # second, as with Starlette
        ):
            assert ws.accepted_subprotocol == "p"
            await ws.send_text("hi")
            assert await ws.receive_text() == "hi"
            await ws.send_bytes(b"b")
            assert await ws.receive_bytes() == b"b"
            await ws.send_json([1], mode="binary")
            assert await ws.receive_json(mode="binary") == [1]
            await ws.send_json({"x": 1})
            assert (await ws.receive())["text"] == '{"x":1}'
            await ws.send_text("bye")
            with pytest.raises(WebSocketDisconnect) as info:
                await ws.receive_json()
            assert info.value.code == 4000
            assert (await ws.receive())["code"] == 4000

    asyncio.run(main())


def test_async_websocket_denial_and_errors() -> None:
    async def deny(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.http.response.start", "status": 404, "headers": []})
        await send({"type": "websocket.http.response.body", "body": b"nope"})

    async def main() -> None:
        client = AsyncTestClient(deny)
        with pytest.raises(WebSocketDenied) as info:
            async with client.websocket_connect("/"):
                pass  # pragma: no cover - never entered
        assert info.value.status_code == 404
        assert info.value.body == b"nope"
        with pytest.raises(BoomError):
            async with AsyncTestClient(boom_after_accept).websocket_connect("/") as ws:
                await ws.send_text("go")
                await ws.receive_text()
        async with AsyncTestClient(boom_after_accept).websocket_connect("/") as ws:
            await ws.close(1001)

    with pytest.raises(BoomError):
        asyncio.run(main())


def test_async_websocket_app_ignoring_close(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fasterapi_testing.websocket.DISCONNECT_GRACE", 0.05)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await asyncio.sleep(10)

    async def main() -> Any:
        async with AsyncTestClient(app).websocket_connect("/") as ws:
            return ws.accepted_subprotocol

    assert asyncio.run(main()) is None


def test_exception_messages() -> None:
    assert str(WebSocketDisconnect(1000)) == "WebSocket closed with code 1000"
    assert str(WebSocketDisconnect(4000, "bye")) == "WebSocket closed with code 4000: bye"
    assert str(WebSocketDenied(403)) == "WebSocket handshake denied with HTTP 403"


def test_subclass_keeping_our_disconnect_keeps_our_denial() -> None:
    class Client(TestClient):
        websocket_disconnect_exc = WebSocketDisconnect

    assert Client.websocket_denied_exc is WebSocketDenied
