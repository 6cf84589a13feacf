"""Property 1: body limits.

A declared `Content-Length` over the limit is refused before the body is read (the app's
`receive` is never called); a body without one (chunked) is refused as soon as the running
total crosses the limit, without draining the rest. The answer is a 413 with a JSON `detail`.
The limit is per app (`Faster(max_body_size=...)`) and per route (`@app.post(..., max_body_size=...)`).
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from FasterAPI import Body, Faster, FasterRouter, Request


class Item(msgspec.Struct):
    name: str


def make_app(**app_kwargs: Any) -> tuple[Faster, list[str]]:
    ran: list[str] = []
    app = Faster(**app_kwargs)

    @app.post("/items")
    async def items(item: Item) -> dict[str, str]:
        ran.append("items")
        return {"name": item.name}

    @app.post("/small", max_body_size=16)
    async def small(item: Item) -> dict[str, str]:
        ran.append("small")
        return {"name": item.name}

    @app.post("/large", max_body_size=4096)
    async def large(data: dict[str, Any] = Body(...)) -> dict[str, int]:
        ran.append("large")
        return {"keys": len(data)}

    router = FasterRouter(prefix="/r", max_body_size=32)

    @router.post("/items")
    async def router_items(item: Item) -> dict[str, str]:
        ran.append("router")
        return {"name": item.name}

    app.include_router(router)
    return app, ran


JSON = (b"content-type", b"application/json")


def length(n: int) -> tuple[bytes, bytes]:
    return (b"content-length", str(n).encode())


def assert_413(sent: Any, detail_of: Any) -> None:
    assert sent.error is None, sent.error
    assert sent.status == 413
    assert dict(sent.headers)[b"content-type"].startswith(b"application/json")
    assert "too large" in str(detail_of(sent.body)).lower()


def test_declared_length_over_the_app_limit_is_refused_before_reading(
    drive: Any, detail_of: Any
) -> None:
    app, ran = make_app(max_body_size=100)
    sent = drive(app, "POST", "/items", headers=[JSON, length(10_000)], chunks=[b"x" * 10_000])
    assert_413(sent, detail_of)
    assert sent.receive_calls == 0, "the body was read although Content-Length was over the limit"
    assert ran == []


def test_declared_length_over_the_default_limit_is_refused_before_reading(
    drive: Any, detail_of: Any
) -> None:
    app, _ = make_app()
    sent = drive(app, "POST", "/items", headers=[JSON, length(1_048_577)], chunks=[b"x"])
    assert_413(sent, detail_of)
    assert sent.receive_calls == 0


def test_a_body_at_the_limit_is_accepted(drive: Any) -> None:
    app, ran = make_app(max_body_size=100)
    body = b'{"name":"' + b"a" * 89 + b'"}'
    assert len(body) == 100
    sent = drive(app, "POST", "/items", headers=[JSON, length(100)], chunks=[body])
    assert sent.status == 200
    assert ran == ["items"]


def test_chunked_body_is_cut_off_when_the_running_total_crosses_the_limit(
    drive: Any, detail_of: Any
) -> None:
    app, ran = make_app(max_body_size=100)
    chunks = [b"x" * 40] * 1000  # 40 kB in 1000 messages, no Content-Length
    sent = drive(app, "POST", "/items", headers=[JSON], chunks=chunks)
    assert_413(sent, detail_of)
    # 100 bytes are crossed in the third message: the other 997 are never pulled.
    assert sent.receive_calls <= 4
    assert ran == []


def test_per_route_limit_is_lower_than_the_app_limit(drive: Any, detail_of: Any) -> None:
    app, ran = make_app()
    body = b'{"name":"abcdefghijklmnop"}'
    sent = drive(app, "POST", "/small", headers=[JSON, length(len(body))], chunks=[body])
    assert_413(sent, detail_of)
    assert sent.receive_calls == 0
    sent = drive(app, "POST", "/small", headers=[JSON], chunks=[body[:10], body[10:]])
    assert_413(sent, detail_of)
    assert ran == []


def test_per_route_limit_can_be_higher_than_the_app_limit(drive: Any) -> None:
    app, ran = make_app(max_body_size=64)
    body = msgspec.json.encode({f"k{i}": i for i in range(100)})
    assert 64 < len(body) < 4096
    sent = drive(app, "POST", "/large", headers=[JSON, length(len(body))], chunks=[body])
    assert sent.status == 200, sent.body
    assert ran == ["large"]


def test_router_limit_applies_to_its_routes(drive: Any, detail_of: Any) -> None:
    app, ran = make_app()
    body = b'{"name":"' + b"a" * 40 + b'"}'
    sent = drive(app, "POST", "/r/items", headers=[JSON, length(len(body))], chunks=[body])
    assert_413(sent, detail_of)
    assert ran == []


@pytest.mark.parametrize("value", [b"-1", b"abc", b"1e3", b"", b"9" * 5000, b"\xff"])
def test_invalid_content_length_is_a_400(drive: Any, value: bytes) -> None:
    app, ran = make_app()
    sent = drive(app, "POST", "/items", headers=[JSON, (b"content-length", value)], chunks=[b"{}"])
    assert sent.error is None, sent.error
    assert sent.status is not None
    assert 400 <= sent.status < 500
    assert ran == []


def test_the_app_still_serves_after_many_refusals(drive: Any) -> None:
    app, ran = make_app(max_body_size=100)
    for _ in range(50):
        drive(app, "POST", "/items", headers=[JSON, length(10**9)], chunks=[b"x"])
    sent = drive(app, "POST", "/items", headers=[JSON], chunks=[b'{"name":"ok"}'])
    assert sent.status == 200
    assert ran == ["items"]


def test_request_body_respects_the_app_limit(drive: Any) -> None:
    app = Faster(max_body_size=100)

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"len": len(await request.body())}

    sent = drive(app, "POST", "/raw", headers=[length(10_000)], chunks=[b"x" * 10_000])
    assert sent.status == 413
    assert sent.receive_calls == 0


def test_request_stream_stays_the_unlimited_escape_hatch(drive: Any) -> None:
    app = Faster(max_body_size=100)

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"len": sum([len(chunk) async for chunk in request.stream()])}

    sent = drive(app, "POST", "/raw", headers=[length(10_000)], chunks=[b"x" * 10_000])
    assert sent.status == 200
    assert sent.body == b'{"len":10000}'
