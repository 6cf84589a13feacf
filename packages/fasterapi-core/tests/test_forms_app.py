"""Forms and uploads through the app: `Form`/`File` parameters and `request.form()`."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from fasterapi_core import Faster, File, Form, Request, UploadFile
from fasterapi_core.forms import FormData
from fasterapi_testing import TestClient

app = Faster()


@app.post("/profile")
async def profile(
    name: Annotated[str, Form(min_length=1)],
    avatar: Annotated[UploadFile, File()],
    tags: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI idiom
) -> dict[str, Any]:
    data = await avatar.read()
    return {
        "name": name,
        "filename": avatar.filename,
        "type": avatar.content_type,
        "size": len(data),
        "tags": tags,
    }


@app.post("/files")
async def files(docs: Annotated[list[UploadFile], File()]) -> list[str]:
    return [f"{d.filename}:{(await d.read()).decode()}" for d in docs]


@app.post("/raw-bytes")
async def raw_bytes(blob: Annotated[bytes, File()]) -> int:
    return len(blob)


@app.post("/login")
async def login(username: Annotated[str, Form()], password: Annotated[str, Form()]) -> str:
    return f"{username}:{len(password)}"


@app.post("/manual")
async def manual(request: Request) -> dict[str, Any]:
    form: FormData = await request.form(max_files=1, max_fields=2)
    return {k: v if isinstance(v, str) else v.filename for k, v in form.multi_items()}


client = TestClient(app)


def test_upload_with_fields() -> None:
    r = client.post(
        "/profile",
        data={"name": "Ada", "tags": ["a", "b"]},
        files={"avatar": ("me.png", b"\x89PNG...", "image/png")},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "name": "Ada",
        "filename": "me.png",
        "type": "image/png",
        "size": 7,
        "tags": ["a", "b"],
    }


def test_several_files_and_bytes() -> None:
    r = client.post("/files", files=[("docs", ("a.txt", b"A")), ("docs", ("b.txt", b"B"))])
    assert r.json() == ["a.txt:A", "b.txt:B"]
    big = b"x" * (3 * 1024 * 1024)  # rolls over to disk on the way
    assert client.post("/raw-bytes", files={"blob": ("b.bin", big)}).json() == len(big)


def test_urlencoded_login() -> None:
    r = client.post("/login", data={"username": "ada", "password": "s3cr3t"})
    assert r.json() == "ada:6"


def test_missing_fields_are_422() -> None:
    r = client.post("/login", data={"username": "ada"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "password"]
    r = client.post("/login")  # no body, no content type: an empty form
    assert r.status_code == 422


def test_request_form_with_limits() -> None:
    r = client.post("/manual", data={"a": "1"}, files={"f": ("f.txt", b"x")})
    assert r.json() == {"a": "1", "f": "f.txt"}
    r = client.post("/manual", files=[("f", ("1.txt", b"x")), ("g", ("2.txt", b"y"))])
    assert r.status_code == 400
    assert "Too many files" in r.json()["detail"]


BOUNDARY = "bnd"
MP = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def mp_part(name: str, value: bytes, filename: str | None = None) -> bytes:
    extra = f'; filename="{filename}"' if filename is not None else ""
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"{extra}\r\n\r\n'.encode()
        + value
        + b"\r\n"
    )


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b"--bnd\r\n", MP, 400),  # truncated
        (mp_part("username", b"a") + b"--bnd--\r\n", {"content-type": "multipart/form-data"}, 400),
        (
            mp_part("username", b"a") + b"--bnd--\r\n",
            {"content-type": "multipart/form-data; boundary=zzz"},
            400,
        ),
        (b"--bnd\r\nbroken header\r\n\r\nx\r\n--bnd--\r\n", MP, 400),
        (mp_part("username", b"\xff\xfe") + b"--bnd--\r\n", MP, 400),
        (b"username=%FF", {"content-type": "application/x-www-form-urlencoded"}, 400),
        (
            b"username=" + b"a" * (1024 * 1024 + 1),
            {"content-type": "application/x-www-form-urlencoded"},
            413,
        ),
        (b"&".join([b"k=v"] * 1001), {"content-type": "application/x-www-form-urlencoded"}, 400),
    ],
)
def test_hostile_bodies_get_4xx_and_the_app_keeps_answering(
    content: bytes, headers: dict[str, str], status: int
) -> None:
    r = client.post("/login", content=content, headers=headers)
    assert r.status_code == status, r.text
    assert isinstance(r.json()["detail"], str)
    assert client.post("/login", data={"username": "a", "password": "b"}).status_code == 200


def test_json_posted_to_a_form_route_is_fastapis_422() -> None:
    # FastAPI reads a Form route's body with request.form(), which gives an empty form for a
    # JSON content type: every field is then reported missing (not a 415).
    r = client.post(
        "/login", content=b'{"username": "a"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "username"],
                "msg": "Field required",
                "input": None,
            },
            {
                "type": "missing",
                "loc": ["body", "password"],
                "msg": "Field required",
                "input": None,
            },
        ]
    }
    assert client.post("/login", data={"username": "a", "password": "b"}).status_code == 200


def test_openapi_describes_the_form_routes() -> None:
    doc = app.openapi()
    body = doc["paths"]["/profile"]["post"]["requestBody"]
    assert body["content"]["multipart/form-data"]["schema"] == {
        "$ref": "#/components/schemas/Body_profile_profile_post"
    }
    schema = doc["components"]["schemas"]["Body_profile_profile_post"]
    assert schema["properties"]["avatar"] == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "title": "Avatar",
    }
    assert schema["required"] == ["name", "avatar"]
    login_body = doc["paths"]["/login"]["post"]["requestBody"]["content"]
    assert list(login_body) == ["application/x-www-form-urlencoded"]


kept: list[UploadFile] = []


@app.post("/keep")
async def keep(doc: Annotated[UploadFile, File()]) -> int:
    kept.append(doc)
    return len(await doc.read())


def test_uploads_are_closed_after_the_response() -> None:
    kept.clear()
    big = b"y" * (2 * 1024 * 1024)  # on disk: a real temporary file to delete
    assert client.post("/keep", files={"doc": ("big.bin", big)}).json() == len(big)
    assert len(kept) == 1
    assert kept[0].file.closed


def test_request_form_accepts_starlettes_infinite_limits() -> None:
    limits_app = Faster()

    @limits_app.post("/many")
    async def many(request: Request) -> int:
        form = await request.form(max_files=float("inf"), max_fields=float("inf"))
        return len(form)

    data = {f"k{i}": "v" for i in range(1500)}
    assert TestClient(limits_app).post("/many", data=data).json() == 1500
