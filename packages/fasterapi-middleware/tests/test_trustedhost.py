from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgi_driver import Result, acall, call, make_scope, text_app

from fasterapi_middleware import Receive, Scope, Send, TrustedHostMiddleware

HOSTS = ["example.com", "*.example.org", "127.0.0.1", "[::1]"]


def trusted(hosts: Any = HOSTS, **options: Any) -> TrustedHostMiddleware:
    return TrustedHostMiddleware(text_app(), hosts, **options)


def with_host(middleware: TrustedHostMiddleware, host: str | bytes | None, **kwargs: Any) -> Result:
    headers: list[tuple[str, str | bytes]] = [] if host is None else [("host", host)]
    return call(middleware, headers=headers, **kwargs)


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "EXAMPLE.COM",
        "Example.Com:8000",
        "example.com:443",
        "api.example.org",
        "a.b.example.org",
        "API.Example.ORG:1",
        "127.0.0.1",
        "127.0.0.1:8000",
        "[::1]",
        "[::1]:8000",
    ],
)
def test_allowed_hosts_reach_the_app(host: str) -> None:
    result = with_host(trusted(), host)
    assert (result.status, result.body) == (200, b"hello")


@pytest.mark.parametrize(
    "host",
    [
        "evil.com",
        "example.org",
        "evilexample.org",
        "example.com.evil.com",
        ".example.org",
        "example.com:",
        "example.com:abc",
        "example.com:123456",
        "example.com:80:80",
        "example.com/path",
        "user@example.com",
        "[::1",
        "[::2]:8000",
        "::1",
        "",
        "   ",
        b"ex\xe4mple.com",
        b"\xff\xfe",
        "exa mple.com",
    ],
)
def test_other_hosts_get_400_and_the_app_keeps_answering(host: str | bytes) -> None:
    middleware = trusted()
    result = with_host(middleware, host)
    assert (result.status, result.text) == (400, "Invalid host header")
    assert result.header("content-type") == "text/plain; charset=utf-8"
    assert result.header("content-length") == "19"
    assert with_host(middleware, "example.com").status == 200


def test_remembered_hosts_stay_bounded() -> None:
    middleware = trusted()
    for n in range(300):
        assert with_host(middleware, f"n{n}.example.org").status == 200
    assert with_host(middleware, "n299.example.org").status == 200
    assert len(middleware._trusted) <= 256
    assert with_host(middleware, "evil.com").status == 400


def test_a_missing_host_gets_400() -> None:
    result = call(trusted(), headers=[("accept", "*/*")])
    assert (result.status, result.text) == (400, "Invalid host header")  # as Starlette


def test_the_default_allows_any_host() -> None:
    assert with_host(TrustedHostMiddleware(text_app()), "whatever").status == 200
    assert with_host(TrustedHostMiddleware(text_app(), None), None).status == 200
    assert with_host(trusted(["example.com", "*"]), "other").status == 200


@pytest.mark.parametrize(
    "pattern", ["*example.com", "api.*.example.com", "example.*", "**.example.com", "*" + "*"]
)
def test_bad_wildcards_are_refused_at_construction(pattern: str) -> None:
    with pytest.raises(ValueError, match="only allowed alone or as a leading"):
        trusted([pattern])


@pytest.mark.parametrize(
    "pattern", ["example.com:8000", "*.example.com:1", "exa mple.com", "", "/path"]
)
def test_patterns_that_are_not_host_names_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="expected a host name without a port"):
        trusted([pattern])


def test_non_ascii_patterns_are_refused() -> None:
    with pytest.raises(ValueError, match="punycode"):
        trusted(["bücher.example"])


def test_a_single_string_is_refused() -> None:
    with pytest.raises(TypeError, match="not one string"):
        trusted("example.com")


def test_patterns_are_case_insensitive() -> None:
    assert with_host(trusted(["API.Example.COM", "*.Example.NET"]), "api.example.com").status == 200
    assert with_host(trusted(["*.Example.NET"]), "x.example.net").status == 200


@pytest.mark.parametrize(
    ("host", "path", "query", "location"),
    [
        ("example.com", "/", b"", "https://www.example.com/"),
        ("Example.com:8443", "/a/b", b"x=1&y=%20", "https://www.Example.com:8443/a/b?x=1&y=%20"),
    ],
)
def test_bare_domain_redirects_to_www(host: str, path: str, query: bytes, location: str) -> None:
    middleware = trusted(["www.example.com"])
    result = with_host(middleware, host, path=path, query_string=query, scheme="https")
    assert result.status == 307  # as Starlette's RedirectResponse: the method is kept
    assert result.header("location") == location
    assert result.body == b""


def test_the_www_redirect_uses_the_request_scheme() -> None:
    result = with_host(trusted(["www.example.com"]), "example.com")
    assert result.header("location") == "http://www.example.com/"


def test_the_www_redirect_can_be_turned_off() -> None:
    result = with_host(trusted(["www.example.com"], www_redirect=False), "example.com")
    assert result.status == 400


def test_www_is_not_stripped_the_other_way() -> None:
    assert with_host(trusted(["example.com"]), "www.example.com").status == 400


def test_lifespan_passes_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    asyncio.run(acall(TrustedHostMiddleware(app, ["example.com"]), {"type": "lifespan"}))
    assert seen == ["lifespan"]


def test_websocket_with_a_trusted_host_reaches_the_app() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    scope = make_scope(type="websocket", headers=[("host", "example.com")])
    asyncio.run(acall(TrustedHostMiddleware(app, ["example.com"]), scope))
    assert seen == ["websocket"]


def test_websocket_with_a_bad_host_is_denied_with_the_extension() -> None:
    scope = make_scope(
        type="websocket", headers=[("host", "evil.com")], extensions={"websocket.http.response": {}}
    )
    result = asyncio.run(acall(trusted(), scope))
    assert [m["type"] for m in result.messages] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
    ]
    assert result.status == 400
    assert result.body == b"Invalid host header"


@pytest.mark.parametrize("extensions", [None, {}, {"websocket.http.response": {}}])
def test_websocket_redirect_or_close(extensions: dict[str, Any] | None) -> None:
    scope = make_scope(type="websocket", headers=[("host", "example.com")], extensions=extensions)
    result = asyncio.run(acall(trusted(["www.example.com"]), scope))
    if extensions:
        assert result.status == 307
        assert result.header("location") == "ws://www.example.com/"
    else:
        assert result.messages == [{"type": "websocket.close", "code": 1008}]


def test_instances_use_slots() -> None:
    assert not hasattr(trusted(), "__dict__")


@pytest.mark.parametrize("www_redirect", [True, False])
@pytest.mark.parametrize(
    "allowed_hosts", [["example.com", "*.example.com"], ["www.example.com"], ["127.0.0.1"]]
)
@pytest.mark.parametrize(
    "host",
    [None, "example.com", "example.com:8000", "api.example.com", "evil.com", "127.0.0.1:80"],
)
def test_same_answer_as_starlette(
    allowed_hosts: list[str], www_redirect: bool, host: str | None
) -> None:
    from starlette.middleware.trustedhost import TrustedHostMiddleware as StarletteTrustedHost

    headers = [("host", host)] if host is not None else []
    ours = call(
        TrustedHostMiddleware(text_app(), allowed_hosts, www_redirect),
        headers=headers,
        path="/a/b",
        query_string=b"x=1",
    )
    theirs = call(
        StarletteTrustedHost(text_app(), allowed_hosts, www_redirect),
        headers=headers,
        path="/a/b",
        query_string=b"x=1",
    )
    assert (ours.status, sorted(ours.headers), ours.body) == (
        theirs.status,
        sorted(theirs.headers),
        theirs.body,
    )
