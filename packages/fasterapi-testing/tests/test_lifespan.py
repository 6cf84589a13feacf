"""Lifespan: `with TestClient(app)` runs startup before the block, shutdown after."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from fasterapi_testing import AsyncTestClient, LifespanError, TestClient
from fasterapi_testing.types import Receive, Scope, Send


def make_app(log: list[str], *, startup: str = "complete", shutdown: str = "complete") -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            assert message["type"] == "lifespan.startup"
            log.append("startup")
            scope["state"]["pool"] = "the-pool"
            if startup == "raise":
                raise KeyError("no database")
            if startup == "failed":
                await send({"type": "lifespan.startup.failed", "message": "cannot connect"})
                return
            if startup == "failed-raise":
                await send({"type": "lifespan.startup.failed", "message": "traceback text"})
                raise KeyError("no database")
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
            log.append("shutdown")
            if shutdown == "failed":
                await send({"type": "lifespan.shutdown.failed", "message": "stuck"})
                return
            if shutdown == "raise":
                raise KeyError("shutdown broke")
            await send({"type": "lifespan.shutdown.complete"})
            return
        log.append(f"request state={scope['state']}")
        scope["state"]["mutated"] = True  # a shallow copy: never reaches the next request
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["state"]["pool"].encode()})

    return app


def test_startup_and_shutdown_around_the_block() -> None:
    log: list[str] = []
    with TestClient(make_app(log)) as client:
        assert log == ["startup"]
        assert client.get("/").text == "the-pool"
        assert client.get("/").text == "the-pool"
    assert log == [
        "startup",
        "request state={'pool': 'the-pool'}",
        "request state={'pool': 'the-pool'}",
        "shutdown",
    ]
    assert client.app_state == {"pool": "the-pool"}


def test_no_lifespan_without_with() -> None:
    log: list[str] = []
    client = TestClient(make_app(log))
    with pytest.raises(KeyError):
        client.get("/")  # no startup ran, so no pool in the state
    assert log == ["request state={}"]
    client.close()


def test_startup_failed_message() -> None:
    log: list[str] = []
    with (
        pytest.raises(LifespanError, match="cannot connect"),
        TestClient(make_app(log, startup="failed")),
    ):
        pass  # pragma: no cover - never entered


@pytest.mark.parametrize("startup", ["raise", "failed-raise"])
def test_startup_exception_is_the_apps_own(startup: str) -> None:
    with pytest.raises(KeyError, match="no database"), TestClient(make_app([], startup=startup)):
        pass  # pragma: no cover - never entered


def test_shutdown_failed() -> None:
    with pytest.raises(LifespanError, match="stuck"), TestClient(make_app([], shutdown="failed")):
        pass


def test_shutdown_exception() -> None:
    with (
        pytest.raises(KeyError, match="shutdown broke"),
        TestClient(make_app([], shutdown="raise")),
    ):
        pass


async def raises_on_lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        raise ValueError("unsupported scope")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def returns_on_lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await raises_on_lifespan(scope, receive, send)


async def ignores_scope_type(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await raises_on_lifespan({"type": "http"}, receive, send)


@pytest.mark.parametrize("app", [raises_on_lifespan, returns_on_lifespan, ignores_scope_type])
def test_apps_without_lifespan_support_still_work(app: Any) -> None:
    with TestClient(app) as client:
        assert client.get("/").text == "ok"


def test_unexpected_lifespan_message() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        await receive()

    with pytest.raises(LifespanError, match="unexpected"), TestClient(app):
        pass  # pragma: no cover - never entered


def test_app_that_never_returns_after_failing_is_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fasterapi_testing._lifespan._FAILED_GRACE", 0.05)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "nope"})
        await asyncio.sleep(10)

    with pytest.raises(LifespanError, match="nope"), TestClient(app):
        pass  # pragma: no cover - never entered


def test_async_client_lifespan() -> None:
    log: list[str] = []

    async def main() -> None:
        async with AsyncTestClient(make_app(log)) as client:
            assert log == ["startup"]
            assert (await client.get("/")).text == "the-pool"
        assert log[-1] == "shutdown"

    asyncio.run(main())


def test_app_returning_at_shutdown_is_fine() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()

    with TestClient(app):
        pass


def test_unexpected_message_at_shutdown() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.startup.complete"})

    with pytest.raises(LifespanError, match="during lifespan shutdown"), TestClient(app):
        pass
