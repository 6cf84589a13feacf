"""API key schemes: a key read from a query parameter, a header or a cookie.

Since FastAPI 0.122.0 a missing (or empty) key is `401 {"detail": "Not authenticated"}` with
the custom challenge `WWW-Authenticate: APIKey` (it was 403 without a header before).
"""

from __future__ import annotations

from fasterapi_core.exceptions import HTTPException
from fasterapi_core.request import Request
from fasterapi_core.security.base import SecurityBase, scheme_model

__all__ = ("APIKeyBase", "APIKeyCookie", "APIKeyHeader", "APIKeyQuery")


class APIKeyBase(SecurityBase):
    """What the three API key schemes share: the OpenAPI model and the missing-key error.

    Args:
        location: `"query"`, `"header"` or `"cookie"`.
        name: The query parameter, header or cookie that holds the key.
        description: Shown in OpenAPI.
        scheme_name: The name in `components.securitySchemes` (default: the class name).
        auto_error: Without a key, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        location: str,
        name: str,
        description: str | None,
        scheme_name: str | None,
        auto_error: bool,
    ) -> None:
        self.model = scheme_model("apiKey", description, **{"in": location, "name": name})
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    def make_not_authenticated_error(self) -> HTTPException:
        """The error raised when the key is missing (override to change it).

        API keys have no standard challenge, but a 401 must carry one (RFC 9110, 15.5.2), so
        this sends `WWW-Authenticate: APIKey`, as FastAPI does.
        """
        return HTTPException(
            status_code=401, detail="Not authenticated", headers={"WWW-Authenticate": "APIKey"}
        )

    def check_api_key(self, api_key: str | None) -> str | None:
        """Return `api_key`, or handle a missing/empty one per `auto_error`.

        Raises:
            HTTPException: The key is missing or empty and `auto_error` is True.
        """
        if not api_key:
            if self.auto_error:
                raise self.make_not_authenticated_error()
            return None
        return api_key


class APIKeyQuery(APIKeyBase):
    """An API key in a query parameter: `?api_key=...`. The dependency returns the key.

    Args:
        name: The query parameter name.
        scheme_name: The name in `components.securitySchemes` (default `"APIKeyQuery"`).
        description: Shown in OpenAPI.
        auto_error: Without a key, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        *,
        name: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__("query", name, description, scheme_name, auto_error)
        self._name = name

    async def __call__(self, request: Request) -> str | None:
        """The key from the query string of `request` (the last value if repeated, as in Starlette)."""
        value: str | None = request.query_params.get(self._name)
        return self.check_api_key(value)


class APIKeyHeader(APIKeyBase):
    """An API key in a request header: `X-API-Key: ...`. The dependency returns the key.

    Args:
        name: The header name (matched case-insensitively).
        scheme_name: The name in `components.securitySchemes` (default `"APIKeyHeader"`).
        description: Shown in OpenAPI.
        auto_error: Without a key, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        *,
        name: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__("header", name, description, scheme_name, auto_error)
        self._name = name.lower()

    async def __call__(self, request: Request) -> str | None:
        """The key from the headers of `request` (the first value if repeated)."""
        value: str | None = request.headers.get(self._name)
        return self.check_api_key(value)


class APIKeyCookie(APIKeyBase):
    """An API key in a cookie: `Cookie: session=...`. The dependency returns the key.

    Args:
        name: The cookie name.
        scheme_name: The name in `components.securitySchemes` (default `"APIKeyCookie"`).
        description: Shown in OpenAPI.
        auto_error: Without a key, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        *,
        name: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__("cookie", name, description, scheme_name, auto_error)
        self._name = name

    async def __call__(self, request: Request) -> str | None:
        """The key from the cookies of `request`."""
        value: str | None = request.cookies.get(self._name)
        return self.check_api_key(value)
