"""The ASGI lifespan protocol, from the server's side."""

from __future__ import annotations

import asyncio
from typing import Any

from fasterapi_testing.exceptions import ASGIProtocolError, LifespanError
from fasterapi_testing.types import ASGIApp, Message

_MESSAGES = frozenset(
    {
        "lifespan.startup.complete",
        "lifespan.startup.failed",
        "lifespan.shutdown.complete",
        "lifespan.shutdown.failed",
    }
)
# How long to wait for an app to return after it reported a failed startup/shutdown.
_FAILED_GRACE = 1.0


class _Ended:
    __slots__ = ("exc",)

    def __init__(self, exc: BaseException | None) -> None:
        self.exc = exc


class Lifespan:
    """Drives one `lifespan` scope: `await startup()`, later `await shutdown()`.

    An app that raises before it asked for the startup event, answers it with a
    message of another protocol, or returns without answering, does not support lifespan: that is fine, as with uvicorn's
    `--lifespan auto`. Once the app took the startup event, an exception is a
    failure and reaches the test unchanged.
    """

    __slots__ = (
        "_confused",
        "_events",
        "_inbox",
        "_received",
        "_supported",
        "_task",
        "app",
        "state",
    )

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self.app = app
        self.state = state
        self._received = False
        self._confused = False
        self._supported = False
        self._task: asyncio.Task[None] | None = None
        self._inbox: asyncio.Queue[Message] | None = None
        self._events: asyncio.Queue[Message | _Ended] | None = None

    async def startup(self) -> None:
        self._inbox = asyncio.Queue()
        self._events = asyncio.Queue()
        self._inbox.put_nowait({"type": "lifespan.startup"})
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        self._task = asyncio.get_running_loop().create_task(self._run(scope))
        event = await self._events.get()
        if isinstance(event, _Ended):
            if event.exc is not None and self._received and not self._confused:
                raise event.exc
            return  # lifespan not supported
        kind = event["type"]
        if kind == "lifespan.startup.complete":
            self._supported = True
            return
        if kind == "lifespan.startup.failed":
            await self._raise_failure(event)
        raise LifespanError(f"unexpected ASGI message {kind!r} during lifespan startup")

    async def shutdown(self) -> None:
        if not self._supported or self._inbox is None or self._events is None:
            return
        self._supported = False
        self._inbox.put_nowait({"type": "lifespan.shutdown"})
        event = await self._events.get()
        if isinstance(event, _Ended):
            if event.exc is not None:
                raise event.exc
            return
        kind = event["type"]
        if kind == "lifespan.shutdown.complete":
            await self._settle()
            return
        if kind == "lifespan.shutdown.failed":
            await self._raise_failure(event)
        raise LifespanError(f"unexpected ASGI message {kind!r} during lifespan shutdown")

    async def _raise_failure(self, event: Message) -> None:
        """Re-raise the app's own exception if it raised, else its failure message."""
        ended = await self._settle()
        if ended is not None and ended.exc is not None:
            raise ended.exc
        raise LifespanError(event.get("message") or event["type"])

    async def _settle(self) -> _Ended | None:
        """Give the app a moment to return; cancel it if it does not."""
        assert self._events is not None
        assert self._task is not None
        try:
            while True:
                event = await asyncio.wait_for(self._events.get(), _FAILED_GRACE)
                if isinstance(event, _Ended):
                    return event
        except asyncio.TimeoutError:
            self._task.cancel()
            return None

    async def _run(self, scope: dict[str, Any]) -> None:
        assert self._events is not None
        try:
            await self.app(scope, self._receive, self._send)
        except BaseException as exc:  # reported through the events queue
            self._events.put_nowait(_Ended(exc))
        else:
            self._events.put_nowait(_Ended(None))

    async def _receive(self) -> Message:
        assert self._inbox is not None
        self._received = True
        return await self._inbox.get()

    async def _send(self, message: Message) -> None:
        assert self._events is not None
        if message["type"] not in _MESSAGES:
            self._confused = True  # an app that ignores the scope type: no lifespan support
            raise ASGIProtocolError(
                f"unexpected ASGI message {message['type']!r} on a lifespan scope"
            )
        self._events.put_nowait(message)
