"""fasterapi-testing: drive any ASGI 3 application from tests, through httpx.

`TestClient` (synchronous) and `AsyncTestClient` speak HTTP, streaming, lifespan and
WebSockets to an app in-process, like a real server would, without a socket.
"""

from fasterapi_testing.__about__ import __version__ as __version__
from fasterapi_testing.exceptions import ASGIProtocolError as ASGIProtocolError
from fasterapi_testing.exceptions import LifespanError as LifespanError
from fasterapi_testing.exceptions import WebSocketDenied as WebSocketDenied
from fasterapi_testing.exceptions import WebSocketDisconnect as WebSocketDisconnect
from fasterapi_testing.testclient import AsyncTestClient as AsyncTestClient
from fasterapi_testing.testclient import TestClient as TestClient
from fasterapi_testing.websocket import AsyncWebSocketTestSession as AsyncWebSocketTestSession
from fasterapi_testing.websocket import WebSocketTestSession as WebSocketTestSession

__all__ = (
    "ASGIProtocolError",
    "AsyncTestClient",
    "AsyncWebSocketTestSession",
    "LifespanError",
    "TestClient",
    "WebSocketDenied",
    "WebSocketDisconnect",
    "WebSocketTestSession",
)
