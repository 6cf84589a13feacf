"""Headers, MutableHeaders, QueryParams, URL, State."""

import pytest

from fasterapi_core.datastructures import (
    URL,
    Headers,
    MutableHeaders,
    QueryParams,
    State,
    encode_header,
)


def test_headers_case_insensitive_multi() -> None:
    h = Headers(raw=[(b"content-type", b"a"), (b"x-many", b"1"), (b"x-many", b"2")])
    assert h["Content-Type"] == "a"
    assert h.get("X-MANY") == "1"
    assert h.getlist("x-many") == ["1", "2"]
    assert "x-many" in h
    assert "nope" not in h
    assert h.keys() == ["content-type", "x-many", "x-many"]
    assert h.values() == ["a", "1", "2"]
    assert h.items() == h.multi_items()
    assert list(h) == h.keys()
    assert len(h) == 3
    assert h == Headers(raw=list(h.raw))
    assert h != {"content-type": "a"}
    assert "content-type" in repr(h)
    assert Headers({"X-A": "1"})["x-a"] == "1"
    assert Headers(scope={"headers": [(b"a", b"b")]})["a"] == "b"
    assert Headers().get("x") is None
    with pytest.raises(KeyError):
        _ = h["missing"]


def test_mutable_headers() -> None:
    h = MutableHeaders(raw=[(b"a", b"1"), (b"a", b"2")])
    h["A"] = "3"
    assert h.getlist("a") == ["3"]
    h.append("a", "4")
    assert h.getlist("a") == ["3", "4"]
    del h["a"]
    assert "a" not in h
    assert h.setdefault("b", "1") == "1"
    assert h.setdefault("b", "2") == "1"
    h.update({"c": "1"})
    h.add_vary_header("Accept")
    h.add_vary_header("Origin")
    assert h["vary"] == "Accept, Origin"
    copy = Headers(raw=[(b"a", b"1")]).mutablecopy()
    copy["a"] = "2"
    assert copy["a"] == "2"


@pytest.mark.parametrize(
    ("name", "value"),
    [("a", "x\ny"), ("a", "x\r"), ("a", "\0"), ("a b", "v"), ("", "v"), ("a", "\u2603")],
)
def test_encode_header_refuses_injection(name: str, value: str) -> None:
    with pytest.raises(ValueError):
        encode_header(name, value)


def test_encode_header_types() -> None:
    with pytest.raises(TypeError):
        encode_header("a", 1)  # type: ignore[arg-type]
    assert encode_header("X-A", "é") == (b"x-a", "é".encode("latin-1"))


def test_query_params() -> None:
    q = QueryParams("a=1&a=2&b=&c")
    assert q["a"] == "2"
    assert q.getlist("a") == ["1", "2"]
    assert q["b"] == ""
    assert q["c"] == ""
    assert len(q) == 3
    assert list(q) == ["a", "b", "c"]
    assert "a" in q
    assert str(q) == "a=1&a=2&b=&c="
    assert q == QueryParams([("a", "1"), ("a", "2"), ("b", ""), ("c", "")])
    assert q != "a=1"
    assert QueryParams({"x": 1})["x"] == "1"
    assert QueryParams(b"x=%ff")["x"] == "\ufffd"
    assert QueryParams(None).multi_items() == []
    assert "QueryParams" in repr(q)


def test_url_parts_and_replace() -> None:
    u = URL("https://user:pw@example.org:8443/p/a?x=1#frag")
    assert (u.scheme, u.netloc, u.path, u.query, u.fragment) == (
        "https",
        "user:pw@example.org:8443",
        "/p/a",
        "x=1",
        "frag",
    )
    assert (u.username, u.password, u.hostname, u.port, u.is_secure) == (
        "user",
        "pw",
        "example.org",
        8443,
        True,
    )
    assert str(u.replace(path="/q")) == "https://user:pw@example.org:8443/q?x=1#frag"
    assert str(u.replace(port=9000)) == "https://user:pw@example.org:9000/p/a?x=1#frag"
    assert (
        str(u.replace(hostname="h", username=None, password=None, port=None))
        == "https://h/p/a?x=1#frag"
    )
    assert str(u.replace(hostname="h")) == "https://user:pw@h:8443/p/a?x=1#frag"
    assert str(URL("http://[::1]:80/").replace(port=81)) == "http://[::1]:81/"
    assert (
        str(u.include_query_params(y=2, x=3)) == "https://user:pw@example.org:8443/p/a?y=2&x=3#frag"
    )
    assert str(u.remove_query_params("x")) == "https://user:pw@example.org:8443/p/a#frag"
    assert str(u.remove_query_params(["x", "z"])).endswith("/p/a#frag")
    assert u == str(u)
    assert hash(u) == hash(URL(str(u)))
    assert repr(URL("/x")) == "URL('/x')"


def test_state() -> None:
    s = State()
    s.a = 1
    assert s.a == 1
    assert "a" in s
    del s.a
    with pytest.raises(AttributeError):
        _ = s.a
    with pytest.raises(AttributeError):
        del s.a
    backing = {"x": 1}
    assert State(backing).x == 1
    assert "State" in repr(s)


def test_lazy_form_reexports() -> None:
    from fasterapi_core import datastructures
    from fasterapi_core.forms import FormData, UploadFile

    assert datastructures.UploadFile is UploadFile
    assert datastructures.FormData is FormData
    with pytest.raises(AttributeError):
        _ = datastructures.Nothing


@pytest.mark.parametrize("host", ["[::1", "a]b", "[::1]x]"])
def test_url_with_a_malformed_host_never_raises(host: str) -> None:
    scope = {
        "type": "http",
        "scheme": "http",
        "path": "/items/",
        "query_string": b"q=1",
        "headers": [(b"host", host.encode("latin-1"))],
    }
    url = URL(scope=scope)
    assert (url.netloc, url.path, url.query) == (host, "/items/", "q=1")
    assert str(url.replace(path="/items")) == f"http://{host}/items?q=1"
