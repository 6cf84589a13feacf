"""Start a server on an app found by `_discovery`: uvicorn (default) or granian.

Both servers import the app from its `module:attr` string, so that `--workers N` and
`--reload` can import it again in each worker process; the app's directory goes on
`sys.path` (inherited by spawned workers) and on `PYTHONPATH` (for servers that start
fresh interpreters).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from FasterAPI._discovery import AppTarget

__all__ = ("ServeOptions", "ServerError", "serve")

# Safe limits, applied unless the command line (or ServeOptions) says otherwise (README
# "Server limits"). The three head limits are enforced by `_protocol` (httptools only).
DEFAULT_LIMIT_CONCURRENCY = 1000  # requests in flight per worker; past it a 503 at once
DEFAULT_TIMEOUT_KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
DEFAULT_TIMEOUT_GRACEFUL_SHUTDOWN = 30  # seconds open requests get after SIGTERM
DEFAULT_BACKLOG = 2048  # pending connections the kernel queues
DEFAULT_MAX_HEADER_BYTES = 16 * 1024  # bytes of request target + header lines; past it 431
DEFAULT_MAX_HEADERS = 100  # header lines per request; past it 431
DEFAULT_HEADER_TIMEOUT = 10.0  # seconds a request head may take; then the connection closes
# The per-connection HTTP/1.1 protocol under uvicorn: "lean" (`_fastproto`, the faster
# request path) or "httptools" (`_protocol`, uvicorn's own request path); both keep the
# head limits above.
HTTP_PROTOCOLS = ("lean", "httptools")
DEFAULT_HTTP = "lean"

_log = logging.getLogger("fasterapi.server")


class ServerError(Exception):
    """The server cannot start as asked (e.g. granian is not installed); one line."""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How to serve: what `fasterapi run` and `fasterapi dev` collect from the command line."""

    host: str = "0.0.0.0"
    port: int = 8000
    workers: int = 1
    reload: bool = False
    reload_dirs: tuple[Path, ...] = field(default_factory=tuple)
    root_path: str = ""
    proxy_headers: bool = True
    forwarded_allow_ips: str | None = None
    server: str = "uvicorn"
    log_level: str = "info"
    access_log: bool = True
    limit_concurrency: int | None = DEFAULT_LIMIT_CONCURRENCY
    timeout_keep_alive: int = DEFAULT_TIMEOUT_KEEP_ALIVE
    timeout_graceful_shutdown: int | None = DEFAULT_TIMEOUT_GRACEFUL_SHUTDOWN
    backlog: int = DEFAULT_BACKLOG
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_headers: int = DEFAULT_MAX_HEADERS
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    http: str = DEFAULT_HTTP


class _Stopped(BaseException):
    """Raised by our SIGTERM handler when uvicorn passes the signal on after shutdown."""


def serve(target: AppTarget, options: ServeOptions) -> None:
    """Serve `target` until SIGTERM or SIGINT, then return after a graceful shutdown.

    Raises:
        ServerError: The chosen server is not installed.
    """
    _export_pythonpath(target.app_dir)
    if options.server == "granian":
        _serve_granian(target, options)
    else:
        _serve_uvicorn(target, options)


def _export_pythonpath(app_dir: Path) -> None:
    current = os.environ.get("PYTHONPATH", "")
    entries = [e for e in current.split(os.pathsep) if e]
    if str(app_dir) not in entries:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(app_dir), *entries])


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def uvicorn_config(target: AppTarget, options: ServeOptions) -> dict[str, Any]:
    """The keyword arguments for `uvicorn.run` (a function so tests can check the limits).

    `http` names the parser; `_serve_uvicorn` swaps "httptools" for `limited_httptools`.
    """
    config: dict[str, Any] = {
        "host": options.host,
        "port": options.port,
        # uvloop and httptools are dependencies (uvloop not on Windows); fall back if absent.
        "loop": "uvloop" if _installed("uvloop") else "asyncio",
        "http": "httptools" if _installed("httptools") else "h11",
        "lifespan": "auto",
        "root_path": options.root_path,
        "proxy_headers": options.proxy_headers,
        "forwarded_allow_ips": options.forwarded_allow_ips,
        "log_level": options.log_level,
        "access_log": options.access_log,
        "limit_concurrency": options.limit_concurrency,
        "timeout_keep_alive": options.timeout_keep_alive,
        "timeout_graceful_shutdown": options.timeout_graceful_shutdown,
        "backlog": options.backlog,
        # Read by uvicorn's h11 protocol only (the fallback without httptools).
        "h11_max_incomplete_event_size": options.max_header_bytes,
    }
    if options.reload:
        config["reload"] = True
        config["reload_dirs"] = [str(d) for d in options.reload_dirs] or [str(target.app_dir)]
    else:
        config["workers"] = options.workers
    return config


def limited_httptools(options: ServeOptions) -> Any:
    """uvicorn's `http=` for httptools with the head limits of `options`.

    `options.http` "lean" is `_fastproto`'s protocol, "httptools" `_protocol`'s (uvicorn's
    own request path). Each step falls back, with a warning, when the uvicorn internals it
    hooks are missing from the installed version: lean to `_protocol`, and that to
    uvicorn's stock httptools protocol (still serving, without the header size limit and
    header timeout).
    """
    try:
        from FasterAPI import _protocol
    except ImportError as exc:
        missing = [f"{type(exc).__name__}: {exc}"]
    else:
        missing = _protocol.missing_internals()
        if not missing:
            limits = _protocol.HeadLimits(
                max_header_bytes=options.max_header_bytes,
                max_headers=options.max_headers,
                header_timeout=options.header_timeout,
            )
            if options.http == "lean":
                lean = _lean_factory(limits)
                if lean is not None:
                    return lean
            return _protocol.protocol_factory(limits)
    _log.warning(
        "the installed uvicorn lacks what FasterAPI's header limits need (%s); serving with "
        "uvicorn's stock httptools protocol, without the header size limit and header "
        "timeout",
        ", ".join(missing),
    )
    return "httptools"


def _lean_factory(limits: Any) -> Any:
    """`_fastproto`'s factory, or None (with a warning) when it cannot hook this uvicorn."""
    try:
        from FasterAPI import _fastproto
    except ImportError as exc:
        missing = [f"{type(exc).__name__}: {exc}"]
    else:
        missing = _fastproto.missing_internals()
        if not missing:
            return _fastproto.protocol_factory(limits)
    _log.warning(
        "the installed uvicorn lacks what FasterAPI's lean HTTP protocol needs (%s); "
        "serving with --http httptools",
        ", ".join(missing),
    )
    return None


def _serve_uvicorn(target: AppTarget, options: ServeOptions) -> None:
    import uvicorn

    config = uvicorn_config(target, options)
    if config["loop"] == "uvloop" and hasattr(uvicorn.Config, "get_loop_factory"):
        # uvloop, draining deep accept queues in bursts (`_accept`); uvicorn before 0.36
        # took a loop *setup* function there instead of a factory, and keeps plain uvloop.
        config["loop"] = "FasterAPI._accept:burst_loop"
    if config["http"] == "httptools":
        config["http"] = limited_httptools(options)
    else:
        _log.warning(
            "httptools is not installed: serving with uvicorn's h11 protocol (slower, "
            "without the header timeout); --http %s needs httptools",
            options.http,
        )
    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again with the
    # handler that was there before it started. Ours turns that into a normal return,
    # so a stopped server exits with status 0 instead of dying by the signal.
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        uvicorn.run(target.import_string, **config)
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_stopped(signum: int, frame: object) -> None:
    raise _Stopped


def _serve_granian(target: AppTarget, options: ServeOptions) -> None:
    try:
        # Imported by name: granian is an optional extra, absent where mypy runs.
        granian = importlib.import_module("granian")
        interfaces = importlib.import_module("granian.constants").Interfaces
    except ImportError:
        raise ServerError(
            "--server granian needs granian: pip install 'fasterapi[granian]' "
            "(or pip install granian)"
        ) from None
    kwargs: dict[str, Any] = {
        "address": options.host,
        "port": options.port,
        "interface": interfaces("asgi"),
        "workers": options.workers,
        "backlog": options.backlog,
        "log_access": options.access_log,
    }
    if options.root_path:
        kwargs["url_path_prefix"] = options.root_path
    if options.reload:
        kwargs["reload"] = True
        kwargs["reload_paths"] = list(options.reload_dirs) or [target.app_dir]
    server = granian.Granian(target.import_string, **kwargs)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve()
