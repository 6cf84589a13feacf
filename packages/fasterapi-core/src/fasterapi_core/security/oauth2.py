"""OAuth2 schemes, the password-flow login form and `SecurityScopes` (FastAPI's `fastapi.security.oauth2`).

Since FastAPI 0.122.0 a missing or non-Bearer `Authorization` header is
`401 {"detail": "Not authenticated"}` with `WWW-Authenticate: Bearer` for every OAuth2 scheme.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fasterapi_core._plan.context import SecurityScopes
from fasterapi_core.params import Form
from fasterapi_core.request import Request
from fasterapi_core.security.base import RawAuthorizationScheme, scheme_model
from fasterapi_core.security.utils import get_authorization_scheme_param

__all__ = (
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "SecurityScopes",
)

# The OpenAPI OAuth Flows Object: its flows and each flow's URL fields, in FastAPI's order.
_FLOW_URLS = {
    "implicit": ("authorizationUrl",),
    "password": ("tokenUrl",),
    "clientCredentials": ("tokenUrl",),
    "authorizationCode": ("authorizationUrl", "tokenUrl"),
}


def _flow(flow: Mapping[str, Any], urls: tuple[str, ...]) -> dict[str, Any]:
    """One OAuth Flow Object: refreshUrl (if set), scopes (default {}), the URLs, extras."""
    out: dict[str, Any] = {}
    if flow.get("refreshUrl") is not None:
        out["refreshUrl"] = flow["refreshUrl"]
    out["scopes"] = dict(flow.get("scopes") or {})
    for key in urls:
        if flow.get(key) is not None:
            out[key] = flow[key]
    for key, value in flow.items():
        if key not in out and key != "refreshUrl" and value is not None:
            out[key] = value
    return out


def _flows(flows: Any) -> dict[str, Any]:
    """Normalise `flows` (a dict, or a pydantic `OAuthFlows` model) to a plain dict."""
    dump = getattr(flows, "model_dump", None)
    if dump is not None:
        flows = dump(by_alias=True, exclude_none=True)
    if not isinstance(flows, Mapping):
        raise TypeError(f"OAuth2 flows must be a mapping of flow name to flow, got {flows!r}")
    out = {
        name: _flow(flows[name], urls)
        for name, urls in _FLOW_URLS.items()
        if flows.get(name) is not None
    }
    for name, flow in flows.items():
        if name not in out and flow is not None:
            out[name] = dict(flow)
    return out


class OAuth2(RawAuthorizationScheme):
    """A general OAuth2 scheme: documents `flows` and returns the raw `Authorization` value.

    Subclass it for flows FastAPI has no class for; `OAuth2PasswordBearer` and
    `OAuth2AuthorizationCodeBearer` are the usual choices.

    Args:
        flows: The OpenAPI OAuth Flows Object, e.g.
            `{"password": {"tokenUrl": "token", "scopes": {"me": "Read me"}}}` (a pydantic
            `OAuthFlows` model is accepted too). Each flow gets `"scopes": {}` by default.
        scheme_name: The name in `components.securitySchemes` (default: the class name).
        description: Shown in OpenAPI.
        auto_error: Without an `Authorization` header, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        *,
        flows: Any = None,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = scheme_model("oauth2", description, flows=_flows(flows or {}))
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error


class _BearerToken(OAuth2):
    """An OAuth2 scheme whose credential is a Bearer token: returns the token."""

    async def __call__(self, request: Request) -> str | None:
        """The token of `Authorization: Bearer <token>` (scheme matched case-insensitively).

        The token is what follows the first space, unstripped; `"Bearer"` alone gives `""`,
        as in FastAPI.

        Raises:
            HTTPException: 401 when the header is missing or not Bearer and `auto_error` is
                True.
        """
        authorization = request.headers.get("authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if scheme.lower() != "bearer":
            if self.auto_error:
                raise self.make_not_authenticated_error()
            return None
        return param


class OAuth2PasswordBearer(_BearerToken):
    """OAuth2 password flow: the client gets a token from `tokenUrl`, then sends it as Bearer.

        oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

        @app.get("/users/me")
        async def me(token: str = Depends(oauth2_scheme)) -> dict:
            ...

    Args:
        tokenUrl: Where the client posts the username and password (relative URLs work, e.g.
            `"token"`); shown in OpenAPI and used by the docs' "Authorize" button.
        scheme_name: The name in `components.securitySchemes` (default `"OAuth2PasswordBearer"`).
        scopes: `{scope: description}` of the scopes the API knows.
        description: Shown in OpenAPI.
        auto_error: Without a Bearer token, answer 401 (True) or return None (False).
        refreshUrl: Where to refresh a token, shown in OpenAPI.
    """

    def __init__(
        self,
        tokenUrl: str,
        scheme_name: str | None = None,
        scopes: dict[str, str] | None = None,
        description: str | None = None,
        auto_error: bool = True,
        refreshUrl: str | None = None,
    ) -> None:
        flow = {"tokenUrl": tokenUrl, "refreshUrl": refreshUrl, "scopes": scopes or {}}
        super().__init__(
            flows={"password": flow},
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
        )


class OAuth2AuthorizationCodeBearer(_BearerToken):
    """OAuth2 authorization code flow; the dependency returns the Bearer token.

    Args:
        authorizationUrl: Where the user authorises the client.
        tokenUrl: Where the client exchanges the code for a token.
        refreshUrl: Where to refresh a token.
        scheme_name: The name in `components.securitySchemes`
            (default `"OAuth2AuthorizationCodeBearer"`).
        scopes: `{scope: description}` of the scopes the API knows.
        description: Shown in OpenAPI.
        auto_error: Without a Bearer token, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        authorizationUrl: str,
        tokenUrl: str,
        refreshUrl: str | None = None,
        scheme_name: str | None = None,
        scopes: dict[str, str] | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        flow = {
            "authorizationUrl": authorizationUrl,
            "tokenUrl": tokenUrl,
            "refreshUrl": refreshUrl,
            "scopes": scopes or {},
        }
        super().__init__(
            flows={"authorizationCode": flow},
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
        )


class OAuth2PasswordRequestForm:
    """The OAuth2 password-flow login form, as a class dependency.

        @app.post("/token")
        async def login(form_data: OAuth2PasswordRequestForm = Depends()) -> dict:
            user = authenticate(form_data.username, form_data.password)
            ...

    Every `__init__` parameter is a form field, so the route reads an
    `application/x-www-form-urlencoded` (or multipart) body. The spec requires
    `grant_type=password`; this class accepts it missing (use
    `OAuth2PasswordRequestFormStrict` to require it), but rejects any other value with a 422.

    Args:
        grant_type: `"password"` or absent.
        username: The user name (required).
        password: The password (required).
        scope: Space-separated scopes; split into the `scopes` list.
        client_id: Sent by some clients; kept as is.
        client_secret: Sent by some clients; kept as is.

    Attributes:
        scopes: `scope.split()`: `"me items:read"` gives `["me", "items:read"]`.
    """

    # No __slots__ on purpose: FastAPI apps `return form_data` (encoded from its __dict__) and
    # subclasses add their own attributes.

    def __init__(
        self,
        *,
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        username: Annotated[str, Form()],
        password: Annotated[str, Form(json_schema_extra={"format": "password"})],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        self.grant_type = grant_type
        self.username = username
        self.password = password
        self.scopes = scope.split()
        self.client_id = client_id
        self.client_secret = client_secret


class OAuth2PasswordRequestFormStrict(OAuth2PasswordRequestForm):
    """`OAuth2PasswordRequestForm` that requires `grant_type=password`, as the spec says.

    A missing `grant_type` is a 422 (`missing`), any other value a 422
    (`string_pattern_mismatch`).

    Args:
        grant_type: Must be `"password"`.
        username: The user name (required).
        password: The password (required).
        scope: Space-separated scopes; split into the `scopes` list.
        client_id: Sent by some clients; kept as is.
        client_secret: Sent by some clients; kept as is.
    """

    def __init__(
        self,
        *,
        grant_type: Annotated[str, Form(pattern="^password$")],
        username: Annotated[str, Form()],
        password: Annotated[str, Form(json_schema_extra={"format": "password"})],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )
