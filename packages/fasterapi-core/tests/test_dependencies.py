"""Depends: nesting, caching, classes, generators and teardown, overrides, injected objects."""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import pytest

from fasterapi_core import (
    BackgroundTasks,
    Depends,
    Faster,
    FasterRouter,
    Header,
    HTTPException,
    Query,
    Request,
    Response,
    Security,
    SecurityScopes,
)
from fasterapi_testing import TestClient


def test_nested_and_cached_once_per_request() -> None:
    counter = {"n": 0}

    def base() -> int:
        counter["n"] += 1
        return counter["n"]

    def left(b: int = Depends(base)) -> int:
        return b

    async def right(b: Annotated[int, Depends(base)]) -> int:
        return b

    def fresh(b: int = Depends(base, use_cache=False)) -> int:
        return b

    app = Faster()

    @app.get("/")
    def root(a: int = Depends(left), b: int = Depends(right), c: int = Depends(fresh)) -> list[int]:
        return [a, b, c]

    client = TestClient(app)
    assert client.get("/").json() == [1, 1, 2]
    assert client.get("/").json() == [3, 3, 4]


def test_class_dependency_and_bare_depends() -> None:
    class Paging:
        def __init__(self, skip: int = 0, limit: int = Query(10, le=100)) -> None:
            self.skip = skip
            self.limit = limit

    app = Faster()

    @app.get("/a")
    def a(p: Paging = Depends()) -> dict[str, int]:
        return {"skip": p.skip, "limit": p.limit}

    @app.get("/b")
    def b(p: Annotated[Paging, Depends()]) -> dict[str, int]:
        return {"skip": p.skip, "limit": p.limit}

    client = TestClient(app)
    assert client.get("/a?skip=2").json() == {"skip": 2, "limit": 10}
    assert client.get("/b?limit=5").json() == {"skip": 0, "limit": 5}
    assert client.get("/b?limit=500").json()["detail"][0]["loc"] == ["query", "limit"]


def test_errors_of_dependencies_and_endpoint_are_all_reported() -> None:
    def token(x_token: str = Header()) -> str:
        return x_token

    app = Faster()

    @app.get("/")
    def root(t: str = Depends(token), q: int = Query()) -> str:
        return t

    r = TestClient(app).get("/")
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["header", "x-token"], ["query", "q"]]


def test_dependency_raising_http_exception_stops_the_request() -> None:
    ran: list[str] = []

    def auth(x_token: str = Header("")) -> str:
        if x_token != "secret":
            raise HTTPException(401, "bad token", headers={"WWW-Authenticate": "Bearer"})
        return x_token

    app = Faster()

    @app.get("/")
    def root(user: str = Depends(auth)) -> str:
        ran.append(user)
        return user

    client = TestClient(app)
    r = client.get("/")
    assert r.status_code == 401
    assert r.json() == {"detail": "bad token"}
    assert r.headers["www-authenticate"] == "Bearer"
    assert ran == []
    assert client.get("/", headers={"x-token": "secret"}).json() == "secret"


def test_generator_teardown_runs_after_response_and_sees_errors() -> None:
    events: list[str] = []

    def sync_gen() -> Iterator[str]:
        events.append("sync enter")
        try:
            yield "s"
        except ValueError:
            events.append("sync saw ValueError")
            raise
        finally:
            events.append("sync exit")

    async def async_gen() -> AsyncIterator[str]:
        events.append("async enter")
        try:
            yield "a"
        except ValueError:
            events.append("async saw ValueError")
            raise
        finally:
            events.append("async exit")

    app = Faster()

    @app.get("/ok")
    async def ok(s: str = Depends(sync_gen), a: str = Depends(async_gen)) -> str:
        events.append("handler")
        return s + a

    @app.get("/fail")
    async def fail(s: str = Depends(sync_gen), a: str = Depends(async_gen)) -> str:
        raise ValueError("boom")

    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/ok").json() == "sa"
    assert events == ["sync enter", "async enter", "handler", "async exit", "sync exit"]
    events.clear()
    r = client.get("/fail")
    assert r.status_code == 500
    assert events == [
        "sync enter",
        "async enter",
        "async saw ValueError",
        "async exit",
        "sync saw ValueError",
        "sync exit",
    ]
    assert client.get("/ok").status_code == 200


def test_generator_can_turn_error_into_http_exception() -> None:
    async def db() -> AsyncIterator[str]:
        try:
            yield "conn"
        except KeyError:
            raise HTTPException(404, "missing") from None

    app = Faster()

    @app.get("/")
    async def root(conn: str = Depends(db)) -> str:
        raise KeyError("x")

    r = TestClient(app).get("/")
    assert r.status_code == 404
    assert r.json() == {"detail": "missing"}


def test_generator_teardown_runs_after_body_sent() -> None:
    order: list[str] = []

    async def res() -> AsyncIterator[None]:
        yield
        order.append("teardown")

    app = Faster()

    @app.get("/")
    async def root(r: None = Depends(res)) -> str:
        return "x"

    async def call() -> None:
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, Any]) -> None:
            order.append(message["type"])
            messages.append(message)

        scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
        await app(scope, receive, send)

    import asyncio

    asyncio.run(call())
    assert order == ["http.response.start", "http.response.body", "teardown"]


def test_app_router_route_dependency_order() -> None:
    order: list[str] = []

    def mark(name: str) -> Any:
        def dep() -> None:
            order.append(name)

        dep.__name__ = name
        return Depends(dep)

    app = Faster(dependencies=[mark("app")])
    router = FasterRouter(prefix="/r", dependencies=[mark("router")])

    @router.get("/x", dependencies=[mark("route")])
    def x() -> str:
        order.append("handler")
        return "x"

    app.include_router(router, prefix="/p", dependencies=[mark("include")])
    assert TestClient(app).get("/p/r/x").json() == "x"
    assert order == ["app", "include", "router", "route", "handler"]


def test_dependency_overrides_including_sub_dependencies() -> None:
    def settings() -> str:
        return "real"

    def service(s: str = Depends(settings)) -> str:
        return "service:" + s

    app = Faster()

    @app.get("/")
    def root(v: str = Depends(service)) -> str:
        return v

    client = TestClient(app)
    assert client.get("/").json() == "service:real"
    app.dependency_overrides[settings] = lambda: "fake"
    assert client.get("/").json() == "service:fake"

    def fake_service(q: int = 1) -> str:
        return f"fake-service:{q}"

    app.dependency_overrides[service] = fake_service
    assert client.get("/?q=5").json() == "fake-service:5"
    app.dependency_overrides.clear()
    assert client.get("/").json() == "service:real"
    app.dependency_overrides.update({settings: lambda: "u"})
    assert client.get("/").json() == "service:u"
    app.dependency_overrides.pop(settings)
    app.dependency_overrides.setdefault(settings, lambda: "d")
    assert client.get("/").json() == "service:d"
    del app.dependency_overrides[settings]
    app.dependency_overrides[settings] = lambda: "p"
    app.dependency_overrides.popitem()
    assert client.get("/").json() == "service:real"


def test_request_response_background_injected_in_dependencies() -> None:
    done: list[str] = []

    def dep(request: Request, response: Response, tasks: BackgroundTasks) -> str:
        response.headers["X-Dep"] = "1"
        response.set_cookie("c", "v")
        tasks.add_task(done.append, "dep-task")
        return request.url.path

    app = Faster()

    @app.get("/x", status_code=200)
    def x(response: Response, tasks: BackgroundTasks, path: str = Depends(dep)) -> dict[str, str]:
        response.status_code = 203
        tasks.add_task(done.append, "handler-task")
        return {"path": path}

    r = TestClient(app).get("/x")
    assert r.status_code == 203
    assert r.headers["x-dep"] == "1"
    assert "c=v" in r.headers["set-cookie"]
    assert r.json() == {"path": "/x"}
    assert done == ["dep-task", "handler-task"]


def test_security_scopes() -> None:
    def scheme(security_scopes: SecurityScopes) -> str:
        return security_scopes.scope_str

    app = Faster()

    @app.get("/")
    def root(s: str = Security(scheme, scopes=["items", "me"])) -> str:
        return s

    assert TestClient(app).get("/").json() == "items me"


def test_invalid_dependencies_argument() -> None:
    from fasterapi_core.exceptions import FastAPIError

    app = Faster()
    with pytest.raises(FastAPIError):
        app.add_api_route("/", lambda: 1, dependencies=[lambda: 1])


def test_sync_dependencies_run_off_the_loop() -> None:
    import threading

    main = threading.get_ident()

    def dep() -> int:
        return threading.get_ident()

    app = Faster()

    @app.get("/")
    async def root(tid: int = Depends(dep)) -> bool:
        return tid != threading.get_ident()

    assert TestClient(app).get("/").json() is True
    assert main  # the loop thread is the test client's, not ours


def test_generator_yielding_twice_is_an_error(caplog: pytest.LogCaptureFixture) -> None:
    def twice() -> Iterator[int]:
        yield 1
        yield 2

    async def atwice() -> AsyncIterator[int]:
        yield 1
        yield 2

    app = Faster()

    @app.get("/s")
    def s(v: int = Depends(twice)) -> int:
        return v

    @app.get("/a")
    def a(v: int = Depends(atwice)) -> int:
        return v

    client = TestClient(app, raise_server_exceptions=False)
    # The response was already sent when teardown finds the second yield: logged, not sent.
    assert client.get("/s").status_code == 200
    assert client.get("/a").status_code == 200
    assert sum("after the response was sent" in r.message for r in caplog.records) == 2


def test_all_async_graph_reports_every_error_and_calls_nothing() -> None:
    called: list[str] = []

    async def token(x_token: str = Header()) -> str:
        called.append("token")
        return x_token

    async def user(t: str = Depends(token), verbose: bool = Query(False)) -> str:
        called.append("user")
        return t + ("!" if verbose else "")

    app = Faster()

    @app.get("/items/{item_id}")
    async def item(item_id: int, u: str = Depends(user), q: int = Query(1)) -> dict[str, Any]:
        return {"item_id": item_id, "user": u, "q": q}

    client = TestClient(app)
    r = client.get("/items/x?verbose=maybe&q=z")
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [
        ["header", "x-token"],
        ["query", "verbose"],
        ["path", "item_id"],
        ["query", "q"],
    ]
    assert called == []
    r = client.get("/items/3?verbose=1", headers={"x-token": "t"})
    assert r.json() == {"item_id": 3, "user": "t!", "q": 1}
    assert called == ["token", "user"]
