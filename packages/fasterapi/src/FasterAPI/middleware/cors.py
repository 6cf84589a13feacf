"""Cross-origin resource sharing: `CORSMiddleware` (FastAPI's `fastapi.middleware.cors`)."""

from __future__ import annotations

from fasterapi_middleware import CORSMiddleware as CORSMiddleware

__all__ = ("CORSMiddleware",)
