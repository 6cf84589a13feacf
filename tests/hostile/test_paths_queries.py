"""Property 4: paths, query strings and header parameters.

Whatever the path or the query string holds, the answer is a 2xx for a valid request, or a
404/405/422: never a 5xx, never an exception escaping the app, always quickly.
"""

from __future__ import annotations

from typing import Any

import pytest

from FasterAPI import Faster, Header, Query


def make_app() -> Faster:
    app = Faster()

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/names/{name}")
    async def name(name: str) -> dict[str, int]:
        return {"len": len(name)}

    @app.get("/files/{rest:path}")
    async def files(rest: str) -> dict[str, int]:
        return {"len": len(rest)}

    @app.get("/search")
    async def search(
        q: str = "", page: int = Query(1, ge=1, le=1000), tag: list[str] = Query([])
    ) -> dict[str, int]:
        return {"q": len(q), "page": page, "tags": len(tag)}

    @app.get("/headers")
    async def headers(x_count: int = Header(0), x_name: str = Header("")) -> dict[str, int]:
        return {"count": x_count, "name": len(x_name)}

    return app


def assert_clean(sent: Any, allowed: tuple[int, ...] = (200, 404, 405, 422)) -> None:
    assert sent.error is None, f"an exception escaped the app: {sent.error!r}"
    assert sent.status in allowed, (sent.status, sent.body[:200])
    if sent.status >= 400:
        assert sent.body.startswith(b'{"detail":'), sent.body[:200]


PATHS = {
    "invalid percent-encoding": "/names/%zz%",
    "lone percent": "/items/%",
    "nul byte in a segment": "/names/a\x00b",
    "nul byte in an int segment": "/items/1\x00",
    "nul byte at the top": "/\x00",
    "overlong segment": "/names/" + "a" * 100_000,
    "overlong int segment": "/items/" + "9" * 100_000,
    "50,000 segments": "/" + "a/" * 50_000,
    "50,000 segments under a path param": "/files/" + "a/" * 50_000,
    "unicode": "/names/\u2603\U0001f600\u202e",
    "unicode digits": "/items/\u0661\u0662",
    "superscript digits": "/items/\u00b2",
    "dot segments": "/names/../../etc/passwd",
    "double slashes": "//names//x//",
    "backslashes": "/names/..\\..\\x",
    "empty segment": "/items/",
    "huge negative": "/items/-" + "9" * 5000,
    "whitespace int": "/items/%201",
    "no leading slash": "items/1",
    "empty path": "",
}


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_hostile_paths(drive: Any, path: str) -> None:
    sent = drive(make_app(), "GET", path)
    assert_clean(sent)


def test_a_lone_surrogate_in_an_int_path_parameter_is_a_422(drive: Any) -> None:
    sent = drive(make_app(), "GET", "/items/\udcff")
    assert_clean(sent, (422,))


INT_TRAPS = {
    "superscript digit with a dot": "\u00b2.0",
    "file separator with a dot": "\x1c9.",
    "4301+ digits with a dot": "9" * 5000 + ".0",
}


@pytest.mark.parametrize("value", INT_TRAPS.values(), ids=INT_TRAPS.keys())
def test_int_parameters_that_fool_isdigit_are_a_422(drive: Any, value: str) -> None:
    from urllib.parse import quote

    app = make_app()
    assert_clean(drive(app, "GET", "/items/" + value), (422,))
    assert_clean(drive(app, "GET", "/search", query_string=f"page={quote(value)}".encode()), (422,))
    headers = [(b"x-count", value.encode("utf-8"))]
    assert_clean(drive(app, "GET", "/headers", headers=headers), (422,))


def test_a_lone_surrogate_in_a_str_path_parameter_is_not_a_crash(drive: Any) -> None:
    sent = drive(make_app(), "GET", "/names/\udcff\udcfe")
    assert_clean(sent, (200,))


@pytest.mark.parametrize("method", ["GET", "POST", "BREW", "G\x00T", "", "get", "X" * 10_000])
def test_strange_methods(drive: Any, method: str) -> None:
    sent = drive(make_app(), method, "/items/1")
    assert_clean(sent, (200, 404, 405, 422))


QUERIES = {
    "invalid percent-encoding": b"q=%zz%&page=%",
    "percent-encoded invalid utf-8": b"q=%ff%fe&tag=%c3",
    "raw invalid utf-8": b"q=\xff\xfe",
    "nul bytes": b"q=a%00b&page=1%00",
    "huge int": b"page=" + b"9" * 100_000,
    "unicode digits": b"page=%D9%A1",
    "100,000 parameters": b"&".join(b"tag=%d" % i for i in range(100_000)),
    "100,000 unknown parameters": b"&".join(b"x%d=1" % i for i in range(100_000)),
    "100,000 separators": b"&" * 100_000,
    "one huge value": b"q=" + b"a" * 1_000_000,
    "keys without values": b"q&page&tag",
    "semicolons": b"q=1;page=2",
    "out of range": b"page=0",
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_hostile_queries(drive: Any, query: bytes) -> None:
    sent = drive(make_app(), "GET", "/search", query_string=query)
    assert_clean(sent, (200, 422))


def test_a_repeated_scalar_parameter_is_not_a_crash(drive: Any) -> None:
    sent = drive(make_app(), "GET", "/search", query_string=b"&".join([b"page=2"] * 100_000))
    assert_clean(sent, (200, 422))


HEADER_VALUES = {
    "huge int": b"9" * 100_000,
    "invalid utf-8": b"\xff\xfe",
    "nul": b"1\x00",
    "unicode digits": "\u0661".encode(),
    "empty": b"",
}


@pytest.mark.parametrize("value", HEADER_VALUES.values(), ids=HEADER_VALUES.keys())
def test_hostile_header_parameters(drive: Any, value: bytes) -> None:
    headers = [(b"x-count", value), (b"x-name", value)]
    sent = drive(make_app(), "GET", "/headers", headers=headers)
    assert_clean(sent, (200, 422))


def test_ten_thousand_headers(drive: Any) -> None:
    headers = [(b"x-h%d" % i, b"v") for i in range(10_000)] + [(b"x-count", b"3")] * 1000
    sent = drive(make_app(), "GET", "/headers", headers=headers)
    assert_clean(sent, (200, 422))


def test_the_app_keeps_serving(drive: Any) -> None:
    app = make_app()
    for path in PATHS.values():
        drive(app, "GET", path)
    for query in QUERIES.values():
        drive(app, "GET", "/search", query_string=query)
    sent = drive(app, "GET", "/items/7")
    assert sent.status == 200
    assert sent.body == b'{"id":7}'
