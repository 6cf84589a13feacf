"""Property 9: CORS.

An origin that is not allowed is never reflected (no `Access-Control-Allow-Origin` for it, on
simple requests and preflights); `allow_origins=["*"]` together with credentials is refused
when the middleware is built; a preflight asking for a method or header that is not allowed
is refused.
"""

from __future__ import annotations

from typing import Any

import pytest

from FasterAPI import CORSMiddleware, Faster
from fasterapi_testing import TestClient


def make_client(**options: Any) -> TestClient:
    app = Faster()

    @app.get("/data")
    async def data() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/data")
    async def post_data() -> dict[str, bool]:
        return {"ok": True}

    app.add_middleware(CORSMiddleware, **options)
    return TestClient(app)


ALLOWED = "https://app.example"
HOSTILE = [
    "https://evil.example",
    "https://app.example.evil.example",
    "https://evilapp.example",
    "http://app.example",
    "https://app.example:444",
    "null",
    "https://app.example\r\nX-Evil: 1",
    "HTTPS://APP.EXAMPLE.evil",
    "",
]


def acao(response: Any) -> list[str]:
    return response.headers.get_list("access-control-allow-origin")


@pytest.mark.parametrize("origin", HOSTILE)
def test_a_disallowed_origin_is_never_reflected(origin: str) -> None:
    client = make_client(allow_origins=[ALLOWED], allow_credentials=True, allow_methods=["GET"])
    headers = {"origin": origin.replace("\r\n", "")}
    response = client.get("/data", headers=headers)
    assert response.status_code == 200
    assert acao(response) == []
    # Starlette's CORSMiddleware (which ours answers exactly as) sends
    # `access-control-allow-credentials: true` on every CORS response; without a matching
    # allow-origin a browser still hides the response, so nothing is exposed.
    assert response.headers.get_list("access-control-allow-credentials") in ([], ["true"])
    preflight = client.options("/data", headers={**headers, "access-control-request-method": "GET"})
    assert preflight.status_code == 400
    assert acao(preflight) in ([], [ALLOWED])
    assert origin not in acao(preflight)


@pytest.mark.parametrize("origin", HOSTILE)
def test_a_regex_does_not_match_lookalikes(origin: str) -> None:
    client = make_client(allow_origin_regex=r"https://app\.example", allow_methods=["GET"])
    response = client.get("/data", headers={"origin": origin.replace("\r\n", "")})
    assert acao(response) == []


def test_an_allowed_origin_is_answered() -> None:
    client = make_client(allow_origins=[ALLOWED], allow_credentials=True, allow_methods=["GET"])
    response = client.get("/data", headers={"origin": ALLOWED})
    assert acao(response) == [ALLOWED]
    assert "origin" in response.headers.get("vary", "").lower()


def test_wildcard_with_credentials_is_refused_at_construction() -> None:
    app = Faster()
    with pytest.raises((ValueError, TypeError)):
        CORSMiddleware(app, allow_origins=["*"], allow_credentials=True)


def test_wildcard_without_credentials_never_sends_credentials() -> None:
    client = make_client(allow_origins=["*"], allow_methods=["GET"])
    response = client.get("/data", headers={"origin": "https://any.example", "cookie": "s=1"})
    assert acao(response) == ["*"]
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"access-control-request-method": "DELETE"},
        {"access-control-request-method": "GET", "access-control-request-headers": "X-Evil"},
        {"access-control-request-method": "GET, DELETE"},
        {"access-control-request-method": "G\u00e9T".encode("latin-1")},
        {
            "access-control-request-method": "GET",
            "access-control-request-headers": ",,," * 1000 + "x-evil",
        },
    ],
)
def test_a_preflight_beyond_what_is_allowed_is_refused(headers: dict[str, Any]) -> None:
    client = make_client(allow_origins=[ALLOWED], allow_methods=["GET"], allow_headers=["X-Token"])
    response = client.options("/data", headers={"origin": ALLOWED, **headers})
    assert response.status_code == 400
    assert (
        "access-control-allow-methods" not in response.headers
        or "DELETE" not in response.headers["access-control-allow-methods"]
    )


def test_a_valid_preflight_is_answered() -> None:
    client = make_client(allow_origins=[ALLOWED], allow_methods=["GET"], allow_headers=["X-Token"])
    response = client.options(
        "/data",
        headers={
            "origin": ALLOWED,
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-token",
        },
    )
    assert response.status_code == 200
    assert acao(response) == [ALLOWED]
