from __future__ import annotations

import asyncio
import gzip
import threading
import zlib

import pytest
from asgi_driver import Result, acall, call, chunked_app, make_scope, text_app

from fasterapi_middleware import ASGIApp, GZipMiddleware, Message, Receive, Scope, Send
from fasterapi_middleware.gzip import _MAX_CACHED, _GZipSend, _verdicts, accepts_gzip

BIG = b"The quick brown fox jumps over the lazy dog. " * 100
ACCEPT = [("host", "example.com"), ("accept-encoding", "gzip, deflate, br")]


def gunzip_stream(result: Result) -> list[bytes]:
    """Decompress each body message on its own, as a client reading a stream would."""
    decoder = zlib.decompressobj(31)
    return [decoder.decompress(m["body"]) for m in result.messages[1:]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"gzip", True),
        (b"GZip", True),
        (b"x-gzip", True),
        (b"deflate, gzip;q=1.0, br", True),
        (b"gzip ; q=0.5", True),
        (b"gzip;q=0.001", True),
        (b"gzip;level=9", True),
        (b"gzip;q=0", False),
        (b"gzip; q=0.000", False),
        (b"GZIP;Q=0", False),
        (b"*", True),
        (b"br, *;q=0.1", True),
        (b"*;q=0", False),
        (b"gzip;q=0, *", False),
        (b"*, gzip;q=0", False),
        (b"gzip;q=0, gzip;q=0.5", True),
        (b"identity", False),
        (b"br, deflate", False),
        (b"", False),
        (b"gzipx, xgzip", False),
        (b"gzip;q=abc", False),
        (b"gzip;q=1.5", False),
        (b"gzip;q=2", False),
        (b"gzip;q=-1", False),
        (b"gzip;q=", False),
        (b";;;,,,==", False),
        (b"\xff\xfe\x00", False),
    ],
)
def test_accept_encoding_parsing(value: bytes, expected: bool) -> None:
    assert accepts_gzip(value) is expected
    assert accepts_gzip(value) is expected  # cached verdict


def test_the_verdict_cache_stays_bounded() -> None:
    for n in range(_MAX_CACHED + 10):
        accepts_gzip(b"gzip, x-%d" % n)
    assert len(_verdicts) <= _MAX_CACHED


def test_compresslevel_is_validated() -> None:
    with pytest.raises(ValueError, match="compresslevel"):
        GZipMiddleware(text_app(), compresslevel=10)


def test_a_large_body_is_compressed() -> None:
    result = call(GZipMiddleware(text_app(BIG)), headers=ACCEPT)
    assert result.status == 200
    assert result.header("content-encoding") == "gzip"
    assert result.header("vary") == "Accept-Encoding"
    assert result.header("content-length") == str(len(result.body))
    assert result.header("content-type") == "text/plain"
    assert len(result.body) < len(BIG)
    assert gzip.decompress(result.body) == BIG
    assert len(result.messages) == 2


@pytest.mark.parametrize("level", [1, 6, 9])
def test_compresslevel_is_used(level: int) -> None:
    result = call(GZipMiddleware(text_app(BIG), compresslevel=level), headers=ACCEPT)
    assert gzip.decompress(result.body) == BIG


def test_a_small_body_passes_through_without_vary() -> None:
    # As with Starlette: only a compressed response varies on Accept-Encoding.
    result = call(GZipMiddleware(text_app(b"x" * 499)), headers=ACCEPT)
    assert result.header("content-encoding") is None
    assert result.header("content-length") == "499"
    assert result.header("vary") is None
    assert result.body == b"x" * 499
    assert (
        call(GZipMiddleware(text_app(b"x" * 500)), headers=ACCEPT).header("content-encoding")
        == "gzip"
    )


def test_an_empty_body_is_never_compressed() -> None:
    result = call(GZipMiddleware(text_app(b""), minimum_size=0), headers=ACCEPT)
    assert result.header("content-encoding") is None
    assert result.body == b""


def test_an_existing_vary_is_extended() -> None:
    app = text_app(BIG, headers=[(b"Vary", b"Origin")])
    assert call(GZipMiddleware(app), headers=ACCEPT).header("vary") == "Origin, Accept-Encoding"
    app = text_app(BIG, headers=[(b"Vary", b"Accept-Encoding")])
    assert call(GZipMiddleware(app), headers=ACCEPT).header("vary") == "Accept-Encoding"


@pytest.mark.parametrize(
    "headers",
    [
        [("host", "example.com")],
        [("accept-encoding", "br, deflate")],
        [("accept-encoding", "gzip;q=0, *")],
    ],
)
def test_clients_refusing_gzip_get_the_body_as_is_with_vary(
    headers: list[tuple[str, str]],
) -> None:
    # As Starlette: the answer would differ for a client accepting gzip, so it varies.
    result = call(GZipMiddleware(text_app(BIG)), headers=headers)
    assert result.header("content-encoding") is None
    assert result.header("content-length") == str(len(BIG))
    assert result.header("vary") == "Accept-Encoding"
    assert result.body == BIG
    small = call(GZipMiddleware(text_app(b"small")), headers=headers)
    assert small.header("vary") is None
    stream = call(GZipMiddleware(chunked_app([b"a", b"b"])), headers=headers)
    assert stream.header("vary") == "Accept-Encoding"
    assert stream.body == b"ab"


@pytest.mark.parametrize(
    "headers",
    [
        [("accept-encoding", "gzip"), ("range", "bytes=0-99")],
        [("range", "bytes=0-99"), ("accept-encoding", "gzip")],
    ],
)
def test_range_requests_pass_straight_through(headers: list[tuple[str, str]]) -> None:
    result = call(GZipMiddleware(text_app(BIG)), headers=headers)
    assert result.header("content-encoding") is None
    assert result.header("vary") is None
    assert result.body == BIG


@pytest.mark.parametrize(
    "content_type",
    [
        b"image/png",
        b"IMAGE/JPEG; q=1",
        b"video/mp4",
        b"audio/ogg",
        b"text/event-stream",
        b"application/grpc",
        b"application/grpc+proto",
        b"application/zip",
    ],
)
def test_excluded_media_types_pass_through(content_type: bytes) -> None:
    app = text_app(BIG, headers=[(b"content-type", content_type)])
    for headers in (ACCEPT, [("accept-encoding", "br")]):
        result = call(GZipMiddleware(app), headers=headers)
        assert result.header("content-encoding") is None
        assert result.header("vary") is None
        assert result.body == BIG


def test_the_content_type_verdict_cache_stays_bounded() -> None:
    content_type = [b"text/plain"]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await text_app(BIG, headers=[(b"content-type", content_type[0])])(scope, receive, send)

    middleware = GZipMiddleware(app)
    for n in range(_MAX_CACHED + 10):
        content_type[0] = b"text/x-%d" % n
        assert call(middleware, headers=ACCEPT).header("content-encoding") == "gzip"
    content_type[0] = b"image/png"
    assert call(middleware, headers=ACCEPT).header("content-encoding") is None
    assert call(middleware, headers=ACCEPT).header("content-encoding") is None
    assert len(middleware._verdicts) <= _MAX_CACHED


def test_the_excluded_media_types_can_be_chosen() -> None:
    png = text_app(BIG, headers=[(b"content-type", b"image/png")])
    middleware = GZipMiddleware(png, exclude_content_types=("text/html; charset=utf-8",))
    assert middleware.exclude_content_types == ("text/html; charset=utf-8",)
    assert call(middleware, headers=ACCEPT).header("content-encoding") == "gzip"
    html = text_app(BIG, headers=[(b"content-type", b"text/html")])
    middleware = GZipMiddleware(html, exclude_content_types=("text/html; charset=utf-8",))
    assert call(middleware, headers=ACCEPT).header("content-encoding") is None
    grpc = text_app(BIG, headers=[(b"content-type", b"application/grpc+json")])
    assert (
        call(GZipMiddleware(grpc, exclude_content_types=()), headers=ACCEPT).header(
            "content-encoding"
        )
        == "gzip"
    )


def test_large_chunks_are_compressed_in_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    where: list[tuple[int, bool]] = []
    real = _GZipSend._compress_now

    def spy(self: _GZipSend, data: bytes, flush: int) -> bytes:
        where.append((len(data), threading.current_thread() is threading.main_thread()))
        return real(self, data, flush)

    monkeypatch.setattr(_GZipSend, "_compress_now", spy)
    assert GZipMiddleware(text_app()).thread_minimum_size == 128 * 1024
    result = call(GZipMiddleware(text_app(BIG), thread_minimum_size=1000), headers=ACCEPT)
    assert gzip.decompress(result.body) == BIG
    chunks = [b"x" * 2000, b"small", b"y" * 3000]
    streamed = call(GZipMiddleware(chunked_app(chunks), thread_minimum_size=1000), headers=ACCEPT)
    assert gunzip_stream(streamed) == chunks
    # Chunks of at least 1000 bytes left the event loop's thread; the small one did not.
    assert where == [(len(BIG), False), (2000, False), (5, True), (3000, False)]


def test_repeated_accept_encoding_headers_are_combined() -> None:
    headers = [("accept-encoding", "br"), ("accept-encoding", "gzip")]
    assert call(GZipMiddleware(text_app(BIG)), headers=headers).header("content-encoding") == "gzip"


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (200, [(b"content-encoding", b"br")]),
        (200, [(b"Content-Encoding", b"gzip")]),
        (206, [(b"content-range", b"bytes 0-4499/9000")]),
    ],
)
def test_encoded_and_partial_responses_pass_through(
    status: int, headers: list[tuple[bytes, bytes]]
) -> None:
    result = call(GZipMiddleware(text_app(BIG, status=status, headers=headers)), headers=ACCEPT)
    assert result.status == status
    assert result.headers == [*headers, (b"content-length", b"%d" % len(BIG))]
    assert result.body == BIG


def test_a_streaming_response_is_compressed_chunk_by_chunk() -> None:
    chunks = [b"first chunk ", b"", b"second chunk " * 50, b"last"]
    app = chunked_app(
        chunks, headers=[(b"content-type", b"text/plain"), (b"content-length", b"999")]
    )
    result = call(GZipMiddleware(app), headers=ACCEPT)
    assert result.header("content-encoding") == "gzip"
    assert result.header("content-length") is None
    assert result.header("vary") == "Accept-Encoding"
    assert [m["more_body"] for m in result.messages[1:]] == [True, True, True, False]
    assert gunzip_stream(result) == chunks
    assert gzip.decompress(result.body) == b"".join(chunks)


def test_a_streaming_response_that_starts_with_an_empty_chunk() -> None:
    result = call(GZipMiddleware(chunked_app([b"", b"data"])), headers=ACCEPT)
    assert gzip.decompress(result.body) == b"data"


def test_each_event_reaches_the_client_before_the_app_sends_the_next() -> None:
    async def main() -> None:
        next_event = asyncio.Event()
        received: list[Message] = []
        arrived = asyncio.Event()

        async def events(scope: Scope, receive: Receive, send: Send) -> None:
            headers = [(b"content-type", b"text/event-stream")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"data: one\n\n", "more_body": True})
            await next_event.wait()
            await send({"type": "http.response.body", "body": b"data: two\n\n", "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        async def receive() -> Message:  # pragma: no cover - the app never reads
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            received.append(message)
            if message["type"] == "http.response.body":
                arrived.set()

        scope = make_scope(headers=ACCEPT)
        middleware = GZipMiddleware(events, exclude_content_types=())
        task = asyncio.ensure_future(middleware(scope, receive, send))
        await arrived.wait()
        # The app is now blocked before its second event: the first must be readable.
        decoder = zlib.decompressobj(31)
        expected = {(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")}
        assert expected <= set(received[0]["headers"])
        assert decoder.decompress(received[1]["body"]) == b"data: one\n\n"
        assert not task.done()
        next_event.set()
        await task
        assert decoder.decompress(received[2]["body"]) == b"data: two\n\n"
        assert decoder.decompress(received[3]["body"]) == b""
        assert decoder.eof

    asyncio.run(main())


def test_extension_messages_instead_of_a_body_pass_through() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"9000")],
            }
        )
        await send({"type": "http.response.pathsend", "path": "/srv/big.txt"})

    result = call(GZipMiddleware(app), headers=ACCEPT)
    assert result.headers == [(b"content-length", b"9000")]
    assert result.messages[1] == {"type": "http.response.pathsend", "path": "/srv/big.txt"}


def test_trailers_after_a_stream_pass_through() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "trailers": True})
        await send({"type": "http.response.body", "body": b"a" * 1000, "more_body": True})
        await send({"type": "http.response.body", "more_body": False})
        await send({"type": "http.response.trailers", "headers": [(b"x-checksum", b"1")]})

    result = call(GZipMiddleware(app), headers=ACCEPT)
    assert result.messages[-1]["type"] == "http.response.trailers"
    assert gzip.decompress(b"".join(m["body"] for m in result.messages[1:3])) == b"a" * 1000


def test_messages_after_a_complete_response_pass_through() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await text_app(BIG)(scope, receive, send)
        await send({"type": "http.response.debug", "info": {}})

    assert call(GZipMiddleware(app), headers=ACCEPT).messages[-1]["type"] == "http.response.debug"


def test_an_odd_first_message_switches_to_pass_through() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.odd"})
        await text_app(BIG)(scope, receive, send)

    result = call(GZipMiddleware(app), headers=ACCEPT)
    assert [m["type"] for m in result.messages] == [
        "http.response.odd",
        "http.response.start",
        "http.response.body",
    ]
    assert result.messages[2]["body"] == BIG


@pytest.mark.parametrize("kind", ["http.response.debug", "http.response.early_hint"])
def test_debug_info_and_early_hints_before_the_start_pass_through(kind: str) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": kind, "info": {"template": "page.html"}, "links": []})
        await text_app(BIG)(scope, receive, send)

    result = call(GZipMiddleware(app), headers=ACCEPT)
    assert [m["type"] for m in result.messages] == [
        kind,
        "http.response.start",
        "http.response.body",
    ]
    assert gzip.decompress(result.messages[2]["body"]) == BIG


def test_a_start_without_a_body_is_still_sent() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})

    result = call(GZipMiddleware(app), headers=ACCEPT)
    assert [m["type"] for m in result.messages] == ["http.response.start"]


def test_nothing_is_sent_when_the_app_sends_nothing() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        return

    assert call(GZipMiddleware(app), headers=ACCEPT).messages == []


def test_exceptions_propagate_unchanged() -> None:
    error = LookupError("from the app")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise error

    with pytest.raises(LookupError) as caught:
        call(GZipMiddleware(app), headers=ACCEPT)
    assert caught.value is error


def test_the_request_body_reaches_the_app() -> None:
    async def echo(scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        await text_app(message["body"] * 100)(scope, receive, send)

    result = call(GZipMiddleware(echo), "POST", headers=ACCEPT, body=b"ping ")
    assert gzip.decompress(result.body) == b"ping " * 100


def test_non_http_scopes_pass_straight_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    asyncio.run(acall(GZipMiddleware(app), make_scope(type="websocket", headers=ACCEPT)))
    assert seen == ["websocket"]


def test_instances_use_slots() -> None:
    assert not hasattr(GZipMiddleware(text_app()), "__dict__")


# --- the same answers as Starlette's GZipMiddleware ------------------------------------

RESPONSES: dict[str, tuple[int, list[tuple[bytes, bytes]], list[bytes]]] = {
    "small": (200, [(b"content-type", b"text/plain")], [b"tiny"]),
    "big": (200, [(b"content-type", b"text/html; charset=utf-8")], [BIG]),
    "big-vary": (200, [(b"content-type", b"text/plain"), (b"vary", b"Cookie")], [BIG]),
    "stream": (200, [(b"content-type", b"application/json")], [b"[1,", b"", b"2]"]),
    "encoded": (200, [(b"content-type", b"text/plain"), (b"content-encoding", b"br")], [BIG]),
    "partial": (206, [(b"content-type", b"text/plain")], [BIG]),
    "image": (200, [(b"content-type", b"image/png")], [BIG]),
    "events": (200, [(b"content-type", b"text/event-stream")], [b"data: 1\n\n", b""]),
    "untyped": (200, [], [BIG]),
}


def respond_with(name: str) -> ASGIApp:
    status, headers, chunks = RESPONSES[name]
    return chunked_app(chunks, status=status, headers=headers)


def _normalised(result: Result) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return result.status, sorted((k.lower(), v) for k, v in result.headers), result.body


@pytest.mark.parametrize("response", list(RESPONSES))
@pytest.mark.parametrize("accept", [None, "gzip", "gzip, deflate, br", "br", "identity"])
def test_same_answer_as_starlette(response: str, accept: str | None) -> None:
    from starlette.middleware.gzip import GZipMiddleware as StarletteGZip

    headers = [("host", "example.com")]
    if accept is not None:
        headers.append(("accept-encoding", accept))
    ours = call(GZipMiddleware(respond_with(response), minimum_size=100), headers=headers)
    theirs = call(StarletteGZip(respond_with(response), minimum_size=100), headers=headers)
    assert _normalised(ours) == _normalised(theirs)
