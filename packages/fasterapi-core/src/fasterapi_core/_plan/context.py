"""The per-request context the compiled extractors read from: everything parsed lazily."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from fasterapi_core.background import BackgroundTasks
from fasterapi_core.datastructures import parse_query, parse_query_last
from fasterapi_core.request import Request, parse_cookies

__all__ = ("Context", "SecurityScopes")


class SecurityScopes:
    """The OAuth2 scopes the dependants above a `Security` dependency asked for.

    Args:
        scopes: The scopes, in order.
    """

    __slots__ = ("scope_str", "scopes")

    def __init__(self, scopes: list[str] | None = None) -> None:
        self.scopes = list(scopes or [])
        self.scope_str = " ".join(self.scopes)


_NO_ERRORS: list[dict[str, Any]] = []  # shared and never appended to: the body reader replaces it
_NO_VALUES: dict[str, Any] = {}


class Context:
    """One request's state while its plan runs (no `Request` is built unless asked for)."""

    __slots__ = (
        "_cookies",
        "_header_lists",
        "_headers",
        "_query",
        "_query_lists",
        "background",
        "body_errors",
        "body_values",
        "errors",
        "exits",
        "json_body",
        "path_params",
        "raw_body",
        "receive",
        "request",
        "response",
        "scope",
        "send",
        "websocket",
    )

    def __init__(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, path_params: dict[str, Any]
    ) -> None:
        self.scope = scope
        self.receive = receive
        self.send = send
        self.path_params = path_params
        self.errors: list[dict[str, Any]] = []
        # PERF: body containers are created by the body reader, only for routes with a body
        # (benchmarks/bench_core.py::path).
        self.body_errors: list[dict[str, Any]] = _NO_ERRORS
        self.body_values: dict[str, Any] = _NO_VALUES
        self.json_body: Any = None
        self.raw_body: bytes | None = None
        self.exits: list[Any] | None = None
        self._query: dict[str, str] | None = None
        self._query_lists: dict[str, list[str]] | None = None
        self._headers: dict[str, str] | None = None
        self._header_lists: dict[str, list[str]] | None = None
        self._cookies: dict[str, str] | None = None
        self.request: Request | None = None
        self.response: Any = None
        self.background: BackgroundTasks | None = None
        self.websocket: Any = None

    def query(self) -> dict[str, str]:
        """`{key: last value}` of the query string (parsed once)."""
        query = self._query
        if query is None:
            query = self._query = parse_query_last(self.scope.get("query_string", b""))
        return query

    def query_lists(self) -> dict[str, list[str]]:
        """`{key: [values...]}` of the query string (parsed once)."""
        lists = self._query_lists
        if lists is None:
            lists = {}
            for key, value in parse_query(self.scope.get("query_string", b"")):
                if key in lists:
                    lists[key].append(value)
                else:
                    lists[key] = [value]
            self._query_lists = lists
        return lists

    def headers(self) -> dict[str, str]:
        """`{lower-case name: first value}` of the request headers (parsed once)."""
        headers = self._headers
        if headers is None:
            headers = {}
            for key, value in self.scope.get("headers", ()):
                name = key.decode("latin-1").lower()
                if name not in headers:
                    headers[name] = value.decode("latin-1")
            self._headers = headers
        return headers

    def header_lists(self) -> dict[str, list[str]]:
        """`{lower-case name: [values...]}` of the request headers (parsed once)."""
        lists = self._header_lists
        if lists is None:
            lists = {}
            for key, value in self.scope.get("headers", ()):
                name = key.decode("latin-1").lower()
                text = value.decode("latin-1")
                if name in lists:
                    lists[name].append(text)
                else:
                    lists[name] = [text]
            self._header_lists = lists
        return lists

    def cookies(self) -> dict[str, str]:
        """The request cookies (parsed once, leniently)."""
        cookies = self._cookies
        if cookies is None:
            cookies = {}
            for key, value in self.scope.get("headers", ()):
                if key == b"cookie":
                    cookies.update(parse_cookies(value.decode("latin-1")))
            self._cookies = cookies
        return cookies

    def get_request(self) -> Request:
        """The `Request` (built on first use)."""
        request = self.request
        if request is None:
            request = self.request = Request(self.scope, self.receive, self.send)
            if self.raw_body is not None:
                # The plan already read the body: let request.body()/json() see it.
                request._body = self.raw_body
            request._max_body_size = getattr(self.scope.get("route"), "max_body_size", None)
        return request

    def get_websocket(self) -> Any:
        """The `WebSocket` of a websocket route."""
        return self.websocket

    def get_response(self) -> Any:
        """The temporary `Response` a handler sets headers, cookies and status on."""
        response = self.response
        if response is None:
            from fasterapi_core.responses import Response

            response = self.response = Response()
            response.status_code = None  # type: ignore[assignment]
            response.raw_headers = []
        return response

    def get_background(self) -> BackgroundTasks:
        """The request's `BackgroundTasks` (shared by the handler and its dependencies)."""
        background = self.background
        if background is None:
            background = self.background = BackgroundTasks()
        return background

    def get_security_scopes(self, scopes: list[str] | None = None) -> SecurityScopes:
        """`SecurityScopes` for a dependency declared under `Security(..., scopes=...)`."""
        return SecurityScopes(scopes)
