"""Rejecting requests whose Host header is not allowed: `TrustedHostMiddleware` (FastAPI's `fastapi.middleware.trustedhost`)."""

from __future__ import annotations

from fasterapi_middleware import TrustedHostMiddleware as TrustedHostMiddleware

__all__ = ("TrustedHostMiddleware",)
