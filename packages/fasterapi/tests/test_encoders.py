"""`FasterAPI.encoders.jsonable_encoder`, FastAPI's keywords on msgspec-era values."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import ipaddress
import json
import re
import uuid
from collections import deque
from pathlib import PurePosixPath
from typing import Any

import msgspec
import pytest

from FasterAPI.encoders import jsonable_encoder


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Tag(msgspec.Struct):
    label: str
    weight: int = 1


class Item(msgspec.Struct, rename="camel"):
    item_name: str
    tags: list[Tag] = msgspec.field(default_factory=list)
    note: str | None = None
    secret: str | msgspec.UnsetType = msgspec.UNSET


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0
    label: str | None = None


class Plain:
    def __init__(self) -> None:
        self.a = 1
        self.when = datetime.date(2026, 1, 2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (3, 3),
        (1.5, 1.5),
        ("s", "s"),
        (Color.RED, "red"),
        (Level.HIGH, 3),
        (
            datetime.datetime(2026, 11, 24, 5, 0, tzinfo=datetime.timezone.utc),
            "2026-11-24T05:00:00+00:00",
        ),
        (datetime.date(2026, 11, 24), "2026-11-24"),
        (datetime.time(5, 6, 7), "05:06:07"),
        (datetime.timedelta(minutes=1, seconds=30), 90.0),
        (decimal.Decimal("10"), 10),
        (decimal.Decimal("1.25"), 1.25),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (b"bytes", "bytes"),
        ({1, 2}, [1, 2]),
        (frozenset({"a"}), ["a"]),
        ((1, "a"), [1, "a"]),
        (deque([1]), [1]),
        ((i for i in range(2)), [0, 1]),
        (PurePosixPath("/tmp/x"), "/tmp/x"),
        (ipaddress.ip_address("10.0.0.1"), "10.0.0.1"),
        (ipaddress.ip_network("10.0.0.0/8"), "10.0.0.0/8"),
        (re.compile(r"^a+$"), "^a+$"),
        ({"k": Color.RED, 1: [Tag("t")]}, {"k": "red", 1: [{"label": "t", "weight": 1}]}),
        (Plain(), {"a": 1, "when": "2026-01-02"}),
    ],
)
def test_values(value: Any, expected: Any) -> None:
    result = jsonable_encoder(value)
    assert result == expected
    json.dumps(result)


def test_struct_uses_renamed_fields_and_drops_unset() -> None:
    item = Item(item_name="pen", tags=[Tag("a", 2)])
    assert jsonable_encoder(item) == {
        "itemName": "pen",
        "tags": [{"label": "a", "weight": 2}],
        "note": None,
    }
    assert jsonable_encoder(item, by_alias=False)["item_name"] == "pen"
    assert jsonable_encoder(item, exclude_none=True) == {
        "itemName": "pen",
        "tags": [{"label": "a", "weight": 2}],
    }
    assert jsonable_encoder(Item(item_name="pen"), exclude_defaults=True) == {"itemName": "pen"}
    assert jsonable_encoder(item, include={"itemName"}) == {"itemName": "pen"}
    assert jsonable_encoder(item, exclude={"tags", "note"}) == {"itemName": "pen"}


def test_dataclass_options() -> None:
    point = Point(1)
    assert jsonable_encoder(point) == {"x": 1, "y": 0, "label": None}
    assert jsonable_encoder(point, exclude_none=True) == {"x": 1, "y": 0}
    assert jsonable_encoder(point, exclude_defaults=True) == {"x": 1}
    assert jsonable_encoder(point, include={"x", "y"}, exclude={"y"}) == {"x": 1}


def test_dict_options() -> None:
    data = {"a": 1, "b": None, "_sa_state": object()}
    assert jsonable_encoder(data) == {"a": 1, "b": None}
    assert jsonable_encoder(data, exclude_none=True) == {"a": 1}
    assert "_sa_state" in jsonable_encoder({"_sa_state": 1}, sqlalchemy_safe=False)


def test_custom_encoder_first_then_subclasses() -> None:
    class Money(decimal.Decimal):
        pass

    encoders = {decimal.Decimal: lambda d: f"{d:.2f}"}
    assert jsonable_encoder({"p": decimal.Decimal("1.5")}, custom_encoder=encoders) == {"p": "1.50"}
    assert jsonable_encoder(Money("2"), custom_encoder=encoders) == "2.00"


def test_unconvertible_value_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="cannot convert a object"):
        jsonable_encoder(object())


def test_pydantic_model_when_installed() -> None:
    pydantic = pytest.importorskip("pydantic")

    class User(pydantic.BaseModel):  # type: ignore[name-defined,misc]
        user_id: int = pydantic.Field(alias="userId")
        nick: str | None = None

    user = User(userId=1)
    assert jsonable_encoder(user) == {"userId": 1, "nick": None}
    assert jsonable_encoder(user, by_alias=False, exclude_none=True) == {"user_id": 1}
