"""Starlette objects a FastAPI app returns or mounts: a Starlette `Response`, a Starlette app
under `mount`, StaticFiles, a raw ASGI app, Starlette's `Request` API. Starlette is a
test-only dependency here (FastAPI apps import it directly)."""

import importlib.util

import pytest

NEEDS_STARLETTE = pytest.mark.skipif(
    importlib.util.find_spec("starlette") is None,
    reason="starlette is not installed: the Starlette objects of this test cannot be built",
)


def starlette_app():
    from starlette import applications as starlette_applications
    from starlette import responses as starlette_responses
    from starlette import routing as starlette_routing

    async def homepage(request):
        return starlette_responses.JSONResponse({"from": "starlette", "path": request.url.path})

    async def plain(request):
        return starlette_responses.PlainTextResponse(f"root_path={request.scope.get('root_path')}")

    return starlette_applications.Starlette(
        routes=[starlette_routing.Route("/", homepage), starlette_routing.Route("/plain", plain)]
    )


@NEEDS_STARLETTE
def test_return_starlette_responses(fw):
    from starlette import responses as starlette_responses

    app = fw.FastAPI()

    @app.get("/json")
    def json():
        return starlette_responses.JSONResponse({"a": 1}, status_code=201, headers={"x-s": "1"})

    @app.get("/text")
    def text():
        return starlette_responses.PlainTextResponse("hi")

    @app.get("/redirect")
    def redirect():
        return starlette_responses.RedirectResponse("/text")

    @app.get("/stream")
    def stream():
        return starlette_responses.StreamingResponse(iter([b"a", b"b"]), media_type="text/plain")

    @app.get("/raw")
    def raw():
        return starlette_responses.Response(b"\x00\x01", media_type="application/octet-stream")

    with fw.client(app, follow_redirects=False) as client:
        json_r = client.get("/json")
        text_r = client.get("/text")
        redirect_r = client.get("/redirect")
        stream_r = client.get("/stream")
        raw_r = client.get("/raw")
    assert (json_r.status_code, json_r.json(), json_r.headers["x-s"]) == (201, {"a": 1}, "1")
    assert text_r.headers["content-type"] == "text/plain; charset=utf-8"
    assert text_r.text == "hi"
    assert (redirect_r.status_code, redirect_r.headers["location"]) == (307, "/text")
    assert stream_r.text == "ab"
    assert raw_r.content == b"\x00\x01"
    assert raw_r.headers["content-type"] == "application/octet-stream"


@NEEDS_STARLETTE
def test_mount_starlette_app(fw):
    app = fw.FastAPI()
    app.mount("/sub", starlette_app())

    @app.get("/app")
    def read_main():
        return {"message": "Hello World from main app"}

    with fw.client(app) as client:
        main = client.get("/app")
        sub = client.get("/sub/")
        plain = client.get("/sub/plain")
        schema = client.get("/openapi.json").json()
    assert main.json() == {"message": "Hello World from main app"}
    assert sub.json() == {"from": "starlette", "path": "/sub/"}
    assert plain.text == "root_path=/sub"
    assert list(schema["paths"]) == ["/app"]


def test_mount_fastapi_sub_application(fw):
    app = fw.FastAPI()
    subapi = fw.FastAPI()

    @subapi.get("/sub")
    def read_sub():
        return {"message": "Hello World from sub API"}

    app.mount("/subapi", subapi)
    with fw.client(app) as client:
        response = client.get("/subapi/sub")
        sub_schema = client.get("/subapi/openapi.json").json()
        docs = client.get("/subapi/docs")
    assert response.json() == {"message": "Hello World from sub API"}
    assert list(sub_schema["paths"]) == ["/sub"]
    assert sub_schema["servers"] == [{"url": "/subapi"}]
    assert "/subapi/openapi.json" in docs.text


def test_mount_raw_asgi_app(fw):
    async def asgi(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    app = fw.FastAPI()
    app.mount("/raw", asgi)
    with fw.client(app) as client:
        response = client.get("/raw/x/y")
    assert response.text == "/raw/x/y"


def test_static_files(fw, tmp_path):
    (tmp_path / "hello.txt").write_text("static hello")
    app = fw.FastAPI()
    app.mount("/static", fw.staticfiles.StaticFiles(directory=tmp_path), name="static")
    with fw.client(app) as client:
        ok = client.get("/static/hello.txt")
        missing = client.get("/static/nope.txt")
    assert ok.text == "static hello"
    assert ok.headers["content-type"] == "text/plain; charset=utf-8"
    assert missing.status_code == 404


def test_request_object(fw):
    app = fw.FastAPI()

    @app.post("/items/{item_id}")
    async def read(item_id: str, request: fw.Request):
        return {
            "method": request.method,
            "path": request.url.path,
            "query": dict(request.query_params),
            "path_params": request.path_params,
            "header": request.headers["x-h"],
            "cookie": request.cookies.get("c"),
            "client": request.client.host,
            "body": (await request.body()).decode(),
            "base_url": str(request.base_url),
        }

    with fw.client(app) as client:
        response = client.post(
            "/items/5?a=1", content=b"raw", headers={"x-h": "v", "cookie": "c=k"}
        )
    assert response.json() == {
        "method": "POST",
        "path": "/items/5",
        "query": {"a": "1"},
        "path_params": {"item_id": "5"},
        "header": "v",
        "cookie": "k",
        "client": "testclient",
        "body": "raw",
        "base_url": "http://testserver/",
    }


def test_app_state(fw):
    app = fw.FastAPI()
    app.state.counter = 41

    @app.get("/")
    def read(request: fw.Request):
        request.app.state.counter += 1
        return {"counter": request.app.state.counter}

    with fw.client(app) as client:
        assert client.get("/").json() == {"counter": 42}


def test_scope_route(fw):
    app = fw.FastAPI()

    @app.get("/items/{item_id}")
    def read(item_id: int, request: fw.Request):
        return {"route": request.scope["route"].path, "path_params": request.scope["path_params"]}

    with fw.client(app) as client:
        response = client.get("/items/3")
    assert response.json() == {"route": "/items/{item_id}", "path_params": {"item_id": "3"}}


def test_scope_endpoint(fw):
    app = fw.FastAPI()

    @app.get("/e")
    def endpoint_function(request: fw.Request):
        return {
            "endpoint": request.scope["endpoint"].__name__,
            "has_router": "router" in request.scope,
        }

    with fw.client(app) as client:
        response = client.get("/e")
    assert response.json() == {"endpoint": "endpoint_function", "has_router": True}


def test_class_based_base_http_middleware(fw):
    if fw.is_fastapi:  # FastAPI users import it from Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.base import BaseHTTPMiddleware
    else:
        Middleware = fw.Middleware
        BaseHTTPMiddleware = fw.mod("middleware.base").BaseHTTPMiddleware

    class Tagging(BaseHTTPMiddleware):
        def __init__(self, app, tag="t"):
            super().__init__(app)
            self.tag = tag

        async def dispatch(self, request, call_next):
            response = await call_next(request)
            response.headers.append("x-tag", self.tag)
            return response

    app = fw.FastAPI(middleware=[Middleware(Tagging, tag="constructor")])
    app.add_middleware(Tagging, tag="added")
    app.get("/")(lambda: "ok")
    with fw.client(app) as client:
        response = client.get("/")
    assert response.json() == "ok"
    assert response.headers.get_list("x-tag") == ["constructor", "added"]
