"""Where FasterAPI's time goes per workload endpoint, in process (not run by `run.py`).

    python benchmarks/_workload/profile_hotpath.py [--calls N]

For each endpoint of `bench_core.py` this prints, side by side:

* microseconds per request without a profiler, FasterAPI and the raw ASGI app, through the
  same in-process driver (median of 5 batches), and their ratio;
* a cProfile of N FasterAPI requests with every function's own time put into one bucket:

    app+router  `Faster.__call__`, `fasterapi_router` (the radix walk for dynamic paths)
    extraction  the plan's extractors and context (`_plan/compile.py`, `_plan/context.py`,
                `request.py`, `datastructures.py`, the per-route generated starters and
                runners): reading path/query/header values, calling dependencies
    validation  conversion and checks (`_plan/convert.py`, msgspec decode/convert)
    errors      building the 422 body (`_plan/errors.py`, `exceptions.py`)
    handler     the user's endpoint and dependency functions (in `bench_core.py`)
    encoding    msgspec encode of the return value
    route glue  `APIRoute.handle` and `responses.py`: the ASGI messages and their headers
    driver      the benchmark's own receive/send/scope copy (a server's job over HTTP)

  A builtin's time (dict.get, str.encode, ...) goes to the bucket of the function calling
  it; msgspec's encode/decode/convert have their own buckets. cProfile adds a constant
  per Python call, so the shares are approximate: read them together with the unprofiled
  microseconds.

Over HTTP a server adds its own per-request cost (parsing, the socket, the event loop):
`bench_http.py`'s raw/uvicorn requests/s minus the raw app's in-process time is that share.
"""

import argparse
import asyncio
import cProfile
import gc
import pstats
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_core

BUCKETS = (
    "app+router",
    "extraction",
    "validation",
    "errors",
    "handler",
    "encoding",
    "route glue",
    "driver",
    "other",
)
HANDLERS = {
    "health",
    "read_item",
    "search",
    "create_item",
    "get_token",
    "get_user",
    "get_perms",
    "deps",
    "route",
    "list_items",
}


def bucket_of(func: tuple[str, int, str]) -> str | None:
    """The bucket of a Python function; None for a builtin (its caller decides)."""
    filename, _, name = func
    path = filename.replace("\\", "/")
    if filename == "~":
        if "encode" in name and "msgspec" in name:
            return "encoding"
        if "msgspec" in name and ("decode" in name or "convert" in name):
            return "validation"
        return None
    if filename.startswith("<fasterapi"):  # code core generates per route: extract, then call
        return "extraction"
    if "fasterapi_router" in path:
        return "app+router"
    if path.endswith("fasterapi_core/app.py"):
        return "app+router"
    if "/_plan/convert.py" in path:
        return "validation"
    if "/_plan/errors.py" in path or path.endswith("fasterapi_core/exceptions.py"):
        return "errors"
    if "/_plan/" in path or path.endswith(("/request.py", "/datastructures.py")):
        return "extraction"
    if path.endswith(("fasterapi_core/routing.py", "fasterapi_core/responses.py")):
        return "route glue"
    if path.endswith("bench_core.py"):
        return "handler" if name in HANDLERS else "driver"
    if "profile_hotpath.py" in path:
        return "driver"
    return "other"


def breakdown(stats: pstats.Stats) -> dict[str, float]:
    """Own time per bucket, in seconds."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    out = dict.fromkeys(BUCKETS, 0.0)
    for func, (_, _, tottime, _, callers) in table.items():
        bucket = bucket_of(func)
        if bucket is not None:
            out[bucket] += tottime
            continue
        # A builtin: split its own time over its callers, by each call edge's own time.
        for caller, edge in callers.items():
            out[bucket_of(caller) or "other"] += edge[2]
    return out


async def per_request_us(app: Any, scope: dict[str, Any], body: bytes, n: int) -> float:
    rates = []
    for _ in range(5):
        gc.collect()
        rates.append(await bench_core.time_calls(app, scope, body, n))
    return 1e6 / statistics.median(rates)


async def main_async(calls: int) -> None:
    ours = bench_core.build_fasterapi()
    raw = bench_core.build_raw()
    for app in (ours, raw):
        await bench_core.lifespan_startup(app)

    print(
        f"FasterAPI hot path, in process, Python {sys.version.split()[0]}: "
        f"unprofiled us/request, then the cProfile share of {calls:,} requests\n"
    )
    print(
        "| endpoint | FasterAPI us | raw us | raw / FasterAPI | "
        + " | ".join(b for b in BUCKETS if b != "other")
        + " | other |"
    )
    print("|---|" + "---:|" * (3 + len(BUCKETS)))
    for name, method, path, query, body, headers in bench_core.ENDPOINTS:
        scope = bench_core.make_scope(method, path, query, headers, body)
        ours_us = await per_request_us(ours, scope, body, calls)
        raw_us = await per_request_us(raw, scope, body, calls)

        profiler = cProfile.Profile()
        message = {"type": "http.request", "body": body, "more_body": False}

        async def receive() -> dict[str, Any]:
            return message

        async def send(msg: dict[str, Any]) -> None:
            pass

        gc.collect()
        profiler.enable()
        for _ in range(calls):
            await ours(scope.copy(), receive, send)
        profiler.disable()
        shares = breakdown(pstats.Stats(profiler))
        total = sum(shares.values()) or 1.0
        cells = [f"{100 * shares[b] / total:.0f}%" for b in BUCKETS]
        print(
            f"| {name} | {ours_us:.2f} | {raw_us:.2f} | {raw_us / ours_us:.2f}x | "
            + " | ".join(cells)
            + " |"
        )
    for task in bench_core._LIFESPANS:
        task.cancel()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=20000, help="requests per measurement")
    args = parser.parse_args()
    asyncio.run(main_async(args.calls))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
