"""`RadixRouter`: maps (method, path) to a handler, its path parameters and metadata."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeAlias

from fasterapi_router.errors import RouteConflictError, RouterError
from fasterapi_router.route import Route
from fasterapi_router.template import (
    INT,
    MATCHERS,
    NO_MATCH,
    PATH,
    STATIC,
    STR,
    converter_name,
    parse_template,
    python_type,
)

__all__ = ("RadixRouter",)

# What an endpoint stores per method: (handler, params builder, metadata, route).
_Target: TypeAlias = tuple[Any, Callable[[Sequence[Any]], dict[str, Any]], Any, Route]
_Endpoint: TypeAlias = dict[str, _Target]
_Match: TypeAlias = tuple[Any, dict[str, Any], Any]


def _params_builder(names: tuple[str, ...]) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """A function turning the captured values, in template order, into the params dict.

    For ("a", "b") it is `lambda v: {"a": v[0], "b": v[1]}`.
    """
    # PERF: a dict display is 2-3x faster than dict(zip(names, values)), which costs
    # ~200 ns even for one parameter (benchmarks/bench_router.py::one-param). The names are
    # validated ASCII identifiers and enter the source only through repr().
    items = ", ".join(f"{name!r}: v[{index}]" for index, name in enumerate(names))
    builder: Callable[[Sequence[Any]], dict[str, Any]] = eval(f"lambda v: {{{items}}}")
    return builder


class _Node:
    """A position in the tree: the state after consuming some path segments.

    Edges are whole segments: `static` maps literal segment text to a child,
    `params` holds one child per converter kind, and `catchall` is the node a
    `{name:path}` parameter leads to. `endpoint` maps methods to targets for the
    templates that end here.
    """

    __slots__ = (
        "catchall",
        "depth",
        "endpoint",
        "greedy_catchall",
        "int_child",
        "params",
        "static",
        "static_get",
        "str_child",
    )

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.static: dict[str, _Node] = {}
        # PERF: the bound `get` saves a method lookup per segment
        # (benchmarks/bench_router.py::three-param).
        self.static_get = self.static.get
        # (kind, matcher, child), lowest priority first: the search pushes them onto a stack.
        self.params: list[tuple[int, Any, _Node]] = []
        self.catchall: _Node | None = None
        self.endpoint: _Endpoint | None = None
        # PERF: when the parameter children are int and/or str ones (the usual case), the greedy
        # walk in `resolve` tries them directly instead of looping over `params`
        # (benchmarks/bench_router.py::one-param). Both are None when another kind is present.
        self.int_child: _Node | None = None
        self.str_child: _Node | None = None
        # The catch-all's endpoint when the greedy walk may take it: when every parameter
        # child is one the walk tries itself, the catch-all is the next alternative.
        self.greedy_catchall: _Endpoint | None = None

    def param_child(self, kind: int) -> _Node:
        """The child for a parameter of `kind`, created if needed."""
        for have, _, child in self.params:
            if have == kind:
                return child
        child = _Node(self.depth + 1)
        self.params.append((kind, MATCHERS[kind], child))
        self.params.sort(key=lambda p: -p[0])
        by_kind = {have: node for have, _, node in self.params}
        simple = by_kind.keys() <= {INT, STR}
        self.int_child = by_kind.get(INT) if simple else None
        self.str_child = by_kind.get(STR) if simple else None
        self.update_greedy_catchall()
        return child

    def catchall_child(self) -> _Node:
        """The node a `{name:path}` parameter here leads to, created if needed."""
        if self.catchall is None:
            self.catchall = _Node(self.depth + 1)
            self.catchall.endpoint = {}
            self.update_greedy_catchall()
        return self.catchall

    def update_greedy_catchall(self) -> None:
        """Recompute `greedy_catchall` after a parameter or catch-all child was added."""
        simple = not self.params or self.int_child is not None or self.str_child is not None
        self.greedy_catchall = self.catchall.endpoint if simple and self.catchall else None


class RadixRouter:
    """Maps an HTTP method and a path to a handler, typed path parameters and metadata.

    Fully static paths are found with one dict lookup. Other paths walk a tree
    whose edges are path segments, so the cost of a lookup grows with the
    number of segments in the path, not with the number of routes.

    The router matches the path string it is given, which must already be
    percent-decoded (the ASGI scope's `path` is). It never sees a query string.
    Matching is exact: `/users/` and `/users` are different paths, and
    redirecting between them is the application's job.

    Example:
        >>> router = RadixRouter()
        >>> router.add_route("GET", "/users/{user_id:int}", "get_user", {"name": "user"})
        >>> router.resolve("GET", "/users/42")
        ('get_user', {'user_id': 42}, {'name': 'user'})
        >>> router.resolve("GET", "/users/me") is None
        True
        >>> sorted(router.allowed_methods("/users/42"))
        ['GET']
    """

    __slots__ = ("_root", "_routes", "_static")

    def __init__(self) -> None:
        self._root = _Node(0)
        # PERF: templates without parameters: path -> method -> target, one dict hit per
        # request (benchmarks/bench_router.py::static).
        self._static: dict[str, _Endpoint] = {}
        self._routes: list[Route] = []

    def __len__(self) -> int:
        """The number of registered (method, template) routes."""
        return len(self._routes)

    def add_route(self, method: str, path: str, handler: Any, metadata: Any = None) -> None:
        """Register `handler` for `method` on the path template `path`.

        Args:
            method: An HTTP method; it is upper-cased. HEAD is not added for GET
                automatically: that is the application's decision.
            path: A template such as "/users/{user_id:int}" (see the README for
                the syntax).
            handler: Any object; `resolve` hands it back.
            metadata: Any object; `resolve` hands it back too.

        Raises:
            InvalidTemplateError: `path` is not a valid template.
            RouteConflictError: A route with this method and an equivalent
                template (equal up to parameter names) is already registered.
            RouterError: `method` is empty or not a str.
        """
        if not isinstance(method, str) or not method or not method.strip() == method:
            raise RouterError(
                f"an HTTP method must be a non-empty str without spaces, not {method!r}"
            )
        method = method.upper()
        segments = parse_template(path)
        node = self._root
        for segment in segments:
            if segment.kind == STATIC:
                child = node.static.get(segment.text)
                if child is None:
                    child = node.static[segment.text] = _Node(node.depth + 1)
                node = child
            elif segment.kind == PATH:
                node = node.catchall_child()
            else:
                node = node.param_child(segment.kind)
        endpoint = node.endpoint
        if endpoint is None:
            endpoint = node.endpoint = {}
        elif method in endpoint:
            other = endpoint[method][3].template
            same = "the same template" if other == path else f"the equivalent template {other!r}"
            raise RouteConflictError(f"{method} {path!r} is already registered as {same}")
        params = [seg for seg in segments if seg.kind != STATIC]
        route = Route(
            method=method,
            template=path,
            handler=handler,
            metadata=metadata,
            param_names=tuple(seg.text for seg in params),
            param_converters=tuple(converter_name(seg.kind) for seg in params),
            param_types=tuple(python_type(seg.kind) for seg in params),
        )
        target: _Target = (handler, _params_builder(route.param_names), metadata, route)
        endpoint[method] = target
        if not params:
            self._static.setdefault(path, {})[method] = target
        self._routes.append(route)

    def resolve(self, method: str, path: str) -> _Match | None:
        """Find the route for `method` and `path`.

        When several templates match, the most specific wins, segment by segment
        from the left: literal text, then `int`, `float`, `uuid`, `str`
        parameters, then a `path` catch-all. If the best template has no route
        for `method`, the next one that has is used. The search backtracks, so
        `/items/special/detail` still finds `/items/{id}/detail` when
        `/items/special` is registered.

        Args:
            method: The request method. Upper-case is looked up first; other
                spellings are upper-cased (a little slower).
            path: The percent-decoded request path, such as "/users/42".

        Returns:
            A new tuple `(handler, path_params, metadata)`, where `path_params` is
            a new dict of converted values, or None when no route matches. It
            never raises for any `path` string.
        """
        # PERF: the hot path. Static paths are one dict hit; other paths take a greedy walk that
        # succeeds for the usual tables and fall back to the full backtracking search only when
        # it fails (benchmarks/bench_router.py::one-param, three-param).
        entry = self._static.get(path)
        if entry is not None:
            target = entry.get(method)
            if target is not None:
                return target[0], {}, target[2]
        segments = path.split("/")
        node = self._root
        values: list[Any] = []
        for segment in segments:
            child = node.static_get(segment)
            if child is None:
                child = node.int_child
                if child is not None and segment.isdigit() and segment.isascii():
                    try:
                        values.append(int(segment))
                    except ValueError:  # more digits than int() accepts: a str may still match
                        return self._search(method, segments)
                else:
                    child = node.str_child
                    if child is None or not segment:
                        break
                    values.append(segment)
            node = child
        else:
            endpoint = node.endpoint
            if endpoint is not None:
                target = endpoint.get(method)
                if target is not None:
                    return target[0], target[1](values), target[2]
            return self._search(method, segments)
        # The walk is stuck at `node`. If every alternative before the catch-all has been
        # tried here, the catch-all is what the full search would find next.
        catchall = node.greedy_catchall
        if catchall is not None:
            target = catchall.get(method)
            if target is not None:
                values.append("/".join(segments[node.depth :]))
                return target[0], target[1](values), target[2]
        return self._search(method, segments)

    def allowed_methods(self, path: str) -> frozenset[str]:
        """The methods of every route whose template matches `path`.

        Use it to answer 405 Method Not Allowed with an `Allow` header when
        `resolve` returns None: an empty set means 404.

        Args:
            path: The percent-decoded request path.

        Returns:
            The upper-cased methods, empty when no template matches.
        """
        methods: set[str] = set()
        for endpoint, _ in self._matches(path.split("/")):
            methods.update(endpoint)
        return frozenset(methods)

    def routes(self) -> list[Route]:
        """Every registered route, in registration order (a new list)."""
        return list(self._routes)

    def _search(self, method: str, segments: list[str]) -> _Match | None:
        """The full backtracking search: the first match, in priority order, that has `method`."""
        method = method.upper()
        for endpoint, values in self._matches(segments):
            target = endpoint.get(method)
            if target is not None:
                return target[0], target[1](values), target[2]
        return None

    def _matches(self, segments: list[str]) -> Iterator[tuple[_Endpoint, tuple[Any, ...]]]:
        """Every endpoint whose templates match `segments`, most specific first, with values."""
        count = len(segments)
        # Depth first with an explicit stack (no recursion limit): alternatives are pushed
        # lowest priority first, so the most specific one is explored first.
        stack: list[tuple[_Node, int, tuple[Any, ...]]] = [(self._root, 0, ())]
        while stack:
            node, index, values = stack.pop()
            if index == count:
                if node.endpoint is not None:
                    yield node.endpoint, values
                continue
            segment = segments[index]
            if node.catchall is not None:
                stack.append((node.catchall, count, (*values, "/".join(segments[index:]))))
            for _, matcher, child in node.params:
                value = matcher(segment)
                if value is not NO_MATCH:
                    stack.append((child, index + 1, (*values, value)))
            static_child = node.static.get(segment)
            if static_child is not None:
                stack.append((static_child, index + 1, values))
