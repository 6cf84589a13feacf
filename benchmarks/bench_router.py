"""Router lookups per second: fasterapi_router vs Starlette vs faster-api-web, in one run.

    python benchmarks/bench_router.py [--quick]

Each table of N routes (10, 100, 1,000, 10,000) mixes four realistic kinds of
route, one resource per index i:

    static       /api/v1/resource{i}/items
    one-param    /api/v1/resource{i}/{item_id:int}
    three-param  /api/v1/resource{i}/{item_id:int}/comments/{comment_id:int}/replies/{reply}
    catch-all    /files/resource{i}/{file_path:path}

For each kind the benchmark looks up paths that hit routes spread evenly over
the table, after checking that every router returns the right handler and
parameters for each of them. Starlette is timed the way its Router handles a
request: iterate the routes calling `route.matches(scope)` until a full match.
faster-api-web's `RadixRouter` has no typed parameters (it is given `{item_id}`
and returns strings) and no catch-all, so its catch-all row reads n/a.
The routers of one row take turns round by round and the best round counts.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import os
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _workload.peers import version

from fasterapi_router import RadixRouter

SIZES = (10, 100, 1_000, 10_000)
KINDS = ("static", "one-param", "three-param", "catch-all")
TEMPLATES = {
    "static": "/api/v1/resource{i}/items",
    "one-param": "/api/v1/resource{i}/{{item_id:int}}",
    "three-param": "/api/v1/resource{i}/{{item_id:int}}/comments/{{comment_id:int}}/replies/{{reply}}",
    "catch-all": "/files/resource{i}/{{file_path:path}}",
}
# A lookup path for route i of each kind, and the parameters it must produce.
SAMPLES: dict[str, Callable[[int], tuple[str, dict[str, Any]]]] = {
    "static": lambda i: (f"/api/v1/resource{i}/items", {}),
    "one-param": lambda i: (f"/api/v1/resource{i}/{i * 7 + 3}", {"item_id": i * 7 + 3}),
    "three-param": lambda i: (
        f"/api/v1/resource{i}/{i + 11}/comments/{i * 3}/replies/r{i}",
        {"item_id": i + 11, "comment_id": i * 3, "reply": f"r{i}"},
    ),
    "catch-all": lambda i: (
        f"/files/resource{i}/docs/v{i}/index.html",
        {"file_path": f"docs/v{i}/index.html"},
    ),
}
PATHS_PER_ROW = 64


def table(size: int) -> list[tuple[str, str, str]]:
    """(kind, template, handler name) for `size` routes, the kinds interleaved."""
    kinds = [KINDS[i % len(KINDS)] for i in range(size)]
    return [(kind, TEMPLATES[kind].format(i=i), f"{kind}-{i}") for i, kind in enumerate(kinds)]


def targets(size: int, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, expected handler, expected params) hitting routes of `kind` spread over the table."""
    indices = [i for i in range(size) if KINDS[i % len(KINDS)] == kind]
    step = max(1, len(indices) // PATHS_PER_ROW)
    picked = indices[::step][:PATHS_PER_ROW]
    rows = []
    for i in picked:
        path, params = SAMPLES[kind](i)
        rows.append((path, f"{kind}-{i}", params))
    return rows


# --- the three routers ----------------------------------------------------------------------


def build_ours(
    routes: list[tuple[str, str, str]],
) -> Callable[[str], tuple[str, dict[str, Any]] | None]:
    router = RadixRouter()
    for _, template, name in routes:
        router.add_route("GET", template, name)
    resolve = router.resolve

    def lookup(path: str) -> tuple[str, dict[str, Any]] | None:
        found = resolve("GET", path)
        return None if found is None else (found[0], found[1])

    lookup.fast = lambda paths: [resolve("GET", p) for p in paths]  # type: ignore[attr-defined]
    return lookup


def build_starlette(routes: list[tuple[str, str, str]]) -> Callable[[str], Any] | None:
    try:
        from starlette.routing import Match, Route
    except ImportError:
        return None

    def make_endpoint(name: str) -> Callable[..., Any]:
        def endpoint(request: Any) -> None:
            return None

        endpoint.__name__ = name.replace("-", "_")
        return endpoint

    route_list = [
        Route(template, make_endpoint(name), methods=["GET"]) for _, template, name in routes
    ]
    full = Match.FULL
    partial = Match.PARTIAL

    def match(scope: dict[str, Any]) -> dict[str, Any] | None:
        # What starlette.routing.Router.app does per request, minus the call itself.
        partial_scope = None
        for route in route_list:
            found, child_scope = route.matches(scope)
            if found is full:
                return child_scope
            if found is partial and partial_scope is None:
                partial_scope = child_scope
        return partial_scope

    def lookup(path: str) -> tuple[str, dict[str, Any]] | None:
        child = match(_scope(path))
        if child is None:
            return None
        return child["endpoint"].__name__.replace("_", "-"), child["path_params"]

    lookup.fast = lambda scopes: [match(s) for s in scopes]  # type: ignore[attr-defined]
    lookup.prepare = lambda paths: [_scope(p) for p in paths]  # type: ignore[attr-defined]
    return lookup


def _scope(path: str) -> dict[str, Any]:
    return {"type": "http", "method": "GET", "path": path, "root_path": ""}


def _load_faster_api_web_router() -> Any:
    """faster-api-web's router module, loaded from its own files, or None.

    Its import name is `FasterAPI`, like our meta package, so it is loaded under a
    private name, without running its package `__init__` (which imports the whole
    framework). The file comes from $FASTER_API_WEB_PATH (a `pip install --target`
    folder, which keeps it apart from our `FasterAPI`) if set, else from the installed
    distribution, whose RECORD hash must match: if our own `FasterAPI` was installed
    over it in the same environment, its router.py is not faster-api-web's any more.
    """
    target = os.environ.get("FASTER_API_WEB_PATH")
    if target:
        router_file = Path(target) / "FasterAPI" / "router.py"
    else:
        try:
            dist = importlib.metadata.distribution("faster-api-web")
        except importlib.metadata.PackageNotFoundError:
            return None
        record = next((f for f in dist.files or () if f.as_posix() == "FasterAPI/router.py"), None)
        if record is None or record.hash is None:
            return None
        router_file = Path(str(dist.locate_file(record)))
        digest = hashlib.new(record.hash.mode, router_file.read_bytes()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != record.hash.value:
            print(
                "faster-api-web's FasterAPI/router.py was overwritten; skipping it", file=sys.stderr
            )
            return None
    if not router_file.is_file():
        return None
    package = types.ModuleType("_faster_api_web")
    package.__path__ = [str(router_file.parent)]
    sys.modules["_faster_api_web"] = package
    spec = importlib.util.spec_from_file_location("_faster_api_web.router", router_file)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


FAW = _load_faster_api_web_router()


def build_faster_api_web(routes: list[tuple[str, str, str]]) -> Callable[[str], Any] | None:
    if FAW is None:
        return None
    router = FAW.RadixRouter()
    for _, template, name in routes:
        # It has no converters: "{item_id:int}" would be a parameter named "item_id:int".
        plain = template.replace(":int}", "}").replace(":path}", "}")
        router.add_route("GET", plain, name)
    resolve = router.resolve

    def lookup(path: str) -> tuple[str, dict[str, Any]] | None:
        found = resolve("GET", path)
        return None if found is None else (found[0], found[1])

    lookup.fast = lambda paths: [resolve("GET", p) for p in paths]  # type: ignore[attr-defined]
    return lookup


# --- measuring ------------------------------------------------------------------------------


def verify(
    name: str,
    lookup: Callable[[str], Any],
    rows: list[tuple[str, str, dict[str, Any]]],
    *,
    typed: bool,
) -> bool:
    """Check every path resolves to the expected handler and params; False if unsupported."""
    for path, handler, params in rows:
        want = params if typed else {k: str(v) for k, v in params.items()}
        got = lookup(path)
        if got != (handler, want):
            if name == "faster-api-web" and "file_path" in params:
                return False  # no catch-all parameters: reported as n/a
            raise SystemExit(f"{name} resolved {path!r} to {got!r}, expected {(handler, want)!r}")
    return True


def rates(
    runs: dict[str, tuple[Callable[[Any], Any], Any]], count: int, budget: float
) -> dict[str, float]:
    """Lookups per second of each router: the best of rounds taken in turn, within `budget` s.

    The routers take turns round by round, so a busy moment on the machine hits all
    of them alike instead of one row of one router.
    """
    repeats = {}
    for name, (run, batch) in runs.items():
        repeat = 1
        while True:  # calibrate: a round of at least ~5 ms
            start = time.perf_counter()
            for _ in range(repeat):
                run(batch)
            if time.perf_counter() - start >= 0.005:
                break
            repeat *= 2
        repeats[name] = repeat
    best = dict.fromkeys(runs, float("inf"))
    deadline = time.perf_counter() + budget
    rounds = 0
    while rounds < 3 or time.perf_counter() < deadline:
        for name, (run, batch) in runs.items():
            repeat = repeats[name]
            start = time.perf_counter()
            for _ in range(repeat):
                run(batch)
            best[name] = min(best[name], (time.perf_counter() - start) / repeat)
        rounds += 1
    return {name: count / elapsed for name, elapsed in best.items()}


def fmt_rate(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value >= 1e6:
        return f"{value / 1e6:.2f} M/s"
    if value >= 1e3:
        return f"{value / 1e3:.1f} k/s"
    return f"{value:.0f} /s"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None else f"{a / b:.1f}x" if a / b >= 10 else f"{a / b:.2f}x"


def _version(dist: str) -> str:
    if dist == "faster-api-web" and FAW is None:
        return "(not installed)"
    return version(dist)  # faster-api-web's is read from $FASTER_API_WEB_PATH when set


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short rounds (about 20 s)")
    args = parser.parse_args()
    budget = 0.3 if args.quick else 2.0
    results: dict[tuple[str, int], dict[str, float | None]] = {}
    for size in SIZES:
        routes = table(size)
        routers = {
            "ours": build_ours(routes),
            "starlette": build_starlette(routes),
            "faster-api-web": build_faster_api_web(routes),
        }
        # Tables are built once at startup in an app, so move them out of the collector's way
        # (for all three routers alike): a full collection in the middle of a round would only
        # add noise.
        gc.collect()
        gc.freeze()
        for kind in KINDS:
            rows = targets(size, kind)
            paths = [path for path, _, _ in rows]
            runs = {}
            for name, lookup in routers.items():
                if lookup is None or not verify(name, lookup, rows, typed=name != "faster-api-web"):
                    continue
                batch = lookup.prepare(paths) if hasattr(lookup, "prepare") else paths  # type: ignore[attr-defined]
                runs[name] = (lookup.fast, batch)  # type: ignore[attr-defined]
            measured = rates(runs, len(paths), budget)
            results[kind, size] = {name: measured.get(name) for name in routers}
    peers = ", ".join(f"{dist} {_version(dist)}" for dist in ("starlette", "faster-api-web"))
    print(
        f"Python {sys.version.split()[0]}, {peers}; lookups per second (best round); "
        f"quick={args.quick}\n"
    )
    print(
        "| kind | routes | fasterapi_router | starlette | faster-api-web "
        "| ours / starlette | ours / faster-api-web | ours / ours@10 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        for size in SIZES:
            row = results[kind, size]
            ours = row["ours"]
            print(
                f"| {kind} | {size:,} | {fmt_rate(ours)} | {fmt_rate(row['starlette'])} "
                f"| {fmt_rate(row['faster-api-web'])} | {fmt_ratio(ours, row['starlette'])} "
                f"| {fmt_ratio(ours, row['faster-api-web'])} | {fmt_ratio(ours, results[kind, 10]['ours'])} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
