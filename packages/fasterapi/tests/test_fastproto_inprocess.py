"""The lean protocol against uvicorn's httptools path, in process (no sockets).

Each request is fed to both protocols through a fake transport; the scope the app sees,
the bytes written back (minus the `date` header) and whether the connection is kept open
must be the same. This pins the lean request-target split (done without
`httptools.parse_url` for an origin-form target) and the keep-alive decision.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from FasterAPI._fastproto import LeanHttpToolsProtocol

Scope = dict[str, Any]
KEYS = ("method", "path", "raw_path", "query_string", "http_version")


class FakeTransport:
    def __init__(self) -> None:
        self.written = b""
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def serve(lean: bool, request: bytes) -> tuple[list[tuple[Any, ...]], bytes, bool]:
    seen: list[tuple[Any, ...]] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        seen.append(tuple(scope[key] for key in KEYS))
        body = b"ok"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    config = Config(app=app, http="httptools", access_log=False, log_level="warning")
    config.load()
    state = ServerState()
    protocol: Any = (LeanHttpToolsProtocol if lean else HttpToolsProtocol)(
        config=config, server_state=state, app_state={}
    )
    transport = FakeTransport()
    protocol.connection_made(transport)
    protocol.data_received(request)
    for _ in range(5):  # uvicorn's path runs the app in a task
        await asyncio.sleep(0)
    protocol.connection_lost(None)
    written = re.sub(rb"date: [^\r]*\r\n", b"", transport.written)
    return seen, written, transport.closed


TARGETS = [
    b"/health",
    b"/",
    b"/?",
    b"/a?b?c",
    b"/a?b=1&c=%20d",
    b"/a%20b/%7Ec",
    b"//double//slash",
    b"/p#fragment",
    b"/p?q=1#fragment",
    b"http://example.com/x?y=1",
    b"http://example.com",
]


@pytest.mark.parametrize("target", TARGETS, ids=[t.decode() for t in TARGETS])
def test_the_target_is_split_as_uvicorn_splits_it(target: bytes) -> None:
    request = b"GET " + target + b" HTTP/1.1\r\nHost: example.com\r\n\r\n"
    lean = asyncio.run(serve(True, request))
    stock = asyncio.run(serve(False, request))
    # an absolute target without a path is a 400 from both
    assert bool(lean[0]) is (target != b"http://example.com")
    assert lean == stock


HEADS = {
    "1.1": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "1.1 close": b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "1.1 keep-alive": b"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
    "1.0": b"GET / HTTP/1.0\r\nHost: x\r\n\r\n",
    "1.0 keep-alive": b"GET / HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
    "1.0 proxy keep-alive": b"GET / HTTP/1.0\r\nHost: x\r\nProxy-Connection: keep-alive\r\n\r\n",
    "OPTIONS *": b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    "HEAD": b"HEAD /h?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
    "custom method": b"PURGE /cache HTTP/1.1\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("name", HEADS)
def test_method_version_and_keep_alive_are_uvicorns(name: str) -> None:
    lean = asyncio.run(serve(True, HEADS[name]))
    stock = asyncio.run(serve(False, HEADS[name]))
    assert lean[0], "the app was not called"
    assert lean == stock


def test_the_answer_is_written_before_the_apps_work_after_it() -> None:
    """Work an app does after its response (a background task) never holds the answer back.

    Writing answers later, batched at the end of the event loop's turn, saved ~0.3 us of
    server CPU per request on loopback; it was dropped because an async background task that
    blocks would then hold its request's answer (and the batch's) until it finished.
    """
    seen_after_send: list[bytes] = []

    async def scenario() -> None:
        transport = FakeTransport()

        async def app(scope: Scope, receive: Any, send: Any) -> None:
            await answer_ok(scope, receive, send)
            seen_after_send.append(transport.written)  # the "background task"

        config = Config(app=app, http="httptools", access_log=False, log_level="warning")
        config.load()
        protocol: Any = LeanHttpToolsProtocol(
            config=config, server_state=ServerState(), app_state={}
        )
        protocol.connection_made(transport)
        protocol.data_received(b"GET /done HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in range(3):
            await asyncio.sleep(0)
        protocol.connection_lost(None)

    asyncio.run(scenario())
    assert len(seen_after_send) == 1
    assert seen_after_send[0].endswith(b"\r\n\r\n/done")


async def answer_ok(scope: Scope, receive: Any, send: Any) -> None:
    body = scope["path"].encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
