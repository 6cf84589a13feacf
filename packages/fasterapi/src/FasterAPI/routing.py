"""FastAPI's `fastapi.routing` path: `APIRouter` and the route classes."""

from __future__ import annotations

from fasterapi_core import APIRoute as APIRoute
from fasterapi_core import APIRouter as APIRouter
from fasterapi_core import APIWebSocketRoute as APIWebSocketRoute
from fasterapi_core import FasterRouter as FasterRouter
from fasterapi_core import Mount as Mount
from fasterapi_core import NoMatchFound as NoMatchFound

__all__ = ("APIRoute", "APIRouter", "APIWebSocketRoute", "FasterRouter", "Mount", "NoMatchFound")
