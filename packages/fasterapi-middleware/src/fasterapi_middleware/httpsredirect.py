"""`HTTPSRedirectMiddleware`: send plain-text connections to their encrypted URL."""

from __future__ import annotations

from fasterapi_middleware._asgi import TEXT_PLAIN, header, request_target, respond, split_host
from fasterapi_middleware.types import ASGIApp, Receive, Scope, Send

# A missing scheme means "http" (or "ws") in ASGI; other schemes are left alone.
_PLAIN = frozenset({"http", "ws", None})
_CONNECTIONS = frozenset({"http", "websocket"})
_DEFAULT_PORTS = (b"80", b"443")


class HTTPSRedirectMiddleware:
    """Redirect ``http`` requests to ``https`` and ``ws`` handshakes to ``wss``.

    Requests that are already secure go straight to the app. Others get a
    ``307 Temporary Redirect`` to the same host, path and query string under the
    secure scheme, whatever the method: 307 (as in Starlette and FastAPI) keeps the
    method and body, so a redirected POST stays a POST. A default port (80 or 443) is
    dropped from the new URL; any other port is kept.

    A websocket handshake cannot be redirected by closing it, so it gets the same 307
    through the ``websocket.http.response`` extension when the server supports it, and
    is closed with code 1008 (policy violation) before being accepted otherwise.

    The host comes from the Host header, or from the server address when there is
    none; a malformed Host header is answered with 400.

    Args:
        app: The ASGI application to wrap.
    """

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Call the app for secure connections; redirect the others."""
        # PERF: a secure request costs one lookup and one set test before the app
        # (benchmarks/bench_middleware.py::https_redirect_passthrough).
        if scope.get("scheme") not in _PLAIN or scope["type"] not in _CONNECTIONS:
            await self.app(scope, receive, send)
            return
        secure = b"https" if scope["type"] == "http" else b"wss"
        value = header(scope, b"host")
        if value is not None:
            parts = split_host(value)
        elif scope.get("server") and scope["server"][1] is not None:
            # No Host header (HTTP/1.0): fall back to the address the server listens on.
            address, port = scope["server"][:2]
            host = str(address).encode("latin-1")
            parts = (b"[" + host + b"]" if b":" in host else host, b"%d" % port)
        else:
            parts = None
        if parts is None:
            await respond(scope, send, 400, b"Invalid host header", [TEXT_PLAIN])
            return
        host, port = parts
        netloc = host if port in _DEFAULT_PORTS or not port else host + b":" + port
        location = secure + b"://" + netloc + request_target(scope)
        await respond(scope, send, 307, b"", [(b"location", location)])
