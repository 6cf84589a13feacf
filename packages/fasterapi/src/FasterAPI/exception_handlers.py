"""FastAPI's `fastapi.exception_handlers` path: the default handlers, to call from your own.

@app.exception_handler(HTTPException)
async def log_and_answer(request: Request, exc: HTTPException) -> Response:
    log.warning("HTTP %s: %s", exc.status_code, exc.detail)
    return await http_exception_handler(request, exc)
"""

from __future__ import annotations

# Core keeps these in its public `exception_handlers` module (FastAPI's layout) rather
# than in its top-level __all__.
from fasterapi_core.exception_handlers import http_exception_handler as http_exception_handler
from fasterapi_core.exception_handlers import (
    request_validation_exception_handler as request_validation_exception_handler,
)
from fasterapi_core.exception_handlers import (
    websocket_request_validation_exception_handler as websocket_request_validation_exception_handler,
)

__all__ = (
    "http_exception_handler",
    "request_validation_exception_handler",
    "websocket_request_validation_exception_handler",
)
