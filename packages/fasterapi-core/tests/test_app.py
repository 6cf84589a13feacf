"""The application: routing, HEAD, redirects, lifespan, mounts, middleware, errors, WebSockets."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from fasterapi_core import (
    APIRouter,
    Depends,
    FastAPI,
    Faster,
    FasterRouter,
    HTTPException,
    Middleware,
    NoMatchFound,
    PlainTextResponse,
    Query,
    Request,
    RequestValidationError,
    StreamingResponse,
    WebSocket,
    status,
)
from fasterapi_core.exceptions import FastAPIError
from fasterapi_testing import TestClient
from fasterapi_testing import WebSocketDisconnect as ClientWSDisconnect


def test_fastapi_is_an_alias() -> None:
    assert FastAPI is Faster
    assert APIRouter is FasterRouter


def test_decorator_returns_function_unchanged() -> None:
    app = Faster()

    def handler(x: int) -> int:
        return x

    assert app.get("/x")(handler) is handler


def test_404_405_and_allow_header() -> None:
    app = Faster()

    @app.post("/items")
    def create() -> str:
        return "x"

    @app.put("/items")
    def replace() -> str:
        return "y"

    client = TestClient(app)
    r = client.get("/nope")
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})
    r = client.get("/items")
    assert (r.status_code, r.json()) == (405, {"detail": "Method Not Allowed"})
    assert r.headers["allow"] == "POST, PUT"


def test_head_on_a_get_route_is_405_as_in_fastapi() -> None:
    app = Faster()

    @app.get("/x")
    def x() -> dict[str, str]:
        return {"a": "b"}

    @app.get("/items/{item_id}")
    def item(item_id: int) -> int:
        return item_id

    client = TestClient(app)
    for path in ("/x", "/items/3"):
        r = client.head(path)
        assert r.status_code == 405, path
        assert r.headers["allow"] == "GET"
        assert r.content == b""
    assert client.post("/x").headers["allow"] == "GET"
    assert client.head("/nope").status_code == 404


def test_head_route_answers_without_body() -> None:
    app = Faster()

    @app.api_route("/x", methods=["GET", "HEAD"])
    def x() -> dict[str, str]:
        return {"a": "b"}

    @app.api_route("/p", methods=["GET", "HEAD"], response_class=PlainTextResponse)
    def p() -> str:
        return "plain"

    client = TestClient(app)
    r = client.head("/x")
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["content-length"] == str(len(b'{"a":"b"}'))
    assert client.head("/p").content == b""


def test_plain_route_for_get_answers_head_as_in_starlette() -> None:
    app = Faster()
    client = TestClient(app)
    r = client.head("/openapi.json")
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["content-length"]) == len(client.get("/openapi.json").content)


def test_explicit_head_route_wins() -> None:
    app = Faster()

    @app.head("/x")
    def head_x() -> None:
        return None

    @app.get("/x")
    def get_x() -> str:
        return "get"

    client = TestClient(app)
    assert client.get("/x").json() == "get"
    assert client.head("/x").status_code == 200


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/items/", "http://testserver/items"),
        ("/items/?q=1&r=2", "http://testserver/items?q=1&r=2"),
        ("/users", "http://testserver/users/"),
    ],
)
def test_redirect_slashes(path: str, location: str) -> None:
    app = Faster()

    @app.get("/items")
    def items() -> str:
        return "items"

    @app.get("/users/")
    def users() -> str:
        return "users"

    client = TestClient(app, follow_redirects=False)
    r = client.get(path)
    assert r.status_code == 307
    assert r.headers["location"] == location


def test_redirect_uses_request_host_and_scheme() -> None:
    app = Faster()

    @app.get("/items")
    def items() -> str:
        return "items"

    client = TestClient(app, base_url="https://example.org:8443", follow_redirects=False)
    assert client.get("/items/").headers["location"] == "https://example.org:8443/items"


def test_redirect_slashes_off() -> None:
    app = Faster(redirect_slashes=False)

    @app.get("/items")
    def items() -> str:
        return "items"

    assert TestClient(app).get("/items/").status_code == 404


def test_root_path_is_stripped_for_routing() -> None:
    app = Faster()

    @app.get("/items")
    def items(request: Request) -> str:
        return str(request.url)

    client = TestClient(app, root_path="/api")
    # A server behind a proxy sends the full path with root_path alongside (uvicorn
    # --root-path): the prefix is stripped for routing and kept in the URL.
    assert client.get("/api/items").json() == "http://testserver/api/items"
    # Starlette's TestClient (ours too) sends the path as given: as in FastAPI, it routes as is.
    assert client.get("/items").json() == "http://testserver/items"


def test_lifespan_state_reaches_request_and_events_run() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Faster) -> AsyncIterator[dict[str, Any]]:
        events.append("enter")
        yield {"db": "conn"}
        events.append("exit")

    app = Faster(lifespan=lifespan, on_startup=[lambda: events.append("startup-arg")])

    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):

        @app.on_event("startup")
        async def startup() -> None:
            events.append("startup")

    with pytest.warns(DeprecationWarning, match="on_event"):

        @app.on_event("shutdown")
        def shutdown() -> None:
            events.append("shutdown")

    router = FasterRouter()
    with pytest.warns(DeprecationWarning, match="on_event"):

        @router.on_event("startup")
        def router_startup() -> None:
            events.append("router")

    app.include_router(router)

    @app.get("/")
    def root(request: Request) -> str:
        return str(request.state.db)

    with TestClient(app) as client:
        assert client.get("/").json() == "conn"
    assert events == ["startup-arg", "startup", "router", "enter", "exit", "shutdown"]


def test_sync_context_manager_lifespan() -> None:
    @contextlib.contextmanager
    def lifespan(app: Faster) -> Iterator[None]:
        app.state.ready = True
        yield

    app = Faster(lifespan=lifespan)

    @app.get("/")
    def root(request: Request) -> bool:
        return bool(request.app.state.ready)

    with TestClient(app) as client:
        assert client.get("/").json() is True


def test_failing_startup_is_reported() -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: Faster) -> AsyncIterator[None]:
        if app.title:
            raise RuntimeError("no database")
        yield

    app = Faster(lifespan=lifespan)
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        queue = [{"type": "lifespan.startup"}]

        async def receive() -> dict[str, Any]:
            return queue.pop(0)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        with pytest.raises(RuntimeError):
            await app({"type": "lifespan", "state": {}}, receive, send)

    asyncio.run(run())
    assert sent[0]["type"] == "lifespan.startup.failed"
    assert "no database" in sent[0]["message"]


def test_failing_shutdown_is_reported() -> None:
    app = Faster(on_shutdown=[lambda: 1 / 0])
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        queue = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> dict[str, Any]:
            return queue.pop(0)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        with pytest.raises(ZeroDivisionError):
            await app({"type": "lifespan"}, receive, send)

    asyncio.run(run())
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.failed"]


def test_lifespan_state_without_server_support_fails() -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: Faster) -> AsyncIterator[dict[str, int]]:
        yield {"a": 1}

    app = Faster(lifespan=lifespan)
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        with pytest.raises(RuntimeError):
            await app({"type": "lifespan"}, receive, send)

    asyncio.run(run())
    assert sent[0]["type"] == "lifespan.startup.failed"


def test_bad_event_type() -> None:
    with pytest.raises(ValueError):
        Faster().add_event_handler("later", lambda: None)


def test_app_state_and_url_path_for() -> None:
    app = Faster()
    app.state.x = 1
    assert app.state.x == 1

    @app.get("/items/{item_id}", name="item")
    def item(item_id: int, request: Request) -> str:
        return str(request.url_for("item", item_id=item_id + 1))

    @app.get("/files/{file_path:path}")
    def files(file_path: str) -> str:
        return file_path

    assert str(app.url_path_for("item", item_id=3)) == "/items/3"
    assert str(app.url_path_for("files", file_path="a/b")) == "/files/a/b"
    with pytest.raises(NoMatchFound):
        app.url_path_for("item")
    with pytest.raises(NoMatchFound):
        app.url_path_for("nothing")
    assert TestClient(app).get("/items/1").json() == "http://testserver/items/2"


def test_routers_prefix_tags_and_nesting() -> None:
    inner = FasterRouter(prefix="/inner", tags=["inner"])

    @inner.get("/x")
    def x() -> str:
        return "x"

    outer = APIRouter(prefix="/outer")
    outer.include_router(inner, tags=["mid"])
    app = Faster()
    app.include_router(outer, prefix="/v1", tags=["top"])
    client = TestClient(app)
    assert client.get("/v1/outer/inner/x").json() == "x"
    route = next(r for r in app.routes if getattr(r, "path", "") == "/v1/outer/inner/x")
    assert route.tags == ["top", "mid", "inner"]


@pytest.mark.parametrize("prefix", ["items", "/items/"])
def test_bad_prefixes(prefix: str) -> None:
    with pytest.raises(FastAPIError):
        FasterRouter(prefix=prefix)
    with pytest.raises(FastAPIError):
        Faster().include_router(FasterRouter(), prefix=prefix)


def test_route_path_must_start_with_slash() -> None:
    with pytest.raises(FastAPIError):
        Faster().add_api_route("x", lambda: 1)


def test_all_method_decorators() -> None:
    app = Faster()
    router = FasterRouter()
    for method in ("get", "put", "post", "delete", "options", "patch", "trace"):
        getattr(app, method)(f"/app/{method}")(lambda m=method: m)
        getattr(router, method)(f"/r/{method}")(lambda m=method: m)
    router.head("/r/head")(lambda: None)
    app.api_route("/multi", methods=["GET", "POST"])(lambda: "multi")
    app.include_router(router)
    client = TestClient(app)
    for method in ("get", "put", "post", "delete", "options", "patch", "trace"):
        assert client.request(method.upper(), f"/app/{method}").status_code == 200
        assert client.request(method.upper(), f"/r/{method}").status_code == 200
    assert client.head("/r/head").status_code == 200
    assert client.post("/multi").json() == "multi"


def test_exception_handlers_by_class_and_status() -> None:
    class Oops(Exception):
        pass

    app = Faster()

    @app.exception_handler(Oops)
    async def oops(request: Request, exc: Oops) -> PlainTextResponse:
        return PlainTextResponse("oops", status_code=409)

    @app.exception_handler(404)
    def not_found(request: Request, exc: HTTPException) -> PlainTextResponse:
        return PlainTextResponse("custom 404", status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> PlainTextResponse:
        return PlainTextResponse(f"{len(exc.errors())} errors", status_code=400)

    @app.get("/oops")
    def raise_oops() -> None:
        raise Oops

    @app.get("/missing")
    def missing() -> None:
        raise HTTPException(404)

    @app.get("/q")
    def q(n: int) -> int:
        return n

    client = TestClient(app)
    assert (client.get("/oops").status_code, client.get("/oops").text) == (409, "oops")
    assert client.get("/missing").text == "custom 404"
    assert client.get("/nowhere").text == "custom 404"
    assert (client.get("/q").status_code, client.get("/q").text) == (400, "1 errors")


def test_http_exception_without_body_status() -> None:
    app = Faster()

    @app.get("/")
    def root() -> None:
        raise HTTPException(304)

    r = TestClient(app).get("/")
    assert r.status_code == 304
    assert r.content == b""


def test_unhandled_error_is_logged_500_and_app_keeps_serving(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Faster()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaboom")

    @app.get("/ok")
    def ok() -> str:
        return "ok"

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="fasterapi"):
        r = client.get("/boom")
    assert (r.status_code, r.text) == (500, "Internal Server Error")
    assert r.headers["content-type"].startswith("text/plain")
    errors = [rec for rec in caplog.records if rec.name == "fasterapi"]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert client.get("/ok").json() == "ok"


def test_debug_shows_traceback() -> None:
    app = Faster(debug=True)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaboom")

    r = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500
    assert "RuntimeError: kaboom" in r.text
    with pytest.raises(RuntimeError, match="kaboom"):
        TestClient(app).get("/boom")


def test_custom_500_handler_and_failing_handler() -> None:
    app = Faster(
        exception_handlers={500: lambda req, exc: PlainTextResponse("sorry", status_code=500)}
    )

    class Bad(Exception):
        pass

    @app.exception_handler(Bad)
    def bad_handler(request: Request, exc: Bad) -> PlainTextResponse:
        raise ValueError("handler broke")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError

    @app.get("/bad")
    def bad() -> None:
        raise Bad

    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/boom").text == "sorry"
    assert client.get("/bad").text == "sorry"
    # After the 500 is sent the error is re-raised out of the app (Starlette's
    # ServerErrorMiddleware): a failing handler's own error for /bad.
    with pytest.raises(RuntimeError):
        TestClient(app).get("/boom")
    with pytest.raises(ValueError, match="handler broke"):
        TestClient(app).get("/bad")


def test_error_after_response_started_reaches_the_server() -> None:
    app = Faster()

    async def chunks() -> AsyncIterator[bytes]:
        yield b"partial"
        raise RuntimeError("mid-stream")

    @app.get("/stream")
    def stream() -> StreamingResponse:
        return StreamingResponse(chunks())

    with pytest.raises(RuntimeError, match="mid-stream"):
        TestClient(app).get("/stream")


def test_middleware_order_and_after_start() -> None:
    calls: list[str] = []

    class Mark:
        def __init__(self, app: Any, name: str) -> None:
            self.app = app
            self.name = name

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            calls.append(self.name)
            await self.app(scope, receive, send)

    app = Faster(middleware=[Middleware(Mark, name="ctor")])
    app.add_middleware(Mark, name="inner")
    app.add_middleware(Mark, name="outer")

    @app.get("/")
    def root() -> str:
        return "x"

    client = TestClient(app)
    assert client.get("/").json() == "x"
    assert calls == ["outer", "inner", "ctor"]
    with pytest.raises(RuntimeError):
        app.add_middleware(Mark, name="late")


def test_middleware_error_becomes_500() -> None:
    class Broken:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["path"] == "/broken":
                raise RuntimeError("middleware")
            await self.app(scope, receive, send)

    app = Faster()
    app.add_middleware(Broken)

    @app.get("/ok")
    def ok() -> str:
        return "ok"

    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/broken").status_code == 500
    assert client.get("/ok").json() == "ok"
    with pytest.raises(RuntimeError, match="middleware"):
        TestClient(app).get("/broken")


def test_mount_any_asgi_app() -> None:
    async def sub(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = f"{scope['root_path']}|{scope['path']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    app = Faster()
    app.mount("/sub", sub, name="sub")

    @app.get("/sub-route")
    def not_mounted() -> str:
        return "route"

    client = TestClient(app)
    assert client.get("/sub/a/b").text == "/sub|/sub/a/b"
    assert client.get("/sub").text == "/sub|/sub/"
    assert client.get("/sub-route").json() == "route"
    assert str(app.url_path_for("sub", path="/x.css")) == "/sub/x.css"
    with pytest.raises(FastAPIError):
        app.mount("sub", sub)


def test_mount_keeps_the_clients_raw_path_bytes() -> None:
    async def sub(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["raw_path"]})

    app = Faster()
    app.mount("/s p", sub)
    client = TestClient(app)
    # The child gets the client's own (percent-encoded) bytes, with the "/" appended.
    assert client.get("/s%20p").content == b"/s%20p/"
    assert client.get("/s%20p/x%2Fy").content == b"/s%20p/x%2Fy"


def test_root_path_goes_into_every_scope() -> None:
    # As FastAPI: Faster(root_path=...) sets scope["root_path"] (over the server's), and
    # paths below it are routed with the prefix stripped.
    app = Faster(root_path="/api")
    seen: list[str] = []

    @app.get("/items")
    def items(request: Request) -> list[str]:
        return [request.scope["root_path"], request.url.path, str(request.base_url)]

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(websocket.scope["root_path"])
        await websocket.close()

    class Record:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append(scope["root_path"])
            await self.inner(scope, receive, send)

    app.add_middleware(Record)
    client = TestClient(app)
    assert client.get("/items").json() == ["/api", "/items", "http://testserver/api/"]
    assert client.get("/api/items").json() == ["/api", "/api/items", "http://testserver/api/"]
    assert client.get("/apiary/items").status_code == 404  # a prefix only at a "/" boundary
    assert seen == ["/api", "/api", "/api"]
    with client.websocket_connect("/api/ws") as socket:
        assert socket.receive_text() == "/api"
    servers = client.get("/openapi.json").json()["servers"]
    assert servers == [{"url": "/api"}]


def test_mounted_faster_app_and_websocket() -> None:
    child = Faster(openapi_url=None)

    @child.get("/hello")
    def hello(request: Request) -> str:
        return request.url.path

    @child.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("child")
        await websocket.close()

    app = Faster()
    app.mount("/child", child)
    client = TestClient(app)
    assert client.get("/child/hello").json() == "/child/hello"
    with client.websocket_connect("/child/ws") as socket:
        assert socket.receive_text() == "child"


def test_websocket_route_params_dependencies_and_teardown() -> None:
    events: list[str] = []

    async def resource(token: str = Query()) -> AsyncIterator[str]:
        events.append("open")
        yield token
        events.append("close")

    app = Faster()
    router = FasterRouter(prefix="/r")

    @router.websocket("/ws/{room}")
    async def ws(websocket: WebSocket, room: int, token: str = Depends(resource)) -> None:
        await websocket.accept()
        await websocket.send_json({"room": room, "token": token})
        await websocket.close()

    app.include_router(router)
    client = TestClient(app)
    with client.websocket_connect("/r/ws/3?token=t") as socket:
        assert socket.receive_json() == {"room": 3, "token": "t"}
    assert events == ["open", "close"]


def test_websocket_validation_failure_closes_1008() -> None:
    app = Faster()

    @app.websocket("/ws/{room}")
    async def ws(websocket: WebSocket, room: int) -> None:
        await websocket.accept()

    client = TestClient(app)
    with pytest.raises(ClientWSDisconnect) as info:
        with client.websocket_connect("/ws/abc"):
            pass
    assert info.value.code == status.WS_1008_POLICY_VIOLATION


def test_websocket_unknown_path_is_refused() -> None:
    client = TestClient(Faster())
    with pytest.raises(ClientWSDisconnect):
        with client.websocket_connect("/nope"):
            pass


def test_websocket_endpoint_error_closes_1011() -> None:
    app = Faster()

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        raise RuntimeError("ws broke")

    client = TestClient(app)
    with client.websocket_connect("/ws") as socket:
        with pytest.raises(ClientWSDisconnect) as info:
            socket.receive_text()
    assert info.value.code == 1011


def test_thread_pool_size_setting() -> None:
    from fasterapi_core import _concurrency

    app = Faster(thread_pool_size=2)
    assert app.thread_pool_size == 2
    assert _concurrency._size == 2
    Faster()
    assert _concurrency._size == _concurrency.default_thread_pool_size()
    with pytest.raises(ValueError):
        _concurrency.configure_thread_pool(0)


def test_extra_keywords_are_kept() -> None:
    app = Faster(title="T", custom_setting=1)
    assert app.extra == {"custom_setting": 1}
    assert app.title == "T"
