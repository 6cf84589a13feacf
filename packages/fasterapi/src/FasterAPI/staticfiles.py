"""Serving a directory of files: `StaticFiles` (FastAPI's `fastapi.staticfiles`)."""

from __future__ import annotations

from fasterapi_core import StaticFiles as StaticFiles

__all__ = ("StaticFiles",)
