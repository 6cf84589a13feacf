"""`fasterapi migrate`: rewrite a codebase's FastAPI (and common Starlette) imports to FasterAPI.

Examples:
    fasterapi migrate app/                 # dry run: a unified diff on stdout, nothing written
    fasterapi migrate app/ tests/ --write  # rewrite the files in place
    fasterapi migrate . --check            # exit status 1 when something would change (CI)
    python -m FasterAPI.migrate main.py

Only import statements change, and only the module-name tokens inside them: comments,
strings, docstrings, formatting, the encoding declaration and the newline style of every
file stay byte-identical. The rewrites:

* `from fastapi[.sub] import ...` -> `from FasterAPI[.sub] import ...` (FasterAPI keeps
  FastAPI's module paths).
* `import fastapi` -> `import FasterAPI as fastapi`, so every `fastapi.X` in the file keeps
  working untouched; `import fastapi as f` -> `import FasterAPI as f`.
* `import fastapi.responses` binds the name `fastapi` and loads the submodule, so it becomes
  `import FasterAPI.responses, FasterAPI as fastapi`: the submodule is loaded (which makes it
  an attribute of the package) and `fastapi` is bound to the FasterAPI package. Submodules a
  file reaches through attributes only (`fastapi.responses.JSONResponse` after a bare
  `import fastapi`) are imported the same way, since FasterAPI's package does not load every
  submodule eagerly as FastAPI's does. This binds the name `FasterAPI` as a side effect.
* The Starlette modules FastAPI apps commonly use (`starlette.responses`,
  `starlette.requests`, `starlette.status`, `starlette.middleware.cors`, ...) -> the FasterAPI
  module that provides the same names.

Everything comes from one table, `MODULE_MAP`. A FastAPI or Starlette import it does not
cover is left alone and reported in a warning line ("left unchanged: starlette.routing (no
FasterAPI equivalent)"). Dependency files (requirements*.txt, pyproject.toml, ...) are never
edited; a hint says which ones still list `fastapi`.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import os
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

__all__ = (
    "MODULE_MAP",
    "FileMigration",
    "MigrationError",
    "MigrationReport",
    "Target",
    "build_parser",
    "main",
    "migrate_paths",
    "migrate_source",
)

_PROG = "fasterapi migrate"


@dataclass(frozen=True)
class Target:
    """Where imports of one FastAPI or Starlette module go.

    Attributes:
        module: The FasterAPI module that replaces it.
        names: The only names it may be imported for, or None when the FasterAPI module
            mirrors the whole source module. An import of any other name (or a `*` import)
            of a restricted module is left unchanged and reported.
    """

    module: str
    names: frozenset[str] | None = None


def _only(*names: str) -> frozenset[str]:
    return frozenset(names)


_SECURITY_API_KEY = _only("APIKeyCookie", "APIKeyHeader", "APIKeyQuery")
_SECURITY_HTTP = _only(
    "HTTPAuthorizationCredentials", "HTTPBasic", "HTTPBasicCredentials", "HTTPBearer", "HTTPDigest"
)
_SECURITY_OAUTH2 = _only(
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "SecurityScopes",
)

# The single source of truth of this tool: source module -> FasterAPI target.
#
# FastAPI modules map onto the same path under FasterAPI, whose every name they keep
# (names=None). The exception is `fastapi.security`'s submodules: FastAPI re-exports their
# public classes from `fastapi.security`, and FasterAPI has only that module, so they map
# there, restricted to the names `fastapi.security` re-exports.
#
# Starlette modules map onto the FastAPI-style path that re-exports them (`fastapi.requests`
# re-exports `starlette.requests`, so `starlette.requests` -> `FasterAPI.requests`), and only
# for the names FasterAPI provides. Modules missing here (`starlette.routing`,
# `starlette.applications`, `starlette.types`, `fastapi.openapi.models`, ...) have no FasterAPI
# equivalent and are reported, not rewritten. tests/test_migrate.py imports every target.
MODULE_MAP: Final[dict[str, Target]] = {
    # --- FastAPI: same path under FasterAPI --------------------------------------------
    "fastapi": Target("FasterAPI"),
    "fastapi.applications": Target("FasterAPI.applications"),
    "fastapi.background": Target("FasterAPI.background"),
    "fastapi.concurrency": Target("FasterAPI.concurrency"),
    "fastapi.datastructures": Target("FasterAPI.datastructures"),
    "fastapi.dependencies": Target("FasterAPI.dependencies"),
    "fastapi.encoders": Target("FasterAPI.encoders"),
    "fastapi.exception_handlers": Target("FasterAPI.exception_handlers"),
    "fastapi.exceptions": Target("FasterAPI.exceptions"),
    "fastapi.middleware": Target("FasterAPI.middleware"),
    "fastapi.middleware.cors": Target("FasterAPI.middleware.cors"),
    "fastapi.middleware.gzip": Target("FasterAPI.middleware.gzip"),
    "fastapi.middleware.httpsredirect": Target("FasterAPI.middleware.httpsredirect"),
    "fastapi.middleware.trustedhost": Target("FasterAPI.middleware.trustedhost"),
    "fastapi.middleware.wsgi": Target("FasterAPI.middleware.wsgi"),
    "fastapi.openapi": Target("FasterAPI.openapi"),
    "fastapi.openapi.docs": Target("FasterAPI.openapi.docs"),
    "fastapi.openapi.utils": Target("FasterAPI.openapi.utils"),
    "fastapi.param_functions": Target("FasterAPI.param_functions"),
    "fastapi.params": Target("FasterAPI.params"),
    "fastapi.requests": Target("FasterAPI.requests"),
    "fastapi.responses": Target("FasterAPI.responses"),
    "fastapi.routing": Target("FasterAPI.routing"),
    "fastapi.security": Target("FasterAPI.security"),
    "fastapi.sse": Target("FasterAPI.sse"),
    "fastapi.staticfiles": Target("FasterAPI.staticfiles"),
    "fastapi.status": Target("FasterAPI.status"),
    "fastapi.templating": Target("FasterAPI.templating"),
    "fastapi.testclient": Target("FasterAPI.testclient"),
    "fastapi.websockets": Target("FasterAPI.websockets"),
    # --- FastAPI: security submodules, through the names fastapi.security re-exports ----
    "fastapi.security.api_key": Target("FasterAPI.security", _SECURITY_API_KEY),
    "fastapi.security.http": Target("FasterAPI.security", _SECURITY_HTTP),
    "fastapi.security.oauth2": Target("FasterAPI.security", _SECURITY_OAUTH2),
    "fastapi.security.open_id_connect_url": Target("FasterAPI.security", _only("OpenIdConnect")),
    # --- Starlette: the FastAPI-style FasterAPI module, for the names it provides -------
    "starlette": Target("FasterAPI", _only("status")),
    "starlette.background": Target(
        "FasterAPI.background", _only("BackgroundTask", "BackgroundTasks")
    ),
    "starlette.concurrency": Target(
        "FasterAPI.concurrency", _only("iterate_in_threadpool", "run_in_threadpool")
    ),
    "starlette.datastructures": Target(
        "FasterAPI.datastructures",
        _only(
            "URL",
            "Address",
            "FormData",
            "Headers",
            "MutableHeaders",
            "QueryParams",
            "State",
            "UploadFile",
        ),
    ),
    "starlette.exceptions": Target(
        "FasterAPI.exceptions", _only("HTTPException", "WebSocketException")
    ),
    "starlette.middleware": Target("FasterAPI.middleware", _only("Middleware")),
    "starlette.middleware.base": Target(
        "FasterAPI.middleware.base", _only("BaseHTTPMiddleware", "DispatchFunction")
    ),
    "starlette.middleware.cors": Target("FasterAPI.middleware.cors", _only("CORSMiddleware")),
    "starlette.middleware.gzip": Target("FasterAPI.middleware.gzip", _only("GZipMiddleware")),
    "starlette.middleware.httpsredirect": Target(
        "FasterAPI.middleware.httpsredirect", _only("HTTPSRedirectMiddleware")
    ),
    "starlette.middleware.trustedhost": Target(
        "FasterAPI.middleware.trustedhost", _only("TrustedHostMiddleware")
    ),
    "starlette.middleware.wsgi": Target("FasterAPI.middleware.wsgi", _only("WSGIMiddleware")),
    "starlette.requests": Target(
        "FasterAPI.requests", _only("ClientDisconnect", "HTTPConnection", "Request")
    ),
    "starlette.responses": Target(
        "FasterAPI.responses",
        _only(
            "FileResponse",
            "HTMLResponse",
            "JSONResponse",
            "PlainTextResponse",
            "RedirectResponse",
            "Response",
            "StreamingResponse",
        ),
    ),
    "starlette.staticfiles": Target("FasterAPI.staticfiles", _only("StaticFiles")),
    "starlette.status": Target("FasterAPI.status"),
    "starlette.templating": Target("FasterAPI.templating", _only("Jinja2Templates")),
    "starlette.testclient": Target(
        "FasterAPI.testclient", _only("TestClient", "WebSocketTestSession")
    ),
    "starlette.websockets": Target(
        "FasterAPI.websockets", _only("WebSocket", "WebSocketDisconnect", "WebSocketState")
    ),
}

_ROOTS: Final = frozenset({"fastapi", "starlette"})
_MARKERS: Final = tuple(_ROOTS)

# Folders never entered while walking a directory (a path given explicitly is still read).
SKIP_DIRS: Final = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".nox",
        ".tox",
        "build",
        "dist",
        "site-packages",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)

# A `fastapi` requirement: the name (any case, optional extras) at the start of a line or
# after a quote, then a version operator, a marker, a quote or the end of the line - not a
# word in a description.
_FASTAPI_REQUIREMENT = re.compile(
    r"""(?:^[ \t]*|["'])fastapi(?:\[[^\]\n]*\])?[ \t]*(?:[<>=!~;@,"']|$)""",
    re.IGNORECASE | re.MULTILINE,
)
# Metadata lines of pyproject.toml / setup.cfg that may quote the word without depending on it.
_METADATA_LINE = re.compile(
    r"^[ \t]*(?:keywords|description|summary|name|classifiers)[ \t]*=.*$\n?",
    re.IGNORECASE | re.MULTILINE,
)


def _lists_fastapi(text: str) -> bool:
    return _FASTAPI_REQUIREMENT.search(_METADATA_LINE.sub("", text)) is not None


class MigrationError(Exception):
    """A source cannot be migrated (it does not parse, or its bytes cannot be decoded)."""


@dataclass(frozen=True)
class FileMigration:
    """The outcome for one Python file.

    Attributes:
        path: The file, as found from the paths given.
        original: Its text before migrating.
        migrated: Its text after migrating (equal to `original` when nothing changes).
        notes: Warnings, one line each: FastAPI or Starlette imports left unchanged.
    """

    path: Path
    original: str
    migrated: str
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether migrating changes the file."""
        return self.original != self.migrated

    def diff(self) -> str:
        """The change as a unified diff (empty when nothing changes)."""
        return _unified_diff(self.original, self.migrated, str(self.path))


@dataclass
class MigrationReport:
    """What `migrate_paths` found and did.

    Attributes:
        files: Every Python file that mentions `fastapi` or `starlette`, changed or not.
        errors: One line per path that does not exist or file that cannot be migrated.
        dependency_files: Dependency files (requirements*.txt, pyproject.toml, ...) that
            still list `fastapi`; they are never edited.
        written: Whether the changes were written to disk.
    """

    files: list[FileMigration] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dependency_files: list[Path] = field(default_factory=list)
    written: bool = False

    @property
    def changed(self) -> list[FileMigration]:
        """The files that migrating changes (or changed, after a write)."""
        return [f for f in self.files if f.changed]


# --- source rewriting ------------------------------------------------------------------


@dataclass(frozen=True)
class _Alias:
    """One `name [as asname]` of a plain import, with its token spans (absolute offsets)."""

    name: str
    asname: str | None
    name_span: tuple[int, int]
    full_span: tuple[int, int]


class _Source:
    """A parsed source with its tokens indexed by absolute character offset."""

    def __init__(self, source: str) -> None:
        if re.search(r"\r(?!\n)", source):
            raise MigrationError("lone carriage-return line endings are not supported")
        try:
            self.tree = ast.parse(source)
            tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        except SyntaxError as exc:
            where = f" (line {exc.lineno})" if exc.lineno else ""
            raise MigrationError(f"cannot parse: {exc.msg}{where}") from exc
        except (ValueError, tokenize.TokenError) as exc:
            raise MigrationError(f"cannot parse: {exc}") from exc
        self.lines = io.StringIO(source).readlines()
        starts = [0]
        for line in self.lines:
            starts.append(starts[-1] + len(line))
        self._line_starts = starts
        self.tokens = [
            (t.string, self.offset(*t.start), self.offset(*t.end))
            for t in tokens
            if t.type in (tokenize.NAME, tokenize.OP)
        ]
        self._index = {start: i for i, (_, start, _) in enumerate(self.tokens)}

    def offset(self, row: int, col: int) -> int:
        return self._line_starts[row - 1] + col

    def node_token(self, node: ast.stmt) -> int:
        """Index of the first token of `node` (ast columns count UTF-8 bytes)."""
        line = self.lines[node.lineno - 1]
        col = len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "replace"))
        index = self._index.get(self.offset(node.lineno, col))
        if index is None:  # pragma: no cover - ast and tokenize disagree
            raise MigrationError(f"cannot locate the import on line {node.lineno}")
        return index

    def dotted(self, i: int) -> tuple[str, int, int, int]:
        """Read `NAME(.NAME)*` from token `i`: (name, start, end, index after)."""
        parts = [self.tokens[i][0]]
        start, end = self.tokens[i][1], self.tokens[i][2]
        i += 1
        while i + 1 < len(self.tokens) and self.tokens[i][0] == ".":
            parts += [".", self.tokens[i + 1][0]]
            end = self.tokens[i + 1][2]
            i += 2
        return "".join(parts), start, end, i

    def from_module_span(self, node: ast.ImportFrom) -> tuple[int, int]:
        name, start, end, _ = self.dotted(self.node_token(node) + 1)
        if name != node.module:  # pragma: no cover - defensive
            raise MigrationError(f"cannot locate the import on line {node.lineno}")
        return start, end

    def aliases(self, node: ast.Import) -> list[_Alias]:
        i = self.node_token(node) + 1
        found = []
        for alias in node.names:
            name, start, end, i = self.dotted(i)
            full_end = end
            if i < len(self.tokens) and self.tokens[i][0] == "as":
                full_end = self.tokens[i + 1][2]
                i += 2
            if name != alias.name:  # pragma: no cover - defensive
                raise MigrationError(f"cannot locate the import on line {node.lineno}")
            found.append(_Alias(alias.name, alias.asname, (start, end), (start, full_end)))
            i += 1  # the comma
        return found


def _root(module: str) -> str:
    return module.partition(".")[0]


def _same_path(source: str, target: Target) -> bool:
    """Whether `target` is `source` with `fastapi` spelled `FasterAPI`, for every name."""
    return (
        target.names is None
        and _root(source) == "fastapi"
        and target.module == "FasterAPI" + source[len("fastapi") :]
    )


def _attribute_uses(tree: ast.AST) -> dict[str, set[str]]:
    """For each name, the dotted attribute chains read from it (`a.b.c` -> {"b.c", "b"})."""
    uses: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = [node.attr]
        value = node.value
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if isinstance(value, ast.Name):
            uses.setdefault(value.id, set()).add(".".join(reversed(chain)))
    return uses


class _Rewriter:
    def __init__(self, source: str) -> None:
        self.text = source
        self.src = _Source(source)
        self.edits: list[tuple[int, int, str]] = []
        self.notes: list[str] = []
        self._uses: dict[str, set[str]] | None = None
        self._fastapi_submodules: list[str] | None = None

    @property
    def uses(self) -> dict[str, set[str]]:
        if self._uses is None:
            self._uses = _attribute_uses(self.src.tree)
        return self._uses

    def note(self, node: ast.stmt, message: str) -> None:
        self.notes.append(f"line {node.lineno}: left unchanged: {message}")

    def run(self) -> tuple[str, list[str]]:
        imports = [
            node
            for node in ast.walk(self.src.tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
        ]
        imports.sort(key=lambda n: (n.lineno, n.col_offset))
        # A bare `import fastapi.<unmapped>` binds `fastapi` to FastAPI itself; rebinding the
        # same name to FasterAPI elsewhere in the file would make it depend on statement order.
        blocker = next(
            (
                a.name
                for node in imports
                if isinstance(node, ast.Import)
                for a in node.names
                if a.asname is None
                and _root(a.name) == "fastapi"
                and not self._binds_cleanly(a.name)
            ),
            None,
        )
        for node in imports:
            if isinstance(node, ast.ImportFrom):
                self._from_import(node)
            else:
                self._import(node, blocker)
        text = self.text
        for start, end, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text, self.notes

    def _binds_cleanly(self, name: str) -> bool:
        target = MODULE_MAP.get(name)
        return target is not None and _same_path(name, target)

    def _from_import(self, node: ast.ImportFrom) -> None:
        module = node.module
        if node.level or module is None or _root(module) not in _ROOTS:
            return
        target = MODULE_MAP.get(module)
        if target is None:
            self.note(node, f"{module} (no FasterAPI equivalent)")
            return
        names = [a.name for a in node.names]
        if target.names is not None:
            if "*" in names:
                self.note(
                    node,
                    f"from {module} import * ({target.module} provides only some of its "
                    "names; import them by name)",
                )
                return
            missing = [n for n in names if n not in target.names]
            if missing:
                self.note(
                    node,
                    f"from {module} import {', '.join(missing)} "
                    f"(no FasterAPI equivalent in {target.module})",
                )
                return
        start, end = self.src.from_module_span(node)
        self.edits.append((start, end, target.module))

    def _import(self, node: ast.Import, blocker: str | None) -> None:
        aliases = self.src.aliases(node)
        binding_end: int | None = None  # end of the last alias rewritten to bind `fastapi`
        binds_fastapi = False  # a bare `import fastapi` is among them
        loaded: set[str] = set()
        for alias in aliases:
            root = _root(alias.name)
            if root not in _ROOTS:
                continue
            target = MODULE_MAP.get(alias.name)
            if target is None:
                self.note(node, f"{alias.name} (no FasterAPI equivalent)")
                continue
            if alias.asname is not None:
                bad = self._unavailable_attributes(alias.asname, target)
                if bad:
                    self.note(
                        node,
                        f"import {alias.name} as {alias.asname} "
                        f"(no FasterAPI equivalent for {', '.join(bad)})",
                    )
                    continue
                extra = self._submodule_imports(alias.asname, target)
                self.edits.append((*alias.name_span, target.module))
                if extra:
                    end = alias.full_span[1]
                    self.edits.append((end, end, "".join(f", {m}" for m in extra)))
                continue
            if root == "starlette":
                self.note(
                    node,
                    f"import {alias.name} (it binds the name `starlette`; import the names "
                    f"from {target.module} instead)",
                )
                continue
            if not _same_path(alias.name, target):
                self.note(
                    node,
                    f"import {alias.name} (FasterAPI has no such module; use "
                    f"`from {target.module} import ...`)",
                )
                continue
            if blocker is not None and blocker != alias.name:
                self.note(
                    node,
                    f"import {alias.name} (this file also binds `fastapi` to FastAPI with "
                    f"`import {blocker}`)",
                )
                continue
            if alias.name == "fastapi":
                self.edits.append((*alias.full_span, "FasterAPI as fastapi"))
                binds_fastapi = True
            else:
                self.edits.append((*alias.full_span, target.module))
                loaded.add(target.module)
            binding_end = alias.full_span[1]
        if binding_end is not None:
            suffix = "" if binds_fastapi else ", FasterAPI as fastapi"
            suffix += "".join(f", {m}" for m in self.fastapi_submodules if m not in loaded)
            self.edits.append((binding_end, binding_end, suffix))

    @property
    def fastapi_submodules(self) -> list[str]:
        """FasterAPI submodules to load where `fastapi` is bound: the file reads them as
        attributes of `fastapi`, and no unaliased `import fastapi.<sub>` loads them already."""
        if self._fastapi_submodules is None:
            explicit = {
                a.name.replace("fastapi", "FasterAPI", 1)
                for node in ast.walk(self.src.tree)
                if isinstance(node, ast.Import)
                for a in node.names
                if a.asname is None and a.name.startswith("fastapi.")
            }
            self._fastapi_submodules = [
                m
                for m in self._submodule_imports("fastapi", MODULE_MAP["fastapi"])
                if not any(e == m or e.startswith(m + ".") for e in explicit)
            ]
        return self._fastapi_submodules

    def _unavailable_attributes(self, bound: str, target: Target) -> list[str]:
        """Attributes read from `bound` that a restricted target does not provide."""
        if target.names is None:
            return []
        used = {chain.partition(".")[0] for chain in self.uses.get(bound, ())}
        return sorted(used - target.names)

    def _submodule_imports(self, bound: str, target: Target) -> list[str]:
        """FasterAPI submodules the file reaches as attributes of `bound` (a FastAPI package)."""
        if target.names is not None:
            return []
        needed = []
        for chain in sorted(self.uses.get(bound, ())):
            parts = chain.split(".")
            # The longest prefix of the chain that names a mapped submodule of the same path.
            for n in range(len(parts), 0, -1):
                sub = "fastapi" + target.module[len("FasterAPI") :] + "." + ".".join(parts[:n])
                sub_target = MODULE_MAP.get(sub)
                if sub_target is not None and _same_path(sub, sub_target):
                    needed.append(sub_target.module)
                    break
        # Drop a module whose submodule is imported anyway (importing that loads it too).
        unique = sorted(set(needed))
        return [m for m in unique if not any(o.startswith(m + ".") for o in unique)]


def _migrate(source: str) -> tuple[str, list[str]]:
    if not any(marker in source for marker in _MARKERS):
        return source, []
    return _Rewriter(source).run()


def migrate_source(source: str) -> str:
    """Rewrite the FastAPI and Starlette imports of one Python source to FasterAPI.

    Only the module names inside import statements change; the rest of the text (comments,
    strings, formatting, line endings) is returned unchanged. Migrating twice changes nothing
    the second time.

    Args:
        source: The text of a Python module.

    Returns:
        The migrated text (the same string when there is nothing to rewrite).

    Raises:
        MigrationError: The source does not parse.
    """
    return _migrate(source)[0]


# --- files and directories ---------------------------------------------------------------


def _is_dependency_file(path: Path) -> bool:
    name = path.name.lower()
    if name in ("pyproject.toml", "setup.cfg", "setup.py", "pipfile"):
        return True
    return name.endswith((".txt", ".in")) and ("requirements" in name or "constraints" in name)


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            yield Path(folder, name)


def _candidates(paths: Iterable[str | os.PathLike[str]], report: MigrationReport) -> Iterator[Path]:
    """Python files and dependency files under `paths`, each once, in a stable order."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found: Iterable[Path] = (
                p for p in _walk(path) if p.suffix == ".py" or _is_dependency_file(p)
            )
        elif path.is_file():
            found = [path]
        else:
            report.errors.append(f"{path}: no such file or directory")
            continue
        for candidate in found:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _decode(raw: bytes) -> tuple[str, str]:
    """The text of a Python file and the encoding it was decoded with (BOM, cookie, UTF-8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise MigrationError(f"cannot decode: {exc}") from exc


def _migrate_file(path: Path, report: MigrationReport, *, write: bool) -> None:
    raw = path.read_bytes()
    if not any(marker.encode() in raw for marker in _MARKERS):
        return  # nothing to rewrite, so not even a reason to parse it
    text, encoding = _decode(raw)
    migrated, notes = _migrate(text)
    if path.name == "setup.py" and _lists_fastapi(text):
        report.dependency_files.append(path)
    if write and migrated != text:
        try:
            path.write_bytes(migrated.encode(encoding))
        except OSError as exc:
            raise MigrationError(f"cannot write: {exc.strerror or exc}") from exc
    report.files.append(FileMigration(path, text, migrated, tuple(notes)))


def migrate_paths(
    paths: Iterable[str | os.PathLike[str]], *, write: bool = False
) -> MigrationReport:
    """Migrate every Python file under `paths`.

    Directories are walked recursively for `*.py` files, skipping `SKIP_DIRS` (virtual
    environments, VCS and build folders); dependency files found on the way are only checked
    for a `fastapi` requirement. A path that does not exist and a file that cannot be parsed,
    decoded or written become one line each in `MigrationReport.errors`; the other files are
    still migrated. A file that never mentions `fastapi` or `starlette` is not even parsed.

    Args:
        paths: Files and directories.
        write: Rewrite changed files in place, keeping their encoding and newline style.
            Files that do not change are never touched.

    Returns:
        The report: every file mentioning FastAPI or Starlette with its old and new text,
        errors, and the dependency files that still list `fastapi`.
    """
    report = MigrationReport(written=write)
    for path in _candidates(paths, report):
        _visit(path, report, write=write)
    return report


def _visit(path: Path, report: MigrationReport, *, write: bool) -> None:
    """Handle one file; a failure becomes one line in `report.errors`."""
    try:
        if path.suffix != ".py" and _is_dependency_file(path):
            if _lists_fastapi(path.read_text(errors="replace")):
                report.dependency_files.append(path)
        else:
            _migrate_file(path, report, write=write)
    except MigrationError as exc:
        report.errors.append(f"{path}: {exc}")
    except OSError as exc:
        report.errors.append(f"{path}: {exc.strerror or exc}")


def _unified_diff(old: str, new: str, name: str) -> str:
    if old == new:
        return ""
    out = []
    for line in difflib.unified_diff(
        io.StringIO(old).readlines(), io.StringIO(new).readlines(), name, name
    ):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


# --- command line ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `fasterapi migrate`."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description=(
            "Rewrite FastAPI (and common Starlette) imports to FasterAPI. Without --write, "
            "print the changes as a unified diff and change nothing."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the files in place")
    mode.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit with status 1 when a file would change",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="do not print the diff or the warnings"
    )
    return parser


def _plural(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def main(argv: Sequence[str] | None = None) -> int:
    """Run `fasterapi migrate`.

    The diff goes to stdout (so it can be saved and applied as a patch); warnings, hints,
    errors and the summary line go to stderr.

    Args:
        argv: The arguments after `fasterapi migrate`; `sys.argv[1:]` when None.

    Returns:
        The exit status: 2 when a path does not exist or a file cannot be migrated (the
        other files are still handled), else 1 with `--check` when a file would change,
        else 0.
    """
    args = build_parser().parse_args(argv)
    report = migrate_paths(args.paths, write=args.write)
    out, err = sys.stdout, sys.stderr
    for result in report.files:
        if result.changed and not args.write and not args.quiet:
            out.write(result.diff())
        if not args.quiet:
            for note in result.notes:
                print(f"{result.path}: warning: {note}", file=err)
    for path in report.dependency_files:
        print(
            f"hint: {path} lists the `fastapi` dependency; replace it with the local FasterAPI "
            "distributions (fasterapi and its fasterapi-* siblings, installed from their "
            "folders, not from the package index). migrate does not edit dependency files.",
            file=err,
        )
    for error in report.errors:
        print(f"{_PROG}: error: {error}", file=err)
    count = len(report.changed)
    if args.write:
        print(f"{_plural(count)} changed", file=err)
    else:
        print(f"{_plural(count)} would be changed", file=err)
    if report.errors:
        return 2
    if args.check and count:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
