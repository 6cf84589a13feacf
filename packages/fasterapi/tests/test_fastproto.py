"""`FasterAPI._fastproto`: the lean httptools protocol, on real sockets and a fake transport.

Most behaviour is checked by sending the same bytes to `LeanHttpToolsProtocol` and to
`LimitedHttpToolsProtocol` (uvicorn's own request path plus our head limits) and asserting
the same answer, byte for byte (the `date` value aside). Hostile inputs must each get a
4xx or a close (never a 500, a hang or a crash) and leave the server answering. Every wait
is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import pickle
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from FasterAPI import BackgroundTasks, FastAPI, _fastproto, _server
from FasterAPI._fastproto import LeanHttpToolsProtocol
from FasterAPI._protocol import HeadLimits, LimitedHttpToolsProtocol

if TYPE_CHECKING:  # mypy names this folder's modules from the repository root
    from packages.fasterapi.tests._sockets import HOST, exchange, read_all, run, statuses, stop
else:
    from _sockets import HOST, exchange, read_all, run, statuses, stop  # on sys.path by conftest.py

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
LIMITS = HeadLimits(max_header_bytes=2000, max_headers=20, header_timeout=5.0)
VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


async def respond(send: Send, status: int, body: bytes, *extra: tuple[bytes, bytes]) -> None:
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *extra]})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return body
        body += bytes(message["body"])
        if not message["more_body"]:
            return body


class App:
    """One behaviour per path (see `__call__`); `events` records what the app saw."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.events: list[Any] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.send", "text": "hello"})
            await receive()
            return
        if scope["type"] != "http":
            return
        path = scope["path"].removeprefix(scope["root_path"])
        if path == "/echo":
            body = await read_body(receive)
            await respond(send, 200, b"%d:%s" % (len(body), body[:40]))
        elif path == "/slow-echo":  # reads its body slowly (flow control)
            size = 0
            while True:
                message = await receive()
                size += len(message.get("body", b""))
                await asyncio.sleep(0.001)
                if not message.get("more_body"):
                    break
            await respond(send, 200, b"%d" % size)
        elif path == "/scope":
            keys = ("path", "raw_path", "query_string", "root_path", "scheme", "http_version")
            text = " ".join(f"{k}={scope[k]!r}" for k in keys)
            text += f" client={scope['client'][0]} method={scope['method']}"
            await respond(send, 200, text.encode())
        elif path == "/stream":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            for piece in (b"one", b"", b"two"):
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        elif path == "/no-content":
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        elif path == "/raise":
            raise ValueError("boom")
        elif path == "/raise-after-start":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise ValueError("late boom")
        elif path == "/raise-after-head":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"9")],
                }
            )
            raise ValueError("boom after the head")
        elif path == "/nothing":
            return
        elif path == "/half":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"9")],
                }
            )
            await send({"type": "http.response.body", "body": b"abc", "more_body": True})
        elif path == "/bad-header":
            await respond(send, 200, b"x", (b"x-bad", b"a\r\nInjected: yes"))
        elif path == "/bad-name":
            await respond(send, 200, b"x", (b"x bad", b"v"))
        elif path == "/too-long":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"2")],
                }
            )
            await send({"type": "http.response.body", "body": b"abc"})
        elif path == "/mixed-case":
            await respond(send, 200, b"m", (b"X-Mixed", b"Yes"), (b"Connection", b"close"))
        elif path == "/bytearray":
            headers = [(bytearray(b"content-length"), bytearray(b"2"))]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"ba"})
        elif path == "/slow":
            await self.release.wait()
            await respond(send, 200, b"slow")
        elif path == "/disconnect":
            self.events.append(await receive())
            self.events.append(await receive())
        elif path == "/task":
            task = asyncio.current_task()
            await asyncio.wait_for(asyncio.sleep(0), 5)  # needs a current task on 3.12+
            VAR.set("set by the app")
            await respond(send, 200, b"task=%d" % (task is not None))
        elif path == "/var":
            await respond(send, 200, VAR.get().encode())
        elif path == "/big":
            body = b"b" * 200_000
            await respond(send, 200, body)
        else:
            await respond(send, 200, b"ok")


@contextlib.asynccontextmanager
async def serving(
    cls: type[LimitedHttpToolsProtocol],
    app: App | None = None,
    limits: HeadLimits = LIMITS,
    **config_options: Any,
) -> AsyncIterator[tuple[int, ServerState]]:
    app = app or App()
    config_options.setdefault("proxy_headers", False)
    config = Config(app=app, log_config=None, **config_options)
    config.load()
    state = ServerState()
    state.default_headers = [(b"date", b"Tue, 24 Nov 2026 07:00:00 GMT"), (b"server", b"uvicorn")]
    factory = functools.partial(cls, config=config, server_state=state, app_state={}, limits=limits)
    server = await asyncio.get_running_loop().create_server(factory, HOST, 0)
    try:
        yield int(server.sockets[0].getsockname()[1]), state
    finally:
        await stop(server, state, app.release)


def both(*parts: bytes, pause: float = 0.0, wait: float = 1.5, **options: Any) -> list[bytes]:
    """The raw answers of the stock-path and the lean protocol to the same bytes."""

    async def main() -> list[bytes]:
        answers = []
        for cls in (LimitedHttpToolsProtocol, LeanHttpToolsProtocol):
            async with serving(cls, **options) as (port, _):
                answers.append(await exchange(port, *parts, pause=pause, wait=wait))
        return answers

    return list(run(main()))


def get(path: str, *headers: str, method: str = "GET", version: str = "1.1") -> bytes:
    lines = [f"{method} {path} HTTP/{version}", "Host: t", *headers, "", ""]
    return "\r\n".join(lines).encode()


SAME_AS_UVICORN = {
    "get keep-alive twice": (get("/") + get("/?a=1"),),
    "head": (get("/", method="HEAD"),),
    "http/1.0": (get("/", version="1.0"),),
    "connection close": (get("/", "Connection: close"),),
    "post content-length": (get("/echo", "Content-Length: 5", method="POST") + b"hello",),
    "post chunked": (
        get("/echo", "Transfer-Encoding: chunked", method="POST")
        + b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    ),
    "body in pieces": (get("/echo", "Content-Length: 10", method="POST"), b"01234", b"56789"),
    "pipelined": (get("/") + get("/echo", "Content-Length: 2", method="POST") + b"hi" + get("/x"),),
    "streaming": (get("/stream"),),
    "streaming head": (get("/stream", method="HEAD"),),
    "no content": (get("/no-content"),),
    "expect 100-continue": (
        get("/echo", "Content-Length: 4", "Expect: 100-continue", method="POST"),
        b"body",
    ),
    "scope": (get("/scope/../scope?x=%20y"),),
    "percent path": (get("/%73cope"),),
    "app raises": (get("/raise") + get("/"),),
    "app raises after a chunked start": (get("/raise-after-start"),),
    "app returns nothing": (get("/nothing"),),
    "app leaves a response half done": (get("/half"),),
    "mixed-case headers": (get("/mixed-case") + get("/"),),
    "bytearray headers": (get("/bytearray"),),
    "big body": (get("/big"),),
    "unsupported upgrade": (get("/", "Connection: Upgrade", "Upgrade: h2c") + get("/x"),),
    "chunked with trailers": (
        get("/echo", "Transfer-Encoding: chunked", method="POST")
        + b"3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"
        + get("/"),
    ),
    "garbage": (b"\x00\x01garbage\r\n\r\n",),
    "bad chunk size": (get("/echo", "Transfer-Encoding: chunked", method="POST") + b"zz\r\n",),
    "negative content-length": (get("/echo", "Content-Length: -5", method="POST") + b"hello",),
    "duplicate content-length": (
        get("/echo", "Content-Length: 2", "Content-Length: 3", method="POST") + b"abc",
    ),
    "body longer than declared": (get("/echo", "Content-Length: 2", method="POST") + b"abcdef",),
    "good then garbage": (get("/") + b"NOT HTTP AT ALL\r\n\r\n",),
    "target over the limit": (get("/" + "a" * 3000),),
    "head over the limit": (get("/", *[f"X-H{i}: {'v' * 100}" for i in range(25)]),),
    "too many headers": (get("/", *[f"X-H{i}: v" for i in range(21)]),),
}


def normalised(raw: bytes) -> bytes:
    return re.sub(rb"date: [^\r]*", b"date: D", raw)


@pytest.mark.parametrize("parts", list(SAME_AS_UVICORN.values()), ids=list(SAME_AS_UVICORN))
def test_answers_byte_for_byte_what_uvicorns_request_path_answers(parts: tuple[bytes, ...]) -> None:
    stock, lean = both(*parts, pause=0.05)
    assert stock  # the scenario produced an answer at all
    assert normalised(lean) == normalised(stock)


def test_the_default_headers_are_uvicorns_date_and_server() -> None:
    _, lean = both(get("/"))
    head = lean.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert head[:3] == [
        b"HTTP/1.1 200 OK",
        b"date: Tue, 24 Nov 2026 07:00:00 GMT",
        b"server: uvicorn",
    ]


def test_hostile_inputs_get_a_4xx_or_a_close_and_the_server_answers_after() -> None:
    attacks = {
        "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" * 50,
        "bad chunk": get("/echo", "Transfer-Encoding: chunked", method="POST") + b"-1\r\nx\r\n",
        "huge chunk": get("/echo", "Transfer-Encoding: chunked", method="POST")
        + b"f" * 40
        + b"\r\n",
        "neg length": get("/echo", "Content-Length: -1", method="POST"),
        "two lengths": get("/echo", "Content-Length: 1", "Content-Length: 2", method="POST"),
        "length and chunked": get(
            "/echo", "Content-Length: 3", "Transfer-Encoding: chunked", method="POST"
        )
        + b"0\r\n\r\n",
        "bad version": b"GET / HTTP/9.9\r\nHost: t\r\n\r\n",
        "space in name": b"GET / HTTP/1.1\r\nHo st: t\r\n\r\n",
        "nul in target": b"GET /\x00 HTTP/1.1\r\nHost: t\r\n\r\n",
        "oversized head": get("/", "X-Big: " + "v" * 5000),
        "bare LF flood": b"\n" * 100_000,
    }

    async def main() -> dict[str, bytes]:
        answers = {}
        async with serving(LeanHttpToolsProtocol) as (port, _):
            for name, attack in attacks.items():
                answers[name] = await exchange(port, attack, wait=0.7)
            answers["after"] = await exchange(port, get("/", "Connection: close"))
        return answers

    answers = run(main())
    for name, raw in answers.items():
        if name == "after":
            continue
        codes = statuses(raw)
        assert all(400 <= code < 500 for code in codes), (name, raw[:200])
    assert statuses(answers["after"]) == [200]


def test_a_pipelining_flood_is_answered_in_order() -> None:
    count = 2000
    flood = b"".join(get(f"/n{i}") for i in range(count)) + get("/last", "Connection: close")

    async def main() -> bytes:
        async with serving(LeanHttpToolsProtocol, limits=HeadLimits(header_timeout=5.0)) as (
            port,
            _,
        ):
            return await exchange(port, flood, wait=10)

    raw = run(main())
    assert statuses(raw) == [200] * (count + 1)
    assert raw.endswith(b"ok")


def test_a_large_body_is_read_with_flow_control_while_the_app_is_slow() -> None:
    size = 3_000_000
    request = get("/slow-echo", f"Content-Length: {size}", method="POST") + b"x" * size

    async def main() -> bytes:
        async with serving(LeanHttpToolsProtocol) as (port, _):
            return await exchange(port, request, wait=10)

    raw = run(main())
    assert statuses(raw) == [200]
    assert raw.endswith(b"\r\n\r\n%d" % size)


def test_a_client_that_goes_away_is_told_http_disconnect() -> None:
    app = App()

    async def main() -> None:
        async with serving(LeanHttpToolsProtocol, app) as (port, _):
            _, writer = await asyncio.open_connection(HOST, port)
            writer.write(get("/disconnect", "Content-Length: 2", method="POST") + b"hi")
            await writer.drain()
            await asyncio.sleep(0.1)
            writer.close()
            for _ in range(100):
                if len(app.events) == 2:
                    break
                await asyncio.sleep(0.02)

    run(main())
    assert app.events == [
        {"type": "http.request", "body": b"hi", "more_body": False},
        {"type": "http.disconnect"},
    ]


def test_the_app_runs_in_a_task_with_its_own_context() -> None:
    async def main() -> bytes:
        async with serving(LeanHttpToolsProtocol) as (port, _):
            return await exchange(port, get("/task") + get("/var", "Connection: close"))

    raw = run(main())
    assert raw.count(b"HTTP/1.1 200 OK") == 2
    assert b"task=1" in raw
    stock, lean = both(get("/task") + get("/var", "Connection: close"))
    assert normalised(lean) == normalised(stock)  # contextvars behave as under uvicorn


@pytest.mark.parametrize("path", ["/raise-after-head", "/bad-header", "/bad-name", "/too-long"])
def test_an_app_failing_before_its_head_was_written_gets_a_clean_500(path: str) -> None:
    # uvicorn's path has written the head (or nothing) and closes; ours has not written
    # anything yet and can still answer properly.
    stock, lean = both(get(path) + get("/"))
    assert statuses(stock) in ([], [200])
    assert statuses(lean) == [500]
    assert lean.endswith(b"connection: close\r\n\r\nInternal Server Error")
    assert b"content-length: 9" not in lean
    assert b"Injected" not in lean


def test_exceptions_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> bytes:
        async with serving(LeanHttpToolsProtocol) as (port, _):
            return await exchange(port, get("/raise"))

    with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
        raw = run(main())
    assert statuses(raw) == [500]
    assert "Exception in ASGI application" in caplog.text
    assert "boom" in caplog.text


def test_root_path_and_forwarded_headers_from_a_trusted_proxy() -> None:
    request = get("/scope", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Proto: https")
    options: dict[str, Any] = {
        "root_path": "/api",
        "proxy_headers": True,
        "forwarded_allow_ips": "127.0.0.1",
    }
    stock, lean = both(request, **options)
    assert normalised(lean) == normalised(stock)
    assert b"scheme='https'" in lean
    assert b"client=203.0.113.9" in lean
    assert b"path='/api/scope'" in lean
    assert b"raw_path=b'/api/scope'" in lean


def test_forwarded_headers_from_an_untrusted_peer_are_ignored() -> None:
    request = get("/scope", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Proto: https")
    options: dict[str, Any] = {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.1"}
    stock, lean = both(request, **options)
    assert normalised(lean) == normalised(stock)
    assert b"scheme='http'" in lean
    assert b"client=127.0.0.1" in lean


def test_limit_concurrency_counts_requests_in_flight() -> None:
    app = App()

    async def main() -> tuple[bytes, bytes, bytes]:
        async with serving(LeanHttpToolsProtocol, app, limit_concurrency=1) as (port, _):
            slow = asyncio.ensure_future(exchange(port, get("/slow", "Connection: close"), wait=3))
            await asyncio.sleep(0.2)
            busy = await exchange(port, get("/", "Connection: close"))
            app.release.set()
            slow_raw = await slow
            after = await exchange(port, get("/", "Connection: close"))
            return busy, slow_raw, after

    busy, slow_raw, after = run(main())
    assert statuses(busy) == [503]
    assert statuses(slow_raw) == [200]
    assert statuses(after) == [200]


def test_an_idle_connection_does_not_count_against_limit_concurrency() -> None:
    async def main() -> bytes:
        async with serving(LeanHttpToolsProtocol, limit_concurrency=1) as (port, _):
            _, idle = await asyncio.open_connection(HOST, port)
            try:
                return await exchange(port, get("/", "Connection: close"))
            finally:
                idle.close()

    assert statuses(run(main())) == [200]


def test_an_incomplete_head_is_closed_with_408_after_the_header_timeout() -> None:
    async def main() -> tuple[bytes, bytes, bytes]:
        limits = HeadLimits(header_timeout=0.3)
        async with serving(LeanHttpToolsProtocol, limits=limits) as (port, _):
            loris = await exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\nX-A: ", wait=2)
            # a head begun before its target (a message begins at its target here)
            method_only = await exchange(port, b"GE", wait=2)
            silent = await exchange(port, b"", wait=2)
            return loris, method_only, silent

    loris, method_only, silent = run(main())
    assert statuses(loris) == [408]
    assert statuses(method_only) == [408]
    assert silent == b""


def test_an_idle_keep_alive_connection_is_closed_after_the_timeout() -> None:
    async def main() -> tuple[bytes, float]:
        async with serving(LeanHttpToolsProtocol, timeout_keep_alive=1) as (port, _):
            loop = asyncio.get_running_loop()
            start = loop.time()
            raw = await exchange(port, get("/"), wait=4)
            return raw, loop.time() - start

    raw, took = run(main())
    assert statuses(raw) == [200]
    assert took < 3.5  # closed by the server, not by read_all giving up


def test_a_busy_keep_alive_connection_stays_open_past_the_timeout() -> None:
    async def main() -> bytes:
        async with serving(LeanHttpToolsProtocol, timeout_keep_alive=1) as (port, _):
            return await exchange(port, *[get("/")] * 6, get("/", "Connection: close"), pause=0.4)

    assert statuses(run(main())) == [200] * 7


def test_shutdown_closes_idle_connections_and_lets_a_response_finish() -> None:
    app = App()

    async def main() -> tuple[bytes, bytes]:
        async with serving(LeanHttpToolsProtocol, app) as (port, state):
            idle_reader, idle = await asyncio.open_connection(HOST, port)
            idle.write(get("/"))
            await idle.drain()
            busy = asyncio.ensure_future(exchange(port, get("/slow"), wait=3))
            await asyncio.sleep(0.2)
            for connection in list(state.connections):
                connection.shutdown()
            app.release.set()
            idle_raw = await read_all(idle_reader, 2)
            idle.close()
            return idle_raw, await busy

    idle_raw, busy_raw = run(main())
    assert statuses(idle_raw) == [200]  # then closed (read_all saw EOF)
    assert statuses(busy_raw) == [200]
    assert b"connection: close" in busy_raw


def test_websocket_upgrades_are_handed_to_uvicorns_websocket_protocol() -> None:
    request = get(
        "/ws",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    )

    async def main() -> bytes:
        async with serving(LeanHttpToolsProtocol) as (port, _):
            return await exchange(port, request, wait=1)

    raw = run(main())
    assert raw.startswith(b"HTTP/1.1 101 ")
    assert b"hello" in raw


def test_the_access_log_line_is_uvicorns(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("uvicorn.access")
    handler = logging.NullHandler()
    logger.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            both(get("/a%20b?q=1", "Connection: close"))
    finally:
        logger.removeHandler(handler)
    lines = [
        re.sub(r":\d+ ", ":PORT ", r.getMessage())
        for r in caplog.records
        if r.name == "uvicorn.access"
    ]
    assert len(lines) == 2
    assert lines[0] == lines[1]
    assert lines[1] == '127.0.0.1:PORT - "GET /a%20b?q=1 HTTP/1.1" 200'


# --- unit level: a fake transport -------------------------------------------------------


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False
        self.reading = True

    def write(self, data: bytes) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        extra = {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 5555)}
        return extra.get(name, default)

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True


def make_protocol(app: Any) -> tuple[LeanHttpToolsProtocol, FakeTransport]:
    config = Config(app=app, log_config=None, proxy_headers=False)
    config.load()
    state = ServerState()
    state.default_headers = [(b"server", b"uvicorn")]
    protocol = LeanHttpToolsProtocol(config=config, server_state=state, app_state={})
    transport = FakeTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, transport


def test_a_response_with_a_length_is_one_write() -> None:
    async def main() -> list[bytes]:
        protocol, transport = make_protocol(App())
        protocol.data_received(get("/"))
        await asyncio.sleep(0.01)
        return transport.written

    written = run(main())
    assert len(written) == 1
    assert written[0].startswith(b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\n")
    assert written[0].endswith(b"\r\n\r\nok")


def test_a_large_body_is_written_after_its_head_not_copied() -> None:
    async def main() -> list[bytes]:
        protocol, transport = make_protocol(App())
        protocol.data_received(get("/big"))
        await asyncio.sleep(0.01)
        return transport.written

    written = run(main())
    assert [len(w) for w in written][1:] == [200_000]
    assert written[0].endswith(b"\r\n\r\n")


def test_a_body_beyond_the_high_water_mark_pauses_reading_until_the_app_reads() -> None:
    from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT

    app = App()

    async def main() -> tuple[bool, bool, list[bytes]]:
        protocol, transport = make_protocol(app)
        size = HIGH_WATER_LIMIT * 2
        protocol.data_received(get("/slow", f"Content-Length: {size}", method="POST"))
        protocol.data_received(b"x" * (HIGH_WATER_LIMIT + 1))
        paused = not transport.reading
        app.release.set()  # /slow answers without reading: the rest is never needed
        await asyncio.sleep(0.05)
        return paused, transport.reading, transport.written

    paused, reading, written = run(main())
    assert paused
    assert reading
    assert written[0].startswith(b"HTTP/1.1 200 OK")


def test_header_lines_are_checked_every_time_even_when_remembered() -> None:
    _fastproto._LINES.clear()
    assert _fastproto._line(b"Content-Length", b"12") == (b"content-length: 12\r\n", 1, 12)
    assert _fastproto._LINES[(b"Content-Length", b"12")][0] == b"content-length: 12\r\n"
    assert _fastproto._line(b"Connection", b"keep-alive, Close")[1] == _fastproto._CLOSE
    assert _fastproto._line(b"transfer-encoding", b"CHUNKED")[1] == _fastproto._CHUNKED
    with pytest.raises(RuntimeError, match="value"):
        _fastproto._line(b"x", b"a\nb")
    with pytest.raises(RuntimeError, match="name"):
        _fastproto._line(b"x:y", b"v")
    assert (b"x", b"a\nb") not in _fastproto._LINES
    long_value = b"v" * (_fastproto._LINE_VALUE_MAX + 1)
    _fastproto._line(b"x-long", long_value)
    assert (b"x-long", long_value) not in _fastproto._LINES


def test_the_remembered_lines_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fastproto, "_LINES_MAX", 10)
    _fastproto._LINES.clear()
    for i in range(25):
        _fastproto._line(b"x-id", str(i).encode())
    assert len(_fastproto._LINES) <= 10


def test_the_signal_wakes_every_waiter() -> None:
    async def main() -> list[str]:
        signal = _fastproto._Signal(asyncio.get_running_loop())
        seen: list[str] = []

        async def waiter(name: str) -> None:
            await signal.wait()
            seen.append(name)

        tasks = [asyncio.ensure_future(waiter(n)) for n in "ab"]
        await asyncio.sleep(0.01)
        assert not seen
        signal.set()
        await asyncio.gather(*tasks)
        assert signal.is_set()
        signal.clear()
        assert not signal.is_set()
        return seen

    assert sorted(run(main())) == ["a", "b"]


# --- selection --------------------------------------------------------------------------


def _target() -> Any:
    from pathlib import Path

    from FasterAPI._discovery import AppTarget

    return AppTarget(module="main", attr="app", app_dir=Path("/srv/app"), app=object())


def _served_http(monkeypatch: pytest.MonkeyPatch, **options: Any) -> Any:
    import uvicorn

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **config: seen.append(config))
    _server._serve_uvicorn(_target(), _server.ServeOptions(**options))
    return seen[0]["http"]


def test_the_lean_protocol_is_the_default_with_the_head_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    http = _served_http(monkeypatch, max_header_bytes=4096, max_headers=30, header_timeout=2.5)
    assert http.func is LeanHttpToolsProtocol
    assert http.keywords == {"limits": HeadLimits(4096, 30, 2.5)}


def test_http_httptools_selects_uvicorns_request_path(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _served_http(monkeypatch, http="httptools").func is LimitedHttpToolsProtocol


def test_a_drifted_uvicorn_falls_back_from_lean_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_fastproto, "missing_internals", lambda: ["self.pipeline"])
    with caplog.at_level(logging.WARNING, logger="fasterapi.server"):
        http = _served_http(monkeypatch)
    assert http.func is LimitedHttpToolsProtocol
    assert "self.pipeline" in caplog.text


def test_without_httptools_the_server_warns_and_uses_h11(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_server, "_installed", lambda module: False)
    with caplog.at_level(logging.WARNING, logger="fasterapi.server"):
        assert _served_http(monkeypatch) == "h11"
    assert "httptools is not installed" in caplog.text


def test_the_installed_uvicorn_has_every_internal_the_lean_protocol_uses() -> None:
    assert _fastproto.missing_internals() == []


def test_the_lean_factory_pickles_for_worker_processes() -> None:
    factory = pickle.loads(pickle.dumps(_fastproto.protocol_factory(LIMITS)))
    assert factory.func is LeanHttpToolsProtocol
    assert factory.keywords == {"limits": LIMITS}


def test_the_cli_flag_selects_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    from FasterAPI.cli import build_parser

    monkeypatch.delenv("FASTERAPI_HTTP", raising=False)
    parser = build_parser()
    assert parser.parse_args(["run"]).http == "lean"
    assert parser.parse_args(["dev"]).http == "lean"
    assert parser.parse_args(["run", "--http", "httptools"]).http == "httptools"
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "--http", "h2"])


def test_the_environment_chooses_the_default_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    from FasterAPI.cli import build_parser

    monkeypatch.setenv("FASTERAPI_HTTP", "httptools")
    assert build_parser().parse_args(["run"]).http == "httptools"
    assert build_parser().parse_args(["run", "--http", "lean"]).http == "lean"
    monkeypatch.setenv("FASTERAPI_HTTP", "nonsense")  # ignored, not an error at startup
    assert build_parser().parse_args(["run"]).http == "lean"


def test_an_error_fasterapi_logged_is_not_logged_again(caplog: pytest.LogCaptureFixture) -> None:
    """FasterAPI's app logs an unhandled error with its traceback and re-raises it (as
    Starlette's ServerErrorMiddleware re-raises); the lean protocol then logs no second copy.
    An error from an app that is not FasterAPI (or one it did not log) is logged as before."""
    app = FastAPI()

    @app.get("/boom")
    async def boom() -> None:
        raise ValueError("handler failed")

    def failing_task() -> None:
        raise KeyError("task failed")

    @app.get("/later")
    async def later(tasks: BackgroundTasks) -> dict[str, bool]:
        tasks.add_task(failing_task)
        return {"ok": True}

    async def bare(scope: Scope, receive: Receive, send: Send) -> None:
        raise LookupError("bare app failed")

    async def main() -> list[list[bytes]]:
        written = []
        for target, request in ((app, "/boom"), (app, "/later"), (bare, "/")):
            protocol, transport = make_protocol(target)
            protocol.data_received(get(request))
            await asyncio.sleep(0.05)
            written.append(transport.written)
        return written

    with caplog.at_level(logging.ERROR):
        boom_answer, later_answer, bare_answer = run(main())
    assert boom_answer[0].startswith(b"HTTP/1.1 500 ")
    assert later_answer[0].startswith(b"HTTP/1.1 200 ")
    assert bare_answer[0].startswith(b"HTTP/1.1 500 ")
    tracebacks = [r for r in caplog.records if r.exc_info]
    failures = [repr(r.exc_info[1]) for r in tracebacks if r.exc_info]
    assert failures.count("ValueError('handler failed')") == 1
    assert failures.count("KeyError('task failed')") == 1
    assert failures.count("LookupError('bare app failed')") == 1
    bare_record = next(r for r in tracebacks if "bare app failed" in repr(r.exc_info))
    assert bare_record.name == "uvicorn.error"
