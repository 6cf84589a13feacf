"""Exceptions with FastAPI's names: HTTP errors, validation errors, WebSocket closes."""

from __future__ import annotations

from fasterapi_core import FastAPIError as FastAPIError
from fasterapi_core import HTTPException as HTTPException
from fasterapi_core import RequestValidationError as RequestValidationError
from fasterapi_core import ResponseValidationError as ResponseValidationError
from fasterapi_core import WebSocketDisconnect as WebSocketDisconnect
from fasterapi_core import WebSocketException as WebSocketException
from fasterapi_core import WebSocketRequestValidationError as WebSocketRequestValidationError

# The common base of the validation errors is in core's public `exceptions` module only.
from fasterapi_core.exceptions import ValidationException as ValidationException

# FastAPI's own warning class for deprecated arguments (`Query(regex=...)`), defined with them.
from fasterapi_core.params import FastAPIDeprecationWarning as FastAPIDeprecationWarning

__all__ = (
    "FastAPIDeprecationWarning",
    "FastAPIError",
    "HTTPException",
    "RequestValidationError",
    "ResponseValidationError",
    "ValidationException",
    "WebSocketDisconnect",
    "WebSocketException",
    "WebSocketRequestValidationError",
)
