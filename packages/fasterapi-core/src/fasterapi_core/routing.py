"""Routes and routers: `APIRoute`, `APIWebSocketRoute`, `Mount`, `FasterRouter` (`APIRouter`).

Each `APIRoute` compiles its endpoint into a `Plan` when it is created; `handle()` then runs
the plan and sends the result. The JSON fast path encodes with one shared msgspec encoder and
sends exactly two ASGI messages with pre-encoded headers.
"""

from __future__ import annotations

import contextvars
import dataclasses
import enum
import inspect
import logging
import re
import types
import typing
import warnings
import weakref
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any, TypeVar

import msgspec

from fasterapi_core import sse as sse_module
from fasterapi_core._concurrency import run_in_threadpool, step_generator
from fasterapi_core._plan.compile import (
    ASYNC,
    NEEDS_CONTEXT,
    SYNC,
    Plan,
    compile_plan,
    contains_pydantic,
    generate_body_caller,
    generate_fast_starter,
    generate_starter,
    run_steps,
)
from fasterapi_core._plan.context import Context
from fasterapi_core._plan.convert import is_class, is_typeddict, strip_optional
from fasterapi_core._plan.errors import pydantic_response_errors, validation_errors
from fasterapi_core._plan.fill import dataclass_filler
from fasterapi_core._streaming import (
    generator_caller,
    is_generator_callable,
    item_encoder,
    jsonl_body,
    sse_body,
    stream_item_type,
)
from fasterapi_core.background import _mark_after_response, _mark_logged
from fasterapi_core.exception_handlers import request_validation_exception_handler
from fasterapi_core.exceptions import (
    FastAPIError,
    HTTPException,
    RequestValidationError,
    ResponseValidationError,
    WebSocketRequestValidationError,
)
from fasterapi_core.params import DependsInfo
from fasterapi_core.request import ClientDisconnect, Request
from fasterapi_core.responses import (
    JSONResponse,
    Response,
    StreamingResponse,
    encode_json,
    encode_json_safe,
    jsonable,
)
from fasterapi_core.sse import KEEPALIVE_COMMENT, EventSourceResponse, ServerSentEvent

logger = logging.getLogger("fasterapi")

__all__ = (
    "APIRoute",
    "APIRouter",
    "APIWebSocketRoute",
    "FasterRouter",
    "Mount",
    "NoMatchFound",
    "Route",
    "generate_unique_id",
)

F = TypeVar("F", bound=Callable[..., Any])

_CT_JSON = (b"content-type", b"application/json")
_NO_BODY = frozenset({204, 304})
_CONTENT_LENGTH = b"content-length"
# PERF: ready-made header pairs for the first 8 KiB of body lengths; formatting the number and
# building the tuple per response costs more than the lookup (benchmarks/bench_core.py::health).
_LENGTH_HEADERS = tuple((_CONTENT_LENGTH, str(n).encode()) for n in range(8192))


def _length_header(n: int) -> tuple[bytes, bytes]:
    return _LENGTH_HEADERS[n] if n < 8192 else (_CONTENT_LENGTH, str(n).encode())


def _body_content_type(headers: Sequence[tuple[bytes, bytes]], limit: int) -> bytes | None:
    """The request's first content-type (as FastAPI's `request.headers.get()`), after checking
    its last Content-Length: not a number is a 400, more than `limit` bytes a 413."""
    content_type: bytes | None = None
    length: bytes | None = None
    for key, value in headers:
        if key == b"content-type":
            if content_type is None:
                content_type = value
        elif key == _CONTENT_LENGTH:
            length = value
    if length is not None:
        try:
            declared = int(length)
        except ValueError:
            raise HTTPException(400, "Invalid Content-Length header") from None
        if declared > limit:
            raise HTTPException(413, "Request body too large")
    return content_type


def _json_start(status: int, body: bytes) -> dict[str, Any]:
    """The `http.response.start` message of a JSON answer carrying `body`."""
    size = len(body)
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [_CT_JSON, _LENGTH_HEADERS[size] if size < 8192 else _length_header(size)],
    }


# `{class: sent as is?}` for the values handlers return. A value is sent as is when its class is
# our `Response` or has the ASGI response interface (Starlette's `Response` and subclasses, so
# core never imports Starlette). PERF: classified once per class; the JSON types are known up
# front, so the fast paths pay one dict lookup (benchmarks/bench_core.py::health).
_SENT_AS_IS: dict[type, bool] = dict.fromkeys(
    (dict, list, tuple, str, int, float, bool, type(None)), False
)
_SENT_AS_IS_MAX = 4096  # classes made per request must not grow the table without bound


def _sent_as_is(value: Any) -> bool:
    """True when `value` is a response object to send as it is (not content to encode)."""
    cls = type(value)
    known = _SENT_AS_IS.get(cls)
    if known is None:
        known = _is_response_type(cls)
        if len(_SENT_AS_IS) < _SENT_AS_IS_MAX:
            _SENT_AS_IS[cls] = known
    return known


def _is_response_type(cls: type) -> bool:
    if issubclass(cls, Response):
        return True
    call = next((vars(k)["__call__"] for k in cls.__mro__[:-1] if "__call__" in vars(k)), None)
    # Starlette's shape: `async def __call__(scope, receive, send)`, `headers`, `media_type`.
    return (
        call is not None
        and inspect.iscoroutinefunction(call)
        and hasattr(cls, "headers")
        and hasattr(cls, "media_type")
    )


class NoMatchFound(Exception):
    """`url_path_for` found no route with that name and parameters."""

    def __init__(self, name: str, path_params: Mapping[str, Any]) -> None:
        params = ", ".join(path_params)
        super().__init__(f'No route exists for name "{name}" and params "{params}".')


class _DefaultPlaceholder:
    """Marks a keyword the caller did not pass (so a router's default may apply)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return bool(self.value)


def Default(value: Any) -> Any:
    """Wrap a default so routers can tell "not given" from an explicit value."""
    return _DefaultPlaceholder(value)


def _resolve_default(*values: Any) -> Any:
    for value in values:
        if not isinstance(value, _DefaultPlaceholder):
            return value
    last = values[-1]
    return last.value if isinstance(last, _DefaultPlaceholder) else last


def generate_unique_id(route: APIRoute) -> str:
    """FastAPI's default operation id: `f"{name}{path}_{method}"` with non-word characters as `_`."""
    operation_id = f"{route.name}{route.path_format}"
    operation_id = re.sub(r"\W", "_", operation_id)
    return f"{operation_id}_{sorted(route.methods)[0].lower()}"


_CONVERTER = re.compile(r"{([^{}:]+):(int|float|str|uuid)}")


def _openapi_path(path: str) -> str:
    return re.sub(r"{([^{}:]+)(?::[^{}]*)?}", r"{\1}", path)


# --- response models ------------------------------------------------------------------------

_PASSTHROUGH = (Any, object, dict, list, None, type(None))


def _is_subclass(tp: Any, base: type) -> bool:
    return is_class(tp) and issubclass(tp, base)


def _is_response_class(tp: Any) -> bool:
    return is_class(tp) and issubclass(tp, Response)


_UNDECODED = object()  # no body decoded by the route itself (see `APIRoute.handle`)


def _no_body_call(value: Any) -> Any:
    raise AssertionError("called only for a route whose _body_decode is set")


# The converters that return a value of exactly this type unchanged (a Struct or plain class
# response model): the route skips the call for such a value.
_EXACT_TYPE: weakref.WeakKeyDictionary[Callable[[Any], Any], type] = weakref.WeakKeyDictionary()


def _response_converter(
    model: Any, dump_options: Mapping[str, Any] | None = None
) -> Callable[[Any], Any] | None:
    """A function validating/filtering a return value against `model`, or None if not needed.

    `dump_options` (by_alias, include, exclude, exclude_unset/defaults/none) are pydantic's
    serialization options: a pydantic model's value is dumped with them, as FastAPI does.
    """
    options = dict(dump_options or {"by_alias": True})
    if model in _PASSTHROUGH or _is_response_class(model):
        return None
    origin = typing.get_origin(model)
    if origin is typing.Union or origin is types.UnionType:
        args = typing.get_args(model)
        if any(_is_response_class(a) for a in args):
            return None
    if is_class(model) and hasattr(model, "model_validate") and hasattr(model, "model_fields"):
        dump_model = model.__pydantic_serializer__.to_python

        def convert_pydantic(value: Any) -> Any:
            if not isinstance(value, model):
                if hasattr(value, "model_dump"):
                    value = value.model_dump()
                value = validate_model(value)
            # By alias unless response_model_by_alias=False (FastAPI's default).
            return dump_model(value, mode="json", **options)

        def validate_model(value: Any) -> Any:
            try:
                return model.model_validate(value, from_attributes=True)
            except Exception as exc:
                errors = pydantic_response_errors(exc)
                if errors is None:
                    raise
                raise ResponseValidationError(errors) from None

        return convert_pydantic
    if contains_pydantic(model):
        from pydantic import TypeAdapter

        adapter = TypeAdapter(model)

        def convert_with_pydantic(value: Any) -> Any:
            try:
                validated = adapter.validate_python(value, from_attributes=True)
            except Exception as exc:
                errors = pydantic_response_errors(exc)
                if errors is None:
                    raise
                raise ResponseValidationError(errors, body=value) from None
            return adapter.dump_python(validated, mode="json", **options)

        return convert_with_pydantic
    try:
        msgspec.json.Decoder(model)
    except TypeError:
        # A type msgspec cannot validate (e.g. an arbitrary class): returned values pass as they are.
        return None
    exact = model if is_class(model) else None
    convert = msgspec.convert
    to_builtins = msgspec.to_builtins

    def convert_value(value: Any) -> Any:
        # PERF: an instance of exactly the model needs no conversion (benchmarks/bench_core.py::body).
        if exact is not None and type(value) is exact:
            return value
        try:
            return convert(value, model, from_attributes=True, strict=False)
        except msgspec.ValidationError as exc:
            try:
                data = to_builtins(value)
            except Exception:
                data = None
            raise ResponseValidationError(
                validation_errors(exc, ["response"], data), body=value
            ) from None
        except TypeError:
            # Unusual objects: go through builtins first.
            try:
                return convert(to_builtins(value, enc_hook=_to_builtins_hook), model, strict=False)
            except msgspec.ValidationError as exc:
                raise ResponseValidationError(
                    validation_errors(exc, ["response"]), body=value
                ) from None

    fill = dataclass_filler(model)
    if fill is not None:
        # msgspec leaves a dataclass's plain defaults out of the instance (the class attribute
        # answers reads), so the encoder would skip them: FastAPI sends every field.

        def convert_and_fill(value: Any) -> Any:
            return fill(convert_value(value))

        return convert_and_fill
    if exact is not None:
        _EXACT_TYPE[convert_value] = exact
    return convert_value


def _has_model(tp: Any) -> bool:
    """True when `tp` is, or contains, a Struct, dataclass, TypedDict or pydantic model."""
    if is_class(tp):
        if issubclass(tp, msgspec.Struct) or dataclasses.is_dataclass(tp) or is_typeddict(tp):
            return True
        return hasattr(tp, "model_validate") and hasattr(tp, "model_fields")
    return any(_has_model(arg) for arg in typing.get_args(tp))


def _to_builtins_hook(obj: Any) -> Any:
    dump = getattr(obj, "model_dump", None)
    if dump is not None:
        return dump()
    if hasattr(obj, "__dict__"):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise TypeError(f"cannot convert {type(obj).__name__}")


def _prune(value: Any, *, drop_none: bool, include: Any, exclude: Any, top: bool = True) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if top and include is not None and key not in include:
                continue
            if top and exclude is not None and key in exclude:
                continue
            if drop_none and item is None:
                continue
            out[key] = _prune(item, drop_none=drop_none, include=None, exclude=None, top=False)
        return out
    if isinstance(value, list):
        return [
            _prune(v, drop_none=drop_none, include=include, exclude=exclude, top=top) for v in value
        ]
    return value


def _holds_dataclass(model: Any) -> bool:
    """True for a dataclass response model, or a list/set/tuple of one."""
    args = typing.get_args(model)
    if typing.get_origin(model) in (list, set, tuple, Sequence) and args:
        model = args[0]
    return is_class(model) and dataclasses.is_dataclass(model)


def _defaults_of(model: Any) -> dict[str, Any]:
    """`{field: default}` of a response model (or of the item model of `list[Model]`)."""
    args = typing.get_args(model)
    if typing.get_origin(model) in (list, set, tuple, Sequence) and args:
        model = args[0]
    if not is_class(model):
        return {}
    if issubclass(model, msgspec.Struct):
        return {
            f.encode_name: f.default
            for f in msgspec.structs.fields(model)
            if f.default is not msgspec.NODEFAULT
        }
    if dataclasses.is_dataclass(model):
        return {
            f.name: f.default
            for f in dataclasses.fields(model)
            if f.default is not dataclasses.MISSING
        }
    fields = getattr(model, "model_fields", None)
    if isinstance(fields, dict):
        return {name: f.default for name, f in fields.items() if not f.is_required()}
    return {}


def _drop_defaults(data: Any, defaults: dict[str, Any]) -> Any:
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not (k in defaults and defaults[k] == v)}
    if isinstance(data, list):
        return [_drop_defaults(item, defaults) for item in data]
    return data


def _keep_set(data: Any, original: Any, defaults: dict[str, Any]) -> Any:
    """Keep only the fields the handler set: the keys of a returned dict, pydantic's
    `model_fields_set`; for other objects (Structs do not track it), the non-default ones."""
    if isinstance(data, list) and isinstance(original, (list, tuple)):
        return [_keep_set(d, o, defaults) for d, o in zip(data, original, strict=False)]
    if not isinstance(data, dict):
        return data
    if isinstance(original, dict):
        return {k: v for k, v in data.items() if k in original}
    fields_set = getattr(original, "model_fields_set", None)
    if fields_set is not None:
        return {k: v for k, v in data.items() if k in fields_set}
    return _drop_defaults(data, defaults)


# --- routes ---------------------------------------------------------------------------------


class BaseRoute:
    """What every route has: a path template and a name."""

    __slots__ = ("__dict__",)

    path: str
    name: str | None
    include_in_schema: bool = True

    def operation_spec(self) -> Any:
        """No OpenAPI description by default."""
        return None


class APIRoute(BaseRoute):
    """One HTTP endpoint with its compiled plan.

    Args:
        path: The path template (`/items/{item_id}`; `{name:path}` for a catch-all).
        endpoint: The handler.
        **options: `FasterRouter.add_api_route`'s keywords.
    """

    __slots__ = ()

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        response_model: Any = Default(None),
        status_code: int | None = None,
        tags: Sequence[str | enum.Enum] | None = None,
        dependencies: Sequence[Any] | None = None,
        summary: str | None = None,
        description: str | None = None,
        response_description: str = "Successful Response",
        responses: Mapping[int | str, Mapping[str, Any]] | None = None,
        deprecated: bool | None = None,
        name: str | None = None,
        methods: Sequence[str] | set[str] | None = None,
        operation_id: str | None = None,
        response_model_include: Any = None,
        response_model_exclude: Any = None,
        response_model_by_alias: bool = True,
        response_model_exclude_unset: bool = False,
        response_model_exclude_defaults: bool = False,
        response_model_exclude_none: bool = False,
        include_in_schema: bool = True,
        response_class: type[Response] | Any = Default(JSONResponse),
        dependency_overrides_provider: Any = None,
        callbacks: list[Any] | None = None,
        openapi_extra: dict[str, Any] | None = None,
        generate_unique_id_function: Callable[[APIRoute], str] | Any = Default(generate_unique_id),
        max_body_size: int | None = None,
        default_max_body_size: int = 1_048_576,
        form_limits: Any = None,
    ) -> None:
        # A bare name ("new-subscription") is fine for webhooks; the app refuses it when routing.
        self.path = path
        self.path_format = _openapi_path(path)
        self.endpoint = endpoint
        self.name = (
            name if name is not None else getattr(endpoint, "__name__", type(endpoint).__name__)
        )
        self.methods = {m.upper() for m in (methods or ("GET",))}
        self.status_code = status_code
        self.tags = list(tags or [])
        self.dependencies = list(dependencies or [])
        self.summary = summary
        self.description = description
        self.response_description = response_description
        self.responses = dict(responses or {})
        self.deprecated = deprecated
        self.operation_id = operation_id
        self.response_model_include = response_model_include
        self.response_model_exclude = response_model_exclude
        self.response_model_by_alias = response_model_by_alias
        self.response_model_exclude_unset = response_model_exclude_unset
        self.response_model_exclude_defaults = response_model_exclude_defaults
        self.response_model_exclude_none = response_model_exclude_none
        self.include_in_schema = include_in_schema
        self.response_class = _resolve_default(response_class)
        self._response_class_option = response_class
        self.dependency_overrides_provider = dependency_overrides_provider
        self.callbacks = callbacks
        self.openapi_extra = openapi_extra
        self.generate_unique_id_function = _resolve_default(generate_unique_id_function)
        self._unique_id_option = generate_unique_id_function
        self.max_body_size = max_body_size if max_body_size is not None else default_max_body_size
        self._max_body_option = max_body_size
        self.form_limits = form_limits
        for dep in self.dependencies:
            if not isinstance(dep, DependsInfo):
                raise FastAPIError(f"dependencies=[...] takes Depends(...) objects, got {dep!r}")
        # A path operation that yields streams its items (FastAPI >= 0.135): JSON Lines with
        # the default response class, Server-Sent Events with EventSourceResponse, else the
        # generator is the content of `response_class`. The OpenAPI builder reads these three.
        self._streams = is_generator_callable(endpoint)
        self.is_sse_stream = self._streams and _is_subclass(
            self.response_class, EventSourceResponse
        )
        self.is_json_stream = self._streams and isinstance(response_class, _DefaultPlaceholder)
        self.stream_item_type: Any = None
        validate = True
        annotation = None
        if isinstance(response_model, _DefaultPlaceholder):
            annotation = _return_annotation(endpoint)
        item = stream_item_type(annotation) if self._streams else None
        if item is not None:
            # The annotation describes the items, not one response value.
            if (self.is_json_stream or self.is_sse_stream) and not _is_subclass(
                item, ServerSentEvent
            ):
                self.stream_item_type = item
            self.response_model = None
            validate = False
        elif isinstance(response_model, _DefaultPlaceholder):
            self.response_model = None if _is_response_class(annotation) else annotation
            # PERF: a return annotation made only of builtins (`-> dict[str, int]`) documents the
            # response but is not re-validated: there is nothing to filter, and the conversion
            # would copy every response (benchmarks/bench_core.py::list). An explicit
            # `response_model=` is always enforced, as is any annotation holding a model.
            validate = _has_model(self.response_model)
        else:
            self.response_model = response_model
        self._response_model_option = response_model
        if status_code is not None and status_code in _NO_BODY:
            self.response_model = None
        self.unique_id = self.operation_id or self.generate_unique_id_function(self)
        # A pydantic model is dumped by the converter with FastAPI's options (by alias first).
        dump_options = {
            "by_alias": response_model_by_alias,
            "include": response_model_include,
            "exclude": response_model_exclude,
            "exclude_unset": response_model_exclude_unset,
            "exclude_defaults": response_model_exclude_defaults,
            "exclude_none": response_model_exclude_none,
        }
        self._convert_response = (
            _response_converter(self.response_model, dump_options) if validate else None
        )
        pydantic_model = self._convert_response is not None and contains_pydantic(
            self.response_model
        )
        if self.response_model is None:
            # As FastAPI, which runs a route's value through jsonable_encoder when there is no
            # response model: timedelta as seconds, datetime.isoformat(), bytes as text,
            # Decimal as a number. PERF: a route with a return annotation or response_model
            # keeps the plain msgspec encoding, which matches pydantic's JSON mode for these
            # (benchmarks/bench_core.py endpoints are all annotated).
            self._convert_response = jsonable
        # PERF: a returned instance of exactly the response model's class goes to the encoder
        # without the converter call, which would return it as is (benchmarks/bench_core.py::body).
        self._exact_response: type | None = (
            None if self._convert_response is None else _EXACT_TYPE.get(self._convert_response)
        )
        self._pruning = not pydantic_model and bool(
            response_model_exclude_none
            or response_model_include is not None
            or response_model_exclude is not None
            or response_model_exclude_defaults
            or response_model_exclude_unset
        )
        self._model_defaults = _defaults_of(self.response_model) if self._pruning else {}
        # As FastAPI (pydantic): a dataclass keeps no record of the fields set, so
        # response_model_exclude_unset sends them all.
        self._exclude_unset = response_model_exclude_unset and not _holds_dataclass(
            self.response_model
        )
        # PERF: the default JSON path skips building a response object (benchmarks/bench_core.py::health).
        self._fast_json = self.response_class is JSONResponse
        self._status = status_code or 200
        self._stream_encode = (
            item_encoder(
                self.stream_item_type,
                by_alias=response_model_by_alias,
                exclude_unset=response_model_exclude_unset,
                exclude_defaults=response_model_exclude_defaults,
                exclude_none=response_model_exclude_none,
            )
            if self._streams
            else None
        )
        self._inline_json = (
            self._fast_json
            and not self._streams
            and not self._pruning
            and self._status not in _NO_BODY
            and self._status >= 200
        )
        self._overrides_version = -1
        self.plan: Plan = self._compile()
        # FastAPI's custom route class: a subclass overriding `get_route_handler` is served
        # through what it returns. Decided once here; other routes keep the compiled paths.
        self._route_handler: Callable[[Request], Awaitable[Any]] | None = None
        if type(self).get_route_handler is not APIRoute.get_route_handler:
            self._route_handler = self.get_route_handler()
            self.handle = self._handle_with_route_handler  # type: ignore[method-assign]

    # -- compilation ------------------------------------------------------------------------

    def _overrides(self) -> Mapping[Any, Any]:
        provider = self.dependency_overrides_provider
        if provider is None:
            return {}
        overrides: Mapping[Any, Any] = getattr(provider, "dependency_overrides", {})
        return overrides

    def _compile(self) -> Plan:
        overrides = self._overrides()
        self._overrides_version = getattr(overrides, "version", 0)
        # A generator endpoint is called through a coroutine returning its generator: the plan
        # must not run it as a generator dependency.
        call = generator_caller(self.endpoint) if self._streams else self.endpoint
        plan = compile_plan(call, self.path, dependencies=self.dependencies, overrides=overrides)
        step = plan.steps[-1]
        # PERF: an endpoint without parameters or dependencies is awaited directly
        # (benchmarks/bench_core.py::health).
        plain = plan.simple and step.kind in (ASYNC, SYNC) and not self._streams
        self._direct = plain and not step.args and plan.body is None
        self._single = plain and bool(step.args)
        self._body_plan = plan.body
        self._json_body = plan.body is not None and plan.body.kind == "json"
        # A lone `bytes` body takes the raw bytes of a non-JSON body, as in FastAPI.
        self._bytes_body: str | None = None
        body = plan.body
        if (
            body is not None
            and body.kind == "json"
            and not body.embed
            and len(body.fields) == 1
            and strip_optional(body.fields[0].annotation) is bytes
        ):
            self._bytes_body = body.fields[0].name
        self._args = step.args
        self._direct_async = step.kind == ASYNC
        self._starter = generate_starter(step) if self._single and step.kind == ASYNC else None
        # The endpoint called with its lone JSON body as decoded by `_body_decode` (None when
        # the route has more to read or check, or the body is no plain msgspec type).
        self._body_decode: Callable[[bytes], Any] | None = None
        self._body_call: Callable[[Any], Any] = _no_body_call
        # PERF: plain path/query/header arguments read with no Context when they need no
        # extractor (benchmarks/bench_core.py::path, ::query, ::route100).
        self._fast_start = (
            generate_fast_starter(step) if self._starter is not None and plan.body is None else None
        )
        body_call = generate_body_caller(step) if self._starter is not None else None
        if body_call is not None and body is not None and self._bytes_body is None:
            self._body_decode = body.decode
            self._body_call = body_call
        return plan

    def _current_plan(self) -> Plan:
        provider = self.dependency_overrides_provider
        if provider is not None:
            version = getattr(provider.dependency_overrides, "version", 0)
            if version != self._overrides_version:
                self.plan = self._compile()
        return self.plan

    def clone(self, **changes: Any) -> APIRoute:
        """A copy of this route with some options changed (used by `include_router`)."""
        options = {
            "response_model": self._response_model_option,
            "status_code": self.status_code,
            "tags": self.tags,
            "dependencies": self.dependencies,
            "summary": self.summary,
            "description": self.description,
            "response_description": self.response_description,
            "responses": self.responses,
            "deprecated": self.deprecated,
            "name": self.name,
            "methods": self.methods,
            "operation_id": self.operation_id,
            "response_model_include": self.response_model_include,
            "response_model_exclude": self.response_model_exclude,
            "response_model_by_alias": self.response_model_by_alias,
            "response_model_exclude_unset": self.response_model_exclude_unset,
            "response_model_exclude_defaults": self.response_model_exclude_defaults,
            "response_model_exclude_none": self.response_model_exclude_none,
            "include_in_schema": self.include_in_schema,
            "response_class": self._response_class_option,
            "dependency_overrides_provider": self.dependency_overrides_provider,
            "callbacks": self.callbacks,
            "openapi_extra": self.openapi_extra,
            "generate_unique_id_function": self._unique_id_option,
            "max_body_size": self._max_body_option,
            "default_max_body_size": self.max_body_size,
            "form_limits": self.form_limits,
        }
        path = changes.pop("path", self.path)
        route_class = changes.pop("route_class", type(self))
        options.update(changes)
        route: APIRoute = route_class(path, self.endpoint, **options)
        return route

    # -- custom route classes ---------------------------------------------------------------

    def get_route_handler(self) -> Callable[[Request], Awaitable[Any]]:
        """The `async (request) -> Response` function that serves this route (FastAPI's hook).

        Override it in a subclass to wrap the handler: call `super().get_route_handler()` and
        return your own `async def handler(request)` around it. The body is read through the
        `request` given to the handler, so a `Request` subclass with its own `body()` (e.g.
        one that un-gzips) is honoured, and the endpoint receives that request object.
        Validation errors are raised as `RequestValidationError`, which the wrapper may catch.

        Returns:
            The route handler; it returns the `Response` instead of sending it.
        """
        return self._respond

    async def _respond(self, request: Request) -> Any:
        plan = self._current_plan()
        scope = request.scope
        ctx = Context(scope, request.receive, request._send, scope.get("path_params") or {})
        ctx.request = request
        if request._max_body_size is None:
            request._max_body_size = self.max_body_size
        try:
            if plan.body is not None and not await self._read_request_body(plan, ctx, request):
                raise ClientDisconnect
            value = await run_steps(plan, ctx)
            response = self._response_for(value, ctx)
        except BaseException as exc:
            if ctx.exits:
                await _teardown(ctx, exc)
            await _close_form(ctx)
            raise
        pending = _PENDING.get()
        if pending is not None:
            pending.append(ctx)  # finished by the route once the response is sent
        else:
            # Called outside the app (a test calling the handler): finish now.
            await _finish([ctx], None)
        return response

    async def _handle_with_route_handler(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, path_params: dict[str, Any]
    ) -> None:
        """`handle` for a route class overriding `get_route_handler`."""
        handler = self._route_handler
        assert handler is not None
        request = Request(scope, receive, send)
        request._max_body_size = self.max_body_size
        pending: list[Context] = []
        token = _PENDING.set(pending)
        try:
            response = await handler(request)
            await _call_response(response, scope, receive, send)
        except BaseException as exc:
            await _finish(pending, exc)
            raise
        finally:
            _PENDING.reset(token)
        try:
            await _finish(pending, None)
        except Exception as exc:
            # The response is out: log, then let it reach the server, as FastAPI does.
            logger.exception("a dependency with yield failed after the response was sent")
            _mark_after_response(exc)
            _mark_logged(exc)
            raise

    async def _read_request_body(self, plan: Plan, ctx: Context, request: Request) -> bool:
        """`_read_body` through `request` (its `body()`/`json()` may be overridden)."""
        body_plan = plan.body
        assert body_plan is not None
        ctx.body_errors = []
        ctx.body_values = {}
        if body_plan.kind == "form":
            return await self._read_form(body_plan, ctx)
        try:
            body = await request.body()
        except ClientDisconnect:
            return False
        content_type = _first_content_type(request.scope)
        if body and type(request).json is not Request.json and _is_json_type(content_type):
            # A Request subclass decoding its own JSON: validate what it gives.
            body = msgspec.json.encode(await request.json())
        self._accept_body(body_plan, ctx, body, content_type)
        return True

    def _response_for(self, value: Any, ctx: Context) -> Any:
        """The response object for the endpoint's return value (what `_send` would send)."""
        if self._streams:
            return self._stream_response(value, ctx)
        if _sent_as_is(value):
            if ctx.background is not None and value.background is None:
                value.background = ctx.background
            return value
        original = value
        if self._convert_response is not None:
            value = self._convert_response(value)
        if self._pruning:
            value = self._prune(value, original)
        return self._build_response(value, ctx)

    def _stream_response(self, source: Any, ctx: Context) -> Any:
        """The streaming response for the generator a yielding endpoint returned."""
        temp = ctx.response
        status = self.status_code
        if temp is not None and temp.status_code is not None:
            status = temp.status_code
        options: dict[str, Any] = {"background": ctx.background}
        if status is not None:
            options["status_code"] = status
        encode = self._stream_encode
        assert encode is not None
        response: Any
        body: Any
        if self.is_sse_stream:
            body = sse_body(
                source, encode, ping_interval=sse_module.PING_INTERVAL, ping=KEEPALIVE_COMMENT
            )
            response = StreamingResponse(body, media_type="text/event-stream", **options)
            response.headers["Cache-Control"] = "no-cache"
            response.headers["X-Accel-Buffering"] = "no"  # nginx: do not buffer the events
        elif self.is_json_stream:
            body = jsonl_body(source, encode)
            response = StreamingResponse(body, media_type="application/jsonl", **options)
        else:
            response = self.response_class(content=source, **options)
        if temp is not None and temp.raw_headers:
            response.raw_headers.extend(temp.raw_headers)
        return response

    def _build_response(self, value: Any, ctx: Context) -> Any:
        temp = ctx.response
        status = self.status_code
        if temp is not None and temp.status_code is not None:
            status = temp.status_code
        if status is None:
            # As in FastAPI: the class's own default (RedirectResponse: 307).
            response = self.response_class(value)
        elif status in _NO_BODY or status < 200:
            response = self.response_class(status_code=status)
            response.body = b""  # a class rendering None (JSON's "null") sends nothing either
        else:
            response = self.response_class(value, status_code=status)
        if temp is not None and temp.raw_headers:
            response.raw_headers.extend(temp.raw_headers)
        response.background = ctx.background
        return response

    # -- the request path -------------------------------------------------------------------

    def _encode_value(self, value: Any) -> bytes:
        """The JSON body of the endpoint's return value (through the response model)."""
        convert = self._convert_response
        if convert is None or type(value) is self._exact_response:
            return encode_json(value)
        return encode_json(convert(value))

    async def handle(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, path_params: dict[str, Any]
    ) -> None:
        """Run the endpoint for one request and send its response."""
        # PERF: the fast paths below skip the generic plan runner, the temporary-response merge
        # and a coroutine frame or two each (benchmarks/bench_core.py::health, ::path, ::body).
        ctx: Context | None
        if self._direct:
            value = (
                await self.endpoint()
                if self._direct_async
                else await run_in_threadpool(self.endpoint)
            )
            if self._inline_json and _SENT_AS_IS.get(type(value)) is False:
                body = self._encode_value(value)
                await send(_json_start(self._status, body))
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else body,
                    }
                )
                return
            ctx = Context(scope, receive, send, path_params)
            await self._send(value, ctx, scope, receive, send)
            return
        if self._single:
            body_plan = self._body_plan
            # None while no Context is needed: a lone body the route decoded itself.
            ctx = None
            try:
                if body_plan is None:
                    fast_start = self._fast_start
                    if fast_start is None:
                        ctx = Context(scope, receive, send, path_params)
                    else:
                        coroutine = fast_start(scope, path_params, receive, send)
                        if type(coroutine) is Context:
                            # Some value failed: the Context holds the errors.
                            ctx = coroutine
                            await self._invalid(ctx, scope, receive, send)
                            return
                elif self._json_body:
                    # PERF: `_read_body` inline for a JSON body, one coroutine less
                    # (benchmarks/bench_core.py body 0.45 -> 0.49).
                    limit = self.max_body_size
                    content_type = _body_content_type(scope["headers"], limit)
                    message = await receive()
                    if (
                        content_type == b"application/json"
                        and message["type"] == "http.request"
                        and not message.get("more_body", False)
                    ):
                        raw_body = message.get("body") or b""
                        if len(raw_body) > limit:
                            raise HTTPException(413, "Request body too large")
                        decode = self._body_decode
                        decoded: Any = _UNDECODED
                        if decode is not None and raw_body:
                            # PERF: the endpoint takes only this body, which msgspec decodes
                            # with nothing else to check: decoded here and passed straight
                            # to the endpoint, with no Context, starter or read_single
                            # (benchmarks/bench_core.py::body). On any failure read_single
                            # decodes it again below and reports as usual.
                            try:
                                decoded = decode(raw_body)
                            except Exception:
                                decoded = _UNDECODED
                        if decoded is not _UNDECODED:
                            coroutine = self._body_call(decoded)
                        else:
                            ctx = Context(scope, receive, send, path_params)
                            ctx.body_errors = []
                            ctx.body_values = {}
                            ctx.raw_body = raw_body
                            body_plan.read(ctx, raw_body)
                    else:
                        ctx = Context(scope, receive, send, path_params)
                        ctx.body_errors = []
                        ctx.body_values = {}
                        if not await self._read_rest(
                            body_plan, ctx, message, receive, content_type
                        ):
                            return  # the client went away: nothing to answer
                else:
                    ctx = Context(scope, receive, send, path_params)
                    if not await self._read_body(self.plan, ctx, scope, receive):
                        return  # the client went away: nothing to answer
                if ctx is None:
                    value = await coroutine
                elif (starter := self._starter) is not None:
                    # PERF: generated code extracts the arguments and returns the endpoint's
                    # coroutine, no kwargs dict (benchmarks/bench_core.py::path, ::body).
                    coroutine = starter(ctx)
                    if coroutine is None:
                        await self._invalid(ctx, scope, receive, send)
                        return
                    value = await coroutine
                else:
                    kwargs = {name: extract(ctx) for name, extract in self._args}
                    if ctx.errors or ctx.body_errors:
                        await self._invalid(ctx, scope, receive, send)
                        return
                    value = await run_in_threadpool(self.endpoint, **kwargs)
                if (
                    self._inline_json
                    and (ctx is None or ctx.response is None)
                    and _SENT_AS_IS.get(type(value)) is False
                ):
                    body = self._encode_value(value)
                    await send(_json_start(self._status, body))
                    await send(
                        {
                            "type": "http.response.body",
                            "body": b"" if scope["method"] == "HEAD" else body,
                        }
                    )
                    if ctx is not None and ctx.background is not None:
                        await ctx.background()
                    return
                if ctx is None:
                    ctx = Context(scope, receive, send, path_params)
                await self._send(value, ctx, scope, receive, send)
            finally:
                if ctx is not None and ctx.request is not None:
                    await _close_form(ctx)
            return
        plan = self.plan
        provider = self.dependency_overrides_provider
        if (
            provider is not None
            and getattr(provider.dependency_overrides, "version", 0) != self._overrides_version
        ):
            plan = self._current_plan()
        fast_runner = plan.fast_runner
        if fast_runner is not None:
            # PERF: every argument a plain path/query/header value: the graph runs with no
            # Context unless some value needs the extractors (benchmarks/bench_core.py::deps).
            value = await fast_runner(scope, path_params)
            if value is not NEEDS_CONTEXT:
                if self._inline_json and _SENT_AS_IS.get(type(value)) is False:
                    body = self._encode_value(value)
                    await send(_json_start(self._status, body))
                    await send(
                        {
                            "type": "http.response.body",
                            "body": b"" if scope["method"] == "HEAD" else body,
                        }
                    )
                    return
                ctx = Context(scope, receive, send, path_params)
                await self._send(value, ctx, scope, receive, send)
                return
        ctx = Context(scope, receive, send, path_params)
        try:
            if plan.body is not None and not await self._read_body(plan, ctx, scope, receive):
                return  # the client went away: nothing to answer
            runner = plan.runner
            # PERF: an all-async graph's generated runner is awaited here, one coroutine
            # less than through run_steps (benchmarks/bench_core.py deps 0.48 -> 0.53).
            value = await (runner(ctx) if runner is not None else run_steps(plan, ctx))
        except BaseException as exc:
            if ctx.exits:
                await _teardown(ctx, exc)
            await _close_form(ctx)
            raise
        try:
            if self._inline_json and ctx.response is None and _SENT_AS_IS.get(type(value)) is False:
                body = self._encode_value(value)
                await send(_json_start(self._status, body))
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else body,
                    }
                )
                if ctx.background is not None:
                    await ctx.background()
            else:
                await self._send(value, ctx, scope, receive, send)
        except BaseException as exc:
            if ctx.exits:
                await _teardown(ctx, exc)
            await _close_form(ctx)
            raise
        if ctx.exits:
            try:
                await _teardown(ctx, None)
            except Exception as exc:
                # The response is out: log, then let it reach the server, as FastAPI does.
                logger.exception("a dependency with yield failed after the response was sent")
                _mark_after_response(exc)
                _mark_logged(exc)
                if ctx.request is not None:
                    await _close_form(ctx)
                raise
        if ctx.request is not None:
            await _close_form(ctx)

    async def _invalid(
        self, ctx: Context, scope: MutableMapping[str, Any], receive: Any, send: Any
    ) -> None:
        """Answer a validation failure: FastAPI's 422 directly, unless the app has its own handler."""
        provider = self.dependency_overrides_provider
        handlers = getattr(provider, "exception_handlers", None)
        if (
            handlers is not None
            and handlers.get(RequestValidationError) is request_validation_exception_handler
        ):
            # PERF: no exception, no Request, no handler call (benchmarks/bench_core.py::invalid).
            # Without body errors the list is sent as it is, and `encode_json_safe` is inlined
            # (a call less).
            body_errors = ctx.body_errors
            detail = {"detail": [*ctx.errors, *body_errors] if body_errors else ctx.errors}
            try:
                body = encode_json(detail)
            except UnicodeEncodeError:
                body = encode_json_safe(detail)
            await send(_json_start(422, body))
            await send(
                {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
            )
            return
        raise RequestValidationError([*ctx.errors, *ctx.body_errors], body=ctx.json_body)

    async def _read_body(
        self, plan: Plan, ctx: Context, scope: MutableMapping[str, Any], receive: Any
    ) -> bool:
        body_plan = plan.body
        assert body_plan is not None
        ctx.body_errors = []
        ctx.body_values = {}
        if body_plan.kind == "form":
            return await self._read_form(body_plan, ctx)
        limit = self.max_body_size
        content_type = _body_content_type(scope["headers"], limit)
        message = await receive()
        if (
            content_type == b"application/json"
            and message["type"] == "http.request"
            and not message.get("more_body", False)
        ):
            # PERF: the usual whole JSON body in one message: no chunk list, no loop, no
            # join, and no _accept_body call (benchmarks/bench_core.py body 0.45 -> 0.47).
            body = message.get("body") or b""
            if len(body) > limit:
                raise HTTPException(413, "Request body too large")
            ctx.raw_body = body
            body_plan.read(ctx, body)
            return True
        return await self._read_rest(body_plan, ctx, message, receive, content_type)

    async def _read_rest(
        self,
        body_plan: Any,
        ctx: Context,
        message: Any,
        receive: Any,
        content_type: bytes | None,
    ) -> bool:
        """Read a JSON body from its first message on, then validate it.

        Returns False when the client went away before the body was complete.
        """
        limit = self.max_body_size
        if message["type"] == "http.request" and not message.get("more_body", False):
            body = message.get("body") or b""
            if len(body) > limit:
                raise HTTPException(413, "Request body too large")
        else:
            chunks: list[bytes] = []
            size = 0
            while True:
                kind = message["type"]
                if kind == "http.request":
                    chunk = message.get("body", b"")
                    if chunk:
                        size += len(chunk)
                        if size > limit:
                            raise HTTPException(413, "Request body too large")
                        chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
                elif kind == "http.disconnect":
                    return False
                message = await receive()
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self._accept_body(body_plan, ctx, body, content_type)
        return True

    def _accept_body(
        self, body_plan: Any, ctx: Context, body: bytes, content_type: bytes | None
    ) -> None:
        """Validate a read JSON body; as in FastAPI, only a JSON media type is parsed."""
        ctx.raw_body = body
        # PERF: the exact usual header is compared first (benchmarks/bench_core.py::body).
        if body and content_type != b"application/json" and not _is_json_type(content_type):
            if self._bytes_body is not None:
                ctx.body_values[self._bytes_body] = body
                return
            # FastAPI (strict_content_type) does not parse it: the raw text is what gets
            # validated, so a model answers 422 with the text as `input`, and the handler
            # never runs on a cross-site `text/plain` or form post. A JSON string of the text
            # gives the plan exactly that value.
            body = msgspec.json.encode(body.decode("utf-8", "replace"))
        body_plan.read(ctx, body)

    async def _read_form(self, body_plan: Any, ctx: Context) -> bool:
        from fasterapi_core.forms import FormLimits, parse_form

        request = ctx.get_request()
        limits = self.form_limits if self.form_limits is not None else FormLimits()
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            # As in FastAPI (Starlette's request.form()): not a form body → an empty form,
            # so each required field reports itself missing. The body is never parsed.
            from fasterapi_core.forms import FormData

            form = FormData()
        else:
            declared = request.headers.get("content-length")
            if declared is not None and limits.max_body_size is not None:
                try:
                    too_large = int(declared) > limits.max_body_size
                except ValueError:
                    raise HTTPException(400, "Invalid Content-Length header") from None
                if too_large:
                    # Refused before reading, as JSON bodies are.
                    raise HTTPException(413, f"Form body larger than {limits.max_body_size} bytes")
            try:
                form = await parse_form(request.headers, request.stream(), limits)
            except ClientDisconnect:
                return False
        request._form = form
        await body_plan.read(ctx, form)
        return True

    async def _send(
        self, value: Any, ctx: Context, scope: MutableMapping[str, Any], receive: Any, send: Any
    ) -> None:
        if self._streams:
            await _call_response(self._stream_response(value, ctx), scope, receive, send)
            return
        if _sent_as_is(value):
            background = ctx.background
            if background is not None and value.background is None:
                value.background = background
            await _call_response(value, scope, receive, send)
            return
        original = value
        if self._convert_response is not None:
            value = self._convert_response(value)
        if self._pruning:
            value = self._prune(value, original)
        temp = ctx.response
        if self._fast_json:
            await self._send_json(value, temp, scope, send)
            if ctx.background is not None:
                await ctx.background()
            return
        await _call_response(self._build_response(value, ctx), scope, receive, send)

    async def _send_json(
        self, value: Any, temp: Any, scope: MutableMapping[str, Any], send: Any
    ) -> None:
        status = self.status_code or 200
        if temp is not None and temp.status_code is not None:
            status = temp.status_code
        if status in _NO_BODY or status < 200:
            # As FastAPI's JSONResponse: no body and no length, but the content-type stays.
            body = b""
            headers: list[tuple[bytes, bytes]] = [_CT_JSON]
        else:
            body = encode_json(value)
            headers = [_CT_JSON, _length_header(len(body))]
        if temp is not None and temp.raw_headers:
            headers.extend(temp.raw_headers)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if scope["method"] == "HEAD":
            body = b""
        await send({"type": "http.response.body", "body": body})

    def _prune(self, value: Any, original: Any) -> Any:
        data = msgspec.to_builtins(value, enc_hook=_to_builtins_hook)
        defaults = self._model_defaults
        if self._exclude_unset:
            data = _keep_set(data, original, defaults)
        if self.response_model_exclude_defaults:
            data = _drop_defaults(data, defaults)
        return _prune(
            data,
            drop_none=self.response_model_exclude_none,
            include=self.response_model_include,
            exclude=self.response_model_exclude,
        )

    # -- OpenAPI ----------------------------------------------------------------------------

    def operation_spec(self) -> Any:
        """This route as an `OperationSpec` for the OpenAPI builder."""
        from fasterapi_core._openapi.spec import route_operation_spec

        return route_operation_spec(self)


_NONE_TYPE = type(None)


def _return_annotation(endpoint: Callable[..., Any]) -> Any:
    try:
        hints = typing.get_type_hints(endpoint, include_extras=False)
    except Exception:
        return None
    annotation = hints.get("return")
    if annotation is None or annotation is _NONE_TYPE:
        return None
    return annotation


def _is_json_type(content_type: bytes | None) -> bool:
    """True for `application/json` and `application/*+json` (parameters ignored)."""
    if content_type is None:
        return False
    media = content_type.split(b";", 1)[0].strip().lower()
    if media == b"application/json":
        return True
    return media.startswith(b"application/") and media.endswith(b"+json")


def _first_content_type(scope: Mapping[str, Any]) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-type":
            value_: bytes = value
            return value_
    return None


# The contexts a custom route class's handler ran, finished once its response is sent.
_PENDING: contextvars.ContextVar[list[Context] | None] = contextvars.ContextVar(
    "fasterapi_pending_contexts", default=None
)


async def _finish(contexts: list[Context], exc: BaseException | None) -> None:
    """Finish the generator dependencies and close the forms of `contexts`."""
    for ctx in contexts:
        if ctx.exits:
            await _teardown(ctx, exc)
        await _close_form(ctx)


class _Started:
    __slots__ = ("started",)

    def __init__(self) -> None:
        self.started = False


async def _call_response(
    response: Any, scope: MutableMapping[str, Any], receive: Any, send: Any
) -> None:
    """Call a Response; an error after the start message is marked so the app re-raises it."""
    state = _Started()

    async def tracking_send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            state.started = True
        await send(message)

    try:
        await response(scope, receive, tracking_send)
    except Exception as exc:
        if state.started:
            _mark_after_response(exc)
        raise


async def _teardown(ctx: Context, exc: BaseException | None) -> None:
    """Finish generator dependencies in reverse order; they see the handler's exception."""
    exits = ctx.exits or []
    ctx.exits = None
    error = exc
    for gen in reversed(exits):
        try:
            if hasattr(gen, "athrow"):
                if error is None:
                    try:
                        await gen.__anext__()
                    except StopAsyncIteration:
                        continue
                    raise RuntimeError("async generator dependency yielded more than once")
                try:
                    await gen.athrow(error)
                except StopAsyncIteration:
                    continue
            else:
                more, _ = await run_in_threadpool(step_generator, gen, error)
                if not more:
                    continue
                if error is None:
                    raise RuntimeError("generator dependency yielded more than once")
        except BaseException as new:
            if new is error:
                continue
            error = new
    if error is not None and error is not exc:
        raise error


async def _close_form(ctx: Context) -> None:
    request = ctx.request
    if request is not None and request._form is not None:
        await request._form.close()


class Route(BaseRoute):
    """A plain HTTP route outside the API: what the app uses for `/openapi.json` and the docs.

    Like Starlette's `Route` under FastAPI, it is not an `APIRoute`: no OpenAPI operation, no
    app-level dependencies, and code filtering `isinstance(route, APIRoute)` skips it.

    Args:
        path: The path.
        endpoint: The handler (parameters and return values work as for any route).
        methods: HTTP methods (default GET).
        name: The route name.
        include_in_schema: Always False in practice (kept for Starlette compatibility).
    """

    __slots__ = ()

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Sequence[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = False,
    ) -> None:
        self._api = APIRoute(
            path,
            endpoint,
            methods=methods,
            name=name,
            include_in_schema=False,
            response_class=JSONResponse,
            generate_unique_id_function=generate_unique_id,
        )
        self.path = path
        self.endpoint = endpoint
        self.methods = self._api.methods
        self.name = self._api.name
        self.include_in_schema = include_in_schema

    async def handle(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, path_params: dict[str, Any]
    ) -> None:
        """Serve one request."""
        await self._api.handle(scope, receive, send, path_params)


class APIWebSocketRoute(BaseRoute):
    """A WebSocket endpoint: the same parameter and dependency machinery, with a `WebSocket`.

    Args:
        path: The path template.
        endpoint: `async def endpoint(websocket: WebSocket, ...)`.
        name: The route name.
        dependencies: `Depends(...)` run before the endpoint.
        dependency_overrides_provider: The app (for `dependency_overrides`).
        max_message_size: Largest message accepted (passed to `WebSocket`).
    """

    __slots__ = ()

    include_in_schema = False

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        name: str | None = None,
        dependencies: Sequence[Any] | None = None,
        dependency_overrides_provider: Any = None,
        max_message_size: int = 1024 * 1024,
    ) -> None:
        self.path = path
        self.path_format = _openapi_path(path)
        self.endpoint = endpoint
        self.name = name if name is not None else getattr(endpoint, "__name__", "websocket")
        self.dependencies = list(dependencies or [])
        self.dependency_overrides_provider = dependency_overrides_provider
        self.max_message_size = max_message_size
        self._overrides_version = -1
        self.plan = self._compile()

    def _compile(self) -> Plan:
        provider = self.dependency_overrides_provider
        overrides = getattr(provider, "dependency_overrides", {}) if provider is not None else {}
        self._overrides_version = getattr(overrides, "version", 0)
        return compile_plan(
            self.endpoint, self.path, dependencies=self.dependencies, overrides=overrides
        )

    def clone(self, **changes: Any) -> APIWebSocketRoute:
        """A copy with some options changed (used by `include_router`)."""
        options = {
            "name": self.name,
            "dependencies": self.dependencies,
            "dependency_overrides_provider": self.dependency_overrides_provider,
            "max_message_size": self.max_message_size,
        }
        path = changes.pop("path", self.path)
        options.update(changes)
        return APIWebSocketRoute(path, self.endpoint, **options)

    async def handle(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, path_params: dict[str, Any]
    ) -> None:
        """Run the endpoint for one WebSocket connection."""
        from fasterapi_core.websocket import WebSocket

        provider = self.dependency_overrides_provider
        if (
            provider is not None
            and getattr(provider.dependency_overrides, "version", 0) != self._overrides_version
        ):
            self.plan = self._compile()
        ctx = Context(scope, receive, send, path_params)
        ctx.websocket = WebSocket(scope, receive, send, max_message_size=self.max_message_size)
        try:
            await run_steps(self.plan, ctx)
        except RequestValidationError as exc:
            if ctx.exits:
                await _teardown(ctx, exc)
            raise WebSocketRequestValidationError(exc.errors()) from None
        except BaseException as exc:
            if ctx.exits:
                await _teardown(ctx, exc)
            raise
        if ctx.exits:
            await _teardown(ctx, None)


class Mount(BaseRoute):
    """Serve any ASGI app under a path prefix (`app.mount("/static", StaticFiles(...))`).

    The mounted app sees `root_path` extended by the prefix and the full `path`, as Starlette
    does (so `path[len(root_path):]` is its own path).

    Args:
        path: The prefix, e.g. "/static" ("" or "/" mounts at the root).
        app: The ASGI app.
        name: A name for `url_path_for(name, path=...)`.
    """

    __slots__ = ()

    include_in_schema = False

    def __init__(self, path: str, app: Any, name: str | None = None) -> None:
        path = path.rstrip("/")
        if path and not path.startswith("/"):
            raise FastAPIError(f"mount path must start with '/', got {path!r}")
        self.path = path
        self.app = app
        self.name = name

    def matches(self, route_path: str) -> bool:
        """True when `route_path` is the prefix or below it."""
        prefix = self.path
        return not prefix or route_path == prefix or route_path.startswith(prefix + "/")

    async def handle(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, route_path: str
    ) -> None:
        """Call the mounted app with the child scope."""
        root_path = scope.get("root_path", "")
        child = dict(scope)
        child["app_root_path"] = scope.get("app_root_path", root_path)
        child["root_path"] = root_path + self.path
        remaining = route_path[len(self.path) :]
        child["path"] = root_path + self.path + (remaining or "/") if remaining else scope["path"]
        if not remaining and self.path:
            # Starlette redirects "/static" to "/static/" for mounted apps; we hand over "/".
            child["path"] = root_path + self.path + "/"
        raw = child.get("raw_path")
        if raw is not None and child["path"] != scope["path"]:
            # The only change is the "/" appended above: extend the client's own bytes rather
            # than re-encode the decoded path (which would lose its percent-encoding and
            # raise on lone surrogates).
            child["raw_path"] = raw + b"/"
        child["path_params"] = {}
        await self.app(child, receive, send)


# --- routers --------------------------------------------------------------------------------


class FasterRouter:
    """A group of routes with a shared prefix, tags, dependencies and response defaults.

    Use the decorators (`@router.get(...)`), then `app.include_router(router)`. Same keywords
    as FastAPI's `APIRouter`.

    Args:
        prefix: Prepended to every route path ("/items").
        tags: Added to every route's tags.
        dependencies: Run before every route's own dependencies.
        default_response_class: The response class of routes that do not set one.
        responses: Extra OpenAPI responses for every route.
        callbacks: OpenAPI callbacks for every route.
        routes: Initial routes.
        redirect_slashes: Accepted for compatibility (the app decides).
        default: Accepted for compatibility.
        dependency_overrides_provider: Accepted for compatibility.
        route_class: The `APIRoute` subclass the routes of this router are made with (e.g.
            one overriding `get_route_handler`); `include_router` keeps each route's class.
        on_startup: Startup handlers, run by the app that includes this router.
        on_shutdown: Shutdown handlers.
        lifespan: Accepted for compatibility.
        deprecated: Mark every route deprecated.
        include_in_schema: False hides every route from OpenAPI.
        generate_unique_id_function: Operation id generator for every route.
        max_body_size: Default JSON body limit for the routes of this router.
    """

    __slots__ = ("__dict__",)

    def __init__(
        self,
        *,
        prefix: str = "",
        tags: Sequence[str | enum.Enum] | None = None,
        dependencies: Sequence[Any] | None = None,
        default_response_class: type[Response] | Any = Default(JSONResponse),
        responses: Mapping[int | str, Mapping[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        routes: list[Any] | None = None,
        redirect_slashes: bool = True,
        default: Any = None,
        dependency_overrides_provider: Any = None,
        route_class: type[APIRoute] = APIRoute,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        lifespan: Any = None,
        deprecated: bool | None = None,
        include_in_schema: bool = True,
        generate_unique_id_function: Callable[[APIRoute], str] | Any = Default(generate_unique_id),
        max_body_size: int | None = None,
    ) -> None:
        if prefix:
            if not prefix.startswith("/"):
                raise FastAPIError("A path prefix must start with '/'")
            if prefix.endswith("/"):
                raise FastAPIError(
                    "A path prefix must not end with '/', as the routes will start with '/'"
                )
        self.prefix = prefix
        self.tags = list(tags or [])
        self.dependencies = list(dependencies or [])
        self.default_response_class = default_response_class
        self.responses = dict(responses or {})
        self.callbacks = list(callbacks or [])
        self.routes: list[Any] = list(routes or [])
        self.redirect_slashes = redirect_slashes
        self.dependency_overrides_provider = dependency_overrides_provider
        self.on_startup = list(on_startup or [])
        self.on_shutdown = list(on_shutdown or [])
        self.lifespan_context = lifespan
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        self.generate_unique_id_function = generate_unique_id_function
        self.route_class = route_class
        self.max_body_size = max_body_size
        self.form_limits: Any = None
        self.websocket_max_message_size = 1024 * 1024
        self._on_route_added: Callable[[Any], None] | None = None

    # -- registration -----------------------------------------------------------------------

    def _register(self, route: Any) -> None:
        self.routes.append(route)
        if self._on_route_added is not None:
            self._on_route_added(route)

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        response_model: Any = Default(None),
        status_code: int | None = None,
        tags: Sequence[str | enum.Enum] | None = None,
        dependencies: Sequence[Any] | None = None,
        summary: str | None = None,
        description: str | None = None,
        response_description: str = "Successful Response",
        responses: Mapping[int | str, Mapping[str, Any]] | None = None,
        deprecated: bool | None = None,
        methods: Sequence[str] | set[str] | None = None,
        operation_id: str | None = None,
        response_model_include: Any = None,
        response_model_exclude: Any = None,
        response_model_by_alias: bool = True,
        response_model_exclude_unset: bool = False,
        response_model_exclude_defaults: bool = False,
        response_model_exclude_none: bool = False,
        include_in_schema: bool = True,
        response_class: type[Response] | Any = Default(JSONResponse),
        name: str | None = None,
        route_class_override: type[APIRoute] | None = None,
        callbacks: list[Any] | None = None,
        openapi_extra: dict[str, Any] | None = None,
        generate_unique_id_function: Callable[[APIRoute], str] | Any = Default(generate_unique_id),
        max_body_size: int | None = None,
    ) -> None:
        """Register `endpoint` for `methods` on `self.prefix + path` (FastAPI's keywords).

        `route_class_override` makes this route with another `APIRoute` subclass than the
        router's `route_class`.
        """
        route_class = route_class_override or self.route_class
        route = route_class(
            self.prefix + path,
            endpoint,
            response_model=response_model,
            status_code=status_code,
            tags=[*self.tags, *(tags or [])],
            dependencies=[*self.dependencies, *(dependencies or [])],
            summary=summary,
            description=description,
            response_description=response_description,
            responses={**self.responses, **(responses or {})},
            deprecated=deprecated if deprecated is not None else self.deprecated,
            methods=methods,
            operation_id=operation_id,
            response_model_include=response_model_include,
            response_model_exclude=response_model_exclude,
            response_model_by_alias=response_model_by_alias,
            response_model_exclude_unset=response_model_exclude_unset,
            response_model_exclude_defaults=response_model_exclude_defaults,
            response_model_exclude_none=response_model_exclude_none,
            include_in_schema=include_in_schema and self.include_in_schema,
            response_class=response_class
            if not isinstance(response_class, _DefaultPlaceholder)
            else self.default_response_class,
            name=name,
            dependency_overrides_provider=self.dependency_overrides_provider,
            callbacks=[*self.callbacks, *(callbacks or [])] or None,
            openapi_extra=openapi_extra,
            generate_unique_id_function=generate_unique_id_function
            if not isinstance(generate_unique_id_function, _DefaultPlaceholder)
            else self.generate_unique_id_function,
            max_body_size=max_body_size if max_body_size is not None else self.max_body_size,
            form_limits=self.form_limits,
        )
        self._register(route)

    def api_route(
        self, path: str, *, methods: Sequence[str] | None = None, **options: Any
    ) -> Callable[[F], F]:
        """Decorator form of `add_api_route`; returns the function unchanged."""

        def decorator(func: F) -> F:
            self.add_api_route(path, func, methods=methods, **options)
            return func

        return decorator

    def _method(self, method: str, path: str, options: dict[str, Any]) -> Callable[[F], F]:
        return self.api_route(path, methods=[method], **options)

    def get(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a GET route (HEAD is a 405, as in FastAPI). Takes `add_api_route`'s keywords."""
        return self._method("GET", path, options)

    def put(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a PUT route."""
        return self._method("PUT", path, options)

    def post(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a POST route."""
        return self._method("POST", path, options)

    def delete(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a DELETE route."""
        return self._method("DELETE", path, options)

    def options(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register an OPTIONS route."""
        return self._method("OPTIONS", path, options)

    def head(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a HEAD route."""
        return self._method("HEAD", path, options)

    def patch(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a PATCH route."""
        return self._method("PATCH", path, options)

    def trace(self, path: str, **options: Any) -> Callable[[F], F]:
        """Register a TRACE route."""
        return self._method("TRACE", path, options)

    def add_api_websocket_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        name: str | None = None,
        *,
        dependencies: Sequence[Any] | None = None,
    ) -> None:
        """Register a WebSocket endpoint on `self.prefix + path`."""
        route = APIWebSocketRoute(
            self.prefix + path,
            endpoint,
            name=name,
            dependencies=[*self.dependencies, *(dependencies or [])],
            dependency_overrides_provider=self.dependency_overrides_provider,
            max_message_size=self.websocket_max_message_size,
        )
        self._register(route)

    def websocket(
        self, path: str, name: str | None = None, *, dependencies: Sequence[Any] | None = None
    ) -> Callable[[F], F]:
        """Decorator: register a WebSocket endpoint; returns the function unchanged."""

        def decorator(func: F) -> F:
            self.add_api_websocket_route(path, func, name=name, dependencies=dependencies)
            return func

        return decorator

    def websocket_route(self, path: str, name: str | None = None) -> Callable[[F], F]:
        """Starlette's spelling of `websocket`."""
        return self.websocket(path, name)

    def mount(self, path: str, app: Any, name: str | None = None) -> None:
        """Serve the ASGI `app` under `path` (HTTP and WebSocket)."""
        self._register(Mount(self.prefix + path, app, name=name))

    def include_router(
        self,
        router: FasterRouter,
        *,
        prefix: str = "",
        tags: Sequence[str | enum.Enum] | None = None,
        dependencies: Sequence[Any] | None = None,
        default_response_class: type[Response] | Any = Default(JSONResponse),
        responses: Mapping[int | str, Mapping[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        deprecated: bool | None = None,
        include_in_schema: bool = True,
        generate_unique_id_function: Callable[[APIRoute], str] | Any = Default(generate_unique_id),
    ) -> None:
        """Add every route of `router` under `prefix`, combining tags, dependencies and defaults.

        Dependencies run in the order: this router's (the app's), `dependencies` given here,
        the included router's, then the route's own.
        """
        if prefix:
            if not prefix.startswith("/"):
                raise FastAPIError("A path prefix must start with '/'")
            if prefix.endswith("/"):
                raise FastAPIError(
                    "A path prefix must not end with '/', as the routes will start with '/'"
                )
        for route in router.routes:
            if isinstance(route, APIRoute):
                response_class = route._response_class_option
                if isinstance(response_class, _DefaultPlaceholder):
                    response_class = _first_explicit(
                        router.default_response_class,
                        default_response_class,
                        self.default_response_class,
                    )
                unique = _first_explicit(
                    route._unique_id_option,
                    router.generate_unique_id_function,
                    generate_unique_id_function,
                    self.generate_unique_id_function,
                )
                new = route.clone(
                    path=self.prefix + prefix + route.path,
                    tags=[*self.tags, *(tags or []), *route.tags],
                    dependencies=[*self.dependencies, *(dependencies or []), *route.dependencies],
                    responses={**self.responses, **(responses or {}), **route.responses},
                    response_class=response_class,
                    deprecated=route.deprecated or deprecated or self.deprecated,
                    include_in_schema=route.include_in_schema
                    and include_in_schema
                    and self.include_in_schema,
                    callbacks=[*self.callbacks, *(callbacks or []), *(route.callbacks or [])]
                    or None,
                    dependency_overrides_provider=self.dependency_overrides_provider,
                    generate_unique_id_function=unique,
                    max_body_size=route._max_body_option
                    if route._max_body_option is not None
                    else self.max_body_size,
                    default_max_body_size=self._default_max_body(),
                    form_limits=route.form_limits
                    if route.form_limits is not None
                    else self.form_limits,
                )
                self._register(new)
            elif isinstance(route, APIWebSocketRoute):
                self._register(
                    route.clone(
                        path=self.prefix + prefix + route.path,
                        dependencies=[
                            *self.dependencies,
                            *(dependencies or []),
                            *route.dependencies,
                        ],
                        dependency_overrides_provider=self.dependency_overrides_provider,
                        max_message_size=self.websocket_max_message_size,
                    )
                )
            elif isinstance(route, Mount):
                self._register(Mount(self.prefix + prefix + route.path, route.app, name=route.name))
            elif isinstance(route, Route):
                self._register(
                    Route(
                        self.prefix + prefix + route.path,
                        route.endpoint,
                        methods=sorted(route.methods),
                        name=route.name,
                    )
                )
            else:  # pragma: no cover - only our route types exist
                raise FastAPIError(f"cannot include route {route!r}")
        self.on_startup.extend(router.on_startup)
        self.on_shutdown.extend(router.on_shutdown)

    def _default_max_body(self) -> int:
        return self.max_body_size if self.max_body_size is not None else 1_048_576

    def url_path_for(self, name: str, /, **path_params: Any) -> str:
        """The path of the route called `name` with `path_params` filled in.

        Raises:
            NoMatchFound: No route has that name and exactly those parameters.
        """
        for route in self.routes:
            if isinstance(route, Mount):
                if route.name == name and set(path_params) <= {"path"}:
                    rest = str(path_params.get("path", "/"))
                    return route.path + "/" + rest.lstrip("/")
                continue
            if route.name != name:
                continue
            names = set(re.findall(r"{([^{}:]+)(?::[^{}]*)?}", route.path))
            if names != set(path_params):
                continue
            path = route.path
            for key, value in path_params.items():
                text = value.value if isinstance(value, enum.Enum) else value
                path = re.sub(
                    r"{" + re.escape(key) + r"(?::[^{}]*)?}", str(text).replace("\\", "\\\\"), path
                )
            return str(path)
        raise NoMatchFound(name, path_params)

    def on_event(self, event_type: str) -> Callable[[F], F]:
        """Decorator: run the function at "startup" or "shutdown" (sync or async).

        Deprecated, as in FastAPI: use the app's `lifespan=` instead.
        """
        warnings.warn(
            "on_event is deprecated, use lifespan event handlers instead.",
            DeprecationWarning,
            stacklevel=2,
        )

        def decorator(func: F) -> F:
            self.add_event_handler(event_type, func)
            return func

        return decorator

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        """Run `func` at "startup" or "shutdown"."""
        if event_type == "startup":
            self.on_startup.append(func)
        elif event_type == "shutdown":
            self.on_shutdown.append(func)
        else:
            raise ValueError(f"event_type must be 'startup' or 'shutdown', got {event_type!r}")


def _first_explicit(*values: Any) -> Any:
    for value in values:
        if not isinstance(value, _DefaultPlaceholder):
            return value
    return values[-1]


APIRouter = FasterRouter
