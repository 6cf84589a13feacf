"""Dataclass bodies whose fields carry pydantic constraints validate through pydantic.

FastAPI validates a stdlib dataclass body with pydantic, so pydantic metadata on its fields
applies: `n: Annotated[int, Field(gt=0)]`, `tags: list[int] = Field(max_length=2)`, at any
depth (a nested dataclass, a list of them), and on a TypedDict's fields too; a pydantic
dataclass runs its own validators. msgspec, which decodes those bodies here, reads none of
that (and would take a `Field(...)` default for the value itself). So, once per route at
registration, `constrained_decoder(tp)` looks through the body type for such a class; when it
finds one the body is validated by `pydantic.TypeAdapter(tp)` (FastAPI's rules and error
shapes), otherwise it answers None and the msgspec decoder stays in place.

pydantic is never imported here unless the application already did: a `FieldInfo` cannot
exist without it, so an application without pydantic pays nothing.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from collections.abc import Callable
from typing import Any

import msgspec

from fasterapi_core._plan.convert import is_class, is_typeddict

__all__ = ("constrained_decoder", "has_pydantic_constraints")

# Modules whose `Annotated` metadata pydantic applies and msgspec ignores.
_PYDANTIC_METADATA = ("pydantic", "annotated_types")


def has_pydantic_constraints(tp: Any) -> bool:
    """True when `tp` is or holds a stdlib dataclass (or TypedDict) with a pydantic field
    constraint (a `FieldInfo` or other pydantic/annotated-types metadata in `Annotated[...]`,
    or a dataclass's `Field(...)` default), or a pydantic dataclass."""
    if "pydantic" not in sys.modules:
        return False  # nobody made a FieldInfo: nothing can carry one
    return _walk(tp, set())


def _is_pydantic_meta(meta: Any) -> bool:
    module = type(meta).__module__ or ""
    return module.split(".", 1)[0] in _PYDANTIC_METADATA


def _walk(tp: Any, seen: set[int]) -> bool:
    if id(tp) in seen:
        return False  # a self-referencing type: its first visit decides
    seen.add(id(tp))
    if typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        return _walk(args[0], seen)
    if is_class(tp) and dataclasses.is_dataclass(tp):
        return _dataclass_has_constraints(typing.cast("type", tp), seen)
    if is_typeddict(tp):
        return _fields_have_constraints(_hints(tp), seen)
    return any(_walk(arg, seen) for arg in typing.get_args(tp) if arg is not Ellipsis)


def _hints(tp: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(tp, include_extras=True)
    except Exception:  # unresolvable annotations: msgspec reports them as it always did
        return {}


def _dataclass_has_constraints(tp: type, seen: set[int]) -> bool:
    if hasattr(tp, "__pydantic_validator__"):
        return True  # a pydantic dataclass: its validators and config are pydantic's
    fields = dataclasses.fields(tp)
    if any(_is_pydantic_meta(f.default) for f in fields):
        return True  # `x: int = Field(...)`
    hints = _hints(tp)
    return _fields_have_constraints({f.name: hints.get(f.name, Any) for f in fields}, seen)


def _fields_have_constraints(hints: dict[str, Any], seen: set[int]) -> bool:
    """Whether a field's `Annotated` metadata is pydantic's, or its type holds such a class."""
    for hint in hints.values():
        if typing.get_origin(hint) is typing.Annotated and any(
            _is_pydantic_meta(meta) for meta in typing.get_args(hint)[1:]
        ):
            return True
    return any(_walk(hint, seen) for hint in hints.values())


def constrained_decoder(
    tp: Any,
) -> tuple[Callable[[bytes], Any], Callable[[Any], Any]] | None:
    """(decode bytes, validate builtins) through pydantic for a body type holding a
    constrained dataclass; None for any other type (msgspec decodes it).

    As in FastAPI the JSON is decoded first and validated in python (lax) mode with
    `from_attributes=True`; a failure raises pydantic's `ValidationError`, which the body
    plan turns into FastAPI's errors with `pydantic_errors`.
    """
    if not has_pydantic_constraints(tp):
        return None
    from pydantic import TypeAdapter

    try:
        adapter = TypeAdapter(tp)
    except Exception:
        # A type pydantic cannot build a validator for (`typing.TypedDict` before 3.12, a
        # msgspec Struct inside): msgspec decodes it as before, without the constraints.
        return None
    validate_python = adapter.validate_python
    json_decode = msgspec.json.decode

    def validate_constrained(obj: Any) -> Any:
        return validate_python(obj, from_attributes=True)

    def decode_constrained(data: bytes) -> Any:
        return validate_python(json_decode(data), from_attributes=True)

    return decode_constrained, validate_constrained
