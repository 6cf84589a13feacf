from __future__ import annotations

import asyncio
import contextvars
import time

import pytest
from asgi_driver import acall, call, make_scope, text_app

from fasterapi_middleware import BaseHTTPMiddleware, Message, Receive, Scope, Send

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class AddHeader(BaseHTTPMiddleware):
    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-added", b"yes")]
            await send(message)

        await self.app(scope, receive, send_with_header)


class Timing(BaseHTTPMiddleware):
    durations: list[float] = []

    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.durations.append(time.perf_counter() - start)


class ShortCircuit(BaseHTTPMiddleware):
    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"back soon"})


def test_default_dispatch_calls_the_app() -> None:
    result = call(BaseHTTPMiddleware(text_app(b"plain")))
    assert result.status == 200
    assert result.body == b"plain"


def test_dispatch_can_add_a_header() -> None:
    result = call(AddHeader(text_app()))
    assert result.header("x-added") == "yes"
    assert result.body == b"hello"


def test_dispatch_can_time_a_request_even_when_the_app_fails() -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise KeyError("boom")

    Timing.durations.clear()
    call(Timing(text_app()))
    with pytest.raises(KeyError, match="boom"):
        call(Timing(failing))
    assert len(Timing.durations) == 2


def test_dispatch_can_answer_without_the_app() -> None:
    async def never(scope: Scope, receive: Receive, send: Send) -> None:  # pragma: no cover
        raise AssertionError("the app must not run")

    result = call(ShortCircuit(never))
    assert (result.status, result.body) == (503, b"back soon")


@pytest.mark.parametrize("scope_type", ["websocket", "lifespan"])
def test_other_scopes_skip_dispatch(scope_type: str) -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    asyncio.run(acall(ShortCircuit(app), make_scope(type=scope_type)))
    assert seen == [scope_type]


def test_context_variables_set_by_the_app_stay_visible() -> None:
    class ReadsContext(BaseHTTPMiddleware):
        seen = ""

        async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
            await self.app(scope, receive, send)
            ReadsContext.seen = request_id.get()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request_id.set("abc")
        await text_app()(scope, receive, send)

    call(ReadsContext(app))
    assert ReadsContext.seen == "abc"


def test_exceptions_propagate_unchanged() -> None:
    error = RuntimeError("the very same object")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise error

    with pytest.raises(RuntimeError) as caught:
        call(AddHeader(app))
    assert caught.value is error


def test_background_work_after_the_response_still_runs() -> None:
    done: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await text_app()(scope, receive, send)
        await asyncio.sleep(0)
        done.append("background")

    result = call(AddHeader(app))
    assert result.body == b"hello"
    assert done == ["background"]


def test_streaming_is_not_buffered() -> None:
    async def main() -> None:
        sent: list[Message] = []
        release = asyncio.Event()

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"one", "more_body": True})
            await release.wait()
            await send({"type": "http.response.body", "body": b"two"})

        async def receive() -> Message:  # pragma: no cover - never called
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)

        task = asyncio.ensure_future(AddHeader(app)(make_scope(), receive, send))
        while len(sent) < 2:
            await asyncio.sleep(0)
        assert sent[1]["body"] == b"one"
        release.set()
        await task
        assert [m.get("body") for m in sent[1:]] == [b"one", b"two"]

    asyncio.run(main())


def test_instances_use_slots() -> None:
    middleware = BaseHTTPMiddleware(text_app())
    assert not hasattr(middleware, "__dict__")
