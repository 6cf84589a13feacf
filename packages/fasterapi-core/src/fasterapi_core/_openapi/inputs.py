"""What a route tells the OpenAPI builder about itself.

These plain dataclasses are the whole contract between the app (routing) and the
document builder (`fasterapi_core._openapi.builder`). The app fills them in once per
route, at registration or at the first request for `/openapi.json`; the builder never
looks at endpoints, signatures or the app itself.

Conventions:

* Names are *external* names: an alias (or a header's converted name) is already applied.
* `annotation` is the Python type as declared, `Annotated[...]` included; the builder turns it
  into a JSON Schema with msgspec. `UploadFile`, `bytes` in file fields and pydantic models are
  understood as well.
* `param` is the app's own `Param` object (`Query(...)`, `Body(...)`, `Form(...)`, ...) or
  `None`. The builder reads FastAPI's attribute names from it with `getattr` and a default, so
  any object with some of these attributes works: `title`, `description`, `gt`, `ge`, `lt`,
  `le`, `multiple_of`, `min_length`, `max_length`, `pattern` (or `regex`), `deprecated`,
  `include_in_schema`, `examples`, `openapi_examples`, `json_schema_extra`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ("BodySpec", "OperationSpec", "ParamLocation", "ParamSpec")

ParamLocation = Literal["path", "query", "header", "cookie", "body"]
"""Where a parameter comes from. Body, form and file fields all use "body"."""


@dataclass(slots=True)
class ParamSpec:
    """One parameter of an operation (path, query, header or cookie), or one body field.

    Attributes:
        name: The external name, alias applied ("item-id", "x-token", "user").
        location: "path", "query", "header", "cookie", or "body" for body/form/file fields.
        annotation: The declared type (`int`, `list[str]`, `Annotated[int, Meta(gt=0)]`, a Struct).
        required: Whether the client must send it.
        default: The default when not required (ignored when `required`).
        param: The app's `Param` object (read with `getattr`, FastAPI attribute names), or None.
    """

    name: str
    location: ParamLocation
    annotation: Any
    required: bool = True
    default: Any = None
    param: Any = None


@dataclass(slots=True)
class BodySpec:
    """The request body of an operation.

    Attributes:
        params: The body fields (`ParamSpec` with location "body"), in declaration order.
        embed: True to wrap the fields in an object schema named `Body_<unique id>`, keyed by
            field name. The app sets it as FastAPI does: when there are several body fields,
            when the single field has `Body(embed=True)`, and for `Form`/`File` fields that are
            not a single model. With `embed=False` and one field, that field's schema is the
            body's schema. (Several fields always embed, whatever this says.)
        media_type: "application/json" (default), "application/x-www-form-urlencoded",
            "multipart/form-data", or the `media_type` of a `Body(...)`.
    """

    params: list[ParamSpec]
    embed: bool = False
    media_type: str = "application/json"


@dataclass(slots=True)
class OperationSpec:
    """One route as the OpenAPI document shows it (one entry per method in `methods`).

    Attributes:
        path: The OpenAPI path template: "/items/{item_id}" (`{id:int}` converters are stripped).
        methods: HTTP methods, e.g. ["GET"]; each becomes one operation.
        name: The route name (by default the endpoint's `__name__`, e.g. "read_item"): used for
            the default summary ("Read Item") and the default operation id.
        summary: Overrides the summary derived from `name`.
        description: Overrides the endpoint docstring; None means "use `docstring`".
        docstring: The endpoint's raw `__doc__`; cleaned (`inspect.cleandoc`) and cut at the
            first form feed ("\\f"), as FastAPI does.
        tags: Operation tags (strings or Enum members).
        deprecated: Mark the operation deprecated.
        operation_id: An explicit operationId, used for every method.
        unique_id: What FastAPI calls `route.unique_id` (the result of a custom
            `generate_unique_id_function`): used as the operationId (all methods) when
            `operation_id` is unset, and to name the `Body_<unique id>` component. None means the
            default, computed per method: `f"{name}{path}_{method}"` with non-word characters
            replaced by "_" ("read_item_items__item_id__get").
        status_code: The status of the successful response; None means 200.
        response_model: The response type (annotation), or None for an unspecified body (`{}`).
        response_media_type: The response class's media type: "application/json" by default,
            "text/html" for HTMLResponse; None for a bare `Response` (no content is described).
        response_description: Description of the successful response.
        responses: Extra responses, FastAPI's `responses=` mapping: status code (int or str, e.g.
            404, "4XX", "default") -> OpenAPI response object, where a "model" key holds a type.
        include_in_schema: False leaves the operation out of the document.
        openapi_extra: Merged (deeply) into the generated operation object.
        params: Path, query, header and cookie parameters, in declaration order.
        body: The request body, or None.
        security: Security requirements, e.g. [{"OAuth2PasswordBearer": []}].
        security_schemes: Security scheme objects for `components.securitySchemes`, by name.
        callbacks: OpenAPI callback objects by name (copied as they are), or FastAPI-style
            callback routes as `OperationSpec`s: each is documented as `{name: {path: {method:
            operation}}}`, its schemas among the components.
        external_docs: An OpenAPI external documentation object.
        stream_media_type: For a path operation that yields its items: "application/jsonl"
            (JSON Lines) or "text/event-stream" (Server-Sent Events); the successful response
            is then documented with an `itemSchema` instead of a `schema`, as FastAPI does.
        stream_item: The type of one streamed item, or None (any value).
    """

    path: str
    methods: Sequence[str]
    name: str
    summary: str | None = None
    description: str | None = None
    docstring: str | None = None
    tags: Sequence[Any] = ()
    deprecated: bool | None = None
    operation_id: str | None = None
    unique_id: str | None = None
    status_code: int | None = None
    response_model: Any = None
    response_media_type: str | None = "application/json"
    response_description: str = "Successful Response"
    responses: Mapping[int | str, Mapping[str, Any]] | None = None
    include_in_schema: bool = True
    openapi_extra: Mapping[str, Any] | None = None
    params: list[ParamSpec] = field(default_factory=list)
    body: BodySpec | None = None
    security: list[dict[str, list[str]]] | None = None
    security_schemes: Mapping[str, Mapping[str, Any]] | None = None
    callbacks: Mapping[str, Any] | Sequence[OperationSpec] | None = None
    external_docs: Mapping[str, Any] | None = None
    stream_media_type: str | None = None
    stream_item: Any = None
