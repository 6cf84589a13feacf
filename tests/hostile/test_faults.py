"""Property 7: faults inside the app.

An exception in a handler, a dependency, a yield dependency's teardown, a background task,
a middleware, an exception handler or the lifespan is logged once with its traceback on the
"fasterapi" logger, the client gets a 500 (unless the response had already started), the
exception then reaches the server as under FastAPI (which logs it; a half-sent response is
aborted), and the next request is served.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from FasterAPI import (
    BackgroundTasks,
    BaseHTTPMiddleware,
    Depends,
    Faster,
    HTTPException,
    Request,
    Response,
    StreamingResponse,
)
from fasterapi_testing import TestClient


class Boom(Exception):
    pass


def broken_dependency() -> None:
    raise Boom("dependency")


def teardown_fails() -> Iterator[str]:
    yield "x"
    raise Boom("teardown")


async def async_teardown_fails() -> AsyncIterator[str]:
    yield "x"
    raise Boom("async teardown")


def make_app() -> tuple[Faster, list[str]]:
    done: list[str] = []
    app = Faster()

    @app.get("/ok")
    async def ok() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/handler")
    async def handler() -> None:
        raise Boom("handler")

    @app.get("/sync-handler")
    def sync_handler() -> None:
        raise Boom("sync handler")

    @app.get("/dependency")
    async def dependency(x: None = Depends(broken_dependency)) -> None:
        return None

    @app.get("/teardown")
    async def teardown(x: str = Depends(teardown_fails)) -> dict[str, str]:
        return {"x": x}

    @app.get("/async-teardown")
    async def async_teardown(x: str = Depends(async_teardown_fails)) -> dict[str, str]:
        return {"x": x}

    def failing_task() -> None:
        raise Boom("background")

    def good_task() -> None:
        done.append("second task")

    @app.get("/background")
    async def background(tasks: BackgroundTasks) -> dict[str, bool]:
        tasks.add_task(failing_task)
        tasks.add_task(good_task)
        return {"ok": True}

    @app.get("/bad-return")
    async def bad_return() -> Any:
        return {"value": object()}

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            yield b"first"
            raise Boom("mid-stream")

        return StreamingResponse(body())

    return app, done


def errors_in(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/handler", "/sync-handler", "/dependency", "/bad-return"])
def test_an_exception_before_the_response_is_a_logged_500(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = make_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR):
            response = client.get(path)
        assert response.status_code == 500
        assert response.text == "Internal Server Error"
        assert "Boom" not in response.text
        assert "Traceback" not in response.text
        records = errors_in(caplog)
        assert len(records) == 1, [r.getMessage() for r in records]
        assert records[0].name == "fasterapi"
        assert records[0].exc_info is not None
        assert client.get("/ok").status_code == 200


@pytest.mark.parametrize("path", ["/teardown", "/async-teardown"])
def test_a_failing_teardown_after_the_response_is_logged_once(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = make_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR):
            response = client.get(path)
        # The handler succeeded: its answer stands (as in FastAPI >= 0.106).
        assert response.status_code in (200, 500)
        records = [r for r in errors_in(caplog) if r.exc_info]
        assert len(records) == 1, [r.getMessage() for r in errors_in(caplog)]
        assert isinstance(records[0].exc_info[1], Boom)  # type: ignore[index]
        assert client.get("/ok").status_code == 200


def test_a_failing_background_task_is_logged_and_does_not_affect_the_response(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, done = make_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR):
            response = client.get("/background")
        assert response.status_code == 200
        records = [r for r in errors_in(caplog) if r.exc_info]
        assert len(records) == 1
        assert records[0].name == "fasterapi"
        assert client.get("/ok").status_code == 200
    # One failing task does not cancel the ones after it.
    assert done == ["second task"]


def test_a_failure_mid_stream_aborts_and_the_next_request_is_served(
    drive: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = make_app()
    sent = drive(app, "GET", "/stream")
    # The 200 was already sent: only the server can end the connection, so the error escapes.
    assert sent.status == 200
    assert isinstance(sent.error, Boom)
    assert not any(m.get("more_body") is False for m in sent.messages[2:])
    assert drive(app, "GET", "/ok").status == 200


def test_an_exception_in_a_middleware_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = make_app()

    class Broken(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: Any) -> Response:
            if request.url.path == "/mw":
                raise Boom("middleware")
            response: Response = await call_next(request)
            return response

    app.add_middleware(Broken)

    @app.middleware("http")
    async def after(request: Request, call_next: Any) -> Any:
        if request.url.path == "/mw2":
            raise Boom("function middleware")
        return await call_next(request)

    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/mw", "/mw2", "/handler"):
            caplog.clear()
            with caplog.at_level(logging.ERROR):
                response = client.get(path)
            assert response.status_code == 500, path
            records = [r for r in errors_in(caplog) if r.exc_info]
            assert len(records) == 1, (path, [r.getMessage() for r in errors_in(caplog)])
        assert client.get("/ok").status_code == 200


def test_an_exception_handler_that_fails_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = make_app()

    @app.exception_handler(Boom)
    async def on_boom(request: Request, exc: Boom) -> Response:
        raise RuntimeError("the handler for Boom is broken too")

    @app.exception_handler(HTTPException)
    def on_http(request: Request, exc: HTTPException) -> Response:
        raise RuntimeError("sync handler broken")

    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/handler", "/does-not-exist"):
            caplog.clear()
            with caplog.at_level(logging.ERROR):
                response = client.get(path)
            assert response.status_code == 500
            records = [r for r in errors_in(caplog) if r.exc_info]
            assert len(records) == 1, (path, [r.getMessage() for r in errors_in(caplog)])
            assert isinstance(records[0].exc_info[1], RuntimeError)  # type: ignore[index]
        assert client.get("/ok").status_code == 200


def test_a_broken_500_handler_still_gives_a_500(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = make_app()

    @app.exception_handler(500)
    async def on_500(request: Request, exc: Exception) -> Response:
        raise RuntimeError("500 handler broken")

    with TestClient(app, raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR):
            response = client.get("/handler")
        assert response.status_code == 500
        assert client.get("/ok").status_code == 200


def lifespan_messages(app: Faster) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> dict[str, Any]:
        return inbox.pop(0) if inbox else {"type": "lifespan.shutdown"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def main() -> None:
        with contextlib.suppress(Boom):
            await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)

    asyncio.run(main())
    return sent


def test_a_failing_startup_is_reported_with_a_traceback(guard: Any) -> None:
    @asynccontextmanager
    async def lifespan(app: Faster) -> AsyncIterator[None]:
        raise Boom("startup")
        yield

    sent = guard(lifespan_messages, Faster(lifespan=lifespan))
    assert sent[-1]["type"] == "lifespan.startup.failed"
    assert "Boom: startup" in sent[-1]["message"]


def test_a_failing_shutdown_is_reported_with_a_traceback(guard: Any) -> None:
    @asynccontextmanager
    async def lifespan(app: Faster) -> AsyncIterator[None]:
        yield
        raise Boom("shutdown")

    sent = guard(lifespan_messages, Faster(lifespan=lifespan))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.failed"]
    assert "Boom: shutdown" in sent[-1]["message"]


def test_a_failing_startup_fails_the_test_client_loudly() -> None:
    def on_startup() -> None:
        raise Boom("startup")

    app = Faster(on_startup=[on_startup])
    with pytest.raises(Exception) as info, TestClient(app):
        pass
    assert "startup" in str(info.value) or isinstance(info.value, Boom)
