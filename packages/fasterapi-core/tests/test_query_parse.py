"""The raw query-string parsers behind query parameters: the plain-ASCII fast path and the
general (percent-decoding) path give the same answers."""

import pytest

from fasterapi_core.datastructures import parse_query, parse_query_last


@pytest.mark.parametrize(
    ("raw", "pairs"),
    [
        (b"", []),
        (b"skip=5&limit=20", [("skip", "5"), ("limit", "20")]),
        (b"a=1&a=2", [("a", "1"), ("a", "2")]),
        (b"flag&empty=&=v", [("flag", ""), ("empty", ""), ("", "v")]),
        (b"&&a=1&", [("a", "1")]),
        (b"a=x=y", [("a", "x=y")]),
        (b"q=a%20b&r=c+d", [("q", "a b"), ("r", "c d")]),
        (b"q=%zz", [("q", "%zz")]),
        (b"q=%C3%A9", [("q", "\u00e9")]),
        ("q=\u00e9".encode(), [("q", "\u00c3\u00a9")]),  # raw bytes are Latin-1, as Starlette
        (b"q=\xff", [("q", "\u00ff")]),
        (b"q=%ff", [("q", "\ufffd")]),  # an escape that is not UTF-8
    ],
)
def test_parse_query(raw: bytes, pairs: list[tuple[str, str]]) -> None:
    assert parse_query(raw) == pairs
    assert parse_query_last(raw) == dict(pairs)


def test_parse_query_last_keeps_the_last_value() -> None:
    assert parse_query_last(b"a=1&b=2&a=3") == {"a": "3", "b": "2"}
    assert parse_query_last(b"a=1&b=%32&a=3") == {"a": "3", "b": "2"}
