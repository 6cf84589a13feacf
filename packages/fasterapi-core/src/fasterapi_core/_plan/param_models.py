"""Parameter models: `Annotated[Model, Query()]` (or `Header()`, `Cookie()`, `Form()`).

As in FastAPI >= 0.115, a pydantic model (or a msgspec Struct, or a dataclass) declared as a
query, header, cookie or form parameter is spread over its fields: each field is read from
the request under its own name (headers with `_` -> `-` unless `convert_underscores=False`),
the values are validated as one model, and errors are located per field
(`["query", "limit"]`). Everything about the model is worked out here once, at registration;
per request the compiled reader only looks up the known names and validates.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from fasterapi_core._plan.context import Context
from fasterapi_core._plan.convert import (
    Invalid,
    is_class,
    is_optional,
    is_typeddict,
    make_checks,
    make_converter,
    strip_optional,
)
from fasterapi_core._plan.dc_constraints import constrained_decoder
from fasterapi_core._plan.errors import (
    all_field_errors,
    extra_forbidden_errors,
    pydantic_errors,
    validation_errors,
)
from fasterapi_core._plan.fill import dataclass_filler
from fasterapi_core.params import CookieInfo, HeaderInfo, ParamInfo, QueryInfo, Undefined

__all__ = ("ModelField", "is_param_model", "model_fields", "model_reader", "read_form_model")

_INFO_CLASSES: dict[str, type[ParamInfo]] = {
    "query": QueryInfo,
    "header": HeaderInfo,
    "cookie": CookieInfo,
}

# pydantic constraint attributes copied onto a field's ParamInfo (for OpenAPI).
_CONSTRAINTS = ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern")

_SEQUENCES = (list, set, frozenset, tuple)


def _is_pydantic(tp: Any) -> bool:
    return is_class(tp) and hasattr(tp, "model_validate") and hasattr(tp, "model_fields")


def is_param_model(tp: Any) -> bool:
    """True for a class a query/header/cookie/form parameter is spread over."""
    tp = strip_optional(tp)
    if not is_class(tp):
        return False
    return (
        _is_pydantic(tp)
        or issubclass(tp, msgspec.Struct)
        or (dataclasses.is_dataclass(tp) and not is_typeddict(tp))
    )


def _is_sequence(tp: Any) -> bool:
    tp = strip_optional(tp)
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    origin = typing.get_origin(tp) or tp
    return isinstance(origin, type) and issubclass(origin, _SEQUENCES)


@dataclasses.dataclass(slots=True)
class ModelField:
    """One field of a parameter model, as a parameter."""

    name: str  # the attribute name
    key: str  # the name the model validates from (its alias)
    alias: str  # the name on the wire (a header's with hyphens)
    annotation: Any
    required: bool
    default: Any
    info: ParamInfo
    is_list: bool
    shown: str = ""  # the name OpenAPI shows (a header alias keeps its case)


def _info(cls: type[ParamInfo], metadata: Any, source: Any, default: Any) -> ParamInfo:
    """A `cls` (QueryInfo...) carrying the constraints found in `metadata` (pydantic's or
    msgspec `Meta` objects) and the documentation attributes of `source`."""
    kwargs: dict[str, Any] = {}
    for meta in metadata:
        for attr in _CONSTRAINTS:
            value = getattr(meta, attr, None)
            if value is not None:
                kwargs[attr] = value
    for attr in ("title", "description", "examples", "json_schema_extra", "deprecated"):
        for holder in (source, *metadata):
            value = getattr(holder, attr, None)
            if value is not None and not callable(value):
                kwargs[attr] = value
                break
    return cls(default, **kwargs)


def _annotated_metadata(tp: Any) -> tuple[Any, ...]:
    tp = strip_optional(tp)
    if typing.get_origin(tp) is typing.Annotated:
        return typing.get_args(tp)[1:]
    return ()


def model_fields(model: Any, location: str, info: ParamInfo) -> list[ModelField]:
    """The fields of `model` declared as `location` parameters by `info` (`Query()`...)."""
    model = strip_optional(model)
    cls = _INFO_CLASSES.get(location, QueryInfo)
    convert_underscores = location == "header" and getattr(info, "convert_underscores", True)
    out: list[ModelField] = []
    if _is_pydantic(model):
        for name, field in model.model_fields.items():
            validation_alias = field.validation_alias
            key = validation_alias if isinstance(validation_alias, str) else field.alias or name
            required = field.is_required()
            default = None if required or field.default_factory is not None else field.default
            out.append(
                ModelField(
                    name=name,
                    key=key,
                    alias=key,
                    annotation=field.annotation,
                    required=required,
                    default=default,
                    info=_info(cls, field.metadata, field, Undefined if required else default),
                    is_list=_is_sequence(field.annotation),
                )
            )
    elif issubclass(model, msgspec.Struct):
        for f in msgspec.structs.fields(model):
            default = None if f.required or f.default is msgspec.NODEFAULT else f.default
            out.append(
                ModelField(
                    name=f.name,
                    key=f.encode_name,
                    alias=f.encode_name,
                    annotation=f.type,
                    required=f.required,
                    default=default,
                    info=_info(
                        cls,
                        _annotated_metadata(f.type),
                        None,
                        Undefined if f.required else default,
                    ),
                    is_list=_is_sequence(f.type),
                )
            )
    else:
        hints = typing.get_type_hints(model, include_extras=True)
        for d in dataclasses.fields(model):
            required = d.default is dataclasses.MISSING and d.default_factory is dataclasses.MISSING
            default = None if d.default is dataclasses.MISSING else d.default
            out.append(
                ModelField(
                    name=d.name,
                    key=d.name,
                    alias=d.name,
                    annotation=hints.get(d.name, Any),
                    required=required,
                    default=default,
                    info=_info(
                        cls,
                        _annotated_metadata(hints.get(d.name, Any)),
                        None,
                        Undefined if required else default,
                    ),
                    is_list=_is_sequence(hints.get(d.name, Any)),
                )
            )
    for field in out:
        if field.info.title is None:
            # pydantic's default title: the alias (or name), underscores as spaces, titled.
            field.info.title = field.key.replace("_", " ").title()
        if convert_underscores and field.key == field.name:
            field.alias = field.name.replace("_", "-")
        field.shown = field.alias
        if location == "header":
            field.alias = field.alias.lower()
    return out


def _takes_extras(model: Any) -> bool:
    """Whether unknown names must reach the model (it forbids or keeps them)."""
    if _is_pydantic(model):
        return model.model_config.get("extra") in ("allow", "forbid")
    if issubclass(model, msgspec.Struct):
        return bool(model.__struct_config__.forbid_unknown_fields)
    return False


def _validator(
    model: Any, location: list[Any], fields: list[ModelField]
) -> Callable[[dict[str, Any]], tuple[Any, list[dict[str, Any]]]]:
    """`values -> (instance, errors)` for one model; errors are FastAPI-shaped, at `location`.

    pydantic models validate the raw strings themselves. For Structs and dataclasses each
    field's text is first converted by the same precompiled converters as a plain parameter
    (pydantic's lax rules and messages), then msgspec checks constraints and builds the object.
    """
    constrained = None if _is_pydantic(model) else constrained_decoder(model)
    if _is_pydantic(model) or constrained is not None:
        # A pydantic model, or a dataclass whose fields carry pydantic constraints (or
        # `Field(...)` defaults): pydantic validates it, as for a body of that type.
        validate = model.model_validate if constrained is None else constrained[1]

        def validate_pydantic(values: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
            try:
                return validate(values), []
            except Exception as exc:
                errors = pydantic_errors(exc, location)
                if errors is None:
                    raise
                return None, errors

        return validate_pydantic

    fill = dataclass_filler(model)
    msgspec_convert = msgspec.convert
    entries = tuple(
        (
            f.key,
            f.alias,
            f.required,
            f.is_list,
            make_converter(_item_type(f.annotation) if f.is_list else f.annotation),
            make_checks(f.info, is_list=f.is_list),
        )
        for f in fields
    )

    forbid = _takes_extras(model)
    keys = frozenset(f.key for f in fields)

    def validate_msgspec(values: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
        errors: list[dict[str, Any]] = []
        converted: dict[str, Any] = dict(values)
        for key, alias, required, is_list, convert, check in entries:
            raw = values.get(key, _ABSENT)
            if raw is _ABSENT:
                if required:
                    errors.append(
                        {
                            "type": "missing",
                            "loc": [*location, alias],
                            "msg": "Field required",
                            "input": values,
                        }
                    )
                continue
            try:
                if is_list:
                    items = []
                    for index, item in enumerate(raw):
                        try:
                            items.append(convert(item) if isinstance(item, str) else item)
                        except Invalid as exc:  # noqa: PERF203 - the error path
                            exc.report(errors, [*location, alias, index], item)
                    converted[key] = items
                    if check is not None:
                        check(items)
                elif isinstance(raw, str):
                    value = converted[key] = convert(raw)
                    if check is not None:
                        check(value)
            except Invalid as exc:
                exc.report(errors, [*location, alias], raw)
        if forbid:
            errors.extend(extra_forbidden_errors(location, values, keys))
        if errors:
            return None, errors
        try:
            value = msgspec_convert(converted, model, strict=False)
        except msgspec.ValidationError as exc:
            every = all_field_errors(model, converted, location)
            return None, every or validation_errors(exc, location, converted)
        return (fill(value) if fill is not None else value), []

    return validate_msgspec


def _item_type(tp: Any) -> Any:
    tp = strip_optional(tp)
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    args = typing.get_args(tp)
    return args[0] if args else str


_ABSENT: Any = object()


def _renamer(fields: list[ModelField]) -> Callable[[list[dict[str, Any]]], None] | None:
    """Report a header field under its header name (`save-data`), as FastAPI does."""
    names = {f.key: f.alias for f in fields if f.key != f.alias}
    if not names:
        return None

    def rename(errors: list[dict[str, Any]]) -> None:
        for error in errors:
            loc = error["loc"]
            if len(loc) > 1 and loc[1] in names:
                error["loc"] = [loc[0], names[loc[1]], *loc[2:]]

    return rename


def model_reader(model_tp: Any, location: str, fields: list[ModelField], default: Any) -> Any:
    """The extractor (`ctx -> instance`) of a query/header/cookie parameter model."""
    optional = is_optional(model_tp)
    model = strip_optional(model_tp)
    validate = _validator(model, [location], fields)
    rename = _renamer(fields) if location == "header" else None
    extras = _takes_extras(model)
    entries = tuple((f.key, f.alias, f.is_list) for f in fields)
    own = frozenset(f.alias for f in fields)
    if location == "header":
        # An unconverted field name is not an extra header either.
        own |= frozenset(f.key.lower() for f in fields)

    if location == "query":

        def sources(ctx: Context) -> tuple[Mapping[str, Any], Mapping[str, list[str]] | None]:
            return ctx.query(), ctx.query_lists()

    elif location == "header":

        def sources(ctx: Context) -> tuple[Mapping[str, Any], Mapping[str, list[str]] | None]:
            return ctx.headers(), ctx.header_lists()

    else:

        def sources(ctx: Context) -> tuple[Mapping[str, Any], Mapping[str, list[str]] | None]:
            return ctx.cookies(), None

    def extract(ctx: Context) -> Any:
        last, lists = sources(ctx)
        values: dict[str, Any] = {}
        for key, alias, is_list in entries:
            if is_list and lists is not None:
                found = lists.get(alias)
                if found:
                    values[key] = found
            else:
                value = last.get(alias)
                if value is not None:
                    values[key] = value
        sent = bool(values)
        # Every other name goes to the model too, as in FastAPI: its extra policy decides
        # (ignored, kept, or refused), and a missing field's error shows them as its input.
        if lists is not None:
            for name, items in lists.items():
                if name not in own:
                    values[name] = items[0] if len(items) == 1 else items
        else:
            values.update((name, value) for name, value in last.items() if name not in own)
        if optional and not (sent or (extras and values)):
            return default
        instance, errors = validate(values)
        if errors:
            if rename is not None:
                rename(errors)
            ctx.errors.extend(errors)
        return instance

    return extract


def read_form_model(
    model_tp: Any, fields: list[ModelField]
) -> Callable[[Any], tuple[Any, list[dict[str, Any]]]]:
    """`form -> (instance, errors)` for a form parameter model (`Annotated[Model, Form()]`)."""
    model = strip_optional(model_tp)
    validate = _validator(model, ["body"], fields)
    entries = tuple((f.key, f.alias, f.is_list) for f in fields)
    own = frozenset(f.alias for f in fields)

    def read(form: Any) -> tuple[Any, list[dict[str, Any]]]:
        values: dict[str, Any] = {}
        if form is None:
            return validate(values)
        for key, alias, is_list in entries:
            if is_list:
                items = form.getlist(alias)
                if items:
                    values[key] = items
            else:
                value = form.get(alias)
                # As in FastAPI, an empty text value counts as not sent.
                if value is not None and not (isinstance(value, str) and value == ""):
                    values[key] = value
        grouped: dict[str, list[Any]] = {}
        for name, value in form.multi_items():
            if name not in own:
                grouped.setdefault(name, []).append(value)
        for name, items in grouped.items():
            values[name] = items[0] if len(items) == 1 else items
        return validate(values)

    return read
