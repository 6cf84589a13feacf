"""Tutorial: Handling Errors — HTTPException, custom handlers, overriding and reusing defaults."""

import pytest


class UnicornException(Exception):
    def __init__(self, name):
        self.name = name


ITEMS = {"foo": "The Foo Wrestlers"}


def build(fw):
    app = fw.FastAPI()

    @app.exception_handler(UnicornException)
    async def unicorn_handler(request: fw.Request, exc: UnicornException):
        return fw.responses.JSONResponse(
            status_code=418,
            content={"message": f"Oops! {exc.name} did something. There goes a rainbow..."},
        )

    @app.get("/items/{item_id}")
    def read_item(item_id: str):
        if item_id not in ITEMS:
            raise fw.HTTPException(status_code=404, detail="Item not found")
        return {"item": ITEMS[item_id]}

    @app.get("/items-header/{item_id}")
    def read_item_header(item_id: str):
        if item_id not in ITEMS:
            raise fw.HTTPException(
                status_code=404,
                detail="Item not found",
                headers={"X-Error": "There goes my error"},
            )
        return {"item": ITEMS[item_id]}

    @app.get("/detail-dict/")
    def detail_dict():
        raise fw.HTTPException(status_code=400, detail={"code": 7, "why": ["a", "b"]})

    @app.get("/unicorns/{name}")
    def read_unicorn(name: str):
        if name == "yolo":
            raise UnicornException(name=name)
        return {"unicorn_name": name}

    @app.get("/default-detail/")
    def default_detail():
        raise fw.HTTPException(status_code=403)

    return app


def test_http_exception(fw):
    with fw.client(build(fw)) as client:
        ok = client.get("/items/foo")
        missing = client.get("/items/bar")
    assert ok.json() == {"item": "The Foo Wrestlers"}
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Item not found"}
    assert missing.headers["content-type"] == "application/json"


def test_http_exception_headers(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items-header/bar")
    assert response.status_code == 404
    assert response.headers["x-error"] == "There goes my error"
    assert response.json() == {"detail": "Item not found"}


def test_http_exception_any_json_detail(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/detail-dict/")
    assert response.status_code == 400
    assert response.json() == {"detail": {"code": 7, "why": ["a", "b"]}}


def test_http_exception_default_detail_is_the_phrase(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/default-detail/")
    assert response.json() == {"detail": "Forbidden"}


def test_custom_exception_handler(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/unicorns/yolo")
        fine = client.get("/unicorns/ok")
    assert response.status_code == 418
    assert response.json() == {"message": "Oops! yolo did something. There goes a rainbow..."}
    assert fine.json() == {"unicorn_name": "ok"}


def build_overrides(fw):
    app = fw.FastAPI()

    @app.exception_handler(fw.exceptions.RequestValidationError)
    async def validation_handler(request, exc):
        return fw.responses.PlainTextResponse(f"errors: {len(exc.errors())}", status_code=400)

    @app.exception_handler(fw.mod("exceptions").HTTPException)
    async def http_handler(request, exc):
        return fw.responses.PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        if item_id == 3:
            raise fw.HTTPException(status_code=418, detail="Nope! I don't like 3.")
        return {"item_id": item_id}

    return app


def test_override_validation_handler(fw):
    with fw.client(build_overrides(fw)) as client:
        response = client.get("/items/foo")
    assert response.status_code == 400
    assert response.text == "errors: 1"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_override_http_exception_handler(fw):
    with fw.client(build_overrides(fw)) as client:
        response = client.get("/items/3")
        ok = client.get("/items/2")
    assert response.status_code == 418
    assert response.text == "Nope! I don't like 3."
    assert ok.json() == {"item_id": 2}


def build_starlette_handler(fw):
    starlette_exceptions = pytest.importorskip(
        "starlette.exceptions", reason="starlette is not installed"
    )
    app = fw.FastAPI()

    @app.exception_handler(starlette_exceptions.HTTPException)
    async def http_handler(request, exc):
        return fw.responses.PlainTextResponse(f"custom: {exc.detail}", status_code=exc.status_code)

    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        raise fw.HTTPException(status_code=404, detail="gone")

    return app


def test_handler_for_starlette_http_exception(fw):
    with fw.client(build_starlette_handler(fw)) as client:
        raised = client.get("/items/1")
        not_found = client.get("/nowhere")
    assert (raised.status_code, raised.text) == (404, "custom: gone")
    assert (not_found.status_code, not_found.text) == (404, "custom: Not Found")


def test_validation_error_body_is_available(fw):
    app = fw.FastAPI()
    encoders = fw.encoders

    @app.exception_handler(fw.exceptions.RequestValidationError)
    async def handler(request, exc):
        return fw.responses.JSONResponse(
            status_code=422,
            content=encoders.jsonable_encoder({"detail": exc.errors(), "body": exc.body}),
        )

    @app.post("/items/")
    def create(item: dict[str, int]):
        return item

    with fw.client(app) as client:
        response = client.post("/items/", json={"title": "towel"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["body", "title"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "towel",
            }
        ],
        "body": {"title": "towel"},
    }


def test_reuse_default_handlers(fw):
    app = fw.FastAPI()
    handlers = fw.exception_handlers
    seen = []

    @app.exception_handler(fw.HTTPException)
    async def http_handler(request, exc):
        seen.append(f"http {exc.status_code}")
        return await handlers.http_exception_handler(request, exc)

    @app.exception_handler(fw.exceptions.RequestValidationError)
    async def validation_handler(request, exc):
        seen.append("validation")
        return await handlers.request_validation_exception_handler(request, exc)

    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        if item_id == 3:
            raise fw.HTTPException(status_code=418, detail="no 3", headers={"x-three": "3"})
        return {"item_id": item_id}

    with fw.client(app) as client:
        teapot = client.get("/items/3")
        invalid = client.get("/items/x")
    assert (teapot.status_code, teapot.json()) == (418, {"detail": "no 3"})
    assert teapot.headers["x-three"] == "3"
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["path", "item_id"]
    assert seen == ["http 418", "validation"]


def test_exception_handlers_in_constructor(fw):
    async def not_found(request, exc):
        return fw.responses.JSONResponse({"where": request.url.path}, status_code=404)

    app = fw.FastAPI(exception_handlers={404: not_found})

    @app.get("/a")
    def a():
        raise fw.HTTPException(404)

    with fw.client(app) as client:
        raised = client.get("/a")
        routed = client.get("/b")
    assert raised.json() == {"where": "/a"}
    assert routed.json() == {"where": "/b"}


def test_unhandled_error_is_reraised_by_test_client(fw):
    app = fw.FastAPI()

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    with fw.client(app) as client, pytest.raises(RuntimeError, match="boom"):
        client.get("/boom")


def test_unhandled_error_is_500(fw):
    app = fw.FastAPI()

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    with fw.client(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_handler_for_exception_class_catches_errors(fw):
    app = fw.FastAPI()

    @app.exception_handler(Exception)
    async def catch_all(request, exc):
        return fw.responses.JSONResponse({"error": type(exc).__name__}, status_code=500)

    @app.get("/boom")
    def boom():
        raise KeyError("k")

    with fw.client(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "KeyError"}


def test_http_exception_detail_none_uses_phrase(fw):
    app = fw.FastAPI()

    @app.get("/x")
    def x():
        raise fw.HTTPException(400, detail=None)

    with fw.client(app) as client:
        response = client.get("/x")
    assert (response.status_code, response.json()) == (400, {"detail": "Bad Request"})


def test_http_exception_subclass(fw):
    class Conflict(fw.HTTPException):
        def __init__(self):
            super().__init__(status_code=409, detail="conflict!", headers={"x-c": "1"})

    app = fw.FastAPI()

    @app.get("/c")
    def conflict():
        raise Conflict()

    with fw.client(app) as client:
        response = client.get("/c")
    assert (response.status_code, response.json()) == (409, {"detail": "conflict!"})
    assert response.headers["x-c"] == "1"


def test_raising_request_validation_error_by_hand(fw):
    app = fw.FastAPI()

    @app.get("/m")
    def manual():
        raise fw.exceptions.RequestValidationError(
            [{"type": "value_error", "loc": ("query", "z"), "msg": "bad z", "input": "q"}]
        )

    with fw.client(app) as client:
        response = client.get("/m")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"type": "value_error", "loc": ["query", "z"], "msg": "bad z", "input": "q"}]
    }
