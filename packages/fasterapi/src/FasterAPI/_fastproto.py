"""A leaner per-request path for uvicorn's httptools protocol (`fasterapi run --http lean`).

`LeanHttpToolsProtocol` extends `_protocol.LimitedHttpToolsProtocol` (so the head limits,
the header timeout and in-flight `limit_concurrency` are the same code) and replaces what
uvicorn does per request with cheaper equivalents. Profiling `fasterapi run` under wrk
(see `benchmarks/bench_http.py`) showed the server's time going to, in order: two `write`
system calls per response (status line + headers, then the body), the `read`, then Python:
a Task per request scheduled through the loop, an `asyncio.Event` per request, the
`ProxyHeadersMiddleware` coroutine layer, a keep-alive timer created and cancelled per
request, two regular expressions per response header. Here:

- the head of a response with a known length (content-length, HEAD, 204/304) is held back
  and written together with the first body message: one `write` per ordinary response.
  A chunked (streaming) response writes its head at once, as uvicorn does;
- the app is started once the read that completed its head has been parsed (uvicorn's task
  would not run earlier either), on Python 3.12+ as an eagerly started Task: an app that
  does not suspend answers inside `data_received`, without a trip through the loop. It is
  still a real Task (`asyncio.current_task()`, `asyncio.timeout` work in the app);
- the scope is a copy of a per-connection template; the request's "message ready" signal
  is a small object instead of an `asyncio.Event`;
- X-Forwarded-For/-Proto are applied by the protocol with uvicorn's own trusted-hosts
  object (whether the peer is trusted is decided once per connection), instead of one
  more coroutine per request, and only to a request that has one of them (`on_header`
  notes the few headers the protocol acts on as it appends them);
- a message begins at its request target (`on_url`), so the parser makes one Python call
  less per request (no `on_message_begin`); the HTTP version is asked of the parser only
  when the request has a Connection header or is not kept alive, since llhttp keeps a
  connection without one alive for HTTP/1.1 only;
- one keep-alive timer per connection, pushed back lazily, instead of `call_later` and
  `cancel` per request;
- the server's default headers (`date`, `server`) are rendered once per second.

Everything else (parse errors, WebSocket upgrades, flow control, pipelining, graceful
shutdown, access log) is uvicorn's code or follows it; the messages and status codes an
app or client sees are the same, with one deliberate difference: an app that fails after
`http.response.start` but before any body gets a clean 500 (its head was not sent yet)
instead of a closed connection.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import httptools
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT, service_unavailable
from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE, STATUS_LINE

from FasterAPI._protocol import HeadLimits, LimitedHttpToolsProtocol

__all__ = ("LeanHttpToolsProtocol", "missing_internals", "protocol_factory")

Message = dict[str, Any]
App = Callable[..., Awaitable[Any]]  # an ASGI app; anything but None it returns is an error

# PERF: bench_http.py - on 3.12+ the app runs eagerly (no loop trip for a request that does
# not suspend); earlier versions get an ordinary Task, as uvicorn does.
_EAGER = sys.version_info >= (3, 12)
# A response body at most this long is copied onto its head (one write); a longer one is
# written after it (a second write costs less than copying it).
_COALESCE_MAX = 64 * 1024
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_FORWARDED_SCHEMES = frozenset(("http", "https", "ws", "wss"))
# Request headers `on_header` takes note of (bits of `_special`); every other header costs
# one set lookup more than uvicorn's `on_header`.
_EXPECT, _CONNECTION, _FORWARDED = 1, 2, 4
_SPECIAL_HEADERS = {
    b"expect": _EXPECT,
    b"connection": _CONNECTION,
    b"proxy-connection": _CONNECTION,  # llhttp reads it as Connection
    b"x-forwarded-for": _FORWARDED,
    b"x-forwarded-proto": _FORWARDED,
}
_METHOD_NAMES = {
    m.encode(): m for m in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
}


# What this module uses of uvicorn's protocol beyond `_protocol`'s needs: methods called,
# and attributes its __init__ / connection_made must set.
_METHODS = ("_should_upgrade", "handle_websocket_upgrade", "_unsupported_upgrade_warning")
_ATTRIBUTES = {
    "__init__": (
        "app",
        "config",
        "parser",
        "pipeline",
        "root_path",
        "asgi_version",
        "app_state",
        "timeout_keep_alive",
        "access_log",
        "access_logger",
    ),
    "connection_made": ("server", "client", "scheme"),
}


def missing_internals() -> list[str]:
    """The uvicorn internals this module needs that the installed uvicorn lacks."""
    from FasterAPI import _protocol

    base = LimitedHttpToolsProtocol.__mro__[1]
    missing = _protocol.missing_internals(base)
    missing += [f"{base.__name__}.{m}" for m in _METHODS if not callable(getattr(base, m, None))]
    for method, attributes in _ATTRIBUTES.items():
        code = getattr(getattr(base, method, None), "__code__", None)
        names = set(getattr(code, "co_names", ()))
        missing += [f"self.{a} (set in {method})" for a in attributes if a not in names]
    return missing


def protocol_factory(limits: HeadLimits) -> Callable[..., asyncio.Protocol]:
    """What uvicorn's `http=` gets; a `functools.partial`, so it pickles into workers."""
    import functools

    return functools.partial(LeanHttpToolsProtocol, limits=limits)


class _DefaultHeaders:
    """The server's default header lines, rendered again only when uvicorn replaces them.

    uvicorn's main loop swaps `server_state.default_headers` for a new list (a new `date`)
    once a second; the rendering is keyed on that list's identity.
    """

    __slots__ = ("rendered", "source")

    def __init__(self) -> None:
        self.source: object = None
        self.rendered = b""

    def render(self, headers: list[tuple[bytes, bytes]]) -> bytes:
        if headers is not self.source:
            lines = []
            for name, value in headers:
                if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value):
                    raise RuntimeError("Invalid HTTP header in the server's default headers.")
                lines.append(b"%s: %s\r\n" % (name.lower(), value))
            self.rendered = b"".join(lines)
            self.source = headers
        return self.rendered


_DEFAULTS = _DefaultHeaders()  # shared by the connections of a worker (one loop)


class _Signal:
    """What uvicorn's cycle uses an `asyncio.Event` for, without its per-request cost."""

    __slots__ = ("_loop", "_waiters", "flag")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiters: list[asyncio.Future[None]] | None = None
        self.flag = False

    def set(self) -> None:
        self.flag = True
        waiters = self._waiters
        if waiters:
            self._waiters = None
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def clear(self) -> None:
        self.flag = False

    def is_set(self) -> bool:
        return self.flag

    async def wait(self) -> None:
        if self.flag:
            return
        waiter: asyncio.Future[None] = self._loop.create_future()
        if self._waiters is None:
            self._waiters = [waiter]
        else:
            self._waiters.append(waiter)
        await waiter


# Kinds of response header lines that change how the response is framed.
_LENGTH, _CHUNKED, _CLOSE = 1, 2, 3
# (name, value) -> (rendered line, kind, content-length): the lines an app sends over and
# over (content-type, most content-lengths) are checked and rendered once. Cleared when
# full, so unique values (ids, cookies) cannot grow it without bound.
_LINES: dict[tuple[bytes, bytes], tuple[bytes, int, int]] = {}
_LINES_MAX = 4096
_LINE_VALUE_MAX = 256


def _line(name: bytes, value: bytes) -> tuple[bytes, int, int]:
    """Check and render one response header (as uvicorn does); remember short ones."""
    if HEADER_RE.search(name):
        raise RuntimeError("Invalid HTTP header name.")
    if HEADER_VALUE_RE.search(value):
        raise RuntimeError("Invalid HTTP header value.")
    key = (name, value)
    name = bytes(name).lower()
    value = bytes(value)
    kind = length = 0
    if name == b"content-length":
        kind, length = _LENGTH, int(value.decode())
    elif name == b"transfer-encoding" and value.lower() == b"chunked":
        kind = _CHUNKED
    elif name == b"connection" and b"close" in [t.lower().strip() for t in value.split(b",")]:
        kind = _CLOSE
    line = (b"%s: %s\r\n" % (name, value), kind, length)
    if len(value) <= _LINE_VALUE_MAX and type(key[0]) is bytes and type(key[1]) is bytes:
        if len(_LINES) >= _LINES_MAX:
            _LINES.clear()
        _LINES[key] = line
    return line


class _Cycle(_Signal):
    """One request and its response: the ASGI `receive` and `send` of uvicorn's cycle.

    It is its own "message ready" signal (uvicorn's `message_event`): one object less per
    request (PERF: bench_http.py).
    """

    __slots__ = (
        "body",
        "chunked_encoding",
        "disconnected",
        "expected_content_length",
        "flow",
        "head",
        "keep_alive",
        "more_body",
        "protocol",
        "response_complete",
        "response_started",
        "running",
        "scope",
        "transport",
        "waiting_for_100_continue",
    )

    def __init__(
        self,
        protocol: LeanHttpToolsProtocol,
        scope: Message,
        keep_alive: bool,
        expect_100_continue: bool,
    ) -> None:
        self.protocol = protocol
        self.scope = scope
        self.transport = protocol.transport
        self.flow = protocol.flow
        self._loop = protocol.loop
        self._waiters = None
        self.flag = False  # the signal: body or the end of the request arrived
        self.keep_alive = keep_alive
        self.waiting_for_100_continue = expect_100_continue
        self.disconnected = False
        # The request body received and not read yet; PERF: bench_http.py - None until a
        # body arrives, so a request without one allocates no bytearray.
        self.body: bytearray | None = None
        self.more_body = True
        self.response_started = False
        self.response_complete = False
        self.chunked_encoding: bool | None = None
        self.expected_content_length = 0
        self.head: bytes | None = None  # a response head not written yet
        self.running = True  # until run_asgi ends: only then may a response start the next

    @property
    def message_event(self) -> _Signal:
        return self

    async def run_asgi(self, app: App) -> None:
        try:
            result = await app(self.scope, self.receive, self.send)
        except BaseException as exc:
            if not exc.__dict__.get("_fasterapi_logged"):  # else FasterAPI's app logged it
                self.protocol.logger.error("Exception in ASGI application\n", exc_info=exc)
            if not self.response_started or self._head_unsent():
                await self.send_500_response()
            else:
                self.transport.close()
        else:
            if result is None and self.response_complete:
                pass  # PERF: bench_http.py - the usual end, decided in one test
            elif result is not None:
                logger = self.protocol.logger
                logger.error("ASGI callable should return None, but returned '%s'.", result)
                self._flush_head()
                self.transport.close()
            elif not self.response_started and not self.disconnected:
                self.protocol.logger.error("ASGI callable returned without starting response.")
                await self.send_500_response()
            elif not self.response_complete and not self.disconnected:
                self.protocol.logger.error("ASGI callable returned without completing response.")
                self._flush_head()
                self.transport.close()
        finally:
            self.running = False

    def _head_unsent(self) -> bool:
        """True (and the response forgotten) when nothing of it reached the transport."""
        if self.head is None or self.response_complete:
            return False
        self.head = None
        self.response_started = False
        self.chunked_encoding = None
        self.expected_content_length = 0
        return True

    def _flush_head(self) -> None:
        head = self.head
        if head is not None:
            self.head = None
            if not self.transport.is_closing():
                self.transport.write(head)

    async def send_500_response(self) -> None:
        await self.send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", b"21"),
                    (b"connection", b"close"),
                ],
            }
        )
        await self.send({"type": "http.response.body", "body": b"Internal Server Error"})

    async def send(self, message: Message) -> None:
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return
        if not self.response_started:
            if message["type"] != "http.response.start":
                raise RuntimeError(
                    f"Expected ASGI message 'http.response.start', but got '{message['type']}'."
                )
            self._start(message)
        elif not self.response_complete:
            if message["type"] != "http.response.body":
                raise RuntimeError(
                    f"Expected ASGI message 'http.response.body', but got '{message['type']}'."
                )
            # PERF: bench_http.py - the body message is handled here, not in a method of
            # its own (one call less per response).
            body = message.get("body", b"")
            more_body = message.get("more_body", False)
            if self.scope["method"] == "HEAD":
                self.expected_content_length = 0
                data = b""
            elif self.chunked_encoding:
                data = b"%x\r\n%s\r\n" % (len(body), body) if body else b""
                if not more_body:
                    data += b"0\r\n\r\n"
            else:
                size = len(body)
                if size > self.expected_content_length:
                    raise RuntimeError("Response content longer than Content-Length")
                self.expected_content_length -= size
                data = body
            head = self.head
            if head is not None:
                self.head = None
                if len(data) <= _COALESCE_MAX:
                    data = head + data
                else:
                    self.transport.write(head)
            if data:
                self.transport.write(data)
            if not more_body:
                if self.expected_content_length != 0:
                    raise RuntimeError("Response content shorter than Content-Length")
                self.response_complete = True
                self.flag = True  # `self.set()`, called only when someone waits (PERF)
                if self._waiters:
                    self.set()
                if not self.keep_alive:
                    self.transport.close()
                if self.running:
                    self.protocol.on_response_complete()
        else:
            raise RuntimeError(
                f"Unexpected ASGI message '{message['type']}' sent, after response already "
                "completed."
            )

    def _start(self, message: Message) -> None:
        status = message["status"]
        protocol = self.protocol
        # PERF: bench_http.py - one join for the whole head; the default headers come
        # pre-rendered, and so do the app's header lines it has sent before (`_line`).
        defaults = protocol.server_state.default_headers
        rendered = (
            _DEFAULTS.rendered if defaults is _DEFAULTS.source else _DEFAULTS.render(defaults)
        )
        content = [STATUS_LINE[status], rendered]
        append = content.append
        closing = False
        chunked: bool | None = None
        expected = 0
        cached = _LINES.get
        for header in message.get("headers", ()):
            try:
                line = cached(header)
            except TypeError:  # an unhashable (bytearray) name or value
                line = None
            if line is None:
                line = _line(*header)
            append(line[0])
            kind = line[1]
            if kind:
                if kind == _LENGTH:
                    if chunked is None:
                        expected = line[2]
                        chunked = False
                elif kind == _CHUNKED:
                    expected = 0
                    chunked = True
                else:  # _CLOSE
                    closing = True
        keep_alive = self.keep_alive and not closing
        if not keep_alive and not closing:
            append(b"connection: close\r\n")
        if chunked is None and self.scope["method"] != "HEAD" and status not in (204, 304):
            chunked = True
            append(b"transfer-encoding: chunked\r\n")
        append(b"\r\n")
        # Started only now: a head that failed its checks was not sent, so the app's error
        # can still be answered with a 500 (uvicorn closes the connection instead).
        self.response_started = True
        self.waiting_for_100_continue = False
        self.keep_alive = keep_alive
        self.chunked_encoding = chunked
        self.expected_content_length = expected
        if protocol.access_log:
            protocol.log_access(self.scope, status)
        if self.chunked_encoding:
            self.transport.write(b"".join(content))
        else:
            # PERF: bench_http.py - held back and written with the body (one write).
            self.head = b"".join(content)

    async def receive(self) -> Message:
        if self.waiting_for_100_continue and not self.transport.is_closing():
            self.transport.write(_CONTINUE)
            self.waiting_for_100_continue = False
        if not self.disconnected and not self.response_complete:
            self.flow.resume_reading()
            if not self.flag:
                await self.wait()
            self.flag = False
        if self.disconnected or self.response_complete:
            return {"type": "http.disconnect"}
        body = self.body
        self.body = None
        return {
            "type": "http.request",
            "body": b"" if body is None else bytes(body),
            "more_body": self.more_body,
        }


class LeanHttpToolsProtocol(LimitedHttpToolsProtocol):
    """`LimitedHttpToolsProtocol` with the cheaper request path of the module docstring."""

    def __init__(self, *args: Any, limits: HeadLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, limits=limits, **kwargs)
        app = self.app
        self._trusted: Any = None
        if type(app) is ProxyHeadersMiddleware:
            # PERF: bench_http.py - the middleware's work is done in on_headers_complete.
            self._trusted = app.trusted_hosts
            app = app.app
        self._app: App = app
        self._forwarded = False  # the peer is a trusted proxy
        self._special = 0  # which `_SPECIAL_HEADERS` the head being read has
        self._template: Message = {}
        self._root_raw = self.root_path.encode("ascii")
        self._fresh_context = bool(getattr(self.config, "reset_contextvars", False))
        self._ready: _Cycle | None = None  # a request to start after this read
        self._ready_app: App = app  # and the app it gets (503 over the concurrency limit)
        self._idle = False  # a keep-alive connection waiting for its next request
        self._idle_deadline = 0.0
        self._idle_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        client = self.client
        self._forwarded = self._trusted is not None and (client[0] if client else None) in (
            self._trusted
        )
        self._template = {
            "type": "http",
            "asgi": {"version": self.asgi_version, "spec_version": "2.3"},
            "http_version": "1.1",
            "server": self.server,
            "client": client,
            "scheme": self.scheme,
            "root_path": self.root_path,
        }

    def connection_lost(self, exc: Exception | None) -> None:
        self._ready = None
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # `_protocol`'s data_received and uvicorn's in one (PERF: bench_http.py).
        self._idle = False
        self._last_read = size = len(data)
        self._since_head += size
        awaiting = self._awaiting_head  # else a body (or an upgrade)
        if awaiting:
            if self._refusal:  # refused already: nothing more is parsed
                return
            if not self._timing:  # `_start_head_clock()` inlined (PERF: bench_http.py)
                self._timing = True
                self._head_deadline = self.loop.time() + self._header_timeout
                if self._head_timer is None:
                    self._head_timer = self.loop.call_at(self._head_deadline, self._head_timed_out)
            self._read_bytes += size
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
        if (
            awaiting
            and self._awaiting_head
            and self._read_bytes > self._max_bytes
            and not self._refusal
            and not self.transport.is_closing()
        ):
            self._refuse(414 if self._head_started and len(self.url) > self._max_bytes else 431)
        cycle = self._ready
        if cycle is not None:
            self._ready = None
            if not self.transport.is_closing():
                if _EAGER and not self._fresh_context:
                    # PERF: bench_http.py - `_run` inlined for the common case (no method
                    # call, no tuple per request): raw/fasterapi-run health -0.1 us/request.
                    task = asyncio.Task(  # type: ignore[call-arg, unused-ignore]
                        cycle.run_asgi(self._ready_app), loop=self.loop, eager_start=True
                    )
                    if not task.done():
                        task.add_done_callback(self.tasks.discard)
                        self.tasks.add(task)
                else:
                    self._run(cycle, self._ready_app, eager=_EAGER)

    def _unset_keepalive_if_required(self) -> None:
        # uvicorn cancels its per-request timer here; ours only notes the connection busy.
        self._idle = False

    # --- parser callbacks -------------------------------------------------------------

    # PERF: bench_http.py - no `on_message_begin` callback (httptools skips a callback that
    # is None): a message begins with its target, so its first `on_url` begins it.
    on_message_begin = None  # type: ignore[assignment]

    def on_url(self, url: bytes) -> None:
        if self._head_started:  # the target continues in this read
            self.url += url
            return
        self._head_started = True
        self.url = url
        self._special = 0
        headers: list[tuple[bytes, bytes]] = []
        self.headers = headers
        scope = self._template.copy()
        scope["headers"] = headers
        scope["state"] = self.app_state.copy()
        self.scope = scope  # type: ignore[assignment]
        if not self._timing:
            self._start_head_clock()

    def on_header(self, name: bytes, value: bytes) -> None:
        # PERF: bench_http.py - notes the headers on_headers_complete would otherwise ask the
        # parser about (Connection) or scan the list for (X-Forwarded-*).
        name = name.lower()
        special = _SPECIAL_HEADERS.get(name)
        if special is not None:
            if special != _EXPECT:
                self._special |= special
            elif value.lower() == b"100-continue":
                self._special |= _EXPECT
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._head_started = False
        self._timing = False
        if self._since_head > self._max_bytes or len(self.headers) > self._max_headers:
            self._check_head()
        self._since_head = self._last_read
        parser = self.parser
        scope: Message = self.scope  # type: ignore[assignment]
        special = self._special
        # PERF: bench_http.py - `get_http_version` formats a new string (~0.13 us). llhttp
        # keeps a connection alive without a Connection header only for HTTP/1.1 (any other
        # version needs `Connection: keep-alive`), so the usual request needs no call.
        if special & _CONNECTION or not parser.should_keep_alive():
            http_version = parser.get_http_version()
            keep_alive = http_version != "1.0" and parser.should_keep_alive()
        else:
            http_version = "1.1"
            keep_alive = True
        method = parser.get_method()
        # PERF: bench_http.py - the usual methods' names are not decoded per request.
        scope["method"] = _METHOD_NAMES.get(method) or method.decode("ascii")
        if http_version != "1.1":
            scope["http_version"] = http_version
        if parser.should_upgrade() and self._should_upgrade():
            return
        target = self.url
        if target.startswith(b"/") and 35 not in target:  # 35: "#"
            # PERF: bench_http.py - an origin-form target without a fragment is split here,
            # not by parse_url (-50 ns): llhttp has already refused every byte parse_url
            # would, and parse_url's path and query are the two sides of the first "?".
            raw_path, _, query = target.partition(b"?")
        else:
            url = httptools.parse_url(target)
            raw_path = url.path
            query = url.query or b""
        path = raw_path.decode("ascii")
        if "%" in path:
            path = urllib.parse.unquote(path)
        if self._root_raw:
            scope["path"] = self.root_path + path
            scope["raw_path"] = self._root_raw + raw_path
        else:
            scope["path"] = path
            scope["raw_path"] = raw_path
        scope["query_string"] = query
        if self._forwarded and special & _FORWARDED:
            # PERF: bench_http.py - the headers are scanned only when they hold X-Forwarded-*.
            _apply_forwarded(scope, self._trusted)
        limit = self._limit
        app: App
        if limit is not None and len(self.tasks) >= limit:
            app = service_unavailable
            self.logger.warning("Exceeded concurrency limit.")
        else:
            app = self._app
        previous = self.cycle
        cycle = _Cycle(self, scope, keep_alive, bool(special & _EXPECT))
        self.cycle = cycle  # type: ignore[assignment]
        if previous is None or previous.response_complete:
            # Started when this read is parsed: its body (if in the same read) is there.
            self._ready = cycle
            self._ready_app = app
        else:  # pipelined behind a response in progress
            self.flow.pause_reading()
            self.pipeline.appendleft((cycle, app))  # type: ignore[arg-type]

    def on_message_complete(self) -> None:
        self._awaiting_head = True
        self._read_bytes = 0
        if self.parser.should_upgrade() and self._should_upgrade():
            return  # an upgrade has no cycle (uvicorn's order of checks)
        cycle: _Cycle = self.cycle  # type: ignore[assignment]
        if cycle.response_complete:
            return
        cycle.more_body = False
        cycle.flag = True  # `cycle.set()`, called only when the app waits (PERF: bench_http.py)
        if cycle._waiters:
            cycle.set()

    def on_body(self, body: bytes) -> None:
        if self.parser.should_upgrade() and self._should_upgrade():
            return
        cycle: _Cycle = self.cycle  # type: ignore[assignment]
        if cycle.response_complete:
            return
        received = cycle.body
        if received is None:
            cycle.body = received = bytearray(body)
        else:
            received += body
        if len(received) > HIGH_WATER_LIMIT:
            self.flow.pause_reading()
        cycle.set()

    # --- running the app --------------------------------------------------------------

    def _run(self, cycle: _Cycle, app: App, *, eager: bool) -> None:
        coro = cycle.run_asgi(app)
        loop = self.loop
        context = contextvars.Context() if self._fresh_context else None
        if eager:
            task = asyncio.Task(coro, loop=loop, context=context, eager_start=True)  # type: ignore[call-arg, unused-ignore]
            if task.done():  # answered without suspending: nothing to track
                return
        elif context is None:
            task = loop.create_task(coro)
        else:
            task = context.run(loop.create_task, coro)
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)

    def on_response_complete(self) -> None:
        self.server_state.total_requests += 1
        flow = self.flow
        # PERF: bench_http.py - the usual case (reading not paused, nothing pipelined) asks
        # the transport nothing and calls nothing but the clock.
        if flow.read_paused or self.pipeline:
            if self.transport.is_closing():
                return
            if flow.read_paused:
                flow.resume_reading()
            if self.pipeline:
                cycle, app = self.pipeline.pop()
                # Not eager: an eager start here could nest once per pipelined request.
                self._run(cycle, app, eager=False)  # type: ignore[arg-type]
                return
        # One timer per connection, pushed back when it fires (PERF: bench_http.py).
        self._idle = True
        self._idle_deadline = deadline = self.loop.time() + self.timeout_keep_alive
        if self._idle_timer is None and not self.transport.is_closing():
            self._idle_timer = self.loop.call_at(deadline, self._idle_timeout)

    def _idle_timeout(self) -> None:
        self._idle_timer = None
        if not self._idle or self.transport.is_closing():
            return  # busy: the next response arms the timer again
        if self.loop.time() < self._idle_deadline:
            self._idle_timer = self.loop.call_at(self._idle_deadline, self._idle_timeout)
        else:
            self.transport.close()

    # --- helpers for the cycle ----------------------------------------------------------

    def log_access(self, scope: Message, status: int) -> None:
        client = scope.get("client")
        path = urllib.parse.quote(scope["path"])
        if scope["query_string"]:
            path = f"{path}?{scope['query_string'].decode('ascii')}"
        self.access_logger.info(
            '%s - "%s %s HTTP/%s" %d',
            f"{client[0]}:{client[1]:d}" if client else "",
            scope["method"],
            path,
            scope["http_version"],
            status,
        )


def _apply_forwarded(scope: Message, trusted: Any) -> None:
    """X-Forwarded-Proto/-For from a trusted peer, as uvicorn's ProxyHeadersMiddleware does."""
    proto: bytes | None = None
    forwarded_for: list[bytes] = []
    for name, value in scope["headers"]:
        if name == b"x-forwarded-proto":
            proto = value
        elif name == b"x-forwarded-for":
            forwarded_for.append(value)
    if proto is not None:
        scheme = proto.decode("latin1").strip()
        if scheme in _FORWARDED_SCHEMES:
            scope["scheme"] = scheme
    if forwarded_for:
        host, port = trusted.get_trusted_client_address(b", ".join(forwarded_for).decode("latin1"))
        if host:
            scope["client"] = (host, port)
