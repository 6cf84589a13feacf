"""`FasterAPI._accept`: the uvloop event loop of `fasterapi run`, accepting in bursts."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import ssl
import struct
import sys
from collections.abc import Awaitable, Callable
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


def connect_blocking(port: int, count: int) -> list[socket.socket]:
    """`count` client connections, completed by the kernel (queued until accepted)."""
    clients = []
    for _ in range(count):
        client = socket.create_connection((HOST, port), timeout=5)
        clients.append(client)
    return clients


def test_serves_like_a_uvloop_server_and_closes() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, HOST, 0, backlog=128)
        assert isinstance(server, _accept.BurstServer)
        assert server.is_serving()
        assert server.get_loop() is loop
        port = server.sockets[0].getsockname()[1]
        assert await ask(port) == b"ok:ping"
        assert await ask(port, b"again") == b"ok:again"
        # An open connection outlives close(); new ones are refused.
        reader, writer = await asyncio.open_connection(HOST, port)
        server.close()
        await server.wait_closed()
        assert not server.is_serving()
        writer.write(b"still")
        assert await asyncio.wait_for(reader.read(100), 5) == b"ok:still"
        writer.close()
        with pytest.raises(OSError):
            await ask(port)

    run_in_burst_loop(scenario)


def test_accepts_a_burst_per_wake_up_and_leaves_the_rest_queued() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, HOST, 0, backlog=512, start_serving=False)
        assert isinstance(server, _accept.BurstServer)
        assert not server.is_serving()
        port = server.sockets[0].getsockname()[1]
        waiting = _accept.ACCEPT_BURST + 36
        clients = connect_blocking(port, waiting)  # all in the kernel's accept queue
        Echo.made = 0
        server._accept(server.sockets[0])  # one wake-up
        await asyncio.sleep(0.2)
        assert Echo.made == _accept.ACCEPT_BURST
        await server.start_serving()  # the rest come with the next wake-ups
        for _ in range(100):
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
        server.close()
        await server.wait_closed()

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
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, HOST, 0, backlog=256, start_serving=False)
        port = server.sockets[0].getsockname()[1]
        for client in connect_blocking(port, 50):
            # SO_LINGER 0: close() sends a reset instead of a FIN.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        await server.start_serving()
        await asyncio.sleep(0.2)
        assert await ask(port) == b"ok:ping"
        server.close()
        await server.wait_closed()

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
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, HOST, 0, start_serving=False)
        assert isinstance(server, _accept.BurstServer)
        listener = server.sockets[0]
        port = listener.getsockname()[1]
        clients = connect_blocking(port, 1)
        Echo.made = 0
        server._accept(FlakyListener(listener, [errno.ECONNABORTED]))  # type: ignore[arg-type]
        await asyncio.sleep(0.1)
        assert Echo.made == 1  # the error was skipped and the waiting client taken
        clients[0].close()
        server.close()
        await server.wait_closed()

    run_in_burst_loop(scenario)


def test_out_of_file_descriptors_pauses_accepting_then_resumes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_accept, "_RETRY_DELAY", 0.2)

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, HOST, 0)
        assert isinstance(server, _accept.BurstServer)
        listener = server.sockets[0]
        port = listener.getsockname()[1]
        with caplog.at_level(logging.ERROR, logger="fasterapi.server"):
            server._accept(FlakyListener(listener, [errno.EMFILE]))  # type: ignore[arg-type]
        assert "cannot accept new connections" in caplog.text
        assert not server.is_serving()
        await asyncio.sleep(0.4)
        assert server.is_serving()
        assert await ask(port) == b"ok:ping"
        server.close()
        await server.wait_closed()

    run_in_burst_loop(scenario)


def test_a_connection_uvloop_cannot_take_is_reported_and_the_server_goes_on() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        reported: list[dict[str, Any]] = []
        loop.set_exception_handler(lambda _loop, context: reported.append(context))
        server = await loop.create_server(Echo, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        real = loop.connect_accepted_socket
        failures = [OSError(errno.EBADF, "taken away")]

        async def flaky(factory: Any, sock: socket.socket, **kwargs: Any) -> Any:
            if failures:
                raise failures.pop()
            return await real(factory, sock, **kwargs)

        loop.connect_accepted_socket = flaky  # type: ignore[method-assign, assignment]
        client, writer = await asyncio.open_connection(HOST, port)  # the one uvloop refuses
        assert await asyncio.wait_for(client.read(10), 5) == b""  # closed by the server
        writer.close()
        assert reported
        assert "newly accepted" in reported[0]["message"]
        assert await ask(port) == b"ok:ping"
        server.close()
        await server.wait_closed()

    run_in_burst_loop(scenario)


def test_tls_servers_keep_uvloops_own_accept() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server = await loop.create_server(Echo, HOST, 0, ssl=context)
        assert not isinstance(server, _accept.BurstServer)
        server.close()
        await server.wait_closed()

    run_in_burst_loop(scenario)


def test_a_given_socket_is_served_too() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.bind((HOST, 0))
        server = await loop.create_server(Echo, sock=sock)
        assert isinstance(server, _accept.BurstServer)
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
