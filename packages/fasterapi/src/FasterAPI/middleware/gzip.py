"""Gzip compression of responses: `GZipMiddleware` (FastAPI's `fastapi.middleware.gzip`)."""

from __future__ import annotations

from fasterapi_middleware import GZipMiddleware as GZipMiddleware

__all__ = ("GZipMiddleware",)
