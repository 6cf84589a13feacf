"""Advanced: Custom Request and APIRoute class — route_class on a router, a custom
get_route_handler that times requests or reads the body on validation errors."""

import time


def timed_route_class(fw):
    class TimedRoute(fw.routing.APIRoute):
        def get_route_handler(self):
            original = super().get_route_handler()

            async def custom_route_handler(request: fw.Request) -> fw.Response:
                before = time.perf_counter()
                response = await original(request)
                response.headers["X-Response-Time"] = str(time.perf_counter() - before)
                response.headers["X-Route-Path"] = self.path
                return response

            return custom_route_handler

    return TimedRoute


def build(fw):
    app = fw.FastAPI()
    router = fw.APIRouter(route_class=timed_route_class(fw))

    @app.get("/")
    async def not_timed():
        return {"message": "Not timed"}

    @router.get("/timed/{x}")
    async def timed(x: int):
        return {"message": "It's the time of my life", "x": x}

    app.include_router(router)
    return app


def test_custom_route_handler(fw):
    with fw.client(build(fw)) as client:
        timed = client.get("/timed/3")
        plain = client.get("/")
        invalid = client.get("/timed/x")
    assert timed.json() == {"message": "It's the time of my life", "x": 3}
    assert float(timed.headers["x-response-time"]) >= 0
    assert timed.headers["x-route-path"] == "/timed/{x}"
    assert "x-response-time" not in plain.headers
    assert invalid.status_code == 422


def test_route_class_body_on_validation_error(fw):
    class ValidationErrorLoggingRoute(fw.routing.APIRoute):
        def get_route_handler(self):
            original = super().get_route_handler()

            async def handler(request: fw.Request):
                try:
                    return await original(request)
                except fw.exceptions.RequestValidationError as exc:
                    body = await request.body()
                    detail = {"errors": exc.errors(), "body": body.decode()}
                    raise fw.HTTPException(status_code=422, detail=detail) from None

            return handler

    app = fw.FastAPI()
    app.router.route_class = ValidationErrorLoggingRoute

    @app.post("/")
    async def sum_numbers(numbers: list[int]):
        return sum(numbers)

    with fw.client(app) as client:
        ok = client.post("/", json=[1, 2])
        bad = client.post("/", content=b'["a"]', headers={"content-type": "application/json"})
    assert ok.json() == 3
    assert bad.status_code == 422
    assert bad.json()["detail"]["body"] == '["a"]'
    assert bad.json()["detail"]["errors"][0]["loc"] == ["body", 0]


def test_custom_request_class(fw):
    class UpperRequest(fw.Request):
        async def body(self) -> bytes:
            data: bytes = await super().body()
            return data.upper()

    class UpperRoute(fw.routing.APIRoute):
        def get_route_handler(self):
            original = super().get_route_handler()

            async def handler(request: fw.Request):
                return await original(UpperRequest(request.scope, request.receive))

            return handler

    app = fw.FastAPI()
    router = fw.APIRouter(route_class=UpperRoute)

    @router.post("/echo")
    async def echo(request: fw.Request):
        return {"body": (await request.body()).decode()}

    app.include_router(router)
    with fw.client(app) as client:
        assert client.post("/echo", content=b"abc").json() == {"body": "ABC"}


def test_routes_are_api_routes(fw):
    app = fw.FastAPI()

    @app.get("/items/{x}")
    def read(x: int):
        return x

    route = next(r for r in app.routes if getattr(r, "path", None) == "/items/{x}")
    assert isinstance(route, fw.routing.APIRoute)
    assert route.methods == {"GET"}
    assert route.name == "read"
    assert route.endpoint is read


def test_docs_routes_are_not_api_routes(fw):
    app = fw.FastAPI()
    app.get("/")(lambda: "ok")
    api_paths = sorted(r.path for r in app.routes if isinstance(r, fw.routing.APIRoute))
    assert api_paths == ["/"]
