"""Requests per second over real HTTP: FasterAPI vs FastAPI, BlackSheep, faster-api-web and
raw ASGI, each on its server.

    python benchmarks/bench_http.py [--quick] [--seconds S] [--rounds N]

Eight servers run the standard workload of `bench_core.py` (same apps, imported from there)
on 127.0.0.1, each pinned to the first core; the load generator runs on the second core:

    FasterAPI/uvicorn       `fasterapi run` (our CLI: uvicorn + uvloop + httptools, 1 worker)
    FasterAPI/granian       `fasterapi run --server granian`, same app
    FastAPI/uvicorn         FastAPI on uvicorn with uvloop + httptools, 1 worker (the reference)
    BlackSheep/uvicorn      BlackSheep on the same uvicorn
    faster-api-web/uvicorn  faster-api-web on the same uvicorn (only with $FASTER_API_WEB_PATH)
    raw/uvicorn             the hand-written raw ASGI app on the same plain uvicorn
    raw/fasterapi-run       the raw app served by `fasterapi run` (the limit for FasterAPI/uvicorn)
    raw/fasterapi-granian   the raw app served by `fasterapi run --server granian`

The "/ raw same server" ratios compare each FasterAPI server with the raw app on that very
server, as the issue asks; raw/uvicorn shows what `fasterapi run`'s own protocol saves.

(Starlette and Litestar are measured in process only, by `bench_core.py`.)

Load: `wrk -t1` if it is installed, else the asyncio generator in `_workload/loadgen.py`
(the header line says which), HTTP/1.1 keep-alive, 64 connections, a fixed time per cell.
Before any timing, every server's status and JSON body on every endpoint are checked against
FastAPI's; a wrong answer is reported and that cell is not timed. Rounds are interleaved
(each round visits every endpoint and, in a shuffled order, every server) and the median
round counts. A second table runs `health` at 10, 100 and 1,000 connections.

Only ratios from the same run mean anything: the machine is shared and noisy.
"""

import argparse
import contextlib
import dataclasses
import math
import os
import random
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workload.loadgen import LoadResult, generator_name, raw_request, run_load
from _workload.peers import faster_api_web_path
from _workload.servers import Server, fasterapi_cmd, free_port, uvicorn_cmd
from bench_core import ENDPOINTS

REFERENCE = "FastAPI/uvicorn"
LIMIT = "raw/uvicorn"
OURS = ("FasterAPI/uvicorn", "FasterAPI/granian")
# The "raw ASGI app on the same server": the raw app served by `fasterapi run` itself
# (same protocol, same flags), so the ratio shows what the framework costs on that server.
SAME_SERVER_RAW = {
    "FasterAPI/uvicorn": "raw/fasterapi-run",
    "FasterAPI/granian": "raw/fasterapi-granian",
}
CONNECTIONS = 64
SWEEP = (10, 100, 1000)


def server_specs() -> list[tuple[str, list[str], int]]:
    specs = []
    for name, make in (
        ("FasterAPI/uvicorn", lambda p: fasterapi_cmd("fasterapi", p)),
        ("FasterAPI/granian", lambda p: fasterapi_cmd("fasterapi", p, server="granian")),
        (REFERENCE, lambda p: uvicorn_cmd("fastapi", p)),
        ("BlackSheep/uvicorn", lambda p: uvicorn_cmd("blacksheep", p)),
        ("faster-api-web/uvicorn", lambda p: uvicorn_cmd("faster_api_web", p)),
        (LIMIT, lambda p: uvicorn_cmd("raw", p)),
        ("raw/fasterapi-run", lambda p: fasterapi_cmd("raw", p)),
        ("raw/fasterapi-granian", lambda p: fasterapi_cmd("raw", p, server="granian")),
    ):
        if name.startswith("faster-api-web") and faster_api_web_path() is None:
            print(f"skipping {name}: FASTER_API_WEB_PATH is not set", file=sys.stderr)
            continue
        port = free_port()
        specs.append((name, make(port), port))
    return specs


def cores() -> tuple[set[int] | None, set[int] | None, str]:
    """(server cores, load generator cores, description)."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return None, None, f"{len(available)} core: server and load generator share it"
    return (
        {available[0]},
        {available[1]},
        f"server on core {available[0]}, load generator on core {available[1]}",
    )


def check(servers: dict[str, Server]) -> dict[tuple[str, str], str]:
    """Status + JSON body of every server on every endpoint vs FastAPI's; {(server, endpoint): why}."""
    wrong: dict[tuple[str, str], str] = {}
    for endpoint, method, path, query, body, headers in ENDPOINTS:
        target = path + ("?" + query.decode() if query else "")
        hdrs = {k.decode(): v.decode() for k, v in headers}
        answers = {}
        for name, server in servers.items():
            try:
                status, payload = server.request(method, target, hdrs, body)
                answers[name] = (status, msgspec.json.decode(payload) if payload else None)
            except (OSError, msgspec.DecodeError) as exc:
                answers[name] = (0, repr(exc))
        expected = answers[REFERENCE]
        for name, got in answers.items():
            if got != expected:
                wrong[(name, endpoint)] = f"{got!r} != FastAPI's {expected!r}"
    return wrong


def median_result(results: list[LoadResult]) -> LoadResult:
    """The round with the median requests/s (latencies stay those of that same round)."""
    return sorted(results, key=lambda r: r.rps)[len(results) // 2]


def paired_ratio(
    ours: list[LoadResult] | None,
    theirs: list[LoadResult] | None,
    metric: Callable[[LoadResult], float] = lambda r: r.rps,
) -> float | None:
    """Median over rounds of the ratio within each round.

    The cells of one round and endpoint run back to back, so a burst of load from another
    process on this shared machine hits both sides of a ratio alike; a ratio of medians
    taken from different rounds would not cancel it.
    """
    if not ours or not theirs or len(ours) != len(theirs):
        return None
    pairs = [metric(a) / metric(b) for a, b in zip(ours, theirs, strict=True) if metric(b)]
    return statistics.median(pairs) if pairs else None


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 round of 1 s per cell, a shorter sweep (< 60 s)"
    )
    parser.add_argument("--seconds", type=float, help="seconds per cell (default 1)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 5; 1 quick)")
    parser.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator (default: wrk if installed, else the Python one)",
    )
    args = parser.parse_args()
    seconds = args.seconds or 1.0
    rounds = args.rounds or (1 if args.quick else 5)
    server_cpus, load_cpus, placement = cores()

    with contextlib.ExitStack() as stack:
        servers: dict[str, Server] = {}
        for name, cmd, port in server_specs():
            try:
                servers[name] = stack.enter_context(Server(name, cmd, port, server_cpus))
            except (RuntimeError, OSError) as exc:
                print(f"skipping {name}: {exc}", file=sys.stderr)
        if REFERENCE not in servers:
            print("FastAPI on uvicorn is the reference and did not start", file=sys.stderr)
            return 1
        wrong = check(servers)
        for (name, endpoint), why in sorted(wrong.items()):
            print(f"WRONG ANSWER {name} {endpoint}: {why}", file=sys.stderr)

        requests = {endpoint: spec for endpoint, *spec in ENDPOINTS}
        expect_ok = {e: e != "invalid" for e in requests}

        def load(name: str, endpoint: str, connections: int) -> LoadResult:
            server = servers[name]
            port = server.port
            method, path, query, body, headers = requests[endpoint]
            cpu_before = server.cpu_seconds()
            result = run_load(
                port,
                raw_request(method, path, query, headers, body, port),
                connections=connections,
                seconds=seconds,
                expect_ok=expect_ok[endpoint],
                cpus=load_cpus,
                generator=args.loadgen,
            )
            return dataclasses.replace(result, server_cpu=server.cpu_seconds() - cpu_before)

        results: dict[tuple[str, str], list[LoadResult]] = {}
        sweep: dict[tuple[str, int], list[LoadResult]] = {}
        for _ in range(rounds):
            for endpoint in requests:
                order = list(servers)
                random.shuffle(order)
                for name in order:
                    if (name, endpoint) not in wrong:
                        results.setdefault((name, endpoint), []).append(
                            load(name, endpoint, CONNECTIONS)
                        )
            for conns in SWEEP:
                # --quick keeps the sweep to FasterAPI vs FastAPI on uvicorn (under 60 s in all).
                order = [
                    n for n in servers if not args.quick or n in ("FasterAPI/uvicorn", REFERENCE)
                ]
                random.shuffle(order)
                for name in order:
                    if (name, "health") not in wrong:
                        sweep.setdefault((name, conns), []).append(load(name, "health", conns))

    names = list(servers)
    cell = {key: median_result(values) for key, values in results.items()}
    print(
        f"Requests per second over HTTP/1.1 keep-alive on 127.0.0.1, {CONNECTIONS} connections, "
        f"{generator_name(args.loadgen)} load generator, {placement}; median of {rounds} interleaved "
        f"round(s) of {seconds:g} s per cell (ratios: median of the per-round ratios); Python {sys.version.split()[0]}\n"
    )
    ours = [n for n in OURS if n in servers]

    def same_server_raw(name: str) -> str:
        """The raw app on `name`'s own server when it ran, else the raw app on plain uvicorn."""
        raw = SAME_SERVER_RAW[name]
        return raw if raw in servers else LIMIT

    ratio_cols = [f"{n} / {base}" for n in ours for base in ("FastAPI", "raw same server")]
    print("| endpoint | " + " | ".join(names + ratio_cols) + " |")
    print("|---|" + "---:|" * (len(names) + len(ratio_cols)))
    ratios: dict[str, list[float]] = {c: [] for c in ratio_cols}

    def ratio(a: str, b: str, endpoint: str) -> float | None:
        return paired_ratio(results.get((a, endpoint)), results.get((b, endpoint)))

    for endpoint in requests:
        cells = [
            f"{cell[(n, endpoint)].rps:,.0f}" if (n, endpoint) in cell else "WRONG" for n in names
        ]
        for col in ratio_cols:
            n, _, base = col.partition(" / ")
            r = ratio(n, REFERENCE if base == "FastAPI" else same_server_raw(n), endpoint)
            cells.append("-" if r is None else f"{r:.2f}x")
            if r is not None:
                ratios[col].append(r)
        print(f"| {endpoint} | " + " | ".join(cells) + " |")
    means = [f"**{geomean(ratios[c]):.2f}x**" for c in ratio_cols]
    print("| **geomean** | " + " | ".join([""] * len(names) + means) + " |")

    print(
        "\nServer CPU time per request in microseconds (user + system of the server's "
        "processes during the same cells; lower is better). Less sensitive than requests/s "
        "to other processes taking the server's core; ratios above 1 favour FasterAPI.\n"
    )
    cpu_cols = [f"{base} / {n}" for n in ours for base in ("FastAPI", "raw same server")]
    print("| endpoint | " + " | ".join(names + cpu_cols) + " |")
    print("|---|" + "---:|" * (len(names) + len(cpu_cols)))
    cpu_ratios: dict[str, list[float]] = {c: [] for c in cpu_cols}
    for endpoint in requests:
        cells = [
            f"{statistics.median(r.cpu_us for r in results[(n, endpoint)]):.1f}"
            if (n, endpoint) in results
            else "WRONG"
            for n in names
        ]
        for col in cpu_cols:
            base, _, n = col.partition(" / ")
            r = paired_ratio(
                results.get((REFERENCE if base == "FastAPI" else same_server_raw(n), endpoint)),
                results.get((n, endpoint)),
                lambda x: x.cpu_us,
            )
            cells.append("-" if r is None else f"{r:.2f}x")
            if r is not None:
                cpu_ratios[col].append(r)
        print(f"| {endpoint} | " + " | ".join(cells) + " |")
    means = [f"**{geomean(cpu_ratios[c]):.2f}x**" for c in cpu_cols]
    print("| **geomean** | " + " | ".join([""] * len(names) + means) + " |")

    print(f"\nLatency p50 / p99 in ms ({CONNECTIONS} connections, same rounds)\n")
    print("| endpoint | " + " | ".join(names) + " | FasterAPI/uvicorn p99 / FastAPI p99 |")
    print("|---|" + "---:|" * (len(names) + 1))
    for endpoint in requests:
        cells = [
            f"{cell[(n, endpoint)].p50_ms:.2f} / {cell[(n, endpoint)].p99_ms:.2f}"
            if (n, endpoint) in cell
            else "WRONG"
            for n in names
        ]
        a, b = ("FasterAPI/uvicorn", endpoint), (REFERENCE, endpoint)
        r = paired_ratio(results.get(a), results.get(b), lambda x: x.p99_ms)
        cells.append("-" if r is None else f"{r:.2f}x")
        print(f"| {endpoint} | " + " | ".join(cells) + " |")

    print("\nConnections sweep, `health`: requests/s (p99 ms)\n")
    print(
        "| connections | "
        + " | ".join(names)
        + " | FasterAPI/uvicorn / FastAPI | FastAPI / FasterAPI/uvicorn, CPU per request |"
    )
    print("|---:|" + "---:|" * (len(names) + 2))
    for conns in SWEEP:
        med = {n: median_result(sweep[(n, conns)]) for n in names if (n, conns) in sweep}
        cells = [
            f"{med[n].rps:,.0f} ({med[n].p99_ms:.1f})"
            if n in med
            else ("WRONG" if (n, "health") in wrong else "-")
            for n in names
        ]
        ours_runs, ref_runs = sweep.get(("FasterAPI/uvicorn", conns)), sweep.get((REFERENCE, conns))
        r = paired_ratio(ours_runs, ref_runs)
        cells.append("-" if r is None else f"{r:.2f}x")
        r = paired_ratio(ref_runs, ours_runs, lambda x: x.cpu_us)
        cells.append("-" if r is None else f"{r:.2f}x")
        print(f"| {conns:,} | " + " | ".join(cells) + " |")

    bad = {
        key: sum(r.bad for r in values)
        for key, values in [*results.items(), *sweep.items()]
        if sum(r.bad for r in values)
    }
    if bad:
        print("\nAnswers with a wrong status class or socket errors during timing:")
        for (name, what), count in sorted(bad.items(), key=str):
            print(f"- {name} {what}: {count}")
    if wrong:
        print("\nWrong answers (not timed):")
        for (name, endpoint), why in sorted(wrong.items()):
            print(f"- {name} {endpoint}: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
