"""Tutorial: JSON Compatible Encoder — jsonable_encoder on the types an app stores."""

import dataclasses
import datetime
import enum
import uuid
from decimal import Decimal
from pathlib import PurePosixPath

import pytest


class Color(enum.Enum):
    red = "red"


@dataclasses.dataclass
class Item:
    title: str
    timestamp: datetime.datetime
    description: str | None = None


CASES = [
    (
        Item("t", datetime.datetime(2024, 1, 2, 3, 4, 5)),
        {"title": "t", "timestamp": "2024-01-02T03:04:05", "description": None},
    ),
    ({"when": datetime.date(2024, 5, 6)}, {"when": "2024-05-06"}),
    (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    (Decimal("2.50"), 2.5),
    (Decimal("3"), 3),
    (Color.red, "red"),
    ({1, 2}, [1, 2]),
    ((1, "a"), [1, "a"]),
    (PurePosixPath("/tmp/x"), "/tmp/x"),
    (datetime.timedelta(minutes=1, microseconds=5), 60.000005),
    (datetime.time(1, 2, 3), "01:02:03"),
    (b"bytes", "bytes"),
    ({"nested": [{"a": None}]}, {"nested": [{"a": None}]}),
    (datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc), "2024-01-02T00:00:00+00:00"),
]


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_jsonable_encoder(fw, value, expected):
    assert fw.encoders.jsonable_encoder(value) == expected


def test_exclude_none_and_include(fw):
    encode = fw.encoders.jsonable_encoder
    item = Item("t", datetime.datetime(2024, 1, 1))
    assert encode(item, exclude_none=True) == {"title": "t", "timestamp": "2024-01-01T00:00:00"}
    assert encode({"a": 1, "b": 2}, include={"a"}) == {"a": 1}
    assert encode({"a": 1, "b": 2}, exclude={"a"}) == {"b": 2}


def test_custom_encoder(fw):
    class Money:
        def __init__(self, cents):
            self.cents = cents

    encode = fw.encoders.jsonable_encoder
    assert encode({"m": Money(150)}, custom_encoder={Money: lambda m: m.cents / 100}) == {"m": 1.5}


def test_used_to_store_in_a_fake_db(fw):
    fake_db = {}
    app = fw.FastAPI()

    @app.put("/items/{id}")
    def update_item(id: str, title: str):
        fake_db[id] = fw.encoders.jsonable_encoder(Item(title, datetime.datetime(2024, 1, 1)))
        return fake_db[id]

    with fw.client(app) as client:
        response = client.put("/items/foo?title=bar")
    assert response.json() == {
        "title": "bar",
        "timestamp": "2024-01-01T00:00:00",
        "description": None,
    }
    assert fake_db["foo"]["timestamp"] == "2024-01-01T00:00:00"
