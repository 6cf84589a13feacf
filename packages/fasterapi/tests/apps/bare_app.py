"""A framework-free ASGI app the CLI tests serve: HTTP, an upload echo and a WebSocket echo."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

started: list[str] = []


async def app(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
    """Answer `GET /`, count the bytes of `POST /upload`, echo text on `/ws`."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                started.append("up")
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    elif scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": "echo: " + str(message.get("text"))})
    elif scope["path"] == "/upload":
        size, more = 0, True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        headers = dict(scope["headers"])
        body = {"bytes": size, "content_type": headers.get(b"content-type", b"").decode()}
        await _respond(send, 200, json.dumps(body).encode(), b"application/json")
    else:
        await _respond(send, 200, b"hello from bare ASGI", b"text/plain")


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
