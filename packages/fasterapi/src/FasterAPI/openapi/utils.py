"""FastAPI's `fastapi.openapi.utils` path: `get_openapi` builds an app's OpenAPI document."""

from __future__ import annotations

from fasterapi_core import get_openapi as get_openapi

__all__ = ("get_openapi",)
