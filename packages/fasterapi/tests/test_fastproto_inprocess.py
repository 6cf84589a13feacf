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
KEYS = ("method", "path", "raw_path", "query_string", "http_version", "scheme", "client")


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


async def serve(
    lean: bool, request: bytes, piece: int = 0, **options: Any
) -> tuple[list[tuple[Any, ...]], bytes, bool]:
    """Feed `request` (in reads of `piece` bytes, or one read) to a lean or a stock protocol."""
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

    config = Config(app=app, http="httptools", access_log=False, log_level="warning", **options)
    config.load()
    state = ServerState()
    protocol: Any = (LeanHttpToolsProtocol if lean else HttpToolsProtocol)(
        config=config, server_state=state, app_state={}
    )
    transport = FakeTransport()
    protocol.connection_made(transport)
    for start in range(0, len(request), piece or len(request)):
        protocol.data_received(request[start : start + (piece or len(request))])
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
    "1.0 close": b"GET / HTTP/1.0\r\nHost: x\r\nConnection: close\r\n\r\n",
    "1.1 proxy close": b"GET / HTTP/1.1\r\nHost: x\r\nProxy-Connection: close\r\n\r\n",
    "1.1 CLOSE in capitals": b"GET / HTTP/1.1\r\nHost: x\r\nCONNECTION: CLOSE\r\n\r\n",
    "1.1 close among tokens": b"GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n",
    "1.1 upgrade token, no Upgrade": b"GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n\r\n",
    "1.1 Keep-Alive header only": b"GET / HTTP/1.1\r\nHost: x\r\nKeep-Alive: timeout=5\r\n\r\n",
    "0.9": b"GET / HTTP/0.9\r\nHost: x\r\n\r\n",
    "2.0": b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
    "2.0 keep-alive": b"GET / HTTP/2.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
    "OPTIONS *": b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    "HEAD": b"HEAD /h?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
    "custom method": b"PURGE /cache HTTP/1.1\r\nHost: x\r\n\r\n",
}


def assert_served_as_uvicorn_serves(request: bytes, piece: int = 0, **options: Any) -> None:
    """The app sees the same scope, the client the same bytes, from both protocols."""
    lean = asyncio.run(serve(True, request, piece, **options))
    stock = asyncio.run(serve(False, request, piece, **options))
    assert lean[0], "the app was not called"
    assert lean == stock


@pytest.mark.parametrize("name", HEADS)
def test_method_version_and_keep_alive_are_uvicorns(name: str) -> None:
    assert_served_as_uvicorn_serves(HEADS[name])


@pytest.mark.parametrize("name", ["1.1", "1.0 keep-alive", "1.1 close", "HEAD"])
@pytest.mark.parametrize("piece", [1, 7])
def test_a_head_arriving_in_pieces_is_read_as_uvicorn_reads_it(name: str, piece: int) -> None:
    """The lean protocol begins a message at its target (no `on_message_begin` callback):
    a target, a header or a version split over reads must come out whole."""
    request = HEADS[name].replace(b" HTTP", b"/some/longer/path?with=query HTTP", 1)
    assert_served_as_uvicorn_serves(request, piece)


FORWARDED = {
    "both": b"X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n",
    "for only, capitals": b"X-FORWARDED-FOR: 203.0.113.9, 10.0.0.2\r\n",
    "proto only": b"x-forwarded-proto: wss\r\n",
    "neither": b"X-Forwarded-Host: example.com\r\n",
}


@pytest.mark.parametrize("name", FORWARDED)
@pytest.mark.parametrize("allowed", ["127.0.0.1", "10.9.9.9"])
def test_forwarded_headers_are_applied_as_uvicorn_applies_them(name: str, allowed: str) -> None:
    """The lean protocol scans for X-Forwarded-* only when `on_header` saw one."""
    request = b"GET /f HTTP/1.1\r\nHost: x\r\n" + FORWARDED[name] + b"\r\n"
    assert_served_as_uvicorn_serves(request, proxy_headers=True, forwarded_allow_ips=allowed)


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
