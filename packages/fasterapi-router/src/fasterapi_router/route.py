"""`Route`: the record `RadixRouter.routes()` returns for each registered route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ("Route",)


@dataclass(frozen=True, slots=True)
class Route:
    """One registered route: a method, a template and what it maps to.

    Attributes:
        method: The upper-cased HTTP method, such as "GET".
        template: The path template as registered, such as "/items/{item_id:int}".
        handler: The object given to `RadixRouter.add_route`.
        metadata: The metadata given to `RadixRouter.add_route` (None by default).
        param_names: The template's parameter names, left to right.
        param_converters: Each parameter's converter name ("str", "int", "float",
            "uuid" or "path"), parallel to `param_names`.
        param_types: The Python type each parameter is converted to (`str`,
            `int`, `float`, `uuid.UUID`; a `path` catch-all gives `str`).
    """

    method: str
    template: str
    handler: Any
    metadata: Any
    param_names: tuple[str, ...]
    param_converters: tuple[str, ...]
    param_types: tuple[type, ...]
