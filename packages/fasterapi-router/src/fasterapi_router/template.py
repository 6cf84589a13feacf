"""Path templates: parsing, the typed converters, and filling a template back in.

A template is a path whose segments are either literal text or one parameter in
braces that fills the whole segment: `/users/{user_id}`, `/items/{id:int}`,
`/files/{rest:path}`. The converter after the colon decides which segments
match and what Python value the parameter becomes; it defaults to `str`.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Final, NamedTuple

from fasterapi_router.errors import InvalidTemplateError, RouterError

__all__ = ("CONVERTERS", "format_path")

# Segment kinds. The numbers are also the matching priority at one position:
# a lower number is tried first (static text, then int, float, uuid, str, path).
STATIC: Final = 0
INT: Final = 1
FLOAT: Final = 2
UUID: Final = 3
STR: Final = 4
PATH: Final = 5

_KIND_BY_NAME: Final = {"int": INT, "float": FLOAT, "uuid": UUID, "str": STR, "path": PATH}
_NAME_BY_KIND: Final = {kind: name for name, kind in _KIND_BY_NAME.items()}
_TYPE_BY_KIND: Final[dict[int, type]] = {
    INT: int,
    FLOAT: float,
    UUID: uuid.UUID,
    STR: str,
    PATH: str,
}

CONVERTERS: Final[tuple[str, ...]] = ("int", "float", "uuid", "str", "path")
"""The converter names a template may use, in matching priority order.

`int` matches ASCII digits only (no sign) and gives an `int`; `float` matches
digits with an optional fraction (`3`, `3.25`; no sign or exponent) and gives a
`float`; `uuid` matches the 8-4-4-4-12 hex form in either case and gives a
`uuid.UUID`; `str` matches any non-empty segment; `path` matches the rest of the
path, slashes included, possibly empty, and may only be the last segment.
"""

_FLOAT_RE: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_UUID_RE: Final = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_int(segment: str) -> bool:
    """Whether the segment is ASCII digits that `int()` accepts."""
    if segment.isdigit() and segment.isascii():
        try:
            int(segment)
        except ValueError:  # more digits than sys.get_int_max_str_digits() allows
            return False
        return True
    return False


# What a segment must look like for each parameter kind (a truthy result means it matches),
# and the Python expression that converts the segment `s[i]` once the route is chosen.
VALIDATORS: Final[dict[int, Callable[[str], object]]] = {
    INT: is_int,
    FLOAT: _FLOAT_RE.fullmatch,
    UUID: _UUID_RE.fullmatch,
    STR: bool,
}
CONVERSIONS: Final[dict[int, str]] = {
    INT: "int(s[{i}])",
    FLOAT: "float(s[{i}])",
    UUID: "UUID(s[{i}])",
    STR: "s[{i}]",
    PATH: '"/".join(s[{i}:])',
}


class Segment(NamedTuple):
    """One parsed template segment: literal `text` (kind STATIC) or a parameter `name`."""

    kind: int
    text: str


def parse_template(template: str) -> tuple[Segment, ...]:
    """Split `template` into segments, validating it.

    The first segment is always the empty text before the leading slash, so the
    segments line up with `path.split("/")`.

    Raises:
        InvalidTemplateError: The template is malformed (see the error's docs).
    """
    if not isinstance(template, str):
        raise InvalidTemplateError(f"a path template must be a str, not {type(template).__name__}")
    return _parse(template)


@lru_cache(maxsize=1024)
def _parse(template: str) -> tuple[Segment, ...]:
    if not template.startswith("/"):
        raise InvalidTemplateError(f"path template {template!r} must start with '/'")
    parts = template.split("/")
    segments: list[Segment] = []
    seen: set[str] = set()
    for index, part in enumerate(parts):
        if "{" not in part and "}" not in part:
            segments.append(Segment(STATIC, part))
            continue
        if (
            not (part.startswith("{") and part.endswith("}"))
            or part.count("{") != 1
            or part.count("}") != 1
        ):
            raise InvalidTemplateError(
                f"path template {template!r}: segment {part!r} must be literal text or exactly "
                "one parameter such as '{name}' or '{name:int}' filling the whole segment"
            )
        name, colon, converter = part[1:-1].partition(":")
        if not _NAME_RE.fullmatch(name):
            raise InvalidTemplateError(
                f"path template {template!r}: parameter name {name!r} must be an ASCII identifier"
            )
        if name in seen:
            raise InvalidTemplateError(f"path template {template!r} repeats the parameter {name!r}")
        seen.add(name)
        kind = _KIND_BY_NAME.get(converter if colon else "str")
        if kind is None:
            raise InvalidTemplateError(
                f"path template {template!r}: unknown converter {converter!r} for {name!r}; "
                f"use one of {', '.join(CONVERTERS)}"
            )
        if kind == PATH and index != len(parts) - 1:
            raise InvalidTemplateError(
                f"path template {template!r}: the catch-all {{{name}:path}} must be the last segment"
            )
        segments.append(Segment(kind, name))
    return tuple(segments)


def converter_name(kind: int) -> str:
    """`"int"` for INT and so on."""
    return _NAME_BY_KIND[kind]


def python_type(kind: int) -> type:
    """The type a parameter of this kind is converted to."""
    return _TYPE_BY_KIND[kind]


def _to_text(template: str, name: str, kind: int, value: object) -> str:
    """Render one parameter value; raise RouterError if the router would not match it back."""
    if kind == PATH:
        return str(value)
    if isinstance(value, bool):
        raise RouterError(f"{template!r}: parameter {name!r} got a bool, {value!r}")
    text: str
    if kind == INT:
        text = str(value) if isinstance(value, (int, str)) else ""
    elif kind == FLOAT:
        if isinstance(value, int):
            text = str(value)
        elif isinstance(value, float) and math.isfinite(value):
            text = format(Decimal(repr(value)), "f")
        else:
            text = value if isinstance(value, str) else ""
    elif kind == UUID:
        if isinstance(value, uuid.UUID):
            text = str(value)
        else:
            text = value if isinstance(value, str) else ""
    else:
        text = str(value)
    if not VALIDATORS[kind](text) or "/" in text:
        raise RouterError(
            f"{template!r}: {value!r} is not a valid value for the {converter_name(kind)} "
            f"parameter {name!r}"
        )
    return text


def format_path(template: str, params: Mapping[str, object]) -> str:
    """Fill the parameters of `template` with `params`: the reverse of matching.

    Each value is rendered as text and checked against its converter, so the
    returned path resolves back to the template (unless a route of higher
    priority also matches it). Values are not percent-encoded: like the router,
    the result is a decoded path; quote it yourself when you build a URL.

    Example:
        >>> format_path("/users/{user_id:int}/files/{rest:path}", {"user_id": 7, "rest": "a/b.txt"})
        '/users/7/files/a/b.txt'

    Args:
        template: A path template, such as "/items/{item_id:int}".
        params: One value per parameter of the template. An `int` parameter takes
            a non-negative int (or its digits), `float` a finite non-negative
            number, `uuid` a `uuid.UUID` or its text, `str` anything whose `str()`
            is non-empty and has no "/", `path` anything (`str()` is used).

    Returns:
        The path, for example "/items/42".

    Raises:
        InvalidTemplateError: The template is malformed.
        RouterError: A parameter is missing, unexpected, or has a value its
            converter would not match.
    """
    segments = parse_template(template)
    names = {seg.text for seg in segments if seg.kind != STATIC}
    missing = sorted(names.difference(params))
    extra = sorted(set(params).difference(names))
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if extra:
            problems.append(f"unexpected {', '.join(extra)}")
        raise RouterError(f"cannot fill path template {template!r}: {'; '.join(problems)}")
    return "/".join(
        seg.text if seg.kind == STATIC else _to_text(template, seg.text, seg.kind, params[seg.text])
        for seg in segments
    )
