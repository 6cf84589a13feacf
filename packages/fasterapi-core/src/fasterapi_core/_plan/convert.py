"""Precompiled converters from strings (path, query, header, cookie, form values) to Python types.

`make_converter(annotation)` runs once per parameter at registration and returns a plain
function `str -> value` that raises `Invalid` with pydantic v2's error type and message, so
the request path only calls it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any

import msgspec

__all__ = (
    "Invalid",
    "is_class",
    "is_optional",
    "is_typeddict",
    "make_checks",
    "make_converter",
    "parse_int",
    "strip_optional",
    "union_tag",
)

_NoneType = type(None)


class Invalid(Exception):
    """A value failed conversion or a constraint: carries pydantic's `type`, `msg`, `ctx`."""

    def __init__(self, kind: str, msg: str, ctx: dict[str, Any] | None = None) -> None:
        self.kind = kind
        self.msg = msg
        self.ctx = ctx

    # For a union: each member's failure, under the member's name (pydantic's loc tag).
    members: list[tuple[str, Invalid]] | None = None

    def to_dict(self, loc: list[Any], value: Any) -> dict[str, Any]:
        """The FastAPI-shaped error dict for this failure at `loc`."""
        error: dict[str, Any] = {"type": self.kind, "loc": loc, "msg": self.msg, "input": value}
        if self.ctx is not None:
            error["ctx"] = self.ctx
        return error

    def report(self, errors: list[dict[str, Any]], loc: list[Any], value: Any) -> None:
        """Append this failure's error dict(s) at `loc` to `errors` (one per union member)."""
        members = self.members
        if members is None:
            errors.append(self.to_dict(loc, value))
            return
        for tag, member in members:
            member.report(errors, [*loc, tag], value)


_TAGS: dict[Any, str] = {
    int: "int",
    float: "float",
    bool: "bool",
    str: "str",
    bytes: "bytes",
    decimal.Decimal: "decimal",
    uuid.UUID: "uuid",
    dt.datetime: "datetime",
    dt.date: "date",
    dt.time: "time",
    dt.timedelta: "timedelta",
}


def union_tag(tp: Any) -> str | None:
    """pydantic's name for a union member in error locations (`int`, `uuid`, `enum[Color]`,
    `literal['a','b']`, `list[int]`, a model's class name); None when unknown."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    tag = _TAGS.get(tp)
    if tag is not None:
        return tag
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return "literal[" + ",".join(repr(v) for v in typing.get_args(tp)) + "]"
    if is_class(tp):
        return f"enum[{tp.__name__}]" if issubclass(tp, enum.Enum) else tp.__name__
    if isinstance(origin, type):
        tags = [union_tag(arg) for arg in typing.get_args(tp)]
        if all(tags):
            return f"{origin.__name__}[{','.join(typing.cast('list[str]', tags))}]"
    return None


def is_class(tp: Any) -> bool:
    """True for a real class; False for `list[int]` and friends (classes on Python 3.10)."""
    return isinstance(tp, type) and typing.get_origin(tp) is None


def is_typeddict(tp: Any) -> bool:
    """True for a TypedDict class, `typing`'s or `typing_extensions`' (which `typing` does not
    recognise on every Python)."""
    return typing.is_typeddict(tp) or (
        is_class(tp)
        and issubclass(tp, dict)
        and hasattr(tp, "__required_keys__")
        and hasattr(tp, "__total__")
    )


def is_optional(tp: Any) -> bool:
    """True for `X | None` / `Optional[X]`."""
    origin = typing.get_origin(tp)
    return (origin is typing.Union or origin is types.UnionType) and _NoneType in typing.get_args(
        tp
    )


def strip_optional(tp: Any) -> Any:
    """`X` for `X | None`; the type unchanged otherwise (other unions stay unions)."""
    if is_optional(tp):
        args = [a for a in typing.get_args(tp) if a is not _NoneType]
        return args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
    return tp


_INT_CHARS = frozenset("0123456789+-_ \t\n\r\f\v")


# PERF: "0" to "999" (most ids, page sizes and offsets) are one dict lookup
# (benchmarks/bench_core.py path 0.54 -> 0.57, query 0.65 -> 0.68).
_SMALL_INTS = {str(i): i for i in range(1000)}


def _to_int(raw: str) -> int:
    small = _SMALL_INTS.get(raw)
    if small is not None:
        return small
    value = parse_int(raw)
    if value is None:
        raise Invalid("int_parsing", INT_PARSING_MSG)
    return value


INT_PARSING_MSG = "Input should be a valid integer, unable to parse string as an integer"


def parse_int(raw: str) -> int | None:
    """`raw` as an int the way pydantic's lax mode reads one, or None when it is not an int
    (what `_to_int` reports as 'int_parsing')."""
    small = _SMALL_INTS.get(raw)
    if small is not None:
        return small
    # PERF: plain digits convert at once, and text that cannot be an int is refused without
    # raising and catching a ValueError first (benchmarks/bench_core.py::path, ::invalid).
    if raw.isdigit() and raw.isascii() and len(raw) <= 4300:
        return int(raw)
    if not raw.isascii() or not _INT_CHARS.issuperset(raw):
        if "." not in raw:
            return None
    else:
        try:
            return int(raw)
        except ValueError:
            pass
    # pydantic accepts "3.0" for an int (a float string with no fractional part).
    head, dot, tail = raw.partition(".")
    if dot and tail.strip("0") == "":
        # isdigit() accepts digits int() refuses ("²"), and int() refuses 4301+ digits.
        try:
            return int(head)
        except ValueError:
            pass
    return None


def _to_float(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise Invalid(
            "float_parsing", "Input should be a valid number, unable to parse string as a number"
        ) from None


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _to_bool(raw: str) -> bool:
    low = raw.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise Invalid("bool_parsing", "Input should be a valid boolean, unable to interpret input")


def _to_str(raw: str) -> str:
    return raw


def _to_bytes(raw: str) -> bytes:
    return raw.encode()


def _to_decimal(raw: str) -> decimal.Decimal:
    try:
        value = decimal.Decimal(raw.strip())
    except (decimal.InvalidOperation, ValueError):
        raise Invalid("decimal_parsing", "Input should be a valid decimal") from None
    if not value.is_finite():
        raise Invalid("finite_number", "Input should be a finite number")
    return value


_HEX = frozenset("0123456789abcdefABCDEF")
_GROUPS = (8, 4, 4, 4, 12)


def _uuid_error(raw: str) -> str:
    """The reason pydantic gives for an invalid UUID string."""
    text = raw.removeprefix("urn:uuid:")
    for index, char in enumerate(text):
        if char not in _HEX and char != "-":
            return f"invalid character: found `{char}` at {index}"
    if "-" not in text:
        return f"invalid length: found {len(text)}"
    groups = text.split("-")
    if len(groups) != 5:
        return f"invalid group count: expected 5, found {len(groups)}"
    for index, (group, expected) in enumerate(zip(groups, _GROUPS, strict=True)):
        if len(group) != expected:
            return f"invalid group length in group {index}: expected {expected}, found {len(group)}"
    return "invalid format"  # pragma: no cover - uuid.UUID accepts every other shape


def _to_uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        error = _uuid_error(raw)
        raise Invalid(
            "uuid_parsing", f"Input should be a valid UUID, {error}", {"error": error}
        ) from None


def _via_msgspec(tp: Any, kind: str, label: str) -> Callable[[str], Any]:
    convert = msgspec.convert

    def conv(raw: str) -> Any:
        try:
            return convert(raw, tp, strict=False)
        except msgspec.ValidationError as exc:
            error = str(exc).split(" - at ", 1)[0]
            error = error[0].lower() + error[1:] if error else "invalid value"
            raise Invalid(kind, f"{label}, {error}", {"error": error}) from None

    return conv


def _date_error(raw: str, fallback: str) -> str:
    """The reason pydantic (speedate) gives for a bad date, for the common cases."""
    if len(raw) < 10:
        return "input is too short"
    year, month, day = raw[0:4], raw[5:7], raw[8:10]
    if not (year.isascii() and year.isdigit()):
        return "invalid character in year"
    if raw[4] != "-" or raw[7] != "-":
        return "invalid date separator, expected `-`"
    if not (month.isascii() and month.isdigit()):
        return "invalid character in month"
    if not (day.isascii() and day.isdigit()):
        return "invalid character in day"
    if not 1 <= int(month) <= 12:
        return "month value is outside expected range of 1-12"
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return "day value is outside expected range"
    return fallback


def _time_error(raw: str) -> str:
    """The reason pydantic gives for a bad time, for the common cases."""
    hour, _, rest = raw.partition(":")
    if hour.isascii() and hour.isdigit() and len(hour) == 2 and int(hour) > 23:
        return "hour value is outside expected range of 0-23"
    minute = rest[:2]
    if minute.isascii() and minute.isdigit() and len(minute) == 2 and int(minute) > 59:
        return "minute value is outside expected range of 0-59"
    if len(raw) < 5:
        return "input is too short"
    return "invalid time format"


def _to_datetime(raw: str) -> dt.datetime:
    try:
        return msgspec.convert(raw, dt.datetime, strict=False)
    except msgspec.ValidationError:
        pass
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return dt.datetime.fromtimestamp(float(raw), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    error = _date_error(raw, "invalid datetime format")
    raise Invalid(
        "datetime_from_date_parsing",
        f"Input should be a valid datetime or date, {error}",
        {"error": error},
    )


def _to_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        error = _date_error(raw, "invalid date format")
        raise Invalid(
            "date_from_datetime_parsing",
            f"Input should be a valid date or datetime, {error}",
            {"error": error},
        ) from None


def _to_time(raw: str) -> dt.time:
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        error = _time_error(raw)
        raise Invalid(
            "time_parsing", f"Input should be in a valid time format, {error}", {"error": error}
        ) from None


def _to_timedelta(raw: str) -> dt.timedelta:
    try:
        return dt.timedelta(seconds=float(raw))
    except (ValueError, OverflowError):
        pass
    value: dt.timedelta = _timedelta_iso(raw)
    return value


_timedelta_iso = _via_msgspec(
    dt.timedelta, "time_delta_parsing", "Input should be a valid timedelta"
)

_SCALARS: dict[Any, Callable[[str], Any]] = {
    str: _to_str,
    int: _to_int,
    float: _to_float,
    bool: _to_bool,
    bytes: _to_bytes,
    decimal.Decimal: _to_decimal,
    uuid.UUID: _to_uuid,
    dt.datetime: _to_datetime,
    dt.date: _to_date,
    dt.time: _to_time,
    dt.timedelta: _to_timedelta,
}


def _expected(values: list[Any]) -> str:
    reprs = [repr(v) for v in values]
    if len(reprs) <= 1:
        return "".join(reprs)
    return ", ".join(reprs[:-1]) + " or " + reprs[-1]


def _enum_converter(tp: type[enum.Enum]) -> Callable[[str], Any]:
    table: dict[str, Any] = {}
    for member in tp:
        table.setdefault(str(member.value), member)
    expected = _expected([m.value for m in tp])

    def conv(raw: str) -> Any:
        try:
            return table[raw]
        except KeyError:
            raise Invalid("enum", f"Input should be {expected}", {"expected": expected}) from None

    return conv


def _literal_converter(values: tuple[Any, ...]) -> Callable[[str], Any]:
    # pydantic matches a literal exactly: the text "1" is not `Literal[1]`, only string
    # members (and str-valued enum members) can match a string.
    table = {str(v.value) if isinstance(v, enum.Enum) else v: v for v in values}
    table = {k: v for k, v in table.items() if isinstance(k, str)}
    expected = _expected(list(values))

    def conv(raw: str) -> Any:
        try:
            return table[raw]
        except KeyError:
            raise Invalid(
                "literal_error", f"Input should be {expected}", {"expected": expected}
            ) from None

    return conv


def make_converter(tp: Any) -> Callable[[str], Any]:
    """A function converting one raw string to `tp`, raising `Invalid` like pydantic would.

    Args:
        tp: A scalar annotation (`int`, `bool`, `UUID`, an Enum, a Literal, `X | None`, ...).
    """
    tp = strip_optional(tp)
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    conv = _SCALARS.get(tp)
    if conv is not None:
        return conv
    if tp is Any or tp is object:
        return _to_str
    if is_class(tp) and issubclass(tp, enum.Enum):
        return _enum_converter(tp)
    if typing.get_origin(tp) is typing.Literal:
        return _literal_converter(typing.get_args(tp))
    if is_class(tp) and issubclass(tp, str):
        str_type: Callable[[str], Any] = tp
        return str_type
    union = _union_converter(tp)
    if union is not None:
        return union
    # Anything else msgspec knows: let it convert, lax, from the string.
    return _via_msgspec(tp, "value_error", "Value error")


def _union_converter(tp: Any) -> Callable[[str], Any] | None:
    """A union of scalars, as pydantic's smart mode takes a string: `str` if it is a member
    (an exact match), else the first member that converts; when none does, one error per
    member. None when `tp` is no such union."""
    origin = typing.get_origin(tp)
    if origin is not typing.Union and origin is not types.UnionType:
        return None
    members = [m for m in typing.get_args(tp) if m is not _NoneType]
    if str in members:
        return _to_str
    tagged = []
    for member in members:
        tag = union_tag(member)
        inner = (
            typing.get_args(member)[0] if typing.get_origin(member) is typing.Annotated else member
        )
        if tag is None or not (
            inner in _SCALARS
            or typing.get_origin(inner) is typing.Literal
            or (is_class(inner) and issubclass(inner, enum.Enum))
        ):
            return None
        tagged.append((tag, make_converter(member)))
    attempts = tuple(tagged)

    def conv(raw: str) -> Any:
        failures: list[tuple[str, Invalid]] = []
        for tag, convert in attempts:
            try:
                return convert(raw)
            except Invalid as exc:  # noqa: PERF203 - each member is tried in turn
                failures.append((tag, exc))
        error = Invalid(failures[0][1].kind, failures[0][1].msg)
        error.members = failures
        raise error

    return conv


_NUMBER_CHECKS = (
    ("gt", "greater_than", "Input should be greater than {}", lambda v, b: v > b),
    (
        "ge",
        "greater_than_equal",
        "Input should be greater than or equal to {}",
        lambda v, b: v >= b,
    ),
    ("lt", "less_than", "Input should be less than {}", lambda v, b: v < b),
    ("le", "less_than_equal", "Input should be less than or equal to {}", lambda v, b: v <= b),
)


def make_checks(info: Any, *, is_list: bool = False) -> Callable[[Any], None] | None:
    """A function checking a converted value against `info`'s constraints, or None if none.

    Args:
        info: A `ParamInfo` (reads gt/ge/lt/le/multiple_of/min_length/max_length/pattern).
        is_list: Lengths apply to the list (`too_short`/`too_long`), not to its items.
    """
    if info is None:
        return None
    checks: list[Callable[[Any], None]] = []
    # pydantic checks multiple_of before the bounds: the first failure is the one reported.
    multiple = getattr(info, "multiple_of", None)
    if multiple is not None and not is_list:
        msg = f"Input should be a multiple of {multiple}"

        def check_multiple(value: Any, m: Any = multiple, msg: str = msg) -> None:
            if value % m != 0:
                raise Invalid("multiple_of", msg, {"multiple_of": m})

        checks.append(check_multiple)
    for attr, kind, template, test in _NUMBER_CHECKS:
        bound = getattr(info, attr, None)
        if bound is not None and not is_list:
            checks.append(_number_check(bound, attr, kind, template.format(bound), test))
    min_length = getattr(info, "min_length", None)
    max_length = getattr(info, "max_length", None)
    if min_length is not None:
        checks.append(_min_length(min_length, is_list))
    if max_length is not None:
        checks.append(_max_length(max_length, is_list))
    pattern = getattr(info, "pattern", None)
    if pattern is not None and not is_list:
        search = re.compile(pattern).search
        msg = f"String should match pattern '{pattern}'"

        def check_pattern(value: Any) -> None:
            if isinstance(value, str) and search(value) is None:
                raise Invalid("string_pattern_mismatch", msg, {"pattern": pattern})

        checks.append(check_pattern)
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    run = tuple(checks)

    def check_all(value: Any) -> None:
        for check in run:
            check(value)

    return check_all


def _number_check(
    bound: Any, attr: str, kind: str, msg: str, test: Callable[[Any, Any], bool]
) -> Callable[[Any], None]:
    ctx = {attr: bound}

    def check(value: Any) -> None:
        if value is not None and not test(value, bound):
            raise Invalid(kind, msg, ctx)

    return check


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _min_length(n: int, is_list: bool) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value is None:
            return
        size = len(value)
        if size < n:
            if is_list or not isinstance(value, str):
                raise Invalid(
                    "too_short",
                    f"List should have at least {_plural(n, 'item')} after validation, not {size}",
                    {"field_type": "List", "min_length": n, "actual_length": size},
                )
            raise Invalid(
                "string_too_short",
                f"String should have at least {_plural(n, 'character')}",
                {"min_length": n},
            )

    return check


def _max_length(n: int, is_list: bool) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value is None:
            return
        size = len(value)
        if size > n:
            if is_list or not isinstance(value, str):
                raise Invalid(
                    "too_long",
                    f"List should have at most {_plural(n, 'item')} after validation, not {size}",
                    {"field_type": "List", "max_length": n, "actual_length": size},
                )
            raise Invalid(
                "string_too_long",
                f"String should have at most {_plural(n, 'character')}",
                {"max_length": n},
            )

    return check
