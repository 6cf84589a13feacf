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
    assert result.header("vary") == "Origin"


# --- requests that are not CORS -------------------------------------------------------


def test_websocket_scopes_pass_straight_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    scope = make_scope(headers=[("origin", "https://evil.test")], type="websocket")
    asyncio.run(acall(cors(app, allow_origins=[SITE]), scope))
    assert seen == ["websocket"]


@pytest.mark.parametrize("allow_origins", [["*"], [SITE]])
def test_no_origin_only_varies_on_origin(allow_origins: list[str]) -> None:
    result = get(cors(allow_origins=allow_origins, allow_headers=["x-a"]), None)
    assert result.headers == [
        (b"content-type", b"text/plain"),
        (b"content-length", b"5"),
        (b"vary", b"Origin"),
    ]
    assert result.body == b"hello"


# --- simple requests ------------------------------------------------------------------


def test_wildcard_origin_answers_star() -> None:
    result = get(cors(allow_origins=["*"], expose_headers=["X-Total", "X-Page"]), SITE)
    assert result.header("access-control-allow-origin") == "*"
    assert result.header("access-control-expose-headers") == "X-Total, X-Page"
    assert result.header("access-control-allow-credentials") is None
    assert result.header("vary") == "Origin"


def test_listed_origin_is_reflected_with_credentials() -> None:
    middleware = cors(allow_origins=[SITE], allow_credentials=True, expose_headers=["x-total"])
    result = get(middleware, SITE)
    assert result.header("access-control-allow-origin") == SITE
    assert result.header("access-control-allow-credentials") == "true"
    assert result.header("access-control-expose-headers") == "x-total"
    assert result.header("vary") == "Origin"
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
    # As with Starlette, the credentials header does not depend on the origin.
    assert result.header("access-control-allow-credentials") == "true"
    assert result.header("vary") == "Origin"
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
        (b"Accept-Encoding", "Accept-Encoding, Origin"),
        (b"origin", "origin"),
        (b"accept-encoding, ORIGIN", "accept-encoding, ORIGIN"),
        (b"*", "*"),
        (b"", "Origin"),
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
    assert result.headers[:2] == [(b"vary", b"accept-encoding, Origin"), (b"vary", b"cookie")]


def test_the_apps_own_cors_headers_are_replaced_only_when_set() -> None:
    app = text_app(
        headers=[
            (b"Access-Control-Allow-Origin", b"https://other.test"),
            (b"access-control-allow-credentials", b"false"),
            (b"x-keep", b"1"),
        ]
    )
    middleware = cors(app, allow_origins=[SITE], allow_credentials=True)
    result = get(middleware, SITE)
    assert result.header("access-control-allow-origin") == SITE
    assert result.header("access-control-allow-credentials") == "true"
    assert result.header("x-keep") == "1"
    # For a disallowed origin (as with Starlette) only the headers it sets are replaced.
    refused = get(middleware, "https://evil.com")
    assert refused.header("access-control-allow-origin") == "https://other.test"
    assert refused.header("access-control-allow-credentials") == "true"
    assert (
        get(cors(app, allow_origins=[SITE]), "https://evil.com").header(
            "access-control-allow-credentials"
        )
        == "false"
    )


def test_a_response_start_without_headers() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 204})
        await send({"type": "http.response.body"})

    assert get(cors(app, allow_origins=["*"]), SITE).headers == [
        (b"access-control-allow-origin", b"*"),
        (b"vary", b"Origin"),
    ]
    result = get(cors(app, allow_origins=[SITE]), SITE)
    assert result.headers == [(b"access-control-allow-origin", SITE.encode()), (b"vary", b"Origin")]


@pytest.mark.parametrize("allow_origins", [["*"], [SITE]])
def test_options_without_a_request_method_is_a_normal_request(allow_origins: list[str]) -> None:
    result = get(cors(allow_origins=allow_origins), SITE, method="OPTIONS")
    assert result.body == b"hello"
    assert result.header("access-control-allow-origin") in ("*", SITE)


# --- preflight ------------------------------------------------------------------------

PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)


def test_an_allowed_preflight_gets_200_and_never_reaches_the_app() -> None:
    middleware = cors(
        never_called(),
        allow_origins=[SITE],
        allow_methods=["POST", "GET"],
        allow_headers=["X-Token"],
        allow_credentials=True,
        max_age=60,
    )
    result = preflight(middleware, method="POST", headers="X-Token, content-type")
    assert (result.status, result.text) == (200, "OK")
    assert result.header("access-control-allow-origin") == SITE
    assert result.header("access-control-allow-methods") == "POST, GET"
    assert result.header("access-control-allow-headers") == (
        "Accept, Accept-Language, Content-Language, Content-Type, X-Token"
    )
    assert result.header("access-control-allow-credentials") == "true"
    assert result.header("access-control-max-age") == "60"
    assert result.header("vary") == PREFLIGHT_VARY
    assert result.header("content-type") == "text/plain; charset=utf-8"
    assert result.header("content-length") == "2"


def test_a_preflight_for_the_wildcard_origin() -> None:
    result = preflight(cors(never_called(), allow_origins=["*"]))
    assert result.status == 200
    assert result.header("access-control-allow-origin") == "*"
    assert result.header("access-control-allow-methods") == "GET"
    assert result.header("vary") == PREFLIGHT_VARY


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
        (SITE, "GET", "x-token,", "Disallowed CORS headers"),
        (SITE, "GET", b"x-t\xc3\xb6ken", "Disallowed CORS headers"),
        ("https://evil.com", "PUT", "x-secret", "Disallowed CORS origin, method, headers"),
    ],
)
def test_a_bad_preflight_gets_400_with_the_reason(
    origin: str, method: str, headers: str | bytes | None, reason: str
) -> None:
    middleware = cors(
        never_called(), allow_origins=[SITE], allow_headers=["x-token"], allow_credentials=True
    )
    result = preflight(middleware, origin, method, headers)
    assert (result.status, result.text) == (400, reason)
    if "origin" in reason:
        assert result.header("access-control-allow-origin") is None
    else:
        assert result.header("access-control-allow-origin") == SITE
    assert result.header("access-control-allow-credentials") == "true"
    assert result.header("access-control-allow-methods") == "GET"
    assert result.header("access-control-max-age") == "600"
    assert result.header("vary") == PREFLIGHT_VARY
    assert result.header("content-type") == "text/plain; charset=utf-8"
    # The same middleware keeps answering good requests afterwards.
    assert preflight(middleware, headers="X-TOKEN").status == 200


def test_a_bad_preflight_for_the_wildcard_origin() -> None:
    result = preflight(cors(never_called(), allow_origins=["*"]), method="PATCH")
    assert (result.status, result.text) == (400, "Disallowed CORS method")
    assert result.header("access-control-allow-origin") == "*"
    assert result.header("vary") == PREFLIGHT_VARY


def test_requested_headers_are_case_insensitive() -> None:
    middleware = cors(never_called(), allow_origins=[SITE], allow_headers=["X-Token"])
    assert preflight(middleware, headers="X-TOKEN, Accept ").status == 200


def test_the_first_of_repeated_preflight_headers_counts() -> None:
    middleware = cors(never_called(), allow_origins=[SITE], allow_headers=["*"])
    result = get(
        middleware,
        SITE,
        method="OPTIONS",
        headers=[
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "X-One"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "X-Two"),
        ],
    )
    assert result.status == 200
    assert result.header("access-control-allow-headers") == "X-One"


def test_wildcard_methods_list_every_method_and_headers_echo_the_request() -> None:
    middleware = cors(
        never_called(), allow_origins=[SITE], allow_methods=["*"], allow_headers=["*"]
    )
    result = preflight(middleware, method="POST", headers="X-Anything, X-Else")
    assert result.status == 200
    assert result.header("access-control-allow-methods") == (
        "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY"
    )
    assert result.header("access-control-allow-headers") == "X-Anything, X-Else"
    no_headers = preflight(middleware, method="GET")
    assert no_headers.header("access-control-allow-headers") is None
    assert preflight(middleware, method="PURGE").text == "Disallowed CORS method"


def test_private_network_access_is_refused_unless_allowed() -> None:
    def ask(**options: Any) -> Result:
        return get(
            cors(never_called(), allow_origins=[SITE], **options),
            SITE,
            method="OPTIONS",
            headers=[
                ("access-control-request-method", "GET"),
                ("access-control-request-private-network", "true"),
            ],
        )

    refused = ask()
    assert (refused.status, refused.text) == (400, "Disallowed CORS private-network")
    assert refused.header("access-control-allow-private-network") is None
    allowed = ask(allow_private_network=True)
    assert (allowed.status, allowed.text) == (200, "OK")
    assert allowed.header("access-control-allow-private-network") == "true"


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


# --- the same answers as Starlette's CORSMiddleware -----------------------------------

CONFIGS: list[dict[str, Any]] = [
    {},
    {"allow_origins": ["*"]},
    {"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"], "max_age": 5},
    {
        "allow_origins": [SITE],
        "allow_credentials": True,
        "allow_methods": ["*"],
        "allow_headers": ["*"],
    },
    {
        "allow_origins": [SITE],
        "allow_origin_regex": r"https://\w+\.example\.org",
        "allow_methods": ["GET", "PUT"],
        "allow_headers": ["X-Token", "authorization"],
        "expose_headers": ["X-Total"],
        "allow_private_network": True,
    },
]
ORIGINS = [None, SITE, "https://api.example.org", "https://evil.com"]
REQUESTS: list[tuple[str, list[tuple[str, str]]]] = [
    ("GET", []),
    ("OPTIONS", []),
    ("OPTIONS", [("access-control-request-method", "GET")]),
    ("OPTIONS", [("access-control-request-method", "PUT")]),
    ("OPTIONS", [("access-control-request-method", "PURGE")]),
    (
        "OPTIONS",
        [("access-control-request-method", "GET"), ("access-control-request-headers", "X-Token")],
    ),
    (
        "OPTIONS",
        [
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "x-token, Authorization, x-other"),
        ],
    ),
    (
        "OPTIONS",
        [
            ("access-control-request-method", "GET"),
            ("access-control-request-private-network", "true"),
        ],
    ),
]


def _normalised(result: Result) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return result.status, sorted((k.lower(), v) for k, v in result.headers), result.body


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize(("method", "headers"), REQUESTS)
def test_same_answer_as_starlette(
    config: dict[str, Any],
    origin: str | None,
    method: str,
    headers: list[tuple[str, str]],
) -> None:
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS

    app = text_app(headers=[(b"content-type", b"text/plain"), (b"vary", b"Cookie")])
    ours = get(cors(app, **config), origin, method=method, headers=headers)
    theirs = get(StarletteCORS(app, **config), origin, method=method, headers=headers)  # type: ignore[arg-type]
    assert _normalised(ours) == _normalised(theirs)
