"""Security schemes called directly with a hand-made `Request`: every success and failure.

Status codes, messages and challenges are FastAPI 0.122.0's (401 everywhere, with a
`WWW-Authenticate` header naming the scheme).
"""

from __future__ import annotations

import asyncio
from base64 import b64encode
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from fasterapi_core import HTTPException, Request, SecurityScopes
from fasterapi_core.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    HTTPDigest,
    OAuth2,
    OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict,
    OpenIdConnect,
)
from fasterapi_core.security import SecurityScopes as SecuritySecurityScopes
from fasterapi_core.security.base import SecurityBase
from fasterapi_core.security.http import HTTPBase
from fasterapi_core.security.utils import get_authorization_scheme_param

Scheme = Callable[[Request], Awaitable[Any]]


def make_request(
    headers: list[tuple[str, str]] | None = None,
    query: bytes = b"",
    raw: list[tuple[bytes, bytes]] | None = None,
) -> Request:
    """A `Request` over a hand-made ASGI scope (header values are latin-1, as on the wire)."""
    pairs = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers or []]
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "raw_path": b"/",
        "query_string": query,
        "headers": pairs + (raw or []),
    }
    return Request(scope)


def call(scheme: Scheme, request: Request) -> Any:
    return asyncio.run(scheme(request))  # type: ignore[arg-type]


def auth(value: str) -> Request:
    return make_request([("Authorization", value)])


def basic(userpass: bytes) -> str:
    return "Basic " + b64encode(userpass).decode("ascii")


def fails(scheme: Scheme, request: Request) -> HTTPException:
    with pytest.raises(HTTPException) as info:
        call(scheme, request)
    return info.value


def assert_401(exc: HTTPException, challenge: str) -> None:
    assert exc.status_code == 401
    assert exc.detail == "Not authenticated"
    assert exc.headers == {"WWW-Authenticate": challenge}


# --- get_authorization_scheme_param -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("", "")),
        ("", ("", "")),
        ("Bearer abc", ("Bearer", "abc")),
        ("bearer abc", ("bearer", "abc")),
        ("Bearer", ("Bearer", "")),
        ("Bearer ", ("Bearer", "")),
        ("Bearer  abc", ("Bearer", " abc")),  # nothing is stripped, as in FastAPI
        ("Digest a=1, b=2", ("Digest", "a=1, b=2")),
        (" abc", ("", "abc")),
    ],
)
def test_get_authorization_scheme_param(value: str | None, expected: tuple[str, str]) -> None:
    assert get_authorization_scheme_param(value) == expected


# --- HTTPBasic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("userpass", "username", "password"),
    [
        (b"john:secret", "john", "secret"),
        (b"john:se:cr:et", "john", "se:cr:et"),  # only the first colon splits
        (b":", "", ""),
        (b"john:", "john", ""),
        (b":secret", "", "secret"),
    ],
)
def test_basic_success(userpass: bytes, username: str, password: str) -> None:
    creds = call(HTTPBasic(), auth(basic(userpass)))
    assert isinstance(creds, HTTPBasicCredentials)
    assert (creds.username, creds.password) == (username, password)


@pytest.mark.parametrize("scheme", ["basic", "BASIC", "bAsIc"])
def test_basic_scheme_is_case_insensitive(scheme: str) -> None:
    token = b64encode(b"john:secret").decode()
    creds = call(HTTPBasic(), auth(f"{scheme} {token}"))
    assert creds == HTTPBasicCredentials(username="john", password="secret")


def test_basic_extra_spaces_before_the_credentials_are_tolerated() -> None:
    # base64 decoding (non-strict, as FastAPI's) skips the leading space.
    creds = call(HTTPBasic(), auth("Basic  " + b64encode(b"john:secret").decode()))
    assert creds == HTTPBasicCredentials(username="john", password="secret")


@pytest.mark.parametrize(
    "header",
    [
        None,  # no Authorization header
        "",
        "Bearer abc",  # another scheme
        "Basicx " + b64encode(b"john:secret").decode(),
        b64encode(b"john:secret").decode(),  # no scheme at all
    ],
)
@pytest.mark.parametrize(
    ("realm", "challenge"), [(None, "Basic"), ("simple", 'Basic realm="simple"')]
)
def test_basic_missing_or_other_scheme(
    header: str | None, realm: str | None, challenge: str
) -> None:
    request = make_request() if header is None else auth(header)
    assert_401(fails(HTTPBasic(realm=realm), request), challenge)
    assert call(HTTPBasic(realm=realm, auto_error=False), request) is None


@pytest.mark.parametrize(
    "header",
    [
        "Basic notabase64token",  # bad padding
        "Basic !!!!",  # nothing decodable
        "Basic " + b64encode(b"johnsecret").decode(),  # no colon
        "Basic",  # empty credentials: decodes to "", no colon
        "Basic " + b64encode("jösé:sécret".encode()).decode(),  # UTF-8: FastAPI decodes ASCII
        "Basic " + b64encode(b"j\xf6:x").decode(),  # Latin-1 bytes
        "Basic am9objpzZWNyZXQ=\u00e9",  # a non-ASCII character in the header itself
    ],
)
@pytest.mark.parametrize("auto_error", [True, False])
def test_basic_malformed_credentials_always_401(header: str, auto_error: bool) -> None:
    # As in FastAPI, malformed Basic credentials fail even with auto_error=False.
    assert_401(
        fails(HTTPBasic(realm="simple", auto_error=auto_error), auth(header)),
        'Basic realm="simple"',
    )


def test_basic_non_ascii_bytes_in_the_raw_header() -> None:
    request = make_request(raw=[(b"authorization", b"Basic \xff\xfe")])
    assert_401(fails(HTTPBasic(), request), "Basic")


def test_basic_first_authorization_header_wins() -> None:
    request = make_request([("Authorization", basic(b"a:1")), ("Authorization", basic(b"b:2"))])
    assert call(HTTPBasic(), request) == HTTPBasicCredentials(username="a", password="1")


# --- HTTPBearer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "scheme", "credentials"),
    [
        ("Bearer abc", "Bearer", "abc"),
        ("bearer abc", "bearer", "abc"),
        ("BEARER a.b.c", "BEARER", "a.b.c"),
        ("Bearer  abc", "Bearer", " abc"),  # unstripped, as in FastAPI
        ("Bearer abc def", "Bearer", "abc def"),
    ],
)
def test_bearer_success(header: str, scheme: str, credentials: str) -> None:
    creds = call(HTTPBearer(), auth(header))
    assert isinstance(creds, HTTPAuthorizationCredentials)
    assert (creds.scheme, creds.credentials) == (scheme, credentials)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic abc", "Token abc", "abc"])
def test_bearer_failures(header: str | None) -> None:
    request = make_request() if header is None else auth(header)
    assert_401(fails(HTTPBearer(), request), "Bearer")
    assert call(HTTPBearer(auto_error=False), request) is None


# --- HTTPDigest and HTTPBase ----------------------------------------------------------------


def test_digest_success() -> None:
    creds = call(HTTPDigest(), auth('digest username="a", nonce="n"'))
    assert creds == HTTPAuthorizationCredentials(
        scheme="digest", credentials='username="a", nonce="n"'
    )


@pytest.mark.parametrize("header", [None, "Digest", "Digest ", "Bearer abc"])
def test_digest_failures(header: str | None) -> None:
    request = make_request() if header is None else auth(header)
    assert_401(fails(HTTPDigest(), request), "Digest")
    assert call(HTTPDigest(auto_error=False), request) is None


def test_http_base_accepts_any_scheme() -> None:
    scheme = HTTPBase(scheme="Other", description="Other Security Scheme")
    assert call(scheme, auth("Other foobar")) == HTTPAuthorizationCredentials(
        scheme="Other", credentials="foobar"
    )
    assert call(scheme, auth("Bearer x")) == HTTPAuthorizationCredentials(
        scheme="Bearer", credentials="x"
    )
    assert_401(fails(scheme, make_request()), "Other")
    assert_401(fails(scheme, auth("Other")), "Other")
    assert call(HTTPBase(scheme="Other", auto_error=False), make_request()) is None


def test_credentials_are_slotted_structs() -> None:
    creds = HTTPBasicCredentials("u", "p")
    assert not hasattr(creds, "__dict__")
    assert creds == HTTPBasicCredentials(username="u", password="p")
    assert not hasattr(HTTPAuthorizationCredentials("Bearer", "x"), "__dict__")


# --- API keys --------------------------------------------------------------------------------


def test_api_key_header() -> None:
    scheme = APIKeyHeader(name="X-API-Key")
    assert call(scheme, make_request([("X-API-Key", "secret")])) == "secret"
    assert call(scheme, make_request([("x-api-key", "s2")])) == "s2"  # names are case-insensitive
    assert call(scheme, make_request([("X-API-Key", "a"), ("X-API-Key", "b")])) == "a"
    assert_401(fails(scheme, make_request()), "APIKey")
    assert_401(fails(scheme, make_request([("X-API-Key", "")])), "APIKey")
    assert_401(fails(scheme, make_request([("X-Other", "secret")])), "APIKey")
    optional = APIKeyHeader(name="X-API-Key", auto_error=False)
    assert call(optional, make_request()) is None
    assert call(optional, make_request([("X-API-Key", "")])) is None


def test_api_key_query() -> None:
    scheme = APIKeyQuery(name="key")
    assert call(scheme, make_request(query=b"key=secret")) == "secret"
    assert call(scheme, make_request(query=b"a=1&key=s%20p")) == "s p"
    assert call(scheme, make_request(query=b"key=1&key=2")) == "2"  # the last wins, as in Starlette
    assert_401(fails(scheme, make_request()), "APIKey")
    assert_401(fails(scheme, make_request(query=b"key=")), "APIKey")
    assert_401(fails(scheme, make_request(query=b"KEY=secret")), "APIKey")  # query keys are exact
    assert call(APIKeyQuery(name="key", auto_error=False), make_request()) is None


def test_api_key_cookie() -> None:
    scheme = APIKeyCookie(name="session")
    assert call(scheme, make_request([("Cookie", "a=1; session=abc")])) == "abc"
    assert_401(fails(scheme, make_request()), "APIKey")
    assert_401(fails(scheme, make_request([("Cookie", "session=")])), "APIKey")
    assert_401(fails(scheme, make_request([("Cookie", "other=abc")])), "APIKey")
    assert call(APIKeyCookie(name="session", auto_error=False), make_request()) is None


# --- OAuth2 and OpenID Connect -------------------------------------------------------------


@pytest.mark.parametrize(
    "scheme",
    [
        OAuth2PasswordBearer(tokenUrl="token"),
        OAuth2AuthorizationCodeBearer(authorizationUrl="authorize", tokenUrl="token"),
    ],
)
def test_oauth2_bearer_schemes(scheme: OAuth2) -> None:
    assert call(scheme, auth("Bearer tok")) == "tok"
    assert call(scheme, auth("bearer tok")) == "tok"
    assert call(scheme, auth("Bearer  tok")) == " tok"  # unstripped, as in FastAPI
    assert call(scheme, auth("Bearer")) == ""  # FastAPI returns the empty token here
    for request in (make_request(), auth(""), auth("Basic tok"), auth("tok")):
        assert_401(fails(scheme, request), "Bearer")


def test_oauth2_bearer_schemes_optional() -> None:
    for scheme in (
        OAuth2PasswordBearer("token", auto_error=False),
        OAuth2AuthorizationCodeBearer("authorize", "token", auto_error=False),
    ):
        assert call(scheme, make_request()) is None
        assert call(scheme, auth("Basic tok")) is None
        assert call(scheme, auth("Bearer tok")) == "tok"


def test_oauth2_base_returns_the_raw_header() -> None:
    scheme = OAuth2(flows={"password": {"tokenUrl": "token"}})
    assert call(scheme, auth("Bearer footokenbar")) == "Bearer footokenbar"
    assert call(scheme, auth("Other footokenbar")) == "Other footokenbar"
    assert_401(fails(scheme, make_request()), "Bearer")
    assert call(OAuth2(auto_error=False), make_request()) is None


def test_open_id_connect() -> None:
    scheme = OpenIdConnect(openIdConnectUrl="/openid")
    assert call(scheme, auth("Bearer footokenbar")) == "Bearer footokenbar"
    assert call(scheme, auth("Other x")) == "Other x"
    assert_401(fails(scheme, make_request()), "Bearer")
    assert_401(fails(scheme, auth("")), "Bearer")
    assert call(OpenIdConnect(openIdConnectUrl="/openid", auto_error=False), make_request()) is None


# --- Overriding the error (FastAPI's "Use Old 403 Authentication Error Status Codes") --------


class HTTPBearer403(HTTPBearer):
    def make_not_authenticated_error(self) -> HTTPException:
        return HTTPException(status_code=403, detail="Not authenticated")


class APIKey403(APIKeyHeader):
    def make_not_authenticated_error(self) -> HTTPException:
        return HTTPException(status_code=403, detail="Not authenticated")


def test_make_not_authenticated_error_can_be_overridden() -> None:
    exc = fails(HTTPBearer403(), make_request())
    assert (exc.status_code, exc.detail, exc.headers) == (403, "Not authenticated", None)
    exc = fails(APIKey403(name="k"), make_request())
    assert (exc.status_code, exc.headers) == (403, None)
    assert APIKey403(name="k").scheme_name == "APIKey403"


# --- OpenAPI models and scheme names ----------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "name", "model"),
    [
        (HTTPBasic(), "HTTPBasic", {"type": "http", "scheme": "basic"}),
        (
            HTTPBasic(scheme_name="Login", realm="r", description="Basic auth"),
            "Login",
            {"type": "http", "description": "Basic auth", "scheme": "basic"},
        ),
        (HTTPBearer(), "HTTPBearer", {"type": "http", "scheme": "bearer"}),
        (
            HTTPBearer(bearerFormat="JWT", description="d"),
            "HTTPBearer",
            {"type": "http", "description": "d", "scheme": "bearer", "bearerFormat": "JWT"},
        ),
        (HTTPDigest(), "HTTPDigest", {"type": "http", "scheme": "digest"}),
        (HTTPBase(scheme="Other"), "HTTPBase", {"type": "http", "scheme": "Other"}),
        (
            APIKeyHeader(name="X-Key"),
            "APIKeyHeader",
            {"type": "apiKey", "in": "header", "name": "X-Key"},
        ),
        (APIKeyQuery(name="key"), "APIKeyQuery", {"type": "apiKey", "in": "query", "name": "key"}),
        (
            APIKeyCookie(name="session", description="c", scheme_name="Cookie"),
            "Cookie",
            {"type": "apiKey", "description": "c", "in": "cookie", "name": "session"},
        ),
        (
            OAuth2PasswordBearer(tokenUrl="token"),
            "OAuth2PasswordBearer",
            {"type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": "token"}}},
        ),
        (
            OAuth2PasswordBearer(
                "token",
                scopes={"me": "Read me"},
                description="d",
                refreshUrl="/refresh",
                scheme_name="P",
            ),
            "P",
            {
                "type": "oauth2",
                "description": "d",
                "flows": {
                    "password": {
                        "refreshUrl": "/refresh",
                        "scopes": {"me": "Read me"},
                        "tokenUrl": "token",
                    }
                },
            },
        ),
        (
            OAuth2AuthorizationCodeBearer("authorize", "token"),
            "OAuth2AuthorizationCodeBearer",
            {
                "type": "oauth2",
                "flows": {
                    "authorizationCode": {
                        "scopes": {},
                        "authorizationUrl": "authorize",
                        "tokenUrl": "token",
                    }
                },
            },
        ),
        (
            OAuth2AuthorizationCodeBearer("authorize", "token", "refresh", scopes={"a": "A"}),
            "OAuth2AuthorizationCodeBearer",
            {
                "type": "oauth2",
                "flows": {
                    "authorizationCode": {
                        "refreshUrl": "refresh",
                        "scopes": {"a": "A"},
                        "authorizationUrl": "authorize",
                        "tokenUrl": "token",
                    }
                },
            },
        ),
        (OAuth2(), "OAuth2", {"type": "oauth2", "flows": {}}),
        (
            OpenIdConnect(openIdConnectUrl="/openid", description="OIDC"),
            "OpenIdConnect",
            {"type": "openIdConnect", "description": "OIDC", "openIdConnectUrl": "/openid"},
        ),
    ],
)
def test_openapi_model(scheme: SecurityBase, name: str, model: dict[str, Any]) -> None:
    assert scheme.scheme_name == name
    assert scheme.model == model
    assert list(scheme.model) == list(model)  # FastAPI's key order, for byte-identical documents


def test_oauth2_flows_are_normalised() -> None:
    flows = {
        "authorizationCode": {"authorizationUrl": "a", "tokenUrl": "t", "refreshUrl": None},
        "password": {"tokenUrl": "t", "x-extra": 1},
        "clientCredentials": {"tokenUrl": "t", "scopes": {"s": "S"}},
        "implicit": {"authorizationUrl": "a"},
    }
    model = OAuth2(flows=flows).model
    assert model["flows"] == {
        "implicit": {"scopes": {}, "authorizationUrl": "a"},
        "password": {"scopes": {}, "tokenUrl": "t", "x-extra": 1},
        "clientCredentials": {"scopes": {"s": "S"}, "tokenUrl": "t"},
        "authorizationCode": {"scopes": {}, "authorizationUrl": "a", "tokenUrl": "t"},
    }
    assert list(model["flows"]) == [
        "implicit",
        "password",
        "clientCredentials",
        "authorizationCode",
    ]
    # A flow missing its URL is kept as given (validating the document is the builder's job);
    # unknown entries (extensions) pass through after the known flows.
    model = OAuth2(flows={"x-vendor": {"a": 1}, "password": {}}).model
    assert model["flows"] == {"password": {"scopes": {}}, "x-vendor": {"a": 1}}
    assert list(model["flows"]) == ["password", "x-vendor"]


def test_oauth2_flows_from_a_model_object() -> None:
    class Flows:  # stands in for pydantic's OAuthFlows model
        def model_dump(self, *, by_alias: bool, exclude_none: bool) -> dict[str, Any]:
            assert by_alias
            assert exclude_none
            return {"password": {"tokenUrl": "token", "scopes": {}}}

    assert OAuth2(flows=Flows()).model["flows"] == {"password": {"scopes": {}, "tokenUrl": "token"}}


def test_oauth2_flows_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="mapping"):
        OAuth2(flows=["password"])


# --- OAuth2PasswordRequestForm and SecurityScopes --------------------------------------------------


def test_password_request_form_splits_scopes() -> None:
    form = OAuth2PasswordRequestForm(username="john", password="pw", scope="me  items:read\tx ")
    assert form.scopes == ["me", "items:read", "x"]
    assert (form.grant_type, form.username, form.password) == (None, "john", "pw")
    assert (form.client_id, form.client_secret) == (None, None)
    assert OAuth2PasswordRequestForm(username="j", password="p").scopes == []


def test_strict_password_request_form() -> None:
    form = OAuth2PasswordRequestFormStrict(
        grant_type="password", username="j", password="p", client_id="c", client_secret="s"
    )
    assert isinstance(form, OAuth2PasswordRequestForm)
    assert vars(form) == {
        "grant_type": "password",
        "username": "j",
        "password": "p",
        "scopes": [],
        "client_id": "c",
        "client_secret": "s",
    }


def test_security_scopes() -> None:
    assert SecuritySecurityScopes is SecurityScopes
    scopes = SecurityScopes(["me", "items"])
    assert (scopes.scopes, scopes.scope_str) == (["me", "items"], "me items")
    empty = SecurityScopes()
    assert (empty.scopes, empty.scope_str) == ([], "")
