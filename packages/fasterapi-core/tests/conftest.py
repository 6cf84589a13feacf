"""Shared fixtures for the core tests: a raw ASGI driver for what a test client cannot fake."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

Message = dict[str, Any]


class RawResult:
    """What the app sent for one raw ASGI call."""

    def __init__(self, messages: list[Message]) -> None:
        self.messages = messages

    @property
    def status(self) -> int | None:
        for message in self.messages:
            if message["type"] == "http.response.start":
                status: int = message["status"]
                return status
        return None

    @property
    def headers(self) -> dict[str, str]:
        for message in self.messages:
            if message["type"] == "http.response.start":
                return {k.decode(): v.decode() for k, v in message["headers"]}
        return {}

    @property
    def body(self) -> bytes:
        return b"".join(
            m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"
        )


RawCall = Callable[..., RawResult]


def _scope(
    method: str,
    path: str,
    query: bytes,
    headers: Sequence[tuple[bytes, bytes]],
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        **extra,
    }


@pytest.fixture
def raw() -> RawCall:
    """Call an ASGI app directly: `raw(app, "GET", "/x", body_messages=[...])`."""

    def call(
        app: Any,
        method: str = "GET",
        path: str = "/",
        *,
        query: bytes = b"",
        headers: Sequence[tuple[bytes, bytes]] = (),
        messages: Sequence[Message] | None = None,
        **extra: Any,
    ) -> RawResult:
        incoming = (
            list(messages)
            if messages is not None
            else [{"type": "http.request", "body": b"", "more_body": False}]
        )
        sent: list[Message] = []

        async def receive() -> Message:
            if incoming:
                return incoming.pop(0)
            await asyncio.sleep(0)
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)

        asyncio.run(app(_scope(method, path, query, headers, extra), receive, send))
        return RawResult(sent)

    return call
