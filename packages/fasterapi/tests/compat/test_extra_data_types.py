"""Tutorial: Extra Data Types — UUID, datetime, date, time, timedelta, Decimal, bytes, sets."""

import datetime
import uuid
from decimal import Decimal
from typing import Annotated

import pytest


def build(fw):
    app = fw.FastAPI()

    @app.put("/items/{item_id}")
    def read_items(
        item_id: uuid.UUID,
        start_datetime: Annotated[datetime.datetime, fw.Body()],
        end_datetime: Annotated[datetime.datetime, fw.Body()],
        process_after: Annotated[datetime.timedelta, fw.Body()],
        repeat_at: Annotated[datetime.time | None, fw.Body()] = None,
    ):
        start_process = start_datetime + process_after
        duration = end_datetime - start_process
        return {
            "item_id": item_id,
            "start_datetime": start_datetime,
            "end_datetime": end_datetime,
            "process_after": process_after,
            "repeat_at": repeat_at,
            "start_process": start_process,
            "duration": duration,
        }

    @app.get("/values/")
    def values():
        return {
            "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "date": datetime.date(2024, 2, 29),
            "time": datetime.time(13, 5, 7),
            "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5),
            "aware": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
            "decimal": Decimal("1.10"),
            "set": {3},
            "frozenset": frozenset({1}),
            "tuple": (1, "a"),
            "bytes": b"hi",
            "timedelta": datetime.timedelta(days=1, seconds=1, microseconds=500000),
        }

    @app.get("/query/")
    def query(
        day: datetime.date,
        ident: uuid.UUID,
        amount: Decimal,
    ):
        return {
            "day": day,
            "ident": ident,
            "amount": str(amount),
            "next": day + datetime.timedelta(1),
        }

    return app


def test_body_types_roundtrip(fw):
    item_id = "8f14e45f-ceea-467f-a0e6-c7c2e4d6b7f4"
    payload = {
        "start_datetime": "2024-01-01T10:00:00",
        "end_datetime": "2024-01-02T12:30:00",
        "process_after": 3600,
        "repeat_at": "09:15:00",
    }
    with fw.client(build(fw)) as client:
        response = client.put(f"/items/{item_id}", json=payload)
    assert response.status_code == 200
    assert response.json() == {
        "item_id": item_id,
        "start_datetime": "2024-01-01T10:00:00",
        "end_datetime": "2024-01-02T12:30:00",
        "process_after": 3600.0,
        "repeat_at": "09:15:00",
        "start_process": "2024-01-01T11:00:00",
        "duration": 91800.0,
    }


def test_invalid_uuid(fw):
    with fw.client(build(fw)) as client:
        response = client.put("/items/not-a-uuid", json={})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0] == {
        "type": "uuid_parsing",
        "loc": ["path", "item_id"],
        "msg": "Input should be a valid UUID, invalid character: found `n` at 0",
        "input": "not-a-uuid",
        "ctx": {"error": "invalid character: found `n` at 0"},
    }
    assert detail[0]["loc"] == ["path", "item_id"]
    assert [e["loc"] for e in detail[1:]] == [
        ["body", "start_datetime"],
        ["body", "end_datetime"],
        ["body", "process_after"],
    ]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("uuid", "12345678-1234-5678-1234-567812345678"),
        ("date", "2024-02-29"),
        ("time", "13:05:07"),
        ("datetime", "2024-01-02T03:04:05"),
        ("aware", "2024-01-02T03:04:05+00:00"),
        ("decimal", 1.1),
        ("set", [3]),
        ("frozenset", [1]),
        ("tuple", [1, "a"]),
        ("bytes", "hi"),
        ("timedelta", 86401.5),
    ],
)
def test_encoded_values(fw, key, value):
    with fw.client(build(fw)) as client:
        response = client.get("/values/")
    assert response.json()[key] == value


def test_query_types(fw):
    with fw.client(build(fw)) as client:
        response = client.get(
            "/query/?day=2024-02-28&ident=12345678123456781234567812345678&amount=3.50"
        )
    assert response.json() == {
        "day": "2024-02-28",
        "ident": "12345678-1234-5678-1234-567812345678",
        "amount": "3.50",
        "next": "2024-02-29",
    }


def test_openapi_formats(fw):
    with fw.client(build(fw)) as client:
        schema = client.get("/openapi.json").json()
    params = schema["paths"]["/query/"]["get"]["parameters"]
    assert [p["schema"] for p in params] == [
        {"type": "string", "format": "date", "title": "Day"},
        {"type": "string", "format": "uuid", "title": "Ident"},
        {"anyOf": [{"type": "number"}, {"type": "string"}], "title": "Amount"},
    ]


def test_openapi_body_datetime_formats(fw):
    schemas = build(fw).openapi()["components"]["schemas"]
    body = schemas["Body_read_items_items__item_id__put"]["properties"]
    assert body["start_datetime"] == {
        "type": "string",
        "format": "date-time",
        "title": "Start Datetime",
    }
    assert body["repeat_at"] == {
        "anyOf": [{"type": "string", "format": "time"}, {"type": "null"}],
        "title": "Repeat At",
    }
    assert body["process_after"] == {
        "type": "string",
        "format": "duration",
        "title": "Process After",
    }


def test_impossible_date_message(fw):
    app = fw.FastAPI()

    @app.get("/d/{d}")
    def read(d: datetime.date):
        return d

    with fw.client(app) as client:
        response = client.get("/d/2024-02-30")
    assert response.json() == {
        "detail": [
            {
                "type": "date_from_datetime_parsing",
                "loc": ["path", "d"],
                "msg": "Input should be a valid date or datetime, day value is outside expected range",
                "input": "2024-02-30",
                "ctx": {"error": "day value is outside expected range"},
            }
        ]
    }


def test_openapi_datetime_query_format(fw):
    app = fw.FastAPI()

    @app.get("/w")
    def read(when: datetime.datetime | None = None):
        return when

    param = app.openapi()["paths"]["/w"]["get"]["parameters"][0]
    assert param["schema"] == {
        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
        "title": "When",
    }
