"""`WebSocket`: one ASGI WebSocket connection, with Starlette's (and so FastAPI's) methods.

The connection tracks two states, as Starlette's does: `client_state` (what the client has
sent: connect, then messages, then disconnect) and `application_state` (what we have sent:
accept or close). Calling a method in the wrong state raises `RuntimeError` with a message that
says what to do; a client that goes away raises `WebSocketDisconnect(code, reason)`.

Decisions that differ from Starlette, for hostile input (never a 500-style crash):

* A message larger than `max_message_size` bytes closes the connection with 1009 ("message too
  big") and raises `WebSocketDisconnect(1009)`. The ASGI server has already read it; servers have
  their own frame limit too (uvicorn's `--ws-max-size`, 16 MiB by default).
* `receive_text()` on a binary message (or `receive_bytes()` on a text one) closes with 1003
  ("unsupported data") and raises `WebSocketDisconnect(1003)`, instead of a `KeyError`.
* `receive_json()` on invalid JSON closes with 1007 ("invalid payload") and raises
  `WebSocketDisconnect(1007)`, instead of a `JSONDecodeError`.

Text frames that are not valid UTF-8 never reach the app: the ASGI server must reject them
(RFC 6455 §8.1) and hands us `str`.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any, Literal, NoReturn

import msgspec

from fasterapi_core.exceptions import WebSocketDisconnect
from fasterapi_core.request import HTTPConnection

__all__ = ("WebSocket", "WebSocketClose", "WebSocketState")

Message = Mapping[str, Any]
ReceiveCallable = Callable[[], Any]
SendCallable = Callable[[Message], Any]


class WebSocketState(enum.Enum):
    """Where one side of the connection is: Starlette's states, with the same values."""

    CONNECTING = 0
    CONNECTED = 1
    DISCONNECTED = 2
    RESPONSE = 3


_CONNECTING = WebSocketState.CONNECTING
_CONNECTED = WebSocketState.CONNECTED
_DISCONNECTED = WebSocketState.DISCONNECTED
_RESPONSE = WebSocketState.RESPONSE

_CLOSE_UNSUPPORTED = 1003
_CLOSE_INVALID_PAYLOAD = 1007
_CLOSE_TOO_BIG = 1009
_CLOSE_ABNORMAL = 1006


def _enc_hook(obj: Any) -> Any:
    dump = getattr(obj, "model_dump", None)  # pydantic models, when the app returns them
    if dump is not None:
        return dump(mode="json")
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


# One encoder/decoder for every connection; no per-message setup.
_encode = msgspec.json.Encoder(enc_hook=_enc_hook).encode
_decode = msgspec.json.Decoder().decode


class WebSocket(HTTPConnection):
    """An ASGI WebSocket connection: accept, receive, send, close.

    Args:
        scope: The ASGI `websocket` scope.
        receive: The ASGI receive channel.
        send: The ASGI send channel.
        max_message_size: Largest message accepted, in bytes (UTF-8 for text); a larger one
            closes the connection with 1009.

    Attributes:
        client_state: What the client has done (`WebSocketState`).
        application_state: What the application has done (`WebSocketState`).
    """

    __slots__ = ("_max_message_size", "_send", "application_state", "client_state")

    def __init__(
        self,
        scope: Mapping[str, Any],
        receive: ReceiveCallable,
        send: SendCallable,
        *,
        max_message_size: int = 1024 * 1024,
    ) -> None:
        if scope.get("type") != "websocket":
            raise ValueError(f"WebSocket needs a 'websocket' scope, got {scope.get('type')!r}")
        super().__init__(scope, receive)  # type: ignore[arg-type]
        self._send = send
        self._max_message_size = max_message_size
        self.client_state = _CONNECTING
        self.application_state = _CONNECTING

    # -- raw ASGI ------------------------------------------------------------------------
    async def receive(self) -> Message:
        """Receive the next raw ASGI message (`websocket.connect`/`receive`/`disconnect`).

        Returns:
            The message. A disconnect is returned, not raised (see `receive_text` & co.).

        Raises:
            RuntimeError: Called again after the disconnect message, or an unexpected message.
            WebSocketDisconnect: The message was larger than `max_message_size` (code 1009).
        """
        state = self.client_state
        if state is _CONNECTED:
            message: Message = await self._receive()
            kind = message["type"]
            if kind == "websocket.receive":
                data = message.get("text")
                if data is None:
                    data = message.get("bytes") or b""
                    size = len(data)
                else:
                    # A str of n characters is n to 4n UTF-8 bytes: encode only when it matters.
                    size = len(data)
                    if size <= self._max_message_size < 4 * size:
                        size = len(data.encode("utf-8", "surrogatepass"))
                if size > self._max_message_size:
                    await self._close_for(_CLOSE_TOO_BIG, "Message too big")
                return message
            if kind == "websocket.disconnect":
                self.client_state = _DISCONNECTED
                return message
            raise RuntimeError(
                f'Expected a "websocket.receive" or "websocket.disconnect" message, got {kind!r}'
            )
        if state is _CONNECTING:
            message = await self._receive()
            kind = message["type"]
            if kind != "websocket.connect":
                raise RuntimeError(f'Expected a "websocket.connect" message first, got {kind!r}')
            self.client_state = _CONNECTED
            return message
        raise RuntimeError('Cannot call "receive" once a disconnect message has been received.')

    async def send(self, message: Message) -> None:
        """Send one raw ASGI message, checking it is allowed in the current state.

        Raises:
            RuntimeError: The message is not allowed now (e.g. anything after a close).
            WebSocketDisconnect: The connection broke while sending (code 1006).
        """
        state = self.application_state
        kind = message["type"]
        if state is _CONNECTED:
            if kind == "websocket.close":
                self.application_state = _DISCONNECTED
            elif kind != "websocket.send":
                raise RuntimeError(
                    f'Expected a "websocket.send" or "websocket.close" message, got {kind!r}'
                )
        elif state is _CONNECTING:
            if kind == "websocket.accept":
                self.application_state = _CONNECTED
            elif kind == "websocket.close":
                self.application_state = _DISCONNECTED
            elif kind == "websocket.http.response.start":
                self.application_state = _RESPONSE
            else:
                raise RuntimeError(
                    'Expected a "websocket.accept", "websocket.close" or '
                    f'"websocket.http.response.start" message, got {kind!r}'
                )
        elif state is _RESPONSE:
            if kind != "websocket.http.response.body":
                raise RuntimeError(
                    f'Expected a "websocket.http.response.body" message, got {kind!r}'
                )
            if not message.get("more_body", False):
                self.application_state = _DISCONNECTED
        else:
            raise RuntimeError(
                f"Cannot send {kind!r}: this WebSocket is already closed (a close message or the "
                "whole denial response was sent)."
            )
        try:
            await self._send(message)
        except OSError:
            self.application_state = _DISCONNECTED
            raise WebSocketDisconnect(_CLOSE_ABNORMAL) from None

    # -- handshake -----------------------------------------------------------------------
    async def accept(
        self,
        subprotocol: str | None = None,
        headers: Iterable[tuple[bytes, bytes]] | None = None,
    ) -> None:
        """Accept the connection, first reading the client's `websocket.connect` if needed.

        Args:
            subprotocol: The subprotocol chosen among `scope["subprotocols"]`.
            headers: Extra response headers as `(name, value)` byte pairs.
        """
        if self.client_state is _CONNECTING:
            await self.receive()
        message: dict[str, Any] = {"type": "websocket.accept", "subprotocol": subprotocol}
        message["headers"] = [(bytes(k).lower(), bytes(v)) for k, v in headers or ()]
        await self.send(message)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Close the connection (or refuse it, before `accept`) with `code` and `reason`."""
        await self.send({"type": "websocket.close", "code": code, "reason": reason or ""})

    async def send_denial_response(self, response: Any) -> None:
        """Refuse the handshake with an HTTP response (needs the server's denial extension).

        Args:
            response: Any ASGI response app, such as `PlainTextResponse("No", 403)`.

        Raises:
            RuntimeError: The server does not support `websocket.http.response`.
        """
        if "websocket.http.response" not in self.scope.get("extensions", {}):
            raise RuntimeError("The server does not support the WebSocket denial response.")

        async def send(message: Message) -> None:
            kind = message["type"]
            if not kind.startswith("websocket."):
                message = {**message, "type": "websocket." + kind}
            await self.send(message)

        await response(self.scope, self._receive, send)

    # -- messages ------------------------------------------------------------------------
    def _check_accepted(self) -> None:
        if self.application_state is not _CONNECTED:
            raise RuntimeError('WebSocket is not connected. Need to call "accept" first.')

    async def _close_for(self, code: int, reason: str) -> NoReturn:
        if self.application_state is _CONNECTED:
            await self.send({"type": "websocket.close", "code": code, "reason": reason})
        raise WebSocketDisconnect(code, reason)

    async def _message(self) -> Message:
        self._check_accepted()
        message = await self.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        return message

    async def receive_text(self) -> str:
        """The next text message.

        Raises:
            WebSocketDisconnect: The client disconnected, or sent a binary message (1003).
        """
        text: str | None = (await self._message()).get("text")
        if text is None:
            await self._close_for(_CLOSE_UNSUPPORTED, "Expected a text message")
        return text

    async def receive_bytes(self) -> bytes:
        """The next binary message.

        Raises:
            WebSocketDisconnect: The client disconnected, or sent a text message (1003).
        """
        data: bytes | None = (await self._message()).get("bytes")
        if data is None:
            await self._close_for(_CLOSE_UNSUPPORTED, "Expected a binary message")
        return data

    async def receive_json(self, mode: Literal["text", "binary"] = "text") -> Any:
        """The next message, decoded from JSON.

        Args:
            mode: "text" for text messages, "binary" for UTF-8 JSON in binary messages.

        Raises:
            WebSocketDisconnect: The client disconnected, sent the other kind of message (1003)
                or invalid JSON (1007).
        """
        if mode == "text":
            payload: str | bytes = await self.receive_text()
        elif mode == "binary":
            payload = await self.receive_bytes()
        else:
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        try:
            return _decode(payload)
        except (msgspec.DecodeError, RecursionError):
            # msgspec raises RecursionError for nesting deeper than its limit: still the
            # client's bad payload, not an application crash.
            await self._close_for(_CLOSE_INVALID_PAYLOAD, "Invalid JSON")

    async def iter_text(self) -> AsyncIterator[str]:
        """Text messages until the client disconnects (then the loop just ends)."""
        try:
            while True:
                yield await self.receive_text()
        except WebSocketDisconnect:
            pass

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        """Binary messages until the client disconnects."""
        try:
            while True:
                yield await self.receive_bytes()
        except WebSocketDisconnect:
            pass

    async def iter_json(self) -> AsyncIterator[Any]:
        """JSON text messages, decoded, until the client disconnects."""
        try:
            while True:
                yield await self.receive_json()
        except WebSocketDisconnect:
            pass

    async def send_text(self, data: str) -> None:
        """Send a text message."""
        await self.send({"type": "websocket.send", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        await self.send({"type": "websocket.send", "bytes": data})

    async def send_json(self, data: Any, mode: Literal["text", "binary"] = "text") -> None:
        """Send `data` encoded as compact JSON (msgspec).

        Args:
            data: Anything msgspec encodes (dicts, lists, Structs, dataclasses, ...).
            mode: "text" for a text message, "binary" for a binary one.
        """
        encoded = _encode(data)
        if mode == "text":
            await self.send({"type": "websocket.send", "text": encoded.decode("utf-8")})
        elif mode == "binary":
            await self.send({"type": "websocket.send", "bytes": encoded})
        else:
            raise RuntimeError('The "mode" argument should be "text" or "binary".')


class WebSocketClose:
    """An ASGI app that closes (or refuses) a WebSocket: Starlette's `WebSocketClose`.

    Args:
        code: The close code.
        reason: The close reason.
    """

    __slots__ = ("code", "reason")

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        self.code = code
        self.reason = reason or ""

    async def __call__(self, scope: Mapping[str, Any], receive: Any, send: Any) -> None:
        """Send the close message."""
        await send({"type": "websocket.close", "code": self.code, "reason": self.reason})
