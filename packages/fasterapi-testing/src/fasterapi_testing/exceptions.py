"""Errors raised in the test when the application misbehaves or closes a WebSocket."""

from __future__ import annotations

from collections.abc import Sequence


class WebSocketDisconnect(Exception):
    """The application closed the WebSocket (or it was never opened).

    Raised by the `receive_*` methods of a WebSocket test session when the
    application sent `websocket.close`. A framework's own test client can raise its
    own class instead: see `TestClient.websocket_disconnect_exc`.

    Args:
        code: The WebSocket close code the application sent (1000 by default).
        reason: The close reason the application sent, if any.

    Attributes:
        code: The close code.
        reason: The close reason, or None.
    """

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        # Set before calling up: in a class derived for a framework's own disconnect
        # exception (see TestClient), that class's __init__ runs next and has the last word.
        self.code = code
        self.reason = reason
        super().__init__(code, reason)

    def __str__(self) -> str:
        return f"WebSocket closed with code {self.code}" + (
            f": {self.reason}" if self.reason else ""
        )


class WebSocketDenied(WebSocketDisconnect):
    """The application refused the WebSocket handshake.

    Raised by `websocket_connect(...)` when the application closes the connection
    before accepting it (a real server answers such a handshake with HTTP 403) or
    sends a denial response through the `websocket.http.response` ASGI extension.
    It is a `WebSocketDisconnect`, so `pytest.raises(WebSocketDisconnect)` catches it.

    Args:
        status_code: The HTTP status of the denial (403 for a close before accept).
        headers: The response headers the application sent, as raw byte pairs.
        body: The response body the application sent.
        code: The close code: the application's one for a close before accept,
            1006 (no close frame) for a denial response.
        reason: The close reason the application sent, if any.

    Attributes:
        status_code: The HTTP status of the denial.
        headers: The raw response headers.
        body: The response body.
    """

    def __init__(
        self,
        status_code: int = 403,
        headers: Sequence[tuple[bytes, bytes]] = (),
        body: bytes = b"",
        code: int = 1006,
        reason: str | None = None,
    ) -> None:
        super().__init__(code, reason)
        self.status_code = status_code
        self.headers = list(headers)
        self.body = body

    def __str__(self) -> str:
        detail = f": {self.body[:200]!r}" if self.body else ""
        return f"WebSocket handshake denied with HTTP {self.status_code}{detail}"


class LifespanError(RuntimeError):
    """The application reported `lifespan.startup.failed` or `lifespan.shutdown.failed`.

    The message is the one the application sent. When the application also raised,
    the test sees that original exception instead of this one.
    """


class ASGIProtocolError(RuntimeError):
    """The application broke the ASGI protocol.

    For example: it returned without sending a response, sent a body before
    `http.response.start`, sent more body after `more_body=False`, or sent a
    message type the connection does not know. Raised inside the application (from
    `send`) when the message itself is wrong, so the application's traceback points
    at the culprit, and in the test when the application returned without answering.
    """
