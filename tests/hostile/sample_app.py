"""A sample app exercising most of the request path, and one request driver, for the fuzz targets.

Imported by `test_fuzz.py` (through its file path) and by the standalone `fuzz_atheris.py`.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import msgspec

from FasterAPI import (
    BackgroundTasks,
    Body,
    Cookie,
    CORSMiddleware,
    Depends,
    Faster,
    File,
    Form,
    GZipMiddleware,
    Header,
    HTTPException,
    Query,
    Request,
    Response,
    StaticFiles,
    StreamingResponse,
    UploadFile,
)


class Item(msgspec.Struct):
    name: str
    price: float = 0.0
    tags: list[str] = []


def pagination(
    limit: int = Query(10, ge=1, le=100), offset: int = Query(0, ge=0)
) -> dict[str, int]:
    return {"limit": limit, "offset": offset}


def build(static_dir: str | None = None) -> Faster:
    """The app; `static_dir` is served under /static (a temporary folder by default)."""
    app = Faster(max_body_size=64 * 1024)
    app.add_middleware(GZipMiddleware, minimum_size=100)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example"],
        allow_methods=["GET", "POST"],
        allow_headers=["X-Token"],
        allow_credentials=True,
    )

    @app.get("/")
    async def root() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/items/{item_id}")
    async def get_item(
        item_id: int, q: str | None = None, page: dict[str, int] = Depends(pagination)
    ) -> dict[str, Any]:
        if item_id == 404:
            raise HTTPException(404, "no such item")
        return {"id": item_id, "q": q, **page}

    @app.post("/items")
    async def create(item: Item, tasks: BackgroundTasks) -> Item:
        tasks.add_task(lambda: None)
        return item

    @app.put("/items/{item_id}")
    def replace(item_id: int, item: Item, x_token: str = Header("")) -> dict[str, Any]:
        return {"id": item_id, "name": item.name, "token": len(x_token)}

    @app.post("/embed")
    async def embed(value: int = Body(..., embed=True, gt=0)) -> dict[str, int]:
        return {"value": value}

    @app.post("/form")
    async def form(name: str = Form(...), age: int = Form(0)) -> dict[str, Any]:
        return {"name": name, "age": age}

    @app.post("/upload")
    async def upload(file: UploadFile = File(...), note: str = Form("")) -> dict[str, Any]:
        data = await file.read()
        return {"size": len(data), "filename": file.filename}

    @app.get("/cookie")
    async def cookie(session: str | None = Cookie(None)) -> dict[str, Any]:
        return {"session": session}

    @app.api_route("/raw", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def raw(request: Request) -> dict[str, Any]:
        return {
            "method": request.method,
            "query": len(request.query_params),
            "headers": len(request.headers),
            "cookies": len(request.cookies),
            "path": request.url.path,
        }

    @app.get("/stream")
    async def stream(n: int = Query(3, ge=0, le=50)) -> StreamingResponse:
        async def gen() -> Any:
            for i in range(n):
                yield f"data: {i}\n\n"

        return StreamingResponse(gen(), media_type="text/event-stream")

    @app.get("/files/{rest:path}")
    async def files(rest: str) -> Response:
        return Response(rest.encode("utf-8", "replace"), media_type="text/plain")

    folder = static_dir or tempfile.mkdtemp(prefix="hostile-static-")
    Path(folder, "hello.txt").write_bytes(b"hello\n" * 50)
    app.mount("/static", StaticFiles(directory=folder), name="static")
    return app


async def exchange(
    app: Any,
    method: str,
    path: str,
    query: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    split: int,
) -> tuple[list[dict[str, Any]], bool]:
    """Drive one HTTP request through `app`, its body in two chunks cut at `split`.

    Returns what the app sent and whether it was told of a disconnect (it asked for more
    after the body). The app gets 10 seconds.
    """
    sent: list[dict[str, Any]] = []
    told: list[bool] = []
    chunks = [body[:split], body[split:]] if 0 < split < len(body) else [body]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogatepass"),
        "root_path": "",
        "query_string": query,
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        told.append(True)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), 10)
    return sent, bool(told)
