"""Parameter models: a model declared as `Query()`, `Header()`, `Cookie()` or `Form()` is
spread over its fields (FastAPI >= 0.115), for msgspec Structs, dataclasses and pydantic."""

import dataclasses
from typing import Annotated, Any, Literal

import msgspec
import pytest

from fasterapi_core import Cookie, Faster, Form, Header, Query
from fasterapi_testing import TestClient


class Filters(msgspec.Struct):
    limit: Annotated[int, msgspec.Meta(le=100)] = 100
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


class Ids(msgspec.Struct):
    ids: Annotated[list[int], msgspec.Meta(max_length=2)] = []


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    q: str


@dataclasses.dataclass
class Headers:
    x_token: str
    save_data: bool = False
    x_tag: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Session:
    session_id: str
    tracker: str | None = None


@dataclasses.dataclass
class Login:
    username: str
    password: str
    remember: bool = False


def make_app() -> Faster:
    app = Faster()

    @app.get("/filters")
    def filters(f: Annotated[Filters, Query()], page: int = 1) -> dict[str, Any]:
        return {**msgspec.structs.asdict(f), "page": page}

    @app.get("/ids")
    def ids(i: Annotated[Ids, Query()]) -> list[int]:
        return i.ids

    @app.get("/strict")
    def strict(s: Annotated[Strict, Query()]) -> str:
        return s.q

    @app.get("/optional")
    def optional(s: Annotated[Strict | None, Query()] = None) -> Any:
        return None if s is None else s.q

    @app.get("/headers")
    def headers(h: Annotated[Headers, Header()]) -> dict[str, Any]:
        return vars(h)

    @app.get("/raw-headers")
    def raw_headers(h: Annotated[Headers, Header(convert_underscores=False)]) -> str:
        return h.x_token

    @app.get("/cookies")
    def cookies(c: Annotated[Session, Cookie()]) -> dict[str, Any]:
        return vars(c)

    @app.post("/login")
    def login(data: Annotated[Login, Form()]) -> dict[str, Any]:
        return vars(data)

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


def test_query_model_reads_each_field(client: TestClient) -> None:
    response = client.get("/filters?limit=5&tags=a&tags=b&order_by=updated_at&page=2")
    assert response.json() == {
        "limit": 5,
        "order_by": "updated_at",
        "tags": ["a", "b"],
        "page": 2,
    }
    assert client.get("/filters").json() == {
        "limit": 100,
        "order_by": "created_at",
        "tags": [],
        "page": 1,
    }


def test_query_model_errors_are_per_field(client: TestClient) -> None:
    response = client.get("/filters?limit=500&order_by=name&page=x")
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("less_than_equal", ["query", "limit"]),
        ("literal_error", ["query", "order_by"]),
        ("int_parsing", ["query", "page"]),
    ]


def test_list_fields_convert_each_item_and_check_the_list(client: TestClient) -> None:
    assert client.get("/ids?ids=1&ids=2").json() == [1, 2]
    bad_item = client.get("/ids?ids=1&ids=x").json()["detail"]
    assert [(e["type"], e["loc"], e["input"]) for e in bad_item] == [
        ("int_parsing", ["query", "ids", 1], "x")
    ]
    too_long = client.get("/ids?ids=1&ids=2&ids=3").json()["detail"]
    assert [(e["type"], e["loc"]) for e in too_long] == [("too_long", ["query", "ids"])]


def test_unknown_names_are_refused_only_when_the_model_forbids_them(client: TestClient) -> None:
    assert client.get("/filters?tool=x").status_code == 200
    assert client.get("/strict?q=a").json() == "a"
    response = client.get("/strict?q=a&tool=plumbus")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "extra_forbidden",
            "loc": ["query", "tool"],
            "msg": "Extra inputs are not permitted",
            "input": "plumbus",
        }
    ]


def test_optional_model_is_none_when_nothing_is_sent(client: TestClient) -> None:
    assert client.get("/optional").json() is None
    assert client.get("/optional?q=z").json() == "z"
    # The model forbids unknown names: sending one means the model was meant, and refused.
    refused = client.get("/optional?zzz=1").json()["detail"]
    assert [(e["type"], e["loc"]) for e in refused] == [
        ("missing", ["query", "q"]),
        ("extra_forbidden", ["query", "zzz"]),
    ]


def test_missing_field_input_shows_every_name_sent(client: TestClient) -> None:
    response = client.get("/cookies", headers={"cookie": "other=1; more=2"})
    assert response.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["cookie", "session_id"],
            "msg": "Field required",
            "input": {"other": "1", "more": "2"},
        }
    ]


def test_header_model_converts_underscores(client: TestClient) -> None:
    response = client.get(
        "/headers", headers=[("x-token", "t"), ("save-data", "yes"), ("x-tag", "a"), ("x-tag", "b")]
    )
    assert response.json() == {"x_token": "t", "save_data": True, "x_tag": ["a", "b"]}
    missing = client.get("/headers")
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["type"] == "missing"
    assert missing.json()["detail"][0]["loc"] == ["header", "x-token"]


def test_header_model_without_underscore_conversion(client: TestClient) -> None:
    assert client.get("/raw-headers", headers={"x_token": "t"}).json() == "t"
    refused = client.get("/raw-headers", headers={"x-token": "t"})
    assert refused.json()["detail"][0]["loc"] == ["header", "x_token"]


def test_cookie_model(client: TestClient) -> None:
    response = client.get("/cookies", headers={"cookie": "session_id=abc"})
    assert response.json() == {"session_id": "abc", "tracker": None}
    assert client.get("/cookies").json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["cookie", "session_id"],
                "msg": "Field required",
                "input": {},
            }
        ]
    }


def test_form_model(client: TestClient) -> None:
    response = client.post("/login", data={"username": "u", "password": "p", "remember": "true"})
    assert response.json() == {"username": "u", "password": "p", "remember": True}
    missing = client.post("/login", data={"username": "u", "password": ""})
    assert missing.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["body", "password"],
            "msg": "Field required",
            "input": {"username": "u"},
        }
    ]


def test_openapi_lists_one_parameter_per_field() -> None:
    schema = make_app().openapi()
    params = schema["paths"]["/filters"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in params] == [
        ("limit", "query", False),
        ("order_by", "query", False),
        ("tags", "query", False),
        ("page", "query", False),
    ]
    headers = schema["paths"]["/headers"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in headers] == [
        ("x-token", "header", True),
        ("save-data", "header", False),
        ("x-tag", "header", False),
    ]
    body = schema["paths"]["/login"]["post"]["requestBody"]
    assert body["content"]["application/x-www-form-urlencoded"]["schema"] == {
        "$ref": "#/components/schemas/Login"
    }


# --- pydantic models (FastAPI's own case) ----------------------------------------------------

BaseModel: Any = pytest.importorskip("pydantic").BaseModel
PydanticField: Any = pytest.importorskip("pydantic").Field


class PFilters(BaseModel):  # type: ignore[misc]
    model_config = {"extra": "forbid"}

    limit: int = PydanticField(100, gt=0, le=100, description="how many")
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


class PHeaders(BaseModel):  # type: ignore[misc]
    host: str
    save_data: bool
    trace: str | None = PydanticField(None, alias="X-Trace-Id")


class PLogin(BaseModel):  # type: ignore[misc]
    model_config = {"extra": "forbid"}

    username: str
    tags: list[str] = []


def make_pydantic_app() -> Faster:
    app = Faster()

    @app.get("/items")
    def items(f: Annotated[PFilters, Query()]) -> Any:
        return f.model_dump()

    @app.get("/headers")
    def headers(h: Annotated[PHeaders, Header()]) -> Any:
        return h.model_dump()

    @app.post("/login")
    def login(data: Annotated[PLogin, Form()]) -> Any:
        return data.model_dump()

    return app


def test_pydantic_query_model() -> None:
    client = TestClient(make_pydantic_app())
    ok = client.get("/items?limit=5&tags=a&tags=b")
    assert ok.json() == {"limit": 5, "order_by": "created_at", "tags": ["a", "b"]}
    bad = client.get("/items?limit=500&tool=x&tool=y")
    assert bad.json()["detail"] == [
        {
            "type": "less_than_equal",
            "loc": ["query", "limit"],
            "msg": "Input should be less than or equal to 100",
            "input": "500",
            "ctx": {"le": 100},
        },
        {
            "type": "extra_forbidden",
            "loc": ["query", "tool"],
            "msg": "Extra inputs are not permitted",
            "input": ["x", "y"],
        },
    ]


def test_pydantic_header_model_names_and_aliases() -> None:
    client = TestClient(make_pydantic_app())
    ok = client.get("/headers", headers={"save-data": "1", "x-trace-id": "t1"})
    assert ok.json() == {"host": "testserver", "save_data": True, "trace": "t1"}
    missing = client.get("/headers")
    assert missing.json()["detail"][0]["loc"] == ["header", "save-data"]


def test_pydantic_form_model_with_extras() -> None:
    client = TestClient(make_pydantic_app())
    ok = client.post("/login", data={"username": "u", "tags": ["a", "b"]})
    assert ok.json() == {"username": "u", "tags": ["a", "b"]}
    extra = client.post("/login", data={"username": "u", "other": "1"})
    assert [(e["type"], e["loc"]) for e in extra.json()["detail"]] == [
        ("extra_forbidden", ["body", "other"])
    ]


def test_pydantic_model_openapi_keeps_constraints() -> None:
    params = make_pydantic_app().openapi()["paths"]["/items"]["get"]["parameters"]
    assert params[0] == {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 100,
            "default": 100,
            "title": "Limit",
            "description": "how many",
        },
        "description": "how many",
    }
