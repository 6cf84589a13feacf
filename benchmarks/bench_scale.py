"""Startup, memory and big bodies: FasterAPI vs FastAPI, side by side in the same run.

    python benchmarks/bench_scale.py [--quick]

Every measurement runs in a fresh interpreter (`_workload/probe.py`), alternating between
the two frameworks in a shuffled order, and the table shows medians:

* startup - CPU time to import the framework and declare 1 or 1,000 routes (the route set of
  `bench_openapi.py`: path, query, header and JSON-body parameters, response models);
* idle app - RSS the app adds to the bare interpreter once built;
* in flight - 1,000 requests parked inside a handler at the same time (int path and
  query parameters, a required header), in process: Python heap (tracemalloc) and RSS
  growth, per request;
* 10 MiB upload (multipart, `UploadFile`, read in 64 KiB pieces) and 10 MiB streamed
  download (`StreamingResponse`, 64 KiB pieces), in process, with the body fed in 64 KiB
  ASGI messages as a server would: CPU time per request, peak Python heap, peak RSS growth;
  then the same two through the real servers (`fasterapi run`, FastAPI on uvicorn; server
  pinned to one core, the client on the other): wall time, server CPU time, and a fresh
  server's peak RSS growth.

CPU times, not wall times, wherever one process does all the work: the machine is shared,
and another process taking the core stretches wall time but not CPU time.

The OpenAPI build for 1,000 routes is `bench_openapi.py`; throughput at 10, 100 and 1,000
connections is the sweep table of `bench_http.py`.
Lower is better everywhere here; "FastAPI / FasterAPI" above 1 means FasterAPI wins.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workload.loadgen import HOST
from _workload.probe import UPLOAD_SIZE, multipart
from _workload.servers import Server, fasterapi_cmd, free_port, uvicorn_cmd

PROBE = Path(__file__).resolve().parent / "_workload" / "probe.py"
FRAMEWORKS = ("fasterapi", "fastapi")
LABEL = {"fasterapi": "FasterAPI", "fastapi": "FastAPI"}
IN_FLIGHT = 1000
KIB = 1024
MIB = 1024 * 1024


def probe(*args: object) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(PROBE), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"probe {args} failed:\n{proc.stderr[-3000:]}{proc.stdout[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def interleaved(rounds: int, *args: object) -> dict[str, list[dict[str, Any]]]:
    """`rounds` probe runs per framework, alternating in a shuffled order each round."""
    runs: dict[str, list[dict[str, Any]]] = {fw: [] for fw in FRAMEWORKS}
    for _ in range(rounds):
        order = list(FRAMEWORKS)
        random.shuffle(order)
        for fw in order:
            runs[fw].append(probe(args[0], fw, *args[1:]))
    return runs


def med(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def proc_status(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def over_http(server: Server, what: str, reps: int) -> dict[str, float]:
    """Median time of `reps` 10 MiB uploads or downloads, the server's CPU time per request
    (the total over the reps: the kernel counts CPU time in 10 ms ticks), and its peak RSS
    growth."""
    assert server.proc is not None
    pid = server.proc.pid
    ctype, pieces = multipart(UPLOAD_SIZE)
    length = sum(len(p) for p in pieces)
    times = []
    cpu_start = 0.0
    with open(f"/proc/{pid}/clear_refs", "w") as f:  # restart the server's peak-RSS mark
        f.write("5")
    base = proc_status(pid, "VmRSS")
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        for _ in range(reps + 1):  # the first is a warm-up
            if len(times) == 1:  # the warm-up is done
                cpu_start = server.cpu_seconds()
            start = time.perf_counter()
            if what == "upload":
                headers = {"content-type": ctype.decode(), "content-length": str(length)}
                conn.request("POST", "/upload", body=iter(pieces), headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                ok = resp.status == 200 and json.loads(body) == {"size": UPLOAD_SIZE}
            else:
                conn.request("GET", "/download")
                resp = conn.getresponse()
                received = 0
                while piece := resp.read(65536):
                    received += len(piece)
                ok = resp.status == 200 and received == UPLOAD_SIZE
            times.append(time.perf_counter() - start)
            if not ok:
                raise SystemExit(f"{server.name} {what}: wrong answer ({resp.status})")
    finally:
        conn.close()
    return {
        "seconds": statistics.median(times[1:]),
        "cpu": (server.cpu_seconds() - cpu_start) / reps,
        "rss_peak": max(0, proc_status(pid, "VmHWM") - base),
    }


def bodies_over_http(rounds: int, reps: int) -> dict[tuple[str, str], list[dict[str, float]]]:
    """10 MiB up and down through `fasterapi run` vs FastAPI on uvicorn, servers pinned."""
    available = sorted(os.sched_getaffinity(0))
    server_cpus = {available[0]} if len(available) > 1 else None
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    servers: dict[str, Server] = {}
    mine = os.sched_getaffinity(0)
    try:
        for fw in FRAMEWORKS:
            port = free_port()
            cmd = (
                fasterapi_cmd("io_fasterapi", port)
                if fw == "fasterapi"
                else uvicorn_cmd("io_fastapi", port)
            )
            servers[fw] = Server(LABEL[fw], cmd, port, server_cpus).__enter__()
        if server_cpus:  # the client takes the other core
            os.sched_setaffinity(0, {available[1]})
        for _ in range(rounds):
            for what in ("upload", "download"):
                order = list(FRAMEWORKS)
                random.shuffle(order)
                for fw in order:
                    results.setdefault((fw, what), []).append(over_http(servers[fw], what, reps))
    finally:
        os.sched_setaffinity(0, mine)
        for server in servers.values():
            server.stop()
    return results


def row(label: str, ours: float, theirs: float, unit: str, scale: float, digits: int = 1) -> str:
    shown = round(ours / scale, digits), round(theirs / scale, digits)
    ratio = f"{theirs / ours:.1f}x" if all(shown) else "-"  # not of what shows as 0
    return (
        f"| {label} | {ours / scale:,.{digits}f} {unit} | {theirs / scale:,.{digits}f} {unit} "
        f"| {ratio} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs (< 30 s)")
    args = parser.parse_args()
    startup_runs, memory_runs, io_runs, io_reps = (3, 1, 1, 3) if args.quick else (7, 3, 3, 10)

    rows: list[str] = []
    for routes in (1, 1000):
        runs = interleaved(startup_runs, "startup", routes)
        a, b = med(runs["fasterapi"], "cpu"), med(runs["fastapi"], "cpu")
        rows.append(row(f"startup: import + {routes:,} route(s), CPU time", a, b, "ms", 1e-3))
        a, b = med(runs["fasterapi"], "rss"), med(runs["fastapi"], "rss")
        rows.append(row(f"idle app RSS, {routes:,} route(s)", a, b, "MiB", MIB))

    for mode, key, label in (
        ("tracemalloc", "heap", "Python heap"),
        ("rss", "rss", "RSS"),
    ):
        runs = interleaved(memory_runs, "inflight", IN_FLIGHT, mode)
        for fw, rs in runs.items():
            if any(r["parked"] != IN_FLIGHT or r["ok"] != IN_FLIGHT for r in rs):
                raise SystemExit(f"{fw}: not every in-flight request was parked and answered: {rs}")
        a = med(runs["fasterapi"], key) / IN_FLIGHT
        b = med(runs["fastapi"], key) / IN_FLIGHT
        rows.append(row(f"in flight: {label} per request ({IN_FLIGHT:,} held)", a, b, "KiB", KIB))

    for what in ("upload", "download"):
        runs = interleaved(io_runs, "io", what, io_reps)
        a, b = med(runs["fasterapi"], "seconds"), med(runs["fastapi"], "seconds")
        digits = 1 if what == "upload" else 2
        rows.append(row(f"10 MiB {what}: CPU time", a, b, "ms", 1e-3, digits))
        a, b = med(runs["fasterapi"], "heap_peak"), med(runs["fastapi"], "heap_peak")
        rows.append(row(f"10 MiB {what}: peak Python heap", a, b, "MiB", MIB, 2))
        a, b = med(runs["fasterapi"], "rss_peak"), med(runs["fastapi"], "rss_peak")
        rows.append(row(f"10 MiB {what}: peak RSS growth", a, b, "MiB", MIB, 2))

    http_runs = bodies_over_http(io_runs, 3 * io_reps)
    for what in ("upload", "download"):
        a = med(http_runs[("fasterapi", what)], "seconds")
        b = med(http_runs[("fastapi", what)], "seconds")
        rows.append(row(f"10 MiB {what} over HTTP: time", a, b, "ms", 1e-3))
        a = med(http_runs[("fasterapi", what)], "cpu")
        b = med(http_runs[("fastapi", what)], "cpu")
        rows.append(row(f"10 MiB {what} over HTTP: server CPU time", a, b, "ms", 1e-3))
        # The first round is the only one with a fresh server (later ones reuse its heap).
        a = max(r["rss_peak"] for r in http_runs[("fasterapi", what)])
        b = max(r["rss_peak"] for r in http_runs[("fastapi", what)])
        rows.append(
            row(f"10 MiB {what} over HTTP: fresh server's peak RSS growth", a, b, "MiB", MIB, 2)
        )

    print(
        f"Startup, memory and 10 MiB bodies, fresh interpreter per run (medians: startup of "
        f"{startup_runs}, memory of {memory_runs}, bodies of {io_runs} x {io_reps}); "
        f"Python {sys.version.split()[0]}\n"
    )
    print("| measure | FasterAPI | FastAPI | FastAPI / FasterAPI |")
    print("|---|---:|---:|---:|")
    print("\n".join(rows))
    print(
        "\nOpenAPI for 1,000 routes: see bench_openapi; "
        "10 / 100 / 1,000 connections: see bench_http."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
