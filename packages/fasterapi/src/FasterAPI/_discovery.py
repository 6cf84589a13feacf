"""Find the ASGI app a `fasterapi` command should serve, the way `fastapi run` does.

A target is one of:

* nothing: the first of `main.py`, `app.py`, `api.py`, `app/main.py`, `app/app.py`,
  `app/api.py` that exists in the working directory;
* a path to a `.py` file or to a directory (then the same file names inside it, or the
  package's `__init__.py`), optionally followed by `:attr`;
* a dotted module name followed by `:attr` (or alone, then the attribute is searched).

In a module without an explicit attribute, the app is the variable `app`, else `api`,
else the first `Faster` instance, else the first other ASGI application object.

A file inside a package (directories holding `__init__.py`) is imported under its full
dotted name, with the directory above the top package on `sys.path`, so that the
module's relative imports work; a module target puts the working directory there.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

__all__ = (
    "AppLoadError",
    "AppTarget",
    "DEFAULT_FILES",
    "load_app",
)

DEFAULT_FILES = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")
_APP_NAMES = ("app", "api")


class AppLoadError(Exception):
    """The target names no importable ASGI app; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class AppTarget:
    """An app found by `load_app`.

    Attributes:
        module: The dotted module name it was imported as.
        attr: The attribute of the module holding the app (dots for nested ones).
        app_dir: The directory put on `sys.path` to import `module`.
        app: The application object itself.
    """

    module: str
    attr: str
    app_dir: Path
    app: object

    @property
    def import_string(self) -> str:
        """`module:attr`, the form uvicorn and granian import in each worker."""
        return f"{self.module}:{self.attr}"


def load_app(target: str | None, cwd: Path | None = None) -> AppTarget:
    """Import the module `target` names and return the ASGI app in it.

    Args:
        target: A path, `path.py:attr`, `module:attr`, a module name, or None to look
            for the usual file names in `cwd`.
        cwd: The directory relative paths start from; the process's one by default.

    Returns:
        The app, the module and attribute it came from, and the directory that was
        put on `sys.path` to import it.

    Raises:
        AppLoadError: The file or module does not exist, fails to import, holds no app,
            or the named object is not an ASGI application.
    """
    base = (cwd or Path.cwd()).resolve()
    module, attr, app_dir = _resolve(target, base)
    if str(app_dir) not in sys.path:
        sys.path.insert(0, str(app_dir))
    mod = _import(module, app_dir)
    if attr is None:
        attr = _find_attr(mod, module, target)
    app = _get_attr(mod, module, attr)
    if not is_asgi_app(app):
        raise AppLoadError(
            f"{module}:{attr} is not an ASGI app (it is a {_describe(app)}); "
            "expected a Faster/FastAPI instance or an `async def app(scope, receive, send)`"
        )
    return AppTarget(module=module, attr=attr, app_dir=app_dir, app=app)


def is_asgi_app(obj: object) -> bool:
    """Whether `obj` can be called as an ASGI 3 application.

    An `async def` function with at least three positional parameters counts, and so
    does an instance of a class with a `__call__` method (as every framework's app is).
    Classes, plain functions and other values do not.
    """
    if inspect.isclass(obj):
        return False
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        if not inspect.iscoroutinefunction(obj):
            return False
        try:
            params = inspect.signature(obj).parameters.values()
        except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
            return True
        positional = [
            p
            for p in params
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
        return len(positional) >= 3 or any(p.kind is p.VAR_POSITIONAL for p in positional)
    return callable(obj) and not inspect.isroutine(obj)


def _resolve(target: str | None, base: Path) -> tuple[str, str | None, Path]:
    """Turn a target into (module name, attribute or None, directory for sys.path)."""
    if target is None or target == "":
        for name in DEFAULT_FILES:
            candidate = base / name
            if candidate.is_file():
                return _from_path(candidate, None)
        looked = ", ".join(DEFAULT_FILES)
        raise AppLoadError(
            f"no app file found in {base} (looked for {looked}); "
            "pass a path or module:app, e.g. `fasterapi run main.py`"
        )
    where, sep, attr_part = target.rpartition(":")
    if not sep or (len(where) == 1 and where.isalpha()):  # no colon, or only a drive letter
        where, attr_part = target, ""
    attr: str | None = None
    if sep and where != target:
        if not attr_part or not all(p.isidentifier() for p in attr_part.split(".")):
            raise AppLoadError(
                f"bad app target {target!r}: after ':' comes an attribute name, e.g. main:app"
            )
        attr = attr_part
    if _looks_like_path(where, base):
        path = (base / where).resolve()
        if not path.exists():
            raise AppLoadError(f"file not found: {where} (from {base})")
        if path.is_dir():
            path = _file_in_dir(path)
        elif path.suffix != ".py":
            raise AppLoadError(f"not a Python file: {where} (expected a .py file)")
        return _from_path(path, attr)
    if not all(p.isidentifier() for p in where.split(".")):
        raise AppLoadError(
            f"bad app target {target!r}: expected a path such as main.py or a module such "
            "as pkg.main:app"
        )
    return where, attr, base


def _looks_like_path(where: str, base: Path) -> bool:
    if where.endswith(".py") or "/" in where or "\\" in where or where in (".", ".."):
        return True
    if (base / where).is_file():
        return True
    # A bare directory name ("app") is a path when such a directory exists here.
    return (base / where).is_dir() and not (base / where / "__init__.py").is_file()


def _file_in_dir(directory: Path) -> Path:
    for name in ("main.py", "app.py", "api.py"):
        if (directory / name).is_file():
            return directory / name
    if (directory / "__init__.py").is_file():
        return directory / "__init__.py"
    raise AppLoadError(f"no main.py, app.py or api.py in directory {directory}")


def _from_path(path: Path, attr: str | None) -> tuple[str, str | None, Path]:
    """Module name and sys.path entry for a file, climbing out of enclosing packages."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    if not parts or not all(p.isidentifier() for p in parts):
        raise AppLoadError(
            f"cannot import {path}: {'.'.join(parts) or path.name!r} is not a valid module "
            "name (use letters, digits and underscores)"
        )
    return ".".join(parts), attr, directory


def _import(module: str, app_dir: Path) -> object:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (module == exc.name or module.startswith(exc.name + ".")):
            raise AppLoadError(f"module not found: {module} (searched from {app_dir})") from None
        raise AppLoadError(_import_failure(module, exc)) from None
    except Exception as exc:
        raise AppLoadError(_import_failure(module, exc)) from None


def _import_failure(module: str, exc: BaseException) -> str:
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f" at {Path(exc.filename).name}:{exc.lineno}"
        message = exc.msg
    else:
        # The innermost frame outside importlib and this file is where the user's code failed.
        frames = traceback.extract_tb(exc.__traceback__)
        user = [f for f in frames if "importlib" not in f.filename and f.filename != __file__]
        if user:
            where = f" at {Path(user[-1].filename).name}:{user[-1].lineno}"
        lines = str(exc).splitlines()
        message = lines[0] if lines else ""
    detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return f"error while importing module {module!r}{where}: {detail}"


def _find_attr(mod: object, module: str, target: str | None) -> str:
    namespace = vars(mod)
    for name in _APP_NAMES:
        if name in namespace:
            return name
    faster = _faster_class()
    if faster is not None:
        for name, value in namespace.items():
            if isinstance(value, faster):
                return name
    for name, value in namespace.items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        defined_here = getattr(value, "__module__", None) == module
        if (
            (inspect.isfunction(value) and defined_here)
            or (
                not inspect.isroutine(value)
                and not inspect.isclass(value)
                and _has_async_call(value)
            )
        ) and is_asgi_app(value):
            return name
    hint = f"{target or module}:<name>"
    raise AppLoadError(
        f"no app found in module {module!r}: define a variable named 'app' "
        f"(or 'api'), or name it: {hint}"
    )


def _has_async_call(value: object) -> bool:
    call = getattr(type(value), "__call__", None)  # noqa: B004 - the type's, not the instance's
    return call is not None and inspect.iscoroutinefunction(call)


def _get_attr(mod: object, module: str, attr: str) -> object:
    missing = object()
    value: object = mod
    for part in attr.split("."):
        value = getattr(value, part, missing)
        if value is missing:
            raise AppLoadError(f"module {module!r} has no attribute {attr!r}")
    return value


def _faster_class() -> type | None:
    try:
        from fasterapi_core import Faster
    except ImportError:  # pragma: no cover - core is a dependency; only during development
        return None
    return Faster


def _describe(obj: object) -> str:
    if inspect.isclass(obj):
        return f"class {obj.__qualname__}"
    if inspect.isfunction(obj):
        kind = "async function" if inspect.iscoroutinefunction(obj) else "function"
        return f"{kind} {obj.__qualname__} without (scope, receive, send)"
    return type(obj).__name__
