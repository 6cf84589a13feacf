"""`CORSMiddleware`: Cross-Origin Resource Sharing for any ASGI app."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fasterapi_middleware._asgi import TEXT_PLAIN, is_token, respond, with_vary
from fasterapi_middleware.types import ASGIApp, Message, Receive, Scope, Send

# Request headers a browser may send cross-origin without asking in a preflight.
SAFELISTED_HEADERS = frozenset(
    {b"accept", b"accept-language", b"content-language", b"content-type"}
)

ACAO = b"access-control-allow-origin"
ACAC = b"access-control-allow-credentials"
ACEH = b"access-control-expose-headers"
ACAM = b"access-control-allow-methods"
ACAH = b"access-control-allow-headers"
ACMA = b"access-control-max-age"
# The headers this middleware owns on a simple response: the app's own copies are replaced.
_OWNED = frozenset({ACAO, ACAC, ACEH})
_MAX_CACHED = 256


class CORSMiddleware:
    """Answer CORS preflights and add CORS headers to cross-origin responses.

    The keywords and defaults are FastAPI's and Starlette's. Everything is decided at
    construction: per request the middleware only looks the origin up in a set (or runs
    the regex) and appends pre-encoded headers.

    * An origin is allowed when it is in `allow_origins` exactly (``"*"`` allows every
      origin) or when `allow_origin_regex` matches all of it. A disallowed origin is
      never reflected back.
    * A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
      never reaches the app: it is answered with 200 when the origin, the method and
      every requested header are allowed, and with 400 and a short plain-text reason
      otherwise. Header names compare case-insensitively; the CORS-safelisted headers
      (``Accept``, ``Accept-Language``, ``Content-Language``, ``Content-Type``) are always
      allowed. Methods compare case-sensitively against the upper-cased configuration.
    * Any other request goes to the app, and the ``Access-Control-Allow-Origin``,
      ``-Allow-Credentials`` and ``-Expose-Headers`` headers are added to its response.
    * Whenever the answer depends on the request's origin, ``Vary: Origin`` is added to
      the response (extending the app's own Vary header), including on responses to
      requests without an ``Origin`` header, so a shared cache never serves one origin's
      answer to another.

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
        expose_headers: Response headers the browser lets scripts read.
        max_age: Seconds a browser may cache a preflight answer.

    Raises:
        ValueError: `allow_credentials` is combined with the ``"*"`` origin.
    """

    __slots__ = (
        "_allow_all_headers",
        "_allow_all_methods",
        "_allow_all_origins",
        "_allowed_headers",
        "_allowed_methods",
        "_origin_match",
        "_origins",
        "_preflight_answers",
        "_preflight_headers",
        "_simple_headers",
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
        self._allow_all_methods = "*" in allow_methods
        self._allowed_methods = frozenset(m.upper().encode() for m in allow_methods)
        self._allow_all_headers = "*" in allow_headers
        self._allowed_headers = SAFELISTED_HEADERS | {h.lower().encode() for h in allow_headers}

        # Headers added to a response for an allowed origin. With the wildcard origin the
        # answer is the same for everyone, so it is fixed here; otherwise the origin is
        # reflected per request and put in front of these.
        simple: list[tuple[bytes, bytes]] = []
        if self._allow_all_origins:
            simple.append((ACAO, b"*"))
        if allow_credentials:
            simple.append((ACAC, b"true"))
        if expose_headers:
            simple.append((ACEH, ", ".join(expose_headers).encode()))
        self._simple_headers = tuple(simple)

        preflight: list[tuple[bytes, bytes]] = [TEXT_PLAIN, (ACMA, str(int(max_age)).encode())]
        if allow_credentials:
            preflight.append((ACAC, b"true"))
        if not self._allow_all_methods:
            preflight.append(
                (ACAM, ", ".join(sorted(m.decode() for m in self._allowed_methods)).encode())
            )
        if not self._allow_all_headers:
            preflight.append((ACAH, b", ".join(sorted(self._allowed_headers))))
        self._preflight_headers = tuple(preflight)
        self._preflight_answers: dict[
            tuple[bytes, bytes, bytes], tuple[int, bytes, list[tuple[bytes, bytes]]]
        ] = {}

    def _is_allowed(self, origin: bytes) -> bool:
        if origin in self._origins:
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
        if self._allow_all_origins:
            if origin is None:
                await self.app(scope, receive, send)
                return
            if scope["method"] == "OPTIONS" and await self._preflight(scope, send, origin):
                return
            await self.app(scope, receive, self._adding(send, self._simple_headers, b""))
            return
        # The answer depends on the origin from here on, so every response varies on it.
        if origin is None:
            added: tuple[tuple[bytes, bytes], ...] = ()
        elif scope["method"] == "OPTIONS" and await self._preflight(scope, send, origin):
            return
        elif self._is_allowed(origin):
            added = ((ACAO, origin), *self._simple_headers)
        else:
            added = ()
        await self.app(scope, receive, self._adding(send, added, b"origin"))

    def _adding(self, send: Send, added: tuple[tuple[bytes, bytes], ...], vary: bytes) -> Send:
        """A `send` that puts `added` (and `Vary: <vary>`) on the response start."""

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if added:
                    headers = [h for h in headers if h[0].lower() not in _OWNED]
                    headers.extend(added)
                if vary:
                    headers = with_vary(headers, vary)
                message["headers"] = headers
            await send(message)

        return send_with_cors

    async def _preflight(self, scope: Scope, send: Send, origin: bytes) -> bool:
        """Answer a preflight request; False when the OPTIONS request is not one."""
        method = None
        requested = b""
        for name, value in scope["headers"]:
            if name == b"access-control-request-method":
                method = bytes(value)
            elif name == b"access-control-request-headers":
                requested = requested + b"," + value if requested else bytes(value)
        if method is None:
            return False
        # PERF: browsers repeat the same few preflights, so each answer is built once and
        # kept; the cache is bounded, so hostile variations cannot grow it
        # (benchmarks/bench_middleware.py::cors_preflight).
        key = (origin, method, requested)
        answer = self._preflight_answers.get(key)
        if answer is None:
            answer = self._answer_preflight(origin, method.strip(), requested)
            if len(self._preflight_answers) >= _MAX_CACHED:
                self._preflight_answers.clear()
            self._preflight_answers[key] = answer
        status, body, headers = answer
        await respond(scope, send, status, body, headers)
        return True

    def _answer_preflight(
        self, origin: bytes, method: bytes, requested_headers: bytes
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        """Status, body and headers answering one preflight."""
        failures = []
        headers = list(self._preflight_headers)
        if self._allow_all_origins:
            headers.append((ACAO, b"*"))
        else:
            headers.append((b"vary", b"origin"))
            if self._is_allowed(origin):
                headers.append((ACAO, origin))
            else:
                failures.append("origin")
        if not is_token(method) or not (self._allow_all_methods or method in self._allowed_methods):
            failures.append("method")
        elif self._allow_all_methods:
            headers.append((ACAM, method))
        requested = [h.strip().lower() for h in requested_headers.split(b",")]
        requested = [h for h in requested if h]
        for name in requested:
            if not is_token(name) or not (self._allow_all_headers or name in self._allowed_headers):
                failures.append("headers")
                break
        else:
            if self._allow_all_headers and requested:
                headers.append((ACAH, b", ".join(requested)))
        if failures:
            reason = "Disallowed CORS " + ", ".join(failures)
            vary = [(b"vary", b"origin")] if not self._allow_all_origins else []
            return 400, reason.encode(), [TEXT_PLAIN, *vary]
        return 200, b"OK", headers
