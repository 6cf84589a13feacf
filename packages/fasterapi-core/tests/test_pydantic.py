"""Optional pydantic support: BaseModel bodies and response models (skipped without pydantic)."""

from typing import Any

import pytest

BaseModel: Any = pytest.importorskip("pydantic").BaseModel

from fasterapi_core import Faster  # noqa: E402
from fasterapi_core.exceptions import ResponseValidationError  # noqa: E402
from fasterapi_testing import TestClient  # noqa: E402


class Item(BaseModel):  # type: ignore[misc]
    name: str
    price: float
    tax: float | None = None


def make_app() -> Faster:
    app = Faster()

    @app.post("/items")
    def create(item: Item) -> Item:
        return item

    @app.post("/many")
    def many(items: list[Item]) -> int:
        return len(items)

    @app.get("/listed", response_model=list[Item])
    def listed() -> list[dict[str, Any]]:
        return [{"name": "a", "price": 1, "secret": "x"}]

    @app.get("/unset", response_model=Item, response_model_exclude_unset=True)
    def unset() -> Item:
        return Item(name="a", price=1)

    @app.get("/bad", response_model=Item)
    def bad() -> dict[str, Any]:
        return {"name": "a"}

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


def test_pydantic_body(client: TestClient) -> None:
    assert client.post("/items", json={"name": "a", "price": "2"}).json() == {
        "name": "a",
        "price": 2.0,
        "tax": None,
    }
    r = client.post("/items", json={"name": "a"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "price"]
    assert r.json()["detail"][0]["type"] == "missing"


def test_pydantic_list_body(client: TestClient) -> None:
    assert client.post("/many", json=[{"name": "a", "price": 1}]).json() == 1
    assert client.post("/many", json=[{"name": "a"}]).status_code == 422


def test_pydantic_response_models(client: TestClient) -> None:
    assert client.get("/listed").json() == [{"name": "a", "price": 1.0, "tax": None}]
    assert client.get("/unset").json() == {"name": "a", "price": 1.0}
    assert TestClient(make_app(), raise_server_exceptions=False).get("/bad").status_code == 500
    with pytest.raises(ResponseValidationError):
        TestClient(make_app()).get("/bad")
