"""ASGI apps for the HTTP and scale benchmarks.

A server loads one by name, e.g. `uvicorn _workload.apps:fastapi` run from `benchmarks/`.
Each app is built on first access (module `__getattr__`), so a server process builds only
the app it serves.

* `fasterapi`, `fastapi`, `blacksheep`, `faster_api_web`, `raw` - the standard workload,
  built by `bench_core.py` (the in-process benchmark owns its definition; this module only
  imports it). `faster_api_web` needs $FASTER_API_WEB_PATH (see `peers.py`).
* `io_fasterapi`, `io_fastapi` - the scale workload: a 10 MB multipart upload, a 10 MB
  streamed download and a request held open until `release()` is called.

(No `from __future__ import annotations`: both frameworks read the annotations of the
handlers defined inside the builders at registration.)
"""

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

import bench_core  # noqa: E402  (the folder above goes on sys.path first)

CHUNK = b"x" * 65536  # one streamed piece; the download sends it DOWNLOAD_CHUNKS times
DOWNLOAD_CHUNKS = 160  # 160 x 64 KiB = 10 MiB

# Requests parked in `/slow` wait on this; `held` counts how many are parked.
_gate: "asyncio.Event | None" = None
held = 0


def gate() -> asyncio.Event:
    global _gate
    if _gate is None:
        _gate = asyncio.Event()
    return _gate


def release() -> None:
    gate().set()


def reset() -> None:
    """A new closed gate (call once every parked request has left)."""
    global _gate
    _gate = None


async def _chunks() -> Any:
    for _ in range(DOWNLOAD_CHUNKS):
        yield CHUNK


async def _park(item_id: int, q: int) -> dict[str, int]:
    global held
    held += 1
    await gate().wait()
    held -= 1
    return {"item_id": item_id, "q": q}


def build_io_fasterapi() -> Any:
    from fasterapi_core import Faster, File, Header, StreamingResponse, UploadFile

    app = Faster(openapi_url=None)

    @app.post("/upload")
    async def upload(file: UploadFile = File(...)) -> dict[str, int]:
        size = 0
        while piece := await file.read(65536):
            size += len(piece)
        return {"size": size}

    @app.get("/download")
    async def download() -> StreamingResponse:
        return StreamingResponse(_chunks(), media_type="application/octet-stream")

    @app.get("/slow/{item_id}")
    async def slow(item_id: int, x_token: str = Header(), q: int = 0) -> dict[str, int]:
        return await _park(item_id, q)

    return app


def build_io_fastapi() -> Any:
    from fastapi import FastAPI, File, Header, UploadFile
    from fastapi.responses import StreamingResponse

    app = FastAPI(openapi_url=None)

    @app.post("/upload")
    async def upload(file: UploadFile = File(...)) -> dict[str, int]:
        size = 0
        while piece := await file.read(65536):
            size += len(piece)
        return {"size": size}

    @app.get("/download")
    async def download() -> StreamingResponse:
        return StreamingResponse(_chunks(), media_type="application/octet-stream")

    @app.get("/slow/{item_id}")
    async def slow(item_id: int, x_token: str = Header(), q: int = 0) -> dict[str, int]:
        return await _park(item_id, q)

    return app


BUILDERS: dict[str, Callable[[], Any]] = {
    "fasterapi": bench_core.build_fasterapi,
    "fastapi": bench_core.build_fastapi,
    "blacksheep": bench_core.build_blacksheep,
    "faster_api_web": bench_core.build_faster_api_web,
    "raw": bench_core.build_raw,
    "io_fasterapi": build_io_fasterapi,
    "io_fastapi": build_io_fastapi,
}


def __getattr__(name: str) -> Any:
    build = BUILDERS.get(name)
    if build is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    app = build()
    globals()[name] = app
    return app
