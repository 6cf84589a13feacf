"""Requests per second through fasterapi-testing's TestClient vs Starlette's TestClient.

Both clients drive the same bare ASGI app in the same process, in interleaved rounds;
each cell is the median over the rounds. Run: `python benchmarks/bench_testclient.py [--quick]`
(or `nox -s bench -- -k testclient`).

Scenarios:
    get   a JSON GET with a query string
    post  a POST of a small JSON body, echoed back

Starlette's client is measured two ways: inside `with TestClient(app)` (one anyio
portal for the whole block, its fastest mode) and without `with` (a portal, thus an
event loop thread, per request: how most test suites use it). The ratio is against
the faster of the two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import httpx

from fasterapi_testing import TestClient

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette may warn about which httpx it gets
    import starlette
    from starlette.testclient import TestClient as StarletteTestClient

BODY = json.dumps({"id": 1, "name": "widget", "tags": ["a", "b"], "price": 9.5}).encode()
JSON_HEADERS = [(b"content-type", b"application/json")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A bare ASGI app: lifespan, a JSON GET, and a POST that echoes its body."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    if scope["method"] == "POST":
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
    else:
        body = BODY
    headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


PAYLOAD = {"name": "widget", "qty": 3}


def get(client: httpx.Client) -> None:
    client.get("/items/1", params={"q": "x"})


def post(client: httpx.Client) -> None:
    client.post("/items", json=PAYLOAD)


SCENARIOS: dict[str, Callable[[httpx.Client], None]] = {"get": get, "post": post}


def check(client: httpx.Client) -> None:
    response = client.get("/items/1", params={"q": "x"})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "widget", response.text
    response = client.post("/items", json=PAYLOAD)
    assert response.json() == PAYLOAD, response.text


def rate(client: httpx.Client, scenario: Callable[[httpx.Client], None], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        scenario(client)
    return n / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run (< 30 s)")
    args = parser.parse_args()
    rounds, n = (3, 300) if args.quick else (7, 1000)

    ours = TestClient(app).__enter__()
    theirs = StarletteTestClient(app).__enter__()
    theirs_plain = StarletteTestClient(app)  # no `with`: a portal per request
    clients: dict[str, tuple[httpx.Client, int]] = {
        "ours": (ours, n),
        "starlette": (theirs, n),
        "starlette-plain": (theirs_plain, max(n // 4, 50)),
    }
    for client, _ in clients.values():
        check(client)
        for scenario in SCENARIOS.values():  # warm-up
            rate(client, scenario, 20)

    results: dict[tuple[str, str], list[float]] = {}
    names = list(clients)
    for r in range(rounds):
        for scenario_name, scenario in SCENARIOS.items():
            order = names[r % len(names) :] + names[: r % len(names)]  # rotate who goes first
            for name in order:
                client, count = clients[name]
                results.setdefault((scenario_name, name), []).append(rate(client, scenario, count))

    ours.__exit__(None, None, None)
    theirs.__exit__(None, None, None)
    theirs_plain.close()

    print(
        f"Python {sys.version.split()[0]}, httpx {httpx.__version__}, starlette {starlette.__version__}; "
        f"{rounds} interleaved rounds, median requests/s{' (quick)' if args.quick else ''}\n"
    )
    print("| scenario | fasterapi-testing | Starlette (`with`) | Starlette (no `with`) | ratio |")
    print("|---|---:|---:|---:|---:|")
    worst = float("inf")
    for scenario_name in SCENARIOS:
        med = {name: statistics.median(results[(scenario_name, name)]) for name in names}
        best_peer = max(med["starlette"], med["starlette-plain"])
        ratio = med["ours"] / best_peer
        worst = min(worst, ratio)
        print(
            f"| {scenario_name} | {med['ours']:,.0f} | {med['starlette']:,.0f} | "
            f"{med['starlette-plain']:,.0f} | {ratio:.1f}x |"
        )
    print(
        f"\nratio = fasterapi-testing / the faster Starlette mode; target >= 1.5x (worst: {worst:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
