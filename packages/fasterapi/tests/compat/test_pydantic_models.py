"""Pydantic v2 models (Body, Response Model, Field constraints and aliases, Query Parameter
Models), and msgspec Structs living next to pydantic models in one app (FasterAPI only)."""

from typing import Annotated, Literal, cast

import msgspec
import pytest

pydantic = pytest.importorskip("pydantic", reason="this topic is about pydantic models")
BaseModel, Field = pydantic.BaseModel, pydantic.Field


class Image(BaseModel):
    url: str
    name: str


class Item(BaseModel):
    name: str
    description: str | None = Field(
        default=None, title="The description of the item", max_length=20
    )
    price: float = Field(gt=0, description="The price must be greater than zero")
    tax: float | None = None
    tags: set[str] = set()
    image: Image | None = None


class Aliased(BaseModel):
    item_name: str = Field(alias="itemName")
    count: int = Field(default=1, ge=1)


class FilterParams(BaseModel):
    model_config = {"extra": "forbid"}

    limit: int = Field(100, gt=0, le=100)
    offset: int = Field(0, ge=0)
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


class Out(BaseModel):
    name: str
    price: float


class StructIn(msgspec.Struct):
    name: str
    quantity: int


def build(fw):
    app = fw.FastAPI()

    @app.put("/items/{item_id}")
    def update_item(item_id: int, item: Item):
        return {"item_id": item_id, **item.model_dump()}

    @app.post("/aliased/")
    def aliased(data: Aliased):
        return {"item_name": data.item_name, "count": data.count}

    @app.post("/aliased-out/", response_model=Aliased)
    def aliased_out(data: Aliased):
        return data

    @app.get("/items/")
    def list_items(filter_query: Annotated[FilterParams, fw.Query()]):
        return filter_query

    @app.post("/out/", response_model=Out)
    def out(item: Item):
        return item

    @app.post("/images/multiple/")
    def images(images: list[Image]):
        return [image.name for image in images]

    return app


ITEM = {
    "name": "Foo",
    "price": 35.4,
    "tags": ["a", "a"],
    "image": {"url": "http://example.com/baz.jpg", "name": "The Foo live"},
}


def test_nested_model_body(fw):
    with fw.client(build(fw)) as client:
        response = client.put("/items/1", json=ITEM)
    assert response.status_code == 200
    assert response.json() == {
        "item_id": 1,
        "name": "Foo",
        "description": None,
        "price": 35.4,
        "tax": None,
        "tags": ["a"],
        "image": {"url": "http://example.com/baz.jpg", "name": "The Foo live"},
    }


def test_field_constraints(fw):
    with fw.client(build(fw)) as client:
        response = client.put("/items/1", json={"name": "Foo", "price": 0, "description": "x" * 21})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["body", "description"],
                "msg": "String should have at most 20 characters",
                "input": "x" * 21,
                "ctx": {"max_length": 20},
            },
            {
                "type": "greater_than",
                "loc": ["body", "price"],
                "msg": "Input should be greater than 0",
                "input": 0,
                "ctx": {"gt": 0},
            },
        ]
    }


def test_nested_error_location(fw):
    with fw.client(build(fw)) as client:
        response = client.put("/items/1", json={"name": "Foo", "price": 1, "image": {"url": "u"}})
    assert response.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["body", "image", "name"],
            "msg": "Field required",
            "input": {"url": "u"},
        }
    ]


def test_aliases(fw):
    with fw.client(build(fw)) as client:
        ok = client.post("/aliased/", json={"itemName": "x", "count": 2})
        by_name = client.post("/aliased/", json={"item_name": "x"})
    assert ok.json() == {"item_name": "x", "count": 2}
    assert by_name.status_code == 422
    assert by_name.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["body", "itemName"],
            "msg": "Field required",
            "input": {"item_name": "x"},
        }
    ]


def test_response_model_by_alias(fw):
    with fw.client(build(fw)) as client:
        out = client.post("/aliased-out/", json={"itemName": "x"})
    assert out.json() == {"itemName": "x", "count": 1}


def test_list_of_models(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/images/multiple/", json=[{"url": "u", "name": "a"}, {"url": "v", "name": "b"}]
        )
        bad = client.post("/images/multiple/", json=[{"url": "u"}])
    assert response.json() == ["a", "b"]
    assert bad.json()["detail"][0]["loc"] == ["body", 0, "name"]


def test_response_model_filters_model(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/out/", json=ITEM)
    assert response.json() == {"name": "Foo", "price": 35.4}


def test_query_parameter_model(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/?limit=5&tags=a&tags=b&order_by=updated_at")
        defaults = client.get("/items/")
    assert response.json() == {
        "limit": 5,
        "offset": 0,
        "order_by": "updated_at",
        "tags": ["a", "b"],
    }
    assert defaults.json() == {"limit": 100, "offset": 0, "order_by": "created_at", "tags": []}


def test_query_parameter_model_errors(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/?limit=500&order_by=name")
        extra = client.get("/items/?tool=plumbus")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 100",
                "input": "500",
                "ctx": {"le": 100},
            },
            {
                "type": "literal_error",
                "loc": ["query", "order_by"],
                "msg": "Input should be 'created_at' or 'updated_at'",
                "input": "name",
                "ctx": {"expected": "'created_at' or 'updated_at'"},
            },
        ]
    }
    assert extra.status_code == 422
    assert extra.json() == {
        "detail": [
            {
                "type": "extra_forbidden",
                "loc": ["query", "tool"],
                "msg": "Extra inputs are not permitted",
                "input": "plumbus",
            }
        ]
    }


def test_openapi_query_model_is_flattened(fw):
    params = build(fw).openapi()["paths"]["/items/"]["get"]["parameters"]
    assert [p["name"] for p in params] == ["limit", "offset", "order_by", "tags"]
    assert params[0]["schema"] == {
        "type": "integer",
        "maximum": 100,
        "exclusiveMinimum": 0,
        "default": 100,
        "title": "Limit",
    }


def test_openapi_model_schema(fw):
    schemas = build(fw).openapi()["components"]["schemas"]
    assert schemas["Item"]["properties"]["price"] == {
        "type": "number",
        "exclusiveMinimum": 0.0,
        "title": "Price",
        "description": "The price must be greater than zero",
    }
    assert schemas["Item"]["properties"]["tags"] == {
        "items": {"type": "string"},
        "type": "array",
        "uniqueItems": True,
        "title": "Tags",
        "default": [],
    }
    assert schemas["Item"]["required"] == ["name", "price"]
    assert "Image" in schemas


def test_separate_input_and_output_schemas(fw):
    app = fw.FastAPI()

    class WithDefault(BaseModel):
        name: str
        description: str | None = None

    @app.post("/m/")
    def create(m: WithDefault) -> WithDefault:
        return m

    schemas = app.openapi()["components"]["schemas"]
    assert sorted(schemas) == ["HTTPValidationError", "ValidationError", "WithDefault"]
    assert schemas["WithDefault"]["required"] == ["name"]


def test_model_schema_has_no_null_default(fw):
    app = fw.FastAPI()

    class WithDefault(BaseModel):
        name: str
        description: str | None = None

    @app.post("/m/")
    def create(m: WithDefault) -> WithDefault:
        return m

    assert app.openapi()["components"]["schemas"]["WithDefault"] == {
        "properties": {
            "name": {"type": "string", "title": "Name"},
            "description": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "title": "Description",
            },
        },
        "type": "object",
        "required": ["name"],
        "title": "WithDefault",
    }


def test_struct_and_pydantic_in_one_app(faster_fw):
    fw = faster_fw
    app = build(fw)

    @app.post("/orders/")
    def order(order: StructIn, item: Item):
        return {"order": msgspec.to_builtins(order), "item": item.name}

    with fw.client(app) as client:
        ok = client.post("/orders/", json={"order": {"name": "o", "quantity": 2}, "item": ITEM})
        bad = client.post(
            "/orders/", json={"order": {"name": "o"}, "item": {"name": "n", "price": -1}}
        )
        pydantic_route = client.put("/items/2", json=ITEM)
    assert ok.json() == {"order": {"name": "o", "quantity": 2}, "item": "Foo"}
    assert bad.status_code == 422
    assert [(e["type"], e["loc"]) for e in bad.json()["detail"]] == [
        ("missing", ["body", "order", "quantity"]),
        ("greater_than", ["body", "item", "price"]),
    ]
    assert pydantic_route.json()["item_id"] == 2
    schemas = app.openapi()["components"]["schemas"]
    assert {"StructIn", "Item", "Image"} <= set(schemas)


class Patchable(BaseModel):
    name: str | None = None
    description: str | None = None
    price: float | None = None
    tax: float = 10.5
    tags: list[str] = []


def test_partial_update_with_patch(fw):
    app = fw.FastAPI()
    items = {"bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}}

    @app.patch("/items/{item_id}")
    def update_item(item_id: str, item: Patchable) -> Patchable:
        stored = Patchable(**items[item_id])
        updated = stored.model_copy(update=item.model_dump(exclude_unset=True))
        items[item_id] = fw.encoders.jsonable_encoder(updated)
        return cast("Patchable", updated)

    with fw.client(app) as client:
        response = client.patch("/items/bar", json={"name": "Barz", "price": 3})
    assert response.json() == {
        "name": "Barz",
        "description": "The bartenders",
        "price": 3.0,
        "tax": 20.2,
        "tags": [],
    }
    assert items["bar"]["tax"] == 20.2


class CommonHeaders(BaseModel):
    host: str
    save_data: bool
    x_tag: list[str] = []


class Cookies(BaseModel):
    session_id: str
    tracker: str | None = None


class LoginForm(BaseModel):
    username: str
    password: str


def test_header_parameter_model(fw):
    app = fw.FastAPI()

    @app.get("/items/")
    def read(headers: Annotated[CommonHeaders, fw.Header()]):
        return headers

    with fw.client(app) as client:
        response = client.get("/items/", headers={"save-data": "true", "x-tag": "a"})
        missing = client.get("/items/")
    assert response.json() == {"host": "testserver", "save_data": True, "x_tag": ["a"]}
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["header", "save-data"]


def test_cookie_parameter_model(fw):
    app = fw.FastAPI()

    @app.get("/items/")
    def read(cookies: Annotated[Cookies, fw.Cookie()]):
        return cookies

    with fw.client(app) as client:
        response = client.get("/items/", headers={"cookie": "session_id=abc"})
        missing = client.get("/items/")
    assert response.json() == {"session_id": "abc", "tracker": None}
    assert missing.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["cookie", "session_id"],
                "msg": "Field required",
                "input": {},
            }
        ]
    }


def test_form_model(fw):
    app = fw.FastAPI()

    @app.post("/login/")
    def login(data: Annotated[LoginForm, fw.Form()]):
        return data

    with fw.client(app) as client:
        response = client.post("/login/", data={"username": "u", "password": "p"})
        missing = client.post("/login/", data={"username": "u"})
        body = app.openapi()["paths"]["/login/"]["post"]["requestBody"]
    assert response.json() == {"username": "u", "password": "p"}
    assert missing.json()["detail"] == [
        {
            "type": "missing",
            "loc": ["body", "password"],
            "msg": "Field required",
            "input": {"username": "u"},
        }
    ]
    assert body["content"]["application/x-www-form-urlencoded"]["schema"] == {
        "$ref": "#/components/schemas/LoginForm"
    }


class Message(BaseModel):
    message: str


def test_additional_response_with_model(fw):
    app = fw.FastAPI()

    @app.get("/items/{item_id}", response_model=Out, responses={404: {"model": Message}})
    def read(item_id: str):
        if item_id != "foo":
            return fw.responses.JSONResponse(status_code=404, content={"message": "Item not found"})
        return {"name": "Foo", "price": 1}

    with fw.client(app) as client:
        ok = client.get("/items/foo")
        missing = client.get("/items/bar")
    responses = app.openapi()["paths"]["/items/{item_id}"]["get"]["responses"]
    assert ok.json() == {"name": "Foo", "price": 1.0}
    assert (missing.status_code, missing.json()) == (404, {"message": "Item not found"})
    assert responses["404"] == {
        "description": "Not Found",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}},
    }
    assert list(responses) == ["200", "404", "422"]


def test_model_body_not_an_object(fw):
    with fw.client(build(fw)) as client:
        response = client.put("/items/1", json=[1])
    assert response.json() == {
        "detail": [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": [1],
            }
        ]
    }


class Example(BaseModel):
    name: str = Field(examples=["Foo"])
    price: float = Field(examples=[35.4])
    model_config = {"json_schema_extra": {"examples": [{"name": "Foo", "price": 35.4}]}}


def build_examples(fw):
    """Tutorial: Declare Request Example Data."""
    app = fw.FastAPI()

    @app.put("/items/{item_id}")
    def update(
        item_id: int,
        item: Annotated[
            Example,
            fw.Body(
                examples=[{"name": "Bar", "price": 1}],
                openapi_examples={
                    "normal": {
                        "summary": "A normal example",
                        "value": {"name": "Foo", "price": 35.4},
                    }
                },
            ),
        ],
    ):
        return item

    @app.get("/q")
    def query(
        x: Annotated[
            int,
            fw.Query(examples=[1, 2], openapi_examples={"one": {"value": 1}}, description="the x"),
        ] = 0,
    ):
        return x

    return app


def test_examples_in_schemas_and_parameters(fw):
    schema = build_examples(fw).openapi()
    assert schema["components"]["schemas"]["Example"] == {
        "properties": {
            "name": {"type": "string", "title": "Name", "examples": ["Foo"]},
            "price": {"type": "number", "title": "Price", "examples": [35.4]},
        },
        "type": "object",
        "required": ["name", "price"],
        "title": "Example",
        "examples": [{"name": "Foo", "price": 35.4}],
    }
    assert schema["paths"]["/q"]["get"]["parameters"] == [
        {
            "name": "x",
            "in": "query",
            "required": False,
            "schema": {
                "type": "integer",
                "description": "the x",
                "examples": [1, 2],
                "default": 0,
                "title": "X",
            },
            "description": "the x",
            "examples": {"one": {"value": 1}},
        }
    ]
    body = schema["paths"]["/items/{item_id}"]["put"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {
        "$ref": "#/components/schemas/Example",
        "examples": [{"name": "Bar", "price": 1}],
    }


def test_body_openapi_examples(fw):
    body = build_examples(fw).openapi()["paths"]["/items/{item_id}"]["put"]["requestBody"]
    assert body["content"]["application/json"]["examples"] == {
        "normal": {"summary": "A normal example", "value": {"name": "Foo", "price": 35.4}}
    }
