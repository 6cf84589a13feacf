"""Harness of the FastAPI compatibility suite.

Every test takes the `fw` fixture and runs twice: once on FastAPI (the oracle) and
once on FasterAPI. The app is written once, inside the test, against `fw` (the
framework's namespace), and both runs assert the same hard-written expectations, so
a pass on both means FasterAPI answers exactly as FastAPI does.

- `fw.Query`, `fw.Depends`, ... are the top-level names of `fastapi` / `FasterAPI`.
- `fw.security`, `fw.responses`, `fw.middleware.cors`, ... are the module paths a user
  imports from (`from fastapi.security import ...`), loaded with `importlib`.
- `fw.client(app)` is the framework's own `testclient.TestClient`.

FastAPI is only a test dependency: without it, the FastAPI run is skipped with a
reason and the FasterAPI run still checks every expectation.

A difference is written down, never hidden: `@pytest.mark.gap("...")` turns the
FasterAPI run (only) into `xfail(strict=True, reason="GAP: ...")`, so it shows in every
report and must be removed the day it starts to pass. `gap("...", when=<bool>)` limits it
to some Pythons.
"""

import importlib
import importlib.util
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).parent
FRAMEWORKS = ("fastapi", "FasterAPI")

# Names that are module paths (`from fastapi.<name> import ...`) rather than objects.
SUBMODULES = frozenset(
    {
        "applications",
        "background",
        "concurrency",
        "datastructures",
        "dependencies",
        "encoders",
        "exception_handlers",
        "exceptions",
        "middleware",
        "openapi",
        "param_functions",
        "params",
        "requests",
        "responses",
        "routing",
        "security",
        "staticfiles",
        "templating",
        "testclient",
        "websockets",
    }
)

HAS_FASTAPI = importlib.util.find_spec("fastapi") is not None
HAS_PYDANTIC = importlib.util.find_spec("pydantic") is not None
NO_FASTAPI = (
    "fastapi is not installed: the FastAPI (oracle) run is skipped; the FasterAPI run "
    "still checks the same hard-written expectations"
)


class Framework:
    """One framework's namespace, as a user's imports see it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.is_fastapi = name == "fastapi"
        self.root: ModuleType = importlib.import_module(name)

    def mod(self, path: str) -> Any:
        """`fw.mod("middleware.cors")` is `import fastapi.middleware.cors` (or FasterAPI's)."""
        return importlib.import_module(f"{self.name}.{path}")

    def __getattr__(self, name: str) -> Any:
        if name in SUBMODULES:
            return self.mod(name)
        return getattr(self.root, name)

    def client(self, app: Any, **kwargs: Any) -> Any:
        """The framework's own test client (`fastapi.testclient.TestClient`)."""
        with warnings.catch_warnings():
            # Recent Starlette warns once, on import, that its test client prefers `httpx2`
            # over `httpx`; that is about the oracle's tooling, not about the app under test.
            warnings.filterwarnings("ignore", message=".*httpx2.*")
            testclient = self.mod("testclient")
        return testclient.TestClient(app, **kwargs)

    def __repr__(self) -> str:
        return f"<Framework {self.name}>"


@pytest.fixture(params=FRAMEWORKS)
def fw(request: pytest.FixtureRequest) -> Framework:
    if request.param == "fastapi" and not HAS_FASTAPI:
        pytest.skip(NO_FASTAPI)
    framework = Framework(request.param)
    if not framework.is_fastapi:
        # The name `FasterAPI` must be ours (editable from packages/fasterapi/src or our
        # wheel), never another project's package of a similar name from an index.
        assert hasattr(framework.root, "Faster"), framework.root.__file__
        assert importlib.util.find_spec("fasterapi_core") is not None
    return framework


@pytest.fixture
def fastapi_fw() -> Framework:
    """FastAPI alone, for tests comparing a whole output (OpenAPI) of both frameworks."""
    if not HAS_FASTAPI:
        pytest.skip(NO_FASTAPI)
    return Framework("fastapi")


@pytest.fixture
def faster_fw() -> Framework:
    return Framework("FasterAPI")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "gap(reason, when=True): FasterAPI differs from FastAPI here (when `when` is true); "
        "the FasterAPI run is a strict xfail",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE not in Path(str(item.path)).parents:
            continue
        marker = item.get_closest_marker("gap")
        if marker is None:
            continue
        callspec = getattr(item, "callspec", None)
        framework = callspec.params.get("fw") if callspec is not None else None
        if framework == "fastapi" or not marker.kwargs.get("when", True):
            continue  # the oracle run must pass as written; `when=False`: no gap here
        item.add_marker(pytest.mark.xfail(strict=True, reason=f"GAP: {marker.args[0]}"))
