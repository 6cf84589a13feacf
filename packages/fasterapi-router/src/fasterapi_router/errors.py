"""The errors the router raises, all subclasses of `ValueError`."""

from __future__ import annotations

__all__ = ("InvalidTemplateError", "RouteConflictError", "RouterError")


class RouterError(ValueError):
    """Base class of every error raised by `fasterapi_router`.

    It subclasses `ValueError`, so code that already catches `ValueError` around
    route registration keeps working. `format_path` raises it directly when the
    values given for a template are missing, unexpected or of the wrong shape.
    """


class InvalidTemplateError(RouterError):
    """A path template is malformed.

    Raised at registration (and by `format_path`) for a template that does not
    start with "/", has unbalanced braces, shares a segment between a parameter
    and other text, names an unknown converter, repeats a parameter name or puts
    a `path` catch-all anywhere but in the last segment.
    """


class RouteConflictError(RouterError):
    """A route with the same method and an equivalent template already exists.

    Two templates are equivalent when they match exactly the same paths, that is
    when they differ only in the names of their parameters (`/users/{id}` and
    `/users/{user_id}`): the second one could never be reached.
    """
