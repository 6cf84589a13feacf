"""Turn msgspec's decode and validation errors into FastAPI's (pydantic v2's) error dicts.

This is the slow path: it runs only when a request is invalid, so it may re-parse the body
to find the offending input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import re
import types
import typing
import uuid
from collections.abc import Container, Mapping
from typing import Any

import msgspec

from fasterapi_core._plan.convert import (
    Invalid,
    is_class,
    is_optional,
    is_typeddict,
    make_converter,
    strip_optional,
    union_tag,
)

__all__ = ("json_invalid", "union_errors", "validation_errors")

_PATH_TOKEN = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\[(\.\.\.)\]")
_ANY_KEY: Any = object()
_BOUND = re.compile(r"^Expected `([^`]+)` (>=|>|<=|<) (\S+)$")
_LENGTH = re.compile(r"^Expected `([^`]+)` of length (>=|<=) (\d+)$")
_PATTERN = re.compile(r"^Expected `str` matching regex '(.*)'$")
_MULTIPLE = re.compile(r"^Expected `([^`]+)` that's a multiple of (\S+)$")
_TYPE = re.compile(r"^Expected `([^`]+)`, got `([^`]+)`$")
_MISSING = re.compile(r"^Object missing required field `(.*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(.*)`$")

_MISSING_VALUE: Any = object()

# Types whose text msgspec refuses with a vague reason: re-parsed to get pydantic's exact one.
_REPARSED = frozenset({dt.date, dt.datetime, dt.time, dt.timedelta, uuid.UUID, decimal.Decimal})

# The containers msgspec calls `array`: pydantic names the one expected.
_NOT_A_LIST: dict[Any, tuple[str, str]] = {
    set: ("set", "set_type"),
    frozenset: ("frozenset", "frozen_set_type"),
    tuple: ("tuple", "tuple_type"),
}

_BOUND_KIND = {
    ">": ("greater_than", "gt", "Input should be greater than {}"),
    ">=": ("greater_than_equal", "ge", "Input should be greater than or equal to {}"),
    "<": ("less_than", "lt", "Input should be less than {}"),
    "<=": ("less_than_equal", "le", "Input should be less than or equal to {}"),
}


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _split(message: str) -> tuple[str, list[Any]]:
    text, sep, path = message.rpartition(" - at `")
    if not sep:
        return message, []
    loc: list[Any] = []
    for key, index, quoted, ellipsis in _PATH_TOKEN.findall(path.rstrip("`").removeprefix("$")):
        if ellipsis:
            loc.append(_ANY_KEY)  # a dict value: msgspec does not say which key
        elif index:
            loc.append(int(index))
        elif quoted:
            loc.append(quoted.replace("\\'", "'"))
        else:
            loc.append(key)
    return text, loc


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "array"
    return "object"


def _fill_keys(data: Any, loc: list[Any], got: str | None) -> list[Any]:
    """Replace the unknown dict keys of `loc` by the first key leading to a value of kind `got`."""
    if _ANY_KEY not in loc:
        return loc
    for i, part in enumerate(loc):
        if part is _ANY_KEY:
            node = _walk(data, loc[:i])
            if not isinstance(node, dict) or not node:
                return [p for p in loc if p is not _ANY_KEY]
            for key in node:
                candidate = _fill_keys(data, [*loc[:i], key, *loc[i + 1 :]], got)
                if got is None or _json_kind(_walk(data, candidate)) == got:
                    return candidate
            first = next(iter(node))
            return _fill_keys(data, [*loc[:i], first, *loc[i + 1 :]], None)
    return loc


def _walk(data: Any, loc: list[Any]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):  # noqa: PERF203 - error path only
            return None
    return data


def _type_error(expected: str, got: str) -> tuple[str, str]:
    expected = expected.replace(" | null", "").replace("null | ", "")
    if expected == "int":
        if got == "str":
            return (
                "int_parsing",
                "Input should be a valid integer, unable to parse string as an integer",
            )
        if got == "float":
            return (
                "int_from_float",
                "Input should be a valid integer, got a number with a fractional part",
            )
        return "int_type", "Input should be a valid integer"
    if expected == "float":
        if got == "str":
            return (
                "float_parsing",
                "Input should be a valid number, unable to parse string as a number",
            )
        return "float_type", "Input should be a valid number"
    if expected == "str":
        return "string_type", "Input should be a valid string"
    if expected == "bool":
        if got in ("str", "int", "float"):  # numbers other than 0 and 1 too
            return "bool_parsing", "Input should be a valid boolean, unable to interpret input"
        return "bool_type", "Input should be a valid boolean"
    if expected == "object":
        return (
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        )
    if expected == "array":
        return "list_type", "Input should be a valid list"
    if expected == "null":
        return "none_required", "Input should be None"
    if expected == "decimal":
        return "decimal_type", "Decimal input should be an integer, float, string or Decimal object"
    if expected in ("datetime", "date", "time", "uuid", "duration"):
        return f"{expected}_type", f"Input should be a valid {expected}"
    return "value_error", f"Input should be a valid {expected}"


def _convert_one(message: str, prefix: list[Any], data: Any) -> dict[str, Any]:
    text, loc = _split(message)
    if _ANY_KEY in loc:
        got = _TYPE.match(text)
        loc = (
            _fill_keys(data, loc, got.group(2) if got else None)
            if data is not _MISSING_VALUE
            else [p for p in loc if p is not _ANY_KEY]
        )
    value = _walk(data, loc) if data is not _MISSING_VALUE else None
    ctx: dict[str, Any] | None = None
    if m := _MISSING.match(text):
        return {
            "type": "missing",
            "loc": [*prefix, *loc, m.group(1)],
            "msg": "Field required",
            "input": value,
        }
    if m := _UNKNOWN.match(text):
        field = m.group(1)
        extra = value.get(field) if isinstance(value, dict) else None
        return {
            "type": "extra_forbidden",
            "loc": [*prefix, *loc, field],
            "msg": "Extra inputs are not permitted",
            "input": extra,
        }
    if m := _TYPE.match(text):
        kind, msg = _type_error(m.group(1), m.group(2))
    elif m := _BOUND.match(text):
        kind, key, template = _BOUND_KIND[m.group(2)]
        bound = _number(m.group(3))
        msg = template.format(bound)
        ctx = {key: bound}
    elif m := _LENGTH.match(text):
        n = int(m.group(3))
        shortest = m.group(2) == ">="
        if m.group(1) == "str":
            word = "character" if n == 1 else "characters"
            kind = "string_too_short" if shortest else "string_too_long"
            msg = f"String should have {'at least' if shortest else 'at most'} {n} {word}"
            ctx = {"min_length" if shortest else "max_length": n}
        else:
            word = "item" if n == 1 else "items"
            size = len(value) if isinstance(value, (list, str, dict)) else 0
            kind = "too_short" if shortest else "too_long"
            msg = f"List should have {'at least' if shortest else 'at most'} {n} {word} after validation, not {size}"
            ctx = {
                "field_type": "List",
                "min_length" if shortest else "max_length": n,
                "actual_length": size,
            }
    elif m := _PATTERN.match(text):
        kind, msg, ctx = (
            "string_pattern_mismatch",
            f"String should match pattern '{m.group(1)}'",
            {"pattern": m.group(1)},
        )
    elif m := _MULTIPLE.match(text):
        bound = _number(m.group(2))
        kind, msg, ctx = (
            "multiple_of",
            f"Input should be a multiple of {bound}",
            {"multiple_of": bound},
        )
    elif text.startswith("Invalid enum value"):
        kind, msg = "enum", "Input should be a valid enumeration member"
    elif text.startswith("Invalid value"):
        kind, msg = "literal_error", "Input should be one of the allowed values"
    elif text.startswith("Invalid UUID"):
        kind, msg, ctx = (
            "uuid_parsing",
            "Input should be a valid UUID, invalid character",
            {"error": "invalid character"},
        )
    elif "datetime" in text:
        kind, msg, ctx = (
            "datetime_from_date_parsing",
            "Input should be a valid datetime or date, invalid format",
            {"error": "invalid format"},
        )
    elif "date" in text:
        kind, msg, ctx = (
            "date_from_datetime_parsing",
            "Input should be a valid date or datetime, invalid format",
            {"error": "invalid format"},
        )
    elif "time" in text:
        kind, msg, ctx = (
            "time_parsing",
            "Input should be in a valid time format, invalid format",
            {"error": "invalid format"},
        )
    elif "duration" in text:
        kind, msg, ctx = (
            "time_delta_parsing",
            "Input should be a valid timedelta, invalid format",
            {"error": "invalid format"},
        )
    elif "decimal" in text.lower():
        kind, msg = "decimal_parsing", "Input should be a valid decimal"
    else:
        kind, msg, ctx = "value_error", f"Value error, {text}", {"error": text}
    error: dict[str, Any] = {"type": kind, "loc": [*prefix, *loc], "msg": msg, "input": value}
    if ctx is not None:
        error["ctx"] = ctx
    return error


def validation_errors(
    exc: msgspec.ValidationError,
    prefix: list[Any],
    data: Any = _MISSING_VALUE,
    tp: Any = None,
) -> list[dict[str, Any]]:
    """FastAPI error dicts for a msgspec `ValidationError`.

    Args:
        exc: The error msgspec raised (msgspec stops at the first problem: one dict).
        prefix: The location of the validated value, e.g. `["body"]` or `["body", "item"]`.
        data: The decoded input, to report the offending value as `input`.
        tp: The type `data` was validated against, when known: a union failing as a whole
            gets one error per member, as pydantic reports it.
    """
    if tp is not None and data is not _MISSING_VALUE and " - at `" not in str(exc):
        per_member = union_errors(tp, data, prefix)
        if per_member:
            return per_member
    if tp is not None and data is not _MISSING_VALUE:
        try:
            inner = _inner_errors(tp, data, prefix)
        except RecursionError:  # a self-referencing type on very deep input: msgspec's one error
            inner = []
        if inner:
            return inner
    error = _convert_one(str(exc), prefix, data)
    if tp is None or data is _MISSING_VALUE:
        return [error]
    return _refine(error, tp, len(prefix))


def _every_error(tp: Any, data: Any, prefix: list[Any]) -> list[dict[str, Any]]:
    """Every error of `data` against `tp` (empty when it converts), in pydantic's order."""
    try:
        msgspec.convert(data, tp, strict=False)
    except msgspec.ValidationError as exc:
        return validation_errors(exc, prefix, data, tp)
    except TypeError:  # pragma: no cover - a type msgspec cannot convert alone
        return []
    return []


def _inner_errors(tp: Any, data: Any, prefix: list[Any]) -> list[dict[str, Any]]:
    """The errors inside a model or container `data` failed as a whole: one per bad field,
    item or dict entry, walked down to the leaves (msgspec stops at the first, pydantic goes
    on). Empty when `tp` is no model/container, `data` has not its shape, or no part fails
    on its own (a constraint on the whole, an error msgspec alone can name)."""
    plain = _plain(tp)
    origin = typing.get_origin(plain)
    args = typing.get_args(plain)
    errors: list[dict[str, Any]] = []
    if origin is typing.Union or origin is types.UnionType:
        # Every member failed: each one's errors under its tag (`Cat`, `int`), as pydantic.
        for member in args:
            tag = union_tag(member)
            if tag is None:
                return []
            found = _every_error(member, data, [*prefix, tag])
            if not found:
                return []
            errors.extend(found)
        return errors
    if origin is None:
        fields = _model_fields(plain)
        if fields is None or not isinstance(data, dict):
            return []
        return _fields_errors(plain, fields, data, prefix)
    if not isinstance(data, (list, dict)) or not args:
        return []
    if isinstance(data, list):
        if origin in (list, set, frozenset) or (
            origin is tuple and len(args) == 2 and args[1] is Ellipsis
        ):
            for index, item in enumerate(data):
                errors.extend(_every_error(args[0], item, [*prefix, index]))
        elif origin is tuple and len(data) > len(args):
            errors.append(
                {
                    "type": "too_long",
                    "loc": prefix,
                    "msg": f"Tuple should have at most {len(args)} items after validation,"
                    f" not {len(data)}",
                    "input": data,
                    "ctx": {
                        "field_type": "Tuple",
                        "max_length": len(args),
                        "actual_length": len(data),
                    },
                }
            )
        elif origin is tuple:
            for index, item_tp in enumerate(args):
                if index < len(data):
                    errors.extend(_every_error(item_tp, data[index], [*prefix, index]))
                else:
                    errors.append(
                        {
                            "type": "missing",
                            "loc": [*prefix, index],
                            "msg": "Field required",
                            "input": data,
                        }
                    )
        return errors
    if origin is dict and len(args) == 2:
        for key, value in data.items():
            errors.extend(_every_error(args[0], key, [*prefix, key, "[key]"]))
            errors.extend(_every_error(args[1], value, [*prefix, key]))
    return errors


def _type_at(tp: Any, loc: list[Any]) -> Any:
    """The declared type of the value at `loc` inside a value of type `tp`; None if unknown."""
    for part in loc:
        tp = _plain(tp)
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if isinstance(part, int) and origin in (list, set, frozenset) and args:
            tp = args[0]
        elif isinstance(part, int) and origin is tuple and args:
            if len(args) == 2 and args[1] is Ellipsis:
                tp = args[0]
            elif part < len(args):
                tp = args[part]
            else:
                return None
        elif isinstance(part, str) and origin is dict and len(args) == 2:
            tp = args[1]
        elif isinstance(part, str) and origin is None:
            fields = _model_fields(tp)
            found = [ftp for name, ftp, _ in fields or () if name == part]
            if not found:
                return None
            tp = found[0]
        else:
            return None
    return tp


def _plain(tp: Any) -> Any:
    """`tp` without `Annotated[...]` and without a `| None`."""
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif is_optional(tp):
            tp = strip_optional(tp)
        else:
            return tp


def _refine(error: dict[str, Any], tp: Any, depth: int) -> list[dict[str, Any]]:
    """Make a msgspec-derived error as precise as pydantic's, knowing the declared type at its
    location: the allowed literal/enum values, the dataclass or dict expected, the exact reason
    a string did not parse, one error per member of a union."""
    declared = _type_at(tp, error["loc"][depth:])
    if declared is None:
        return [error]
    value = error["input"]
    plain = _plain(declared)
    kind = error["type"]
    origin = typing.get_origin(plain)
    if (origin is typing.Union or origin is types.UnionType) and kind != "missing":
        per_member = union_errors(plain, value, error["loc"])
        return per_member or [error]
    if kind == "list_type" and origin in _NOT_A_LIST:
        word, kind = _NOT_A_LIST[origin]
        return [{**error, "type": kind, "msg": f"Input should be a valid {word}"}]
    if kind in ("enum", "literal_error") and isinstance(value, (str, int, float)):
        try:
            make_converter(plain)(str(value) if not isinstance(value, str) else value)
        except Invalid as exc:
            return [exc.to_dict(error["loc"], value)]
        return [error]
    if kind == "model_attributes_type":
        if is_class(plain) and dataclasses.is_dataclass(plain):
            name = typing.cast("type", plain).__name__
            return [
                {
                    "type": "dataclass_type",
                    "loc": error["loc"],
                    "msg": f"Input should be a dictionary or an instance of {name}",
                    "input": value,
                    "ctx": {"class_name": name},
                }
            ]
        if origin is dict or (is_class(plain) and is_typeddict(plain)):
            return [
                {
                    "type": "dict_type",
                    "loc": error["loc"],
                    "msg": "Input should be a valid dictionary",
                    "input": value,
                }
            ]
        return [error]
    if isinstance(value, str) and plain in _REPARSED:
        try:
            make_converter(plain)(value)
        except Invalid as exc:
            return [exc.to_dict(error["loc"], value)]
    return [error]


def union_errors(tp: Any, data: Any, prefix: list[Any]) -> list[dict[str, Any]]:
    """One error per member of the union `tp` that `data` failed, located under the member's
    name (`[..., "int"]`, `[..., "str"]`) as pydantic does; empty when `tp` is no union or a
    member cannot be checked on its own."""
    origin = typing.get_origin(tp)
    if origin is not typing.Union and origin is not types.UnionType:
        return []
    members = [arg for arg in typing.get_args(tp) if arg is not type(None)]
    if len(members) < 2:
        return []  # `X | None`: pydantic reports X's error without a member name
    errors: list[dict[str, Any]] = []
    for member in members:
        tag = union_tag(member)
        if tag is None:
            return []
        try:
            msgspec.convert(data, member, strict=False)
        except msgspec.ValidationError as exc:
            found = _convert_one(str(exc), [*prefix, tag], data)
            errors.extend(_refine(found, member, len(prefix) + 1))
        except TypeError:  # pragma: no cover - such a union has no msgspec decoder either
            return []
        else:
            return []  # a member accepts the value: msgspec's error was about something else
    return errors


def _model_fields(model: Any) -> list[tuple[str, Any, bool]] | None:
    """`(wire name, type, required)` of each field of a Struct, dataclass or TypedDict."""

    if isinstance(model, type) and issubclass(model, msgspec.Struct):
        return [(f.encode_name, f.type, f.required) for f in msgspec.structs.fields(model)]
    if isinstance(model, type) and dataclasses.is_dataclass(model):
        hints = typing.get_type_hints(model)
        return [
            (
                f.name,
                hints.get(f.name, Any),
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            )
            for f in dataclasses.fields(model)
        ]
    if isinstance(model, type) and is_typeddict(model):
        hints = typing.get_type_hints(model)
        required = getattr(model, "__required_keys__", frozenset(hints))
        return [(key, tp, key in required) for key, tp in hints.items()]
    return None


def all_field_errors(model: Any, data: Any, prefix: list[Any]) -> list[dict[str, Any]]:
    """Every field error of `data` against a flat model, in field order (pydantic reports them
    all; msgspec stops at the first). Empty when `data` is not an object or all fields pass."""
    fields = _model_fields(model)
    if fields is None or not isinstance(data, dict):
        return []
    try:
        return _fields_errors(model, fields, data, prefix)
    except RecursionError:  # a self-referencing type on very deep input: msgspec's one error
        return []


def _fields_errors(
    model: Any, fields: list[tuple[str, Any, bool]], data: dict[str, Any], prefix: list[Any]
) -> list[dict[str, Any]]:
    """Each field's errors (missing, or every error inside its value) in field order, then
    the unknown keys of a Struct that forbids them."""
    errors: list[dict[str, Any]] = []
    for name, tp, required in fields:
        if name not in data:
            if required:
                errors.append(
                    {
                        "type": "missing",
                        "loc": [*prefix, name],
                        "msg": "Field required",
                        "input": data,
                    }
                )
            continue
        try:
            msgspec.convert(data[name], tp, strict=False)
        except msgspec.ValidationError as exc:
            errors.extend(validation_errors(exc, [*prefix, name], data[name], tp))
        except TypeError:  # pragma: no cover - a field type msgspec cannot convert alone
            return []
    config = getattr(model, "__struct_config__", None)
    if config is not None and config.forbid_unknown_fields:
        known = {name for name, _, _ in fields}
        known.add(config.tag_field)
        errors.extend(extra_forbidden_errors(prefix, data, known))
    return errors


def extra_forbidden_errors(
    prefix: list[Any], data: Mapping[str, Any], known: Container[str]
) -> list[dict[str, Any]]:
    """pydantic's `extra_forbidden` error for each key of `data` not in `known`."""
    return [
        {
            "type": "extra_forbidden",
            "loc": [*prefix, key],
            "msg": "Extra inputs are not permitted",
            "input": value,
        }
        for key, value in data.items()
        if key not in known
    ]


def object_type_error(model: Any, data: Any, prefix: list[Any]) -> dict[str, Any] | None:
    """pydantic's `dataclass_type` error for a dataclass body given something else than an object."""

    if isinstance(model, type) and dataclasses.is_dataclass(model) and not isinstance(data, dict):
        name = model.__name__
        return {
            "type": "dataclass_type",
            "loc": prefix,
            "msg": f"Input should be a dictionary or an instance of {name}",
            "input": data,
            "ctx": {"class_name": name},
        }
    return None


def pydantic_errors(exc: Exception, prefix: list[Any]) -> list[dict[str, Any]] | None:
    """FastAPI's error dicts for a pydantic `ValidationError`, each at `prefix` + its own loc
    (`ctx` values that are not plain JSON scalars as text). None when `exc` is anything else."""
    errors = getattr(exc, "errors", None)
    if type(exc).__name__ != "ValidationError" or errors is None:
        return None
    out = []
    for err in errors(include_url=False):
        item = {
            "type": err["type"],
            "loc": [*prefix, *err["loc"]],
            "msg": err["msg"],
            "input": err.get("input"),
        }
        if "ctx" in err:
            item["ctx"] = {
                k: (v if isinstance(v, (str, int, float, bool)) or v is None else str(v))
                for k, v in err["ctx"].items()
            }
        out.append(item)
    return out


def pydantic_response_errors(exc: Exception) -> list[dict[str, Any]] | None:
    """A pydantic error's dicts for a returned value, each loc under "response" (as FastAPI's
    `ResponseValidationError`). None when `exc` has no pydantic `errors()`."""
    errors = getattr(exc, "errors", None)
    if errors is None:
        return None
    return [{**e, "loc": ["response", *e["loc"]]} for e in errors(include_url=False)]


_BYTE_POS = re.compile(r"\(byte (\d+)\)")


def json_invalid(body: bytes, exc: Exception) -> dict[str, Any]:
    """FastAPI's `json_invalid` error for an undecodable body (position and stdlib message)."""
    try:
        json.loads(body)
    except json.JSONDecodeError as std:
        return {
            "type": "json_invalid",
            "loc": ["body", std.pos],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": std.msg},
        }
    except (RecursionError, UnicodeDecodeError, ValueError):
        pass
    if isinstance(exc, UnicodeDecodeError):
        error = "Invalid UTF-8 in JSON"
        return {
            "type": "json_invalid",
            "loc": ["body", exc.start],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": error},
        }
    if isinstance(exc, RecursionError):
        error = "JSON is nested too deeply"
        return {
            "type": "json_invalid",
            "loc": ["body", 0],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": error},
        }
    m = _BYTE_POS.search(str(exc))
    pos = int(m.group(1)) if m else len(body)
    return {
        "type": "json_invalid",
        "loc": ["body", pos],
        "msg": "JSON decode error",
        "input": {},
        "ctx": {"error": str(exc)},
    }
