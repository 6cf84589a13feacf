"""`BaseHTTPMiddleware` in both styles: pure ASGI and FastAPI's `(request, call_next)`.

`fasterapi_middleware.BaseHTTPMiddleware` only knows `dispatch(scope, receive, send)`;
it never builds a request object, because it depends on none of our packages. FastAPI
code subclasses Starlette's class and writes `async def dispatch(self, request,
call_next)`, or decorates a function with `@app.middleware("http")`. This module joins
the two: it builds core's `Request`, runs the rest of the app in a task when
`call_next` is awaited, and hands back a core `Response` whose body streams from that
task as the app produces it (a small queue, so a large body is never held in full).
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, cast

import fasterapi_middleware
from fasterapi_core import JSONResponse, Request, Response, StreamingResponse
from fasterapi_middleware import ASGIApp, Message, Receive, Scope, Send

__all__ = ("BaseHTTPMiddleware", "CallNext", "DispatchFunction")

CallNext = Callable[[Request], Awaitable[Response]]
"""What `dispatch` gets as `call_next`: run the rest of the app, get its response."""
DispatchFunction = Callable[[Request, CallNext], Awaitable[Response]]
"""A FastAPI-style middleware function: `async def f(request, call_next) -> Response`."""

# Extensions that would let the inner app answer without sending the body through `send`.
_BYPASS_EXTENSIONS = ("http.response.pathsend", "http.response.zerocopysend")


if TYPE_CHECKING:
    # For type checkers the class stands alone, so that a subclass may override `dispatch`
    # with either signature; at run time it is a `fasterapi_middleware.BaseHTTPMiddleware`.
    _Base = object
else:
    _Base = fasterapi_middleware.BaseHTTPMiddleware


class BaseHTTPMiddleware(_Base):
    """Base class for HTTP middleware, written either the FastAPI way or the ASGI way.

    FastAPI style: override `dispatch(self, request, call_next)`, or pass a function as
    `dispatch=`. `call_next(request)` runs the rest of the app and returns a `Response`
    whose headers can be changed before it is returned; its body streams from the app.

        class Timing(BaseHTTPMiddleware):
            async def dispatch(self, request: Request, call_next: CallNext) -> Response:
                start = time.perf_counter()
                response = await call_next(request)
                response.headers["x-process-time"] = f"{time.perf_counter() - start:.4f}"
                return response

    ASGI style, as in `fasterapi_middleware`: override `dispatch(self, scope, receive,
    send)` and call `self.app` yourself; nothing is wrapped or buffered.

    The style is read once, from the number of parameters of `dispatch`, when the
    middleware is built. WebSocket and lifespan scopes always go straight to the app.

    Args:
        app: The ASGI application to wrap.
        dispatch: A FastAPI-style function to use instead of the `dispatch` method.
    """

    __slots__ = ("_request_style", "dispatch_func")
    if TYPE_CHECKING:
        app: ASGIApp

    def __init__(self, app: ASGIApp, dispatch: DispatchFunction | None = None) -> None:
        if TYPE_CHECKING:
            self.app = app
        else:
            super().__init__(app)
        self.dispatch_func: Callable[..., Awaitable[Any]] = (
            dispatch if dispatch is not None else self.dispatch
        )
        self._request_style = dispatch is not None or _positional_count(self.dispatch) == 2

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send HTTP requests through `dispatch`; pass every other scope to the app."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif self._request_style:
            await _run_request_style(self.app, self.dispatch_func, scope, receive, send)
        else:
            await self.dispatch_func(scope, receive, send)

    async def dispatch(self, *args: Any, **kwargs: Any) -> Any:
        """Handle one HTTP request; override with either signature (see the class).

        The default passes the request on unchanged (ASGI style).
        """
        scope, receive, send = args
        await self.app(scope, receive, send)


def _positional_count(func: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - callables without a signature
        return 3
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return 3  # our own default `dispatch(*args)`: the ASGI style
    return sum(1 for p in params if p.kind in kinds)


# What a request-style `dispatch` reads of the body (through `request.stream()`) is kept
# so the inner app can read it again; past this much it is dropped, and `call_next`
# answers 413 instead of running the app on a truncated body.
MAX_REPLAY_BYTES = 16 * 1024 * 1024


class _Replay:
    """`receive` for the inner app: first what `dispatch` already read, then the client."""

    __slots__ = ("_kept", "_limit", "_read", "_receive", "overflowed", "recording")

    def __init__(self, receive: Receive, limit: int = MAX_REPLAY_BYTES) -> None:
        self._receive = receive
        self._read: deque[Message] = deque()
        self._kept = 0
        self._limit = limit
        self.recording = True
        self.overflowed = False

    async def for_dispatch(self) -> Message:
        message = await self._receive()
        if self.recording:
            self._kept += len(message.get("body", b""))
            if self._kept > self._limit:
                # Bounded memory: stop keeping the body; call_next answers 413.
                self.recording = False
                self.overflowed = True
                self._read.clear()
            else:
                self._read.append(message)
        return message

    async def for_app(self) -> Message:
        if self._read:
            return self._read.popleft()
        return await self._receive()


class _End:
    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


class _AppResponse(StreamingResponse):
    """The inner app's response as `call_next` returns it: status and headers up front,
    body chunks pulled from the app's task as they come."""

    async def __call__(
        self,
        scope: Mapping[str, Any],
        receive: Callable[[], Awaitable[dict[str, Any]]],
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        """Send the (possibly modified) status and headers, then the app's body."""
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        body = self.body_iterator
        assert isinstance(body, AsyncIterator)
        async for chunk in body:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        if self.background is not None:
            await self.background()


async def _run_request_style(
    app: ASGIApp,
    dispatch: Callable[..., Awaitable[Any]],
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    replay = _Replay(receive, MAX_REPLAY_BYTES)
    request = Request(cast("dict[str, Any]", scope), replay.for_dispatch)
    tasks: list[asyncio.Task[None]] = []
    # Inner apps whose whole response went out: they may still be running background
    # tasks, which must finish (not be cancelled) before this request is over.
    delivered: set[asyncio.Task[None]] = set()
    outcomes: list[BaseException | None] = []

    async def call_next(request: Request) -> Response:
        replay.recording = False
        if replay.overflowed:
            return JSONResponse({"detail": "Request body too large to pass on"}, status_code=413)
        inner_scope = _without_bypass(scope)
        queue: asyncio.Queue[Message | _End] = asyncio.Queue(maxsize=2)

        async def inner_send(message: Message) -> None:
            if task not in delivered:  # nothing may follow the last body message
                await queue.put(message)

        async def run_app() -> None:
            try:
                await app(inner_scope, replay.for_app, inner_send)
            except BaseException as exc:
                await queue.put(_End(exc))
                raise
            await queue.put(_End(None))

        task = asyncio.ensure_future(run_app())
        tasks.append(task)
        first = await queue.get()
        if isinstance(first, _End):
            await asyncio.gather(task, return_exceptions=True)
            if first.error is not None:
                raise first.error
            raise RuntimeError("No response returned: the app finished without responding")
        if first["type"] != "http.response.start":
            raise RuntimeError(f"Expected http.response.start from the app, got {first['type']!r}")

        async def body() -> AsyncIterator[bytes]:
            while True:
                message = await queue.get()
                if isinstance(message, _End):
                    if message.error is not None:
                        raise message.error
                    return
                if message["type"] == "http.response.body":
                    chunk = message.get("body", b"")
                    more = message.get("more_body", False)
                    if not more:
                        delivered.add(task)
                    if chunk:
                        yield chunk
                    if not more:
                        return

        response = _AppResponse(body(), status_code=first["status"])
        response.raw_headers = [(bytes(k), bytes(v)) for k, v in first.get("headers", ())]
        return response

    try:
        response = await dispatch(request, call_next)
        if response is None:
            raise RuntimeError("The middleware's dispatch returned None instead of a response")
        await response(scope, receive, send)
    except BaseException:
        delivered.clear()  # the request failed: stop every inner app
        raise
    finally:
        for task in tasks:
            if task not in delivered and not task.done():
                task.cancel()
        if tasks:
            # Errors before the end of the body already reached the caller through
            # call_next or the body; an inner app whose response went out is awaited until
            # its background work is done.
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    # An error the inner app raised after its whole response went out (its 500 already
    # sent, a background task, a yield dependency's teardown) is raised again here, as
    # Starlette's BaseHTTPMiddleware does: the server logs it and a test client raises it.
    for task, outcome in zip(tasks, outcomes, strict=True):
        if task in delivered and isinstance(outcome, Exception):
            raise outcome


def _without_bypass(scope: Scope) -> Scope:
    extensions = scope.get("extensions")
    if not extensions or not any(name in extensions for name in _BYPASS_EXTENSIONS):
        return scope
    inner: MutableMapping[str, Any] = dict(scope)
    inner["extensions"] = {k: v for k, v in extensions.items() if k not in _BYPASS_EXTENSIONS}
    return inner
