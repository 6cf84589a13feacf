"""The cross-version matrix: tests x Python x package, plus lint, typecheck, build, release, bench.

Typical runs:
    nox                              # every default session (what CI runs)
    nox -t core                      # core's tests on every Python
    nox -s "tests(router-3.13)"      # one package, one interpreter
    nox -s lint typecheck
    nox -s bench -- --quick
    nox -s release -- fasterapi-router

Our own distributions are always installed from their folders here, never from the
package index: another project owns the name `fasterapi` there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import nox
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).parent
# Dependency order: a package comes after every sibling it needs.
PACKAGES = ("router", "concurrency", "middleware", "testing", "core", "fasterapi")
IMPORT_NAMES = {
    "router": "fasterapi_router",
    "concurrency": "fasterapi_concurrency",
    "middleware": "fasterapi_middleware",
    "testing": "fasterapi_testing",
    "core": "fasterapi_core",
    "fasterapi": "FasterAPI",
}

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
# A missing interpreter is a failure, never a silent skip.
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests", "hostile", "lint", "typecheck", "build"]
# uv must use the interpreters on PATH (pyenv), never download its own.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
os.environ.setdefault("UV_PYTHON_PREFERENCE", "only-system")


def pkg_dir(pkg: str) -> Path:
    """`core` -> packages/fasterapi-core; `fasterapi` -> packages/fasterapi."""
    return ROOT / "packages" / ("fasterapi" if pkg == "fasterapi" else f"fasterapi-{pkg}")


def dist_name(pkg: str) -> str:
    return pkg_dir(pkg).name


def pkg_from_dist(dist: str) -> str:
    return "fasterapi" if dist == "fasterapi" else dist.removeprefix("fasterapi-")


@cache
def pyproject(pkg: str) -> dict[str, Any]:
    return nox.project.load_toml(pkg_dir(pkg) / "pyproject.toml")


def sibling(req: str) -> str | None:
    """`core` for "fasterapi-core>=0.3"; `fasterapi` for "fasterapi"; else None."""
    name = Requirement(req).name.lower().replace("_", "-")
    if name == "fasterapi":
        return "fasterapi"
    return name.removeprefix("fasterapi-") if name.startswith("fasterapi-") else None


def runtime_deps(pkg: str) -> list[str]:
    """The requirement strings of `pkg`'s [project] dependencies."""
    return list(pyproject(pkg)["project"].get("dependencies", []))


def siblings_first(pkg: str) -> list[str]:
    """`pkg` plus the siblings it needs at runtime, dependencies first."""
    deps = [s for d in runtime_deps(pkg) if (s := sibling(d))]
    return list(dict.fromkeys([p for dep in deps for p in siblings_first(dep)] + [pkg]))


def third_party(reqs: list[str]) -> list[str]:
    return [r for r in reqs if not sibling(r)]


def install_ours(session: nox.Session, pkgs: list[str], *, editable: bool = True) -> None:
    """Install our packages (and their sibling dependencies) from local paths, deps first.

    Each sibling is installed with --no-deps and its third-party requirements are
    installed separately, so the resolver never looks for one of ours on the index.
    """
    ordered = list(dict.fromkeys(p for pkg in pkgs for p in siblings_first(pkg)))
    extra = [r for p in ordered for r in third_party(runtime_deps(p))]
    if extra:
        session.install(*dict.fromkeys(extra))
    flag = ["--editable"] if editable else []
    args = [a for p in ordered for a in (*flag, str(pkg_dir(p)))]
    session.install("--no-deps", *args)


def install_for_tests(session: nox.Session, package: str, *tools: str) -> None:
    """`package`, the siblings its test group names (from local paths), its test group and `tools`."""
    group = list(nox.project.dependency_groups(pyproject(package), "test"))
    install_ours(session, [package] + [s for r in group if (s := sibling(r))])
    session.install(*tools, *third_party(group))


def matrix() -> list[Any]:
    return [
        nox.param(py, pkg, id=f"{pkg}-{py}", tags=[pkg])
        for pkg in PACKAGES
        for py in nox.project.python_versions(pyproject(pkg))
    ]


@nox.session
@nox.parametrize(("python", "package"), matrix())
def tests(session: nox.Session, package: str) -> None:
    """One package, one interpreter, only its declared dependencies (+ its test group)."""
    # pytest-timeout turns a hang into a failure with a traceback, never a stuck CI run.
    install_for_tests(session, package, "pytest-timeout")
    cov = [
        "--cov",
        f"--cov-config={pkg_dir(package) / 'pyproject.toml'}",
        "--cov-report=term-missing:skip-covered",
    ]
    uses_cov = "pytest-cov" in " ".join(nox.project.dependency_groups(pyproject(package), "test"))
    session.run(
        "pytest",
        str(pkg_dir(package) / "tests"),
        *(cov if uses_cov else []),
        "--timeout=120",
        *session.posargs,
        # Each session keeps its own data file, so runs in parallel never merge.
        env={"COVERAGE_FILE": str(Path(session.create_tmp()) / ".coverage")},
    )


@nox.session(python=["3.10", "3.13"])
def hostile(session: nox.Session) -> None:
    """The hostile-input suite (tests/hostile): every package installed, in-process and real server."""
    install_ours(session, list(PACKAGES), editable=False)
    session.install("pytest-timeout", "-r", str(ROOT / "tests" / "hostile" / "requirements.txt"))
    session.run("pytest", str(ROOT / "tests" / "hostile"), "--timeout=180", *session.posargs)


@nox.session(python="3.13")
def lint(session: nox.Session) -> None:
    """ruff format --check, ruff check, PERF notes, then import-linter and slotscheck on all packages installed."""
    session.install("ruff", "import-linter", "slotscheck")
    session.run("ruff", "format", "--check", ".")
    session.run("ruff", "check", ".")
    # Every `# PERF:` note names the benchmark that shows it (issue 10).
    session.run("python", str(ROOT / "benchmarks" / "check_perf_notes.py"), str(ROOT))
    install_ours(session, list(PACKAGES), editable=False)
    # The one-way package graph: the contracts in the root pyproject.toml.
    session.run("lint-imports", "--config", str(ROOT / "pyproject.toml"))
    roots = [IMPORT_NAMES[p] for p in PACKAGES]
    # Broken or overlapping __slots__ in any module of ours (optional-dependency modules excluded).
    mods = [a for r in roots for a in ("-m", r)]
    session.run("slotscheck", "--exclude-modules", r"(^|\.)(templating|cli|_granian)($|\.)", *mods)


@nox.session(python="3.13")
@nox.parametrize("package", PACKAGES, ids=list(PACKAGES))
def typecheck(session: nox.Session, package: str) -> None:
    """mypy --strict on the package's src/ and tests/, with only its declared dependencies."""
    install_for_tests(session, package, "mypy")
    src = pkg_dir(package) / "src"
    session.run("mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"), str(src))
    session.run(
        "mypy",
        "--strict",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--explicit-package-bases",
        str(pkg_dir(package) / "tests"),
    )


@nox.session(python="3.13")
@nox.parametrize("package", PACKAGES, ids=list(PACKAGES))
def build(session: nox.Session, package: str) -> None:
    """Build wheel + sdist, install the wheel alone into a fresh venv and import it."""
    session.install("build", "twine")
    dist = Path(session.create_tmp()) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    # Wheels of the siblings this package needs at runtime: installed by path, never from an index.
    needed = siblings_first(package)
    for p in needed:
        session.run(
            "python",
            "-m",
            "build",
            "--installer=uv",
            "--outdir",
            str(dist / p),
            str(pkg_dir(p)),
            silent=True,
        )
    session.run("twine", "check", "--strict", *[str(f) for f in (dist / package).iterdir()])
    wheels = [str(next((dist / p).glob("*.whl"))) for p in needed]
    venv = Path(session.create_tmp()) / "alone"
    shutil.rmtree(venv, ignore_errors=True)
    session.run("uv", "venv", "--quiet", "--python", str(session.python), str(venv), external=True)
    py = str(venv / "bin" / "python")
    extra = [r for p in needed for r in third_party(runtime_deps(p))]
    if extra:
        session.run("uv", "pip", "install", "--quiet", "--python", py, *extra, external=True)
    session.run(
        "uv", "pip", "install", "--quiet", "--no-deps", "--python", py, *wheels, external=True
    )
    mod = IMPORT_NAMES[package]
    session.run(
        py,
        "-c",
        f"import {mod}, importlib.metadata as m; "
        f"print({mod}.__name__, m.version({dist_name(package)!r}), len({mod}.__all__), 'public names')",
        external=True,
    )


@nox.session(python="3.13", default=False)
def release(session: nox.Session) -> None:
    """Check and build one distribution for release: `nox -s release -- fasterapi-router`.

    Checks that __about__.py, the changelog's newest entry and the git tag (if the
    commit is tagged, or `--tag TAG`) agree, that every sibling range the package
    declares is met by the sibling versions in this tree, then builds only that
    distribution's wheel and sdist and runs `twine check --strict` on them.
    """
    if not session.posargs:
        session.error("usage: nox -s release -- <dist> [--tag <dist>-v<version>]")
    dist = session.posargs[0]
    pkg = pkg_from_dist(dist)
    if pkg not in PACKAGES:
        session.error(
            f"unknown distribution {dist!r}; known: {', '.join(dist_name(p) for p in PACKAGES)}"
        )
    version = _about_version(pkg)
    problems: list[str] = []
    newest = _changelog_newest(pkg)
    if newest != version:
        problems.append(f"CHANGELOG.md's newest entry is {newest!r}, __about__.py says {version!r}")
    tag = None
    if "--tag" in session.posargs:
        tag = session.posargs[session.posargs.index("--tag") + 1]
    else:
        out = session.run("git", "tag", "--points-at", "HEAD", external=True, silent=True) or ""
        tags = [t for t in str(out).split() if t.startswith(f"{dist}-v")]
        tag = tags[0] if tags else None
    if tag is not None and tag != f"{dist}-v{version}":
        problems.append(f"tag {tag!r} does not match version: expected {dist}-v{version}")
    for req in runtime_deps(pkg):
        if (s := sibling(req)) is not None:
            have = Version(_about_version(s))
            spec = SpecifierSet(str(Requirement(req).specifier))
            if not spec.contains(have, prereleases=True):
                problems.append(f"{req!r} is not met by {dist_name(s)} {have} in this tree")
    if problems:
        session.error("release checks failed:\n  " + "\n  ".join(problems))
    session.log(f"{dist} {version}: tag={tag or '(none)'}, changelog and sibling ranges agree")
    session.install("build", "twine")
    out_dir = ROOT / "dist" / dist
    shutil.rmtree(out_dir, ignore_errors=True)
    session.run(
        "python", "-m", "build", "--installer=uv", "--outdir", str(out_dir), str(pkg_dir(pkg))
    )
    session.run("twine", "check", "--strict", *[str(f) for f in out_dir.iterdir()])


def _about_version(pkg: str) -> str:
    about = next((pkg_dir(pkg) / "src").glob("*/__about__.py"))
    m = re.search(r'__version__\s*=\s*"([^"]+)"', about.read_text())
    if not m:
        raise RuntimeError(f"no __version__ in {about}")
    return m.group(1)


def _changelog_newest(pkg: str) -> str | None:
    text = (pkg_dir(pkg) / "CHANGELOG.md").read_text()
    m = re.search(r"^## \[?v?(\d+\.\d+\.\d+[^\]\s]*)\]?", text, re.MULTILINE)
    return m.group(1) if m else None


@nox.session(python="3.13", default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks side by side with FastAPI, Starlette, Litestar, BlackSheep, faster-api-web.

    `nox -s bench -- --quick` (smoke run, < 3 minutes); `-- --readme` rewrites the results
    block of the root README.
    """
    install_ours(session, list(PACKAGES), editable=False)
    session.install("-r", str(ROOT / "benchmarks" / "requirements.txt"))
    # faster-api-web (the system we replace) ships a top-level package named `FasterAPI`,
    # like ours: keep it in its own folder, which the benchmarks load explicitly.
    faw = Path(session.create_tmp()).resolve() / "faster-api-web"  # servers run in benchmarks/
    shutil.rmtree(faw, ignore_errors=True)
    session.install("--target", str(faw), "faster-api-web")
    session.run(
        "python",
        str(ROOT / "benchmarks" / "run.py"),
        *session.posargs,
        env={"FASTER_API_WEB_PATH": str(faw)},
    )


@nox.session(python=False, default=False)
def matrix_json(session: nox.Session) -> None:
    """Print the test matrix as JSON (for a CI system that fans out)."""
    print(
        json.dumps(
            [
                {"package": p, "python": py}
                for p in PACKAGES
                for py in nox.project.python_versions(pyproject(p))
            ]
        )
    )
