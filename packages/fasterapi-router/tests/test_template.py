import uuid
from typing import Any

import pytest

from fasterapi_router import InvalidTemplateError, RadixRouter, RouterError, format_path

UID = uuid.UUID("12345678-1234-5678-9abc-def012345678")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("users", "must start with '/'"),
        ("", "must start with '/'"),
        ("/users/{id", "exactly one parameter"),
        ("/users/id}", "exactly one parameter"),
        ("/users/{a}{b}", "exactly one parameter"),
        ("/users/x{id}", "exactly one parameter"),
        ("/users/{id}.json", "exactly one parameter"),
        ("/users/{{id}}", "exactly one parameter"),
        ("/users/{}", "must be an ASCII identifier"),
        ("/users/{:int}", "must be an ASCII identifier"),
        ("/users/{1d}", "must be an ASCII identifier"),
        ("/users/{na-me}", "must be an ASCII identifier"),
        ("/users/{é}", "must be an ASCII identifier"),
        ("/users/{id:integer}", "unknown converter 'integer'"),
        ("/users/{id:}", "unknown converter ''"),
        ("/users/{id:int:x}", "unknown converter 'int:x'"),
        ("/a/{id}/b/{id}", "repeats the parameter 'id'"),
        ("/a/{id}/b/{id:int}", "repeats the parameter 'id'"),
        ("/files/{rest:path}/x", "must be the last segment"),
        ("/files/{rest:path}/", "must be the last segment"),
    ],
)
def test_invalid_templates_are_rejected_at_registration(template: str, message: str) -> None:
    router = RadixRouter()
    with pytest.raises(InvalidTemplateError, match=message.replace("{", r"\{")):
        router.add_route("GET", template, "handler")
    assert router.routes() == []


@pytest.mark.parametrize(
    ("template", "type_name"), [(5, "int"), (["/a"], "list"), (b"/a", "bytes")]
)
def test_non_string_template_is_rejected(template: object, type_name: str) -> None:
    with pytest.raises(InvalidTemplateError, match=f"must be a str, not {type_name}"):
        RadixRouter().add_route("GET", template, "handler")  # type: ignore[arg-type]
    with pytest.raises(InvalidTemplateError, match=f"must be a str, not {type_name}"):
        format_path(template, {})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("template", "params", "expected"),
    [
        ("/", {}, "/"),
        ("/users/{user_id}", {"user_id": "ann"}, "/users/ann"),
        ("/users/{user_id}", {"user_id": 5}, "/users/5"),
        ("/items/{id:int}", {"id": 42}, "/items/42"),
        ("/items/{id:int}", {"id": "007"}, "/items/007"),
        ("/v/{x:float}", {"x": 2.5}, "/v/2.5"),
        ("/v/{x:float}", {"x": 3}, "/v/3"),
        ("/v/{x:float}", {"x": 1e-5}, "/v/0.00001"),
        ("/v/{x:float}", {"x": 1e20}, "/v/100000000000000000000"),
        ("/v/{x:float}", {"x": "1.50"}, "/v/1.50"),
        ("/u/{u:uuid}", {"u": UID}, f"/u/{UID}"),
        ("/u/{u:uuid}", {"u": str(UID).upper()}, f"/u/{str(UID).upper()}"),
        ("/files/{rest:path}", {"rest": "a/b/c.txt"}, "/files/a/b/c.txt"),
        ("/files/{rest:path}", {"rest": ""}, "/files/"),
        ("/a/{x}/b/{y:int}", {"x": "é ü", "y": 0}, "/a/é ü/b/0"),
    ],
)
def test_format_path_fills_templates(template: str, params: dict[str, Any], expected: str) -> None:
    assert format_path(template, params) == expected


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("/users/{user_id}", {"user_id": "a/b"}),
        ("/users/{user_id}", {"user_id": ""}),
        ("/items/{id:int}", {"id": -1}),
        ("/items/{id:int}", {"id": True}),
        ("/items/{id:int}", {"id": "x1"}),
        ("/items/{id:int}", {"id": 1.5}),
        ("/v/{x:float}", {"x": -0.5}),
        ("/v/{x:float}", {"x": float("inf")}),
        ("/v/{x:float}", {"x": float("nan")}),
        ("/v/{x:float}", {"x": "1e5"}),
        ("/v/{x:float}", {"x": None}),
        ("/u/{u:uuid}", {"u": "not-a-uuid"}),
        ("/u/{u:uuid}", {"u": 5}),
    ],
)
def test_format_path_rejects_values_the_router_would_not_match(
    template: str, params: dict[str, Any]
) -> None:
    with pytest.raises(RouterError, match=r"not a valid value|got a bool"):
        format_path(template, params)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"a": 1}, "missing b$"),
        ({"a": 1, "b": 2, "c": 3}, "unexpected c$"),
        ({"a": 1, "c": 3}, "missing b; unexpected c$"),
        ({}, "missing a, b$"),
    ],
)
def test_format_path_wants_exactly_the_template_parameters(
    params: dict[str, Any], message: str
) -> None:
    with pytest.raises(RouterError, match=message):
        format_path("/x/{a:int}/{b}", params)


def test_format_path_rejects_bad_templates() -> None:
    with pytest.raises(InvalidTemplateError):
        format_path("/x/{a:bad}", {"a": 1})


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("/items/{id:int}/{name}", {"id": 3, "name": "x"}),
        ("/v/{x:float}/{u:uuid}", {"x": 0.1, "u": UID}),
        ("/files/{rest:path}", {"rest": "a//b/"}),
    ],
)
def test_format_path_round_trips_through_resolve(template: str, params: dict[str, Any]) -> None:
    router = RadixRouter()
    router.add_route("GET", template, "h")
    assert router.resolve("GET", format_path(template, params)) == ("h", params, None)
