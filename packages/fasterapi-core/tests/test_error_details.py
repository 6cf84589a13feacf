"""Validation error details matching pydantic v2 / FastAPI: union members, constraint order,
malformed JSON, non-object bodies, dataclass defaults, deprecated arguments."""

import dataclasses
import datetime as dt
import enum
import uuid
import warnings
from typing import Annotated, Any, Literal

import msgspec
import pytest
from typing_extensions import TypedDict

from fasterapi_core import Body, Faster, Query
from fasterapi_core._plan.errors import union_errors
from fasterapi_core.params import FastAPIDeprecationWarning
from fasterapi_testing import TestClient


@dataclasses.dataclass
class Item:
    name: str
    price: float
    description: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True)
class Slotted:
    name: str
    note: str = "n"


class Point(msgspec.Struct):
    x: int


def make_app() -> Faster:
    app = Faster()

    @app.post("/union")
    def union(v: Annotated[int | str, Body(embed=True)]) -> dict[str, Any]:
        return {"v": v, "type": type(v).__name__}

    @app.post("/optional-union")
    def optional_union(v: Annotated[int | str | None, Body(embed=True)] = None) -> Any:
        return v

    @app.post("/union-body")
    def union_body(v: int | list[int]) -> Any:
        return v

    @app.get("/multiple")
    def multiple(x: Annotated[float, Query(ge=0.5, le=10, multiple_of=0.5)] = 1.0) -> float:
        return x

    @app.post("/items")
    def create(item: Item) -> dict[str, Any]:
        return vars(item)

    @app.post("/items-embedded")
    def create_embedded(item: Annotated[Item, Body(embed=True)]) -> dict[str, Any]:
        return vars(item)

    @app.post("/slotted")
    def slotted(s: Slotted) -> dict[str, Any]:
        return {"name": s.name, "note": s.note}

    @app.post("/point")
    def point(p: Point) -> int:
        return p.x

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


def test_union_field_reports_one_error_per_member(client: TestClient) -> None:
    assert client.post("/union", json={"v": 5}).json() == {"v": 5, "type": "int"}
    assert client.post("/union", json={"v": "5"}).json() == {"v": "5", "type": "str"}
    response = client.post("/union", json={"v": [1]})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "int_type",
            "loc": ["body", "v", "int"],
            "msg": "Input should be a valid integer",
            "input": [1],
        },
        {
            "type": "string_type",
            "loc": ["body", "v", "str"],
            "msg": "Input should be a valid string",
            "input": [1],
        },
    ]


def test_optional_union_member_errors_skip_none(client: TestClient) -> None:
    assert client.post("/optional-union", json={"v": None}).json() is None
    response = client.post("/optional-union", json={"v": {"a": 1}})
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["body", "v", "int"],
        ["body", "v", "str"],
    ]


def test_top_level_union_body_names_generic_members(client: TestClient) -> None:
    assert client.post("/union-body", json=[1, 2]).json() == [1, 2]
    response = client.post("/union-body", json="x")
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("int_parsing", ["body", "int"]),
        ("list_type", ["body", "list[int]"]),
    ]


def test_union_errors_helper_edges() -> None:
    assert union_errors(int, "x", ["body"]) == []  # not a union
    assert union_errors(int | None, None, ["body"]) == []
    assert union_errors(int | float, 1, ["body"]) == []  # a member accepts it
    assert union_errors(int | None, "x", ["body"]) == []
    both = union_errors(int | str | None, [1], ["body"])
    assert [e["loc"] for e in both] == [["body", "int"], ["body", "str"]]

    assert [e["loc"] for e in union_errors(int | Literal["a", 1], "x", ["body"])] == [
        ["body", "int"],
        ["body", "literal['a',1]"],
    ]
    assert union_errors(int | list["Unknown"], "x", ["body"]) == []  # type: ignore[name-defined]  # noqa: F821 - no name known


def test_multiple_of_is_checked_before_bounds(client: TestClient) -> None:
    assert client.get("/multiple", params={"x": "1.5"}).json() == 1.5
    response = client.get("/multiple", params={"x": "0.25"})
    assert response.json()["detail"] == [
        {
            "type": "multiple_of",
            "loc": ["query", "x"],
            "msg": "Input should be a multiple of 0.5",
            "input": "0.25",
            "ctx": {"multiple_of": 0.5},
        }
    ]
    assert client.get("/multiple", params={"x": "11"}).json()["detail"][0]["type"] == (
        "less_than_equal"
    )


@pytest.mark.parametrize("path", ["/items", "/point"])
def test_truncated_json_is_json_invalid(client: TestClient, path: str) -> None:
    response = client.post(path, content=b"[", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body", 1],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting value"},
            }
        ]
    }


def test_dataclass_body_has_every_default_field(client: TestClient) -> None:
    expected = {"name": "a", "price": 1.0, "description": None, "tags": []}
    assert client.post("/items", json={"name": "a", "price": 1}).json() == expected
    embedded = client.post("/items-embedded", json={"item": {"name": "a", "price": 1}})
    assert embedded.json() == expected
    sent = client.post("/items", json={"name": "a", "price": 1, "description": "d"})
    assert sent.json()["description"] == "d"
    assert client.post("/slotted", json={"name": "s"}).json() == {"name": "s", "note": "n"}


def test_dataclass_body_error_still_reported(client: TestClient) -> None:
    response = client.post("/items", json={"name": "a"})
    assert response.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["body", "price"],
            "msg": "Field required",
            "input": {"name": "a"},
        }
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"regex": "^x$"}, "`regex` has been deprecated, please use `pattern` instead"),
        ({"example": 1}, "`example` has been deprecated, please use `examples` instead"),
    ],
)
def test_deprecated_arguments_warn(kwargs: dict[str, Any], message: str) -> None:
    with pytest.warns(FastAPIDeprecationWarning, match=message) as record:
        Query(**kwargs)
    assert issubclass(FastAPIDeprecationWarning, UserWarning)
    assert record[0].filename == __file__  # points at the caller, not at params.py


def test_deprecated_regex_still_validates() -> None:
    app = Faster()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FastAPIDeprecationWarning)

        @app.get("/r")
        def read(v: str = Query(regex="^x")) -> str:
            return v

    client = TestClient(app)
    assert client.get("/r", params={"v": "xy"}).json() == "xy"
    assert client.get("/r", params={"v": "y"}).json()["detail"][0]["type"] == (
        "string_pattern_mismatch"
    )


def test_no_warning_without_deprecated_arguments() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Query(pattern="^x$", examples=[1])


def test_pydantic_body_not_an_object_is_model_attributes_type() -> None:
    base_model: Any = pytest.importorskip("pydantic").BaseModel

    class Model(base_model):  # type: ignore[misc]
        a: int

    app = Faster()

    @app.put("/m")
    def put(m: Model) -> int:
        return m.a

    @app.put("/many")
    def put_many(m: list[Model]) -> int:
        return len(m)

    client = TestClient(app)
    assert client.put("/m", json={"a": 1}).json() == 1
    assert client.put("/m", json=[1]).json() == {
        "detail": [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": [1],
            }
        ]
    }
    many = client.put("/many", json=[[1]]).json()["detail"]
    assert [(e["type"], e["loc"]) for e in many] == [("model_attributes_type", ["body", 0])]


@dataclasses.dataclass
class Line:
    sku: str
    qty: int = 1


@dataclasses.dataclass
class Order:
    first: Line
    lines: list[Line]
    by_name: dict[str, Line]
    maybe: Line | None = None
    either: Line | int = 0
    pair: tuple[Line, int] | None = None


class Basket(msgspec.Struct):
    line: Line
    lines: list[Line] = []


@dataclasses.dataclass
class Node:
    name: str
    children: "list[Node]" = dataclasses.field(default_factory=list)
    tag: str = "t"


def test_nested_dataclasses_keep_their_defaults() -> None:
    app = Faster()

    @app.post("/order")
    def order(o: Order) -> Order:
        return o

    @app.post("/basket")
    def basket(b: Basket) -> Basket:
        return b

    @app.post("/tree")
    def tree(n: Node) -> Node:
        return n

    @app.post("/maybe")
    def maybe(o: Annotated[Order | None, Body()] = None) -> Order | None:
        return o

    client = TestClient(app)
    sent = {
        "first": {"sku": "a"},
        "lines": [{"sku": "b"}],
        "by_name": {"c": {"sku": "c"}},
        "maybe": {"sku": "d"},
        "either": {"sku": "e"},
        "pair": [{"sku": "f"}, 2],
    }
    got = client.post("/order", json=sent).json()
    assert got == {
        "first": {"sku": "a", "qty": 1},
        "lines": [{"sku": "b", "qty": 1}],
        "by_name": {"c": {"sku": "c", "qty": 1}},
        "maybe": {"sku": "d", "qty": 1},
        "either": {"sku": "e", "qty": 1},
        "pair": [{"sku": "f", "qty": 1}, 2],
    }
    bare = client.post("/order", json={"first": {"sku": "a"}, "lines": [], "by_name": {}})
    assert bare.json()["maybe"] is None
    assert bare.json()["either"] == 0
    assert client.post("/basket", json={"line": {"sku": "a"}}).json() == {
        "line": {"sku": "a", "qty": 1},
        "lines": [],
    }
    tree_out = client.post("/tree", json={"name": "r", "children": [{"name": "c"}]}).json()
    assert tree_out == {
        "name": "r",
        "children": [{"name": "c", "children": [], "tag": "t"}],
        "tag": "t",
    }
    assert client.post("/maybe", json=None).json() is None


def test_query_union_tries_each_member_and_reports_each() -> None:
    app = Faster()

    @app.get("/u")
    def u(
        f: int | float | None = None,
        s: int | str | None = None,
        e: Literal[1, "one"] | None = None,
    ) -> dict[str, Any]:
        return {"f": f, "s": s, "e": e}

    client = TestClient(app)
    assert client.get("/u", params={"f": "1"}).json()["f"] == 1
    assert client.get("/u", params={"f": "1.5"}).json()["f"] == 1.5
    assert client.get("/u", params={"s": "5"}).json()["s"] == "5"  # str is an exact match
    assert client.get("/u", params={"e": "one"}).json()["e"] == "one"
    response = client.get("/u", params={"f": "x", "e": "1"})
    assert response.json()["detail"] == [
        {
            "type": "int_parsing",
            "loc": ["query", "f", "int"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "x",
        },
        {
            "type": "float_parsing",
            "loc": ["query", "f", "float"],
            "msg": "Input should be a valid number, unable to parse string as a number",
            "input": "x",
        },
        {
            # pydantic matches literals exactly: the text "1" is not the int 1.
            "type": "literal_error",
            "loc": ["query", "e"],
            "msg": "Input should be 1 or 'one'",
            "input": "1",
            "ctx": {"expected": "1 or 'one'"},
        },
    ]


def test_embedded_fields_need_an_object(client: TestClient) -> None:
    response = client.post("/union", json=[1])
    assert response.json()["detail"] == [
        {"type": "missing", "loc": ["body", "v"], "msg": "Field required", "input": None}
    ]
    # A defaulted embedded field is reported missing too, as FastAPI does.
    assert [e["loc"] for e in client.post("/optional-union", json="x").json()["detail"]] == [
        ["body", "v"]
    ]
    assert client.post("/optional-union", json=None).json() is None


def test_bool_from_a_number_other_than_0_or_1_is_bool_parsing() -> None:
    app = Faster()

    @app.post("/b")
    def b(flag: Annotated[bool, Body(embed=True)]) -> bool:
        return flag

    client = TestClient(app)
    assert client.post("/b", json={"flag": 1}).json() is True
    detail = client.post("/b", json={"flag": 2}).json()["detail"]
    assert [(e["type"], e["msg"]) for e in detail] == [
        ("bool_parsing", "Input should be a valid boolean, unable to interpret input")
    ]


class Shade(enum.Enum):
    red = "red"
    blue = "blue"


class Point2(TypedDict):
    x: int


@dataclasses.dataclass
class Detailed:
    lit: Literal["a", "b"] = "a"
    shade: Shade = Shade.red
    sub: Line | None = None
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    point: Point2 | None = None
    when: dt.date | None = None
    uid: uuid.UUID | None = None
    lines: list[Line] = dataclasses.field(default_factory=list)
    either: int | Line = 0


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (
            {"lit": "z"},
            {
                "type": "literal_error",
                "loc": ["body", "lit"],
                "msg": "Input should be 'a' or 'b'",
                "input": "z",
                "ctx": {"expected": "'a' or 'b'"},
            },
        ),
        (
            {"shade": "green"},
            {
                "type": "enum",
                "loc": ["body", "shade"],
                "msg": "Input should be 'red' or 'blue'",
                "input": "green",
                "ctx": {"expected": "'red' or 'blue'"},
            },
        ),
        (
            {"sub": 5},
            {
                "type": "dataclass_type",
                "loc": ["body", "sub"],
                "msg": "Input should be a dictionary or an instance of Line",
                "input": 5,
                "ctx": {"class_name": "Line"},
            },
        ),
        (
            {"counts": [1]},
            {
                "type": "dict_type",
                "loc": ["body", "counts"],
                "msg": "Input should be a valid dictionary",
                "input": [1],
            },
        ),
        (
            {"point": "p"},
            {
                "type": "dict_type",
                "loc": ["body", "point"],
                "msg": "Input should be a valid dictionary",
                "input": "p",
            },
        ),
        (
            {"when": "2020-13-01"},
            {
                "type": "date_from_datetime_parsing",
                "loc": ["body", "when"],
                "msg": "Input should be a valid date or datetime, month value is outside "
                "expected range of 1-12",
                "input": "2020-13-01",
                "ctx": {"error": "month value is outside expected range of 1-12"},
            },
        ),
        (
            {"uid": "nope"},
            {
                "type": "uuid_parsing",
                "loc": ["body", "uid"],
                "msg": "Input should be a valid UUID, invalid character: found `n` at 0",
                "input": "nope",
                "ctx": {"error": "invalid character: found `n` at 0"},
            },
        ),
        (
            {"lines": [{"sku": "a", "qty": "x"}]},
            {
                "type": "int_parsing",
                "loc": ["body", "lines", 0, "qty"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "x",
            },
        ),
    ],
)
def test_body_errors_name_the_declared_type(sent: dict[str, Any], expected: Any) -> None:
    app = Faster()

    @app.post("/detailed")
    def detailed(d: Detailed) -> str:
        return "ok"

    response = TestClient(app).post("/detailed", json=sent)
    assert response.json()["detail"] == [expected]


def test_nested_union_reports_each_member() -> None:
    app = Faster()

    @app.post("/detailed")
    def detailed(d: Detailed) -> str:
        return "ok"

    response = TestClient(app).post("/detailed", json={"either": "x"})
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("int_parsing", ["body", "either", "int"]),
        ("dataclass_type", ["body", "either", "Line"]),
    ]
