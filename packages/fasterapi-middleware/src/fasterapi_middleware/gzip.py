"""`GZipMiddleware`: gzip response bodies for clients that accept it, streaming included."""

from __future__ import annotations

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


class GZipMiddleware:
    """Compress response bodies with gzip when the client accepts it.

    A response is compressed when the request's ``Accept-Encoding`` allows gzip (see
    `accepts_gzip`), the request has no ``Range`` header, and the response is not a 206,
    has no ``Content-Encoding`` of its own, and has a body. A compressed response gets
    ``Vary: Accept-Encoding`` (extending the app's own Vary header), as with Starlette.

    * A body sent in one message is compressed in one go when it has at least
      `minimum_size` bytes (``Content-Length`` is set to the compressed size); a shorter
      one passes through unchanged.
    * A body sent in several messages (``more_body=True`` on the first one), such as a
      streaming response or server-sent events, is compressed chunk by chunk and flushed
      after each chunk, so every chunk reaches the client as soon as the app sends it;
      ``Content-Length`` is removed. Nothing is ever buffered whole.

    Requests from clients that do not accept gzip, and non-HTTP scopes, go straight to
    the app without any wrapping.

    Args:
        app: The ASGI application to wrap.
        minimum_size: Single-message bodies shorter than this many bytes are sent as is.
        compresslevel: zlib compression level, 1 (fastest) to 9 (smallest).
    """

    __slots__ = ("app", "compresslevel", "minimum_size")

    def __init__(self, app: ASGIApp, minimum_size: int = 500, compresslevel: int = 9) -> None:
        if not 0 <= compresslevel <= 9:
            raise ValueError(f"compresslevel must be between 0 and 9, not {compresslevel}")
        self.app = app
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel

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
                if accept and (_verdicts.get(accept) or accepts_gzip(accept)):
                    responder = _GZipSend(send, self.minimum_size, self.compresslevel)
                    await self.app(scope, receive, responder)
                    if responder.state == _HOLDING:
                        # The app sent a start and no body: forward what it did send.
                        await send(responder.start)
                    return
        await self.app(scope, receive, send)


_WAITING, _HOLDING, _PASSING, _STREAMING = range(4)
_GZIP = (b"content-encoding", b"gzip")
_VARY = (b"vary", b"Accept-Encoding")


class _GZipSend:
    """The `send` handed to the app for one request whose client accepts gzip.

    It holds back the response start until the first body message shows whether and
    how to compress, then rewrites the start's headers in a single pass.
    """

    __slots__ = ("compressor", "level", "minimum_size", "send", "start", "state")

    compressor: zlib._Compress  # set when streaming starts

    def __init__(self, send: Send, minimum_size: int, level: int) -> None:
        self.send = send
        self.minimum_size = minimum_size
        self.level = level
        self.state = _WAITING
        self.start: Message = {}

    async def __call__(self, message: Message) -> None:
        state = self.state
        if state == _STREAMING:
            if message["type"] == "http.response.body":
                message = self._chunk(message)
        elif state == _WAITING:
            if message["type"] == "http.response.start" and message["status"] != 206:
                self.start = message
                self.state = _HOLDING
                return
            self.state = _PASSING
        elif state == _HOLDING:
            self.state = _PASSING
            # An extension message (say, http.response.pathsend) instead of a body is
            # sent by the server itself, so the start goes out unchanged before it.
            if message["type"] == "http.response.body":
                self._first_body(message)
            await self.send(self.start)
        await self.send(message)

    def _first_body(self, message: Message) -> None:
        """Rewrite the held start (and `message`) for the first body message."""
        start = self.start
        body = message.get("body", b"")
        more = message.get("more_body", False)
        compress = more or (body and len(body) >= self.minimum_size)
        # PERF: one pass over the headers finds Content-Encoding, drops Content-Length
        # and extends Vary (benchmarks/bench_middleware.py::gzip_1kb).
        headers = []
        vary_done = False
        for pair in start.get("headers", ()):
            name = pair[0].lower()
            if name == b"content-encoding":
                return  # already encoded: everything passes through unchanged
            if name == b"content-length" and compress:
                continue
            if name == b"vary" and not vary_done and compress:
                vary_done = True
                if not varies_on(pair[1], b"accept-encoding"):
                    value = pair[1]
                    pair = (
                        pair[0],
                        value + b", Accept-Encoding" if value.strip() else b"Accept-Encoding",
                    )
            headers.append(pair)
        if compress and not vary_done:
            headers.append(_VARY)
        if more:
            self.state = _STREAMING
            self.compressor = zlib.compressobj(self.level, zlib.DEFLATED, 31)
            headers.append(_GZIP)
            message["body"] = self._chunk(message)["body"]
        elif compress:
            compressor = zlib.compressobj(self.level, zlib.DEFLATED, 31)
            body = compressor.compress(body) + compressor.flush()
            headers += (_GZIP, (b"content-length", b"%d" % len(body)))
            message["body"] = body
        start["headers"] = headers

    def _chunk(self, message: Message) -> Message:
        compressor = self.compressor
        data = compressor.compress(message.get("body", b""))
        more = message.get("more_body", False)
        # Z_SYNC_FLUSH pushes out everything received so far, so each chunk (an SSE event,
        # say) can be decompressed by the client before the next one exists.
        data += compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
        return {"type": "http.response.body", "body": data, "more_body": more}
