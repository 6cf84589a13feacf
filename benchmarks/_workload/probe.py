"""One measurement in a fresh interpreter; prints one JSON line. Run by `bench_scale.py`.

    python benchmarks/_workload/probe.py startup  fasterapi|fastapi ROUTES
    python benchmarks/_workload/probe.py inflight fasterapi|fastapi N tracemalloc|rss
    python benchmarks/_workload/probe.py io       fasterapi|fastapi upload|download REPS

startup:  seconds (wall and CPU) to import the framework and declare ROUTES routes (the
          route set of `bench_openapi.py`), and the RSS that adds to the bare interpreter.
inflight: N requests parked inside a handler at once, in process; memory they hold
          (Python heap by tracemalloc, or RSS growth - one per run: tracemalloc's own
          bookkeeping would inflate the RSS).
io:       a 10 MiB multipart upload (sent in 64 KiB ASGI messages, as a server would) or
          a 10 MiB streamed download, in process; median CPU time over REPS (all threads:
          spooling to disk may run in a worker thread), then one more
          pass under tracemalloc for the peak of the Python heap; and the peak RSS growth
          over the RSS before the first request.
"""

import asyncio
import gc
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH_DIR))

MIB = 1024 * 1024
UPLOAD_SIZE = 10 * MIB
PIECE = 65536  # bytes per http.request message, like a server reading the socket


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def reset_peak_rss() -> None:
    """Start the kernel's peak-RSS mark (VmHWM) again from the current RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak_rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # no VmHWM: lifetime peak


def startup(framework: str, routes: int) -> dict[str, Any]:
    import bench_openapi  # stdlib imports only at its top: the frameworks load in the builder

    gc.collect()
    base = rss_bytes()
    start, cpu_start = time.perf_counter(), time.process_time()
    build = (
        bench_openapi.build_fasterapi if framework == "fasterapi" else bench_openapi.build_fastapi
    )
    keep = build(routes)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    gc.collect()
    grown = rss_bytes() - base
    assert keep is not None
    return {"seconds": seconds, "cpu": cpu, "rss": grown}


def scope(method: str, path: str, query: bytes = b"", headers: Any = ()) -> dict[str, Any]:
    import bench_core  # the in-process benchmark's scope builder (its module imports msgspec)

    return bench_core.make_scope(method, path, query, list(headers), b"")


async def call(app: Any, sc: dict[str, Any], pieces: list[bytes]) -> tuple[int, int, bytes]:
    """Send the body in `pieces`; return (status, body bytes received, first 200 bytes)."""
    messages = [{"type": "http.request", "body": p, "more_body": True} for p in pieces]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    it = iter(messages)
    never = asyncio.get_running_loop().create_future()
    status = 0
    received = 0
    head = b""

    async def receive() -> dict[str, Any]:
        message = next(it, None)
        if message is None:  # a framework listening for disconnect waits here
            await never
        return message  # type: ignore[return-value]

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, received, head
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            received += len(body)
            if len(head) < 200:
                head += body[:200]

    await app(dict(sc), receive, send)
    never.cancel()
    return status, received, head


async def lifespan(app: Any) -> None:
    import bench_core

    await bench_core.lifespan_startup(app)


def load_io_app(framework: str) -> Any:
    from _workload import apps

    return apps, apps.build_io_fasterapi() if framework == "fasterapi" else apps.build_io_fastapi()


async def inflight(framework: str, n: int, mode: str) -> dict[str, Any]:
    import tracemalloc

    apps, app = load_io_app(framework)
    await lifespan(app)
    sc = scope("GET", "/slow/7", b"q=3", [(b"x-token", b"secret")])

    async def batch(count: int) -> tuple[int, list[Any]]:
        tasks = [asyncio.ensure_future(call(app, sc, [])) for _ in range(count)]
        deadline = time.monotonic() + 60
        while apps.held < count and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        return apps.held, tasks

    # Warm-up: first-use caches are not per-request memory.
    parked, tasks = await batch(20)
    apps.release()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    apps.reset()

    gc.collect()
    if mode == "tracemalloc":
        tracemalloc.start()
    base_heap = tracemalloc.get_traced_memory()[0] if mode == "tracemalloc" else 0
    base_rss = rss_bytes()
    parked, tasks = await batch(n)
    gc.collect()
    heap = tracemalloc.get_traced_memory()[0] - base_heap if mode == "tracemalloc" else 0
    grown = rss_bytes() - base_rss
    apps.release()
    answers = await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    ok = sum(1 for status, _, body in answers if status == 200 and body == b'{"item_id":7,"q":3}')
    return {"parked": parked, "ok": ok, "heap": heap, "rss": grown}


def multipart(size: int) -> tuple[bytes, list[bytes]]:
    boundary = b"----fasterapibench"
    head = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    # One 64 KiB bytes object sent `size // PIECE` times: the driver itself holds 64 KiB,
    # so whatever memory grows while the request runs is the framework's.
    data = b"\xab" * PIECE
    pieces = [head, *([data] * (size // PIECE)), b"\r\n--" + boundary + b"--\r\n"]
    return b"multipart/form-data; boundary=" + boundary, pieces


async def io(framework: str, what: str, reps: int) -> dict[str, Any]:
    import tracemalloc

    _, app = load_io_app(framework)
    await lifespan(app)
    if what == "upload":
        ctype, pieces = multipart(UPLOAD_SIZE)
        total = sum(len(p) for p in pieces)
        headers = [(b"content-type", ctype), (b"content-length", str(total).encode())]
        sc = scope("POST", "/upload", b"", headers)
        expected = (200, f'{{"size":{UPLOAD_SIZE}}}'.encode())
    else:
        pieces = []
        sc = scope("GET", "/download")
        expected = (200, None)

    async def once() -> None:
        status, received, head = await call(app, sc, pieces)
        got = (status, head if expected[1] is not None else None)
        if got != expected or (what == "download" and received != UPLOAD_SIZE):
            raise SystemExit(f"{framework} {what}: wrong answer {status} {received} {head[:100]!r}")

    gc.collect()
    base_rss = rss_bytes()
    reset_peak_rss()
    await once()  # warm-up, and the correctness check
    times = []
    for _ in range(reps):
        gc.collect()
        start = time.process_time()
        await once()
        times.append(time.process_time() - start)
    peak_rss = peak_rss_bytes() - base_rss
    gc.collect()
    tracemalloc.start()
    base_heap = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    await once()
    heap_peak = tracemalloc.get_traced_memory()[1] - base_heap
    tracemalloc.stop()
    return {
        "seconds": statistics.median(times),
        "heap_peak": heap_peak,
        "rss_peak": max(0, peak_rss),
    }


def main() -> int:
    kind, framework, *rest = sys.argv[1:]
    if kind == "startup":
        result = startup(framework, int(rest[0]))
    elif kind == "inflight":
        result = asyncio.run(inflight(framework, int(rest[0]), rest[1]))
    elif kind == "io":
        result = asyncio.run(io(framework, rest[0], int(rest[1])))
    else:
        raise SystemExit(f"unknown probe {kind!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
