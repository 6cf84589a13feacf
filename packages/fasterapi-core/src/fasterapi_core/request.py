"""`HTTPConnection` (the lazy view of an ASGI scope) and `Request` (plus the body).

Nothing is parsed until asked for: `request.headers` builds `Headers` on first access and
caches it, the query string is split only when `query_params` is read, and so on. Handlers
that do not declare a `Request` parameter never get one built at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, MutableMapping
from http.cookies import _unquote
from typing import TYPE_CHECKING, Any

import msgspec

from fasterapi_core.datastructures import URL, Address, Headers, QueryParams, State
from fasterapi_core.exceptions import HTTPException, MalformedJSONError

if TYPE_CHECKING:
    from fasterapi_core.forms import FormData

__all__ = ("ClientDisconnect", "HTTPConnection", "Request", "parse_cookies")

Scope = MutableMapping[str, Any]


async def _no_receive() -> dict[str, Any]:
    raise RuntimeError("this connection has no receive channel")


async def _no_send(message: Mapping[str, Any]) -> None:
    raise RuntimeError("this connection has no send channel")


class ClientDisconnect(Exception):
    """The client went away (`http.disconnect`) before the whole body was read."""


def parse_cookies(header: str) -> dict[str, str]:
    """Parse a `Cookie` header leniently, the way browsers send it.

    A malformed pair is skipped on its own, so it never hides the valid cookies next to it.

    Args:
        header: The raw `Cookie` header value, e.g. `"a=1; b=2"`.

    Returns:
        `{name: value}`; when a name repeats, the last value wins (as in Starlette).
    """
    cookies: dict[str, str] = {}
    for chunk in header.split(";"):
        if "=" in chunk:
            key, _, val = chunk.partition("=")
        else:
            # Browsers treat a bare token as a cookie with an empty name.
            key, val = "", chunk
        key, val = key.strip(), val.strip()
        if key or val:
            try:
                cookies[key] = _unquote(val)
            except Exception:  # pragma: no cover - _unquote only fails on exotic input
                cookies[key] = val
    return cookies


class HTTPConnection(Mapping[str, Any]):
    """What `Request` and `WebSocket` share: the scope, seen lazily.

    Reads as a mapping of the scope (`conn["path"]`), like Starlette's.

    Args:
        scope: The ASGI connection scope (`http` or `websocket`).
        receive: The ASGI receive channel, when the subclass needs it.
    """

    __slots__ = (
        "_base_url",
        "_cookies",
        "_headers",
        "_query_params",
        "_receive",
        "_state",
        "_url",
        "scope",
    )

    def __init__(self, scope: Scope, receive: Any = None) -> None:
        self.scope = scope
        self._receive = receive if receive is not None else _no_receive
        self._headers: Headers | None = None
        self._query_params: QueryParams | None = None
        self._cookies: dict[str, str] | None = None
        self._url: URL | None = None
        self._base_url: URL | None = None
        self._state: State | None = None

    def __getitem__(self, key: str) -> Any:
        return self.scope[key]

    def __iter__(self) -> Any:
        return iter(self.scope)

    def __len__(self) -> int:
        return len(self.scope)

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @property
    def app(self) -> Any:
        """The application that received the connection (`scope["app"]`)."""
        return self.scope.get("app")

    @property
    def url(self) -> URL:
        """The full URL the client asked for (scheme, host, root path, path and query)."""
        if self._url is None:
            self._url = URL(scope=self.scope)
        return self._url

    @property
    def base_url(self) -> URL:
        """The URL of the application root (`root_path` included), ending in `/`."""
        if self._base_url is None:
            scope = dict(self.scope)
            root = scope.get("app_root_path", scope.get("root_path", ""))
            scope["path"] = root.rstrip("/") + "/"
            scope["query_string"] = b""
            url = URL(scope=scope)
            self._base_url = url
        return self._base_url

    @property
    def headers(self) -> Headers:
        """The request headers: case-insensitive, multi-valued."""
        if self._headers is None:
            self._headers = Headers(scope=self.scope)
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        """The query string as a multi-dict (`getlist` for repeated keys)."""
        if self._query_params is None:
            self._query_params = QueryParams(self.scope.get("query_string", b""))
        return self._query_params

    @property
    def path_params(self) -> dict[str, Any]:
        """The values matched from the path template."""
        params: dict[str, Any] = self.scope.get("path_params", {})
        return params

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies of the `Cookie` header(s); one malformed cookie never hides the others."""
        if self._cookies is None:
            cookies: dict[str, str] = {}
            for key, value in self.scope.get("headers", ()):
                if key == b"cookie":
                    cookies.update(parse_cookies(value.decode("latin-1")))
            self._cookies = cookies
        return self._cookies

    @property
    def client(self) -> Address | None:
        """`Address(host, port)` of the peer, or None when the server does not say."""
        client = self.scope.get("client")
        if client is None:
            return None
        return Address(client[0], client[1])

    @property
    def session(self) -> dict[str, Any]:
        """The session set by a session middleware (`scope["session"]`)."""
        if "session" not in self.scope:
            raise AssertionError("SessionMiddleware must be installed to access request.session")
        session: dict[str, Any] = self.scope["session"]
        return session

    @property
    def auth(self) -> Any:
        """What an authentication middleware put in `scope["auth"]`."""
        return self.scope["auth"]

    @property
    def user(self) -> Any:
        """What an authentication middleware put in `scope["user"]`."""
        return self.scope["user"]

    @property
    def state(self) -> State:
        """Per-request attributes, backed by `scope["state"]` (where lifespan state arrives)."""
        if self._state is None:
            self._state = State(self.scope.setdefault("state", {}))
        return self._state

    def url_for(self, name: str, /, **path_params: Any) -> URL:
        """The absolute URL of the route called `name`, with `path_params` filled in.

        Raises:
            NoMatchFound: No route has that name or those parameters.
        """
        router = self.scope.get("router") or self.scope.get("app")
        if router is None:
            raise RuntimeError("url_for needs scope['app'] or scope['router']")
        path = router.url_path_for(name, **path_params)
        base = self.base_url
        return URL(str(base).rstrip("/") + str(path))


class Request(HTTPConnection):
    """An HTTP request: the scope, lazily parsed, plus the body.

    Args:
        scope: The ASGI `http` scope.
        receive: The ASGI receive channel the body is read from.
        send: The ASGI send channel (unused; accepted for Starlette compatibility).
    """

    __slots__ = (
        "_body",
        "_form",
        "_is_disconnected",
        "_json",
        "_max_body_size",
        "_send",
        "_stream_consumed",
    )

    # Unset until the body is read, as in Starlette: a subclass overriding `body()` may test
    # `hasattr(self, "_body")` (FastAPI's "Custom Request and APIRoute class" page does).
    _body: bytes

    def __init__(self, scope: Scope, receive: Any = None, send: Any = None) -> None:
        super().__init__(scope, receive)
        self._send = send if send is not None else _no_send
        self._json: Any = _UNSET
        self._form: Any = None
        self._stream_consumed = False
        self._is_disconnected = False
        # Set by the app to the route's max_body_size: body() and json() respect it.
        self._max_body_size: int | None = None

    @property
    def method(self) -> str:
        """The HTTP method, upper-case."""
        method: str = self.scope["method"]
        return method

    @property
    def receive(self) -> Any:
        """The ASGI receive channel."""
        return self._receive

    async def stream(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives, chunk by chunk.

        Raises:
            ClientDisconnect: The client disconnected before the end of the body.
            RuntimeError: The stream was already consumed (and the body not kept).
        """
        body = getattr(self, "_body", None)
        if body is not None:
            yield body
            yield b""
            return
        if self._stream_consumed:
            raise RuntimeError("Stream consumed")
        self._stream_consumed = True
        while True:
            message = await self._receive()
            kind = message["type"]
            if kind == "http.request":
                chunk = message.get("body", b"")
                if chunk:
                    yield chunk
                if not message.get("more_body", False):
                    break
            elif kind == "http.disconnect":
                self._is_disconnected = True
                raise ClientDisconnect
        yield b""

    async def body(self) -> bytes:
        """The whole body (read once, then cached).

        Raises:
            HTTPException: 413 when the body is larger than the route's `max_body_size` (checked
                from Content-Length before reading, then while reading). `stream()` has no limit.
                400 when that limit is set and Content-Length is not a number.
            ClientDisconnect: The client went away mid-body.
        """
        body = getattr(self, "_body", None)
        if body is None:
            limit = self._max_body_size
            if limit is not None:
                declared = self.headers.get("content-length")
                if declared is not None:
                    # As the route's own body read: "²" passes isdigit() and int() refuses
                    # 4301+ digits, so a bad header is the client's 400, never a 500.
                    try:
                        too_large = int(declared) > limit
                    except ValueError:
                        raise HTTPException(400, "Invalid Content-Length header") from None
                    if too_large:
                        raise HTTPException(413, "Request body too large")
            chunks = []
            size = 0
            async for chunk in self.stream():
                if limit is not None:
                    size += len(chunk)
                    if size > limit:
                        raise HTTPException(413, "Request body too large")
                chunks.append(chunk)
            body = self._body = b"".join(chunks)
        return body

    async def json(self) -> Any:
        """The body decoded as JSON (cached).

        Raises:
            MalformedJSONError: The body is not valid JSON (also a `json.JSONDecodeError`); when
                not caught it is answered with a 400.
        """
        if self._json is _UNSET:
            body = await self.body()
            try:
                self._json = msgspec.json.decode(body)
            except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
                from fasterapi_core._plan.errors import json_invalid

                error = json_invalid(body, exc)
                raise MalformedJSONError(
                    error["ctx"]["error"], body.decode("utf-8", "replace"), error["loc"][1]
                ) from None
        return self._json

    async def form(
        self,
        *,
        max_files: int | float = 1000,
        max_fields: int | float = 1000,
        max_part_size: int = 1024 * 1024,
    ) -> FormData:
        """Parse a `multipart/form-data` or `application/x-www-form-urlencoded` body (cached).

        Args:
            max_files: Most file parts accepted.
            max_fields: Most non-file fields accepted.
            max_part_size: Largest non-file part, in bytes.

        Returns:
            The `FormData`; close its files with `await request.close()`.
        """
        if self._form is None:
            from fasterapi_core.forms import FormLimits

            limits = FormLimits(
                max_files=max_files, max_fields=max_fields, max_part_size=max_part_size
            )
            self._form = await self._parse_form(limits)
        form: FormData = self._form
        return form

    async def _parse_form(self, limits: Any) -> Any:
        from fasterapi_core.forms import parse_form

        return await parse_form(self.headers, self.stream(), limits)

    async def close(self) -> None:
        """Close the files of a parsed form, if any."""
        if self._form is not None:
            await self._form.close()

    async def is_disconnected(self) -> bool:
        """True once the client has gone away (checks without waiting)."""
        if not self._is_disconnected:
            import asyncio

            try:
                message = await asyncio.wait_for(self._receive(), timeout=0.000001)
            except asyncio.TimeoutError:
                return False
            if message.get("type") == "http.disconnect":
                self._is_disconnected = True
        return self._is_disconnected

    async def send_push_promise(self, path: str) -> None:
        """Send an HTTP/2 server push promise when the server supports it (else nothing)."""
        if "http.response.push" in self.scope.get("extensions", {}):
            raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
            await self._send({"type": "http.response.push", "path": path, "headers": raw})


class _Unset:
    __slots__ = ()


_UNSET: Any = _Unset()
