"""Redirecting plain HTTP (and WS) requests to HTTPS: `HTTPSRedirectMiddleware` (FastAPI's `fastapi.middleware.httpsredirect`)."""

from __future__ import annotations

from fasterapi_middleware import HTTPSRedirectMiddleware as HTTPSRedirectMiddleware

__all__ = ("HTTPSRedirectMiddleware",)
