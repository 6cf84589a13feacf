"""Tutorial: Path Parameters — typed params, order of routes, Enum values, the path converter."""

from enum import Enum

import pytest


class ModelName(str, Enum):
    alexnet = "alexnet"
    resnet = "resnet"
    lenet = "lenet"


def build(fw):
    app = fw.FastAPI()

    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        return {"item_id": item_id}

    @app.get("/floats/{value}")
    def read_float(value: float):
        return {"value": value}

    @app.get("/users/me")
    def read_me():
        return {"user_id": "the current user"}

    @app.get("/users/{user_id}")
    def read_user(user_id: str):
        return {"user_id": user_id}

    @app.get("/models/{model_name}")
    def get_model(model_name: ModelName):
        if model_name is ModelName.alexnet:
            return {"model_name": model_name, "message": "Deep Learning FTW!"}
        if model_name.value == "lenet":
            return {"model_name": model_name, "message": "LeCNN all the images"}
        return {"model_name": model_name, "message": "Have some residuals"}

    @app.get("/files/{file_path:path}")
    def read_file(file_path: str):
        return {"file_path": file_path}

    return app


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/items/3", {"item_id": 3}),
        ("/items/-7", {"item_id": -7}),
        ("/floats/2.5", {"value": 2.5}),
        ("/floats/3", {"value": 3.0}),
        ("/users/me", {"user_id": "the current user"}),
        ("/users/alice", {"user_id": "alice"}),
        ("/models/alexnet", {"model_name": "alexnet", "message": "Deep Learning FTW!"}),
        ("/models/lenet", {"model_name": "lenet", "message": "LeCNN all the images"}),
        ("/models/resnet", {"model_name": "resnet", "message": "Have some residuals"}),
        ("/files/home/johndoe/myfile.txt", {"file_path": "home/johndoe/myfile.txt"}),
        ("/files//home/johndoe/myfile.txt", {"file_path": "/home/johndoe/myfile.txt"}),
    ],
)
def test_path_values(fw, url, body):
    with fw.client(build(fw)) as client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == body
    assert response.headers["content-type"] == "application/json"


def test_int_path_param_rejects_text(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/foo")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["path", "item_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "foo",
            }
        ]
    }


def test_int_path_param_rejects_float(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/items/4.2")
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "int_parsing"
    assert response.json()["detail"][0]["input"] == "4.2"


def test_enum_path_param_rejects_unknown_member(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/models/foo")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "enum",
                "loc": ["path", "model_name"],
                "msg": "Input should be 'alexnet', 'resnet' or 'lenet'",
                "input": "foo",
                "ctx": {"expected": "'alexnet', 'resnet' or 'lenet'"},
            }
        ]
    }


def test_unknown_path_is_404(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_wrong_method_is_405_with_allow(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/items/3")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert response.headers["allow"] == "GET"


def test_head_on_get_route_is_405(fw):
    with fw.client(build(fw)) as client:
        response = client.head("/items/3")
    assert response.status_code == 405


def test_openapi_enum_and_path_params(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["components"]["schemas"]["ModelName"] == {
        "type": "string",
        "enum": ["alexnet", "resnet", "lenet"],
        "title": "ModelName",
    }
    params = schema["paths"]["/models/{model_name}"]["get"]["parameters"]
    assert params == [
        {
            "name": "model_name",
            "in": "path",
            "required": True,
            "schema": {"$ref": "#/components/schemas/ModelName"},
        }
    ]
    assert schema["paths"]["/items/{item_id}"]["get"]["parameters"] == [
        {
            "name": "item_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "title": "Item Id"},
        }
    ]
    assert "/files/{file_path}" in schema["paths"]
