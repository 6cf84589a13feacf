"""One Starlette application, to show the client drives another framework's app too."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from fasterapi_testing import TestClient


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
    yield {"db": "connected"}


async def home(request: Request) -> Response:
    return JSONResponse(
        {
            "db": request.state.db,
            "url": str(request.url),
            "for": str(request.url_for("home")),
            "client": request.client.host if request.client else None,
        }
    )


async def echo(request: Request) -> Response:
    chunks = [chunk async for chunk in request.stream()]
    return JSONResponse(
        {"type": request.headers["content-type"].split(";")[0], "size": len(b"".join(chunks))}
    )


async def stream(request: Request) -> Response:
    async def numbers() -> AsyncIterator[bytes]:
        for i in range(3):
            yield f"{i}\n".encode()

    return StreamingResponse(numbers(), media_type="text/plain")


async def login(request: Request) -> Response:
    response = RedirectResponse("/whoami", status_code=303)
    response.set_cookie("user", "ann")
    return response


async def whoami(request: Request) -> Response:
    return PlainTextResponse(request.cookies.get("user", "nobody"))


async def fail(request: Request) -> Response:
    raise LookupError("missing")


async def loop(websocket: WebSocket) -> None:
    await websocket.accept()
    while True:  # until Starlette's WebSocketDisconnect, raised by the test's close
        await websocket.send_text(await websocket.receive_text())


async def chat(websocket: WebSocket) -> None:
    await websocket.accept()
    name = await websocket.receive_text()
    await websocket.send_json({"hello": name, "db": websocket.state.db})
    await websocket.close(code=4001)


app = Starlette(
    routes=[
        Route("/", home, name="home"),
        Route("/echo", echo, methods=["POST"]),
        Route("/stream", stream),
        Route("/login", login, methods=["POST"]),
        Route("/whoami", whoami),
        Route("/fail", fail),
        WebSocketRoute("/ws", chat),
        WebSocketRoute("/loop", loop),
    ],
    lifespan=lifespan,
)


def test_starlette_app() -> None:
    with TestClient(app) as client:
        assert client.get("/").json() == {
            "db": "connected",
            "url": "http://testserver/",
            "for": "http://testserver/",
            "client": "testclient",
        }
        data = client.post(
            "/echo", data={"name": "n"}, files={"file": ("f.txt", b"x" * 100_000)}
        ).json()
        assert data["type"] == "multipart/form-data"
        assert data["size"] > 100_000
        with client.stream("GET", "/stream") as response:
            assert list(response.iter_lines()) == ["0", "1", "2"]
        assert client.post("/login").text == "ann"
        with pytest.raises(LookupError, match="missing"):
            client.get("/fail")
        assert client.get("/nowhere").status_code == 404
        with client.websocket_connect("/ws") as ws:
            ws.send_text("bob")
            assert ws.receive_json() == {"hello": "bob", "db": "connected"}
            with pytest.raises(Exception) as info:
                ws.receive_text()
            assert getattr(info.value, "code", None) == 4001
        with client.websocket_connect("/loop") as ws:
            ws.send_text("a")
            assert ws.receive_text() == "a"


def test_starlette_behind_a_root_path() -> None:
    # The same answers as Starlette's own TestClient: `request.url` is the request's
    # path, `url_for` puts the root_path in front.
    with TestClient(app, root_path="/api") as client:
        data = client.get("/").json()
        # A path that already carries the prefix (uvicorn's convention) routes the same.
        prefixed = client.get("/api/").json()
    assert data["url"] == "http://testserver/"
    assert data["for"] == "http://testserver/api/"
    assert prefixed["url"] == "http://testserver/api/"
    assert prefixed["for"] == "http://testserver/api/"


def test_starlette_500_without_raising() -> None:
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/fail").status_code == 500
    client.close()
