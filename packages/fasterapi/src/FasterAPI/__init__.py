"""FasterAPI: a high-performance, drop-in replacement for FastAPI.

Change `from fastapi import ...` to `from FasterAPI import ...` and keep the app:

    from FasterAPI import FastAPI, Query

    app = FastAPI()

    @app.get("/items/{item_id}")
    async def read_item(item_id: int, q: str | None = Query(None, max_length=50)) -> dict:
        return {"item_id": item_id, "q": q}

This package re-exports the public names of the five FasterAPI distributions (core,
router, middleware, concurrency, testing), adds the pieces that join them
(`@app.middleware("http")`, request-style `BaseHTTPMiddleware`, a `TestClient` raising
core's `WebSocketDisconnect`), keeps FastAPI's module paths (`FasterAPI.responses`,
`FasterAPI.security`, ...), and installs the `fasterapi` command.

Importing it is cheap: the test client (httpx), the sub-interpreter pool and the form,
upload, WebSocket, static-file and OpenAPI modules load on first use of their names,
and nothing here touches the event loop policy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from FasterAPI import status as status
from FasterAPI.__about__ import __version__ as __version__
from FasterAPI._http_middleware import BaseHTTPMiddleware as BaseHTTPMiddleware
from FasterAPI.app import FastAPI as FastAPI
from FasterAPI.app import Faster as Faster
from fasterapi_core import URL as URL
from fasterapi_core import Address as Address
from fasterapi_core import APIRoute as APIRoute
from fasterapi_core import APIRouter as APIRouter
from fasterapi_core import APIWebSocketRoute as APIWebSocketRoute
from fasterapi_core import BackgroundTask as BackgroundTask
from fasterapi_core import BackgroundTasks as BackgroundTasks
from fasterapi_core import Body as Body
from fasterapi_core import ClientDisconnect as ClientDisconnect
from fasterapi_core import Cookie as Cookie
from fasterapi_core import Depends as Depends
from fasterapi_core import EventSourceResponse as EventSourceResponse
from fasterapi_core import FastAPIError as FastAPIError
from fasterapi_core import FasterRouter as FasterRouter
from fasterapi_core import File as File
from fasterapi_core import FileResponse as FileResponse
from fasterapi_core import Form as Form
from fasterapi_core import Header as Header
from fasterapi_core import Headers as Headers
from fasterapi_core import HTMLResponse as HTMLResponse
from fasterapi_core import HTTPConnection as HTTPConnection
from fasterapi_core import HTTPException as HTTPException
from fasterapi_core import JSONResponse as JSONResponse
from fasterapi_core import Middleware as Middleware
from fasterapi_core import Mount as Mount
from fasterapi_core import MutableHeaders as MutableHeaders
from fasterapi_core import NoMatchFound as NoMatchFound
from fasterapi_core import Path as Path
from fasterapi_core import PlainTextResponse as PlainTextResponse
from fasterapi_core import Query as Query
from fasterapi_core import QueryParams as QueryParams
from fasterapi_core import RedirectResponse as RedirectResponse
from fasterapi_core import Request as Request
from fasterapi_core import RequestValidationError as RequestValidationError
from fasterapi_core import Response as Response
from fasterapi_core import ResponseValidationError as ResponseValidationError
from fasterapi_core import Security as Security
from fasterapi_core import SecurityScopes as SecurityScopes
from fasterapi_core import ServerSentEvent as ServerSentEvent
from fasterapi_core import State as State
from fasterapi_core import StreamingResponse as StreamingResponse
from fasterapi_core import WebSocketDisconnect as WebSocketDisconnect
from fasterapi_core import WebSocketException as WebSocketException
from fasterapi_core import WebSocketRequestValidationError as WebSocketRequestValidationError
from fasterapi_core import run_in_threadpool as run_in_threadpool
from fasterapi_middleware import ASGIApp as ASGIApp
from fasterapi_middleware import CORSMiddleware as CORSMiddleware
from fasterapi_middleware import GZipMiddleware as GZipMiddleware
from fasterapi_middleware import HTTPSRedirectMiddleware as HTTPSRedirectMiddleware
from fasterapi_middleware import Message as Message
from fasterapi_middleware import Receive as Receive
from fasterapi_middleware import Scope as Scope
from fasterapi_middleware import Send as Send
from fasterapi_middleware import TrustedHostMiddleware as TrustedHostMiddleware
from fasterapi_router import CONVERTERS as CONVERTERS
from fasterapi_router import InvalidTemplateError as InvalidTemplateError
from fasterapi_router import RadixRouter as RadixRouter
from fasterapi_router import Route as Route
from fasterapi_router import RouteConflictError as RouteConflictError
from fasterapi_router import RouterError as RouterError
from fasterapi_router import format_path as format_path

if TYPE_CHECKING:
    from FasterAPI.testclient import ASGIProtocolError as ASGIProtocolError
    from FasterAPI.testclient import AsyncTestClient as AsyncTestClient
    from FasterAPI.testclient import AsyncWebSocketTestSession as AsyncWebSocketTestSession
    from FasterAPI.testclient import LifespanError as LifespanError
    from FasterAPI.testclient import TestClient as TestClient
    from FasterAPI.testclient import WebSocketDenied as WebSocketDenied
    from FasterAPI.testclient import WebSocketTestSession as WebSocketTestSession
    from fasterapi_concurrency import RemoteTraceback as RemoteTraceback
    from fasterapi_concurrency import SubInterpreterPool as SubInterpreterPool
    from fasterapi_concurrency import WorkerError as WorkerError
    from fasterapi_concurrency import run_in_subinterpreter as run_in_subinterpreter
    from fasterapi_core import FormData as FormData
    from fasterapi_core import FormLimits as FormLimits
    from fasterapi_core import StaticFiles as StaticFiles
    from fasterapi_core import UploadFile as UploadFile
    from fasterapi_core import WebSocket as WebSocket
    from fasterapi_core import WebSocketState as WebSocketState
    from fasterapi_core import get_openapi as get_openapi
    from fasterapi_core import get_redoc_html as get_redoc_html
    from fasterapi_core import get_swagger_ui_html as get_swagger_ui_html

# Names loaded on first use, and the module each comes from.
_LAZY = {
    "ASGIProtocolError": "FasterAPI.testclient",
    "AsyncTestClient": "FasterAPI.testclient",
    "AsyncWebSocketTestSession": "FasterAPI.testclient",
    "FormData": "fasterapi_core",
    "FormLimits": "fasterapi_core",
    "LifespanError": "FasterAPI.testclient",
    "RemoteTraceback": "fasterapi_concurrency",
    "StaticFiles": "fasterapi_core",
    "SubInterpreterPool": "fasterapi_concurrency",
    "TestClient": "FasterAPI.testclient",
    "UploadFile": "fasterapi_core",
    "WebSocket": "fasterapi_core",
    "WebSocketDenied": "FasterAPI.testclient",
    "WebSocketState": "fasterapi_core",
    "WebSocketTestSession": "FasterAPI.testclient",
    "WorkerError": "fasterapi_concurrency",
    "get_openapi": "fasterapi_core",
    "get_redoc_html": "fasterapi_core",
    "get_swagger_ui_html": "fasterapi_core",
    "run_in_subinterpreter": "fasterapi_concurrency",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'FasterAPI' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = (
    "APIRoute",
    "APIRouter",
    "APIWebSocketRoute",
    "ASGIApp",
    "ASGIProtocolError",
    "Address",
    "AsyncTestClient",
    "AsyncWebSocketTestSession",
    "BackgroundTask",
    "BackgroundTasks",
    "BaseHTTPMiddleware",
    "Body",
    "CONVERTERS",
    "CORSMiddleware",
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
    "GZipMiddleware",
    "HTMLResponse",
    "HTTPConnection",
    "HTTPException",
    "HTTPSRedirectMiddleware",
    "Header",
    "Headers",
    "InvalidTemplateError",
    "JSONResponse",
    "LifespanError",
    "Message",
    "Middleware",
    "Mount",
    "MutableHeaders",
    "NoMatchFound",
    "Path",
    "PlainTextResponse",
    "Query",
    "QueryParams",
    "RadixRouter",
    "Receive",
    "RedirectResponse",
    "RemoteTraceback",
    "Request",
    "RequestValidationError",
    "Response",
    "ResponseValidationError",
    "Route",
    "RouteConflictError",
    "RouterError",
    "Scope",
    "Security",
    "SecurityScopes",
    "Send",
    "ServerSentEvent",
    "State",
    "StaticFiles",
    "StreamingResponse",
    "SubInterpreterPool",
    "TestClient",
    "TrustedHostMiddleware",
    "URL",
    "UploadFile",
    "WebSocket",
    "WebSocketDenied",
    "WebSocketDisconnect",
    "WebSocketException",
    "WebSocketRequestValidationError",
    "WebSocketState",
    "WebSocketTestSession",
    "WorkerError",
    "__version__",
    "format_path",
    "get_openapi",
    "get_redoc_html",
    "get_swagger_ui_html",
    "run_in_subinterpreter",
    "run_in_threadpool",
    "status",
)
