"""Security schemes and helpers, as in `fastapi.security`.

Each scheme is a callable object used as a dependency; it reads the request, returns the
credentials (or None with `auto_error=False`), and tells the OpenAPI document about itself
through `.model` (the Security Scheme Object) and `.scheme_name`:

    from fasterapi_core import Depends, Faster
    from fasterapi_core.security import OAuth2PasswordBearer

    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
    app = Faster()

    @app.get("/items")
    async def items(token: str = Depends(oauth2_scheme)) -> dict:
        return {"token": token}

Failures answer like FastAPI 0.122.0 and later: `401 {"detail": "Not authenticated"}` with a
`WWW-Authenticate` challenge. `Security(...)` (a `Depends` with OAuth2 scopes) lives in
`fasterapi_core.params`, as in FastAPI.
"""

from __future__ import annotations

from fasterapi_core.security.api_key import APIKeyCookie as APIKeyCookie
from fasterapi_core.security.api_key import APIKeyHeader as APIKeyHeader
from fasterapi_core.security.api_key import APIKeyQuery as APIKeyQuery
from fasterapi_core.security.http import (
    HTTPAuthorizationCredentials as HTTPAuthorizationCredentials,
)
from fasterapi_core.security.http import HTTPBasic as HTTPBasic
from fasterapi_core.security.http import HTTPBasicCredentials as HTTPBasicCredentials
from fasterapi_core.security.http import HTTPBearer as HTTPBearer
from fasterapi_core.security.http import HTTPDigest as HTTPDigest
from fasterapi_core.security.oauth2 import OAuth2 as OAuth2
from fasterapi_core.security.oauth2 import (
    OAuth2AuthorizationCodeBearer as OAuth2AuthorizationCodeBearer,
)
from fasterapi_core.security.oauth2 import OAuth2PasswordBearer as OAuth2PasswordBearer
from fasterapi_core.security.oauth2 import OAuth2PasswordRequestForm as OAuth2PasswordRequestForm
from fasterapi_core.security.oauth2 import (
    OAuth2PasswordRequestFormStrict as OAuth2PasswordRequestFormStrict,
)
from fasterapi_core.security.oauth2 import SecurityScopes as SecurityScopes
from fasterapi_core.security.open_id_connect_url import OpenIdConnect as OpenIdConnect

__all__ = (
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "HTTPAuthorizationCredentials",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "OpenIdConnect",
    "SecurityScopes",
)
