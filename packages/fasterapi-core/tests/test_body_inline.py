"""A route whose only parameter is a JSON body (its body is read inline by `APIRoute.handle`)
and a route with a body and a dependency (read by `_read_body`) answer every way a body can
arrive alike."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import pytest

from fasterapi_core import Depends, Faster


class Item(msgspec.Struct):
    name: str
    price: float


def dep() -> int:
    return 1


def make_app() -> Faster:
    app = Faster(openapi_url=None)

    @app.post("/single", status_code=201)
    async def single(item: Item) -> Item:
        return item

    @app.post("/planned", status_code=201)
    async def planned(item: Item, one: Annotated[int, Depends(dep)]) -> Item:
        return item

    return app


JSON = [(b"content-type", b"application/json")]
BODY = b'{"name":"a","price":1.5}'


def request(body_messages: list[dict[str, Any]], headers: list[tuple[bytes, bytes]]) -> Any:
    return {"messages": body_messages, "headers": headers}


CASES = {
    "one message": request([{"type": "http.request", "body": BODY}], JSON),
    "chunked": request(
        [
            {"type": "http.request", "body": BODY[:5], "more_body": True},
            {"type": "http.request", "body": b"", "more_body": True},
            {"type": "http.request", "body": BODY[5:], "more_body": False},
        ],
        JSON,
    ),
    "charset parameter": request(
        [{"type": "http.request", "body": BODY}],
        [(b"content-type", b"application/json; charset=utf-8")],
    ),
    "text/plain": request(
        [{"type": "http.request", "body": BODY}], [(b"content-type", b"text/plain")]
    ),
    "no content-type": request([{"type": "http.request", "body": BODY}], []),
    "first content-type counts": request(
        [{"type": "http.request", "body": BODY}],
        [(b"content-type", b"application/json"), (b"content-type", b"text/plain")],
    ),
    "empty body": request([{"type": "http.request", "body": b""}], JSON),
    "bad content-length": request(
        [{"type": "http.request", "body": BODY}], [*JSON, (b"content-length", b"x")]
    ),
    "declared too large": request(
        [{"type": "http.request", "body": BODY}], [*JSON, (b"content-length", b"99999999")]
    ),
    "invalid JSON": request([{"type": "http.request", "body": b"{"}], JSON),
    # Bodies the route's own decode refuses: `read_single` then reports them.
    "wrong field types": request(
        [{"type": "http.request", "body": b'{"name":1,"price":"x"}'}], JSON
    ),
    "missing field": request([{"type": "http.request", "body": b'{"name":"a"}'}], JSON),
    "not an object": request([{"type": "http.request", "body": b"[1,2]"}], JSON),
    "trailing data": request([{"type": "http.request", "body": BODY + b" x"}], JSON),
    "too deep": request([{"type": "http.request", "body": b"[" * 5000 + b"]" * 5000}], JSON),
    "bad UTF-8": request([{"type": "http.request", "body": b'{"name":"\xff","price":1}'}], JSON),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_single_and_planned_bodies_agree(raw: Any, case: str) -> None:
    app = make_app()
    single, planned = (r for r in app.routes if r.path in ("/single", "/planned"))
    # The two reading paths under test (the inline one and `_read_body`).
    assert (single._single, single._json_body, planned._single) == (True, True, False)
    # The inline path decodes a plain Struct body itself (`read_single` only on failure).
    assert single.plan.body is not None
    assert single.plan.body.decode is not None
    # ... and, the body being the endpoint's only argument, calls it with no Context at all.
    assert single._body_decode is not None
    assert planned._body_decode is None
    answers = []
    for path in ("/single", "/planned"):
        result = raw(app, "POST", path, **CASES[case])
        answers.append((result.status, result.body))
    assert answers[0] == answers[1]
    status = answers[0][0]
    if case in ("one message", "chunked", "charset parameter", "first content-type counts"):
        assert (status, msgspec.json.decode(answers[0][1])) == (201, {"name": "a", "price": 1.5})
    elif case == "bad content-length":
        assert status == 400
    elif case == "declared too large":
        assert status == 413
    else:
        assert status == 422


def test_body_over_the_limit_in_one_message(raw: Any) -> None:
    app = make_app()
    big = b'{"name":"' + b"a" * 2_000_000 + b'","price":1}'
    for path in ("/single", "/planned"):
        result = raw(
            app, "POST", path, messages=[{"type": "http.request", "body": big}], headers=JSON
        )
        assert result.status == 413


def test_disconnect_before_the_body_ends_answers_nothing(raw: Any) -> None:
    app = make_app()
    for path in ("/single", "/planned"):
        result = raw(
            app,
            "POST",
            path,
            messages=[
                {"type": "http.request", "body": BODY[:5], "more_body": True},
                {"type": "http.disconnect"},
            ],
            headers=JSON,
        )
        assert result.messages == []


class Tagged(Item):
    extra: int = 0


def test_response_model_instance_and_subclass(raw: Any) -> None:
    """An instance of exactly the response model is sent as is (the converter is skipped); a
    subclass instance still goes through it and loses the fields the model does not have."""
    app = Faster(openapi_url=None)

    @app.post("/same", status_code=201)
    async def same(item: Item) -> Item:
        return item

    @app.post("/subclass", status_code=201)
    async def subclass(item: Item) -> Item:
        return Tagged(item.name, item.price, extra=7)

    route = next(r for r in app.routes if r.path == "/same")
    assert route._exact_response is Item
    messages = [{"type": "http.request", "body": BODY}]
    for path in ("/same", "/subclass"):
        result = raw(app, "POST", path, messages=list(messages), headers=JSON)
        assert result.status == 201
        assert msgspec.json.decode(result.body) == {"name": "a", "price": 1.5}


def test_lone_body_endpoints_answering_otherwise(raw: Any) -> None:
    """An endpoint called straight with its decoded body may return a response object, raise,
    or take an optional body; each is answered as through the general path."""
    from fasterapi_core import HTTPException
    from fasterapi_core.responses import JSONResponse

    app = Faster(openapi_url=None)

    @app.post("/response")
    async def response(item: Item) -> Any:
        return JSONResponse({"seen": item.name}, status_code=202, headers={"x-seen": "1"})

    @app.post("/raises")
    async def raises(item: Item) -> Item:
        raise HTTPException(418, item.name)

    @app.post("/optional", status_code=201)
    async def optional(item: Item | None = None) -> Item | None:
        return item

    @app.post("/optional_planned", status_code=201)
    async def optional_planned(
        one: Annotated[int, Depends(dep)], item: Item | None = None
    ) -> Item | None:
        return item

    routes = {route.path: route for route in app.routes}
    assert routes["/response"]._body_decode is not None
    assert routes["/optional"]._body_decode is not None

    def post(path: str, body: bytes) -> Any:
        return raw(
            app, "POST", path, messages=[{"type": "http.request", "body": body}], headers=JSON
        )

    result = post("/response", BODY)
    assert (result.status, result.body, result.headers["x-seen"]) == (202, b'{"seen":"a"}', "1")
    result = post("/raises", BODY)
    assert (result.status, msgspec.json.decode(result.body)) == (418, {"detail": "a"})
    for body in (BODY, b"", b"null", b'{"name":"a"}'):
        answers = [
            (r.status, r.body) for r in (post("/optional", body), post("/optional_planned", body))
        ]
        assert answers[0] == answers[1], body
    assert post("/optional", BODY).status == 201
