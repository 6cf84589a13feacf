"""Parameter declarations: `Path`, `Query`, `Header`, `Cookie`, `Body`, `Form`, `File`, `Depends`.

The functions (`Query(...)` etc.) return `Any` so that `limit: int = Query(10)` type-checks, as
in FastAPI; each builds an instance of the class of the same name in `ParamInfo`'s family,
which the route compiler reads once at registration.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

__all__ = (
    "Body",
    "BodyInfo",
    "Cookie",
    "CookieInfo",
    "Depends",
    "DependsInfo",
    "FastAPIDeprecationWarning",
    "File",
    "FileInfo",
    "Form",
    "FormInfo",
    "Header",
    "HeaderInfo",
    "ParamInfo",
    "Path",
    "PathInfo",
    "Query",
    "QueryInfo",
    "Security",
    "SecurityInfo",
)


class FastAPIDeprecationWarning(UserWarning):
    """A deprecated argument was used (`regex=`, `example=`): FastAPI's warning class.

    A `UserWarning`, not a `DeprecationWarning`, so that it shows by default.
    """


class _Required:
    """The marker of a parameter without a default (FastAPI spells it `...`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PydanticUndefined"


Undefined: Any = _Required()


class ParamInfo:
    """Everything a parameter declaration says, under FastAPI's attribute names.

    Args:
        default: The default value; `...` (or nothing) means required.
        default_factory: A callable producing the default (instead of `default`).
        alias: The name on the wire (query key, header name, body field...).
        title: OpenAPI title.
        description: OpenAPI description.
        gt: Exclusive lower bound (numbers).
        ge: Inclusive lower bound (numbers).
        lt: Exclusive upper bound (numbers).
        le: Inclusive upper bound (numbers).
        min_length: Shortest string / list.
        max_length: Longest string / list.
        pattern: A regular expression strings must match (searched, as pydantic does).
        regex: Deprecated alias of `pattern`.
        multiple_of: Numbers must be a multiple of this.
        max_digits: Accepted for compatibility (documented only).
        decimal_places: Accepted for compatibility (documented only).
        deprecated: Mark the parameter deprecated in OpenAPI.
        include_in_schema: False hides the parameter from OpenAPI.
        examples: JSON Schema examples.
        openapi_examples: OpenAPI example objects, by name.
        json_schema_extra: Merged into the parameter's JSON Schema.
        **extra: Other FastAPI/pydantic keywords (`validation_alias`, `strict`, ...), kept.
    """

    __slots__ = ("__dict__",)

    location = ""

    def __init__(
        self,
        default: Any = Undefined,
        *,
        default_factory: Callable[[], Any] | None = None,
        alias: str | None = None,
        alias_priority: int | None = None,
        validation_alias: str | None = None,
        serialization_alias: str | None = None,
        title: str | None = None,
        description: str | None = None,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        regex: str | None = None,
        discriminator: str | None = None,
        strict: bool | None = None,
        multiple_of: float | None = None,
        allow_inf_nan: bool | None = None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        examples: list[Any] | None = None,
        example: Any = Undefined,
        openapi_examples: dict[str, Any] | None = None,
        deprecated: bool | str | None = None,
        include_in_schema: bool = True,
        json_schema_extra: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        if example is not Undefined:
            warnings.warn(
                "`example` has been deprecated, please use `examples` instead",
                category=FastAPIDeprecationWarning,
                stacklevel=_caller_level(),
            )
        if regex is not None:
            warnings.warn(
                "`regex` has been deprecated, please use `pattern` instead",
                category=FastAPIDeprecationWarning,
                stacklevel=_caller_level(),
            )
        if default is ...:
            default = Undefined
        if default is not Undefined and default_factory is not None:
            raise TypeError("cannot specify both default and default_factory")
        self.default = default
        self.default_factory = default_factory
        self.alias = alias or validation_alias
        self.alias_priority = alias_priority
        self.validation_alias = validation_alias
        self.serialization_alias = serialization_alias
        self.title = title
        self.description = description
        self.gt = gt
        self.ge = ge
        self.lt = lt
        self.le = le
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern if pattern is not None else regex
        self.regex = regex
        self.discriminator = discriminator
        self.strict = strict
        self.multiple_of = multiple_of
        self.allow_inf_nan = allow_inf_nan
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.examples = examples
        self.example = example
        self.openapi_examples = openapi_examples
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        self.json_schema_extra = json_schema_extra
        self.extra = extra

    @property
    def required(self) -> bool:
        """True when the parameter has neither a default nor a default factory."""
        return self.default is Undefined and self.default_factory is None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.default!r})"


def _caller_level() -> int:
    """The `stacklevel` pointing a warning at the code that called `Query(...)` & co.

    The stack is warn <- ParamInfo.__init__ <- subclass __init__s <- Query() <- user code;
    its depth varies with the subclass, so count the frames inside this module.
    """
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


class PathInfo(ParamInfo):
    """A path parameter (always required)."""

    __slots__ = ()

    location = "path"


class QueryInfo(ParamInfo):
    """A query parameter."""

    __slots__ = ()

    location = "query"


class HeaderInfo(ParamInfo):
    """A header parameter; `convert_underscores` maps `x_token` to the `x-token` header."""

    __slots__ = ()

    location = "header"

    def __init__(
        self, default: Any = Undefined, *, convert_underscores: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(default, **kwargs)
        self.convert_underscores = convert_underscores


class CookieInfo(ParamInfo):
    """A cookie parameter."""

    __slots__ = ()

    location = "cookie"


class BodyInfo(ParamInfo):
    """A JSON body parameter (or one field of it, with `embed=True` or several body params)."""

    __slots__ = ()

    location = "body"

    def __init__(
        self,
        default: Any = Undefined,
        *,
        embed: bool | None = None,
        media_type: str = "application/json",
        **kwargs: Any,
    ) -> None:
        super().__init__(default, **kwargs)
        self.embed = embed
        self.media_type = media_type


class FormInfo(BodyInfo):
    """A form field (`application/x-www-form-urlencoded` or `multipart/form-data`)."""

    __slots__ = ()

    def __init__(
        self,
        default: Any = Undefined,
        *,
        media_type: str = "application/x-www-form-urlencoded",
        **kwargs: Any,
    ) -> None:
        super().__init__(default, media_type=media_type, **kwargs)


class FileInfo(FormInfo):
    """A file field of a `multipart/form-data` body (`UploadFile` or `bytes`)."""

    __slots__ = ()

    def __init__(
        self, default: Any = Undefined, *, media_type: str = "multipart/form-data", **kwargs: Any
    ) -> None:
        super().__init__(default, media_type=media_type, **kwargs)


class DependsInfo:
    """A dependency declaration: what `Depends(...)` returns.

    Args:
        dependency: The callable (function, class, generator); None means "the annotation".
        use_cache: Reuse the value computed earlier in the same request for the same callable.
    """

    __slots__ = ("dependency", "use_cache")

    def __init__(
        self, dependency: Callable[..., Any] | None = None, *, use_cache: bool = True
    ) -> None:
        self.dependency = dependency
        self.use_cache = use_cache

    def __repr__(self) -> str:
        name = getattr(self.dependency, "__name__", type(self.dependency).__name__)
        return f"Depends({name}{'' if self.use_cache else ', use_cache=False'})"


class SecurityInfo(DependsInfo):
    """A dependency with OAuth2 scopes: what `Security(...)` returns."""

    __slots__ = ("scopes",)

    def __init__(
        self,
        dependency: Callable[..., Any] | None = None,
        *,
        scopes: Sequence[str] | None = None,
        use_cache: bool = True,
    ) -> None:
        super().__init__(dependency, use_cache=use_cache)
        self.scopes = list(scopes or ())


def Path(default: Any = ..., **kwargs: Any) -> Any:
    """Declare a path parameter: `item_id: int = Path(gt=0)`.

    Takes `ParamInfo`'s keywords (`alias`, `title`, `description`, `gt`, `ge`, `lt`, `le`,
    `min_length`, `max_length`, `pattern`, `examples`, `deprecated`, `include_in_schema`, ...).
    """
    return PathInfo(default, **kwargs)


def Query(default: Any = Undefined, **kwargs: Any) -> Any:
    """Declare a query parameter: `q: str | None = Query(None, max_length=50)`.

    Needed for lists from repeated keys (`tags: list[str] = Query([])`). Takes `ParamInfo`'s
    keywords.
    """
    return QueryInfo(default, **kwargs)


def Header(default: Any = Undefined, *, convert_underscores: bool = True, **kwargs: Any) -> Any:
    """Declare a header parameter: `user_agent: str = Header()` reads `User-Agent`.

    Args:
        default: The default; required when omitted.
        convert_underscores: Map underscores in the name to hyphens (default True).
        **kwargs: `ParamInfo`'s keywords.
    """
    return HeaderInfo(default, convert_underscores=convert_underscores, **kwargs)


def Cookie(default: Any = Undefined, **kwargs: Any) -> Any:
    """Declare a cookie parameter: `session: str | None = Cookie(None)`."""
    return CookieInfo(default, **kwargs)


def Body(
    default: Any = Undefined,
    *,
    embed: bool | None = None,
    media_type: str = "application/json",
    **kwargs: Any,
) -> Any:
    """Declare a JSON body parameter.

    Args:
        default: The default; required when omitted.
        embed: Expect `{"<name>": value}` instead of the value itself (implied when a route has
            several body parameters).
        media_type: The media type documented in OpenAPI.
        **kwargs: `ParamInfo`'s keywords.
    """
    return BodyInfo(default, embed=embed, media_type=media_type, **kwargs)


def Form(
    default: Any = Undefined,
    *,
    media_type: str = "application/x-www-form-urlencoded",
    **kwargs: Any,
) -> Any:
    """Declare a form field: `username: str = Form()`."""
    return FormInfo(default, media_type=media_type, **kwargs)


def File(
    default: Any = Undefined, *, media_type: str = "multipart/form-data", **kwargs: Any
) -> Any:
    """Declare an uploaded file: `file: UploadFile = File()` or `data: bytes = File()`."""
    return FileInfo(default, media_type=media_type, **kwargs)


def Depends(dependency: Callable[..., Any] | None = None, *, use_cache: bool = True) -> Any:
    """Declare a dependency: `db: Session = Depends(get_db)`.

    Args:
        dependency: A function, class or generator whose parameters are resolved like a
            handler's; None uses the parameter's annotation (`x: Annotated[X, Depends()]`).
        use_cache: Compute it once per request even if several parameters ask for it.
    """
    return DependsInfo(dependency, use_cache=use_cache)


def Security(
    dependency: Callable[..., Any] | None = None,
    *,
    scopes: Sequence[str] | None = None,
    use_cache: bool = True,
) -> Any:
    """Like `Depends`, with OAuth2 `scopes` (shown in OpenAPI)."""
    return SecurityInfo(dependency, scopes=scopes, use_cache=use_cache)
