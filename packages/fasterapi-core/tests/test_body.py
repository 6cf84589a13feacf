"""JSON request bodies: models, embedding, limits, content types, hostile input."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, TypedDict

import msgspec
import pytest

from fasterapi_core import Body, Faster, Request, UploadFile
from fasterapi_testing import TestClient


class Item(msgspec.Struct):
    name: str
    price: float
    n: int = 0


class Limited(msgspec.Struct):
    qty: Annotated[int, msgspec.Meta(ge=1)]
    code: Annotated[str, msgspec.Meta(min_length=2, max_length=3, pattern="^[A-Z]+$")] = "AB"
    tags: Annotated[list[str], msgspec.Meta(min_length=1)] = msgspec.field(
        default_factory=lambda: ["x"]
    )


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Movie(TypedDict):
    title: str
    year: int


calls: list[str] = []


def make_app() -> Faster:
    app = Faster(max_body_size=1024)

    @app.post("/items", status_code=201)
    async def create(item: Item) -> Item:
        calls.append(item.name)
        return item

    @app.post("/limited")
    async def limited(item: Limited) -> Limited:
        return item

    @app.post("/point")
    def point(p: Point) -> dict[str, int]:
        return {"sum": p.x + p.y}

    @app.post("/movie")
    def movie(m: Movie) -> Movie:
        return m

    @app.post("/embed")
    def embed(item: Annotated[Item, Body(embed=True)]) -> Item:
        return item

    @app.post("/multi")
    def multi(item: Item, k: int = Body(), note: str | None = Body(None)) -> dict[str, Any]:
        return {"item": item, "k": k, "note": note}

    @app.post("/raw")
    def raw_dict(data: dict[str, int] = Body()) -> dict[str, int]:
        return data

    @app.post("/scalar")
    def scalar(n: int = Body(gt=0)) -> int:
        return n

    @app.post("/optional")
    def optional(item: Item | None = None) -> dict[str, Any]:
        return {"item": item}

    @app.post("/big", max_body_size=10)
    def big(item: Item) -> Item:
        return item

    @app.post("/list")
    def as_list(items: list[Item]) -> int:
        return len(items)

    @app.post("/with-request")
    async def with_request(item: Item, request: Request) -> dict[str, Any]:
        return {"raw": (await request.body()).decode(), "json": await request.json()}

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


def test_struct_body_created(client: TestClient) -> None:
    r = client.post("/items", json={"name": "x", "price": 1})
    assert r.status_code == 201
    assert r.json() == {"name": "x", "price": 1.0, "n": 0}


def test_lax_strings_are_converted_like_pydantic(client: TestClient) -> None:
    r = client.post("/items", json={"name": "x", "price": "1.5", "n": "3"})
    assert r.json() == {"name": "x", "price": 1.5, "n": 3}


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (
            {"name": 1, "price": 1},
            {
                "type": "string_type",
                "loc": ["body", "name"],
                "msg": "Input should be a valid string",
                "input": 1,
            },
        ),
        (
            {"price": 1},
            {
                "type": "missing",
                "loc": ["body", "name"],
                "msg": "Field required",
                "input": {"price": 1},
            },
        ),
        (
            [1],
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": [1],
            },
        ),
        (
            {"name": "x", "price": 1, "n": 1.5},
            {
                "type": "int_from_float",
                "loc": ["body", "n"],
                "msg": "Input should be a valid integer, got a number with a fractional part",
                "input": 1.5,
            },
        ),
        (
            {"name": "x", "price": "abc"},
            {
                "type": "float_parsing",
                "loc": ["body", "price"],
                "msg": "Input should be a valid number, unable to parse string as a number",
                "input": "abc",
            },
        ),
        (
            {"name": "x", "price": 1, "n": "z"},
            {
                "type": "int_parsing",
                "loc": ["body", "n"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "z",
            },
        ),
    ],
)
def test_body_errors_match_fastapi(client: TestClient, payload: Any, error: dict[str, Any]) -> None:
    r = client.post("/items", json=payload)
    assert r.status_code == 422
    assert r.json() == {"detail": [error]}


@pytest.mark.parametrize(
    ("payload", "kind", "loc"),
    [
        ({"qty": 0}, "greater_than_equal", ["body", "qty"]),
        ({"qty": 1, "code": "A"}, "string_too_short", ["body", "code"]),
        ({"qty": 1, "code": "ABCD"}, "string_too_long", ["body", "code"]),
        ({"qty": 1, "code": "ab"}, "string_pattern_mismatch", ["body", "code"]),
        ({"qty": 1, "tags": []}, "too_short", ["body", "tags"]),
        ({"qty": 1, "tags": "x"}, "list_type", ["body", "tags"]),
    ],
)
def test_struct_constraints(client: TestClient, payload: Any, kind: str, loc: list[Any]) -> None:
    r = client.post("/limited", json=payload)
    assert r.status_code == 422
    (error,) = r.json()["detail"]
    assert error["type"] == kind
    assert error["loc"] == loc


def test_malformed_json_matches_fastapi(client: TestClient) -> None:
    r = client.post("/items", content=b'{"name": ', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body", 9],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting value"},
            }
        ]
    }


@pytest.mark.parametrize(
    "body", [b"{", b"[" * 500, b"\xff\xfe", b'{"name": "\xff"}', b"nul", b'{"a":1}}', b"\x00"]
)
def test_hostile_json_is_a_422(client: TestClient, body: bytes) -> None:
    r = client.post("/items", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] in ("json_invalid", "model_attributes_type", "missing")
    assert client.post("/items", json={"name": "ok", "price": 1}).status_code == 201


def test_deeply_nested_json_is_a_422() -> None:
    app = Faster()

    @app.post("/raw")
    def raw_dict(data: dict[str, Any] = Body()) -> int:
        return len(data)

    @app.post("/embedded")
    def embedded(a: list[Any] = Body(), b: int = Body()) -> int:
        return b

    client = TestClient(app)
    deep = b"[" * 100_000 + b"]" * 100_000
    r = client.post("/raw", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 422
    deep_obj = b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b', "b": 1}'
    r = client.post("/embedded", content=deep_obj, headers={"content-type": "application/json"})
    assert r.status_code in (200, 422)
    assert client.post("/raw", json={"x": 1}).json() == 1


def test_missing_body(client: TestClient) -> None:
    r = client.post("/items")
    assert r.json() == {
        "detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    }


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ],
)
def test_wrong_content_type_is_never_parsed(client: TestClient, content_type: str) -> None:
    # As FastAPI (strict_content_type): the raw text is validated, so the model refuses it.
    calls.clear()
    r = client.post(
        "/items", content=b'{"name": "x", "price": 1}', headers={"content-type": content_type}
    )
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": '{"name": "x", "price": 1}',
            }
        ]
    }
    assert calls == []


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.api+json",
        "APPLICATION/JSON",
    ],
)
def test_json_content_types_accepted(client: TestClient, content_type: str) -> None:
    r = client.post(
        "/items", content=b'{"name": "x", "price": 1}', headers={"content-type": content_type}
    )
    assert r.status_code == 201


def test_no_content_type_is_not_parsed_like_fastapi(client: TestClient) -> None:
    calls.clear()
    r = client.post("/items", content=b'{"name": "x", "price": 1}')
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body"]
    assert r.json()["detail"][0]["input"] == '{"name": "x", "price": 1}'
    assert calls == []


def test_non_json_body_reaches_a_str_body_and_embedded_fields_are_missing() -> None:
    app = Faster()

    @app.post("/text")
    async def text(data: Annotated[str, Body()]) -> str:
        return data

    @app.post("/embedded")
    async def embedded(a: Annotated[int, Body()], b: Annotated[int, Body()]) -> int:
        return a + b

    with TestClient(app) as client:
        ok = client.post("/text", content=b"caf\xc3\xa9", headers={"content-type": "text/plain"})
        assert (ok.status_code, ok.json()) == (200, "caf\u00e9")
        bad = client.post("/text", content=b"\xff", headers={"content-type": "text/plain"})
        assert (bad.status_code, bad.json()) == (200, "\ufffd")
        r = client.post("/embedded", content=b'{"a": 1, "b": 2}')
        assert r.status_code == 422
        assert [e["loc"] for e in r.json()["detail"]] == [["body", "a"], ["body", "b"]]
        empty = client.post("/text", content=b"", headers={"content-type": "text/plain"})
        assert empty.json()["detail"][0]["type"] == "missing"


def test_non_json_body_reaches_a_bytes_body_as_is() -> None:
    app = Faster()

    @app.post("/upload")
    async def upload(data: Annotated[bytes | None, Body()] = None) -> dict[str, Any]:
        return {"size": None if data is None else len(data)}

    with TestClient(app) as client:
        octets = client.post(
            "/upload", content=b"\x00\xff", headers={"content-type": "application/octet-stream"}
        )
        bare = client.post("/upload", content=b"abc")
        nothing = client.post("/upload")
    assert octets.json() == {"size": 2}
    assert bare.json() == {"size": 3}
    assert nothing.json() == {"size": None}


def test_dataclass_and_typeddict(client: TestClient) -> None:
    assert client.post("/point", json={"x": 1, "y": 2}).json() == {"sum": 3}
    assert client.post("/point", json={"x": 1}).json()["detail"][0]["loc"] == ["body", "y"]
    assert client.post("/movie", json={"title": "t", "year": 1999}).json() == {
        "title": "t",
        "year": 1999,
    }
    assert client.post("/movie", json={"title": "t"}).status_code == 422


def test_embed_single(client: TestClient) -> None:
    assert client.post("/embed", json={"item": {"name": "x", "price": 2}}).json()["name"] == "x"
    r = client.post("/embed", json={"name": "x", "price": 2})
    assert r.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "item"], "msg": "Field required", "input": None}
        ]
    }


def test_several_bodies_embed_and_report_all_errors(client: TestClient) -> None:
    r = client.post("/multi", json={"item": {"name": "x", "price": 1}, "k": 2})
    assert r.json() == {"item": {"name": "x", "price": 1.0, "n": 0}, "k": 2, "note": None}
    r = client.post("/multi", json={"item": {"name": "x"}})
    assert r.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "item", "price"],
                "msg": "Field required",
                "input": {"name": "x"},
            },
            {"type": "missing", "loc": ["body", "k"], "msg": "Field required", "input": None},
        ]
    }
    r = client.post("/multi", json=[1, 2])
    # As FastAPI: a non-object leaves every embedded field missing, defaulted ones too.
    assert [e["loc"] for e in r.json()["detail"]] == [
        ["body", "item"],
        ["body", "k"],
        ["body", "note"],
    ]
    r = client.post("/multi", json={"item": {"name": "x", "price": 1}, "k": "z"})
    assert r.json()["detail"][0]["loc"] == ["body", "k"]


def test_non_model_single_body(client: TestClient) -> None:
    assert client.post("/raw", json={"a": 1}).json() == {"a": 1}
    assert client.post("/raw", json={"a": "x"}).json()["detail"][0]["loc"] == ["body", "a"]
    assert client.post("/raw", json={"a": 1, "b": "x"}).json()["detail"][0]["loc"] == ["body", "b"]
    assert client.post("/scalar", json=3).json() == 3
    assert client.post("/scalar", json=0).json()["detail"][0]["type"] == "greater_than"


def test_optional_body(client: TestClient) -> None:
    assert client.post("/optional").json() == {"item": None}
    assert client.post("/optional", json={"name": "a", "price": 1}).json()["item"]["name"] == "a"


def test_list_of_models(client: TestClient) -> None:
    assert (
        client.post("/list", json=[{"name": "a", "price": 1}, {"name": "b", "price": 2}]).json()
        == 2
    )
    r = client.post("/list", json=[{"name": "a", "price": 1}, {"name": "b"}])
    assert r.json()["detail"][0]["loc"] == ["body", 1, "price"]


def test_request_sees_body_read_by_plan(client: TestClient) -> None:
    r = client.post("/with-request", json={"name": "a", "price": 1})
    assert r.json()["json"] == {"name": "a", "price": 1}


def test_oversized_body_by_content_length(client: TestClient) -> None:
    calls.clear()
    r = client.post("/items", json={"name": "x" * 2000, "price": 1})
    assert r.status_code == 413
    assert r.json() == {"detail": "Request body too large"}
    assert calls == []
    assert client.post("/big", json={"name": "abcdefgh", "price": 1}).status_code == 413


def test_oversized_streamed_body_without_content_length(raw: Any) -> None:
    calls.clear()
    app = make_app()
    chunk = {"type": "http.request", "body": b"x" * 600, "more_body": True}
    result = raw(
        app,
        "POST",
        "/items",
        headers=[(b"content-type", b"application/json")],
        messages=[chunk, chunk, chunk],
    )
    assert result.status == 413
    assert calls == []


def test_invalid_content_length_is_400(raw: Any) -> None:
    result = raw(make_app(), "POST", "/items", headers=[(b"content-length", b"abc")])
    assert result.status == 400


def test_disconnect_mid_body_runs_nothing_and_sends_nothing(raw: Any) -> None:
    calls.clear()
    app = make_app()
    messages = [
        {"type": "http.request", "body": b'{"name": "x",', "more_body": True},
        {"type": "http.disconnect"},
    ]
    result = raw(
        app, "POST", "/items", headers=[(b"content-type", b"application/json")], messages=messages
    )
    assert result.messages == []
    assert calls == []
    ok = raw(
        app,
        "POST",
        "/items",
        headers=[(b"content-type", b"application/json")],
        messages=[{"type": "http.request", "body": b'{"name": "x", "price": 1}'}],
    )
    assert ok.status == 201


def test_chunked_body_is_joined(raw: Any) -> None:
    app = make_app()
    parts = [b'{"name": ', b'"x", "pr', b'ice": 2}']
    messages = [
        {"type": "http.request", "body": p, "more_body": i < 2} for i, p in enumerate(parts)
    ]
    result = raw(
        app, "POST", "/items", headers=[(b"content-type", b"application/json")], messages=messages
    )
    assert result.status == 201
    assert msgspec.json.decode(result.body) == {"name": "x", "price": 2.0, "n": 0}


def test_body_errors_come_after_parameter_errors() -> None:
    app = Faster()

    @app.put("/items/{item_id}")
    def update(item_id: int, item: Item) -> int:
        return item_id

    r = TestClient(app).put("/items/x", json={"name": 1, "price": 1})
    assert [e["loc"] for e in r.json()["detail"]] == [["path", "item_id"], ["body", "name"]]


def test_validation_error_carries_the_decoded_body() -> None:
    from fasterapi_core import JSONResponse, RequestValidationError

    app = Faster()

    @app.exception_handler(RequestValidationError)
    async def handler(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"body": exc.body}, status_code=422)

    @app.post("/items")
    def create(item: Item) -> Item:
        return item

    @app.post("/multi")
    def multi(a: int = Body(), b: int = Body()) -> int:
        return a + b

    client = TestClient(app)
    assert client.post("/items", json={"name": "towel"}).json() == {"body": {"name": "towel"}}
    assert client.post("/multi", json={"a": 1}).json() == {"body": {"a": 1}}


def test_form_route_with_a_json_body_reports_missing_fields_like_fastapi() -> None:
    from fasterapi_core import Form

    app = Faster()

    @app.post("/login")
    def login(username: str = Form(), password: str = Form()) -> str:
        return username

    r = TestClient(app).post("/login", json={"username": "a"})
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "username"], ["body", "password"]]
    assert TestClient(app).post("/login", data={"username": "a", "password": "p"}).json() == "a"


def test_bare_upload_file_parameter_is_a_file() -> None:
    app = Faster()

    @app.post("/upload")
    async def upload(file: UploadFile) -> dict[str, Any]:
        return {"name": file.filename, "size": len(await file.read())}

    r = TestClient(app).post("/upload", files={"file": ("a.txt", b"abc")})
    assert r.json() == {"name": "a.txt", "size": 3}


def test_a_model_body_reports_every_field_error_like_fastapi(client: TestClient) -> None:
    r = client.post("/items", json={"name": 1})
    assert r.json() == {
        "detail": [
            {
                "type": "string_type",
                "loc": ["body", "name"],
                "msg": "Input should be a valid string",
                "input": 1,
            },
            {
                "type": "missing",
                "loc": ["body", "price"],
                "msg": "Field required",
                "input": {"name": 1},
            },
        ]
    }
    r = client.post("/movie", json={"year": "x"})
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "title"], ["body", "year"]]


def test_dataclass_body_given_a_list(client: TestClient) -> None:
    r = client.post("/point", json=[1])
    assert r.json() == {
        "detail": [
            {
                "type": "dataclass_type",
                "loc": ["body"],
                "msg": "Input should be a dictionary or an instance of Point",
                "input": [1],
                "ctx": {"class_name": "Point"},
            }
        ]
    }


def test_one_oversized_message_without_content_length_is_413(raw: Any) -> None:
    calls.clear()
    result = raw(
        make_app(),
        "POST",
        "/items",
        headers=[(b"content-type", b"application/json")],
        messages=[{"type": "http.request", "body": b"x" * 1025, "more_body": False}],
    )
    assert result.status == 413
    assert calls == []


def test_disconnect_before_any_body_sends_nothing(raw: Any) -> None:
    calls.clear()
    result = raw(
        make_app(),
        "POST",
        "/items",
        headers=[(b"content-type", b"application/json")],
        messages=[{"type": "http.disconnect"}],
    )
    assert result.messages == []
    assert calls == []


def test_unknown_messages_before_the_body_are_skipped(raw: Any) -> None:
    result = raw(
        make_app(),
        "POST",
        "/items",
        headers=[(b"content-type", b"application/json")],
        messages=[
            {"type": "http.unknown"},
            {"type": "http.request", "body": b'{"name": "x", "price": 3}', "more_body": False},
        ],
    )
    assert result.status == 201


@pytest.mark.parametrize(
    ("content_types", "status"),
    [
        # The first content-type counts, as FastAPI's request.headers.get("content-type").
        ((b"text/plain", b"application/json"), 422),
        ((b"application/json", b"text/plain"), 201),
    ],
)
def test_repeated_content_type_first_one_wins(
    raw: Any, content_types: tuple[bytes, bytes], status: int
) -> None:
    body = b'{"name": "x", "price": 3}'
    headers = [
        (b"content-type", content_types[0]),
        (b"content-length", b"5000"),
        (b"content-type", content_types[1]),
        (b"content-length", str(len(body)).encode()),
    ]
    result = raw(
        make_app(),
        "POST",
        "/items",
        headers=headers,
        messages=[{"type": "http.request", "body": body, "more_body": False}],
    )
    assert result.status == status


def test_repeated_content_length_last_one_wins(raw: Any) -> None:
    body = b'{"name": "x", "price": 3}'
    headers = [
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"application/json"),
        (b"content-length", b"5000"),
    ]
    result = raw(
        make_app(),
        "POST",
        "/items",
        headers=headers,
        messages=[{"type": "http.request", "body": body, "more_body": False}],
    )
    assert result.status == 413
