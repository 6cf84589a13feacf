"""Tutorial: Query Parameters — defaults, optional, bool conversion, required, lists."""

from typing import Annotated

import pytest

FAKE = [{"item_name": "Foo"}, {"item_name": "Bar"}, {"item_name": "Baz"}]


def build(fw):
    app = fw.FastAPI()

    @app.get("/items/")
    def list_items(skip: int = 0, limit: int = 10):
        return FAKE[skip : skip + limit]

    @app.get("/items/{item_id}")
    def read_item(item_id: str, q: str | None = None, short: bool = False):
        item = {"item_id": item_id}
        if q:
            item["q"] = q
        if not short:
            item["description"] = "This is an amazing item that has a long description"
        return item

    @app.get("/needy/{item_id}")
    def needy(item_id: str, needy: str, skip: int = 0, limit: int | None = None):
        return {"item_id": item_id, "needy": needy, "skip": skip, "limit": limit}

    @app.get("/tags/")
    def tags(q: Annotated[list[str] | None, fw.Query()] = None):
        return {"q": q}

    @app.get("/tags-default/")
    def tags_default(q: Annotated[list[str], fw.Query()] = ["foo", "bar"]):  # noqa: B006 - the documented FastAPI idiom
        return {"q": q}

    @app.get("/ints/")
    def ints(n: Annotated[list[int], fw.Query()]):
        return {"n": n, "sum": sum(n)}

    return app


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/items/", FAKE),
        ("/items/?skip=1", FAKE[1:]),
        ("/items/?skip=1&limit=1", FAKE[1:2]),
        ("/items/?limit=0", []),
        (
            "/items/foo",
            {
                "item_id": "foo",
                "description": "This is an amazing item that has a long description",
            },
        ),
        (
            "/items/foo?q=hi",
            {
                "item_id": "foo",
                "q": "hi",
                "description": "This is an amazing item that has a long description",
            },
        ),
        ("/needy/a?needy=x", {"item_id": "a", "needy": "x", "skip": 0, "limit": None}),
        ("/needy/a?needy=x&skip=2&limit=5", {"item_id": "a", "needy": "x", "skip": 2, "limit": 5}),
        ("/tags/", {"q": None}),
        ("/tags/?q=a&q=b", {"q": ["a", "b"]}),
        ("/tags/?q=a", {"q": ["a"]}),
        ("/tags-default/", {"q": ["foo", "bar"]}),
        ("/tags-default/?q=z", {"q": ["z"]}),
        ("/ints/?n=1&n=2&n=3", {"n": [1, 2, 3], "sum": 6}),
        ("/items/?unknown=1", FAKE),
    ],
)
def test_query_values(fw, url, body):
    with fw.client(build(fw)) as client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == body


@pytest.mark.parametrize("value", ["1", "True", "true", "on", "yes", "YES"])
def test_bool_truthy(fw, value):
    with fw.client(build(fw)) as client:
        response = client.get(f"/items/foo?short={value}")
    assert response.json() == {"item_id": "foo"}


@pytest.mark.parametrize("value", ["0", "False", "false", "off", "no"])
def test_bool_falsy(fw, value):
    with fw.client(build(fw)) as client:
        response = client.get(f"/items/foo?short={value}")
    assert "description" in response.json()


def test_bool_invalid(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/foo?short=maybe")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "bool_parsing",
                "loc": ["query", "short"],
                "msg": "Input should be a valid boolean, unable to interpret input",
                "input": "maybe",
            }
        ]
    }


def test_required_query_missing(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/needy/a")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"type": "missing", "loc": ["query", "needy"], "msg": "Field required", "input": None}
        ]
    }


def test_int_query_invalid(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/?skip=abc")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "int_parsing",
            "loc": ["query", "skip"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "abc",
        }
    ]


def test_list_item_error_location(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/ints/?n=1&n=x")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "int_parsing",
            "loc": ["query", "n", 1],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "x",
        }
    ]


def test_required_list_missing(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/ints/")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "missing", "loc": ["query", "n"], "msg": "Field required", "input": None}
    ]


def test_several_errors_at_once(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/needy/a?skip=x&limit=y")
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("missing", ["query", "needy"]),
        ("int_parsing", ["query", "skip"]),
        ("int_parsing", ["query", "limit"]),
    ]


def test_openapi_query_params(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    params = schema["paths"]["/needy/{item_id}"]["get"]["parameters"]
    assert params == [
        {
            "name": "item_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "title": "Item Id"},
        },
        {
            "name": "needy",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "title": "Needy"},
        },
        {
            "name": "skip",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "default": 0, "title": "Skip"},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Limit"},
        },
    ]
    tags = schema["paths"]["/tags/"]["get"]["parameters"][0]
    assert tags["schema"] == {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}],
        "title": "Q",
    }


def build_edges(fw):
    app = fw.FastAPI()

    @app.get("/q")
    def q(skip: int = 0, limit: int | None = None, flag: bool = False, name: str = "d"):
        return {"skip": skip, "limit": limit, "flag": flag, "name": name}

    @app.get("/ids")
    def ids(ids: Annotated[list[int], fw.Query(alias="id")] = []):  # noqa: B006 - FastAPI copies defaults
        return ids

    return app


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/q?skip=1&skip=2", {"skip": 2, "limit": None, "flag": False, "name": "d"}),
        ("/q?name=", {"skip": 0, "limit": None, "flag": False, "name": ""}),
        ("/q?skip=+3", {"skip": 3, "limit": None, "flag": False, "name": "d"}),
        (
            "/q?skip=99999999999999999999999",
            {"skip": 99999999999999999999999, "limit": None, "flag": False, "name": "d"},
        ),
        ("/ids?id=1&id=2", [1, 2]),
        ("/ids", []),
    ],
)
def test_query_edge_values(fw, url, body):
    with fw.client(build_edges(fw)) as client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == body


@pytest.mark.parametrize(
    ("url", "error_type", "name"),
    [
        ("/q?skip=", "int_parsing", "skip"),
        ("/q?limit=", "int_parsing", "limit"),
        ("/q?flag=", "bool_parsing", "flag"),
    ],
)
def test_empty_value_is_not_the_default(fw, url, error_type, name):
    with fw.client(build_edges(fw)) as client:
        response = client.get(url)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == error_type
    assert response.json()["detail"][0]["loc"] == ["query", name]
    assert response.json()["detail"][0]["input"] == ""
