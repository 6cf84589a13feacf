"""A sample app with every kind of parameter, shared by the OpenAPI app and contract tests."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import msgspec

from fasterapi_core import (
    Body,
    Cookie,
    Faster,
    File,
    Form,
    Header,
    HTTPException,
    Path,
    Query,
    UploadFile,
)


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Tag(msgspec.Struct):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


class Item(msgspec.Struct):
    """Something for sale."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    price: Annotated[float, msgspec.Meta(ge=0)]
    tags: list[Tag] = []
    color: Color | None = None


class Message(msgspec.Struct):
    detail: str


def make_app() -> Faster:
    app = Faster(
        title="Shop",
        version="2.0.0",
        summary="A sample shop",
        description="Sample app for the OpenAPI tests.",
        openapi_tags=[{"name": "items", "description": "Items for sale"}],
        servers=[{"url": "http://testserver"}],
    )
    store: dict[int, Item] = {}

    @app.get(
        "/items/{item_id}", response_model=Item, tags=["items"], responses={404: {"model": Message}}
    )
    async def read_item(
        item_id: Annotated[int, Path(ge=1, le=1_000_000)],
        verbose: bool = False,
        x_request_id: Annotated[str | None, Header(max_length=64)] = None,
    ) -> Any:
        """Fetch one item."""
        if item_id not in store:
            raise HTTPException(404, "Item not found")
        return store[item_id]

    @app.get("/items", response_model=list[Item], tags=["items"])
    async def list_items(
        skip: Annotated[int, Query(ge=0, le=1000)] = 0,
        limit: Annotated[int, Query(gt=0, le=100)] = 10,
        color: Color | None = None,
        q: Annotated[str | None, Query(max_length=50)] = None,
    ) -> Any:
        items = list(store.values())[skip : skip + limit]
        return [i for i in items if color is None or i.color == color]

    @app.put("/items/{item_id}", response_model=Item, status_code=201, tags=["items"])
    async def put_item(item_id: Annotated[int, Path(ge=1, le=1_000_000)], item: Item) -> Any:
        store[item_id] = item
        return item

    @app.post("/items/{item_id}/rate", tags=["items"])
    async def rate(
        item_id: Annotated[int, Path(ge=1, le=1_000_000)],
        stars: Annotated[int, Body(ge=1, le=5)],
        comment: Annotated[str, Body(max_length=200)] = "",
    ) -> dict[str, Any]:
        return {"item_id": item_id, "stars": stars, "comment": comment}

    @app.delete("/items/{item_id}", status_code=204, tags=["items"])
    async def delete_item(item_id: Annotated[int, Path(ge=1, le=1_000_000)]) -> None:
        store.pop(item_id, None)

    @app.post("/login")
    async def login(
        username: Annotated[str, Form(min_length=1, max_length=50)],
        password: Annotated[str, Form(min_length=1, max_length=50)],
    ) -> dict[str, str]:
        return {"user": username}

    @app.post("/upload")
    async def upload(
        file: Annotated[UploadFile, File()],
        note: Annotated[str, Form(max_length=100)] = "",
    ) -> dict[str, Any]:
        data = await file.read()
        return {"filename": file.filename, "size": len(data), "note": note}

    @app.get("/me")
    async def me(session: Annotated[str | None, Cookie(max_length=64)] = None) -> dict[str, Any]:
        return {"session": session}

    @app.get("/legacy", deprecated=True, include_in_schema=True)
    async def legacy() -> str:
        return "old"

    @app.get("/internal", include_in_schema=False)
    async def internal() -> str:
        return "hidden"

    return app
