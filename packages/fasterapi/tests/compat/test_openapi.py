"""Tutorial: Metadata and Docs URLs; Advanced: Path Operation Advanced Configuration
(operation ids, include_in_schema, openapi_extra), Extending OpenAPI, Behind a Proxy (servers),
Additional Responses."""

import dataclasses

import pytest


def build(fw):
    tags_metadata = [
        {
            "name": "users",
            "description": "Operations with users. The **login** logic is also here.",
        },
        {
            "name": "items",
            "description": "Manage items.",
            "externalDocs": {"description": "Items external docs", "url": "https://example.com/"},
        },
    ]
    app = fw.FastAPI(
        title="ChimichangApp",
        description="ChimichangApp API helps you do awesome stuff.",
        summary="Deadpool's favorite app.",
        version="0.0.1",
        terms_of_service="http://example.com/terms/",
        contact={
            "name": "Deadpoolio",
            "url": "http://x-force.example.com/contact/",
            "email": "dp@x-force.example.com",
        },
        license_info={"name": "Apache 2.0", "identifier": "Apache-2.0"},
        openapi_tags=tags_metadata,
        servers=[
            {"url": "https://stag.example.com", "description": "Staging environment"},
            {"url": "https://prod.example.com", "description": "Production environment"},
        ],
    )

    @app.get("/users/", tags=["users"], operation_id="some_specific_id_you_define")
    def get_users():
        return [{"name": "Harry"}]

    @app.get("/items/", tags=["items"])
    def get_items():
        return [{"name": "wand"}]

    @app.get("/hidden/", include_in_schema=False)
    def hidden():
        return {"hidden": True}

    @app.get("/extra/", openapi_extra={"x-aperture-labs-portal": "blue"})
    def extra():
        return {}

    @app.post(
        "/raw/",
        openapi_extra={
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "required": ["name"],
                            "type": "object",
                            "properties": {"name": {"type": "string"}},
                        }
                    }
                },
                "required": True,
            }
        },
    )
    async def raw(request: fw.Request):
        data = await request.json()
        return {"name": data["name"]}

    @app.get(
        "/responses/{item_id}",
        responses={
            404: {
                "description": "The item was not found",
                "content": {"application/json": {"example": {"detail": "x"}}},
            },
            "5XX": {"description": "Server trouble"},
        },
    )
    def with_responses(item_id: str):
        return {"id": item_id}

    return app


def spec(fw, app=None):
    with fw.client(app or build(fw)) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_info(fw):
    schema = spec(fw)
    assert schema["openapi"] == "3.1.0"
    assert schema["info"] == {
        "title": "ChimichangApp",
        "summary": "Deadpool's favorite app.",
        "description": "ChimichangApp API helps you do awesome stuff.",
        "termsOfService": "http://example.com/terms/",
        "contact": {
            "name": "Deadpoolio",
            "url": "http://x-force.example.com/contact/",
            "email": "dp@x-force.example.com",
        },
        "license": {"name": "Apache 2.0", "identifier": "Apache-2.0"},
        "version": "0.0.1",
    }


def test_tags_metadata_and_servers(fw):
    schema = spec(fw)
    assert schema["tags"] == [
        {
            "name": "users",
            "description": "Operations with users. The **login** logic is also here.",
        },
        {
            "name": "items",
            "description": "Manage items.",
            "externalDocs": {"description": "Items external docs", "url": "https://example.com/"},
        },
    ]
    assert schema["servers"] == [
        {"url": "https://stag.example.com", "description": "Staging environment"},
        {"url": "https://prod.example.com", "description": "Production environment"},
    ]


def test_operation_ids_and_hidden(fw):
    paths = spec(fw)["paths"]
    assert paths["/users/"]["get"]["operationId"] == "some_specific_id_you_define"
    assert paths["/items/"]["get"]["operationId"] == "get_items_items__get"
    assert "/hidden/" not in paths
    assert list(paths) == ["/users/", "/items/", "/extra/", "/raw/", "/responses/{item_id}"]


def test_hidden_route_still_answers(fw):
    with fw.client(build(fw)) as client:
        assert client.get("/hidden/").json() == {"hidden": True}


def test_openapi_extra(fw):
    paths = spec(fw)["paths"]
    assert paths["/extra/"]["get"]["x-aperture-labs-portal"] == "blue"
    assert paths["/raw/"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "required"
    ] == ["name"]
    with fw.client(build(fw)) as client:
        assert client.post("/raw/", json={"name": "n"}).json() == {"name": "n"}


def test_additional_responses(fw):
    responses = spec(fw)["paths"]["/responses/{item_id}"]["get"]["responses"]
    assert list(responses) == ["200", "404", "5XX", "422"]
    assert responses["404"] == {
        "description": "The item was not found",
        "content": {"application/json": {"example": {"detail": "x"}}},
    }
    assert responses["422"] == {
        "description": "Validation Error",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
        },
    }


def test_validation_error_components(fw):
    schemas = spec(fw)["components"]["schemas"]
    assert schemas["HTTPValidationError"] == {
        "properties": {
            "detail": {
                "items": {"$ref": "#/components/schemas/ValidationError"},
                "type": "array",
                "title": "Detail",
            }
        },
        "type": "object",
        "title": "HTTPValidationError",
    }
    validation_error = schemas["ValidationError"]
    assert validation_error["required"] == ["loc", "msg", "type"]
    assert validation_error["properties"]["loc"] == {
        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "type": "array",
        "title": "Location",
    }


def test_minimal_app(fw):
    app = fw.FastAPI()
    schema = spec(fw, app)
    assert schema == {
        "openapi": "3.1.0",
        "info": {"title": "FastAPI", "version": "0.1.0"},
        "paths": {},
    }


def test_docs_urls(fw):
    app = fw.FastAPI()
    with fw.client(app) as client:
        docs = client.get("/docs")
        redoc = client.get("/redoc")
        oauth = client.get("/docs/oauth2-redirect")
    assert docs.status_code == 200
    assert docs.headers["content-type"] == "text/html; charset=utf-8"
    assert "swagger-ui" in docs.text
    assert "/openapi.json" in docs.text
    assert redoc.status_code == 200
    assert "redoc" in redoc.text
    assert oauth.status_code == 200


def test_docs_disabled_and_moved(fw):
    app = fw.FastAPI(docs_url="/documentation", redoc_url=None, openapi_url="/api/v1/openapi.json")
    with fw.client(app) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 404
        documentation = client.get("/documentation")
        assert client.get("/api/v1/openapi.json").status_code == 200
    assert "/api/v1/openapi.json" in documentation.text


def test_openapi_disabled(fw):
    app = fw.FastAPI(openapi_url=None)
    with fw.client(app) as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404
    assert app.openapi_schema is None


def test_custom_openapi_function(fw):
    app = fw.FastAPI()

    @app.get("/items/")
    async def read_items():
        return [{"name": "Foo"}]

    def custom_openapi():
        if app.openapi_schema:
            return app.openapi_schema
        schema = fw.mod("openapi.utils").get_openapi(
            title="Custom title",
            version="2.5.0",
            summary="This is a very custom OpenAPI schema",
            description="Here's a longer description of the custom **OpenAPI** schema",
            routes=app.routes,
        )
        schema["info"]["x-logo"] = {"url": "https://example.com/logo.png"}
        app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = custom_openapi
    schema = spec(fw, app)
    assert schema["info"] == {
        "title": "Custom title",
        "summary": "This is a very custom OpenAPI schema",
        "description": "Here's a longer description of the custom **OpenAPI** schema",
        "version": "2.5.0",
        "x-logo": {"url": "https://example.com/logo.png"},
    }
    assert schema["paths"]["/items/"]["get"]["operationId"] == "read_items_items__get"


def test_openapi_method_caches_schema(fw):
    app = build(fw)
    first = app.openapi()
    assert app.openapi() is first
    assert app.openapi_schema is first


def test_generate_unique_id_function(fw):
    def custom_id(route):
        return f"{route.tags[0]}-{route.name}"

    app = fw.FastAPI(generate_unique_id_function=custom_id)
    router = fw.APIRouter(generate_unique_id_function=lambda route: f"r-{route.name}")

    @app.get("/items/", tags=["items"])
    def read_items():
        return []

    @router.post("/users/", tags=["users"])
    def create_user(name: str):
        return {"name": name}

    @app.get("/special/", tags=["x"], generate_unique_id_function=lambda route: "special")
    def special():
        return {}

    app.include_router(router)
    paths = spec(fw, app)["paths"]
    assert paths["/items/"]["get"]["operationId"] == "items-read_items"
    assert paths["/users/"]["post"]["operationId"] == "r-create_user"
    assert paths["/special/"]["get"]["operationId"] == "special"


def test_generate_unique_id_function_on_router(fw):
    app = fw.FastAPI()
    router = fw.APIRouter(generate_unique_id_function=lambda route: f"r-{route.name}")

    @router.post("/users/", tags=["users"])
    def create_user(name: str):
        return {"name": name}

    app.include_router(router)
    paths = spec(fw, app)["paths"]
    assert paths["/users/"]["post"]["operationId"] == "r-create_user"


def test_generated_body_schema_name_uses_unique_id(fw):
    app = fw.FastAPI(generate_unique_id_function=lambda route: f"op-{route.name}")

    @app.post("/login/")
    def login(username: str = fw.Form(), password: str = fw.Form()):
        return {}

    schema = spec(fw, app)
    assert "Body_op-login" in schema["components"]["schemas"]


@pytest.mark.parametrize("swagger_param", [{"syntaxHighlight": False}])
def test_swagger_ui_parameters(fw, swagger_param):
    app = fw.FastAPI(swagger_ui_parameters=swagger_param)
    with fw.client(app) as client:
        docs = client.get("/docs").text
    assert '"syntaxHighlight": false' in docs


def test_webhooks(fw):
    app = fw.FastAPI()

    @app.webhooks.post("new-subscription")
    def new_subscription(body: dict[str, str]):
        """When a new user subscribes, we send this request."""

    @app.get("/")
    def index():
        return {}

    schema = spec(fw, app)
    assert list(schema["webhooks"]) == ["new-subscription"]
    hook = schema["webhooks"]["new-subscription"]["post"]
    assert hook["summary"] == "New Subscription"
    assert hook["description"] == "When a new user subscribes, we send this request."
    assert hook["operationId"] == "new_subscriptionnew_subscription_post"
    assert hook["requestBody"]["required"] is True


def test_responses_with_media_types(fw):
    app = fw.FastAPI()

    @app.get(
        "/img/{item_id}",
        responses={
            200: {"content": {"image/png": {}}, "description": "Return the JSON item or an image."}
        },
    )
    def read(item_id: str):
        return {"id": item_id}

    op = spec(fw, app)["paths"]["/img/{item_id}"]["get"]
    assert op["responses"]["200"] == {
        "description": "Return the JSON item or an image.",
        "content": {"application/json": {"schema": {}}, "image/png": {}},
    }


def test_test_client_root_path(fw):
    app = fw.FastAPI()

    @app.get("/app")
    def read(request: fw.Request):
        return {
            "root_path": request.scope.get("root_path"),
            "path": request.scope["path"],
            "url": str(request.url),
        }

    with fw.client(app, root_path="/api/v1") as client:
        response = client.get("/app")
    assert response.json() == {
        "root_path": "/api/v1",
        "path": "/app",
        "url": "http://testserver/app",
    }


def test_servers_from_root_path_scope(fw):
    app = fw.FastAPI()
    app.get("/app")(lambda: {})  # noqa: PIE807 - an endpoint, not a factory
    with fw.client(app, root_path="/api/v1") as client:
        servers = client.get("/openapi.json").json()["servers"]
    assert servers == [{"url": "/api/v1"}]


def test_docs_default_favicon(fw):
    with fw.client(fw.FastAPI()) as client:
        docs = client.get("/docs").text
        redoc = client.get("/redoc").text
    favicon = '<link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">'
    assert favicon in docs
    assert favicon in redoc


def test_docs_pages_load_the_same_assets(fw):
    with fw.client(fw.FastAPI(title="T")) as client:
        docs = client.get("/docs").text
        redoc = client.get("/redoc").text
    assert "<title>T - Swagger UI</title>" in docs
    assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js" in docs
    assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css" in docs
    assert '"dom_id": "#swagger-ui"' in docs
    assert '"deepLinking": true' in docs
    assert "<title>T - ReDoc</title>" in redoc
    assert '<redoc spec-url="/openapi.json"></redoc>' in redoc
    assert "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js" in redoc


def test_custom_docs_ui_assets(fw):
    docs = fw.mod("openapi.docs")
    app = fw.FastAPI(docs_url=None, redoc_url=None)

    @app.get("/docs", include_in_schema=False)
    def custom_swagger_ui_html():
        return docs.get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=app.title + " - Swagger UI",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
            swagger_js_url="/static/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui.css",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc_html():
        return docs.get_redoc_html(
            openapi_url=app.openapi_url,
            title=app.title + " - ReDoc",
            redoc_js_url="/static/redoc.standalone.js",
        )

    with fw.client(app) as client:
        page = client.get("/docs")
        redoc = client.get("/redoc")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script src="/static/swagger-ui-bundle.js"></script>' in page.text
    assert 'href="/static/swagger-ui.css"' in page.text
    assert "/docs/oauth2-redirect" in page.text
    assert '/static/redoc.standalone.js"' in redoc.text


def build_callbacks(fw):
    """Advanced: OpenAPI Callbacks."""
    app = fw.FastAPI()
    callbacks = fw.APIRouter()

    @callbacks.post("{$callback_url}/invoices/{$request.body.id}")
    def invoice_notification(body: Event):
        pass

    @app.post("/invoices/", callbacks=callbacks.routes)
    def create_invoice(invoice: Invoice, callback_url: str | None = None):
        return {"msg": "Invoice received"}

    return app


@dataclasses.dataclass
class Invoice:
    id: str
    total: float


@dataclasses.dataclass
class Event:
    description: str


def test_callback_route_still_answers(fw):
    with fw.client(build_callbacks(fw)) as client:
        response = client.post("/invoices/?callback_url=http://x", json={"id": "1", "total": 2})
    assert response.json() == {"msg": "Invoice received"}


def test_openapi_callbacks(fw):
    schema = build_callbacks(fw).openapi()
    callbacks = schema["paths"]["/invoices/"]["post"]["callbacks"]
    operation = callbacks["invoice_notification"]["{$callback_url}/invoices/{$request.body.id}"][
        "post"
    ]
    assert operation["summary"] == "Invoice Notification"
    assert operation["operationId"] == (
        "invoice_notification__callback_url__invoices___request_body_id__post"
    )
    assert operation["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}},
    }
    assert "Event" in schema["components"]["schemas"]


def test_router_deprecated_and_hidden(fw):
    app = fw.FastAPI()
    old = fw.APIRouter(prefix="/old", deprecated=True, tags=["old"])
    old.get("/a")(lambda: 1)
    hidden = fw.APIRouter(prefix="/hidden")
    hidden.get("/h")(lambda: 2)
    app.include_router(old)
    app.include_router(hidden, include_in_schema=False)
    paths = app.openapi()["paths"]
    assert list(paths) == ["/old/a"]
    assert paths["/old/a"]["get"]["deprecated"] is True
    assert paths["/old/a"]["get"]["tags"] == ["old"]
    with fw.client(app) as client:
        assert client.get("/hidden/h").json() == 2


def test_response_headers_documented(fw):
    app = fw.FastAPI()

    @app.get(
        "/r",
        responses={
            200: {"headers": {"X-Rate": {"description": "rate", "schema": {"type": "integer"}}}}
        },
    )
    def r():
        return {}

    ok = app.openapi()["paths"]["/r"]["get"]["responses"]["200"]
    assert ok == {
        "description": "Successful Response",
        "content": {"application/json": {"schema": {}}},
        "headers": {"X-Rate": {"description": "rate", "schema": {"type": "integer"}}},
    }


# FastAPI warns about the duplicate operation id it generates for a multi-method route; the
# warning is part of the oracle's behaviour, not of the app under test.
@pytest.mark.filterwarnings("ignore:Duplicate Operation ID:UserWarning")
def test_multi_method_route_operation_ids(fw):
    app = fw.FastAPI()

    @app.api_route("/route", methods=["GET", "PUT"])
    def rt():
        return 1

    paths = app.openapi()["paths"]
    ids = {paths["/route"]["get"]["operationId"], paths["/route"]["put"]["operationId"]}
    assert len(ids) == 1
    assert ids <= {"rt_route_get", "rt_route_put"}


def test_add_api_route_directly(fw):
    app = fw.FastAPI(title="T", version="9")

    def endpoint(x: int = 1):
        return {"x": x, "title": app.title, "version": app.version}

    app.add_api_route("/added", endpoint, methods=["GET"], name="added", tags=["a"])
    router = fw.APIRouter()
    router.add_api_route("/radded", endpoint)
    app.include_router(router, prefix="/p")
    with fw.client(app) as client:
        assert client.get("/added?x=2").json() == {"x": 2, "title": "T", "version": "9"}
        assert client.get("/p/radded").json() == {"x": 1, "title": "T", "version": "9"}
    paths = app.openapi()["paths"]
    assert paths["/added"]["get"]["operationId"] == "added_added_get"  # from name=
    assert paths["/added"]["get"]["tags"] == ["a"]
    assert paths["/p/radded"]["get"]["operationId"] == "endpoint_p_radded_get"
    assert app.openapi_version == "3.1.0"
    assert app.url_path_for("added") == "/added"


def test_swagger_ui_init_oauth(fw):
    app = fw.FastAPI(
        swagger_ui_init_oauth={"clientId": "abc", "usePkceWithAuthorizationCodeGrant": True}
    )
    with fw.client(app) as client:
        docs = client.get("/docs").text
    assert 'ui.initOAuth({"clientId": "abc", "usePkceWithAuthorizationCodeGrant": true})' in docs
