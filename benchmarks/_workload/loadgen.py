"""HTTP/1.1 keep-alive load against 127.0.0.1: `wrk` when installed, else an asyncio generator.

    python benchmarks/_workload/loadgen.py '{"port": 8000, "request": "GET / HTTP/1.1...", ...}'

Either way the load runs for a fixed time over `connections` keep-alive connections, each
sending its next request as soon as the previous answer is complete (closed loop), and the
result is requests/s, p50 and p99 latency, and how many answers had an unexpected status
class or failed at the socket level.

`run_load()` is what the benchmarks call: it starts the generator as a subprocess pinned
to the given CPUs (the server sits on the other core), with a hard timeout.
The Python generator is what runs when wrk is missing; it is slower than wrk, so its
numbers are a floor for the fastest servers (the report says which generator ran).
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

HOST = "127.0.0.1"  # the benchmarks never talk to any other address


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad: int  # socket errors, timeouts and answers of the wrong status class
    server_cpu: float = 0.0  # CPU seconds the server used meanwhile (set by the caller)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_us(self) -> float:
        """Server CPU microseconds per request."""
        return 1e6 * self.server_cpu / self.requests if self.requests else 0.0


def raw_request(
    method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes, port: int
) -> bytes:
    """The exact bytes of one keep-alive HTTP/1.1 request."""
    target = path + ("?" + query.decode() if query else "")
    lines = [f"{method} {target} HTTP/1.1", f"host: {HOST}:{port}"]
    lines += [f"{k.decode()}: {v.decode()}" for k, v in headers]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"content-length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def generator_name(choice: str = "auto") -> str:
    """ "wrk" or "python" for a choice of "auto" (wrk if installed), "wrk" or "python"."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return choice


def run_load(
    port: int,
    request: bytes,
    *,
    connections: int,
    seconds: float,
    expect_ok: bool,
    cpus: set[int] | None,
    generator: str = "auto",
) -> LoadResult:
    """Drive `request` at 127.0.0.1:`port` for `seconds`; the generator is pinned to `cpus`."""
    preexec = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    if generator_name(generator) == "wrk":
        return _run_wrk(port, request, connections, seconds, expect_ok, preexec)
    spec = {
        "port": port,
        "request": request.decode("latin-1"),
        "connections": connections,
        "seconds": seconds,
        "expect_ok": expect_ok,
    }
    proc = subprocess.run(
        [sys.executable, __file__, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        preexec_fn=preexec,
        check=True,
    )
    return LoadResult(**json.loads(proc.stdout))


# --- wrk ----------------------------------------------------------------------------------------

# wrk's Lua hooks: the request is fixed up front; `done` prints one JSON line with the summary.
_WRK_SCRIPT = """
wrk.method = [==[{method}]==]
wrk.path = [==[{target}]==]
wrk.body = [==[{body}]==]
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {{"requests":%d,"duration_us":%d,"p50_us":%.1f,"p99_us":%.1f,'
    .. '"socket":%d,"status":%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def _wrk_script(request: bytes) -> str:
    head, _, body = request.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ")
    headers = []
    for line in header_lines:
        name, _, value = line.partition(": ")
        if name.lower() not in ("host", "content-length"):  # wrk sets both itself
            headers.append(f"wrk.headers[ [==[{name}]==] ] = [==[{value}]==]")
    return _WRK_SCRIPT.format(
        method=method, target=target, body=body.decode("latin-1"), headers="\n".join(headers)
    )


def _run_wrk(
    port: int, request: bytes, connections: int, seconds: float, expect_ok: bool, preexec: object
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_wrk_script(request))
    try:
        cmd = [
            "wrk",
            "-t1",  # one thread: the generator gets one core, the server the other
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            f"http://{HOST}:{port}/",
        ]
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            preexec_fn=preexec,  # type: ignore[arg-type]
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON ") :])
    n = data["requests"]
    # wrk counts answers outside 2xx/3xx as status errors; for a 422 endpoint those are right.
    wrong_class = data["status"] if expect_ok else n - data["status"]
    return LoadResult(
        requests=n,
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        bad=data["socket"] + wrong_class,
    )


# --- the Python generator -----------------------------------------------------------------------


class _Connection(asyncio.Protocol):
    """One keep-alive connection: send, read one whole answer, record its latency, repeat."""

    __slots__ = (
        "buf",
        "deadline",
        "done",
        "expect_ok",
        "latencies",
        "request",
        "sent",
        "stats",
        "transport",
    )

    def __init__(
        self,
        request: bytes,
        deadline: float,
        latencies: list[float],
        stats: dict[str, int],
        expect_ok: bool,
        done: asyncio.Future[None],
    ) -> None:
        self.request = request
        self.deadline = deadline
        self.latencies = latencies
        self.stats = stats
        self.expect_ok = expect_ok
        self.done = done
        self.buf = b""
        self.sent = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._send()

    def _send(self) -> None:
        self.sent = time.perf_counter()
        assert self.transport is not None
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buf[:end].lower()
            at = head.find(b"content-length:")
            if at < 0:  # the workload never streams; an answer without a length is an error
                self.stats["bad"] += 1
                self._finish()
                return
            eol = head.find(b"\r\n", at)
            length = int(head[at + 15 : eol if eol >= 0 else None])
            total = end + 4 + length
            if len(buf) < total:
                break
            now = time.perf_counter()
            self.latencies.append(now - self.sent)
            ok = buf[9:10] in (b"2", b"3")
            if ok != self.expect_ok:
                self.stats["bad"] += 1
            buf = buf[total:]
            if now >= self.deadline:
                self._finish()
                return
            self._send()
        self.buf = buf

    def _finish(self) -> None:
        if self.transport is not None:
            self.transport.close()
        if not self.done.done():
            self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            if time.perf_counter() < self.deadline:
                self.stats["bad"] += 1
            self.done.set_result(None)


async def _drive(
    port: int, request: bytes, connections: int, seconds: float, expect_ok: bool
) -> LoadResult:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    stats = {"bad": 0}
    start = time.perf_counter()
    deadline = start + seconds
    futures = []
    for _ in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        futures.append(done)
        try:
            await loop.create_connection(
                lambda d=done: _Connection(request, deadline, latencies, stats, expect_ok, d),
                HOST,
                port,
            )
        except OSError:
            stats["bad"] += 1
            done.set_result(None)
    await asyncio.wait_for(asyncio.gather(*futures), timeout=seconds + 30)
    elapsed = time.perf_counter() - start
    latencies.sort()
    n = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(n - 1, int(n * p / 100))] * 1000 if n else 0.0

    return LoadResult(requests=n, seconds=elapsed, p50_ms=pct(50), p99_ms=pct(99), bad=stats["bad"])


def main() -> int:
    spec = json.loads(sys.argv[1])
    try:
        from uvloop import run
    except ImportError:  # uvloop is in the bench requirements; plain asyncio still works
        run = asyncio.run
    result = run(
        _drive(
            spec["port"],
            spec["request"].encode("latin-1"),
            spec["connections"],
            spec["seconds"],
            spec["expect_ok"],
        )
    )
    print(
        json.dumps(
            {
                "requests": result.requests,
                "seconds": result.seconds,
                "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms,
                "bad": result.bad,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
