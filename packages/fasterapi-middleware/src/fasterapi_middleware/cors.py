"""`CORSMiddleware`: Cross-Origin Resource Sharing for any ASGI app."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fasterapi_middleware._asgi import TEXT_PLAIN, respond, with_vary
from fasterapi_middleware.types import ASGIApp, Message, Receive, Scope, Send

# What ``allow_methods=["*"]`` stands for, listed in this order in preflight answers
# (the list of the Starlette release FastAPI currently installs).
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
# Request headers a browser may send cross-origin without asking in a preflight.
SAFELISTED_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

ACAO = b"access-control-allow-origin"
ACAC = b"access-control-allow-credentials"
ACEH = b"access-control-expose-headers"
ACAM = b"access-control-allow-methods"
ACAH = b"access-control-allow-headers"
ACMA = b"access-control-max-age"
ACAPN = b"access-control-allow-private-network"
# Every preflight answer, allowed or refused, varies on these request headers.
PREFLIGHT_VARY = (
    b"vary",
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    b"Access-Control-Request-Private-Network",
)
_MAX_CACHED = 256


class CORSMiddleware:
    """Answer CORS preflights and add CORS headers to cross-origin responses.

    The keywords, defaults and answers are those of Starlette's `CORSMiddleware`, which
    FastAPI re-exports. Everything is decided at construction: per request the
    middleware only looks the origin up in a set (or runs the regex) and appends
    pre-encoded headers.

    * An origin is allowed when it is in `allow_origins` exactly (``"*"`` allows every
      origin) or when `allow_origin_regex` matches all of it. A disallowed origin is
      never reflected back.
    * A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
      never reaches the app: it is answered with 200 when the origin, the method, every
      requested header and a private-network access request are allowed, and with 400
      and a short plain-text reason (``Disallowed CORS origin, method``) otherwise. Both
      carry ``Access-Control-Allow-Methods`` (every method for ``"*"``),
      ``-Max-Age``, ``-Allow-Headers`` (unless ``"*"``: then the requested headers are
      echoed), ``-Allow-Credentials`` when enabled, and a ``Vary`` on the origin and the
      preflight's request headers. Requested header names compare case-insensitively;
      the CORS-safelisted headers (``Accept``, ``Accept-Language``,
      ``Content-Language``, ``Content-Type``) are always allowed. Methods compare
      exactly.
    * Any other request goes to the app. When it has an ``Origin``, the
      ``Access-Control-Allow-Origin`` (for an allowed origin), ``-Allow-Credentials``
      and ``-Expose-Headers`` headers are set on its response. ``Vary: Origin`` is added
      to every response (extending the app's own Vary header, not repeating a token it
      already lists), so a shared cache never serves one origin's answer to another.

    Unlike Starlette, combining ``allow_credentials=True`` with ``allow_origins=["*"]``
    raises `ValueError`: a credentialed wildcard would let every site read responses
    made with the user's cookies. List the trusted origins (or a regex) instead.

    Args:
        app: The ASGI application to wrap.
        allow_origins: Origins allowed to read responses, such as
            ``"https://example.com"``; ``"*"`` allows any origin.
        allow_methods: Methods allowed in cross-origin requests; ``"*"`` allows any.
        allow_headers: Request headers allowed in cross-origin requests, besides the
            safelisted ones; ``"*"`` allows any.
        allow_credentials: Whether browsers may send cookies and read the responses.
        allow_origin_regex: A regular expression that an allowed origin fully matches,
            such as ``r"https://.*\\.example\\.org"``.
        allow_private_network: Whether a public site may reach this (private-network)
            server: answers ``Access-Control-Request-Private-Network`` preflights.
        expose_headers: Response headers the browser lets scripts read.
        max_age: Seconds a browser may cache a preflight answer.

    Raises:
        ValueError: `allow_credentials` is combined with the ``"*"`` origin.
    """

    __slots__ = (
        "_allow_all_headers",
        "_allow_all_origins",
        "_allow_private_network",
        "_allowed_headers",
        "_allowed_methods",
        "_origin_match",
        "_origins",
        "_preflight_answers",
        "_preflight_headers",
        "_reflect_names",
        "_simple_headers",
        "_simple_names",
        "app",
    )

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Sequence[str] = (),
        allow_methods: Sequence[str] = ("GET",),
        allow_headers: Sequence[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: str | re.Pattern[str] | None = None,
        allow_private_network: bool = False,
        expose_headers: Sequence[str] = (),
        max_age: int = 600,
    ) -> None:
        if isinstance(allow_origins, str) or isinstance(allow_methods, str):
            raise TypeError(
                "allow_origins and allow_methods take a list of strings, not one string"
            )
        if isinstance(allow_headers, str) or isinstance(expose_headers, str):
            raise TypeError(
                "allow_headers and expose_headers take a list of strings, not one string"
            )
        self.app = app
        self._allow_all_origins = "*" in allow_origins
        if allow_credentials and self._allow_all_origins:
            raise ValueError(
                "allow_credentials=True cannot be combined with allow_origins=['*']: "
                "list the trusted origins explicitly or use allow_origin_regex"
            )
        self._origins = frozenset(o.encode() for o in allow_origins)
        regex = (
            re.compile(allow_origin_regex)
            if isinstance(allow_origin_regex, str)
            else allow_origin_regex
        )
        self._origin_match = regex.fullmatch if regex is not None else None
        methods = ALL_METHODS if "*" in allow_methods else tuple(allow_methods)
        self._allowed_methods = frozenset(m.encode() for m in methods)
        self._allow_all_headers = "*" in allow_headers
        listed_headers = sorted({*SAFELISTED_HEADERS, *allow_headers})
        self._allowed_headers = frozenset(h.lower().encode() for h in listed_headers)
        self._allow_private_network = allow_private_network

        # Headers set on a response to a request with an Origin. With the wildcard origin
        # the answer is the same for everyone, so it is fixed here; otherwise an allowed
        # origin is reflected per request and put in front of these.
        simple: list[tuple[bytes, bytes]] = []
        if self._allow_all_origins:
            simple.append((ACAO, b"*"))
        if allow_credentials:
            simple.append((ACAC, b"true"))
        if expose_headers:
            simple.append((ACEH, ", ".join(expose_headers).encode()))
        self._simple_headers = tuple(simple)
        # The names each kind of answer replaces in the app's response: only those it sets.
        self._simple_names = frozenset(name for name, _ in simple)
        self._reflect_names = self._simple_names | {ACAO}

        preflight: list[tuple[bytes, bytes]] = [PREFLIGHT_VARY]
        if self._allow_all_origins:
            preflight.append((ACAO, b"*"))
        preflight.append((ACAM, ", ".join(methods).encode()))
        preflight.append((ACMA, str(max_age).encode()))
        if not self._allow_all_headers:
            preflight.append((ACAH, ", ".join(listed_headers).encode()))
        if allow_credentials:
            preflight.append((ACAC, b"true"))
        self._preflight_headers = tuple(preflight)
        self._preflight_answers: dict[
            tuple[bytes, bytes, bytes | None, bool], tuple[int, bytes, list[tuple[bytes, bytes]]]
        ] = {}

    def _is_allowed(self, origin: bytes) -> bool:
        if self._allow_all_origins or origin in self._origins:
            return True
        match = self._origin_match
        return match is not None and match(origin.decode("latin-1")) is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a preflight, or run the app and add CORS headers to its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = bytes(value)
                break
        if origin is None:
            added: tuple[tuple[bytes, bytes], ...] = ()
            names = self._simple_names
        elif scope["method"] == "OPTIONS" and await self._preflight(scope, send, origin):
            return
        elif self._allow_all_origins or not self._is_allowed(origin):
            added = self._simple_headers
            names = self._simple_names
        else:
            added = ((ACAO, origin), *self._simple_headers)
            names = self._reflect_names
        await self.app(scope, receive, self._adding(send, added, names))

    @staticmethod
    def _adding(
        send: Send, added: tuple[tuple[bytes, bytes], ...], names: frozenset[bytes]
    ) -> Send:
        """A `send` that sets the `added` headers (named `names`) and `Vary: Origin`."""

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if added:
                    headers = [h for h in headers if h[0].lower() not in names]
                    headers.extend(added)
                message["headers"] = with_vary(headers, b"Origin")
            await send(message)

        return send_with_cors

    async def _preflight(self, scope: Scope, send: Send, origin: bytes) -> bool:
        """Answer a preflight request; False when the OPTIONS request is not one."""
        method = None
        requested = None
        private_network = False
        for name, value in scope["headers"]:
            if name == b"access-control-request-method":
                if method is None:
                    method = bytes(value)
            elif name == b"access-control-request-headers":
                if requested is None:
                    requested = bytes(value)
            elif name == b"access-control-request-private-network":
                private_network = True
        if method is None:
            return False
        # PERF: browsers repeat the same few preflights, so each answer is built once and
        # kept; the cache is bounded, so hostile variations cannot grow it
        # (benchmarks/bench_middleware.py::cors_preflight).
        key = (origin, method, requested, private_network)
        answer = self._preflight_answers.get(key)
        if answer is None:
            answer = self._answer_preflight(origin, method, requested, private_network)
            if len(self._preflight_answers) >= _MAX_CACHED:
                self._preflight_answers.clear()
            self._preflight_answers[key] = answer
        status, body, headers = answer
        await respond(scope, send, status, body, headers)
        return True

    def _answer_preflight(
        self, origin: bytes, method: bytes, requested: bytes | None, private_network: bool
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        """Status, body and headers answering one preflight."""
        failures = []
        headers = list(self._preflight_headers)
        if not self._is_allowed(origin):
            failures.append("origin")
        elif not self._allow_all_origins:
            headers.append((ACAO, origin))
        if method not in self._allowed_methods:
            failures.append("method")
        if requested is not None:
            if self._allow_all_headers:
                headers.append((ACAH, requested))
            elif any(
                name.strip() not in self._allowed_headers for name in requested.lower().split(b",")
            ):
                failures.append("headers")
        if private_network:
            if self._allow_private_network:
                headers.append((ACAPN, b"true"))
            else:
                failures.append("private-network")
        headers.append(TEXT_PLAIN)
        if failures:
            return 400, ("Disallowed CORS " + ", ".join(failures)).encode(), headers
        return 200, b"OK", headers
