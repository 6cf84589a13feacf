"""Middleware: FastAPI-style `BaseHTTPMiddleware`, CORS, GZip, TrustedHost, HTTPSRedirect.

The four protocol middlewares are `fasterapi_middleware`'s pure-ASGI classes. The
`BaseHTTPMiddleware` here accepts both `dispatch(request, call_next)` (FastAPI,
Starlette) and `dispatch(scope, receive, send)` (pure ASGI). `Middleware` wraps a class
and its arguments for `Faster(middleware=[...])`.
"""

from __future__ import annotations

from FasterAPI._http_middleware import BaseHTTPMiddleware as BaseHTTPMiddleware
from FasterAPI._http_middleware import CallNext as CallNext
from FasterAPI._http_middleware import DispatchFunction as DispatchFunction
from fasterapi_core import Middleware as Middleware
from fasterapi_middleware import CORSMiddleware as CORSMiddleware
from fasterapi_middleware import GZipMiddleware as GZipMiddleware
from fasterapi_middleware import HTTPSRedirectMiddleware as HTTPSRedirectMiddleware
from fasterapi_middleware import TrustedHostMiddleware as TrustedHostMiddleware

__all__ = (
    "BaseHTTPMiddleware",
    "CORSMiddleware",
    "CallNext",
    "DispatchFunction",
    "GZipMiddleware",
    "HTTPSRedirectMiddleware",
    "Middleware",
    "TrustedHostMiddleware",
)
