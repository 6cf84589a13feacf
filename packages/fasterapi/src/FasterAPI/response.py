"""Responses: `Response` and its JSON, HTML, text, redirect, streaming and file kinds."""

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
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "StreamingResponse",
)
