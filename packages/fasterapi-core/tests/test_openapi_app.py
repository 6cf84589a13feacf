"""OpenAPI through the app: the document, its validity, the docs pages, customisation."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate

from fasterapi_core import Faster
from fasterapi_core.openapi import get_openapi
from fasterapi_testing import TestClient


def _load_make_app() -> Callable[[], Faster]:
    # Test folders are not packages (and pytest runs with --import-mode=importlib): load by
    # path, once per session (msgspec resolves the Structs' annotations through sys.modules).
    module = sys.modules.get("_b_sample_app")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "_b_sample_app", Path(__file__).with_name("_b_sample_app.py")
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    make: Callable[[], Faster] = module.make_app
    return make


make_app = _load_make_app()


def test_sample_app_document_is_valid_openapi_31() -> None:
    app = make_app()
    doc = TestClient(app).get("/openapi.json").json()
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {
        "title": "Shop",
        "summary": "A sample shop",
        "description": "Sample app for the OpenAPI tests.",
        "version": "2.0.0",
    }
    assert doc["tags"] == [{"name": "items", "description": "Items for sale"}]
    assert "/internal" not in doc["paths"]
    assert doc["paths"]["/legacy"]["get"]["deprecated"] is True
    read = doc["paths"]["/items/{item_id}"]["get"]
    assert read["operationId"] == "read_item_items__item_id__get"
    assert read["description"] == "Fetch one item."
    assert read["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Message"
    }
    assert set(doc["paths"]["/items/{item_id}"]) == {"get", "put", "post", "delete"} - {"post"}
    assert doc["paths"]["/items/{item_id}"]["delete"]["responses"]["204"] == {
        "description": "Successful Response"
    }
    assert doc["components"]["schemas"]["Item"]["description"] == "Something for sale."
    assert app.openapi() is app.openapi()  # cached by the app


def test_docs_pages() -> None:
    client = TestClient(make_app())
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "url: '/openapi.json'," in docs.text
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'," in docs.text
    assert "<title>Shop - Swagger UI</title>" in docs.text
    redoc = client.get("/redoc")
    assert redoc.status_code == 200
    assert 'spec-url="/openapi.json"' in redoc.text
    assert "swaggerUIRedirectOauth2" in client.get("/docs/oauth2-redirect").text


def test_docs_behind_root_path_and_disabled() -> None:
    app = Faster(swagger_ui_parameters={"deepLinking": False})
    client = TestClient(app, root_path="/api")  # as a proxy-aware server would set it
    text = client.get("/docs").text
    assert "url: '/api/openapi.json'," in text
    assert "oauth2RedirectUrl: window.location.origin + '/api/docs/oauth2-redirect'," in text
    assert 'spec-url="/api/openapi.json"' in client.get("/redoc").text
    assert client.get("/openapi.json").json()["servers"] == [{"url": "/api"}]
    assert '"deepLinking": false' in text
    off = TestClient(Faster(openapi_url=None))
    assert off.get("/openapi.json").status_code == 404
    assert off.get("/docs").status_code == 404
    no_docs = TestClient(Faster(docs_url=None, redoc_url=None))
    assert no_docs.get("/docs").status_code == 404
    assert no_docs.get("/openapi.json").status_code == 200


def test_custom_openapi_like_fastapi() -> None:
    app = make_app()

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title="Custom", version="9", routes=app.routes)
            schema["info"]["x-logo"] = {"url": "https://example.com/logo.png"}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
    doc = TestClient(app).get("/openapi.json").json()
    assert doc["info"]["title"] == "Custom"
    assert doc["info"]["x-logo"] == {"url": "https://example.com/logo.png"}
    assert "/items" in doc["paths"]
    validate(doc)


def _webhook_doc(name: str) -> dict[str, Any]:
    app = Faster()

    @app.webhooks.post(name)
    async def new_subscription(plan: str, seats: int = 1) -> None:
        """A customer subscribed."""

    doc: dict[str, Any] = TestClient(app).get("/openapi.json").json()
    validate(doc)
    assert doc["paths"] == {}
    return doc


def test_webhooks() -> None:
    hook = _webhook_doc("/new-subscription")["webhooks"]["/new-subscription"]["post"]
    assert hook["summary"] == "New Subscription"
    assert hook["description"] == "A customer subscribed."
    assert hook["operationId"] == "new_subscription_new_subscription_post"
    assert [p["name"] for p in hook["parameters"]] == ["plan", "seats"]


def test_webhook_names_without_slash_like_fastapi_docs() -> None:
    hook = _webhook_doc("new-subscription")["webhooks"]["new-subscription"]["post"]
    assert hook["operationId"] == "new_subscriptionnew_subscription_post"
