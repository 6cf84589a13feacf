"""Return values encoded as FastAPI encodes them.

Without a response model FastAPI runs the value through `jsonable_encoder`: timedelta as float
seconds, `datetime.isoformat()` ("+00:00"), bytes as UTF-8 text, Decimal as an int or float.
With a return annotation or `response_model` it serialises through pydantic's JSON mode, which
is what msgspec writes natively (ISO 8601 durations, "Z", Decimal as its text): those routes
keep the plain msgspec encoding.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import OrderedDict, deque
from decimal import Decimal
from typing import Any

import msgspec

from fasterapi_core import Faster, PlainTextResponse
from fasterapi_core.responses import jsonable
from fasterapi_testing import TestClient

UTC = datetime.timezone.utc


def values() -> dict[str, Any]:
    return {
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "date": datetime.date(2024, 2, 29),
        "time": datetime.time(13, 5, 7),
        "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "aware": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        "decimal": Decimal("1.10"),
        "decimal_int": Decimal("3"),
        "decimal_exp": Decimal("1E+2"),
        "set": {3},
        "tuple": (1, "a"),
        "bytes": b"hi",
        "timedelta": datetime.timedelta(days=1, seconds=1, microseconds=500000),
        "nested": [datetime.timedelta(seconds=3), {"b": b"x"}],
    }


# What FastAPI 0.165 answers for `values()` from a route without a response model.
FASTAPI_BODY = (
    b'{"uuid":"12345678-1234-5678-1234-567812345678","date":"2024-02-29","time":"13:05:07",'
    b'"datetime":"2024-01-02T03:04:05","aware":"2024-01-02T03:04:05+00:00","decimal":1.1,'
    b'"decimal_int":3,"decimal_exp":100,"set":[3],"tuple":[1,"a"],"bytes":"hi",'
    b'"timedelta":86401.5,"nested":[3.0,{"b":"x"}]}'
)


def make_app() -> Faster:
    app = Faster()

    @app.get("/plain")
    def plain():  # type: ignore[no-untyped-def]  # no annotation: jsonable_encoder's rules
        return values()

    @app.get("/async")
    async def plain_async():  # type: ignore[no-untyped-def]
        return values()

    @app.get("/annotated")
    def annotated() -> dict[str, Any]:
        return values()

    @app.get("/model", response_model=dict[str, Any])
    def model():  # type: ignore[no-untyped-def]
        return values()

    @app.get("/text", response_class=PlainTextResponse)
    def text():  # type: ignore[no-untyped-def]
        return b"raw text"

    @app.get("/delta/{seconds}")
    def delta(seconds: float):  # type: ignore[no-untyped-def]
        return datetime.timedelta(seconds=seconds)

    return app


def test_route_without_response_model_encodes_like_jsonable_encoder() -> None:
    with TestClient(make_app()) as client:
        assert client.get("/plain").content == FASTAPI_BODY
        assert client.get("/async").content == FASTAPI_BODY
        assert client.get("/delta/1.5").content == b"1.5"
        assert client.get("/text").text == "raw text"


def test_route_with_response_model_keeps_msgspec_encoding() -> None:
    with TestClient(make_app()) as client:
        for path in ("/annotated", "/model"):
            data = client.get(path).json()
            # pydantic's JSON mode (what FastAPI uses with a response model) writes these too.
            assert data["timedelta"] == "P1DT1.5S", path
            assert data["aware"] == "2024-01-02T03:04:05Z", path
            assert data["nested"][0] == "PT3S", path
            # Decimal as its exact text, not a number (pydantic's JSON mode again).
            assert (data["decimal"], data["decimal_int"], data["decimal_exp"]) == (
                "1.10",
                "3",
                "1E+2",
            ), path


def test_jsonable_keeps_plain_data_uncopied() -> None:
    data = {"a": 1, "b": [1, 2.5, "x", None, True], "c": {"d": [{"e": "f"}]}}
    assert jsonable(data) is data
    listed = [data, data]
    assert jsonable(listed) is listed


def test_jsonable_copies_only_what_changes() -> None:
    inner = {"keep": [1, 2]}
    data = {"inner": inner, "when": datetime.timedelta(seconds=2)}
    out = jsonable(data)
    assert out == {"inner": {"keep": [1, 2]}, "when": 2.0}
    assert out["inner"] is inner
    assert data["when"] == datetime.timedelta(seconds=2)  # the original is untouched


@dataclasses.dataclass
class Row:
    amount: Decimal
    raw: bytes


class Event(msgspec.Struct):
    at: datetime.datetime
    duration: datetime.timedelta


class Stamp(datetime.datetime):
    pass


def test_jsonable_walks_structs_dataclasses_and_other_containers() -> None:
    at = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    value = {
        "row": Row(Decimal("2.50"), b"\xff"),
        "event": Event(at, datetime.timedelta(minutes=1)),
        "ordered": OrderedDict(d=Decimal("4")),
        "tuple": (datetime.timedelta(seconds=1),),
        "frozen": frozenset({b"z"}),
        "subclass": Stamp(2024, 1, 1, tzinfo=UTC),
        "deque": deque([1, b"q"]),
        "generator": (n * 2 for n in range(3)),
    }
    assert jsonable(value) == {
        "row": {"amount": 2.5, "raw": "\ufffd"},
        "event": {"at": "2024-05-06T07:08:09+00:00", "duration": 60.0},
        "ordered": {"d": 4},
        "tuple": [1.0],
        "frozen": ["z"],
        "subclass": "2024-01-01T00:00:00+00:00",
        "deque": [1, "q"],
        "generator": [0, 2, 4],
    }


def test_jsonable_special_decimals_and_unknown_objects() -> None:
    assert jsonable(Decimal("NaN")) != jsonable(Decimal("NaN"))  # a float NaN (encoded null)
    sentinel = object()
    assert jsonable(sentinel) is sentinel  # left to the encoder, which reports it
