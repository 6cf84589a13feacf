"""FastAPI's `fastapi.responses` path, with `ORJSONResponse` and `UJSONResponse` too.

FastAPI offers those two for speed through orjson and ujson. Here every JSON response
is already encoded by msgspec, so both are plain `JSONResponse` subclasses: code that
names them keeps working without installing orjson or ujson.
"""

from __future__ import annotations

from fasterapi_core import FileResponse as FileResponse
from fasterapi_core import HTMLResponse as HTMLResponse
from fasterapi_core import JSONResponse as JSONResponse
from fasterapi_core import PlainTextResponse as PlainTextResponse
from fasterapi_core import RedirectResponse as RedirectResponse
from fasterapi_core import Response as Response
from fasterapi_core import StreamingResponse as StreamingResponse

__all__ = (
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "ORJSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "StreamingResponse",
    "UJSONResponse",
)


class ORJSONResponse(JSONResponse):
    """FastAPI's orjson response; here the same msgspec encoding as `JSONResponse`."""


class UJSONResponse(JSONResponse):
    """FastAPI's ujson response; here the same msgspec encoding as `JSONResponse`."""
