"""Custom route classes (`get_route_handler`), responses sent as they are, empty-body statuses."""

import gzip
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Annotated, Any

import msgspec
import pytest

from fasterapi_core import (
    APIRoute,
    APIRouter,
    BackgroundTasks,
    Body,
    Depends,
    Faster,
    Form,
    HTTPException,
    JSONResponse,
    PlainTextResponse,
    Request,
    RequestValidationError,
    Response,
)
from fasterapi_testing import TestClient

Handler = Callable[[Request], Awaitable[Any]]


class Item(msgspec.Struct):
    name: str
    price: float


class TaggedRoute(APIRoute):
    """Adds a header naming the route path to every response."""

    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Any:
            response = await original(request)
            response.headers["x-route"] = self.path
            return response

        return handler


class GzipRequest(Request):
    async def body(self) -> bytes:
        data = await super().body()
        if "gzip" in self.headers.getlist("content-encoding"):
            data = gzip.decompress(data)
        return data


class GzipRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Any:
            return await original(GzipRequest(request.scope, request.receive))

        return handler


class BodyOnErrorRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Any:
            try:
                return await original(request)
            except RequestValidationError as exc:
                body = await request.body()
                detail = {"errors": exc.errors(), "body": body.decode()}
                raise HTTPException(status_code=422, detail=detail) from None

        return handler


def test_router_route_class_wraps_only_its_routes() -> None:
    app = Faster()
    router = APIRouter(route_class=TaggedRoute)

    @app.get("/")
    async def plain() -> dict[str, str]:
        return {"route": "plain"}

    @router.get("/tagged/{x}")
    async def tagged(x: int) -> dict[str, int]:
        return {"x": x}

    app.include_router(router, prefix="/v1")
    with TestClient(app) as client:
        ok = client.get("/v1/tagged/3")
        plain_response = client.get("/")
        invalid = client.get("/v1/tagged/x")
    assert ok.json() == {"x": 3}
    assert ok.headers["x-route"] == "/v1/tagged/{x}"
    assert "x-route" not in plain_response.headers
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["path", "x"]
    routes = {r.path: type(r) for r in app.routes if isinstance(r, APIRoute)}
    assert routes == {"/": APIRoute, "/v1/tagged/{x}": TaggedRoute}


def test_app_router_route_class_and_override() -> None:
    app = Faster()
    app.router.route_class = TaggedRoute

    @app.get("/a")
    async def a() -> str:
        return "a"

    app.add_api_route("/b", a, route_class_override=APIRoute)
    with TestClient(app) as client:
        assert client.get("/a").headers["x-route"] == "/a"
        assert "x-route" not in client.get("/b").headers


def test_request_subclass_body_is_used_for_the_json_body_and_the_endpoint() -> None:
    app = Faster()
    router = APIRouter(route_class=GzipRoute)

    @router.post("/items")
    async def create(item: Item) -> Item:
        return item

    @router.post("/echo")
    async def echo(request: Request) -> dict[str, str]:
        assert isinstance(request, GzipRequest)
        return {"body": (await request.body()).decode()}

    app.include_router(router)
    packed = gzip.compress(b'{"name": "a", "price": 2}')
    with TestClient(app) as client:
        item = client.post(
            "/items",
            content=packed,
            headers={"content-type": "application/json", "content-encoding": "gzip"},
        )
        echo_response = client.post(
            "/echo", content=gzip.compress(b"hi"), headers={"content-encoding": "gzip"}
        )
        bad = client.post(
            "/items",
            content=gzip.compress(b'{"name": "a"}'),
            headers={"content-type": "application/json", "content-encoding": "gzip"},
        )
    assert item.json() == {"name": "a", "price": 2.0}
    assert echo_response.json() == {"body": "hi"}
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "price"]


def test_handler_catches_validation_error_and_reads_the_body_again() -> None:
    app = Faster()
    app.router.route_class = BodyOnErrorRoute

    @app.post("/")
    async def total(numbers: list[int]) -> int:
        return sum(numbers)

    with TestClient(app) as client:
        ok = client.post("/", json=[1, 2])
        bad = client.post("/", content=b'["a"]', headers={"content-type": "application/json"})
        text = client.post("/", content=b"[1]", headers={"content-type": "text/plain"})
    assert ok.json() == 3
    assert bad.status_code == 422
    assert bad.json()["detail"]["body"] == '["a"]'
    assert bad.json()["detail"]["errors"][0]["loc"] == ["body", 0]
    assert text.json()["detail"]["body"] == "[1]"  # not JSON: not parsed, as FastAPI


class DoubleJSONRequest(Request):
    async def json(self) -> Any:
        data = await super().json()
        return [n * 2 for n in data]


class DoubleJSONRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Any:
            return await original(DoubleJSONRequest(request.scope, request.receive))

        return handler


def test_request_subclass_json_is_used() -> None:
    app = Faster()
    app.router.route_class = DoubleJSONRoute

    @app.post("/")
    async def total(numbers: list[int]) -> int:
        return sum(numbers)

    with TestClient(app) as client:
        assert client.post("/", json=[1, 2]).json() == 6


def test_handler_path_keeps_status_headers_background_and_dependencies() -> None:
    events: list[str] = []
    app = Faster()
    app.router.route_class = TaggedRoute

    async def resource() -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "r"
        except HTTPException:
            events.append("saw error")
            raise
        events.append("close")

    @app.put("/things/{name}")
    async def put_thing(
        name: str, response: Response, tasks: BackgroundTasks, r: Annotated[str, Depends(resource)]
    ) -> dict[str, str]:
        if name == "bad":
            raise HTTPException(418, "no")
        response.status_code = 201
        response.headers["x-extra"] = "1"
        tasks.add_task(events.append, "task")
        return {"name": name, "r": r}

    @app.delete("/things/{name}", status_code=204)
    async def delete_thing(name: str) -> None:
        return None

    @app.get("/html", response_class=PlainTextResponse)
    async def html() -> str:
        return "hello"

    @app.get("/own")
    async def own() -> Response:
        return JSONResponse({"own": True}, status_code=202)

    with TestClient(app) as client:
        created = client.put("/things/a")
        assert events == ["open", "task", "close"]
        events.clear()
        refused = client.put("/things/bad")
        assert events == ["open", "saw error"]
        deleted = client.delete("/things/a")
        text = client.get("/html")
        own_response = client.get("/own")
    assert (created.status_code, created.json()) == (201, {"name": "a", "r": "r"})
    assert created.headers["x-extra"] == "1"
    assert created.headers["x-route"] == "/things/{name}"
    assert refused.status_code == 418
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert deleted.headers["content-type"] == "application/json"
    assert "content-length" not in deleted.headers
    assert deleted.headers["x-route"] == "/things/{name}"
    assert text.text == "hello"
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert (own_response.status_code, own_response.json()) == (202, {"own": True})
    assert own_response.headers["x-route"] == "/own"


def test_handler_path_reads_forms_and_embedded_bodies() -> None:
    app = Faster()
    app.router.route_class = TaggedRoute

    @app.post("/login")
    async def login(username: Annotated[str, Form()]) -> str:
        return username

    @app.post("/sum")
    async def add(a: Annotated[int, Body()], b: Annotated[int, Body()]) -> int:
        return a + b

    with TestClient(app) as client:
        assert client.post("/login", data={"username": "u"}).json() == "u"
        assert client.post("/login", data={}).json()["detail"][0]["loc"] == ["body", "username"]
        assert client.post("/sum", json={"a": 1, "b": 2}).json() == 3


def test_a_failing_wrapper_still_finishes_dependencies() -> None:
    events: list[str] = []

    class FailingRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            original = super().get_route_handler()

            async def handler(request: Request) -> Any:
                await original(request)
                raise HTTPException(409, "wrapper says no")

            return handler

    async def resource() -> AsyncIterator[None]:
        try:
            yield
        except HTTPException:
            events.append("saw wrapper error")
            raise

    app = Faster()
    app.router.route_class = FailingRoute

    @app.get("/", dependencies=[Depends(resource)])
    async def endpoint() -> str:
        return "ok"

    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 409
    assert events == ["saw wrapper error"]


def test_a_teardown_error_after_the_response_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> AsyncIterator[None]:
        yield
        raise RuntimeError("teardown failed")

    app = Faster()
    app.router.route_class = TaggedRoute

    @app.get("/", dependencies=[Depends(broken)])
    async def endpoint() -> str:
        return "ok"

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/").json() == "ok"
    assert "after the response was sent" in caplog.text


def test_default_route_handler_outside_the_app() -> None:
    import asyncio

    events: list[str] = []

    async def resource() -> AsyncIterator[str]:
        yield "r"
        events.append("closed")

    async def endpoint(r: Annotated[str, Depends(resource)]) -> dict[str, str]:
        return {"r": r}

    route = APIRoute("/", endpoint)
    handler = route.get_route_handler()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}

    async def call() -> Any:
        return await handler(Request(scope, receive))

    response = asyncio.run(call())
    assert response.body == b'{"r":"r"}'
    assert events == ["closed"]


def test_client_gone_during_the_body_sends_nothing(raw: Any) -> None:
    app = Faster()
    app.router.route_class = TaggedRoute

    @app.post("/")
    async def endpoint(item: Item) -> Item:
        return item

    result = raw(
        app,
        "POST",
        "/",
        headers=[(b"content-type", b"application/json")],
        messages=[
            {"type": "http.request", "body": b'{"na', "more_body": True},
            {"type": "http.disconnect"},
        ],
    )
    assert result.status is None


# --- responses with the ASGI response interface, sent as they are ---------------------------


class ForeignResponse:
    """Starlette's shape without Starlette: `status_code`, `headers`, `media_type`, `__call__`."""

    media_type = "text/x-foreign"

    def __init__(self, body: bytes, status_code: int = 200) -> None:
        self.body = body
        self.status_code = status_code
        self.background: Any = None

    @property
    def headers(self) -> Mapping[str, str]:
        return {"content-type": self.media_type}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": self.status_code,
                "headers": [(b"content-type", self.media_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": self.body})
        if self.background is not None:
            await self.background()


class CallableButNotResponse:
    def __init__(self) -> None:
        self.value = 1

    def __call__(self) -> int:
        return self.value


def test_foreign_response_objects_are_sent_as_they_are() -> None:
    ran: list[str] = []
    app = Faster()

    @app.get("/direct")
    async def direct() -> Any:
        return ForeignResponse(b"raw", status_code=201)

    @app.get("/query")
    async def query(q: str) -> Any:
        return ForeignResponse(q.encode())

    @app.get("/deps", dependencies=[Depends(lambda: None)])
    async def deps(tasks: BackgroundTasks) -> Any:
        tasks.add_task(ran.append, "task")
        return ForeignResponse(b"with task")

    @app.get("/sync")
    def sync() -> Any:
        return ForeignResponse(b"sync")

    @app.get("/callable")
    async def not_a_response() -> Any:
        return CallableButNotResponse()

    with TestClient(app) as client:
        for _ in range(2):  # the first call classifies the class, the second uses the cache
            first = client.get("/direct")
            assert (first.status_code, first.content) == (201, b"raw")
            assert first.headers["content-type"] == "text/x-foreign"
            assert client.get("/query?q=hi").content == b"hi"
            assert client.get("/sync").content == b"sync"
        assert client.get("/deps").content == b"with task"
        assert ran == ["task"]
        assert client.get("/callable").json() == {"value": 1}


@pytest.mark.parametrize("path", ["/direct", "/param", "/deps"])
def test_empty_status_keeps_the_json_content_type(path: str) -> None:
    app = Faster()

    @app.delete("/direct", status_code=204)
    async def direct() -> None:
        return None

    @app.delete("/param")
    async def param(response: Response) -> dict[str, str]:
        response.status_code = 304
        return {"ignored": "body"}

    @app.delete("/deps", status_code=204, dependencies=[Depends(lambda: None)])
    def deps() -> None:
        return None

    with TestClient(app) as client:
        response = client.delete(path)
    assert response.status_code in (204, 304)
    assert response.content == b""
    assert response.headers["content-type"] == "application/json"
    assert "content-length" not in response.headers


def test_handler_path_prunes_and_attaches_background_to_returned_responses() -> None:
    ran: list[str] = []
    app = Faster()
    app.router.route_class = TaggedRoute

    @app.get("/pruned", response_model=Item, response_model_exclude={"price"})
    async def pruned() -> Any:
        return {"name": "a", "price": 1}

    @app.get("/with-task")
    async def with_task(tasks: BackgroundTasks) -> Response:
        tasks.add_task(ran.append, "task")
        return PlainTextResponse("done")

    with TestClient(app) as client:
        assert client.get("/pruned").json() == {"name": "a"}
        assert client.get("/with-task").text == "done"
    assert ran == ["task"]


class DocsGzipRequest(Request):
    """FastAPI's docs version: caches in `_body`, testing `hasattr` first."""

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            body = await super().body()
            if "gzip" in self.headers.getlist("Content-Encoding"):
                body = gzip.decompress(body)
            self._body = body
        return self._body


class DocsGzipRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Any:
            return await original(DocsGzipRequest(request.scope, request.receive))

        return handler


def test_the_docs_gzip_request_that_tests_hasattr_body() -> None:
    app = Faster()
    app.router.route_class = DocsGzipRoute

    @app.post("/sum")
    async def total(numbers: list[int]) -> dict[str, int]:
        return {"sum": sum(numbers)}

    packed = gzip.compress(b"[1, 2, 3]")
    with TestClient(app) as client:
        zipped = client.post(
            "/sum",
            content=packed,
            headers={"content-type": "application/json", "content-encoding": "gzip"},
        )
        plain = client.post("/sum", json=[4])
    assert zipped.json() == {"sum": 6}
    assert plain.json() == {"sum": 4}
    request = Request({"type": "http", "headers": []})
    assert not hasattr(request, "_body")
