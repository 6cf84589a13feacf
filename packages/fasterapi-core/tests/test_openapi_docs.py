"""The docs pages: Swagger UI, ReDoc and the OAuth2 redirect page."""

from __future__ import annotations

import json
import re

from fasterapi_core.openapi import (
    SWAGGER_UI_DEFAULT_PARAMETERS,
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fasterapi_core.responses import HTMLResponse


def page(response: HTMLResponse) -> str:
    assert isinstance(response, HTMLResponse)
    assert response.status_code == 200
    body = response.body
    assert isinstance(body, bytes)
    return body.decode()


def _js_string(quoted: str) -> str:
    """A single-quoted JavaScript string literal (as the page writes them), decoded."""
    inner = quoted[1:-1].replace("\\'", "'").replace('"', '\\"')
    decoded: str = json.loads(f'"{inner}"')
    return decoded


def config_of(html: str) -> dict[str, object]:
    """The object passed to SwaggerUIBundle(...): the url, the settings, the redirect URL."""
    match = re.search(r"SwaggerUIBundle\(\{\n(.*?)\n    presets:", html, re.DOTALL)
    assert match is not None
    config: dict[str, object] = {}
    for line in match.group(1).strip().splitlines():
        line = line.strip().removesuffix(",")
        if line.startswith("url: "):
            config["url"] = _js_string(line.removeprefix("url: "))
        elif line.startswith("oauth2RedirectUrl: window.location.origin + "):
            quoted = line.removeprefix("oauth2RedirectUrl: window.location.origin + ")
            config["oauth2RedirectUrl"] = _js_string(quoted)
        elif line:
            config.update(json.loads("{" + line + "}"))
    return config


def test_swagger_ui_defaults() -> None:
    html = page(get_swagger_ui_html(openapi_url="/openapi.json", title="My API - Swagger UI"))
    assert "<title>My API - Swagger UI</title>" in html
    assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js" in html
    assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css" in html
    config = config_of(html)
    assert config == {"url": "/openapi.json", **SWAGGER_UI_DEFAULT_PARAMETERS}
    assert "initOAuth" not in html


def test_swagger_ui_options_and_oauth() -> None:
    html = page(
        get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="T",
            swagger_js_url="/s/ui.js",
            swagger_css_url="/s/ui.css",
            swagger_favicon_url="/s/fav.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
            init_oauth={"clientId": "abc", "scopes": "read"},
            swagger_ui_parameters={"deepLinking": False, "syntaxHighlight": {"theme": "obsidian"}},
        )
    )
    assert 'src="/s/ui.js"' in html
    assert 'href="/s/ui.css"' in html
    assert 'href="/s/fav.png"' in html
    config = config_of(html)
    assert config["deepLinking"] is False
    assert config["syntaxHighlight"] == {"theme": "obsidian"}
    assert config["oauth2RedirectUrl"] == "/docs/oauth2-redirect"
    assert 'ui.initOAuth({"clientId": "abc", "scopes": "read"})' in html


def test_swagger_ui_escapes_injection() -> None:
    html = page(
        get_swagger_ui_html(
            openapi_url='/x"</script><script>alert(1)</script>',
            title="<script>alert(2)</script>",
            swagger_js_url='"><script>alert(3)</script>',
        )
    )
    assert "<script>alert" not in html
    assert "</script><script>" not in html
    assert "&lt;script&gt;alert(2)" in html
    assert config_of(html)["url"] == '/x"</script><script>alert(1)</script>'


def test_redoc() -> None:
    html = page(get_redoc_html(openapi_url="/openapi.json", title="My API - ReDoc"))
    assert '<redoc spec-url="/openapi.json"></redoc>' in html
    assert "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js" in html
    assert "fonts.googleapis.com" in html
    html = page(
        get_redoc_html(
            openapi_url='/o"><b>',
            title="<T>",
            redoc_js_url="/r.js",
            redoc_favicon_url="/f.png",
            with_google_fonts=False,
        )
    )
    assert "fonts.googleapis.com" not in html
    assert 'spec-url="/o&quot;&gt;&lt;b&gt;"' in html
    assert "<title>&lt;T&gt;</title>" in html
    assert 'src="/r.js"' in html
    assert 'href="/f.png"' in html


def test_oauth2_redirect_page() -> None:
    html = page(get_swagger_ui_oauth2_redirect_html())
    assert "swaggerUIRedirectOauth2" in html
    assert "window.close()" in html
