"""Tutorial: Security — OAuth2 password flow with Bearer tokens, scopes; HTTP Basic; API keys."""

import secrets
from typing import Annotated

import pytest

USERS = {
    "johndoe": {"username": "johndoe", "password": "secret", "disabled": False, "scopes": ["me"]},
    "alice": {"username": "alice", "password": "secret2", "disabled": True, "scopes": []},
}


def build_oauth2(fw):
    security = fw.security
    app = fw.FastAPI()
    oauth2_scheme = security.OAuth2PasswordBearer(
        tokenUrl="token", scopes={"me": "Read yourself.", "items": "Read items."}
    )

    @app.post("/token")
    def login(form_data: Annotated[security.OAuth2PasswordRequestForm, fw.Depends()]):
        user = USERS.get(form_data.username)
        if not user or user["password"] != form_data.password:
            raise fw.HTTPException(status_code=400, detail="Incorrect username or password")
        return {
            "access_token": f"{user['username']}:{' '.join(form_data.scopes)}",
            "token_type": "bearer",
        }

    def get_current_user(
        security_scopes: security.SecurityScopes, token: Annotated[str, fw.Depends(oauth2_scheme)]
    ):
        authenticate = (
            f'Bearer scope="{security_scopes.scope_str}"' if security_scopes.scopes else "Bearer"
        )
        username, _, scopes = token.partition(":")
        user = USERS.get(username)
        if user is None:
            raise fw.HTTPException(
                status_code=401,
                detail="Could not validate credentials",
                headers={"WWW-Authenticate": authenticate},
            )
        for scope in security_scopes.scopes:
            if scope not in scopes.split():
                raise fw.HTTPException(
                    status_code=401,
                    detail="Not enough permissions",
                    headers={"WWW-Authenticate": authenticate},
                )
        return user

    def get_active_user(user: Annotated[dict, fw.Security(get_current_user, scopes=["me"])]):
        if user["disabled"]:
            raise fw.HTTPException(status_code=400, detail="Inactive user")
        return user

    @app.get("/users/me")
    def read_me(user: Annotated[dict, fw.Depends(get_active_user)]):
        return {"username": user["username"]}

    @app.get("/users/me/items")
    def read_own_items(user: Annotated[dict, fw.Security(get_active_user, scopes=["items"])]):
        return [{"item_id": "Foo", "owner": user["username"]}]

    @app.get("/token-only")
    def token_only(token: Annotated[str, fw.Depends(oauth2_scheme)]):
        return {"token": token}

    return app


def test_login_returns_token(fw):
    with fw.client(build_oauth2(fw)) as client:
        response = client.post(
            "/token", data={"username": "johndoe", "password": "secret", "scope": "me items"}
        )
        wrong = client.post("/token", data={"username": "johndoe", "password": "nope"})
        missing = client.post("/token", data={"username": "johndoe"})
    assert response.json() == {"access_token": "johndoe:me items", "token_type": "bearer"}
    assert (wrong.status_code, wrong.json()) == (400, {"detail": "Incorrect username or password"})
    assert missing.status_code == 422
    assert missing.json()["detail"] == [
        {"type": "missing", "loc": ["body", "password"], "msg": "Field required", "input": None}
    ]


def test_missing_token_is_401(fw):
    with fw.client(build_oauth2(fw)) as client:
        response = client.get("/token-only")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_wrong_scheme_is_401(fw):
    with fw.client(build_oauth2(fw)) as client:
        response = client.get("/token-only", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


def test_bearer_token_read(fw):
    with fw.client(build_oauth2(fw)) as client:
        response = client.get("/token-only", headers={"Authorization": "Bearer abc"})
    assert response.json() == {"token": "abc"}


def test_scopes(fw):
    with fw.client(build_oauth2(fw)) as client:
        me = client.get("/users/me", headers={"Authorization": "Bearer johndoe:me"})
        no_items = client.get("/users/me/items", headers={"Authorization": "Bearer johndoe:me"})
        items = client.get("/users/me/items", headers={"Authorization": "Bearer johndoe:me items"})
        inactive = client.get("/users/me", headers={"Authorization": "Bearer alice:me"})
        unknown = client.get("/users/me", headers={"Authorization": "Bearer nobody:me"})
    assert me.json() == {"username": "johndoe"}
    assert no_items.status_code == 401
    assert no_items.json() == {"detail": "Not enough permissions"}
    assert no_items.headers["www-authenticate"] == 'Bearer scope="items me"'
    assert items.json() == [{"item_id": "Foo", "owner": "johndoe"}]
    assert (inactive.status_code, inactive.json()) == (400, {"detail": "Inactive user"})
    assert unknown.status_code == 401
    assert unknown.headers["www-authenticate"] == 'Bearer scope="me"'


def test_openapi_oauth2(fw):
    with fw.client(build_oauth2(fw)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {
                "password": {
                    "scopes": {"me": "Read yourself.", "items": "Read items."},
                    "tokenUrl": "token",
                }
            },
        }
    }
    assert schema["paths"]["/users/me/items"]["get"]["security"] == [
        {"OAuth2PasswordBearer": ["items", "me"]}
    ]
    assert schema["paths"]["/token-only"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]
    token_body = schema["components"]["schemas"]["Body_login_token_post"]
    assert token_body["required"] == ["username", "password"]
    assert list(token_body["properties"]) == [
        "grant_type",
        "username",
        "password",
        "scope",
        "client_id",
        "client_secret",
    ]


def build_basic(fw):
    security = fw.security
    app = fw.FastAPI()
    basic = security.HTTPBasic()

    def current_username(credentials: Annotated[security.HTTPBasicCredentials, fw.Depends(basic)]):
        good_user = secrets.compare_digest(credentials.username.encode(), b"stanleyjobson")
        good_pass = secrets.compare_digest(credentials.password.encode(), b"swordfish")
        if not (good_user and good_pass):
            raise fw.HTTPException(
                status_code=401,
                detail="Incorrect username or password",
                headers={"WWW-Authenticate": "Basic"},
            )
        return credentials.username

    @app.get("/users/me")
    def read_me(username: Annotated[str, fw.Depends(current_username)]):
        return {"username": username}

    return app


def test_http_basic(fw):
    with fw.client(build_basic(fw)) as client:
        ok = client.get("/users/me", auth=("stanleyjobson", "swordfish"))
        wrong = client.get("/users/me", auth=("stanleyjobson", "nope"))
        missing = client.get("/users/me")
        garbage = client.get("/users/me", headers={"Authorization": "Basic not-base64!"})
    assert ok.json() == {"username": "stanleyjobson"}
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Incorrect username or password"})
    assert wrong.headers["www-authenticate"] == "Basic"
    assert (missing.status_code, missing.json()) == (401, {"detail": "Not authenticated"})
    assert missing.headers["www-authenticate"] == "Basic"
    assert garbage.status_code == 401
    assert garbage.json() == {"detail": "Not authenticated"}


def test_openapi_http_basic(fw):
    with fw.client(build_basic(fw)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {
        "HTTPBasic": {"type": "http", "scheme": "basic"}
    }
    assert schema["paths"]["/users/me"]["get"]["security"] == [{"HTTPBasic": []}]


def build_api_key(fw):
    security = fw.security
    app = fw.FastAPI()
    header_key = security.APIKeyHeader(name="X-API-Key")
    query_key = security.APIKeyQuery(name="api_key", auto_error=False)
    cookie_key = security.APIKeyCookie(name="session")

    @app.get("/header")
    def by_header(key: Annotated[str, fw.Security(header_key)]):
        return {"key": key}

    @app.get("/query")
    def by_query(key: Annotated[str | None, fw.Security(query_key)]):
        return {"key": key}

    @app.get("/cookie")
    def by_cookie(key: Annotated[str, fw.Depends(cookie_key)]):
        return {"key": key}

    return app


def test_api_keys(fw):
    with fw.client(build_api_key(fw)) as client:
        header = client.get("/header", headers={"X-API-Key": "k1"})
        query = client.get("/query?api_key=k2")
        no_query = client.get("/query")
        cookie = client.get("/cookie", headers={"cookie": "session=k3"})
        no_header = client.get("/header")
        no_cookie = client.get("/cookie")
    assert header.json() == {"key": "k1"}
    assert query.json() == {"key": "k2"}
    assert no_query.json() == {"key": None}
    assert cookie.json() == {"key": "k3"}
    assert (no_header.status_code, no_header.json()) == (401, {"detail": "Not authenticated"})
    assert (no_cookie.status_code, no_cookie.json()) == (401, {"detail": "Not authenticated"})


def test_api_key_challenge_header(fw):
    with fw.client(build_api_key(fw)) as client:
        response = client.get("/header")
    assert response.headers["www-authenticate"] == "APIKey"


def test_openapi_api_keys(fw):
    with fw.client(build_api_key(fw)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {
        "APIKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "APIKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
        "APIKeyCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
    }


def test_http_bearer(fw):
    app = fw.FastAPI()
    bearer = fw.security.HTTPBearer()

    @app.get("/")
    def read(creds: Annotated[fw.security.HTTPAuthorizationCredentials, fw.Depends(bearer)]):
        return {"scheme": creds.scheme, "credentials": creds.credentials}

    with fw.client(app) as client:
        ok = client.get("/", headers={"Authorization": "Bearer abc"})
        missing = client.get("/")
    assert ok.json() == {"scheme": "Bearer", "credentials": "abc"}
    assert (missing.status_code, missing.json()) == (401, {"detail": "Not authenticated"})
    assert missing.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("auto_error", [False])
def test_optional_oauth2(fw, auto_error):
    app = fw.FastAPI()
    scheme = fw.security.OAuth2PasswordBearer(tokenUrl="token", auto_error=auto_error)

    @app.get("/")
    def read(token: Annotated[str | None, fw.Depends(scheme)]):
        return {"token": token}

    with fw.client(app) as client:
        assert client.get("/").json() == {"token": None}


def build_more_schemes(fw):
    security = fw.security
    app = fw.FastAPI()
    code = security.OAuth2AuthorizationCodeBearer(
        authorizationUrl="auth", tokenUrl="tok", refreshUrl="ref", scopes={"a": "A"}
    )
    oidc = security.OpenIdConnect(
        openIdConnectUrl="https://example.com/.well-known/openid-configuration"
    )
    digest = security.HTTPDigest()
    bearer = security.HTTPBearer(bearerFormat="JWT", description="jwt", scheme_name="JWTAuth")
    key = security.APIKeyHeader(name="k", description="key", scheme_name="Key", auto_error=False)

    @app.get("/code")
    def by_code(token: Annotated[str, fw.Depends(code)]):
        return token

    @app.get("/oidc")
    def by_oidc(token: Annotated[str, fw.Depends(oidc)]):
        return token

    @app.get("/digest")
    def by_digest(creds: Annotated[security.HTTPAuthorizationCredentials, fw.Depends(digest)]):
        return {"scheme": creds.scheme, "credentials": creds.credentials}

    @app.get("/bearer")
    def by_bearer(creds: Annotated[security.HTTPAuthorizationCredentials, fw.Depends(bearer)]):
        return creds.credentials

    @app.get("/key")
    def by_key(value: Annotated[str | None, fw.Depends(key)]):
        return value

    return app


@pytest.mark.parametrize(
    ("url", "headers", "status", "challenge", "body"),
    [
        ("/code", {}, 401, "Bearer", {"detail": "Not authenticated"}),
        ("/code", {"Authorization": "Bearer t"}, 200, None, "t"),
        ("/oidc", {}, 401, "Bearer", {"detail": "Not authenticated"}),
        ("/oidc", {"Authorization": "Bearer o"}, 200, None, "Bearer o"),
        ("/digest", {}, 401, "Digest", {"detail": "Not authenticated"}),
        (
            "/digest",
            {"Authorization": "Digest abc"},
            200,
            None,
            {"scheme": "Digest", "credentials": "abc"},
        ),
        ("/bearer", {"Authorization": "Basic x"}, 401, "Bearer", {"detail": "Not authenticated"}),
        ("/key", {}, 200, None, None),
    ],
)
def test_more_schemes(fw, url, headers, status, challenge, body):
    with fw.client(build_more_schemes(fw)) as client:
        response = client.get(url, headers=headers)
    assert response.status_code == status
    assert response.headers.get("www-authenticate") == challenge
    assert response.json() == body


def test_openapi_more_schemes(fw):
    schemes = build_more_schemes(fw).openapi()["components"]["securitySchemes"]
    assert schemes == {
        "OAuth2AuthorizationCodeBearer": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "refreshUrl": "ref",
                    "scopes": {"a": "A"},
                    "authorizationUrl": "auth",
                    "tokenUrl": "tok",
                }
            },
        },
        "OpenIdConnect": {
            "type": "openIdConnect",
            "openIdConnectUrl": "https://example.com/.well-known/openid-configuration",
        },
        "HTTPDigest": {"type": "http", "scheme": "digest"},
        "JWTAuth": {
            "type": "http",
            "description": "jwt",
            "scheme": "bearer",
            "bearerFormat": "JWT",
        },
        "Key": {"type": "apiKey", "description": "key", "in": "header", "name": "k"},
    }
