from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from asgi_driver import Result, acall, call, make_scope, text_app

from fasterapi_middleware import CORSMiddleware, Receive, Scope, Send

SITE = "https://example.com"


def cors(app: Any = None, **options: Any) -> CORSMiddleware:
    return CORSMiddleware(app or text_app(), **options)


def get(middleware: CORSMiddleware, origin: str | bytes | None, **kwargs: Any) -> Result:
    headers: list[tuple[str | bytes, str | bytes]] = [("host", "api.example.com")]
    if origin is not None:
        headers.append(("origin", origin))
    headers += kwargs.pop("headers", [])
    return call(middleware, kwargs.pop("method", "GET"), headers=headers, **kwargs)


def preflight(
    middleware: CORSMiddleware,
    origin: str | bytes = SITE,
    method: str | bytes = "GET",
    headers: str | bytes | None = None,
) -> Result:
    extra: list[tuple[str | bytes, str | bytes]] = [("access-control-request-method", method)]
    if headers is not None:
        extra.append(("access-control-request-headers", headers))
    return get(middleware, origin, method="OPTIONS", headers=extra)


def never_called() -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:  # pragma: no cover
        raise AssertionError("a preflight must not reach the app")

    return app


# --- construction -------------------------------------------------------------------


def test_credentials_with_the_wildcard_origin_is_refused() -> None:
    with pytest.raises(ValueError, match="allow_credentials=True cannot be combined"):
        cors(allow_origins=["*"], allow_credentials=True)


@pytest.mark.parametrize(
    "options",
    [
        {"allow_origins": SITE},
        {"allow_methods": "GET"},
        {"allow_headers": "x-token"},
        {"expose_headers": "x-total"},
    ],
)
def test_a_single_string_instead_of_a_list_is_refused(options: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="not one string"):
        cors(**options)


def test_defaults_match_starlette() -> None:
    middleware = cors()
    assert preflight(middleware).status == 400  # no origin allowed by default
    result = get(middleware, SITE)
    assert result.header("access-control-allow-origin") is None
    assert result.header("vary") == "origin"


# --- requests that are not CORS -------------------------------------------------------


def test_websocket_scopes_pass_straight_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    scope = make_scope(headers=[("origin", "https://evil.test")], type="websocket")
    asyncio.run(acall(cors(app, allow_origins=[SITE]), scope))
    assert seen == ["websocket"]


def test_no_origin_with_the_wildcard_is_untouched() -> None:
    result = get(cors(allow_origins=["*"]), None)
    assert result.header_names() == ["content-type", "content-length"]


def test_no_origin_with_listed_origins_still_varies_on_origin() -> None:
    result = get(cors(allow_origins=[SITE]), None)
    assert result.header("vary") == "origin"
    assert result.header("access-control-allow-origin") is None
    assert result.body == b"hello"


# --- simple requests ------------------------------------------------------------------


def test_wildcard_origin_answers_star_without_vary() -> None:
    result = get(cors(allow_origins=["*"], expose_headers=["X-Total", "X-Page"]), SITE)
    assert result.header("access-control-allow-origin") == "*"
    assert result.header("access-control-expose-headers") == "X-Total, X-Page"
    assert result.header("access-control-allow-credentials") is None
    assert result.header("vary") is None


def test_listed_origin_is_reflected_with_credentials() -> None:
    middleware = cors(allow_origins=[SITE], allow_credentials=True, expose_headers=["x-total"])
    result = get(middleware, SITE)
    assert result.header("access-control-allow-origin") == SITE
    assert result.header("access-control-allow-credentials") == "true"
    assert result.header("access-control-expose-headers") == "x-total"
    assert result.header("vary") == "origin"
    assert result.body == b"hello"


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.com",
        "https://example.com.evil.com",
        "https://evil.com/https://example.com",
        "http://example.com",
        "https://example.com:8443",
        "HTTPS://EXAMPLE.COM",
        "https://example.com/",
        " https://example.com",
        "null",
        "",
        b"\xff\xfe\x00garbage",
        "*",
    ],
)
def test_a_disallowed_origin_is_never_reflected(origin: str | bytes) -> None:
    middleware = cors(
        allow_origins=[SITE],
        allow_credentials=True,
        allow_origin_regex=r"https://\w+\.example\.org",
    )
    result = get(middleware, origin)
    assert result.status == 200
    assert result.body == b"hello"  # the app still answers; the browser enforces CORS
    assert result.header("access-control-allow-origin") is None
    assert result.header("access-control-allow-credentials") is None
    assert result.header("vary") == "origin"
    assert get(middleware, SITE).header("access-control-allow-origin") == SITE


def test_null_origin_is_allowed_only_when_listed() -> None:
    assert get(cors(allow_origins=["null"]), "null").header("access-control-allow-origin") == "null"


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://api.example.org", True),
        ("https://api.example.org.evil.com", False),
        ("https://evil.com/https://api.example.org", False),
        ("http://api.example.org", False),
    ],
)
def test_origin_regex_must_match_the_whole_origin(origin: str, allowed: bool) -> None:
    for regex in (r"https://\w+\.example\.org", re.compile(r"https://\w+\.example\.org")):
        result = get(cors(allow_origin_regex=regex), origin)
        expected = origin if allowed else None
        assert result.header("access-control-allow-origin") == expected


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        (b"Accept-Encoding", "Accept-Encoding, origin"),
        (b"Origin", "Origin"),
        (b"accept-encoding, ORIGIN", "accept-encoding, ORIGIN"),
        (b"*", "*"),
        (b"", "origin"),
    ],
)
def test_vary_is_extended_not_replaced(vary: bytes, expected: str) -> None:
    app = text_app(headers=[(b"Vary", vary)])
    assert get(cors(app, allow_origins=[SITE]), SITE).header("vary") == expected


def test_vary_in_a_second_header_is_not_duplicated() -> None:
    app = text_app(headers=[(b"vary", b"accept-encoding"), (b"vary", b"origin")])
    result = get(cors(app, allow_origins=[SITE]), SITE)
    assert result.header("vary") == "accept-encoding, origin"


def test_two_vary_headers_without_origin() -> None:
    app = text_app(headers=[(b"vary", b"accept-encoding"), (b"vary", b"cookie")])
    result = get(cors(app, allow_origins=[SITE]), SITE)
    assert result.headers[:2] == [(b"vary", b"accept-encoding, origin"), (b"vary", b"cookie")]


def test_the_apps_own_cors_headers_are_replaced() -> None:
    app = text_app(
        headers=[(b"Access-Control-Allow-Origin", b"https://other.test"), (b"x-keep", b"1")]
    )
    result = get(cors(app, allow_origins=[SITE]), SITE)
    assert result.header("access-control-allow-origin") == SITE
    assert result.header("x-keep") == "1"


def test_a_response_start_without_headers() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 204})
        await send({"type": "http.response.body"})

    assert get(cors(app, allow_origins=["*"]), SITE).headers == [
        (b"access-control-allow-origin", b"*")
    ]
    result = get(cors(app, allow_origins=[SITE]), SITE)
    assert result.headers == [(b"access-control-allow-origin", SITE.encode()), (b"vary", b"origin")]


@pytest.mark.parametrize("allow_origins", [["*"], [SITE]])
def test_options_without_a_request_method_is_a_normal_request(allow_origins: list[str]) -> None:
    result = get(cors(allow_origins=allow_origins), SITE, method="OPTIONS")
    assert result.body == b"hello"
    assert result.header("access-control-allow-origin") in ("*", SITE)


# --- preflight ------------------------------------------------------------------------


def test_an_allowed_preflight_gets_200_and_never_reaches_the_app() -> None:
    middleware = cors(
        never_called(),
        allow_origins=[SITE],
        allow_methods=["post", "GET"],
        allow_headers=["X-Token"],
        allow_credentials=True,
        max_age=60,
    )
    result = preflight(middleware, method="POST", headers="X-Token, content-type")
    assert (result.status, result.text) == (200, "OK")
    assert result.header("access-control-allow-origin") == SITE
    assert result.header("access-control-allow-methods") == "GET, POST"
    assert result.header("access-control-allow-headers") == (
        "accept, accept-language, content-language, content-type, x-token"
    )
    assert result.header("access-control-allow-credentials") == "true"
    assert result.header("access-control-max-age") == "60"
    assert result.header("vary") == "origin"
    assert result.header("content-type") == "text/plain; charset=utf-8"
    assert result.header("content-length") == "2"


def test_a_preflight_for_the_wildcard_origin() -> None:
    result = preflight(cors(never_called(), allow_origins=["*"]))
    assert result.status == 200
    assert result.header("access-control-allow-origin") == "*"
    assert result.header("vary") is None


@pytest.mark.parametrize(
    ("origin", "method", "headers", "reason"),
    [
        ("https://evil.com", "GET", None, "Disallowed CORS origin"),
        ("null", "GET", None, "Disallowed CORS origin"),
        (SITE, "DELETE", None, "Disallowed CORS method"),
        (SITE, "get", None, "Disallowed CORS method"),
        (SITE, "", None, "Disallowed CORS method"),
        (SITE, "GET", "x-secret", "Disallowed CORS headers"),
        (SITE, "GET", "content-type, x-secret", "Disallowed CORS headers"),
        (SITE, "GET", "x-token x-secret", "Disallowed CORS headers"),
        (SITE, "GET", b"x-t\xc3\xb6ken", "Disallowed CORS headers"),
        ("https://evil.com", "PUT", "x-secret", "Disallowed CORS origin, method, headers"),
    ],
)
def test_a_bad_preflight_gets_400_with_the_reason(
    origin: str, method: str, headers: str | bytes | None, reason: str
) -> None:
    middleware = cors(never_called(), allow_origins=[SITE], allow_headers=["x-token"])
    result = preflight(middleware, origin, method, headers)
    assert (result.status, result.text) == (400, reason)
    assert result.header("access-control-allow-origin") is None
    assert result.header("vary") == "origin"
    assert result.header("content-type") == "text/plain; charset=utf-8"
    # The same middleware keeps answering good requests afterwards.
    assert preflight(middleware, headers="X-TOKEN").status == 200


def test_a_bad_preflight_for_the_wildcard_origin_does_not_vary() -> None:
    result = preflight(cors(never_called(), allow_origins=["*"]), method="PATCH")
    assert (result.status, result.text) == (400, "Disallowed CORS method")
    assert result.header("vary") is None


def test_requested_headers_are_case_insensitive_and_tolerate_empty_items() -> None:
    middleware = cors(never_called(), allow_origins=[SITE], allow_headers=["X-Token"])
    assert preflight(middleware, headers="X-TOKEN,, Accept ,").status == 200
    assert preflight(middleware, headers="").status == 200


def test_repeated_request_headers_headers_are_combined() -> None:
    middleware = cors(never_called(), allow_origins=[SITE], allow_headers=["*"])
    result = get(
        middleware,
        SITE,
        method="OPTIONS",
        headers=[
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "X-One"),
            ("access-control-request-headers", "X-Two"),
        ],
    )
    assert result.header("access-control-allow-headers") == "x-one, x-two"


def test_wildcard_methods_and_headers_reflect_what_was_asked() -> None:
    middleware = cors(
        never_called(), allow_origins=[SITE], allow_methods=["*"], allow_headers=["*"]
    )
    result = preflight(middleware, method="PURGE", headers="X-Anything, X-Else")
    assert result.status == 200
    assert result.header("access-control-allow-methods") == "PURGE"
    assert result.header("access-control-allow-headers") == "x-anything, x-else"
    no_headers = preflight(middleware, method="GET")
    assert no_headers.header("access-control-allow-headers") is None


@pytest.mark.parametrize(
    ("method", "headers"), [("GE T", None), ("GET", "x-a, x b"), (b"G\xffT", None)]
)
def test_wildcards_still_refuse_what_is_not_a_token(
    method: str | bytes, headers: str | None
) -> None:
    middleware = cors(
        never_called(), allow_origins=[SITE], allow_methods=["*"], allow_headers=["*"]
    )
    assert preflight(middleware, method=method, headers=headers).status == 400


def test_cached_preflight_answers_stay_bounded_and_correct() -> None:
    middleware = cors(never_called(), allow_origins=[SITE], allow_headers=["*"])
    for n in range(300):
        result = preflight(middleware, headers=f"x-h{n}")
        assert result.header("access-control-allow-headers") == f"x-h{n}"
    assert len(middleware._preflight_answers) <= 256
    assert preflight(middleware, headers="x-h299").status == 200
    assert preflight(middleware, "https://evil.com").status == 400
    assert preflight(middleware, "https://evil.com").status == 400


def test_instances_use_slots() -> None:
    assert not hasattr(cors(), "__dict__")
