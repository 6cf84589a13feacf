"""Our middleware on a real Starlette application, installed through Starlette's own API."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

from asgi_driver import call
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from fasterapi_middleware import (
    BaseHTTPMiddleware,
    CORSMiddleware,
    GZipMiddleware,
    HTTPSRedirectMiddleware,
    Message,
    Receive,
    Scope,
    Send,
    TrustedHostMiddleware,
)

SITE = "https://example.com"
TEXT = "starlette " * 200


class Stamp(BaseHTTPMiddleware):
    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-stamp", b"1")]
            await send(message)

        await self.app(scope, receive, stamped)


async def home(request: Request) -> Response:
    return PlainTextResponse(TEXT)


async def numbers(request: Request) -> Response:
    async def chunks() -> AsyncIterator[str]:
        for n in range(3):
            yield f"{n}\n" * 300

    return StreamingResponse(chunks(), media_type="text/plain")


def make_app(*, https: bool = False) -> Starlette:
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=["example.com", "*.example.com"]),
        Middleware(CORSMiddleware, allow_origins=[SITE], expose_headers=["x-stamp"]),
        Middleware(GZipMiddleware, minimum_size=100),
        Middleware(Stamp),
    ]
    if https:
        middleware.insert(0, Middleware(HTTPSRedirectMiddleware))
    return Starlette(routes=[Route("/", home), Route("/numbers", numbers)], middleware=middleware)


HEADERS = [("host", "api.example.com"), ("origin", SITE), ("accept-encoding", "gzip")]


def test_a_starlette_app_behind_our_stack() -> None:
    result = call(make_app(), headers=HEADERS)
    assert result.status == 200
    assert result.header("x-stamp") == "1"
    assert result.header("access-control-allow-origin") == SITE
    assert result.header("access-control-expose-headers") == "x-stamp"
    assert result.header("content-encoding") == "gzip"
    assert result.header("vary") == "Accept-Encoding, Origin"
    assert gzip.decompress(result.body).decode() == TEXT


def test_a_starlette_streaming_response_is_compressed_incrementally() -> None:
    result = call(make_app(), path="/numbers", headers=HEADERS)
    assert result.header("content-encoding") == "gzip"
    assert result.header("content-length") is None
    assert gzip.decompress(result.body).decode() == "".join(f"{n}\n" * 300 for n in range(3))


def test_starlette_routing_still_answers_404_and_bad_hosts_get_400() -> None:
    assert call(make_app(), path="/missing", headers=HEADERS).status == 404
    assert call(make_app(), headers=[("host", "evil.com")]).status == 400


def test_https_redirect_before_a_starlette_app() -> None:
    result = call(make_app(https=True), path="/numbers", headers=HEADERS, scheme="http")
    assert result.status == 307
    assert result.header("location") == "https://api.example.com/numbers"
    assert call(make_app(https=True), headers=HEADERS, scheme="https").status == 200
