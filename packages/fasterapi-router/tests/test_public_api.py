import re

import fasterapi_router


def test_all_is_pinned() -> None:
    assert fasterapi_router.__all__ == (
        "CONVERTERS",
        "InvalidTemplateError",
        "RadixRouter",
        "Route",
        "RouteConflictError",
        "RouterError",
        "__version__",
        "format_path",
    )


def test_every_public_name_exists_and_is_documented() -> None:
    for name in fasterapi_router.__all__:
        obj = getattr(fasterapi_router, name)
        if name not in {"__version__", "CONVERTERS"}:
            assert obj.__doc__, name


def test_version_is_semver() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", fasterapi_router.__version__)


def test_error_hierarchy() -> None:
    assert issubclass(fasterapi_router.RouterError, ValueError)
    assert issubclass(fasterapi_router.RouteConflictError, fasterapi_router.RouterError)
    assert issubclass(fasterapi_router.InvalidTemplateError, fasterapi_router.RouterError)


def test_converters_in_priority_order() -> None:
    assert fasterapi_router.CONVERTERS == ("int", "float", "uuid", "str", "path")
