"""WebSockets: the `WebSocket` connection, its `WebSocketState`, and `WebSocketDisconnect`."""

from __future__ import annotations

from fasterapi_core import WebSocket as WebSocket
from fasterapi_core import WebSocketDisconnect as WebSocketDisconnect
from fasterapi_core import WebSocketState as WebSocketState

__all__ = ("WebSocket", "WebSocketDisconnect", "WebSocketState")
