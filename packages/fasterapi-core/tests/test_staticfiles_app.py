"""StaticFiles mounted in an app: served through the router, never outside its directory."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from fasterapi_core import Faster
from fasterapi_core.staticfiles import StaticFiles
from fasterapi_testing import TestClient


@pytest.fixture
def site(tmp_path: Path) -> tuple[Faster, Path]:
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("body{}")
    (static / "index.html").write_text("<h1>home</h1>")
    (tmp_path / "static-secret").mkdir()
    (tmp_path / "static-secret" / "key.txt").write_text("SECRET")
    (tmp_path / "secret.txt").write_text("SECRET")
    if sys.platform != "win32":
        os.symlink(tmp_path / "secret.txt", static / "escape.txt")
    app = Faster()

    @app.get("/api/ping")
    async def ping() -> str:
        return "pong"

    app.mount("/static", StaticFiles(directory=static), name="static")
    app.mount("/site", StaticFiles(directory=static, html=True), name="site")
    return app, tmp_path


def raw_get(app: Faster, path: str) -> tuple[int, bytes]:
    """Call the app with an exact scope path (an HTTP client would normalise the dots away)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


def test_serves_through_the_mount(site: tuple[Faster, Path]) -> None:
    app, _ = site
    client = TestClient(app)
    r = client.get("/static/css/site.css")
    assert (r.status_code, r.text) == (200, "body{}")
    assert r.headers["content-type"].startswith("text/css")
    etag = r.headers["etag"]
    assert client.get("/static/css/site.css", headers={"if-none-match": etag}).status_code == 304
    r = client.get("/static/css/site.css", headers={"range": "bytes=1-2"})
    assert (r.status_code, r.text) == (206, "od")
    assert client.head("/static/css/site.css").content == b""
    assert client.post("/static/css/site.css").status_code == 405
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/site/").text == "<h1>home</h1>"
    # As Starlette: a mount matches only below its prefix, so "/site" is redirected.
    r = client.get("/site", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == "http://testserver/site/"
    r = client.get("/site?x=1", follow_redirects=False)
    assert r.headers["location"] == "http://testserver/site/?x=1"
    assert client.get("/site").text == "<h1>home</h1>"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../secret.txt",
        "/static/../../secret.txt",
        "/static/css/../../secret.txt",
        "/static/../static-secret/key.txt",
        "/static-secret/key.txt",
        "/static/%2e%2e/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/escape.txt",
        "/static/css/site.css\x00.png",
        "/static/" + "a" * 10000,
        "/static/" + "/".join(["b" * 255] * 64),
        "/site/../secret.txt",
        "/static//../secret.txt",
    ],
)
def test_every_traversal_attempt_is_refused(site: tuple[Faster, Path], path: str) -> None:
    app, _ = site
    status, body = raw_get(app, path)
    assert status == 404, (path, status)
    assert b"SECRET" not in body
    # The server still answers afterwards.
    assert raw_get(app, "/static/css/site.css") == (200, b"body{}")
    assert raw_get(app, "/api/ping") == (200, b'"pong"')


@pytest.mark.parametrize(
    "url",
    [
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/%2E%2E/secret.txt",
        "/static/..%2Fsecret.txt",
        "/static/%252e%252e/secret.txt",
        "/static/css/%00",
    ],
)
def test_encoded_traversal_through_the_client(site: tuple[Faster, Path], url: str) -> None:
    app, _ = site
    client = TestClient(app)
    r = client.get(url)
    assert r.status_code == 404
    assert "SECRET" not in r.text
    assert client.get("/static/css/site.css").status_code == 200


def test_a_mount_without_its_slash_is_a_404_without_redirect_slashes(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    app = Faster(redirect_slashes=False)
    app.mount("/site", StaticFiles(directory=tmp_path, html=True))
    client = TestClient(app)
    assert client.get("/site", follow_redirects=False).status_code == 404
    assert client.get("/site/").text == "<h1>home</h1>"
