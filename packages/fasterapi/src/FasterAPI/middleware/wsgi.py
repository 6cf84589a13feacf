"""Serving a WSGI application: `WSGIMiddleware` (FastAPI's `fastapi.middleware.wsgi`)."""

from __future__ import annotations

from fasterapi_middleware.wsgi import WSGIMiddleware as WSGIMiddleware

__all__ = ("WSGIMiddleware",)
