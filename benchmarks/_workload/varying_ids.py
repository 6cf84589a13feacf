"""Dynamic paths with a new id on every request, against one repeated URL (not run by `run.py`).

    python benchmarks/_workload/varying_ids.py [--calls N]

`bench_core.py` sends the same URL again and again; real traffic mostly carries a new id
each time. This drives FasterAPI in process (the driver of `bench_core.py`) through
`GET /items/{item_id}` and `GET /users/{user_id}/posts`, once with a new id per request and
once with one id repeated, and prints requests per CPU-second (best of 5 rounds). A cache of
resolved paths would show up as a large gap between the two. Without one the gap is ~10%:
ids up to 999 convert by a table lookup and larger ones by `int()`, and new strings cost a
little more than one reused.
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_core

from FasterAPI import FastAPI


def build() -> Any:
    app = FastAPI(openapi_url=None)

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    @app.get("/users/{user_id}/posts")
    async def posts(user_id: int) -> dict[str, int]:
        return {"user_id": user_id}

    return app


async def rate(app: Any, paths: list[str]) -> float:
    message = {"type": "http.request", "body": b"", "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(_message: dict[str, Any]) -> None:
        pass

    scopes = [bench_core.make_scope("GET", path, b"", [], b"") for path in paths]
    start = time.process_time()
    for scope in scopes:
        await app(scope, receive, send)
    return len(paths) / (time.process_time() - start)


async def main_async(calls: int) -> None:
    app = build()
    await bench_core.lifespan_startup(app)
    cases = {
        "/items/{id}, a new id each request": [f"/items/{i}" for i in range(calls)],
        "/items/{id}, one id repeated": ["/items/42"] * calls,
        "/users/{id}/posts, a new id each request": [f"/users/{i}/posts" for i in range(calls)],
        "/users/{id}/posts, one id repeated": ["/users/42/posts"] * calls,
    }
    best = dict.fromkeys(cases, 0.0)
    for _ in range(5):
        for name, paths in cases.items():
            best[name] = max(best[name], await rate(app, paths))
    print("| case | requests per CPU-second |\n|---|---:|")
    for name, value in best.items():
        print(f"| {name} | {value:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=50_000, help="requests per round and case")
    asyncio.run(main_async(parser.parse_args().calls))


if __name__ == "__main__":
    main()
