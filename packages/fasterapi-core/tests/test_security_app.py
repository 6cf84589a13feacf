"""Security schemes through the app: FastAPI's tutorial apps, answered exactly as FastAPI 0.122+.

Covers the OAuth2 password flow (`OAuth2PasswordRequestForm` + `OAuth2PasswordBearer`), OAuth2
scopes (`Security` + `SecurityScopes`), HTTP Basic with `secrets.compare_digest`, API keys,
optional auth, dependency overrides, and the OpenAPI security schemes and requirements.
"""

import secrets
from base64 import b64encode
from typing import Annotated, Any, cast

import msgspec
import pytest
from openapi_spec_validator import validate

from fasterapi_core import Depends, Faster, HTTPException, Request, Security, SecurityScopes
from fasterapi_core.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    OAuth2,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict,
    OpenIdConnect,
)
from fasterapi_core.security.utils import get_authorization_scheme_param
from fasterapi_testing import TestClient


def client_for(app: Faster) -> TestClient:
    # cast: Faster.__call__ takes `dict` scopes, TestClient's ASGI type says MutableMapping.
    return TestClient(cast("Any", app))


# --- FastAPI's "Simple OAuth2 with Password and Bearer" tutorial ------------------------------

fake_users_db: dict[str, dict[str, Any]] = {
    "johndoe": {
        "username": "johndoe",
        "full_name": "John Doe",
        "email": "johndoe@example.com",
        "hashed_password": "fakehashedsecret",
        "disabled": False,
    },
    "alice": {
        "username": "alice",
        "full_name": "Alice Wonderson",
        "email": "alice@example.com",
        "hashed_password": "fakehashedsecret2",
        "disabled": True,
    },
}


class User(msgspec.Struct):
    username: str
    email: str | None = None
    full_name: str | None = None
    disabled: bool | None = None


oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
tutorial = Faster()


def get_user(username: str) -> User | None:
    data = fake_users_db.get(username)
    if data is None:
        return None
    return User(data["username"], data["email"], data["full_name"], data["disabled"])


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> User:
    user = get_user(token)  # the tutorial's "fake decode": the token is the user name
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="Invalid authentication credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


async def get_current_active_user(current_user: Annotated[User, Depends(get_current_user)]) -> User:
    if current_user.disabled:
        raise HTTPException(status_code=400, detail="Inactive user")
    return current_user


@tutorial.post("/token")
async def login(form_data: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
    user_dict = fake_users_db.get(form_data.username)
    if not user_dict or user_dict["hashed_password"] != "fakehashed" + form_data.password:
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    return {"access_token": user_dict["username"], "token_type": "bearer"}


@tutorial.get("/users/me")
async def read_users_me(current_user: Annotated[User, Depends(get_current_active_user)]) -> User:
    return current_user


@pytest.fixture(scope="module")
def client() -> TestClient:
    return client_for(tutorial)


def test_login(client: TestClient) -> None:
    response = client.post("/token", data={"username": "johndoe", "password": "secret"})
    assert response.status_code == 200, response.text
    assert response.json() == {"access_token": "johndoe", "token_type": "bearer"}


@pytest.mark.parametrize(
    "data",
    [
        {"username": "johndoe", "password": "incorrect"},
        {"username": "foo", "password": "secret"},
    ],
)
def test_login_incorrect(client: TestClient, data: dict[str, str]) -> None:
    response = client.post("/token", data=data)
    assert response.status_code == 400, response.text
    assert response.json() == {"detail": "Incorrect username or password"}


def test_login_form_validation(client: TestClient) -> None:
    response = client.post("/token")
    assert response.status_code == 422, response.text
    assert response.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "username"],
                "msg": "Field required",
                "input": None,
            },
            {
                "type": "missing",
                "loc": ["body", "password"],
                "msg": "Field required",
                "input": None,
            },
        ]
    }
    response = client.post(
        "/token", data={"username": "johndoe", "password": "secret", "grant_type": "code"}
    )
    assert response.status_code == 422, response.text
    assert response.json() == {
        "detail": [
            {
                "type": "string_pattern_mismatch",
                "loc": ["body", "grant_type"],
                "msg": "String should match pattern '^password$'",
                "input": "code",
                "ctx": {"pattern": "^password$"},
            }
        ]
    }
    response = client.post(
        "/token", data={"username": "johndoe", "password": "secret", "grant_type": "password"}
    )
    assert response.status_code == 200, response.text


def test_read_users_me(client: TestClient) -> None:
    response = client.get("/users/me", headers={"Authorization": "Bearer johndoe"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "username": "johndoe",
        "email": "johndoe@example.com",
        "full_name": "John Doe",
        "disabled": False,
    }


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Not authenticated"),
        ({"Authorization": "Notexistent testtoken"}, "Not authenticated"),
        ({"Authorization": "Bearer nonexistenttoken"}, "Invalid authentication credentials"),
    ],
)
def test_read_users_me_unauthenticated(
    client: TestClient, headers: dict[str, str], detail: str
) -> None:
    response = client.get("/users/me", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": detail}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_read_users_me_inactive(client: TestClient) -> None:
    response = client.get("/users/me", headers={"Authorization": "Bearer alice"})
    assert response.status_code == 400, response.text
    assert response.json() == {"detail": "Inactive user"}


def test_tutorial_openapi_security(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"scopes": {}, "tokenUrl": "token"}},
        }
    }
    assert document["paths"]["/users/me"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]
    assert "security" not in document["paths"]["/token"]["post"]
    assert document["paths"]["/token"]["post"]["requestBody"] == {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {"$ref": "#/components/schemas/Body_login_token_post"}
            }
        },
        "required": True,
    }
    body = document["components"]["schemas"]["Body_login_token_post"]
    assert body["required"] == ["username", "password"]
    assert body["properties"]["password"] == {
        "title": "Password",
        "type": "string",
        "format": "password",
    }
    assert body["properties"]["scope"] == {"title": "Scope", "type": "string", "default": ""}


def test_tutorial_openapi_form_schema_is_fastapis(client: TestClient) -> None:
    body = client.get("/openapi.json").json()["components"]["schemas"]["Body_login_token_post"]
    assert body == {
        "title": "Body_login_token_post",
        "required": ["username", "password"],
        "type": "object",
        "properties": {
            "grant_type": {
                "title": "Grant Type",
                "anyOf": [{"pattern": "^password$", "type": "string"}, {"type": "null"}],
            },
            "username": {"title": "Username", "type": "string"},
            "password": {"title": "Password", "type": "string", "format": "password"},
            "scope": {"title": "Scope", "type": "string", "default": ""},
            "client_id": {"title": "Client Id", "anyOf": [{"type": "string"}, {"type": "null"}]},
            "client_secret": {
                "title": "Client Secret",
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "format": "password",
            },
        },
    }


def test_dependency_override_of_a_scheme_instance() -> None:
    app = Faster()
    scheme = OAuth2PasswordBearer(tokenUrl="token")

    @app.get("/me")
    async def me(token: Annotated[str, Depends(scheme)]) -> dict[str, str]:
        return {"token": token}

    app.dependency_overrides[scheme] = lambda: "overridden"
    client = client_for(app)
    assert client.get("/me").json() == {"token": "overridden"}


# --- The strict form, returned as is (FastAPI's tests/test_security_oauth2.py) -----------------


def test_strict_form_returned_from_the_endpoint() -> None:
    app = Faster()

    @app.post("/login")
    def login(form_data: OAuth2PasswordRequestFormStrict = Depends()) -> Any:
        return form_data

    client = client_for(app)
    response = client.post("/login", data={"username": "johndoe", "password": "pw"})
    assert response.status_code == 422, response.text
    assert response.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "grant_type"],
                "msg": "Field required",
                "input": None,
            }
        ]
    }
    response = client.post(
        "/login", data={"username": "johndoe", "password": "pw", "grant_type": "passwordblah"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "string_pattern_mismatch"
    data = {"username": "johndoe", "password": "pw", "grant_type": "password", "scope": "me items"}
    response = client.post("/login", data=data)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "grant_type": "password",
        "username": "johndoe",
        "password": "pw",
        "scopes": ["me", "items"],
        "client_id": None,
        "client_secret": None,
    }
    body = client.get("/openapi.json").json()["components"]["schemas"]["Body_login_login_post"]
    assert body["required"] == ["grant_type", "username", "password"]
    assert body["properties"]["grant_type"] == {
        "title": "Grant Type",
        "type": "string",
        "pattern": "^password$",
    }


# --- OAuth2 scopes (FastAPI's advanced "OAuth2 scopes" tutorial, with fake tokens) ---------------

scoped_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={"me": "Read information about the current user.", "items": "Read items."},
)
scoped = Faster()


async def scoped_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(scoped_scheme)]
) -> dict[str, Any]:
    authenticate_value = (
        f'Bearer scope="{security_scopes.scope_str}"' if security_scopes.scopes else "Bearer"
    )
    username, _, granted = token.partition(":")  # fake token: "<user>:<scope>,<scope>"
    token_scopes = granted.split(",") if granted else []
    for scope in security_scopes.scopes:
        if scope not in token_scopes:
            raise HTTPException(
                status_code=401,
                detail="Not enough permissions",
                headers={"WWW-Authenticate": authenticate_value},
            )
    return {"username": username, "required": security_scopes.scopes}


async def scoped_active_user(
    user: Annotated[dict[str, Any], Security(scoped_user, scopes=["me"])],
) -> dict[str, Any]:
    return user


@scoped.get("/users/me/items/")
async def read_own_items(
    user: Annotated[dict[str, Any], Security(scoped_active_user, scopes=["items"])],
) -> Any:
    return user


@scoped.get("/users/me/")
async def read_users_me_scoped(user: Annotated[dict[str, Any], Depends(scoped_active_user)]) -> Any:
    return user


@scoped.get("/status/")
async def read_system_status(user: Annotated[dict[str, Any], Depends(scoped_user)]) -> Any:
    return user


def test_scopes_accumulate_along_the_path() -> None:
    client = client_for(scoped)
    response = client.get("/users/me/items/", headers={"Authorization": "Bearer johndoe:me,items"})
    assert response.status_code == 200, response.text
    assert response.json() == {"username": "johndoe", "required": ["items", "me"]}
    response = client.get("/users/me/", headers={"Authorization": "Bearer johndoe:me"})
    assert response.json() == {"username": "johndoe", "required": ["me"]}
    response = client.get("/status/", headers={"Authorization": "Bearer johndoe"})
    assert response.json() == {"username": "johndoe", "required": []}


def test_missing_scope_challenge_carries_scope_str() -> None:
    client = client_for(scoped)
    response = client.get("/users/me/items/", headers={"Authorization": "Bearer johndoe:me"})
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Not enough permissions"}
    assert response.headers["WWW-Authenticate"] == 'Bearer scope="items me"'
    response = client.get("/users/me/items/")
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_scopes_in_openapi() -> None:
    document = client_for(scoped).get("/openapi.json").json()
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {
                "password": {
                    "scopes": {
                        "me": "Read information about the current user.",
                        "items": "Read items.",
                    },
                    "tokenUrl": "token",
                }
            },
        }
    }
    paths = document["paths"]
    assert paths["/users/me/items/"]["get"]["security"] == [
        {"OAuth2PasswordBearer": ["items", "me"]}
    ]
    assert paths["/users/me/"]["get"]["security"] == [{"OAuth2PasswordBearer": ["me"]}]
    assert paths["/status/"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]


def test_scopes_only_for_oauth2_and_openid_in_openapi() -> None:
    # As FastAPI: only OAuth2 and OpenID Connect requirements list scopes; others get [].
    app = Faster()
    basic = HTTPBasic()

    @app.get("/")
    def root(creds: Annotated[HTTPBasicCredentials, Security(basic, scopes=["admin"])]) -> str:
        return creds.username

    security = client_for(app).get("/openapi.json").json()["paths"]["/"]["get"]["security"]
    assert security == [{"HTTPBasic": []}]


# --- HTTP Basic (FastAPI's tutorial with secrets.compare_digest) -------------------------------

basic_security = HTTPBasic()
basic_app = Faster()


def get_current_username(
    credentials: Annotated[HTTPBasicCredentials, Depends(basic_security)],
) -> str:
    is_correct_username = secrets.compare_digest(
        credentials.username.encode("utf8"), b"stanleyjobson"
    )
    is_correct_password = secrets.compare_digest(credentials.password.encode("utf8"), b"swordfish")
    if not (is_correct_username and is_correct_password):
        raise HTTPException(
            status_code=401,
            detail="Incorrect username or password",
            headers={"WWW-Authenticate": "Basic"},
        )
    return credentials.username


@basic_app.get("/users/me")
def read_current_user(username: Annotated[str, Depends(get_current_username)]) -> dict[str, str]:
    return {"username": username}


@pytest.mark.parametrize(
    ("headers", "auth", "status", "detail"),
    [
        ({}, ("stanleyjobson", "swordfish"), 200, None),
        ({}, ("alice", "swordfish"), 401, "Incorrect username or password"),
        ({}, ("stanleyjobson", "wrong"), 401, "Incorrect username or password"),
        ({}, None, 401, "Not authenticated"),
        ({"Authorization": "Basic notabase64token"}, None, 401, "Not authenticated"),
        (
            {"Authorization": "Basic " + b64encode(b"johnsecret").decode()},
            None,
            401,
            "Not authenticated",
        ),
        ({"Authorization": "Bearer swordfish"}, None, 401, "Not authenticated"),
    ],
)
def test_http_basic(
    headers: dict[str, str], auth: tuple[str, str] | None, status: int, detail: str | None
) -> None:
    response = client_for(basic_app).get("/users/me", headers=headers, auth=auth)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json() == {"username": "stanleyjobson"}
    else:
        assert response.json() == {"detail": detail}
        assert response.headers["WWW-Authenticate"] == "Basic"


def test_http_basic_realm_and_openapi() -> None:
    app = Faster()
    security = HTTPBasic(realm="simple", description="HTTPBasic scheme")

    @app.get("/users/me")
    def me(credentials: HTTPBasicCredentials = Security(security)) -> HTTPBasicCredentials:
        return credentials

    client = client_for(app)
    response = client.get("/users/me", auth=("john", "secret"))
    assert response.json() == {"username": "john", "password": "secret"}
    response = client.get("/users/me", headers={"Authorization": "Basic notabase64token"})
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == 'Basic realm="simple"'
    assert response.json() == {"detail": "Not authenticated"}
    document = client.get("/openapi.json").json()
    assert document["paths"]["/users/me"]["get"]["security"] == [{"HTTPBasic": []}]
    assert document["components"]["securitySchemes"] == {
        "HTTPBasic": {"type": "http", "scheme": "basic", "description": "HTTPBasic scheme"}
    }


def test_optional_http_basic() -> None:
    app = Faster()
    security = HTTPBasic(auto_error=False)

    @app.get("/users/me")
    def me(credentials: HTTPBasicCredentials | None = Security(security)) -> dict[str, str]:
        if credentials is None:
            return {"msg": "Create an account first"}
        return {"username": credentials.username, "password": credentials.password}

    client = client_for(app)
    assert client.get("/users/me").json() == {"msg": "Create an account first"}
    assert client.get("/users/me", auth=("john", "secret")).json() == {
        "username": "john",
        "password": "secret",
    }
    response = client.get("/users/me", headers={"Authorization": "Basic notabase64token"})
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["WWW-Authenticate"] == "Basic"


# --- Bearer, API keys, OpenID Connect -----------------------------------------------------------


def test_http_bearer() -> None:
    app = Faster()
    security = HTTPBearer(bearerFormat="JWT")

    @app.get("/users/me")
    def me(
        credentials: Annotated[HTTPAuthorizationCredentials, Security(security)],
    ) -> HTTPAuthorizationCredentials:
        return credentials

    client = client_for(app)
    response = client.get("/users/me", headers={"Authorization": "Bearer foobar"})
    assert response.json() == {"scheme": "Bearer", "credentials": "foobar"}
    for headers in ({}, {"Authorization": "Basic notreally"}, {"Authorization": "Bearer"}):
        response = client.get("/users/me", headers=headers)
        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Not authenticated"}
        assert response.headers["WWW-Authenticate"] == "Bearer"
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes == {"HTTPBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


def test_api_keys() -> None:
    app = Faster()
    header = APIKeyHeader(name="X-API-Key", description="The key")
    query = APIKeyQuery(name="key", auto_error=False)
    cookie = APIKeyCookie(name="session")

    @app.get("/header")
    def by_header(key: Annotated[str, Security(header)]) -> dict[str, str]:
        return {"key": key}

    @app.get("/query")
    def by_query(key: Annotated[str | None, Depends(query)]) -> dict[str, str | None]:
        return {"key": key}

    @app.get("/cookie")
    def by_cookie(key: Annotated[str, Depends(cookie)]) -> dict[str, str]:
        return {"key": key}

    client = client_for(app)
    assert client.get("/header", headers={"X-API-Key": "s3cret"}).json() == {"key": "s3cret"}
    response = client.get("/header")
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["WWW-Authenticate"] == "APIKey"
    assert client.get("/query", params={"key": "q"}).json() == {"key": "q"}
    assert client.get("/query").json() == {"key": None}
    assert client.get("/cookie", headers={"Cookie": "session=abc"}).json() == {"key": "abc"}
    assert client.get("/cookie").status_code == 401
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"] == {
        "APIKeyHeader": {
            "type": "apiKey",
            "description": "The key",
            "in": "header",
            "name": "X-API-Key",
        },
        "APIKeyQuery": {"type": "apiKey", "in": "query", "name": "key"},
        "APIKeyCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
    }
    assert document["paths"]["/header"]["get"]["security"] == [{"APIKeyHeader": []}]
    assert document["paths"]["/query"]["get"]["security"] == [{"APIKeyQuery": []}]
    assert document["paths"]["/cookie"]["get"]["security"] == [{"APIKeyCookie": []}]


def test_open_id_connect_with_scopes() -> None:
    app = Faster()
    oid = OpenIdConnect(openIdConnectUrl="/openid")

    @app.get("/users/me")
    def me(header: Annotated[str, Security(oid, scopes=["openid"])]) -> dict[str, str]:
        return {"header": header}

    client = client_for(app)
    assert client.get("/users/me", headers={"Authorization": "Bearer x"}).json() == {
        "header": "Bearer x"
    }
    response = client.get("/users/me")
    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, "Bearer")
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"] == {
        "OpenIdConnect": {"type": "openIdConnect", "openIdConnectUrl": "/openid"}
    }
    assert document["paths"]["/users/me"]["get"]["security"] == [{"OpenIdConnect": ["openid"]}]


def test_schemes_in_route_dependencies_and_a_shared_scheme_listed_once() -> None:
    app = Faster()
    key = APIKeyHeader(name="X-Key", auto_error=False)
    token = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)

    def first(t: Annotated[str | None, Depends(token)]) -> str | None:
        return t

    def second(t: Annotated[str | None, Depends(token)]) -> str | None:
        return t

    @app.get("/", dependencies=[Depends(key)])
    def root(
        a: Annotated[str | None, Depends(first)], b: Annotated[str | None, Depends(second)]
    ) -> list[Any]:
        return [a, b]

    client = client_for(app)
    assert client.get("/", headers={"Authorization": "Bearer t"}).json() == ["t", "t"]
    security = client.get("/openapi.json").json()["paths"]["/"]["get"]["security"]
    assert security == [{"APIKeyHeader": []}, {"OAuth2PasswordBearer": []}]


@pytest.mark.parametrize(
    "app", [tutorial, scoped, basic_app], ids=["password-flow", "scopes", "basic"]
)
def test_documents_are_valid_openapi(app: Faster) -> None:
    validate(client_for(app).get("/openapi.json").json())


# --- A user subclass: the community "OAuth2 bearer token in a cookie" recipe ---------------------


class OAuth2PasswordBearerWithCookie(OAuth2):
    def __init__(
        self, tokenUrl: str, scopes: dict[str, str] | None = None, auto_error: bool = True
    ) -> None:
        flows = {"password": {"tokenUrl": tokenUrl, "scopes": scopes or {}}}
        super().__init__(flows=flows, auto_error=auto_error)

    async def __call__(self, request: Request) -> str | None:
        scheme, param = get_authorization_scheme_param(request.cookies.get("access_token"))
        if scheme.lower() != "bearer":
            if self.auto_error:
                raise self.make_not_authenticated_error()
            return None
        return param


def test_user_subclass_reading_a_cookie() -> None:
    app = Faster()
    cookie_scheme = OAuth2PasswordBearerWithCookie(tokenUrl="token")

    @app.get("/me")
    async def me(token: Annotated[str, Depends(cookie_scheme)]) -> dict[str, str]:
        return {"token": token}

    client = client_for(app)
    assert client.get("/me", headers={"Cookie": 'access_token="Bearer abc"'}).json() == {
        "token": "abc"
    }
    response = client.get("/me")
    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, "Bearer")
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearerWithCookie": {
            "type": "oauth2",
            "flows": {"password": {"scopes": {}, "tokenUrl": "token"}},
        }
    }
