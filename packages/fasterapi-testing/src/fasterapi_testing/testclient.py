"""`TestClient` and `AsyncTestClient`: httpx clients whose server is an ASGI app in-process."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from http.cookiejar import CookieJar
from types import TracebackType
from typing import Any, ClassVar, TypeVar

import httpx

from fasterapi_testing._http import AsyncTransport, Server, SyncTransport
from fasterapi_testing._lifespan import Lifespan
from fasterapi_testing._loop import LoopThread
from fasterapi_testing.exceptions import WebSocketDenied, WebSocketDisconnect
from fasterapi_testing.types import ASGIApp
from fasterapi_testing.websocket import AsyncWebSocketTestSession, WebSocketTestSession

ClientT = TypeVar("ClientT", bound="TestClient")
AsyncClientT = TypeVar("AsyncClientT", bound="AsyncTestClient")

DEFAULT_CLIENT = ("testclient", 50000)


def _headers(headers: Mapping[str, str] | None) -> httpx.Headers:
    merged = httpx.Headers({"user-agent": "testclient"})
    if headers is not None:
        merged.update(headers)
    return merged


def _http_url(url: str) -> str:
    """`ws://` and `wss://` URLs are built (and their cookies matched) as http(s)."""
    if url.startswith(("ws://", "wss://")):
        return "http" + url[2:]
    return url


def _denied_for(disconnect_exc: type[Exception]) -> type[Exception]:
    """A `WebSocketDenied` that is also an instance of `disconnect_exc`."""
    if issubclass(WebSocketDenied, disconnect_exc):
        return WebSocketDenied
    return type("WebSocketDenied", (WebSocketDenied, disconnect_exc), {"__module__": __name__})


class _ClientBase:
    """What both clients share: the in-process server, and the two exception classes a
    framework's own test client may swap.
    """

    # No __slots__ = (): the clients are httpx clients, which have a __dict__ anyway, and the
    # attributes set by `_serve` are declared here for the type checker.

    websocket_disconnect_exc: ClassVar[type[Exception]] = WebSocketDisconnect
    websocket_denied_exc: ClassVar[type[Exception]] = WebSocketDenied

    app: ASGIApp
    app_state: dict[str, Any]
    raise_server_exceptions: bool
    root_path: str
    _server: Server
    _lifespan: Lifespan | None

    def _serve(
        self,
        app: ASGIApp,
        raise_server_exceptions: bool,
        root_path: str,
        client: tuple[str, int],
    ) -> None:
        """Set the attributes of both clients and the `Server` their transport calls."""
        self.app = app
        self.app_state = {}
        self.raise_server_exceptions = raise_server_exceptions
        self.root_path = root_path
        self._server = Server(
            app,
            raise_server_exceptions=raise_server_exceptions,
            root_path=root_path,
            client=client,
            state=self.app_state,
        )
        self._lifespan = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if (
            "websocket_disconnect_exc" in cls.__dict__
            and "websocket_denied_exc" not in cls.__dict__
        ):
            cls.websocket_denied_exc = _denied_for(cls.websocket_disconnect_exc)


class TestClient(_ClientBase, httpx.Client):
    """A synchronous httpx client whose server is `app`, called in-process.

    The full `httpx.Client` API works (`get`, `post`, `stream`, `params=`, `json=`,
    `files=`, cookies kept across requests, redirects followed within the app).
    The app runs on one event loop in a background thread, created on first use or
    on `with`, and closed (thread joined) by `close()` or at the end of `with`.

    Used as a context manager, the client also runs the app's lifespan: startup
    before the block, shutdown after it. Whatever the app stores in the lifespan
    `state` is copied (shallowly) into every request's scope.

    Args:
        app: Any ASGI 3 application.
        base_url: Scheme, host and port the requests appear to go to.
        raise_server_exceptions: Re-raise an exception of the app in the test (the
            same object). When False, the test gets a 500 response instead (if the
            response had not started).
        root_path: The ASGI `root_path`, as a server behind a path-prefixing proxy
            sets it. As with Starlette's TestClient, the scope's `path` stays the
            request's path (uvicorn `--root-path` would put the prefix in front).
        backend: Starlette's keyword; only ``"asyncio"`` (the default) is supported.
        backend_options: Starlette's keyword (anyio runner options), accepted and
            ignored: the app runs on the client's own asyncio loop.
        cookies: Cookies sent with every request; cookies the app sets are kept.
        headers: Headers sent with every request (`user-agent` is "testclient").
        follow_redirects: Follow redirects (to the same app) by default.
        client: The (host, port) the app sees as the peer address.
        **kwargs: Passed on to `httpx.Client` (`params`, `timeout`, `auth`, ...).

    The positional order of the arguments is that of Starlette's TestClient.

    Raises:
        ValueError: A `backend` other than ``"asyncio"``.

    Attributes:
        app: The application under test.
        app_state: The lifespan state dict, shared with the app.
        websocket_disconnect_exc: The class raised when the app closes a WebSocket,
            called as `cls(code, reason)`. A framework's test client overrides it
            in a subclass to raise its own `WebSocketDisconnect`; exceptions of this
            class raised by the app after the test closed the connection count as a
            clean end. Overriding it alone also derives a matching
            `websocket_denied_exc` (a `WebSocketDenied` that is an instance of it).
        websocket_denied_exc: The class raised when the app refuses a handshake,
            called as `cls(status_code, headers, body, code, reason)`.
    """

    __test__ = False  # not a test class, whatever pytest's naming rules think

    def __init__(
        self,
        app: ASGIApp,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        root_path: str = "",
        backend: str = "asyncio",
        backend_options: dict[str, Any] | None = None,
        cookies: httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        client: tuple[str, int] = DEFAULT_CLIENT,
        **kwargs: Any,
    ) -> None:
        if backend != "asyncio":
            raise ValueError(f"backend={backend!r} is not supported: the app runs on asyncio")
        self._serve(app, raise_server_exceptions, root_path, client)
        self._portal = LoopThread()
        super().__init__(
            base_url=base_url,
            headers=_headers(headers),
            cookies=cookies,
            follow_redirects=follow_redirects,
            transport=SyncTransport(self._server, self._portal),
            **kwargs,
        )
        # A client dropped without close() still stops its loop thread.
        weakref.finalize(self, LoopThread.close, self._portal)

    def __enter__(self: ClientT) -> ClientT:
        """Start the event loop and run the app's lifespan startup.

        Raises:
            LifespanError: The app reported `lifespan.startup.failed`.
            Exception: The app's own exception, if it raised during startup.
        """
        lifespan = Lifespan(self.app, self.app_state)
        try:
            self._portal.run(lifespan.startup())
        except BaseException:
            self._portal.close()
            raise
        self._lifespan = lifespan
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Run the lifespan shutdown, then stop the event loop and join its thread.

        The client stays usable: a later request starts a new loop.
        """
        lifespan, self._lifespan = self._lifespan, None
        try:
            if lifespan is not None:
                self._portal.run(lifespan.shutdown())
        finally:
            self._portal.close()

    def websocket_connect(
        self,
        url: str,
        subprotocols: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        query_string: str | bytes = "",
        **kwargs: Any,
    ) -> WebSocketTestSession:
        """Open a WebSocket to the app; use the result with `with`.

        Args:
            url: Path (or full URL) of the endpoint; `ws://`, `wss://`, `http://` and
                `https://` all work.
            subprotocols: Subprotocols the client offers (second, as with Starlette).
            headers: Extra handshake headers (the client's defaults and cookies are sent too).
            query_string: A raw query string, replacing the one in `url`.
            **kwargs: Passed to `build_request` (`params`, `cookies`).

        Returns:
            A session whose `__enter__` performs the handshake.
        """
        request = self.build_request("GET", _http_url(url), headers=headers, **kwargs)
        scope = self._server.websocket_scope(request, subprotocols, query_string)
        cls = type(self)
        return WebSocketTestSession(
            self.app,
            scope,
            self._portal,
            raise_server_exceptions=self.raise_server_exceptions,
            disconnect_exc=cls.websocket_disconnect_exc,
            denied_exc=cls.websocket_denied_exc,
        )


class AsyncTestClient(_ClientBase, httpx.AsyncClient):
    """An `httpx.AsyncClient` whose server is `app`, for `async def` tests.

    The app runs on the caller's event loop. `async with` runs its lifespan. The
    arguments, attributes and exception hooks are those of `TestClient`.

    Args:
        app: Any ASGI 3 application.
        base_url: Scheme, host and port the requests appear to go to.
        raise_server_exceptions: Re-raise an exception of the app in the test.
        root_path: The ASGI `root_path`.
        headers: Headers sent with every request.
        cookies: Cookies sent with every request.
        follow_redirects: Follow redirects (to the same app) by default.
        client: The (host, port) the app sees as the peer address.
        **kwargs: Passed on to `httpx.AsyncClient`.
    """

    __test__ = False

    def __init__(
        self,
        app: ASGIApp,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        root_path: str = "",
        headers: Mapping[str, str] | None = None,
        cookies: httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]] | None = None,
        follow_redirects: bool = True,
        client: tuple[str, int] = DEFAULT_CLIENT,
        **kwargs: Any,
    ) -> None:
        self._serve(app, raise_server_exceptions, root_path, client)
        super().__init__(
            base_url=base_url,
            headers=_headers(headers),
            cookies=cookies,
            follow_redirects=follow_redirects,
            transport=AsyncTransport(self._server),
            **kwargs,
        )

    async def __aenter__(self: AsyncClientT) -> AsyncClientT:
        """Run the app's lifespan startup on the running loop.

        Raises:
            LifespanError: The app reported `lifespan.startup.failed`.
            Exception: The app's own exception, if it raised during startup.
        """
        lifespan = Lifespan(self.app, self.app_state)
        await lifespan.startup()
        self._lifespan = lifespan
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Run the app's lifespan shutdown. The client stays usable afterwards."""
        lifespan, self._lifespan = self._lifespan, None
        if lifespan is not None:
            await lifespan.shutdown()

    def websocket_connect(
        self,
        url: str,
        subprotocols: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        query_string: str | bytes = "",
        **kwargs: Any,
    ) -> AsyncWebSocketTestSession:
        """Open a WebSocket to the app; use the result with `async with`.

        Takes the arguments of `TestClient.websocket_connect`.

        Returns:
            A session whose `__aenter__` performs the handshake.
        """
        request = self.build_request("GET", _http_url(url), headers=headers, **kwargs)
        scope = self._server.websocket_scope(request, subprotocols, query_string)
        cls = type(self)
        return AsyncWebSocketTestSession(
            self.app,
            scope,
            raise_server_exceptions=self.raise_server_exceptions,
            disconnect_exc=cls.websocket_disconnect_exc,
            denied_exc=cls.websocket_denied_exc,
        )
