"""Property tests: the router against a naive reference matcher on random route tables.

The reference turns each template into a regular expression, keeps the routes
whose expression matches the whole path, and picks the most specific one by
comparing, segment by segment, the rank of each segment's kind (literal text,
then int, float, uuid, str, path). It shares no code with the router.
"""

import re
import uuid
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fasterapi_router import RadixRouter, RouteConflictError, format_path

RANK = {"static": 0, "int": 1, "float": 2, "uuid": 3, "str": 4, "path": 5}
PATTERN = {
    "int": "[0-9]+",
    "float": r"[0-9]+(?:\.[0-9]+)?",
    "uuid": "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "str": "[^/]+",
    "path": ".*",
}
CONVERT: dict[str, Any] = {"int": int, "float": float, "uuid": uuid.UUID, "str": str, "path": str}
UID = "0f0e0d0c-0b0a-0908-0706-050403020100"
# Few distinct segment texts, so that random templates and paths overlap a lot.
TEXTS = ["a", "b", "", "1", "22", "3.5", UID, "x y", "é"]
METHODS = ["GET", "POST", "get"]
SETTINGS = settings(max_examples=150, deadline=None)


@dataclass
class RefRoute:
    method: str
    template: str
    regex: re.Pattern[str]
    names: list[str]
    kinds: list[str]
    rank: tuple[int, ...]
    shape: tuple[str, ...]


def ref_route(method: str, template: str) -> RefRoute:
    pieces: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    rank: list[int] = []
    shape: list[str] = []
    for part in template.split("/"):
        if part.startswith("{"):
            name, _, kind = part[1:-1].partition(":")
            kind = kind or "str"
            pieces.append(f"({PATTERN[kind]})")
            names.append(name)
            kinds.append(kind)
            rank.append(RANK[kind])
            shape.append("{" + kind + "}")
        else:
            pieces.append(re.escape(part))
            rank.append(0)
            shape.append(part)
    regex = re.compile("(?s)" + "/".join(pieces))
    return RefRoute(method.upper(), template, regex, names, kinds, tuple(rank), tuple(shape))


def ref_candidates(routes: list[RefRoute], path: str) -> list[tuple[RefRoute, dict[str, Any]]]:
    found = []
    for route in routes:
        match = route.regex.fullmatch(path)
        if match:
            params = {
                name: CONVERT[kind](value)
                for name, kind, value in zip(route.names, route.kinds, match.groups(), strict=True)
            }
            found.append((route, params))
    return found


def ref_resolve(
    routes: list[RefRoute], method: str, path: str
) -> tuple[str, dict[str, Any], str] | None:
    candidates = [c for c in ref_candidates(routes, path) if c[0].method == method.upper()]
    if not candidates:
        return None
    route, params = min(candidates, key=lambda c: c[0].rank)
    return route.template, params, route.method


@st.composite
def templates(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=1, max_value=4))
    parts = []
    for index in range(count):
        kind = draw(st.sampled_from(["static", "int", "float", "uuid", "str", "path"]))
        if kind == "path" and index != count - 1:
            kind = "str"
        name = draw(st.sampled_from(["p", "q", "id"])) + str(index)
        if kind == "static":
            parts.append(draw(st.sampled_from(["a", "1", ""])))
        elif kind == "str":
            parts.append(draw(st.sampled_from(["{%s}", "{%s:str}"])) % name)
        else:
            parts.append(f"{{{name}:{kind}}}")
    return "/" + "/".join(parts)


route_tables = st.lists(st.tuples(st.sampled_from(METHODS), templates()), max_size=12)


@st.composite
def paths(draw: st.DrawFn, table: list[tuple[str, str]]) -> str:
    """A random path: often a template filled with random texts, sometimes anything."""
    fill_a_template = draw(st.booleans())
    if table and fill_a_template:
        template = draw(st.sampled_from(table))[1]
        parts = [
            draw(st.sampled_from(TEXTS)) if p.startswith("{") else p for p in template.split("/")
        ]
        if template.endswith(":path}") and draw(st.booleans()):
            parts.append(draw(st.sampled_from(TEXTS)))
        return "/".join(parts)
    segments = draw(st.lists(st.sampled_from(TEXTS), max_size=5))
    prefix = draw(st.sampled_from(["/", "/", "", "//"]))
    return prefix + "/".join(segments)


def build(table: list[tuple[str, str]]) -> tuple[RadixRouter, list[RefRoute]]:
    """Register the table in both; duplicates must conflict exactly when the reference says so."""
    router = RadixRouter()
    refs: list[RefRoute] = []
    for method, template in table:
        ref = ref_route(method, template)
        duplicate = any(r.method == ref.method and r.shape == ref.shape for r in refs)
        try:
            router.add_route(method, template, template)
        except RouteConflictError:
            assert duplicate, (method, template)
        else:
            assert not duplicate, (method, template)
            refs.append(ref)
    return router, refs


@SETTINGS
@given(st.data(), route_tables)
def test_resolve_agrees_with_the_reference(
    data: st.DataObject, table: list[tuple[str, str]]
) -> None:
    router, refs = build(table)
    for _ in range(8):
        path = data.draw(paths(table))
        method = data.draw(st.sampled_from([*METHODS, "PUT"]))
        expected = ref_resolve(refs, method, path)
        got = router.resolve(method, path)
        if expected is None:
            assert got is None, (path, method)
        else:
            assert got == (expected[0], expected[1], None), (path, method)


@SETTINGS
@given(st.data(), route_tables)
def test_allowed_methods_agrees_with_the_reference(
    data: st.DataObject, table: list[tuple[str, str]]
) -> None:
    router, refs = build(table)
    for _ in range(8):
        path = data.draw(paths(table))
        expected = {route.method for route, _ in ref_candidates(refs, path)}
        assert router.allowed_methods(path) == expected, path
        for method in expected:
            assert router.resolve(method, path) is not None


@SETTINGS
@given(route_tables, st.text(max_size=60))
def test_any_string_resolves_or_gives_none(table: list[tuple[str, str]], path: str) -> None:
    router, refs = build(table)
    for candidate in (path, "/" + path):
        expected = ref_resolve(refs, "GET", candidate)
        got = router.resolve("GET", candidate)
        assert got == (None if expected is None else (expected[0], expected[1], None))
        assert isinstance(router.allowed_methods(candidate), frozenset)


@SETTINGS
@given(st.data(), templates())
def test_format_path_round_trips(data: st.DataObject, template: str) -> None:
    ref = ref_route("GET", template)
    values: dict[str, Any] = {}
    for name, kind in zip(ref.names, ref.kinds, strict=True):
        if kind == "int":
            values[name] = data.draw(st.integers(min_value=0, max_value=10**30))
        elif kind == "float":
            values[name] = data.draw(st.floats(min_value=0, allow_nan=False, allow_infinity=False))
        elif kind == "uuid":
            values[name] = data.draw(st.uuids())
        elif kind == "str":
            values[name] = data.draw(st.text(min_size=1, max_size=8).filter(lambda s: "/" not in s))
        else:
            values[name] = data.draw(st.text(max_size=12))
    router = RadixRouter()
    router.add_route("GET", template, "h")
    assert router.resolve("GET", format_path(template, values)) == ("h", values, None)
