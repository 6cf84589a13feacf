"""Schemas in the shape FastAPI serves them: values, and key order where clients diff bytes."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import http
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Generic, Literal, NamedTuple, TypedDict, TypeVar

import msgspec
import pytest
from openapi_spec_validator import validate

from fasterapi_core import Body, EventSourceResponse, Faster, FasterRouter, Header, Query
from fasterapi_core._openapi.schema import SchemaGenerator, model_order
from fasterapi_core.openapi import BodySpec, OperationSpec, ParamSpec, get_openapi


@dataclasses.dataclass
class FakeParam:
    description: str | None = None
    deprecated: bool | None = None
    examples: list[Any] | None = None
    openapi_examples: dict[str, Any] | None = None
    title: str | None = None
    gt: float | None = None
    le: float | None = None


T = TypeVar("T")


class Size(enum.Enum):
    SMALL = "s"
    LARGE = "l"
    MEDIUM = "m"


@dataclasses.dataclass
class Point:
    x: int = 0
    note: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    kind: Literal["b", "a"] = "b"


class Box(msgspec.Struct):
    items: list[int] = []
    label: str | None = None


def doc(*ops: OperationSpec) -> dict[str, Any]:
    out = get_openapi(title="T", version="1", operations=ops)
    validate(json.loads(json.dumps(out)))
    return out


def gen() -> SchemaGenerator:
    return SchemaGenerator(lambda tp, output: {}, "#/components/schemas/")


def test_enum_and_literal_keep_declaration_order() -> None:
    g = gen()
    assert g.schema(Size) == {"$ref": "#/components/schemas/Size"}
    assert g.components()["Size"] == {"type": "string", "enum": ["s", "l", "m"], "title": "Size"}
    assert g.schema(Literal["z", "a"], param=True) == {"enum": ["z", "a"], "type": "string"}
    assert g.schema(Literal["z", "a"]) == {"type": "string", "enum": ["z", "a"]}
    assert g.schema(Literal[3]) == {"type": "integer", "const": 3}
    assert g.schema(Literal[True]) == {"type": "boolean", "const": True}


def test_dates_decimal_and_bytes() -> None:
    g = gen()
    assert g.schema(datetime.datetime) == {"type": "string", "format": "date-time"}
    assert g.schema(datetime.time | None) == {
        "anyOf": [{"type": "string", "format": "time"}, {"type": "null"}]
    }
    assert g.schema(decimal.Decimal) == {"anyOf": [{"type": "number"}, {"type": "string"}]}
    assert g.schema(decimal.Decimal, output=True) == {"type": "string"}
    assert g.schema(bytes) == {"type": "string", "contentMediaType": "application/octet-stream"}
    assert g.schema(dict[str, Any]) == {"additionalProperties": True, "type": "object"}
    assert g.schema(tuple[int, str]) == {
        "prefixItems": [{"type": "integer"}, {"type": "string"}],
        "type": "array",
        "maxItems": 2,
        "minItems": 2,
    }


def test_component_properties_as_fastapi() -> None:
    g = gen()
    g.schema(Point)
    g.schema(Box)
    components = g.components()
    point = components["Point"]
    assert "required" not in point  # every field has a default
    assert point["properties"] == {
        "x": {"type": "integer", "title": "X", "default": 0},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Note"},
        "tags": {"items": {"type": "string"}, "type": "array", "title": "Tags"},
        "kind": {"type": "string", "enum": ["b", "a"], "title": "Kind", "default": "b"},
    }
    assert list(point["properties"]["tags"]) == ["items", "type", "title"]
    # A Struct's `= []` is a factory inside msgspec; it is documented as the default it is.
    assert components["Box"]["properties"]["items"]["default"] == []


def test_model_order_sorts_keys_and_makes_bounds_floats() -> None:
    ordered = model_order({"title": "T", "maximum": 3, "type": "integer", "x-extra": 1})
    assert list(ordered) == ["type", "maximum", "title", "x-extra"]
    assert ordered["maximum"] == 3.0
    assert isinstance(ordered["maximum"], float)


def test_parameter_keys_in_fastapi_order() -> None:
    info = FakeParam(description="d", deprecated=True, examples=["a"])
    spec = OperationSpec(
        "/p",
        ["GET"],
        "p",
        params=[ParamSpec("q", "query", str | None, required=False, default="x", param=info)],
    )
    param = doc(spec)["paths"]["/p"]["get"]["parameters"][0]
    assert list(param) == ["name", "in", "required", "schema", "description", "deprecated"]
    assert list(param["schema"]) == [
        "anyOf",
        "description",
        "deprecated",
        "examples",
        "default",
        "title",
    ]
    assert param["schema"]["deprecated"] is True


def test_body_field_keys_in_model_order_and_examples() -> None:
    info = FakeParam(description="d", gt=1, openapi_examples={"one": {"value": 2}})
    spec = OperationSpec(
        "/b",
        ["POST"],
        "b",
        body=BodySpec([ParamSpec("n", "body", int, required=False, default=2, param=info)]),
    )
    body = doc(spec)["paths"]["/b"]["post"]["requestBody"]
    media = body["content"]["application/json"]
    assert media["examples"] == {"one": {"value": 2}}
    assert media["schema"] == {
        "type": "integer",
        "exclusiveMinimum": 1.0,
        "title": "N",
        "description": "d",
        "default": 2,
    }
    assert list(media["schema"]) == ["type", "exclusiveMinimum", "title", "description", "default"]


def test_optional_model_body_is_titled() -> None:
    spec = OperationSpec(
        "/o",
        ["POST"],
        "o",
        body=BodySpec([ParamSpec("item", "body", Point | None, required=False)]),
    )
    schema = doc(spec)["paths"]["/o"]["post"]["requestBody"]["content"]["application/json"]
    assert schema["schema"] == {
        "anyOf": [{"$ref": "#/components/schemas/Point"}, {"type": "null"}],
        "title": "Item",
    }


def test_multi_method_route_shares_one_operation_id() -> None:
    spec = OperationSpec("/r", ["PUT", "GET"], "rt")
    # FastAPI gives every method of a route the same id (and warns); so do we, unvalidated.
    item = get_openapi(title="T", version="1", operations=[spec])["paths"]["/r"]
    assert item["get"]["operationId"] == item["put"]["operationId"] == "rt_r_get"


def test_http_status_keys_are_numbers() -> None:
    spec = OperationSpec(
        "/s",
        ["POST"],
        "s",
        status_code=http.HTTPStatus.ACCEPTED,
        responses={http.HTTPStatus.NOT_FOUND: {"description": "nf"}},
    )
    responses = doc(spec)["paths"]["/s"]["post"]["responses"]
    assert list(responses) == ["202", "404"]


def test_callback_specs_are_documented() -> None:
    callback = OperationSpec(
        "{$callback_url}/events",
        ["POST"],
        "notify",
        body=BodySpec([ParamSpec("event", "body", Point)]),
    )
    spec = OperationSpec("/sub", ["POST"], "sub", callbacks=[callback])
    out = doc(spec)
    op = out["paths"]["/sub"]["post"]["callbacks"]["notify"]["{$callback_url}/events"]["post"]
    assert op["operationId"] == "notify__callback_url__events_post"
    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Point"
    }
    assert "Point" in out["components"]["schemas"]


class Level(enum.IntEnum):
    """How much."""

    LOW = 1
    HIGH = 2


class Pair(NamedTuple):
    left: int
    right: str = "r"


class Movie(TypedDict):
    title: str
    year: int


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    """A strict struct."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=5, pattern="^a")]
    level: Level = Level.LOW
    when: datetime.date = datetime.date(2020, 1, 2)
    tags: frozenset[str] = frozenset()


class Wrapper(msgspec.Struct, Generic[T]):
    value: T


class Opaque:
    """A class msgspec cannot describe: the hook decides."""


def test_more_types_and_components() -> None:
    hooked: list[Any] = []

    def hook(tp: Any, output: bool) -> dict[str, Any]:
        hooked.append(tp)
        return {"type": "string", "format": "opaque"}

    g = SchemaGenerator(hook, "#/c/")
    assert g.schema(Opaque) == {"type": "string", "format": "opaque"}
    assert hooked == [Opaque]
    assert g.schema(Level) == {"$ref": "#/c/Level"}
    assert g.schema(Pair) == {"$ref": "#/c/Pair"}
    assert g.schema(Movie) == {"$ref": "#/c/Movie"}
    assert g.schema(Strict) == {"$ref": "#/c/Strict"}
    assert g.schema(Wrapper[int]) == {"$ref": "#/c/Wrapper_int_"}
    assert g.schema(set[int], param=True) == {
        "type": "array",
        "items": {"type": "integer"},
        "uniqueItems": True,
    }
    assert g.schema(Annotated[bytes, msgspec.Meta(max_length=4)]) == {
        "type": "string",
        "maxLength": 4,
        "contentMediaType": "application/octet-stream",
    }
    assert g.schema(Annotated[dict[str, int], msgspec.Meta(min_length=1)], param=True) == {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "minProperties": 1,
    }
    assert g.schema(Annotated[float, msgspec.Meta(ge=0, lt=1, title="F")]) == {
        "type": "number",
        "exclusiveMaximum": 1.0,
        "minimum": 0.0,
        "title": "F",
    }
    assert g.schema(tuple[()]) == {"type": "array", "maxItems": 0, "minItems": 0}
    assert g.schema(msgspec.msgpack.Ext) == {}  # no JSON form: any value
    assert g.schema(bool | None) == {"anyOf": [{"type": "boolean"}, {"type": "null"}]}
    assert g.schema(Any) == {}
    components = g.components()
    assert components["Level"] == {
        "type": "integer",
        "enum": [1, 2],
        "title": "Level",
        "description": "How much.",
    }
    assert components["Pair"] == {
        "prefixItems": [
            {"type": "integer", "title": "Left"},
            {"type": "string", "title": "Right", "default": "r"},
        ],
        "type": "array",
        "maxItems": 2,
        "minItems": 1,
        "title": "Pair",
    }
    assert components["Movie"]["required"] == ["title", "year"]
    strict = components["Strict"]
    assert strict["additionalProperties"] is False
    assert strict["description"] == "A strict struct."
    assert strict["properties"]["name"] == {
        "type": "string",
        "maxLength": 5,
        "minLength": 1,
        "pattern": "^a",
        "title": "Name",
    }
    assert strict["properties"]["level"] == {"$ref": "#/c/Level", "default": 1}
    assert strict["properties"]["when"]["default"] == "2020-01-02"
    assert strict["properties"]["tags"]["default"] == []
    assert components["Wrapper_int_"]["properties"]["value"] == {
        "type": "integer",
        "title": "Value",
    }


def test_same_name_classes_get_distinct_components() -> None:
    def make() -> type[enum.Enum]:
        class Shade(enum.Enum):
            A = "a"

        return Shade

    g = gen()
    refs = [g.schema(make())["$ref"] for _ in range(3)]
    assert len(set(refs)) == 3
    assert refs[0] == "#/components/schemas/Shade"
    assert len(g.components()) == 3


def test_unhashable_annotation_is_rendered_uncached() -> None:
    unhashable = Annotated[int, msgspec.Meta(extra_json_schema={"x-list": [1]})]
    g = gen()
    g.prepare([unhashable, int])
    assert g.schema(unhashable) == {"type": "integer", "x-list": [1]}
    assert g.schema(int) == {"type": "integer"}


def test_literal_order_is_found_through_an_unresolvable_class() -> None:
    @dataclasses.dataclass
    class Later:
        kind: Literal["y", "x"]
        other: Undefined  # type: ignore[name-defined]  # noqa: F821

    g = gen()
    try:
        g.schema(Later)
    except NameError:  # msgspec itself needs the annotation; nothing to document then
        return
    # msgspec resolved it; the Literal keeps msgspec's order when hints cannot be read
    kind = g.components()["Later"]["properties"]["kind"]
    assert sorted(kind["enum"]) == ["x", "y"]


def test_streamed_responses_document_their_items() -> None:
    lines = OperationSpec(
        "/lines", ["GET"], "lines", stream_media_type="application/jsonl", stream_item=Point
    )
    raw = OperationSpec(
        "/raw", ["GET"], "raw", stream_media_type="application/jsonl", stream_item=dict[str, Any]
    )
    untyped = OperationSpec("/any", ["GET"], "untyped", stream_media_type="application/jsonl")
    events = OperationSpec(
        "/events", ["GET"], "events", stream_media_type="text/event-stream", stream_item=Point
    )
    bare_events = OperationSpec("/bare", ["GET"], "bare", stream_media_type="text/event-stream")
    # `itemSchema` is OpenAPI 3.2 (FastAPI writes it into its 3.1 documents): not validated here.
    operations = [lines, raw, untyped, events, bare_events]
    paths = get_openapi(title="T", version="1", operations=operations)["paths"]

    def content(path: str) -> Any:
        return paths[path]["get"]["responses"]["200"]["content"]

    assert content("/lines") == {
        "application/jsonl": {"itemSchema": {"$ref": "#/components/schemas/Point"}}
    }
    assert content("/raw") == {
        "application/jsonl": {
            "itemSchema": {
                "type": "object",
                "additionalProperties": True,
                "title": "Streamitem Raw Raw Get",
            }
        }
    }
    assert content("/any") == {"application/jsonl": {"itemSchema": {}}}
    event = content("/events")["text/event-stream"]["itemSchema"]
    assert event["required"] == ["data"]
    assert event["properties"]["data"] == {
        "type": "string",
        "contentMediaType": "application/json",
        "contentSchema": {"$ref": "#/components/schemas/Point"},
    }
    bare = content("/bare")["text/event-stream"]["itemSchema"]
    assert "required" not in bare
    assert bare["properties"]["retry"] == {"type": "integer", "minimum": 0}


@dataclasses.dataclass
class Priced:
    name: str
    price: decimal.Decimal = decimal.Decimal("1.5")


@dataclasses.dataclass
class Order:
    lines: list[Priced]
    point: Point | None = None


def test_input_and_output_schemas_that_differ_are_two_components() -> None:
    spec = OperationSpec(
        "/orders",
        ["POST"],
        "order",
        body=BodySpec([ParamSpec("order", "body", Order)]),
        response_model=Order,
    )
    only_out = OperationSpec("/priced", ["GET"], "priced", response_model=Priced)
    out = doc(spec, only_out)
    op = out["paths"]["/orders"]["post"]
    body_ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    response_ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref == "#/components/schemas/Order-Input"
    assert response_ref == "#/components/schemas/Order-Output"
    schemas = out["components"]["schemas"]
    assert "Order" not in schemas
    assert "Point" in schemas  # no Decimal inside: one component for both sides
    assert "Point-Input" not in schemas
    assert schemas["Priced-Input"]["properties"]["price"] == {
        "anyOf": [{"type": "number"}, {"type": "string"}],
        "title": "Price",
        "default": "1.5",
    }
    assert schemas["Priced-Output"]["properties"]["price"] == {
        "type": "string",
        "title": "Price",
        "default": "1.5",
    }
    assert schemas["Priced-Output"]["title"] == "Priced"
    assert schemas["Order-Input"]["properties"]["lines"]["items"] == {
        "$ref": "#/components/schemas/Priced-Input"
    }
    priced = out["paths"]["/priced"]["get"]["responses"]["200"]["content"]["application/json"]
    assert priced["schema"] == {"$ref": "#/components/schemas/Priced-Output"}


def test_pydantic_model_used_both_ways_is_split_by_pydantic() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Money(pydantic.BaseModel):  # type: ignore[misc,name-defined]
        amount: decimal.Decimal
        note: str | None = None

    spec = OperationSpec(
        "/m",
        ["POST"],
        "m",
        body=BodySpec([ParamSpec("money", "body", Money)]),
        response_model=Money,
    )
    out = doc(spec)
    schemas = out["components"]["schemas"]
    assert schemas["Money-Input"]["properties"]["amount"]["anyOf"] == [
        {"type": "number"},
        {"type": "string"},
    ]
    assert schemas["Money-Output"]["properties"]["amount"]["type"] == "string"
    assert "default" not in schemas["Money-Input"]["properties"]["note"]


def test_path_items_with_parameters_keep_the_built_key_order() -> None:
    """FastAPI serves a path item through its OpenAPI models (their key order) unless an
    operation has parameters or external docs: those it serves as built."""
    body = BodySpec([ParamSpec("point", "body", Point)])
    plain = OperationSpec("/plain", ["POST"], "plain", deprecated=True, body=body)
    with_query = OperationSpec(
        "/query",
        ["POST"],
        "query",
        deprecated=True,
        body=body,
        params=[ParamSpec("q", "query", int)],
        response_model=dict[str, int],
    )
    paths = doc(plain, with_query)["paths"]
    modeled = paths["/plain"]["post"]
    assert list(modeled) == ["summary", "operationId", "requestBody", "responses", "deprecated"]
    assert list(modeled["requestBody"]) == ["content", "required"]
    built = paths["/query"]["post"]
    assert list(built) == [
        "summary",
        "operationId",
        "deprecated",
        "parameters",
        "requestBody",
        "responses",
    ]
    assert list(built["requestBody"]) == ["required", "content"]
    schema = built["responses"]["200"]["content"]["application/json"]["schema"]
    assert list(schema) == ["type", "additionalProperties", "title"]


def test_union_msgspec_rejects_is_described_member_by_member() -> None:
    @dataclasses.dataclass
    class Left:
        a: int

    @dataclasses.dataclass
    class Right:
        b: str

    g = gen()
    assert g.schema(Left | Right | None) == {
        "anyOf": [
            {"$ref": "#/components/schemas/Left"},
            {"$ref": "#/components/schemas/Right"},
            {"type": "null"},
        ]
    }
    assert g.schema(list[Left | Right]) == {}  # inside a container: any value
    assert set(g.components()) == {"Left", "Right"}


@pytest.mark.filterwarnings("ignore:`example` has been deprecated")
def test_app_header_alias_and_deprecated_example() -> None:
    app = Faster()

    @app.get("/h")
    def h(
        custom: Annotated[str, Header(alias="X-Custom")],
        q: Annotated[str | None, Query(example="x")] = None,
    ) -> int:
        return 1

    @app.post("/b")
    def b(n: Annotated[int, Body(example=3)]) -> int:
        return n

    paths = app.openapi()["paths"]
    params = paths["/h"]["get"]["parameters"]
    assert params[0]["name"] == "q"
    assert params[0]["example"] == "x"
    assert params[1]["name"] == "X-Custom"  # as written; matched case-insensitively
    media = paths["/b"]["post"]["requestBody"]["content"]["application/json"]
    assert media["example"] == 3


async def _items() -> AsyncIterator[Point]:
    yield Point()


def test_app_streams_and_callbacks_are_documented() -> None:
    app = Faster()
    callbacks = FasterRouter()

    @callbacks.post("{$callback_url}/done")
    def done(body: Point) -> None: ...

    @app.post("/jobs", callbacks=callbacks.routes)
    def jobs(callback_url: str, x_trace: Annotated[str | None, Header()] = None) -> int:
        return 1

    @app.get("/lines")
    async def lines() -> AsyncIterator[Point]:
        async for item in _items():
            yield item

    @app.get("/events", response_class=EventSourceResponse)
    async def events() -> AsyncIterator[Point]:
        async for item in _items():
            yield item

    paths = app.openapi()["paths"]
    job = paths["/jobs"]["post"]
    assert [p["name"] for p in job["parameters"]] == ["callback_url", "x-trace"]
    callback = job["callbacks"]["done"]["{$callback_url}/done"]["post"]
    assert callback["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Point"
    }
    assert paths["/lines"]["get"]["responses"]["200"]["content"] == {
        "application/jsonl": {"itemSchema": {"$ref": "#/components/schemas/Point"}}
    }
    event = paths["/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]
    assert event["itemSchema"]["properties"]["data"]["contentSchema"] == {
        "$ref": "#/components/schemas/Point"
    }


def test_without_separate_schemas_the_input_schema_is_used_everywhere() -> None:
    spec = OperationSpec(
        "/p",
        ["POST"],
        "p",
        body=BodySpec([ParamSpec("priced", "body", Priced)]),
        response_model=Priced,
    )
    out = get_openapi(
        title="T", version="1", operations=[spec], separate_input_output_schemas=False
    )
    schemas = out["components"]["schemas"]
    assert "Priced-Input" not in schemas
    assert schemas["Priced"]["properties"]["price"]["anyOf"] == [
        {"type": "number"},
        {"type": "string"},
    ]
    response = out["paths"]["/p"]["post"]["responses"]["200"]["content"]["application/json"]
    assert response["schema"] == {"$ref": "#/components/schemas/Priced"}
