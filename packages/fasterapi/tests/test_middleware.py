"""`BaseHTTPMiddleware` in both styles and `@app.middleware("http")`, on a real Faster app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import pytest

from FasterAPI import (
    BackgroundTasks,
    BaseHTTPMiddleware,
    FastAPI,
    GZipMiddleware,
    HTTPException,
    JSONResponse,
    PlainTextResponse,
    Request,
    Response,
    StreamingResponse,
    TestClient,
    WebSocket,
)
from FasterAPI.middleware import CallNext
from FasterAPI.middleware.base import BaseHTTPMiddleware as StarlettePathMiddleware


def make_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.post("/echo")
    async def echo(request: Request) -> Response:
        return Response(await request.body(), media_type="application/octet-stream")

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for i in range(3):
                yield f"chunk{i};".encode()
                await asyncio.sleep(0)

        return StreamingResponse(chunks(), media_type="text/plain")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "short and stout")

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hi")
        await websocket.close()

    return app


def test_function_middleware_sees_request_and_changes_response() -> None:
    app = make_app()
    seen: list[str] = []

    @app.middleware("http")
    async def add_header(request: Request, call_next: CallNext) -> Response:
        seen.append(f"{request.method} {request.url.path}")
        response = await call_next(request)
        response.headers["x-seen"] = "yes"
        return response

    with TestClient(app) as client:
        response = client.get("/hello")
        assert response.json() == {"hello": "world"}
        assert response.headers["x-seen"] == "yes"
        assert response.headers["content-type"] == "application/json"
        assert client.get("/missing").status_code == 404
        assert client.get("/teapot").json() == {"detail": "short and stout"}
        with client.websocket_connect("/ws") as ws:
            assert ws.receive_text() == "hi"
    assert seen == ["GET /hello", "GET /missing", "GET /teapot"]


def test_background_tasks_of_the_app_still_run() -> None:
    app = make_app()
    done: list[str] = []

    async def slow_job(name: str) -> None:
        await asyncio.sleep(0.05)
        done.append(name)

    @app.post("/jobs")
    async def start_job(tasks: BackgroundTasks) -> dict[str, str]:
        tasks.add_task(slow_job, "first")
        return {"queued": "first"}

    @app.middleware("http")
    async def passthrough(request: Request, call_next: CallNext) -> Response:
        return await call_next(request)

    with TestClient(app) as client:
        assert client.post("/jobs").json() == {"queued": "first"}
        assert done == ["first"]


def test_middleware_order_is_fastapi_order() -> None:
    app = make_app()
    order: list[str] = []

    @app.middleware("http")
    async def inner(request: Request, call_next: CallNext) -> Response:
        order.append("inner")
        return await call_next(request)

    @app.middleware("http")
    async def outer(request: Request, call_next: CallNext) -> Response:
        order.append("outer")
        return await call_next(request)

    with TestClient(app) as client:
        client.get("/hello")
    assert order == ["outer", "inner"]


def test_dispatch_can_answer_without_calling_next() -> None:
    app = make_app()

    @app.middleware("http")
    async def gate(request: Request, call_next: CallNext) -> Response:
        if request.headers.get("x-key") != "secret":
            return JSONResponse({"detail": "no key"}, status_code=401)
        return await call_next(request)

    with TestClient(app) as client:
        assert client.get("/hello").status_code == 401
        assert client.get("/hello", headers={"x-key": "secret"}).status_code == 200


def test_body_read_in_dispatch_is_replayed_to_the_app() -> None:
    app = make_app()
    lengths: list[int] = []

    @app.middleware("http")
    async def read_body(request: Request, call_next: CallNext) -> Response:
        lengths.append(len(await request.body()))
        return await call_next(request)

    with TestClient(app) as client:
        response = client.post("/echo", content=b"x" * 70_000)
    assert response.content == b"x" * 70_000
    assert lengths == [70_000]


def test_body_streamed_in_dispatch_is_kept_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    import FasterAPI._http_middleware as http_middleware

    monkeypatch.setattr(http_middleware, "MAX_REPLAY_BYTES", 10_000)
    app = make_app()
    seen: list[int] = []

    @app.middleware("http")
    async def stream_body(request: Request, call_next: CallNext) -> Response:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        seen.append(size)
        return await call_next(request)

    with TestClient(app) as client:
        small = client.post("/echo", content=b"y" * 9_000)
        big = client.post("/echo", content=iter([b"z" * 4_000] * 5))
        after = client.get("/hello")
    assert small.content == b"y" * 9_000  # under the bound: replayed whole
    assert big.status_code == 413
    assert big.json() == {"detail": "Request body too large to pass on"}
    assert seen == [9_000, 20_000, 0]  # the GET reads an empty body
    assert after.json() == {"hello": "world"}


def test_streaming_body_passes_through_and_gzip_still_works() -> None:
    app = make_app()

    class Tag(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: CallNext) -> Response:
            response = await call_next(request)
            response.headers["x-tag"] = type(self).__name__
            return response

    app.add_middleware(Tag)
    app.add_middleware(GZipMiddleware, minimum_size=1)
    with TestClient(app) as client:
        response = client.get("/stream", headers={"accept-encoding": "gzip"})
    assert response.text == "chunk0;chunk1;chunk2;"
    assert response.headers["x-tag"] == "Tag"
    assert response.headers["content-encoding"] == "gzip"


async def failing_asgi_app(scope: Any, receive: Any, send: Any) -> None:
    """A bare ASGI app whose error escapes (core's app answers 500 itself instead)."""
    if scope["type"] == "http":
        raise RuntimeError("boom")


async def half_sent_asgi_app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"part", "more_body": True})
    raise RuntimeError("after start")


def test_app_error_reaches_dispatch_and_can_be_turned_into_a_response() -> None:
    async def catch(request: Request, call_next: CallNext) -> Response:
        try:
            return await call_next(request)
        except RuntimeError as exc:
            return PlainTextResponse(f"caught {exc}", status_code=503)

    with TestClient(BaseHTTPMiddleware(failing_asgi_app, dispatch=catch)) as client:
        response = client.get("/")
    assert (response.status_code, response.text) == (503, "caught boom")


@pytest.mark.parametrize("app", [failing_asgi_app, half_sent_asgi_app])
def test_app_error_without_handling_is_raised(app: Any) -> None:
    async def passthrough(request: Request, call_next: CallNext) -> Response:
        return await call_next(request)

    with TestClient(BaseHTTPMiddleware(app, dispatch=passthrough)) as client:
        with pytest.raises(RuntimeError):
            client.get("/")


def test_handler_error_in_a_faster_app_is_a_500_through_the_middleware() -> None:
    app = make_app()

    @app.middleware("http")
    async def passthrough(request: Request, call_next: CallNext) -> Response:
        response = await call_next(request)
        response.headers["x-through"] = "1"
        return response

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    # As under FastAPI: the error goes up through `call_next` and the middleware, and the
    # outermost layer (Starlette's ServerErrorMiddleware) answers the 500, without the
    # middleware's header; then the error leaves the app, so a test client raises it.
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert "x-through" not in response.headers
    with TestClient(app) as client, pytest.raises(RuntimeError, match=r"^boom$"):
        client.get("/boom")


def test_dispatch_can_catch_the_apps_error_from_call_next() -> None:
    app = make_app()

    @app.middleware("http")
    async def catch(request: Request, call_next: CallNext) -> Response:
        try:
            return await call_next(request)
        except RuntimeError as exc:
            return JSONResponse({"caught": str(exc)}, status_code=502)

    with TestClient(app) as client:
        response = client.get("/boom")
    assert (response.status_code, response.json()) == (502, {"caught": "boom"})


async def silent_asgi_app(scope: Any, receive: Any, send: Any) -> None:
    return None


def test_app_that_never_responds_is_an_error() -> None:
    async def passthrough(request: Request, call_next: CallNext) -> Response:
        return await call_next(request)

    with TestClient(BaseHTTPMiddleware(silent_asgi_app, dispatch=passthrough)) as client:
        with pytest.raises(RuntimeError, match="No response returned"):
            client.get("/")


def test_asgi_style_subclass_still_works() -> None:
    app = make_app()

    class ServerHeader(StarlettePathMiddleware):
        async def dispatch(self, scope: Any, receive: Any, send: Any) -> None:
            async def send_with_header(message: Any) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", ()), (b"x-asgi", b"1")]
                await send(message)

            await self.app(scope, receive, send_with_header)

    app.add_middleware(ServerHeader)
    with TestClient(app) as client:
        assert client.get("/hello").headers["x-asgi"] == "1"


def test_default_dispatch_passes_through() -> None:
    app = make_app()
    app.add_middleware(BaseHTTPMiddleware)
    with TestClient(app) as client:
        assert client.get("/hello").json() == {"hello": "world"}


def test_dispatch_returning_none_is_an_error() -> None:
    app = make_app()

    @app.middleware("http")
    async def forgot(request: Request, call_next: CallNext) -> Response:
        await call_next(request)
        return None  # type: ignore[return-value]

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/hello").status_code == 500  # core's last-resort guard answers
    with TestClient(app) as client, pytest.raises(RuntimeError, match="returned None"):
        client.get("/hello")


def test_only_http_middleware_functions() -> None:
    app = make_app()
    with pytest.raises(ValueError, match='only "http"'):
        app.middleware("websocket")


def test_endless_stream_through_call_next_is_bounded_and_ends_on_disconnect() -> None:
    produced = 0
    sent = 0
    leave = asyncio.Event()

    async def endless(scope: Any, receive: Any, send: Any) -> None:
        nonlocal produced
        await send({"type": "http.response.start", "status": 200, "headers": []})
        watcher = asyncio.ensure_future(receive())  # the body, then the disconnect
        await watcher
        watcher = asyncio.ensure_future(receive())
        while not watcher.done():
            produced += 1
            await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})

    async def passthrough(request: Request, call_next: CallNext) -> Response:
        return await call_next(request)

    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await leave.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal sent
        if message["type"] == "http.response.body" and message.get("more_body"):
            sent += 1
            assert produced - sent <= 4  # the app is held back: nothing piles up
            if sent == 50:
                leave.set()
        await asyncio.sleep(0)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    app = BaseHTTPMiddleware(endless, dispatch=passthrough)
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=10))
    assert sent >= 50
