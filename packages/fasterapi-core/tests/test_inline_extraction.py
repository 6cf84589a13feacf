"""Parameters the generated starters and runners read inline (a path, query or header int or
str without constraints) answer exactly as the same parameters read by their extractor (the
same parameter with a constraint no test value reaches), for good, odd, bad and missing values.

The inline read handles a 0-999 int or a present str itself and calls the extractor for the
rest; a bad int is reported without raising. Both must match the general path byte for byte.
"""

from typing import Annotated, Any

import msgspec
import pytest

from fasterapi_core import Depends, Faster, Header, Path, Query
from fasterapi_core._plan.compile import _INLINE

HUGE = 10**60  # a bound no test value reaches: only makes the parameter go through its extractor

RefInt = Annotated[int, Query(gt=-HUGE)]
RefStr = Annotated[str, Query(max_length=HUGE)]


def make_app() -> Faster:
    app = Faster(openapi_url=None)

    @app.get("/q")
    async def query_inline(a: int = 5, b: str = "d", c: int | None = None) -> dict[str, Any]:
        return {"a": a, "b": b, "c": c}

    @app.get("/q_ref")
    async def query_ref(
        a: RefInt = 5, b: RefStr = "d", c: Annotated[int | None, Query(gt=-HUGE)] = None
    ) -> dict[str, Any]:
        return {"a": a, "b": b, "c": c}

    @app.get("/q_required")
    async def query_required(a: int, b: str) -> dict[str, Any]:
        return {"a": a, "b": b}

    @app.get("/q_required_ref")
    async def query_required_ref(a: RefInt, b: RefStr) -> dict[str, Any]:
        return {"a": a, "b": b}

    @app.get("/p/{a}/{b}")
    async def path_inline(a: int, b: str) -> dict[str, Any]:
        return {"a": a, "b": b}

    @app.get("/p_ref/{a}/{b}")
    async def path_ref(
        a: Annotated[int, Path(gt=-HUGE)], b: Annotated[str, Path(max_length=HUGE)]
    ) -> dict[str, Any]:
        return {"a": a, "b": b}

    @app.get("/h")
    async def header_inline(
        x_n: Annotated[int | None, Header()] = None, x_s: Annotated[str, Header()] = "none"
    ) -> dict[str, Any]:
        return {"n": x_n, "s": x_s}

    @app.get("/h_ref")
    async def header_ref(
        x_n: Annotated[int | None, Header(gt=-HUGE)] = None,
        x_s: Annotated[str, Header(max_length=HUGE)] = "none",
    ) -> dict[str, Any]:
        return {"n": x_n, "s": x_s}

    @app.get("/h_required")
    async def header_required(x_s: Annotated[str, Header()]) -> dict[str, Any]:
        return {"s": x_s}

    @app.get("/h_required_ref")
    async def header_required_ref(x_s: Annotated[str, Header(max_length=HUGE)]) -> dict[str, Any]:
        return {"s": x_s}

    # A graph of dependencies runs through the generated runner: the same reads, per step.
    async def inline_dep(x_s: Annotated[str, Header()], a: int = 5) -> str:
        return f"{a} {x_s}"

    async def ref_dep(x_s: Annotated[str, Header(max_length=HUGE)], a: RefInt = 5) -> str:
        return f"{a} {x_s}"

    @app.get("/d")
    async def deps_inline(
        total: Annotated[str, Depends(inline_dep)], c: int | None = None
    ) -> dict[str, Any]:
        return {"total": total, "c": c}

    @app.get("/d_ref")
    async def deps_ref(
        total: Annotated[str, Depends(ref_dep)], c: Annotated[int | None, Query(gt=-HUGE)] = None
    ) -> dict[str, Any]:
        return {"total": total, "c": c}

    return app


INTS = [
    "0",
    "7",
    "999",
    "1000",
    "007",
    "-5",
    "+5",
    " 42 ",
    "1_000",
    "3.0",
    "3.5",
    "abc",
    "",
    "1e3",
    "²",
    "12345678901234567890",
    "9" * 4301,
]


def answer(raw: Any, app: Faster, path: str, **options: Any) -> tuple[int | None, Any]:
    result = raw(app, "GET", path, **options)
    return result.status, msgspec.json.decode(result.body)


def test_the_plain_parameters_are_read_inline() -> None:
    app = make_app()
    routes = {route.path: route for route in app.routes}
    for path in ("/q", "/p/{a}/{b}", "/h", "/d"):
        steps = routes[path].plan.steps
        assert all(extract in _INLINE for step in steps for _, extract in step.args), path
    for path in ("/q_ref", "/p_ref/{a}/{b}", "/h_ref", "/d_ref"):
        steps = routes[path].plan.steps
        assert not any(extract in _INLINE for step in steps for _, extract in step.args), path
    # With no Context at all unless a value needs its extractor.
    for path in ("/q", "/p/{a}/{b}", "/h_required"):
        assert routes[path]._fast_start is not None, path
        assert routes[path + "_ref" if "{" not in path else "/p_ref/{a}/{b}"]._fast_start is None
    # Optional headers are mostly absent, which only the extractor can tell.
    assert routes["/h"]._fast_start is None
    assert routes["/d"].plan.fast_runner is not None
    assert routes["/d_ref"].plan.fast_runner is None


@pytest.mark.parametrize("value", INTS)
def test_query_values_answer_as_the_extractor_does(raw: Any, value: str) -> None:
    app = make_app()
    encoded = value.encode("utf-8").replace(b" ", b"%20").replace(b"+", b"%2B")
    query = b"a=" + encoded + b"&b=" + encoded + b"&c=" + encoded
    inline = answer(raw, app, "/q", query=query)
    assert inline == answer(raw, app, "/q_ref", query=query)
    assert answer(raw, app, "/q_required", query=query) == answer(
        raw, app, "/q_required_ref", query=query
    )
    if value == "7":
        assert inline == (200, {"a": 7, "b": "7", "c": 7})
    if value == "abc":
        assert inline[0] == 422
        assert [error["loc"] for error in inline[1]["detail"]] == [["query", "a"], ["query", "c"]]


@pytest.mark.parametrize(
    "query",
    [
        b"",
        b"a=1&a=2",
        b"b=x&b=",
        b"c=&a=",
        b"a=%37",
        b"other=1",
        b"a",
        b"&",
        b"a=1&&c=2",
        b"=x&a=3",
        b"b=4=5",
        b"b=a+b",
        b"b=%zz",
        b"b=caf\xe9",
        b"b=\xc3\xa9&a=8",
    ],
)
def test_missing_repeated_and_escaped_query_values(raw: Any, query: bytes) -> None:
    app = make_app()
    assert answer(raw, app, "/q", query=query) == answer(raw, app, "/q_ref", query=query)
    assert answer(raw, app, "/q_required", query=query) == answer(
        raw, app, "/q_required_ref", query=query
    )
    for headers in ([], [(b"x-s", b"v")]):
        assert answer(raw, app, "/d", query=query, headers=headers) == answer(
            raw, app, "/d_ref", query=query, headers=headers
        )


@pytest.mark.parametrize("value", [v for v in INTS if v.strip() and "/" not in v])
def test_path_values_answer_as_the_extractor_does(raw: Any, value: str) -> None:
    app = make_app()
    inline = answer(raw, app, f"/p/{value}/{value}")
    assert inline == answer(raw, app, f"/p_ref/{value}/{value}")
    if value == "abc":
        assert inline == (
            422,
            {
                "detail": [
                    {
                        "type": "int_parsing",
                        "loc": ["path", "a"],
                        "msg": "Input should be a valid integer, unable to parse string as an "
                        "integer",
                        "input": "abc",
                    }
                ]
            },
        )


@pytest.mark.parametrize("value", INTS)
def test_header_values_answer_as_the_extractor_does(raw: Any, value: str) -> None:
    app = make_app()
    encoded = value.encode("utf-8")
    headers = [(b"x-n", encoded), (b"x-s", encoded)]
    inline = answer(raw, app, "/h", headers=headers)
    assert inline == answer(raw, app, "/h_ref", headers=headers)
    assert answer(raw, app, "/d", headers=headers) == answer(raw, app, "/d_ref", headers=headers)
    if value == "42":
        assert inline == (200, {"n": 42, "s": "42"})


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [(b"x-s", b"first"), (b"x-s", b"second")],
        [(b"X-S", b"upper"), (b"X-N", b"12")],  # a client library's capitals: the slow parse
        [(b"x-n", b"\xff"), (b"x-s", b"caf\xe9")],
    ],
)
def test_header_lists_answer_as_the_extractor_does(
    raw: Any, headers: list[tuple[bytes, bytes]]
) -> None:
    app = make_app()
    assert answer(raw, app, "/h", headers=headers) == answer(raw, app, "/h_ref", headers=headers)
    assert answer(raw, app, "/d", headers=headers) == answer(raw, app, "/d_ref", headers=headers)
    assert answer(raw, app, "/h_required", headers=headers) == answer(
        raw, app, "/h_required_ref", headers=headers
    )
    if not headers:
        assert answer(raw, app, "/h_required", headers=headers)[0] == 422


PAIRS = ["7", "1000", " 42 ", "abc", None]


@pytest.mark.parametrize("first", PAIRS)
@pytest.mark.parametrize("second", PAIRS)
def test_one_value_needing_its_extractor_among_plain_ones(
    raw: Any, first: str | None, second: str | None
) -> None:
    """The route reads the plain values itself and builds a Context only for the value that
    needs its extractor, part way through: the answer (errors included) is the same."""
    app = make_app()
    parts = [f"a={first}" if first is not None else "", f"c={second}" if second else ""]
    query = "&".join(part for part in parts if part).replace(" ", "%20").encode()
    headers = [(b"x-s", b"v")]
    for inline, ref in (("/q", "/q_ref"), ("/d", "/d_ref")):
        inline_answer = answer(raw, app, inline, query=query, headers=headers)
        assert inline_answer == answer(raw, app, ref, query=query, headers=headers)
    if first == "7" and second is None:
        assert inline_answer == (200, {"total": "7 v", "c": None})
    assert answer(raw, app, "/q_required", query=query + b"&b=x") == answer(
        raw, app, "/q_required_ref", query=query + b"&b=x"
    )


def test_plain_parameter_endpoints_answering_otherwise(raw: Any) -> None:
    """Endpoints and dependencies run with no Context may still return a response object or
    raise; both are answered as through the general path."""
    from fasterapi_core import HTTPException
    from fasterapi_core.responses import JSONResponse

    app = Faster(openapi_url=None)

    async def check(a: int = 0) -> int:
        if a == 13:
            raise HTTPException(418, "unlucky")
        return a

    @app.get("/single/{a}")
    async def single(a: int) -> Any:
        if a == 13:
            raise HTTPException(418, "unlucky")
        return JSONResponse({"a": a}, status_code=202)

    @app.get("/graph")
    async def graph(value: Annotated[int, Depends(check)]) -> Any:
        return JSONResponse({"a": value}, status_code=202)

    routes = {route.path: route for route in app.routes}
    assert routes["/single/{a}"]._fast_start is not None
    assert routes["/graph"].plan.fast_runner is not None
    for path, query in (("/single/5", b""), ("/graph", b"a=5")):
        result = raw(app, "GET", path, query=query)
        assert (result.status, result.body) == (202, b'{"a":5}')
    for path, query in (("/single/13", b""), ("/graph", b"a=13")):
        result = raw(app, "GET", path, query=query)
        assert (result.status, msgspec.json.decode(result.body)) == (418, {"detail": "unlucky"})


def test_overriding_a_dependency_of_a_context_free_graph(raw: Any) -> None:
    """The graph run with no Context follows `app.dependency_overrides`, set and cleared."""
    app = Faster(openapi_url=None)

    async def real(a: int = 0) -> str:
        return f"real {a}"

    async def fake(b: int = 0) -> str:
        return f"fake {b}"

    @app.get("/graph")
    async def graph(value: Annotated[str, Depends(real)]) -> dict[str, str]:
        return {"value": value}

    assert answer(raw, app, "/graph", query=b"a=1&b=2") == (200, {"value": "real 1"})
    app.dependency_overrides[real] = fake
    assert answer(raw, app, "/graph", query=b"a=1&b=2") == (200, {"value": "fake 2"})
    route = next(r for r in app.routes if r.path == "/graph")
    assert route.plan.fast_runner is not None
    app.dependency_overrides.clear()
    assert answer(raw, app, "/graph", query=b"a=1&b=2") == (200, {"value": "real 1"})
