"""Errors that leave the app, as under Starlette's ServerErrorMiddleware (FastAPI's behaviour).

An unhandled error gets its 500 (the app's 500/`Exception` handler, else plain text) and is then
re-raised, so the server logs it and `TestClient(raise_server_exceptions=True)` raises it. Errors
after the response went out (background tasks, yield-dependency teardown) are raised too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated, Any

import pytest

from fasterapi_core import (
    BackgroundTasks,
    Depends,
    Faster,
    HTTPException,
    JSONResponse,
    PlainTextResponse,
    Request,
    Response,
    WebSocket,
)
from fasterapi_core.background import BackgroundTask
from fasterapi_testing import TestClient


class Boom(Exception):
    pass


def boom_app(**options: Any) -> Faster:
    app = Faster(**options)

    @app.get("/boom")
    def boom() -> None:
        raise Boom("boom")

    @app.get("/ok")
    def ok() -> str:
        return "ok"

    return app


def test_unhandled_error_is_answered_500_then_reraised(caplog: pytest.LogCaptureFixture) -> None:
    app = boom_app()
    with TestClient(app) as client, pytest.raises(Boom, match="boom"):
        client.get("/boom")
    caplog.clear()
    with TestClient(app, raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR, logger="fasterapi"):
            response = client.get("/boom")
        assert (response.status_code, response.text) == (500, "Internal Server Error")
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert client.get("/ok").json() == "ok"
    logged = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert len(logged) == 1
    assert isinstance(logged[0], Boom)


def test_exception_handler_answers_and_the_error_is_still_reraised() -> None:
    app = boom_app()

    @app.exception_handler(Exception)
    async def on_any(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(f"handled {type(exc).__name__}", status_code=503)

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert (response.status_code, response.text) == (503, "handled Boom")
    with TestClient(app) as client, pytest.raises(Boom):
        client.get("/boom")


def test_500_handler_does_not_take_a_raised_http_500() -> None:
    app = boom_app()

    @app.exception_handler(500)
    def on_500(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(f"500 handler: {type(exc).__name__}", status_code=500)

    @app.get("/http500")
    def http500() -> None:
        raise HTTPException(500)

    with TestClient(app, raise_server_exceptions=False) as client:
        raised = client.get("/http500")
        unhandled = client.get("/boom")
    # As in FastAPI: HTTPException(500) is an HTTP exception like any other.
    assert (raised.status_code, raised.json()) == (500, {"detail": "Internal Server Error"})
    assert (unhandled.status_code, unhandled.text) == (500, "500 handler: Boom")


def test_failing_background_task_reaches_the_client_after_the_response() -> None:
    done: list[str] = []
    app = Faster()

    def fail() -> None:
        raise ValueError("bg boom")

    @app.get("/")
    def read(tasks: BackgroundTasks) -> str:
        tasks.add_task(fail)
        tasks.add_task(done.append, "second")
        return "ok"

    with TestClient(app) as client, pytest.raises(ValueError, match="bg boom"):
        client.get("/")
    assert done == ["second"]  # the tasks after a failing one still run
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert (response.status_code, response.json()) == (200, "ok")


def test_failing_response_background_task_reaches_the_client() -> None:
    app = Faster()

    async def fail() -> None:
        raise KeyError("late")

    @app.get("/")
    def read() -> JSONResponse:
        return JSONResponse({"a": 1}, background=BackgroundTask(fail))

    with TestClient(app) as client, pytest.raises(KeyError):
        client.get("/")
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/").json() == {"a": 1}


def test_http_exception_in_background_task_is_a_runtime_error() -> None:
    app = Faster()

    def late() -> None:
        raise HTTPException(400, "too late")

    @app.get("/")
    def read(tasks: BackgroundTasks) -> str:
        tasks.add_task(late)
        return "ok"

    with TestClient(app) as client, pytest.raises(RuntimeError, match="response already started"):
        client.get("/")


def http_dep() -> Iterator[int]:
    yield 1
    raise HTTPException(400, "too late")


def plain_dep() -> Iterator[int]:
    yield 2
    raise Boom("teardown")


def test_yield_dependency_raising_after_the_response() -> None:
    app = Faster()

    @app.get("/http")
    def read_http(value: Annotated[int, Depends(http_dep)]) -> int:
        return value

    @app.get("/plain")
    def read_plain(value: Annotated[int, Depends(plain_dep)]) -> int:
        return value

    with TestClient(app) as client:
        # A handled exception once the response is out: Starlette's RuntimeError.
        with pytest.raises(RuntimeError, match="response already started") as caught:
            client.get("/http")
        assert isinstance(caught.value.__cause__, HTTPException)
        with pytest.raises(Boom, match="teardown"):
            client.get("/plain")
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/http").json() == 1
        assert client.get("/plain").json() == 2


def test_middleware_error_is_500_then_reraised() -> None:
    class Broken:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["path"] == "/broken":
                raise Boom("middleware")
            await self.app(scope, receive, send)

    app = boom_app()
    app.add_middleware(Broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/broken").status_code == 500
        assert client.get("/boom").status_code == 500
        assert client.get("/ok").json() == "ok"
    with TestClient(app) as client:
        with pytest.raises(Boom, match="middleware"):
            client.get("/broken")
        with pytest.raises(Boom, match="boom"):
            client.get("/boom")


def test_failing_exception_handler_reraises_its_own_error() -> None:
    app = boom_app()

    @app.exception_handler(Boom)
    def on_boom(request: Request, exc: Boom) -> Response:
        raise LookupError("handler broke")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500
    with TestClient(app) as client, pytest.raises(LookupError, match="handler broke"):
        client.get("/boom")


# --- a handler registered for starlette.exceptions.HTTPException -----------------------------


def starlette_like_http_exception() -> Any:
    """A class named as Starlette's HTTPException (core never imports Starlette)."""

    class HTTPExceptionLike(Exception):
        def __init__(
            self, status_code: int, detail: str = "", headers: dict[str, str] | None = None
        ) -> None:
            super().__init__(status_code, detail)
            self.status_code = status_code
            self.detail = detail
            self.headers = headers

    HTTPExceptionLike.__module__ = "starlette.exceptions"
    HTTPExceptionLike.__qualname__ = "HTTPException"
    return HTTPExceptionLike


def test_handler_for_starlette_http_exception_gets_ours_and_the_routers() -> None:
    starlette_http = starlette_like_http_exception()
    app = Faster()

    @app.exception_handler(starlette_http)
    async def custom(request: Request, exc: Any) -> Response:
        return PlainTextResponse(
            f"custom {exc.status_code}: {exc.detail}", status_code=exc.status_code
        )

    @app.get("/items/{item_id}")
    def read(item_id: int) -> None:
        raise HTTPException(404, "gone")

    @app.get("/theirs")
    def theirs() -> None:
        raise starlette_http(418, "tea")

    with TestClient(app) as client:
        assert client.get("/items/1").text == "custom 404: gone"
        assert client.get("/nowhere").text == "custom 404: Not Found"
        not_allowed = client.post("/items/1")
        assert (not_allowed.status_code, not_allowed.text) == (
            405,
            "custom 405: Method Not Allowed",
        )
        assert client.get("/theirs").text == "custom 418: tea"


def test_with_both_handlers_ours_gets_raised_errors_and_starlettes_the_routers() -> None:
    starlette_http = starlette_like_http_exception()

    async def theirs(request: Request, exc: Any) -> Response:
        return PlainTextResponse("starlette handler", status_code=exc.status_code)

    async def ours(request: Request, exc: Any) -> Response:
        return PlainTextResponse("our handler", status_code=exc.status_code)

    app = Faster(exception_handlers={starlette_http: theirs, HTTPException: ours})

    @app.get("/raise")
    def raise_ours() -> None:
        raise HTTPException(409)

    with TestClient(app) as client:
        assert client.get("/raise").text == "our handler"
        # As in FastAPI, whose router raises Starlette's HTTPException for these.
        assert client.get("/nowhere").text == "starlette handler"
        assert client.post("/raise").text == "starlette handler"


def test_raised_starlette_http_exception_is_answered_like_ours() -> None:
    starlette_http = starlette_like_http_exception()
    app = Faster()

    @app.get("/teapot")
    def teapot() -> None:
        raise starlette_http(418, "tea", headers={"x-kind": "teapot"})

    @app.get("/gone")
    def gone() -> None:
        raise starlette_http(410, "gone")

    @app.exception_handler(410)
    def on_410(request: Request, exc: Any) -> Response:
        return PlainTextResponse("status handler", status_code=410)

    with TestClient(app) as client:
        teapot_response = client.get("/teapot")
        gone_response = client.get("/gone")
    assert (teapot_response.status_code, teapot_response.json()) == (418, {"detail": "tea"})
    assert teapot_response.headers["x-kind"] == "teapot"
    assert (gone_response.status_code, gone_response.text) == (410, "status handler")


# --- scope ---------------------------------------------------------------------------------


def test_scope_has_endpoint_and_router() -> None:
    app = Faster()
    seen: dict[str, Any] = {}

    @app.get("/items/{item_id}")
    def endpoint_function(item_id: int, request: Request) -> int:
        seen["endpoint"] = request.scope["endpoint"]
        seen["router"] = request.scope["router"]
        seen["route"] = request.scope["route"]
        return item_id

    with TestClient(app) as client:
        assert client.get("/items/3").json() == 3
    assert seen["endpoint"] is endpoint_function
    assert seen["router"] is app.router
    assert seen["route"].endpoint is endpoint_function


def test_websocket_scope_has_endpoint_and_router() -> None:
    app = Faster()

    @app.websocket("/ws")
    async def socket_endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        scope = websocket.scope
        same = scope["endpoint"] is socket_endpoint and scope["router"] is app.router
        await websocket.send_text("yes" if same else "no")
        await websocket.close()

    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "yes"


def test_with_middleware_the_error_goes_up_unanswered_to_the_outermost_layer() -> None:
    seen: list[str] = []

    class Catching:
        """A pure ASGI middleware that answers some errors itself."""

        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            started = False

            async def watch(message: dict[str, Any]) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            try:
                await self.app(scope, receive, watch)
            except Boom as exc:
                seen.append(f"started={started}")
                if scope["path"] != "/boom":
                    raise
                await PlainTextResponse(f"caught {exc}", status_code=502)(scope, receive, send)

    app = boom_app()
    app.add_middleware(Catching)

    @app.get("/other")
    def other() -> None:
        raise Boom("other")

    with TestClient(app, raise_server_exceptions=False) as client:
        caught = client.get("/boom")
        other_response = client.get("/other")
    # The app did not answer before the middleware saw the error, as under Starlette.
    assert (caught.status_code, caught.text) == (502, "caught boom")
    assert (other_response.status_code, other_response.text) == (500, "Internal Server Error")
    assert seen == ["started=False", "started=False"]


def test_an_error_the_app_logged_is_marked_so_a_server_logs_it_no_more() -> None:
    """What core logs with its traceback and then re-raises carries `_fasterapi_logged`:
    `fasterapi run`'s protocol reads it and does not log the same traceback a second time."""
    app = boom_app()

    def fail() -> None:
        raise ValueError("bg boom")

    @app.get("/task")
    def with_task(tasks: BackgroundTasks) -> str:
        tasks.add_task(fail)
        return "ok"

    @app.get("/teardown")
    def with_teardown(value: Annotated[int, Depends(plain_dep)]) -> int:
        return value

    raised: list[BaseException] = []
    with TestClient(app) as client:
        for path, kind in (("/boom", Boom), ("/task", ValueError), ("/teardown", Boom)):
            with pytest.raises(kind) as caught:
                client.get(path)
            raised.append(caught.value)
    assert [exc.__dict__.get("_fasterapi_logged") for exc in raised] == [True, True, True]
