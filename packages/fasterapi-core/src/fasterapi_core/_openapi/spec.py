"""One route's `OperationSpec`: what the OpenAPI builder reads from a compiled `APIRoute`."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fasterapi_core._openapi.inputs import BodySpec, OperationSpec, ParamSpec

if TYPE_CHECKING:
    from fasterapi_core._plan.compile import Plan
    from fasterapi_core.routing import APIRoute


def route_operation_spec(route: APIRoute) -> OperationSpec:
    """`route` as an `OperationSpec` for the OpenAPI builder."""
    plan = route.plan
    params: list[Any] = []
    seen: set[tuple[str, str]] = set()
    for field in plan.all_fields:
        if field.location == "body":
            continue
        key = (field.location, field.alias)
        if key in seen:
            continue
        seen.add(key)
        params.append(
            ParamSpec(
                name=_header_name(field) if field.location == "header" else field.alias,
                location=field.location,  # type: ignore[arg-type]
                annotation=field.annotation,
                required=field.required,
                default=field.default,
                param=field.info,
            )
        )
    body = None
    if plan.body is not None:
        body = BodySpec(
            params=[
                ParamSpec(
                    name=f.alias,
                    location="body",
                    annotation=f.annotation,
                    required=f.required,
                    default=f.default,
                    param=f.info,
                )
                for f in plan.body.fields
            ],
            embed=plan.body.embed,
            media_type=body_media_type(plan),
        )
    media_type = getattr(route.response_class, "media_type", None)
    security: list[dict[str, list[str]]] = []
    schemes: dict[str, Any] = {}
    for dep in plan.dependants:
        model = getattr(dep.call, "model", None)
        scheme_name = getattr(dep.call, "scheme_name", None)
        if model is not None and scheme_name:
            model = model if isinstance(model, Mapping) else getattr(model, "__dict__", {})
            schemes[scheme_name] = model
            # As in FastAPI, only OAuth2 and OpenID Connect requirements list scopes.
            scoped = model.get("type") in ("oauth2", "openIdConnect")
            security.append({scheme_name: list(dep.scopes) if scoped else []})
    return OperationSpec(
        path=route.path_format,
        methods=sorted(route.methods),
        name=str(route.name),
        summary=route.summary,
        description=route.description,
        docstring=inspect.getdoc(route.endpoint) if route.endpoint.__doc__ else None,
        tags=list(route.tags),
        deprecated=route.deprecated,
        operation_id=route.operation_id,
        unique_id=route.unique_id,
        status_code=route.status_code or class_status(route.response_class),
        response_model=route.response_model,
        response_media_type=media_type,
        response_description=route.response_description,
        responses=route.responses or None,
        include_in_schema=route.include_in_schema,
        openapi_extra=route.openapi_extra,
        params=params,
        body=body,
        security=security or None,
        security_schemes=schemes or None,
        callbacks=_callbacks(route) if route.callbacks else None,
        stream_media_type=_stream_media_type(route),
        stream_item=getattr(route, "stream_item_type", None),
    )


def _header_name(field: Any) -> str:
    """A header's name in the document: its explicit alias as written ("X-Custom"), though
    it is matched case-insensitively ("x-custom")."""
    alias = getattr(field.info, "alias", None)
    if isinstance(alias, str) and alias.lower() == field.alias:
        return alias
    return str(field.alias)


def _stream_media_type(route: APIRoute) -> str | None:
    """How a yielding path operation streams: JSON Lines or Server-Sent Events (or None)."""
    if getattr(route, "is_json_stream", False):
        return "application/jsonl"
    if getattr(route, "is_sse_stream", False):
        return "text/event-stream"
    return None


def _callbacks(route: APIRoute) -> list[OperationSpec] | None:
    """The route's `callbacks=` routes (FastAPI documents those that are `APIRoute`s)."""
    from fasterapi_core.routing import APIRoute

    found = [route_operation_spec(c) for c in route.callbacks or () if isinstance(c, APIRoute)]
    return found or None


# PERF: a response class's constructor default is read once, not per route per document build;
# inspect.signature was ~45% of building the document (benchmarks/bench_openapi.py).
_CLASS_STATUS: dict[Any, int | None] = {}


def class_status(response_class: Any) -> int | None:
    """The default `status_code` of a response class's constructor (RedirectResponse: 307)."""
    try:
        return _CLASS_STATUS[response_class]
    except KeyError:
        pass
    except TypeError:  # unhashable: work it out each time
        return _signature_status(response_class)
    status = _CLASS_STATUS[response_class] = _signature_status(response_class)
    return status


def _signature_status(response_class: Any) -> int | None:
    try:
        default = inspect.signature(response_class).parameters["status_code"].default
    except (KeyError, TypeError, ValueError):
        return None
    return default if isinstance(default, int) and default != 200 else None


def body_media_type(plan: Plan) -> str:
    body = plan.body
    assert body is not None
    if body.kind == "form":
        from fasterapi_core.params import FileInfo

        files = any(
            isinstance(f.info, FileInfo) or "UploadFile" in repr(f.annotation) for f in body.fields
        )
        return "multipart/form-data" if files else "application/x-www-form-urlencoded"
    return body.media_type
