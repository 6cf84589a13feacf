"""Tutorial: Header Parameters and Cookie Parameters."""

from typing import Annotated

import pytest


def build(fw):
    app = fw.FastAPI()

    @app.get("/agent/")
    def agent(user_agent: Annotated[str | None, fw.Header()] = None):
        return {"User-Agent": user_agent}

    @app.get("/strange/")
    def strange(
        strange_header: Annotated[str | None, fw.Header(convert_underscores=False)] = None,
    ):
        return {"strange_header": strange_header}

    @app.get("/tokens/")
    def tokens(x_token: Annotated[list[str] | None, fw.Header()] = None):
        return {"X-Token values": x_token}

    @app.get("/required-header/")
    def required_header(x_key: Annotated[int, fw.Header()]):
        return {"x_key": x_key}

    @app.get("/cookie/")
    def cookie(ads_id: Annotated[str | None, fw.Cookie()] = None):
        return {"ads_id": ads_id}

    @app.get("/required-cookie/")
    def required_cookie(session: Annotated[str, fw.Cookie()]):
        return {"session": session}

    return app


def test_header_underscores(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/agent/", headers={"User-Agent": "my-agent"})
    assert response.json() == {"User-Agent": "my-agent"}


def test_header_default_user_agent_of_test_client(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/agent/")
    assert response.json() == {"User-Agent": "testclient"}


def test_header_without_conversion(fw):
    with fw.client(build(fw)) as client:
        converted = client.get("/strange/", headers={"strange-header": "no"})
        raw = client.get("/strange/", headers={"strange_header": "yes"})
    assert converted.json() == {"strange_header": None}
    assert raw.json() == {"strange_header": "yes"}


def test_duplicate_headers_as_list(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/tokens/", headers=[("x-token", "foo"), ("x-token", "bar")])
        none = client.get("/tokens/")
    assert response.json() == {"X-Token values": ["foo", "bar"]}
    assert none.json() == {"X-Token values": None}


def test_required_header(fw):
    with fw.client(build(fw)) as client:
        ok = client.get("/required-header/", headers={"x-key": "12"})
        missing = client.get("/required-header/")
        bad = client.get("/required-header/", headers={"x-key": "ab"})
    assert ok.json() == {"x_key": 12}
    assert missing.status_code == 422
    assert missing.json() == {
        "detail": [
            {"type": "missing", "loc": ["header", "x-key"], "msg": "Field required", "input": None}
        ]
    }
    assert bad.json()["detail"][0]["loc"] == ["header", "x-key"]
    assert bad.json()["detail"][0]["type"] == "int_parsing"


def test_cookie(fw):
    with fw.client(build(fw)) as client:
        response = client.get("/cookie/", headers={"cookie": "ads_id=abc; other=1"})
    assert response.json() == {"ads_id": "abc"}


def test_cookie_missing(fw):
    with fw.client(build(fw)) as client:
        optional = client.get("/cookie/")
        required = client.get("/required-cookie/")
    assert optional.json() == {"ads_id": None}
    assert required.status_code == 422
    assert required.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["cookie", "session"],
                "msg": "Field required",
                "input": None,
            }
        ]
    }


def test_openapi_header_and_cookie(fw):
    with fw.client(build(fw)) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert paths["/agent/"]["get"]["parameters"] == [
        {
            "name": "user-agent",
            "in": "header",
            "required": False,
            "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "User-Agent"},
        }
    ]
    assert paths["/required-cookie/"]["get"]["parameters"] == [
        {
            "name": "session",
            "in": "cookie",
            "required": True,
            "schema": {"type": "string", "title": "Session"},
        }
    ]
    assert paths["/strange/"]["get"]["parameters"][0]["name"] == "strange_header"


@pytest.mark.parametrize("name", ["X-Key", "x-key", "X-KEY"])
def test_header_names_are_case_insensitive(fw, name):
    with fw.client(build(fw)) as client:
        response = client.get("/required-header/", headers={name: "3"})
    assert response.json() == {"x_key": 3}
