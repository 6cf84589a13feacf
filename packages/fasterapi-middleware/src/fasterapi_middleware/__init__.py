"""Pure-ASGI middleware that wraps any ASGI 3 application.

`BaseHTTPMiddleware` for hand-written middleware, plus `CORSMiddleware`,
`GZipMiddleware`, `TrustedHostMiddleware` and `HTTPSRedirectMiddleware` with
FastAPI's and Starlette's keywords. `fasterapi_middleware.wsgi.WSGIMiddleware` serves
a WSGI application (imported from its module, as FastAPI's `fastapi.middleware.wsgi`).
No runtime dependencies.
"""

from fasterapi_middleware.__about__ import __version__ as __version__
from fasterapi_middleware.base import BaseHTTPMiddleware as BaseHTTPMiddleware
from fasterapi_middleware.cors import CORSMiddleware as CORSMiddleware
from fasterapi_middleware.gzip import GZipMiddleware as GZipMiddleware
from fasterapi_middleware.httpsredirect import HTTPSRedirectMiddleware as HTTPSRedirectMiddleware
from fasterapi_middleware.trustedhost import TrustedHostMiddleware as TrustedHostMiddleware
from fasterapi_middleware.types import ASGIApp as ASGIApp
from fasterapi_middleware.types import Message as Message
from fasterapi_middleware.types import Receive as Receive
from fasterapi_middleware.types import Scope as Scope
from fasterapi_middleware.types import Send as Send

__all__ = (
    "ASGIApp",
    "BaseHTTPMiddleware",
    "CORSMiddleware",
    "GZipMiddleware",
    "HTTPSRedirectMiddleware",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "TrustedHostMiddleware",
)
