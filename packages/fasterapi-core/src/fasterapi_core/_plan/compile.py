"""Compile a handler and its dependencies into a flat plan, once, at registration.

A plan is a tuple of steps in dependency order (each dependency before whoever needs it, the
endpoint last). Each step lists its arguments as `(name, extractor)` pairs, where an
extractor is a small closure built here for exactly one parameter: it reads the raw value
from the request context, converts it with a precompiled converter, checks constraints, and
appends a FastAPI-shaped error dict on failure. Per request we only loop and call.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import msgspec

from fasterapi_core._concurrency import run_in_threadpool, step_generator
from fasterapi_core._plan.context import Context
from fasterapi_core._plan.convert import (
    _SMALL_INTS,
    INT_PARSING_MSG,
    Invalid,
    _to_int,
    _to_str,
    is_class,
    is_optional,
    is_typeddict,
    make_checks,
    make_converter,
    parse_int,
    strip_optional,
)
from fasterapi_core._plan.dc_constraints import constrained_decoder
from fasterapi_core._plan.errors import (
    all_field_errors,
    json_invalid,
    object_type_error,
    pydantic_errors,
    validation_errors,
)
from fasterapi_core._plan.fill import dataclass_filler
from fasterapi_core._plan.param_models import (
    ModelField,
    is_param_model,
    model_fields,
    model_reader,
    read_form_model,
)
from fasterapi_core.background import BackgroundTasks
from fasterapi_core.datastructures import parse_query_last
from fasterapi_core.exceptions import FastAPIError, RequestValidationError
from fasterapi_core.params import (
    BodyInfo,
    DependsInfo,
    FileInfo,
    FormInfo,
    HeaderInfo,
    ParamInfo,
    PathInfo,
    QueryInfo,
    SecurityInfo,
    Undefined,
)
from fasterapi_core.request import HTTPConnection, Request
from fasterapi_core.responses import Response

__all__ = ("BodyPlan", "Dependant", "Plan", "Step", "compile_plan", "path_param_names")

Extractor = Callable[[Context], Any]

# Extractors whose common case generated code reads inline: (location, key, conversion,
# required, whether a missing value takes `default` as is, default), see `_extract_lines`
# and `_fast_lines`. Weak keys: a plan recompiled for dependency overrides drops its
# extractors.
_INLINE: weakref.WeakKeyDictionary[
    Callable[..., Any], tuple[str, Any, str | None, bool, bool, Any]
] = weakref.WeakKeyDictionary()

_PATH_PARAM = re.compile(r"{([^{}:]+)(?::[^{}]*)?}")

SYNC, ASYNC, SYNC_GEN, ASYNC_GEN = 0, 1, 2, 3


def path_param_names(path: str) -> set[str]:
    """The parameter names of a path template: `{"id"}` for "/items/{id}"."""
    return set(_PATH_PARAM.findall(path))


# --- what kind of thing a parameter is ------------------------------------------------------

_SCALAR_TYPES: tuple[type, ...] = (str, int, float, bool, bytes)


def _is_model(tp: Any) -> bool:
    tp = strip_optional(tp)
    if not is_class(tp):
        return False
    if issubclass(tp, msgspec.Struct) or dataclasses.is_dataclass(tp):
        return True
    if is_typeddict(tp):
        return True
    return hasattr(tp, "model_validate") and hasattr(tp, "model_fields")


def _is_pydantic(tp: Any) -> bool:
    tp = strip_optional(tp)
    return is_class(tp) and hasattr(tp, "model_validate") and hasattr(tp, "model_fields")


def contains_pydantic(tp: Any) -> bool:
    """True when `tp` is or holds a pydantic model (`list[Item]`, `dict[str, Item]`...)."""
    if _is_pydantic(tp):
        return True
    if typing.get_origin(tp) is typing.Annotated:
        return contains_pydantic(typing.get_args(tp)[0])
    return any(contains_pydantic(arg) for arg in typing.get_args(tp))


def _sequence_item(tp: Any) -> Any | None:
    """The item type of `list[X]`, `set[X]`, `tuple[X, ...]`, `Sequence[X]`; else None."""
    tp = strip_optional(tp)
    origin = typing.get_origin(tp)
    if origin in (list, set, frozenset, Sequence, typing.Sequence, typing.List, typing.Set):  # noqa: UP006
        args = typing.get_args(tp)
        return args[0] if args else str
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    if tp in (list, set, tuple):
        return str
    return None


def _is_scalar(tp: Any) -> bool:
    tp = strip_optional(tp)
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if tp is Any or tp in _SCALAR_TYPES:
        return True
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return True
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return all(_is_scalar(a) for a in typing.get_args(tp))
    if is_class(tp):
        return not (_is_model(tp) or issubclass(tp, (Mapping, list, set, tuple, frozenset)))
    return False


# --- the compiled structures ----------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Field:
    """One parameter after analysis (kept for OpenAPI and for building extractors)."""

    name: str
    alias: str
    location: str  # path | query | header | cookie | body
    annotation: Any
    info: Any
    required: bool
    default: Any
    # A parameter model (`Annotated[Model, Query()]`): its fields, spread as parameters.
    spread: list[ModelField] | None = None


@dataclasses.dataclass(slots=True)
class Dependant:
    """A callable (endpoint or dependency) with its analysed parameters."""

    call: Callable[..., Any]
    kind: int
    fields: list[Field]
    sub: list[tuple[str, Dependant, bool]]  # (param name, dependant, use_cache)
    specials: list[tuple[str, str]]  # (param name, "request" | "response" | ...)
    scopes: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True)
class Step:
    """One call in a plan: its arguments and where its result goes."""

    call: Callable[..., Any]
    kind: int
    args: tuple[tuple[str, Extractor], ...]
    deps: tuple[tuple[str, int], ...]
    slot: int


@dataclasses.dataclass(slots=True)
class BodyPlan:
    """How the request body is read and split into parameters."""

    kind: str  # "json" | "form"
    fields: list[Field]
    embed: bool
    read: Callable[
        [Context, Any], Any
    ]  # fills ctx.body_values (or appends errors); async for forms
    media_type: str
    # A lone JSON body that msgspec decodes with nothing else to check: `decode(body)` is the
    # value `read` stores under `name` for a non-empty body, and raises where `read` would
    # report (the route then calls `read`, which decodes again and reports as usual).
    decode: Callable[[bytes], Any] | None = None
    name: str = ""


@dataclasses.dataclass(slots=True)
class Plan:
    """Everything needed to call a route's endpoint for one request."""

    steps: tuple[Step, ...]
    nslots: int
    body: BodyPlan | None
    needs_query: bool
    all_fields: list[Field]
    dependants: list[Dependant]
    has_generators: bool
    simple: bool  # one step with no dependencies: call it directly
    # A generated coroutine function running every step, when all of them are plain async
    # functions; else None (the generic runner handles sync calls and generators).
    runner: Callable[[Context], Awaitable[Any]] | None = None
    # The same without a Context, when every argument is a plain path, query or header value
    # and there is no body: returns NEEDS_CONTEXT (having called nothing) when some value
    # needs the extractors.
    fast_runner: Callable[[Any, dict[str, Any]], Awaitable[Any]] | None = None


# --- analysis ----------------------------------------------------------------------------


def _callable_kind(call: Any) -> int:
    target = call
    if inspect.isclass(call):
        return SYNC
    if not (inspect.isfunction(call) or inspect.ismethod(call)) and not hasattr(call, "func"):
        target = getattr(call, "__call__", call)  # noqa: B004 - callable instances
    while hasattr(target, "func") and type(target).__name__ == "partial":
        target = target.func
    if inspect.isasyncgenfunction(target):
        return ASYNC_GEN
    if inspect.isgeneratorfunction(target):
        return SYNC_GEN
    if inspect.iscoroutinefunction(target):
        return ASYNC
    return SYNC


def _signature(call: Any) -> inspect.Signature:
    try:
        return inspect.signature(call, eval_str=True)
    except (NameError, TypeError):
        sig = inspect.signature(call)
        target = call.__init__ if inspect.isclass(call) else call
        try:
            hints = typing.get_type_hints(target, include_extras=True)
        except Exception:  # pragma: no cover - unresolved forward references
            hints = {}
        return sig.replace(
            parameters=[
                p.replace(annotation=hints.get(p.name, p.annotation))
                for p in sig.parameters.values()
            ]
        )


def _special(tp: Any) -> str | None:
    if not is_class(tp):
        return None
    if issubclass(tp, Request):
        return "request"
    if issubclass(tp, HTTPConnection):
        # WebSocket (helper B's class) and HTTPConnection itself.
        return "websocket" if tp.__name__ == "WebSocket" else "connection"
    if issubclass(tp, Response):
        return "response"
    if issubclass(tp, BackgroundTasks):
        return "background"
    if tp.__name__ == "SecurityScopes":
        return "security_scopes"
    return None


def analyse(
    call: Callable[..., Any],
    path_names: set[str],
    overrides: Mapping[Any, Any],
    *,
    scopes: Sequence[str] = (),
) -> Dependant:
    """Inspect `call`'s signature and classify every parameter (recursively for Depends)."""
    dependant = Dependant(
        call=call, kind=_callable_kind(call), fields=[], sub=[], specials=[], scopes=list(scopes)
    )
    for param in _signature(call).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = param.annotation
        if annotation is inspect.Parameter.empty:
            annotation = Any
        elif isinstance(annotation, str):
            raise FastAPIError(
                f"cannot resolve the annotation {annotation!r} of parameter {param.name!r} of "
                f"{getattr(call, '__qualname__', call)!r}: define the type at module level"
            )
        info: Any = None
        base = annotation
        if typing.get_origin(annotation) is typing.Annotated:
            args = typing.get_args(annotation)
            base = args[0]
            for extra in args[1:]:
                if isinstance(extra, (ParamInfo, DependsInfo)):
                    info = extra
        default = param.default
        if isinstance(default, (ParamInfo, DependsInfo)):
            if info is not None:
                raise FastAPIError(
                    f"parameter {param.name!r} of {getattr(call, '__name__', call)!r}: declare it "
                    "either in Annotated or as the default, not both"
                )
            info = default
            default = Undefined
        elif default is inspect.Parameter.empty:
            default = Undefined
        if isinstance(info, DependsInfo):
            dep_call = info.dependency if info.dependency is not None else base
            dep_call = overrides.get(dep_call, dep_call)
            sub_scopes = [*scopes, *info.scopes] if isinstance(info, SecurityInfo) else list(scopes)
            sub = analyse(dep_call, path_names, overrides, scopes=sub_scopes)
            dependant.sub.append((param.name, sub, info.use_cache))
            continue
        special = _special(strip_optional(base))
        if special is not None and info is None:
            dependant.specials.append((param.name, special))
            continue
        if info is None and _is_upload(_sequence_item(base) or strip_optional(base)):
            # A bare `file: UploadFile` (or list of them) is an uploaded file, as in FastAPI.
            info = FileInfo(default)
        if info is None:
            if param.name in path_names:
                info = PathInfo()
            elif _is_scalar(base):
                info = QueryInfo(default)
            else:
                info = BodyInfo(default)
        location = info.location
        if (
            isinstance(info, PathInfo)
            and param.name not in path_names
            and (info.alias or param.name) not in path_names
        ):
            raise FastAPIError(f"path parameter {param.name!r} is not in the path template")
        alias = info.alias or param.name
        if isinstance(info, HeaderInfo) and info.alias is None and info.convert_underscores:
            alias = param.name.replace("_", "-")
        if location == "header":
            alias = alias.lower()
        # The ParamInfo may be shared (an Annotated alias): never store per-parameter data on it.
        if info.default is not Undefined:
            field_default, required = info.default, False
        elif default is not Undefined:
            field_default, required = default, False
        else:
            field_default, required = None, info.default_factory is None
        if location == "path":
            required = True
        spread = None
        if (location in ("query", "header", "cookie") or type(info) is FormInfo) and is_param_model(
            base
        ):
            spread = model_fields(base, location, info)
        dependant.fields.append(
            Field(
                name=param.name,
                alias=alias,
                location=location,
                annotation=base,
                info=info,
                required=required,
                default=field_default,
                spread=spread,
            )
        )
    return dependant


def _spread_fields(field: Field) -> list[Field]:
    """The parameters a parameter model stands for (OpenAPI lists one per model field)."""
    assert field.spread is not None
    optional = is_optional(field.annotation)  # no field is required of an optional model
    return [
        Field(
            name=f.name,
            alias=f.shown,
            location=field.location,
            annotation=f.annotation,
            info=f.info,
            required=f.required and not optional,
            default=f.default,
        )
        for f in field.spread
    ]


# --- extractors ---------------------------------------------------------------------------


def _default_getter(field: Field) -> Callable[[], Any]:
    info = field.info
    if info.default_factory is not None:
        factory: Callable[[], Any] = info.default_factory
        return factory
    default = field.default
    if isinstance(default, (list, dict, set)):
        return lambda: type(default)(default)  # a fresh copy each time, as FastAPI deep-copies
    return lambda: default


def _missing(loc: str, alias: str) -> dict[str, Any]:
    return {"type": "missing", "loc": [loc, alias], "msg": "Field required", "input": None}


def _scalar_extractor(field: Field) -> Extractor:
    """An extractor for one scalar path, query (last value), header (first value) or cookie."""
    alias = field.alias
    loc = field.location
    convert = make_converter(field.annotation)
    check = make_checks(field.info)
    required = field.required
    get_default = _default_getter(field)
    # PERF: a plain immutable default is returned as is, without calling a getter
    # (benchmarks/bench_core.py::query).
    constant = field.info.default_factory is None and not isinstance(
        field.default, (list, dict, set)
    )
    default = field.default
    get_query = Context.query
    get_headers = Context.headers
    get_cookies = Context.cookies
    inline_key: Any = alias

    # PERF: one closure per location reads the parsed source straight from the context's
    # slot; no source function call per parameter (benchmarks/bench_core.py::query).
    if loc == "path":

        def lookup(ctx: Context) -> Any:
            return ctx.path_params.get(alias)

    elif loc == "query":

        def lookup(ctx: Context) -> Any:
            query = ctx._query
            if query is None:
                query = get_query(ctx)
            return query.get(alias)

    elif loc == "header":
        raw_name = inline_key = alias.encode("latin-1")

        def lookup(ctx: Context) -> Any:
            # PERF: scan the raw ASGI list for this one name instead of decoding every header
            # (benchmarks/bench_core.py::deps). Servers send lower-case names; a miss falls
            # back to the full, case-insensitive parse.
            for key, value in ctx.scope["headers"]:
                if key == raw_name:
                    return value.decode("latin-1")
            headers = ctx._headers
            if headers is None:
                headers = get_headers(ctx)
            return headers.get(alias)

    else:

        def lookup(ctx: Context) -> Any:
            cookies = ctx._cookies
            if cookies is None:
                cookies = get_cookies(ctx)
            return cookies.get(alias)

    # What the generated starters and runners may read inline (see `_extract_lines`): where
    # the raw value is, under which key, and how it converts. Only for int and str without
    # constraints; anything else is left to the extractor.
    kind = "int" if convert is _to_int else "str" if convert is _to_str else None
    inline = (loc, inline_key, kind, required, not required and constant, default)
    inlinable = kind is not None and check is None and loc in ("path", "query", "header")
    # PERF: an int without constraints is parsed without raising and catching an `Invalid`
    # when it is bad (benchmarks/bench_core.py::invalid).
    plain_int = kind == "int" and check is None

    def finish(ctx: Context, raw: Any) -> Any:
        """The converted and checked value of `raw`, or None with its error reported."""
        if plain_int:
            number = parse_int(raw)
            if number is None:
                # The error `_to_int`'s `Invalid` reports (written out: no exception).
                ctx.errors.append(
                    {
                        "type": "int_parsing",
                        "loc": [loc, alias],
                        "msg": INT_PARSING_MSG,
                        "input": raw,
                    }
                )
            return number
        try:
            value = convert(raw)
            if check is not None:
                check(value)
        except Invalid as exc:
            exc.report(ctx.errors, [loc, alias], raw)
            return None
        return value

    def absent(ctx: Context) -> Any:
        """The value of a parameter the request does not carry: its default, or an error."""
        if required:
            ctx.errors.append(_missing(loc, alias))
            return None
        return default if constant else get_default()

    def extract(ctx: Context) -> Any:
        raw = lookup(ctx)
        return absent(ctx) if raw is None else finish(ctx, raw)

    # PERF: path and query parameters (the common ones) read their source inline, without
    # the lookup call (benchmarks/bench_core.py::path, ::query).
    if loc == "path":

        def extract_path(ctx: Context) -> Any:
            raw = ctx.path_params.get(alias)
            if raw is None:
                ctx.errors.append(_missing(loc, alias))
                return None
            return finish(ctx, raw)

        if inlinable:
            _INLINE[extract_path] = inline
        return extract_path
    if loc == "query":

        def extract_query(ctx: Context) -> Any:
            query = ctx._query
            if query is None:
                # PERF: parsed here, without the Context.query call (benchmarks/bench_core.py
                # query 0.54 -> 0.55).
                query = ctx._query = parse_query_last(ctx.scope.get("query_string", b""))
            raw = query.get(alias)
            return absent(ctx) if raw is None else finish(ctx, raw)

        if inlinable:
            _INLINE[extract_query] = inline
        return extract_query
    if inlinable:
        _INLINE[extract] = inline
    return extract


def _list_extractor(
    field: Field, source: Callable[[Context], Mapping[str, list[str]]]
) -> Extractor:
    alias = field.alias
    loc = field.location
    item = _sequence_item(field.annotation)
    convert = make_converter(item)
    item_check = make_checks(_ItemConstraints(field.info))
    list_check = make_checks(field.info, is_list=True)
    required = field.required
    get_default = _default_getter(field)
    container = typing.get_origin(strip_optional(field.annotation)) or strip_optional(
        field.annotation
    )
    if container not in (set, frozenset, tuple):
        container = list

    def extract(ctx: Context) -> Any:
        raws = source(ctx).get(alias)
        if not raws:
            if required:
                ctx.errors.append(_missing(loc, alias))
                return None
            return get_default()
        values = []
        ok = True
        for index, raw in enumerate(raws):
            try:
                value = convert(raw)
                if item_check is not None:
                    item_check(value)
            except Invalid as exc:
                exc.report(ctx.errors, [loc, alias, index], raw)
                ok = False
                continue
            values.append(value)
        if ok and list_check is not None:
            try:
                list_check(values)
            except Invalid as exc:
                ctx.errors.append(exc.to_dict([loc, alias], list(raws)))
                return None
        return container(values) if container is not list else values

    return extract


class _ItemConstraints:
    """The number/pattern constraints of a list parameter, applied to each item."""

    __slots__ = ("ge", "gt", "le", "lt", "multiple_of", "pattern")

    def __init__(self, info: Any) -> None:
        for attr in self.__slots__:
            setattr(self, attr, getattr(info, attr, None))


def _query_source(ctx: Context) -> Mapping[str, list[str]]:
    return ctx.query_lists()


def _header_source(ctx: Context) -> Mapping[str, list[str]]:
    return ctx.header_lists()


def make_extractor(field: Field) -> Extractor:
    """The extractor of one path/query/header/cookie parameter."""
    loc = field.location
    if field.spread is not None:
        return model_reader(field.annotation, loc, field.spread, field.default)  # type: ignore[no-any-return]
    if loc in ("query", "header") and _sequence_item(field.annotation) is not None:
        return _list_extractor(field, _query_source if loc == "query" else _header_source)
    return _scalar_extractor(field)


def _special_extractor(kind: str) -> Extractor:
    if kind == "request" or kind == "connection":
        return Context.get_request
    if kind == "websocket":
        return Context.get_websocket
    if kind == "response":
        return Context.get_response
    if kind == "background":
        return Context.get_background
    return Context.get_security_scopes


def _body_extractor(field: Field) -> Extractor:
    name = field.name

    def extract(ctx: Context) -> Any:
        return ctx.body_values.get(name)

    _INLINE[extract] = ("body", name, None, False, False, None)
    return extract


# --- bodies ---------------------------------------------------------------------------------


def _model_decoder(tp: Any) -> tuple[Callable[[bytes], Any], Callable[[Any], Any]]:
    """(decode bytes, convert builtins) for one body type; pydantic models validate via pydantic."""
    if _is_pydantic(tp):
        model = strip_optional(tp)

        # FastAPI validates with from_attributes=True: a non-object body is
        # 'model_attributes_type' (not 'model_type').
        def validate(obj: Any) -> Any:
            return model.model_validate(obj, from_attributes=True)

        def decode(data: bytes) -> Any:
            return validate(msgspec.json.decode(data))

        return decode, validate
    if contains_pydantic(tp):
        # `list[Item]` and other containers of pydantic models: pydantic's TypeAdapter.
        from pydantic import TypeAdapter

        adapter = TypeAdapter(tp)

        def validate_any(obj: Any) -> Any:
            return adapter.validate_python(obj, from_attributes=True)

        def decode_any(data: bytes) -> Any:
            return validate_any(msgspec.json.decode(data))

        return decode_any, validate_any
    constrained = constrained_decoder(tp)
    if constrained is not None:
        # A dataclass (or TypedDict) with pydantic field constraints, or a pydantic
        # dataclass: pydantic validates it, as in FastAPI (decided here, once).
        return constrained
    decoder = msgspec.json.Decoder(tp, strict=False)
    fill = dataclass_filler(tp)
    if fill is not None:
        decode_dataclass = decoder.decode

        def decode_filled(data: bytes) -> Any:
            return fill(decode_dataclass(data))

        def convert_filled(obj: Any) -> Any:
            return fill(msgspec.convert(obj, tp, strict=False))

        return decode_filled, convert_filled

    def convert(obj: Any) -> Any:
        return msgspec.convert(obj, tp, strict=False)

    return decoder.decode, convert


def _json_body_plan(fields: list[Field], embed: bool) -> BodyPlan:
    if not embed:
        (field,) = fields
        decode, _ = _model_decoder(field.annotation)
        name = field.name
        required = field.required
        get_default = _default_getter(field)
        check = make_checks(field.info) if not _is_model(field.annotation) else None

        model_type = strip_optional(field.annotation)

        def read_single(ctx: Context, body: bytes) -> None:
            if not body:
                if required:
                    ctx.body_errors.append(
                        {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}
                    )
                else:
                    ctx.body_values[name] = get_default()
                return
            try:
                value = decode(body)
            except msgspec.ValidationError as exc:
                # The slow path: report every field's error, as pydantic does.
                data = ctx.json_body = _decode_any(body)
                if data is _ABSENT:
                    # msgspec stopped at a type mismatch before the end of a malformed body
                    # (`[` for an object): FastAPI decodes first and reports 'json_invalid'.
                    ctx.json_body = None
                    raise RequestValidationError([json_invalid(body, exc)], body=None) from None
                wrong_type = object_type_error(model_type, data, ["body"])
                every = all_field_errors(model_type, data, ["body"])
                if wrong_type is not None:
                    ctx.body_errors.append(wrong_type)
                elif every:
                    ctx.body_errors.extend(every)
                else:
                    ctx.body_errors.extend(validation_errors(exc, ["body"], data, field.annotation))
                return
            except (msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
                raise RequestValidationError([json_invalid(body, exc)], body=None) from None
            except Exception as exc:
                errors = pydantic_errors(exc, ["body"])
                if errors is None:
                    raise
                ctx.body_errors.extend(errors)
                return
            if check is not None:
                try:
                    check(value)
                except Invalid as exc:
                    ctx.body_errors.append(exc.to_dict(["body"], value))
                    return
            ctx.body_values[name] = value

        # PERF: the route decodes a valid body itself, without the read_single call
        # (benchmarks/bench_core.py::body).
        plain = check is None and isinstance(
            getattr(decode, "__self__", None), msgspec.json.Decoder
        )
        return BodyPlan(
            "json",
            fields,
            False,
            read_single,
            _media_type(fields),
            decode if plain else None,
            name,
        )

    converters = []
    for field in fields:
        _, convert = _model_decoder(field.annotation)
        check = make_checks(field.info) if not _is_model(field.annotation) else None
        converters.append(
            (
                field.name,
                field.alias,
                field.required,
                _default_getter(field),
                convert,
                check,
                field.annotation,
            )
        )

    def read_embedded(ctx: Context, body: bytes) -> None:
        data: Any = None
        if body:
            try:
                data = msgspec.json.decode(body)
            except (msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
                raise RequestValidationError([json_invalid(body, exc)], body=None) from None
        values = ctx.body_values
        ctx.json_body = data
        if data is not None and not isinstance(data, dict):
            # As in FastAPI: embedded fields need an object; a list or a scalar leaves every
            # field missing, defaults or not.
            ctx.body_errors.extend(
                {
                    "type": "missing",
                    "loc": ["body", entry[1]],
                    "msg": "Field required",
                    "input": None,
                }
                for entry in converters
            )
            return
        for name, alias, required, get_default, convert, check, annotation in converters:
            raw = data.get(alias, _ABSENT) if data is not None else _ABSENT
            if raw is _ABSENT:
                if required:
                    ctx.body_errors.append(
                        {
                            "type": "missing",
                            "loc": ["body", alias],
                            "msg": "Field required",
                            "input": None,
                        }
                    )
                else:
                    values[name] = get_default()
                continue
            try:
                value = convert(raw)
            except msgspec.ValidationError as exc:
                ctx.body_errors.extend(validation_errors(exc, ["body", alias], raw, annotation))
                continue
            except Exception as exc:
                errors = pydantic_errors(exc, ["body", alias])
                if errors is None:
                    raise
                ctx.body_errors.extend(errors)
                continue
            if check is not None:
                try:
                    check(value)
                except Invalid as exc:
                    ctx.body_errors.append(exc.to_dict(["body", alias], raw))
                    continue
            values[name] = value

    return BodyPlan("json", fields, True, read_embedded, _media_type(fields))


_ABSENT: Any = object()


def _decode_any(body: bytes) -> Any:
    """The body decoded without a type, or `_ABSENT` when it is not JSON."""
    try:
        return msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        return _ABSENT


def _media_type(fields: list[Field]) -> str:
    for field in fields:
        media_type = getattr(field.info, "media_type", None)
        if media_type:
            return str(media_type)
    return "application/json"


def _form_body_plan(fields: list[Field]) -> BodyPlan:
    entries = []
    models: list[tuple[str, Callable[[Any], tuple[Any, list[dict[str, Any]]]]]] = []
    for field in fields:
        tp = strip_optional(field.annotation)
        item = _sequence_item(tp)
        is_file = _is_upload(item if item is not None else tp) or isinstance(field.info, FileInfo)
        wants_bytes = (item if item is not None else tp) is bytes
        if field.spread is not None:
            models.append((field.name, read_form_model(field.annotation, field.spread)))
            continue
        convert = None if is_file else make_converter(item if item is not None else tp)
        check = make_checks(field.info, is_list=item is not None)
        entries.append(
            (
                field.name,
                field.alias,
                field.required,
                _default_getter(field),
                item is not None,
                is_file,
                wants_bytes,
                convert,
                check,
            )
        )

    async def read_form_fields(ctx: Context, form: Any) -> None:
        values = ctx.body_values
        for name, read_model in models:
            instance, errors = read_model(form)
            if errors:
                ctx.body_errors.extend(errors)
            else:
                values[name] = instance
        for (
            name,
            alias,
            required,
            get_default,
            is_list,
            is_file,
            wants_bytes,
            convert,
            check,
        ) in entries:
            raws = form.getlist(alias) if form is not None else []
            raws = [r for r in raws if not (isinstance(r, str) and r == "")]
            if not raws:
                if required:
                    ctx.body_errors.append(
                        {
                            "type": "missing",
                            "loc": ["body", alias],
                            "msg": "Field required",
                            "input": None,
                        }
                    )
                else:
                    values[name] = get_default()
                continue
            converted: list[Any] = []
            failed = False
            for index, raw in enumerate(raws if is_list else raws[-1:]):
                loc = ["body", alias, index] if is_list else ["body", alias]
                if is_file:
                    if isinstance(raw, str):
                        if wants_bytes:
                            converted.append(raw.encode())
                            continue
                        ctx.body_errors.append(
                            {
                                "type": "value_error",
                                "loc": loc,
                                "msg": "Value error, Expected UploadFile, received: <class 'str'>",
                                "input": raw,
                                "ctx": {"error": {}},
                            }
                        )
                        failed = True
                        continue
                    converted.append(await raw.read() if wants_bytes else raw)
                    continue
                if not isinstance(raw, str):
                    ctx.body_errors.append(
                        {
                            "type": "string_type",
                            "loc": loc,
                            "msg": "Input should be a valid string",
                            "input": None,
                        }
                    )
                    failed = True
                    continue
                try:
                    value = convert(raw) if convert is not None else raw
                    if check is not None and not is_list:
                        check(value)
                except Invalid as exc:
                    exc.report(ctx.body_errors, loc, raw)
                    failed = True
                    continue
                converted.append(value)
            if failed:
                continue
            if is_list:
                if check is not None:
                    try:
                        check(converted)
                    except Invalid as exc:
                        ctx.body_errors.append(exc.to_dict(["body", alias], raws))
                        continue
                values[name] = converted
            else:
                values[name] = converted[0]

    # A lone form model is the whole body (its schema is the model's), as in FastAPI.
    embed = not (len(fields) == 1 and fields[0].spread is not None)
    return BodyPlan("form", fields, embed, read_form_fields, _media_type(fields))


def _is_upload(tp: Any) -> bool:
    return is_class(tp) and tp.__name__ in ("UploadFile", "StarletteUploadFile")


# --- flattening -----------------------------------------------------------------------------


def compile_plan(
    endpoint: Callable[..., Any],
    path: str,
    *,
    dependencies: Sequence[Any] = (),
    overrides: Mapping[Any, Any] | None = None,
) -> Plan:
    """Analyse `endpoint` and its dependency tree and flatten it into a `Plan`.

    Args:
        endpoint: The route handler.
        path: The route's path template (to recognise path parameters by name).
        dependencies: `Depends(...)` objects from `dependencies=[...]` of the app, routers and
            route, in that order: run first, their values discarded.
        overrides: `app.dependency_overrides`.
    """
    overrides = overrides or {}
    names = path_param_names(path)
    top = analyse(endpoint, names, overrides)
    extra = []
    for dep in dependencies:
        if not isinstance(dep, DependsInfo) or dep.dependency is None:
            raise FastAPIError(f"dependencies=[...] takes Depends(callable) objects, got {dep!r}")
        call = overrides.get(dep.dependency, dep.dependency)
        scopes = dep.scopes if isinstance(dep, SecurityInfo) else []
        extra.append((analyse(call, names, overrides, scopes=scopes), dep.use_cache))

    steps: list[Step] = []
    cache: dict[Any, int] = {}
    all_fields: list[Field] = []
    dependants: list[Dependant] = []
    body_fields: list[Field] = []
    has_generators = False

    def add(dep: Dependant, use_cache: bool) -> int:
        nonlocal has_generators
        key = (dep.call, tuple(sorted(dep.scopes)))
        if use_cache and key in cache:
            return cache[key]
        deps = tuple((name, add(sub, cache_sub)) for name, sub, cache_sub in dep.sub)
        dependants.append(dep)
        args: list[tuple[str, Extractor]] = []
        # FastAPI validates path, then query, header, cookie parameters: keep that error order.
        ordered = sorted(
            (f for f in dep.fields if f.location != "body"),
            key=lambda f: ("path", "query", "header", "cookie").index(f.location),
        )
        for field in ordered:
            args.append((field.name, make_extractor(field)))
            if field.spread is not None:
                all_fields.extend(_spread_fields(field))
            else:
                all_fields.append(field)
        for field in dep.fields:
            if field.location == "body":
                body_fields.append(field)
                all_fields.append(field)
                args.append((field.name, _body_extractor(field)))
        for name, kind in dep.specials:
            extractor = _special_extractor(kind)
            if kind == "security_scopes":
                scopes = list(dep.scopes)

                def extractor(ctx: Context, scopes: list[str] = scopes) -> Any:
                    return ctx.get_security_scopes(scopes)

            args.append((name, extractor))
        if dep.kind in (SYNC_GEN, ASYNC_GEN):
            has_generators = True
        slot = len(steps)
        steps.append(Step(call=dep.call, kind=dep.kind, args=tuple(args), deps=deps, slot=slot))
        if use_cache:
            cache[key] = slot
        return slot

    for dep, use_cache in extra:
        add(dep, use_cache)
    add(top, use_cache=False)

    body: BodyPlan | None = None
    if body_fields:
        forms = [f for f in body_fields if isinstance(f.info, FormInfo)]
        if forms:
            body = _form_body_plan(body_fields)
        else:
            embed = len(body_fields) > 1 or bool(getattr(body_fields[0].info, "embed", False))
            body = _json_body_plan(body_fields, embed)
    needs_query = any(f.location == "query" for f in all_fields)
    step_tuple = tuple(steps)
    simple = len(step_tuple) == 1
    all_async = all(s.kind == ASYNC for s in step_tuple)
    return Plan(
        steps=step_tuple,
        nslots=len(step_tuple),
        body=body,
        needs_query=needs_query,
        all_fields=all_fields,
        dependants=dependants,
        has_generators=has_generators,
        simple=simple,
        runner=_generate_runner(step_tuple) if all_async else None,
        fast_runner=(
            _generate_fast_runner(step_tuple) if all_async and body is None and not simple else None
        ),
    )


# Generated code depends only on a plan's shape (parameter names, number of steps and
# dependencies), never on its callables: one factory per distinct source text, shared by
# every route of that shape, is called with each route's callables and extractors.
_FACTORIES: dict[str, Callable[..., Any]] = {}

_MISSING = object()  # in generated code: a value the extractor must read


def _factory(source: str, filename: str) -> Callable[..., Any]:
    """The `make` function defined by `source`, compiled once per distinct source text."""
    factory = _FACTORIES.get(source)
    if factory is None:
        namespace: dict[str, Any] = {
            "RequestValidationError": RequestValidationError,
            "parse_query_last": parse_query_last,
            "small_ints": _SMALL_INTS,
            "missing": _MISSING,
        }
        exec(compile(source, filename, "exec"), namespace)
        factory = _FACTORIES[source] = namespace["make"]
    return factory


def _header_lines(raw: str, suffix: str, headers: str) -> list[str]:
    """Lines setting `raw` to the first value of header `key_<suffix>` in `headers`, or None."""
    return [
        f"        {raw} = None",
        f"        for header_key, header_value in {headers}:",
        f"            if header_key == key_{suffix}:",
        f"                {raw} = header_value.decode('latin-1')",
        "                break",
    ]


def _extract_lines(
    suffix: str, extract: Extractor, objects: list[Any], params: list[str], query_read: list[bool]
) -> list[str]:
    """The lines setting `arg_<suffix>` to what `extract(ctx)` returns.

    PERF: a body value, and a path, query or header value that is an int from 0 to 999 or a
    str without constraints, is read inline, with no extractor call (and no `_to_int` call);
    anything else (a miss, an error, another value) calls the extractor, which reads it again
    and reports as before (benchmarks/bench_core.py::query, ::body, ::deps, ::path).
    `query_read` holds True once the lines have bound `query` (the parsed query string).
    """
    arg = f"arg_{suffix}"
    inline = _INLINE.get(extract)
    if inline is not None and inline[0] == "body":
        objects.append(inline[1])
        params.append(f"key_{suffix}")
        return [f"        {arg} = ctx.body_values.get(key_{suffix})"]
    objects.append(extract)
    params.append(f"extract_{suffix}")
    call = f"extract_{suffix}(ctx)"
    if inline is None:
        return [f"        {arg} = {call}"]
    loc, key, kind, _, _, _ = inline
    objects.append(key)
    params.append(f"key_{suffix}")
    # A str needs no conversion: the raw value goes straight into the argument.
    raw = f"raw_{suffix}" if kind == "int" else arg
    lines = []
    if loc == "path":
        lines.append(f"        {raw} = ctx.path_params.get(key_{suffix})")
    elif loc == "query":
        if not query_read[0]:
            query_read[0] = True
            lines += [
                "        query = ctx._query",
                "        if query is None:",
                '            query = ctx._query = parse_query_last(ctx.scope.get("query_string", b""))',
            ]
        lines.append(f"        {raw} = query.get(key_{suffix})")
    else:
        lines += _header_lines(raw, suffix, "ctx.scope['headers']")
    if kind == "int":
        lines.append(f"        {arg} = small_ints.get({raw})")
    lines += [f"        if {arg} is None:", f"            {arg} = {call}"]
    return lines


def generate_starter(step: Step) -> Callable[[Context], Any]:
    """Generated code for a one-step async plan: extract every argument, then return the
    endpoint's coroutine, or None when some argument failed (errors are in the context)."""
    objects: list[Any] = [step.call]
    params = ["call"]
    lines = ["    def start(ctx):"]
    keywords = []
    query_read = [False]
    for j, (name, extract) in enumerate(step.args):
        lines += _extract_lines(str(j), extract, objects, params, query_read)
        keywords.append(f"{name}=arg_{j}")
    lines.append("        if ctx.errors or ctx.body_errors:")
    lines.append("            return None")
    lines.append(f"        return call({', '.join(keywords)})")
    lines.append("    return start")
    source = "\n".join([f"def make({', '.join(params)}):", *lines])
    # PERF: one compile() per distinct shape, not per route
    # (benchmarks/bench_scale.py::startup).
    starter: Callable[[Context], Any] = _factory(source, "<fasterapi start>")(*objects)
    return starter


def _fast_lines(
    suffix: str,
    extract: Extractor,
    objects: list[Any],
    params: list[str],
    state: list[bool],
    fail: list[str],
) -> list[str] | None:
    """Lines setting `arg_<suffix>` from `scope` and `path_params` alone (no Context), running
    `fail` when only the extractor can tell (a missing value without a plain default, an int
    other than plain digits, a header not sent in lower case); None when the parameter is not
    one generated code reads (see `_INLINE`). `state[0]` is True once `query` is bound."""
    inline = _INLINE.get(extract)
    if inline is None or inline[0] == "body":
        return None
    loc, key, kind, required, plain_default, default = inline
    if loc == "header" and not required:
        # An optional header is mostly absent, and only the extractor's case-blind parse can
        # tell that it is: generated code would only add a scan before it.
        return None
    objects.append(key)
    params.append(f"key_{suffix}")
    arg, raw = f"arg_{suffix}", f"raw_{suffix}"
    lines = []
    if loc == "path":
        lines.append(f"        {raw} = path_params.get(key_{suffix})")
    elif loc == "query":
        if not state[0]:
            state[0] = True
            # PERF: `parse_query_last` written out, a call less (benchmarks/bench_core.py
            # query 0.82 -> 0.85). Keep the two in step.
            lines += [
                '        query_string = scope.get("query_string", b"")',
                "        if query_string:",
                '            query_text = query_string.decode("latin-1")',
                '            if "%" in query_text or "+" in query_text or not query_text.isascii():',
                "                query = parse_query_last(query_string)",
                "            else:",
                "                query = {}",
                '                for query_part in query_text.split("&"):',
                "                    if query_part:",
                '                        query_key, _, query_value = query_part.partition("=")',
                "                        query[query_key] = query_value",
                "        else:",
                "            query = {}",
            ]
        lines.append(f"        {raw} = query.get(key_{suffix})")
    else:
        lines += _header_lines(raw, suffix, "scope['headers']")
    lines.append(f"        if {raw} is None:")
    if loc == "query" and plain_default:
        objects.append(default)
        params.append(f"default_{suffix}")
        lines.append(f"            {arg} = default_{suffix}")
    else:
        lines.append(f"            {arg} = missing")
    lines.append("        else:")
    if kind == "int":
        # Plain ASCII digits as `parse_int` reads them first; any other text (a sign, spaces,
        # "3.0", or no int at all) is left to the extractor.
        lines += [
            f"            {arg} = small_ints.get({raw}, missing)",
            f"            if {arg} is missing and {raw}.isdigit() and {raw}.isascii() and len({raw}) <= 4300:",
            f"                {arg} = int({raw})",
        ]
    else:
        lines.append(f"            {arg} = {raw}")
    lines.append(f"        if {arg} is missing:")
    lines += [f"            {line.format(suffix=suffix)}" for line in fail]
    return lines


def generate_fast_starter(step: Step) -> Callable[[Any, dict[str, Any], Any, Any], Any] | None:
    """For a one-step async plan whose every argument is a plain path, query or header value:
    generated code taking `(scope, path_params, receive, send)` that returns the endpoint's
    coroutine. It reads the values itself and builds a Context only for one that needs its
    extractor; when that reports an error, it returns the Context (errors in `ctx.errors`)
    instead. None for any other plan."""
    objects: list[Any] = [step.call, Context]
    params = ["call", "new_context"]
    lines = ["    def start(scope, path_params, receive, send):", "        ctx = None"]
    keywords = []
    state = [False]
    fail = [
        "if ctx is None:",
        "    ctx = new_context(scope, receive, send, path_params)",
        "arg_{suffix} = extract_{suffix}(ctx)",
    ]
    for j, (name, extract) in enumerate(step.args):
        arg_lines = _fast_lines(str(j), extract, objects, params, state, fail)
        if arg_lines is None:
            return None
        objects.append(extract)
        params.append(f"extract_{j}")
        lines += arg_lines
        keywords.append(f"{name}=arg_{j}")
    lines.append("        if ctx is not None and ctx.errors:")
    lines.append("            return ctx")
    lines.append(f"        return call({', '.join(keywords)})")
    lines.append("    return start")
    source = "\n".join([f"def make({', '.join(params)}):", *lines])
    starter: Callable[[Any, dict[str, Any], Any, Any], Any] = _factory(
        source, "<fasterapi fast start>"
    )(*objects)
    return starter


# What a fast runner returns when some value needs the extractors (nothing was called yet).
NEEDS_CONTEXT = object()


def _generate_fast_runner(
    steps: tuple[Step, ...],
) -> Callable[[Any, dict[str, Any]], Awaitable[Any]] | None:
    """For an all-async graph whose every argument is a plain path, query or header value: the
    runner taking `(scope, path_params)`. Every value is read before any call (they depend on
    the request only), so when one needs the extractors it returns `NEEDS_CONTEXT` having
    called nothing, and the route runs the plan with a Context. None for any other graph."""
    objects: list[Any] = [NEEDS_CONTEXT]
    params = ["needs_context"]
    lines = ["    async def run(scope, path_params):"]
    calls = []
    state = [False]
    for i, step in enumerate(steps):
        objects.append(step.call)
        params.append(f"call_{i}")
        keywords = []
        for j, (name, extract) in enumerate(step.args):
            arg_lines = _fast_lines(
                f"{i}_{j}", extract, objects, params, state, ["return needs_context"]
            )
            if arg_lines is None:
                return None
            lines += arg_lines
            keywords.append(f"{name}=arg_{i}_{j}")
        keywords.extend(f"{name}=value_{slot}" for name, slot in step.deps)
        calls.append(f"        value_{i} = await call_{i}({', '.join(keywords)})")
    lines += calls
    lines.append(f"        return value_{len(steps) - 1}")
    lines.append("    return run")
    source = "\n".join([f"def make({', '.join(params)}):", *lines])
    runner: Callable[[Any, dict[str, Any]], Awaitable[Any]] = _factory(
        source, "<fasterapi fast plan>"
    )(*objects)
    return runner


def generate_body_caller(step: Step) -> Callable[[Any], Any] | None:
    """For a one-step plan whose only argument is the JSON body: generated code calling the
    endpoint with the decoded body as that argument (returning what the call returns, the
    coroutine of an async endpoint); None for any other plan."""
    if len(step.args) != 1:
        return None
    name, extract = step.args[0]
    inline = _INLINE.get(extract)
    if inline is None or inline[0] != "body":
        return None
    # Only the parameter's name (an identifier) goes into the source.
    source = f"def make(call):\n    def call_with_body(value):\n        return call({name}=value)\n    return call_with_body"
    caller: Callable[[Any], Any] = _factory(source, "<fasterapi start>")(step.call)
    return caller


def _generate_runner(steps: tuple[Step, ...]) -> Callable[[Context], Awaitable[Any]]:
    """Write the plan of an all-async graph as straight-line code: one line per extraction and
    one awaited call per step, with no loops, no kwargs dicts and no slot lists at request time.

    Only identifiers go into the source (parameter names from signatures and generated names);
    the callables and extractors are passed to the factory and closed over.
    """
    objects: list[Any] = []
    params: list[str] = []
    lines = [
        "    async def run(ctx):",
        "        errors = ctx.errors",
        "        body_errors = ctx.body_errors",
    ]
    query_read = [False]
    for i, step in enumerate(steps):
        objects.append(step.call)
        params.append(f"call_{i}")
        keywords = []
        for j, (name, extract) in enumerate(step.args):
            lines += _extract_lines(f"{i}_{j}", extract, objects, params, query_read)
            keywords.append(f"{name}=arg_{i}_{j}")
        keywords.extend(f"{name}=value_{slot}" for name, slot in step.deps)
        lines.append("        if errors or body_errors:")
        lines.append(f"            value_{i} = None")
        lines.append("        else:")
        lines.append(f"            value_{i} = await call_{i}({', '.join(keywords)})")
    lines.append("        if errors or body_errors:")
    lines.append(
        "            raise RequestValidationError([*errors, *body_errors], body=ctx.json_body)"
    )
    lines.append(f"        return value_{len(steps) - 1}")
    lines.append("    return run")
    source = "\n".join([f"def make({', '.join(params)}):", *lines])
    # PERF: one compile() per distinct shape, not per route
    # (benchmarks/bench_scale.py::startup).
    runner: Callable[[Context], Awaitable[Any]] = _factory(source, "<fasterapi plan>")(*objects)
    return runner


async def run_steps(plan: Plan, ctx: Context) -> Any:
    """Run every step of `plan` (dependencies, then the endpoint) and return the endpoint's value.

    Raises:
        RequestValidationError: Some parameter failed; holds every error of the request.
    """
    errors = ctx.errors
    body_errors = ctx.body_errors
    runner = plan.runner
    if runner is not None:
        # PERF: all-async graphs (the common case) run as generated straight-line code
        # (benchmarks/bench_core.py::deps).
        return await runner(ctx)
    values: list[Any] = [None] * plan.nslots
    for step in plan.steps:
        kwargs = {name: extract(ctx) for name, extract in step.args}
        for name, slot in step.deps:
            kwargs[name] = values[slot]
        if errors or body_errors:
            continue
        kind = step.kind
        if kind == ASYNC:
            values[step.slot] = await step.call(**kwargs)
        elif kind == SYNC:
            values[step.slot] = await run_in_threadpool(step.call, **kwargs)
        elif kind == ASYNC_GEN:
            agen = step.call(**kwargs)
            if ctx.exits is None:
                ctx.exits = []
            ctx.exits.append(agen)
            values[step.slot] = await agen.__anext__()
        else:
            gen = step.call(**kwargs)
            if ctx.exits is None:
                ctx.exits = []
            ctx.exits.append(gen)
            more, value = await run_in_threadpool(step_generator, gen)
            if not more:
                raise RuntimeError(f"generator dependency {step.call!r} did not yield")
            values[step.slot] = value
    if errors or body_errors:
        # FastAPI's order: parameters (dependencies first), then the body.
        raise RequestValidationError([*errors, *body_errors], body=ctx.json_body)
    return values[-1]
