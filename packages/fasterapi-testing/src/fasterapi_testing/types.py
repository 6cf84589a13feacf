"""The ASGI 3 type aliases the test client speaks.

Kept here rather than imported from another package so that `fasterapi_testing`
depends on nothing of ours and drives any ASGI application.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ("ASGIApp", "Message", "Receive", "Scope", "Send")
