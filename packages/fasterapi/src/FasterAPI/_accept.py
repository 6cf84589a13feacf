"""Draining a deep accept queue under uvloop (`fasterapi run`).

uvloop's TCP server leaves accepting to libuv, which (since 1.45, in uvloop 0.18+) takes
one new connection per turn of the event loop. That is cheap and fine while connections
arrive a few at a time, but when hundreds of clients connect at once while the loop is busy
serving the first ones, the rest wait in the kernel's accept queue, one loop turn per
connection ahead of them, and their first request carries the wait: in `bench_http.py`'s
1,000-connection row the p99 latency jumped to ~0.5 s in some one-second runs.

`burst_loop` is the uvloop event loop `fasterapi run` gives uvicorn. Its `create_server`
is uvloop's, untouched, plus a drain: each time uvloop accepts a connection (the protocol
factory is called), a drain is armed to run `DRAIN_DELAY` later unless one is armed
already; it accepts up to `ACCEPT_BURST` connections still waiting and hands each to uvloop
as an accepted socket (an ordinary uvloop TCP transport). A flood of new clients is taken
in a few milliseconds, while a steady trickle (one connection per request, as from a proxy
that does not keep connections alive) mostly keeps libuv's cheaper path: the drain's
accept in Python costs ~7 us more per connection. TLS servers keep uvloop's own path only.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

__all__ = ("ACCEPT_BURST", "DRAIN_DELAY", "DrainingServer", "burst_loop", "loop_class")

# A drain takes at most this many waiting connections, so that a flood of new clients
# cannot hold up the connections already being served for long (~25 us each).
ACCEPT_BURST = 256
# Seconds from a connection accepted by uvloop to the drain it arms.
DRAIN_DELAY = 0.005
# After EMFILE/ENFILE (out of file descriptors) drains pause this long, as asyncio does;
# libuv's own accept sheds such load by itself.
_RETRY_DELAY = 1.0
_SKIPPABLE = frozenset((errno.ECONNABORTED, errno.EPROTO, errno.EPERM))
_OUT_OF_RESOURCES = frozenset((errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM))

_log = logging.getLogger("fasterapi.server")

ProtocolFactory = Callable[[], asyncio.BaseProtocol]


class DrainingServer:
    """uvloop's server for one `create_server` call, with the drain of the module docstring.

    It offers what an `asyncio.Server` offers (`sockets`, `close`, `wait_closed`,
    `is_serving`, `start_serving`, `serve_forever`, `get_loop`), by uvloop's server.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, protocol_factory: ProtocolFactory) -> None:
        self._loop = loop
        self._protocol_factory = protocol_factory
        self._inner: Any = None  # uvloop's server, set by `BurstLoop.create_server`
        self._listeners: list[socket.socket] = []  # our duplicates of its sockets
        self._armed: asyncio.TimerHandle | None = None
        self._paused = False
        self._closed = False
        self._pending: set[asyncio.Task[Any]] = set()

    def make_protocol(self) -> asyncio.BaseProtocol:
        """The protocol factory given to uvloop: a connection it accepted arms a drain."""
        if self._armed is None and not self._closed and not self._paused:
            self._armed = self._loop.call_later(DRAIN_DELAY, self._drain_all)
        return self._protocol_factory()

    @property
    def sockets(self) -> Any:
        return self._inner.sockets

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return bool(self._inner.is_serving())

    async def start_serving(self) -> None:
        await self._inner.start_serving()

    async def serve_forever(self) -> None:
        await self._inner.serve_forever()

    def close(self) -> None:
        """Stop accepting (uvloop's server and the drain); open connections stay."""
        if not self._closed:
            self._closed = True
            if self._armed is not None:
                self._armed.cancel()
                self._armed = None
            for listener in self._listeners:
                listener.close()
        self._inner.close()

    async def wait_closed(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        await self._inner.wait_closed()

    def _drain_all(self) -> None:
        self._armed = None
        for listener in self._listeners:
            self._drain(listener)

    def _drain(self, listener: socket.socket) -> None:
        # PERF: bench_http.py (the 1,000-connection row) - the waiting connections in one go
        # instead of libuv's one per loop turn.
        if self._closed or self._paused:
            return
        for _ in range(ACCEPT_BURST):
            try:
                conn, _address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in _SKIPPABLE:
                    continue  # that client went away while queued: take the next
                if exc.errno in _OUT_OF_RESOURCES:
                    _log.error(
                        "cannot accept new connections (%s); draining paused for %.0f s",
                        exc.strerror,
                        _RETRY_DELAY,
                    )
                    self._paused = True
                    self._loop.call_later(_RETRY_DELAY, self._resume)
                    return
                raise
            conn.setblocking(False)
            task = self._loop.create_task(self._connect(conn))
            if not task.done():
                self._pending.add(task)
                task.add_done_callback(self._pending.discard)

    def _resume(self) -> None:
        self._paused = False

    async def _connect(self, conn: socket.socket) -> None:
        loop = self._loop
        try:
            await loop.connect_accepted_socket(self._protocol_factory, conn)
        except Exception as exc:  # uvloop could not take it: drop that client only
            conn.close()
            loop.call_exception_handler(
                {"message": "error on a newly accepted connection", "exception": exc}
            )


@functools.cache
def loop_class() -> type[asyncio.AbstractEventLoop] | None:
    """uvloop's `Loop` with draining TCP servers, or None when uvloop is not installed."""
    try:
        import uvloop
    except ImportError:
        return None

    class BurstLoop(uvloop.Loop):  # type: ignore[misc, name-defined, unused-ignore]
        """uvloop's event loop whose plain TCP servers drain deep accept queues."""

        async def create_server(  # type: ignore[override, unused-ignore]
            self,
            protocol_factory: ProtocolFactory,
            host: Any = None,
            port: Any = None,
            *,
            ssl: Any = None,
            **kwargs: Any,
        ) -> Any:
            create = super().create_server
            if ssl is not None:
                return await create(protocol_factory, host, port, ssl=ssl, **kwargs)
            server = DrainingServer(self, protocol_factory)
            inner = await create(server.make_protocol, host, port, **kwargs)
            server._inner = inner
            for pseudo in inner.sockets:  # type: ignore[attr-defined, unused-ignore]
                listener = socket.socket(
                    pseudo.family, pseudo.type, pseudo.proto, fileno=os.dup(pseudo.fileno())
                )
                listener.setblocking(False)
                server._listeners.append(listener)
            return server

    return BurstLoop


def burst_loop() -> asyncio.AbstractEventLoop:
    """A new event loop for uvicorn's `loop=` ("FasterAPI._accept:burst_loop")."""
    cls = loop_class()
    return cls() if cls is not None else asyncio.new_event_loop()
