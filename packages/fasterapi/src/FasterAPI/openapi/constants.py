"""FastAPI's `fastapi.openapi.constants` path: `REF_PREFIX` of schema references."""

from __future__ import annotations

# Core's public `openapi` module holds it (its top-level __all__ does not list it).
from fasterapi_core.openapi import REF_PREFIX as REF_PREFIX

__all__ = ("REF_PREFIX",)
