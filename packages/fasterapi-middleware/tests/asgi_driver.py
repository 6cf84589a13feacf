"""A tiny ASGI driver: call an app with a hand-built scope and record what it sends."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fasterapi_middleware import ASGIApp, Message, Receive, Scope, Send


@dataclass
class Result:
    """Everything an app sent for one request."""

    messages: list[Message] = field(default_factory=list)

    @property
    def start(self) -> Message:
        return self.messages[0]

    @property
    def status(self) -> int:
        status: int = self.start["status"]
        return status

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        return [(bytes(k), bytes(v)) for k, v in self.start.get("headers", ())]

    def header(self, name: str) -> str | None:
        """The values of response header `name`, joined with ", ", or None."""
        key = name.lower().encode()
        values = [v.decode("latin-1") for k, v in self.headers if k.lower() == key]
        return ", ".join(values) if values else None

    def header_names(self) -> list[str]:
        return [k.decode().lower() for k, _ in self.headers]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:])

    @property
    def text(self) -> str:
        return self.body.decode()


def make_scope(
    method: str = "GET",
    path: str = "/",
    headers: Iterable[tuple[str | bytes, str | bytes]] = (("host", "example.com"),),
    *,
    type: str = "http",
    scheme: str | None = None,
    query_string: bytes = b"",
    **extra: Any,
) -> Scope:
    """An ASGI scope; `headers` may be str or bytes, names are lower-cased."""
    encoded = [
        (
            (k if isinstance(k, bytes) else k.encode()).lower(),
            v if isinstance(v, bytes) else v.encode("latin-1"),
        )
        for k, v in headers
    ]
    scope: Scope = {
        "type": type,
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query_string,
        "root_path": "",
        "headers": encoded,
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
    }
    if type == "http":
        scope["method"] = method
    if scheme is not None:
        scope["scheme"] = scheme
    scope.update(extra)
    return scope


async def acall(
    app: ASGIApp, scope: Scope, body: bytes = b"", receive: Receive | None = None
) -> Result:
    """Run `app` on `scope` with a one-message request body."""
    result = Result()
    sent_body = False

    async def default_receive() -> Message:
        nonlocal sent_body
        if scope["type"] == "websocket":
            return {"type": "websocket.connect"}
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # pragma: no cover - a well-behaved app never gets here
        raise AssertionError  # pragma: no cover

    async def send(message: Message) -> None:
        result.messages.append(message)

    await app(scope, receive or default_receive, send)
    return result


def call(
    app: ASGIApp,
    method: str = "GET",
    path: str = "/",
    headers: Iterable[tuple[str | bytes, str | bytes]] = (("host", "example.com"),),
    **kwargs: Any,
) -> Result:
    """Build a scope, run `app` on it in a fresh event loop, and return what it sent."""
    body = kwargs.pop("body", b"")
    return asyncio.run(acall(app, make_scope(method, path, headers, **kwargs), body))


def text_app(
    body: bytes = b"hello",
    status: int = 200,
    headers: Sequence[tuple[bytes, bytes]] = ((b"content-type", b"text/plain"),),
) -> ASGIApp:
    """An app answering every HTTP request with `body` in one message."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, (b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def chunked_app(
    chunks: Sequence[bytes],
    headers: Sequence[tuple[bytes, bytes]] = ((b"content-type", b"text/plain"),),
    status: int = 200,
) -> ASGIApp:
    """An app streaming `chunks` as separate body messages (the last has more_body=False)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        for index, chunk in enumerate(chunks):
            more = index < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    return app
