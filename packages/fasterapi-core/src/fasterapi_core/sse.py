"""Server-Sent Events: `EventSourceResponse` and `ServerSentEvent` (FastAPI's `fastapi.sse`).

A path operation that `yield`s, declared with `response_class=EventSourceResponse`, streams
each item as one event (`text/event-stream`):

    @app.get("/events", response_class=EventSourceResponse)
    async def events() -> AsyncIterable[Item]:
        yield Item(name="a")                                  # data: {"name":"a"}
        yield ServerSentEvent(data={"k": 1}, event="update")  # event: update / data: {"k": 1}

A plain item is validated against the return annotation's item type and sent as its JSON in
the `data:` field; a `ServerSentEvent` sets every field itself. When the generator is idle
for 15 seconds, a `: ping` comment keeps proxies from closing the connection.
"""

from __future__ import annotations

from typing import Any

from fasterapi_core.responses import StreamingResponse

__all__ = ("KEEPALIVE_COMMENT", "EventSourceResponse", "ServerSentEvent", "format_sse_event")

# The keep-alive comment sent when the generator has been idle for `PING_INTERVAL` seconds.
KEEPALIVE_COMMENT = b": ping\n\n"
PING_INTERVAL = 15.0


class EventSourceResponse(StreamingResponse):
    """A streaming `text/event-stream` response.

    Use it as `response_class=` of a path operation that `yield`s: each item becomes one
    event. Works with any HTTP method. As a response returned by a handler, it streams the
    chunks its content gives, like `StreamingResponse`.
    """

    __slots__ = ()

    media_type = "text/event-stream"


def _single_line(value: str | None, field: str) -> None:
    if value is not None and ("\r" in value or "\n" in value):
        raise ValueError(f"SSE '{field}' must be a single line")


def _optional_str(value: Any, field: str) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"SSE '{field}' must be a str or None, got {type(value).__name__}")


class ServerSentEvent:
    """One event of an `EventSourceResponse` stream, with every field under your control.

    Args:
        data: The payload, always sent as JSON (a string is quoted: `data: "hello"`).
        raw_data: Text sent as the `data:` field as it is (not JSON); excludes `data`.
        event: The event type (`addEventListener(event, ...)` in the browser); one line.
        id: The event id, sent back by the browser as `Last-Event-ID`; one line, no NUL.
        retry: The reconnection delay in milliseconds (an int >= 0).
        comment: Comment line(s), sent as `: ...` and ignored by clients.

    Raises:
        ValueError: `data` and `raw_data` both set, `event`/`id` not one line, `id` with a
            NUL, or a negative `retry`.
        TypeError: A field of the wrong type.
    """

    __slots__ = ("comment", "data", "event", "id", "raw_data", "retry")

    def __init__(
        self,
        *,
        data: Any = None,
        raw_data: str | None = None,
        event: str | None = None,
        id: str | None = None,
        retry: int | None = None,
        comment: str | None = None,
    ) -> None:
        for value, field in ((raw_data, "raw_data"), (event, "event"), (id, "id")):
            _optional_str(value, field)
        _optional_str(comment, "comment")
        _single_line(event, "event")
        _single_line(id, "id")
        if id is not None and "\0" in id:
            raise ValueError("SSE 'id' must not contain null characters")
        if retry is not None:
            if not isinstance(retry, int) or isinstance(retry, bool):
                raise TypeError(f"SSE 'retry' must be an int, got {type(retry).__name__}")
            if retry < 0:
                raise ValueError("SSE 'retry' must be >= 0")
        if data is not None and raw_data is not None:
            raise ValueError(
                "Cannot set both 'data' and 'raw_data' on the same ServerSentEvent: use 'data' "
                "for a JSON payload or 'raw_data' for pre-formatted text."
            )
        self.data = data
        self.raw_data = raw_data
        self.event = event
        self.id = id
        self.retry = retry
        self.comment = comment

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("data", "raw_data", "event", "id", "retry", "comment")
            if getattr(self, name) is not None
        )
        return f"ServerSentEvent({fields})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


def _lines(text: str) -> list[str]:
    # The SSE line ends: \r\n, \r and \n; an empty last line is kept.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def format_sse_event(
    *,
    data_str: str | None = None,
    event: str | None = None,
    id: str | None = None,
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    """One event in the SSE wire format, from an already serialized `data_str`.

    Fields come in FastAPI's order (comment, event, data, id, retry); a multi-line comment or
    data becomes one `: ` or `data: ` line each. The result ends with the blank line that
    ends an event.

    Returns:
        The UTF-8 bytes of the event.
    """
    lines: list[str] = []
    if comment is not None:
        lines.extend(f": {line}" for line in _lines(comment))
    if event is not None:
        lines.append(f"event: {event}")
    if data_str is not None:
        lines.extend(f"data: {line}" for line in _lines(data_str))
    if id is not None:
        lines.append(f"id: {id}")
    if retry is not None:
        lines.append(f"retry: {retry}")
    lines.append("")
    lines.append("")
    return "\n".join(lines).encode("utf-8")
