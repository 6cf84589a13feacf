"""Time to build the OpenAPI document of a 1,000-route app: FasterAPI vs FastAPI, same run.

    python benchmarks/bench_openapi.py [--quick] [--routes N]

Both apps declare the same routes: a mix of path, query, header and JSON body parameters,
with msgspec Structs (FasterAPI) or pydantic models (FastAPI) as bodies and response models.
Each round builds the whole document from the app's routes, uncached
(`get_openapi(title=..., version=..., routes=app.routes)`, the call behind `app.openapi()`),
and the table shows the median of the rounds and the ratio.

(No `from __future__ import annotations`: the routes are declared inside functions, with
local models, and both frameworks read the annotations at registration.)
"""

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Annotated, Any

N_MODELS = 10


def build_fasterapi(n_routes: int) -> Callable[[], dict[str, Any]]:
    import msgspec

    from fasterapi_core import Faster, Header, Path, Query
    from fasterapi_core.openapi import get_openapi

    models = []
    for i in range(N_MODELS):
        tag = msgspec.defstruct(f"Tag{i}", [("name", str), ("weight", float)])
        fields: list[Any] = [
            ("name", str),
            ("price", float),
            ("tags", list[tag]),  # type: ignore[valid-type]
            ("description", str | None, None),
        ]
        models.append(msgspec.defstruct(f"Item{i}", fields))
    app = Faster(title="bench", version="1.0")
    for i in range(n_routes):
        model = models[i % N_MODELS]
        kind = i % 4
        if kind == 0:

            async def read(
                item_id: Annotated[int, Path(ge=1)],
                q: str | None = None,
                limit: Annotated[int, Query(gt=0, le=100)] = 10,
            ) -> Any:
                return None

            app.get(f"/r{i}/items/{{item_id}}", response_model=model, tags=["read"])(read)
        elif kind == 1:

            async def create(item: model, dry_run: bool = False) -> Any:  # type: ignore[valid-type]
                return item

            app.post(f"/r{i}/items", response_model=model, status_code=201, tags=["write"])(create)
        elif kind == 2:

            async def update(
                item_id: int,
                item: model,  # type: ignore[valid-type]
                x_token: Annotated[str, Header()],
            ) -> Any:
                return item

            app.put(f"/r{i}/items/{{item_id}}", tags=["write"])(update)
        else:

            async def listing(skip: int = 0, limit: int = 100, sort: str = "name") -> Any:
                return []

            app.get(f"/r{i}/items", response_model=list[model])(listing)  # type: ignore[valid-type]
    routes = app.routes
    return lambda: get_openapi(title="bench", version="1.0", routes=routes)


def build_fastapi(n_routes: int) -> Callable[[], dict[str, Any]]:
    from fastapi import FastAPI, Header, Path, Query
    from fastapi.openapi.utils import get_openapi
    from pydantic import BaseModel, create_model

    models: list[type[BaseModel]] = []
    for i in range(N_MODELS):
        tag = create_model(f"Tag{i}", name=(str, ...), weight=(float, ...))
        models.append(
            create_model(
                f"Item{i}",
                name=(str, ...),
                price=(float, ...),
                tags=(list[tag], ...),  # type: ignore[valid-type]
                description=(str | None, None),
            )
        )
    app = FastAPI(title="bench", version="1.0")
    for i in range(n_routes):
        model = models[i % N_MODELS]
        kind = i % 4
        if kind == 0:

            async def read(
                item_id: Annotated[int, Path(ge=1)],
                q: str | None = None,
                limit: Annotated[int, Query(gt=0, le=100)] = 10,
            ) -> Any:
                return None

            app.get(f"/r{i}/items/{{item_id}}", response_model=model, tags=["read"])(read)
        elif kind == 1:

            async def create(item: model, dry_run: bool = False) -> Any:  # type: ignore[valid-type]
                return item

            app.post(f"/r{i}/items", response_model=model, status_code=201, tags=["write"])(create)
        elif kind == 2:

            async def update(
                item_id: int,
                item: model,  # type: ignore[valid-type]
                x_token: Annotated[str, Header()],
            ) -> Any:
                return item

            app.put(f"/r{i}/items/{{item_id}}", tags=["write"])(update)
        else:

            async def listing(skip: int = 0, limit: int = 100, sort: str = "name") -> Any:
                return []

            app.get(f"/r{i}/items", response_model=list[model])(listing)  # type: ignore[valid-type]
    routes = app.routes
    return lambda: get_openapi(title="bench", version="1.0", routes=routes)


def measure(build: Callable[[], dict[str, Any]], rounds: int) -> tuple[float, int]:
    doc = build()  # warm-up (imports, first-use caches); also sanity-checks the output
    n_ops = sum(len(item) for item in doc["paths"].values())
    times = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times), n_ops


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    parser.add_argument("--routes", type=int, default=1000, help="routes per app (default 1000)")
    args = parser.parse_args()
    rounds = 3 if args.quick else 15
    results: list[tuple[str, float, int]] = []
    ours, n_ops = measure(build_fasterapi(args.routes), rounds)
    results.append(("FasterAPI", ours, n_ops))
    try:
        fastapi_build = build_fastapi(args.routes)
    except ImportError:
        print("FastAPI is not installed: `pip install fastapi` to compare.", file=sys.stderr)
    else:
        theirs, their_ops = measure(fastapi_build, rounds)
        results.append(("FastAPI", theirs, their_ops))
    print(f"OpenAPI document, {args.routes} routes, median of {rounds} rounds\n")
    print("| framework | operations | build time (ms) | vs FasterAPI |")
    print("|---|---:|---:|---:|")
    for name, seconds, ops in results:
        ratio = seconds / ours
        print(f"| {name} | {ops} | {seconds * 1000:.1f} | {ratio:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
