"""Helpers shared by the security schemes (FastAPI's `fastapi.security.utils`)."""

from __future__ import annotations

__all__ = ("get_authorization_scheme_param",)


def get_authorization_scheme_param(authorization_header_value: str | None) -> tuple[str, str]:
    """Split an `Authorization` header value at its first space.

    Nothing is stripped or lower-cased, exactly as in FastAPI: `"Bearer  abc"` gives
    `("Bearer", " abc")` and `"Bearer"` gives `("Bearer", "")`.

    Args:
        authorization_header_value: The raw header value, or None when the header is absent.

    Returns:
        `(scheme, param)`; `("", "")` for a missing or empty value.
    """
    if not authorization_header_value:
        return "", ""
    scheme, _, param = authorization_header_value.partition(" ")
    return scheme, param
