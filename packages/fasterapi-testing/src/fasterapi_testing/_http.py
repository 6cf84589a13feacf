"""One HTTP request through an ASGI app: the scope, the exchange, and both transports."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import httpx

from fasterapi_testing._loop import LoopThread
from fasterapi_testing.exceptions import ASGIProtocolError
from fasterapi_testing.types import ASGIApp, Message, Scope

EventsT = TypeVar("EventsT")

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# How long a closed-early stream (or WebSocket) waits for the app to finish after it
# was told about the disconnect, before the app task is cancelled.
DISCONNECT_GRACE = 1.0
_NO_RESPONSE = "The ASGI application returned without sending a response"


class Server:
    """What a server knows besides the request: the app, its address and shared state."""

    __slots__ = ("app", "client", "raise_server_exceptions", "root_path", "state")

    def __init__(
        self,
        app: ASGIApp,
        *,
        raise_server_exceptions: bool,
        root_path: str,
        client: tuple[str, int],
        state: dict[str, Any],
    ) -> None:
        self.app = app
        self.raise_server_exceptions = raise_server_exceptions
        self.root_path = root_path
        self.client = client
        self.state = state

    def scope(self, request: httpx.Request, kind: str = "http") -> Scope:
        """The connection scope a real server would build for `request`."""
        url = request.url
        scheme = url.scheme
        return {
            "type": kind,
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": scheme,
            "server": (url.host, url.port or DEFAULT_PORTS.get(scheme, 80)),
            "client": self.client,
            # As Starlette's TestClient: `root_path` rides alongside and `path` is the
            # request's own path (uvicorn --root-path would prefix `path` with it instead;
            # an app that strips a `root_path` prefix only when present handles both).
            "root_path": self.root_path,
            "path": url.path,
            "raw_path": url.raw_path.partition(b"?")[0],
            "query_string": url.query,
            "headers": [(key.lower(), value) for key, value in request.headers.raw],
            "state": self.state.copy(),
            # As Starlette's TestClient: the app may send debug info (a template response's
            # template and context) and trailers; both end up on the httpx response.
            "extensions": {"http.response.debug": {}, "http.response.trailers": {}},
        }

    def websocket_scope(
        self, request: httpx.Request, subprotocols: Sequence[str] | None, query_string: str | bytes
    ) -> Scope:
        """The scope of a WebSocket handshake for `request` (a GET built by the client)."""
        scope = self.scope(request, "websocket")
        del scope["method"]
        scope["scheme"] = "wss" if request.url.scheme in ("https", "wss") else "ws"
        if query_string:
            scope["query_string"] = (
                query_string.encode() if isinstance(query_string, str) else query_string
            )
        headers = [(k, v) for k, v in scope["headers"] if k != b"connection"]
        headers += [
            (b"connection", b"upgrade"),
            (b"upgrade", b"websocket"),
            (b"sec-websocket-version", b"13"),
            (b"sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ=="),
        ]
        if subprotocols:
            headers.append((b"sec-websocket-protocol", ", ".join(subprotocols).encode()))
        scope["headers"] = headers
        scope["subprotocols"] = list(subprotocols or ())
        # The app may refuse the handshake with an HTTP response (ASGI denial response extension).
        scope["extensions"] = {"websocket.http.response": {}}
        return scope


class Finished:
    """Queue item: the app task ended, with `exc` if it raised."""

    __slots__ = ("exc",)

    def __init__(self, exc: BaseException | None) -> None:
        self.exc = exc


BODY_END = object()  # queue item: the body is complete
_EMPTY_SOURCE = object()


class HTTPExchange:
    """Runs the app for one request on the event loop and hands the response over.

    The waiting side (a test thread, or a coroutine of the async client) is woken
    once through `ready` as soon as the response head exists and the app has paused
    (or finished). If the app finished by then, the whole response is in `chunks`.
    Otherwise the exchange is *streaming*: later body chunks, `BODY_END` and a final
    `Finished` go through `emit`, in order.
    """

    __slots__ = (
        "_complete",
        "_disconnect_waiter",
        "_disconnected",
        "_head",
        "_lookahead",
        "_pull",
        "_trailers_expected",
        "app",
        "body",
        "body_done_at_handover",
        "chunks",
        "debug",
        "done",
        "emit",
        "exc",
        "handed",
        "headers",
        "loop",
        "ready",
        "scope",
        "started",
        "status",
        "streaming",
        "task",
        "trailers",
    )

    def __init__(
        self,
        app: ASGIApp,
        scope: Scope,
        loop: asyncio.AbstractEventLoop,
        request: httpx.Request,
        ready: Callable[[], object],
        emit: Callable[[object], object],
    ) -> None:
        self.app = app
        self.scope = scope
        self.loop = loop
        self.ready = ready
        self.emit = emit
        self.chunks: list[bytes] = []
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.started = self.done = self.handed = self.streaming = False
        self.body_done_at_handover = False
        self.exc: BaseException | None = None
        self.task: asyncio.Task[None] | None = None
        self._complete = self._disconnected = self._trailers_expected = False
        self.debug: dict[str, Any] | None = None
        self.trailers: list[tuple[bytes, bytes]] = []
        self._disconnect_waiter: asyncio.Future[None] | None = None
        self._head = request.method == "HEAD"
        stream = request.stream
        self._pull: Callable[[], Any] | None = None
        self._lookahead: object = _EMPTY_SOURCE
        if isinstance(stream, httpx.ByteStream):
            # PERF: a bytes body (content=, json=, data=) goes in one message (benchmarks/bench_testclient.py::post)
            self.body: bytes | None = request.read()
        else:
            self.body = None
            if isinstance(stream, httpx.AsyncByteStream):
                self._pull = _async_puller(stream.__aiter__())
            else:
                self._pull = _sync_puller(iter(stream))

    # -- the loop side ------------------------------------------------------------
    def start(self) -> None:
        """Create the app task (on the loop)."""
        self.task = self.loop.create_task(self.run())

    async def run(self) -> None:
        try:
            await self.app(self.scope, self.receive, self.send)
        except BaseException as exc:  # handed to the test, which re-raises it
            self.exc = exc
        self.done = True
        if self.streaming:
            self.emit(Finished(self.exc))
        else:
            self._hand_over()
        self._wake_receivers()

    def _hand_over(self) -> None:
        if self.handed:
            return
        self.handed = True
        if not self.done:
            self.streaming = True
            self.body_done_at_handover = self._complete
        self.ready()

    def _wake_receivers(self) -> None:
        waiter = self._disconnect_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def disconnect(self) -> None:
        """The client went away: `receive()` now says `http.disconnect`."""
        self._disconnected = True
        self._wake_receivers()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def receive(self) -> Message:
        body = self.body
        if body is not None:
            self.body = None
            return {"type": "http.request", "body": body, "more_body": False}
        if self._pull is not None:
            return await self._next_request_chunk()
        if not (self._disconnected or self._complete):
            waiter = self._disconnect_waiter
            if waiter is None:
                waiter = self._disconnect_waiter = self.loop.create_future()
            await waiter
        return {"type": "http.disconnect"}

    async def _next_request_chunk(self) -> Message:
        pull = self._pull
        assert pull is not None
        chunk = self._lookahead
        if chunk is _EMPTY_SOURCE:
            chunk = await pull()
        if chunk is None:
            self._pull = None
            return {"type": "http.request", "body": b"", "more_body": False}
        self._lookahead = await pull()
        more = self._lookahead is not None
        if not more:
            self._pull = None
        return {"type": "http.request", "body": chunk, "more_body": more}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            if self._disconnected:
                return  # the client stopped reading: a real server drops the bytes
            if not self.started:
                raise ASGIProtocolError("'http.response.body' sent before 'http.response.start'")
            if self._complete:
                raise ASGIProtocolError(
                    "'http.response.body' sent after the body was complete (more_body=False)"
                )
            body = message.get("body", b"")
            more = message.get("more_body", False)
            if body and not self._head:
                if self.streaming:
                    self.emit(body)
                else:
                    self.chunks.append(body)
            if not more:
                self._complete = True
                if self.streaming:
                    self.emit(BODY_END)
                self._wake_receivers()
        elif kind == "http.response.start":
            if self.started:
                raise ASGIProtocolError("'http.response.start' sent twice")
            self.started = True
            self.status = message["status"]
            self.headers = list(message.get("headers", ()))
            self._trailers_expected = bool(message.get("trailers", False))
            # PERF: hand over once the app pauses, not at this message: an app that sends
            # its whole response at once has finished by then, and the test gets it with
            # no per-chunk thread hops (benchmarks/bench_testclient.py::get)
            self.loop.call_soon(self._hand_over)
        elif kind == "http.response.debug":
            self.debug = dict(message.get("info", {}))
        elif kind == "http.response.trailers":
            if not self._trailers_expected:
                raise ASGIProtocolError(
                    "'http.response.trailers' sent without 'trailers': True in the start"
                )
            if not self._complete:
                raise ASGIProtocolError(
                    "'http.response.trailers' sent before the body was complete"
                )
            self.trailers.extend(message.get("headers", ()))
        else:
            raise ASGIProtocolError(f"unexpected ASGI message {kind!r} on an HTTP connection")

    def response(self, request: httpx.Request, stream: Any) -> httpx.Response:
        """The httpx response for this exchange, with its debug info and trailers."""
        response = httpx.Response(self.status, headers=self.headers, stream=stream, request=request)
        if self._trailers_expected:
            # Filled as the trailers arrive (after the body, for a streamed response).
            response.extensions["http.response.trailers"] = self.trailers
        debug = self.debug
        if debug is not None:
            response.extensions["http.response.debug"] = debug
            if "template" in debug:
                response.template = debug["template"]  # type: ignore[attr-defined]
            if "context" in debug:
                response.context = debug["context"]  # type: ignore[attr-defined]
        return response


def _sync_puller(iterator: Iterator[bytes]) -> Callable[[], Any]:
    async def pull() -> bytes | None:
        for chunk in iterator:
            if chunk:
                return chunk
        return None

    return pull


def _async_puller(iterator: AsyncIterator[bytes]) -> Callable[[], Any]:
    async def pull() -> bytes | None:
        async for chunk in iterator:
            if chunk:
                return chunk
        return None

    return pull


def _error_response(request: httpx.Request) -> httpx.Response:
    body = b"Internal Server Error"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"21")]
    return httpx.Response(500, headers=headers, stream=httpx.ByteStream(body), request=request)


def _finished_response(
    ex: HTTPExchange, request: httpx.Request, raise_exc: bool
) -> httpx.Response | None:
    """The response when the app already finished at hand-over, or None while it runs."""
    exc = ex.exc
    if not ex.started:
        if raise_exc:
            raise exc if exc is not None else ASGIProtocolError(_NO_RESPONSE)
        return _error_response(request)
    if ex.streaming:  # decided at hand-over; `done` may flip meanwhile on the loop thread
        return None
    if exc is not None and raise_exc:
        raise exc
    return ex.response(request, httpx.ByteStream(b"".join(ex.chunks)))


# -- the sync side: the app runs on a LoopThread, the test thread waits ------------
class SyncTransport(httpx.BaseTransport):
    """Sends each request to the app on the client's background event loop."""

    def __init__(self, server: Server, portal: LoopThread) -> None:
        self.server = server
        self.portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        server = self.server
        loop = self.portal.start()
        # PERF: a bare lock as the wake-up signal, instead of run_coroutine_threadsafe and a
        # wrapper coroutine: ~1.6x the requests/s in an A/B run (benchmarks/bench_testclient.py::get)
        lock = threading.Lock()
        lock.acquire()
        events: queue.SimpleQueue[object] = queue.SimpleQueue()
        ex = HTTPExchange(
            server.app, server.scope(request), loop, request, lock.release, events.put
        )
        loop.call_soon_threadsafe(ex.start)
        lock.acquire()
        raise_exc = server.raise_server_exceptions
        response = _finished_response(ex, request, raise_exc)
        if response is not None:
            return response
        stream = _SyncBody(ex, events, raise_exc)
        return ex.response(request, stream)

    def close(self) -> None:
        self.portal.close()


class _StreamedBody(Generic[EventsT]):
    """What the sync and async bodies share: their state, and what one event of the app means."""

    def __init__(self, ex: HTTPExchange, events: EventsT, raise_exc: bool) -> None:
        self._ex = ex
        self._events = events
        self._raise = raise_exc
        self._body_done = ex.body_done_at_handover
        self._finished: Finished | None = None
        self._closed = False

    def _chunk(self, item: object) -> bytes | None:
        """The body chunk `item` is, or None for the end of the body or of the app.

        Raises:
            BaseException: The app's exception, when it finished with one to re-raise.
        """
        if item is BODY_END:
            self._body_done = True
            return None
        if isinstance(item, Finished):
            self._finished = item
            self._body_done = True
            if (exc := _app_error(item, self._raise)) is not None:
                raise exc
            return None
        return item  # type: ignore[return-value]


class _SyncBody(_StreamedBody["queue.SimpleQueue[object]"], httpx.SyncByteStream):
    """The body of a response whose app is still running, read as it is sent."""

    def __iter__(self) -> Iterator[bytes]:
        yield from self._ex.chunks
        get = self._events.get
        while not self._body_done:
            if (chunk := self._chunk(get())) is not None:
                yield chunk

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._finished is not None:
            return
        ex, loop = self._ex, self._ex.loop
        told = not self._body_done
        if told:
            _call_soon(loop, ex.disconnect)
        finished = _wait_finished(self._events, DISCONNECT_GRACE if told else None)
        if finished is None:
            _call_soon(loop, ex.cancel)
            finished = _wait_finished(self._events, None)
            return
        if (exc := _app_error(finished, self._raise)) is not None:
            raise exc


def _app_error(finished: Finished, raise_exc: bool) -> BaseException | None:
    """The app's exception to re-raise in the test, if any.

    A cancellation is ours (the client was closed, or the app ignored a disconnect),
    never news to the test.
    """
    exc = finished.exc
    if exc is None or not raise_exc or isinstance(exc, asyncio.CancelledError):
        return None
    return exc


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], object]) -> None:
    # RuntimeError: the client was closed first, and its loop already cancelled the app.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback)


def _wait_finished(events: queue.SimpleQueue[object], timeout: float | None) -> Finished | None:
    while True:
        try:
            item = events.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, Finished):
            return item


# -- the async side: the app runs on the caller's loop -----------------------------
class AsyncTransport(httpx.AsyncBaseTransport):
    """Sends each request to the app as a task on the running event loop."""

    def __init__(self, server: Server) -> None:
        self.server = server

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        server = self.server
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        events: asyncio.Queue[object] = asyncio.Queue()
        ex = HTTPExchange(
            server.app,
            server.scope(request),
            loop,
            request,
            lambda: ready.set_result(None),
            events.put_nowait,
        )
        ex.start()
        await ready
        raise_exc = server.raise_server_exceptions
        response = _finished_response(ex, request, raise_exc)
        if response is not None:
            return response
        stream = _AsyncBody(ex, events, raise_exc)
        return ex.response(request, stream)


class _AsyncBody(_StreamedBody["asyncio.Queue[object]"], httpx.AsyncByteStream):
    """The body of a response whose app is still running, read as it is sent (async)."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._ex.chunks:
            yield chunk
        get = self._events.get
        while not self._body_done:
            if (data := self._chunk(await get())) is not None:
                yield data

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._finished is not None:
            return
        ex = self._ex
        told = not self._body_done
        if told:
            ex.disconnect()
        finished = await _await_finished(self._events, DISCONNECT_GRACE if told else None)
        if finished is None:
            ex.cancel()
            await _await_finished(self._events, None)
            return
        if (exc := _app_error(finished, self._raise)) is not None:
            raise exc


async def _await_finished(events: asyncio.Queue[object], timeout: float | None) -> Finished | None:
    try:
        return await asyncio.wait_for(_next_finished(events), timeout)
    except asyncio.TimeoutError:
        return None


async def _next_finished(events: asyncio.Queue[object]) -> Finished:
    while True:
        item = await events.get()
        if isinstance(item, Finished):
            return item
