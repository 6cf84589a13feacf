"""Tutorial: Path Operation Configuration — status, tags (Enum too), summary, description,
docstring description, response_description, deprecated."""

from enum import Enum

import pytest


class Tags(Enum):
    items = "items"
    users = "users"


def build(fw):
    app = fw.FastAPI()

    @app.post(
        "/items/",
        status_code=201,
        tags=["items"],
        summary="Create an item",
        description="Create an item with all the information",
        response_description="The created item",
    )
    def create_item(name: str):
        return {"name": name}

    @app.get("/items/", tags=[Tags.items])
    def read_items():
        return [{"name": "Foo"}]

    @app.get("/users/", tags=[Tags.users])
    def read_users():
        """
        Read the users.

        - **name**: each user has a name
        """
        return [{"username": "johndoe"}]

    @app.get("/elements/", tags=["items"], deprecated=True)
    def read_elements():
        return [{"item_id": "Foo"}]

    return app


def operations(fw):
    with fw.client(build(fw)) as client:
        return client.get("/openapi.json").json()["paths"]


def test_handlers_still_answer(fw):
    with fw.client(build(fw)) as client:
        assert client.post("/items/?name=x").status_code == 201
        assert client.get("/elements/").json() == [{"item_id": "Foo"}]


def test_tags_summary_description(fw):
    create = operations(fw)["/items/"]["post"]
    assert create["tags"] == ["items"]
    assert create["summary"] == "Create an item"
    assert create["description"] == "Create an item with all the information"
    assert create["operationId"] == "create_item_items__post"
    assert create["responses"]["201"] == {
        "description": "The created item",
        "content": {"application/json": {"schema": {}}},
    }


def test_enum_tags(fw):
    paths = operations(fw)
    assert paths["/items/"]["get"]["tags"] == ["items"]
    assert paths["/users/"]["get"]["tags"] == ["users"]


def test_default_summary_from_function_name(fw):
    assert operations(fw)["/items/"]["get"]["summary"] == "Read Items"


def test_docstring_description(fw):
    assert operations(fw)["/users/"]["get"]["description"] == (
        "Read the users.\n\n- **name**: each user has a name"
    )


def test_deprecated(fw):
    paths = operations(fw)
    assert paths["/elements/"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/items/"]["get"]


def test_no_422_response_without_parameters(fw):
    responses = operations(fw)["/items/"]["get"]["responses"]
    assert responses == {
        "200": {
            "description": "Successful Response",
            "content": {"application/json": {"schema": {}}},
        }
    }


def test_docstring_form_feed_cuts_description(fw):
    app = fw.FastAPI()

    @app.get("/x")
    def x():
        """Shown.
        \f
        :param hidden: for the code documentation only
        """

    with fw.client(app) as client:
        op = client.get("/openapi.json").json()["paths"]["/x"]["get"]
    assert op["description"] == "Shown."


@pytest.mark.parametrize(
    "method", ["get", "post", "put", "patch", "delete", "options", "head", "trace"]
)
def test_every_method_decorator(fw, method):
    app = fw.FastAPI()
    getattr(app, method)("/m")(lambda: {"ok": True})
    with fw.client(app) as client:
        paths = client.get("/openapi.json").json()["paths"]
        response = client.request(method.upper(), "/m")
    assert list(paths["/m"]) == [method]
    assert response.status_code == 200
