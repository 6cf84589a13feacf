"""Tutorial: Stream JSON Lines and Server-Sent Events (FastAPI >= 0.135): a path operation
that `yield`s items streams them as JSON Lines, or as SSE with
`response_class=EventSourceResponse` (`fastapi.sse`)."""

import dataclasses
import importlib.util
from collections.abc import AsyncIterable, Iterable

import pytest


@dataclasses.dataclass
class Item:
    name: str
    price: float


def needs_streaming(fw):
    if fw.is_fastapi and importlib.util.find_spec("fastapi.sse") is None:
        pytest.skip("this FastAPI predates streaming path operations (fastapi.sse, 0.135)")


def build(fw):
    app = fw.FastAPI()

    @app.get("/items/stream")
    async def stream() -> AsyncIterable[Item]:
        for item in [Item("a", 1), Item("b", 2.5)]:
            yield item

    @app.get("/items/stream-sync")
    def stream_sync() -> Iterable[dict]:
        yield {"x": 1}
        yield {"x": 2}

    return app


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/items/stream", '{"name":"a","price":1.0}\n{"name":"b","price":2.5}\n'),
        ("/items/stream-sync", '{"x":1}\n{"x":2}\n'),
    ],
)
def test_json_lines(fw, url, text):
    needs_streaming(fw)
    with fw.client(build(fw)) as client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jsonl"
    assert response.text == text


def test_server_sent_events(fw):
    needs_streaming(fw)
    sse = fw.mod("sse")
    app = fw.FastAPI()

    @app.get("/sse", response_class=sse.EventSourceResponse)
    async def events() -> AsyncIterable[Item]:
        yield Item("a", 1)
        yield sse.ServerSentEvent(data={"k": 1}, event="update", id="5", retry=1000)
        yield sse.ServerSentEvent(comment="keep", data="plain")

    with fw.client(app) as client:
        response = client.get("/sse")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.text == (
        'data: {"name":"a","price":1.0}\n\n'
        'event: update\ndata: {"k": 1}\nid: 5\nretry: 1000\n\n'
        ': keep\ndata: "plain"\n\n'
    )


def test_streaming_response_still_works(fw):
    app = fw.FastAPI()

    async def lines():
        for i in range(3):
            yield f'{{"i":{i}}}\n'

    @app.get("/manual")
    def manual():
        return fw.responses.StreamingResponse(lines(), media_type="application/jsonl")

    with fw.client(app) as client:
        response = client.get("/manual")
    assert response.headers["content-type"] == "application/jsonl"
    assert response.text == '{"i":0}\n{"i":1}\n{"i":2}\n'
