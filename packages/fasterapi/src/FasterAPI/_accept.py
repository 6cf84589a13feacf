"""Accepting new connections in bursts under uvloop (`fasterapi run`).

uvloop's own TCP server hands libuv the listening socket, and libuv (1.45 and later, in
uvloop 0.18+) takes one new connection per turn of the event loop. When many clients
connect at once while the loop is busy serving the first ones, the rest wait in the
kernel's accept queue, each for a whole loop turn per connection ahead of it, and their
first request carries that wait: `bench_http.py`'s 1,000-connection row showed a p99 of
~450 ms where the same server, accepting in bursts, answers in ~20-40 ms.

`burst_loop` is the uvloop event loop `fasterapi run` gives uvicorn. Its `create_server`
binds and listens exactly as uvloop does (same addresses, options and backlog), then watches
the listening sockets itself and accepts up to `ACCEPT_BURST` waiting connections per
wake-up, handing each to uvloop as an accepted socket (a uvloop TCP transport, as before).
TLS servers and anything but a plain TCP `create_server` keep uvloop's own path.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import logging
import os
import socket
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ("ACCEPT_BURST", "BurstServer", "burst_loop", "loop_class")

# At most this many connections are accepted per wake-up of the listening socket, so that a
# flood of new clients cannot starve the ones already connected for long.
ACCEPT_BURST = 64
# After EMFILE/ENFILE (out of file descriptors) accepting pauses this long, as asyncio does.
_RETRY_DELAY = 1.0
_SKIPPABLE = frozenset((errno.ECONNABORTED, errno.EPROTO, errno.EPERM))

_log = logging.getLogger("fasterapi.server")

ProtocolFactory = Callable[[], asyncio.BaseProtocol]


class BurstServer:
    """The listening sockets of one `create_server` call, accepted from in bursts.

    It offers what an `asyncio.Server` offers that uvicorn uses (`sockets`, `close`,
    `wait_closed`, `is_serving`) plus `start_serving`, `serve_forever` and `get_loop`.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        inner: asyncio.AbstractServer,
        listeners: Iterable[socket.socket],
        protocol_factory: ProtocolFactory,
    ) -> None:
        self._loop = loop
        self._inner = inner  # uvloop's (never serving) server: owns the original sockets
        self._listeners = list(listeners)
        self._protocol_factory = protocol_factory
        self._serving = False
        self._closed = False
        self._pending: set[asyncio.Task[Any]] = set()

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return tuple(self._listeners)

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    async def start_serving(self) -> None:
        self._start()

    async def serve_forever(self) -> None:
        self._start()
        try:
            await asyncio.Event().wait()
        finally:
            self.close()
            await self.wait_closed()

    def close(self) -> None:
        """Stop accepting and close the listening sockets; open connections stay."""
        if self._closed:
            return
        self._closed = True
        self._stop()
        for listener in self._listeners:
            listener.close()
        self._inner.close()

    async def wait_closed(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        await self._inner.wait_closed()

    def _start(self) -> None:
        if self._serving or self._closed:
            return
        self._serving = True
        for listener in self._listeners:
            self._loop.add_reader(listener.fileno(), self._accept, listener)

    def _stop(self) -> None:
        if not self._serving:
            return
        self._serving = False
        for listener in self._listeners:
            self._loop.remove_reader(listener.fileno())

    def _accept(self, listener: socket.socket) -> None:
        # PERF: bench_http.py (1,000-connection row) - up to ACCEPT_BURST connections per
        # wake-up instead of libuv's one per loop turn.
        for _ in range(ACCEPT_BURST):
            try:
                conn, _address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in _SKIPPABLE:
                    continue  # that client went away while queued: take the next
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    _log.error(
                        "cannot accept new connections (%s); pausing for %.0f s",
                        exc.strerror,
                        _RETRY_DELAY,
                    )
                    self._stop()
                    self._loop.call_later(_RETRY_DELAY, self._start)
                    return
                raise
            conn.setblocking(False)
            task = self._loop.create_task(self._connect(conn))
            if not task.done():
                self._pending.add(task)
                task.add_done_callback(self._pending.discard)

    async def _connect(self, conn: socket.socket) -> None:
        loop = self._loop
        try:
            await loop.connect_accepted_socket(self._protocol_factory, conn)
        except Exception as exc:  # the protocol's connection_made failed: drop the client
            conn.close()
            loop.call_exception_handler(
                {"message": "error on a newly accepted connection", "exception": exc}
            )


@functools.cache
def loop_class() -> type[asyncio.AbstractEventLoop] | None:
    """uvloop's `Loop` with burst accepting, or None when uvloop is not installed."""
    try:
        import uvloop
    except ImportError:
        return None

    class BurstLoop(uvloop.Loop):  # type: ignore[misc, name-defined, unused-ignore]
        """uvloop's event loop whose plain TCP servers accept in bursts (`BurstServer`)."""

        async def create_server(  # type: ignore[override, unused-ignore]
            self,
            protocol_factory: ProtocolFactory,
            host: Any = None,
            port: Any = None,
            *,
            ssl: Any = None,
            backlog: int = 100,
            start_serving: bool = True,
            **kwargs: Any,
        ) -> Any:
            create = super().create_server
            if ssl is not None:
                return await create(
                    protocol_factory, host, port, ssl=ssl, backlog=backlog, **kwargs
                )
            # Bound by uvloop (its addresses and socket options); not listening yet.
            inner = await create(
                protocol_factory, host, port, backlog=backlog, start_serving=False, **kwargs
            )
            listeners = []
            for pseudo in inner.sockets:  # type: ignore[attr-defined, unused-ignore]
                listener = socket.socket(
                    pseudo.family, pseudo.type, pseudo.proto, fileno=os.dup(pseudo.fileno())
                )
                listener.setblocking(False)
                listener.listen(backlog)
                listeners.append(listener)
            server = BurstServer(self, inner, listeners, protocol_factory)
            if start_serving:
                server._start()
            return server

    return BurstLoop


def burst_loop() -> asyncio.AbstractEventLoop:
    """A new event loop for uvicorn's `loop=` ("FasterAPI._accept:burst_loop")."""
    cls = loop_class()
    return cls() if cls is not None else asyncio.new_event_loop()
