"""Render `OperationSpec`s into an OpenAPI 3.1 document, in the shape FastAPI produces.

All JSON Schemas come from one `msgspec.json.schema_components` call over every type the
document mentions, so shared models become `#/components/schemas/<Name>` references and
the cost is one C pass rather than one per route (`benchmarks/bench_openapi.py`).
"""

from __future__ import annotations

import copy
import enum
import functools
import http
import inspect
import operator
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from fasterapi_core._openapi.inputs import BodySpec, OperationSpec, ParamSpec
from fasterapi_core._openapi.schema import SchemaGenerator, model_order
from fasterapi_core.params import Undefined

__all__ = ("REF_PREFIX", "get_openapi")

REF_PREFIX = "#/components/schemas/"
"""Where component schemas live: `{"$ref": REF_PREFIX + "Item"}` (FastAPI's constant)."""

_LOCATION_ORDER = {"path": 0, "query": 1, "header": 2, "cookie": 3}
_STATUS_RANGES = {
    "1XX": "Information",
    "2XX": "Success",
    "3XX": "Redirection",
    "4XX": "Client Error",
    "5XX": "Server Error",
    "DEFAULT": "Default Response",
}
_NON_WORD = re.compile(r"\W")
_NULL = {"type": "null"}
_CONVERTER = re.compile(r"{([^}:]+):[^}]*}")
_BINARY: dict[str, Any] = {"type": "string", "contentMediaType": "application/octet-stream"}
_FILE_MEDIA_TYPE = "multipart/form-data"

# The two components FastAPI adds for its 422 response, key for key.
_VALIDATION_ERROR: dict[str, Any] = {
    "properties": {
        "loc": {
            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "type": "array",
            "title": "Location",
        },
        "msg": {"type": "string", "title": "Message"},
        "type": {"type": "string", "title": "Error Type"},
        "input": {"title": "Input"},
        "ctx": {"type": "object", "title": "Context"},
    },
    "type": "object",
    "required": ["loc", "msg", "type"],
    "title": "ValidationError",
}
_HTTP_VALIDATION_ERROR: dict[str, Any] = {
    "properties": {
        "detail": {
            "items": {"$ref": REF_PREFIX + "ValidationError"},
            "type": "array",
            "title": "Detail",
        }
    },
    "type": "object",
    "title": "HTTPValidationError",
}


def _response_422() -> dict[str, Any]:
    return {
        "description": "Validation Error",
        "content": {"application/json": {"schema": {"$ref": REF_PREFIX + "HTTPValidationError"}}},
    }


class _Binary:
    """Stands in for `bytes` in file fields: rendered as an octet-stream string."""

    __slots__ = ()


def get_openapi(
    *,
    title: str,
    version: str,
    openapi_version: str = "3.1.0",
    summary: str | None = None,
    description: str | None = None,
    operations: Sequence[OperationSpec] | None = None,
    routes: Iterable[Any] | None = None,
    webhooks: Iterable[Any] | None = None,
    tags: list[dict[str, Any]] | None = None,
    servers: list[dict[str, Any]] | None = None,
    terms_of_service: str | None = None,
    contact: dict[str, Any] | None = None,
    license_info: dict[str, Any] | None = None,
    separate_input_output_schemas: bool = True,
    external_docs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build an OpenAPI document (a JSON-ready dict) from route descriptions.

    Same keywords as FastAPI's `fastapi.openapi.utils.get_openapi`, plus `operations`.

    Args:
        title: The API title (`info.title`).
        version: The API version (`info.version`), not the OpenAPI version.
        openapi_version: The `openapi` field.
        summary: `info.summary`.
        description: `info.description` (Markdown).
        operations: The routes, as `OperationSpec`s.
        routes: Alternatively (or as well), route objects with an `operation_spec()` method
            returning an `OperationSpec`, a list of them, or None (not documented).
        webhooks: Webhooks, as `OperationSpec`s or route objects; `path` is the webhook name.
        tags: Tag objects (`{"name": ..., "description": ...}`) for the top-level `tags`.
        servers: Server objects (`{"url": ...}`).
        terms_of_service: `info.termsOfService`.
        contact: `info.contact`.
        license_info: `info.license`.
        separate_input_output_schemas: As in FastAPI: True describes response values as they
            are sent (a `Decimal` is a string) and names a class whose two schemas differ
            `<Name>-Input` / `<Name>-Output`; False uses the input schema everywhere.
        external_docs: The top-level `externalDocs` object.

    Returns:
        The document: paths, components (sorted by name), tags, servers, webhooks.
    """
    specs = [*(operations or ()), *_specs_of(routes)]
    hook_specs = _specs_of(webhooks)
    builder = _Builder(separate=separate_input_output_schemas)
    for spec in (*specs, *hook_specs):
        builder.collect(spec)
    builder.resolve()
    paths = _path_items(specs, builder, templates=True)
    hook_paths = _path_items(hook_specs, builder, templates=False)

    info: dict[str, Any] = {"title": title}
    if summary:
        info["summary"] = summary
    if description:
        info["description"] = description
    if terms_of_service:
        info["termsOfService"] = terms_of_service
    if contact:
        info["contact"] = contact
    if license_info:
        info["license"] = license_info
    info["version"] = version
    output: dict[str, Any] = {"openapi": openapi_version, "info": info}
    if servers:
        output["servers"] = servers
    output["paths"] = paths
    if hook_paths:
        output["webhooks"] = hook_paths
    components = builder.components()
    if components:
        output["components"] = components
    if tags:
        output["tags"] = tags
    if external_docs:
        output["externalDocs"] = external_docs
    return output


def _path_items(
    specs: Iterable[OperationSpec], builder: _Builder, *, templates: bool
) -> dict[str, dict[str, Any]]:
    """A `paths` (or `webhooks`) object: one path item per path, one operation per method.

    Args:
        templates: The keys are path templates, written without converters (`{id:int}`
            becomes `{id}`); False keeps them as they are (webhook names).
    """
    grouped: dict[str, list[OperationSpec]] = {}
    for spec in specs:
        if spec.include_in_schema:
            key = spec.path
            if templates and ":" in key:  # `{id:int}` -> `{id}`
                key = _CONVERTER.sub(r"{\1}", key)
            grouped.setdefault(key, []).append(spec)
    items: dict[str, dict[str, Any]] = {}
    for key, group in grouped.items():
        # FastAPI serves a path item as it built it when one of its operations has parameters
        # or external docs (its OpenAPI models reject those strictly and keep the plain dict);
        # otherwise in the key order of its models. Webhooks always go through the models.
        raw = templates and any(_served_as_built(spec) for spec in group)
        path_item = items[key] = {}
        for spec in group:
            for method in spec.methods:
                path_item[method.lower()] = builder.operation(spec, method, raw=raw)
    return items


def _served_as_built(spec: OperationSpec) -> bool:
    """Whether FastAPI would serve `spec`'s path item in its built key order (see above)."""
    for p in spec.params:
        if p.location != "body" and getattr(p.param, "include_in_schema", True) is not False:
            return True
    if spec.external_docs or (spec.openapi_extra and "externalDocs" in spec.openapi_extra):
        return True
    return any(_served_as_built(c) for c in _callback_specs(spec) if c.include_in_schema)


def _ranked(keys: str) -> dict[str, int]:
    return {key: i for i, key in enumerate(keys.split())}


# The field order of FastAPI's OpenAPI models (Operation, RequestBody, MediaType, Response,
# Header): a path item that goes through them is served in this order, unknown keys last.
_OPERATION_RANK = _ranked(
    "tags summary description externalDocs operationId parameters requestBody responses "
    "callbacks deprecated security servers"
)
_BODY_RANK = _ranked("description content required")
_MEDIA_RANK = _ranked("schema example examples encoding")
_RESPONSE_RANK = _ranked("description headers content links")
_HEADER_RANK = _ranked(
    "description required deprecated style explode allowReserved schema example examples content"
)


def _ordered(obj: dict[str, Any], rank: dict[str, int]) -> dict[str, Any]:
    last = len(rank)
    return dict(sorted(obj.items(), key=lambda kv: rank.get(kv[0], last)))


def _modeled_media(media: Any) -> Any:
    if not isinstance(media, dict):
        return media
    media = _ordered(media, _MEDIA_RANK)
    schema = media.get("schema")
    if isinstance(schema, dict):
        media["schema"] = model_order(schema)
    return media


def _modeled_content(obj: dict[str, Any]) -> None:
    content = obj.get("content")
    if isinstance(content, dict):
        obj["content"] = {k: _modeled_media(v) for k, v in content.items()}


def _modeled_response(response: Any) -> Any:
    if not isinstance(response, dict):
        return response
    response = _ordered(response, _RESPONSE_RANK)
    _modeled_content(response)
    headers = response.get("headers")
    if isinstance(headers, dict):
        response["headers"] = {
            name: _modeled_media(_ordered(h, _HEADER_RANK)) if isinstance(h, dict) else h
            for name, h in headers.items()
        }
    return response


def _modeled_operation(op: dict[str, Any]) -> dict[str, Any]:
    """`op` in the key order FastAPI serves it through its OpenAPI models."""
    op = _ordered(op, _OPERATION_RANK)
    body = op.get("requestBody")
    if isinstance(body, dict):
        body = op["requestBody"] = _ordered(body, _BODY_RANK)
        _modeled_content(body)
    responses = op.get("responses")
    if isinstance(responses, dict):
        op["responses"] = {k: _modeled_response(v) for k, v in responses.items()}
    return op


def _specs_of(routes: Iterable[Any] | None) -> list[OperationSpec]:
    specs: list[OperationSpec] = []
    for route in routes or ():
        if isinstance(route, OperationSpec):
            specs.append(route)
            continue
        make = getattr(route, "operation_spec", None)
        if make is None:
            continue
        got = make()
        if isinstance(got, OperationSpec):
            specs.append(got)
        elif got is not None:
            specs.extend(got)
    return specs


def _is_file_param(param: Any) -> bool:
    if type(param).__name__ in ("File", "FileInfo"):
        return True
    return getattr(param, "media_type", None) == _FILE_MEDIA_TYPE


def _binary_for_bytes(annotation: Any) -> Any:
    """`bytes` -> `_Binary`, through Optional/list/Annotated: file fields are raw octets."""
    if annotation is bytes:
        return _Binary
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _binary_for_bytes(args[0])
    if origin in (list, set, frozenset, tuple, Sequence, typing.Union) or (
        type(annotation).__name__ == "UnionType"
    ):
        new = tuple(_binary_for_bytes(a) for a in args)
        if new == args:
            return annotation
        if origin is typing.Union or type(annotation).__name__ == "UnionType":
            return typing.Union[new]  # noqa: UP007 - built from a runtime tuple
        if origin is tuple:
            return tuple[new]  # type: ignore[valid-type]
        return origin[new[0]]
    return annotation


def _is_ref_like(schema: Mapping[str, Any]) -> bool:
    """A reference, or a nullable reference: pydantic gives those no title of their own."""
    if "$ref" in schema:
        return True
    if "anyOf" not in schema:
        return False
    return any("$ref" in m for m in schema["anyOf"])


# PERF: the same few names ("item_id", "q", "limit") come back on every route; saves the
# string work for each repeat (benchmarks/bench_openapi.py).
@functools.lru_cache(maxsize=4096)
def _title(name: str) -> str:
    return name.replace("_", " ").title().strip()


def _status_allows_body(status: str) -> bool:
    if status.upper() in _STATUS_RANGES:
        return True
    try:
        code = int(status)
    except ValueError:
        return True
    return not (code < 200 or code in (204, 205, 304))


def _jsonable(value: Any) -> tuple[bool, Any]:
    try:
        return True, msgspec.to_builtins(value)
    except (TypeError, ValueError):
        return False, None


def _deep_update(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            _deep_update(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            target[key] = current + value
        else:
            target[key] = value


class _Builder:
    """Collects the security schemes, then renders the paths; schemas are made on demand."""

    __slots__ = (
        "_extra_components",
        "_gen",
        "_needs_422",
        "_outputs",
        "_pydantic_both",
        "_schema",
        "_security",
        "_separate",
        "_types",
    )

    def __init__(self, *, separate: bool = True) -> None:
        self._separate = separate
        self._extra_components: dict[str, Any] = {}
        self._needs_422 = False
        self._security: dict[str, Any] = {}
        self._types: list[Any] = []
        self._outputs: list[Any] = []
        self._pydantic_both: frozenset[Any] = frozenset()
        self._gen = SchemaGenerator(self._hook, REF_PREFIX)
        self._schema = self._gen.schema

    # -- pass 1: collect ------------------------------------------------------------------
    def collect(self, spec: OperationSpec) -> None:
        types = self._types
        for p in spec.params:
            types.append(p.annotation)
        if spec.body is not None:
            for p in spec.body.params:
                types.append(self._body_annotation(p))
        outputs = self._outputs
        if spec.response_model is not None:
            outputs.append(spec.response_model)
        if spec.stream_item is not None:
            outputs.append(spec.stream_item)
        for response in (spec.responses or {}).values():
            model = response.get("model")
            if model is not None:
                outputs.append(model)
        if spec.security_schemes:
            self._security.update(spec.security_schemes)
        for callback in _callback_specs(spec):
            self.collect(callback)

    def resolve(self) -> None:
        """Inspect every collected type at once (see `SchemaGenerator.prepare`) and plan the
        `-Input`/`-Output` component pairs (`SchemaGenerator.split`)."""
        self._gen.prepare([*self._types, *self._outputs])
        if self._separate:
            self._pydantic_both = self._gen.split(self._types, self._outputs)
        self._types, self._outputs = [], []

    @staticmethod
    def _body_annotation(p: ParamSpec) -> Any:
        return _binary_for_bytes(p.annotation) if _is_file_param(p.param) else p.annotation

    def _hook(self, tp: Any, output: bool) -> dict[str, Any]:
        if tp is _Binary:
            return dict(_BINARY)
        from fasterapi_core.forms import UploadFile

        # (On Python 3.10 `list[int]` passes isinstance(..., type); hence the origin check.)
        if isinstance(tp, type) and typing.get_origin(tp) is None and issubclass(tp, UploadFile):
            return dict(_BINARY)
        if getattr(tp, "__pydantic_core_schema__", None) is not None:
            return self._pydantic_ref(tp, output)
        return {}  # anything msgspec cannot describe: "any value"

    def _pydantic_ref(self, tp: Any, output: bool) -> dict[str, Any]:
        """A pydantic model, as FastAPI documents it: pydantic's schema, as a component.

        A model used for input and for output is described in both modes at once, so pydantic
        names the two `<Name>-Input` / `<Name>-Output` when they differ.
        """
        from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode

        mode: JsonSchemaMode = "serialization" if output else "validation"
        modes: tuple[JsonSchemaMode, ...] = (
            ("validation", "serialization") if tp in self._pydantic_both else (mode,)
        )
        generator = GenerateJsonSchema(ref_template=REF_PREFIX + "{model}")
        core = tp.__pydantic_core_schema__
        try:
            refs, definitions = generator.generate_definitions(
                inputs=[(tp, m, core) for m in modes]
            )
        except Exception:
            return {}
        for name, definition in definitions.items():
            description = definition.get("description")
            if isinstance(description, str):
                definition["description"] = description.split("\f")[0]
            self._extra_components[name] = model_order(_without_nulls(definition))
        return dict(refs.get((tp, mode), {}))

    def schema_of(
        self, annotation: Any, *, param: bool = False, output: bool = False
    ) -> dict[str, Any]:
        return self._schema(annotation, param=param, output=output and self._separate)

    # -- pass 2: render ---------------------------------------------------------------------
    def components(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        schemas = self._extra_components
        for name, component in self._gen.components().items():
            schemas.setdefault(name, component)
        if self._needs_422:
            schemas.setdefault("HTTPValidationError", copy.deepcopy(_HTTP_VALIDATION_ERROR))
            schemas.setdefault("ValidationError", copy.deepcopy(_VALIDATION_ERROR))
        if schemas:
            out["schemas"] = {name: schemas[name] for name in sorted(schemas)}
        if self._security:
            out["securitySchemes"] = self._security
        return out

    def field_schema(
        self,
        p: ParamSpec,
        annotation: Any,
        *,
        param: bool,
        settings: _Settings | None = None,
    ) -> dict[str, Any]:
        """The schema of one parameter (`param`) or body field, with the Param's settings.

        Keys come in the order FastAPI serves them: for a parameter, pydantic's (the type's
        keys, an explicit title, description, deprecated, examples, default, then the
        generated title); for a body field, the model order (`schema.model_order`).
        """
        schema = dict(self.schema_of(annotation, param=param))
        title = None
        if p.param is not None:
            s = settings or _settings(p.param)
            if s[:9].count(None) != 9:  # PERF: most have no constraint (bench_openapi.py)
                _apply_constraints(schema, s)
            title = s.title
            if title:
                schema["title"] = title
            if s.description:
                schema["description"] = s.description
            if s.deprecated:
                schema["deprecated"] = True
            if s.examples is not None:
                schema["examples"] = list(s.examples)
            extra = s.json_schema_extra
            if extra is not None and isinstance(extra, Mapping):
                schema.update(extra)
        if not p.required and p.default is not None and p.default is not Ellipsis:
            ok, value = _jsonable(p.default)
            if ok and value is not None:
                schema["default"] = value
        if param:
            if not title and "$ref" not in schema:
                schema["title"] = _title(p.name)
            return schema
        if not title and not _is_ref_like(schema):
            schema["title"] = _title(p.name)
        return model_order(schema)

    def parameters(self, params: Sequence[ParamSpec]) -> list[dict[str, Any]]:
        seen: set[tuple[str, str]] = set()
        out: list[dict[str, Any]] = []
        order = [_LOCATION_ORDER.get(p.location, 4) for p in params]
        if order != sorted(order):  # most routes declare path params first already
            params = [p for _, _, p in sorted(zip(order, range(len(order)), params, strict=True))]
        for p in params:
            info = p.param
            s = None if info is None else _settings(info)
            if s is not None and s.include_in_schema is False:
                continue
            key = (p.name, p.location)
            if key in seen or p.location == "body":
                continue
            seen.add(key)
            item: dict[str, Any] = {
                "name": p.name,
                "in": p.location,
                "required": True if p.location == "path" else p.required,
                "schema": self.field_schema(p, p.annotation, param=True, settings=s),
            }
            if s is not None:
                if s.description:
                    item["description"] = s.description
                if s.openapi_examples:
                    item["examples"] = dict(s.openapi_examples)
                else:
                    _add_example(item, s.example)
                if s.deprecated:
                    item["deprecated"] = True
            out.append(item)
        return out

    def request_body(
        self, body: BodySpec, unique_id: str, *, raw: bool = False
    ) -> dict[str, Any] | None:
        fields = [
            p
            for p in body.params
            if p.param is None or getattr(p.param, "include_in_schema", True) is not False
        ]
        if not fields:
            return None
        if len(fields) == 1 and not body.embed:
            p = fields[0]
            schema = self.field_schema(p, self._body_annotation(p), param=raw)
            if "$ref" not in schema and "title" not in schema:  # FastAPI titles a nullable ref
                schema["title"] = _title(p.name)
            required = p.required
        else:
            name = f"Body_{unique_id}"
            props = {
                p.name: self.field_schema(p, self._body_annotation(p), param=False) for p in fields
            }
            component: dict[str, Any] = {"properties": props, "type": "object"}
            needed = [p.name for p in fields if p.required]
            if needed:
                component["required"] = needed
            component["title"] = name
            self._extra_components[name] = component
            schema = {"$ref": REF_PREFIX + name}
            required = bool(needed)
        media: dict[str, Any] = {"schema": schema}
        if len(fields) == 1 and not body.embed:  # the field is the body: its examples too
            info = fields[0].param
            examples = getattr(info, "openapi_examples", None)
            if examples:
                media["examples"] = dict(examples)
            elif info is not None:
                _add_example(media, _settings(info).example)
        out: dict[str, Any] = {"required": True} if required else {}
        out["content"] = {body.media_type: media}
        return out

    def operation(self, spec: OperationSpec, method: str, *, raw: bool = False) -> dict[str, Any]:
        """One operation object, in FastAPI's built key order if `raw`, else in its models'."""
        # One id per route, as FastAPI: a multi-method route's methods share it.
        unique_id = spec.unique_id
        if not unique_id:
            first = sorted(spec.methods)[0] if spec.methods else method
            unique_id = _NON_WORD.sub("_", f"{spec.name}{spec.path}") + f"_{first.lower()}"
        op: dict[str, Any] = {}
        if spec.tags:
            op["tags"] = [t.value if isinstance(t, enum.Enum) else t for t in spec.tags]
        op["summary"] = spec.summary or _title(spec.name)
        description = spec.description or (
            inspect.cleandoc(spec.docstring) if spec.docstring else ""
        )
        if description:
            description = description.split("\f")[0].strip()
            if description:
                op["description"] = description
        op["operationId"] = spec.operation_id or unique_id
        if spec.deprecated:
            op["deprecated"] = True
        if spec.security:
            op["security"] = spec.security
        parameters = self.parameters(spec.params)
        if parameters:
            op["parameters"] = parameters
        if spec.body is not None:
            body = self.request_body(spec.body, unique_id, raw=raw)
            if body is not None:
                op["requestBody"] = body
        callbacks = self.callbacks(spec, raw=raw)
        if callbacks:
            op["callbacks"] = callbacks
        has_input = bool(spec.params) or (spec.body is not None and bool(spec.body.params))
        op["responses"] = self.responses(spec, unique_id, has_input=has_input, raw=raw)
        if spec.external_docs:
            op["externalDocs"] = dict(spec.external_docs)
        if spec.openapi_extra:
            _deep_update(op, spec.openapi_extra)
        return op if raw else _modeled_operation(op)

    def callbacks(self, spec: OperationSpec, *, raw: bool = False) -> dict[str, Any] | None:
        """FastAPI's `callbacks=`: `{name: {path: {method: operation}}}` per callback route."""
        if not spec.callbacks:
            return None
        if isinstance(spec.callbacks, Mapping):
            return dict(spec.callbacks)
        out: dict[str, Any] = {}
        for callback in _callback_specs(spec):
            if callback.include_in_schema:
                path_item = {
                    m.lower(): self.operation(callback, m, raw=raw) for m in callback.methods
                }
                out[callback.name] = {callback.path: path_item}
        return out

    def _stream_item(self, spec: OperationSpec, unique_id: str) -> dict[str, Any]:
        """The `itemSchema` of a streamed response (JSON Lines or Server-Sent Events)."""
        item: dict[str, Any] = {}
        if spec.stream_item is not None:
            item = dict(self.schema_of(spec.stream_item, param=True, output=True))
            if "$ref" not in item:
                item["title"] = _title(f"StreamItem_{unique_id}")
        if spec.stream_media_type != "text/event-stream":
            return item
        event = _sse_event_schema()
        if spec.stream_item is not None:
            event["required"] = ["data"]
            event["properties"]["data"] = {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": item,
            }
        return event

    def responses(
        self, spec: OperationSpec, unique_id: str, *, has_input: bool, raw: bool = False
    ) -> dict[str, Any]:
        status = str(int(spec.status_code or 200))
        media = spec.response_media_type
        responses: dict[str, Any] = {}
        main: dict[str, Any] = {"description": spec.response_description}
        stream = spec.stream_media_type
        if stream and _status_allows_body(status):
            main["content"] = {stream: {"itemSchema": self._stream_item(spec, unique_id)}}
        elif media and _status_allows_body(status):
            if media == "application/json" or media.endswith("+json"):
                schema = {}
                if spec.response_model is not None:
                    schema = self.schema_of(spec.response_model, param=raw, output=True)
                    if "$ref" not in schema:  # FastAPI titles inline response schemas
                        schema = {**schema, "title": _title(f"Response_{unique_id}")}
            else:
                schema = {"type": "string"}
            main["content"] = {media: {"schema": schema}}
        responses[status] = main
        for code, extra in (spec.responses or {}).items():
            key = str(int(code)) if isinstance(code, int) else str(code).upper()
            if key == "DEFAULT":
                key = "default"
            response = dict(extra)
            model = response.pop("model", None)
            target = responses.setdefault(key, {})
            if model is not None:
                content = response.setdefault("content", {})
                content = {k: dict(v) for k, v in content.items()}
                response["content"] = content
                entry = content.setdefault(media or "application/json", {})
                schema = self.schema_of(model, param=raw, output=True)
                entry["schema"] = {**entry.get("schema", {}), **schema}
            try:
                phrase: str | None = http.HTTPStatus(int(key)).phrase
            except ValueError:
                phrase = _STATUS_RANGES.get(key.upper())
            description = response.get("description") or target.get("description") or phrase
            _deep_update(target, response)
            target["description"] = description or "Additional Response"
        if (
            has_input
            and "422" not in responses
            and "4XX" not in responses
            and ("default" not in responses)
        ):
            responses["422"] = _response_422()
            self._needs_422 = True
        return responses


def _sse_event_schema() -> dict[str, Any]:
    """One Server-Sent Event, as FastAPI documents a `text/event-stream` item."""
    return {
        "type": "object",
        "properties": {
            "data": {"type": "string"},
            "event": {"type": "string"},
            "id": {"type": "string"},
            "retry": {"type": "integer", "minimum": 0},
        },
    }


class _Settings(typing.NamedTuple):
    """The documented settings of a Param (FastAPI's attribute names)."""

    multiple_of: Any
    le: Any
    ge: Any
    lt: Any
    gt: Any
    min_length: Any
    max_length: Any
    pattern: Any
    regex: Any
    title: Any
    description: Any
    deprecated: Any
    examples: Any
    json_schema_extra: Any
    include_in_schema: Any
    openapi_examples: Any
    example: Any


_NO_EXAMPLE = object()
_SETTING_DEFAULTS = {"include_in_schema": True, "example": _NO_EXAMPLE}
# PERF: one C-level read of every setting per parameter instead of ~18 getattr calls
# (benchmarks/bench_openapi.py); objects lacking some attribute take the slow path.
_read_settings = operator.attrgetter(*_Settings._fields)


_as_settings = tuple.__new__  # a NamedTuple from a ready tuple, without its Python __new__


def _settings(info: Any) -> _Settings:
    try:
        values = _read_settings(info)
    except AttributeError:
        values = tuple(getattr(info, n, _SETTING_DEFAULTS.get(n)) for n in _Settings._fields)
    return _as_settings(_Settings, values)


def _apply_constraints(schema: dict[str, Any], s: _Settings) -> None:
    """Copy a Param's value constraints into `schema`, in pydantic's order.

    As pydantic does, the constraints of an optional field go inside the non-null branch of
    its `anyOf`.
    """
    target = schema
    members = schema.get("anyOf")
    if members is not None:
        others = [i for i, m in enumerate(members) if m != _NULL]
        if len(others) == 1 and len(members) == 2 and "$ref" not in members[others[0]]:
            members = list(members)
            target = members[others[0]] = dict(members[others[0]])
            schema["anyOf"] = members
    is_array = target.get("type") == "array"
    for value, key in (
        (s.multiple_of, "multipleOf"),
        (s.le, "maximum"),
        (s.ge, "minimum"),
        (s.lt, "exclusiveMaximum"),
        (s.gt, "exclusiveMinimum"),
        (s.min_length, "minItems" if is_array else "minLength"),
        (s.max_length, "maxItems" if is_array else "maxLength"),
    ):
        if value is not None:
            target[key] = value
    pattern = s.pattern or s.regex
    if pattern is not None:
        target["pattern"] = pattern if isinstance(pattern, str) else pattern.pattern


def _add_example(target: dict[str, Any], example: Any) -> None:
    """The deprecated `example=` of a Param, as FastAPI still writes it (`"example": ...`)."""
    if example is not _NO_EXAMPLE and example is not Undefined:
        ok, value = _jsonable(example)
        target["example"] = value if ok else example


def _callback_specs(spec: OperationSpec) -> Sequence[OperationSpec]:
    callbacks = spec.callbacks
    if not callbacks or isinstance(callbacks, Mapping):
        return ()
    return [c for c in callbacks if isinstance(c, OperationSpec)]


def _without_nulls(schema: Any) -> Any:
    """`schema` without null-valued keys (FastAPI serves its document with `exclude_none`)."""
    if isinstance(schema, dict):
        return {k: _without_nulls(v) for k, v in schema.items() if v is not None}
    if isinstance(schema, list):
        return [_without_nulls(v) for v in schema]
    return schema
