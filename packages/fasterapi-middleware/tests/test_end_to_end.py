"""The whole stack driven over HTTP semantics by `fasterapi_testing.TestClient`."""

from __future__ import annotations

import asyncio

from fasterapi_middleware import (
    ASGIApp,
    BaseHTTPMiddleware,
    CORSMiddleware,
    GZipMiddleware,
    HTTPSRedirectMiddleware,
    Receive,
    Scope,
    Send,
    TrustedHostMiddleware,
)
from fasterapi_testing import TestClient

SITE = "https://app.example.com"
PAGE = b"<p>hello</p>" * 100
events: list[str] = []


async def bare(scope: Scope, receive: Receive, send: Send) -> None:
    """A bare ASGI app: lifespan, a page, and a server-sent event stream."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            events.append(message["type"])
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/events":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        for n in range(3):
            await send(
                {"type": "http.response.body", "body": b"data: %d\n\n" % n, "more_body": True}
            )
            await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-type", b"text/html"), (b"content-length", b"%d" % len(PAGE))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": PAGE})


def stack(app: ASGIApp = bare) -> ASGIApp:
    app = BaseHTTPMiddleware(app)
    app = GZipMiddleware(app)
    app = CORSMiddleware(
        app, allow_origins=[SITE], allow_methods=["GET", "POST"], allow_credentials=True
    )
    app = TrustedHostMiddleware(app, ["testserver", "*.example.com"])
    return HTTPSRedirectMiddleware(app)


def client() -> TestClient:
    return TestClient(stack(), base_url="https://testserver")


def test_lifespan_passes_through_every_middleware() -> None:
    events.clear()
    with client() as c:
        assert c.get("/").status_code == 200
    assert events == ["lifespan.startup", "lifespan.shutdown"]


def test_a_cross_origin_request_is_compressed_and_allowed() -> None:
    response = client().get("/", headers={"origin": SITE, "accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["access-control-allow-origin"] == SITE
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Accept-Encoding, Origin"
    assert response.content == PAGE  # httpx decodes gzip


def test_preflights() -> None:
    c = client()
    ok = c.options("/", headers={"origin": SITE, "access-control-request-method": "POST"})
    assert (ok.status_code, ok.text) == (200, "OK")
    bad = c.options(
        "/", headers={"origin": "https://evil.test", "access-control-request-method": "POST"}
    )
    assert (bad.status_code, bad.text) == (400, "Disallowed CORS origin")
    assert "access-control-allow-origin" not in bad.headers


def test_server_sent_events_stream_uncompressed() -> None:
    # text/event-stream is in GZipMiddleware's default exclude_content_types, as Starlette's.
    with client().stream("GET", "/events", headers={"accept-encoding": "gzip"}) as response:
        assert "content-encoding" not in response.headers
        assert response.headers["vary"] == "Origin"  # from CORS, not GZip
        assert b"".join(response.iter_bytes()) == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"


def test_bad_hosts_are_refused_and_the_app_keeps_answering() -> None:
    c = client()
    for host in (b"evil.com", b"testserver.evil.com", b"exa mple", "\u00e9.example.com".encode()):
        response = c.get("/", headers=[(b"host", host)])
        assert (response.status_code, response.text) == (400, "Invalid host header")
    assert c.get("/", headers={"host": "API.example.com:8443"}).status_code == 200


def test_plain_http_is_redirected_then_followed() -> None:
    c = TestClient(stack(), base_url="http://testserver", follow_redirects=False)
    response = c.get("/a?b=1")
    assert response.status_code == 307
    assert response.headers["location"] == "https://testserver/a?b=1"
    followed = TestClient(stack(), base_url="http://testserver").get("/a?b=1")
    assert followed.status_code == 200
    assert str(followed.url) == "https://testserver/a?b=1"
