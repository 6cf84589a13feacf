"""Response classes: headers, cookies, redirects, streaming with disconnects, files with ranges."""

import asyncio
import datetime as dt
import decimal
import enum
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from fasterapi_core import (
    BackgroundTask,
    Faster,
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fasterapi_testing import TestClient


def run(
    app: Any, scope: dict[str, Any], incoming: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    queue = list(incoming or [{"type": "http.request", "body": b""}])

    async def receive() -> dict[str, Any]:
        if queue:
            return queue.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def http_scope(
    method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None
) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": "/",
        "headers": headers or [],
        "query_string": b"",
    }


def body_of(messages: list[dict[str, Any]]) -> bytes:
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


def headers_of(messages: list[dict[str, Any]]) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in messages[0]["headers"]}


class Color(enum.Enum):
    red = "red"


def test_plain_response_headers() -> None:
    r = Response("hé", media_type="text/plain", headers={"X-A": "1"})
    assert r.body == "hé".encode()
    assert (b"content-length", b"3") in r.raw_headers
    assert (b"content-type", b"text/plain; charset=utf-8") in r.raw_headers
    assert r.headers["x-a"] == "1"
    assert Response(b"x").media_type is None
    assert Response(status_code=204).raw_headers == []


def test_json_response_encodes_common_types() -> None:
    value = {
        "d": decimal.Decimal("1.50"),
        "t": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        "u": uuid.UUID(int=1),
        "e": Color.red,
        "s": {1},
        "td": dt.timedelta(seconds=90),
    }
    decoded = msgspec.json.decode(JSONResponse(value).body)
    assert decoded["d"] == "1.50"  # as pydantic's JSON mode (FastAPI with a response model)
    assert decoded["t"] == "2024-01-02T03:04:05Z"
    assert decoded["u"] == "00000000-0000-0000-0000-000000000001"
    assert decoded["e"] == "red"
    assert decoded["s"] == [1]


def test_json_response_enc_hook_fallbacks() -> None:
    class Plain:
        def __init__(self) -> None:
            self.a = 1
            self._hidden = 2

    assert msgspec.json.decode(JSONResponse(Plain()).body) == {"a": 1}
    with pytest.raises(TypeError):
        JSONResponse(object())


def test_html_and_plain() -> None:
    assert HTMLResponse("<b>x</b>").headers["content-type"] == "text/html; charset=utf-8"
    assert PlainTextResponse("x").headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\0b", "snow\u2603"])
def test_header_injection_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        Response("x", headers={"X-Bad": value})
    r = Response("x")
    with pytest.raises(ValueError):
        r.headers["X-Bad"] = value
    with pytest.raises(ValueError):
        r.headers.append("X-Bad", value)
    with pytest.raises(ValueError):
        RedirectResponse("/x", headers={"X": value})


@pytest.mark.parametrize("name", ["", "a b", "a:b", "a\r\n"])
def test_bad_header_names(name: str) -> None:
    with pytest.raises(ValueError):
        Response("x", headers={name: "v"})


def test_set_and_delete_cookie() -> None:
    r = Response()
    r.set_cookie(
        "session",
        "abc",
        max_age=10,
        expires=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
        path="/p",
        domain="example.org",
        secure=True,
        httponly=True,
        samesite="strict",
        partitioned=True,
    )
    r.set_cookie("plain", "v", expires=100, samesite=None)
    r.delete_cookie("old")
    cookies = [v.decode() for k, v in r.raw_headers if k == b"set-cookie"]
    assert cookies[0].startswith("session=abc;")
    for part in (
        "Max-Age=10",
        "Path=/p",
        "Domain=example.org",
        "Secure",
        "HttpOnly",
        "SameSite=strict",
        "Partitioned",
        "2030",
    ):
        assert part in cookies[0]
    assert "SameSite" not in cookies[1]
    assert "Max-Age=0" in cookies[2]
    with pytest.raises(ValueError):
        r.set_cookie("x", "v", samesite="weird")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        r.set_cookie("bad name", "v")
    r.set_cookie("k", "v\r\nX: y")  # quoted with octal escapes: can never split the header
    assert all(b"\r" not in v and b"\n" not in v for _, v in r.raw_headers)


def test_redirect() -> None:
    r = RedirectResponse("/a b?x=1")
    assert r.status_code == 307
    assert r.headers["location"] == "/a%20b?x=1"
    assert RedirectResponse("https://e.org", status_code=301).status_code == 301


def test_response_call_runs_background_and_head() -> None:
    done: list[int] = []
    r = Response("body", background=BackgroundTask(done.append, 1))
    sent = run(r, http_scope("HEAD"))
    assert body_of(sent) == b""
    assert headers_of(sent)["content-length"] == "4"
    assert done == [1]


def test_streaming_async_and_sync() -> None:
    async def agen() -> AsyncIterator[str]:
        yield "a"
        yield "b"

    def gen() -> Iterator[bytes]:
        yield b"c"
        yield b"d"

    done: list[str] = []
    assert (
        body_of(
            run(
                StreamingResponse(agen(), background=BackgroundTask(done.append, "x")), http_scope()
            )
        )
        == b"ab"
    )
    assert body_of(run(StreamingResponse(gen(), media_type="text/plain"), http_scope())) == b"cd"
    mixed: list[str | bytes] = [b"1", "2"]
    assert body_of(run(StreamingResponse(iter(mixed)), http_scope())) == b"12"
    assert body_of(run(StreamingResponse(gen()), http_scope("HEAD"))) == b""
    assert done == ["x"]


def test_streaming_stops_and_closes_on_disconnect() -> None:
    closed: list[str] = []
    produced: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            i = 0
            while True:
                produced.append(i)
                i += 1
                yield b"x"
                await asyncio.sleep(0.001)
        finally:
            closed.append("async")

    def sync_endless() -> Iterator[bytes]:
        try:
            while True:
                yield b"y"
        finally:
            closed.append("sync")

    async def scenario(content: Any) -> None:
        async def receive() -> dict[str, Any]:
            await asyncio.sleep(0.02)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            await asyncio.sleep(0)

        done: list[int] = []
        await StreamingResponse(content, background=BackgroundTask(done.append, 1))(
            http_scope(), receive, send
        )
        assert done == []

    asyncio.run(scenario(endless()))
    asyncio.run(scenario(sync_endless()))
    assert "async" in closed
    assert "sync" in closed


def test_streaming_send_error_counts_as_disconnect() -> None:
    async def agen() -> AsyncIterator[bytes]:
        yield b"a"

    async def scenario() -> None:
        async def receive() -> dict[str, Any]:
            await asyncio.sleep(3600)
            return {}

        async def send(message: dict[str, Any]) -> None:
            raise OSError("gone")

        await StreamingResponse(agen())(http_scope(), receive, send)

    asyncio.run(scenario())


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 512)  # 128 KiB: more than two chunks
    return path


def test_file_full(data_file: Path) -> None:
    sent = run(FileResponse(data_file, filename="data.txt"), http_scope())
    headers = headers_of(sent)
    assert sent[0]["status"] == 200
    assert body_of(sent) == data_file.read_bytes()
    assert headers["content-length"] == str(128 * 1024)
    assert headers["accept-ranges"] == "bytes"
    assert headers["etag"].startswith('"')
    assert "last-modified" in headers
    assert headers["content-disposition"] == 'attachment; filename="data.txt"'
    assert headers["content-type"] == "text/plain; charset=utf-8"


def test_file_non_ascii_filename_and_inline(data_file: Path) -> None:
    r = FileResponse(
        data_file,
        filename="résumé.txt",
        content_disposition_type="inline",
        stat_result=os.stat(data_file),
    )
    assert r.headers["content-disposition"] == "inline; filename*=utf-8''r%C3%A9sum%C3%A9.txt"
    assert r.headers["content-length"] == str(128 * 1024)


def test_file_head(data_file: Path) -> None:
    sent = run(FileResponse(data_file), http_scope("HEAD"))
    assert body_of(sent) == b""
    assert headers_of(sent)["content-length"] == str(128 * 1024)
    assert body_of(run(FileResponse(data_file, method="HEAD"), http_scope())) == b""


def test_file_conditional_304(data_file: Path) -> None:
    first = headers_of(run(FileResponse(data_file), http_scope()))
    etag, modified = first["etag"], first["last-modified"]
    for header in [
        (b"if-none-match", etag.encode()),
        (b"if-none-match", b'"x", ' + etag.encode()),
        (b"if-none-match", b"*"),
        (b"if-modified-since", modified.encode()),
    ]:
        sent = run(FileResponse(data_file), http_scope(headers=[header]))
        assert sent[0]["status"] == 304, header
        assert body_of(sent) == b""
    sent = run(FileResponse(data_file), http_scope(headers=[(b"if-none-match", b'"other"')]))
    assert sent[0]["status"] == 200
    sent = run(FileResponse(data_file), http_scope(headers=[(b"if-modified-since", b"garbage")]))
    assert sent[0]["status"] == 200
    sent = run(
        FileResponse(data_file),
        http_scope(headers=[(b"if-modified-since", b"Mon, 01 Jan 1990 00:00:00 GMT")]),
    )
    assert sent[0]["status"] == 200


@pytest.mark.parametrize(
    "since",
    [
        b"Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
        b"01 Jan 2000 00:00:00 +99999999999999999999999",
    ],
)
def test_file_if_modified_since_out_of_range_is_ignored(data_file: Path, since: bytes) -> None:
    # parsedate_to_datetime raises OverflowError on these; once a 500, now the header is ignored.
    sent = run(FileResponse(data_file), http_scope(headers=[(b"if-modified-since", since)]))
    assert sent[0]["status"] == 200


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("bytes=0-9", 0, 10),
        ("bytes=100-", 100, 128 * 1024),
        ("bytes=-5", 128 * 1024 - 5, 128 * 1024),
        ("bytes=0-999999", 0, 128 * 1024),
        ("bytes=0-4,3-9", 0, 10),
    ],
)
def test_file_single_range(data_file: Path, spec: str, start: int, end: int) -> None:
    sent = run(FileResponse(data_file), http_scope(headers=[(b"range", spec.encode())]))
    headers = headers_of(sent)
    assert sent[0]["status"] == 206
    assert headers["content-range"] == f"bytes {start}-{end - 1}/{128 * 1024}"
    assert body_of(sent) == data_file.read_bytes()[start:end]
    assert headers["content-length"] == str(end - start)


def test_file_multiple_ranges(data_file: Path) -> None:
    sent = run(FileResponse(data_file), http_scope(headers=[(b"range", b"bytes=0-1, 10-12, -2")]))
    headers = headers_of(sent)
    assert sent[0]["status"] == 206
    assert headers["content-type"].startswith("multipart/byteranges; boundary=")
    boundary = headers["content-type"].split("boundary=")[1]
    body = body_of(sent)
    assert len(body) == int(headers["content-length"])
    data = data_file.read_bytes()
    assert body.count(f"--{boundary}".encode()) == 4
    assert b"Content-Range: bytes 10-12/131072" in body
    assert data[10:13] in body
    assert body.endswith(f"--{boundary}--".encode())
    head = run(FileResponse(data_file), http_scope("HEAD", headers=[(b"range", b"bytes=0-1,5-6")]))
    assert head[0]["status"] == 206
    assert body_of(head) == b""


@pytest.mark.parametrize(
    "spec",
    [
        "bytes=999999-",
        "bytes=5-1",
        "bytes=abc",
        "bytes=-0",
        "bytes=-",
        "bytes=1-2-3",
        "bytes=" + ",".join(["0-1"] * 5000),
    ],
)
def test_file_unsatisfiable_or_malformed_range_is_416(data_file: Path, spec: str) -> None:
    sent = run(FileResponse(data_file), http_scope(headers=[(b"range", spec.encode())]))
    assert sent[0]["status"] == 416
    assert headers_of(sent)["content-range"] == f"bytes */{128 * 1024}"


@pytest.mark.parametrize("spec", ["items=0-1", "nonsense"])
def test_file_unknown_range_unit_is_ignored(data_file: Path, spec: str) -> None:
    sent = run(FileResponse(data_file), http_scope(headers=[(b"range", spec.encode())]))
    assert sent[0]["status"] == 200


def test_file_if_range(data_file: Path) -> None:
    etag = headers_of(run(FileResponse(data_file), http_scope()))["etag"]
    match = run(
        FileResponse(data_file),
        http_scope(headers=[(b"range", b"bytes=0-1"), (b"if-range", etag.encode())]),
    )
    assert match[0]["status"] == 206
    stale = run(
        FileResponse(data_file),
        http_scope(headers=[(b"range", b"bytes=0-1"), (b"if-range", b'"old"')]),
    )
    assert stale[0]["status"] == 200


def test_file_missing_or_directory_is_404(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.txt", tmp_path):
        sent = run(FileResponse(path), http_scope())
        assert sent[0]["status"] == 404
        assert body_of(sent) == b'{"detail":"Not Found"}'
    assert body_of(run(FileResponse(tmp_path / "x"), http_scope("HEAD"))) == b""


def test_file_vanishing_after_stat(data_file: Path) -> None:
    stat = os.stat(data_file)
    data_file.unlink()
    sent = run(FileResponse(data_file, stat_result=stat), http_scope())
    assert sent[0]["status"] == 200
    assert body_of(sent) == b""


def test_file_response_through_the_app(data_file: Path) -> None:
    app = Faster()

    @app.get("/file")
    def file() -> FileResponse:
        return FileResponse(data_file)

    client = TestClient(app)
    r = client.get("/file", headers={"Range": "bytes=0-3"})
    assert r.status_code == 206
    assert r.content == data_file.read_bytes()[:4]
    assert client.get("/file").content == data_file.read_bytes()


@pytest.mark.parametrize(
    "spec", ["bytes=0-" + "9" * 5000, "bytes=" + "9" * 5000 + "-", "bytes=\u00b2-3"]
)
def test_file_range_with_huge_or_odd_numbers(data_file: Path, spec: str) -> None:
    sent = run(FileResponse(data_file), http_scope(headers=[(b"range", spec.encode())]))
    assert sent[0]["status"] in (206, 416)


def test_file_etag_is_starlettes(data_file: Path) -> None:
    import hashlib

    st = os.stat(data_file)
    expected = hashlib.md5(
        f"{st.st_mtime}-{st.st_size}".encode(), usedforsecurity=False
    ).hexdigest()
    assert headers_of(run(FileResponse(data_file), http_scope()))["etag"] == f'"{expected}"'
