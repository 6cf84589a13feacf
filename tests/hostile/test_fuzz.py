"""Property 12: fuzzing the request path with hypothesis.

Random methods, paths, query strings, headers and bodies (fully random, and mutations of
valid requests) go straight through the ASGI interface of a sample app with middleware,
dependencies, JSON, forms, uploads, cookies, streaming and static files. Whatever comes in:
no exception escapes the app, no 5xx, the response is complete, and it comes quickly.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_spec = importlib.util.spec_from_file_location(
    "hostile_sample_app", Path(__file__).with_name("sample_app.py")
)
assert _spec is not None
assert _spec.loader is not None
sample_app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample_app)

METHODS = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=0, max_size=12),
)
ROUTES = [
    "/",
    "/items/1",
    "/items/404",
    "/items",
    "/embed",
    "/form",
    "/upload",
    "/cookie",
    "/raw",
    "/stream",
    "/files/a/b",
    "/static/hello.txt",
    "/static/../x",
    "/docs",
    "/openapi.json",
]
PATHS = st.one_of(
    st.sampled_from(ROUTES),
    st.builds(lambda a, b: a + b, st.sampled_from(ROUTES), st.text(max_size=30)),
    st.builds(lambda t: "/" + t, st.text(max_size=60)),
    st.builds(lambda t: "/items/" + t, st.text(alphabet="0123456789-+. %a\x00\u0661", max_size=20)),
)
HEADER_NAMES = st.sampled_from(
    [
        b"content-type",
        b"content-length",
        b"cookie",
        b"range",
        b"accept-encoding",
        b"origin",
        b"access-control-request-method",
        b"access-control-request-headers",
        b"x-token",
        b"if-none-match",
        b"if-modified-since",
        b"if-range",
        b"transfer-encoding",
        b"host",
    ]
) | st.binary(min_size=1, max_size=20).map(bytes.lower)
CONTENT_TYPES = st.sampled_from(
    [
        b"application/json",
        b"text/plain",
        b"application/x-www-form-urlencoded",
        b"multipart/form-data; boundary=B",
        b"multipart/form-data",
        b"application/vnd+json",
        b"",
    ]
)
HEADER_VALUES = st.one_of(
    st.binary(max_size=80),
    CONTENT_TYPES,
    st.sampled_from(
        [
            b"bytes=0-5",
            b"bytes=5-1,0-",
            b"gzip",
            b"https://app.example",
            b"GET",
            b"session=abc; a=b",
            b'W/"x"',
            b"-1",
            b"99999999999999999999",
        ]
    ),
)
JSON_BODIES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
).map(lambda v: __import__("json").dumps(v).encode())
VALID_ITEM = st.builds(
    lambda name, price: b'{"name": %s, "price": %s}' % (name, price),
    st.text(max_size=10).map(lambda t: __import__("json").dumps(t).encode()),
    st.sampled_from([b"1", b"1.5", b"-0", b"1e308", b'"x"', b"null", b"NaN", b"9" * 40]),
)
FORM_BODIES = st.one_of(
    st.lists(
        st.tuples(st.sampled_from([b"name", b"age", b"x", b""]), st.binary(max_size=10)), max_size=6
    ).map(lambda pairs: b"&".join(k + b"=" + v for k, v in pairs)),
    st.lists(
        st.tuples(
            st.sampled_from([b"name", b"age", b"file", b"note"]),
            st.binary(max_size=20),
            st.booleans(),
        ),
        max_size=4,
    ).map(
        lambda parts: (
            b"".join(
                b'--B\r\nContent-Disposition: form-data; name="'
                + n
                + b'"'
                + (b'; filename="f.txt"' if f else b"")
                + b"\r\n\r\n"
                + v
                + b"\r\n"
                for n, v, f in parts
            )
            + b"--B--\r\n"
        )
    ),
)
BODIES = st.one_of(st.binary(max_size=300), JSON_BODIES, VALID_ITEM, FORM_BODIES)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return sample_app.build(str(tmp_path_factory.mktemp("static")))


@settings(
    max_examples=800,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=METHODS,
    path=PATHS,
    query=st.one_of(st.binary(max_size=60), st.just(b"q=1&limit=5&offset=2&n=3")),
    ctype=CONTENT_TYPES,
    headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=6),
    body=BODIES,
    split=st.integers(0, 50),
)
def test_no_request_makes_the_app_fail(
    app: Any,
    method: str,
    path: str,
    query: bytes,
    ctype: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    split: int,
) -> None:
    all_headers = [(b"content-type", ctype), *headers] if ctype else headers
    sent, disconnected = asyncio.run(
        sample_app.exchange(app, method, path, query, all_headers, body, split)
    )
    starts = [m for m in sent if m["type"] == "http.response.start"]
    if not starts:
        # Only legitimate when the client was gone before an answer could be made.
        assert disconnected, "the app returned without answering a client that was still there"
        return
    status = starts[0]["status"]
    assert status < 500, (status, sent[-1].get("body", b"")[:300])
    assert sent[-1]["type"] == "http.response.body"
    assert not sent[-1].get("more_body", False)
