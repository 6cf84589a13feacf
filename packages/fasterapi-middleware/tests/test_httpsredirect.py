from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgi_driver import acall, call, make_scope, text_app

from fasterapi_middleware import HTTPSRedirectMiddleware, Receive, Scope, Send

REDIRECT = HTTPSRedirectMiddleware(text_app())


@pytest.mark.parametrize("scheme", ["https", "HTTPS-not-a-scheme-we-know"])
def test_secure_or_unknown_schemes_reach_the_app(scheme: str) -> None:
    result = call(REDIRECT, scheme=scheme)
    assert (result.status, result.body) == (200, b"hello")


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_http_is_redirected_with_307_for_every_method(method: str) -> None:
    result = call(REDIRECT, method, "/a/b", scheme="http", query_string=b"q=1&r=%2F")
    assert result.status == 307
    assert result.header("location") == "https://example.com/a/b?q=1&r=%2F"
    assert result.header("content-length") == "0"
    assert result.body == b""


def test_a_missing_scheme_means_http() -> None:
    assert call(REDIRECT).status == 307


@pytest.mark.parametrize(
    ("host", "location"),
    [
        ("example.com:80", "https://example.com/"),
        ("example.com:443", "https://example.com/"),
        ("Example.COM:8080", "https://example.com:8080/"),
        ("[::1]:8000", "https://[::1]:8000/"),
        ("[::1]:80", "https://[::1]/"),
        ("10.0.0.1", "https://10.0.0.1/"),
    ],
)
def test_default_ports_are_dropped_and_others_kept(host: str, location: str) -> None:
    assert call(REDIRECT, headers=[("host", host)]).header("location") == location


@pytest.mark.parametrize("host", ["evil.com/x", "exa mple.com", "", b"\xff", "example.com:port"])
def test_a_malformed_host_gets_400(host: str | bytes) -> None:
    result = call(REDIRECT, headers=[("host", host)])
    assert (result.status, result.text) == (400, "Invalid host header")
    assert call(REDIRECT).status == 307


@pytest.mark.parametrize(
    ("server", "location"),
    [
        (("testserver", 80), "https://testserver/"),
        (("10.1.2.3", 8080), "https://10.1.2.3:8080/"),
        (("::1", 8000), "https://[::1]:8000/"),
    ],
)
def test_without_a_host_header_the_server_address_is_used(
    server: tuple[str, int], location: str
) -> None:
    result = call(REDIRECT, headers=[], server=server)
    assert result.header("location") == location


@pytest.mark.parametrize("server", [None, ("/run/app.sock", None)])
def test_without_any_host_the_answer_is_400(server: Any) -> None:
    assert call(REDIRECT, headers=[], server=server).status == 400


def test_the_decoded_path_is_encoded_when_there_is_no_raw_path() -> None:
    result = call(REDIRECT, path="/caf\u00e9 menu/100%", raw_path=None)
    assert result.header("location") == "https://example.com/caf%C3%A9%20menu/100%25"


def test_a_path_with_lone_surrogates_is_encoded_back_to_its_bytes() -> None:
    result = call(REDIRECT, path="/a\udcff b", raw_path=None)
    assert result.header("location") == "https://example.com/a%FF%20b"


def test_the_raw_path_is_kept_as_sent() -> None:
    result = call(REDIRECT, path="/a b", raw_path=b"/a%20b")
    assert result.header("location") == "https://example.com/a%20b"


def test_a_websocket_handshake_is_redirected_with_the_extension() -> None:
    scope = make_scope(
        path="/ws", type="websocket", scheme="ws", extensions={"websocket.http.response": {}}
    )
    result = asyncio.run(acall(REDIRECT, scope))
    assert result.start["type"] == "websocket.http.response.start"
    assert result.status == 307
    assert result.header("location") == "wss://example.com/ws"


def test_a_websocket_handshake_is_closed_without_the_extension() -> None:
    result = asyncio.run(acall(REDIRECT, make_scope(type="websocket")))
    assert result.messages == [{"type": "websocket.close", "code": 1008}]


@pytest.mark.parametrize(("scope_type", "scheme"), [("websocket", "wss"), ("lifespan", None)])
def test_secure_websockets_and_lifespan_reach_the_app(scope_type: str, scheme: str | None) -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    scope = make_scope(type=scope_type, scheme=scheme) if scheme else {"type": scope_type}
    asyncio.run(acall(HTTPSRedirectMiddleware(app), scope))
    assert seen == [scope_type]


def test_instances_use_slots() -> None:
    assert not hasattr(REDIRECT, "__dict__")


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize(
    "host", [None, "example.com", "example.com:80", "example.com:8080", "example.com:443"]
)
@pytest.mark.parametrize(("path", "query"), [("/", b""), ("/a/b", b"x=1&y=%2F")])
def test_same_answer_as_starlette(scheme: str, host: str | None, path: str, query: bytes) -> None:
    from starlette.middleware.httpsredirect import HTTPSRedirectMiddleware as StarletteHTTPS

    headers = [("host", host)] if host is not None else []
    options: dict[str, Any] = {"headers": headers, "scheme": scheme, "query_string": query}
    ours = call(HTTPSRedirectMiddleware(text_app()), "POST", path, **options)
    theirs = call(StarletteHTTPS(text_app()), "POST", path, **options)
    assert (ours.status, sorted(ours.headers), ours.body) == (
        theirs.status,
        sorted(theirs.headers),
        theirs.body,
    )
