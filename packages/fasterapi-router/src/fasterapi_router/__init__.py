"""fasterapi_router: a radix-tree HTTP router with typed path parameters.

It has no dependencies and knows nothing about ASGI: give it a method and a
decoded path, get back the handler, the converted path parameters and the
metadata you registered.

Example:
    >>> from fasterapi_router import RadixRouter
    >>> router = RadixRouter()
    >>> router.add_route("GET", "/items/{item_id:int}", "read_item")
    >>> router.resolve("GET", "/items/3")
    ('read_item', {'item_id': 3}, None)
"""

from fasterapi_router.__about__ import __version__ as __version__
from fasterapi_router.errors import InvalidTemplateError as InvalidTemplateError
from fasterapi_router.errors import RouteConflictError as RouteConflictError
from fasterapi_router.errors import RouterError as RouterError
from fasterapi_router.route import Route as Route
from fasterapi_router.router import RadixRouter as RadixRouter
from fasterapi_router.template import CONVERTERS as CONVERTERS
from fasterapi_router.template import format_path as format_path

__all__ = (
    "CONVERTERS",
    "InvalidTemplateError",
    "RadixRouter",
    "Route",
    "RouteConflictError",
    "RouterError",
    "__version__",
    "format_path",
)
