"""The promise of `FasterAPI`: its `__all__`, the siblings' names, DESIGN.md's API, module paths."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from types import ModuleType

import pytest

import FasterAPI
import fasterapi_concurrency
import fasterapi_core
import fasterapi_middleware
import fasterapi_router
import fasterapi_testing

EXPECTED_ALL = (
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

# Names the meta package defines itself instead of passing the sibling's object on.
OWN = {
    "FastAPI": "a Faster subclass adding @app.middleware('http')",
    "Faster": "a Faster subclass adding @app.middleware('http')",
    "BaseHTTPMiddleware": "accepts dispatch(request, call_next) too",
    "TestClient": "raises core's WebSocketDisconnect",
    "AsyncTestClient": "raises core's WebSocketDisconnect",
    "WebSocketDisconnect": "core's, not the testing package's",
    "status": "FasterAPI.status, a copy of core's status module",
    "__version__": "the meta package's own version",
}


def test_all_is_pinned_and_sorted() -> None:
    assert FasterAPI.__all__ == EXPECTED_ALL
    assert list(FasterAPI.__all__) == sorted(FasterAPI.__all__)


@pytest.mark.parametrize("name", EXPECTED_ALL)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(FasterAPI, name) is not None
    assert name in dir(FasterAPI)


@pytest.mark.parametrize(
    "package",
    [
        fasterapi_core,
        fasterapi_router,
        fasterapi_middleware,
        fasterapi_concurrency,
        fasterapi_testing,
    ],
    ids=lambda p: p.__name__,
)
def test_every_sibling_public_name_is_re_exported(package: ModuleType) -> None:
    names: tuple[str, ...] = package.__all__
    missing = [n for n in names if n not in FasterAPI.__all__]
    assert missing == []
    for name in names:
        if name in OWN:
            continue
        assert getattr(FasterAPI, name) is getattr(package, name), name


def test_joined_names_are_the_right_ones() -> None:
    assert FasterAPI.WebSocketDisconnect is fasterapi_core.WebSocketDisconnect
    assert FasterAPI.FastAPI is FasterAPI.Faster
    assert issubclass(FasterAPI.Faster, fasterapi_core.Faster)
    assert issubclass(FasterAPI.BaseHTTPMiddleware, fasterapi_middleware.BaseHTTPMiddleware)
    assert issubclass(FasterAPI.TestClient, fasterapi_testing.TestClient)
    assert FasterAPI.TestClient.websocket_disconnect_exc is fasterapi_core.WebSocketDisconnect
    assert issubclass(FasterAPI.TestClient.websocket_denied_exc, fasterapi_core.WebSocketDisconnect)
    assert FasterAPI.APIRouter is FasterAPI.FasterRouter
    assert FasterAPI.status.HTTP_418_IM_A_TEAPOT == 418


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        FasterAPI.Nope  # noqa: B018


# Every name of the API reference in shared/DESIGN.md, and the members it lists.
DESIGN_API = {
    "Faster": [
        "get", "post", "put", "patch", "delete", "head", "options", "api_route", "websocket",
        "include_router", "add_middleware", "middleware", "exception_handler",
        "add_exception_handler", "on_event", "mount", "url_path_for",
    ],
    "FastAPI": [],
    "FasterRouter": ["get", "post", "include_router", "websocket"],
    "APIRouter": [],
    "RadixRouter": ["add_route", "resolve"],
    "Request": ["headers", "query_params", "cookies", "path_params", "client", "url", "body", "json", "form", "stream", "state"],
    "Response": ["to_asgi"],
    "JSONResponse": ["to_asgi"],
    "HTMLResponse": ["to_asgi"],
    "PlainTextResponse": ["to_asgi"],
    "RedirectResponse": ["to_asgi"],
    "StreamingResponse": ["to_asgi"],
    "FileResponse": ["to_asgi"],
    "Path": [], "Query": [], "Header": [], "Cookie": [], "Body": [], "Form": [], "File": [],
    "Depends": [],
    "BackgroundTask": [],
    "BackgroundTasks": ["add_task"],
    "HTTPException": [],
    "RequestValidationError": ["errors"],
    "UploadFile": ["read", "write", "seek", "close"],
    "FormData": [],
    "WebSocket": ["accept", "receive_text", "receive_bytes", "receive_json", "send_text", "send_bytes", "send_json", "close"],
    "WebSocketDisconnect": [],
    "WebSocketState": [],
    "BaseHTTPMiddleware": ["dispatch"],
    "CORSMiddleware": [], "GZipMiddleware": [], "TrustedHostMiddleware": [], "HTTPSRedirectMiddleware": [],
    "SubInterpreterPool": ["run", "shutdown"],
    "run_in_subinterpreter": [],
    "TestClient": ["get", "post", "put", "patch", "delete", "head", "options", "websocket_connect"],
}  # fmt: skip


@pytest.mark.parametrize(("name", "members"), sorted(DESIGN_API.items()))
def test_design_api_reference_imports(name: str, members: list[str]) -> None:
    obj = getattr(importlib.import_module("FasterAPI"), name)
    for member in members:
        if name == "Request" and member in (
            "headers",
            "query_params",
            "cookies",
            "path_params",
            "client",
            "url",
            "state",
        ):
            assert hasattr(obj, member), member  # properties of an instance
        else:
            assert callable(getattr(obj, member)), f"{name}.{member}"
    assert issubclass(FasterAPI.FormData, dict)


def test_faster_instance_has_design_attributes() -> None:
    app = FasterAPI.Faster(title="t", version="1", description="d", docs_url=None, redoc_url=None)
    assert isinstance(app.dependency_overrides, dict)
    assert app.state is not None


MODULE_PATHS = {
    # DESIGN.md
    "app": ["Faster", "FastAPI"],
    "router": ["FasterRouter", "APIRouter", "RadixRouter"],
    "request": ["Request"],
    "response": ["Response", "JSONResponse", "FileResponse"],
    "params": ["Query", "Path", "Body", "Depends"],
    "dependencies": ["Depends", "Security", "SecurityScopes"],
    "middleware": ["BaseHTTPMiddleware", "CORSMiddleware", "Middleware"],
    "background": ["BackgroundTasks", "BackgroundTask"],
    "datastructures": ["UploadFile", "FormData", "Headers", "URL"],
    "exceptions": ["HTTPException", "RequestValidationError", "WebSocketDisconnect"],
    "websocket": ["WebSocket", "WebSocketDisconnect", "WebSocketState"],
    "concurrency": ["SubInterpreterPool", "run_in_subinterpreter", "run_in_threadpool"],
    "testclient": ["TestClient"],
    # FastAPI's
    "applications": ["FastAPI"],
    "responses": ["ORJSONResponse", "UJSONResponse", "StreamingResponse"],
    "requests": ["Request", "HTTPConnection"],
    "routing": ["APIRouter", "APIRoute"],
    "status": ["HTTP_200_OK", "WS_1000_NORMAL_CLOSURE"],
    "encoders": ["jsonable_encoder"],
    "security": ["Security", "SecurityScopes", "OAuth2PasswordBearer", "HTTPBearer"],
    "middleware.cors": ["CORSMiddleware"],
    "middleware.gzip": ["GZipMiddleware"],
    "middleware.trustedhost": ["TrustedHostMiddleware"],
    "middleware.httpsredirect": ["HTTPSRedirectMiddleware"],
    "middleware.base": ["BaseHTTPMiddleware"],
    "staticfiles": ["StaticFiles"],
    "templating": ["Jinja2Templates"],
    "openapi.utils": ["get_openapi"],
    "openapi.constants": ["REF_PREFIX"],
    "openapi.docs": [
        "get_swagger_ui_html",
        "get_redoc_html",
        "get_swagger_ui_oauth2_redirect_html",
    ],
    "param_functions": ["Query", "Form", "File"],
    "exception_handlers": ["http_exception_handler"],
    "websockets": ["WebSocket"],
    "sse": ["EventSourceResponse", "ServerSentEvent"],
}


@pytest.mark.parametrize(("module", "names"), sorted(MODULE_PATHS.items()))
def test_module_paths(module: str, names: list[str]) -> None:
    mod = importlib.import_module(f"FasterAPI.{module}")
    for name in names:
        assert getattr(mod, name) is not None
    exported = getattr(mod, "__all__", ())
    assert list(exported) == sorted(exported) or module == "status"
    for name in exported:
        assert getattr(mod, name) is not None, name


_IMPORT_PROBE = textwrap.dedent(
    """
    import asyncio, json, sys
    before = asyncio.get_event_loop_policy()
    import FasterAPI
    after = asyncio.get_event_loop_policy()
    heavy = ["httpx", "uvicorn", "uvloop", "granian", "fasterapi_testing",
             "fasterapi_concurrency", "multiprocessing", "jinja2"]
    print(json.dumps({
        "loaded": [m for m in heavy if m in sys.modules],
        "policy_unchanged": before is after,
        "policy": type(after).__module__,
    }))
    """
)


def test_import_is_cheap_and_changes_no_global_state() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(out)
    assert result == {"loaded": [], "policy_unchanged": True, "policy": result["policy"]}
    assert "uvloop" not in result["policy"]


def test_lazy_names_load_on_first_use() -> None:
    probe = (
        "import sys, FasterAPI\n"
        "assert 'httpx' not in sys.modules\n"
        "FasterAPI.TestClient\n"
        "assert 'httpx' in sys.modules\n"
        "assert 'fasterapi_concurrency' not in sys.modules\n"
        "from FasterAPI import SubInterpreterPool\n"
        "assert 'fasterapi_concurrency' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
