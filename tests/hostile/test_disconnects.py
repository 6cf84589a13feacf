"""Property 6: clients that go away.

A body cut off by a disconnect never reaches the handler; a disconnect during a streamed
(or server-sent events) response closes the generator, so its `finally` runs; a disconnect
while a slow dependency works still runs the teardown of yield dependencies.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import msgspec

from FasterAPI import Depends, Faster, File, Form, Request, StreamingResponse, UploadFile


class Item(msgspec.Struct):
    name: str


def test_a_truncated_json_body_never_reaches_the_handler(drive_truncated: Any) -> None:
    app = Faster()
    ran: list[str] = []

    @app.post("/item")
    async def item(item: Item) -> dict[str, str]:
        ran.append(item.name)
        return {}

    headers = [(b"content-type", b"application/json"), (b"content-length", b"100")]
    sent = drive_truncated(app, "POST", "/item", headers=headers, chunks=[b'{"name": "a"}'])
    assert sent.error is None, repr(sent.error)
    assert ran == []
    assert sent.status is None, "an answer was sent to a client that is gone"


def test_a_truncated_form_never_reaches_the_handler(drive_truncated: Any) -> None:
    app = Faster()
    ran: list[str] = []

    @app.post("/upload")
    async def upload(file: UploadFile = File(...), name: str = Form("")) -> dict[str, str]:
        ran.append(name)
        return {}

    head = b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b\r\n'
    head += b'Content-Disposition: form-data; name="file"; filename="f"\r\n\r\n'
    headers = [(b"content-type", b"multipart/form-data; boundary=b")]
    sent = drive_truncated(app, "POST", "/upload", headers=headers, chunks=[head, b"x" * 5000])
    assert sent.error is None, repr(sent.error)
    assert ran == []


def test_a_truncated_urlencoded_form_never_reaches_the_handler(drive_truncated: Any) -> None:
    app = Faster()
    ran: list[str] = []

    @app.post("/form")
    async def form(name: str = Form(...)) -> dict[str, str]:
        ran.append(name)
        return {}

    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    sent = drive_truncated(app, "POST", "/form", headers=headers, chunks=[b"name=abc"])
    assert sent.error is None, repr(sent.error)
    assert ran == []


def _stream_until_disconnect(app: Any, path: str, chunks_before_disconnect: int) -> list[Any]:
    """Drive `app` and disconnect after it has sent `chunks_before_disconnect` body messages."""
    sent: list[Any] = []

    async def main() -> None:
        gone = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if not sent:
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if (
                sum(1 for m in sent if m["type"] == "http.response.body")
                >= chunks_before_disconnect
            ):
                gone.set()
            await asyncio.sleep(0)

        await asyncio.wait_for(app({**_scope(path)}, receive, send), 10)

    asyncio.run(main())
    return sent


def _scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
    }


def test_an_endless_async_stream_is_closed_on_disconnect(guard: Any) -> None:
    app = Faster()
    closed: list[str] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"data: tick\n\n"
                await asyncio.sleep(0)
        finally:
            closed.append("async")

    @app.get("/events")
    async def events() -> StreamingResponse:
        return StreamingResponse(endless(), media_type="text/event-stream")

    guard(_stream_until_disconnect, app, "/events", 3)
    assert closed == ["async"]


def test_an_endless_sync_stream_is_closed_on_disconnect(guard: Any) -> None:
    app = Faster()
    closed: list[str] = []

    def endless() -> Iterator[bytes]:
        try:
            while True:
                yield b"chunk\n"
        finally:
            closed.append("sync")

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        return StreamingResponse(endless())

    guard(_stream_until_disconnect, app, "/stream", 3)
    # The thread-pool iterator is closed from the loop; give it a moment to run its finally.
    for _ in range(100):
        if closed:
            break
        import time

        time.sleep(0.02)
    assert closed == ["sync"]


def test_yield_dependency_teardown_runs_when_the_client_leaves_during_a_slow_dependency(
    guard: Any,
) -> None:
    app = Faster()
    events: list[str] = []

    async def resource() -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "db"
        finally:
            events.append("close")

    async def slow(db: str = Depends(resource)) -> str:
        await asyncio.sleep(30)  # the client will not wait for this
        return db

    @app.get("/slow")
    async def slow_route(value: str = Depends(slow)) -> dict[str, str]:
        events.append("handler")
        return {"value": value}

    async def main() -> None:
        async def receive() -> dict[str, Any]:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            raise AssertionError("nothing may be sent")

        task = asyncio.ensure_future(app(_scope("/slow"), receive, send))
        for _ in range(100):
            await asyncio.sleep(0.01)
            if events:
                break
        # What a server does when the connection drops under a running request: cancel it.
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    guard(asyncio.run, main())
    assert events == ["open", "close"]


def test_a_request_reading_its_body_sees_the_disconnect(guard: Any) -> None:
    app = Faster()
    seen: list[str] = []

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        try:
            return {"len": len(await request.body())}
        except Exception as exc:
            seen.append(type(exc).__name__)
            raise

    async def main() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        calls = 0

        async def receive() -> dict[str, Any]:
            nonlocal calls
            calls += 1
            if calls == 1:
                return {"type": "http.request", "body": b"abc", "more_body": True}
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            out.append(message)

        scope = {**_scope("/raw"), "method": "POST"}
        await app(scope, receive, send)
        return out

    out = guard(asyncio.run, main())
    assert seen == ["ClientDisconnect"]
    # Nobody is listening; whatever the app sends, it must not be a 5xx that gets logged.
    assert all(m.get("status", 200) < 500 for m in out)
