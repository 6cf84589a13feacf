"""FastAPI's `fastapi.security` path: the security schemes, `Security` and `SecurityScopes`.

Each scheme (`OAuth2PasswordBearer`, `HTTPBearer`, `APIKeyHeader`, ...) is core's
(`fasterapi_core.security`): a callable used as a dependency that returns the
credentials, answers 401 like FastAPI when they are missing, and describes itself in
the OpenAPI document.

    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

    @app.get("/me")
    async def me(token: Annotated[str, Depends(oauth2_scheme)]) -> dict[str, str]:
        return {"token": token}
"""

from __future__ import annotations

from fasterapi_core import Security as Security
from fasterapi_core.security import APIKeyCookie as APIKeyCookie
from fasterapi_core.security import APIKeyHeader as APIKeyHeader
from fasterapi_core.security import APIKeyQuery as APIKeyQuery
from fasterapi_core.security import HTTPAuthorizationCredentials as HTTPAuthorizationCredentials
from fasterapi_core.security import HTTPBasic as HTTPBasic
from fasterapi_core.security import HTTPBasicCredentials as HTTPBasicCredentials
from fasterapi_core.security import HTTPBearer as HTTPBearer
from fasterapi_core.security import HTTPDigest as HTTPDigest
from fasterapi_core.security import OAuth2 as OAuth2
from fasterapi_core.security import OAuth2AuthorizationCodeBearer as OAuth2AuthorizationCodeBearer
from fasterapi_core.security import OAuth2PasswordBearer as OAuth2PasswordBearer
from fasterapi_core.security import OAuth2PasswordRequestForm as OAuth2PasswordRequestForm
from fasterapi_core.security import (
    OAuth2PasswordRequestFormStrict as OAuth2PasswordRequestFormStrict,
)
from fasterapi_core.security import OpenIdConnect as OpenIdConnect
from fasterapi_core.security import SecurityScopes as SecurityScopes

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
    "Security",
    "SecurityScopes",
)
