"""pydantic constraints on stdlib dataclass body fields apply, as in FastAPI (skipped without
pydantic). The expected 422 bodies are FastAPI 0.165's (pydantic 2.14) answers to the same
requests; a dataclass without pydantic metadata stays on the msgspec decoder."""

import dataclasses
import sys
from typing import Annotated, Any

import msgspec
import pytest

pydantic = pytest.importorskip("pydantic")
Field: Any = pydantic.Field

from fasterapi_core import Body, Faster  # noqa: E402
from fasterapi_core._plan import dc_constraints  # noqa: E402
from fasterapi_core._plan.compile import _model_decoder  # noqa: E402
from fasterapi_testing import TestClient  # noqa: E402


@dataclasses.dataclass
class Inner:
    n: Annotated[int, Field(gt=0)]
    # pydantic's Field as a dataclass default is what FastAPI reads (and what is tested)
    tags: list[int] = Field(default_factory=list, max_length=2)  # noqa: RUF009
    name: str = Field(default="x", min_length=1)


@dataclasses.dataclass
class Outer:
    inner: Inner
    items: list[Inner] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Plain:
    a: int
    b: str = "z"


@dataclasses.dataclass
class MsgspecMeta:
    a: Annotated[int, msgspec.Meta(gt=0)]


@dataclasses.dataclass
class Tree:
    value: Annotated[int, Field(le=9)]
    children: list["Tree"] = dataclasses.field(default_factory=list)


def make_app() -> Faster:
    app = Faster()

    @app.post("/outer")
    def outer(body: Outer) -> Outer:
        return body

    @app.post("/inner")
    def inner(body: Inner) -> Inner:
        return body

    @app.post("/list")
    def many(body: list[Inner]) -> list[Inner]:
        return body

    @app.post("/embedded")
    def embedded(a: Inner, b: Annotated[int, Body()]) -> dict[str, Any]:
        return {"a": a, "b": b}

    @app.post("/optional")
    def optional(body: Inner | None = None) -> dict[str, Any]:
        return {"body": body}

    @app.post("/tree")
    def tree(body: Tree) -> Tree:
        return body

    @app.post("/plain")
    def plain(body: Plain) -> Plain:
        return body

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


_GT0 = {"msg": "Input should be greater than 0", "ctx": {"gt": 0}, "type": "greater_than"}


def _too_long(loc: list[Any], n: int) -> dict[str, Any]:
    return {
        "type": "too_long",
        "loc": loc,
        "msg": f"List should have at most 2 items after validation, not {n}",
        "input": list(range(1, n + 1)),
        "ctx": {"field_type": "List", "max_length": 2, "actual_length": n},
    }


# --- detection, at registration --------------------------------------------------------


def test_detects_constraints_at_any_depth() -> None:
    found = dc_constraints.has_pydantic_constraints
    assert found(Inner)  # Annotated[..., Field(gt=0)] and Field(...) defaults
    assert found(Outer)  # through a nested dataclass
    assert found(list[Outer])
    assert found(dict[str, Inner])
    assert found(Inner | None)
    assert found(Annotated[Outer, "doc"])
    assert found(Tree)  # self-referencing


def test_no_constraints_no_pydantic() -> None:
    found = dc_constraints.has_pydantic_constraints
    assert not found(Plain)
    assert not found(MsgspecMeta)  # msgspec's own Meta: msgspec applies it
    assert not found(list[Plain])
    assert not found(int)
    assert dc_constraints.constrained_decoder(Plain) is None


def test_without_pydantic_imported_nothing_is_looked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    # An app that never imported pydantic cannot hold a FieldInfo: no walk, no import.
    monkeypatch.delitem(sys.modules, "pydantic")
    assert not dc_constraints.has_pydantic_constraints(Inner)


def test_plan_chooses_the_decoder() -> None:
    constrained, _ = _model_decoder(Outer)
    assert constrained.__module__ == dc_constraints.__name__
    for tp in (Plain, list[Plain], MsgspecMeta):
        decode, _ = _model_decoder(tp)
        # msgspec's compiled Decoder.decode (or the dataclass filler around it)
        assert getattr(decode, "__module__", None) != dc_constraints.__name__


# --- requests -----------------------------------------------------------------------------


def test_nested_constraints_422(client: TestClient) -> None:
    r = client.post("/outer", json={"inner": {"n": 0, "tags": [1, 2, 3]}})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {"loc": ["body", "inner", "n"], "input": 0, **_GT0},
            _too_long(["body", "inner", "tags"], 3),
        ]
    }


def test_nested_list_of_constrained_dataclasses(client: TestClient) -> None:
    payload = {"inner": {"n": 1, "name": ""}, "items": [{"n": -1}, {"n": 2, "tags": [1, 2, 3]}]}
    r = client.post("/outer", json=payload)
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "string_too_short",
                "loc": ["body", "inner", "name"],
                "msg": "String should have at least 1 character",
                "input": "",
                "ctx": {"min_length": 1},
            },
            {"loc": ["body", "items", 0, "n"], "input": -1, **_GT0},
            _too_long(["body", "items", 1, "tags"], 3),
        ]
    }


def test_defaults_and_default_factory(client: TestClient) -> None:
    r = client.post("/outer", json={"inner": {"n": 1}})
    assert r.status_code == 200
    assert r.json() == {"inner": {"n": 1, "tags": [], "name": "x"}, "items": []}


def test_lax_values_convert(client: TestClient) -> None:
    r = client.post("/inner", json={"n": "5", "tags": ["1"]})
    assert r.status_code == 200
    assert r.json() == {"n": 5, "tags": [1], "name": "x"}


def test_top_level_and_shape_errors(client: TestClient) -> None:
    r = client.post("/inner", json={"n": 0})
    assert r.json() == {"detail": [{"loc": ["body", "n"], "input": 0, **_GT0}]}
    r = client.post("/inner", json={})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [{"type": "missing", "loc": ["body", "n"], "msg": "Field required", "input": {}}]
    }
    sent: Any
    for sent in ([], "x"):
        r = client.post("/inner", json=sent)
        assert r.status_code == 422
        assert r.json() == {
            "detail": [
                {
                    "type": "dataclass_type",
                    "loc": ["body"],
                    "msg": "Input should be a dictionary or an instance of Inner",
                    "input": sent,
                    "ctx": {"class_name": "Inner"},
                }
            ]
        }
    r = client.post("/inner")
    assert r.status_code == 422
    assert r.json() == {
        "detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    }


def test_malformed_json_is_json_invalid(client: TestClient) -> None:
    r = client.post("/inner", content=b'{"n": ', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "json_invalid"


def test_list_body(client: TestClient) -> None:
    r = client.post("/list", json=[{"n": 0}])
    assert r.json() == {"detail": [{"loc": ["body", 0, "n"], "input": 0, **_GT0}]}
    r = client.post("/list", json={"n": 1})
    assert r.json() == {
        "detail": [
            {
                "type": "list_type",
                "loc": ["body"],
                "msg": "Input should be a valid list",
                "input": {"n": 1},
            }
        ]
    }
    r = client.post("/list", json=[{"n": 1}, {"n": 2, "tags": [3]}])
    assert r.status_code == 200
    assert r.json() == [{"n": 1, "tags": [], "name": "x"}, {"n": 2, "tags": [3], "name": "x"}]


def test_embedded_body(client: TestClient) -> None:
    r = client.post("/embedded", json={"a": {"n": 0}, "b": 1})
    assert r.status_code == 422
    assert r.json() == {"detail": [{"loc": ["body", "a", "n"], "input": 0, **_GT0}]}
    r = client.post("/embedded", json={"a": {"n": 3}, "b": 1})
    assert r.status_code == 200
    assert r.json() == {"a": {"n": 3, "tags": [], "name": "x"}, "b": 1}


def test_optional_body(client: TestClient) -> None:
    assert client.post("/optional").json() == {"body": None}
    r = client.post("/optional", json={"n": 0})
    assert r.json() == {"detail": [{"loc": ["body", "n"], "input": 0, **_GT0}]}


def test_self_referencing_dataclass(client: TestClient) -> None:
    r = client.post("/tree", json={"value": 1, "children": [{"value": 10}]})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["body", "children", 0, "value"],
                "msg": "Input should be less than or equal to 9",
                "input": 10,
                "ctx": {"le": 9},
            }
        ]
    }
    r = client.post("/tree", json={"value": 1, "children": [{"value": 2}]})
    assert r.json() == {"value": 1, "children": [{"value": 2, "children": []}]}


def test_plain_dataclass_unchanged(client: TestClient) -> None:
    r = client.post("/plain", json={"a": 1})
    assert r.json() == {"a": 1, "b": "z"}
    r = client.post("/plain", json={"a": "x"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "int_parsing"


def test_pydantic_dataclass_runs_its_validators() -> None:
    @pydantic.dataclasses.dataclass
    class Doubled:
        a: Annotated[int, Field(lt=100)]

        @pydantic.field_validator("a")  # type: ignore[untyped-decorator]
        @classmethod
        def double(cls, value: int) -> int:
            return value * 2

    assert dc_constraints.has_pydantic_constraints(list[Doubled])
    app = Faster()

    @app.post("/doubled")
    def doubled(body: Doubled) -> Doubled:
        return body

    client = TestClient(app)
    assert client.post("/doubled", json={"a": 3}).json() == {"a": 6}
    r = client.post("/doubled", json={"a": 100})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "less_than",
                "loc": ["body", "a"],
                "msg": "Input should be less than 100",
                "input": 100,
                "ctx": {"lt": 100},
            }
        ]
    }


def test_typeddict_field_constraints() -> None:
    typed_dict: Any = pytest.importorskip("typing_extensions").TypedDict

    class Point(typed_dict):  # type: ignore[misc]
        x: Annotated[int, Field(ge=0)]

    assert dc_constraints.has_pydantic_constraints(Point)
    app = Faster()

    @app.post("/point")
    def point(body: Point) -> dict[str, Any]:
        return dict(body)

    client = TestClient(app)
    assert client.post("/point", json={"x": "2"}).json() == {"x": 2}
    assert client.post("/point", json={"x": -1}).json() == {
        "detail": [
            {
                "type": "greater_than_equal",
                "loc": ["body", "x"],
                "msg": "Input should be greater than or equal to 0",
                "input": -1,
                "ctx": {"ge": 0},
            }
        ]
    }


class Pos(msgspec.Struct):
    x: int


@dataclasses.dataclass
class HoldsStruct:
    pos: Pos
    n: Annotated[int, Field(gt=0)]


def test_type_pydantic_cannot_read_stays_on_msgspec() -> None:
    # pydantic has no validator for a msgspec Struct: the body decodes as before (msgspec).
    assert dc_constraints.has_pydantic_constraints(HoldsStruct)
    assert dc_constraints.constrained_decoder(HoldsStruct) is None
    app = Faster()

    @app.post("/holds")
    def holds(body: HoldsStruct) -> HoldsStruct:
        return body

    client = TestClient(app)
    r = client.post("/holds", json={"pos": {"x": 1}, "n": 2})
    assert r.json() == {"pos": {"x": 1}, "n": 2}
    r = client.post("/holds", json={"pos": {"x": "a"}, "n": 2})
    assert r.status_code == 422


def test_dataclass_query_model_with_constraints_is_validated_by_pydantic() -> None:
    # Before, a `Field(...)` default became the value (a 500 on encoding) and the
    # constraints were ignored in a parameter model too.
    from fasterapi_core import Query

    app = Faster()

    @app.get("/filter")
    async def filter_items(q: Annotated[Inner, Query()]) -> dict[str, Any]:
        return dataclasses.asdict(q)

    client = TestClient(app)
    assert client.get("/filter", params={"n": "3"}).json() == {"n": 3, "tags": [], "name": "x"}
    bad = client.get("/filter", params={"n": "0", "name": ""})
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert [(e["type"], e["loc"]) for e in detail] == [
        ("greater_than", ["query", "n"]),
        ("string_too_short", ["query", "name"]),
    ]
    assert client.get("/filter", params={"n": "3"}).status_code == 200  # still answering
