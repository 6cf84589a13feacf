"""Raw-socket helpers shared by the protocol tests (`test_protocol.py`, `test_fastproto.py`).

A test serves its app on 127.0.0.1 (a free port chosen by the kernel) inside `run`, talks raw
HTTP to it with `exchange`, and stops the server with `stop`; every wait is bounded. The
folder is put on `sys.path` by `conftest.py` (the root configuration imports with
``--import-mode=importlib``).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable
from typing import Any

from uvicorn.server import ServerState

HOST = "127.0.0.1"


def run(coro: Awaitable[Any]) -> Any:
    """`asyncio.run(coro)`, failing after 20 seconds instead of hanging."""

    async def bounded() -> Any:
        return await asyncio.wait_for(coro, 20)

    return asyncio.run(bounded())


async def stop(server: asyncio.Server, state: ServerState, release: asyncio.Event) -> None:
    """Close `server` and every connection it holds (`release` frees an app still waiting)."""
    server.close()
    release.set()
    for connection in list(state.connections):
        connection.transport.close()
    await asyncio.sleep(0.05)
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(server.wait_closed(), 2)


async def read_all(reader: asyncio.StreamReader, wait: float) -> bytes:
    """Everything until EOF, a reset or `wait` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + wait
    out = b""
    while (left := end - loop.time()) > 0:
        try:
            chunk = await asyncio.wait_for(reader.read(65536), left)
        except (asyncio.TimeoutError, OSError):
            break
        if not chunk:
            break
        out += chunk
    return out


async def exchange(port: int, *parts: bytes, pause: float = 0.0, wait: float = 1.5) -> bytes:
    """Send `parts` on one connection (`pause` seconds after each), then read the answer."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        for part in parts:
            writer.write(part)
            await writer.drain()
            if pause:
                await asyncio.sleep(pause)
        return await read_all(reader, wait)
    except OSError:
        return await read_all(reader, 0.5)
    finally:
        writer.close()


def statuses(raw: bytes) -> list[int]:
    """The status codes of every response in `raw`, in order."""
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d{3}) ", raw)]
