"""WebSocket sessions: a test talks to the app as a browser would, message by message."""

from __future__ import annotations

import asyncio
import json
import queue
from collections.abc import Callable
from types import TracebackType
from typing import Any, Literal, TypeVar

from fasterapi_testing._http import DISCONNECT_GRACE, Finished
from fasterapi_testing._loop import LoopThread
from fasterapi_testing.exceptions import ASGIProtocolError, WebSocketDenied, WebSocketDisconnect
from fasterapi_testing.types import ASGIApp, Message, Scope

SessionT = TypeVar("SessionT", bound="WebSocketTestSession")
AsyncSessionT = TypeVar("AsyncSessionT", bound="AsyncWebSocketTestSession")


class WebSocketExchange:
    """The app's side of one WebSocket connection, living on the event loop."""

    __slots__ = ("_client_closed", "_inbox", "_state", "app", "emit", "loop", "scope", "task")

    def __init__(
        self,
        app: ASGIApp,
        scope: Scope,
        loop: asyncio.AbstractEventLoop,
        emit: Callable[[object], object],
    ) -> None:
        self.app = app
        self.scope = scope
        self.loop = loop
        self.emit = emit
        self.task: asyncio.Task[None] | None = None
        self._inbox: asyncio.Queue[Message] | None = None
        self._state = "connecting"  # -> "accepted" | "denying" -> "closed"
        self._client_closed = False

    def start(self) -> None:
        self._inbox = asyncio.Queue()
        # A real server hands the app `websocket.connect` first.
        self._inbox.put_nowait({"type": "websocket.connect"})
        self.task = self.loop.create_task(self._run())

    def push(self, message: Message) -> None:
        """A message from the test to the app (called on the loop)."""
        assert self._inbox is not None
        if message["type"] == "websocket.disconnect":
            self._client_closed = True
        self._inbox.put_nowait(message)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def _run(self) -> None:
        try:
            await self.app(self.scope, self._receive, self._send)
        except BaseException as exc:  # handed to the test, which re-raises it
            self.emit(Finished(exc))
        else:
            self.emit(Finished(None))

    async def _receive(self) -> Message:
        assert self._inbox is not None
        return await self._inbox.get()

    async def _send(self, message: Message) -> None:
        kind = message["type"]
        state = self._state
        if self._client_closed:
            return  # the test closed the connection: a real server drops what follows
        if kind == "websocket.send" and state == "accepted":
            pass
        elif kind == "websocket.accept" and state == "connecting":
            self._state = "accepted"
        elif kind == "websocket.close" and state in ("connecting", "accepted"):
            self._state = "closed"
        elif kind == "websocket.http.response.start" and state == "connecting":
            self._state = "denying"
        elif kind == "websocket.http.response.body" and state == "denying":
            if not message.get("more_body", False):
                self._state = "closed"
        else:
            raise ASGIProtocolError(
                f"unexpected ASGI message {kind!r} on a WebSocket in state {state!r}"
            )
        self.emit(message)


def _outcome_error(
    item: Finished,
    accepted: bool,
    raise_exc: bool,
    disconnect_exc: type[Exception],
    denied_exc: type[Exception],
) -> BaseException:
    """What the test sees when the app ended without closing the connection itself."""
    if item.exc is not None and raise_exc:
        return item.exc
    if not accepted:
        if raise_exc:
            return ASGIProtocolError(
                "The ASGI application returned without accepting the WebSocket"
            )
        return denied_exc(500, [], b"", 1006, None)
    return disconnect_exc(1011 if item.exc is not None else 1006, None)


class _SessionBase:
    """State and message helpers shared by the sync and async sessions."""

    __slots__ = (
        "_app",
        "_close_message",
        "_closed",
        "_denied_exc",
        "_disconnect_exc",
        "_finished",
        "_raise",
        "_reported",
        "_scope",
        "accepted_subprotocol",
        "extra_headers",
    )

    def __init__(
        self,
        app: ASGIApp,
        scope: Scope,
        *,
        raise_server_exceptions: bool,
        disconnect_exc: type[Exception],
        denied_exc: type[Exception],
    ) -> None:
        self._app = app
        self._scope = scope
        self._raise = raise_server_exceptions
        self._disconnect_exc = disconnect_exc
        self._denied_exc = denied_exc
        self._finished: Finished | None = None
        self._closed = False
        self._reported = False  # the app's exception already reached the test
        self._close_message: Message | None = None
        self.accepted_subprotocol: str | None = None
        self.extra_headers: list[tuple[bytes, bytes]] = []

    @property
    def scope(self) -> Scope:
        """The connection scope the application received."""
        return self._scope

    def _on_item(self, item: object) -> Message:
        """Turn a queue item into the message `receive()` returns (raising if due)."""
        if isinstance(item, Finished):
            self._finished = item
            if self._close_message is not None and (item.exc is None or not self._raise):
                return self._close_message
            error = _outcome_error(item, True, self._raise, self._disconnect_exc, self._denied_exc)
            if not isinstance(error, (WebSocketDisconnect, self._disconnect_exc)):
                self._reported = True
                raise error
            code = getattr(error, "code", 1006)
            self._close_message = {"type": "websocket.close", "code": code, "reason": None}
            return self._close_message
        assert isinstance(item, dict)
        if item["type"] == "websocket.close":
            self._close_message = item
        return item

    def _check_close(self, message: Message) -> Message:
        if message["type"] == "websocket.close":
            raise self._disconnect_exc(message.get("code", 1000), message.get("reason"))
        return message

    @staticmethod
    def _text(message: Message) -> str:
        text = message.get("text")
        if text is None:
            raise TypeError(f"expected a text message, the application sent {message!r}")
        return str(text)

    @staticmethod
    def _bytes(message: Message) -> bytes:
        data = message.get("bytes")
        if data is None:
            raise TypeError(f"expected a binary message, the application sent {message!r}")
        return bytes(data)

    @staticmethod
    def _json_message(data: Any, mode: Literal["text", "binary"]) -> Message:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "binary":
            return {"type": "websocket.receive", "bytes": text.encode()}
        return {"type": "websocket.receive", "text": text}

    def _json(self, message: Message, mode: Literal["text", "binary"]) -> Any:
        return json.loads(self._bytes(message) if mode == "binary" else self._text(message))

    def _accept_or_deny(self, first: object, more: Callable[[], object]) -> None:
        """Apply the app's answer to the handshake, or raise the denial."""
        if isinstance(first, Finished):
            self._finished = first
            raise _outcome_error(first, False, self._raise, self._disconnect_exc, self._denied_exc)
        assert isinstance(first, dict)
        kind = first["type"]
        if kind == "websocket.accept":
            self.accepted_subprotocol = first.get("subprotocol")
            self.extra_headers = list(first.get("headers") or [])
            return
        if kind == "websocket.close":
            # A real server answers a handshake closed before accept with HTTP 403.
            raise self._denied_exc(403, [], b"", first.get("code", 1000), first.get("reason"))
        # websocket.http.response.start: the denial response extension
        status, headers = first["status"], list(first.get("headers") or [])
        body = []
        while True:
            item = more()
            if isinstance(item, Finished):
                self._finished = item
                if item.exc is not None and self._raise:
                    raise item.exc
                break
            assert isinstance(item, dict)
            body.append(item.get("body", b""))
            if not item.get("more_body", False):
                break
        raise self._denied_exc(status, headers, b"".join(body), 1006, None)

    def _after_exit(self, finished: Finished | None, cancelled: bool, failing: bool) -> None:
        """Re-raise what the app raised, unless it was just its reaction to the close."""
        if finished is None or finished.exc is None or failing or self._reported or not self._raise:
            return
        exc = finished.exc
        if cancelled and isinstance(exc, asyncio.CancelledError):
            return
        if isinstance(exc, (self._disconnect_exc, WebSocketDisconnect)):
            return
        if type(exc).__name__ == "WebSocketDisconnect":  # another framework's own (Starlette's)
            return
        raise exc


class WebSocketTestSession(_SessionBase):
    """A WebSocket connection to the app, from a synchronous test.

    Made by `TestClient.websocket_connect(...)` and used as a context manager:
    entering performs the handshake (sending `websocket.connect` first, as a real
    server does), leaving closes the connection with code 1000 and waits for the app
    to finish, re-raising its exception when the client raises server exceptions.

    Attributes:
        accepted_subprotocol: The subprotocol the application accepted, or None.
        extra_headers: Headers the application sent with `websocket.accept`.
    """

    __slots__ = ("_events", "_exchange", "_portal")

    def __init__(
        self,
        app: ASGIApp,
        scope: Scope,
        portal: LoopThread,
        *,
        raise_server_exceptions: bool = True,
        disconnect_exc: type[Exception] = WebSocketDisconnect,
        denied_exc: type[Exception] = WebSocketDenied,
    ) -> None:
        super().__init__(
            app,
            scope,
            raise_server_exceptions=raise_server_exceptions,
            disconnect_exc=disconnect_exc,
            denied_exc=denied_exc,
        )
        self._portal = portal
        self._events: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._exchange: WebSocketExchange | None = None

    def __enter__(self: SessionT) -> SessionT:
        loop = self._portal.start()
        exchange = self._exchange = WebSocketExchange(
            self._app, self._scope, loop, self._events.put
        )
        loop.call_soon_threadsafe(exchange.start)
        try:
            self._accept_or_deny(self._events.get(), self._events.get)
        except BaseException:
            self._finish(told=False)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        told = self._finished is None and not self._closed
        if told:
            self.close(1000)
        cancelled, finished = self._finish(told=told or self._closed)
        self._after_exit(finished, cancelled, exc_type is not None)

    def _finish(self, *, told: bool) -> tuple[bool, Finished | None]:
        """Wait for the app to end (cancel it past the grace period)."""
        if self._finished is not None:
            return False, self._finished
        exchange = self._exchange
        assert exchange is not None
        cancelled = False
        while True:
            try:
                item = self._events.get(
                    timeout=DISCONNECT_GRACE if told and not cancelled else None
                )
            except queue.Empty:
                cancelled = True
                exchange.loop.call_soon_threadsafe(exchange.cancel)
                continue
            if isinstance(item, Finished):
                self._finished = item
                return cancelled, item

    def send(self, message: Message) -> None:
        """Send a raw ASGI message (such as `{"type": "websocket.receive", ...}`) to the app."""
        exchange = self._exchange
        if exchange is None or self._finished is not None:
            return
        exchange.loop.call_soon_threadsafe(exchange.push, message)

    def send_text(self, data: str) -> None:
        """Send a text frame."""
        self.send({"type": "websocket.receive", "text": data})

    def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        self.send({"type": "websocket.receive", "bytes": data})

    def send_json(self, data: Any, mode: Literal["text", "binary"] = "text") -> None:
        """Send `data` encoded as compact JSON, in a text (default) or binary frame."""
        self.send(self._json_message(data, mode))

    def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Close the connection from the client's side: the app receives `websocket.disconnect`."""
        if not self._closed:
            self._closed = True
            self.send({"type": "websocket.disconnect", "code": code, "reason": reason})

    def receive(self) -> Message:
        """The next raw ASGI message the app sent; blocks until there is one.

        After the app closed (or ended), returns its `websocket.close` message again.

        Raises:
            Exception: The app's own exception, if it raised and the client raises
                server exceptions.
        """
        if self._close_message is not None and self._finished is not None:
            return self._close_message
        return self._on_item(self._events.get())

    def receive_text(self) -> str:
        """The next text frame.

        Raises:
            WebSocketDisconnect: The app closed the connection (the client's
                `websocket_disconnect_exc` class, carrying its code and reason).
        """
        return self._text(self._check_close(self.receive()))

    def receive_bytes(self) -> bytes:
        """The next binary frame.

        Raises:
            WebSocketDisconnect: The app closed the connection.
        """
        return self._bytes(self._check_close(self.receive()))

    def receive_json(self, mode: Literal["text", "binary"] = "text") -> Any:
        """The next frame decoded as JSON, from a text (default) or binary frame.

        Raises:
            WebSocketDisconnect: The app closed the connection.
        """
        return self._json(self._check_close(self.receive()), mode)


class AsyncWebSocketTestSession(_SessionBase):
    """A WebSocket connection to the app, from an `async def` test.

    Made by `AsyncTestClient.websocket_connect(...)`, used with `async with`; the
    same methods as `WebSocketTestSession`, with the `receive_*` ones awaitable.

    Attributes:
        accepted_subprotocol: The subprotocol the application accepted, or None.
        extra_headers: Headers the application sent with `websocket.accept`.
    """

    __slots__ = ("_events", "_exchange")

    def __init__(
        self,
        app: ASGIApp,
        scope: Scope,
        *,
        raise_server_exceptions: bool = True,
        disconnect_exc: type[Exception] = WebSocketDisconnect,
        denied_exc: type[Exception] = WebSocketDenied,
    ) -> None:
        super().__init__(
            app,
            scope,
            raise_server_exceptions=raise_server_exceptions,
            disconnect_exc=disconnect_exc,
            denied_exc=denied_exc,
        )
        self._events: asyncio.Queue[object] | None = None
        self._exchange: WebSocketExchange | None = None

    async def __aenter__(self: AsyncSessionT) -> AsyncSessionT:
        events = self._events = asyncio.Queue()
        exchange = self._exchange = WebSocketExchange(
            self._app, self._scope, asyncio.get_running_loop(), events.put_nowait
        )
        exchange.start()
        first = await events.get()
        rest: list[object] = []
        if isinstance(first, dict) and first["type"] == "websocket.http.response.start":
            while True:  # collect the denial body before judging the handshake
                item = await events.get()
                rest.append(item)
                if isinstance(item, Finished) or not item.get("more_body", False):  # type: ignore[attr-defined]
                    break
        try:
            self._accept_or_deny(first, iter(rest).__next__)
        except BaseException:
            await self._finish(told=False)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        told = self._finished is None and not self._closed
        if told:
            await self.close(1000)
        cancelled, finished = await self._finish(told=told or self._closed)
        self._after_exit(finished, cancelled, exc_type is not None)

    async def _finish(self, *, told: bool) -> tuple[bool, Finished | None]:
        if self._finished is not None:
            return False, self._finished
        assert self._events is not None
        assert self._exchange is not None
        cancelled = False
        while True:
            try:
                timeout = DISCONNECT_GRACE if told and not cancelled else None
                item = await asyncio.wait_for(self._events.get(), timeout)
            except asyncio.TimeoutError:
                cancelled = True
                self._exchange.cancel()
                continue
            if isinstance(item, Finished):
                self._finished = item
                return cancelled, item

    async def send(self, message: Message) -> None:
        """Send a raw ASGI message to the app."""
        if self._exchange is not None and self._finished is None:
            self._exchange.push(message)

    async def send_text(self, data: str) -> None:
        """Send a text frame."""
        await self.send({"type": "websocket.receive", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        await self.send({"type": "websocket.receive", "bytes": data})

    async def send_json(self, data: Any, mode: Literal["text", "binary"] = "text") -> None:
        """Send `data` encoded as compact JSON, in a text (default) or binary frame."""
        await self.send(self._json_message(data, mode))

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Close the connection from the client's side."""
        if not self._closed:
            self._closed = True
            await self.send({"type": "websocket.disconnect", "code": code, "reason": reason})

    async def receive(self) -> Message:
        """The next raw ASGI message the app sent (its close message again once it ended)."""
        if self._close_message is not None and self._finished is not None:
            return self._close_message
        assert self._events is not None
        return self._on_item(await self._events.get())

    async def receive_text(self) -> str:
        """The next text frame.

        Raises:
            WebSocketDisconnect: The app closed the connection.
        """
        return self._text(self._check_close(await self.receive()))

    async def receive_bytes(self) -> bytes:
        """The next binary frame.

        Raises:
            WebSocketDisconnect: The app closed the connection.
        """
        return self._bytes(self._check_close(await self.receive()))

    async def receive_json(self, mode: Literal["text", "binary"] = "text") -> Any:
        """The next frame decoded as JSON, from a text (default) or binary frame.

        Raises:
            WebSocketDisconnect: The app closed the connection.
        """
        return self._json(self._check_close(await self.receive()), mode)
