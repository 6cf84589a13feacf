"""Tutorial: Response Model - Return Type; Extra Models; Response Model exclude/include options."""

import dataclasses
from typing import Any

import pytest

pydantic = pytest.importorskip(
    "pydantic", reason="response_model filtering is shown with pydantic models"
)
BaseModel = pydantic.BaseModel


class UserIn(BaseModel):
    username: str
    password: str
    email: str
    full_name: str | None = None


class UserOut(BaseModel):
    username: str
    email: str
    full_name: str | None = None


class Item(BaseModel):
    name: str
    description: str | None = None
    price: float
    tax: float = 10.5
    tags: list[str] = []


ITEMS = {
    "foo": {"name": "Foo", "price": 50.2},
    "bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2},
    "baz": {"name": "Baz", "description": None, "price": 50.2, "tax": 10.5, "tags": []},
}


@dataclasses.dataclass
class Point:
    x: int
    y: int


def build(fw):
    app = fw.FastAPI()

    @app.post("/user/", response_model=UserOut)
    def create_user(user: UserIn) -> Any:
        return user

    @app.post("/user-annotated/")
    def create_user_annotated(user: UserIn) -> UserOut:
        return user

    @app.get("/items/{item_id}", response_model=Item, response_model_exclude_unset=True)
    def read_item(item_id: str):
        return ITEMS[item_id]

    @app.get("/full/{item_id}", response_model=Item)
    def read_full(item_id: str):
        return ITEMS[item_id]

    @app.get("/none/{item_id}", response_model=Item, response_model_exclude_none=True)
    def read_none(item_id: str):
        return ITEMS[item_id]

    @app.get("/defaults/{item_id}", response_model=Item, response_model_exclude_defaults=True)
    def read_defaults(item_id: str):
        return ITEMS[item_id]

    @app.get("/name/{item_id}", response_model=Item, response_model_include={"name", "description"})
    def read_name(item_id: str):
        return ITEMS[item_id]

    @app.get("/public/{item_id}", response_model=Item, response_model_exclude={"tax"})
    def read_public(item_id: str):
        return ITEMS[item_id]

    @app.get("/list/", response_model=list[Item])
    def read_list():
        return [ITEMS["foo"], ITEMS["bar"]]

    @app.get("/dict/", response_model=dict[str, float])
    def read_dict():
        return {"foo": 2.3, "bar": 3.4}

    @app.get("/point/")
    def read_point() -> Point:
        return Point(1, 2)

    @app.get("/bad/", response_model=Item)
    def bad():
        return {"name": "no price"}

    @app.get("/no-model/", response_model=None)
    def no_model() -> Any:
        return {"anything": [1, 2]}

    return app


def test_filters_out_password(fw):
    user = {"username": "u", "password": "secret", "email": "u@example.com"}
    with fw.client(build(fw)) as client:
        declared = client.post("/user/", json=user)
        annotated = client.post("/user-annotated/", json=user)
    expected = {"username": "u", "email": "u@example.com", "full_name": None}
    assert declared.json() == expected
    assert annotated.json() == expected


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/items/foo", {"name": "Foo", "price": 50.2}),
        (
            "/items/bar",
            {"name": "Bar", "description": "The bartenders", "price": 62.0, "tax": 20.2},
        ),
        (
            "/items/baz",
            {"name": "Baz", "description": None, "price": 50.2, "tax": 10.5, "tags": []},
        ),
        (
            "/full/foo",
            {"name": "Foo", "description": None, "price": 50.2, "tax": 10.5, "tags": []},
        ),
        ("/none/baz", {"name": "Baz", "price": 50.2, "tax": 10.5, "tags": []}),
        ("/defaults/baz", {"name": "Baz", "price": 50.2}),
        ("/name/bar", {"name": "Bar", "description": "The bartenders"}),
        (
            "/public/bar",
            {"name": "Bar", "description": "The bartenders", "price": 62.0, "tags": []},
        ),
        (
            "/list/",
            [
                {"name": "Foo", "description": None, "price": 50.2, "tax": 10.5, "tags": []},
                {
                    "name": "Bar",
                    "description": "The bartenders",
                    "price": 62.0,
                    "tax": 20.2,
                    "tags": [],
                },
            ],
        ),
        ("/dict/", {"foo": 2.3, "bar": 3.4}),
        ("/point/", {"x": 1, "y": 2}),
        ("/no-model/", {"anything": [1, 2]}),
    ],
)
def test_response_model_output(fw, url, body):
    with fw.client(build(fw)) as client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == body


def test_invalid_return_value_is_a_server_error(fw):
    with fw.client(build(fw), raise_server_exceptions=False) as client:
        response = client.get("/bad/")
    assert response.status_code == 500


def test_invalid_return_value_raises_response_validation_error(fw):
    with fw.client(build(fw)) as client, pytest.raises(fw.exceptions.ResponseValidationError):
        client.get("/bad/")


def test_openapi_response_schema(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/user/"]["post"]["responses"]["200"]
    assert ok == {
        "description": "Successful Response",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserOut"}}},
    }
    listed = schema["paths"]["/list/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Item"},
        "title": "Response Read List List  Get",
    }
    assert schema["components"]["schemas"]["UserOut"] == {
        "properties": {
            "username": {"type": "string", "title": "Username"},
            "email": {"type": "string", "title": "Email"},
            "full_name": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "title": "Full Name",
            },
        },
        "type": "object",
        "required": ["username", "email"],
        "title": "UserOut",
    }
