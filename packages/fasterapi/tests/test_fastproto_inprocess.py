"""The lean protocol against uvicorn's httptools path, in process (no sockets).

Each request is fed to both protocols through a fake transport; the scope the app sees,
the bytes written back (minus the `date` header) and whether the connection is kept open
must be the same. This pins the lean request-target split (done without
`httptools.parse_url` for an origin-form target) and the keep-alive decision.
"""

from __future__ import annotations

import asyncio
import re
import sys
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


class SharedLog(FakeTransport):
    """A fake transport that also notes its writes, in order, in a log shared by several."""

    def __init__(self, name: str, log: list[tuple[str, bytes]]) -> None:
        super().__init__()
        self.name = name
        self.log = log

    def write(self, data: bytes) -> None:
        super().write(data)
        self.log.append((self.name, data))

    def close(self) -> None:
        super().close()
        self.log.append((self.name, b"<close>"))


def lean_protocol(app: Any) -> tuple[Any, ServerState]:
    config = Config(app=app, http="httptools", access_log=False, log_level="warning")
    config.load()
    state = ServerState()
    protocol = LeanHttpToolsProtocol(config=config, server_state=state, app_state={})
    return protocol, state


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


def test_complete_keep_alive_answers_are_written_together_at_the_end_of_the_loop_turn() -> None:
    async def scenario() -> list[tuple[str, bytes]]:
        log: list[tuple[str, bytes]] = []
        protocols = []
        for name in ("a", "b"):
            protocol, _ = lean_protocol(answer_ok)
            protocol.connection_made(SharedLog(name, log))
            protocols.append(protocol)
        protocols[0].data_received(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
        protocols[1].data_received(b"GET /two HTTP/1.1\r\nHost: x\r\n\r\n")
        if sys.version_info >= (3, 12):  # eager: both apps have answered already
            assert log == []
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        written = list(log)
        for protocol in protocols:
            protocol.connection_lost(None)
        return written

    log = asyncio.run(scenario())
    assert [name for name, _ in log] == ["a", "b"]  # one write per response, in order
    assert log[0][1].endswith(b"\r\n\r\n/one")
    assert log[1][1].endswith(b"\r\n\r\n/two")


def test_a_closing_answer_is_written_at_once_and_before_the_close() -> None:
    async def scenario() -> list[tuple[str, bytes]]:
        log: list[tuple[str, bytes]] = []
        protocol, _ = lean_protocol(answer_ok)
        protocol.connection_made(SharedLog("a", log))
        protocol.data_received(b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        for _ in range(3):
            await asyncio.sleep(0)
        written = list(log)
        protocol.connection_lost(None)
        return written

    log = asyncio.run(scenario())
    assert [data == b"<close>" for _, data in log] == [False, True]
    assert log[0][1].startswith(b"HTTP/1.1 200 OK\r\n")


def test_pipelined_answers_keep_their_order() -> None:
    async def scenario() -> bytes:
        log: list[tuple[str, bytes]] = []
        protocol, _ = lean_protocol(answer_ok)
        transport = SharedLog("a", log)
        protocol.connection_made(transport)
        protocol.data_received(
            b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        for _ in range(10):
            await asyncio.sleep(0)
        protocol.connection_lost(None)
        return transport.written

    written = asyncio.run(scenario())
    assert re.findall(rb"\r\n\r\n(/\d)", written) == [b"/1", b"/2", b"/3"]


def test_shutdown_writes_an_answer_completed_in_the_same_turn_before_closing() -> None:
    async def scenario() -> list[tuple[str, bytes]]:
        log: list[tuple[str, bytes]] = []
        protocol, _ = lean_protocol(answer_ok)
        protocol.connection_made(SharedLog("a", log))
        protocol.data_received(b"GET /last HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in range(5):  # the app has answered (eagerly, or as a task)
            if protocol.cycle is not None and protocol.cycle.response_complete:
                break
            await asyncio.sleep(0)
        protocol.shutdown()  # uvicorn's graceful shutdown, in the same loop turn
        await asyncio.sleep(0)
        written = list(log)
        protocol.connection_lost(None)
        return written

    log = asyncio.run(scenario())
    assert [data == b"<close>" for _, data in log] == [False, True]
    assert log[0][1].endswith(b"/last")
