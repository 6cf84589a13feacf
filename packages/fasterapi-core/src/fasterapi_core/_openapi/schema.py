"""JSON Schemas for Python types, in the shape FastAPI (pydantic) writes them.

msgspec's `msgspec.inspect` describes each type; this module turns that description into the
JSON Schema FastAPI documents for the same type, so generated clients see the same document:

* enum members and `Literal` values keep their declaration order, with a `type`;
* `datetime` is `{"type": "string", "format": "date-time"}` (also without a tzinfo), `time`
  `"format": "time"`, `bytes` an octet-stream string;
* `Decimal` is `{"anyOf": [number, string]}` for input and a string for output;
* component properties are titled (`"my_name"` -> `"My Name"`) unless they are references, and
  a `None` default is left out (FastAPI drops every null-valued key);
* keys come in the order FastAPI serves them: parameters in pydantic's order, everything else
  in the order of the fields of FastAPI's OpenAPI `Schema` model (`{"items": ..., "type":
  "array", "title": ...}`), with numeric bounds as floats there.

Classes (Structs, dataclasses, TypedDicts, NamedTuples, Enums) become components, referenced
as `#/components/schemas/<Name>`; a class used for input and for output whose two schemas differ
(a `Decimal` inside) is rendered twice, as `<Name>-Input` and `<Name>-Output` (see `split`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import typing
from collections.abc import Callable
from typing import Any

import msgspec
import msgspec.inspect as mi

__all__ = ("SchemaGenerator", "model_order")

# The field order of FastAPI's OpenAPI `Schema` model: every schema outside the parameters is
# served in this order (unknown keys after, as they came).
_SCHEMA_KEYS = [
    "$schema",
    "$vocabulary",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$ref",
    "$dynamicRef",
    "$defs",
    "$comment",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "prefixItems",
    "items",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "discriminator",
    "xml",
    "externalDocs",
    "example",
]
_RANK = {key: i for i, key in enumerate(_SCHEMA_KEYS)}
_LAST = len(_SCHEMA_KEYS)
_FLOAT_KEYS = frozenset(
    ("multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum")
)
_SUB_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUB_SCHEMAS = ("items", "additionalProperties", "not", "contains", "propertyNames")

_FORMATS: dict[type, str] = {
    mi.DateTimeType: "date-time",
    mi.DateType: "date",
    mi.TimeType: "time",
    mi.TimeDeltaType: "duration",
    mi.UUIDType: "uuid",
}
_OCTETS = "application/octet-stream"
_EMPTY = (list, dict, set, frozenset, bytearray)


def model_order(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (deeply) in the key order of FastAPI's `Schema` model, bounds as floats.

    Returns a new dict; `schema` is left as it was.
    """
    out: dict[str, Any] = {}
    for key, value in sorted(schema.items(), key=lambda kv: _RANK.get(kv[0], _LAST)):
        if key in _FLOAT_KEYS and type(value) is int:
            value = float(value)
        elif key == "properties" and isinstance(value, dict):
            value = {name: model_order(sub) for name, sub in value.items()}
        elif key in _SUB_LISTS and isinstance(value, list):
            value = [model_order(sub) if isinstance(sub, dict) else sub for sub in value]
        elif key in _SUB_SCHEMAS and isinstance(value, dict):
            value = model_order(value)
        out[key] = value
    return out


def _literal_order(values: tuple[Any, ...], hint: Any) -> list[Any]:
    """The values of the `Literal[...]` in `hint` with these values, in declaration order.

    `msgspec.inspect` sorts a Literal's values; FastAPI keeps them as written.
    """
    if isinstance(hint, _FieldHint):
        hint = _hints(hint.cls).get(hint.name)
    wanted = set(values)
    stack = [hint]
    seen = 0
    while stack and seen < 200:
        seen += 1
        node = stack.pop()
        args = typing.get_args(node)
        if typing.get_origin(node) is typing.Literal and set(args) == wanted:
            return list(args)
        stack.extend(args)
    return list(values)


@dataclasses.dataclass(frozen=True, slots=True)
class _FieldHint:
    """Where a field's declared type is, read only when a `Literal` needs its order."""

    cls: Any
    name: str


def _title(name: str) -> str:
    return name.replace("_", " ").title().strip()


def _is_ref_like(schema: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return True
    members = schema.get("anyOf")
    return members is not None and any("$ref" in m for m in members)


def _enum_type(values: list[Any]) -> str | None:
    kinds = {type(v) for v in values}
    if kinds == {str}:
        return "string"
    if kinds == {int}:
        return "integer"
    if kinds == {bool}:
        return "boolean"
    return None


class SchemaGenerator:
    """Schemas for annotations, sharing one set of components.

    `schema(annotation, param=..., output=...)` gives the schema of one annotation (cached);
    `components()` gives every component the given schemas refer to, by name.
    """

    __slots__ = (
        "_cache",
        "_classes",
        "_hook",
        "_infos",
        "_names",
        "_prefix",
        "_split",
        "_used",
    )

    def __init__(self, hook: Callable[[Any, bool], dict[str, Any]], ref_prefix: str) -> None:
        """`hook(cls, output)` describes a class msgspec cannot (a pydantic model, ...)."""
        self._hook = hook
        self._prefix = ref_prefix
        self._cache: dict[tuple[Any, bool, bool], dict[str, Any]] = {}
        self._infos: dict[Any, Any] = {}
        # class -> its base name; (class, mode) -> its component (mode: None, or for a class
        # rendered twice, False for input and True for output)
        self._names: dict[Any, str] = {}
        self._classes: dict[tuple[Any, bool | None], dict[str, Any] | None] = {}
        self._split: frozenset[Any] = frozenset()
        self._used: set[str] = set()

    # -- public ---------------------------------------------------------------------------
    def schema(
        self, annotation: Any, *, param: bool = False, output: bool = False
    ) -> dict[str, Any]:
        """The schema of `annotation`: parameter key order if `param`, else the model order.

        `output` describes a response value (a `Decimal` is then a string). An annotation
        msgspec cannot describe is `{}` (any value).
        """
        key = (annotation, param, output)
        try:
            return self._cache[key]
        except KeyError:
            pass
        except TypeError:  # unhashable metadata: not cached
            return self._render(annotation, param=param, output=output)
        schema = self._cache[key] = self._render(annotation, param=param, output=output)
        return schema

    def components(self) -> dict[str, dict[str, Any]]:
        """Every class component met so far, by name, in model key order."""
        return {
            self._component_name(cls, mode): model_order(schema)
            for (cls, mode), schema in self._classes.items()
            if schema is not None
        }

    def split(self, inputs: list[Any], outputs: list[Any]) -> frozenset[Any]:
        """Plan `<Name>-Input` / `<Name>-Output` pairs, as FastAPI does, before rendering.

        A class reached both from `inputs` and from `outputs` (annotations) whose input and output
        schemas differ, that is one with a `Decimal` somewhere inside, is rendered twice. Returns
        the pydantic models (classes the hook describes) reached from both sides, which the hook
        should render twice too.
        """
        decimal: dict[Any, bool] = {}
        seen_in = self._reach(inputs, decimal)
        seen_out = self._reach(outputs, decimal)
        both = seen_in & seen_out
        self._split = frozenset(cls for cls in both if decimal.get(cls))
        return frozenset(cls for cls in both if cls not in decimal)

    def _reach(self, annotations: list[Any], decimal: dict[Any, bool]) -> set[Any]:
        """The classes reachable from `annotations`; fills `decimal` (class -> has a Decimal)."""
        seen: set[Any] = set()

        def walk(t: Any) -> bool:  # whether a Decimal is inside t
            kind = type(t)
            if kind is mi.DecimalType:
                return True
            if kind is mi.Metadata:
                return walk(t.type)
            if kind is mi.CustomType:
                seen.add(t.cls)
                return False
            if kind in _CLASS_TYPES and kind is not mi.EnumType:
                cls = t.cls
                if cls in seen:
                    return decimal.get(cls, False)
                seen.add(cls)
                decimal.setdefault(cls, False)
                found = False
                for f in t.fields:
                    found = walk(f.type) or found
                decimal[cls] = decimal[cls] or found
                return decimal[cls]
            found = False
            for child in _children(t):
                found = walk(child) or found
            return found

        infos = self._infos
        for annotation in dict.fromkeys(a for a in annotations if _hashable(a)):
            info = infos.get(annotation)
            if info is not None:
                walk(info)
        return seen

    # -- rendering --------------------------------------------------------------------------
    def prepare(self, annotations: list[Any]) -> None:
        """Inspect these annotations in one msgspec call (classes shared between them are then
        inspected once, not once per annotation)."""
        # PERF: one `multi_type_info` for the whole document instead of a `type_info` per
        # annotation; re-inspecting the same Structs was a third of the build time
        # (benchmarks/bench_openapi.py).
        unique: dict[Any, None] = {}
        for annotation in annotations:
            if _hashable(annotation) and annotation not in self._infos:
                unique[annotation] = None
        if not unique:
            return
        try:
            infos = mi.multi_type_info(list(unique))
        except (TypeError, ValueError):  # one odd type: inspect each on its own, later
            return
        self._infos.update(zip(unique, infos, strict=True))

    def _render(self, annotation: Any, *, param: bool, output: bool) -> dict[str, Any]:
        try:
            info = self._infos.get(annotation)
        except TypeError:
            info = None
        try:
            if info is None:
                info = mi.type_info(annotation)
            schema = self._to_schema(info, annotation, output)
        except (TypeError, ValueError):  # msgspec cannot take it whole (or an msgpack type)
            return self._union_of_parts(annotation, param=param, output=output)
        return schema if param else model_order(schema)

    def _union_of_parts(self, annotation: Any, *, param: bool, output: bool) -> dict[str, Any]:
        """A union msgspec rejects (`A | B` of two dataclasses): each member on its own, as
        pydantic does; anything else msgspec cannot describe is `{}` (any value)."""
        if not _is_union(annotation):
            return {}
        members: list[dict[str, Any]] = []
        for arg in typing.get_args(annotation):
            schema = self._render(arg, param=param, output=output)
            more = schema.get("anyOf") if len(schema) == 1 else None
            members.extend(more if more is not None else [schema])
        return {"anyOf": members}

    def _to_schema(self, t: Any, hint: Any, output: bool) -> dict[str, Any]:
        extra: dict[str, Any] | None = None
        while isinstance(t, mi.Metadata):
            if t.extra_json_schema:
                extra = {**(extra or {}), **t.extra_json_schema}
            t = t.type
        schema = self._type_schema(t, hint, output)
        if extra:
            schema = {**schema, **extra}
        return schema

    def _type_schema(self, t: Any, hint: Any, output: bool) -> dict[str, Any]:
        kind = type(t)
        if kind in (mi.AnyType, mi.RawType):
            return {}
        if kind is mi.NoneType:
            return {"type": "null"}
        if kind is mi.BoolType:
            return {"type": "boolean"}
        if kind is mi.IntType or kind is mi.FloatType:
            schema: dict[str, Any] = {"type": "integer" if kind is mi.IntType else "number"}
            for attr, key in (
                ("multiple_of", "multipleOf"),
                ("le", "maximum"),
                ("ge", "minimum"),
                ("lt", "exclusiveMaximum"),
                ("gt", "exclusiveMinimum"),
            ):
                value = getattr(t, attr)
                if value is not None:
                    schema[key] = value
            return schema
        if kind is mi.StrType:
            schema = {"type": "string"}
            self._lengths(schema, t, "minLength", "maxLength")
            if t.pattern is not None:
                schema["pattern"] = t.pattern
            return schema
        if kind in (mi.BytesType, mi.ByteArrayType, mi.MemoryViewType):
            schema = {"type": "string", "contentMediaType": _OCTETS}
            self._lengths(schema, t, "minLength", "maxLength")
            return schema
        fmt = _FORMATS.get(kind)
        if fmt is not None:
            return {"type": "string", "format": fmt}
        if kind is mi.DecimalType:
            if output:
                return {"type": "string"}
            return {"anyOf": [{"type": "number"}, {"type": "string"}]}
        if kind in (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType):
            schema = {"type": "array", "items": self._to_schema(t.item_type, hint, output)}
            if kind in (mi.SetType, mi.FrozenSetType):
                schema["uniqueItems"] = True
            self._lengths(schema, t, "minItems", "maxItems")
            return schema
        if kind is mi.TupleType:
            items = [self._to_schema(i, hint, output) for i in t.item_types]
            schema = {"type": "array"}
            if items:
                schema["prefixItems"] = items
            schema["minItems"] = schema["maxItems"] = len(items)
            return schema
        if kind in (mi.DictType, mi.FrozenDictType):
            value = self._to_schema(t.value_type, hint, output)
            schema = {"type": "object", "additionalProperties": value or True}
            self._lengths(schema, t, "minProperties", "maxProperties")
            return schema
        if kind is mi.UnionType:
            return {"anyOf": [self._to_schema(s, hint, output) for s in t.types]}
        if kind is mi.LiteralType:
            values = _literal_order(t.values, hint)
            schema = {"const": values[0]} if len(values) == 1 else {"enum": values}
            json_type = _enum_type(values)
            if json_type is not None:
                schema["type"] = json_type
            return schema
        if kind in _CLASS_TYPES:
            return self._ref(t, output)
        if kind is mi.CustomType:
            return self._hook(t.cls, output)
        raise TypeError(f"no JSON Schema for {t!r}")

    @staticmethod
    def _lengths(schema: dict[str, Any], t: Any, low: str, high: str) -> None:
        if t.min_length is not None:
            schema[low] = t.min_length
        if t.max_length is not None:
            schema[high] = t.max_length

    # -- components ---------------------------------------------------------------------------
    def _ref(self, t: Any, output: bool) -> dict[str, Any]:
        cls = t.cls
        if cls not in self._names:
            self._name_for(cls)
        key = (cls, output if cls in self._split else None)
        if key not in self._classes:
            self._classes[key] = None  # in progress (a recursive type refers to itself)
            self._classes[key] = self._component(t, output)
        return {"$ref": self._prefix + self._component_name(*key)}

    def _component_name(self, cls: Any, mode: bool | None) -> str:
        name = self._names[cls]
        if mode is None:
            return name
        return f"{name}-Output" if mode else f"{name}-Input"

    def _name_for(self, cls: Any) -> str:
        origin = getattr(cls, "__origin__", None)
        base = getattr(origin or cls, "__name__", "Model")
        if origin is not None:
            args = "_".join(getattr(a, "__name__", str(a)) for a in getattr(cls, "__args__", ()))
            base = f"{base}_{args}_"
        name = base
        if name in self._used:  # another class of the same name: qualify this one
            module = getattr(origin or cls, "__module__", "")
            name = qualified = f"{module}__{base}".replace(".", "__")
            count = 1
            while name in self._used:
                count += 1
                name = f"{qualified}_{count}"
        self._used.add(name)
        self._names[cls] = name
        return name

    def _component(self, t: Any, output: bool) -> dict[str, Any]:
        cls = t.cls
        doc = _doc(cls, t)
        if isinstance(t, mi.EnumType):
            values = [member.value for member in cls]
            schema: dict[str, Any] = {"enum": values, "title": cls.__name__}
            if doc:
                schema["description"] = doc
            json_type = _enum_type(values)
            if json_type is not None:
                schema["type"] = json_type
            return schema
        props: dict[str, Any] = {}
        required: list[str] = []
        struct = isinstance(t, mi.StructType)
        for f in t.fields:
            prop = self._to_schema(f.type, _FieldHint(cls, f.name), output)
            if not _is_ref_like(prop):
                prop["title"] = _title(f.name)
            if f.required:
                required.append(f.encode_name)
            else:
                default = f.default
                if default is msgspec.NODEFAULT and struct and f.default_factory in _EMPTY:
                    default = f.default_factory()  # a Struct's `= []` is stored as a factory
                if default is not msgspec.NODEFAULT and default is not None:
                    with contextlib.suppress(TypeError, ValueError):
                        prop["default"] = msgspec.to_builtins(_plain(default), str_keys=True)
            props[f.encode_name] = prop
        if isinstance(t, mi.NamedTupleType):
            items = list(props.values())
            schema = {"type": "array", "prefixItems": items, "maxItems": len(items)}
            schema["minItems"] = len(required)
        else:
            schema = {"properties": props, "type": "object"}
            if required:
                schema["required"] = required
            if getattr(t, "forbid_unknown_fields", False):
                schema["additionalProperties"] = False
        schema["title"] = self._names[cls]
        if doc:
            schema["description"] = doc
        return schema


_CLASS_TYPES = (
    mi.EnumType,
    mi.StructType,
    mi.DataclassType,
    mi.TypedDictType,
    mi.NamedTupleType,
)


def _children(t: Any) -> tuple[Any, ...]:
    """The types directly inside a container or union type."""
    kind = type(t)
    if kind is mi.UnionType:
        return tuple(t.types)
    if kind is mi.TupleType:
        return tuple(t.item_types)
    if kind in (mi.DictType, mi.FrozenDictType):
        return (t.key_type, t.value_type)
    item = getattr(t, "item_type", None)
    return () if item is None else (item,)


def _is_union(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin is typing.Union or type(annotation).__name__ == "UnionType"


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:  # unhashable annotation metadata: inspected when rendered
        return False
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return list(value)
    return value


def _hints(cls: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(getattr(cls, "__origin__", cls), include_extras=True)
    except Exception:
        return {}


def _doc(cls: Any, t: Any) -> str:
    cls = getattr(cls, "__origin__", cls)
    doc = getattr(cls, "__doc__", None)
    if not doc:
        return ""
    text = typing.cast("str", doc).strip()
    if isinstance(t, mi.EnumType):
        return "" if text in ("An enumeration.", "") or _inherited_doc(cls) else text
    if isinstance(t, (mi.DataclassType, mi.NamedTupleType)) and text.startswith(f"{cls.__name__}("):
        return ""
    return text.split("\f")[0]


def _inherited_doc(cls: Any) -> bool:
    return "__doc__" not in cls.__dict__ or cls.__dict__["__doc__"] is None
