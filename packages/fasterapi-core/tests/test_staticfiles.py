"""StaticFiles as a bare ASGI app: serving, HTML mode, and every way out of the directory."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from fasterapi_core.exceptions import HTTPException
from fasterapi_core.staticfiles import StaticFiles


class Result:
    def __init__(self, messages: list[dict[str, Any]]) -> None:
        start = messages[0]
        self.status: int = start["status"]
        self.headers = {k.decode(): v.decode() for k, v in start["headers"]}
        self.body = b"".join(m.get("body", b"") for m in messages[1:])


def call(
    app: StaticFiles,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    root_path: str = "",
    query: bytes = b"",
) -> Result:
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": root_path,
        "query_string": query,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return Result(sent)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/static (served), tmp/static-secret and tmp/secret.txt (never served)."""
    static = tmp_path / "static"
    (static / "sub").mkdir(parents=True)
    (static / "docs").mkdir()
    (static / "hello.txt").write_text("hello world")
    (static / "sub" / "page.html").write_text("<p>page</p>")
    (static / "docs" / "index.html").write_text("<h1>docs</h1>")
    (static / "empty-dir").mkdir()
    (tmp_path / "static-secret").mkdir()
    (tmp_path / "static-secret" / "key.txt").write_text("SECRET-SIBLING")
    (tmp_path / "secret.txt").write_text("SECRET-PARENT")
    return tmp_path


def test_serves_files_with_validators_and_ranges(tree: Path) -> None:
    app = StaticFiles(directory=tree / "static")
    r = call(app, "/hello.txt")
    assert (r.status, r.body) == (200, b"hello world")
    assert r.headers["content-type"].startswith("text/plain")
    etag = r.headers["etag"]
    assert call(app, "/hello.txt", headers={"if-none-match": etag}).status == 304
    assert (
        call(app, "/hello.txt", headers={"if-modified-since": r.headers["last-modified"]}).status
        == 304
    )
    partial = call(app, "/hello.txt", headers={"range": "bytes=0-4"})
    assert (partial.status, partial.body) == (206, b"hello")
    assert call(app, "/hello.txt", headers={"range": "bytes=100-200"}).status == 416
    head = call(app, "/hello.txt", method="HEAD")
    assert (head.status, head.body, head.headers["content-length"]) == (200, b"", "11")
    assert call(app, "/sub/page.html").body == b"<p>page</p>"


def test_methods_and_misses(tree: Path) -> None:
    app = StaticFiles(directory=tree / "static")
    r = call(app, "/hello.txt", method="POST")
    assert (r.status, r.headers["allow"]) == (405, "GET, HEAD")
    r = call(app, "/nope.txt")
    assert (r.status, r.body) == (404, b'{"detail":"Not Found"}')
    head = call(app, "/nope.txt", method="HEAD")
    assert (head.status, head.body) == (404, b"")
    assert call(app, "/sub").status == 404  # a directory without html mode
    assert call(app, "/").status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/sub/../../secret.txt",
        "/..%2fsecret.txt",  # an encoded slash the server did not decode: just a strange name
        "/%2e%2e/secret.txt",
        "/../static-secret/key.txt",
        "/./../static-secret/key.txt",
        "//../secret.txt",
        "/" + "../" * 50 + "etc/passwd",
        "/..\\secret.txt",
        "/sub/..//..//secret.txt",
        "/hello.txt\x00.png",
        "/\x00",
        "/" + "a" * 5000,
        "/" + "/".join(["a" * 255] * 40),
        "/hello.txt/..",
    ],
)
def test_traversal_and_bad_names_are_404(tree: Path, path: str) -> None:
    app = StaticFiles(directory=tree / "static")
    r = call(app, path)
    assert r.status == 404, path
    assert b"SECRET" not in r.body
    assert call(app, "/hello.txt").status == 200  # still serving afterwards


def test_mount_prefix_does_not_leak_into_sibling(tree: Path) -> None:
    app = StaticFiles(directory=tree / "static")
    # Starlette's convention: full path + root_path of the mount.
    assert call(app, "/static/hello.txt", root_path="/static").body == b"hello world"
    assert call(app, "/static-secret/key.txt", root_path="/static").status == 404
    assert call(app, "/static/../static-secret/key.txt", root_path="/static").status == 404
    # Older convention: path already stripped by the mount.
    assert call(app, "/hello.txt", root_path="/static").body == b"hello world"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlinks_out_of_the_directory(tree: Path) -> None:
    static = tree / "static"
    os.symlink(tree / "secret.txt", static / "link.txt")
    os.symlink(tree / "static-secret", static / "linkdir")
    os.symlink(static / "hello.txt", static / "inside.txt")
    strict = StaticFiles(directory=static)
    assert call(strict, "/link.txt").status == 404
    assert call(strict, "/linkdir/key.txt").status == 404
    assert call(strict, "/inside.txt").body == b"hello world"  # a link that stays inside is fine
    relaxed = StaticFiles(directory=static, follow_symlink=True)
    assert call(relaxed, "/link.txt").body == b"SECRET-PARENT"
    assert call(relaxed, "/../secret.txt").status == 404  # `..` stays forbidden


def test_html_mode(tree: Path) -> None:
    static = tree / "static"
    app = StaticFiles(directory=static, html=True)
    r = call(app, "/docs", root_path="", query=b"a=1")
    assert r.status == 307
    assert r.headers["location"] == "/docs/?a=1"
    r = call(app, "/static/docs", root_path="/static")
    assert r.headers["location"] == "/static/docs/"
    r = call(app, "/docs/")
    assert (r.status, r.body) == (200, b"<h1>docs</h1>")
    assert call(app, "/nope").status == 404
    assert call(app, "/empty-dir/").status == 404
    (static / "404.html").write_text("<h1>missing</h1>")
    (static / "index.html").write_text("<h1>home</h1>")
    r = call(app, "/nope")
    assert (r.status, r.body) == (404, b"<h1>missing</h1>")
    assert call(app, "/").body == b"<h1>home</h1>"
    assert call(app, "/../secret.txt").body == b"<h1>missing</h1>"


def test_redirect_is_never_protocol_relative(tree: Path) -> None:
    static = tree / "static"
    (static / "evil.com").mkdir()
    (static / "evil.com" / "index.html").write_text("x")
    r = call(StaticFiles(directory=static, html=True), "//evil.com")
    assert r.status == 307
    assert r.headers["location"] == "/evil.com/"


def test_check_dir_and_packages(tree: Path) -> None:
    with pytest.raises(RuntimeError, match="does not exist"):
        StaticFiles(directory=tree / "missing")
    StaticFiles(directory=tree / "missing", check_dir=False)  # allowed: created later
    pkg = tree / "pkgroot" / "staticpkg"
    (pkg / "statics").mkdir(parents=True)
    (pkg / "other").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "statics" / "a.txt").write_text("from package")
    (pkg / "other" / "b.txt").write_text("other folder")
    sys.path.insert(0, str(tree / "pkgroot"))
    try:
        app = StaticFiles(packages=["staticpkg", ("staticpkg", "other")])
        assert call(app, "/a.txt").body == b"from package"
        assert call(app, "/b.txt").body == b"other folder"
        with pytest.raises(RuntimeError, match="could not be found"):
            StaticFiles(packages=[("staticpkg", "nope")])
        with pytest.raises(RuntimeError, match="not found"):
            StaticFiles(packages=["no_such_package_here"])
    finally:
        sys.path.remove(str(tree / "pkgroot"))
        sys.modules.pop("staticpkg", None)


def test_other_scope_types(tree: Path) -> None:
    app = StaticFiles(directory=tree / "static")
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "websocket", "path": "/x"}, receive, send))
    asyncio.run(app({"type": "lifespan"}, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1000, "reason": ""}]


class SPAStaticFiles(StaticFiles):
    """The FastAPI recipe for single-page apps: unknown paths get index.html."""

    async def get_response(self, path: str, scope: Any) -> Any:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            return await super().get_response("index.html", scope)


def test_subclass_overriding_get_response(tree: Path) -> None:
    static = tree / "static"
    (static / "index.html").write_text("<app/>")
    app = SPAStaticFiles(directory=static)
    assert call(app, "/hello.txt").body == b"hello world"
    assert call(app, "/some/client/route").body == b"<app/>"
    assert call(app, "/../secret.txt").body == b"<app/>"
    assert call(app, "/x", method="DELETE").status == 405


def test_lookup_path_and_get_path(tree: Path) -> None:
    app = StaticFiles(directory=tree / "static")
    full, st = app.lookup_path("sub/page.html")
    assert st is not None
    assert full.endswith(os.path.join("sub", "page.html"))
    assert app.lookup_path("../secret.txt") == ("", None)
    scope = {"type": "http", "path": "/static/a//b/../c.txt", "root_path": "/static"}
    assert app.get_path(scope) == os.path.join("a", "c.txt")
    assert app.get_path({"type": "http", "path": "/", "root_path": ""}) == "."
