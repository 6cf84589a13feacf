"""An int parameter's converter: the small-number table and the general path agree."""

import pytest

from fasterapi_core._plan.convert import Invalid, make_converter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("999", 999),
        ("1000", 1000),
        ("007", 7),
        ("-5", -5),
        ("+5", 5),
        (" 42 ", 42),
        ("1_000", 1000),
        ("3.0", 3),
        ("12345678901234567890", 12345678901234567890),
    ],
)
def test_int_converter_accepts(raw: str, expected: int) -> None:
    value = make_converter(int)(raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize("raw", ["", "abc", "3.5", "1e3", "\u00b2", "9" * 4301])
def test_int_converter_refuses(raw: str) -> None:
    with pytest.raises(Invalid):
        make_converter(int)(raw)
