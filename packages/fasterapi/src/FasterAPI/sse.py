"""FastAPI's `fastapi.sse` path: Server-Sent Events from a path operation that yields.

Declare `response_class=EventSourceResponse` and each yielded item becomes one event:

    @app.get("/events", response_class=EventSourceResponse)
    async def events() -> AsyncIterable[Item]:
        yield Item(name="a")
"""

from __future__ import annotations

from fasterapi_core import EventSourceResponse as EventSourceResponse
from fasterapi_core import ServerSentEvent as ServerSentEvent

__all__ = ("EventSourceResponse", "ServerSentEvent")
