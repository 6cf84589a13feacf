"""Every error inside a nested body (models in models, lists and dicts of models), as pydantic
v2 / FastAPI report them: msgspec stops at the first, the error path walks on to the leaves."""

import dataclasses
from typing import Annotated, Any

import msgspec
import pytest
from typing_extensions import TypedDict

from fasterapi_core import Body, Faster
from fasterapi_core._plan.errors import validation_errors
from fasterapi_testing import TestClient


@dataclasses.dataclass
class Owner:
    age: int
    email: str
    nick: str = "n"


@dataclasses.dataclass
class Tag:
    label: str
    weight: float = 1.0


@dataclasses.dataclass
class Thing:
    name: str
    owner: Owner
    tags: list[Tag]


class OwnerStruct(msgspec.Struct):
    age: int
    email: str
    nick: str = "n"


class TagStruct(msgspec.Struct):
    label: str
    weight: float = 1.0


class ThingStruct(msgspec.Struct):
    name: str
    owner: OwnerStruct
    tags: list[TagStruct]


class OwnerDict(TypedDict):
    age: int
    email: str


class TagDict(TypedDict):
    label: str


class ThingDict(TypedDict):
    name: str
    owner: OwnerDict
    tags: list[TagDict]


@dataclasses.dataclass
class Leaf:
    v: int
    w: list[int]


@dataclasses.dataclass
class Mid:
    leaf: Leaf
    leaves: dict[str, Leaf]


@dataclasses.dataclass
class Top:
    mid: Mid
    n: int
    opt: Leaf | None = None


class Strict(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    first_name: str
    age: int


class HasStrict(msgspec.Struct):
    people: list[Strict]


@dataclasses.dataclass
class Node:
    value: int
    children: "list[Node]" = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Shapes:
    pair: tuple[int, str, int]
    ids: set[int]
    by_id: dict[int, Tag]
    either: Tag | int


def errors_of(tp: Any, payload: Any, *, embed: bool = False) -> list[dict[str, Any]]:
    app = Faster()

    if embed:

        @app.post("/x")
        def embedded(b: Annotated[tp, Body(embed=True)]) -> str:
            return "ok"

        payload = {"b": payload}
    else:

        @app.post("/x")
        def single(b: tp) -> str:
            return "ok"

    with TestClient(app) as client:
        response = client.post("/x", json=payload)
    assert response.status_code == 422
    detail: list[dict[str, Any]] = response.json()["detail"]
    return detail


TWO_IN_ONE = {"name": "a", "owner": {"age": "x", "email": 5}, "tags": [1, "b", {}]}
TWO_IN_ONE_ERRORS: list[dict[str, Any]] = [
    {
        "type": "int_parsing",
        "loc": ["body", "owner", "age"],
        "msg": "Input should be a valid integer, unable to parse string as an integer",
        "input": "x",
    },
    {
        "type": "string_type",
        "loc": ["body", "owner", "email"],
        "msg": "Input should be a valid string",
        "input": 5,
    },
    {
        "type": "dataclass_type",
        "loc": ["body", "tags", 0],
        "msg": "Input should be a dictionary or an instance of Tag",
        "input": 1,
        "ctx": {"class_name": "Tag"},
    },
    {
        "type": "dataclass_type",
        "loc": ["body", "tags", 1],
        "msg": "Input should be a dictionary or an instance of Tag",
        "input": "b",
        "ctx": {"class_name": "Tag"},
    },
    {
        "type": "missing",
        "loc": ["body", "tags", 2, "label"],
        "msg": "Field required",
        "input": {},
    },
]


def test_every_error_of_a_nested_dataclass_and_its_list() -> None:
    assert errors_of(Thing, TWO_IN_ONE) == TWO_IN_ONE_ERRORS


def test_embedded_nested_body_reports_every_error() -> None:
    expected = [{**e, "loc": ["body", "b", *e["loc"][1:]]} for e in TWO_IN_ONE_ERRORS]
    assert errors_of(Thing, TWO_IN_ONE, embed=True) == expected


@pytest.mark.parametrize("embed", [False, True])
@pytest.mark.parametrize(
    "payload",
    [
        {
            "name": 3,
            "owner": {"email": "e"},
            "tags": [{"label": 1}, {"label": "ok", "weight": "h"}],
        },
        {"name": "a", "owner": {"age": 1.5, "email": []}, "tags": [{}, {"label": None}]},
        {"owner": {}, "tags": [{"label": "x", "weight": "1"}, {"label": 2}]},
    ],
)
def test_structs_report_what_the_dataclasses_report(payload: Any, embed: bool) -> None:
    from_dataclass = errors_of(Thing, payload, embed=embed)
    assert len(from_dataclass) >= 2
    assert errors_of(ThingStruct, payload, embed=embed) == from_dataclass


def test_typeddicts_report_every_nested_error() -> None:
    payload = {"name": 3, "owner": {"age": "x"}, "tags": [{"label": 1}, {}]}
    assert errors_of(ThingDict, payload) == [
        {
            "type": "string_type",
            "loc": ["body", "name"],
            "msg": "Input should be a valid string",
            "input": 3,
        },
        {
            "type": "int_parsing",
            "loc": ["body", "owner", "age"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "x",
        },
        {
            "type": "missing",
            "loc": ["body", "owner", "email"],
            "msg": "Field required",
            "input": {"age": "x"},
        },
        {
            "type": "string_type",
            "loc": ["body", "tags", 0, "label"],
            "msg": "Input should be a valid string",
            "input": 1,
        },
        {
            "type": "missing",
            "loc": ["body", "tags", 1, "label"],
            "msg": "Field required",
            "input": {},
        },
    ]


def test_three_levels_deep_with_dict_values_and_optional_model() -> None:
    payload = {
        "mid": {
            "leaf": {"v": "x", "w": [1, "a", 2, "b"]},
            "leaves": {"k": {"v": 1}, "j": 3},
        },
        "n": "z",
        "opt": {"v": "q", "w": []},
    }
    parse = "Input should be a valid integer, unable to parse string as an integer"
    assert errors_of(Top, payload) == [
        {"type": "int_parsing", "loc": ["body", "mid", "leaf", "v"], "msg": parse, "input": "x"},
        {"type": "int_parsing", "loc": ["body", "mid", "leaf", "w", 1], "msg": parse, "input": "a"},
        {"type": "int_parsing", "loc": ["body", "mid", "leaf", "w", 3], "msg": parse, "input": "b"},
        {
            "type": "missing",
            "loc": ["body", "mid", "leaves", "k", "w"],
            "msg": "Field required",
            "input": {"v": 1},
        },
        {
            "type": "dataclass_type",
            "loc": ["body", "mid", "leaves", "j"],
            "msg": "Input should be a dictionary or an instance of Leaf",
            "input": 3,
            "ctx": {"class_name": "Leaf"},
        },
        {"type": "int_parsing", "loc": ["body", "n"], "msg": parse, "input": "z"},
        {"type": "int_parsing", "loc": ["body", "opt", "v"], "msg": parse, "input": "q"},
    ]


def test_list_body_of_models_reports_each_bad_item() -> None:
    payload = [{"label": 1}, 5, {"label": "x"}, {}]
    assert errors_of(list[Tag], payload) == [
        {
            "type": "string_type",
            "loc": ["body", 0, "label"],
            "msg": "Input should be a valid string",
            "input": 1,
        },
        {
            "type": "dataclass_type",
            "loc": ["body", 1],
            "msg": "Input should be a dictionary or an instance of Tag",
            "input": 5,
            "ctx": {"class_name": "Tag"},
        },
        {"type": "missing", "loc": ["body", 3, "label"], "msg": "Field required", "input": {}},
    ]


def test_renamed_struct_fields_and_unknown_keys_inside_a_list() -> None:
    payload = {"people": [{"firstName": 1, "age": "x", "nick": "n"}, {"age": 3}]}
    assert errors_of(HasStrict, payload) == [
        {
            "type": "string_type",
            "loc": ["body", "people", 0, "firstName"],
            "msg": "Input should be a valid string",
            "input": 1,
        },
        {
            "type": "int_parsing",
            "loc": ["body", "people", 0, "age"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "x",
        },
        {
            "type": "extra_forbidden",
            "loc": ["body", "people", 0, "nick"],
            "msg": "Extra inputs are not permitted",
            "input": "n",
        },
        {
            "type": "missing",
            "loc": ["body", "people", 1, "firstName"],
            "msg": "Field required",
            "input": {"age": 3},
        },
    ]


def test_tuples_sets_dict_keys_and_unions_with_a_model() -> None:
    payload = {"pair": ["q"], "ids": {}, "by_id": {"x": {}, "2": {"label": 5}}, "either": {}}
    assert errors_of(Shapes, payload) == [
        {
            "type": "int_parsing",
            "loc": ["body", "pair", 0],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "q",
        },
        {"type": "missing", "loc": ["body", "pair", 1], "msg": "Field required", "input": ["q"]},
        {"type": "missing", "loc": ["body", "pair", 2], "msg": "Field required", "input": ["q"]},
        {
            "type": "set_type",
            "loc": ["body", "ids"],
            "msg": "Input should be a valid set",
            "input": {},
        },
        {
            "type": "int_parsing",
            "loc": ["body", "by_id", "x", "[key]"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "x",
        },
        {
            "type": "missing",
            "loc": ["body", "by_id", "x", "label"],
            "msg": "Field required",
            "input": {},
        },
        {
            "type": "string_type",
            "loc": ["body", "by_id", "2", "label"],
            "msg": "Input should be a valid string",
            "input": 5,
        },
        {
            "type": "missing",
            "loc": ["body", "either", "Tag", "label"],
            "msg": "Field required",
            "input": {},
        },
        {
            "type": "int_type",
            "loc": ["body", "either", "int"],
            "msg": "Input should be a valid integer",
            "input": {},
        },
    ]


def test_too_long_tuple_is_one_error() -> None:
    payload = {"pair": [1, "a", 2, 3], "ids": [], "by_id": {}, "either": 1}
    assert errors_of(Shapes, payload) == [
        {
            "type": "too_long",
            "loc": ["body", "pair"],
            "msg": "Tuple should have at most 3 items after validation, not 4",
            "input": [1, "a", 2, 3],
            "ctx": {"field_type": "Tuple", "max_length": 3, "actual_length": 4},
        }
    ]


def test_self_referencing_model_reports_errors_at_each_depth() -> None:
    payload = {"value": "a", "children": [{"value": 1, "children": [{"value": "b"}, {}]}]}
    assert [e["loc"] for e in errors_of(Node, payload)] == [
        ["body", "value"],
        ["body", "children", 0, "children", 0, "value"],
        ["body", "children", 0, "children", 1, "value"],
    ]


def test_very_deep_self_referencing_input_is_a_422() -> None:
    depth = 2000
    body = b'{"value":1,"children":[' * depth + b'{"value":"bad"}' + b"]}" * depth
    app = Faster()

    @app.post("/x")
    def deep(b: Node) -> str:
        return "ok"

    with TestClient(app) as client:
        response = client.post("/x", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"]


def test_valid_nested_body_still_decodes() -> None:
    app = Faster()

    @app.post("/x")
    def ok(b: ThingStruct) -> dict[str, Any]:
        return {"age": b.owner.age, "labels": [t.label for t in b.tags]}

    payload = {"name": "a", "owner": {"age": "3", "email": "e"}, "tags": [{"label": "x"}]}
    with TestClient(app) as client:
        assert client.post("/x", json=payload).json() == {"age": 3, "labels": ["x"]}


def test_validation_errors_walks_nested_values() -> None:
    data = {"name": "a", "owner": {"age": "x", "email": 5}, "tags": []}
    try:
        msgspec.convert(data, Thing, strict=False)
    except msgspec.ValidationError as exc:
        found = validation_errors(exc, ["query", "t"], data, Thing)
    else:  # pragma: no cover - the data is invalid
        pytest.fail("no error")
    assert [(e["type"], e["loc"]) for e in found] == [
        ("int_parsing", ["query", "t", "owner", "age"]),
        ("string_type", ["query", "t", "owner", "email"]),
    ]
