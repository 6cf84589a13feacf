"""Response models as FastAPI serializes them: pydantic by alias, dataclasses with every field."""

import dataclasses
from typing import Any

import msgspec
import pydantic
import pydantic.alias_generators
import pytest

from fasterapi_core import Faster, ResponseValidationError
from fasterapi_testing import TestClient


class Aliased(pydantic.BaseModel):
    item_name: str = pydantic.Field(alias="itemName")
    count: int = 1
    note: str | None = None


class Camel(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(
        alias_generator=pydantic.alias_generators.to_camel, populate_by_name=True
    )

    first_name: str
    last_name: str = "x"


@dataclasses.dataclass
class Item:
    name: str
    price: float = 1.0
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Order:
    item: Item
    items: list[Item] = dataclasses.field(default_factory=list)


def make_app() -> Faster:
    app = Faster()

    @app.get("/alias", response_model=Aliased)
    def alias() -> Any:
        return {"itemName": "a"}

    @app.get("/instance")
    def instance() -> Aliased:
        return Aliased(itemName="b", count=2)

    @app.get("/by-name", response_model=Aliased, response_model_by_alias=False)
    def by_name() -> Any:
        return Aliased(itemName="c")

    @app.get("/list", response_model=list[Camel])
    def camel_list() -> Any:
        return [{"first_name": "d"}, Camel.model_validate({"firstName": "e", "lastName": "f"})]

    @app.get(
        "/options",
        response_model=Aliased,
        response_model_exclude_none=True,
        response_model_exclude={"count"},
    )
    def options() -> Any:
        return {"itemName": "g", "count": 5}

    @app.get("/unset", response_model=Aliased, response_model_exclude_unset=True)
    def unset() -> Any:
        return {"itemName": "h", "note": None}

    @app.get("/invalid", response_model=Aliased)
    def invalid() -> Any:
        return {"count": "many"}

    @app.get("/dataclass", response_model=Item)
    def dataclass_defaults() -> Any:
        return {"name": "i"}

    @app.get("/dataclass-unset", response_model=Item, response_model_exclude_unset=True)
    def dataclass_unset() -> Any:
        return {"name": "j"}

    @app.get("/dataclass-defaults", response_model=Item, response_model_exclude_defaults=True)
    def dataclass_exclude_defaults() -> Any:
        return {"name": "k", "price": 1.0, "tags": ["t"]}

    @app.get("/nested", response_model=Order)
    def nested() -> Any:
        return {"item": {"name": "l"}, "items": [{"name": "m", "price": 2}]}

    @app.get("/dataclasses", response_model=list[Item], response_model_exclude_unset=True)
    def many() -> Any:
        return [{"name": "n"}, Item("o")]

    return app


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/alias", {"itemName": "a", "count": 1, "note": None}),
        ("/instance", {"itemName": "b", "count": 2, "note": None}),
        ("/by-name", {"item_name": "c", "count": 1, "note": None}),
        ("/list", [{"firstName": "d", "lastName": "x"}, {"firstName": "e", "lastName": "f"}]),
        ("/options", {"itemName": "g"}),
        ("/unset", {"itemName": "h", "note": None}),
        ("/dataclass", {"name": "i", "price": 1.0, "tags": []}),
        ("/dataclass-unset", {"name": "j", "price": 1.0, "tags": []}),
        ("/dataclass-defaults", {"name": "k", "tags": ["t"]}),
        (
            "/nested",
            {
                "item": {"name": "l", "price": 1.0, "tags": []},
                "items": [{"name": "m", "price": 2.0, "tags": []}],
            },
        ),
        (
            "/dataclasses",
            [{"name": "n", "price": 1.0, "tags": []}, {"name": "o", "price": 1.0, "tags": []}],
        ),
    ],
)
def test_response_model_serialization(path: str, expected: Any) -> None:
    with TestClient(make_app()) as client:
        response = client.get(path)
    assert response.status_code == 200
    assert response.json() == expected


def test_invalid_pydantic_response_is_a_server_error() -> None:
    with TestClient(make_app()) as client, pytest.raises(ResponseValidationError) as info:
        client.get("/invalid")
    assert [e["loc"] for e in info.value.errors()] == [
        ["response", "itemName"],
        ["response", "count"],
    ]


def test_struct_response_models_keep_their_encode_names() -> None:
    class Renamed(msgspec.Struct, rename="camel"):
        first_name: str

    app = Faster()

    @app.get("/s", response_model=Renamed)
    def renamed() -> Any:
        return {"firstName": "p"}

    with TestClient(app) as client:
        assert client.get("/s").json() == {"firstName": "p"}


def test_typing_extensions_typeddict_return_annotation_filters() -> None:
    import typing_extensions

    class Movie(typing_extensions.TypedDict):
        title: str

    app = Faster()

    @app.get("/movie")
    def movie() -> Movie:
        return {"title": "t", "secret": 1}  # type: ignore[typeddict-unknown-key]

    with TestClient(app) as client:
        assert client.get("/movie").json() == {"title": "t"}
