"""The OpenAPI builder on hand-made `OperationSpec`s: FastAPI's shapes, valid OpenAPI 3.1."""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
import pytest
from openapi_spec_validator import validate

from fasterapi_core.forms import UploadFile
from fasterapi_core.openapi import BodySpec, OperationSpec, ParamSpec, get_openapi


@dataclass
class FakeParam:
    """Stands in for the app's Param objects: the builder only reads attributes."""

    title: str | None = None
    description: str | None = None
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    multiple_of: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    deprecated: bool | None = None
    include_in_schema: bool = True
    examples: list[Any] | None = None
    openapi_examples: dict[str, Any] | None = None
    media_type: str = "application/json"


def File(**kw: Any) -> FakeParam:
    return FakeParam(media_type="multipart/form-data", **kw)


class Item(msgspec.Struct):
    """An item for sale."""

    name: str
    unit_price: float = 1.0


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Tag(enum.Enum):
    ITEMS = "items"


def doc(*ops: OperationSpec, **kw: Any) -> dict[str, Any]:
    out = get_openapi(title="T", version="1.0", operations=ops, **kw)
    validate(json.loads(json.dumps(out)))  # plain JSON, valid OpenAPI 3.1
    return out


def test_minimal_document() -> None:
    out = doc()
    assert out == {"openapi": "3.1.0", "info": {"title": "T", "version": "1.0"}, "paths": {}}


def test_info_fields_and_top_level() -> None:
    out = doc(
        summary="S",
        description="D",
        terms_of_service="https://x.test/tos",
        contact={"name": "me"},
        license_info={"name": "MIT", "identifier": "MIT"},
        servers=[{"url": "https://api.test"}],
        tags=[{"name": "items", "description": "Items"}],
        external_docs={"url": "https://docs.test"},
    )
    assert out["info"] == {
        "title": "T",
        "summary": "S",
        "description": "D",
        "termsOfService": "https://x.test/tos",
        "contact": {"name": "me"},
        "license": {"name": "MIT", "identifier": "MIT"},
        "version": "1.0",
    }
    assert out["servers"] == [{"url": "https://api.test"}]
    assert out["tags"] == [{"name": "items", "description": "Items"}]
    assert out["externalDocs"] == {"url": "https://docs.test"}


def test_get_operation_like_fastapi() -> None:
    spec = OperationSpec(
        path="/items/{item_id}",
        methods=["GET"],
        name="read_item",
        docstring="""Read one item.

        More words.\fhidden from the docs""",
        tags=[Tag.ITEMS, "x"],
        params=[
            ParamSpec("item_id", "path", int),
            ParamSpec("q", "query", str | None, required=False, default=None),
            ParamSpec(
                "lim-it",
                "query",
                int,
                required=False,
                default=10,
                param=FakeParam(gt=0, le=100, description="lim"),
            ),
            ParamSpec("x-token", "header", str, required=False, default="a"),
            ParamSpec("session", "cookie", str, required=False, default=None),
        ],
    )
    op = doc(spec)["paths"]["/items/{item_id}"]["get"]
    assert op["summary"] == "Read Item"
    assert op["description"] == "Read one item.\n\nMore words."
    assert op["operationId"] == "read_item_items__item_id__get"
    assert op["tags"] == ["items", "x"]
    assert op["parameters"] == [
        {
            "name": "item_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "title": "Item Id"},
        },
        {
            "name": "q",
            "in": "query",
            "required": False,
            "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Q"},
        },
        {
            "name": "lim-it",
            "in": "query",
            "required": False,
            "schema": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "description": "lim",
                "default": 10,
                "title": "Lim-It",
            },
            "description": "lim",
        },
        {
            "name": "x-token",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "default": "a", "title": "X-Token"},
        },
        {
            "name": "session",
            "in": "cookie",
            "required": False,
            "schema": {"type": "string", "title": "Session"},
        },
    ]
    assert op["responses"]["200"] == {
        "description": "Successful Response",
        "content": {"application/json": {"schema": {}}},
    }
    assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HTTPValidationError"
    }


def test_validation_components_match_fastapi() -> None:
    out = doc(OperationSpec("/a/{x}", ["GET"], "a", params=[ParamSpec("x", "path", int)]))
    schemas = out["components"]["schemas"]
    assert schemas["HTTPValidationError"] == {
        "properties": {
            "detail": {
                "items": {"$ref": "#/components/schemas/ValidationError"},
                "type": "array",
                "title": "Detail",
            }
        },
        "type": "object",
        "title": "HTTPValidationError",
    }
    assert schemas["ValidationError"]["required"] == ["loc", "msg", "type"]
    assert schemas["ValidationError"]["properties"]["type"] == {
        "type": "string",
        "title": "Error Type",
    }


def test_no_422_without_inputs_or_when_overridden() -> None:
    plain = OperationSpec("/", ["GET"], "root")
    custom = OperationSpec(
        "/c/{x}",
        ["GET"],
        "c",
        params=[ParamSpec("x", "path", int)],
        responses={422: {"description": "Nope"}},
    )
    out = doc(plain, custom)
    assert set(out["paths"]["/"]["get"]["responses"]) == {"200"}
    assert out["paths"]["/c/{x}"]["get"]["responses"]["422"] == {"description": "Nope"}
    assert "components" not in out


def test_json_body_single_and_embedded() -> None:
    single = OperationSpec(
        "/items/",
        ["POST"],
        "create",
        status_code=201,
        response_model=Item,
        body=BodySpec([ParamSpec("item", "body", Item)]),
    )
    two = OperationSpec(
        "/two",
        ["POST"],
        "two",
        body=BodySpec(
            [ParamSpec("item", "body", Item), ParamSpec("n", "body", int, param=FakeParam(ge=1))]
        ),
    )
    out = doc(single, two)
    op = out["paths"]["/items/"]["post"]
    assert op["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
        "required": True,
    }
    assert op["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Item"
    }
    schemas = out["components"]["schemas"]
    assert schemas["Item"]["properties"]["unit_price"] == {
        "type": "number",
        "default": 1.0,
        "title": "Unit Price",
    }
    assert schemas["Item"]["description"] == "An item for sale."
    assert out["paths"]["/two"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Body_two_two_post"
    }
    assert schemas["Body_two_two_post"] == {
        "properties": {
            "item": {"$ref": "#/components/schemas/Item"},
            "n": {"type": "integer", "minimum": 1, "title": "N"},
        },
        "type": "object",
        "required": ["item", "n"],
        "title": "Body_two_two_post",
    }
    assert list(schemas) == sorted(schemas)


def test_optional_body_is_not_required() -> None:
    op = doc(
        OperationSpec(
            "/o",
            ["PUT"],
            "o",
            body=BodySpec([ParamSpec("item", "body", Item | None, required=False)]),
        )
    )["paths"]["/o"]["put"]
    assert "required" not in op["requestBody"]


def test_form_and_file_bodies() -> None:
    form = OperationSpec(
        "/form",
        ["POST"],
        "form",
        body=BodySpec(
            [
                ParamSpec(
                    "u",
                    "body",
                    str,
                    param=FakeParam(min_length=2, media_type="application/x-www-form-urlencoded"),
                ),
            ],
            embed=True,
            media_type="application/x-www-form-urlencoded",
        ),
    )
    upload = OperationSpec(
        "/upload",
        ["POST"],
        "upload",
        body=BodySpec(
            [
                ParamSpec("u", "body", str),
                ParamSpec("f", "body", UploadFile, param=File()),
                ParamSpec("b", "body", list[bytes], param=File()),
                ParamSpec("maybe", "body", bytes | None, required=False, param=File()),
                ParamSpec("hidden", "body", str, param=FakeParam(include_in_schema=False)),
            ],
            embed=True,
            media_type="multipart/form-data",
        ),
    )
    out = doc(form, upload)
    assert out["paths"]["/form"]["post"]["requestBody"]["content"] == {
        "application/x-www-form-urlencoded": {
            "schema": {"$ref": "#/components/schemas/Body_form_form_post"}
        }
    }
    schemas = out["components"]["schemas"]
    assert schemas["Body_form_form_post"]["properties"]["u"] == {
        "type": "string",
        "minLength": 2,
        "title": "U",
    }
    binary = {"type": "string", "contentMediaType": "application/octet-stream"}
    body = schemas["Body_upload_upload_post"]
    assert body["properties"]["f"] == {**binary, "title": "F"}
    assert body["properties"]["b"] == {"type": "array", "items": binary, "title": "B"}
    assert body["properties"]["maybe"]["anyOf"][0] == binary
    assert "hidden" not in body["properties"]
    assert body["required"] == ["u", "f", "b"]


def test_responses_extra_models_ranges_and_media_types() -> None:
    class Message(msgspec.Struct):
        message: str

    spec = OperationSpec(
        "/r",
        ["GET"],
        "r",
        responses={
            404: {"model": Message, "description": "Not here"},
            "4XX": {"description": "Client trouble"},
            "default": {"model": Message},
            200: {"content": {"image/png": {}}},
            418: {},
        },
    )
    html = OperationSpec("/h", ["GET"], "h", response_media_type="text/html")
    bare = OperationSpec("/b", ["GET"], "b", response_media_type=None)
    empty = OperationSpec("/e", ["DELETE"], "e", status_code=204)
    out = doc(spec, html, bare, empty)
    responses = out["paths"]["/r"]["get"]["responses"]
    assert responses["404"] == {
        "description": "Not here",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}},
    }
    assert responses["4XX"] == {"description": "Client trouble"}
    assert responses["default"]["description"] == "Default Response"
    assert responses["200"]["content"] == {"application/json": {"schema": {}}, "image/png": {}}
    assert responses["200"]["description"] == "Successful Response"
    assert responses["418"] == {"description": "I'm a Teapot"} or responses["418"]["description"]
    assert out["paths"]["/h"]["get"]["responses"]["200"]["content"] == {
        "text/html": {"schema": {"type": "string"}}
    }
    assert out["paths"]["/b"]["get"]["responses"]["200"] == {"description": "Successful Response"}
    assert out["paths"]["/e"]["delete"]["responses"] == {
        "204": {"description": "Successful Response"}
    }


def test_operation_metadata() -> None:
    spec = OperationSpec(
        "/m/{id:int}",
        ["POST"],
        "m",
        summary="Custom",
        description="Overrides the docstring",
        docstring="ignored",
        deprecated=True,
        params=[
            ParamSpec("id", "path", int),
            ParamSpec("old", "query", int, required=False, param=FakeParam(deprecated=True)),
        ],
        security=[{"bearer": []}],
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        openapi_extra={
            "x-extra": 1,
            "responses": {"200": {"headers": {"X-A": {"schema": {"type": "string"}}}}},
        },
        callbacks={"cb": {}},
        external_docs={"url": "https://x.test"},
    )
    out = doc(spec)
    item = out["paths"]["/m/{id}"]
    assert set(item) == {"post"}
    op = item["post"]
    assert op["summary"] == "Custom"
    assert op["description"] == "Overrides the docstring"
    assert op["deprecated"] is True
    assert op["operationId"] == "m_m__id_int__post"
    # With parameters, FastAPI serves the operation in the order it built it.
    assert list(op)[:4] == ["summary", "description", "operationId", "deprecated"]
    assert op["parameters"][1]["deprecated"] is True
    assert op["security"] == [{"bearer": []}]
    assert op["x-extra"] == 1
    assert op["responses"]["200"]["headers"] == {"X-A": {"schema": {"type": "string"}}}
    assert op["responses"]["200"]["description"] == "Successful Response"
    assert op["callbacks"] == {"cb": {}}
    assert out["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}


def test_explicit_ids_and_hidden_things() -> None:
    a = OperationSpec(
        "/a",
        ["GET", "PUT"],
        "a",
        operation_id="getA",
        body=BodySpec([ParamSpec("x", "body", int), ParamSpec("y", "body", int)]),
    )
    b = OperationSpec(
        "/b",
        ["POST"],
        "b",
        unique_id="custom_b",
        body=BodySpec([ParamSpec("x", "body", int)], embed=True),
    )
    hidden = OperationSpec("/hidden", ["GET"], "hidden", include_in_schema=False)
    hidden_param = OperationSpec(
        "/hp",
        ["GET"],
        "hp",
        params=[ParamSpec("s", "query", str, param=FakeParam(include_in_schema=False))],
    )
    out = get_openapi(title="T", version="1", operations=[a, hidden, hidden_param], routes=[b])
    assert out["paths"]["/a"]["get"]["operationId"] == "getA"
    assert out["paths"]["/b"]["post"]["operationId"] == "custom_b"
    assert "Body_custom_b" in out["components"]["schemas"]
    assert "/hidden" not in out["paths"]
    assert "parameters" not in out["paths"]["/hp"]["get"]
    # FastAPI still documents the 422: the hidden parameter is validated all the same.
    assert "422" in out["paths"]["/hp"]["get"]["responses"]


class _Route:
    def __init__(self, spec: OperationSpec | list[OperationSpec] | None) -> None:
        self._spec = spec

    def operation_spec(self) -> OperationSpec | list[OperationSpec] | None:
        return self._spec


def test_routes_keyword_and_webhooks() -> None:
    routes = [
        _Route(OperationSpec("/one", ["GET"], "one")),
        _Route([OperationSpec("/two", ["GET"], "two")]),
        _Route(None),
        object(),  # a mount or anything without operation_spec(): skipped
    ]
    hook = OperationSpec(
        "new-subscription",
        ["POST"],
        "new_subscription",
        body=BodySpec([ParamSpec("item", "body", Item)]),
    )
    out = get_openapi(title="T", version="1", routes=routes, webhooks=[_Route(hook)])
    validate(out)
    assert set(out["paths"]) == {"/one", "/two"}
    assert out["webhooks"]["new-subscription"]["post"]["requestBody"]["required"] is True


def test_enum_constraints_examples_and_arrays() -> None:
    spec = OperationSpec(
        "/e",
        ["GET"],
        "e",
        params=[
            ParamSpec("color", "query", Color, required=False, default=Color.RED),
            ParamSpec(
                "tags",
                "query",
                list[str],
                required=False,
                default=["a"],
                param=FakeParam(min_length=1, max_length=3),
            ),
            ParamSpec(
                "code",
                "query",
                str,
                param=FakeParam(
                    pattern="^[a-z]+$",
                    title="The Code",
                    examples=["abc"],
                    openapi_examples={"a": {"value": "abc"}},
                ),
            ),
            ParamSpec(
                "n",
                "query",
                Annotated[int, msgspec.Meta(ge=0)],
                param=FakeParam(multiple_of=2, lt=10),
            ),
            ParamSpec("n", "query", int),  # duplicate (name, in): first wins
        ],
    )
    out = doc(spec)
    params = out["paths"]["/e"]["get"]["parameters"]
    assert params[0]["schema"] == {"$ref": "#/components/schemas/Color", "default": "red"}
    # Definition order, as FastAPI (msgspec would sort the values), with the JSON type.
    assert out["components"]["schemas"]["Color"] == {
        "type": "string",
        "enum": ["red", "blue"],
        "title": "Color",
    }
    assert params[1]["schema"] == {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 1,
        "maxItems": 3,
        "default": ["a"],
        "title": "Tags",
    }
    assert params[2]["schema"] == {
        "type": "string",
        "pattern": "^[a-z]+$",
        "examples": ["abc"],
        "title": "The Code",
    }
    assert params[2]["examples"] == {"a": {"value": "abc"}}
    assert params[3]["schema"] == {
        "type": "integer",
        "minimum": 0,
        "multipleOf": 2,
        "exclusiveMaximum": 10,
        "title": "N",
    }
    assert len(params) == 4


def test_unknown_types_render_as_any() -> None:
    class Opaque:
        pass

    spec = OperationSpec(
        "/u", ["GET"], "u", params=[ParamSpec("x", "query", str)], response_model=Opaque
    )
    out = doc(spec)
    schema = out["paths"]["/u"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"title": "Response U U Get"}  # any value, titled as FastAPI does


def test_pydantic_models_are_components() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Inner(pydantic.BaseModel):  # type: ignore[name-defined,misc]
        x: int

    class Outer(pydantic.BaseModel):  # type: ignore[name-defined,misc]
        inner: Inner

    out = doc(OperationSpec("/p", ["GET"], "p", response_model=Outer))
    assert out["paths"]["/p"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/Outer"}
    assert out["components"]["schemas"]["Outer"]["properties"]["inner"] == {
        "$ref": "#/components/schemas/Inner"
    }
    assert "Inner" in out["components"]["schemas"]


def test_documents_do_not_share_mutable_state() -> None:
    spec = OperationSpec("/a/{x}", ["GET"], "a", params=[ParamSpec("x", "path", int)])
    first = get_openapi(title="T", version="1", operations=[spec])
    first["components"]["schemas"]["ValidationError"]["title"] = "changed"
    first["paths"]["/a/{x}"]["get"]["responses"]["422"]["description"] = "changed"
    second = get_openapi(title="T", version="1", operations=[spec])
    assert second["components"]["schemas"]["ValidationError"]["title"] == "ValidationError"
    assert second["paths"]["/a/{x}"]["get"]["responses"]["422"]["description"] == "Validation Error"


def test_same_named_types_do_not_break_the_document() -> None:
    def make() -> type[enum.Enum]:
        class Shade(enum.Enum):
            A = "a"

        return Shade

    first, second = make(), make()  # two classes, one name: msgspec cannot tell them apart
    spec = OperationSpec(
        "/s",
        ["GET"],
        "s",
        params=[ParamSpec("a", "query", first), ParamSpec("b", "query", second)],
    )
    out = doc(spec)
    params = out["paths"]["/s"]["get"]["parameters"]
    first_ref, second_ref = (p["schema"]["$ref"] for p in params)
    assert first_ref == "#/components/schemas/Shade"
    assert second_ref != first_ref  # the second class is qualified by its module
    schemas = out["components"]["schemas"]
    assert schemas["Shade"]["enum"] == schemas[second_ref.rsplit("/", 1)[1]]["enum"] == ["a"]


def test_constraints_of_optional_fields_go_inside_the_non_null_branch() -> None:
    @dataclass
    class Extra(FakeParam):
        json_schema_extra: dict[str, Any] | None = None

    spec = OperationSpec(
        "/o",
        ["GET"],
        "o",
        params=[
            ParamSpec(
                "s",
                "query",
                str | None,
                required=False,
                param=FakeParam(pattern="^a$", description="d"),
            ),
            ParamSpec("n", "query", int | None, required=False, param=FakeParam(gt=0)),
            ParamSpec("m", "query", int | str | None, required=False, param=FakeParam(gt=0)),
            ParamSpec(
                "p",
                "query",
                str | None,
                required=False,
                param=Extra(json_schema_extra={"format": "password"}),
            ),
        ],
    )
    params = doc(spec)["paths"]["/o"]["get"]["parameters"]
    assert params[0]["schema"] == {
        "anyOf": [{"type": "string", "pattern": "^a$"}, {"type": "null"}],
        "description": "d",
        "title": "S",
    }
    assert params[1]["schema"]["anyOf"] == [
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "null"},
    ]
    assert params[2]["schema"]["exclusiveMinimum"] == 0  # several branches: kept at the top
    assert params[3]["schema"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "format": "password",
        "title": "P",
    }


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (bytes, {"type": "string", "contentMediaType": "application/octet-stream"}),
        (
            Annotated[bytes, "meta"],
            {"type": "string", "contentMediaType": "application/octet-stream"},
        ),
        (
            tuple[bytes, ...],
            {
                "type": "array",
                "items": {"type": "string", "contentMediaType": "application/octet-stream"},
            },
        ),
        (
            frozenset[bytes],
            {
                "type": "array",
                "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                "uniqueItems": True,
            },
        ),
        (
            Sequence[bytes],
            {
                "type": "array",
                "items": {"type": "string", "contentMediaType": "application/octet-stream"},
            },
        ),
        (list[str], {"type": "array", "items": {"type": "string"}}),
        (
            dict[str, bytes],
            {
                "type": "object",
                "additionalProperties": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                },
            },
        ),
    ],
)
def test_file_fields_render_bytes_as_binary(annotation: Any, expected: dict[str, Any]) -> None:
    spec = OperationSpec(
        "/f",
        ["POST"],
        "f",
        body=BodySpec(
            [ParamSpec("f", "body", annotation, param=File())], media_type="multipart/form-data"
        ),
    )
    out = doc(spec)
    schema = out["paths"]["/f"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    schema.pop("title")
    assert schema == expected
