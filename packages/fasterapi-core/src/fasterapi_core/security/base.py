"""The common base of every security scheme (FastAPI's `fastapi.security.base`)."""

from __future__ import annotations

from typing import Any

from fasterapi_core.exceptions import HTTPException
from fasterapi_core.request import Request

__all__ = ("SecurityBase",)


class SecurityBase:
    """What the app and the OpenAPI builder read from a security scheme object.

    A scheme is a callable instance used as a dependency (`Depends(scheme)` or
    `Security(scheme, scopes=[...])`). Routing looks for these two attributes on every
    dependency of a route to fill `components.securitySchemes` and the operation's
    `security` list.

    Attributes:
        model: The OpenAPI Security Scheme Object, as a plain dict
            (`{"type": "http", "scheme": "basic"}`).
        scheme_name: The key of the scheme in `components.securitySchemes`; defaults to the
            class name, as in FastAPI.
    """

    model: dict[str, Any]
    scheme_name: str


def scheme_model(type_: str, description: str | None, **fields: Any) -> dict[str, Any]:
    """An OpenAPI scheme dict in FastAPI's key order, without the None fields."""
    model: dict[str, Any] = {"type": type_}
    if description is not None:
        model["description"] = description
    model.update({key: value for key, value in fields.items() if value is not None})
    return model


class RawAuthorizationScheme(SecurityBase):
    """A scheme whose dependency result is the unparsed `Authorization` value, with a Bearer challenge.

    `OAuth2` and `OpenIdConnect` both behave this way in FastAPI; they subclass this one.
    """

    auto_error: bool

    def make_not_authenticated_error(self) -> HTTPException:
        """The error raised when authentication fails: 401 with `WWW-Authenticate: Bearer`.

        OAuth2 and OpenID Connect define no challenge of their own; `Bearer` is what the
        bundled token schemes use, as in FastAPI. Override it for other token types.
        """
        return HTTPException(
            status_code=401, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"}
        )

    async def __call__(self, request: Request) -> str | None:
        """The `Authorization` header of `request`, unparsed.

        Raises:
            HTTPException: 401 when the header is missing or empty and `auto_error` is True.
        """
        authorization: str | None = request.headers.get("authorization")
        if not authorization:
            if self.auto_error:
                raise self.make_not_authenticated_error()
            return None
        return authorization
