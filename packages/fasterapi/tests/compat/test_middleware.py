"""Tutorial: Middleware (@app.middleware("http")), CORS; Advanced Middleware: GZip,
TrustedHost, HTTPSRedirect — imported from the framework's own module paths."""

import time

import pytest


def build_timing(fw):
    app = fw.FastAPI()

    @app.middleware("http")
    async def add_process_time_header(request: fw.Request, call_next):
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["X-Process-Time"] = str(time.perf_counter() - start)
        return response

    @app.middleware("http")
    async def outer(request: fw.Request, call_next):
        if request.url.path == "/blocked":
            return fw.responses.JSONResponse({"blocked": True}, status_code=403)
        request.state.tag = "outer"
        response = await call_next(request)
        response.headers["X-Order"] = "outer-last"
        return response

    @app.get("/")
    def index(request: fw.Request):
        return {"tag": request.state.tag}

    @app.get("/missing-item")
    def missing():
        raise fw.HTTPException(404, "gone")

    return app


def test_timing_header(fw):
    with fw.client(build_timing(fw)) as client:
        response = client.get("/")
    assert response.json() == {"tag": "outer"}
    assert float(response.headers["x-process-time"]) >= 0
    assert response.headers["x-order"] == "outer-last"


def test_middleware_short_circuit(fw):
    with fw.client(build_timing(fw)) as client:
        response = client.get("/blocked")
    assert (response.status_code, response.json()) == (403, {"blocked": True})
    # The middleware declared last wraps the others, so the timing one never ran.
    assert "x-process-time" not in response.headers


def test_middleware_sees_error_responses(fw):
    with fw.client(build_timing(fw)) as client:
        not_found = client.get("/nowhere")
        raised = client.get("/missing-item")
    assert not_found.status_code == 404
    assert "x-process-time" in not_found.headers
    assert (raised.status_code, raised.json()) == (404, {"detail": "gone"})
    assert "x-process-time" in raised.headers


def build_cors(fw):
    app = fw.FastAPI()
    app.add_middleware(
        fw.mod("middleware.cors").CORSMiddleware,
        allow_origins=["http://localhost.tiangolo.com", "https://localhost.tiangolo.com"],
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    @app.get("/")
    def main():
        return {"message": "Hello World"}

    return app


def test_cors_simple_request(fw):
    with fw.client(build_cors(fw)) as client:
        response = client.get("/", headers={"Origin": "https://localhost.tiangolo.com"})
    assert response.json() == {"message": "Hello World"}
    assert response.headers["access-control-allow-origin"] == "https://localhost.tiangolo.com"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"


def test_cors_preflight(fw):
    headers = {
        "Origin": "http://localhost.tiangolo.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "X-Custom",
    }
    with fw.client(build_cors(fw)) as client:
        response = client.options("/", headers=headers)
    assert response.status_code == 200
    assert response.text == "OK"
    assert response.headers["access-control-allow-origin"] == "http://localhost.tiangolo.com"
    # Starlette lists every method it knows for allow_methods=["*"] (recent versions add QUERY).
    allowed = set(response.headers["access-control-allow-methods"].split(", "))
    assert {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"} <= allowed
    assert response.headers["access-control-allow-headers"] == "X-Custom"
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["access-control-allow-credentials"] == "true"


def test_cors_disallowed_origin(fw):
    with fw.client(build_cors(fw)) as client:
        simple = client.get("/", headers={"Origin": "https://evil.example"})
        preflight = client.options(
            "/",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
    assert "access-control-allow-origin" not in simple.headers
    assert preflight.status_code == 400
    assert preflight.text == "Disallowed CORS origin"


def test_cors_refused_preflight_headers(fw):
    with fw.client(build_cors(fw)) as client:
        response = client.options(
            "/", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
        )
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["vary"].startswith("Origin, Access-Control-Request-Method")


def test_gzip(fw):
    app = fw.FastAPI()
    app.add_middleware(fw.mod("middleware.gzip").GZipMiddleware, minimum_size=1000, compresslevel=5)

    @app.get("/big")
    def big():
        return fw.responses.PlainTextResponse("x" * 2000)

    @app.get("/small")
    def small():
        return fw.responses.PlainTextResponse("x" * 10)

    with fw.client(app) as client:
        big_response = client.get("/big", headers={"accept-encoding": "gzip"})
        small_response = client.get("/small", headers={"accept-encoding": "gzip"})
        raw = client.get("/big", headers={"accept-encoding": "identity"})
    assert big_response.headers["content-encoding"] == "gzip"
    assert big_response.text == "x" * 2000
    assert int(big_response.headers["content-length"]) < 2000
    assert "content-encoding" not in small_response.headers
    assert "content-encoding" not in raw.headers
    assert raw.text == "x" * 2000


def test_trusted_host(fw):
    app = fw.FastAPI()
    app.add_middleware(
        fw.mod("middleware.trustedhost").TrustedHostMiddleware,
        allowed_hosts=["example.com", "*.example.com"],
    )

    @app.get("/")
    def main():
        return {"message": "Hello World"}

    with fw.client(app, base_url="http://example.com") as client:
        ok = client.get("/")
        sub = client.get("/", headers={"host": "api.example.com"})
        bad = client.get("/", headers={"host": "evil.com"})
    assert ok.json() == {"message": "Hello World"}
    assert sub.status_code == 200
    assert (bad.status_code, bad.text) == (400, "Invalid host header")


def test_https_redirect(fw):
    app = fw.FastAPI()
    app.add_middleware(fw.mod("middleware.httpsredirect").HTTPSRedirectMiddleware)

    @app.get("/path")
    def main():
        return {"message": "Hello World"}

    with fw.client(app, follow_redirects=False) as client:
        response = client.get("/path?x=1")
    assert response.status_code == 307
    assert response.headers["location"] == "https://testserver/path?x=1"


def test_gzip_vary_header(fw):
    app = fw.FastAPI()
    app.add_middleware(fw.mod("middleware.gzip").GZipMiddleware, minimum_size=10)
    app.get("/big")(lambda: fw.responses.PlainTextResponse("x" * 2000))
    with fw.client(app) as client:
        response = client.get("/big", headers={"accept-encoding": "gzip"})
    assert response.headers["vary"] == "Accept-Encoding"


def test_middleware_order_last_added_runs_first(fw):
    order = []

    class Recorder:
        def __init__(self, app, name):
            self.app = app
            self.name = name

        async def __call__(self, scope, receive, send):
            if scope["type"] == "http":
                order.append(self.name)
            await self.app(scope, receive, send)

    app = fw.FastAPI()
    app.add_middleware(Recorder, name="first-added")
    app.add_middleware(Recorder, name="second-added")

    @app.get("/")
    def main():
        return "ok"

    with fw.client(app) as client:
        client.get("/")
    assert order == ["second-added", "first-added"]


@pytest.mark.parametrize("path", ["middleware.cors", "middleware.gzip", "middleware.trustedhost"])
def test_middleware_module_paths(fw, path):
    assert fw.mod(path) is not None


def test_error_in_http_middleware_is_500(fw):
    app = fw.FastAPI()

    @app.middleware("http")
    async def broken(request, call_next):
        raise KeyError("mw")

    app.get("/")(lambda: 1)
    with fw.client(app, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
