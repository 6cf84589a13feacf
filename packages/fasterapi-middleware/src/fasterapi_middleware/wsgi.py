"""`WSGIMiddleware`: serve a WSGI application (Flask, Django, ...) from an ASGI server."""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeAlias

from fasterapi_middleware._asgi import TEXT_PLAIN
from fasterapi_middleware.types import Message, Receive, Scope, Send

ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType | None]
StartResponse: TypeAlias = Callable[..., Callable[[bytes], object]]
"""``start_response(status, headers, exc_info=None)``, returning ``write(data)``."""
WSGIApp: TypeAlias = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
"""A PEP 3333 application: ``app(environ, start_response) -> iterable of bytes``."""

_DIGITS = frozenset(b"0123456789")


class ClientDisconnected(OSError):
    """Raised in the WSGI application's thread when the ASGI side has gone away."""


class WSGIMiddleware:
    """Run a PEP 3333 (WSGI) application as an ASGI application.

    FastAPI's `fastapi.middleware.wsgi.WSGIMiddleware` (Starlette's) with the same
    call: ``app.mount("/v1", WSGIMiddleware(flask_app))``. Each request runs the WSGI
    application in a worker thread of the event loop's default executor while the
    loop keeps serving other requests.

    * The environ is PEP 3333's: ``SCRIPT_NAME`` is the scope's ``root_path`` and
      ``PATH_INFO`` the rest of the path (both as latin-1 strings of the UTF-8 bytes),
      ``QUERY_STRING``, ``SERVER_NAME`` / ``SERVER_PORT``, ``REMOTE_ADDR`` /
      ``REMOTE_PORT``, ``CONTENT_TYPE`` / ``CONTENT_LENGTH`` and one ``HTTP_*`` entry
      per request header (repeated headers joined with ``,``, cookies with ``;``).
    * The request body is streamed: ``wsgi.input`` pulls ASGI body messages as the
      application reads, so a large upload is never held in memory unless the
      application reads it whole. It ends at the end of the body (or when the client
      disconnects); ``wsgi.input_terminated`` is true. ``wsgi.errors`` is
      `sys.stderr`.
    * The response is streamed too: the status and headers go out with the first
      non-empty body chunk (so ``start_response`` may still be called again with
      ``exc_info`` until then), each chunk as soon as the application yields it, with
      back-pressure on the thread. The ``write`` callable works as well, and the
      iterable's ``close()`` is always called.
    * An exception of the application propagates to the ASGI server (or to the
      enclosing app's error handling, which answers 500) as with Starlette.
    * A request with a malformed ``Content-Length`` gets 400 without running the
      application. WebSocket connections are refused (closed with 1000); lifespan
      events are acknowledged.

    Args:
        app: The WSGI application.
    """

    __slots__ = ("app",)

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection with the WSGI application."""
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1000})
        elif kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        lengths = {bytes(v).strip() for k, v in scope["headers"] if k == b"content-length"}
        if len(lengths) > 1 or any(not v or not _DIGITS.issuperset(v) for v in lengths):
            body = b"Invalid Content-Length header"
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [TEXT_PLAIN, (b"content-length", b"%d" % len(body))],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        loop = asyncio.get_running_loop()
        exchange = _Exchange(self.app, loop, receive, send)
        environ = build_environ(scope, exchange.input)
        try:
            await loop.run_in_executor(None, exchange.run, environ)
        finally:
            exchange.close()


def _latin1(text: str) -> str:
    """PEP 3333's "bytes as str": the UTF-8 bytes of `text` read as latin-1."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def build_environ(scope: Scope, body: Any) -> dict[str, Any]:
    """The PEP 3333 environ of an ASGI HTTP scope, with `body` as ``wsgi.input``."""
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and (path == root or path.startswith(root.rstrip("/") + "/")):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": _latin1(root),
        "PATH_INFO": _latin1(path),
        "QUERY_STRING": bytes(scope.get("query_string", b"")).decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope["headers"]:
        name = bytes(raw_name).decode("latin-1").upper().replace("-", "_")
        if name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = "HTTP_" + name
        value = bytes(raw_value).decode("latin-1")
        if name in environ:
            value = environ[name] + ("; " if name == "HTTP_COOKIE" else ",") + value
        environ[name] = value
    return environ


async def _await(step: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    return await step(*args)


class _Exchange:
    """One request: the WSGI side (in a worker thread) talking to the ASGI side (the loop)."""

    __slots__ = (
        "app",
        "closed",
        "headers",
        "headers_sent",
        "input",
        "loop",
        "pending",
        "receive",
        "send",
        "status",
    )

    def __init__(
        self, app: WSGIApp, loop: asyncio.AbstractEventLoop, receive: Receive, send: Send
    ) -> None:
        self.app = app
        self.loop = loop
        self.receive = receive
        self.send = send
        self.input = WSGIInput(self._next_body)
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.headers_sent = False
        self.closed = False
        self.pending: concurrent.futures.Future[Any] | None = None

    def close(self) -> None:
        """The ASGI side is done (or cancelled): wake and stop a still-running thread."""
        self.closed = True
        pending = self.pending
        if pending is not None:
            pending.cancel()

    def _check_open(self) -> None:
        if self.closed:
            raise ClientDisconnected("the ASGI connection is closed")

    def _wait(self, step: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """Run ``step(*args)`` on the event loop from the worker thread and wait for it."""
        self._check_open()
        future = asyncio.run_coroutine_threadsafe(_await(step, *args), self.loop)
        self.pending = future
        if self.closed:  # closed between the check and publishing `pending`
            future.cancel()
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            raise ClientDisconnected("the ASGI connection is closed") from None

    def _next_body(self) -> tuple[bytes, bool]:
        """The next chunk of the request body, and whether more follows."""
        message: Message = self._wait(self.receive)
        if message["type"] != "http.request":
            return b"", False  # http.disconnect: the body ends here
        return bytes(message.get("body", b"")), bool(message.get("more_body", False))

    def start_response(
        self,
        status: str,
        headers: list[tuple[str, str]],
        exc_info: ExcInfo | None = None,
    ) -> Callable[[bytes], None]:
        """PEP 3333 ``start_response``."""
        if exc_info is not None:
            if self.headers_sent:
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status is not None:
            raise RuntimeError("start_response called twice without exc_info")
        code = status[:3]
        if len(code) != 3 or not code.isdigit() or status[3:4] not in ("", " "):
            raise ValueError(f"invalid WSGI status {status!r}")
        self.status = int(code)
        self.headers = [
            (name.strip().lower().encode("latin-1"), value.strip().encode("latin-1"))
            for name, value in headers
        ]
        return self.write

    def write(self, data: bytes) -> None:
        """Send one chunk of the response body (the status and headers first)."""
        if not self.headers_sent:
            if self.status is None:
                raise RuntimeError("the WSGI application sent a body before start_response")
            self.headers_sent = True
            start = {"type": "http.response.start", "status": self.status, "headers": self.headers}
            self._wait(self.send, start)
        self._wait(self.send, {"type": "http.response.body", "body": data, "more_body": True})

    def run(self, environ: dict[str, Any]) -> None:
        """Call the WSGI application and stream its response (in the worker thread)."""
        result = self.app(environ, self.start_response)
        try:
            for chunk in result:
                if chunk:
                    self.write(chunk)
            if not self.headers_sent:
                self.write(b"")
            self._wait(self.send, {"type": "http.response.body", "body": b""})
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()


class WSGIInput:
    """``wsgi.input``: a read-only binary stream over the ASGI request body messages.

    Each read pulls only as many body messages as it needs, from the worker thread.
    """

    __slots__ = ("_buffer", "_more", "_next")

    def __init__(self, next_chunk: Callable[[], tuple[bytes, bool]]) -> None:
        self._next = next_chunk
        self._buffer = bytearray()
        self._more = True

    def _fill(self) -> bool:
        """Append the next body message to the buffer; False at the end of the body."""
        if not self._more:
            return False
        chunk, self._more = self._next()
        self._buffer += chunk
        return True

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def read(self, size: int | None = -1) -> bytes:
        """Up to `size` bytes (all the rest when `size` is negative or None)."""
        if size is None or size < 0:
            while self._fill():
                pass
            return self._take(len(self._buffer))
        while len(self._buffer) < size and self._fill():
            pass
        return self._take(size)

    def readline(self, size: int | None = -1) -> bytes:
        """One line, ``\\n`` included (at most `size` bytes when `size` >= 0)."""
        limit = size if size is not None and size >= 0 else None
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                stop = end + 1
                break
            if limit is not None and len(self._buffer) >= limit:
                stop = limit
                break
            if not self._fill():
                stop = len(self._buffer)
                break
        return self._take(stop if limit is None else min(stop, limit))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        """The remaining lines (stopping once `hint` bytes were read, when positive)."""
        lines: list[bytes] = []
        total = 0
        while line := self.readline():
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line
