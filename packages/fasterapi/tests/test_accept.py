"""`FasterAPI._accept`: the uvloop event loop of `fasterapi run`, draining deep accept queues."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import ssl
import struct
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from FasterAPI import _accept, _server
from FasterAPI._discovery import AppTarget

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or _accept.loop_class() is None, reason="uvloop only"
)

HOST = "127.0.0.1"


def run_in_burst_loop(test: Callable[[], Awaitable[Any]]) -> Any:
    loop = _accept.burst_loop()
    try:
        return loop.run_until_complete(asyncio.wait_for(test(), 20))
    finally:
        loop.close()


class Echo(asyncio.Protocol):
    """Answers each read with b"ok:" + the bytes read; counts its connections."""

    made = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        type(self).made += 1
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.transport.write(b"ok:" + data)


async def ask(port: int, data: bytes = b"ping") -> bytes:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(data)
        return await asyncio.wait_for(reader.read(100), 5)
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def echo_server(**options: Any) -> AsyncIterator[tuple[_accept.DrainingServer, int]]:
    """A draining `Echo` server on 127.0.0.1 (options as for `create_server`), and its port."""
    server = await asyncio.get_running_loop().create_server(Echo, HOST, 0, **options)
    assert isinstance(server, _accept.DrainingServer)
    try:
        yield server, server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def armed(server: _accept.DrainingServer) -> asyncio.TimerHandle | None:
    return server._armed


def paused(server: _accept.DrainingServer) -> bool:
    return server._paused


def connect_blocking(port: int, count: int) -> list[socket.socket]:
    """`count` client connections, completed by the kernel (queued until accepted)."""
    clients = []
    for _ in range(count):
        client = socket.create_connection((HOST, port), timeout=5)
        clients.append(client)
    return clients


def test_serves_like_a_uvloop_server_and_closes() -> None:
    async def scenario() -> None:
        async with echo_server(backlog=128) as (server, port):
            assert server.is_serving()
            assert server.get_loop() is asyncio.get_running_loop()
            assert await ask(port) == b"ok:ping"
            assert await ask(port, b"again") == b"ok:again"
            # An open connection outlives close(); new ones are refused.
            reader, writer = await asyncio.open_connection(HOST, port)
        assert not server.is_serving()
        writer.write(b"still")
        assert await asyncio.wait_for(reader.read(100), 5) == b"ok:still"
        writer.close()
        with pytest.raises(OSError):
            await ask(port)

    run_in_burst_loop(scenario)


def test_a_connection_uvloop_accepts_arms_one_drain_of_the_queue() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        async with echo_server(backlog=512) as (server, port):
            assert armed(server) is None
            server.make_protocol()  # what uvloop calls for a connection it accepted
            first = armed(server)
            assert first is not None
            server.make_protocol()  # a second one does not arm another drain
            assert armed(server) is first
            first.cancel()
            server._armed = None
            # A deep queue: one drain takes ACCEPT_BURST connections, libuv one per loop turn.
            waiting = _accept.ACCEPT_BURST + 36
            clients = connect_blocking(port, waiting)  # the loop is not running meanwhile
            Echo.made = 0
            server._drain_all()  # before any loop turn, so uvloop has accepted none of them
            assert len(server._pending) == _accept.ACCEPT_BURST  # one task per connection
            for _ in range(100):  # uvloop's accepts (and the drains they arm) take the rest
                if Echo.made == waiting:
                    break
                await asyncio.sleep(0.02)
            assert Echo.made == waiting
            for client in clients:
                client.sendall(b"x")
            for client in clients:
                client.settimeout(5)
                assert await loop.run_in_executor(None, client.recv, 10) == b"ok:x"
                client.close()

    run_in_burst_loop(scenario)


def test_many_simultaneous_clients_are_all_answered() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, HOST, 0, backlog=2048)
        port = server.sockets[0].getsockname()[1]
        answers = await asyncio.gather(*(ask(port, b"%d" % i) for i in range(300)))
        assert answers == [b"ok:%d" % i for i in range(300)]
        server.close()
        await server.wait_closed()

    run_in_burst_loop(scenario)


def test_clients_that_reset_while_queued_do_not_stop_the_server() -> None:
    async def scenario() -> None:
        async with echo_server(backlog=256) as (server, port):
            for client in connect_blocking(port, 50):
                # SO_LINGER 0: close() sends a reset instead of a FIN.
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
            server._drain_all()  # takes what is still queued of them
            await asyncio.sleep(0.2)
            assert await ask(port) == b"ok:ping"

    run_in_burst_loop(scenario)


class FlakyListener:
    """A listening socket whose accept() fails with the given errors first."""

    def __init__(self, real: socket.socket, errors: list[int]) -> None:
        self.real = real
        self.errors = errors

    def accept(self) -> tuple[socket.socket, Any]:
        if self.errors:
            code = self.errors.pop(0)
            raise OSError(code, errno.errorcode[code])
        return self.real.accept()

    def fileno(self) -> int:
        return self.real.fileno()


def test_a_connection_aborted_in_the_queue_is_skipped() -> None:
    async def scenario() -> None:
        async with echo_server() as (server, port):
            listener = server._listeners[0]
            port = listener.getsockname()[1]
            clients = connect_blocking(port, 1)
            Echo.made = 0
            server._drain(FlakyListener(listener, [errno.ECONNABORTED]))  # type: ignore[arg-type]
            await asyncio.sleep(0.1)
            assert Echo.made == 1  # the error was skipped and the waiting client taken
            clients[0].close()

    run_in_burst_loop(scenario)


def test_out_of_file_descriptors_pauses_draining_then_resumes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_accept, "_RETRY_DELAY", 0.2)

    async def scenario() -> None:
        async with echo_server() as (server, port):
            listener = server._listeners[0]
            port = listener.getsockname()[1]
            with caplog.at_level(logging.ERROR, logger="fasterapi.server"):
                server._drain(FlakyListener(listener, [errno.EMFILE]))  # type: ignore[arg-type]
            assert "cannot accept new connections" in caplog.text
            assert paused(server)
            server.make_protocol()  # no drain is armed while paused
            assert armed(server) is None
            assert await ask(port) == b"ok:ping"  # uvloop's own accept goes on
            await asyncio.sleep(0.4)
            assert not paused(server)

    run_in_burst_loop(scenario)


def test_a_connection_uvloop_cannot_take_is_reported_and_the_server_goes_on() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        reported: list[dict[str, Any]] = []
        loop.set_exception_handler(lambda _loop, context: reported.append(context))
        async with echo_server() as (server, port):
            real = loop.connect_accepted_socket
            failures = [OSError(errno.EBADF, "taken away")]

            async def flaky(factory: Any, sock: socket.socket, **kwargs: Any) -> Any:
                if failures:
                    raise failures.pop()
                return await real(factory, sock, **kwargs)

            loop.connect_accepted_socket = flaky  # type: ignore[method-assign, assignment]
            (client,) = connect_blocking(port, 1)
            server._drain_all()  # takes it before uvloop's own accept can: the one uvloop refuses
            await asyncio.sleep(0.1)
            client.settimeout(5)
            assert await loop.run_in_executor(None, client.recv, 10) == b""  # closed by the server
            client.close()
            assert reported
            assert "newly accepted" in reported[0]["message"]
            assert await ask(port) == b"ok:ping"

    run_in_burst_loop(scenario)


def test_tls_servers_are_uvloops_own() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server = await loop.create_server(Echo, HOST, 0, ssl=context)
        assert not isinstance(server, _accept.DrainingServer)
        server.close()
        await server.wait_closed()

    run_in_burst_loop(scenario)


def test_a_given_socket_is_served_too() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.bind((HOST, 0))
        server = await loop.create_server(Echo, sock=sock)
        assert isinstance(server, _accept.DrainingServer)
        assert await ask(sock.getsockname()[1]) == b"ok:ping"
        server.close()
        await server.wait_closed()

    run_in_burst_loop(scenario)


def test_fasterapi_run_gives_uvicorn_the_burst_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    configs: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **config: configs.append(config))
    target = AppTarget(module="main", attr="app", app_dir=Path("/srv"), app=object())
    _server.serve(target, _server.ServeOptions())
    assert configs[0]["loop"] == "FasterAPI._accept:burst_loop"
    # What uvicorn does with that string: import it and call it for each new loop.
    factory = uvicorn.Config("main:app", loop=configs[0]["loop"]).get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, _accept.loop_class())  # type: ignore[arg-type]
    finally:
        loop.close()
