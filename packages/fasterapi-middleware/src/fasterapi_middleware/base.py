"""`BaseHTTPMiddleware`: the base class for hand-written middleware at the ASGI level."""

from __future__ import annotations

from fasterapi_middleware.types import ASGIApp, Receive, Scope, Send


class BaseHTTPMiddleware:
    """Base class for HTTP middleware that works on ASGI messages, not request objects.

    Subclass it and override `dispatch`. HTTP requests go through `dispatch`; every
    other scope (``websocket``, ``lifespan``) goes straight to the wrapped app. The app
    runs in the caller's task, so context variables it sets stay visible, exceptions
    reach the server unchanged, and nothing is buffered unless `dispatch` does so.

    Add a response header by wrapping `send`:

        class ServerHeader(BaseHTTPMiddleware):
            async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
                async def send_with_header(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        message["headers"] = [*message.get("headers", ()), (b"server", b"fasterapi")]
                    await send(message)

                await self.app(scope, receive, send_with_header)

    Time a request:

        class Timing(BaseHTTPMiddleware):
            async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
                start = time.perf_counter()
                try:
                    await self.app(scope, receive, send)
                finally:
                    log.info("%s took %.3fs", scope["path"], time.perf_counter() - start)

    Answer without calling the app:

        class Maintenance(BaseHTTPMiddleware):
            async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b"back soon"})

    This `dispatch(scope, receive, send)` takes three positional parameters. The
    FastAPI-style ``dispatch(request, call_next)`` takes two, so a subclass that adds the
    request-object style can tell the two apart with `inspect.signature` and override
    `__call__` to adapt; this class itself never builds a request object.

    Args:
        app: The ASGI application to wrap.
    """

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send HTTP requests through `dispatch`; pass every other scope to the app."""
        if scope["type"] == "http":
            await self.dispatch(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request; override this. The default just calls the app.

        Args:
            scope: The HTTP connection scope.
            receive: Receives the request body messages (and ``http.disconnect``).
            send: Sends the response messages to the client.
        """
        await self.app(scope, receive, send)
