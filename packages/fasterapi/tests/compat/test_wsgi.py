"""Advanced: Including WSGI - a hand-written WSGI app mounted with the framework's own
`middleware.wsgi.WSGIMiddleware` (Starlette's, for FastAPI)."""

import json
import warnings


def wsgi_middleware(fw):
    with warnings.catch_warnings():
        # Starlette deprecates its WSGI adapter (on import) in favour of a2wsgi; that is
        # about the oracle's implementation, not the behaviour compared here.
        warnings.simplefilter("ignore")
        return fw.mod("middleware.wsgi").WSGIMiddleware


def legacy(environ, start_response):
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("legacy app failed")
    body = environ["wsgi.input"].read()
    data = {
        "method": environ["REQUEST_METHOD"],
        "script_name": environ["SCRIPT_NAME"],
        "path_info": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "token": environ.get("HTTP_X_TOKEN"),
        "content_type": environ.get("CONTENT_TYPE"),
        "body_size": len(body),
    }
    start_response("202 Accepted", [("Content-Type", "application/json"), ("X-Legacy", "yes")])
    return [json.dumps(data).encode()]


def build(fw):
    app = fw.FastAPI()
    app.mount("/v1", wsgi_middleware(fw)(legacy))

    @app.get("/v2")
    def read_main():
        return {"message": "Hello World"}

    return app


def test_mounted_wsgi_app(fw):
    with fw.client(build(fw)) as client:
        response = client.post(
            "/v1/items/5?q=a%20b",
            content=b"x" * 300_000,
            headers={"X-Token": "secret", "Content-Type": "application/octet-stream"},
        )
        native = client.get("/v2")
    assert response.status_code == 202
    assert response.headers["x-legacy"] == "yes"
    assert response.json() == {
        "method": "POST",
        "script_name": "/v1",
        "path_info": "/items/5",
        "query": "q=a%20b",
        "token": "secret",
        "content_type": "application/octet-stream",
        "body_size": 300_000,
    }
    assert native.json() == {"message": "Hello World"}


def test_wsgi_app_error_is_500(fw):
    with fw.client(build(fw), raise_server_exceptions=False) as client:
        response = client.get("/v1/fail")
    assert response.status_code == 500
