"""The "/literal/.../{param}" shortcut in `resolve` gives what the full walk gives.

`resolve` answers a path whose last segment follows a literal-only prefix from
`path.rpartition("/")` without walking the prefix, and falls back to the walk
for anything else. These tests pin the cases where the two could part: a
literal child for the last segment, a method only a less specific route has,
an int too long for int(), empty and slash-free paths, typed and root-level
parameters, and routes added after lookups.
"""

import sys
import uuid
from typing import Any

import pytest

from fasterapi_router import RadixRouter

UID = "12345678-1234-5678-9abc-def012345678"


def make(*routes: tuple[str, str]) -> RadixRouter:
    """A router whose handler for each (method, template) is the template itself."""
    router = RadixRouter()
    for method, template in routes:
        router.add_route(method, template, template)
    return router


TABLE = make(
    ("GET", "/items/{id:int}"),
    ("GET", "/items/{name}"),
    ("PUT", "/items/{name}"),
    ("GET", "/items/special"),
    ("POST", "/items/special/{x}"),
    ("GET", "/items/{id:int}/more"),
    ("GET", "/prices/{value:float}"),
    ("GET", "/objects/{oid:uuid}"),
    ("GET", "/{slug}"),
    ("GET", "/deep/a/b/{x}"),
    ("GET", "/files/{name}"),
    ("GET", "/files/{rest:path}"),
    ("GET", "/only/{x}/deep"),
    ("DELETE", "/mixed/{v:int}"),
    ("GET", "/mixed/{v}"),
)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/items/42", ("/items/{id:int}", {"id": 42})),
        ("GET", "/items/042", ("/items/{id:int}", {"id": 42})),
        ("GET", "/items/abc", ("/items/{name}", {"name": "abc"})),
        ("GET", "/items/٣", ("/items/{name}", {"name": "٣"})),
        ("GET", "/items/special", ("/items/special", {})),
        # PUT exists only on the str route: the int route wins the walk but lacks the method.
        ("PUT", "/items/42", ("/items/{name}", {"name": "42"})),
        ("PUT", "/items/special", ("/items/{name}", {"name": "special"})),
        ("put", "/items/abc", ("/items/{name}", {"name": "abc"})),
        ("get", "/items/42", ("/items/{id:int}", {"id": 42})),
        ("GET", "/items/42/more", ("/items/{id:int}/more", {"id": 42})),
        ("POST", "/items/special/y", ("/items/special/{x}", {"x": "y"})),
        ("GET", "/prices/3.25", ("/prices/{value:float}", {"value": 3.25})),
        ("GET", "/prices/3", ("/prices/{value:float}", {"value": 3.0})),
        ("GET", "/objects/" + UID, ("/objects/{oid:uuid}", {"oid": uuid.UUID(UID)})),
        ("GET", "/abc", ("/{slug}", {"slug": "abc"})),
        ("GET", "/42", ("/{slug}", {"slug": "42"})),
        ("GET", "/deep/a/b/x", ("/deep/a/b/{x}", {"x": "x"})),
        ("GET", "/files/readme", ("/files/{name}", {"name": "readme"})),
        ("GET", "/files/", ("/files/{rest:path}", {"rest": ""})),
        ("GET", "/files/a/b", ("/files/{rest:path}", {"rest": "a/b"})),
        ("DELETE", "/mixed/7", ("/mixed/{v:int}", {"v": 7})),
        ("GET", "/mixed/7", ("/mixed/{v}", {"v": "7"})),
    ],
)
def test_last_segment_parameters(
    method: str, path: str, expected: tuple[str, dict[str, Any]]
) -> None:
    assert TABLE.resolve(method, path) == (*expected, None)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/items/"),
        ("GET", "abc"),
        ("GET", ""),
        ("GET", "/"),
        ("GET", "/prices/abc"),
        ("GET", "/deep/a/b/"),
        ("GET", "/deep/a/c/x"),
        ("GET", "/only/abc"),
        ("POST", "/items/42"),
        ("HEAD", "/items/42"),
        ("DELETE", "/mixed/seven"),
    ],
)
def test_no_match(method: str, path: str) -> None:
    assert TABLE.resolve(method, path) is None


def test_allowed_methods_are_unchanged_by_the_shortcut() -> None:
    assert TABLE.allowed_methods("/items/42") == {"GET", "PUT"}
    assert TABLE.allowed_methods("/mixed/7") == {"GET", "DELETE"}
    assert TABLE.allowed_methods("/only/abc") == frozenset()


def test_an_int_too_long_for_int_falls_back_to_the_str_route() -> None:
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
    huge = "9" * (limit + 1)
    assert TABLE.resolve("GET", "/items/" + huge) == ("/items/{name}", {"name": huge}, None)
    assert make(("GET", "/n/{i:int}")).resolve("GET", "/n/" + huge) is None


def test_routes_added_after_lookups_are_found() -> None:
    router = make(("GET", "/a/{x}"))
    assert router.resolve("GET", "/a/1") == ("/a/{x}", {"x": "1"}, None)
    assert router.resolve("GET", "/b/c/1") is None
    router.add_route("GET", "/b/c/{y:int}", "late")
    router.add_route("GET", "/a/{x:int}", "int")
    router.add_route("POST", "/a/{x}", "post")
    assert router.resolve("GET", "/b/c/1") == ("late", {"y": 1}, None)
    assert router.resolve("GET", "/a/1") == ("int", {"x": 1}, None)
    assert router.resolve("POST", "/a/1") == ("post", {"x": "1"}, None)
    assert router.resolve("GET", "/a/z") == ("/a/{x}", {"x": "z"}, None)


def test_a_static_route_shadowing_the_last_segment_falls_back_for_other_methods() -> None:
    router = make(("GET", "/u/me"), ("POST", "/u/{name}"), ("GET", "/u/{name}"))
    assert router.resolve("GET", "/u/me") == ("/u/me", {}, None)
    assert router.resolve("POST", "/u/me") == ("/u/{name}", {"name": "me"}, None)
    assert router.resolve("GET", "/u/you") == ("/u/{name}", {"name": "you"}, None)


def test_params_dict_is_new_on_every_call() -> None:
    first = TABLE.resolve("GET", "/items/abc")
    assert first is not None
    first[1]["name"] = "changed"
    assert TABLE.resolve("GET", "/items/abc") == ("/items/{name}", {"name": "abc"}, None)


def test_many_prefixes_stay_exact() -> None:
    router = RadixRouter()
    for i in range(300):
        router.add_route("GET", f"/r{i}/{{item_id:int}}", i)
        router.add_route("GET", f"/api/v1/r{i}/{{name}}", -i)
    for i in (0, 1, 150, 299):
        assert router.resolve("GET", f"/r{i}/{i * 3}") == (i, {"item_id": i * 3}, None)
        assert router.resolve("GET", f"/api/v1/r{i}/n{i}") == (-i, {"name": f"n{i}"}, None)
    assert router.resolve("GET", "/r300/1") is None
    assert router.resolve("GET", "/r1/x") is None
