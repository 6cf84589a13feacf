"""The OpenAPI document and the interactive docs pages (Swagger UI, ReDoc).

Same names and keywords as FastAPI's `fastapi.openapi.utils.get_openapi` and
`fastapi.openapi.docs.get_swagger_ui_html` / `get_redoc_html` /
`get_swagger_ui_oauth2_redirect_html`, so custom docs setups keep working.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from fasterapi_core._openapi.builder import REF_PREFIX, get_openapi
from fasterapi_core._openapi.inputs import BodySpec, OperationSpec, ParamSpec

if TYPE_CHECKING:
    from fasterapi_core.responses import HTMLResponse

__all__ = (
    "BodySpec",
    "OperationSpec",
    "ParamSpec",
    "REF_PREFIX",
    "SWAGGER_UI_DEFAULT_PARAMETERS",
    "get_openapi",
    "get_redoc_html",
    "get_swagger_ui_html",
    "get_swagger_ui_oauth2_redirect_html",
)

SWAGGER_JS_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
SWAGGER_CSS_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"
REDOC_JS_URL = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"
# FastAPI's default page icon, so the pages are the same as FastAPI's.
FAVICON_URL = "https://fastapi.tiangolo.com/img/favicon.png"

SWAGGER_UI_DEFAULT_PARAMETERS: dict[str, Any] = {
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": True,
    "showExtensions": True,
    "showCommonExtensions": True,
}
"""Swagger UI options used unless `swagger_ui_parameters` overrides them (FastAPI's defaults)."""


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no "</script>" or "<!--" can appear."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _js_str(value: str) -> str:
    """`value` as a single-quoted JavaScript string that cannot end its <script>."""
    out = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    out = out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"'{out}'"


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _html_response(content: str) -> HTMLResponse:
    from fasterapi_core.responses import HTMLResponse

    return HTMLResponse(content)


def get_swagger_ui_html(
    *,
    openapi_url: str,
    title: str,
    swagger_js_url: str = SWAGGER_JS_URL,
    swagger_css_url: str = SWAGGER_CSS_URL,
    swagger_favicon_url: str = FAVICON_URL,
    oauth2_redirect_url: str | None = None,
    init_oauth: dict[str, Any] | None = None,
    swagger_ui_parameters: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The Swagger UI page for the document at `openapi_url`.

    Args:
        openapi_url: URL of the OpenAPI JSON the page loads (relative URLs work behind a proxy).
        title: The page title.
        swagger_js_url: The Swagger UI bundle script (default: jsDelivr, swagger-ui-dist 5).
        swagger_css_url: The Swagger UI stylesheet.
        swagger_favicon_url: The page icon (default: none).
        oauth2_redirect_url: URL of the OAuth2 redirect page, for "Authorize" flows.
        init_oauth: Options passed to `ui.initOAuth(...)` (client id, scopes, ...).
        swagger_ui_parameters: Options merged over `SWAGGER_UI_DEFAULT_PARAMETERS`.

    Returns:
        An `HTMLResponse` with the page.
    """
    # The page is laid out line for line as FastAPI's, so the two serve the same bytes; values
    # are escaped where they would break out of their attribute or script (FastAPI's are not).
    options = {**SWAGGER_UI_DEFAULT_PARAMETERS, **(swagger_ui_parameters or {})}
    settings = "".join(f"{_script_json(k)}: {_script_json(v)},\n" for k, v in options.items())
    redirect = (
        f"oauth2RedirectUrl: window.location.origin + {_js_str(oauth2_redirect_url)},\n"
        if oauth2_redirect_url
        else "\n"
    )
    oauth = f"\n        ui.initOAuth({_script_json(init_oauth)})\n        " if init_oauth else ""
    page = (
        "\n    <!DOCTYPE html>\n    <html>\n    <head>\n"
        '    <meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'    <link type="text/css" rel="stylesheet" href="{_attr(swagger_css_url)}">\n'
        f'    <link rel="shortcut icon" href="{_attr(swagger_favicon_url)}">\n'
        f"    <title>{html.escape(title, quote=False)}</title>\n    </head>\n    <body>\n"
        '    <div id="swagger-ui">\n    </div>\n'
        f'    <script src="{_attr(swagger_js_url)}"></script>\n'
        "    <!-- `SwaggerUIBundle` is now available on the page -->\n    <script>\n"
        "    const ui = SwaggerUIBundle({\n"
        f"        url: {_js_str(openapi_url)},\n    {settings}{redirect}"
        "    presets: [\n        SwaggerUIBundle.presets.apis,\n"
        "        SwaggerUIBundle.SwaggerUIStandalonePreset\n        ],\n    })"
        f"{oauth}\n    </script>\n    </body>\n    </html>\n    "
    )
    return _html_response(page)


def get_redoc_html(
    *,
    openapi_url: str,
    title: str,
    redoc_js_url: str = REDOC_JS_URL,
    redoc_favicon_url: str = FAVICON_URL,
    with_google_fonts: bool = True,
) -> HTMLResponse:
    """The ReDoc page for the document at `openapi_url`.

    Args:
        openapi_url: URL of the OpenAPI JSON the page loads.
        title: The page title.
        redoc_js_url: The ReDoc standalone script (default: jsDelivr, redoc 2).
        redoc_favicon_url: The page icon (default: none).
        with_google_fonts: Load the Montserrat and Roboto fonts ReDoc is designed with.

    Returns:
        An `HTMLResponse` with the page.
    """
    fonts = (
        '\n    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|'
        'Roboto:300,400,700" rel="stylesheet">\n    '
        if with_google_fonts
        else ""
    )
    # Line for line as FastAPI's page (same bytes for the same arguments), values escaped.
    page = (
        "\n    <!DOCTYPE html>\n    <html>\n    <head>\n"
        f"    <title>{html.escape(title, quote=False)}</title>\n"
        "    <!-- needed for adaptive design -->\n"
        '    <meta charset="utf-8"/>\n'
        '    <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"    {fonts}\n"
        f'    <link rel="shortcut icon" href="{_attr(redoc_favicon_url)}">\n'
        "    <!--\n    ReDoc doesn't change outer page styles\n    -->\n"
        "    <style>\n      body {\n        margin: 0;\n        padding: 0;\n      }\n"
        "    </style>\n    </head>\n    <body>\n    <noscript>\n"
        "        ReDoc requires Javascript to function. Please enable it to browse the "
        "documentation.\n    </noscript>\n"
        f'    <redoc spec-url="{_attr(openapi_url)}"></redoc>\n'
        f'    <script src="{_attr(redoc_js_url)}"> </script>\n'
        "    </body>\n    </html>\n    "
    )
    return _html_response(page)


_OAUTH2_REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Swagger UI: OAuth2 redirect</title></head>
<body>
<script>
"use strict";
(function () {
  const opener = window.opener;
  const oauth2 = opener && opener.swaggerUIRedirectOauth2;
  if (!oauth2) { window.close(); return; }
  const sentState = oauth2.state;
  const redirectUrl = oauth2.redirectUrl;
  const isCodeFlow = oauth2.auth.schema.get("flow") === "accessCode" ||
    oauth2.auth.schema.get("flow") === "authorizationCode";
  const raw = (isCodeFlow && !/^#/.test(window.location.hash))
    ? window.location.search.substring(1)
    : window.location.hash.substring(1);
  const params = {};
  new URLSearchParams(raw).forEach(function (value, key) { params[key] = value; });
  const stateOk = params.state === sentState;
  if (isCodeFlow && !oauth2.auth.code) {
    if (!stateOk) {
      oauth2.errCb({authId: oauth2.auth.name, source: "auth", level: "warning",
        message: "Authorization may be unsafe: the state sent differs from the state received."});
    }
    if (params.code) {
      delete oauth2.state;
      oauth2.auth.code = params.code;
      oauth2.callback({auth: oauth2.auth, redirectUrl: redirectUrl});
    } else {
      let message = "[Authorization failed]: no access code received from the server.";
      if (params.error) {
        message = "[" + params.error + "]: " + (params.error_description || "no description") +
          (params.error_uri ? " More info: " + params.error_uri : "");
      }
      oauth2.errCb({authId: oauth2.auth.name, source: "auth", level: "error", message: message});
    }
  } else {
    oauth2.callback({auth: oauth2.auth, token: params, isValid: stateOk, redirectUrl: redirectUrl});
  }
  window.close();
})();
</script>
</body>
</html>
"""


def get_swagger_ui_oauth2_redirect_html() -> HTMLResponse:
    """The page Swagger UI's OAuth2 flows return to; it hands the result back to the opener.

    Returns:
        An `HTMLResponse` with the page (serve it at the app's `swagger_ui_oauth2_redirect_url`).
    """
    return _html_response(_OAUTH2_REDIRECT_PAGE)
