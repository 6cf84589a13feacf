"""`TrustedHostMiddleware`: refuse requests whose Host header is not one of ours."""

from __future__ import annotations

from collections.abc import Sequence

from fasterapi_middleware._asgi import (
    TEXT_PLAIN,
    header,
    request_target,
    respond,
    scheme,
    split_host,
)
from fasterapi_middleware.types import ASGIApp, Receive, Scope, Send

_MAX_REMEMBERED = 256


class TrustedHostMiddleware:
    """Answer 400 to HTTP and websocket requests for hosts not in `allowed_hosts`.

    This guards against Host-header attacks (poisoned password-reset links, cache
    poisoning) when the server is reachable under names it should not answer to.

    A pattern is an exact host name (``"example.com"``, ``"127.0.0.1"``, ``"[::1]"``),
    a wildcard subdomain (``"*.example.com"`` matches ``api.example.com`` and
    ``a.b.example.com`` but neither ``example.com`` nor ``evilexample.com``), or ``"*"``
    for any host. The request's Host is compared lower-cased and without its port. A
    request without a Host header, or with one that is not a valid host, is refused
    too.

    With `www_redirect`, a request for ``example.com`` when only ``www.example.com`` is
    allowed gets a 307 redirect to ``www.example.com``, keeping the port, path and
    query string. The refusal is Starlette's: 400 ``Invalid host header``.

    Websocket handshakes are refused or redirected with the same response when the
    server supports the ``websocket.http.response`` extension, and closed (code 1008)
    before being accepted otherwise.

    Args:
        app: The ASGI application to wrap.
        allowed_hosts: Host patterns to accept; the default ``("*",)`` accepts any.
        www_redirect: Redirect a bare domain to its allowed ``www.`` form.

    Raises:
        ValueError: A pattern uses ``*`` anywhere but as a leading ``*.``, is not ASCII,
            or is not a host name (a port, a path or a space in it, say).
    """

    __slots__ = (
        "_allow_any",
        "_exact",
        "_suffixes",
        "_trusted",
        "_www",
        "allowed_hosts",
        "app",
        "www_redirect",
    )

    def __init__(
        self, app: ASGIApp, allowed_hosts: Sequence[str] | None = ("*",), www_redirect: bool = True
    ) -> None:
        if allowed_hosts is None:
            allowed_hosts = ("*",)
        if isinstance(allowed_hosts, str):
            raise TypeError("allowed_hosts takes a list of host patterns, not one string")
        self.app = app
        self.allowed_hosts = tuple(allowed_hosts)
        self.www_redirect = www_redirect
        exact: set[bytes] = set()
        suffixes: list[bytes] = []
        for pattern in self.allowed_hosts:
            if pattern == "*":
                continue
            if not pattern.isascii():
                raise ValueError(
                    f"host pattern {pattern!r} is not ASCII; use its punycode (xn--) form"
                )
            if "*" in pattern[2:] or (pattern.startswith("*") and not pattern.startswith("*.")):
                raise ValueError(
                    f"invalid host pattern {pattern!r}: '*' is only allowed alone or as a "
                    "leading '*.', as in '*.example.com'"
                )
            name = pattern.removeprefix("*.").lower().encode()
            if split_host(name) != (name, b""):
                raise ValueError(
                    f"invalid host pattern {pattern!r}: expected a host name without a port, "
                    "such as 'example.com', '*.example.com', '127.0.0.1' or '[::1]'"
                )
            if pattern.startswith("*."):
                suffixes.append(b"." + name)
            else:
                exact.add(name)
        self._allow_any = "*" in self.allowed_hosts
        self._trusted: set[bytes | None] = set()
        self._exact = frozenset(exact)
        self._suffixes = tuple(suffixes)
        self._www = (
            frozenset(h[4:] for h in exact if h.startswith(b"www."))
            if www_redirect
            else frozenset()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Call the app when the Host is trusted; otherwise answer 400 or redirect."""
        if self._allow_any or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        value = header(scope, b"host")
        trusted = self._trusted
        # PERF: a server sees few distinct Host values, so the raw values already found
        # trusted are remembered and the parsing below is skipped for them; the set is
        # bounded, so hostile values cannot grow it
        # (benchmarks/bench_middleware.py::trusted_host).
        if value in trusted:
            await self.app(scope, receive, send)
            return
        if value is not None and (parts := split_host(value)) is not None:
            host = parts[0]
            if host in self._exact or (self._suffixes and host.endswith(self._suffixes)):
                if len(trusted) >= _MAX_REMEMBERED:
                    trusted.clear()
                trusted.add(value)
                await self.app(scope, receive, send)
                return
            if host in self._www:
                # As Starlette: the Host as sent (its case and port kept), behind "www.".
                location = scheme(scope) + b"://www." + value.strip() + request_target(scope)
                await respond(scope, send, 307, b"", [(b"location", location)])
                return
        await respond(scope, send, 400, b"Invalid host header", [TEXT_PLAIN])
