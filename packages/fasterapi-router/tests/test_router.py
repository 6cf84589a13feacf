import sys
import uuid
from typing import Any

import pytest

from fasterapi_router import RadixRouter, Route, RouteConflictError, RouterError

UID = "12345678-1234-5678-9abc-def012345678"


def make(*routes: tuple[str, str]) -> RadixRouter:
    """A router whose handler for each (method, template) is the template itself."""
    router = RadixRouter()
    for method, template in routes:
        router.add_route(method, template, template)
    return router


TABLE = make(
    ("GET", "/"),
    ("GET", "/users"),
    ("GET", "/users/"),
    ("GET", "/users/me"),
    ("GET", "/users/{user_id}"),
    ("GET", "/users/{id}/posts"),
    ("GET", "/items/special"),
    ("GET", "/items/{id:int}"),
    ("GET", "/items/{name}"),
    ("GET", "/items/{id}/detail"),
    ("GET", "/prices/{value:float}"),
    ("GET", "/objects/{oid:uuid}"),
    ("GET", "/objects/{oid}"),
    ("GET", "/files/{rest:path}"),
    ("GET", "/files/readme"),
    ("GET", "/files/{name}/info"),
    ("GET", "/a/{x}/b/{y:int}/c/{z}"),
    ("GET", "/mixed/{v:float}"),
    ("GET", "/mixed/{v:int}"),
    ("GET", "/mixed/{v:uuid}"),
    ("GET", "/mixed/{v}"),
    ("GET", "/mixed/{v:path}"),
)


@pytest.mark.parametrize(
    ("path", "template", "params"),
    [
        ("/", "/", {}),
        ("/users", "/users", {}),
        ("/users/", "/users/", {}),
        ("/users/me", "/users/me", {}),
        ("/users/ann", "/users/{user_id}", {"user_id": "ann"}),
        ("/users/ann/posts", "/users/{id}/posts", {"id": "ann"}),
        ("/users/me/posts", "/users/{id}/posts", {"id": "me"}),
        ("/items/special", "/items/special", {}),
        ("/items/special/detail", "/items/{id}/detail", {"id": "special"}),
        ("/items/42", "/items/{id:int}", {"id": 42}),
        ("/items/042", "/items/{id:int}", {"id": 42}),
        ("/items/-1", "/items/{name}", {"name": "-1"}),
        ("/items/+1", "/items/{name}", {"name": "+1"}),
        ("/items/1_000", "/items/{name}", {"name": "1_000"}),
        ("/items/²", "/items/{name}", {"name": "²"}),
        ("/items/٣", "/items/{name}", {"name": "٣"}),
        ("/items/42/detail", "/items/{id}/detail", {"id": "42"}),
        ("/items/pen", "/items/{name}", {"name": "pen"}),
        ("/prices/3", "/prices/{value:float}", {"value": 3.0}),
        ("/prices/3.25", "/prices/{value:float}", {"value": 3.25}),
        ("/objects/" + UID, "/objects/{oid:uuid}", {"oid": uuid.UUID(UID)}),
        ("/objects/" + UID.upper(), "/objects/{oid:uuid}", {"oid": uuid.UUID(UID)}),
        ("/objects/" + UID.replace("-", ""), "/objects/{oid}", {"oid": UID.replace("-", "")}),
        ("/files/readme", "/files/readme", {}),
        ("/files/readme/info", "/files/{name}/info", {"name": "readme"}),
        ("/files/", "/files/{rest:path}", {"rest": ""}),
        ("/files/a", "/files/{rest:path}", {"rest": "a"}),
        ("/files/a/b/c.txt", "/files/{rest:path}", {"rest": "a/b/c.txt"}),
        ("/files/a/info/x", "/files/{rest:path}", {"rest": "a/info/x"}),
        ("/files//x", "/files/{rest:path}", {"rest": "/x"}),
        ("/files/a/", "/files/{rest:path}", {"rest": "a/"}),
        ("/a/x/b/1/c/z", "/a/{x}/b/{y:int}/c/{z}", {"x": "x", "y": 1, "z": "z"}),
        ("/mixed/7", "/mixed/{v:int}", {"v": 7}),
        ("/mixed/7.5", "/mixed/{v:float}", {"v": 7.5}),
        ("/mixed/" + UID, "/mixed/{v:uuid}", {"v": uuid.UUID(UID)}),
        ("/mixed/seven", "/mixed/{v}", {"v": "seven"}),
        ("/mixed/", "/mixed/{v:path}", {"v": ""}),
        ("/mixed/7/8", "/mixed/{v:path}", {"v": "7/8"}),
    ],
)
def test_resolve_picks_the_most_specific_template(
    path: str, template: str, params: dict[str, Any]
) -> None:
    assert TABLE.resolve("GET", path) == (template, params, None)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "users",
        "//",
        "/nope",
        "/users//",
        "/users/ann/posts/",
        "/users//posts",
        "/items/",
        "/items/special/other",
        "/prices/1.",
        "/prices/.5",
        "/prices/-1",
        "/prices/1e5",
        "/prices/x",
        "/files",
        "/a/x/b/y/c/z",
        "/a/x/b/1/c/",
        "/a/x/b/1/c",
        "\x00",
        "/" * 10_000,
        "/users/" + "x/" * 5_000,
        "/é/ü/\U0001f600",
        "/users?x=1",
    ],
)
def test_paths_without_a_match_give_none(path: str) -> None:
    assert TABLE.resolve("GET", path) is None


def test_path_parameters_see_decoded_text_as_given() -> None:
    assert TABLE.resolve("GET", "/users/%2F") == ("/users/{user_id}", {"user_id": "%2F"}, None)
    assert TABLE.resolve("GET", "/users/a%2Fb") == ("/users/{user_id}", {"user_id": "a%2Fb"}, None)
    assert TABLE.resolve("GET", "/users/ü x") == ("/users/{user_id}", {"user_id": "ü x"}, None)


def test_an_int_too_long_for_int_falls_through_to_str() -> None:
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
    huge = "9" * (limit + 1)
    assert TABLE.resolve("GET", "/items/" + huge) == ("/items/{name}", {"name": huge}, None)
    router = make(("GET", "/n/{i:int}"), ("GET", "/n/{rest:path}"))
    assert router.resolve("GET", "/n/" + huge) == ("/n/{rest:path}", {"rest": huge}, None)
    assert make(("GET", "/n/{i:int}")).resolve("GET", "/n/" + huge) is None
    assert router.resolve("GET", "/n/12") == ("/n/{i:int}", {"i": 12}, None)
    deep = make(("GET", "/d/{i:int}/{rest:path}"), ("GET", "/d/{s}/x/{rest:path}"))
    assert deep.resolve("GET", f"/d/{huge}/y") is None
    assert deep.resolve("GET", f"/d/{huge}/x/y") == (
        "/d/{s}/x/{rest:path}",
        {"s": huge, "rest": "y"},
        None,
    )
    assert deep.resolve("GET", "/d/1/y") == ("/d/{i:int}/{rest:path}", {"i": 1, "rest": "y"}, None)


def test_backtracking_out_of_a_static_branch_and_a_parameter_branch() -> None:
    router = make(
        ("GET", "/a/b/c"),
        ("GET", "/a/{x}/d"),
        ("GET", "/a/{x:int}/e"),
        ("GET", "/{y}/b/f"),
        ("GET", "/{z:path}"),
    )
    assert router.resolve("GET", "/a/b/d") == ("/a/{x}/d", {"x": "b"}, None)
    assert router.resolve("GET", "/a/1/d") == ("/a/{x}/d", {"x": "1"}, None)
    assert router.resolve("GET", "/a/1/e") == ("/a/{x:int}/e", {"x": 1}, None)
    assert router.resolve("GET", "/a/b/f") == ("/{y}/b/f", {"y": "a"}, None)
    assert router.resolve("GET", "/a/b/g") == ("/{z:path}", {"z": "a/b/g"}, None)
    assert router.resolve("GET", "/") == ("/{z:path}", {"z": ""}, None)


def test_backtracking_tries_parameter_kinds_in_priority_order() -> None:
    router = make(
        ("GET", "/m/1/y"),
        ("GET", "/m/{v}/x"),
        ("GET", "/m/{v:float}/x"),
        ("GET", "/m/{v:int}/x"),
        ("GET", "/m/{v:uuid}/x"),
        ("GET", "/m/{v:path}"),
    )
    assert router.resolve("GET", "/m/1/x") == ("/m/{v:int}/x", {"v": 1}, None)
    assert router.resolve("GET", "/m/1/z") == ("/m/{v:path}", {"v": "1/z"}, None)
    assert router.resolve("GET", "/m/1.5/x") == ("/m/{v:float}/x", {"v": 1.5}, None)
    assert router.resolve("GET", f"/m/{UID}/x") == ("/m/{v:uuid}/x", {"v": uuid.UUID(UID)}, None)
    assert router.resolve("GET", "/m/a/x") == ("/m/{v}/x", {"v": "a"}, None)


def test_different_names_at_one_position() -> None:
    router = make(
        ("GET", "/users/{id}"), ("GET", "/users/{user_id}/posts"), ("PUT", "/users/{uid}")
    )
    assert router.resolve("GET", "/users/7") == ("/users/{id}", {"id": "7"}, None)
    assert router.resolve("GET", "/users/7/posts") == (
        "/users/{user_id}/posts",
        {"user_id": "7"},
        None,
    )
    assert router.resolve("PUT", "/users/7") == ("/users/{uid}", {"uid": "7"}, None)


def test_a_less_specific_template_serves_a_method_the_best_one_lacks() -> None:
    router = make(
        ("GET", "/items/special"),
        ("POST", "/items/{name}"),
        ("DELETE", "/items/{id:int}"),
        ("PUT", "/items/{rest:path}"),
    )
    assert router.resolve("GET", "/items/special") == ("/items/special", {}, None)
    assert router.resolve("POST", "/items/special") == ("/items/{name}", {"name": "special"}, None)
    assert router.resolve("PUT", "/items/special") == (
        "/items/{rest:path}",
        {"rest": "special"},
        None,
    )
    assert router.resolve("POST", "/items/5") == ("/items/{name}", {"name": "5"}, None)
    assert router.resolve("DELETE", "/items/5") == ("/items/{id:int}", {"id": 5}, None)
    assert router.resolve("DELETE", "/items/special") is None
    assert router.resolve("PATCH", "/items/5") is None


@pytest.mark.parametrize("method", ["get", "Get", "GET"])
def test_methods_are_case_insensitive(method: str) -> None:
    router = RadixRouter()
    router.add_route(method, "/static", "s")
    router.add_route(method, "/dyn/{x}", "d")
    router.add_route(method, "/cat/{x:path}", "c")
    assert router.resolve("GET", "/static") == ("s", {}, None)
    assert router.resolve("get", "/static") == ("s", {}, None)
    assert router.resolve("gEt", "/dyn/1") == ("d", {"x": "1"}, None)
    assert router.resolve("get", "/cat/1/2") == ("c", {"x": "1/2"}, None)
    assert [route.method for route in router.routes()] == ["GET", "GET", "GET"]


def test_head_is_not_added_for_get() -> None:
    router = make(("GET", "/x"), ("GET", "/y/{i:int}"))
    assert router.resolve("HEAD", "/x") is None
    assert router.resolve("HEAD", "/y/1") is None
    assert router.allowed_methods("/x") == frozenset({"GET"})


@pytest.mark.parametrize("method", ["", " GET", "GET ", 5, None])
def test_bad_methods_are_rejected(method: Any) -> None:
    with pytest.raises(RouterError, match="HTTP method"):
        RadixRouter().add_route(method, "/", "h")


def test_metadata_and_handler_come_back_unchanged() -> None:
    router = RadixRouter()
    meta = {"name": "item", "tags": ["a"]}
    handler = object()
    router.add_route("GET", "/items/{id:int}", handler, meta)
    router.add_route("GET", "/items", handler, meta)
    found = router.resolve("GET", "/items/1")
    assert found is not None
    assert found[0] is handler
    assert found[2] is meta
    static = router.resolve("GET", "/items")
    assert static is not None
    assert static[2] is meta


def test_each_result_has_a_fresh_params_dict() -> None:
    router = make(("GET", "/s"), ("GET", "/d/{x}"))
    for path in ("/s", "/d/1"):
        first = router.resolve("GET", path)
        assert first is not None
        first[1]["mutated"] = True
        second = router.resolve("GET", path)
        assert second is not None
        assert "mutated" not in second[1]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("/users/{id}", "/users/{id}", True),
        ("/users/{id}", "/users/{user_id}", False),
        ("/users/{id:int}", "/users/{n:int}", False),
        ("/files/{p:path}", "/files/{q:path}", False),
        ("/static", "/static", True),
    ],
)
def test_equivalent_templates_conflict(first: str, second: str, same: bool) -> None:
    router = RadixRouter()
    router.add_route("get", first, "one")
    wording = "the same template" if same else "the equivalent template"
    with pytest.raises(RouteConflictError, match=f"GET '.*' is already registered as {wording}"):
        router.add_route("GET", second, "two")
    router.add_route("POST", second, "two")
    assert len(router) == 2
    assert len(router.routes()) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/items/{id:int}", "/items/{name}"),
        ("/items/{id:float}", "/items/{id:int}"),
        ("/items/{id}", "/items/{id:path}"),
        ("/items/{id}", "/items/{id}/"),
        ("/items", "/items/"),
    ],
)
def test_templates_of_different_shapes_coexist(first: str, second: str) -> None:
    router = make(("GET", first), ("GET", second))
    assert [route.template for route in router.routes()] == [first, second]


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/items/special", {"GET", "POST", "PUT"}),
        ("/items/5", {"POST", "DELETE", "PUT"}),
        ("/items/a/b", {"PUT"}),
        ("/items", set()),
        ("/other", set()),
        ("", set()),
    ],
)
def test_allowed_methods_is_the_union_over_matching_templates(path: str, methods: set[str]) -> None:
    router = make(
        ("GET", "/items/special"),
        ("POST", "/items/{name}"),
        ("DELETE", "/items/{id:int}"),
        ("PUT", "/items/{rest:path}"),
    )
    assert router.allowed_methods(path) == frozenset(methods)


def test_routes_lists_every_route_in_registration_order() -> None:
    router = RadixRouter()
    router.add_route("GET", "/a/{x:int}/{y:float}/{z:uuid}/{s}/{rest:path}", "h", {"m": 1})
    router.add_route("post", "/b", "g")
    first, second = router.routes()
    assert first == Route(
        method="GET",
        template="/a/{x:int}/{y:float}/{z:uuid}/{s}/{rest:path}",
        handler="h",
        metadata={"m": 1},
        param_names=("x", "y", "z", "s", "rest"),
        param_converters=("int", "float", "uuid", "str", "path"),
        param_types=(int, float, uuid.UUID, str, str),
    )
    assert second == Route("POST", "/b", "g", None, (), (), ())
    router.routes().clear()
    assert len(router.routes()) == 2
    with pytest.raises(AttributeError):
        first.method = "PUT"  # type: ignore[misc]


def test_greedy_walk_falls_back_when_a_node_has_other_converters() -> None:
    router = make(("GET", "/n/{v:float}/x"), ("GET", "/n/{v:uuid}/y"), ("GET", "/n/{rest:path}"))
    assert router.resolve("GET", "/n/1.5/x") == ("/n/{v:float}/x", {"v": 1.5}, None)
    assert router.resolve("GET", f"/n/{UID}/y") == ("/n/{v:uuid}/y", {"v": uuid.UUID(UID)}, None)
    assert router.resolve("GET", "/n/1.5/y") == ("/n/{rest:path}", {"rest": "1.5/y"}, None)


def test_catch_all_added_after_parameters_and_parameters_after_catch_all() -> None:
    before = make(("GET", "/c/{rest:path}"), ("GET", "/c/{x}/y"))
    after = make(("GET", "/c/{x}/y"), ("GET", "/c/{rest:path}"))
    for router in (before, after):
        assert router.resolve("GET", "/c/a/y") == ("/c/{x}/y", {"x": "a"}, None)
        assert router.resolve("GET", "/c/a/z") == ("/c/{rest:path}", {"rest": "a/z"}, None)
        assert router.resolve("GET", "/c/") == ("/c/{rest:path}", {"rest": ""}, None)
        assert router.resolve("POST", "/c/a") is None


def test_catch_all_for_another_method_only() -> None:
    router = make(("POST", "/c/{rest:path}"), ("GET", "/c/{x:int}"))
    assert router.resolve("GET", "/c/a") is None
    assert router.resolve("POST", "/c/a") == ("/c/{rest:path}", {"rest": "a"}, None)
    assert router.resolve("GET", "/c/1") == ("/c/{x:int}", {"x": 1}, None)


# --- the "/literal/.../{param}" shortcut ---------------------------------------------------
# `resolve` answers a path whose last segment follows a literal-only prefix from
# `path.rpartition("/")` without walking the prefix, and falls back to the walk for anything
# else. These tests pin the cases where the two could part: a literal child for the last
# segment, a method only a less specific route has, an int too long for int(), empty and
# slash-free paths, typed and root-level parameters, and routes added after lookups.


TAIL_TABLE = make(
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
    assert TAIL_TABLE.resolve(method, path) == (*expected, None)


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
    assert TAIL_TABLE.resolve(method, path) is None


def test_allowed_methods_are_unchanged_by_the_shortcut() -> None:
    assert TAIL_TABLE.allowed_methods("/items/42") == {"GET", "PUT"}
    assert TAIL_TABLE.allowed_methods("/mixed/7") == {"GET", "DELETE"}
    assert TAIL_TABLE.allowed_methods("/only/abc") == frozenset()


def test_an_int_too_long_for_int_falls_back_to_the_str_route() -> None:
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
    huge = "9" * (limit + 1)
    assert TAIL_TABLE.resolve("GET", "/items/" + huge) == ("/items/{name}", {"name": huge}, None)
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
    first = TAIL_TABLE.resolve("GET", "/items/abc")
    assert first is not None
    first[1]["name"] = "changed"
    assert TAIL_TABLE.resolve("GET", "/items/abc") == ("/items/{name}", {"name": "abc"}, None)


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
