"""Tutorial: Testing; Advanced: Async Tests — the test client a FastAPI user's test suite
relies on (`fastapi.testclient.TestClient` vs `FasterAPI.testclient.TestClient`), and
httpx's ASGI transport on the app."""

import asyncio

import httpx


def build(fw):
    app = fw.FastAPI()

    @app.post("/login")
    def login(response: fw.Response):
        response.set_cookie("session", "abc")
        return "ok"

    @app.get("/me")
    def me(session: str | None = fw.Cookie(None), x: str | None = fw.Header(None)):
        return {"session": session, "x": x}

    @app.get("/redirect")
    def redirect():
        return fw.responses.RedirectResponse("/me")

    @app.get("/params")
    def params(a: int, b: list[str] = fw.Query([])):
        return {"a": a, "b": b}

    return app


def test_cookies_persist_and_default_headers(fw):
    with fw.client(build(fw), headers={"x": "default"}) as client:
        assert client.post("/login").json() == "ok"
        assert dict(client.cookies) == {"session": "abc"}
        assert client.get("/me").json() == {"session": "abc", "x": "default"}
        assert client.get("/me", headers={"x": "over"}).json() == {"session": "abc", "x": "over"}


def test_follows_redirects_by_default(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/redirect")
    assert response.status_code == 200
    assert response.url.path == "/me"
    assert [r.status_code for r in response.history] == [307]


def test_params_base_url_and_absolute_urls(fw):
    with fw.client(build(fw)) as client:
        assert client.get("/params", params={"a": 1, "b": ["x", "y"]}).json() == {
            "a": 1,
            "b": ["x", "y"],
        }
        assert str(client.base_url) == "http://testserver"
        assert client.get("http://testserver/params?a=2").json() == {"a": 2, "b": []}
    other = fw.client(build(fw), base_url="http://example.org")
    assert other.get("/redirect", follow_redirects=False).headers["location"] == "/me"
    assert other.get("/params?a=3").request.url.host == "example.org"


def test_client_without_context_manager(fw):
    client = fw.client(build(fw))
    assert client.get("/params?a=5").json() == {"a": 5, "b": []}


def test_async_tests_with_httpx_asgi_transport(fw):
    app = build(fw)

    async def main():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/params", params={"a": 9})
        return response.status_code, response.json()

    assert asyncio.run(main()) == (200, {"a": 9, "b": []})
