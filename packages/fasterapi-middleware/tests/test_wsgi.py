"""`WSGIMiddleware`: hand-written PEP 3333 applications served through ASGI."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from asgi_driver import acall, call, make_scope

from fasterapi_middleware import Message
from fasterapi_middleware import wsgi as wsgi_module
from fasterapi_middleware.wsgi import (
    ClientDisconnected,
    StartResponse,
    WSGIInput,
    WSGIMiddleware,
    build_environ,
)
from fasterapi_testing import TestClient

ENVIRON_KEYS = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "REMOTE_ADDR",
    "REMOTE_PORT",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_HOST",
    "HTTP_X_TOKEN",
    "HTTP_COOKIE",
    "wsgi.url_scheme",
    "wsgi.multithread",
    "wsgi.input_terminated",
)


def echo(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """Answer with the interesting environ entries and the size of the body it read."""
    body = environ["wsgi.input"].read()
    data = {key: environ.get(key) for key in ENVIRON_KEYS}
    data["wsgi.version"] = list(environ["wsgi.version"])
    data["body_size"] = len(body)
    data["body_sum"] = sum(body) % 65536
    data["errors_is_stderr"] = environ["wsgi.errors"] is sys.stderr
    payload = json.dumps(data).encode()
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("X-Answer", " 42 "), ("Set-Cookie", "a=1")],
    )
    return [payload]


def client_for(app: Any, **kwargs: Any) -> TestClient:
    return TestClient(WSGIMiddleware(app), **kwargs)


# --- the environ and the response ---------------------------------------------------


def test_status_headers_and_environ() -> None:
    client = client_for(echo, root_path="/legacy")
    response = client.post(
        "/items/caf\u00e9?q=1&r=%20",
        content=b"hello",
        headers={"X-Token": "t", "Content-Type": "text/plain"},
    )
    assert response.status_code == 201
    assert response.headers["x-answer"] == "42"
    assert response.headers["set-cookie"] == "a=1"
    data = response.json()
    assert data["REQUEST_METHOD"] == "POST"
    assert data["SCRIPT_NAME"] == "/legacy"
    # PEP 3333: the path's UTF-8 bytes, as a latin-1 string.
    assert data["PATH_INFO"] == "/items/caf\u00c3\u00a9"
    assert data["QUERY_STRING"] == "q=1&r=%20"
    assert (data["SERVER_NAME"], data["SERVER_PORT"]) == ("testserver", "80")
    assert data["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert (data["REMOTE_ADDR"], data["REMOTE_PORT"]) == ("testclient", "50000")
    assert data["CONTENT_TYPE"] == "text/plain"
    assert data["CONTENT_LENGTH"] == "5"
    assert data["HTTP_HOST"] == "testserver"
    assert data["HTTP_X_TOKEN"] == "t"
    assert data["wsgi.url_scheme"] == "http"
    assert data["wsgi.version"] == [1, 0]
    assert data["wsgi.multithread"] is True
    assert data["wsgi.input_terminated"] is True
    assert data["errors_is_stderr"] is True
    assert data["body_size"] == 5


def test_path_under_a_prefixed_root_path() -> None:
    # A server that puts the root_path in front of the path (uvicorn --root-path).
    result = call(WSGIMiddleware(echo), path="/legacy/a", root_path="/legacy")
    data = json.loads(result.body)
    assert (data["SCRIPT_NAME"], data["PATH_INFO"]) == ("/legacy", "/a")
    result = call(WSGIMiddleware(echo), path="/legacy", root_path="/legacy")
    assert json.loads(result.body)["PATH_INFO"] == ""
    result = call(WSGIMiddleware(echo), path="/legacyx", root_path="/legacy")
    assert json.loads(result.body)["PATH_INFO"] == "/legacyx"


def test_repeated_headers_and_cookies_are_joined() -> None:
    headers = [("cookie", "a=1"), ("cookie", "b=2"), ("x-token", "1"), ("x-token", "2")]
    result = call(WSGIMiddleware(echo), headers=headers, server=None, client=None)
    data = json.loads(result.body)
    assert data["HTTP_COOKIE"] == "a=1; b=2"
    assert data["HTTP_X_TOKEN"] == "1,2"
    assert (data["SERVER_NAME"], data["SERVER_PORT"]) == ("localhost", "80")
    assert data["REMOTE_ADDR"] is None
    assert data["CONTENT_LENGTH"] is None


def test_a_unix_socket_server_has_a_default_port() -> None:
    environ = build_environ(make_scope(server=("/tmp/app.sock", None)), None)
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("/tmp/app.sock", "80")


def test_undecodable_bytes_in_path_and_query_do_not_fail() -> None:
    environ = build_environ(
        make_scope(path="/a\udcff", query_string=b"q=\xff", scheme="https"), None
    )
    assert environ["PATH_INFO"] == "/a\xff"
    assert environ["QUERY_STRING"] == "q=\xff"
    assert environ["wsgi.url_scheme"] == "https"


def test_a_large_request_body_is_streamed_to_the_app() -> None:
    body = bytes(range(256)) * 8192  # 2 MiB
    response = client_for(echo).post("/", content=body)
    assert response.json()["body_size"] == len(body)
    assert response.json()["body_sum"] == sum(body) % 65536


def test_the_body_is_pulled_only_as_the_app_reads() -> None:
    received: list[int] = []
    chunks = [b"line one\nline ", b"two\n", b"", b"rest"]

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        stream = environ["wsgi.input"]
        first = stream.readline()
        seen_after_first = len(received)
        rest = list(stream)
        start_response("200 OK", [])
        return [json.dumps([first.decode(), seen_after_first, [r.decode() for r in rest]]).encode()]

    async def receive() -> Message:
        index = len(received)
        received.append(index)
        more = index < len(chunks) - 1
        return {"type": "http.request", "body": chunks[index], "more_body": more}

    result = asyncio.run(acall(WSGIMiddleware(app), make_scope("POST"), receive=receive))
    assert json.loads(result.body) == ["line one\n", 1, ["line two\n", "rest"]]


def test_wsgi_input_reads() -> None:
    parts = [b"ab\ncd", b"ef\n", b"gh\nij\n", b"k"]

    def stream() -> WSGIInput:
        chunks = iter(parts)

        def next_chunk() -> tuple[bytes, bool]:
            chunk = next(chunks)
            return chunk, chunk != parts[-1]

        return WSGIInput(next_chunk)

    s = stream()
    assert s.read(1) == b"a"
    assert s.read(0) == b""
    assert s.readline(2) == b"b\n"
    assert s.readline(1) == b"c"
    assert s.readline() == b"def\n"
    assert s.read(None) == b"gh\nij\nk"
    assert s.read() == b""
    assert s.read(5) == b""
    assert s.readline() == b""
    s = stream()
    assert s.readline(None) == b"ab\n"
    assert s.readlines(4) == [b"cdef\n"]
    assert s.readlines() == [b"gh\n", b"ij\n", b"k"]
    s = stream()
    assert s.readlines(None) == [b"ab\n", b"cdef\n", b"gh\n", b"ij\n", b"k"]
    s = stream()
    assert s.readline(4) == b"ab\n"
    assert s.read(100) == b"cdef\ngh\nij\nk"


def test_a_disconnect_ends_the_body() -> None:
    messages: list[Message] = [
        {"type": "http.request", "body": b"part", "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    result = asyncio.run(acall(WSGIMiddleware(echo), make_scope("POST"), receive=receive))
    assert json.loads(result.body)["body_size"] == 4


def test_wsgi_errors_is_the_error_stream(capsys: pytest.CaptureFixture[str]) -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        environ["wsgi.errors"].write("something went sideways\n")
        start_response("200 OK", [])
        return []

    assert client_for(app).get("/").status_code == 200
    assert "something went sideways" in capsys.readouterr().err


def test_a_streamed_response_and_close() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield b"one "
            yield b""
            yield b"two"

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Body:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body()

    result = call(WSGIMiddleware(app))
    assert result.status == 200
    bodies = [m for m in result.messages if m["type"] == "http.response.body"]
    assert [m["body"] for m in bodies] == [b"one ", b"two", b""]
    assert [m.get("more_body", False) for m in bodies] == [True, True, False]
    assert closed == [True]


def test_a_generator_app_and_an_empty_body() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        start_response("204 No Content", [])
        yield b""

    result = call(WSGIMiddleware(app))
    assert result.status == 204
    assert result.body == b""


def test_the_write_callable() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    assert client_for(app).get("/").text == "written returned"


# --- errors -------------------------------------------------------------------------


def failing(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    raise LookupError("wsgi app broke")


def test_an_app_error_propagates_or_is_a_500() -> None:
    with pytest.raises(LookupError, match="wsgi app broke"):
        client_for(failing).get("/")
    response = client_for(failing, raise_server_exceptions=False).get("/")
    assert response.status_code == 500


def test_an_error_after_the_body_started_propagates_and_closes() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield b"partial"
            raise KeyError("midway")

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Body:
        start_response("200 OK", [])
        return Body()

    with pytest.raises(KeyError, match="midway"):
        call(WSGIMiddleware(app))
    assert closed == [True]


def test_exc_info_replaces_the_response_before_the_body() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [("X-Draft", "1")])
        try:
            raise ValueError("bad")
        except ValueError:
            start_response("500 Internal Server Error", [("X-Final", "1")], sys.exc_info())
        return [b"error page"]

    result = call(WSGIMiddleware(app))
    assert result.status == 500
    assert result.header("x-draft") is None
    assert result.header("x-final") == "1"
    assert result.body == b"error page"


def test_exc_info_after_the_body_started_reraises() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        write = start_response("200 OK", [])
        write(b"started")
        try:
            raise ValueError("too late")
        except ValueError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return []  # pragma: no cover - start_response raised

    with pytest.raises(ValueError, match="too late"):
        call(WSGIMiddleware(app))


@pytest.mark.parametrize("status", ["OK", "20 OK", "2000 OK", "abc OK", "200OK"])
def test_an_invalid_status_is_an_app_error(status: str) -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response(status, [])
        return []  # pragma: no cover - start_response raised

    with pytest.raises(ValueError, match="invalid WSGI status"):
        call(WSGIMiddleware(app))


def test_a_bare_status_code_is_accepted() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("418", [])
        return [b"teapot"]

    assert call(WSGIMiddleware(app)).status == 418


def test_start_response_twice_without_exc_info() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [])
        start_response("201 Created", [])
        return []  # pragma: no cover - start_response raised

    with pytest.raises(RuntimeError, match="called twice"):
        call(WSGIMiddleware(app))


def test_a_body_without_start_response() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        return [b"no status"]

    with pytest.raises(RuntimeError, match="before start_response"):
        call(WSGIMiddleware(app))


# --- bad requests and other scopes ------------------------------------------------------


@pytest.mark.parametrize(
    "values", [["abc"], ["-1"], [""], ["1e3"], ["5", "6"], ["\xb9"], [b"\xd9\xa5"], ["5", "5x"]]
)
def test_a_malformed_content_length_is_a_400(values: list[str | bytes]) -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        raise AssertionError("must not run")  # pragma: no cover

    headers = [("content-length", value) for value in values]
    result = call(WSGIMiddleware(app), "POST", headers=headers, body=b"12345")
    assert (result.status, result.body) == (400, b"Invalid Content-Length header")
    assert result.header("content-type") == "text/plain; charset=utf-8"


def test_repeated_equal_content_lengths_are_fine() -> None:
    headers = [("content-length", "5"), ("content-length", " 5")]
    result = call(WSGIMiddleware(echo), "POST", headers=headers, body=b"12345")
    assert json.loads(result.body)["body_size"] == 5


def test_a_websocket_is_refused() -> None:
    result = asyncio.run(acall(WSGIMiddleware(echo), make_scope(type="websocket")))
    assert result.messages == [{"type": "websocket.close", "code": 1000}]


def test_lifespan_is_acknowledged() -> None:
    incoming: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> Message:
        return incoming.pop(0)

    result = asyncio.run(acall(WSGIMiddleware(echo), {"type": "lifespan"}, receive=receive))
    assert [m["type"] for m in result.messages] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    with client_for(echo) as client:  # a lifespan-running client works too
        assert client.get("/").status_code == 201


def test_other_scope_types_are_ignored() -> None:
    result = asyncio.run(acall(WSGIMiddleware(echo), {"type": "unknown"}))
    assert result.messages == []


# --- the client going away --------------------------------------------------------------


def test_cancelling_the_request_stops_a_reading_app() -> None:
    outcome: list[str] = []
    finished = threading.Event()

    def read(environ: dict[str, Any]) -> None:
        try:
            environ["wsgi.input"].read()
        except ClientDisconnected as exc:
            outcome.append(str(exc))

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            read(environ)  # waiting for the body when the request is cancelled
            read(environ)  # after it was
            start_response("200 OK", [])
            return [b"never sent"]
        finally:
            finished.set()

    async def main() -> None:
        asked = asyncio.Event()

        async def receive() -> Message:
            asked.set()
            await asyncio.Event().wait()
            raise AssertionError  # pragma: no cover

        async def send(message: Message) -> None:
            raise AssertionError("nothing may be sent")  # pragma: no cover

        task = asyncio.create_task(WSGIMiddleware(app)(make_scope("POST"), receive, send))
        await asked.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(None, finished.wait, 10)

    asyncio.run(main())
    assert outcome == ["the ASGI connection is closed"] * 2


def test_a_close_racing_with_a_step_cancels_it(monkeypatch: pytest.MonkeyPatch) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()

        async def receive() -> Message:
            await asyncio.Event().wait()
            raise AssertionError  # pragma: no cover

        async def send(message: Message) -> None:  # pragma: no cover
            pass

        exchange = wsgi_module._Exchange(echo, loop, receive, send)
        real = asyncio.run_coroutine_threadsafe

        def closing_meanwhile(coro: Any, target: asyncio.AbstractEventLoop) -> Any:
            future = real(coro, target)
            exchange.close()  # the ASGI side finishes right after the step was scheduled
            return future

        monkeypatch.setattr(asyncio, "run_coroutine_threadsafe", closing_meanwhile)
        with pytest.raises(ClientDisconnected):
            await loop.run_in_executor(None, exchange.input.read)

    asyncio.run(main())


def test_instances_use_slots() -> None:
    assert not hasattr(WSGIMiddleware(echo), "__dict__")
