"""The small containers a request and a response are made of: headers, query strings, URLs.

Everything here parses lazily and caches: building a `Headers` from the raw ASGI list costs
nothing until a header is looked up, and header names are lower-cased exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

if TYPE_CHECKING:
    from fasterapi_core.forms import FormData, UploadFile

__all__ = (
    "URL",
    "Address",
    "FormData",
    "Headers",
    "MutableHeaders",
    "QueryParams",
    "State",
    "UploadFile",
)

RawHeaders = list[tuple[bytes, bytes]]

# Characters that would let a header value start a new header or end the head of the response.
_FORBIDDEN_IN_HEADER = ("\r", "\n", "\0")


def __getattr__(name: str) -> Any:
    # UploadFile and FormData live in forms.py (which imports python-multipart); load it on use.
    if name in ("UploadFile", "FormData"):
        from fasterapi_core import forms

        return getattr(forms, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def encode_header(name: str, value: str) -> tuple[bytes, bytes]:
    """Encode one header for ASGI, refusing anything that could split or smuggle a header.

    Args:
        name: The header name; lower-cased here.
        value: The header value.

    Returns:
        The `(name, value)` pair as latin-1 bytes.

    Raises:
        ValueError: The name or value holds CR, LF or NUL, is not latin-1, or the name is empty.
    """
    if not isinstance(name, str) or not isinstance(value, str):
        raise TypeError(f"header name and value must be str, got {name!r}: {value!r}")
    for bad in _FORBIDDEN_IN_HEADER:
        if bad in value or bad in name:
            raise ValueError(f"invalid character {bad!r} in header {name!r}")
    if not name or ":" in name or " " in name:
        raise ValueError(f"invalid header name {name!r}")
    try:
        return name.lower().encode("latin-1"), value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"header {name!r} is not latin-1 encodable") from None


class Address(NamedTuple):
    """The peer of a connection: `request.client.host` and `.port`."""

    host: str
    port: int


class URL:
    """A parsed URL with the parts Starlette's `URL` exposes.

    Args:
        url: The URL as a string.
        scope: Alternatively, an ASGI scope to rebuild the request's URL from.
    """

    __slots__ = ("_parts", "_url")

    def __init__(self, url: str = "", scope: Mapping[str, Any] | None = None) -> None:
        if scope is not None:
            url = _url_from_scope(scope)
        self._url = url
        self._parts: SplitResult | None = None

    @property
    def components(self) -> SplitResult:
        """The `urllib.parse.SplitResult` of this URL."""
        if self._parts is None:
            self._parts = _split(self._url)
        return self._parts

    @property
    def scheme(self) -> str:
        """`http`, `https`, `ws` or `wss`."""
        return self.components.scheme

    @property
    def netloc(self) -> str:
        """Host and port as written (`example.com:8000`)."""
        return self.components.netloc

    @property
    def path(self) -> str:
        """The path, percent-decoded as the server gave it."""
        return self.components.path

    @property
    def query(self) -> str:
        """The raw query string, without `?`."""
        return self.components.query

    @property
    def fragment(self) -> str:
        """The fragment, without `#`."""
        return self.components.fragment

    @property
    def username(self) -> str | None:
        """The user name of the netloc, if any."""
        return self.components.username

    @property
    def password(self) -> str | None:
        """The password of the netloc, if any."""
        return self.components.password

    @property
    def hostname(self) -> str | None:
        """The host, lower-cased, without the port."""
        return self.components.hostname

    @property
    def port(self) -> int | None:
        """The explicit port, if any."""
        return self.components.port

    @property
    def is_secure(self) -> bool:
        """True for `https` and `wss`."""
        return self.scheme in ("https", "wss")

    def replace(self, **kwargs: Any) -> URL:
        """A copy with some parts replaced: `scheme`, `netloc`, `path`, `query`, `fragment`,
        or `hostname`/`port`/`username`/`password` (which rebuild the netloc)."""
        if {"username", "password", "hostname", "port"} & kwargs.keys():
            hostname = kwargs.pop("hostname", None)
            port = kwargs.pop("port", self.port)
            username = kwargs.pop("username", self.username)
            password = kwargs.pop("password", self.password)
            if hostname is None:
                netloc = self.netloc
                _, _, hostname = netloc.rpartition("@")
                if hostname[-1:] != "]":
                    hostname = hostname.rsplit(":", 1)[0]
            netloc = hostname
            if port is not None:
                netloc += f":{port}"
            if username is not None:
                userpass = username
                if password is not None:
                    userpass += f":{password}"
                netloc = f"{userpass}@{netloc}"
            kwargs["netloc"] = netloc
        return URL(self.components._replace(**kwargs).geturl())

    def include_query_params(self, **kwargs: Any) -> URL:
        """A copy with these query parameters set (others kept)."""
        params = QueryParams(self.query).multi_items()
        params = [(k, v) for k, v in params if k not in kwargs]
        params.extend((k, str(v)) for k, v in kwargs.items())
        return self.replace(query=urlencode(params))

    def remove_query_params(self, keys: str | Sequence[str]) -> URL:
        """A copy without these query parameters."""
        drop = {keys} if isinstance(keys, str) else set(keys)
        params = [(k, v) for k, v in QueryParams(self.query).multi_items() if k not in drop]
        return self.replace(query=urlencode(params))

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._url)

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        return f"URL({self._url!r})"


def _split(url: str) -> SplitResult:
    """`urlsplit(url)`, except that a malformed host never raises.

    The host comes from the client's Host header, and `urlsplit` raises ValueError for one
    such as `[::1` (unbalanced IPv6 brackets): the netloc is then kept as sent.
    """
    try:
        return urlsplit(url)
    except ValueError:
        scheme, sep, rest = url.partition("://")
        if not sep:
            raise
        end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
        return urlsplit(f"{scheme}://_{rest[end:]}")._replace(netloc=rest[:end])


def _url_from_scope(scope: Mapping[str, Any]) -> str:
    scheme = scope.get("scheme", "http")
    server = scope.get("server")
    # The ASGI path includes root_path (uvicorn --root-path, Starlette >= 0.35 mounts), so the
    # URL is the path alone.
    path = scope["path"]
    query = scope.get("query_string", b"")
    host = None
    for key, value in scope.get("headers", ()):
        if key == b"host":
            host = value.decode("latin-1")
            break
    if host is not None:
        url = f"{scheme}://{host}{path}"
    elif server is None:
        url = path
    else:
        name, port = server
        default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme)
        url = f"{scheme}://{name}{path}" if port == default else f"{scheme}://{name}:{port}{path}"
    if query:
        url += "?" + query.decode("latin-1")
    return url


class Headers(Mapping[str, str]):
    """Case-insensitive, multi-valued, read-only request headers.

    `headers["content-type"]` gives the first value; `headers.getlist("accept")` all of them.

    Args:
        headers: A plain mapping to build from.
        raw: The ASGI list of `(name, value)` byte pairs (names already lower-case).
        scope: An ASGI scope whose `headers` to use.
    """

    __slots__ = ("_dict", "_list", "_raw")

    def __init__(
        self,
        headers: Mapping[str, str] | None = None,
        raw: Iterable[tuple[bytes, bytes]] | None = None,
        scope: Mapping[str, Any] | None = None,
    ) -> None:
        self._list: list[tuple[str, str]] | None = None
        self._dict: dict[str, str] | None = None
        if headers is not None:
            self._raw: RawHeaders = [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
            ]
        elif raw is not None:
            self._raw = raw if isinstance(raw, list) else list(raw)
        elif scope is not None:
            self._raw = (
                scope["headers"] if isinstance(scope["headers"], list) else list(scope["headers"])
            )
        else:
            self._raw = []

    @property
    def raw(self) -> RawHeaders:
        """The ASGI list of `(name, value)` byte pairs."""
        return self._raw

    def _items(self) -> list[tuple[str, str]]:
        if self._list is None:
            # Servers send lower-case names already (ASGI spec); lower() again is cheap insurance.
            self._list = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in self._raw]
        return self._list

    def _lookup(self) -> dict[str, str]:
        if self._dict is None:
            d: dict[str, str] = {}
            for k, v in self._items():
                d.setdefault(k, v)
            self._dict = d
        return self._dict

    def keys(self) -> list[str]:  # type: ignore[override]
        """Every header name, repeated names included, in order."""
        return [k for k, _ in self._items()]

    def values(self) -> list[str]:  # type: ignore[override]
        """Every header value, in order."""
        return [v for _, v in self._items()]

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        """Every `(name, value)` pair, in order."""
        return list(self._items())

    def multi_items(self) -> list[tuple[str, str]]:
        """Every `(name, value)` pair, in order (same as `items()`)."""
        return list(self._items())

    def getlist(self, key: str) -> list[str]:
        """All values of header `key` (case-insensitive)."""
        key = key.lower()
        return [v for k, v in self._items() if k == key]

    def get(self, key: str, default: Any = None) -> Any:
        """The first value of header `key`, or `default`."""
        return self._lookup().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return self._lookup()[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._lookup()

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return False
        return sorted(self._items()) == sorted(other._items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.items()!r})"

    def mutablecopy(self) -> MutableHeaders:
        """A `MutableHeaders` holding a copy of these headers."""
        return MutableHeaders(raw=list(self._raw))


class MutableHeaders(Headers):
    """Response headers: like `Headers`, plus assignment, deletion and `append`.

    Every value is checked when set: CR, LF, NUL or a non-latin-1 character raise `ValueError`,
    so a header can never be split or smuggled into the response.
    """

    __slots__ = ()

    def _invalidate(self) -> None:
        self._list = None
        self._dict = None

    def __setitem__(self, key: str, value: str) -> None:
        name, val = encode_header(key, value)
        raw = self._raw
        found = False
        i = 0
        while i < len(raw):
            if raw[i][0] == name:
                if found:
                    del raw[i]
                    continue
                raw[i] = (name, val)
                found = True
            i += 1
        if not found:
            raw.append((name, val))
        self._invalidate()

    def __delitem__(self, key: str) -> None:
        name = key.lower().encode("latin-1")
        self._raw[:] = [(k, v) for k, v in self._raw if k != name]
        self._invalidate()

    def append(self, key: str, value: str) -> None:
        """Add a value for `key`, keeping the ones already there (e.g. `set-cookie`)."""
        self._raw.append(encode_header(key, value))
        self._invalidate()

    def setdefault(self, key: str, value: str) -> str:
        """Set `key` to `value` unless present; return the value now in place."""
        current = self.get(key)
        if current is None:
            self[key] = value
            return value
        return str(current)

    def update(self, other: Mapping[str, str]) -> None:
        """Set every header of `other`, replacing existing values."""
        for key, value in other.items():
            self[key] = value

    def add_vary_header(self, vary: str) -> None:
        """Add `vary` to the `Vary` header."""
        existing = self.get("vary")
        self["vary"] = f"{existing}, {vary}" if existing else vary


class QueryParams(Mapping[str, str]):
    """The query string as a read-only multi-dict.

    `params["q"]` is the last value of a repeated key (as in Starlette); `params.getlist("q")`
    gives all of them in order.

    Args:
        query: A query string (`"a=1&b=2"`, str or bytes), a mapping, or a list of pairs.
    """

    __slots__ = ("_dict", "_list")

    def __init__(
        self,
        query: str | bytes | Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
    ) -> None:
        if query is None:
            items: list[tuple[str, str]] = []
        elif isinstance(query, bytes):
            items = parse_query(query)
        elif isinstance(query, str):
            items = parse_qsl(query, keep_blank_values=True, errors="replace")
        elif isinstance(query, Mapping):
            items = [(str(k), str(v)) for k, v in query.items()]
        else:
            items = [(str(k), str(v)) for k, v in query]
        self._list = items
        # Starlette's QueryParams answer the last value for a repeated key.
        self._dict = dict(items)

    def getlist(self, key: str) -> list[str]:
        """Every value of `key`, in order."""
        return [v for k, v in self._list if k == key]

    def multi_items(self) -> list[tuple[str, str]]:
        """Every `(key, value)` pair, in order."""
        return list(self._list)

    def __getitem__(self, key: str) -> str:
        return self._dict[key]

    def __contains__(self, key: object) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QueryParams):
            return False
        return sorted(self._list) == sorted(other._list)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return urlencode(self._list)

    def __repr__(self) -> str:
        return f"QueryParams({str(self)!r})"


def parse_query(raw: bytes) -> list[tuple[str, str]]:
    """Decode a raw ASGI query string into `(key, value)` pairs.

    Bad percent-escapes are kept literally and invalid UTF-8 becomes U+FFFD, so hostile
    input never raises.
    """
    if not raw:
        return []
    # PERF: the checks run on the decoded text: `b"%" in raw` goes through the buffer protocol,
    # ~20 times slower than on a str (benchmarks/bench_core.py query 0.55 -> 0.66).
    text = raw.decode("latin-1")
    if "%" in text or "+" in text or not text.isascii():
        # The general case: percent-decoding as UTF-8, bad escapes kept, bad bytes as U+FFFD.
        return parse_qsl(text, keep_blank_values=True, errors="replace")
    # PERF: plain ASCII without escapes needs no unquoting (benchmarks/bench_core.py::query).
    pairs = []
    for part in text.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((key, value))
    return pairs


def parse_query_last(raw: bytes) -> dict[str, str]:
    """Decode a raw ASGI query string into `{key: last value}` (Starlette's `params[key]`)."""
    if not raw:
        return {}
    # PERF: the checks run on the decoded text, as in parse_query (benchmarks/bench_core.py
    # query 0.55 -> 0.66).
    text = raw.decode("latin-1")
    if "%" in text or "+" in text or not text.isascii():
        return dict(parse_query(raw))
    # PERF: one dict, no intermediate list of pairs (benchmarks/bench_core.py::query). The
    # Context-free generated code (`_fast_lines` in `_plan/compile.py`) repeats this function
    # inline: keep the two in step.
    out: dict[str, str] = {}
    for part in text.split("&"):
        if part:
            key, _, value = part.partition("=")
            out[key] = value
    return out


class State:
    """An attribute bag: `app.state.db = ...`, `request.state.user`.

    Args:
        state: The dict to store attributes in (for a request: `scope["state"]`, so values the
            lifespan yields are visible).
    """

    __slots__ = ("_state",)

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "_state", {} if state is None else state)

    def __setattr__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __getattr__(self, key: str) -> Any:
        try:
            return self._state[key]
        except KeyError:
            raise AttributeError(f"'State' object has no attribute {key!r}") from None

    def __delattr__(self, key: str) -> None:
        try:
            del self._state[key]
        except KeyError:
            raise AttributeError(key) from None

    def __contains__(self, key: str) -> bool:
        return key in self._state

    def __repr__(self) -> str:
        return f"State({self._state!r})"
