"""Response Model with stdlib dataclasses (the FastAPI docs' "Using Dataclasses" page) —
runs without pydantic; msgspec Struct response models on FasterAPI only."""

import dataclasses
from typing import Any

import msgspec
import pytest


@dataclasses.dataclass
class Item:
    name: str
    price: float = 1.0
    tags: list[str] = dataclasses.field(default_factory=list)


class ItemStruct(msgspec.Struct):
    name: str
    price: float = 1.0


def build(fw):
    app = fw.FastAPI()

    @app.get("/filtered", response_model=Item)
    def filtered() -> Any:
        return {"name": "a", "price": 2, "secret": "x"}

    @app.get("/defaults", response_model=Item)
    def defaults() -> Any:
        return {"name": "a"}

    @app.get("/unset", response_model=Item, response_model_exclude_unset=True)
    def unset() -> Any:
        return {"name": "a"}

    @app.get("/list", response_model=list[Item])
    def many() -> Any:
        return [{"name": "a"}, {"name": "b", "price": 2, "zz": 1}]

    @app.get("/object")
    def as_object() -> Item:
        return Item("o", 3, ["t"])

    @app.get("/coerce", response_model=Item)
    def coerce() -> Any:
        return {"name": "a", "price": "2.5"}

    return app


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/filtered", {"name": "a", "price": 2.0, "tags": []}),
        ("/defaults", {"name": "a", "price": 1.0, "tags": []}),
        ("/unset", {"name": "a", "price": 1.0, "tags": []}),
        (
            "/list",
            [{"name": "a", "price": 1.0, "tags": []}, {"name": "b", "price": 2.0, "tags": []}],
        ),
        ("/object", {"name": "o", "price": 3.0, "tags": ["t"]}),
        ("/coerce", {"name": "a", "price": 2.5, "tags": []}),
    ],
)
def test_dataclass_response_model(fw, url, body):
    with fw.client(build(fw)) as client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == body


def test_openapi_dataclass_response(fw):
    schema = build(fw).openapi()
    ok = schema["paths"]["/object"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Item"}
    assert schema["components"]["schemas"]["Item"]["required"] == ["name"]


def test_struct_response_model(faster_fw):
    app = faster_fw.FastAPI()

    @app.get("/s", response_model=ItemStruct)
    def one() -> Any:
        return {"name": "a", "secret": 1}

    @app.get("/many")
    def many() -> list[ItemStruct]:
        return [ItemStruct("a"), ItemStruct("b", 2.5)]

    with faster_fw.client(app) as client:
        assert client.get("/s").json() == {"name": "a", "price": 1.0}
        assert client.get("/many").json() == [
            {"name": "a", "price": 1.0},
            {"name": "b", "price": 2.5},
        ]
