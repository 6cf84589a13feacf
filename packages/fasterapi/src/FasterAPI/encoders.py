"""`jsonable_encoder`: turn any value a handler might hold into JSON-compatible data.

FastAPI's `fastapi.encoders.jsonable_encoder`, with the same keywords. Besides what
FastAPI handles (pydantic models when pydantic is installed, dataclasses, enums, dates,
UUIDs, decimals, sets, paths, generators) it understands msgspec `Struct`s, honouring
their field renames as aliases.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import ipaddress
import re
import types
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePath
from typing import Any

import msgspec

__all__ = ("jsonable_encoder",)

IncEx = set[int] | set[str] | Mapping[int, Any] | Mapping[str, Any]
"""Which fields to keep or drop: a set of names, or (for pydantic) a nested mapping."""

_PRIMITIVES = (str, int, float, type(None))


def _decimal(value: decimal.Decimal) -> int | float:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


def _isoformat(value: datetime.date | datetime.time) -> str:
    return value.isoformat()


# Exact types first (a dict lookup), then the same table again with isinstance for subclasses.
_BY_TYPE: dict[type[Any], Callable[[Any], Any]] = {
    bytes: lambda b: b.decode(),
    datetime.date: _isoformat,
    datetime.datetime: _isoformat,
    datetime.time: _isoformat,
    datetime.timedelta: lambda td: td.total_seconds(),
    decimal.Decimal: _decimal,
    enum.Enum: lambda e: e.value,
    frozenset: list,
    types.GeneratorType: list,
    ipaddress.IPv4Address: str,
    ipaddress.IPv4Interface: str,
    ipaddress.IPv4Network: str,
    ipaddress.IPv6Address: str,
    ipaddress.IPv6Interface: str,
    ipaddress.IPv6Network: str,
    PurePath: str,
    re.Pattern: lambda p: p.pattern,
    set: list,
    uuid.UUID: str,
}


def jsonable_encoder(
    obj: Any,
    include: IncEx | None = None,
    exclude: IncEx | None = None,
    by_alias: bool = True,
    exclude_unset: bool = False,
    exclude_defaults: bool = False,
    exclude_none: bool = False,
    custom_encoder: Mapping[Any, Callable[[Any], Any]] | None = None,
    sqlalchemy_safe: bool = True,
) -> Any:
    """Convert `obj` into dicts, lists, strings, numbers, booleans and None.

    Args:
        obj: The value: a model, Struct, dataclass, mapping, sequence, scalar...
        include: Top-level field or key names to keep (others are dropped).
        exclude: Top-level field or key names to drop.
        by_alias: Use field aliases (pydantic `alias`, msgspec `rename`) as keys.
        exclude_unset: Drop fields not set explicitly (pydantic; `msgspec.UNSET` fields).
        exclude_defaults: Drop fields equal to their default.
        exclude_none: Drop fields and keys whose value is None.
        custom_encoder: `{type: function}` tried before the built-in conversions.
        sqlalchemy_safe: Skip dict keys starting with "_sa" (SQLAlchemy state).

    Returns:
        A value `json.dumps` accepts.

    Raises:
        ValueError: `obj` is of a type this function cannot convert.
    """
    options = _Options(
        by_alias, exclude_unset, exclude_defaults, exclude_none, custom_encoder, sqlalchemy_safe
    )
    return _encode(obj, include, exclude, options)


@dataclasses.dataclass(frozen=True, slots=True)
class _Options:
    by_alias: bool
    exclude_unset: bool
    exclude_defaults: bool
    exclude_none: bool
    custom_encoder: Mapping[Any, Callable[[Any], Any]] | None
    sqlalchemy_safe: bool


def _encode(obj: Any, include: IncEx | None, exclude: IncEx | None, o: _Options) -> Any:
    if o.custom_encoder:
        encoder = o.custom_encoder.get(type(obj))
        if encoder is None:
            encoder = next(
                (
                    f
                    for t, f in o.custom_encoder.items()
                    if isinstance(t, type) and isinstance(obj, t)
                ),
                None,
            )
        if encoder is not None:
            return encoder(obj)
    if isinstance(obj, bool) or (isinstance(obj, _PRIMITIVES) and not isinstance(obj, enum.Enum)):
        return obj
    dump = getattr(obj, "model_dump", None)
    if dump is not None and not isinstance(obj, type):  # a pydantic v2 model
        data = dump(
            mode="json",
            include=include,
            exclude=exclude,
            by_alias=o.by_alias,
            exclude_unset=o.exclude_unset,
            exclude_defaults=o.exclude_defaults,
            exclude_none=o.exclude_none,
        )
        return _encode(data, None, None, o)
    if isinstance(obj, msgspec.Struct):
        return _encode(_struct_dict(obj, o), include, exclude, o)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        if o.exclude_defaults:
            data = {
                f.name: data[f.name]
                for f in dataclasses.fields(obj)
                if not _is_default(f, data[f.name])
            }
        return _encode(data, include, exclude, o)
    if isinstance(obj, Mapping):
        return _encode_mapping(obj, include, exclude, o)
    if isinstance(obj, (list, tuple, set, frozenset, deque, types.GeneratorType)):
        return [_encode(item, None, None, o) for item in obj]
    convert = _BY_TYPE.get(type(obj))
    if convert is None:
        convert = next((f for t, f in _BY_TYPE.items() if isinstance(obj, t)), None)
    if convert is not None:
        converted = convert(obj)
        return (
            converted
            if isinstance(converted, (str, int, float))
            else _encode(converted, None, None, o)
        )
    if obj is msgspec.UNSET:
        return None
    return _encode(_fallback_dict(obj), None, None, o)


def _struct_dict(obj: msgspec.Struct, o: _Options) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in msgspec.structs.fields(obj):
        value = getattr(obj, field.name)
        if value is msgspec.UNSET:
            continue  # an UNSET field is never sent, whatever exclude_unset says
        if o.exclude_defaults and (
            (field.default is not msgspec.NODEFAULT and value == field.default)
            or (field.default_factory is not msgspec.NODEFAULT and value == field.default_factory())
        ):
            continue
        data[field.encode_name if o.by_alias else field.name] = value
    return data


def _is_default(field: dataclasses.Field[Any], value: Any) -> bool:
    if field.default is not dataclasses.MISSING:
        return bool(value == field.default)
    if field.default_factory is not dataclasses.MISSING:
        return bool(value == field.default_factory())
    return False


def _encode_mapping(
    obj: Mapping[Any, Any], include: IncEx | None, exclude: IncEx | None, o: _Options
) -> dict[Any, Any]:
    keep = None if include is None else set(include)
    drop = set() if exclude is None else set(exclude)
    out: dict[Any, Any] = {}
    for key, value in obj.items():
        if (keep is not None and key not in keep) or key in drop:
            continue
        if o.sqlalchemy_safe and isinstance(key, str) and key.startswith("_sa"):
            continue
        if value is None and o.exclude_none:
            continue
        out[_encode(key, None, None, o)] = _encode(value, None, None, o)
    return out


def _fallback_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Iterable):
        try:
            return dict(obj)
        except (TypeError, ValueError):
            pass
    try:
        return dict(vars(obj))
    except TypeError:
        raise ValueError(
            f"jsonable_encoder cannot convert a {type(obj).__name__}: {obj!r}"
        ) from None
