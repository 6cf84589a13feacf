"""Small ASGI helpers shared by the middlewares: header lookups and canned responses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from fasterapi_middleware.types import Scope, Send

TEXT_PLAIN = (b"content-type", b"text/plain; charset=utf-8")

# A Host header after lower-casing: a registered name or IPv4 address, or a bracketed
# IPv6 literal, then an optional port. Anything else is garbage and answered with 400.
_HOST = re.compile(rb"(\[[0-9a-f:.]+\]|[a-z0-9_\-][a-z0-9_.\-]*)(?::([0-9]{1,5}))?").fullmatch


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of request header `name` (lower-case bytes), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def split_host(value: bytes) -> tuple[bytes, bytes] | None:
    """Split a Host header into (lower-cased host, port digits or b""); None if malformed."""
    match = _HOST(value.strip().lower())
    if match is None:
        return None
    return match.group(1), match.group(2) or b""


def with_vary(headers: Iterable[tuple[bytes, bytes]], token: bytes) -> list[tuple[bytes, bytes]]:
    """A copy of response `headers` whose Vary lists `token` (such as ``b"Origin"``) once.

    An existing Vary header is extended rather than replaced, a token it already lists
    (in any case) is not repeated, and `Vary: *` is left alone.
    """
    out = list(headers)
    first = -1
    lowered = token.lower()
    for index, (name, value) in enumerate(out):
        if name.lower() == b"vary":
            if varies_on(value, lowered):
                return out
            if first < 0:
                first = index
    if first < 0:
        out.append((b"vary", token))
    else:
        name, value = out[first]
        out[first] = (name, value + b", " + token if value.strip() else token)
    return out


def varies_on(vary: bytes, token: bytes) -> bool:
    """Whether a Vary value already covers the lower-case `token` (listed, or ``*``)."""
    tokens = [t.strip().lower() for t in vary.split(b",")]
    return token in tokens or b"*" in tokens


async def respond(
    scope: Scope, send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    """Answer the connection with a complete response without calling the app.

    HTTP gets an ordinary response. A websocket handshake gets the same response through
    the ``websocket.http.response`` extension when the server offers it, and is closed
    with code 1008 (policy violation) otherwise, which servers turn into a 403.
    """
    headers = [*headers, (b"content-length", b"%d" % len(body))]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    elif "websocket.http.response" in (scope.get("extensions") or {}):
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008})


def scheme(scope: Scope) -> bytes:
    """The URL scheme of the connection, with ASGI's defaults (``http``, ``ws``)."""
    default = "http" if scope["type"] == "http" else "ws"
    return str(scope.get("scheme") or default).encode("latin-1")


def request_target(scope: Scope) -> bytes:
    """The path and query string of the request, as they came over the wire if known."""
    path = scope.get("raw_path")
    if not path or not path.startswith(b"/"):
        # A server that decodes undecodable bytes with surrogateescape hands over lone
        # surrogates; they go back to the bytes they came from instead of raising.
        path = quote(scope["path"], safe="/:@!$&'()*+,;=-._~", errors="surrogateescape").encode()
    query = scope.get("query_string")
    return bytes(path + b"?" + query) if query else bytes(path)
