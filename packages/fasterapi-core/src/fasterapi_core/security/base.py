"""The common base of every security scheme (FastAPI's `fastapi.security.base`)."""

from __future__ import annotations

from typing import Any

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
