"""FastAPI's `fastapi.security` path — partial: only `Security` and `SecurityScopes` so far.

The security scheme classes (`OAuth2PasswordBearer`, `HTTPBearer`, `APIKeyHeader`,
...) are not implemented yet; a separate issue covers them. Importing one raises an
`ImportError` that says so, rather than handing out something that looks like a
scheme but does not check credentials. Until then, write the check as a plain
dependency:

    async def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
        if authorization is None or not authorization.startswith("Bearer "):
            raise HTTPException(401, "Not authenticated", {"WWW-Authenticate": "Bearer"})
        return authorization.removeprefix("Bearer ")
"""

from __future__ import annotations

from fasterapi_core import Security as Security
from fasterapi_core import SecurityScopes as SecurityScopes

__all__ = ("Security", "SecurityScopes")

NOT_IMPLEMENTED = frozenset(
    {
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
    }
)
"""FastAPI's security names this module does not provide yet."""


def __getattr__(name: str) -> object:
    if name in NOT_IMPLEMENTED:
        raise ImportError(
            f"FasterAPI.security.{name} is not implemented yet (FasterAPI 0.1 has only "
            "Security and SecurityScopes); write the check as a dependency for now, "
            "see the FasterAPI.security docstring",
            name=name,
        )
    raise AttributeError(f"module 'FasterAPI.security' has no attribute {name!r}")
