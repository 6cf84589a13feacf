"""`FasterAPI._protocol`: the httptools protocol with head limits, on a real socket.

Each test serves a small ASGI app with `LimitedHttpToolsProtocol` on 127.0.0.1 (a free
port chosen by the kernel) inside `asyncio.run`, talks raw HTTP to it, and stops it; every
wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import pickle
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

import FasterAPI
from FasterAPI import _protocol, _server
from FasterAPI._protocol import HeadLimits, LimitedHttpToolsProtocol

if TYPE_CHECKING:  # mypy names this folder's modules from the repository root
    from packages.fasterapi.tests import _sockets
    from packages.fasterapi.tests._sockets import HOST, read_all, run, statuses, stop
else:
    import _sockets  # on sys.path by conftest.py
    from _sockets import HOST, read_all, run, statuses, stop

GET = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
CLOSE = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class App:
    """`/slow` waits for `release`; WebSockets are accepted; anything else is a 200."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.accept"})
            await receive()
            return
        if scope["type"] != "http":
            return
        if scope["path"] == "/slow":
            await self.release.wait()
        body = b"ok"
        headers = [(b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@contextlib.asynccontextmanager
async def serving(
    app: App, limits: HeadLimits, limit_concurrency: int | None = None
) -> AsyncIterator[int]:
    config = Config(app=app, log_config=None, limit_concurrency=limit_concurrency)
    config.load()
    state = ServerState()
    factory = functools.partial(
        LimitedHttpToolsProtocol, config=config, server_state=state, app_state={}, limits=limits
    )
    server = await asyncio.get_running_loop().create_server(factory, HOST, 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        await stop(server, state, app.release)


# This suite reads a kept-alive connection's answer for 3 s (test_fastproto's 1.5 s default).
exchange = functools.partial(_sockets.exchange, wait=3.0)


SMALL = HeadLimits(max_header_bytes=1000, max_headers=10, header_timeout=5.0)


def test_requests_within_the_limits_are_served_and_kept_alive() -> None:
    headers = b"".join(b"X-%d: v\r\n" % i for i in range(8)) + b"X-A: " + b"a" * 800 + b"\r\n"
    head = b"GET / HTTP/1.1\r\nHost: t\r\n" + headers + b"\r\n"
    close = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"

    async def main() -> bytes:
        async with serving(App(), SMALL) as port:
            # Three requests on one connection: the counters start again for each head.
            return await exchange(port, head, head, close, pause=0.05)

    assert statuses(run(main())) == [200, 200, 200]


def test_a_large_body_does_not_count_against_the_next_head() -> None:
    post = b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + b"b" * 5000

    async def main() -> tuple[bytes, bytes]:
        async with serving(App(), SMALL) as port:
            pipelined = await exchange(port, post + post + CLOSE)
            one_by_one = await exchange(port, post, post, CLOSE, pause=0.05)
            return pipelined, one_by_one

    pipelined, one_by_one = run(main())
    assert statuses(pipelined) == [200, 200, 200]
    assert statuses(one_by_one) == [200, 200, 200]


def test_a_header_over_the_byte_limit_is_a_431_in_one_read() -> None:
    head = b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 1200 + b"\r\n\r\n"

    async def main() -> bytes:
        async with serving(App(), SMALL) as port:
            return await exchange(port, head)

    out = run(main())
    assert statuses(out) == [431]
    assert out.endswith(b"Request header fields too large.")
    assert b"connection: close" in out


def test_a_head_that_grows_past_the_limit_without_ending_is_a_431() -> None:
    async def main() -> bytes:
        async with serving(App(), SMALL) as port:
            parts = [b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: "] + [b"a" * 300] * 5
            return await exchange(port, *parts, pause=0.05)

    assert statuses(run(main())) == [431]


def test_too_many_headers_are_a_431_and_the_limit_itself_is_fine() -> None:
    def head(count: int) -> bytes:
        lines = b"".join(b"X-%d: v\r\n" % i for i in range(count - 1))
        return b"GET / HTTP/1.1\r\nHost: t\r\n" + lines + b"\r\n"

    async def main() -> tuple[bytes, bytes]:
        async with serving(App(), SMALL) as port:
            return await exchange(port, head(11), wait=2), await exchange(port, head(10), wait=0.5)

    over, at = run(main())
    assert statuses(over) == [431]
    assert statuses(at) == [200]


def test_an_overlong_target_is_a_414() -> None:
    async def main() -> bytes:
        async with serving(App(), SMALL) as port:
            return await exchange(port, b"GET /?" + b"q" * 1200 + b" HTTP/1.1\r\nHost: t\r\n\r\n")

    out = run(main())
    assert statuses(out) == [414]
    assert out.endswith(b"Request target too long.")


def test_other_parser_errors_are_still_uvicorns_400() -> None:
    async def main() -> bytes:
        async with serving(App(), SMALL) as port:
            return await exchange(port, b"GET / HTTP/1.1\r\nHo st: t\r\n\r\n")

    assert statuses(run(main())) == [400]


def test_an_incomplete_head_is_closed_with_408_after_the_header_timeout() -> None:
    limits = HeadLimits(header_timeout=0.2)

    async def main() -> tuple[bytes, bytes, bytes, float]:
        async with serving(App(), limits) as port:
            loop = asyncio.get_running_loop()
            start = loop.time()
            partial = await exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: a", wait=5)
            took = loop.time() - start
            silent = await exchange(port, wait=5)  # connected, never sent a byte
            # A kept-alive connection: one request, then a head that never ends.
            kept = await exchange(port, GET, b"GET / HTTP/1.1\r\nHo", pause=0.05, wait=5)
            return partial, silent, kept, took

    partial, silent, kept, took = run(main())
    assert statuses(partial) == [408]
    assert partial.endswith(b"Request header timeout.")
    assert took < 3
    assert silent == b""
    assert statuses(kept) == [200, 408]


def test_line_breaks_alone_do_not_keep_a_connection_open() -> None:
    async def main() -> bytes:
        async with serving(App(), HeadLimits(header_timeout=0.3)) as port:
            return await exchange(port, *[b"\r\n"] * 10, pause=0.1, wait=5)

    assert run(main()) == b""  # closed by the header timeout, no request was begun


def test_the_header_timeout_waits_for_a_response_in_progress() -> None:
    limits = HeadLimits(header_timeout=0.2)

    async def main() -> bytes:
        app = App()
        async with serving(app, limits) as port:
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHo")
            await asyncio.sleep(0.6)  # the timer fires (and waits) while /slow is running
            app.release.set()
            out = await read_all(reader, 5)
            writer.close()
            return out

    assert statuses(run(main())) == [200, 408]


def test_a_refused_pipelined_head_lets_the_response_in_progress_finish() -> None:
    big = b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 1200 + b"\r\n\r\n"

    async def main() -> bytes:
        app = App()
        async with serving(app, SMALL) as port:
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n" + big)
            await asyncio.sleep(0.2)
            app.release.set()
            out = await read_all(reader, 5)
            writer.close()
            return out

    out = run(main())
    assert statuses(out) == [200]  # then the connection closes, without a 431 mixed in
    assert out.endswith(b"ok")


def test_waiting_connections_do_not_count_against_limit_concurrency() -> None:
    async def main() -> tuple[list[int], list[int], list[int]]:
        app = App()
        async with serving(app, HeadLimits(), limit_concurrency=2) as port:
            held = [await asyncio.open_connection(HOST, port) for _ in range(5)]
            for _, writer in held[:2]:
                writer.write(b"GET / HTTP/1.1\r\nX-Slow: a")
            await asyncio.sleep(0.1)
            while_held = statuses(await exchange(port, CLOSE))
            slow_request = b"GET /slow HTTP/1.1\r\nConnection: close\r\n\r\n"
            slow = [asyncio.ensure_future(exchange(port, slow_request)) for _ in range(2)]
            await asyncio.sleep(0.2)
            over = statuses(await exchange(port, CLOSE))
            app.release.set()
            finished = [code for out in await asyncio.gather(*slow) for code in statuses(out)]
            for _, writer in held:
                writer.close()
            return while_held, over, finished

    while_held, over, finished = run(main())
    assert while_held == [200]  # 5 open connections, 0 requests in flight
    assert over == [503]  # 2 requests in flight: the limit
    assert finished == [200, 200]


def test_websocket_upgrades_still_work() -> None:
    pytest.importorskip("websockets")
    upgrade = (
        b"GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )

    async def main() -> bytes:
        async with serving(App(), HeadLimits(header_timeout=0.2)) as port:
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(upgrade)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            await asyncio.sleep(0.4)  # past the header timeout: it must not fire
            writer.close()
            return head

    assert run(main()).startswith(b"HTTP/1.1 101 ")


# --- version drift and the wiring in _server ----------------------------------------------


def test_the_installed_uvicorn_has_every_internal_we_hook() -> None:
    assert _protocol.missing_internals() == []


def test_missing_internals_names_what_is_gone() -> None:
    class Bare:
        def __init__(self) -> None:
            self.transport = None

    missing = _protocol.missing_internals(Bare)
    assert "Bare.on_headers_complete" in missing
    assert "self.url (set in on_message_begin)" in missing
    assert "self.limit_concurrency (set in __init__)" in missing
    assert "self.transport (set in __init__)" not in missing


def test_the_factory_pickles_for_worker_processes() -> None:
    limits = HeadLimits(max_header_bytes=2048, max_headers=20, header_timeout=3.0)
    factory = pickle.loads(pickle.dumps(_protocol.protocol_factory(limits)))
    assert isinstance(factory, functools.partial)
    assert factory.func is LimitedHttpToolsProtocol
    assert factory.keywords == {"limits": limits}


def test_serve_uses_the_limited_protocol_with_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **config: seen.append(config))
    options = _server.ServeOptions(max_header_bytes=4096, max_headers=30, header_timeout=2.5)
    _server._serve_uvicorn(_target(), options)
    http = seen[0]["http"]
    assert isinstance(http, functools.partial)
    assert http.keywords["limits"] == HeadLimits(4096, 30, 2.5)
    assert seen[0]["h11_max_incomplete_event_size"] == 4096
    assert seen[0]["limit_concurrency"] == _server.DEFAULT_LIMIT_CONCURRENCY


def test_without_httptools_h11_gets_the_byte_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **config: seen.append(config))
    monkeypatch.setattr(_server, "_installed", lambda module: False)
    _server._serve_uvicorn(_target(), _server.ServeOptions(max_header_bytes=8192))
    assert seen[0]["http"] == "h11"
    assert seen[0]["h11_max_incomplete_event_size"] == 8192


def test_drifted_uvicorn_falls_back_to_the_stock_protocol(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        _protocol, "missing_internals", lambda: ["HttpToolsProtocol.on_headers_complete"]
    )
    with caplog.at_level(logging.WARNING, logger="fasterapi.server"):
        assert _server.limited_httptools(_server.ServeOptions()) == "httptools"
    assert "HttpToolsProtocol.on_headers_complete" in caplog.text
    assert "stock httptools protocol" in caplog.text


def test_an_unimportable_protocol_module_falls_back_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(FasterAPI, "_protocol")
    monkeypatch.setitem(sys.modules, "FasterAPI._protocol", None)
    with caplog.at_level(logging.WARNING, logger="fasterapi.server"):
        assert _server.limited_httptools(_server.ServeOptions()) == "httptools"
    assert "FasterAPI._protocol" in caplog.text


def test_the_stock_class_is_what_we_extend() -> None:
    assert issubclass(LimitedHttpToolsProtocol, HttpToolsProtocol)


def _target() -> Any:
    from pathlib import Path

    from FasterAPI._discovery import AppTarget

    return AppTarget(module="main", attr="app", app_dir=Path("/srv/app"), app=object())
