"""Requests per second through the ASGI interface: FasterAPI vs FastAPI, Starlette, Litestar,
BlackSheep, faster-api-web and raw ASGI.

    python benchmarks/bench_core.py [--quick]

The same small API runs on seven apps. FasterAPI (`fasterapi_core`), FastAPI and faster-api-web
take FastAPI's API, so one definition (`build_fastapi_like`) is built with each module's names.
It is written again in Starlette, Litestar and BlackSheep (handlers producing FastAPI's exact
answers, 422 bodies included, written by hand where the framework's own answer differs:
Starlette has no validation, and Litestar and BlackSheep answer a bad int with a 400 of their
own shape). faster-api-web (the system FasterAPI replaces, run as FastAPI's code with the import
swapped, as it offers itself as a drop-in) is loaded from $FASTER_API_WEB_PATH, see
`_workload/peers.py`, and left out with the reason printed when that is unset or it fails to
import. Last, one hand-written raw ASGI function (the limit: a dict of paths and msgspec, no
framework at all).
Every app is called in-process by a minimal driver, `await app(scope, receive, send)`, after
its lifespan startup, so no server or socket noise enters the numbers.

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
FastAPI's: a peer's wrong answer is reported under the tables and that endpoint is not timed
for it (a wrong answer from FasterAPI or raw ASGI fails the run). Rounds are interleaved (each round times every app on every endpoint, in a
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


# --- FasterAPI, FastAPI and faster-api-web -----------------------------------------------------
# The three take FastAPI's API (FasterAPI and faster-api-web as drop-ins): one definition of the
# workload serves them all, given the module's app class, `Depends`, `Header` and body model.


def build_fastapi_like(app_class: Any, Depends: Any, Header: Any, Item: Any) -> ASGIApp:
    app = app_class(openapi_url=None)

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

    return app  # type: ignore[no-any-return]


def build_fasterapi() -> ASGIApp:
    from fasterapi_core import Depends, Faster, Header

    class Item(msgspec.Struct):
        name: str
        price: float
        tags: list[str] = []

    return build_fastapi_like(Faster, Depends, Header, Item)


def build_fastapi() -> ASGIApp:
    from fastapi import Depends, FastAPI, Header
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str
        price: float
        tags: list[str] = []

    return build_fastapi_like(FastAPI, Depends, Header, Item)


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


# --- BlackSheep -------------------------------------------------------------------------------


def build_blacksheep() -> ASGIApp:
    from dataclasses import dataclass, field

    from blacksheep import Application, FromHeader, FromJSON, Response, json

    @dataclass
    class Item:
        name: str
        price: float
        tags: list[str] = field(default_factory=list)

    class XToken(FromHeader[str]):
        name = "x-token"  # required: a request without it gets BlackSheep's 400

    app = Application(show_error_details=False)
    get, post = app.router.get, app.router.post

    @get("/health")
    async def health() -> Response:
        return json({"status": "ok"})

    # Taken as a string and converted by hand, as in Starlette and Litestar: BlackSheep's own
    # answer to a bad int is a 400 with a text body, not FastAPI's 422.
    @get("/items/{item_id}")
    async def read_item(item_id: str) -> Response:
        try:
            return json({"item_id": int(item_id)})
        except ValueError:
            return json(int_error(["path", "item_id"], item_id), 422)

    @get("/search")
    async def search(skip: int = 0, limit: int = 10) -> Response:
        return json({"skip": skip, "limit": limit})

    @post("/items")
    async def create_item(item: FromJSON[Item]) -> Response:
        return json(item.value, 201)

    # BlackSheep's dependency injection is a service container (rodi), resolved by type,
    # with no per-request functions taking request data: the three functions are awaited
    # in the handler, as in the Starlette copy.
    async def get_token(x_token: str) -> str:
        return x_token

    async def get_user(token: str) -> dict[str, str]:
        return {"name": "alice", "token": token}

    async def get_perms(user: dict[str, str]) -> list[str]:
        return ["read", user["name"]]

    @get("/deps")
    async def deps(x_token: XToken) -> Response:
        perms = await get_perms(await get_user(await get_token(x_token.value)))
        return json({"perms": perms})

    def make_route(i: int) -> Callable[[int], Awaitable[Response]]:
        async def route(item_id: int) -> Response:
            return json({"route": i, "item_id": item_id})

        return route

    for i in range(100):
        get(f"/r{i}/{{item_id}}")(make_route(i))

    @get("/list")
    async def list_items() -> Response:
        return json(LIST_DATA)

    return app  # started by the lifespan (`Application.start`), like under a server


# --- faster-api-web ---------------------------------------------------------------------------


def build_faster_api_web() -> ASGIApp:
    """FastAPI's code with the import swapped, as faster-api-web offers itself as a drop-in.

    Where it answers otherwise than FastAPI (it converts neither path nor query parameters
    to `int`), the endpoint is reported as a wrong answer and not timed.
    """
    from _workload.peers import load_faster_api_web

    faw = load_faster_api_web()
    Depends, Faster, Header = faw.Depends, faw.Faster, faw.Header

    class Item(msgspec.Struct):  # its body model is a msgspec Struct, as in FasterAPI
        name: str
        price: float
        tags: list[str] = []

    return build_fastapi_like(Faster, Depends, Header, Item)


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
            # The whole body, as ASGI requires: granian sends it with more_body=True and
            # then an empty last message (uvicorn, in one message when it is one read).
            message = await receive()
            body = message["body"]
            while message.get("more_body"):
                message = await receive()
                body += message["body"]
            await respond(send, 201, decode_item(body))
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


RAW, OURS, REFERENCE = "raw ASGI", "FasterAPI", "FastAPI"

# Column order of the tables; every app but raw ASGI and FasterAPI is a peer.
BUILDERS: dict[str, Callable[[], ASGIApp]] = {
    RAW: build_raw,
    OURS: build_fasterapi,
    REFERENCE: build_fastapi,
    "Starlette": build_starlette,
    "Litestar": build_litestar,
    "BlackSheep": build_blacksheep,
    "faster-api-web": build_faster_api_web,
}
# Much slower than the rest: fewer calls per timing keep the run short.
SLOW = ("FastAPI", "Starlette")


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def answer(status: int, payload: bytes) -> str:
    text = payload.decode("utf-8", "replace")
    return f"{status} {text[:90] + '...' if len(text) > 90 else text}"


async def check_answers(
    apps: dict[str, ASGIApp], scopes: dict[str, tuple[Scope, bytes]]
) -> dict[tuple[str, str], str]:
    """Status and JSON body of every app on every endpoint vs FastAPI's: {(app, endpoint): why}."""
    wrong = {}
    for endpoint, (scope, body) in scopes.items():
        ref_status, ref_body = await call_once(apps[REFERENCE], scope, body)
        expected = (ref_status, msgspec.json.decode(ref_body))
        for name, app in apps.items():
            try:
                status, payload = await call_once(app, scope, body)
                got = (status, msgspec.json.decode(payload) if payload else None)
            except Exception as exc:  # a peer that raises is a wrong answer too
                status, payload, got = 0, repr(exc).encode(), None
            if got != expected:
                wrong[(name, endpoint)] = (
                    f"answered `{answer(status, payload)}`; "
                    f"FastAPI `{answer(ref_status, ref_body)}`"
                )
    return wrong


def print_tables(
    medians: dict[tuple[str, str], float],
    names: list[str],
    endpoints: list[str],
    wrong: dict[tuple[str, str], str],
    skipped: dict[str, str],
) -> None:
    peers = [n for n in names if n not in (RAW, OURS)]
    print(
        "| endpoint | " + " | ".join(names) + " | FasterAPI / raw | FasterAPI / FastAPI "
        "| FasterAPI / fastest peer |"
    )
    print("|---|" + "---:|" * (len(names) + 3))
    to_raw: list[float] = []
    to_fastapi: list[float] = []
    to_best: list[float] = []
    behind = []
    for endpoint in endpoints:
        cells = [
            f"{medians[(n, endpoint)]:,.0f}" if (n, endpoint) in medians else "wrong" for n in names
        ]
        ours = medians[(OURS, endpoint)]
        r_raw = ours / medians[(RAW, endpoint)]
        r_fa = ours / medians[(REFERENCE, endpoint)]
        timed = [p for p in peers if (p, endpoint) in medians]
        best = max(timed, key=lambda p: medians[(p, endpoint)])
        r_best = ours / medians[(best, endpoint)]
        to_raw.append(r_raw)
        to_fastapi.append(r_fa)
        to_best.append(r_best)
        if r_best < 1:
            behind.append(f"{endpoint} ({best})")
        print(
            f"| {endpoint} | " + " | ".join(cells) + f" | {r_raw:.2f}x | {r_fa:.1f}x "
            f"| {r_best:.2f}x ({best}) |"
        )
    print(
        "| **geomean** |"
        + " |" * len(names)
        + f" **{geomean(to_raw):.2f}x** | **{geomean(to_fastapi):.1f}x** | **{geomean(to_best):.2f}x** |"
    )
    ahead = len(endpoints) - len(behind)
    print(
        f"\nFasterAPI is ahead of every peer ({', '.join(peers)}) on {ahead} of "
        f"{len(endpoints)} endpoints" + (f"; behind on {', '.join(behind)}" if behind else "") + "."
    )

    print(
        "\nEach framework's rate as a multiple of raw ASGI's on the same endpoint (raw ASGI, no "
        "framework at all, is the limit: 1.00x), and its geomean against raw ASGI and against "
        "FastAPI over the endpoints it answered correctly:\n"
    )
    print("| framework | " + " | ".join(endpoints) + " | geomean / raw | geomean / FastAPI |")
    print("|---|" + "---:|" * (len(endpoints) + 2))
    for name in names[1:]:
        cells = []
        vs_raw: list[float] = []
        vs_fa: list[float] = []
        for endpoint in endpoints:
            if (name, endpoint) not in medians:
                cells.append("wrong")
                continue
            rate = medians[(name, endpoint)]
            vs_raw.append(rate / medians[(RAW, endpoint)])
            vs_fa.append(rate / medians[(REFERENCE, endpoint)])
            cells.append(f"{vs_raw[-1]:.2f}x")
        partial = (
            f" ({len(vs_raw)} of {len(endpoints)})"
            if vs_raw and len(vs_raw) < len(endpoints)
            else ""
        )
        means = (
            [f"{geomean(vs_raw):.2f}x{partial}", f"{geomean(vs_fa):.1f}x{partial}"]
            if vs_raw
            else ["-", "-"]
        )
        print(f"| {name} | " + " | ".join(cells + means) + " |")

    if wrong:
        print("\nWrong answers (not timed):\n")
        for (name, endpoint), why in wrong.items():
            print(f"- {name} `{endpoint}`: {why}")
    if skipped:
        print("\nNot measured:\n")
        for name, why in skipped.items():
            print(f"- {name}: {why}")


async def main_async(quick: bool) -> int:
    apps: dict[str, ASGIApp] = {}
    skipped: dict[str, str] = {}
    for name, build in BUILDERS.items():
        try:
            apps[name] = build()
        except Exception as exc:  # a peer that cannot be built is reported, never fatal
            skipped[name] = str(exc) or type(exc).__name__
            print(f"skipping {name}: {skipped[name]}", file=sys.stderr)
    missing = [n for n in (RAW, OURS, REFERENCE) if n not in apps]
    if missing:
        print(
            f"{', '.join(missing)} could not be built; FastAPI is the reference "
            "(pip install -r benchmarks/requirements.txt)",
            file=sys.stderr,
        )
        return 1
    for app in apps.values():
        await lifespan_startup(app)

    scopes = {
        name: (make_scope(method, path, query, headers, body), body)
        for name, method, path, query, body, headers in ENDPOINTS
    }
    # Correctness first: an app is timed only on the endpoints where it answers exactly what
    # FastAPI answers. A peer's wrong answer is reported; FasterAPI's (or raw ASGI's) fails.
    wrong = await check_answers(apps, scopes)
    fatal = {key: why for key, why in wrong.items() if key[0] in (RAW, OURS)}
    if fatal:
        for (name, endpoint), why in fatal.items():
            print(f"{name} {endpoint}: {why}", file=sys.stderr)
        return 1

    rounds, n = (3, 400) if quick else (7, 3000)
    results: dict[tuple[str, str], list[float]] = {
        (a, e): [] for a in apps for e in scopes if (a, e) not in wrong
    }
    for _ in range(rounds):
        for endpoint, (scope, body) in scopes.items():
            order = [a for a in apps if (a, endpoint) not in wrong]
            random.shuffle(order)
            for name in order:
                calls = max(n // 4, 100) if name in SLOW else n
                gc.collect()
                results[(name, endpoint)].append(await time_calls(apps[name], scope, body, calls))
    medians = {key: statistics.median(values) for key, values in results.items()}

    print(
        f"Requests per second of CPU time (median of {rounds} interleaved rounds, in-process ASGI calls; Python {sys.version.split()[0]})\n"
    )
    print_tables(medians, list(apps), list(scopes), wrong, skipped)
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
