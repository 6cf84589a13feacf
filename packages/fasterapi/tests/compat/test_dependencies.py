"""Tutorial: Dependencies — functions, classes, sub-dependencies, path-operation and global
dependencies, dependencies with yield, caching; Advanced: testing with overrides."""

from typing import Annotated, Any

import pytest

FAKE_ITEMS = [{"item_name": "Foo"}, {"item_name": "Bar"}, {"item_name": "Baz"}]


def common_parameters(q: str | None = None, skip: int = 0, limit: int = 100):
    return {"q": q, "skip": skip, "limit": limit}


class CommonQueryParams:
    def __init__(self, q: str | None = None, skip: int = 0, limit: int = 100):
        self.q = q
        self.skip = skip
        self.limit = limit


def build(fw):
    app = fw.FastAPI()
    Depends = fw.Depends

    @app.get("/items/")
    async def read_items(commons: Annotated[dict, Depends(common_parameters)]):
        return commons

    @app.get("/class/")
    def read_class(commons: Annotated[CommonQueryParams, Depends()]):
        response: dict[str, Any] = {}
        if commons.q:
            response["q"] = commons.q
        response["items"] = FAKE_ITEMS[commons.skip : commons.skip + commons.limit]
        return response

    def query_extractor(q: str | None = None):
        return q

    def query_or_cookie_extractor(
        q: Annotated[str, Depends(query_extractor)],
        last_query: Annotated[str | None, fw.Cookie()] = None,
    ):
        return q or last_query

    @app.get("/sub/")
    def read_sub(query_or_default: Annotated[str, Depends(query_or_cookie_extractor)]):
        return {"q_or_cookie": query_or_default}

    async def verify_token(x_token: Annotated[str, fw.Header()]):
        if x_token != "fake-super-secret-token":
            raise fw.HTTPException(status_code=400, detail="X-Token header invalid")

    async def verify_key(x_key: Annotated[str, fw.Header()]):
        if x_key != "fake-super-secret-key":
            raise fw.HTTPException(status_code=400, detail="X-Key header invalid")
        return x_key

    @app.get("/guarded/", dependencies=[Depends(verify_token), Depends(verify_key)])
    def guarded():
        return [{"item": "Foo"}]

    return app


def test_function_dependency(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/?q=foo&skip=5&limit=30")
        defaults = client.get("/items/")
    assert response.json() == {"q": "foo", "skip": 5, "limit": 30}
    assert defaults.json() == {"q": None, "skip": 0, "limit": 100}


def test_dependency_params_validated(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/?skip=x")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "skip"]


def test_class_dependency(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/class/?q=x&skip=1&limit=1")
    assert response.json() == {"q": "x", "items": [{"item_name": "Bar"}]}


def test_sub_dependency(fw):
    with fw.client(build(fw)) as client:
        query = client.get("/sub/?q=from-query")
        cookie = client.get("/sub/", headers={"cookie": "last_query=from-cookie"})
        none = client.get("/sub/")
    assert query.json() == {"q_or_cookie": "from-query"}
    assert cookie.json() == {"q_or_cookie": "from-cookie"}
    assert none.json() == {"q_or_cookie": None}


def test_path_operation_dependencies(fw):
    good = {"x-token": "fake-super-secret-token", "x-key": "fake-super-secret-key"}
    with fw.client(build(fw)) as client:
        ok = client.get("/guarded/", headers=good)
        bad_token = client.get("/guarded/", headers={**good, "x-token": "no"})
        bad_key = client.get("/guarded/", headers={**good, "x-key": "no"})
        missing = client.get("/guarded/")
    assert ok.json() == [{"item": "Foo"}]
    assert (bad_token.status_code, bad_token.json()) == (400, {"detail": "X-Token header invalid"})
    assert (bad_key.status_code, bad_key.json()) == (400, {"detail": "X-Key header invalid"})
    assert missing.status_code == 422
    assert [e["loc"] for e in missing.json()["detail"]] == [
        ["header", "x-token"],
        ["header", "x-key"],
    ]


def test_global_dependencies(fw):
    calls = []

    def record(x_req: Annotated[str | None, fw.Header()] = None):
        calls.append(x_req)

    app = fw.FastAPI(dependencies=[fw.Depends(record)])

    @app.get("/a")
    def a():
        return "a"

    @app.get("/b")
    def b():
        return "b"

    with fw.client(app) as client:
        client.get("/a", headers={"x-req": "1"})
        client.get("/b", headers={"x-req": "2"})
        assert calls == ["1", "2"]
        params = client.get("/openapi.json").json()["paths"]["/a"]["get"]["parameters"]
    assert [p["name"] for p in params] == ["x-req"]


def test_global_dependencies_skip_docs_routes(fw):
    calls = []
    app = fw.FastAPI(dependencies=[fw.Depends(lambda: calls.append(1))])
    with fw.client(app) as client:
        client.get("/openapi.json")
        client.get("/docs")
    assert calls == []


def test_dependency_cached_per_request(fw):
    calls = []

    def counter():
        calls.append(1)
        return len(calls)

    def first(n: Annotated[int, fw.Depends(counter)]):
        return n

    def second(n: Annotated[int, fw.Depends(counter)]):
        return n

    def uncached(n: Annotated[int, fw.Depends(counter, use_cache=False)]):
        return n

    app = fw.FastAPI()

    @app.get("/cached")
    def cached(a: Annotated[int, fw.Depends(first)], b: Annotated[int, fw.Depends(second)]):
        return [a, b]

    @app.get("/fresh")
    def fresh(a: Annotated[int, fw.Depends(first)], b: Annotated[int, fw.Depends(uncached)]):
        return [a, b]

    with fw.client(app) as client:
        assert client.get("/cached").json() == [1, 1]
        calls.clear()
        assert client.get("/fresh").json() == [1, 2]


def test_yield_dependency_order_and_cleanup(fw):
    events = []

    async def get_db():
        events.append("open")
        try:
            yield "db"
        finally:
            events.append("close")

    def sync_resource():
        events.append("sync-open")
        yield "res"
        events.append("sync-close")

    app = fw.FastAPI()

    @app.get("/")
    def read(
        db: Annotated[str, fw.Depends(get_db)], res: Annotated[str, fw.Depends(sync_resource)]
    ):
        events.append("handler")
        return {"db": db, "res": res}

    with fw.client(app) as client:
        assert client.get("/").json() == {"db": "db", "res": "res"}
    assert events == ["open", "sync-open", "handler", "sync-close", "close"]


class OwnerError(Exception):
    pass


def test_yield_dependency_sees_handler_exception(fw):
    events = []

    def get_username():
        try:
            yield "Rick"
        except OwnerError as exc:
            events.append(f"caught {exc}")
            raise fw.HTTPException(status_code=400, detail=f"Owner error: {exc}") from None

    app = fw.FastAPI()

    @app.get("/items/{item_id}")
    def get_item(item_id: str, username: Annotated[str, fw.Depends(get_username)]):
        if item_id == "plumbus" and username != "Morty":
            raise OwnerError(username)
        return {"item_id": item_id}

    with fw.client(app) as client:
        response = client.get("/items/plumbus")
        ok = client.get("/items/portal-gun")
    assert response.status_code == 400
    assert response.json() == {"detail": "Owner error: Rick"}
    assert events == ["caught Rick"]
    assert ok.json() == {"item_id": "portal-gun"}


def test_yield_dependency_sees_http_exception(fw):
    events = []

    def dep():
        try:
            yield
        except fw.HTTPException as exc:
            events.append(exc.status_code)
            raise

    app = fw.FastAPI()

    @app.get("/")
    def read(_: Annotated[None, fw.Depends(dep)]):
        raise fw.HTTPException(404, "nope")

    with fw.client(app) as client:
        response = client.get("/")
    assert (response.status_code, response.json()) == (404, {"detail": "nope"})
    assert events == [404]


def test_dependency_overrides(fw):
    app = fw.FastAPI()

    def get_settings():
        return {"env": "prod"}

    def get_repo(settings: Annotated[dict, fw.Depends(get_settings)]):
        return f"repo({settings['env']})"

    @app.get("/")
    def read(repo: Annotated[str, fw.Depends(get_repo)]):
        return {"repo": repo}

    with fw.client(app) as client:
        assert client.get("/").json() == {"repo": "repo(prod)"}
        app.dependency_overrides[get_settings] = lambda: {"env": "test"}
        assert client.get("/").json() == {"repo": "repo(test)"}
        app.dependency_overrides[get_repo] = lambda: "fake"
        assert client.get("/").json() == {"repo": "fake"}
        app.dependency_overrides = {}
        assert client.get("/").json() == {"repo": "repo(prod)"}


def test_override_with_its_own_parameters(fw):
    app = fw.FastAPI()

    async def common_parameters(q: str | None = None, skip: int = 0, limit: int = 100):
        return {"q": q, "skip": skip, "limit": limit}

    @app.get("/items/")
    async def read_items(commons: Annotated[dict, fw.Depends(common_parameters)]):
        return {"message": "Hello Items!", "params": commons}

    async def override(q: str | None = None):
        return {"q": q, "skip": 5, "limit": 10}

    app.dependency_overrides[common_parameters] = override
    with fw.client(app) as client:
        response = client.get("/items/?q=foo&skip=100&limit=200")
    assert response.json() == {
        "message": "Hello Items!",
        "params": {"q": "foo", "skip": 5, "limit": 10},
    }


def test_request_in_dependency(fw):
    app = fw.FastAPI()

    def client_path(request: fw.Request):
        return request.url.path

    @app.get("/where")
    def where(path: Annotated[str, fw.Depends(client_path)]):
        return {"path": path}

    with fw.client(app) as client:
        assert client.get("/where").json() == {"path": "/where"}


def test_non_annotated_default_style(fw):
    app = fw.FastAPI()

    @app.get("/items/")
    def read_items(commons: dict = fw.Depends(common_parameters), q2: int = fw.Query(1, ge=0)):
        return {**commons, "q2": q2}

    with fw.client(app) as client:
        assert client.get("/items/?q2=3").json() == {"q": None, "skip": 0, "limit": 100, "q2": 3}


@pytest.mark.parametrize("route", ["/items/", "/guarded/"])
def test_openapi_flattens_dependency_params(fw, route):
    with fw.client(build(fw)) as client:
        params = client.get("/openapi.json").json()["paths"][route]["get"]["parameters"]
    names = {"/items/": ["q", "skip", "limit"], "/guarded/": ["x-token", "x-key"]}[route]
    assert [p["name"] for p in params] == names


class FixedContentQueryChecker:
    def __init__(self, fixed_content: str):
        self.fixed_content = fixed_content

    def __call__(self, q: str = ""):
        return bool(q) and self.fixed_content in q


def test_parameterized_callable_instance(fw):
    app = fw.FastAPI()
    checker = FixedContentQueryChecker("bar")

    @app.get("/query-checker/")
    def read_query_check(fixed_content_included: Annotated[bool, fw.Depends(checker)]):
        return {"fixed_content_in_query": fixed_content_included}

    with fw.client(app) as client:
        assert client.get("/query-checker/?q=foobar").json() == {"fixed_content_in_query": True}
        assert client.get("/query-checker/?q=foo").json() == {"fixed_content_in_query": False}
        assert client.get("/query-checker/").json() == {"fixed_content_in_query": False}
        params = client.get("/openapi.json").json()["paths"]["/query-checker/"]["get"]["parameters"]
    assert params == [
        {
            "name": "q",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "default": "", "title": "Q"},
        }
    ]


def test_dependency_with_yield_on_router_and_app_order(fw):
    events = []

    def app_dep():
        events.append("app in")
        yield
        events.append("app out")

    def router_dep():
        events.append("router in")
        yield
        events.append("router out")

    app = fw.FastAPI(dependencies=[fw.Depends(app_dep)])
    router = fw.APIRouter(dependencies=[fw.Depends(router_dep)])

    @router.get("/r")
    def handler() -> str:
        events.append("handler")
        return "ok"

    app.include_router(router)
    with fw.client(app) as client:
        assert client.get("/r").json() == "ok"
    assert events == ["app in", "router in", "handler", "router out", "app out"]


def test_security_scopes_flow_through_security(fw):
    app = fw.FastAPI()

    def needs(scopes: fw.security.SecurityScopes):
        return scopes.scopes

    @app.get("/s")
    def read(got: Annotated[list, fw.Security(needs, scopes=["a", "b"])]):
        return got

    with fw.client(app) as client:
        assert client.get("/s").json() == ["a", "b"]


def test_yield_dependency_swallowing_error_gives_500(fw):
    app = fw.FastAPI()

    def dep():
        try:  # noqa: SIM105 - the swallowing dependency under test, as users write it
            yield 1
        except ValueError:
            pass

    @app.get("/")
    def read(_: Annotated[int, fw.Depends(dep)]):
        raise ValueError("handler")

    with fw.client(app, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def test_yield_dependency_raising_after_response_reaches_the_test_client(fw):
    app = fw.FastAPI()

    def dep():
        yield 1
        raise fw.HTTPException(400, "too late")

    @app.get("/")
    def read(value: Annotated[int, fw.Depends(dep)]):
        return value

    with fw.client(app) as client, pytest.raises(RuntimeError):
        client.get("/")


def test_async_yield_cleanup_runs_on_http_exception(fw):
    events = []
    app = fw.FastAPI()

    async def dep():
        try:
            yield 1
        finally:
            events.append("cleanup")

    @app.get("/")
    async def read(_: Annotated[int, fw.Depends(dep)]):
        raise fw.HTTPException(409, "conflict")

    with fw.client(app) as client:
        response = client.get("/")
    assert (response.status_code, response.json()) == (409, {"detail": "conflict"})
    assert events == ["cleanup"]


def test_override_applies_to_every_use_of_the_dependency(fw):
    app = fw.FastAPI()

    def a():
        return "a"

    def b(x: Annotated[str, fw.Depends(a)]):
        return "b" + x

    @app.get("/")
    def read(y: Annotated[str, fw.Depends(b)], z: Annotated[str, fw.Depends(a)]):
        return y + z

    app.dependency_overrides[a] = lambda: "A"
    with fw.client(app) as client:
        assert client.get("/").json() == "bAA"


def test_dependency_sets_response_headers_and_cookies(fw):
    app = fw.FastAPI()

    def dep(response: fw.Response):
        response.headers["x-dep"] = "1"
        response.set_cookie("c", "v")

    @app.get("/")
    def read(_: Annotated[None, fw.Depends(dep)]):
        return "ok"

    with fw.client(app) as client:
        response = client.get("/")
    assert response.headers["x-dep"] == "1"
    assert response.headers["set-cookie"] == "c=v; Path=/; SameSite=lax"
