"""Shared machinery of the hostile-input suite.

Test modules here have no `__init__.py` and run with `--import-mode=importlib`, so they cannot
import this file; everything they share is a fixture:

* `guard(fn, *args, limit=10.0)`: run `fn` in a daemon thread and fail the test if it has not
  returned within `limit` seconds (a hang is a failure, never a frozen test run). Only this
  generous bound is asserted, never a fine-grained timing.
* `drive(app, ...)`: call an ASGI app directly with a scripted `receive` that counts its calls,
  and collect what it sends. This is how "the body was not read" is proven.
* `hostile_app`: a sample app written against the `FasterAPI` namespace, as a user would.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

DEFAULT_LIMIT = 10.0


def _guard(fn: Callable[..., Any], *args: Any, limit: float = DEFAULT_LIMIT, **kwargs: Any) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed back to the test thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="hostile-guard")
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        pytest.fail(f"{getattr(fn, '__name__', fn)!r} did not return within {limit} s (a hang)")
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture
def guard() -> Callable[..., Any]:
    """`guard(fn, *args, limit=10.0, **kwargs)`: `fn(...)`, failing the test if it hangs."""
    return _guard


@dataclass
class Sent:
    """What an app sent through one directly driven ASGI call."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    receive_calls: int = 0
    error: BaseException | None = None

    @property
    def status(self) -> int | None:
        for m in self.messages:
            if m["type"] == "http.response.start":
                return int(m["status"])
        return None

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        for m in self.messages:
            if m["type"] == "http.response.start":
                return list(m.get("headers", []))
        return []

    @property
    def body(self) -> bytes:
        return b"".join(
            m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"
        )


def http_scope(
    method: str = "GET",
    path: str = "/",
    headers: Iterable[tuple[bytes, bytes]] = (),
    query_string: bytes = b"",
    raw_path: bytes | None = None,
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": raw_path if raw_path is not None else path.encode("utf-8", "surrogateescape"),
        "root_path": "",
        "query_string": query_string,
        "headers": list(headers),
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


def _drive(
    app: Any,
    method: str = "GET",
    path: str = "/",
    *,
    headers: Iterable[tuple[bytes, bytes]] = (),
    chunks: Iterable[bytes] = (),
    query_string: bytes = b"",
    raw_path: bytes | None = None,
    disconnect: bool = True,
    limit: float = DEFAULT_LIMIT,
) -> Sent:
    """Run one HTTP request through `app` on a fresh event loop, inside `guard`.

    `chunks` are delivered one `http.request` message each, the last with `more_body=False`;
    when `disconnect` is true and the chunks are exhausted before the app is done with them
    (a truncated body), `receive` reports `http.disconnect`. The exception the app let escape,
    if any, is kept in `Sent.error` (an ASGI server would log it and close the connection).
    """
    parts = list(chunks)
    sent = Sent()
    scope = http_scope(method, path, headers, query_string, raw_path)

    async def receive() -> dict[str, Any]:
        sent.receive_calls += 1
        index = sent.receive_calls - 1
        if index < len(parts):
            more = index < len(parts) - 1
            return {"type": "http.request", "body": parts[index], "more_body": more}
        if not parts and index == 0:
            return {"type": "http.request", "body": b"", "more_body": False}
        if disconnect:
            return {"type": "http.disconnect"}
        await asyncio.sleep(3600)  # pragma: no cover - never reached within the guard
        raise AssertionError("unreachable")

    return _run(app, scope, receive, sent, limit)


def _drive_truncated(
    app: Any,
    method: str,
    path: str,
    *,
    headers: Iterable[tuple[bytes, bytes]] = (),
    chunks: Iterable[bytes] = (),
    limit: float = DEFAULT_LIMIT,
) -> Sent:
    """Like `drive`, but every chunk says `more_body=True`: then the client disconnects."""
    parts = list(chunks)
    sent = Sent()
    scope = http_scope(method, path, headers)

    async def receive() -> dict[str, Any]:
        sent.receive_calls += 1
        index = sent.receive_calls - 1
        if index < len(parts):
            return {"type": "http.request", "body": parts[index], "more_body": True}
        return {"type": "http.disconnect"}

    return _run(app, scope, receive, sent, limit)


def _run(
    app: Any,
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    sent: Sent,
    limit: float,
) -> Sent:
    """Run `app` on `scope` under the guard, recording into `sent` what it sends or raises."""

    async def send(message: dict[str, Any]) -> None:
        sent.messages.append(message)

    async def main() -> None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            sent.error = exc

    _guard(asyncio.run, main(), limit=limit)
    return sent


@pytest.fixture
def drive() -> Callable[..., Sent]:
    """`drive(app, method, path, headers=..., chunks=...) -> Sent` (see `_drive`)."""
    return _drive


@pytest.fixture
def drive_truncated() -> Callable[..., Sent]:
    """`drive_truncated(app, method, path, chunks=...)`: the body never ends; then a disconnect."""
    return _drive_truncated


def json_detail(body: bytes) -> Any:
    import json

    return json.loads(body)["detail"]


@pytest.fixture
def detail_of() -> Callable[[bytes], Any]:
    """The `detail` of a FastAPI-shaped error body (fails if the body is not that shape)."""
    return json_detail
