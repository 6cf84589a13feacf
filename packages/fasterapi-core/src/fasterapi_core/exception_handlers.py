"""The default exception handlers, under FastAPI's names (`fastapi.exception_handlers`).

Call them from your own handlers to keep the default answer:

    @app.exception_handler(HTTPException)
    async def log_and_answer(request, exc):
        log(exc)
        return await http_exception_handler(request, exc)
"""

from __future__ import annotations

from typing import Any

from fasterapi_core.exceptions import (
    HTTPException,
    RequestValidationError,
    WebSocketRequestValidationError,
)
from fasterapi_core.responses import JSONResponse, Response, encode_json_safe

__all__ = (
    "http_exception_handler",
    "request_validation_exception_handler",
    "websocket_request_validation_exception_handler",
)


async def http_exception_handler(request: Any, exc: HTTPException) -> Response:
    """`{"detail": exc.detail}` with the exception's status and headers (no body for 204/304)."""
    headers = getattr(exc, "headers", None)
    if exc.status_code < 200 or exc.status_code in (204, 205, 304):
        return Response(status_code=exc.status_code, headers=headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)


async def request_validation_exception_handler(
    request: Any, exc: RequestValidationError
) -> JSONResponse:
    """422 with `{"detail": [errors...]}`, FastAPI's shape."""
    response = JSONResponse(None, status_code=422)
    # Encoded safely: the errors echo the input, which may hold text that is not valid UTF-8.
    response.body = encode_json_safe({"detail": exc.errors()})
    response.init_headers()
    return response


async def websocket_request_validation_exception_handler(
    websocket: Any, exc: WebSocketRequestValidationError
) -> None:
    """Close the WebSocket with 1008 (policy violation) and the errors as the reason."""
    from fasterapi_core.responses import encode_json

    reason = encode_json(exc.errors()).decode()
    if len(reason.encode()) > 123:  # a close frame's reason holds at most 123 bytes
        reason = reason.encode()[:120].decode("utf-8", "ignore") + "..."
    await websocket.close(code=1008, reason=reason)
