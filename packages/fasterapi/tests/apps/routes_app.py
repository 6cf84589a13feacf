"""A small Faster app for `fasterapi routes`: every parameter source and a dependency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import msgspec

from FasterAPI import APIRouter, Cookie, Depends, FastAPI, File, Form, Header, UploadFile, WebSocket


class Item(msgspec.Struct):
    """An item."""

    name: str
    price: float = 0.0


def get_db() -> Iterator[str]:
    """A yield dependency."""
    yield "db"


class Auth:
    """A class dependency reading a header."""

    def __init__(self, x_token: Annotated[str, Header()]) -> None:
        self.token = x_token


def audit() -> None:
    """A router-level dependency."""


app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
router = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(audit)])


@router.get("/{item_id}", response_model=Item)
async def read_item(
    item_id: int,
    auth: Annotated[Auth, Depends()],
    q: str | None = None,
    db: str = Depends(get_db),
    session: Annotated[str | None, Cookie()] = None,
) -> Item:
    """Read one item."""
    return Item(name=f"{item_id}")


@router.post("/")
async def create_item(item: Item, db: Annotated[str, Depends(get_db)]) -> Item:
    """Create an item from a JSON body."""
    return item


@app.post("/upload")
async def upload(
    file: Annotated[UploadFile, File()], note: Annotated[str, Form()] = ""
) -> dict[str, str]:
    """Upload a file with a note."""
    return {"name": file.filename or ""}


@app.websocket("/ws/{room}")
async def chat(websocket: WebSocket, room: str) -> None:
    """A chat room."""
    await websocket.accept()
    await websocket.close()


app.include_router(router)
