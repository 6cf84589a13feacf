"""ASGI type aliases used by every middleware in this package.

Each independent FasterAPI package keeps its own copy of these few lines, so that
this one depends on nothing else of ours.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

Scope: TypeAlias = MutableMapping[str, Any]
"""The connection scope: a mapping with ``type``, ``path``, ``headers`` and so on."""

Message: TypeAlias = MutableMapping[str, Any]
"""One ASGI event, received or sent, such as ``{"type": "http.response.start", ...}``."""

Receive: TypeAlias = Callable[[], Awaitable[Message]]
"""The awaitable callable that yields the next incoming message."""

Send: TypeAlias = Callable[[Message], Awaitable[None]]
"""The awaitable callable that sends one outgoing message."""

ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]
"""Any ASGI 3 application: ``async def app(scope, receive, send) -> None``."""
