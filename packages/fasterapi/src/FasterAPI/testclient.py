"""The test client, raising core's `WebSocketDisconnect` (FastAPI's `fastapi.testclient`).

`fasterapi_testing` works with any ASGI app, so its WebSocket sessions raise its own
`WebSocketDisconnect` by default. The classes here swap in the app's exception through
the client's class hook, so `pytest.raises(FasterAPI.WebSocketDisconnect)` catches a
close, as it does with FastAPI. Importing this module imports httpx; `import FasterAPI`
alone does not.
"""

from __future__ import annotations

from typing import ClassVar

import fasterapi_testing
from fasterapi_core import WebSocketDisconnect
from fasterapi_testing import (
    ASGIProtocolError,
    AsyncWebSocketTestSession,
    LifespanError,
    WebSocketDenied,
    WebSocketTestSession,
)

__all__ = (
    "ASGIProtocolError",
    "AsyncTestClient",
    "AsyncWebSocketTestSession",
    "LifespanError",
    "TestClient",
    "WebSocketDenied",
    "WebSocketTestSession",
)


class TestClient(fasterapi_testing.TestClient):
    """`fasterapi_testing.TestClient` whose WebSocket sessions raise core's `WebSocketDisconnect`.

    Use it like FastAPI's: `with TestClient(app) as client:` runs the lifespan,
    `client.get(...)`, `client.websocket_connect("/ws")`. A refused handshake raises
    `WebSocketDenied`, which is also a `WebSocketDisconnect`.
    """

    __test__ = False
    websocket_disconnect_exc: ClassVar[type[Exception]] = WebSocketDisconnect


class AsyncTestClient(fasterapi_testing.AsyncTestClient):
    """`fasterapi_testing.AsyncTestClient` raising core's `WebSocketDisconnect`, for async tests."""

    __test__ = False
    websocket_disconnect_exc: ClassVar[type[Exception]] = WebSocketDisconnect
