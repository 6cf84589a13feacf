"""Property 3: JSON bodies.

Malformed or pathological JSON is a 422 in FastAPI's shape (`{"detail": [{"type", "loc", "msg",
...}]}`), answered quickly; a body that is not declared as JSON is never parsed (a 422 with the
raw text as `input`, as FastAPI's strict content-type check), so a cross-site `text/plain` or
form post (which browsers send without a preflight) cannot reach a JSON handler.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from FasterAPI import Body, Faster, Request


class Item(msgspec.Struct):
    name: str
    count: int = 0


def make_app() -> tuple[Faster, list[Any]]:
    ran: list[Any] = []
    app = Faster()

    @app.post("/item")
    async def item(item: Item) -> dict[str, Any]:
        ran.append(item)
        return {"name": item.name, "count": item.count}

    @app.post("/any")
    async def anything(data: Any = Body(...)) -> dict[str, str]:
        ran.append(data)
        return {"type": type(data).__name__}

    @app.post("/number")
    async def number(x: float = Body(..., embed=True)) -> dict[str, float]:
        ran.append(x)
        return {"x": x}

    return app, ran


def post(
    drive: Any, app: Faster, path: str, body: bytes, ctype: bytes | None = b"application/json"
) -> Any:
    headers = [(b"content-length", str(len(body)).encode())]
    if ctype is not None:
        headers.append((b"content-type", ctype))
    return drive(app, "POST", path, headers=headers, chunks=[body])


def assert_422_shape(sent: Any) -> None:
    assert sent.error is None, repr(sent.error)
    assert sent.status == 422, sent.body[:300]
    detail = msgspec.json.decode(sent.body)["detail"]
    assert isinstance(detail, list)
    assert detail
    for error in detail:
        assert {"type", "loc", "msg"} <= set(error)
        assert error["loc"][0] == "body"


HOSTILE_BODIES = {
    "truncated": b'{"name": "a"',
    "trailing garbage": b'{"name": "a"} x',
    "empty": b"",
    "only whitespace": b"   \n\t ",
    "single quotes": b"{'name': 'a'}",
    "comment": b'{"name": "a" /* hi */}',
    "trailing comma": b'{"name": "a",}',
    "invalid utf-8": b'{"name": "\xff\xfe"}',
    "utf-16 bom": '\ufeff{"name": "a"}'.encode("utf-16"),
    "nul byte": b'{"name": "a\x00"}',
    "control character": b'{"name": "a\x01"}',
    "bad escape": b'{"name": "\\x41"}',
    "lone high surrogate": b'{"name": "\\ud800"}',
    "lone low surrogate": b'{"name": "\\udc00x"}',
    "NaN": b'{"name": "a", "count": NaN}',
    "Infinity": b'{"name": "a", "count": Infinity}',
    "-Infinity": b'{"name": "a", "count": -Infinity}',
    "million-digit integer": b'{"name": "a", "count": ' + b"9" * 1_000_000 + b"}",
    "huge exponent": b'{"name": "a", "count": 1e999999999}',
    "deep arrays": b"[" * 100_000 + b"]" * 100_000,
    "deep objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep and unclosed": b"[" * 100_000,
    "wrong type": b'{"name": 1}',
    "not an object": b"[1, 2, 3]",
    "null": b"null",
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_hostile_json_is_a_422_in_fastapi_shape(drive: Any, body: bytes) -> None:
    app, ran = make_app()
    sent = post(drive, app, "/item", body)
    assert_422_shape(sent)
    assert ran == []


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b"[" + b"9" * 1_000_000 + b"]",
        b"[NaN]",
        b"[Infinity]",
        b'["\\ud800"]',
        b"\xff",
    ],
    ids=["deep", "million digits", "NaN", "Infinity", "lone surrogate", "invalid utf-8"],
)
def test_hostile_json_into_an_any_body_is_a_422(drive: Any, body: bytes) -> None:
    app, ran = make_app()
    assert_422_shape(post(drive, app, "/any", body))
    assert ran == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"x": ' + b"9" * 1_000_000 + b"}",
        b'{"x": 1e999999999}',
        b'{"x": NaN}',
        b'{"x": -Infinity}',
    ],
    ids=["million digits", "huge exponent", "NaN", "-Infinity"],
)
def test_numbers_that_are_not_finite_floats_are_a_422(drive: Any, body: bytes) -> None:
    app, ran = make_app()
    assert_422_shape(post(drive, app, "/number", body))
    assert ran == []


def test_a_valid_surrogate_pair_is_accepted(drive: Any) -> None:
    app, ran = make_app()
    sent = post(drive, app, "/item", b'{"name": "\\ud83d\\ude00"}')
    assert sent.status == 200
    assert ran[0].name == "\U0001f600"


def test_duplicate_keys_never_fail_and_the_last_one_wins(drive: Any) -> None:
    # Duplicate names are legal JSON (RFC 8259 says only SHOULD be unique). FastAPI parses
    # with json.loads, where the last one wins; a drop-in replacement must answer the same,
    # deterministically, and never 5xx.
    app, ran = make_app()
    sent = post(drive, app, "/item", b'{"name": "first", "name": "last"}')
    assert sent.status == 200
    assert ran[0].name == "last"
    many = b"{" + b",".join(b'"name": "%d"' % i for i in range(50_000)) + b"}"
    sent = post(drive, app, "/item", many)
    assert sent.status == 200
    assert ran[1].name == "49999"


CROSS_SITE_TYPES = [
    b"text/plain",
    b"text/plain; charset=utf-8",
    b"application/x-www-form-urlencoded",
    b"multipart/form-data; boundary=x",
    b"application/jsonx",
    b"application/json-patch",
    b"text/json",
    b"application/xml",
    b"\xff\xfe",
    b";",
]


@pytest.mark.parametrize("ctype", CROSS_SITE_TYPES)
def test_a_body_not_declared_json_is_never_parsed(drive: Any, ctype: bytes) -> None:
    app, ran = make_app()
    sent = post(drive, app, "/item", b'{"name": "csrf"}', ctype)
    assert sent.error is None, repr(sent.error)
    assert sent.status == 422, sent.body
    (error,) = msgspec.json.decode(sent.body)["detail"]
    assert (error["loc"], error["input"]) == (["body"], '{"name": "csrf"}')
    assert ran == [], "the handler ran on a body that was not declared as JSON"


@pytest.mark.parametrize(
    "ctype",
    [b"application/json", b"Application/JSON; charset=utf-8", b"application/vnd.api+json"],
)
def test_json_content_types_are_accepted(drive: Any, ctype: bytes) -> None:
    app, ran = make_app()
    sent = post(drive, app, "/item", b'{"name": "ok"}', ctype)
    assert sent.status == 200
    assert len(ran) == 1


def test_the_app_keeps_serving_after_every_hostile_body(drive: Any) -> None:
    app, ran = make_app()
    for body in HOSTILE_BODIES.values():
        post(drive, app, "/item", body)
    sent = post(drive, app, "/item", b'{"name": "after"}')
    assert sent.status == 200
    assert ran[-1].name == "after"


def request_json_app() -> Faster:
    app = Faster()

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, str]:
        return {"type": type(await request.json()).__name__}

    return app


@pytest.mark.parametrize(
    "body", [b"{", b"[" * 100_000 + b"]" * 100_000, b"\xff"], ids=["truncated", "deep", "utf-8"]
)
def test_request_json_on_hostile_bodies_is_a_4xx(drive: Any, body: bytes) -> None:
    sent = post(drive, request_json_app(), "/raw", body)
    assert sent.error is None
    assert sent.status == 400, sent.body


def test_request_json_on_hostile_bodies_never_hangs(drive: Any) -> None:
    # Whatever request.json() makes of these, it must be quick (the stdlib fallback parse of a
    # million-digit integer would be quadratic on Python 3.10).
    app = request_json_app()
    for body in [b"[" + b"9" * 1_000_000 + b"]", b"[NaN]", b'["\\ud800"]']:
        sent = post(drive, app, "/raw", body)
        assert sent.error is None
        assert sent.status is not None
