"""The names `fasterapi_core` promises, pinned."""

import fasterapi_core
from fasterapi_core import status

EXPECTED = (
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


def test_all_is_pinned_and_sorted() -> None:
    assert fasterapi_core.__all__ == EXPECTED
    assert list(EXPECTED) == sorted(EXPECTED)


def test_every_name_imports_and_has_a_docstring() -> None:
    for name in EXPECTED:
        value = getattr(fasterapi_core, name)
        if name not in ("__version__", "status"):
            assert value.__doc__, name


def test_unknown_name() -> None:
    try:
        _ = fasterapi_core.Nothing
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_status_codes() -> None:
    assert status.HTTP_200_OK == 200
    assert status.HTTP_422_UNPROCESSABLE_ENTITY == 422
    assert status.HTTP_418_IM_A_TEAPOT == 418
    assert status.WS_1008_POLICY_VIOLATION == 1008
    assert len(status.__all__) > 80
    for name in status.__all__:
        assert isinstance(getattr(status, name), int)
