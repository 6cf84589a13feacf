"""Path operations that yield: JSON Lines, Server-Sent Events and raw streaming responses."""

import asyncio
import dataclasses
import typing
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Annotated, Any

import msgspec
import pydantic
import pytest

from fasterapi_core import (
    APIRoute,
    BackgroundTasks,
    Depends,
    EventSourceResponse,
    Faster,
    Request,
    Response,
    ResponseValidationError,
    ServerSentEvent,
    StreamingResponse,
)
from fasterapi_core import sse as sse_module
from fasterapi_testing import TestClient


@dataclasses.dataclass
class Item:
    name: str
    price: float


class StructItem(msgspec.Struct):
    name: str
    tags: list[str] = []


class Aliased(pydantic.BaseModel):
    item_name: str = pydantic.Field(alias="itemName")
    note: str | None = None


def test_json_lines_from_async_and_sync_generators() -> None:
    app = Faster()

    @app.get("/dataclass")
    async def dataclass_items() -> AsyncIterable[Item]:
        yield Item("a", 1)  # an int where a float is declared: validated, sent as 1.0
        yield {"name": "b", "price": "2.5"}  # type: ignore[misc]

    @app.get("/struct")
    def struct_items() -> Iterator[StructItem]:
        yield StructItem("s")

    @app.get("/pydantic")
    async def pydantic_items() -> AsyncIterator[Aliased]:
        yield Aliased(itemName="x")

    @app.get("/pydantic-by-name", response_model_by_alias=False, response_model_exclude_none=True)
    async def by_name() -> AsyncIterator[Aliased]:
        yield Aliased(itemName="x")

    @app.get("/plain")
    def plain() -> Iterable[dict[str, int]]:
        yield {"x": 1}

    @app.get("/untyped")
    async def untyped():  # type: ignore[no-untyped-def]
        yield {"x": 1, "s": "é"}

    @app.get("/any")
    async def any_items() -> typing.AsyncIterable:  # type: ignore[type-arg]
        yield {"x": 1}

    with TestClient(app) as client:
        dataclasses_response = client.get("/dataclass")
        assert dataclasses_response.headers["content-type"] == "application/jsonl"
        assert dataclasses_response.text == ('{"name":"a","price":1.0}\n{"name":"b","price":2.5}\n')
        assert client.get("/struct").text == '{"name":"s","tags":[]}\n'
        assert client.get("/pydantic").text == '{"itemName":"x","note":null}\n'
        assert client.get("/pydantic-by-name").text == '{"item_name":"x"}\n'
        assert client.get("/plain").text == '{"x":1}\n'
        # No annotation: encoded as FastAPI's json.dumps (spaces, ASCII escapes).
        assert client.get("/untyped").text == '{"x": 1, "s": "\\u00e9"}\n'
        assert client.get("/any").text == '{"x":1}\n'


def test_streamed_route_attributes() -> None:
    async def items() -> AsyncIterable[Item]:
        yield Item("a", 1)

    async def events() -> AsyncIterable[ServerSentEvent]:
        yield ServerSentEvent(data=1)

    def plain() -> dict[str, int]:
        return {}

    jsonl = APIRoute("/a", items)
    assert (jsonl.is_json_stream, jsonl.is_sse_stream, jsonl.stream_item_type) == (
        True,
        False,
        Item,
    )
    assert jsonl.response_model is None
    sse = APIRoute("/b", events, response_class=EventSourceResponse)
    assert (sse.is_json_stream, sse.is_sse_stream, sse.stream_item_type) == (False, True, None)
    raw = APIRoute("/c", items, response_class=StreamingResponse)
    assert (raw.is_json_stream, raw.is_sse_stream, raw.stream_item_type) == (False, False, None)
    normal = APIRoute("/d", plain)
    assert (normal.is_json_stream, normal.is_sse_stream, normal.stream_item_type) == (
        False,
        False,
        None,
    )


def test_an_invalid_item_fails_the_stream() -> None:
    app = Faster()

    @app.get("/bad")
    async def bad() -> AsyncIterable[Item]:
        yield {"name": "a"}  # type: ignore[misc]

    with TestClient(app) as client, pytest.raises(ResponseValidationError) as info:
        client.get("/bad")
    assert info.value.errors()[0]["loc"] == ["response", "price"]


def test_stream_keeps_status_headers_background_and_dependencies_open() -> None:
    events: list[str] = []
    app = Faster()

    async def resource(response: Response) -> AsyncIterator[str]:
        # Set before the stream starts: the generator's own body runs while it is sent.
        response.headers["x-extra"] = "1"
        events.append("open")
        yield "r"
        events.append("close")

    @app.post("/items", status_code=201)
    async def create(
        tasks: BackgroundTasks, r: Annotated[str, Depends(resource)]
    ) -> AsyncIterable[dict[str, str]]:
        tasks.add_task(events.append, "task")
        events.append("streaming")
        yield {"r": r}

    with TestClient(app) as client:
        response = client.post("/items")
    assert response.status_code == 201
    assert response.headers["x-extra"] == "1"
    assert response.text == '{"r":"r"}\n'
    assert events == ["open", "streaming", "task", "close"]


def test_generator_with_an_explicit_streaming_response_class() -> None:
    app = Faster()

    @app.get("/raw", response_class=StreamingResponse)
    async def raw() -> AsyncIterator[bytes]:
        yield b"a"
        yield b"b"

    with TestClient(app) as client:
        response = client.get("/raw")
    assert response.content == b"ab"
    assert "content-type" not in response.headers


def test_server_sent_events_wire_format() -> None:
    app = Faster()

    @app.post("/sse", response_class=EventSourceResponse)
    async def stream() -> AsyncIterable[Item]:
        yield Item("a", 1)
        yield ServerSentEvent(data={"k": 1}, event="update", id="5", retry=1000)  # type: ignore[misc]
        yield ServerSentEvent(comment="keep\nalive", data="plain")  # type: ignore[misc]
        yield ServerSentEvent(raw_data="line 1\r\nline 2", event="raw")  # type: ignore[misc]
        yield ServerSentEvent(data=Aliased(itemName="m"))  # type: ignore[misc]
        yield ServerSentEvent(id="only")  # type: ignore[misc]

    @app.get("/sync", response_class=EventSourceResponse)
    def sync_stream() -> Iterator[int]:
        yield 1
        yield 2

    @app.get("/untyped", response_class=EventSourceResponse)
    async def untyped():  # type: ignore[no-untyped-def]
        yield {"a": [1, 2]}

    with TestClient(app) as client:
        response = client.post("/sse")
        sync_response = client.get("/sync")
        untyped_response = client.get("/untyped")
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.text == (
        'data: {"name":"a","price":1.0}\n\n'
        'event: update\ndata: {"k": 1}\nid: 5\nretry: 1000\n\n'
        ': keep\n: alive\ndata: "plain"\n\n'
        "event: raw\ndata: line 1\ndata: line 2\n\n"
        'data: {"item_name":"m","note":null}\n\n'  # model_dump_json(): by field name
        "id: only\n\n"
    )
    assert sync_response.text == "data: 1\n\ndata: 2\n\n"
    assert untyped_response.text == 'data: {"a": [1, 2]}\n\n'


def test_idle_event_stream_sends_keep_alive_pings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sse_module, "PING_INTERVAL", 0.01)
    app = Faster()

    @app.get("/slow", response_class=EventSourceResponse)
    async def slow() -> AsyncIterable[int]:
        await asyncio.sleep(0.2)
        yield 1

    with TestClient(app) as client:
        text = client.get("/slow").text
    assert text.startswith(": ping\n\n")
    assert text.endswith("data: 1\n\n")


def test_event_stream_generator_error_reaches_the_server() -> None:
    app = Faster()

    @app.get("/boom", response_class=EventSourceResponse)
    async def boom() -> AsyncIterable[int]:
        yield 1
        raise RuntimeError("boom")

    with TestClient(app) as client, pytest.raises(RuntimeError, match="boom"):
        client.get("/boom")


@pytest.mark.parametrize("kind", ["jsonl", "sse"])
def test_client_gone_closes_the_generator(raw: Any, kind: str) -> None:
    closed: list[bool] = []
    app = Faster()
    options: dict[str, Any] = {"response_class": EventSourceResponse} if kind == "sse" else {}

    @app.get("/endless", **options)
    async def endless() -> AsyncIterable[int]:
        try:
            n = 0
            while True:
                n += 1
                yield n
                await asyncio.sleep(0)
        finally:
            closed.append(True)

    result = raw(app, "GET", "/endless")
    assert result.status == 200
    assert closed == [True]


def test_streaming_through_a_custom_route_class() -> None:
    class Tagged(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Awaitable[Any]]:
            original = super().get_route_handler()

            async def handler(request: Request) -> Any:
                response = await original(request)
                response.headers["x-tag"] = "1"
                return response

            return handler

    app = Faster()
    app.router.route_class = Tagged

    @app.get("/items")
    async def items() -> AsyncIterable[int]:
        yield 1

    with TestClient(app) as client:
        response = client.get("/items")
    assert (response.text, response.headers["x-tag"]) == ("1\n", "1")


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"data": 1, "raw_data": "x"}, ValueError),
        ({"event": "a\nb"}, ValueError),
        ({"id": "a\rb"}, ValueError),
        ({"id": "a\0b"}, ValueError),
        ({"retry": -1}, ValueError),
        ({"retry": True}, TypeError),
        ({"retry": "5"}, TypeError),
        ({"event": 5}, TypeError),
        ({"comment": b"x"}, TypeError),
    ],
)
def test_server_sent_event_refuses_bad_fields(options: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        ServerSentEvent(**options)


def test_server_sent_event_repr_and_equality() -> None:
    event = ServerSentEvent(data={"a": 1}, id="1")
    assert repr(event) == "ServerSentEvent(data={'a': 1}, id='1')"
    assert event == ServerSentEvent(data={"a": 1}, id="1")
    assert event != ServerSentEvent(data={"a": 1})
    assert event != "event"
    assert sse_module.format_sse_event() == b"\n"


class Countdown:
    """A callable instance whose `__call__` is a generator."""

    def __call__(self, start: int = 2) -> Iterator[int]:
        yield from range(start, 0, -1)


class Attrs:
    def __init__(self, name: str) -> None:
        self.name = name
        self._hidden = True


def test_partial_and_callable_instance_generators() -> None:
    import functools

    def numbers(start: int) -> Iterator[int]:
        yield start

    app = Faster()
    app.add_api_route("/countdown", Countdown())
    app.add_api_route("/partial", functools.partial(numbers, start=7))
    with TestClient(app) as client:
        assert client.get("/countdown?start=3").text == "3\n2\n1\n"
        assert client.get("/partial").text == "7\n"


def test_items_are_converted_from_objects_and_checked_by_pydantic() -> None:
    app = Faster()

    @app.get("/objects")
    async def objects() -> AsyncIterable[StructItem]:
        yield Attrs("o")  # type: ignore[misc]

    @app.get("/bad-pydantic")
    async def bad() -> AsyncIterable[Aliased]:
        yield {"wrong": 1}  # type: ignore[misc]

    @app.get("/arbitrary")
    async def arbitrary() -> AsyncIterable[Attrs]:
        yield Attrs("x")

    with TestClient(app) as client:
        assert client.get("/objects").text == '{"name":"o","tags":[]}\n'
        with pytest.raises(ResponseValidationError) as info:
            client.get("/bad-pydantic")
        assert info.value.errors()[0]["loc"] == ["response", "itemName"]
        assert client.get("/arbitrary").text == '{"name":"x"}\n'
