"""The exceptions a FasterAPI app raises and handles, with FastAPI's names and signatures."""

from __future__ import annotations

import http
import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = (
    "FastAPIError",
    "HTTPException",
    "MalformedJSONError",
    "RequestValidationError",
    "ResponseValidationError",
    "ValidationException",
    "WebSocketDisconnect",
    "WebSocketException",
    "WebSocketRequestValidationError",
)


class HTTPException(Exception):
    """An error answered with `status_code`, a JSON body `{"detail": detail}` and `headers`.

    Args:
        status_code: The HTTP status to send.
        detail: Anything JSON-encodable; defaults to the status phrase ("Not Found").
        headers: Extra response headers, e.g. `{"WWW-Authenticate": "Bearer"}`.
    """

    def __init__(
        self,
        status_code: int,
        detail: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if detail is None:
            try:
                detail = http.HTTPStatus(status_code).phrase
            except ValueError:
                detail = ""
        super().__init__(status_code, detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = dict(headers) if headers is not None else None

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code!r}, detail={self.detail!r})"


class MalformedJSONError(HTTPException, json.JSONDecodeError):
    """`await request.json()` on a body that is not JSON: answered with a 400 when not caught.

    It is also a `json.JSONDecodeError` (a `ValueError`), so Starlette-style
    `except json.JSONDecodeError` / `except ValueError` code keeps working.

    Args:
        msg: What is wrong (e.g. "Expecting value").
        doc: The body, as text.
        pos: The byte position of the problem.
    """

    def __init__(self, msg: str, doc: str, pos: int) -> None:
        json.JSONDecodeError.__init__(self, msg, doc, pos)
        # Set HTTPException's fields directly: its __init__ would call JSONDecodeError's.
        self.status_code = 400
        self.detail = f"Malformed JSON body: {msg}"
        self.headers = None

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"


class FastAPIError(RuntimeError):
    """A mistake in how the app is built (not a client error), raised at startup."""


class ValidationException(Exception):
    """Base of the validation errors: holds FastAPI-shaped error dicts."""

    def __init__(self, errors: Sequence[Any]) -> None:
        super().__init__(errors)
        self._errors = list(errors)

    def errors(self) -> list[Any]:
        """The list of `{"type", "loc", "msg", "input"}` dicts, as FastAPI returns them."""
        return self._errors

    def __str__(self) -> str:
        n = len(self._errors)
        lines = [f"{n} validation error{'s' if n != 1 else ''}:"]
        lines.extend(f"  {e}" for e in self._errors)
        return "\n".join(lines)


class RequestValidationError(ValidationException):
    """The request did not match the route's parameters: answered with 422 by default.

    Args:
        errors: FastAPI-shaped error dicts: `{"type", "loc", "msg", "input"}` (+ `ctx`).
        body: The decoded request body, when there was one.
    """

    def __init__(self, errors: Sequence[Any], *, body: Any = None) -> None:
        super().__init__(errors)
        self.body = body


class WebSocketRequestValidationError(ValidationException):
    """A WebSocket's parameters did not validate: the socket is closed with 1008."""


class ResponseValidationError(ValidationException):
    """The handler's return value did not match its `response_model`: a server bug, so a 500."""

    def __init__(self, errors: Sequence[Any], *, body: Any = None) -> None:
        super().__init__(errors)
        self.body = body


class WebSocketException(Exception):
    """Raise inside a WebSocket endpoint to close the connection with `code` and `reason`."""

    def __init__(self, code: int, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, reason={self.reason!r})"


class WebSocketDisconnect(Exception):
    """The peer closed the WebSocket (`code`, `reason`), or it was closed under us."""

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""
