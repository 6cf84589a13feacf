"""Property 11 (and the server half of property 10): a real server, started the way users do.

`fasterapi run <app.py> --host 127.0.0.1 --port <free port>` runs in a subprocess (uvicorn on
uvloop + httptools with the CLI's default limits). Raw sockets then try request smuggling,
slow-loris, oversized headers, a thousand concurrent clients and broken WebSocket frames.
After each attack the server must still answer a health request, and its memory must settle.

Only 127.0.0.1 is ever used. Every loop is bounded in count and in time, and the fixture's
teardown kills the server whatever happened.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

HOST = "127.0.0.1"

APP = textwrap.dedent(
    """
    import asyncio

    from FasterAPI import Depends, Faster, Request, WebSocket, WebSocketDisconnect

    app = Faster()
    stats = {"echo": 0, "ws_open": 0, "ws_closed": 0}


    @app.get("/health")
    async def health() -> dict:
        return {"ok": True}


    @app.post("/echo")
    async def echo(request: Request) -> dict:
        body = await request.body()
        stats["echo"] += 1  # counted only once the whole body arrived
        return {"len": len(body)}


    @app.get("/stats")
    async def get_stats() -> dict:
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        return {**stats, "tasks": len(others)}


    async def connection_resource():
        stats["ws_open"] += 1
        try:
            yield None
        finally:
            stats["ws_closed"] += 1


    @app.websocket("/ws")
    async def ws(websocket: WebSocket, res: None = Depends(connection_resource)) -> None:
        await websocket.accept()
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("text") is not None:
                    await websocket.send_text(message["text"])
                else:
                    await websocket.send_bytes(message.get("bytes") or b"")
        except WebSocketDisconnect:
            return
    """
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def fasterapi_command() -> list[str]:
    script = Path(sys.executable).with_name("fasterapi")
    if script.exists():
        return [str(script)]
    found = shutil.which("fasterapi")
    return [found] if found else [sys.executable, "-m", "FasterAPI"]


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")  # pragma: no cover

    def alive(self) -> bool:
        return self.proc.poll() is None


def complete_responses(raw: bytes) -> int:
    """How many whole responses (head + Content-Length body) `raw` holds."""
    count = 0
    while True:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            return count
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(rest) < length:
            return count
        count += 1
        raw = rest[length:]


def http(port: int, raw: bytes, wait: float = 3.0, expect: int = 1, settle: float = 0.0) -> bytes:
    """Send `raw` on a new connection; read until `expect` whole responses, EOF or `wait` s.

    With `settle`, keep listening that long after the expected responses, to catch an extra
    (smuggled) one.
    """
    out = b""
    with socket.create_connection((HOST, port), timeout=wait) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(raw)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except OSError:  # a timeout or a reset
                break
            if not chunk:
                break
            out += chunk
            if complete_responses(out) >= expect:
                if settle:
                    sock.settimeout(settle)
                    with contextlib.suppress(OSError):
                        out += sock.recv(65536)
                break
    return out


def statuses(raw: bytes) -> list[int]:
    """The status of every response in `raw` (pipelined answers follow a body directly)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", raw)]


def health(server: Server) -> None:
    assert server.alive(), server.log.read_text()[-2000:]
    out = http(server.port, b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n", wait=5)
    assert statuses(out) == [200], out[:200]
    assert out.endswith(b'{"ok":true}')


def stats(server: Server) -> dict[str, int]:
    out = http(server.port, b"GET /stats HTTP/1.1\r\nHost: t\r\n\r\n", wait=5)
    assert statuses(out) == [200], out[:200]
    return dict(json.loads(out.partition(b"\r\n\r\n")[2]))


def _raise_open_file_limit(wanted: int = 8192) -> None:
    """1,000 held connections need ~1,000 descriptors on each side; CI often starts at 1,024.

    The server subprocess inherits the raised soft limit. Nothing is lowered.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _raise_open_file_limit()
    folder = tmp_path_factory.mktemp("server")
    app_file = folder / "hostile_app.py"
    app_file.write_text(APP)
    log = folder / "server.log"
    port = free_port()
    command = [
        *fasterapi_command(),
        "run",
        str(app_file),
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    srv = Server(proc, port, log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server did not start: {log.read_text()[-3000:]}")
            try:
                if statuses(http(port, b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n", 1)) == [200]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 20 s: {log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield srv
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


# --- request smuggling -------------------------------------------------------------------

FOLLOW = b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
SMUGGLING = {
    "CL then TE": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    + FOLLOW,
    "TE then CL": b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n"
    + FOLLOW,
    "two different CL": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhello"
    + FOLLOW,
    "two equal CL": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"
    + FOLLOW,
    "CL list": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 40\r\n\r\nhello" + FOLLOW,
    "CL with sign": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello" + FOLLOW,
    "TE unknown": b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
    + FOLLOW,
    "TE chunked, identity": b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
    + FOLLOW,
    "space before colon": b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"
    + FOLLOW,
    "obs-fold TE": b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\n chunked\r\n\r\n0\r\n\r\n"
    + FOLLOW,
    "bad chunk size": b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
    + FOLLOW,
    "bare LF": b"POST /echo HTTP/1.1\nHost: t\nContent-Length: 5\n\nhello" + FOLLOW,
    "NUL in a header": b"POST /echo HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\nContent-Length: 5\r\n\r\nhello"
    + FOLLOW,
    "CR in a header": b"POST /echo HTTP/1.1\r\nHost: t\r\nX-A: a\rContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello"
    + FOLLOW,
}


@pytest.mark.parametrize("raw", SMUGGLING.values(), ids=SMUGGLING.keys())
def test_smuggling_attempts_get_a_400_and_never_two_requests(server: Server, raw: bytes) -> None:
    before = stats(server)["echo"]
    out = http(server.port, raw, wait=2, settle=0.3)
    codes = statuses(out)
    assert codes in ([400], []), out[:300]  # a 400, or the connection simply closed
    assert stats(server)["echo"] == before, "the ambiguous request reached the app"
    health(server)


def test_a_valid_pipelined_pair_is_still_two_requests(server: Server) -> None:
    raw = b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + FOLLOW
    out = http(server.port, raw, wait=2, expect=2)
    assert statuses(out) == [200, 200]


# --- oversized requests ------------------------------------------------------------------


def test_an_overlong_request_line_is_refused(server: Server) -> None:
    out = http(server.port, b"GET /health?" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: t\r\n\r\n")
    assert statuses(out) in ([400], [414], [431], []), out[:200]
    health(server)


def test_an_oversized_header_is_refused(server: Server) -> None:
    out = http(
        server.port, b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
    )
    health(server)
    assert statuses(out) in ([400], [413], [431], []), out[:200]


def test_too_many_headers_are_refused(server: Server) -> None:
    many = b"".join(b"X-%d: v\r\n" % i for i in range(20_000))
    out = http(server.port, b"GET /health HTTP/1.1\r\nHost: t\r\n" + many + b"\r\n", wait=5)
    health(server)
    assert statuses(out) in ([400], [413], [431], []), out[:200]


def test_headers_within_the_limit_are_served(server: Server) -> None:
    some = b"".join(b"X-%d: v\r\n" % i for i in range(50))
    out = http(
        server.port,
        b"GET /health HTTP/1.1\r\nHost: t\r\n" + some + b"X-A: " + b"a" * 8000 + b"\r\n\r\n",
    )
    assert statuses(out) == [200]


# --- slow loris and many clients ---------------------------------------------------------


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(writer.wait_closed(), 2)


async def _health_async(port: int, timeout: float) -> int:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        writer.write(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
        return statuses(data)[0] if statuses(data) else 0
    finally:
        await _close(writer)


def test_slow_loris_does_not_starve_other_clients(server: Server) -> None:
    count, duration = 100, 3.0
    partial = b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"s" * 1000

    async def loris(stop: asyncio.Event) -> int:
        _, writer = await asyncio.open_connection(HOST, server.port)
        sent = 0
        try:
            while not stop.is_set() and sent < len(partial):
                writer.write(partial[sent : sent + 1])
                await writer.drain()
                sent += 1
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.1)
        except OSError:
            pass
        finally:
            await _close(writer)
        return sent

    async def main() -> list[int]:
        stop = asyncio.Event()
        attackers = [asyncio.ensure_future(loris(stop)) for _ in range(count)]
        await asyncio.sleep(0.5)
        answers = []
        end = time.monotonic() + duration
        while time.monotonic() < end:
            answers.append(await _health_async(server.port, 2.0))
            await asyncio.sleep(0.25)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*attackers, return_exceptions=True), 10)
        return answers

    answers = asyncio.run(asyncio.wait_for(main(), 30))
    assert answers
    assert all(code == 200 for code in answers), answers
    health(server)


@pytest.mark.slow
def test_a_thousand_slow_loris_connections_do_not_lock_others_out(server: Server) -> None:
    count, hold = 1000, 6.5  # hold just past the 5 s keep-alive timeout

    async def main() -> tuple[int, int]:
        writers: list[asyncio.StreamWriter] = []
        try:
            for _ in range(count):
                try:
                    _, writer = await asyncio.wait_for(
                        asyncio.open_connection(HOST, server.port), 5
                    )
                except (OSError, asyncio.TimeoutError):
                    break
                writer.write(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: a")
                writers.append(writer)
            await asyncio.sleep(hold)
            alive = sum(1 for w in writers if not w.is_closing() and not w.transport.is_closing())
            return await _health_async(server.port, 5.0), alive
        finally:
            for writer in writers:
                writer.close()
            await asyncio.sleep(0.2)

    code, alive = asyncio.run(asyncio.wait_for(main(), 30))
    time.sleep(0.5)
    health(server)  # whatever happened, the server recovers once the attacker leaves
    assert code == 200, f"a legitimate client got {code} while {alive} slow connections were held"


async def _client(port: int, path: bytes) -> int:
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError:
        return -1
    try:
        writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        await writer.drain()
        data = await reader.read()
        found = statuses(data)
        return found[0] if found else 0
    except OSError:
        return -1
    finally:
        await _close(writer)


def _round(port: int, clients: int) -> list[int]:
    async def main() -> list[int]:
        tasks = [_client(port, b"/health") for _ in range(clients)]
        return list(await asyncio.wait_for(asyncio.gather(*tasks), 30))

    return asyncio.run(main())


@pytest.mark.slow
def test_a_thousand_concurrent_clients_and_memory_settles(server: Server) -> None:
    clients = 1000
    _round(server.port, clients)  # warm-up: imports, caches, buffers reach their steady size
    health(server)
    baseline = server.rss_kib()
    results: list[int] = []
    for _ in range(3):
        codes = _round(server.port, clients)
        results += codes
        health(server)
    # limit_concurrency (1000 per worker by default) may turn some away with a 503, at once.
    assert set(results) <= {200, 503}, sorted(set(results))
    assert results.count(200) >= clients, "most clients must be served"
    time.sleep(0.5)
    after = server.rss_kib()
    # 10% or 15 MiB, whichever is larger: allocator arenas and uvloop's buffers keep some
    # freed memory mapped, which is not a leak; a leak of even 15 kB per request would add
    # 45 MB over these 3,000 requests and fail this.
    slack = max(baseline // 10, 15 * 1024)
    assert after <= baseline + slack, f"RSS grew from {baseline} KiB to {after} KiB"


# --- WebSocket through the real server ---------------------------------------------------


def _ws_connect(port: int) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=5)
    key = base64.b64encode(os.urandom(16))
    sock.sendall(
        b"GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError(f"handshake refused: {head!r}")
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _frame(opcode: int, payload: bytes) -> bytes:
    """One final client frame (clients must mask, RFC 6455 section 5.3)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    # XOR with the repeated 4-byte key, done on big integers: fast even for megabytes.
    key = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
    return header + mask + masked


def _read_frames(sock: socket.socket, wait: float = 5.0, count: int = 0) -> list[tuple[int, bytes]]:
    """Read server frames until a close frame, `count` frames (if > 0), EOF or `wait` s."""
    frames: list[tuple[int, bytes]] = []
    buf = b""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        while len(buf) >= 2:
            opcode, n = buf[0] & 0x0F, buf[1] & 0x7F
            start = 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, start = struct.unpack("!H", buf[2:4])[0], 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, start = struct.unpack("!Q", buf[2:10])[0], 10
            if len(buf) < start + n:
                break
            frames.append((opcode, buf[start : start + n]))
            buf = buf[start + n :]
            if opcode == 0x8 or len(frames) == count:
                return frames
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, OSError):
            break
        if not chunk:
            break
        buf += chunk
    return frames


def _close_code(frames: list[tuple[int, bytes]]) -> int | None:
    for opcode, payload in frames:
        if opcode == 0x8 and len(payload) >= 2:
            return int(struct.unpack("!H", payload[:2])[0])
    return None


def test_websocket_echo_works(server: Server) -> None:
    with _ws_connect(server.port) as sock:
        sock.sendall(_frame(0x1, "h\u00e9llo".encode()))
        (frame,) = _read_frames(sock, 2, count=1)
        assert frame == (0x1, "h\u00e9llo".encode())
        sock.sendall(_frame(0x8, struct.pack("!H", 1000)))
        assert _close_code(_read_frames(sock)) == 1000


@pytest.mark.parametrize(
    "payload", [b"\xff\xfe", b"abc\xc3", b"\xed\xa0\x80"], ids=["ff", "truncated", "surrogate"]
)
def test_invalid_utf8_text_frames_close_with_1007(server: Server, payload: bytes) -> None:
    with _ws_connect(server.port) as sock:
        sock.sendall(_frame(0x1, payload))
        assert _close_code(_read_frames(sock)) == 1007
    health(server)


def test_an_oversize_websocket_message_closes_with_1009(server: Server) -> None:
    with _ws_connect(server.port) as sock:
        sock.sendall(_frame(0x2, b"x" * (1024 * 1024 + 1)))
        assert _close_code(_read_frames(sock, 10)) == 1009
    health(server)


def test_websocket_clients_that_vanish_leave_no_task_behind(server: Server) -> None:
    before = stats(server)
    for _ in range(50):
        sock = _ws_connect(server.port)
        sock.sendall(_frame(0x1, b"hi"))
        assert _read_frames(sock, 2, count=1) == [(0x1, b"hi")]
        # No close frame: the TCP connection just goes away (RST).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    deadline = time.monotonic() + 10
    while True:
        after = stats(server)
        if after["ws_closed"] - before["ws_closed"] == 50 and after["tasks"] <= before["tasks"]:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"connections left behind: before {before}, after {after}")
        time.sleep(0.1)
    assert after["ws_open"] - before["ws_open"] == 50
    health(server)


def test_the_server_logged_no_application_error(server: Server) -> None:
    health(server)
    text = server.log.read_text(errors="replace")
    # uvicorn logs its own tracebacks for some protocol errors (invalid UTF-8 in a WebSocket
    # text frame); what must never appear is an error of the app.
    assert "Exception in ASGI application" not in text, text[-3000:]
    assert "hostile_app.py" not in text, text[-3000:]
    assert "fasterapi_core" not in text, text[-3000:]
