"""Property 5: headers, in both directions.

Outgoing: a header value holding CR, LF or NUL (response splitting) or a character outside
latin-1 is refused with a `ValueError` when the response is built, so when a handler does it
the client gets a plain 500 and the bad header never reaches `send`. Redirect targets are
percent-encoded instead. Incoming: malformed `Cookie`, `Range`, `Accept-Encoding` and
`Content-Type` headers are a 4xx or are ignored, never a 5xx.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from FasterAPI import (
    Cookie,
    Faster,
    GZipMiddleware,
    HTTPException,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Request,
    Response,
    StreamingResponse,
)


def unsplittable(value: bytes) -> bool:
    """No CR, LF or NUL: the value cannot end its header line or smuggle another."""
    return b"\r" not in value and b"\n" not in value and b"\x00" not in value


BAD_VALUES = ["a\r\nSet-Cookie: evil=1", "a\nX-Evil: 1", "a\rb", "a\x00b", "\r\n\r\n<html>"]
NON_LATIN1 = ["\u2603", "caf\u00e9 \u20ac", "\U0001f600"]


@pytest.mark.parametrize("value", BAD_VALUES + NON_LATIN1)
@pytest.mark.parametrize(
    "build",
    [
        lambda v: Response("x", headers={"X-Custom": v}),
        lambda v: JSONResponse({}, headers={"X-Custom": v}),
        lambda v: PlainTextResponse("x", headers={"X-Custom": v}),
        lambda v: StreamingResponse(iter([b"x"]), headers={"X-Custom": v}),
        lambda v: StreamingResponse(iter([b"x"]), media_type=v),
        lambda v: Response("x", headers={v: "value"}),
        lambda v: Response("x", media_type="text/" + v),
    ],
    ids=[
        "Response",
        "JSONResponse",
        "PlainText",
        "Streaming",
        "media_type",
        "header name",
        "text media",
    ],
)
def test_unsafe_header_values_are_refused_at_construction(build: Any, value: str) -> None:
    with pytest.raises(ValueError):
        build(value)


@pytest.mark.parametrize("value", BAD_VALUES + NON_LATIN1)
def test_unsafe_values_are_refused_when_set_later(value: str) -> None:
    response = Response("x")
    with pytest.raises(ValueError):
        response.headers["X-Custom"] = value
    with pytest.raises(ValueError):
        response.headers.append("X-Custom", value)
    assert all(b"\r" not in v and b"\n" not in v for _, v in response.raw_headers)


@pytest.mark.parametrize("value", BAD_VALUES + NON_LATIN1)
def test_unsafe_cookies_are_refused(value: str) -> None:
    response = Response("x")
    try:
        response.set_cookie("session", value)
    except ValueError:
        pass
    else:  # the standard library quotes the value (octal escapes): safe, as in Starlette
        (cookie,) = [v for k, v in response.raw_headers if k == b"set-cookie"]
        assert unsplittable(cookie)
        assert cookie.startswith(b'session="')
        response = Response("x")
    with pytest.raises(ValueError):
        response.set_cookie(value, "v")
    with pytest.raises(ValueError):
        response.set_cookie("session", "v", path="/" + value)
    with pytest.raises(ValueError):
        response.set_cookie("session", "v", domain="example.com" + value)
    assert not [k for k, _ in response.raw_headers if k == b"set-cookie"]


def test_non_latin1_error_message_is_clear() -> None:
    with pytest.raises(ValueError, match=r"(?i)latin-1|latin1|encod"):
        Response("x", headers={"X-Custom": "\u2603"})


@pytest.mark.parametrize("target", BAD_VALUES + NON_LATIN1 + ["//evil.example/\r\n"])
def test_redirect_targets_cannot_split_the_response(target: str) -> None:
    response = RedirectResponse("/next?to=" + target)
    for _key, value in response.raw_headers:
        assert unsplittable(value)
        value.decode("latin-1")
    location = dict(response.raw_headers)[b"location"]
    assert location.startswith(b"/next?to=")


def make_app(log: list[str]) -> Faster:
    app = Faster()

    @app.get("/header")
    async def header(v: str) -> Response:
        log.append("header")
        return Response("x", headers={"X-Echo": v})

    @app.get("/cookie")
    async def cookie(v: str) -> Response:
        response = Response("x")
        response.set_cookie("session", v)
        return response

    @app.get("/redirect")
    async def redirect(v: str) -> RedirectResponse:
        return RedirectResponse("/landing?next=" + v)

    @app.get("/param")
    async def param(v: str, response: Response) -> dict[str, str]:
        response.headers["X-Echo"] = v
        return {"ok": "yes"}

    @app.get("/raise")
    async def raise_(v: str) -> None:
        raise HTTPException(400, "nope", headers={"X-Echo": v})

    @app.get("/stream")
    async def stream(v: str) -> StreamingResponse:
        return StreamingResponse(iter([b"x"]), headers={"X-Echo": v})

    @app.get("/ok")
    async def ok() -> dict[str, bool]:
        return {"ok": True}

    return app


@pytest.mark.parametrize("route", ["/header", "/param", "/raise", "/stream"])
@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: evil=1", "a\nX-Evil: 1", "a\x00b", "\u2603"])
def test_an_unsafe_header_from_a_handler_is_a_500_without_the_header(
    drive: Any, route: str, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    from urllib.parse import quote

    app = make_app([])
    with caplog.at_level(logging.ERROR, logger="fasterapi"):
        sent = drive(app, "GET", route, query_string=f"v={quote(value)}".encode())
    # The 500 is sent whole, then the error leaves the app for the server to log (as under
    # Starlette's ServerErrorMiddleware).
    assert isinstance(sent.error, ValueError), repr(sent.error)
    assert sent.status == 500, sent.body
    assert sent.body == b"Internal Server Error"
    for key, header in sent.headers:
        assert unsplittable(header)
        assert key not in (b"x-echo", b"x-evil")
        assert b"evil" not in header
    assert b"evil" not in sent.body
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert len(errors) == 1, [r.getMessage() for r in caplog.records]
    assert isinstance(errors[0].exc_info[1], ValueError)  # type: ignore[index]
    assert drive(app, "GET", "/ok").status == 200


@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: evil=1", "a\nX-Evil: 1", "a\x00b"])
def test_a_cookie_from_a_handler_is_quoted_not_split(drive: Any, value: str) -> None:
    from urllib.parse import quote

    sent = drive(make_app([]), "GET", "/cookie", query_string=f"v={quote(value)}".encode())
    assert sent.status == 200
    (cookie,) = [v for k, v in sent.headers if k == b"set-cookie"]
    assert unsplittable(cookie)
    assert not [k for k, _ in sent.headers if k == b"x-evil"]


def test_a_non_latin1_cookie_from_a_handler_is_a_500(drive: Any) -> None:
    sent = drive(make_app([]), "GET", "/cookie", query_string=b"v=%E2%98%83")
    assert isinstance(sent.error, ValueError), repr(sent.error)  # re-raised after the 500
    assert sent.status == 500
    assert sent.body == b"Internal Server Error"
    assert not [k for k, _ in sent.headers if k == b"set-cookie"]


@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: evil=1", "\u2603", "a\x00b"])
def test_a_redirect_from_a_handler_is_encoded_not_refused(drive: Any, value: str) -> None:
    from urllib.parse import quote

    sent = drive(make_app([]), "GET", "/redirect", query_string=f"v={quote(value)}".encode())
    assert sent.status == 307
    location = dict(sent.headers)[b"location"]
    assert unsplittable(location)


def parsing_app() -> Faster:
    app = Faster()
    app.add_middleware(GZipMiddleware, minimum_size=10)

    @app.get("/cookie")
    async def cookie(session: str | None = Cookie(None)) -> dict[str, Any]:
        return {"session": session}

    @app.get("/cookies")
    async def cookies(request: Request) -> dict[str, int]:
        return {"count": len(request.cookies)}

    @app.get("/big")
    async def big() -> PlainTextResponse:
        return PlainTextResponse("z" * 5000)

    @app.post("/form")
    async def form(request: Request) -> dict[str, int]:
        return {"count": len(await request.form())}

    @app.post("/json")
    async def json(request: Request) -> dict[str, str]:
        return {"type": type(await request.json()).__name__}

    return app


COOKIES = [
    b'session="unterminated',
    b"session=\\x\\y; ; =; ;;=;a",
    b"=" * 10_000,
    b"; " * 50_000,
    b"session=" + b"a" * 100_000,
    b"session=\xff\xfe\x00",
    b"a=1; " * 20_000,
    b'session="\\777"',
    b"$Version=1; session=x; $Path=/",
]


@pytest.mark.parametrize("cookie", COOKIES)
@pytest.mark.parametrize("path", ["/cookie", "/cookies"])
def test_malformed_cookie_headers(drive: Any, cookie: bytes, path: str) -> None:
    sent = drive(parsing_app(), "GET", path, headers=[(b"cookie", cookie)])
    assert sent.error is None, repr(sent.error)
    assert sent.status in (200, 400, 422), sent.body


ENCODINGS = [
    b"gzip;q=abc",
    b"gzip;q=" + b"9" * 5000,
    b"\xff\xfe",
    b",,,;;;",
    b"gzip, " * 10_000,
    b"*;q=-1",
    b"identity;q=0, *;q=0",
]


@pytest.mark.parametrize("value", ENCODINGS)
def test_malformed_accept_encoding(drive: Any, value: bytes) -> None:
    sent = drive(parsing_app(), "GET", "/big", headers=[(b"accept-encoding", value)])
    assert sent.error is None, repr(sent.error)
    assert sent.status in (200, 406), sent.body[:100]


CONTENT_TYPES = [
    b"",
    b";",
    b"multipart/form-data; boundary",
    b'multipart/form-data; boundary="unterminated',
    b"multipart/form-data; boundary=" + b"x" * 10_000,
    b"application/x-www-form-urlencoded; charset=nonexistent-charset",
    b"application/x-www-form-urlencoded; charset=utf-32",
    b"\xff\xfe",
    b"a/b; " + b"p=1; " * 10_000,
]


@pytest.mark.parametrize("ctype", CONTENT_TYPES)
@pytest.mark.parametrize(("path", "body"), [("/form", b"a=1"), ("/json", b'{"a": 1}')])
def test_malformed_content_type(drive: Any, ctype: bytes, path: str, body: bytes) -> None:
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
    sent = drive(parsing_app(), "POST", path, headers=headers, chunks=[body])
    assert sent.error is None, repr(sent.error)
    assert sent.status is not None
    assert sent.status < 500, sent.body


def host_app(middleware: Any = None, **options: Any) -> Faster:
    app = Faster()

    @app.get("/items/")
    async def items() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/{name}/a/")
    async def nested(name: str) -> dict[str, str]:
        return {"name": name}

    if middleware is not None:
        app.add_middleware(middleware, **options)
    return app


HOSTS = [
    b"evil.example",
    b"good.example.evil.example",
    b"",
    b"\xff\xfe",
    b"good.example\r\nX-Evil: 1",
    b"[::1",
    b"a" * 10_000,
    b"good.example@evil.example",
]


@pytest.mark.parametrize("host", HOSTS)
def test_trusted_host_refuses_hostile_hosts(drive: Any, host: bytes) -> None:
    from FasterAPI import TrustedHostMiddleware

    app = host_app(TrustedHostMiddleware, allowed_hosts=["good.example"])
    sent = drive(app, "GET", "/items/", headers=[(b"host", host)])
    assert sent.error is None, repr(sent.error)
    assert sent.status == 400


@pytest.mark.parametrize("host", HOSTS)
def test_https_redirect_with_hostile_hosts_is_never_a_5xx(drive: Any, host: bytes) -> None:
    from FasterAPI import HTTPSRedirectMiddleware

    sent = drive(host_app(HTTPSRedirectMiddleware), "GET", "/items/", headers=[(b"host", host)])
    assert sent.error is None, repr(sent.error)
    assert sent.status in (307, 308, 400)
    for _key, value in sent.headers:
        assert unsplittable(value)


@pytest.mark.parametrize(
    "path",
    ["/items", "//evil.example/a", "/\\evil.example/a", "///evil.example/a", "/%2f%2fevil/a"],
)
def test_slash_redirects_stay_on_this_site(drive: Any, path: str) -> None:
    sent = drive(host_app(), "GET", path, headers=[(b"host", b"good.example")])
    assert sent.error is None, repr(sent.error)
    assert sent.status in (307, 404)
    location = dict(sent.headers).get(b"location")
    if location is not None:
        assert location.startswith(b"http://good.example/")
        assert not location.startswith(b"http://good.example//")
