"""Path, query, header and cookie parameters: conversion, constraints, FastAPI's 422 bodies."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Annotated, Any, Literal, Optional

import pytest

from fasterapi_core import Cookie, Faster, Header, Path, Query
from fasterapi_core.exceptions import FastAPIError
from fasterapi_core.params import QueryInfo
from fasterapi_testing import TestClient


class Color(enum.Enum):
    a = "a"
    b = "b"


class Level(enum.IntEnum):
    low = 1
    high = 2


def make_app() -> Faster:
    app = Faster()

    @app.get("/items/{item_id}")
    def read_item(item_id: int, q: str) -> dict[str, Any]:
        return {"item_id": item_id, "q": q}

    @app.get("/types")
    def types(
        b: bool = False,
        u: Optional[uuid.UUID] = None,  # noqa: UP045 - FastAPI users write it
        d: dt.datetime | None = None,
        day: dt.date | None = None,
        t: dt.time | None = None,
        td: dt.timedelta | None = None,
        dec: decimal.Decimal | None = None,
        c: Color | None = None,
        lv: Level | None = None,
        lit: Literal["x", "y"] | None = None,
        fl: float | None = None,
    ) -> dict[str, Any]:
        return {
            "b": b,
            "u": str(u) if u else None,
            "d": d.isoformat() if d else None,
            "day": day.isoformat() if day else None,
            "t": t.isoformat() if t else None,
            "td": td.total_seconds() if td else None,
            "dec": str(dec) if dec is not None else None,
            "c": c.value if c else None,
            "lv": int(lv) if lv else None,
            "lit": lit,
            "fl": fl,
        }

    @app.get("/constraints")
    def constraints(
        g: Annotated[int, Query(gt=0, le=10)] = 5,
        s: Annotated[str, Query(min_length=3, max_length=5, pattern="^a")] = "abc",
        m: int = Query(0, multiple_of=3),
        r: str = Query("ab", pattern="^a"),
        lt: float = Query(0, lt=1, ge=-1),
    ) -> dict[str, Any]:
        return {"g": g, "s": s, "m": m, "r": r, "lt": lt}

    @app.get("/lists")
    def lists(
        li: Annotated[list[int], Query()] = [],  # noqa: B006
        tags: list[str] = Query(default_factory=list, alias="tag"),
        req: list[str] = Query(min_length=1),
    ) -> dict[str, Any]:
        return {"li": li, "tags": tags, "req": req}

    @app.get("/headers")
    def headers(
        x_token: str = Header(),
        user_agent: str | None = Header(None),
        x_raw_name: str | None = Header(None, convert_underscores=False),
        x_many: list[str] = Header([]),
    ) -> dict[str, Any]:
        return {"x_token": x_token, "ua": user_agent, "raw": x_raw_name, "many": x_many}

    @app.get("/cookies")
    def cookies(session: str = Cookie(), n: int = Cookie(0)) -> dict[str, Any]:
        return {"session": session, "n": n}

    @app.get("/alias")
    def alias(item_query: str = Query(alias="item-query")) -> str:
        return item_query

    @app.get("/files/{file_path:path}")
    def files(file_path: str) -> str:
        return file_path

    @app.get("/pathcheck/{n}")
    def pathcheck(n: Annotated[int, Path(ge=1, title="N")]) -> int:
        return n

    @app.get("/uuid/{u}")
    def by_uuid(u: uuid.UUID) -> str:
        return str(u)

    @app.get("/enum/{c}")
    def by_enum(c: Color) -> str:
        return c.value

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


def test_path_int_and_missing_query_match_fastapi(client: TestClient) -> None:
    r = client.get("/items/foo")
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["path", "item_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "foo",
            },
            {"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None},
        ]
    }


def test_path_and_query_ok(client: TestClient) -> None:
    assert client.get("/items/3", params={"q": "x"}).json() == {"item_id": 3, "q": "x"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("b=true", {"b": True}),
        ("b=YES", {"b": True}),
        ("b=on", {"b": True}),
        ("b=0", {"b": False}),
        ("b=off", {"b": False}),
        ("u=12345678-1234-5678-1234-567812345678", {"u": "12345678-1234-5678-1234-567812345678"}),
        ("d=2024-01-02T03:04:05", {"d": "2024-01-02T03:04:05"}),
        ("d=2024-01-02T03:04:05Z", {"d": "2024-01-02T03:04:05+00:00"}),
        ("day=2024-01-02", {"day": "2024-01-02"}),
        ("t=10:20:30", {"t": "10:20:30"}),
        ("td=90", {"td": 90.0}),
        ("td=PT1M", {"td": 60.0}),
        ("dec=1.25", {"dec": "1.25"}),
        ("c=b", {"c": "b"}),
        ("lv=2", {"lv": 2}),
        ("lit=y", {"lit": "y"}),
        ("fl=1.5", {"fl": 1.5}),
    ],
)
def test_scalar_types_convert(client: TestClient, query: str, expected: dict[str, Any]) -> None:
    r = client.get("/types?" + query)
    assert r.status_code == 200, r.text
    body = r.json()
    for key, value in expected.items():
        assert body[key] == value


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "b=maybe",
            {
                "type": "bool_parsing",
                "msg": "Input should be a valid boolean, unable to interpret input",
            },
        ),
        ("dec=abc", {"type": "decimal_parsing", "msg": "Input should be a valid decimal"}),
        (
            "c=z",
            {
                "type": "enum",
                "msg": "Input should be 'a' or 'b'",
                "ctx": {"expected": "'a' or 'b'"},
            },
        ),
        ("lv=7", {"type": "enum", "msg": "Input should be 1 or 2", "ctx": {"expected": "1 or 2"}}),
        (
            "lit=q",
            {
                "type": "literal_error",
                "msg": "Input should be 'x' or 'y'",
                "ctx": {"expected": "'x' or 'y'"},
            },
        ),
        (
            "fl=x",
            {
                "type": "float_parsing",
                "msg": "Input should be a valid number, unable to parse string as a number",
            },
        ),
        ("u=zz", {"type": "uuid_parsing"}),
        ("d=nope", {"type": "datetime_from_date_parsing"}),
        ("day=2020-13-01", {"type": "date_from_datetime_parsing"}),
        ("t=25:00", {"type": "time_parsing"}),
        ("td=zz", {"type": "time_delta_parsing"}),
    ],
)
def test_scalar_type_errors(client: TestClient, query: str, error: dict[str, Any]) -> None:
    r = client.get("/types?" + query)
    assert r.status_code == 422
    (got,) = r.json()["detail"]
    name, value = query.split("=")
    assert got["loc"] == ["query", name]
    assert got["input"] == value
    for key, expected in error.items():
        assert got[key] == expected


def test_constraint_errors_match_fastapi(client: TestClient) -> None:
    r = client.get("/constraints?g=11&s=bbb")
    assert r.json() == {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["query", "g"],
                "msg": "Input should be less than or equal to 10",
                "input": "11",
                "ctx": {"le": 10},
            },
            {
                "type": "string_pattern_mismatch",
                "loc": ["query", "s"],
                "msg": "String should match pattern '^a'",
                "input": "bbb",
                "ctx": {"pattern": "^a"},
            },
        ]
    }


@pytest.mark.parametrize(
    ("query", "kind", "ctx"),
    [
        ("g=0", "greater_than", {"gt": 0}),
        ("s=ab", "string_too_short", {"min_length": 3}),
        ("s=abcdef", "string_too_long", {"max_length": 5}),
        ("m=4", "multiple_of", {"multiple_of": 3}),
        ("r=ba", "string_pattern_mismatch", {"pattern": "^a"}),
        ("lt=1", "less_than", {"lt": 1}),
        ("lt=-2", "greater_than_equal", {"ge": -1}),
    ],
)
def test_each_constraint(client: TestClient, query: str, kind: str, ctx: dict[str, Any]) -> None:
    r = client.get("/constraints?" + query)
    assert r.status_code == 422
    (error,) = r.json()["detail"]
    assert error["type"] == kind
    assert error["ctx"] == ctx


def test_constraints_pass(client: TestClient) -> None:
    assert client.get("/constraints?g=10&s=abcde&m=9&r=a&lt=0.5").json() == {
        "g": 10,
        "s": "abcde",
        "m": 9,
        "r": "a",
        "lt": 0.5,
    }


def test_lists_from_repeated_keys(client: TestClient) -> None:
    r = client.get("/lists?li=1&li=2&tag=a&tag=b&req=x")
    assert r.json() == {"li": [1, 2], "tags": ["a", "b"], "req": ["x"]}


def test_list_defaults_are_fresh(client: TestClient) -> None:
    assert client.get("/lists?req=x").json() == {"li": [], "tags": [], "req": ["x"]}
    assert client.get("/lists?req=y").json()["li"] == []


def test_list_item_errors_have_index(client: TestClient) -> None:
    r = client.get("/lists?li=1&li=x&req=a")
    assert r.json()["detail"] == [
        {
            "type": "int_parsing",
            "loc": ["query", "li", 1],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "x",
        }
    ]


def test_required_list_missing(client: TestClient) -> None:
    r = client.get("/lists")
    assert r.json()["detail"] == [
        {"type": "missing", "loc": ["query", "req"], "msg": "Field required", "input": None}
    ]


def test_headers(client: TestClient) -> None:
    r = client.get(
        "/headers",
        headers=[
            ("X-Token", "t"),
            ("User-Agent", "ua"),
            ("x_raw_name", "raw"),
            ("X-Many", "1"),
            ("X-Many", "2"),
        ],
    )
    assert r.json() == {"x_token": "t", "ua": "ua", "raw": "raw", "many": ["1", "2"]}


def test_header_missing(client: TestClient) -> None:
    r = client.get("/headers")
    assert r.json()["detail"] == [
        {"type": "missing", "loc": ["header", "x-token"], "msg": "Field required", "input": None}
    ]


def test_cookies(client: TestClient) -> None:
    r = client.get("/cookies", headers={"cookie": "session=abc; n=4"})
    assert r.json() == {"session": "abc", "n": 4}


def test_malformed_cookie_does_not_hide_others(client: TestClient) -> None:
    r = client.get("/cookies", headers={"cookie": 'junk; ;=; "x; session=abc; n=zz'})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["cookie", "n"]
    r = client.get("/cookies", headers={"cookie": "junk; session=abc"})
    assert r.json() == {"session": "abc", "n": 0}


def test_cookie_missing(client: TestClient) -> None:
    r = client.get("/cookies")
    assert r.json()["detail"] == [
        {"type": "missing", "loc": ["cookie", "session"], "msg": "Field required", "input": None}
    ]


def test_alias(client: TestClient) -> None:
    assert client.get("/alias?item-query=v").json() == "v"
    assert client.get("/alias?item_query=v").json()["detail"][0]["loc"] == ["query", "item-query"]


def test_path_catch_all(client: TestClient) -> None:
    assert client.get("/files/a/b/c.txt").json() == "a/b/c.txt"


def test_path_constraints(client: TestClient) -> None:
    assert client.get("/pathcheck/3").json() == 3
    assert client.get("/pathcheck/0").json()["detail"][0]["type"] == "greater_than_equal"


def test_path_uuid_and_enum(client: TestClient) -> None:
    u = "12345678-1234-5678-1234-567812345678"
    assert client.get(f"/uuid/{u}").json() == u
    assert client.get("/uuid/nope").status_code == 422
    assert client.get("/enum/a").json() == "a"
    assert client.get("/enum/zz").json()["detail"][0]["type"] == "enum"


@pytest.mark.parametrize("query", ["q=%zz", "q=%ff%fe", "q=%", "q=a%2", "%zz=1&q=ok", "q=\u00e9"])
def test_bad_percent_encoding_and_utf8_in_query(client: TestClient, query: str) -> None:
    r = client.get("/items/1?" + query)
    assert r.status_code == 200
    assert isinstance(r.json()["q"], str)


@pytest.mark.parametrize("path", ["/items/%ff", "/items/%zz", "/items/%", "/%ff%fe/x"])
def test_bad_percent_encoding_in_path(client: TestClient, path: str) -> None:
    r = client.get(path + "?q=x")
    assert r.status_code in (404, 422)


def test_int_accepts_float_string_with_zero_fraction(client: TestClient) -> None:
    assert client.get("/items/3.0?q=x").json()["item_id"] == 3
    assert client.get("/items/3.5?q=x").status_code == 422


Shared = Annotated[int, Query(ge=0)]


def test_shared_annotated_param_info_is_not_mutated() -> None:
    app = Faster()

    @app.get("/a")
    def a(n: Shared = 1) -> int:
        return n

    @app.get("/b")
    def b(n: Shared) -> int:
        return n

    client = TestClient(app)
    assert client.get("/a").json() == 1
    assert client.get("/b").json()["detail"][0]["type"] == "missing"


def test_both_annotated_and_default_param_is_an_error() -> None:
    app = Faster()
    with pytest.raises(FastAPIError):

        @app.get("/x")
        def x(n: Annotated[int, Query()] = Query(3)) -> int:
            return n


def test_path_param_not_in_template_is_an_error() -> None:
    app = Faster()
    with pytest.raises(FastAPIError):

        @app.get("/x")
        def x(n: int = Path()) -> int:
            return n


def test_unresolvable_annotation_is_a_clear_error() -> None:
    app = Faster()
    with pytest.raises(FastAPIError, match="Missing"):

        @app.get("/x")
        def x(n: Missing) -> int:  # type: ignore[name-defined]  # noqa: F821
            return 1


def test_param_info_rejects_default_and_factory() -> None:
    with pytest.raises(TypeError):
        QueryInfo(1, default_factory=list)
    assert QueryInfo().required
    assert not QueryInfo(None).required
    assert "QueryInfo" in repr(QueryInfo(3))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("zz", "invalid character: found `z` at 0"),
        ("123", "invalid length: found 3"),
        ("1234-5678", "invalid group count: expected 5, found 2"),
        (
            "12345678-1234-5678-1234-56781234567",
            "invalid group length in group 4: expected 12, found 11",
        ),
    ],
)
def test_uuid_messages_match_pydantic(client: TestClient, raw: str, reason: str) -> None:
    (error,) = client.get(f"/uuid/{raw}").json()["detail"]
    assert error["msg"] == f"Input should be a valid UUID, {reason}"
    assert error["ctx"] == {"error": reason}


@pytest.mark.parametrize("raw", ["\u00b2.0", "1\x1c.0", "9" * 4301 + ".0", "9."])
def test_int_values_that_fool_isdigit_are_422(client: TestClient, raw: str) -> None:
    r = client.get("/items/1", params={"q": "x"})
    assert r.status_code == 200
    r = client.get("/constraints", params={"m": raw})
    assert r.status_code in (200, 422)
    if raw != "9.":
        assert r.json()["detail"][0]["type"] == "int_parsing"


def test_lone_surrogate_in_an_int_path_is_a_422(raw: Any) -> None:
    result = raw(make_app(), "GET", "/items/\udcff", query=b"q=x")
    assert result.status == 422
    assert b"int_parsing" in result.body


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("day=2024-02-30", "day value is outside expected range"),
        ("day=2020-13-01", "month value is outside expected range of 1-12"),
        ("day=nope", "input is too short"),
        ("day=2024/01/01", "invalid date separator, expected `-`"),
        ("day=20x4-01-01", "invalid character in year"),
        ("d=2024-02-30T00:00:00", "day value is outside expected range"),
        ("t=25:00", "hour value is outside expected range of 0-23"),
        ("t=10:61", "minute value is outside expected range of 0-59"),
        ("t=x", "input is too short"),
    ],
)
def test_date_and_time_messages_match_pydantic(client: TestClient, query: str, reason: str) -> None:
    (error,) = client.get("/types?" + query).json()["detail"]
    assert error["ctx"] == {"error": reason}
    assert error["msg"].endswith(reason)
