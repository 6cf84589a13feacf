"""Requests per second through the ASGI interface: FasterAPI vs FastAPI, Starlette, Litestar, raw ASGI.

    python benchmarks/bench_core.py [--quick]

The same small API is written five times: in FasterAPI (`fasterapi_core`), in FastAPI,
in Starlette and Litestar (hand-written handlers producing FastAPI's exact answers, 422
bodies included), and as one hand-written raw ASGI function (the floor: a dict of paths and
msgspec, no framework at all). Every app is called in-process by a minimal driver,
`await app(scope, receive, send)`, so no server or socket noise enters the numbers.

Endpoints:

    health   GET  /health                  {"status": "ok"}
    path     GET  /items/{item_id}         int path parameter
    query    GET  /search?skip=5&limit=20  two int query parameters with defaults
    body     POST /items                   JSON body into a model, 201
    deps     GET  /deps                    three nested dependencies + a required header
    route100 GET  /r99/{item_id}           the last of 100 parametrised routes
    list     GET  /list                    a list of 100 objects
    invalid  GET  /items/abc               FastAPI's 422 body

Before any timing, every app's status and JSON body for every endpoint are checked against
FastAPI's. Rounds are interleaved (each round times every app on every endpoint, in a
shuffled order) and the median round counts. Time is the process's CPU time
(`time.process_time`), so other load on the machine does not skew the ratios.
"""

import argparse
import asyncio
import gc
import math
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

LIST_DATA = [
    {"id": i, "name": f"item{i}", "price": i * 1.5, "tags": ["a", "b"]} for i in range(100)
]

# (name, method, path, query, body, extra headers)
ENDPOINTS: list[tuple[str, str, str, bytes, bytes, list[tuple[bytes, bytes]]]] = [
    ("health", "GET", "/health", b"", b"", []),
    ("path", "GET", "/items/42", b"", b"", []),
    ("query", "GET", "/search", b"skip=5&limit=20", b"", []),
    (
        "body",
        "POST",
        "/items",
        b"",
        b'{"name":"widget","price":9.5,"tags":["x"]}',
        [(b"content-type", b"application/json")],
    ),
    ("deps", "GET", "/deps", b"", b"", [(b"x-token", b"secret")]),
    ("route100", "GET", "/r99/7", b"", b"", []),
    ("list", "GET", "/list", b"", b"", []),
    ("invalid", "GET", "/items/abc", b"", b"", []),
]


# --- FasterAPI --------------------------------------------------------------------------------


def build_fasterapi() -> ASGIApp:
    from fasterapi_core import Depends, Faster, Header

    class Item(msgspec.Struct):
        name: str
        price: float
        tags: list[str] = []

    app = Faster(openapi_url=None)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    @app.get("/search")
    async def search(skip: int = 0, limit: int = 10) -> dict[str, int]:
        return {"skip": skip, "limit": limit}

    @app.post("/items", status_code=201)
    async def create_item(item: Item) -> Item:
        return item

    async def get_token(x_token: Annotated[str, Header()]) -> str:
        return x_token

    async def get_user(token: Annotated[str, Depends(get_token)]) -> dict[str, str]:
        return {"name": "alice", "token": token}

    async def get_perms(user: Annotated[dict[str, str], Depends(get_user)]) -> list[str]:
        return ["read", user["name"]]

    @app.get("/deps")
    async def deps(perms: Annotated[list[str], Depends(get_perms)]) -> dict[str, Any]:
        return {"perms": perms}

    # A factory closure over `i`, as in every framework's copy: `i: int = i` in the signature
    # would be read as a query parameter (one more extractor and a query parse per request).
    def make_route(i: int) -> Callable[[int], Awaitable[dict[str, int]]]:
        async def route(item_id: int) -> dict[str, int]:
            return {"route": i, "item_id": item_id}

        route.__name__ = f"route{i}"
        return route

    for i in range(100):
        app.get(f"/r{i}/{{item_id}}")(make_route(i))

    @app.get("/list")
    async def list_items() -> list[dict[str, Any]]:
        return LIST_DATA

    return app


# --- FastAPI ----------------------------------------------------------------------------------


def build_fastapi() -> ASGIApp:
    from fastapi import Depends, FastAPI, Header
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str
        price: float
        tags: list[str] = []

    app = FastAPI(openapi_url=None)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    @app.get("/search")
    async def search(skip: int = 0, limit: int = 10) -> dict[str, int]:
        return {"skip": skip, "limit": limit}

    @app.post("/items", status_code=201)
    async def create_item(item: Item) -> Item:
        return item

    async def get_token(x_token: Annotated[str, Header()]) -> str:
        return x_token

    async def get_user(token: Annotated[str, Depends(get_token)]) -> dict[str, str]:
        return {"name": "alice", "token": token}

    async def get_perms(user: Annotated[dict[str, str], Depends(get_user)]) -> list[str]:
        return ["read", user["name"]]

    @app.get("/deps")
    async def deps(perms: Annotated[list[str], Depends(get_perms)]) -> dict[str, Any]:
        return {"perms": perms}

    # A factory closure over `i`, as in every framework's copy: `i: int = i` in the signature
    # would be read as a query parameter (one more extractor and a query parse per request).
    def make_route(i: int) -> Callable[[int], Awaitable[dict[str, int]]]:
        async def route(item_id: int) -> dict[str, int]:
            return {"route": i, "item_id": item_id}

        route.__name__ = f"route{i}"
        return route

    for i in range(100):
        app.get(f"/r{i}/{{item_id}}")(make_route(i))

    @app.get("/list")
    async def list_items() -> list[dict[str, Any]]:
        return LIST_DATA

    return app


def int_error(loc: list[Any], value: str) -> dict[str, Any]:
    return {
        "detail": [
            {
                "type": "int_parsing",
                "loc": loc,
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": value,
            }
        ]
    }


# --- Starlette --------------------------------------------------------------------------------


def build_starlette() -> ASGIApp:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def read_item(request: Request) -> JSONResponse:
        raw = request.path_params["item_id"]
        try:
            return JSONResponse({"item_id": int(raw)})
        except ValueError:
            return JSONResponse(int_error(["path", "item_id"], raw), status_code=422)

    async def search(request: Request) -> JSONResponse:
        q = request.query_params
        return JSONResponse({"skip": int(q.get("skip", 0)), "limit": int(q.get("limit", 10))})

    async def create_item(request: Request) -> JSONResponse:
        data = await request.json()
        item = {
            "name": str(data["name"]),
            "price": float(data["price"]),
            "tags": list(data.get("tags", [])),
        }
        return JSONResponse(item, status_code=201)

    async def deps(request: Request) -> JSONResponse:
        token = request.headers["x-token"]
        user = {"name": "alice", "token": token}
        return JSONResponse({"perms": ["read", user["name"]]})

    def make_route(i: int) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def route(request: Request) -> JSONResponse:
            return JSONResponse({"route": i, "item_id": int(request.path_params["item_id"])})

        return route

    async def list_items(request: Request) -> JSONResponse:
        return JSONResponse(LIST_DATA)

    routes = [
        Route("/health", health),
        Route("/items/{item_id}", read_item),
        Route("/search", search),
        Route("/items", create_item, methods=["POST"]),
        Route("/deps", deps),
        *[Route(f"/r{i}/{{item_id}}", make_route(i)) for i in range(100)],
        Route("/list", list_items),
    ]
    return Starlette(routes=routes)


# --- Litestar ---------------------------------------------------------------------------------


def build_litestar() -> ASGIApp:
    from litestar import Litestar, Response, get, post
    from litestar.params import Dependency  # noqa: F401 - keeps the import surface obvious

    class Item(msgspec.Struct):
        name: str
        price: float
        tags: list[str] = []

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @get("/items/{item_id:str}")
    async def read_item(item_id: str) -> Response[Any]:
        try:
            return Response({"item_id": int(item_id)})
        except ValueError:
            return Response(int_error(["path", "item_id"], item_id), status_code=422)

    @get("/search")
    async def search(skip: int = 0, limit: int = 10) -> dict[str, int]:
        return {"skip": skip, "limit": limit}

    @post("/items", status_code=201)
    async def create_item(data: Item) -> Item:
        return data

    from litestar.di import Provide
    from litestar.params import Parameter

    async def get_token(x_token: Annotated[str, Parameter(header="x-token")]) -> str:
        return x_token

    async def get_user(token: str) -> dict[str, str]:
        return {"name": "alice", "token": token}

    async def get_perms(user: dict[str, str]) -> list[str]:
        return ["read", user["name"]]

    @get(
        "/deps",
        dependencies={
            "token": Provide(get_token),
            "user": Provide(get_user),
            "perms": Provide(get_perms),
        },
    )
    async def deps(perms: list[str]) -> dict[str, Any]:
        return {"perms": perms}

    def make_route(i: int) -> Any:
        @get(f"/r{i}/{{item_id:int}}", name=f"route{i}")
        async def route(item_id: int) -> dict[str, int]:
            return {"route": i, "item_id": item_id}

        return route

    @get("/list")
    async def list_items() -> list[dict[str, Any]]:
        return LIST_DATA

    return Litestar(
        route_handlers=[
            health,
            read_item,
            search,
            create_item,
            deps,
            *[make_route(i) for i in range(100)],
            list_items,
        ],
        openapi_config=None,
        logging_config=None,
    )


# --- raw ASGI ---------------------------------------------------------------------------------


def build_raw() -> ASGIApp:
    encode = msgspec.json.Encoder().encode

    class Item(msgspec.Struct):
        name: str
        price: float
        tags: list[str] = []

    decode_item = msgspec.json.Decoder(Item).decode

    async def respond(send: Any, status: int, value: Any) -> None:
        body = encode(value)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        path = scope["path"]
        if path == "/health":
            await respond(send, 200, {"status": "ok"})
        elif path == "/search":
            params = dict(p.split("=", 1) for p in scope["query_string"].decode().split("&") if p)
            await respond(
                send,
                200,
                {"skip": int(params.get("skip", 0)), "limit": int(params.get("limit", 10))},
            )
        elif path == "/items" and scope["method"] == "POST":
            message = await receive()
            await respond(send, 201, decode_item(message["body"]))
        elif path == "/deps":
            token = next(v for k, v in scope["headers"] if k == b"x-token").decode()
            user = {"name": "alice", "token": token}
            await respond(send, 200, {"perms": ["read", user["name"]]})
        elif path == "/list":
            await respond(send, 200, LIST_DATA)
        elif path.startswith("/items/"):
            raw = path[7:]
            try:
                await respond(send, 200, {"item_id": int(raw)})
            except ValueError:
                await respond(send, 422, int_error(["path", "item_id"], raw))
        elif path.startswith("/r"):
            head, _, item = path[2:].partition("/")
            await respond(send, 200, {"route": int(head), "item_id": int(item)})
        else:
            await respond(send, 404, {"detail": "Not Found"})

    return app


# --- driver -----------------------------------------------------------------------------------


def make_scope(
    method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> Scope:
    all_headers = [(b"host", b"testserver"), *headers]
    if body:
        all_headers.append((b"content-length", str(len(body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": all_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


async def call_once(app: ASGIApp, scope: Scope, body: bytes) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    message = {"type": "http.request", "body": body, "more_body": False}
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal done
        if not done:
            done = True
            return message
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(msg: dict[str, Any]) -> None:
        sent.append(msg)

    await app(dict(scope), receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, payload


async def time_calls(app: ASGIApp, scope: Scope, body: bytes, n: int) -> float:
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(msg: dict[str, Any]) -> None:
        pass

    copy = scope.copy
    # CPU time of this process: other load on the machine (CI runners, other jobs) does not
    # enter the numbers; every app runs in this one thread, so nothing is missed.
    start = time.process_time()
    for _ in range(n):
        await app(copy(), receive, send)
    return n / (time.process_time() - start)


async def lifespan_startup(app: ASGIApp) -> None:
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.Event()

    async def receive() -> dict[str, Any]:
        return await queue.get()

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            started.set()

    await queue.put({"type": "lifespan.startup"})
    task = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    )
    try:
        await asyncio.wait_for(started.wait(), timeout=5)
    except asyncio.TimeoutError:
        task.cancel()
    _LIFESPANS.append(task)


_LIFESPANS: list[Any] = []


async def main_async(quick: bool) -> int:
    builders = {
        "raw ASGI": build_raw,
        "FasterAPI": build_fasterapi,
        "FastAPI": build_fastapi,
        "Starlette": build_starlette,
        "Litestar": build_litestar,
    }
    apps: dict[str, ASGIApp] = {}
    for name, build in builders.items():
        try:
            apps[name] = build()
        except ImportError as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
    for app in apps.values():
        await lifespan_startup(app)
    if "FastAPI" not in apps:
        print(
            "FastAPI is required as the reference (pip install -r benchmarks/requirements.txt)",
            file=sys.stderr,
        )
        return 1

    scopes = {
        name: (make_scope(method, path, query, headers, body), body)
        for name, method, path, query, body, headers in ENDPOINTS
    }
    # Correctness first: every app must answer exactly what FastAPI answers.
    failures = []
    for endpoint, (scope, body) in scopes.items():
        ref_status, ref_body = await call_once(apps["FastAPI"], scope, body)
        expected = (ref_status, msgspec.json.decode(ref_body))
        for name, app in apps.items():
            status, payload = await call_once(app, scope, body)
            got = (status, msgspec.json.decode(payload) if payload else None)
            if got != expected:
                failures.append(f"{name} {endpoint}: {got!r} != FastAPI's {expected!r}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1

    rounds, n = (3, 400) if quick else (7, 3000)
    results: dict[tuple[str, str], list[float]] = {(a, e): [] for a in apps for e in scopes}
    for _ in range(rounds):
        for endpoint, (scope, body) in scopes.items():
            order = list(apps)
            random.shuffle(order)
            for name in order:
                # FastAPI and Starlette are much slower: fewer calls keep the run short.
                calls = n if name in ("raw ASGI", "FasterAPI", "Litestar") else max(n // 4, 100)
                gc.collect()
                results[(name, endpoint)].append(await time_calls(apps[name], scope, body, calls))
    medians = {key: statistics.median(values) for key, values in results.items()}

    names = list(apps)
    print(
        f"Requests per second of CPU time (median of {rounds} interleaved rounds, in-process ASGI calls; Python {sys.version.split()[0]})\n"
    )
    print("| endpoint | " + " | ".join(names) + " | FasterAPI / raw | FasterAPI / FastAPI |")
    print("|---|" + "---:|" * (len(names) + 2))
    ratio_raw: list[float] = []
    ratio_fastapi: list[float] = []
    for endpoint in scopes:
        cells = [f"{medians[(name, endpoint)]:,.0f}" for name in names]
        r_raw = medians[("FasterAPI", endpoint)] / medians[("raw ASGI", endpoint)]
        r_fa = medians[("FasterAPI", endpoint)] / medians[("FastAPI", endpoint)]
        ratio_raw.append(r_raw)
        ratio_fastapi.append(r_fa)
        print(f"| {endpoint} | " + " | ".join(cells) + f" | {r_raw:.2f}x | {r_fa:.1f}x |")
    geo_raw = math.exp(sum(math.log(r) for r in ratio_raw) / len(ratio_raw))
    geo_fa = math.exp(sum(math.log(r) for r in ratio_fastapi) / len(ratio_fastapi))
    print("| **geomean** |" + " |" * len(names) + f" **{geo_raw:.2f}x** | **{geo_fa:.1f}x** |")
    for task in _LIFESPANS:
        task.cancel()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short rounds (< 60 s)")
    args = parser.parse_args()
    return asyncio.run(main_async(args.quick))


if __name__ == "__main__":
    raise SystemExit(main())
