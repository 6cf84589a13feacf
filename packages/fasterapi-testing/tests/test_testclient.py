"""HTTP through the sync TestClient, against bare ASGI apps."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import threading
from typing import Any

import httpx
import pytest

from fasterapi_testing import ASGIProtocolError, TestClient
from fasterapi_testing.types import Message, Receive, Scope, Send


async def read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    messages = []
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body, messages


async def send_json(
    send: Send, data: Any, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(data).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def echo_scope(scope: Scope, receive: Receive, send: Send) -> None:
    """Replies with what it saw: the scope (JSON-able parts) and the body."""
    assert scope["type"] == "http"
    body, messages = await read_body(receive)
    await send_json(
        send,
        {
            "scope": {
                k: v.decode("latin-1") if isinstance(v, bytes) else v
                for k, v in scope.items()
                if k not in ("headers", "state")
            },
            "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]],
            "body": body.decode("latin-1"),
            "messages": len(messages),
        },
    )


def test_get_json() -> None:
    with TestClient(echo_scope) as client:
        response = client.get("/items/a%20b", params={"q": "x y"})
    assert response.status_code == 200
    data = response.json()
    scope = data["scope"]
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.4"}
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "GET"
    assert scope["scheme"] == "http"
    assert scope["server"] == ["testserver", 80]
    assert scope["client"] == ["testclient", 50000]
    assert scope["root_path"] == ""
    assert scope["path"] == "/items/a b"
    assert scope["raw_path"] == "/items/a%20b"
    assert scope["query_string"] in ("q=x+y", "q=x%20y")  # httpx 0.28 / 0.27
    headers = dict(data["headers"])
    assert headers["host"] == "testserver"
    assert headers["user-agent"] == "testclient"
    assert all(k == k.lower() for k, _ in data["headers"])


def test_scope_types() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)
        await send_json(send, None)

    TestClient(app).get("/x?a=1")
    scope = seen[0]
    assert isinstance(scope["raw_path"], bytes)
    assert isinstance(scope["query_string"], bytes)
    assert scope["query_string"] == b"a=1"
    assert all(isinstance(k, bytes) and isinstance(v, bytes) for k, v in scope["headers"])
    assert scope["state"] == {}
    # The extensions Starlette's TestClient offers.
    assert scope["extensions"] == {"http.response.debug": {}, "http.response.trailers": {}}


@pytest.mark.parametrize(
    ("base_url", "server", "scheme"),
    [
        ("https://example.org", ["example.org", 443], "https"),
        ("http://example.org:8000", ["example.org", 8000], "http"),
    ],
)
def test_base_url(base_url: str, server: list[Any], scheme: str) -> None:
    client = TestClient(echo_scope, base_url=base_url)
    data = client.get("/").json()
    assert data["scope"]["server"] == server
    assert data["scope"]["scheme"] == scheme
    assert str(client.get("/").url).startswith(base_url)


def test_root_path_and_client_address() -> None:
    client = TestClient(echo_scope, root_path="/api", client=("10.0.0.1", 1234))
    scope = client.get("/items").json()["scope"]
    assert scope["root_path"] == "/api"
    # As Starlette's TestClient: the prefix is not put in front of the path.
    assert scope["path"] == "/items"
    assert scope["raw_path"] == "/items"
    assert scope["client"] == ["10.0.0.1", 1234]


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
def test_methods(method: str) -> None:
    client = TestClient(echo_scope)
    response = getattr(client, method)("/m")
    assert response.json()["scope"]["method"] == method.upper()


def test_head_drops_the_body() -> None:
    response = TestClient(echo_scope).head("/")
    assert response.status_code == 200
    assert response.content == b""


def test_post_bodies() -> None:
    client = TestClient(echo_scope)
    assert json.loads(client.post("/", json={"a": 1}).json()["body"]) == {"a": 1}
    assert client.post("/", data={"a": "1"}).json()["body"] == "a=1"
    assert client.post("/", content=b"raw").json()["body"] == "raw"
    data = client.post("/", files={"f": ("a.txt", b"hello")}).json()
    assert "hello" in data["body"]
    assert "multipart/form-data" in dict(data["headers"])["content-type"]


def test_request_body_streams_chunk_by_chunk() -> None:
    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        _, messages = await read_body(receive)
        seen.extend(messages)
        await send_json(send, None)

    def chunks() -> Any:
        yield b"a"
        yield b""
        yield b"bc"
        yield b"d"

    TestClient(app).post("/", content=chunks())
    assert seen == [
        {"type": "http.request", "body": b"a", "more_body": True},
        {"type": "http.request", "body": b"bc", "more_body": True},
        {"type": "http.request", "body": b"d", "more_body": False},
    ]
    seen.clear()
    TestClient(app).post("/", content=iter([b""]))
    assert seen == [{"type": "http.request", "body": b"", "more_body": False}]


def test_headers_and_cookies_persist() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        extra = []
        if scope["path"] == "/login":
            extra.append((b"set-cookie", b"session=abc; Path=/"))
        await send_json(
            send,
            {
                "cookie": headers.get(b"cookie", b"").decode(),
                "x": headers.get(b"x-token", b"").decode(),
            },
            headers=extra,
        )

    client = TestClient(app, headers={"X-Token": "t"}, cookies={"pre": "1"})
    assert client.get("/").json() == {"cookie": "pre=1", "x": "t"}
    client.get("/login")
    assert client.cookies["session"] == "abc"
    cookie = client.get("/").json()["cookie"]
    assert "session=abc" in cookie
    assert "pre=1" in cookie


def test_redirects_are_followed() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/old":
            await send(
                {"type": "http.response.start", "status": 307, "headers": [(b"location", b"/new")]}
            )
            await send({"type": "http.response.body"})
        else:
            await send_json(send, scope["path"])

    client = TestClient(app)
    response = client.get("/old")
    assert response.json() == "/new"
    assert response.history[0].status_code == 307
    assert TestClient(app, follow_redirects=False).get("/old").status_code == 307


def test_response_headers_are_kept_as_sent() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 201,
                "headers": [(b"x-a", b"1"), (b"x-a", b"2")],
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})

    response = TestClient(app).get("/")
    assert response.status_code == 201
    assert response.headers.get_list("x-a") == ["1", "2"]
    assert "content-length" not in response.headers
    assert response.text == "ok"


def test_one_event_loop_for_the_whole_client() -> None:
    loops: set[int] = set()
    lock_holder: list[asyncio.Lock] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        loops.add(id(asyncio.get_running_loop()))
        if not lock_holder:
            lock_holder.append(asyncio.Lock())  # an asyncio object bound to the loop on first use
        async with lock_holder[0]:
            await asyncio.sleep(0)
        await send_json(send, None)

    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/").status_code == 200
    assert len(loops) == 1


async def uses_executor(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        # a sync handler in a worker thread, as frameworks run them
        await asyncio.get_running_loop().run_in_executor(None, sum, [1, 2])
        await send_json(send, None)


def new_threads(before: set[threading.Thread]) -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t not in before}


def test_no_thread_is_leaked() -> None:
    before = set(threading.enumerate())
    client = TestClient(uses_executor)
    client.get("/")
    started = new_threads(before)
    assert len(started) == 2  # the loop and one executor worker
    client.close()
    assert not any(t.is_alive() for t in started)
    client = TestClient(echo_scope)
    client.get("/")
    started = new_threads(before)
    assert len(started) == 1
    client.close()
    assert not any(t.is_alive() for t in started)
    with TestClient(echo_scope) as client:
        client.get("/")
        started = new_threads(before)
    assert not any(t.is_alive() for t in started)


def test_client_is_usable_after_exit() -> None:
    client = TestClient(echo_scope)
    with client:
        assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    with client:
        assert client.get("/").status_code == 200
    client.close()


# -- streaming responses ----------------------------------------------------------
def test_stream_yields_chunks_as_the_app_sends_them() -> None:
    step = threading.Event()
    sent: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        for i in range(3):
            await asyncio.get_running_loop().run_in_executor(None, step.wait)
            step.clear()
            sent.append(i)
            await send(
                {"type": "http.response.body", "body": f"data: {i}\n\n".encode(), "more_body": True}
            )
        await send({"type": "http.response.body", "body": b""})

    with TestClient(app) as client, client.stream("GET", "/sse") as response:
        assert response.status_code == 200
        chunks = response.iter_bytes()
        for i in range(3):
            assert sent == list(range(i))
            step.set()
            assert next(chunks) == f"data: {i}\n\n".encode()
        assert list(chunks) == []


def test_closing_a_stream_early_sends_disconnect() -> None:
    received: list[Message] = []
    finished = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        received.append(await receive())
        await send({"type": "http.response.body", "body": b"ignored", "more_body": True})
        finished.set()

    with TestClient(app) as client:
        with client.stream("GET", "/") as response:
            assert next(response.iter_bytes()) == b"first"
        assert finished.is_set()
    assert received == [{"type": "http.disconnect"}]


def test_receive_after_the_response_says_disconnect() -> None:
    received: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body"})
        received.append(await receive())

    TestClient(app).get("/")
    assert received == [{"type": "http.disconnect"}]


def test_listener_task_sees_disconnect_when_response_completes() -> None:
    events: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)

        async def listen() -> None:
            message = await receive()
            events.append(message["type"])

        task = asyncio.ensure_future(listen())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"x", "more_body": True})
        await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"y"})
        await task

    assert TestClient(app).get("/").content == b"xy"
    assert events == ["http.disconnect"]


def test_app_ignoring_disconnect_is_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fasterapi_testing._http.DISCONNECT_GRACE", 0.05)
    cancelled = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            while True:
                await send({"type": "http.response.body", "body": b"tick", "more_body": True})
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with TestClient(app) as client:
        with client.stream("GET", "/") as response:
            assert next(response.iter_bytes()) == b"tick"
        assert cancelled.is_set()


def test_work_after_the_body_finishes_before_the_call_returns() -> None:
    done: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        await asyncio.sleep(0.01)  # a background task, as frameworks run them
        done.append("background")

    assert TestClient(app).get("/").text == "ok"
    assert done == ["background"]


# -- exceptions ----------------------------------------------------------------
class BoomError(Exception):
    pass


BOOM = BoomError("boom")


async def raise_before_response(scope: Scope, receive: Receive, send: Send) -> None:
    raise BOOM


async def raise_after_response(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"partial", "more_body": True})
    raise BOOM


async def raise_while_streaming(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"partial", "more_body": True})
    await asyncio.sleep(0.01)
    raise BOOM


async def raise_after_body(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"full"})
    await asyncio.sleep(0.01)
    raise BOOM


@pytest.mark.parametrize(
    "app", [raise_before_response, raise_after_response, raise_while_streaming, raise_after_body]
)
def test_server_exception_is_reraised_as_is(app: Any) -> None:
    with pytest.raises(BoomError) as info:
        TestClient(app).get("/")
    assert info.value is BOOM


def test_server_exception_while_streaming_is_raised_when_reading() -> None:
    with TestClient(raise_while_streaming) as client, client.stream("GET", "/") as response:
        chunks = response.iter_bytes()
        assert next(chunks) == b"partial"
        with pytest.raises(BoomError):
            next(chunks)


def test_without_raising_an_error_becomes_500() -> None:
    client = TestClient(raise_before_response, raise_server_exceptions=False)
    response = client.get("/")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"


@pytest.mark.parametrize("app", [raise_after_response, raise_while_streaming, raise_after_body])
def test_without_raising_a_started_response_is_returned(app: Any) -> None:
    response = TestClient(app, raise_server_exceptions=False).get("/")
    assert response.status_code == 200
    assert response.content in (b"partial", b"full")


async def no_response(scope: Scope, receive: Receive, send: Send) -> None:
    return None


def test_app_returning_without_a_response() -> None:
    with pytest.raises(ASGIProtocolError, match="without sending a response"):
        TestClient(no_response).get("/")
    assert TestClient(no_response, raise_server_exceptions=False).get("/").status_code == 500


@pytest.mark.parametrize(
    ("messages", "match"),
    [
        ([{"type": "http.response.body", "body": b"x"}], "before"),
        (
            [
                {"type": "http.response.start", "status": 200},
                {"type": "http.response.body", "body": b"x"},
                {"type": "http.response.body", "body": b"y"},
            ],
            "after the body was complete",
        ),
        ([{"type": "http.response.start", "status": 200}] * 2, "twice"),
        ([{"type": "http.response.pathsend", "path": "/x"}], "unexpected ASGI message"),
        (
            [
                {"type": "http.response.start", "status": 200},
                {"type": "http.response.body", "body": b"x"},
                {"type": "http.response.trailers", "headers": []},
            ],
            "without 'trailers': True",
        ),
        (
            [
                {"type": "http.response.start", "status": 200, "trailers": True},
                {"type": "http.response.body", "body": b"x", "more_body": True},
                {"type": "http.response.trailers", "headers": []},
            ],
            "before the body was complete",
        ),
    ],
)
def test_protocol_errors(messages: list[Message], match: str) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        for message in messages:
            await send(message)

    with pytest.raises(ASGIProtocolError, match=match):
        TestClient(app).get("/")


def test_debug_info_gives_template_and_context() -> None:
    # As Starlette's TestClient: a template response sends its template and context.
    template = object()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert "http.response.debug" in scope["extensions"]
        info = {"template": template, "context": {"name": "ann"}}
        await send({"type": "http.response.debug", "info": info})
        await send_json(send, "page")

    response = TestClient(app).get("/")
    assert response.json() == "page"
    assert response.template is template  # type: ignore[attr-defined]
    assert response.context == {"name": "ann"}  # type: ignore[attr-defined]
    assert response.extensions["http.response.debug"]["context"] == {"name": "ann"}
    plain = TestClient(echo_scope).get("/")
    assert "http.response.debug" not in plain.extensions
    assert not hasattr(plain, "template")


def test_debug_info_without_template() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.debug", "info": {"other": 1}})
        await send_json(send, "x")

    response = TestClient(app).get("/")
    assert response.extensions["http.response.debug"] == {"other": 1}
    assert not hasattr(response, "template")
    assert not hasattr(response, "context")


def test_trailers() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert "http.response.trailers" in scope["extensions"]
        await send({"type": "http.response.start", "status": 200, "trailers": True})
        await send({"type": "http.response.body", "body": b"data", "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        await send({"type": "http.response.trailers", "headers": [(b"x-sum", b"1")]})
        await send({"type": "http.response.trailers", "headers": [(b"x-more", b"2")]})

    response = TestClient(app).get("/")
    assert response.content == b"data"
    assert response.extensions["http.response.trailers"] == [(b"x-sum", b"1"), (b"x-more", b"2")]
    with TestClient(app).stream("GET", "/") as streamed:
        assert streamed.read() == b"data"
    assert streamed.extensions["http.response.trailers"] == [(b"x-sum", b"1"), (b"x-more", b"2")]
    assert "http.response.trailers" not in TestClient(echo_scope).get("/").extensions


def test_timeout_kwargs_pass_through() -> None:
    client = TestClient(echo_scope, timeout=5.0, params={"always": "1"})
    assert client.get("/").json()["scope"]["query_string"] == "always=1"
    assert isinstance(client, httpx.Client)


def test_exception_after_disconnect_is_raised_on_close() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"t", "more_body": True})
        await receive()
        raise BOOM

    with TestClient(app) as client:
        with pytest.raises(BoomError), client.stream("GET", "/") as response:
            assert next(response.iter_bytes()) == b"t"


def test_stream_closed_after_client_close() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"t", "more_body": True})
        await asyncio.sleep(10)

    client = TestClient(app)
    with client.stream("GET", "/") as response:
        assert next(response.iter_bytes()) == b"t"
        client.close()  # cancels the app; closing the stream afterwards must not hang


def test_dropped_client_stops_its_thread() -> None:
    import gc

    before = set(threading.enumerate())
    client = TestClient(echo_scope)
    client.get("/")
    started = new_threads(before)
    assert len(started) == 1
    del client
    gc.collect()
    assert not any(t.is_alive() for t in started)


def test_starlettes_positional_order_and_backend_keywords() -> None:
    # TestClient(app, base_url, raise_server_exceptions, root_path, backend,
    # backend_options, cookies, headers, ...), as Starlette's.
    client = TestClient(
        echo_scope, "http://example.org", True, "/r", "asyncio", {"use_uvloop": False}, {"c": "1"}
    )
    data = client.get("/x").json()
    assert data["scope"]["root_path"] == "/r"
    assert data["scope"]["server"] == ["example.org", 80]
    assert dict(data["headers"])["cookie"] == "c=1"
    with pytest.raises(ValueError, match="backend='trio' is not supported"):
        TestClient(echo_scope, backend="trio")


def test_a_client_left_open_is_closed_quietly_at_interpreter_exit() -> None:
    """A client never closed is closed by its finalizer when the interpreter exits; that
    must not print a traceback (Python 3.12 refuses a new thread at that point, and closing
    the loop's default executor used to start one)."""
    script = textwrap.dedent(
        """
        import asyncio
        from fasterapi_testing import TestClient

        async def app(scope, receive, send):
            assert scope["type"] == "http"
            # the loop's default executor now exists and has to be shut down at exit
            await asyncio.get_running_loop().run_in_executor(None, lambda: 1)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        client = TestClient(app)
        assert client.get("/").text == "ok"
        print("answered")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "answered")
    assert "Traceback" not in done.stderr, done.stderr
