"""fasterapi_core: the FasterAPI application, FastAPI-compatible, on msgspec and a radix router.

    from fasterapi_core import Faster, Query

    app = Faster()

    @app.get("/items/{item_id}")
    async def read_item(item_id: int, q: str | None = Query(None, max_length=50)) -> dict:
        return {"item_id": item_id, "q": q}

The form, upload, WebSocket, static-file and OpenAPI names load on first use, so importing
the package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fasterapi_core import status as status
from fasterapi_core.__about__ import __version__ as __version__
from fasterapi_core._concurrency import run_in_threadpool as run_in_threadpool
from fasterapi_core._plan.context import SecurityScopes as SecurityScopes
from fasterapi_core.app import FastAPI as FastAPI
from fasterapi_core.app import Faster as Faster
from fasterapi_core.app import Middleware as Middleware
from fasterapi_core.background import BackgroundTask as BackgroundTask
from fasterapi_core.background import BackgroundTasks as BackgroundTasks
from fasterapi_core.datastructures import URL as URL
from fasterapi_core.datastructures import Address as Address
from fasterapi_core.datastructures import Headers as Headers
from fasterapi_core.datastructures import MutableHeaders as MutableHeaders
from fasterapi_core.datastructures import QueryParams as QueryParams
from fasterapi_core.datastructures import State as State
from fasterapi_core.exceptions import FastAPIError as FastAPIError
from fasterapi_core.exceptions import HTTPException as HTTPException
from fasterapi_core.exceptions import RequestValidationError as RequestValidationError
from fasterapi_core.exceptions import ResponseValidationError as ResponseValidationError
from fasterapi_core.exceptions import WebSocketDisconnect as WebSocketDisconnect
from fasterapi_core.exceptions import WebSocketException as WebSocketException
from fasterapi_core.exceptions import (
    WebSocketRequestValidationError as WebSocketRequestValidationError,
)
from fasterapi_core.params import Body as Body
from fasterapi_core.params import Cookie as Cookie
from fasterapi_core.params import Depends as Depends
from fasterapi_core.params import File as File
from fasterapi_core.params import Form as Form
from fasterapi_core.params import Header as Header
from fasterapi_core.params import Path as Path
from fasterapi_core.params import Query as Query
from fasterapi_core.params import Security as Security
from fasterapi_core.request import ClientDisconnect as ClientDisconnect
from fasterapi_core.request import HTTPConnection as HTTPConnection
from fasterapi_core.request import Request as Request
from fasterapi_core.responses import FileResponse as FileResponse
from fasterapi_core.responses import HTMLResponse as HTMLResponse
from fasterapi_core.responses import JSONResponse as JSONResponse
from fasterapi_core.responses import PlainTextResponse as PlainTextResponse
from fasterapi_core.responses import RedirectResponse as RedirectResponse
from fasterapi_core.responses import Response as Response
from fasterapi_core.responses import StreamingResponse as StreamingResponse
from fasterapi_core.routing import APIRoute as APIRoute
from fasterapi_core.routing import APIRouter as APIRouter
from fasterapi_core.routing import APIWebSocketRoute as APIWebSocketRoute
from fasterapi_core.routing import FasterRouter as FasterRouter
from fasterapi_core.routing import Mount as Mount
from fasterapi_core.routing import NoMatchFound as NoMatchFound
from fasterapi_core.sse import EventSourceResponse as EventSourceResponse
from fasterapi_core.sse import ServerSentEvent as ServerSentEvent

if TYPE_CHECKING:
    from fasterapi_core.forms import FormData as FormData
    from fasterapi_core.forms import FormLimits as FormLimits
    from fasterapi_core.forms import UploadFile as UploadFile
    from fasterapi_core.openapi import get_openapi as get_openapi
    from fasterapi_core.openapi import get_redoc_html as get_redoc_html
    from fasterapi_core.openapi import get_swagger_ui_html as get_swagger_ui_html
    from fasterapi_core.staticfiles import StaticFiles as StaticFiles
    from fasterapi_core.websocket import WebSocket as WebSocket
    from fasterapi_core.websocket import WebSocketState as WebSocketState

_LAZY = {
    "FormData": "fasterapi_core.forms",
    "FormLimits": "fasterapi_core.forms",
    "UploadFile": "fasterapi_core.forms",
    "StaticFiles": "fasterapi_core.staticfiles",
    "WebSocket": "fasterapi_core.websocket",
    "WebSocketState": "fasterapi_core.websocket",
    "get_openapi": "fasterapi_core.openapi",
    "get_redoc_html": "fasterapi_core.openapi",
    "get_swagger_ui_html": "fasterapi_core.openapi",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fasterapi_core' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = (
    "APIRoute",
    "APIRouter",
    "APIWebSocketRoute",
    "Address",
    "BackgroundTask",
    "BackgroundTasks",
    "Body",
    "ClientDisconnect",
    "Cookie",
    "Depends",
    "EventSourceResponse",
    "FastAPI",
    "FastAPIError",
    "Faster",
    "FasterRouter",
    "File",
    "FileResponse",
    "Form",
    "FormData",
    "FormLimits",
    "HTMLResponse",
    "HTTPConnection",
    "HTTPException",
    "Header",
    "Headers",
    "JSONResponse",
    "Middleware",
    "Mount",
    "MutableHeaders",
    "NoMatchFound",
    "Path",
    "PlainTextResponse",
    "Query",
    "QueryParams",
    "RedirectResponse",
    "Request",
    "RequestValidationError",
    "Response",
    "ResponseValidationError",
    "Security",
    "SecurityScopes",
    "ServerSentEvent",
    "State",
    "StaticFiles",
    "StreamingResponse",
    "URL",
    "UploadFile",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketException",
    "WebSocketRequestValidationError",
    "WebSocketState",
    "__version__",
    "get_openapi",
    "get_redoc_html",
    "get_swagger_ui_html",
    "run_in_threadpool",
    "status",
)
