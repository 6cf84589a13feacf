"""The `fasterapi` command: serve an app (`run`, `dev`) or list its routes (`routes`).

Examples:
    fasterapi run                       # main.py / app.py / api.py here, on 0.0.0.0:8000
    fasterapi run app/main.py --workers 4
    fasterapi run mypkg.web:app --port 9000 --root-path /api
    fasterapi dev                       # 127.0.0.1:8000, reloads when a file changes
    fasterapi routes main.py --json
    fasterapi migrate app/ --write      # FastAPI imports -> FasterAPI (FasterAPI.migrate)

A target that cannot be served ends the command with one line on stderr and exit
status 2; the server itself stops cleanly (status 0) on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from FasterAPI.__about__ import __version__
from FasterAPI._discovery import DEFAULT_FILES, AppLoadError, load_app
from FasterAPI._server import (
    DEFAULT_BACKLOG,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_HTTP,
    DEFAULT_LIMIT_CONCURRENCY,
    DEFAULT_MAX_HEADER_BYTES,
    DEFAULT_MAX_HEADERS,
    DEFAULT_TIMEOUT_GRACEFUL_SHUTDOWN,
    DEFAULT_TIMEOUT_KEEP_ALIVE,
    HTTP_PROTOCOLS,
    ServeOptions,
    ServerError,
    serve,
)

__all__ = ("build_parser", "main")

_PROG = "fasterapi"
_TARGET_HELP = (
    "the app: a file (main.py, app/main.py), a file and attribute (main.py:api), or a "
    f"module and attribute (pkg.main:app). Default: the first of {', '.join(DEFAULT_FILES)} "
    "in the working directory. In a file, the app is the variable `app`, else `api`, else "
    "the first Faster (or other ASGI) app."
)
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `fasterapi` command line.

    Args:
        argv: The arguments after the program name; `sys.argv[1:]` when None.

    Returns:
        The exit status: 0 on success (also after a server stopped by SIGTERM or
        Ctrl-C), 2 when the target or an option is wrong.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["migrate"]:
        # `fasterapi migrate` has its own parser (FasterAPI.migrate); hand it the rest.
        from FasterAPI.migrate import main as migrate_main

        return migrate_main(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    try:
        if args.command == "routes":
            return _routes(args)
        return _serve(args)
    except (AppLoadError, ServerError) as exc:
        print(f"{_PROG}: error: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `fasterapi` with its `run`, `dev` and `routes` commands."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Serve a FasterAPI (or any ASGI) app with uvicorn on uvloop + httptools.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="serve the app for production (0.0.0.0, no reload)",
        description="Serve the app for production: all interfaces, no reload, safe limits.",
        epilog="example: fasterapi run main.py --workers 4 --port 8000",
    )
    _add_serve_options(run, host="0.0.0.0", dev=False)

    dev = commands.add_parser(
        "dev",
        help="serve the app for development (127.0.0.1, auto-reload)",
        description=(
            "Serve the app for development: localhost only, restarted when a file changes "
            "(watchfiles if installed, else polling)."
        ),
        epilog="example: fasterapi dev app/main.py",
    )
    _add_serve_options(dev, host="127.0.0.1", dev=True)

    routes = commands.add_parser(
        "routes",
        help="list the app's routes with their parameters",
        description=(
            "Print every route: methods, path, name, handler, parameters with where each "
            "comes from, and the response model."
        ),
        epilog="example: fasterapi routes main.py --json",
    )
    routes.add_argument("target", nargs="?", metavar="TARGET", help=_TARGET_HELP)
    routes.add_argument("--json", action="store_true", help="print JSON instead of a table")

    commands.add_parser(
        "migrate",
        help="rewrite a codebase's FastAPI imports to FasterAPI (see `fasterapi migrate --help`)",
        add_help=False,
    )
    return parser


def _add_serve_options(parser: argparse.ArgumentParser, *, host: str, dev: bool) -> None:
    parser.add_argument("target", nargs="?", metavar="TARGET", help=_TARGET_HELP)
    parser.add_argument("--host", default=host, help=f"interface to bind (default: {host})")
    parser.add_argument("--port", type=_port, default=8000, help="port to bind (default: 8000)")
    if dev:
        parser.add_argument(
            "--reload",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="restart when a file under the app's directory changes (default: on)",
        )
    else:
        parser.add_argument(
            "--workers",
            type=_positive,
            default=1,
            help="worker processes, e.g. one per core (default: 1)",
        )
        parser.add_argument(
            "--reload", action="store_true", help="restart when a file changes (as `dev` does)"
        )
    parser.add_argument(
        "--root-path",
        default="",
        help="path prefix the app is mounted under behind a proxy, e.g. /api",
    )
    parser.add_argument(
        "--proxy-headers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (default: on; uvicorn)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default=None,
        metavar="IPS",
        help="comma-separated proxy addresses to trust, or '*' (default: 127.0.0.1)",
    )
    parser.add_argument(
        "--server",
        choices=("uvicorn", "granian"),
        default="uvicorn",
        help="the ASGI server (default: uvicorn; granian needs fasterapi[granian])",
    )
    # The environment can choose too (e.g. to compare both under a benchmark harness).
    http = os.environ.get("FASTERAPI_HTTP", DEFAULT_HTTP)
    parser.add_argument(
        "--http",
        choices=HTTP_PROTOCOLS,
        default=http if http in HTTP_PROTOCOLS else DEFAULT_HTTP,
        help=(
            "uvicorn's HTTP/1.1 protocol: lean (FasterAPI's faster request path) or httptools "
            "(uvicorn's own); both keep the limits below (default: $FASTERAPI_HTTP, else "
            f"{DEFAULT_HTTP})"
        ),
    )
    parser.add_argument(
        "--log-level", choices=_LOG_LEVELS, default="info", help="server log level (default: info)"
    )
    parser.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="log one line per request (default: on)",
    )
    limits = parser.add_argument_group("limits")
    limits.add_argument(
        "--limit-concurrency",
        type=_non_negative,
        default=DEFAULT_LIMIT_CONCURRENCY,
        metavar="N",
        help=(
            "requests in flight per worker before answering 503 "
            f"(default: {DEFAULT_LIMIT_CONCURRENCY}; 0 = no limit)"
        ),
    )
    limits.add_argument(
        "--timeout-keep-alive",
        type=_positive,
        default=DEFAULT_TIMEOUT_KEEP_ALIVE,
        metavar="S",
        help=f"close idle keep-alive connections after S seconds (default: {DEFAULT_TIMEOUT_KEEP_ALIVE})",
    )
    limits.add_argument(
        "--timeout-graceful-shutdown",
        type=_non_negative,
        default=DEFAULT_TIMEOUT_GRACEFUL_SHUTDOWN,
        metavar="S",
        help=(
            "after SIGTERM, wait at most S seconds for open requests "
            f"(default: {DEFAULT_TIMEOUT_GRACEFUL_SHUTDOWN}; 0 = wait without limit)"
        ),
    )
    limits.add_argument(
        "--backlog",
        type=_positive,
        default=DEFAULT_BACKLOG,
        metavar="N",
        help=f"pending connections queued by the kernel (default: {DEFAULT_BACKLOG})",
    )
    limits.add_argument(
        "--max-header-bytes",
        type=_positive,
        default=DEFAULT_MAX_HEADER_BYTES,
        metavar="N",
        help=f"bytes of request target + headers before answering 431 (default: {DEFAULT_MAX_HEADER_BYTES})",
    )
    limits.add_argument(
        "--max-headers",
        type=_positive,
        default=DEFAULT_MAX_HEADERS,
        metavar="N",
        help=f"header lines per request before answering 431 (default: {DEFAULT_MAX_HEADERS})",
    )
    limits.add_argument(
        "--header-timeout",
        type=_positive,
        default=DEFAULT_HEADER_TIMEOUT,
        metavar="S",
        help=f"close a connection whose request head is still incomplete after S seconds (default: {DEFAULT_HEADER_TIMEOUT:g})",
    )


def _serve(args: argparse.Namespace) -> int:
    target = load_app(args.target)
    options = ServeOptions(
        host=args.host,
        port=args.port,
        workers=getattr(args, "workers", 1),
        reload=args.reload,
        reload_dirs=(target.app_dir,),
        root_path=args.root_path,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        server=args.server,
        log_level=args.log_level,
        access_log=args.access_log,
        limit_concurrency=args.limit_concurrency or None,
        timeout_keep_alive=args.timeout_keep_alive,
        timeout_graceful_shutdown=args.timeout_graceful_shutdown or None,
        backlog=args.backlog,
        max_header_bytes=int(args.max_header_bytes),
        max_headers=int(args.max_headers),
        header_timeout=float(args.header_timeout),
        http=args.http,
    )
    where = f"http://{_url_host(options.host)}:{options.port}{options.root_path}"
    mode = "reload" if options.reload else f"{options.workers} worker(s)"
    print(
        f"{_PROG}: serving {target.import_string} from {target.app_dir} on {where} "
        f"({options.server}, {mode})",
        file=sys.stderr,
        flush=True,
    )
    serve(target, options)
    return 0


def _routes(args: argparse.Namespace) -> int:
    from FasterAPI._routes import describe_routes, format_json, format_table

    target = load_app(args.target)
    rows = describe_routes(target.app, target.import_string)
    print(format_json(rows) if args.json else format_table(rows))
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _port(text: str) -> int:
    value = _int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0..65535, not {value}")
    return value


def _positive(text: str) -> int:
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _non_negative(text: str) -> int:
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


if __name__ == "__main__":  # pragma: no cover - `python -m FasterAPI.cli`
    sys.exit(main())
