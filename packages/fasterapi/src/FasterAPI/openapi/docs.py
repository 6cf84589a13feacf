"""FastAPI's `fastapi.openapi.docs` path: the Swagger UI, ReDoc and OAuth2-redirect pages."""

from __future__ import annotations

from fasterapi_core import get_redoc_html as get_redoc_html
from fasterapi_core import get_swagger_ui_html as get_swagger_ui_html

# Core's public `openapi` module has this page builder but its top-level __all__ does
# not list it yet; import it from that (non-private) module until it does.
from fasterapi_core.openapi import (
    get_swagger_ui_oauth2_redirect_html as get_swagger_ui_oauth2_redirect_html,
)

__all__ = ("get_redoc_html", "get_swagger_ui_html", "get_swagger_ui_oauth2_redirect_html")
