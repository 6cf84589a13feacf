"""Describe an app's routes for `fasterapi routes`: a text table or JSON.

The parameters come from what each route reports about itself for OpenAPI
(`APIRoute.operation_spec()`: name, location, type, required), so the listing shows
exactly what the documentation shows. Dependencies are read from the handler's
signature and the route's `dependencies`; the parameters they declare appear among the
route's own, as they do in OpenAPI.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable
from typing import Any

from FasterAPI._discovery import AppLoadError
from fasterapi_core import APIRoute, APIWebSocketRoute, Mount

__all__ = ("describe_routes", "format_json", "format_table")

_COLUMNS = ("METHODS", "PATH", "NAME", "HANDLER", "PARAMETERS", "RESPONSE MODEL")


def describe_routes(app: object, name: str = "app") -> list[dict[str, Any]]:
    """One dict per route of `app`, in registration order.

    Each has `methods`, `path`, `name`, `handler` (module.qualname), `parameters` (a
    list of `{"name", "in", "type", "required"}`, where "in" is path, query, header,
    cookie, body, form, file or dependency) and `response_model` (a type name or None).

    Raises:
        AppLoadError: `app` has no route table (a bare ASGI app).
    """
    routes = getattr(app, "routes", None)
    if not isinstance(routes, list):
        raise AppLoadError(
            f"{name} has no route table (it is a {type(app).__name__}, not a Faster app)"
        )
    return [_describe(route) for route in routes]


def _describe(route: Any) -> dict[str, Any]:
    if isinstance(route, APIRoute):
        return {
            "methods": sorted(route.methods),
            "path": route.path,
            "name": route.name,
            "handler": _qualified(route.endpoint),
            "parameters": _parameters(route) + _dependencies(route.endpoint, route.dependencies),
            "response_model": _type_name(route.response_model) if route.response_model else None,
        }
    if isinstance(route, APIWebSocketRoute):
        return {
            "methods": ["WEBSOCKET"],
            "path": route.path,
            "name": route.name,
            "handler": _qualified(route.endpoint),
            "parameters": _signature_parameters(route.path, route.endpoint)
            + _dependencies(route.endpoint, route.dependencies),
            "response_model": None,
        }
    if isinstance(route, Mount):
        return {
            "methods": ["MOUNT"],
            "path": route.path,
            "name": route.name,
            "handler": _qualified(route.app),
            "parameters": [],
            "response_model": None,
        }
    return {  # pragma: no cover - a route class core does not have yet
        "methods": sorted(getattr(route, "methods", None) or []),
        "path": getattr(route, "path", "?"),
        "name": getattr(route, "name", None),
        "handler": _qualified(getattr(route, "endpoint", route)),
        "parameters": [],
        "response_model": None,
    }


def _parameters(route: APIRoute) -> list[dict[str, Any]]:
    spec = route.operation_spec()
    params: list[dict[str, Any]] = [
        {
            "name": p.name,
            "in": p.location,
            "type": _type_name(p.annotation),
            "required": bool(p.required),
        }
        for p in getattr(spec, "params", None) or []
    ]
    body = getattr(spec, "body", None)
    if body is not None:
        media = str(getattr(body, "media_type", "") or "")
        kind = "body"
        if media.startswith("multipart/"):
            kind = "file" if _has_file(body) else "form"
        elif media == "application/x-www-form-urlencoded":
            kind = "form"
        for p in body.params:
            place = kind
            if kind in ("file", "form"):
                place = "file" if _is_file_type(p.annotation) else "form"
            params.append(
                {
                    "name": p.name,
                    "in": place,
                    "type": _type_name(p.annotation),
                    "required": bool(p.required),
                }
            )
    return params


def _has_file(body: Any) -> bool:
    return any(_is_file_type(p.annotation) for p in body.params)


def _is_file_type(annotation: Any) -> bool:
    text = _type_name(annotation)
    return "UploadFile" in text or text in ("bytes", "list[bytes]")


def _signature_parameters(path: str, endpoint: Callable[..., Any]) -> list[dict[str, Any]]:
    """Path parameters of a WebSocket handler (its plan is not described for OpenAPI)."""
    try:
        signature = inspect.signature(endpoint)
        hints = typing.get_type_hints(endpoint)
    except Exception:  # pragma: no cover - builtins, unresolvable annotations
        return []
    return [
        {"name": p.name, "in": "path", "type": _type_name(hints.get(p.name, str)), "required": True}
        for p in signature.parameters.values()
        if "{" + p.name + "}" in path or "{" + p.name + ":" in path
    ]


def _dependencies(endpoint: Callable[..., Any], extra: list[Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"name": "-", "in": "dependency", "type": _qualified(_dependency_of(d)), "required": True}
        for d in extra
    ]
    try:
        signature = inspect.signature(endpoint)
        hints = typing.get_type_hints(endpoint, include_extras=True)
    except Exception:
        return found
    for param in signature.parameters.values():
        annotation = hints.get(param.name, param.annotation)
        marker = _marker(param.default)
        base = annotation
        if typing.get_origin(annotation) is typing.Annotated:
            base = typing.get_args(annotation)[0]
            if marker is None:
                marker = next((m for m in annotation.__metadata__ if _marker(m) is not None), None)
        if marker is None:
            continue
        target = marker.dependency if marker.dependency is not None else base
        found.append(
            {"name": param.name, "in": "dependency", "type": _qualified(target), "required": True}
        )
    return found


def _marker(value: Any) -> Any:
    """A `Depends(...)`/`Security(...)` marker (duck-typed), else None."""
    if value is inspect.Parameter.empty:
        return None
    if hasattr(value, "dependency") and hasattr(value, "use_cache"):
        return value
    return None


def _dependency_of(value: Any) -> Any:
    return getattr(value, "dependency", value)


def _qualified(obj: Any) -> str:
    if obj is None:
        return "-"
    target = obj if callable(obj) and hasattr(obj, "__qualname__") else type(obj)
    module = getattr(target, "__module__", None) or "?"
    return f"{module}.{getattr(target, '__qualname__', repr(target))}"


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return (
            annotation.__qualname__ if annotation.__module__ != "builtins" else annotation.__name__
        )
    text = repr(annotation)
    for prefix in ("typing.", "collections.abc.", "msgspec.", "builtins."):
        text = text.replace(prefix, "")
    return text


def format_json(rows: list[dict[str, Any]]) -> str:
    """The routes as indented JSON (a list of objects)."""
    return json.dumps(rows, indent=2)


def format_table(rows: list[dict[str, Any]]) -> str:
    """The routes as a plain-text table, one line per route (more lines for its parameters)."""
    lines: list[list[str]] = []
    for row in rows:
        params = [
            f"{p['name']}: {p['in']} {p['type']}{'' if p['required'] else ' (optional)'}"
            for p in row["parameters"]
        ] or ["-"]
        first = [
            ",".join(row["methods"]),
            row["path"],
            row["name"] or "-",
            row["handler"],
            params[0],
            row["response_model"] or "-",
        ]
        lines.append(first)
        lines.extend(["", "", "", "", extra, ""] for extra in params[1:])
    widths = [len(c) for c in _COLUMNS]
    for line in lines:
        widths = [max(w, len(cell)) for w, cell in zip(widths, line, strict=True)]
    out = ["  ".join(c.ljust(w) for c, w in zip(_COLUMNS, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out.extend(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )
    if not rows:
        out.append("(no routes)")
    return "\n".join(out)
