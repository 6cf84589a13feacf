"""HTTP authentication schemes: `HTTPBasic`, `HTTPBearer`, `HTTPDigest` (and their base).

Status codes and messages follow FastAPI 0.122.0 and later: every failure is
`401 {"detail": "Not authenticated"}` with a `WWW-Authenticate` challenge naming the scheme
(`Basic`, `Basic realm="..."`, `Bearer`, `Digest`). Before 0.122 FastAPI answered 403 for a
missing header; subclass and override `make_not_authenticated_error` to get that back.
"""

from __future__ import annotations

import binascii
from base64 import b64decode

import msgspec

from fasterapi_core.exceptions import HTTPException
from fasterapi_core.request import Request
from fasterapi_core.security.base import SecurityBase, scheme_model
from fasterapi_core.security.utils import get_authorization_scheme_param

__all__ = (
    "HTTPAuthorizationCredentials",
    "HTTPBase",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
)


class HTTPBasicCredentials(msgspec.Struct):
    """The user name and password an `HTTPBasic` dependency returns.

    Attributes:
        username: The part of the decoded credentials before the first colon.
        password: Everything after the first colon (may contain colons).
    """

    username: str
    password: str


class HTTPAuthorizationCredentials(msgspec.Struct):
    """An `Authorization` header split at its first space (`HTTPBearer`, `HTTPDigest`, `HTTPBase`).

    For `Authorization: Bearer deadbeef`, `scheme` is `"Bearer"` (as sent, case kept) and
    `credentials` is `"deadbeef"`.

    Attributes:
        scheme: The authentication scheme, as the client spelled it.
        credentials: The rest of the header value, after the first space.
    """

    scheme: str
    credentials: str


class HTTPBase(SecurityBase):
    """A generic HTTP authentication scheme (`{"type": "http", "scheme": scheme}`).

    Returns `HTTPAuthorizationCredentials` for any non-empty `Authorization: <scheme> <x>`,
    whatever the scheme the client used.

    Args:
        scheme: The scheme shown in OpenAPI (`"basic"`, `"bearer"`, `"digest"`, ...).
        scheme_name: The name in `components.securitySchemes` (default: the class name).
        description: Shown in OpenAPI.
        auto_error: Without credentials, answer 401 (True) or return None (False).
    """

    def __init__(
        self,
        *,
        scheme: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = scheme_model("http", description, scheme=scheme)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    def make_authenticate_headers(self) -> dict[str, str]:
        """The `WWW-Authenticate` challenge sent with a 401: the scheme, title-cased."""
        return {"WWW-Authenticate": str(self.model["scheme"]).title()}

    def make_not_authenticated_error(self) -> HTTPException:
        """The error raised when authentication fails (override to change it).

        Returns:
            `HTTPException(401, "Not authenticated", headers=make_authenticate_headers())`.
        """
        return HTTPException(
            status_code=401, detail="Not authenticated", headers=self.make_authenticate_headers()
        )

    async def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        """Read the `Authorization` header of `request`.

        Raises:
            HTTPException: 401 when the header, its scheme or its credentials are missing
                and `auto_error` is True.
        """
        return self._credentials(request, None)

    def _credentials(
        self, request: Request, only: str | None
    ) -> HTTPAuthorizationCredentials | None:
        """The split `Authorization` header, if its scheme is `only` (lower-case; None: any).

        Raises:
            HTTPException: The scheme or the credentials are missing, or the scheme is not
                `only`, and `auto_error` is True.
        """
        authorization = request.headers.get("authorization")
        scheme, credentials = get_authorization_scheme_param(authorization)
        if not (scheme and credentials) or (only is not None and scheme.lower() != only):
            if self.auto_error:
                raise self.make_not_authenticated_error()
            return None
        return HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials)


class HTTPBasic(HTTPBase):
    """HTTP Basic authentication (RFC 7617): returns `HTTPBasicCredentials`.

        security = HTTPBasic()

        @app.get("/users/me")
        def me(credentials: HTTPBasicCredentials = Depends(security)) -> dict:
            return {"username": credentials.username}

    The credentials are base64 of `user:password` in ASCII, as FastAPI decodes them; a
    non-ASCII user name or password is rejected like any malformed value.

    Args:
        scheme_name: The name in `components.securitySchemes` (default `"HTTPBasic"`).
        realm: Sent in the challenge: `WWW-Authenticate: Basic realm="<realm>"`.
        description: Shown in OpenAPI.
        auto_error: Without an `Authorization: Basic ...` header, answer 401 (True) or return
            None (False). Malformed credentials (bad base64, non-ASCII, no colon) always
            answer 401, as in FastAPI.
    """

    def __init__(
        self,
        *,
        scheme_name: str | None = None,
        realm: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__(
            scheme="basic", scheme_name=scheme_name, description=description, auto_error=auto_error
        )
        self.realm = realm

    def make_authenticate_headers(self) -> dict[str, str]:
        """`WWW-Authenticate: Basic`, or `Basic realm="<realm>"` when a realm is set."""
        if self.realm:
            return {"WWW-Authenticate": f'Basic realm="{self.realm}"'}
        return {"WWW-Authenticate": "Basic"}

    async def __call__(self, request: Request) -> HTTPBasicCredentials | None:  # type: ignore[override]
        """Decode the Basic credentials of `request`.

        Raises:
            HTTPException: 401 "Not authenticated" (with the challenge) when the header is
                missing or not Basic (only if `auto_error`), or when the credentials are
                malformed (always).
        """
        authorization = request.headers.get("authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if scheme.lower() != "basic":
            if self.auto_error:
                raise self.make_not_authenticated_error()
            return None
        try:
            data = b64decode(param).decode("ascii")
        except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
            raise self.make_not_authenticated_error() from exc
        username, separator, password = data.partition(":")
        if not separator:
            raise self.make_not_authenticated_error()
        return HTTPBasicCredentials(username=username, password=password)


class HTTPBearer(HTTPBase):
    """HTTP Bearer token authentication (RFC 6750): returns `HTTPAuthorizationCredentials`.

    The scheme is matched case-insensitively (`bearer x` works); the token is everything
    after the first space, unstripped.

    Args:
        bearerFormat: A hint about the token format shown in OpenAPI (e.g. `"JWT"`).
        scheme_name: The name in `components.securitySchemes` (default `"HTTPBearer"`).
        description: Shown in OpenAPI.
        auto_error: On a missing header, another scheme or an empty token, answer 401
            (True) or return None (False).
    """

    def __init__(
        self,
        *,
        bearerFormat: str | None = None,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = scheme_model("http", description, scheme="bearer", bearerFormat=bearerFormat)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    async def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        """Read the bearer token of `request`.

        Raises:
            HTTPException: 401 "Not authenticated" with `WWW-Authenticate: Bearer` when
                `auto_error` is True and there is no usable bearer token.
        """
        return self._credentials(request, "bearer")


class HTTPDigest(HTTPBase):
    """HTTP Digest authentication (RFC 7616), as a stub: returns the raw credentials.

    Like FastAPI's, it only checks that an `Authorization: Digest ...` header is present and
    returns `HTTPAuthorizationCredentials`; verifying the digest is the application's job.

    Args:
        scheme_name: The name in `components.securitySchemes` (default `"HTTPDigest"`).
        description: Shown in OpenAPI.
        auto_error: On a missing header, another scheme or empty credentials, answer 401
            (True) or return None (False).
    """

    def __init__(
        self,
        *,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__(
            scheme="digest", scheme_name=scheme_name, description=description, auto_error=auto_error
        )

    async def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        """Read the Digest credentials of `request`.

        Raises:
            HTTPException: 401 "Not authenticated" with `WWW-Authenticate: Digest` when
                `auto_error` is True and there are no Digest credentials.
        """
        return self._credentials(request, "digest")
