"""Routers: `FasterRouter` (alias `APIRouter`), route classes and the radix tree underneath."""

from __future__ import annotations

from fasterapi_core import APIRoute as APIRoute
from fasterapi_core import APIRouter as APIRouter
from fasterapi_core import APIWebSocketRoute as APIWebSocketRoute
from fasterapi_core import FasterRouter as FasterRouter
from fasterapi_core import Mount as Mount
from fasterapi_core import NoMatchFound as NoMatchFound
from fasterapi_router import CONVERTERS as CONVERTERS
from fasterapi_router import InvalidTemplateError as InvalidTemplateError
from fasterapi_router import RadixRouter as RadixRouter
from fasterapi_router import Route as Route
from fasterapi_router import RouteConflictError as RouteConflictError
from fasterapi_router import RouterError as RouterError
from fasterapi_router import format_path as format_path

__all__ = (
    "APIRoute",
    "APIRouter",
    "APIWebSocketRoute",
    "CONVERTERS",
    "FasterRouter",
    "InvalidTemplateError",
    "Mount",
    "NoMatchFound",
    "RadixRouter",
    "Route",
    "RouteConflictError",
    "RouterError",
    "format_path",
)
