"""Tutorial: Form Data, Request Files, Request Forms and Files."""

from typing import Annotated

import pytest


def build(fw):
    app = fw.FastAPI()

    @app.post("/login/")
    def login(username: Annotated[str, fw.Form()], password: Annotated[str, fw.Form()]):
        return {"username": username, "password_length": len(password)}

    @app.post("/files/")
    def create_file(file: Annotated[bytes, fw.File()]):
        return {"file_size": len(file)}

    @app.post("/uploadfile/")
    async def create_upload_file(file: Annotated[fw.UploadFile, fw.File()]):
        content = await file.read()
        return {"filename": file.filename, "content_type": file.content_type, "size": len(content)}

    @app.post("/optional-file/")
    async def optional_file(file: Annotated[fw.UploadFile | None, fw.File()] = None):
        return {"filename": None if file is None else file.filename}

    @app.post("/multi/")
    async def multi(files: Annotated[list[fw.UploadFile], fw.File(description="Many files")]):
        return {
            "filenames": [f.filename for f in files],
            "sizes": [len(await f.read()) for f in files],
        }

    @app.post("/mixed/")
    async def mixed(
        file: Annotated[bytes, fw.File()],
        fileb: Annotated[fw.UploadFile, fw.File()],
        token: Annotated[str, fw.Form()],
    ):
        return {"file_size": len(file), "token": token, "fileb_content_type": fileb.content_type}

    @app.post("/tags/")
    def tags(tag: Annotated[list[str], fw.Form()], count: Annotated[int, fw.Form()] = 1):
        return {"tag": tag, "count": count}

    return app


def test_form_fields(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/login/", data={"username": "bob", "password": "secret"})
    assert response.status_code == 200
    assert response.json() == {"username": "bob", "password_length": 6}


def test_form_missing_field(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/login/", data={"username": "bob"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "password"], "msg": "Field required", "input": None}
        ]
    }


def test_form_sent_as_json_is_missing_fields(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/login/", json={"username": "bob", "password": "x"})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["body", "username"],
        ["body", "password"],
    ]


def test_bytes_file(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/files/", files={"file": ("a.bin", b"12345")})
    assert response.json() == {"file_size": 5}


def test_upload_file(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/uploadfile/", files={"file": ("notes.txt", b"hello", "text/plain")}
        )
    assert response.json() == {"filename": "notes.txt", "content_type": "text/plain", "size": 5}


def test_upload_file_missing(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/uploadfile/")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "file"], "msg": "Field required", "input": None}
        ]
    }


def test_optional_file(fw):
    with fw.client(build(fw)) as client:
        none = client.post("/optional-file/")
        some = client.post("/optional-file/", files={"file": ("x.txt", b"x")})
    assert none.json() == {"filename": None}
    assert some.json() == {"filename": "x.txt"}


def test_multiple_files(fw):
    files = [("files", ("a.txt", b"aa")), ("files", ("b.txt", b"bbb"))]
    with fw.client(build(fw)) as client:
        response = client.post("/multi/", files=files)
    assert response.json() == {"filenames": ["a.txt", "b.txt"], "sizes": [2, 3]}


def test_files_and_form_together(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/mixed/",
            data={"token": "tok"},
            files={"file": ("f", b"abc"), "fileb": ("g.csv", b"x,y", "text/csv")},
        )
    assert response.json() == {"file_size": 3, "token": "tok", "fileb_content_type": "text/csv"}


def test_repeated_form_field_as_list(fw):
    with fw.client(build(fw)) as client:
        response = client.post("/tags/", data={"tag": ["a", "b"], "count": "2"})
    assert response.json() == {"tag": ["a", "b"], "count": 2}


def test_openapi_form_and_file_bodies(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    login = schema["paths"]["/login/"]["post"]["requestBody"]
    assert login == {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {"$ref": "#/components/schemas/Body_login_login__post"}
            }
        },
        "required": True,
    }
    assert schema["components"]["schemas"]["Body_login_login__post"] == {
        "properties": {
            "username": {"type": "string", "title": "Username"},
            "password": {"type": "string", "title": "Password"},
        },
        "type": "object",
        "required": ["username", "password"],
        "title": "Body_login_login__post",
    }
    upload = schema["paths"]["/uploadfile/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    body = schema["components"]["schemas"]["Body_create_upload_file_uploadfile__post"]
    assert body["properties"]["file"] == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "title": "File",
    }


def test_openapi_file_list(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    body = schema["components"]["schemas"]["Body_multi_multi__post"]
    assert body["properties"]["files"] == {
        "type": "array",
        "items": {"type": "string", "contentMediaType": "application/octet-stream"},
        "title": "Files",
        "description": "Many files",
    }


def test_empty_form_values_count_as_missing(fw):
    app = fw.FastAPI()

    @app.post("/form")
    def form(
        a: Annotated[str, fw.Form()],
        b: Annotated[int | None, fw.Form()] = None,
        c: Annotated[str, fw.Form()] = "dc",
    ):
        return {"a": a, "b": b, "c": c}

    with fw.client(app) as client:
        empty = client.post("/form", data={"a": "", "b": "", "c": ""})
        ok = client.post("/form", data={"a": "x", "b": "2"})
    assert empty.status_code == 422
    assert empty.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "a"], "msg": "Field required", "input": None}
        ]
    }
    assert ok.json() == {"a": "x", "b": 2, "c": "dc"}


def test_upload_file_size_and_headers(fw):
    app = fw.FastAPI()

    @app.post("/up")
    async def up(f: Annotated[fw.UploadFile, fw.File()]):
        return {"size": f.size, "content_type": f.headers.get("content-type"), "name": f.filename}

    with fw.client(app) as client:
        response = client.post("/up", files={"f": ("a.txt", b"abc", "text/plain")})
    assert response.json() == {"size": 3, "content_type": "text/plain", "name": "a.txt"}


def test_request_form_directly(fw):
    app = fw.FastAPI()

    @app.post("/raw")
    async def raw(request: fw.Request):
        form = await request.form()
        return dict(form.items())

    with fw.client(app) as client:
        assert client.post("/raw", data={"x": "1", "y": "2"}).json() == {"x": "1", "y": "2"}


def build_more(fw):
    app = fw.FastAPI()

    @app.post("/files")
    async def files(
        fs: Annotated[list[bytes], fw.File()], note: Annotated[str | None, fw.Form()] = None
    ):
        return {"sizes": [len(f) for f in fs], "note": note}

    @app.post("/optional-files")
    async def optional_files(fs: Annotated[list[fw.UploadFile] | None, fw.File()] = None):
        return None if fs is None else [f.filename for f in fs]

    @app.post("/form-int")
    def form_int(n: Annotated[int, fw.Form(ge=1)], flag: Annotated[bool, fw.Form()] = False):
        return {"n": n, "flag": flag}

    return app


MISSING_N = {
    "detail": [{"type": "missing", "loc": ["body", "n"], "msg": "Field required", "input": None}]
}


@pytest.mark.parametrize(
    ("url", "kwargs", "status", "body"),
    [
        (
            "/files",
            {"files": [("fs", ("a", b"12")), ("fs", ("b", b"345"))], "data": {"note": "n"}},
            200,
            {"sizes": [2, 3], "note": "n"},
        ),
        (
            "/files",
            {},
            422,
            {
                "detail": [
                    {
                        "type": "missing",
                        "loc": ["body", "fs"],
                        "msg": "Field required",
                        "input": None,
                    }
                ]
            },
        ),
        ("/optional-files", {}, 200, None),
        ("/optional-files", {"files": [("fs", ("a.txt", b"1"))]}, 200, ["a.txt"]),
        (
            "/form-int",
            {"data": {"n": "0"}},
            422,
            {
                "detail": [
                    {
                        "type": "greater_than_equal",
                        "loc": ["body", "n"],
                        "msg": "Input should be greater than or equal to 1",
                        "input": "0",
                        "ctx": {"ge": 1},
                    }
                ]
            },
        ),
        ("/form-int", {"data": {"n": "2", "flag": "on"}}, 200, {"n": 2, "flag": True}),
        (
            "/form-int",
            {
                "content": b"n=3&flag=true",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
            200,
            {"n": 3, "flag": True},
        ),
        (
            "/form-int",
            {"content": b"n=3", "headers": {"content-type": "text/plain"}},
            422,
            MISSING_N,
        ),
    ],
)
def test_more_form_and_file_cases(fw, url, kwargs, status, body):
    with fw.client(build_more(fw)) as client:
        response = client.post(url, **kwargs)
    assert response.status_code == status
    assert response.json() == body
