"""`BaseHTTPMiddleware` where Starlette keeps it (`starlette.middleware.base`)."""

from __future__ import annotations

from FasterAPI._http_middleware import BaseHTTPMiddleware as BaseHTTPMiddleware
from FasterAPI._http_middleware import CallNext as CallNext
from FasterAPI._http_middleware import DispatchFunction as DispatchFunction

__all__ = ("BaseHTTPMiddleware", "CallNext", "DispatchFunction")
