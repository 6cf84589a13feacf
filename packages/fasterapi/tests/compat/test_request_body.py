"""Tutorial: Request Body, Body - Multiple Parameters, Body - Nested Models.

Bodies declared with dataclasses and TypedDicts run on both frameworks; msgspec Structs
only on FasterAPI (FastAPI cannot read them), against the same expected values.
"""

import dataclasses
import sys
from typing import Annotated, Any

if sys.version_info >= (3, 12):
    from typing import TypedDict
else:  # pydantic (FastAPI) reads only typing_extensions.TypedDict before 3.12
    try:
        from typing_extensions import TypedDict
    except ImportError:  # no pydantic either: FasterAPI alone reads typing's
        from typing import TypedDict

import msgspec


@dataclasses.dataclass
class Item:
    name: str
    price: float
    description: str | None = None
    tax: float | None = None


@dataclasses.dataclass
class User:
    username: str
    full_name: str | None = None


class Point(TypedDict):
    x: int
    y: int


class ItemStruct(msgspec.Struct):
    name: str
    price: float
    description: str | None = None
    tax: float | None = None


def build(fw, item_type=Item):
    app = fw.FastAPI()

    @app.post("/items/")
    def create_item(item: item_type):
        got: Any = item  # item_type is chosen at runtime
        is_dc = dataclasses.is_dataclass(got) and not isinstance(got, type)
        data = dataclasses.asdict(got) if is_dc else msgspec.to_builtins(got)
        if got.tax is not None:
            data["price_with_tax"] = got.price + got.tax
        return data

    @app.put("/items/{item_id}")
    def update_item(item_id: int, item: item_type, q: str | None = None):
        got: Any = item  # item_type is chosen at runtime
        result = {"item_id": item_id, "name": got.name, "price": got.price}
        if q:
            result["q"] = q
        return result

    @app.put("/multi/{item_id}")
    def multi(item_id: int, item: Item, user: User, importance: Annotated[int, fw.Body()]):
        return {
            "item_id": item_id,
            "item": dataclasses.asdict(item),
            "user": dataclasses.asdict(user),
            "importance": importance,
        }

    @app.put("/embed/{item_id}")
    def embed(item_id: int, item: Annotated[Item, fw.Body(embed=True)]):
        return {"item_id": item_id, "item": dataclasses.asdict(item)}

    @app.post("/points/")
    def points(point: Point):
        return {"sum": point["x"] + point["y"]}

    @app.post("/weights/")
    def weights(weights: dict[int, float]):
        return weights

    @app.post("/optional-body/")
    def optional_body(item: Item | None = None):
        return {"item": None if item is None else item.name}

    return app


ITEM = {"name": "Foo", "price": 50.5}


def test_body_minimal(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/", json=ITEM)
    assert response.status_code == 200
    assert response.json() == {"name": "Foo", "price": 50.5, "description": None, "tax": None}


def test_body_computed(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/", json={**ITEM, "tax": 1.5, "description": "d"})
    assert response.json() == {
        "name": "Foo",
        "price": 50.5,
        "description": "d",
        "tax": 1.5,
        "price_with_tax": 52.0,
    }


def test_body_path_and_query(fw):
    with fw.client(build(fw)) as client:
        response = client.put("/items/5?q=x", json=ITEM)
    assert response.json() == {"item_id": 5, "name": "Foo", "price": 50.5, "q": "x"}


def test_body_missing(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    }


def test_body_missing_field(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/", json={"name": "Foo"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "price"],
                "msg": "Field required",
                "input": {"name": "Foo"},
            }
        ]
    }


def test_body_wrong_type(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/", json={"name": "Foo", "price": "cheap"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "float_parsing",
                "loc": ["body", "price"],
                "msg": "Input should be a valid number, unable to parse string as a number",
                "input": "cheap",
            }
        ]
    }


def test_body_invalid_json(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/items/", content=b'{"name": "Foo",', headers={"content-type": "application/json"}
        )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body", 15],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting property name enclosed in double quotes"},
            }
        ]
    }


def test_body_multiple(fw):
    payload = {
        "item": ITEM,
        "user": {"username": "dave", "full_name": "Dave Grohl"},
        "importance": 5,
    }
    with fw.client(build(fw)) as client:
        response = client.put("/multi/3", json=payload)
    assert response.status_code == 200
    assert response.json() == {
        "item_id": 3,
        "item": {"name": "Foo", "price": 50.5, "description": None, "tax": None},
        "user": {"username": "dave", "full_name": "Dave Grohl"},
        "importance": 5,
    }


def test_body_multiple_missing_parts(fw):
    with fw.client(build(fw)) as client:
        response = client.put("/multi/3", json={"item": ITEM})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "user"], "msg": "Field required", "input": None},
            {
                "type": "missing",
                "loc": ["body", "importance"],
                "msg": "Field required",
                "input": None,
            },
        ]
    }


def test_body_embed(fw):
    with fw.client(build(fw)) as client:
        ok = client.put("/embed/1", json={"item": ITEM})
        flat = client.put("/embed/1", json=ITEM)
    assert ok.json() == {
        "item_id": 1,
        "item": {"name": "Foo", "price": 50.5, "description": None, "tax": None},
    }
    assert flat.status_code == 422
    assert flat.json()["detail"] == [
        {"type": "missing", "loc": ["body", "item"], "msg": "Field required", "input": None}
    ]


def test_typed_dict_body(fw):
    with fw.client(build(fw)) as client:
        assert client.post("/points/", json={"x": 1, "y": 2}).json() == {"sum": 3}
        response = client.post("/points/", json={"x": 1})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "missing", "loc": ["body", "y"], "msg": "Field required", "input": {"x": 1}}
    ]


def test_dict_with_int_keys(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/weights/", json={"1": 0.5, "2": 1.5})
    assert response.json() == {"1": 0.5, "2": 1.5}


def test_optional_body(fw):
    with fw.client(build(fw)) as client:
        assert client.post("/optional-body/").json() == {"item": None}
        assert client.post("/optional-body/", json=ITEM).json() == {"item": "Foo"}


def test_openapi_request_body(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    body = schema["paths"]["/items/"]["post"]["requestBody"]
    assert body == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
        "required": True,
    }
    assert schema["components"]["schemas"]["Item"] == {
        "properties": {
            "name": {"type": "string", "title": "Name"},
            "price": {"type": "number", "title": "Price"},
            "description": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "title": "Description",
            },
            "tax": {"anyOf": [{"type": "number"}, {"type": "null"}], "title": "Tax"},
        },
        "type": "object",
        "required": ["name", "price"],
        "title": "Item",
    }


def test_openapi_embedded_body_schema(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    ref = schema["paths"]["/embed/{item_id}"]["put"]["requestBody"]["content"]["application/json"][
        "schema"
    ]["$ref"]
    assert ref == "#/components/schemas/Body_embed_embed__item_id__put"
    assert schema["components"]["schemas"]["Body_embed_embed__item_id__put"] == {
        "properties": {"item": {"$ref": "#/components/schemas/Item"}},
        "type": "object",
        "required": ["item"],
        "title": "Body_embed_embed__item_id__put",
    }


# msgspec Structs: FasterAPI only, same expectations as the dataclass runs above.


def test_struct_body(faster_fw):
    with faster_fw.client(build(faster_fw, ItemStruct)) as client:
        ok = client.post("/items/", json={**ITEM, "tax": 1.5})
        missing = client.post("/items/", json={"name": "Foo"})
        put = client.put("/items/5?q=x", json=ITEM)
    assert ok.json() == {
        "name": "Foo",
        "price": 50.5,
        "description": None,
        "tax": 1.5,
        "price_with_tax": 52.0,
    }
    assert missing.status_code == 422
    assert missing.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "price"],
                "msg": "Field required",
                "input": {"name": "Foo"},
            }
        ]
    }
    assert put.json() == {"item_id": 5, "name": "Foo", "price": 50.5, "q": "x"}


def test_struct_body_wrong_type(faster_fw):
    with faster_fw.client(build(faster_fw, ItemStruct)) as client:
        response = client.post("/items/", json={"name": "Foo", "price": "cheap"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "float_parsing",
            "loc": ["body", "price"],
            "msg": "Input should be a valid number, unable to parse string as a number",
            "input": "cheap",
        }
    ]


def test_struct_openapi_matches_dataclass(faster_fw):
    with faster_fw.client(build(faster_fw, ItemStruct)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["components"]["schemas"]["ItemStruct"]["required"] == ["name", "price"]


def test_openapi_optional_body_schema(fw):
    schema = build(fw).openapi()
    body = schema["paths"]["/optional-body/"]["post"]["requestBody"]
    assert body == {
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [{"$ref": "#/components/schemas/Item"}, {"type": "null"}],
                    "title": "Item",
                }
            }
        }
    }


def test_json_body_with_text_content_type(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/items/", content=b'{"name":"a","price":1}', headers={"content-type": "text/plain"}
        )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "dataclass_type",
                "loc": ["body"],
                "msg": "Input should be a dictionary or an instance of Item",
                "input": '{"name":"a","price":1}',
                "ctx": {"class_name": "Item"},
            }
        ]
    }


def test_json_body_without_content_type(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/", content=b'{"name":"a","price":1}')
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_json_body_with_json_suffix_content_type(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/items/",
            content=b'{"name":"a","price":1}',
            headers={"content-type": "application/vnd.api+json"},
        )
    assert response.json() == {"name": "a", "price": 1.0, "description": None, "tax": None}


def test_body_reports_every_error(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/", json={"name": 1, "tax": "x"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "string_type",
                "loc": ["body", "name"],
                "msg": "Input should be a valid string",
                "input": 1,
            },
            {
                "type": "missing",
                "loc": ["body", "price"],
                "msg": "Field required",
                "input": {"name": 1, "tax": "x"},
            },
            {
                "type": "float_parsing",
                "loc": ["body", "tax"],
                "msg": "Input should be a valid number, unable to parse string as a number",
                "input": "x",
            },
        ]
    }


def test_body_not_an_object(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/", json=[1])
    assert response.json() == {
        "detail": [
            {
                "type": "dataclass_type",
                "loc": ["body"],
                "msg": "Input should be a dictionary or an instance of Item",
                "input": [1],
                "ctx": {"class_name": "Item"},
            }
        ]
    }


@dataclasses.dataclass
class AllDefaults:
    a: int = 1
    b: str = "x"


def test_openapi_all_defaults_dataclass_has_no_required(fw):
    app = fw.FastAPI()

    @app.post("/d")
    def create(d: AllDefaults):
        return d

    schema = app.openapi()["components"]["schemas"]["AllDefaults"]
    assert "required" not in schema
    assert schema["properties"]["a"] == {"type": "integer", "title": "A", "default": 1}


def test_echo_dataclass_body_keeps_defaults(fw):
    app = fw.FastAPI()

    @app.post("/echo")
    def echo(item: Item):
        return item

    @app.post("/vars")
    def as_vars(item: Item):
        return vars(item)

    with fw.client(app) as client:
        echoed = client.post("/echo", json={"name": "a", "price": 1})
        varsed = client.post("/vars", json={"name": "a", "price": 1})
    expected = {"name": "a", "price": 1.0, "description": None, "tax": None}
    assert echoed.json() == expected
    assert varsed.json() == expected


def test_truncated_json_array_body(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/items/", content=b"[", headers={"content-type": "application/json"}
        )
    assert response.json() == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body", 1],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting value"},
            }
        ]
    }


def test_union_field_errors(fw):
    app = fw.FastAPI()

    @app.post("/union")
    def union(v: Annotated[int | str, fw.Body(embed=True)]):
        return {"v": v, "type": type(v).__name__}

    with fw.client(app) as client:
        assert client.post("/union", json={"v": 5}).json() == {"v": 5, "type": "int"}
        assert client.post("/union", json={"v": "5"}).json() == {"v": "5", "type": "str"}
        response = client.post("/union", json={"v": [1]})
    assert response.json() == {
        "detail": [
            {
                "type": "int_type",
                "loc": ["body", "v", "int"],
                "msg": "Input should be a valid integer",
                "input": [1],
            },
            {
                "type": "string_type",
                "loc": ["body", "v", "str"],
                "msg": "Input should be a valid string",
                "input": [1],
            },
        ]
    }


@dataclasses.dataclass
class NestedOwner:
    age: int
    email: str
    nick: str = "n"


@dataclasses.dataclass
class NestedTag:
    label: str
    weight: float = 1.0


@dataclasses.dataclass
class NestedThing:
    name: str
    owner: NestedOwner
    tags: list[NestedTag]


@dataclasses.dataclass
class DeepLeaf:
    v: int
    w: list[int]


@dataclasses.dataclass
class DeepMid:
    leaf: DeepLeaf
    leaves: dict[str, DeepLeaf]


@dataclasses.dataclass
class DeepTop:
    mid: DeepMid
    n: int


_INT_PARSING = "Input should be a valid integer, unable to parse string as an integer"


def nested_errors(fw, tp, payload, *, embed=False):
    app = fw.FastAPI()

    if embed:

        @app.post("/nested")
        def embedded(b: Annotated[tp, fw.Body(embed=True)]):
            return "ok"

        payload = {"b": payload}
    else:

        @app.post("/nested")
        def single(b: tp):
            return "ok"

    with fw.client(app) as client:
        response = client.post("/nested", json=payload)
    assert response.status_code == 422
    return response.json()["detail"]


def test_nested_model_two_bad_fields(fw):
    payload = {"name": "a", "owner": {"age": "x", "email": 5}, "tags": []}
    expected: list[dict[str, Any]] = [
        {"type": "int_parsing", "loc": ["body", "owner", "age"], "msg": _INT_PARSING, "input": "x"},
        {
            "type": "string_type",
            "loc": ["body", "owner", "email"],
            "msg": "Input should be a valid string",
            "input": 5,
        },
    ]
    assert nested_errors(fw, NestedThing, payload) == expected
    embedded = [{**e, "loc": ["body", "b", *e["loc"][1:]]} for e in expected]
    assert nested_errors(fw, NestedThing, payload, embed=True) == embedded


def test_nested_list_of_models_bad_items(fw):
    payload = {"name": "a", "owner": {"age": 1, "email": "e"}, "tags": [1, {"label": 2}, {}]}
    assert nested_errors(fw, NestedThing, payload) == [
        {
            "type": "dataclass_type",
            "loc": ["body", "tags", 0],
            "msg": "Input should be a dictionary or an instance of NestedTag",
            "input": 1,
            "ctx": {"class_name": "NestedTag"},
        },
        {
            "type": "string_type",
            "loc": ["body", "tags", 1, "label"],
            "msg": "Input should be a valid string",
            "input": 2,
        },
        {
            "type": "missing",
            "loc": ["body", "tags", 2, "label"],
            "msg": "Field required",
            "input": {},
        },
    ]
    bare = [{"label": 1}, 5, {"label": "x"}, {"weight": "h"}]
    assert nested_errors(fw, list[NestedTag], bare) == [
        {
            "type": "string_type",
            "loc": ["body", 0, "label"],
            "msg": "Input should be a valid string",
            "input": 1,
        },
        {
            "type": "dataclass_type",
            "loc": ["body", 1],
            "msg": "Input should be a dictionary or an instance of NestedTag",
            "input": 5,
            "ctx": {"class_name": "NestedTag"},
        },
        {
            "type": "missing",
            "loc": ["body", 3, "label"],
            "msg": "Field required",
            "input": {"weight": "h"},
        },
        {
            "type": "float_parsing",
            "loc": ["body", 3, "weight"],
            "msg": "Input should be a valid number, unable to parse string as a number",
            "input": "h",
        },
    ]


def test_nested_missing_field_and_top_level_wrong_type(fw):
    payload = {"name": 3, "owner": {"email": "e"}, "tags": [{"label": "ok", "weight": "h"}]}
    assert nested_errors(fw, NestedThing, payload) == [
        {
            "type": "string_type",
            "loc": ["body", "name"],
            "msg": "Input should be a valid string",
            "input": 3,
        },
        {
            "type": "missing",
            "loc": ["body", "owner", "age"],
            "msg": "Field required",
            "input": {"email": "e"},
        },
        {
            "type": "float_parsing",
            "loc": ["body", "tags", 0, "weight"],
            "msg": "Input should be a valid number, unable to parse string as a number",
            "input": "h",
        },
    ]


def test_nested_dataclass_not_an_object(fw):
    payload = {"owner": [], "tags": {}}
    expected = [
        {
            "type": "missing",
            "loc": ["body", "b", "name"],
            "msg": "Field required",
            "input": {"owner": [], "tags": {}},
        },
        {
            "type": "dataclass_type",
            "loc": ["body", "b", "owner"],
            "msg": "Input should be a dictionary or an instance of NestedOwner",
            "input": [],
            "ctx": {"class_name": "NestedOwner"},
        },
        {
            "type": "list_type",
            "loc": ["body", "b", "tags"],
            "msg": "Input should be a valid list",
            "input": {},
        },
    ]
    assert nested_errors(fw, NestedThing, payload, embed=True) == expected


def test_nested_three_levels_deep(fw):
    payload = {
        "mid": {"leaf": {"v": "x", "w": [1, "a", 2, "b"]}, "leaves": {"k": {"v": 1}, "j": 3}},
        "n": "z",
    }
    assert nested_errors(fw, DeepTop, payload) == [
        {
            "type": "int_parsing",
            "loc": ["body", "mid", "leaf", "v"],
            "msg": _INT_PARSING,
            "input": "x",
        },
        {
            "type": "int_parsing",
            "loc": ["body", "mid", "leaf", "w", 1],
            "msg": _INT_PARSING,
            "input": "a",
        },
        {
            "type": "int_parsing",
            "loc": ["body", "mid", "leaf", "w", 3],
            "msg": _INT_PARSING,
            "input": "b",
        },
        {
            "type": "missing",
            "loc": ["body", "mid", "leaves", "k", "w"],
            "msg": "Field required",
            "input": {"v": 1},
        },
        {
            "type": "dataclass_type",
            "loc": ["body", "mid", "leaves", "j"],
            "msg": "Input should be a dictionary or an instance of DeepLeaf",
            "input": 3,
            "ctx": {"class_name": "DeepLeaf"},
        },
        {"type": "int_parsing", "loc": ["body", "n"], "msg": _INT_PARSING, "input": "z"},
    ]


# --- pydantic constraints on dataclass fields (FastAPI validates dataclasses with pydantic) ---


def _constrained_dataclasses():
    """(Inner, Outer): dataclasses whose fields carry pydantic `Field` constraints, in
    `Annotated[...]` and as defaults (needs pydantic: skipped without it)."""
    import pytest

    field = pytest.importorskip("pydantic").Field

    @dataclasses.dataclass
    class Inner:
        n: Annotated[int, field(gt=0)]
        tags: list[int] = field(default_factory=list, max_length=2)  # noqa: RUF009
        name: str = field(default="x", min_length=1)

    @dataclasses.dataclass
    class Outer:
        inner: Inner
        items: list[Inner] = dataclasses.field(default_factory=list)

    return Inner, Outer


def _constrained_app(fw):
    inner_tp, outer_tp = _constrained_dataclasses()
    app = fw.FastAPI()

    @app.post("/outer")
    def outer(body: outer_tp):
        return body

    @app.post("/list")
    def many(body: list[inner_tp]):
        return body

    @app.post("/embedded")
    def embedded(a: inner_tp, b: Annotated[int, fw.Body()]):
        return {"a": a, "b": b}

    return fw.client(app)


_GREATER_THAN_0 = {
    "type": "greater_than",
    "msg": "Input should be greater than 0",
    "ctx": {"gt": 0},
}


def test_dataclass_field_constraints_nested(fw):
    client = _constrained_app(fw)
    r = client.post("/outer", json={"inner": {"n": 0, "tags": [1, 2, 3]}})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {"loc": ["body", "inner", "n"], "input": 0, **_GREATER_THAN_0},
            {
                "type": "too_long",
                "loc": ["body", "inner", "tags"],
                "msg": "List should have at most 2 items after validation, not 3",
                "input": [1, 2, 3],
                "ctx": {"field_type": "List", "max_length": 2, "actual_length": 3},
            },
        ]
    }
    r = client.post("/outer", json={"inner": {"n": 1, "name": ""}, "items": [{"n": -1}]})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "string_too_short",
                "loc": ["body", "inner", "name"],
                "msg": "String should have at least 1 character",
                "input": "",
                "ctx": {"min_length": 1},
            },
            {"loc": ["body", "items", 0, "n"], "input": -1, **_GREATER_THAN_0},
        ]
    }


def test_dataclass_field_constraints_defaults(fw):
    client = _constrained_app(fw)
    r = client.post("/outer", json={"inner": {"n": "1"}})
    assert r.status_code == 200
    assert r.json() == {"inner": {"n": 1, "tags": [], "name": "x"}, "items": []}


def test_dataclass_field_constraints_list_and_embedded(fw):
    client = _constrained_app(fw)
    r = client.post("/list", json=[{"n": 2}, {"n": 0}])
    assert r.status_code == 422
    assert r.json() == {"detail": [{"loc": ["body", 1, "n"], "input": 0, **_GREATER_THAN_0}]}
    r = client.post("/embedded", json={"a": {"n": 0}, "b": 1})
    assert r.status_code == 422
    assert r.json() == {"detail": [{"loc": ["body", "a", "n"], "input": 0, **_GREATER_THAN_0}]}
    r = client.post("/embedded", json={"a": {"n": 3, "tags": [7]}, "b": 1})
    assert r.status_code == 200
    assert r.json() == {"a": {"n": 3, "tags": [7], "name": "x"}, "b": 1}


def test_pydantic_dataclass_body_validators(fw):
    import pytest

    pydantic = pytest.importorskip("pydantic")

    @pydantic.dataclasses.dataclass
    class Doubled:
        a: Annotated[int, pydantic.Field(lt=100)]

        @pydantic.field_validator("a")
        @classmethod
        def double(cls, value):
            return value * 2

    app = fw.FastAPI()

    @app.post("/doubled")
    def doubled(body: Doubled):
        return body

    client = fw.client(app)
    assert client.post("/doubled", json={"a": 3}).json() == {"a": 6}
    r = client.post("/doubled", json={"a": 100})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "less_than",
                "loc": ["body", "a"],
                "msg": "Input should be less than 100",
                "input": 100,
                "ctx": {"lt": 100},
            }
        ]
    }


def test_typeddict_field_constraints(fw):
    import pytest

    field = pytest.importorskip("pydantic").Field

    class Bounded(TypedDict):
        x: Annotated[int, field(ge=0)]

    app = fw.FastAPI()

    @app.post("/bounded")
    def bounded(body: Bounded):
        return body

    client = fw.client(app)
    assert client.post("/bounded", json={"x": "2"}).json() == {"x": 2}
    r = client.post("/bounded", json={"x": -1})
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "greater_than_equal",
                "loc": ["body", "x"],
                "msg": "Input should be greater than or equal to 0",
                "input": -1,
                "ctx": {"ge": 0},
            }
        ]
    }
