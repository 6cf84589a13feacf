"""Complete the dataclass instances msgspec decodes: set the plain defaults it left out.

msgspec does not store a plain default it did not receive in the instance's `__dict__` (the
class attribute answers reads), so `vars(item)`, and encoders that walk `__dict__` (msgspec's
own included), miss those fields; FastAPI's instances have them all. `dataclass_filler(tp)`
works out once, at registration, where in `tp` such dataclasses can be (the body itself, its
fields, list items, dict values, union members) and returns a function completing a decoded
value in place, or None when `tp` holds no dataclass with plain defaults (nothing to do).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Any

import msgspec

from fasterapi_core._plan.convert import is_class

__all__ = ("dataclass_filler",)

Filler = Callable[[Any], Any]

_ITEMS = (list, set, frozenset, tuple)


def dataclass_filler(tp: Any) -> Filler | None:
    """A function completing a decoded value of type `tp` in place (and returning it)."""
    return _filler(tp, {})


def _filler(tp: Any, seen: dict[Any, Filler | None]) -> Filler | None:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _filler(typing.get_args(tp)[0], seen)
    if origin is typing.Union or origin is types.UnionType:
        return _union_filler(tp, seen)
    if origin is not None:
        args = typing.get_args(tp)
        if isinstance(origin, type) and issubclass(origin, _ITEMS) and args:
            return _items_filler([a for a in args if a is not Ellipsis], seen)
        if isinstance(origin, type) and issubclass(origin, dict) and len(args) == 2:
            return _values_filler(args[1], seen)
        return None
    if is_class(tp) and dataclasses.is_dataclass(tp):
        return _dataclass_filler(typing.cast("type", tp), seen)
    if is_class(tp) and issubclass(tp, msgspec.Struct):
        return _struct_filler(tp, seen)
    return None


def _struct_filler(tp: type, seen: dict[Any, Filler | None]) -> Filler | None:
    """A Struct is complete itself; only dataclasses inside it may need filling."""
    if tp in seen:
        return None  # a recursive Struct: its dataclass fields are reached the first time
    seen[tp] = None
    nested = []
    for f in msgspec.structs.fields(tp):
        sub = _filler(f.type, seen)
        if sub is not None:
            nested.append((f.name, sub))
    if not nested:
        return None
    nested_fields = tuple(nested)

    def fill_struct(obj: Any) -> Any:
        for name, sub in nested_fields:
            value = getattr(obj, name)
            if value is not None:
                sub(value)
        return obj

    return fill_struct


def _dataclass_filler(tp: type, seen: dict[Any, Filler | None]) -> Filler | None:
    if tp in seen:
        if seen[tp] is not None:
            return seen[tp]

        # A self-referencing dataclass: look the finished filler up when it runs.
        def deferred(obj: Any) -> Any:
            fill = seen[tp]
            return fill(obj) if fill is not None else obj

        return deferred
    seen[tp] = None
    if "__slots__" in vars(tp):
        defaults: tuple[tuple[str, Any], ...] = ()  # no __dict__: msgspec sets every slot
    else:
        defaults = tuple(
            (f.name, f.default)
            for f in dataclasses.fields(tp)
            if f.default is not dataclasses.MISSING
        )
    try:
        hints = typing.get_type_hints(tp, include_extras=True)
    except Exception:  # pragma: no cover - unresolvable annotations: fill this level only
        hints = {}
    nested = []
    for f in dataclasses.fields(tp):
        sub = _filler(hints.get(f.name, Any), seen)
        if sub is not None:
            nested.append((f.name, sub))
    if not defaults and not nested:
        seen.pop(tp)
        return None
    nested_fields = tuple(nested)

    def fill(obj: Any) -> Any:
        if defaults:
            attrs = obj.__dict__
            for name, default in defaults:
                if name not in attrs:
                    attrs[name] = default
        for name, sub in nested_fields:
            value = getattr(obj, name)
            if value is not None:
                sub(value)
        return obj

    seen[tp] = fill
    return fill


def _items_filler(args: list[Any], seen: dict[Any, Filler | None]) -> Filler | None:
    subs = [_filler(a, seen) for a in args]
    if not any(subs):
        return None
    if len(subs) == 1:
        only = subs[0]
        assert only is not None

        def fill_items(obj: Any) -> Any:
            for item in obj:
                if item is not None:
                    only(item)
            return obj

        return fill_items

    def fill_tuple(obj: Any) -> Any:  # tuple[A, B]: one filler per position
        for item, sub in zip(obj, subs, strict=False):
            if sub is not None and item is not None:
                sub(item)
        return obj

    return fill_tuple


def _values_filler(value_tp: Any, seen: dict[Any, Filler | None]) -> Filler | None:
    sub = _filler(value_tp, seen)
    if sub is None:
        return None

    def fill_values(obj: Any) -> Any:
        for value in obj.values():
            if value is not None:
                sub(value)
        return obj

    return fill_values


def _union_filler(tp: Any, seen: dict[Any, Filler | None]) -> Filler | None:
    members = [a for a in typing.get_args(tp) if a is not type(None)]
    if len(members) == 1:
        only = _filler(members[0], seen)
        if only is None:
            return None

        def fill_optional(obj: Any) -> Any:
            return only(obj) if obj is not None else obj

        return fill_optional
    by_class: dict[type, Filler] = {}
    for member in members:
        sub = _filler(member, seen)
        if sub is None:
            continue
        cls = typing.get_origin(member) or member
        if typing.get_origin(member) is typing.Annotated:
            inner = typing.get_args(member)[0]
            cls = typing.get_origin(inner) or inner
        if isinstance(cls, type):
            by_class[cls] = sub
    if not by_class:
        return None

    def fill_member(obj: Any) -> Any:
        sub = by_class.get(type(obj))
        return sub(obj) if sub is not None else obj

    return fill_member
