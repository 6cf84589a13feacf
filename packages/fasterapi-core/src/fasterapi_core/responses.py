"""Response classes with Starlette's names and signatures, encoding JSON with msgspec.

A response is an ASGI app: `await response(scope, receive, send)` sends it (start + body in
two messages) and then runs its background task. Header values are checked when set: CR, LF,
NUL or non-latin-1 characters raise `ValueError`, so nothing can split a header.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import decimal
import enum
import hashlib
import http.cookies
import mimetypes
import os
import secrets
import stat as _stat
import types
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from email.utils import formatdate, parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import quote

import msgspec

from fasterapi_core._concurrency import iterate_in_threadpool, run_in_threadpool
from fasterapi_core.background import BackgroundTask
from fasterapi_core.datastructures import MutableHeaders, encode_header

__all__ = (
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "StreamingResponse",
)

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

_NO_BODY_STATUS = frozenset({204, 304})


def _enc_hook(obj: Any) -> Any:
    """Encode what msgspec does not know natively (pydantic models, objects with __dict__...)."""
    dump = getattr(obj, "model_dump", None)
    if dump is not None:  # pydantic v2 model
        return dump(mode="json")
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    if isinstance(obj, _dt.timedelta):
        return obj.total_seconds()
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    if hasattr(obj, "__dict__"):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


# PERF: one encoder for the whole process; msgspec reuses its internal buffer
# (benchmarks/bench_core.py::health). Decimal is written as its text ("1.10"), as pydantic's
# JSON mode writes it (FastAPI with a response model); `jsonable` makes it a number for routes
# without one.
json_encoder = msgspec.json.Encoder(enc_hook=_enc_hook, decimal_format="string")
encode_json = json_encoder.encode


def _scrub(obj: Any) -> Any:
    if isinstance(obj, str):
        return obj.encode("utf-8", "replace").decode("utf-8")
    if isinstance(obj, dict):
        return {_scrub(k): _scrub(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_scrub(v) for v in obj]
    return obj


def encode_json_safe(content: Any) -> bytes:
    """Like `encode_json`, but strings that cannot be UTF-8 (lone surrogates a server may hand
    over in a path) are encoded with `?` instead of failing: for error bodies that echo input."""
    try:
        return encode_json(content)
    except UnicodeEncodeError:
        return encode_json(_scrub(content))


def _decimal_number(value: decimal.Decimal) -> int | float:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)  # a fraction, or NaN/Infinity (encoded as null)


def _isoformat(value: _dt.date | _dt.time) -> str:
    return value.isoformat()


# What FastAPI's jsonable_encoder writes differently from msgspec's native encoding.
_JSONABLE: dict[type[Any], Callable[[Any], Any]] = {
    _dt.timedelta: _dt.timedelta.total_seconds,  # float seconds, not an ISO 8601 duration
    _dt.datetime: _isoformat,  # "+00:00", not "Z"
    _dt.date: _isoformat,
    _dt.time: _isoformat,
    bytes: lambda b: b.decode("utf-8", "replace"),  # text, not base64
    decimal.Decimal: _decimal_number,  # 1.1 or 3, not 1.10
}
_JSONABLE_BASES = tuple(_JSONABLE)
_SCALARS = frozenset({str, int, float, bool, type(None)})
# Encoded as lists (generators and deques too, which msgspec does not take, as FastAPI does).
_SEQUENCES = frozenset({tuple, set, frozenset, deque, types.GeneratorType})


def jsonable(value: Any) -> Any:
    """`value` with what FastAPI's jsonable_encoder writes differently converted for msgspec.

    For the return value of a route without a response model (FastAPI runs it through
    jsonable_encoder): timedelta → float seconds, date/time/datetime → `isoformat()`,
    bytes → UTF-8 text, Decimal → int or float. Everything else is left to `encode_json`.
    Containers are copied only when something inside them changes.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        out: dict[Any, Any] | None = None
        for key, item in value.items():
            if type(item) in _SCALARS:
                continue
            new = jsonable(item)
            if new is not item:
                if out is None:
                    out = value.copy()
                out[key] = new
        return value if out is None else out
    if kind is list:
        items: list[Any] | None = None
        for index, item in enumerate(value):
            if type(item) in _SCALARS:
                continue
            new = jsonable(item)
            if new is not item:
                if items is None:
                    items = value.copy()
                items[index] = new
        return value if items is None else items
    convert = _JSONABLE.get(kind)
    if convert is not None:
        return convert(value)
    if kind in _SEQUENCES:
        return jsonable(list(value))
    if isinstance(value, _JSONABLE_BASES):
        for base, convert in _JSONABLE.items():
            if isinstance(value, base):
                return convert(value)
    # Structs, dataclasses, models, mappings...: to builtins, keeping the types above as
    # they are so they are converted here.
    try:
        data = msgspec.to_builtins(value, builtin_types=_JSONABLE_BASES, enc_hook=_enc_hook)
    except (TypeError, ValueError):
        return value  # left to encode_json, which raises its own error
    return jsonable(data)


# Pre-encoded header pairs used by the hot path.
CT_JSON = (b"content-type", b"application/json")


class Response:
    """A response with a bytes or str body.

    Args:
        content: The body: bytes, str (encoded with `charset`), or None for no body.
        status_code: The HTTP status.
        headers: Extra headers; values are validated (no CR/LF/NUL, latin-1 only).
        media_type: The Content-Type (a `charset` is added for `text/*`).
        background: A task to run after the response is sent.
    """

    # A __dict__ slot: subclasses keep Starlette's style (class-level `media_type`, new fields).
    __slots__ = ("__dict__",)

    media_type: str | None = None
    charset = "utf-8"

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background
        self.body = self.render(content)
        self.init_headers(headers)

    def render(self, content: Any) -> bytes:
        """Turn `content` into the body bytes."""
        if content is None:
            return b""
        if isinstance(content, (bytes, memoryview)):
            return bytes(content)
        return str(content).encode(self.charset)

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        """Build `raw_headers` from `headers` plus Content-Length and Content-Type."""
        raw: list[tuple[bytes, bytes]] = []
        has_length = has_type = False
        if headers:
            for key, value in headers.items():
                pair = encode_header(key, value)
                if pair[0] == b"content-length":
                    has_length = True
                elif pair[0] == b"content-type":
                    has_type = True
                raw.append(pair)
        body = getattr(self, "body", None)
        if (
            body is not None
            and not has_length
            and not (self.status_code < 200 or self.status_code in _NO_BODY_STATUS)
        ):
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        media_type = self.media_type
        if media_type is not None and not has_type:
            if media_type.startswith("text/") and "charset=" not in media_type.lower():
                media_type += "; charset=" + self.charset
            raw.append(encode_header("content-type", media_type))
        self.raw_headers = raw

    @property
    def headers(self) -> MutableHeaders:
        """The response headers, mutable (values validated on assignment)."""
        return MutableHeaders(raw=self.raw_headers)

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: int | None = None,
        expires: _dt.datetime | str | int | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Literal["lax", "strict", "none"] | None = "lax",
        partitioned: bool = False,
    ) -> None:
        """Add a `Set-Cookie` header, with Starlette's arguments and defaults.

        Raises:
            ValueError: The key or value cannot be a cookie, or `samesite` is not lax/strict/none.
        """
        cookie: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
        try:
            cookie[key] = value
        except http.cookies.CookieError as exc:
            raise ValueError(str(exc)) from None
        morsel = cookie[key]
        if max_age is not None:
            morsel["max-age"] = max_age
        if expires is not None:
            if isinstance(expires, _dt.datetime):
                morsel["expires"] = formatdate(expires.timestamp(), usegmt=True)
            else:
                morsel["expires"] = expires
        if path is not None:
            morsel["path"] = path
        if domain is not None:
            morsel["domain"] = domain
        if secure:
            morsel["secure"] = True
        if httponly:
            morsel["httponly"] = True
        if samesite is not None:
            if samesite.lower() not in ("strict", "lax", "none"):
                raise ValueError("samesite must be either 'strict', 'lax' or 'none'")
            morsel["samesite"] = samesite
        header = cookie.output(header="").strip()
        if partitioned:
            header += "; Partitioned"
        self.raw_headers.append(encode_header("set-cookie", header))

    def delete_cookie(
        self,
        key: str,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Literal["lax", "strict", "none"] | None = "lax",
    ) -> None:
        """Expire cookie `key` on the client."""
        self.set_cookie(
            key,
            max_age=0,
            expires=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )

    async def to_asgi(self, send: Send, *, head: bool = False) -> None:
        """Send the response as two ASGI messages (start, then the whole body)."""
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        await send({"type": "http.response.body", "body": b"" if head else self.body})

    async def __call__(self, scope: Mapping[str, Any], receive: Receive, send: Send) -> None:
        """Send the response, then run its background task."""
        await self.to_asgi(send, head=scope.get("method") == "HEAD")
        if self.background is not None:
            await self.background()


class JSONResponse(Response):
    """A JSON response, encoded with a shared msgspec encoder.

    Handles everything msgspec does (dicts, lists, Structs, dataclasses, datetimes, UUIDs,
    Decimals as numbers, enums) plus pydantic models when pydantic is installed.
    """

    __slots__ = ()

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Encode `content` as JSON."""
        return encode_json(content)


class HTMLResponse(Response):
    """A `text/html` response."""

    __slots__ = ()

    media_type = "text/html"


class PlainTextResponse(Response):
    """A `text/plain` response."""

    __slots__ = ()

    media_type = "text/plain"


class RedirectResponse(Response):
    """A redirect (307 by default) to `url`.

    Args:
        url: Where to send the client; unsafe characters are percent-encoded.
        status_code: 301, 302, 303, 307 or 308.
        headers: Extra headers.
        background: A task to run after the response is sent.
    """

    __slots__ = ()

    def __init__(
        self,
        url: Any,
        status_code: int = 307,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(
            content=b"", status_code=status_code, headers=headers, background=background
        )
        self.raw_headers.append(
            encode_header("location", quote(str(url), safe=":/%#?=@[]!$&'()*+,;~"))
        )


ContentStream = AsyncIterable[str | bytes] | Iterable[str | bytes]


class StreamingResponse(Response):
    """A body produced piece by piece by an iterator (async, or sync run in the thread pool).

    When the client disconnects, iteration stops and the iterator is closed (its `finally`
    blocks run); the background task is then skipped.

    Args:
        content: An async or sync iterable of bytes or str chunks.
        status_code: The HTTP status.
        headers: Extra headers.
        media_type: The Content-Type.
        background: A task to run after the whole body was sent.
    """

    __slots__ = ()

    def __init__(
        self,
        content: ContentStream,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background
        self.body_iterator = content
        self.init_headers(headers)

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        """Like `Response.init_headers`, but without a Content-Length (unknown up front)."""
        self.body = None  # type: ignore[assignment]
        super().init_headers(headers)

    async def _chunks(self) -> AsyncIterator[str | bytes]:
        content = self.body_iterator
        if isinstance(content, AsyncIterable):
            async for chunk in content:
                yield chunk
        else:
            async for chunk in iterate_in_threadpool(content):
                yield chunk

    async def _stream(self, send: Send, head: bool) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        if not head:
            charset = self.charset
            async for chunk in self._chunks():
                data = chunk if isinstance(chunk, (bytes, memoryview)) else chunk.encode(charset)
                await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _listen_for_disconnect(receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return

    async def _close_iterator(self) -> None:
        it = self.body_iterator
        aclose = getattr(it, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()
            return
        close = getattr(it, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()

    async def __call__(self, scope: Mapping[str, Any], receive: Receive, send: Send) -> None:
        """Stream the body while watching `receive` for a disconnect."""
        head = scope.get("method") == "HEAD"
        stream = asyncio.ensure_future(self._stream(send, head))
        listen = asyncio.ensure_future(self._listen_for_disconnect(receive))
        try:
            done, _ = await asyncio.wait({stream, listen}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (stream, listen):
                if not task.done():
                    task.cancel()
            await asyncio.gather(stream, listen, return_exceptions=True)
        if stream in done:
            try:
                stream.result()
            except OSError:
                # ASGI 2.4 servers raise on send after a disconnect: same as a disconnect.
                await self._close_iterator()
                return
            if self.background is not None:
                await self.background()
        else:
            await self._close_iterator()


# --- files ---------------------------------------------------------------------------------

_CHUNK = 64 * 1024
_MAX_RANGES = 100


class _RangeNotSatisfiable(Exception):
    pass


def _parse_range(header: str, size: int) -> list[tuple[int, int]] | None:
    """The byte ranges `[start, end)` asked for, merged; None to ignore the header.

    Raises:
        _RangeNotSatisfiable: Bad syntax inside `bytes=`, too many ranges, or none satisfiable.
    """
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None  # an unknown unit is ignored (RFC 9110 §14.2)
    # Thousands of ranges are refused before any of them is parsed.
    if spec.count(",") >= _MAX_RANGES:
        raise _RangeNotSatisfiable
    ranges: list[tuple[int, int]] = []
    for part in spec.split(","):
        part = part.strip()
        first, dash, last = part.partition("-")
        first, last = first.strip(), last.strip()
        if not dash or not _digits(first) or not _digits(last):
            raise _RangeNotSatisfiable
        if not first:
            if not last:
                raise _RangeNotSatisfiable
            length = _range_number(last)
            if length == 0:
                continue
            ranges.append((max(0, size - length), size))
            continue
        start = _range_number(first)
        end = _range_number(last) + 1 if last else size
        if last and end <= start:
            raise _RangeNotSatisfiable
        if start >= size:
            continue
        ranges.append((start, min(end, size)))
    if not ranges:
        raise _RangeNotSatisfiable
    ranges.sort()
    merged = [ranges[0]]
    for start, end in ranges[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def _digits(text: str) -> bool:
    # Empty is allowed ("100-", "-5"); isdigit() alone accepts digits int() refuses ("²").
    return not text or (text.isascii() and text.isdigit())


def _range_number(digits: str) -> int:
    # int() refuses more than 4300 digits; anything past 18 digits is beyond any file anyway.
    return int(digits) if len(digits) <= 18 else 10**19


def _etag_matches(header: str, etag: str) -> bool:
    bare = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


class FileResponse(Response):
    """Send a file from disk in 64 KiB chunks, with conditional and Range support.

    Called as an ASGI app it reads the *request's* headers from the scope:

    * `If-None-Match` (or, without it, `If-Modified-Since`) matching → `304 Not Modified`;
    * `Range: bytes=...` → `206` with one range, or `multipart/byteranges` for several
      (overlapping ranges are merged); `If-Range` that does not match serves the whole file;
    * a range set that is unsatisfiable, syntactically invalid inside `bytes=`, or has 100 ranges
      or more → `416` with `Content-Range: bytes */<size>`; an unknown unit is ignored (200);
    * `HEAD` → headers only;
    * a missing or unreadable path (or a directory) → `404 {"detail": "Not Found"}`, never a 500.

    Args:
        path: The file to send.
        status_code: The status for a full response.
        headers: Extra headers.
        media_type: The Content-Type; guessed from `filename` or `path` when None.
        background: A task to run after the response is sent.
        filename: Sets `Content-Disposition` (RFC 5987 encoding for non-ASCII names).
        stat_result: A ready `os.stat_result`, to skip one `stat` call.
        method: Force the request method (e.g. "HEAD").
        content_disposition_type: "attachment" (download) or "inline".
    """

    __slots__ = ()

    chunk_size = _CHUNK

    def __init__(
        self,
        path: str | os.PathLike[str],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
        filename: str | None = None,
        stat_result: os.stat_result | None = None,
        method: str | None = None,
        content_disposition_type: str = "attachment",
    ) -> None:
        self.path = path
        self.status_code = status_code
        self.filename = filename
        self.send_header_only = method is not None and method.upper() == "HEAD"
        self.background = background
        if media_type is None:
            media_type = mimetypes.guess_type(filename or os.fspath(path))[0] or "text/plain"
        self.media_type = media_type
        self.body = None  # type: ignore[assignment]
        self.init_headers(headers)
        if filename is not None:
            quoted = quote(filename)
            if quoted != filename:
                disposition = f"{content_disposition_type}; filename*=utf-8''{quoted}"
            else:
                disposition = f'{content_disposition_type}; filename="{filename}"'
            self.raw_headers.append(encode_header("content-disposition", disposition))
        self.stat_result = stat_result
        if stat_result is not None:
            self._set_stat_headers(stat_result)

    def _set_stat_headers(self, st: os.stat_result) -> None:
        headers = self.headers
        headers.setdefault("content-length", str(st.st_size))
        headers.setdefault("last-modified", formatdate(st.st_mtime, usegmt=True))
        # Starlette's ETag: the md5 of "<mtime>-<size>", so caches keep validating after a switch.
        digest = hashlib.md5(f"{st.st_mtime}-{st.st_size}".encode(), usedforsecurity=False)
        headers.setdefault("etag", f'"{digest.hexdigest()}"')
        headers.setdefault("accept-ranges", "bytes")

    async def __call__(self, scope: Mapping[str, Any], receive: Receive, send: Send) -> None:
        """Send the file (or 304/206/416/404), honouring the request's conditional headers."""
        method = scope.get("method", "GET")
        head = self.send_header_only or method == "HEAD"
        st = self.stat_result
        if st is None:
            try:
                st = await run_in_threadpool(os.stat, self.path)
            except OSError:
                st = None
            if st is None or not _stat.S_ISREG(st.st_mode):
                await _send_not_found(send, head)
                return
            self.stat_result = st
            self._set_stat_headers(st)
        request_headers = dict(scope.get("headers", ()))
        size = st.st_size
        if self.status_code == 200 and method in ("GET", "HEAD"):
            if self._not_modified(request_headers):
                await self._send_not_modified(send)
                return
            range_header = request_headers.get(b"range")
            if range_header is not None and self._if_range_ok(request_headers):
                try:
                    ranges = _parse_range(range_header.decode("latin-1"), size)
                except _RangeNotSatisfiable:
                    await self._send_416(send, size)
                    return
                if ranges is not None:
                    await self._send_ranges(send, ranges, size, head)
                    if self.background is not None:
                        await self.background()
                    return
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        if head:
            await send({"type": "http.response.body", "body": b""})
        else:
            await self._send_file(send, [(0, size)], None)
        if self.background is not None:
            await self.background()

    def _not_modified(self, req: dict[bytes, bytes]) -> bool:
        headers = self.headers
        inm = req.get(b"if-none-match")
        if inm is not None:
            return _etag_matches(inm.decode("latin-1"), headers["etag"])
        ims = req.get(b"if-modified-since")
        if ims is not None and self.stat_result is not None:
            try:
                since = parsedate_to_datetime(ims.decode("latin-1")).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                # OverflowError: a year or offset past C's int/long ("... 99999999999999 ...").
                return False
            return int(self.stat_result.st_mtime) <= since
        return False

    def _if_range_ok(self, req: dict[bytes, bytes]) -> bool:
        if_range = req.get(b"if-range")
        if if_range is None:
            return True
        value = if_range.decode("latin-1").strip()
        headers = self.headers
        return bool(value == headers.get("etag") or value == headers.get("last-modified"))

    async def _send_not_modified(self, send: Send) -> None:
        keep = (
            b"etag",
            b"last-modified",
            b"cache-control",
            b"expires",
            b"vary",
            b"content-location",
        )
        raw = [(k, v) for k, v in self.raw_headers if k in keep]
        await send({"type": "http.response.start", "status": 304, "headers": raw})
        await send({"type": "http.response.body", "body": b""})

    async def _send_416(self, send: Send, size: int) -> None:
        # An empty body, as Starlette's FileResponse sends.
        raw = [
            (b"content-range", f"bytes */{size}".encode("latin-1")),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 416, "headers": raw})
        await send({"type": "http.response.body", "body": b""})

    async def _send_ranges(
        self, send: Send, ranges: list[tuple[int, int]], size: int, head: bool
    ) -> None:
        base = [
            (k, v) for k, v in self.raw_headers if k not in (b"content-length", b"content-type")
        ]
        content_type = self.headers.get("content-type", "application/octet-stream")
        if len(ranges) == 1:
            start, end = ranges[0]
            raw = [
                *base,
                (b"content-type", content_type.encode("latin-1")),
                (b"content-range", f"bytes {start}-{end - 1}/{size}".encode("latin-1")),
                (b"content-length", str(end - start).encode("latin-1")),
            ]
            await send({"type": "http.response.start", "status": 206, "headers": raw})
            if head:
                await send({"type": "http.response.body", "body": b""})
            else:
                await self._send_file(send, ranges, None)
            return
        boundary = secrets.token_hex(13)
        parts = [
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Range: bytes {start}-{end - 1}/{size}\r\n\r\n"
            ).encode("latin-1")
            for start, end in ranges
        ]
        closing = f"\r\n--{boundary}--".encode("latin-1")  # Starlette's ending: no CRLF after
        length = sum(len(p) for p in parts) + sum(e - s for s, e in ranges)
        length += 2 * (len(ranges) - 1) + len(closing)
        raw = [
            *base,
            (b"content-type", f"multipart/byteranges; boundary={boundary}".encode("latin-1")),
            (b"content-length", str(length).encode("latin-1")),
        ]
        await send({"type": "http.response.start", "status": 206, "headers": raw})
        if head:
            await send({"type": "http.response.body", "body": b""})
        else:
            await self._send_file(send, ranges, (parts, closing))

    async def _send_file(
        self,
        send: Send,
        ranges: list[tuple[int, int]],
        multipart: tuple[list[bytes], bytes] | None,
    ) -> None:
        try:
            fh = await run_in_threadpool(open, self.path, "rb")
        except OSError:
            # The file vanished between stat and open: end the started response cleanly.
            await send({"type": "http.response.body", "body": b""})
            return
        try:
            for index, (start, end) in enumerate(ranges):
                if multipart is not None:
                    prefix = multipart[0][index]
                    if index:
                        prefix = b"\r\n" + prefix
                    await send({"type": "http.response.body", "body": prefix, "more_body": True})
                if start:
                    await run_in_threadpool(fh.seek, start)
                remaining = end - start
                while remaining > 0:
                    chunk = await run_in_threadpool(fh.read, min(self.chunk_size, remaining))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            tail = multipart[1] if multipart is not None else b""
            await send({"type": "http.response.body", "body": tail})
        finally:
            await run_in_threadpool(fh.close)


async def _send_not_found(send: Send, head: bool) -> None:
    body = b'{"detail":"Not Found"}'
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [CT_JSON, (b"content-length", str(len(body)).encode("latin-1"))],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})
