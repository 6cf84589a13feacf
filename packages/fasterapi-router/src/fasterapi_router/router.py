"""`RadixRouter`: maps (method, path) to a handler, its path parameters and metadata."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, TypeAlias

from fasterapi_router.errors import RouteConflictError, RouterError
from fasterapi_router.route import Route
from fasterapi_router.template import (
    CONVERSIONS,
    FLOAT,
    INT,
    PATH,
    STATIC,
    STR,
    UUID,
    VALIDATORS,
    Segment,
    converter_name,
    parse_template,
    python_type,
)

__all__ = ("RadixRouter",)

_Match: TypeAlias = tuple[Any, dict[str, Any], Any]
# Builds the result of `resolve` for one route from the path's segments, `path.split("/")`.
_Builder: TypeAlias = Callable[[list[str]], _Match]
# Where the templates ending at one node keep their routes: method -> builder.
_Endpoint: TypeAlias = dict[str, _Builder]
# Builds the result of `resolve` for a route "/static/.../{name}" from its one parameter's text.
_TailBuilder: TypeAlias = Callable[[str], _Match]

# The Python expression converting the text `v` of a parameter of each kind.
_TAIL_CONVERSIONS = {INT: "int(v)", FLOAT: "float(v)", UUID: "UUID(v)", STR: "v"}
# The `tail` of every node that is not a parameter child of a launch node; never written to.
_NO_TAIL: dict[str, _TailBuilder] = {}


def _result_builder(segments: tuple[Segment, ...], handler: Any, metadata: Any) -> _Builder:
    """A function that builds a route's `resolve` result from the path's segments.

    A parameter sits at a fixed segment index in its template, so for
    "/items/{item_id:int}/{name}" it is
    `lambda s: (handler, {"item_id": int(s[2]), "name": s[3]}, metadata)`.
    It is only called once the walk has checked every segment against its converter.
    """
    signature = tuple(
        (seg.text, seg.kind, index) for index, seg in enumerate(segments) if seg.kind != STATIC
    )
    return _builder_factory(signature)(handler, metadata)


@lru_cache(maxsize=4096)
def _builder_factory(
    signature: tuple[tuple[str, int, int], ...],
) -> Callable[[Any, Any], _Builder]:
    """Compile, once per parameter layout, a factory of result builders (closures).

    Routes with the same parameter names, kinds and positions share one code object.
    """
    # PERF: no list of captured values during the walk, one call that returns the whole
    # result, and a dict display, 2-3x faster than dict(zip(names, values)), which costs
    # ~200 ns even for one parameter (benchmarks/bench_router.py::one-param). The names are
    # validated ASCII identifiers and enter the source only through repr(); the rest is our
    # own fixed text.
    items = ", ".join(
        f"{name!r}: {CONVERSIONS[kind].format(i=index)}" for name, kind, index in signature
    )
    source = (
        f"def factory(handler, metadata):\n    return lambda s: (handler, {{{items}}}, metadata)\n"
    )
    namespace: dict[str, Any] = {"UUID": uuid.UUID}
    exec(source, namespace)
    factory: Callable[[Any, Any], _Builder] = namespace["factory"]
    return factory


@lru_cache(maxsize=256)
def _tail_factory(name: str, kind: int) -> Callable[[Any, Any], _TailBuilder]:
    """Compile, once per parameter name and kind, a factory of tail builders.

    A tail builder serves a template whose only parameter is its last segment,
    after nothing but literal text ("/items/{item_id:int}"): it takes the text of
    that segment, `lambda v: (handler, {"item_id": int(v)}, metadata)`.
    """
    # PERF: no list of segments to index (benchmarks/bench_router.py::one-param). `name` is a
    # validated ASCII identifier and enters the source only through repr().
    source = (
        "def factory(handler, metadata):\n"
        f"    return lambda v: (handler, {{{name!r}: {_TAIL_CONVERSIONS[kind]}}}, metadata)\n"
    )
    namespace: dict[str, Any] = {"UUID": uuid.UUID}
    exec(source, namespace)
    factory: Callable[[Any, Any], _TailBuilder] = namespace["factory"]
    return factory


class _Node:
    """A position in the tree: the state after consuming some path segments.

    Edges are whole segments: `static` maps literal segment text to a child,
    `params` holds one child per converter kind, and `catchall` is the node a
    `{name:path}` parameter leads to. `endpoint` maps methods to result builders
    for the templates that end here.
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
        "tail",
        "typed",
    )

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.static: dict[str, _Node] = {}
        # PERF: the bound `get` saves a method lookup per segment
        # (benchmarks/bench_router.py::three-param).
        self.static_get = self.static.get
        # (kind, validator, child), lowest priority first: the search pushes them onto a stack.
        self.params: list[tuple[int, Callable[[str], object], _Node]] = []
        self.catchall: _Node | None = None
        self.endpoint: _Endpoint | None = None
        # PERF: the greedy walk in `resolve` tries the int and str children with inline checks
        # and only loops over `typed` (the float and uuid children, usually none) when there
        # is something in it (benchmarks/bench_router.py::one-param).
        self.int_child: _Node | None = None
        self.str_child: _Node | None = None
        self.typed: tuple[tuple[Callable[[str], object], _Node], ...] = ()
        # The catch-all's endpoint, which the greedy walk takes once everything else failed.
        self.greedy_catchall: _Endpoint | None = None
        # For a parameter child of a node reached by literal segments only, its own dict: the
        # same routes as `endpoint`, as tail builders (method -> builder taking the last
        # segment's text). `_NO_TAIL` (shared, always empty) for every other node.
        self.tail = _NO_TAIL

    def param_child(self, kind: int) -> _Node:
        """The child for a parameter of `kind`, created if needed."""
        for have, _, child in self.params:
            if have == kind:
                return child
        child = _Node(self.depth + 1)
        self.params.append((kind, VALIDATORS[kind], child))
        self.params.sort(key=lambda p: -p[0])
        by_kind = {have: node for have, _, node in self.params}
        self.int_child = by_kind.get(INT)
        self.str_child = by_kind.get(STR)
        self.typed = tuple(
            (valid, node) for have, valid, node in reversed(self.params) if have not in (INT, STR)
        )
        return child

    def catchall_child(self) -> _Node:
        """The node a `{name:path}` parameter here leads to, created if needed."""
        if self.catchall is None:
            self.catchall = _Node(self.depth + 1)
            self.catchall.endpoint = self.greedy_catchall = {}
        return self.catchall


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

    __slots__ = (
        "_launch",
        "_launch_get",
        "_owners",
        "_root",
        "_routes",
        "_static",
        "_tail_slashes",
    )

    def __init__(self) -> None:
        self._root = _Node(0)
        # PERF: templates without parameters: path -> method -> (handler, metadata), one dict hit per
        # request (benchmarks/bench_router.py::static).
        self._static: dict[str, dict[str, tuple[Any, Any]]] = {}
        # (method, template with parameter names erased) -> its route, to find conflicts.
        self._owners: dict[tuple[str, tuple[tuple[int, str], ...]], Route] = {}
        self._routes: list[Route] = []
        # PERF: "launch" nodes, reached from the root by literal segments only and with parameter
        # children, by their path prefix ("/api/v1/users" for "/api/v1/users/{id}", "" for
        # "/{slug}"): `resolve` finds a path whose last segment is a parameter after such a
        # prefix with one `rpartition` and one dict hit (benchmarks/bench_router.py::one-param).
        self._launch: dict[str, _Node] = {}
        self._launch_get = self._launch.get
        # How many "/" the paths of the "/prefix/{param}" routes have: a path with another
        # number of "/" skips that shortcut in `resolve`.
        self._tail_slashes: set[int] = set()

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
        literal = True  # only literal segments so far
        for index, segment in enumerate(segments):
            if segment.kind == STATIC:
                child = node.static.get(segment.text)
                if child is None:
                    child = node.static[segment.text] = _Node(node.depth + 1)
                node = child
            elif segment.kind == PATH:
                node = node.catchall_child()
                literal = False
            else:
                parent = node
                node = node.param_child(segment.kind)
                if literal:  # `parent` is reached by literal segments only: a launch node
                    literal = False
                    self._launch["/".join(seg.text for seg in segments[:index])] = parent
                    if node.tail is _NO_TAIL:
                        node.tail = {}
        shape = tuple((seg.kind, seg.text if seg.kind == STATIC else "") for seg in segments)
        owner = self._owners.get((method, shape))
        if owner is not None:
            other = owner.template
            same = "the same template" if other == path else f"the equivalent template {other!r}"
            raise RouteConflictError(f"{method} {path!r} is already registered as {same}")
        if node.endpoint is None:
            node.endpoint = {}
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
        node.endpoint[method] = _result_builder(segments, handler, metadata)
        if node.tail is not _NO_TAIL:  # "/literal/.../{param}": the shortcut of `resolve`
            last = segments[-1]
            node.tail[method] = _tail_factory(last.text, last.kind)(handler, metadata)
            self._tail_slashes.add(len(segments) - 1)
        if not params:
            self._static.setdefault(path, {})[method] = (handler, metadata)
        self._owners[method, shape] = route
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
            found = entry.get(method)
            if found is not None:
                return found[0], {}, found[1]
        # PERF: "/literal/.../{param}": the walk below would reach the launch node of `head` by
        # literal steps, then take one step for `last`. That step is taken here on its own, after
        # one `rpartition` and one dict hit instead of a split and a step per segment, and the
        # route's tail builder converts `last` (benchmarks/bench_router.py::one-param: ~1.8 ->
        # ~2.35 M/s). Anything else (a literal child for `last`, no parameter child for it, no
        # route for `method`, an int too long for int()) falls through to the walk, which gives
        # the same answer the longer way. The price for paths of other shapes is the `count`
        # and the set lookup (~60 ns: three-param ~1.12 -> ~1.04 M/s, catch-all ~1.65 -> ~1.5 M/s).
        if path.count("/") in self._tail_slashes:
            head, _, last = path.rpartition("/")
            node = self._launch_get(head)
            if node is not None and node.static_get(last) is None:
                child = node.int_child
                if child is None or not (last.isdigit() and last.isascii()):
                    child = None
                    if node.typed:
                        for valid, typed_child in node.typed:
                            if valid(last):
                                child = typed_child
                                break
                    if child is None and last:
                        child = node.str_child
                if child is not None:
                    build_tail = child.tail.get(method)
                    if build_tail is not None:
                        try:
                            return build_tail(last)
                        except ValueError:  # more digits than int() accepts
                            pass
        segments = path.split("/")
        node = self._root
        for segment in segments:
            child = node.static_get(segment)
            if child is None:
                child = node.int_child
                if child is None or not (segment.isdigit() and segment.isascii()):
                    child = None
                    if node.typed:
                        for valid, typed_child in node.typed:
                            if valid(segment):
                                child = typed_child
                                break
                    if child is None:  # no int, float or uuid child matched: try the str one
                        child = node.str_child
                        if child is None or not segment:
                            break
            node = child
        else:
            endpoint = node.endpoint
            if endpoint is not None:
                build = endpoint.get(method)
                if build is not None:
                    try:
                        return build(segments)
                    except ValueError:  # an int with more digits than int() accepts
                        pass
            return self._search(method, segments)
        # The walk is stuck at `node`, every other alternative tried: the catch-all is what the
        # full search would find next.
        catchall = node.greedy_catchall
        if catchall is not None:
            build = catchall.get(method)
            if build is not None:
                try:
                    return build(segments)
                except ValueError:  # an int with more digits than int() accepts
                    pass
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
        for endpoint in self._matches(path.split("/")):
            methods.update(endpoint)
        return frozenset(methods)

    def routes(self) -> list[Route]:
        """Every registered route, in registration order (a new list)."""
        return list(self._routes)

    def _search(self, method: str, segments: list[str]) -> _Match | None:
        """The full backtracking search: the first match, in priority order, that has `method`."""
        method = method.upper()
        for endpoint in self._matches(segments):
            build = endpoint.get(method)
            if build is not None:
                return build(segments)
        return None

    def _matches(self, segments: list[str]) -> Iterator[_Endpoint]:
        """Every endpoint whose templates match `segments`, most specific first."""
        count = len(segments)
        # Depth first with an explicit stack (no recursion limit): alternatives are pushed
        # lowest priority first, so the most specific one is explored first.
        stack: list[tuple[_Node, int]] = [(self._root, 0)]
        while stack:
            node, index = stack.pop()
            if index == count:
                if node.endpoint:
                    yield node.endpoint
                continue
            if node.catchall is not None:
                stack.append((node.catchall, count))
            segment = segments[index]
            for _, valid, child in node.params:
                if valid(segment):
                    stack.append((child, index + 1))
            static_child = node.static.get(segment)
            if static_child is not None:
                stack.append((static_child, index + 1))
