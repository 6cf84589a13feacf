"""Advanced: Custom Response (HTML, PlainText, Redirect, Streaming, File, response_class,
default_response_class), Return a Response Directly, Response Headers, Response Cookies."""

import pytest


def build(fw, tmp_path=None):
    responses = fw.responses
    app = fw.FastAPI()

    @app.get("/html/", response_class=responses.HTMLResponse)
    def html():
        return "<html><body><h1>Look ma! HTML!</h1></body></html>"

    @app.get("/html-direct/")
    def html_direct():
        return responses.HTMLResponse("<p>direct</p>", status_code=201)

    @app.get("/text/", response_class=responses.PlainTextResponse)
    def text():
        return "Hello World"

    @app.get("/redirect/")
    def redirect():
        return responses.RedirectResponse("https://typer.tiangolo.com")

    @app.get("/redirect-class/", response_class=responses.RedirectResponse, status_code=302)
    def redirect_class():
        return "https://docs.pydantic.dev/"

    async def fake_video():
        for i in range(3):
            yield f"part {i}\n".encode()

    @app.get("/stream/")
    def stream():
        return responses.StreamingResponse(fake_video(), media_type="text/plain")

    def sync_chunks():
        yield "a"
        yield "b"

    @app.get("/stream-sync/")
    def stream_sync():
        return responses.StreamingResponse(sync_chunks())

    if tmp_path is not None:
        path = tmp_path / "report.txt"
        path.write_text("file content\n")

        @app.get("/file/")
        def file():
            return responses.FileResponse(path)

        @app.get("/download/", response_class=responses.FileResponse)
        def download():
            return path

        @app.get("/attachment/")
        def attachment():
            return responses.FileResponse(path, filename="renamed.txt")

    @app.get("/legacy/")
    def legacy():
        data = '<?xml version="1.0"?><shampoo><Header>Apply here</Header></shampoo>'
        return fw.Response(content=data, media_type="application/xml")

    @app.get("/json-direct/")
    def json_direct():
        return responses.JSONResponse(
            content={"message": "Hello World"},
            status_code=202,
            headers={"X-Cat-Dog": "alone in the world", "Content-Language": "en-US"},
        )

    @app.get("/headers/")
    def set_headers(response: fw.Response):
        response.headers["X-Cat-Dog"] = "alone in the world"
        return {"message": "Hello World"}

    @app.post("/cookie/")
    def set_cookie(response: fw.Response):
        response.set_cookie(key="fakesession", value="fake-cookie-session-value")
        return {"message": "Come to the dark side, we have cookies"}

    @app.post("/cookie-direct/")
    def cookie_direct():
        response = responses.JSONResponse(content={"message": "direct"})
        response.set_cookie(
            key="fakesession", value="v", max_age=60, httponly=True, samesite="strict"
        )
        return response

    @app.delete("/cookie/")
    def delete_cookie(response: fw.Response):
        response.delete_cookie("fakesession")
        return {"deleted": True}

    return app


def test_html_response_class(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/html/")
        direct = client.get("/html-direct/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<html><body><h1>Look ma! HTML!</h1></body></html>"
    assert (direct.status_code, direct.text) == (201, "<p>direct</p>")


def test_plain_text(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/text/")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "Hello World"
    assert response.headers["content-length"] == "11"


def test_redirects(fw):
    with fw.client(build(fw), follow_redirects=False) as client:
        default = client.get("/redirect/")
        declared = client.get("/redirect-class/")
    assert default.status_code == 307
    assert default.headers["location"] == "https://typer.tiangolo.com"
    assert declared.status_code == 302
    assert declared.headers["location"] == "https://docs.pydantic.dev/"


def test_streaming(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/stream/")
        sync = client.get("/stream-sync/")
    assert response.text == "part 0\npart 1\npart 2\n"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "content-length" not in response.headers
    assert sync.text == "ab"


def test_file_response(fw, tmp_path):
    with fw.client(build(fw, tmp_path)) as client:
        response = client.get("/file/")
        declared = client.get("/download/")
        attachment = client.get("/attachment/")
    assert response.text == "file content\n"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-length"] == "13"
    assert "etag" in response.headers
    assert "last-modified" in response.headers
    assert declared.text == "file content\n"
    assert attachment.headers["content-disposition"] == 'attachment; filename="renamed.txt"'


def test_file_response_range(fw, tmp_path):
    with fw.client(build(fw, tmp_path)) as client:
        response = client.get("/file/", headers={"range": "bytes=0-3"})
    assert response.status_code == 206
    assert response.text == "file"
    assert response.headers["content-range"] == "bytes 0-3/13"


def test_return_response_directly(fw):
    with fw.client(build(fw)) as client:
        legacy = client.get("/legacy/")
        direct = client.get("/json-direct/")
    assert legacy.headers["content-type"] == "application/xml"
    assert legacy.text.startswith('<?xml version="1.0"?>')
    assert direct.status_code == 202
    assert direct.json() == {"message": "Hello World"}
    assert direct.headers["x-cat-dog"] == "alone in the world"
    assert direct.headers["content-language"] == "en-US"


def test_headers_through_response_param(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/headers/")
    assert response.json() == {"message": "Hello World"}
    assert response.headers["x-cat-dog"] == "alone in the world"
    assert response.headers["content-type"] == "application/json"


def test_cookies(fw):
    with fw.client(build(fw)) as client:
        param = client.post("/cookie/")
        direct = client.post("/cookie-direct/")
        deleted = client.delete("/cookie/")
    assert param.json() == {"message": "Come to the dark side, we have cookies"}
    assert (
        param.headers["set-cookie"] == "fakesession=fake-cookie-session-value; Path=/; SameSite=lax"
    )
    assert direct.headers["set-cookie"] == (
        "fakesession=v; HttpOnly; Max-Age=60; Path=/; SameSite=strict"
    )
    assert deleted.headers["set-cookie"].startswith('fakesession=""; expires=')
    assert deleted.headers["set-cookie"].endswith("; Max-Age=0; Path=/; SameSite=lax")


def test_default_response_class(fw):
    app = fw.FastAPI(default_response_class=fw.responses.PlainTextResponse)

    @app.get("/")
    def main():
        return "plain by default"

    @app.get("/json", response_class=fw.responses.JSONResponse)
    def json():
        return {"still": "json"}

    with fw.client(app) as client:
        plain = client.get("/")
        as_json = client.get("/json")
        op = client.get("/openapi.json").json()["paths"]["/"]["get"]
    assert plain.headers["content-type"] == "text/plain; charset=utf-8"
    assert plain.text == "plain by default"
    assert as_json.json() == {"still": "json"}
    assert op["responses"]["200"]["content"] == {"text/plain": {"schema": {"type": "string"}}}


def test_openapi_response_classes(fw):
    with fw.client(build(fw)) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert paths["/html/"]["get"]["responses"]["200"]["content"] == {
        "text/html": {"schema": {"type": "string"}}
    }
    assert paths["/redirect-class/"]["get"]["responses"] == {
        "302": {"description": "Successful Response"}
    }


def test_response_class_on_router(fw):
    router = fw.APIRouter(default_response_class=fw.responses.HTMLResponse)

    @router.get("/page")
    def page():
        return "<b>router</b>"

    app = fw.FastAPI()
    app.include_router(router)
    with fw.client(app) as client:
        response = client.get("/page")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<b>router</b>"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("JSONResponse", "application/json"),
        ("HTMLResponse", "text/html"),
        ("PlainTextResponse", "text/plain"),
    ],
)
def test_media_types(fw, name, media_type):
    assert getattr(fw.responses, name).media_type == media_type


def test_jinja2_templates(fw, tmp_path):
    pytest.importorskip("jinja2")
    (tmp_path / "item.html").write_text(
        "<h1>Item {{ id }}</h1><a href=\"{{ url_for('read_item', id=id) }}\">self</a>"
    )
    templates = fw.templating.Jinja2Templates(directory=str(tmp_path))
    app = fw.FastAPI()

    @app.get("/items/{id}", response_class=fw.responses.HTMLResponse)
    def read_item(request: fw.Request, id: str):
        return templates.TemplateResponse(request=request, name="item.html", context={"id": id})

    with fw.client(app) as client:
        response = client.get("/items/42")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == '<h1>Item 42</h1><a href="http://testserver/items/42">self</a>'
    # The test client learns which template and context made the page (a documented idiom).
    assert response.template.name == "item.html"
    assert response.context["id"] == "42"
    assert response.context["request"].url.path == "/items/42"


def test_orjson_and_ujson_response_names_exist(fw):
    assert fw.responses.ORJSONResponse is not None
    assert fw.responses.UJSONResponse is not None


def test_explicit_head_route(fw):
    app = fw.FastAPI()

    @app.api_route("/", methods=["GET", "HEAD"])
    def read():
        return {"a": 1}

    with fw.client(app) as client:
        response = client.head("/")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == "7"
    assert response.headers["content-type"] == "application/json"


def test_redirect_response_class_default_status(fw):
    app = fw.FastAPI()

    @app.get("/go", response_class=fw.responses.RedirectResponse)
    def go():
        return "/target"

    with fw.client(app, follow_redirects=False) as client:
        response = client.get("/go")
    assert response.status_code == 307
    assert response.headers["location"] == "/target"
    assert list(app.openapi()["paths"]["/go"]["get"]["responses"]) == ["307"]


def file_app(fw, path):
    app = fw.FastAPI()

    @app.get("/f")
    def read():
        return fw.responses.FileResponse(path)

    @app.get("/missing")
    def missing():
        return fw.responses.FileResponse(path.with_name("nope.txt"))

    return app


def test_file_ranges(fw, tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789abcdef")
    with fw.client(file_app(fw, path)) as client:
        suffix = client.get("/f", headers={"range": "bytes=-3"})
        multi = client.get("/f", headers={"range": "bytes=0-1,4-5"})
    assert (suffix.status_code, suffix.content) == (206, b"def")
    assert suffix.headers["content-range"] == "bytes 13-15/16"
    assert multi.status_code == 206
    assert multi.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert b"Content-Range: bytes 4-5/16\r\n\r\n45\r\n" in multi.content


def test_file_range_not_satisfiable(fw, tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789abcdef")
    with fw.client(file_app(fw, path)) as client:
        response = client.get("/f", headers={"range": "bytes=20-30"})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */16"
    assert response.content == b""


def test_file_multi_range_ending(fw, tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789abcdef")
    with fw.client(file_app(fw, path)) as client:
        response = client.get("/f", headers={"range": "bytes=0-1,4-5"})
    boundary = response.headers["content-type"].split("boundary=")[1]
    assert response.content.endswith(f"--{boundary}--".encode())


def test_file_etag_format(fw, tmp_path):
    import hashlib

    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789abcdef")
    stat = path.stat()
    expected = hashlib.md5(f"{stat.st_mtime}-{stat.st_size}".encode()).hexdigest()
    with fw.client(file_app(fw, path)) as client:
        response = client.get("/f")
    assert response.headers["etag"] == f'"{expected}"'


def test_file_if_none_match(fw, tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789abcdef")
    with fw.client(file_app(fw, path)) as client:
        etag = client.get("/f").headers["etag"]
        response = client.get("/f", headers={"if-none-match": etag})
    if fw.is_fastapi:
        # Starlette's FileResponse ignores conditional headers: 200 with the whole file.
        assert (response.status_code, response.content) == (200, b"0123456789abcdef")
    else:
        # DELIBERATE DIFFERENCE: a matching If-None-Match is answered 304 Not Modified
        # without a body (RFC 9110 section 13.1.2), instead of sending the file again.
        assert (response.status_code, response.content) == (304, b"")
        assert response.headers["etag"] == etag


def test_file_missing(fw, tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    with fw.client(file_app(fw, path), raise_server_exceptions=False) as client:
        response = client.get("/missing")
    if fw.is_fastapi:
        # Starlette raises RuntimeError ('File at path ... does not exist.'): a 500.
        assert response.status_code == 500
    else:
        # DELIBERATE DIFFERENCE: a FileResponse for a file that does not exist answers
        # 404 {"detail": "Not Found"} (the client asked for something absent), not a 500.
        assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
