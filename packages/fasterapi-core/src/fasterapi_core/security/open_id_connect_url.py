"""OpenID Connect discovery as a security scheme (FastAPI's `fastapi.security.open_id_connect_url`)."""

from __future__ import annotations

from fasterapi_core.security.base import RawAuthorizationScheme, scheme_model

__all__ = ("OpenIdConnect",)


class OpenIdConnect(RawAuthorizationScheme):
    """OpenID Connect: documents the discovery URL and returns the raw `Authorization` value.

    Like FastAPI's, it does not parse or verify anything: the dependency result is the whole
    header value (`"Bearer eyJ..."`), for the application to check.

    Args:
        openIdConnectUrl: The OpenID Connect discovery URL shown in OpenAPI.
        scheme_name: The name in `components.securitySchemes` (default `"OpenIdConnect"`).
        description: Shown in OpenAPI.
        auto_error: Without an `Authorization` header, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        *,
        openIdConnectUrl: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = scheme_model("openIdConnect", description, openIdConnectUrl=openIdConnectUrl)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error
