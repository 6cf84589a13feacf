"""`StaticFiles`: serve a directory over HTTP, safely (Starlette's class, same keywords).

Mount it: `app.mount("/static", StaticFiles(directory="static"), name="static")`.

A request can never reach a file outside the configured directories: the path is normalised,
resolved with `os.path.realpath` (symlinks too, unless `follow_symlink=True`) and must stay
inside the directory by `os.path.commonpath` — so `..`, percent-encoded `..` (servers decode it
before we see it), absolute paths, symlinks pointing out and sibling directories sharing a
prefix (`/static` vs `/static-secret`) all get a 404. So do names the OS refuses (NUL bytes,
over-long names). Files go out through `FileResponse`: ETag/Last-Modified with 304, Range
with 206/416, HEAD.
"""

from __future__ import annotations

import importlib.util
import os
import stat
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fasterapi_core.exceptions import HTTPException

__all__ = ("StaticFiles",)

PathLike = str | os.PathLike[str]


def _route_path(scope: Mapping[str, Any]) -> str:
    """The request path below the mount point.

    Works with both mount conventions: `path` is the full path and `root_path` the mount
    prefix (Starlette >= 0.33, ASGI spec), or `path` is already the remainder.
    """
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root) :]
    return path


def _relative(path: str) -> str:
    """`path` ("/"-separated) as a normalised relative OS path; "." for the root."""
    parts = [p for p in path.split("/") if p]
    return os.path.normpath(os.path.join(*parts)) if parts else "."


def _full_path(scope: Mapping[str, Any]) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and not path.startswith(root):
        path = root + path
    return path


class StaticFiles:
    """An ASGI app serving the files of a directory (and/or of Python packages).

    Args:
        directory: The directory to serve.
        packages: Python packages whose `statics` folder (or the folder named in a
            `(package, folder)` pair) is served too, after `directory`.
        html: HTML mode: a directory serves its `index.html` (`/docs` redirects to `/docs/`),
            and a missing file serves the top-level `404.html` with status 404, if present.
        check_dir: Raise at construction if `directory` does not exist.
        follow_symlink: Serve symlinks that point outside the directory (off by default).

    Raises:
        RuntimeError: `check_dir` is set and `directory` is not a directory, or a package's
            folder does not exist.
    """

    __slots__ = ("_roots", "all_directories", "directory", "follow_symlink", "html")

    def __init__(
        self,
        *,
        directory: PathLike | None = None,
        packages: Sequence[str | tuple[str, str]] | None = None,
        html: bool = False,
        check_dir: bool = True,
        follow_symlink: bool = False,
    ) -> None:
        self.directory = directory
        self.html = html
        self.follow_symlink = follow_symlink
        self.all_directories: list[PathLike] = self.get_directories(directory, packages)
        if check_dir and directory is not None and not os.path.isdir(directory):
            raise RuntimeError(f"Directory '{directory}' does not exist")
        # The roots are resolved once; each request then resolves only its own path.
        self._roots = [os.path.realpath(d) for d in self.all_directories]

    @staticmethod
    def get_directories(
        directory: PathLike | None = None,
        packages: Sequence[str | tuple[str, str]] | None = None,
    ) -> list[PathLike]:
        """The directories to look in, in order: `directory`, then each package's folder."""
        directories: list[PathLike] = [] if directory is None else [directory]
        for package in packages or ():
            name, folder = (package, "statics") if isinstance(package, str) else package
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                raise RuntimeError(f"Package {name!r} not found or not a regular package")
            path = os.path.join(os.path.dirname(spec.origin), folder)
            if not os.path.isdir(path):
                raise RuntimeError(f"Directory '{folder}' in package {name!r} could not be found")
            directories.append(path)
        return directories

    async def __call__(self, scope: Mapping[str, Any], receive: Any, send: Any) -> None:
        """Serve one request (a 404/405 is sent as FastAPI's `{"detail": ...}` JSON)."""
        kind = scope["type"]
        if kind != "http":
            if kind == "websocket":
                await send({"type": "websocket.close", "code": 1000, "reason": ""})
            return
        try:
            response = await self.get_response(self.get_path(scope), scope)
        except HTTPException as exc:
            from fasterapi_core.responses import JSONResponse

            response = JSONResponse({"detail": exc.detail}, exc.status_code, exc.headers)
        await response(scope, receive, send)

    def get_path(self, scope: Mapping[str, Any]) -> str:
        """The request path below the mount point, normalised ("css/site.css"; "." for the root)."""
        return _relative(_route_path(scope))

    async def get_response(self, path: str, scope: Mapping[str, Any]) -> Any:
        """The response for `path` (from `get_path`): override it to change what is served.

        Returns:
            A response (an ASGI app): the file, the directory's index, a redirect, or 404.html.

        Raises:
            HTTPException: 405 for methods other than GET/HEAD, 404 when nothing matches.
        """
        if scope.get("method", "GET") not in ("GET", "HEAD"):
            raise HTTPException(405, headers={"Allow": "GET, HEAD"})
        full, st = self.lookup_path(path)
        if st is not None:
            if stat.S_ISREG(st.st_mode):
                return self.file_response(full, st, scope)
            if stat.S_ISDIR(st.st_mode) and self.html:
                index, index_st = self.lookup_path(os.path.join(path, "index.html"))
                if index_st is not None and stat.S_ISREG(index_st.st_mode):
                    if not scope["path"].endswith("/"):
                        return self._redirect_to_slash(scope)
                    return self.file_response(index, index_st, scope)
        if self.html:
            missing, missing_st = self.lookup_path("404.html")
            if missing_st is not None and stat.S_ISREG(missing_st.st_mode):
                return self.file_response(missing, missing_st, scope, status_code=404)
        raise HTTPException(404)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """Find `path` (relative, "/"-separated) in the directories, never outside them.

        Returns:
            `(full_path, stat_result)` for the first directory that has it, else `("", None)`.
        """
        relative = _relative(path)
        for root in self._roots:
            joined = os.path.join(root, relative)
            try:
                full = os.path.abspath(joined) if self.follow_symlink else os.path.realpath(joined)
                if os.path.commonpath([full, root]) != root:
                    continue  # outside this directory: `..`, an absolute path, a symlink out
                return full, os.stat(full)
            except (OSError, ValueError):  # missing, ENAMETOOLONG, NUL byte, EACCES, ...
                continue
        return "", None

    def file_response(
        self,
        full_path: str,
        stat_result: os.stat_result,
        scope: Mapping[str, Any],
        status_code: int = 200,
    ) -> Any:
        """A `FileResponse` for one file (it handles 304, Range and HEAD by itself)."""
        from fasterapi_core.responses import FileResponse

        return FileResponse(full_path, status_code=status_code, stat_result=stat_result)

    @staticmethod
    def _redirect_to_slash(scope: Mapping[str, Any]) -> Any:
        from fasterapi_core.responses import RedirectResponse

        # A relative Location with exactly one leading "/": never "//host" (an open redirect).
        location = "/" + quote(_full_path(scope).lstrip("/")) + "/"
        query: bytes = scope.get("query_string", b"")
        if query:
            location += "?" + query.decode("latin-1")
        return RedirectResponse(location)
