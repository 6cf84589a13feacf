"""Properties every middleware shares: it is plain ASGI in the caller's task."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable

import pytest
from asgi_driver import acall, make_scope

from fasterapi_middleware import (
    ASGIApp,
    BaseHTTPMiddleware,
    CORSMiddleware,
    GZipMiddleware,
    HTTPSRedirectMiddleware,
    Message,
    Receive,
    Scope,
    Send,
    TrustedHostMiddleware,
)

user: contextvars.ContextVar[str] = contextvars.ContextVar("user", default="anonymous")

MIDDLEWARES: dict[str, Callable[[ASGIApp], ASGIApp]] = {
    "base": BaseHTTPMiddleware,
    "cors": lambda app: CORSMiddleware(app, allow_origins=["https://example.com"]),
    "gzip": lambda app: GZipMiddleware(app, minimum_size=1),
    "trustedhost": lambda app: TrustedHostMiddleware(app, ["example.com"]),
    "httpsredirect": HTTPSRedirectMiddleware,
}
HEADERS = [("host", "example.com"), ("origin", "https://example.com"), ("accept-encoding", "gzip")]


def run(wrap: Callable[[ASGIApp], ASGIApp], app: ASGIApp) -> list[Message]:
    scope = make_scope(headers=HEADERS, scheme="https")
    return asyncio.run(acall(wrap(app), scope)).messages


@pytest.mark.parametrize("name", MIDDLEWARES)
def test_the_app_runs_in_the_callers_task_and_context(name: str) -> None:
    seen: list[object] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(asyncio.current_task())
        user.set("alice")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * 10})

    async def main() -> None:
        scope = make_scope(headers=HEADERS, scheme="https")
        await acall(MIDDLEWARES[name](app), scope)
        seen.append(asyncio.current_task())
        seen.append(user.get())

    asyncio.run(main())
    assert seen[0] is seen[1]
    assert seen[2] == "alice"


@pytest.mark.parametrize("name", MIDDLEWARES)
def test_exceptions_from_the_app_propagate_unchanged(name: str) -> None:
    error = ValueError("raised by the app")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise error

    with pytest.raises(ValueError) as caught:
        run(MIDDLEWARES[name], app)
    assert caught.value is error


@pytest.mark.parametrize("name", MIDDLEWARES)
def test_work_after_the_response_is_unaffected(name: str) -> None:
    done: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})
        await asyncio.sleep(0)
        done.append("background task ran")

    messages = run(MIDDLEWARES[name], app)
    assert [m["type"] for m in messages] == ["http.response.start", "http.response.body"]
    assert done == ["background task ran"]


@pytest.mark.parametrize("name", MIDDLEWARES)
def test_the_request_body_is_streamed_to_the_app_untouched(name: str) -> None:
    parts = [b"one", b"two", b""]
    received: list[bytes] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            received.append(message["body"])
            if not message["more_body"]:
                break
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body"})

    async def receive() -> Message:
        body = parts[len(received)]
        return {"type": "http.request", "body": body, "more_body": bool(body)}

    scope = make_scope("POST", headers=HEADERS, scheme="https")
    asyncio.run(acall(MIDDLEWARES[name](app), scope, receive=receive))
    assert received == parts
