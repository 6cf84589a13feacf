"""FastAPI's `fastapi.requests` path: `Request` and `HTTPConnection`."""

from __future__ import annotations

from fasterapi_core import ClientDisconnect as ClientDisconnect
from fasterapi_core import HTTPConnection as HTTPConnection
from fasterapi_core import Request as Request

__all__ = ("ClientDisconnect", "HTTPConnection", "Request")
