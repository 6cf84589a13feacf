"""The application class: `Faster` (alias `FastAPI`), as `FasterAPI.app` and `FasterAPI.applications`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import fasterapi_core
from FasterAPI._http_middleware import BaseHTTPMiddleware, DispatchFunction
from fasterapi_core import Middleware

__all__ = ("FastAPI", "Faster", "Middleware")

_D = TypeVar("_D", bound=DispatchFunction)


class Faster(fasterapi_core.Faster):
    """The ASGI application: `fasterapi_core.Faster` plus `@app.middleware("http")`.

    Everything else (constructor, route decorators, `include_router`, `add_middleware`,
    exception handlers, lifespan, OpenAPI) is core's; see `fasterapi_core.Faster`.
    The meta package adds the decorator because function middleware needs a request
    object and core never depends on the middleware package.
    """

    def middleware(self, middleware_type: str) -> Callable[[_D], _D]:
        """Decorator: run `async def f(request, call_next)` around every HTTP request.

            @app.middleware("http")
            async def add_timing(request: Request, call_next: CallNext) -> Response:
                response = await call_next(request)
                response.headers["x-served-by"] = "fasterapi"
                return response

        Middleware added later wraps the earlier ones, as with `add_middleware`.

        Args:
            middleware_type: Only "http" is supported, as in FastAPI.

        Raises:
            ValueError: `middleware_type` is not "http".
        """
        if middleware_type != "http":
            raise ValueError(
                f'only "http" middleware functions are supported, not {middleware_type!r}'
            )

        def decorator(func: _D) -> _D:
            self.add_middleware(BaseHTTPMiddleware, dispatch=func)
            return func

        return decorator


FastAPI = Faster
"""FastAPI's name for `Faster`."""
