"""SubInterpreterPool against running in the loop's thread, a process pool and asyncio.to_thread.

    python benchmarks/bench_concurrency.py [--quick]

Measures, on N = the CPUs this process may use:

- throughput: 2*N calls of a pure-Python CPU-bound function, one by one in the
  main interpreter, then all at once through the pool (speed-up; the target is
  >= 1.7x on 2 cores);
- overhead: the latency of one no-op call, awaited one after another, through
  the pool, through a bare ProcessPoolExecutor (spawn) and through
  asyncio.to_thread (which is cheap but runs in the main GIL: no parallelism);
- start-up and memory: time from creating a pool to N answered calls, and the
  resident memory each worker adds (Linux only: read from /proc).

Prints one Markdown table per section. The functions sent to workers are in
this file; workers import it as the module `bench_concurrency` (the script's
folder is on sys.path), never as `__main__`, which they could not import.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures as cf
import importlib
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fasterapi_concurrency import SubInterpreterPool

HAS_SUBINTERPRETERS = sys.version_info >= (3, 13)


def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def noop() -> None:
    return None


def worker_rss() -> int:
    """Resident set size of the process that runs this, in bytes (0 where unknown)."""
    return rss_of(os.getpid())


def rss_of(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_count() -> int:
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def backends() -> list[str]:
    return ["subinterpreter", "process"] if HAS_SUBINTERPRETERS else ["process"]


# --- throughput -------------------------------------------------------------


async def throughput(
    me: Any, n_cpu: int, depth: int, rounds: int
) -> list[tuple[str, float, float]]:
    tasks = 2 * n_cpu
    pools = {b: SubInterpreterPool(n_cpu, backend=b) for b in backends()}  # type: ignore[arg-type]
    for pool in pools.values():
        await asyncio.gather(*[pool.run(me.fib, 5) for _ in range(n_cpu)])  # start every worker

    async def one_by_one() -> None:  # blocks the loop: that is what the pool avoids
        for _ in range(tasks):
            me.fib(depth)

    ways: dict[str, Callable[[], Awaitable[object]]] = {
        "one by one in the main interpreter": one_by_one
    }
    for backend, pool in pools.items():
        ways[f"SubInterpreterPool({n_cpu}), backend={backend!r}"] = lambda pool=pool: (
            asyncio.gather(*[pool.run(me.fib, depth) for _ in range(tasks)])
        )
    ways["asyncio.to_thread (threads share one GIL)"] = lambda: asyncio.gather(
        *[asyncio.to_thread(me.fib, depth) for _ in range(tasks)]
    )
    # Rounds interleave the ways, so that load from other programs on the
    # machine hits all of them alike; the best round of each counts.
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(rounds):
        for name, way in ways.items():
            t = time.perf_counter()
            await way()
            best[name] = min(best[name], time.perf_counter() - t)
    for pool in pools.values():
        await asyncio.to_thread(pool.shutdown)
    base = best["one by one in the main interpreter"]
    return [(name, seconds, base / seconds) for name, seconds in best.items()]


# --- overhead ---------------------------------------------------------------


async def latency(call: Callable[[], Awaitable[object]], calls: int) -> float:
    for _ in range(20):
        await call()
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(calls // 5):
            await call()
        samples.append((time.perf_counter() - t) / (calls // 5))
    return statistics.median(samples)


async def overhead(me: Any, calls: int) -> list[tuple[str, float]]:
    rows = []
    loop = asyncio.get_running_loop()
    for backend in backends():
        async with SubInterpreterPool(1, backend=backend) as pool:  # type: ignore[arg-type]
            rows.append(
                (
                    f"SubInterpreterPool(1), backend={backend!r}",
                    await latency(lambda: pool.run(me.noop), calls),
                )
            )
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as executor:
        rows.append(
            (
                "ProcessPoolExecutor(1), spawn",
                await latency(lambda: loop.run_in_executor(executor, me.noop), calls),
            )
        )
    rows.append(
        (
            "asyncio.to_thread (no parallelism)",
            await latency(lambda: asyncio.to_thread(me.noop), calls),
        )
    )
    return rows


# --- start-up and memory ----------------------------------------------------


async def startup(me: Any, n_cpu: int, rounds: int) -> list[tuple[str, float, int]]:
    rows = []
    for backend in backends():
        times, per_worker = [], 0
        for i in range(rounds):
            before = worker_rss()
            t = time.perf_counter()
            pool = SubInterpreterPool(n_cpu, backend=backend)  # type: ignore[arg-type]
            # One call per worker, all at once: each worker starts and imports this module.
            rss = await asyncio.gather(*[pool.run(me.worker_rss) for _ in range(n_cpu)])
            times.append(time.perf_counter() - t)
            if i == 0:  # later rounds reuse memory freed by the first: measure once
                if backend == "subinterpreter":
                    per_worker = (worker_rss() - before) // n_cpu
                else:
                    per_worker = int(statistics.mean(rss))
            await asyncio.to_thread(pool.shutdown)
        rows.append((f"SubInterpreterPool({n_cpu}), backend={backend!r}", min(times), per_worker))
    return rows


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n else "n/a"


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short rounds (< 60 s)")
    args = parser.parse_args()
    # Import this file as a real module, so that workers can import it by name.
    sys.path.insert(0, str(Path(__file__).parent))
    me = importlib.import_module("bench_concurrency")
    n_cpu = cpu_count()
    depth, rounds, calls = (29, 3, 2000) if args.quick else (31, 5, 10000)

    print(f"Python {sys.version.split()[0]}, {n_cpu} CPUs, quick={args.quick}\n")

    rows = await startup(me, n_cpu, rounds)
    print(
        f"### Start-up ({n_cpu} workers, until each answered one call; best of {rounds}) and memory per worker\n"
    )
    first_elapsed, first_rss = rows[0][1], rows[0][2]
    print("| pool | start-up | vs first | RSS per worker | vs first |")
    print("|---|---:|---:|---:|---:|")
    for name, elapsed, rss in rows:
        ratio = f"{rss / first_rss:.2f}x" if rss and first_rss else "n/a"
        print(
            f"| {name} | {elapsed * 1e3:.0f} ms | {elapsed / first_elapsed:.2f}x | {mib(rss)} | {ratio} |"
        )
    print(
        "\nRSS per worker: for sub-interpreters, how much this process grew per worker; for processes, each worker's whole RSS.\n"
    )

    rows3 = await overhead(me, calls)
    ref = rows3[0][1]
    print("### Overhead: one no-op call, awaited one after another\n")
    print(f"| path | per call | vs {rows3[0][0]} |")
    print("|---|---:|---:|")
    for name, seconds in rows3:
        print(f"| {name} | {seconds * 1e6:.0f} µs | {seconds / ref:.2f}x |")

    rows2 = await throughput(me, n_cpu, depth, rounds)
    print(f"\n### CPU-bound throughput: {2 * n_cpu} x fib({depth}), best of {rounds}\n")
    print("| how | wall time | speed-up |")
    print("|---|---:|---:|")
    for name, seconds, speedup in rows2:
        print(f"| {name} | {seconds * 1e3:.0f} ms | {speedup:.2f}x |")
    print()


if __name__ == "__main__":
    asyncio.run(main())
