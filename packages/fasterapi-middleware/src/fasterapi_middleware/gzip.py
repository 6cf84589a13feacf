"""`GZipMiddleware`: gzip response bodies for clients that accept it, streaming included."""

from __future__ import annotations

import asyncio
import re
import zlib

from fasterapi_middleware._asgi import varies_on
from fasterapi_middleware.types import ASGIApp, Message, Receive, Scope, Send

# RFC 9110 qvalue: 0 to 1 with at most three decimals.
_QVALUE = re.compile(rb"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?").fullmatch
_GZIP_CODINGS = (b"gzip", b"x-gzip")
# PERF: clients send a handful of distinct Accept-Encoding values, so the verdict is
# cached per value; bounded so hostile values cannot grow it
# (benchmarks/bench_middleware.py::gzip_1kb).
_verdicts: dict[bytes, bool] = {}
_MAX_CACHED = 256


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether an Accept-Encoding value allows a gzip-coded response (RFC 9110 §12.5.3).

    ``gzip`` (or ``x-gzip``) with a non-zero q-value says yes and ``gzip;q=0`` says no,
    whatever ``*`` says; otherwise ``*`` with a non-zero q-value says yes. Codings compare
    case-insensitively, and an item with a malformed q-value counts as refused.
    """
    verdict = _verdicts.get(accept_encoding)
    if verdict is None:
        verdict = _parse(accept_encoding)
        if len(_verdicts) >= _MAX_CACHED:
            _verdicts.clear()
        _verdicts[accept_encoding] = verdict
    return verdict


def _parse(accept_encoding: bytes) -> bool:
    gzip_q: float | None = None
    star_q: float | None = None
    for item in accept_encoding.lower().split(b","):
        coding, _, params = item.partition(b";")
        coding = coding.strip()
        if coding not in _GZIP_CODINGS and coding != b"*":
            continue
        q = 1.0
        for param in params.split(b";"):
            key, _, value = param.partition(b"=")
            if key.strip() == b"q":
                value = value.strip()
                q = float(value) if _QVALUE(value) else 0.0
        if coding == b"*":
            star_q = q
        else:
            gzip_q = q if gzip_q is None else max(gzip_q, q)
    if gzip_q is not None:
        return gzip_q > 0
    return star_q is not None and star_q > 0


# Media types sent as they are by default, as Starlette's: already compressed formats,
# and event streams (whose events must not wait in a compressor). ``type/*`` covers a
# whole type; ``application/grpc`` covers ``application/grpc+proto`` and the like.
DEFAULT_EXCLUDED_CONTENT_TYPES = (
    "application/grpc",
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "audio/*",
    "font/woff",
    "font/woff2",
    "image/avif",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/event-stream",
    "video/*",
)


class GZipMiddleware:
    """Compress response bodies with gzip when the client accepts it.

    FastAPI's (Starlette's) `GZipMiddleware`, with the same keywords. A response is
    compressed when the request's ``Accept-Encoding`` allows gzip (see `accepts_gzip`),
    the request has no ``Range`` header, and the response is not a 206, has no
    ``Content-Encoding`` of its own, is not of an excluded media type, and has a body
    of at least `minimum_size` bytes or is streamed.

    * A body sent in one message is compressed in one go (``Content-Length`` is set
      to the compressed size); a shorter one passes through unchanged.
    * A body sent in several messages (``more_body=True`` on the first one), such as a
      streaming response, is compressed chunk by chunk and flushed after each chunk,
      so every chunk reaches the client as soon as the app sends it;
      ``Content-Length`` is removed. Nothing is ever buffered whole.
    * Chunks of at least `thread_minimum_size` bytes are compressed in a worker
      thread, so a large body does not stall the event loop.
    * Every response that would be compressed for a client accepting gzip gets
      ``Vary: Accept-Encoding`` (extending the app's own Vary header), whether this
      client accepts gzip or not, as with Starlette.

    Requests with a ``Range`` header and non-HTTP scopes go straight to the app.

    Args:
        app: The ASGI application to wrap.
        minimum_size: Single-message bodies shorter than this many bytes are sent as is.
        compresslevel: zlib compression level, 1 (fastest) to 9 (smallest).
        thread_minimum_size: Chunks of at least this many bytes are compressed in a
            worker thread.
        exclude_content_types: Media types sent uncompressed (parameters ignored,
            ``type/*`` for a whole type).
    """

    __slots__ = (
        "_excluded",
        "_verdicts",
        "app",
        "compresslevel",
        "exclude_content_types",
        "minimum_size",
        "thread_minimum_size",
    )

    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int = 500,
        compresslevel: int = 9,
        thread_minimum_size: int = 128 * 1024,
        *,
        exclude_content_types: tuple[str, ...] = DEFAULT_EXCLUDED_CONTENT_TYPES,
    ) -> None:
        if not 0 <= compresslevel <= 9:
            raise ValueError(f"compresslevel must be between 0 and 9, not {compresslevel}")
        self.app = app
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel
        self.thread_minimum_size = thread_minimum_size
        self.exclude_content_types = tuple(exclude_content_types)
        self._excluded = frozenset(
            t.partition(";")[0].strip().lower().encode("latin-1") for t in exclude_content_types
        )
        self._verdicts: dict[bytes, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, compressing its response if the client accepts gzip."""
        if scope["type"] == "http":
            accept = b""
            for name, value in scope["headers"]:
                if name == b"accept-encoding":
                    accept = accept + b"," + value if accept else bytes(value)
                elif name == b"range":
                    break
            else:
                gzip = bool(accept) and (_verdicts.get(accept) or accepts_gzip(accept))
                responder = _GZipSend(send, self, gzip)
                await self.app(scope, receive, responder)
                if responder.state == _HOLDING:
                    # The app sent a start and no body: forward what it did send.
                    await send(responder.start)
                return
        await self.app(scope, receive, send)

    def is_excluded(self, content_type: bytes) -> bool:
        """Whether a response of this Content-Type is sent uncompressed."""
        excluded = self._excluded
        media = content_type.partition(b";")[0].strip().lower()
        return (
            media in excluded
            or media.partition(b"/")[0] + b"/*" in excluded
            or (media.startswith(b"application/grpc+") and b"application/grpc" in excluded)
        )


_WAITING, _HOLDING, _PASSING, _STREAMING = range(4)
# Extension messages an app may send before its response start; they go on unchanged.
_BEFORE_START = frozenset({"http.response.debug", "http.response.early_hint"})
_GZIP = (b"content-encoding", b"gzip")
_VARY = (b"vary", b"Accept-Encoding")


class _GZipSend:
    """The `send` handed to the app for one request.

    It holds back the response start until the first body message shows whether and
    how to compress, then rewrites the start's headers in a single pass. For a client
    that does not accept gzip it only adds the Vary header.
    """

    __slots__ = ("compressor", "gzip", "middleware", "send", "start", "state")

    compressor: zlib._Compress  # set when streaming starts

    def __init__(self, send: Send, middleware: GZipMiddleware, gzip: bool) -> None:
        self.send = send
        self.middleware = middleware
        self.gzip = gzip
        self.state = _WAITING
        self.start: Message = {}

    async def __call__(self, message: Message) -> None:
        state = self.state
        if state == _STREAMING:
            if message["type"] == "http.response.body":
                message = await self._chunk(message)
        elif state == _WAITING:
            kind = message["type"]
            if kind == "http.response.start" and message["status"] != 206:
                self.start = message
                self.state = _HOLDING
                return
            if kind not in _BEFORE_START:
                self.state = _PASSING
        elif state == _HOLDING:
            self.state = _PASSING
            # An extension message (say, http.response.pathsend) instead of a body is
            # sent by the server itself, so the start goes out unchanged before it.
            if message["type"] == "http.response.body":
                await self._first_body(message)
            await self.send(self.start)
        await self.send(message)

    async def _first_body(self, message: Message) -> None:
        """Rewrite the held start (and `message`) for the first body message."""
        start = self.start
        middleware = self.middleware
        body = message.get("body", b"")
        more = message.get("more_body", False)
        if not (more or (body and len(body) >= middleware.minimum_size)):
            return  # too small to be worth it: everything passes through unchanged
        compress = self.gzip
        # PERF: one pass over the headers finds Content-Encoding and Content-Type, drops
        # Content-Length and extends Vary (benchmarks/bench_middleware.py::gzip_1kb).
        headers = []
        vary_done = False
        for pair in start.get("headers", ()):
            name = pair[0].lower()
            if name == b"content-encoding":
                return  # already encoded: everything passes through unchanged
            if name == b"content-type":
                # PERF: apps send a few distinct Content-Types, so the verdict is cached
                # per value (bounded) (benchmarks/bench_middleware.py::gzip_1kb).
                excluded = middleware._verdicts.get(pair[1])
                if excluded is None:
                    excluded = middleware.is_excluded(pair[1])
                    if len(middleware._verdicts) >= _MAX_CACHED:
                        middleware._verdicts.clear()
                    middleware._verdicts[pair[1]] = excluded
                if excluded:
                    return
            if name == b"content-length" and compress:
                continue
            if name == b"vary" and not vary_done:
                vary_done = True
                if not varies_on(pair[1], b"accept-encoding"):
                    value = pair[1]
                    pair = (
                        pair[0],
                        value + b", Accept-Encoding" if value.strip() else b"Accept-Encoding",
                    )
            headers.append(pair)
        if not vary_done:
            headers.append(_VARY)
        start["headers"] = headers
        if not compress:
            return
        headers.append(_GZIP)
        self.compressor = zlib.compressobj(middleware.compresslevel, zlib.DEFLATED, 31)
        if more:
            self.state = _STREAMING
            message["body"] = (await self._chunk(message))["body"]
        else:
            if len(body) >= middleware.thread_minimum_size:
                body = await self._compress(body, zlib.Z_FINISH)
            else:
                body = self._compress_now(body, zlib.Z_FINISH)
            headers.append((b"content-length", b"%d" % len(body)))
            message["body"] = body

    async def _compress(self, data: bytes, flush: int) -> bytes:
        if len(data) >= self.middleware.thread_minimum_size:
            # A large chunk would stall every other request on the loop meanwhile.
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, self._compress_now, data, flush)
        return self._compress_now(data, flush)

    def _compress_now(self, data: bytes, flush: int) -> bytes:
        compressor = self.compressor
        return compressor.compress(data) + compressor.flush(flush)

    async def _chunk(self, message: Message) -> Message:
        more = message.get("more_body", False)
        # Z_SYNC_FLUSH pushes out everything received so far, so each chunk can be
        # decompressed by the client before the next one exists.
        data = await self._compress(
            message.get("body", b""), zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH
        )
        return {"type": "http.response.body", "body": data, "more_body": more}
