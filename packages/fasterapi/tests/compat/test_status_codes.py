"""Tutorial: Response Status Code; Advanced: Return a Response / Response - Change Status Code."""

import pytest


def build(fw):
    status = fw.status
    app = fw.FastAPI()

    @app.post("/items/", status_code=201)
    def create_item(name: str):
        return {"name": name}

    @app.post("/named/", status_code=status.HTTP_201_CREATED)
    def create_named(name: str):
        return {"name": name}

    @app.delete("/items/{item_id}", status_code=204)
    def delete_item(item_id: int):
        return None

    @app.put("/upsert/{item_id}")
    def upsert(item_id: str, response: fw.Response):
        if item_id == "new":
            response.status_code = status.HTTP_201_CREATED
            return {"created": True}
        return {"created": False}

    @app.get("/teapot/", status_code=418)
    def teapot():
        return "I'm a teapot"

    return app


def test_declared_201(fw):
    with fw.client(build(fw)) as client:
        assert client.post("/items/?name=a").status_code == 201
        response = client.post("/named/?name=b")
    assert response.status_code == 201
    assert response.json() == {"name": "b"}


def test_204_has_no_body(fw):
    with fw.client(build(fw)) as client:
        response = client.delete("/items/3")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-length" not in response.headers


def test_204_keeps_json_content_type(fw):
    with fw.client(build(fw)) as client:
        response = client.delete("/items/3")
    assert response.headers["content-type"] == "application/json"


def test_status_changed_through_response_param(fw):
    with fw.client(build(fw)) as client:
        new = client.put("/upsert/new")
        old = client.put("/upsert/old")
    assert (new.status_code, new.json()) == (201, {"created": True})
    assert (old.status_code, old.json()) == (200, {"created": False})


def test_teapot(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/teapot/")
    assert response.status_code == 418
    assert response.json() == "I'm a teapot"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HTTP_200_OK", 200),
        ("HTTP_201_CREATED", 201),
        ("HTTP_204_NO_CONTENT", 204),
        ("HTTP_307_TEMPORARY_REDIRECT", 307),
        ("HTTP_404_NOT_FOUND", 404),
        ("HTTP_418_IM_A_TEAPOT", 418),
        ("HTTP_422_UNPROCESSABLE_CONTENT", 422),
        ("WS_1008_POLICY_VIOLATION", 1008),
    ],
)
def test_status_constants(fw, name, value):
    assert getattr(fw.status, name) == value


def test_openapi_status(fw):
    with fw.client(build(fw)) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert list(paths["/items/"]["post"]["responses"]) == ["201", "422"]
    assert paths["/items/"]["post"]["responses"]["201"]["description"] == "Successful Response"
    assert paths["/items/{item_id}"]["delete"]["responses"]["204"] == {
        "description": "Successful Response"
    }


def test_additional_status_codes_by_returning_json_response(fw):
    from typing import Annotated

    app = fw.FastAPI()
    items = {"foo": {"name": "Fighters", "size": 6}}

    @app.put("/items/{item_id}")
    def upsert(
        item_id: str,
        name: Annotated[str | None, fw.Body()] = None,
        size: Annotated[int | None, fw.Body()] = None,
    ):
        if item_id in items:
            items[item_id] = {"name": name, "size": size}
            return items[item_id]
        items[item_id] = {"name": name, "size": size}
        return fw.responses.JSONResponse(
            status_code=fw.status.HTTP_201_CREATED, content=items[item_id]
        )

    with fw.client(app) as client:
        updated = client.put("/items/foo", json={"name": "Wrestlers", "size": 3})
        created = client.put("/items/red", json={"name": "Chillies"})
    assert (updated.status_code, updated.json()) == (200, {"name": "Wrestlers", "size": 3})
    assert (created.status_code, created.json()) == (201, {"name": "Chillies", "size": None})


def test_status_code_as_http_status_enum(fw):
    import http

    app = fw.FastAPI()
    app.post("/x", status_code=http.HTTPStatus.ACCEPTED)(lambda: {"ok": True})
    with fw.client(app) as client:
        response = client.post("/x")
        responses = client.get("/openapi.json").json()["paths"]["/x"]["post"]["responses"]
    assert response.status_code == 202
    assert list(responses) == ["202"]
