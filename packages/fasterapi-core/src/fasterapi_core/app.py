"""`Faster` (alias `FastAPI`): the ASGI application.

Request flow: `__call__` → middleware stack (built once, on the first call) → `_dispatch`,
which resolves the route in the radix router (static paths are one dict lookup) and awaits
the route's compiled plan. Errors become responses here: HTTPException and validation errors
through the exception handlers, anything else a logged 500 (the app's 500/`Exception` handler,
else plain text), after which the exception is re-raised out of the app, as Starlette's
ServerErrorMiddleware does: the server logs it and a test client raises it.
"""

from __future__ import annotations

import inspect
import logging
import re
import traceback
import warnings
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, TypeVar

from fasterapi_core._concurrency import configure_thread_pool, run_in_threadpool
from fasterapi_core.background import _mark_logged
from fasterapi_core.datastructures import URL, State
from fasterapi_core.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
    websocket_request_validation_exception_handler,
)
from fasterapi_core.exceptions import (
    FastAPIError,
    HTTPException,
    RequestValidationError,
    WebSocketException,
    WebSocketRequestValidationError,
)
from fasterapi_core.request import ClientDisconnect, Request
from fasterapi_core.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    encode_json_safe,
)
from fasterapi_core.routing import (
    APIRoute,
    APIWebSocketRoute,
    Default,
    FasterRouter,
    Mount,
    Route,
    generate_unique_id,
)
from fasterapi_router import RadixRouter

__all__ = ("DependencyOverrides", "FastAPI", "Faster", "Middleware")

logger = logging.getLogger("fasterapi")

F = TypeVar("F", bound=Callable[..., Any])
ASGIApp = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]

_CT_JSON = (b"content-type", b"application/json")
_NOT_FOUND = b'{"detail":"Not Found"}'
_NOT_ALLOWED = b'{"detail":"Method Not Allowed"}'
_NOT_FOUND_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(_NOT_FOUND)).encode()),
]


class Middleware:
    """A middleware class with its options, for `Faster(middleware=[Middleware(Cls, **opts)])`.

    Args:
        cls: Any ASGI middleware class: `cls(app, *args, **kwargs)` must return an ASGI app.
        *args: Positional options.
        **kwargs: Keyword options.
    """

    __slots__ = ("args", "cls", "kwargs")

    def __init__(self, cls: Any, *args: Any, **kwargs: Any) -> None:
        self.cls = cls
        self.args = args
        self.kwargs = kwargs

    def __iter__(self) -> Any:
        return iter((self.cls, self.args, self.kwargs))


class DependencyOverrides(dict[Any, Any]):
    """`app.dependency_overrides`: a dict that counts its changes, so routes recompile lazily."""

    __slots__ = ("version",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = 0

    def _bump(self) -> None:
        self.version += 1

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._bump()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._bump()

    def clear(self) -> None:
        """Remove every override."""
        super().clear()
        self._bump()

    def pop(self, key: Any, *default: Any) -> Any:
        """Remove and return one override."""
        value = super().pop(key, *default)
        self._bump()
        return value

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the last override."""
        item = super().popitem()
        self._bump()
        return item

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Add several overrides."""
        super().update(*args, **kwargs)
        self._bump()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """Add an override unless present."""
        value = super().setdefault(key, default)
        self._bump()
        return value


class Faster:
    """The application: an ASGI 3 app with FastAPI's constructor and decorators.

    Args:
        debug: Answer unhandled errors with the traceback (plain text) instead of
            "Internal Server Error".
        routes: Initial routes.
        title: API title (OpenAPI).
        summary: API summary (OpenAPI).
        description: API description (OpenAPI, Markdown).
        version: API version (OpenAPI).
        openapi_url: Where the OpenAPI JSON is served; None disables it and the docs.
        openapi_tags: Tag metadata (OpenAPI).
        servers: OpenAPI `servers`.
        dependencies: Run before every route.
        default_response_class: The response class of routes that do not set one.
        redirect_slashes: Redirect (307) `/items/` to `/items` and back when only the other exists.
        docs_url: Swagger UI page; None disables it.
        redoc_url: ReDoc page; None disables it.
        swagger_ui_oauth2_redirect_url: The OAuth2 redirect page for Swagger UI.
        swagger_ui_init_oauth: Swagger UI `initOAuth` options.
        middleware: `Middleware(...)` entries, outermost first.
        exception_handlers: `{exception class or status code: handler}`.
        on_startup: Startup handlers (sync or async).
        on_shutdown: Shutdown handlers.
        lifespan: `lifespan(app)` returning an async context manager; a dict it yields becomes
            the initial `request.state` of every request (ASGI lifespan state).
        terms_of_service: OpenAPI `info.termsOfService`.
        contact: OpenAPI `info.contact`.
        license_info: OpenAPI `info.license`.
        openapi_prefix: Deprecated spelling of `root_path`.
        root_path: The prefix a proxy strips (also set by the server).
        root_path_in_servers: Add `root_path` to OpenAPI `servers`.
        responses: Extra OpenAPI responses for every route.
        callbacks: OpenAPI callbacks for every route.
        webhooks: A router whose routes document webhooks.
        deprecated: Mark every route deprecated.
        include_in_schema: False hides every route from OpenAPI.
        swagger_ui_parameters: Swagger UI options.
        generate_unique_id_function: Operation id generator.
        separate_input_output_schemas: OpenAPI option, passed to the builder.
        max_body_size: Largest JSON body accepted, in bytes (default 1 MiB); over it → 413.
        thread_pool_size: Worker threads for sync handlers, dependencies and background tasks
            (default `min(32, os.cpu_count() + 4)`). The pool is process-wide.
        form_limits: A `FormLimits` for form and multipart bodies (default `FormLimits()`).
        websocket_max_message_size: Largest WebSocket message accepted (default 1 MiB).
        **extra: Stored in `app.extra`, as FastAPI does.
    """

    # A __dict__ slot: apps stay open to new attributes (`app.openapi = custom_openapi`).
    __slots__ = ("__dict__",)

    def __init__(
        self,
        *,
        debug: bool = False,
        routes: list[Any] | None = None,
        title: str = "FastAPI",
        summary: str | None = None,
        description: str = "",
        version: str = "0.1.0",
        openapi_url: str | None = "/openapi.json",
        openapi_tags: list[dict[str, Any]] | None = None,
        servers: list[dict[str, Any]] | None = None,
        dependencies: Sequence[Any] | None = None,
        default_response_class: type[Response] | Any = Default(JSONResponse),
        redirect_slashes: bool = True,
        docs_url: str | None = "/docs",
        redoc_url: str | None = "/redoc",
        swagger_ui_oauth2_redirect_url: str | None = "/docs/oauth2-redirect",
        swagger_ui_init_oauth: dict[str, Any] | None = None,
        middleware: Sequence[Any] | None = None,
        exception_handlers: Mapping[Any, Callable[..., Any]] | None = None,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        lifespan: Callable[[Any], Any] | None = None,
        terms_of_service: str | None = None,
        contact: dict[str, Any] | None = None,
        license_info: dict[str, Any] | None = None,
        openapi_prefix: str = "",
        root_path: str = "",
        root_path_in_servers: bool = True,
        responses: Mapping[int | str, Mapping[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        webhooks: FasterRouter | None = None,
        deprecated: bool | None = None,
        include_in_schema: bool = True,
        swagger_ui_parameters: dict[str, Any] | None = None,
        generate_unique_id_function: Callable[[APIRoute], str] | Any = Default(generate_unique_id),
        separate_input_output_schemas: bool = True,
        max_body_size: int = 1_048_576,
        thread_pool_size: int | None = None,
        form_limits: Any = None,
        websocket_max_message_size: int = 1024 * 1024,
        **extra: Any,
    ) -> None:
        self.debug = debug
        self.title = title
        self.summary = summary
        self.description = description
        self.version = version
        self.openapi_url = openapi_url
        self.openapi_tags = openapi_tags
        self.servers = list(servers or [])
        self.docs_url = docs_url
        self.redoc_url = redoc_url
        self.swagger_ui_oauth2_redirect_url = swagger_ui_oauth2_redirect_url
        self.swagger_ui_init_oauth = swagger_ui_init_oauth
        self.swagger_ui_parameters = swagger_ui_parameters
        self.terms_of_service = terms_of_service
        self.contact = contact
        self.license_info = license_info
        self.root_path = root_path or openapi_prefix
        self.root_path_in_servers = root_path_in_servers
        self.webhooks = webhooks or FasterRouter()
        self.separate_input_output_schemas = separate_input_output_schemas
        self.redirect_slashes = redirect_slashes
        self.max_body_size = max_body_size
        self.thread_pool_size = thread_pool_size
        configure_thread_pool(thread_pool_size)
        self.websocket_max_message_size = websocket_max_message_size
        self.extra = extra
        self.state = State()
        self.dependency_overrides: DependencyOverrides = DependencyOverrides()
        self.openapi_schema: dict[str, Any] | None = None
        self.openapi_version = "3.1.0"
        self.user_middleware: list[Middleware] = [
            m if isinstance(m, Middleware) else Middleware(*m) for m in (middleware or [])
        ]
        self.middleware_stack: ASGIApp | None = None
        self._wrapped = False
        self.exception_handlers: dict[Any, Callable[..., Any]] = {
            HTTPException: http_exception_handler,
            RequestValidationError: request_validation_exception_handler,
            WebSocketRequestValidationError: websocket_request_validation_exception_handler,
        }
        # The handler registered for `starlette.exceptions.HTTPException`, if any (see
        # `add_exception_handler`).
        self._starlette_http_handler: Callable[..., Any] | None = None
        for key, handler in (exception_handlers or {}).items():
            self.add_exception_handler(key, handler)
        self._lifespan = lifespan
        self._radix = RadixRouter()
        self._static: dict[str, dict[str, Any]] = {}
        self._mounts: list[Mount] = []
        self._names: dict[str, list[Any]] = {}
        self.router = FasterRouter(
            dependencies=dependencies,
            default_response_class=default_response_class,
            responses=responses,
            callbacks=callbacks,
            on_startup=on_startup,
            on_shutdown=on_shutdown,
            deprecated=deprecated,
            include_in_schema=include_in_schema,
            generate_unique_id_function=generate_unique_id_function,
            dependency_overrides_provider=self,
            max_body_size=max_body_size,
        )
        self.router.form_limits = form_limits
        self.router.websocket_max_message_size = websocket_max_message_size
        self.router._on_route_added = self._add_to_radix
        for route in routes or []:
            self.router._register(route)
        self.setup()

    # -- routes -----------------------------------------------------------------------------

    @property
    def routes(self) -> list[Any]:
        """Every route, in registration order."""
        return self.router.routes

    def _add_to_radix(self, route: Any) -> None:
        if not isinstance(route, Mount) and not route.path.startswith("/"):
            raise FastAPIError(f"route path must start with '/', got {route.path!r}")
        if isinstance(route, Mount):
            self._mounts.append(route)
            return
        if isinstance(route, APIWebSocketRoute):
            self._radix.add_route("WEBSOCKET", _router_template(route.path), route)
            return
        template = _router_template(route.path)
        methods = set(route.methods)
        static = "{" not in template
        for method in sorted(methods):
            self._radix.add_route(method, template, route)
            if static:
                self._static.setdefault(template, {})[method] = route
        # As in Starlette: a plain `Route` for GET answers HEAD too; an APIRoute answers only
        # the methods it declares (HEAD on a GET-only APIRoute is a 405), as in FastAPI.
        if "GET" in methods and "HEAD" not in methods and not isinstance(route, APIRoute):
            try:
                self._radix.add_route("HEAD", template, route)
            except ValueError:
                return  # an explicit HEAD route on the same path wins
            if static:
                self._static.setdefault(template, {})["HEAD"] = route

    def setup(self) -> None:
        """Add the OpenAPI JSON, Swagger UI and ReDoc routes (called by the constructor)."""
        if not self.openapi_url:
            return
        from fasterapi_core.openapi import (
            get_redoc_html,
            get_swagger_ui_html,
            get_swagger_ui_oauth2_redirect_html,
        )

        openapi_url = self.openapi_url

        async def openapi(req: Request) -> JSONResponse:
            root_path = req.scope.get("root_path", "").rstrip("/")
            schema = self.openapi()
            if root_path and self.root_path_in_servers:
                servers = schema.get("servers") or []
                if root_path not in [s.get("url") for s in servers]:
                    schema = {**schema, "servers": [{"url": root_path}, *servers]}
            return JSONResponse(schema)

        self._add_docs_route(openapi_url, openapi)
        if self.docs_url:
            oauth2_url = self.swagger_ui_oauth2_redirect_url

            async def swagger_ui_html(req: Request) -> Response:
                root_path = req.scope.get("root_path", "").rstrip("/")
                redirect = root_path + oauth2_url if oauth2_url else None
                response: Response = get_swagger_ui_html(
                    openapi_url=root_path + openapi_url,
                    title=f"{self.title} - Swagger UI",
                    oauth2_redirect_url=redirect,
                    init_oauth=self.swagger_ui_init_oauth,
                    swagger_ui_parameters=self.swagger_ui_parameters,
                )
                return response

            self._add_docs_route(self.docs_url, swagger_ui_html)
            if oauth2_url:

                async def swagger_ui_redirect(req: Request) -> Response:
                    response: Response = get_swagger_ui_oauth2_redirect_html()
                    return response

                self._add_docs_route(oauth2_url, swagger_ui_redirect)
        if self.redoc_url:

            async def redoc_html(req: Request) -> Response:
                root_path = req.scope.get("root_path", "").rstrip("/")
                response: Response = get_redoc_html(
                    openapi_url=root_path + openapi_url, title=f"{self.title} - ReDoc"
                )
                return response

            self._add_docs_route(self.redoc_url, redoc_html)

    def _add_docs_route(self, path: str, endpoint: Callable[..., Any]) -> None:
        # As in FastAPI, the docs routes stand outside the app's dependencies, response class
        # and unique-id function: a global auth dependency never locks the docs out.
        self.router._register(Route(path, endpoint))

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI document (built on first call, then cached in `self.openapi_schema`)."""
        if self.openapi_schema is None:
            from fasterapi_core.openapi import get_openapi

            self.openapi_schema = get_openapi(
                title=self.title,
                version=self.version,
                openapi_version=self.openapi_version,
                summary=self.summary,
                description=self.description,
                terms_of_service=self.terms_of_service,
                contact=self.contact,
                license_info=self.license_info,
                routes=self.routes,
                webhooks=self.webhooks.routes,
                tags=self.openapi_tags,
                servers=self.servers or None,
                separate_input_output_schemas=self.separate_input_output_schemas,
            )
        return self.openapi_schema

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        """Register `endpoint` on `path` (FastAPI's keywords; see `FasterRouter.add_api_route`)."""
        self.router.add_api_route(path, endpoint, **options)

    def api_route(self, path: str, **options: Any) -> Callable[[F], F]:
        """Decorator: register a route for `methods` (default GET)."""
        return self.router.api_route(path, **options)

    def get(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a GET route: `@app.get("/items/{item_id}")` (HEAD is a 405, as in FastAPI)."""
        return self.router.get(path, **options)

    def put(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a PUT route."""
        return self.router.put(path, **options)

    def post(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a POST route."""
        return self.router.post(path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a DELETE route."""
        return self.router.delete(path, **options)

    def options(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register an OPTIONS route."""
        return self.router.options(path, **options)

    def head(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a HEAD route."""
        return self.router.head(path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a PATCH route."""
        return self.router.patch(path, **options)

    def trace(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a TRACE route."""
        return self.router.trace(path, **options)

    def websocket(
        self, path: str, name: str | None = None, *, dependencies: Sequence[Any] | None = None
    ) -> Callable[[F], F]:
        """Register a WebSocket endpoint: `@app.websocket("/ws")`."""
        return self.router.websocket(path, name, dependencies=dependencies)

    def add_api_websocket_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        name: str | None = None,
        *,
        dependencies: Sequence[Any] | None = None,
    ) -> None:
        """Register a WebSocket endpoint."""
        self.router.add_api_websocket_route(path, endpoint, name, dependencies=dependencies)

    def include_router(self, router: FasterRouter, **options: Any) -> None:
        """Add a router's routes (see `FasterRouter.include_router` for the keywords)."""
        self.router.include_router(router, **options)

    def mount(self, path: str, app: Any, name: str | None = None) -> None:
        """Serve any ASGI `app` (HTTP and WebSocket) under `path`."""
        self.router.mount(path, app, name=name)

    def url_path_for(self, name: str, /, **path_params: Any) -> URL:
        """The path of the route called `name` (`root_path` not included)."""
        return URL(self.router.url_path_for(name, **path_params))

    def on_event(self, event_type: str) -> Callable[[F], F]:
        """Decorator: run the function at "startup" or "shutdown".

        Deprecated, as in FastAPI: use `lifespan=` instead.
        """
        warnings.warn(
            "on_event is deprecated, use lifespan event handlers instead.",
            DeprecationWarning,
            stacklevel=2,
        )

        def decorator(func: F) -> F:
            self.router.add_event_handler(event_type, func)
            return func

        return decorator

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        """Run `func` at "startup" or "shutdown"."""
        self.router.add_event_handler(event_type, func)

    # -- middleware and errors ---------------------------------------------------------------

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        """Wrap the app in an ASGI middleware; the last one added is the outermost.

        Raises:
            RuntimeError: The app has already started (the stack is built once).
        """
        if self.middleware_stack is not None:
            raise RuntimeError("Cannot add middleware after an application has started")
        self.user_middleware.insert(0, Middleware(middleware_class, *args, **kwargs))

    def exception_handler(
        self, exc_class_or_status_code: int | type[Exception]
    ) -> Callable[[F], F]:
        """Decorator: handle an exception class (or an HTTPException status code).

        The handler gets `(request, exc)`, may be sync or async, and returns a Response.
        """

        def decorator(func: F) -> F:
            self.add_exception_handler(exc_class_or_status_code, func)
            return func

        return decorator

    def add_exception_handler(
        self, exc_class_or_status_code: int | type[Exception], handler: Callable[..., Any]
    ) -> None:
        """Handle an exception class (or an HTTPException status code) with `handler`.

        A handler for `starlette.exceptions.HTTPException` (what FastAPI's docs recommend) is
        recognised by its module and name, without importing Starlette: as in FastAPI it also
        gets our HTTPException (raised, or the router's 404/405) unless a handler for our own
        `HTTPException` class was registered, and any Starlette HTTPException raised.
        """
        self.exception_handlers[exc_class_or_status_code] = handler
        if _is_starlette_http_exception(exc_class_or_status_code):
            self._starlette_http_handler = handler

    def build_middleware_stack(self) -> ASGIApp:
        """Wrap `_dispatch` in the user middleware (and a last-resort error guard)."""
        app: ASGIApp = self._dispatch
        self._wrapped = bool(self.user_middleware)
        if not self.user_middleware:
            # PERF: no wrapper at all without middleware (benchmarks/bench_core.py::health).
            return app
        for entry in reversed(self.user_middleware):
            app = entry.cls(app, *entry.args, **entry.kwargs)
        return _ServerErrorGuard(app, self)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        """The ASGI entry point."""
        scope["app"] = self
        if self.root_path:
            # As FastAPI: the app's own root_path wins over the server's.
            scope["root_path"] = self.root_path
        stack = self.middleware_stack
        if stack is None:
            stack = self.middleware_stack = self.build_middleware_stack()
        if self._wrapped or scope["type"] != "http":
            await stack(scope, receive, send)
            return
        # PERF: without middleware, HTTP is dispatched here: one coroutine frame less, and
        # static paths are one dict lookup without calling the router
        # (benchmarks/bench_core.py::health). `_route_path` inlined.
        path = scope["path"]
        root_path = scope.get("root_path")
        if (
            root_path
            and path.startswith(root_path)
            and path[len(root_path) : len(root_path) + 1] in "/"
        ):
            path = path[len(root_path) :] or "/"
        methods = self._static.get(path)
        if methods is not None and (route := methods.get(scope["method"])) is not None:
            params: dict[str, Any] = {}
        else:
            # No cache of resolved dynamic paths: with a new id in most requests it costs
            # more than it saves, and it would only flatter a benchmark repeating one URL.
            match = self._radix.resolve(scope["method"], path)
            if match is None:
                await self._http_miss(scope, receive, send, path)
                return
            route, params, _ = match
        scope["path_params"] = params
        scope["route"] = route
        # As Starlette's router: instrumentation reads the endpoint and router from the scope.
        scope["endpoint"] = route.endpoint
        scope["router"] = self.router
        try:
            await route.handle(scope, receive, send, params)
        except Exception as exc:
            await self._handle_error(scope, receive, send, exc)

    async def _dispatch(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            path = _route_path(scope)
            match = self._radix.resolve(scope["method"], path)
            if match is None:
                await self._http_miss(scope, receive, send, path)
                return
            route, params, _ = match
            scope["path_params"] = params
            scope["route"] = route
            scope["endpoint"] = route.endpoint
            scope["router"] = self.router
            try:
                await route.handle(scope, receive, send, params)
            except Exception as exc:
                await self._handle_error(scope, receive, send, exc)
        elif kind == "websocket":
            await self._websocket(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan_loop(scope, receive, send)

    async def _http_miss(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, path: str
    ) -> None:
        below_mount = False
        for mount in self._mounts:
            if mount.matches(path):
                if path == mount.path:
                    # Starlette's mount matches only "/site/...": "/site" is not handed to the
                    # mounted app; redirect_slashes sends it to "/site/" (below), else a 404.
                    below_mount = True
                    continue
                try:
                    await mount.handle(scope, receive, send, path)
                except Exception as mount_error:
                    await self._handle_error(scope, receive, send, mount_error)
                return
        allowed = self._radix.allowed_methods(path)
        if allowed:
            not_allowed = _router_error(405, {"Allow": ", ".join(sorted(allowed))})
            await self._handle_error(scope, receive, send, not_allowed)
            return
        if self.redirect_slashes and path != "/":
            other = path[:-1] if path.endswith("/") else path + "/"
            if other and (below_mount or self._radix.allowed_methods(other)):
                url = URL(scope=scope)
                root_path = scope.get("root_path", "")
                response = RedirectResponse(str(url.replace(path=root_path + other)))
                await response(scope, receive, send)
                return
        handlers = self.exception_handlers
        if (
            404 in handlers
            or handlers.get(HTTPException) is not http_exception_handler
            or self._starlette_http_handler is not None
        ):
            await self._handle_error(scope, receive, send, _router_error(404))
            return
        await send({"type": "http.response.start", "status": 404, "headers": _NOT_FOUND_HEADERS})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else _NOT_FOUND}
        )

    def _lookup_handler(self, exc: Exception) -> Callable[..., Any] | None:
        """The handler for `exc`, as Starlette's ExceptionMiddleware finds it.

        A status-code handler first (HTTP exceptions), then the nearest class in the MRO.
        500 and `Exception` handlers are not looked up here: they answer in `_server_error`,
        after which the error is re-raised (Starlette's ServerErrorMiddleware).
        """
        handlers = self.exception_handlers
        if isinstance(exc, HTTPException):
            if exc.status_code != 500:
                handler = handlers.get(exc.status_code)
                if handler is not None:
                    return handler
            starlette_handler = self._starlette_http_handler
            if starlette_handler is not None and exc.__dict__.get("_fasterapi_router_error"):
                # FastAPI's router raises Starlette's HTTPException for a 404/405.
                return starlette_handler
            # The default handler stands for Starlette's HTTPException in FastAPI, so a
            # handler registered for that class replaces it.
            handler = handlers.get(HTTPException)
            for cls in type(exc).__mro__:
                found = handlers.get(cls)
                if found is not None:
                    handler = found
                    break
            if handler is http_exception_handler and starlette_handler is not None:
                return starlette_handler
            return handler
        for cls in type(exc).__mro__:
            if cls is Exception:
                break
            handler = handlers.get(cls)
            if handler is not None:
                return handler
        if any(_is_starlette_http_exception(cls) for cls in type(exc).__mro__):
            # A raised `starlette.exceptions.HTTPException`: answered like ours.
            code = getattr(exc, "status_code", None)
            handler = handlers.get(code) if code != 500 else None
            return handler or self._starlette_http_handler or http_exception_handler
        return None

    async def _handle_error(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, exc: Exception
    ) -> None:
        """Answer `exc` with its handler; an unhandled error gets a 500 and is re-raised.

        Raises:
            Exception: `exc` (or a failing handler's error) after the 500 is sent (with user
                middleware: unanswered, for the outermost guard); `exc` when the response had
                already started (only the server can end it); RuntimeError when a handled
                exception comes after the response started (as Starlette).
        """
        if exc.__dict__.get("_fasterapi_response_started"):
            # The response is (half) sent: only the server can end it, as in Starlette.
            if isinstance(exc, ClientDisconnect):
                return
            if self._lookup_handler(exc) is not None:
                raise RuntimeError(
                    "Caught handled exception, but response already started."
                ) from exc
            raise exc
        if isinstance(exc, ClientDisconnect):
            return
        handler = self._lookup_handler(exc)
        if handler is request_validation_exception_handler:
            # PERF: the default 422 needs no Request object and no handler call
            # (benchmarks/bench_core.py::invalid).
            body = encode_json_safe({"detail": exc.errors()})  # type: ignore[attr-defined]
            await send(
                {
                    "type": "http.response.start",
                    "status": 422,
                    "headers": [_CT_JSON, (b"content-length", str(len(body)).encode())],
                }
            )
            await send(
                {
                    "type": "http.response.body",
                    "body": b"" if scope.get("method") == "HEAD" else body,
                }
            )
            return
        if handler is not None:
            request = Request(scope, receive, send)
            try:
                if inspect.iscoroutinefunction(handler):
                    response = await handler(request, exc)
                else:
                    response = await run_in_threadpool(handler, request, exc)
                if response is not None:
                    await response(scope, receive, send)
                return
            except Exception as handler_error:
                if handler_error.__dict__.get("_fasterapi_response_started"):
                    raise
                if not self._wrapped:
                    await self._server_error(scope, receive, send, handler_error)
                raise
        if not self._wrapped:
            await self._server_error(scope, receive, send, exc)
        # With user middleware the error goes up through it unanswered (a middleware may
        # catch it, as around Starlette's call_next); the outermost _ServerErrorGuard sends
        # the 500, where Starlette's ServerErrorMiddleware stands.
        raise exc

    async def _server_error(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, exc: BaseException
    ) -> None:
        """Log `exc` and send the 500 (the caller re-raises `exc` afterwards)."""
        logger.error("Exception in ASGI application", exc_info=(type(exc), exc, exc.__traceback__))
        _mark_logged(exc)
        handler = self.exception_handlers.get(500) or self.exception_handlers.get(Exception)
        if handler is not None:
            try:
                request = Request(scope, receive, send)
                if inspect.iscoroutinefunction(handler):
                    response = await handler(request, exc)
                else:
                    response = await run_in_threadpool(handler, request, exc)
                await response(scope, receive, send)
                return
            except Exception:
                logger.exception("the 500 exception handler failed")
        if self.debug:
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            await PlainTextResponse(text, status_code=500)(scope, receive, send)
        else:
            await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)

    # -- websockets ----------------------------------------------------------------------------

    async def _websocket(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        path = _route_path(scope)
        match = self._radix.resolve("WEBSOCKET", path)
        if match is None:
            for mount in self._mounts:
                if mount.matches(path):
                    await mount.handle(scope, receive, send, path)
                    return
            # No such WebSocket route: refuse the handshake (Starlette closes with 1000).
            await send({"type": "websocket.close", "code": 1000, "reason": ""})
            return
        route, params, _ = match
        scope["path_params"] = params
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        scope["router"] = self.router
        try:
            await route.handle(scope, receive, send, params)
        except WebSocketRequestValidationError as exc:
            handler = self._lookup_handler(exc)
            if handler is not None:
                from fasterapi_core.websocket import WebSocket

                await handler(WebSocket(scope, receive, send), exc)
            return
        except WebSocketException as exc:
            await _ws_close(send, exc.code, exc.reason)
        except Exception as exc:
            from fasterapi_core.exceptions import WebSocketDisconnect

            if isinstance(exc, WebSocketDisconnect):
                return
            handler = self._lookup_handler(exc)
            if handler is not None and not isinstance(exc, HTTPException):
                from fasterapi_core.websocket import WebSocket

                result = handler(WebSocket(scope, receive, send), exc)
                if inspect.isawaitable(result):
                    await result
                return
            logger.error(
                "Exception in WebSocket endpoint", exc_info=(type(exc), exc, exc.__traceback__)
            )
            await _ws_close(send, 1011, "")

    # -- lifespan ----------------------------------------------------------------------------

    async def _lifespan_loop(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any
    ) -> None:
        message = await receive()
        if message["type"] != "lifespan.startup":  # pragma: no cover - protocol violation
            return
        context: Any = None
        try:
            if self.middleware_stack is None:
                self.middleware_stack = self.build_middleware_stack()
            for handler in self.router.on_startup:
                await _maybe_await(handler)
            if self._lifespan is not None:
                context = _as_async_cm(self._lifespan(self))
                state = await context.__aenter__()
                if state is not None:
                    if "state" not in scope:
                        raise RuntimeError(
                            'The server does not support "state" in the lifespan scope.'
                        )
                    scope["state"].update(state)
        except BaseException:
            await send({"type": "lifespan.startup.failed", "message": traceback.format_exc()})
            raise
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        try:
            if context is not None:
                await context.__aexit__(None, None, None)
            for handler in self.router.on_shutdown:
                await _maybe_await(handler)
        except BaseException:
            await send({"type": "lifespan.shutdown.failed", "message": traceback.format_exc()})
            raise
        await send({"type": "lifespan.shutdown.complete"})


FastAPI = Faster


class _ServerErrorGuard:
    """The outermost layer when user middleware exists, as Starlette's ServerErrorMiddleware:
    the 500 for any unhandled error (from a handler or a middleware), then the error re-raised."""

    __slots__ = ("app", "owner")

    def __init__(self, app: ASGIApp, owner: Faster) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception as exc:
            if started:
                raise
            await self.owner._server_error(scope, receive, send, exc)
            raise


def _router_error(status_code: int, headers: dict[str, str] | None = None) -> HTTPException:
    """The router's 404/405, marked: a handler for Starlette's HTTPException takes it first."""
    exc = HTTPException(status_code, headers=headers)
    exc.__dict__["_fasterapi_router_error"] = True
    return exc


def _is_starlette_http_exception(key: Any) -> bool:
    """`starlette.exceptions.HTTPException`, recognised by name (core never imports Starlette)."""
    return (
        isinstance(key, type)
        and key.__module__ == "starlette.exceptions"
        and key.__qualname__ == "HTTPException"
    )


def _route_path(scope: MutableMapping[str, Any]) -> str:
    """The scope's path without its `root_path` prefix (when the path really starts with it)."""
    path: str = scope["path"]
    root_path = scope.get("root_path")
    if (
        root_path
        and path.startswith(root_path)
        and path[len(root_path) : len(root_path) + 1] in "/"
    ):
        path = path[len(root_path) :] or "/"
    return path


def _router_template(path: str) -> str:
    """Our templates for the radix router: plain `{name}` (we convert types), `{name:path}` kept."""
    return _TEMPLATE.sub(
        lambda m: "{" + m.group(1) + (":path" if m.group(2) == "path" else "") + "}", path
    )


_TEMPLATE = re.compile(r"{([^{}:]+)(?::([^{}]*))?}")


async def _maybe_await(handler: Callable[[], Any]) -> None:
    result = handler()
    if inspect.isawaitable(result):
        await result


def _as_async_cm(obj: Any) -> Any:
    if isinstance(obj, AbstractAsyncContextManager) or hasattr(obj, "__aenter__"):
        return obj
    if isinstance(obj, AbstractContextManager) or hasattr(obj, "__enter__"):
        return _SyncCM(obj)
    raise TypeError("lifespan must return an async context manager")


class _SyncCM:
    __slots__ = ("cm",)

    def __init__(self, cm: Any) -> None:
        self.cm = cm

    async def __aenter__(self) -> Any:
        return self.cm.__enter__()

    async def __aexit__(self, *exc: Any) -> Any:
        return self.cm.__exit__(*exc)


async def _ws_close(send: Any, code: int, reason: str) -> None:
    try:
        await send({"type": "websocket.close", "code": code, "reason": reason})
    except Exception:  # pragma: no cover - the socket is already gone
        logger.debug("websocket close failed", exc_info=True)
