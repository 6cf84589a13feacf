"""Requests per second through each fasterapi-middleware class vs Starlette's equivalent.

    python benchmarks/bench_middleware.py [--quick]

Every case wraps the same bare ASGI app (a two-message response) in our middleware
and in Starlette's, and drives both in-process with a minimal ASGI driver: no server,
no sockets, so the numbers are the middleware's own cost plus the app's. Rounds are
interleaved (ours, theirs, theirs, ours, ...) in one run and the medians are reported
as a Markdown table with the ratio ours / Starlette's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.middleware.base import BaseHTTPMiddleware as StarletteBase
from starlette.middleware.cors import CORSMiddleware as StarletteCORS
from starlette.middleware.gzip import GZipMiddleware as StarletteGZip
from starlette.middleware.httpsredirect import HTTPSRedirectMiddleware as StarletteHTTPS
from starlette.middleware.trustedhost import TrustedHostMiddleware as StarletteTrustedHost

from fasterapi_middleware import (
    BaseHTTPMiddleware,
    CORSMiddleware,
    GZipMiddleware,
    HTTPSRedirectMiddleware,
    Message,
    Receive,
    Scope,
    Send,
    TrustedHostMiddleware,
)

SITE = "https://www.example.com"


def body_of(size: int) -> bytes:
    """A JSON body of about `size` bytes that compresses like a real API response."""
    items, n = [], 0
    while len(json.dumps(items)) < size:
        items.append({"id": n, "name": f"item-{n}", "price": n * 1.25, "tags": ["a", "b"]})
        n += 1
    return json.dumps(items).encode()[:size]


def bare_app(body: bytes) -> Callable[[Scope, Receive, Send], Any]:
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
    }

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({**start, "headers": list(start["headers"])})
        await send({"type": "http.response.body", "body": body})

    return app


class OursAddHeader(BaseHTTPMiddleware):
    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-process", b"fast")]
            await send(message)

        await self.app(scope, receive, send_with_header)


async def starlette_add_header(request: Any, call_next: Any) -> Any:
    response = await call_next(request)
    response.headers["x-process"] = "fast"
    return response


def scope(
    method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None, scheme: str = "http"
) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": "/items",
        "raw_path": b"/items",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"www.example.com"), *(headers or [])],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }


@dataclass
class Case:
    name: str
    ours: Any
    theirs: Any
    scope: Scope
    bare_app: Any
    note: str = ""


def cases() -> list[Case]:
    small, one_kb, hundred_kb = (
        bare_app(b'{"ok":true}'),
        bare_app(body_of(1024)),
        bare_app(body_of(100 * 1024)),
    )
    origin = [(b"origin", SITE.encode())]
    preflight = [
        *origin,
        (b"access-control-request-method", b"POST"),
        (b"access-control-request-headers", b"content-type, x-token"),
    ]
    cors = {"allow_origins": [SITE], "allow_methods": ["GET", "POST"], "allow_headers": ["x-token"]}
    gzip = [(b"accept-encoding", b"gzip, deflate, br")]
    hosts = ["example.com", "*.example.com"]
    return [
        Case(
            "base_http_header",
            OursAddHeader(small),
            StarletteBase(small, dispatch=starlette_add_header),
            scope(),
            small,
            "Starlette runs the app in a task group; ours calls it directly",
        ),
        Case(
            "cors_simple",
            CORSMiddleware(small, **cors),
            StarletteCORS(small, **cors),
            scope(headers=origin),
            small,
        ),
        Case(
            "cors_preflight",
            CORSMiddleware(small, **cors),
            StarletteCORS(small, **cors),
            scope("OPTIONS", preflight),
            small,
            "answered by the middleware alone",
        ),
        Case(
            "gzip_1kb",
            GZipMiddleware(one_kb),
            StarletteGZip(one_kb),
            scope(headers=gzip),
            one_kb,
            "zlib ~7 µs",
        ),
        Case(
            "gzip_100kb",
            GZipMiddleware(hundred_kb),
            StarletteGZip(hundred_kb),
            scope(headers=gzip),
            hundred_kb,
            "zlib level 9 is > 99% of both",
        ),
        Case(
            "trusted_host",
            TrustedHostMiddleware(small, hosts),
            StarletteTrustedHost(small, hosts),
            scope(),
            small,
        ),
        Case(
            "https_redirect_passthrough",
            HTTPSRedirectMiddleware(small),
            StarletteHTTPS(small),
            scope(scheme="https"),
            small,
            "both: one scope lookup, then the app",
        ),
    ]


async def receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def drive(app: Any, template: Scope, n: int) -> float:
    """Requests per second over `n` sequential requests."""
    sent: list[Message] = []
    append = sent.append

    async def send(message: Message) -> None:
        append(message)

    t0 = time.perf_counter()
    for _ in range(n):
        await app(dict(template), receive, send)
        sent.clear()
    return n / (time.perf_counter() - t0)


async def check(case: Case) -> None:
    """Both sides must answer the request the same way before they are timed."""
    statuses = []
    for app in (case.ours, case.theirs):
        sent: list[Message] = []

        async def send(message: Message, sent: list[Message] = sent) -> None:
            sent.append(message)

        await app(dict(case.scope), receive, send)
        statuses.append(sent[0]["status"])
    if statuses[0] != statuses[1] or statuses[0] != 200:
        raise SystemExit(f"{case.name}: ours answered {statuses[0]}, Starlette {statuses[1]}")


async def run(quick: bool) -> list[tuple[Case, float, float, float]]:
    """Per case: median req/s of ours, of Starlette's, and of the bare app alone."""
    rounds, target = (5, 0.08) if quick else (15, 0.3)
    rows = []
    for case in cases():
        await check(case)
        bare = case.bare_app
        # Calibrate so one sample of the slower side takes about `target` seconds.
        probe = min(
            await drive(case.ours, case.scope, 50), await drive(case.theirs, case.scope, 50)
        )
        n = max(20, int(probe * target))
        samples: dict[Any, list[float]] = {case.ours: [], case.theirs: [], bare: []}
        order = list(samples)
        for r in range(rounds):
            for app in order if r % 2 == 0 else reversed(order):
                samples[app].append(await drive(app, case.scope, n))
        rows.append((case, *(statistics.median(samples[app]) for app in order)))
    return rows


def overhead(rps: float, bare: float) -> str:
    """Microseconds a middleware adds to each request over the bare app."""
    return f"{max(0.0, 1e6 / rps - 1e6 / bare):.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (under 40 s)")
    args = parser.parse_args()
    rows = asyncio.run(run(args.quick))
    print(
        f"Python {sys.version.split()[0]}, in-process ASGI driver, median req/s, quick={args.quick}\n"
    )
    print(
        "| case | ours req/s | Starlette req/s | ratio | ours µs added | Starlette µs added | note |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for case, ours, theirs, bare in rows:
        print(
            f"| {case.name} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f}x "
            f"| {overhead(ours, bare)} | {overhead(theirs, bare)} | {case.note} |"
        )
    print("\n'µs added' is the time per request over the bare app without middleware.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
