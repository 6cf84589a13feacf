"""Route options: response_model filtering, response classes, status codes, returned Responses."""

import dataclasses
from typing import Any

import msgspec
import pytest

from fasterapi_core import (
    BackgroundTask,
    BackgroundTasks,
    Faster,
    FasterRouter,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)
from fasterapi_core.routing import APIRoute, generate_unique_id
from fasterapi_testing import TestClient


class UserOut(msgspec.Struct):
    name: str
    age: int = 0
    nick: str | None = None


@dataclasses.dataclass
class Row:
    name: str
    password: str


def make_app() -> Faster:
    app = Faster()

    @app.get("/filtered", response_model=UserOut)
    def filtered() -> dict[str, Any]:
        return {"name": "a", "age": 3, "password": "secret"}

    @app.get("/annotated")
    def annotated() -> UserOut:
        return {"name": "b", "password": "x"}  # type: ignore[return-value]

    @app.get("/list", response_model=list[UserOut])
    def as_list() -> list[dict[str, Any]]:
        return [{"name": "a", "password": "p"}, {"name": "b", "age": 2, "password": "q"}]

    @app.get("/attrs", response_model=UserOut)
    def attrs() -> Row:
        return Row(name="r", password="p")

    @app.get("/invalid", response_model=UserOut)
    def invalid() -> dict[str, Any]:
        return {"age": "not a number"}

    @app.get("/exclude-none", response_model=UserOut, response_model_exclude_none=True)
    def exclude_none() -> UserOut:
        return UserOut(name="a")

    @app.get("/include", response_model=UserOut, response_model_include={"name"})
    def include() -> UserOut:
        return UserOut(name="a", age=5)

    @app.get("/exclude", response_model=list[UserOut], response_model_exclude={"age"})
    def exclude() -> list[UserOut]:
        return [UserOut(name="a", age=5)]

    @app.get("/exclude-defaults", response_model=UserOut, response_model_exclude_defaults=True)
    def exclude_defaults() -> UserOut:
        return UserOut(name="a", age=0, nick="n")

    @app.get("/none")
    def none() -> None:
        return None

    @app.delete("/gone", status_code=204)
    def gone() -> None:
        return None

    @app.get("/html", response_class=HTMLResponse)
    def html() -> str:
        return "<p>hi</p>"

    @app.get("/html-204", response_class=HTMLResponse, status_code=204)
    def html_204() -> None:
        return None

    @app.get("/returned")
    def returned(tasks: BackgroundTasks) -> Response:
        tasks.add_task(lambda: None)
        return PlainTextResponse("raw", status_code=202, headers={"X-R": "1"})

    @app.get("/returned-own-background")
    def returned_own(tasks: BackgroundTasks) -> JSONResponse:
        tasks.add_task(log.append, "injected")
        return JSONResponse({"a": 1}, background=BackgroundTask(log.append, "own"))

    @app.get("/temp-response")
    def temp(response: Response) -> dict[str, str]:
        response.status_code = 201
        response.headers["X-Temp"] = "yes"
        return {"ok": "yes"}

    @app.get("/temp-html", response_class=HTMLResponse)
    def temp_html(response: Response) -> str:
        response.headers["X-Temp"] = "html"
        return "<i>x</i>"

    @app.get("/union")
    def union(flag: bool = False) -> Response | dict[str, int]:
        return PlainTextResponse("text") if flag else {"n": 1}

    @app.get("/sync-thread")
    def sync_thread() -> bool:
        import threading

        return threading.current_thread() is not threading.main_thread()

    return app


log: list[str] = []


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


def test_response_model_filters_extra_fields(client: TestClient) -> None:
    assert client.get("/filtered").json() == {"name": "a", "age": 3, "nick": None}
    assert client.get("/annotated").json() == {"name": "b", "age": 0, "nick": None}
    assert client.get("/list").json() == [
        {"name": "a", "age": 0, "nick": None},
        {"name": "b", "age": 2, "nick": None},
    ]
    assert client.get("/attrs").json() == {"name": "r", "age": 0, "nick": None}


def test_invalid_response_is_a_500(client: TestClient) -> None:
    r = TestClient(make_app(), raise_server_exceptions=False).get("/invalid")
    assert r.status_code == 500
    assert client.get("/filtered").status_code == 200


def test_response_model_options(client: TestClient) -> None:
    assert client.get("/exclude-none").json() == {"name": "a", "age": 0}
    assert client.get("/include").json() == {"name": "a"}
    assert client.get("/exclude").json() == [{"name": "a", "nick": None}]
    assert client.get("/exclude-defaults").json() == {"name": "a", "nick": "n"}


def test_none_and_204(client: TestClient) -> None:
    r = client.get("/none")
    assert r.content == b"null"
    r = client.delete("/gone")
    assert r.status_code == 204
    assert r.content == b""
    assert "content-length" not in r.headers
    r = client.get("/html-204")
    assert r.status_code == 204
    assert r.content == b""


def test_response_class(client: TestClient) -> None:
    r = client.get("/html")
    assert r.text == "<p>hi</p>"
    assert r.headers["content-type"] == "text/html; charset=utf-8"


def test_returned_response_is_used_as_is(client: TestClient) -> None:
    r = client.get("/returned")
    assert (r.status_code, r.text, r.headers["x-r"]) == (202, "raw", "1")
    log.clear()
    assert client.get("/returned-own-background").json() == {"a": 1}
    assert log == ["own"]


def test_temporary_response_sets_status_and_headers(client: TestClient) -> None:
    r = client.get("/temp-response")
    assert r.status_code == 201
    assert r.headers["x-temp"] == "yes"
    r = client.get("/temp-html")
    assert r.headers["x-temp"] == "html"
    assert r.text == "<i>x</i>"


def test_union_with_response_return(client: TestClient) -> None:
    assert client.get("/union").json() == {"n": 1}
    assert client.get("/union?flag=1").text == "text"


def test_sync_handler_runs_in_thread_pool(client: TestClient) -> None:
    assert client.get("/sync-thread").json() is True


def test_default_response_class_on_app_and_router() -> None:
    app = Faster(default_response_class=PlainTextResponse)
    router = FasterRouter(default_response_class=HTMLResponse)

    @app.get("/a")
    def a() -> str:
        return "a"

    @router.get("/b")
    def b() -> str:
        return "b"

    @router.get("/c", response_class=JSONResponse)
    def c() -> str:
        return "c"

    app.include_router(router)
    client = TestClient(app)
    assert client.get("/a").headers["content-type"].startswith("text/plain")
    assert client.get("/b").headers["content-type"].startswith("text/html")
    assert client.get("/c").json() == "c"


def test_per_route_body_limit_through_router() -> None:
    app = Faster(max_body_size=10_000)
    router = FasterRouter(max_body_size=5)

    @router.post("/small")
    def small(data: dict[str, Any]) -> int:
        return len(data)

    @app.post("/large")
    def large(data: dict[str, Any]) -> int:
        return len(data)

    app.include_router(router)
    client = TestClient(app)
    assert client.post("/small", json={"a": 1}).status_code == 413
    assert client.post("/large", json={"a": 1}).json() == 1


def test_operation_ids_and_names() -> None:
    app = Faster()

    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> int:
        return item_id

    route = next(r for r in app.routes if isinstance(r, APIRoute) and r.name == "read_item")
    assert generate_unique_id(route) == "read_item_items__item_id__get"
    app2 = Faster(generate_unique_id_function=lambda r: f"custom-{r.name}")
    app2.get("/x")(read_item)
    route2 = next(r for r in app2.routes if isinstance(r, APIRoute) and r.name == "read_item")
    assert route2.unique_id == "custom-read_item"
    assert route2.operation_spec().unique_id == "custom-read_item"


def test_operation_spec_describes_params_and_body() -> None:
    app = Faster()

    @app.post("/items/{item_id}", tags=["t"], summary="S", status_code=201)
    def create(item_id: int, item: UserOut, q: str | None = None) -> UserOut:
        """Create an item."""
        return item

    route = next(r for r in app.routes if isinstance(r, APIRoute) and r.name == "create")
    spec = route.operation_spec()
    assert spec.path == "/items/{item_id}"
    assert [(p.name, p.location, p.required) for p in spec.params] == [
        ("item_id", "path", True),
        ("q", "query", False),
    ]
    assert spec.body is not None
    assert spec.body.params[0].name == "item"
    assert spec.status_code == 201
    assert spec.docstring == "Create an item."
    document = app.openapi()
    assert "/items/{item_id}" in document["paths"]
    assert app.openapi() is document


def test_exclude_unset_keeps_only_keys_the_dict_set() -> None:
    app = Faster()

    @app.get("/d", response_model=UserOut, response_model_exclude_unset=True)
    def from_dict() -> dict[str, Any]:
        return {"name": "a", "age": 0}

    @app.get("/l", response_model=list[UserOut], response_model_exclude_unset=True)
    def from_list() -> list[dict[str, Any]]:
        return [{"name": "a"}, {"name": "b", "nick": None}]

    client = TestClient(app)
    assert client.get("/d").json() == {"name": "a", "age": 0}
    assert client.get("/l").json() == [{"name": "a"}, {"name": "b", "nick": None}]


def test_docs_routes_ignore_app_dependencies() -> None:
    from fasterapi_core import Depends, Query

    def token(token: str = Query()) -> str:
        return token

    app = Faster(
        dependencies=[Depends(token)], generate_unique_id_function=lambda r: str(r.tags[0])
    )

    @app.get("/items", tags=["items"])
    def items() -> str:
        return "x"

    client = TestClient(app)
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200
    assert client.get("/items").status_code == 422
    assert client.get("/items?token=t").json() == "x"


def test_response_class_default_status_is_the_classes() -> None:
    from fasterapi_core import RedirectResponse

    app = Faster()

    @app.get("/go", response_class=RedirectResponse)
    def go() -> str:
        return "/target"

    r = TestClient(app, follow_redirects=False).get("/go")
    assert (r.status_code, r.headers["location"]) == (307, "/target")
    spec = next(x for x in app.routes if getattr(x, "name", "") == "go").operation_spec()
    assert spec.status_code == 307


def test_docs_routes_are_not_api_routes() -> None:
    from fasterapi_core.routing import Route

    app = Faster()
    docs = [r for r in app.routes if isinstance(r, Route)]
    assert sorted(r.path for r in docs) == [
        "/docs",
        "/docs/oauth2-redirect",
        "/openapi.json",
        "/redoc",
    ]
    assert not any(isinstance(r, APIRoute) for r in docs)
    outer = Faster(openapi_url=None)
    outer.include_router(app.router, prefix="/v1")
    assert TestClient(outer).get("/v1/openapi.json").status_code == 200


def test_routes_of_one_shape_share_generated_code_but_not_their_callables() -> None:
    from fasterapi_core import Depends

    app = Faster()

    def make(n: int) -> Any:
        async def dep(q: int = 0) -> int:
            return q + n

        async def endpoint(item_id: int, d: int = Depends(dep)) -> dict[str, int]:
            return {"n": n, "item_id": item_id, "d": d}

        async def single(item_id: int) -> dict[str, int]:
            return {"n": n, "item_id": item_id}

        app.get(f"/a{n}/{{item_id}}")(endpoint)
        app.get(f"/b{n}/{{item_id}}")(single)

    for n in range(3):
        make(n)
    client = TestClient(app)
    for n in range(3):
        assert client.get(f"/a{n}/5?q=10").json() == {"n": n, "item_id": 5, "d": 10 + n}
        assert client.get(f"/b{n}/7").json() == {"n": n, "item_id": 7}
    assert client.get("/a1/x").status_code == 422
    assert client.get("/b2/x").status_code == 422
    routes = [r for r in app.routes if getattr(r, "path", "").startswith(("/a", "/b"))]
    runners = [r.plan.runner for r in routes if r.path.startswith("/a")]
    starters = [r._starter for r in routes if r.path.startswith("/b")]
    assert len({id(f) for f in runners}) == 3
    assert len({id(f.__code__) for f in runners}) == 1
    assert len({id(f) for f in starters}) == 3
    assert len({id(f.__code__) for f in starters}) == 1


def test_a_repeated_dynamic_path_gives_a_fresh_params_dict_each_request() -> None:
    from fasterapi_core import Request

    app = Faster()
    seen: list[dict[str, Any]] = []

    @app.get("/items/{item_id}")
    async def read(item_id: int, request: Request) -> dict[str, Any]:
        params = request.path_params
        seen.append(params)
        before = dict(params)
        params["item_id"] = "mutated"
        params["extra"] = 1
        return before

    client = TestClient(app)
    for _ in range(3):
        assert client.get("/items/5").json() == {"item_id": "5"}
    assert len({id(p) for p in seen}) == 3


def test_a_repeated_dynamic_path_follows_the_method_and_new_routes() -> None:
    app = Faster()

    @app.get("/items/{item_id}")
    async def read(item_id: str) -> dict[str, str]:
        return {"get": item_id}

    client = TestClient(app)
    assert client.get("/items/special").json() == {"get": "special"}
    assert client.post("/items/special").status_code == 405
    assert client.get("/items/special").json() == {"get": "special"}

    @app.post("/items/{item_id}")
    async def write(item_id: str) -> dict[str, str]:
        return {"post": item_id}

    @app.get("/items/special")
    async def special() -> dict[str, str]:
        return {"static": "yes"}

    assert client.post("/items/special").json() == {"post": "special"}
    assert client.get("/items/special").json() == {"static": "yes"}
    assert client.get("/items/other").json() == {"get": "other"}
