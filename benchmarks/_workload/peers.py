"""faster-api-web, loaded from its own folder, and the versions of the peers for table headers.

faster-api-web (the system FasterAPI replaces) installs a top-level package named `FasterAPI`,
like ours. `nox -s bench` therefore installs it with `pip install --target` into a folder of
its own and passes that folder in $FASTER_API_WEB_PATH; the benchmarks import it from there
under the private name `_faster_api_web`, so it never shadows our `FasterAPI`.
"""

import asyncio
import importlib.metadata
import importlib.util
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType

FASTER_API_WEB = "faster-api-web"
PRIVATE_NAME = "_faster_api_web"


def faster_api_web_path() -> Path | None:
    """$FASTER_API_WEB_PATH, made absolute in the environment too: the servers of
    `bench_http.py` inherit it but run in another working directory."""
    target = os.environ.get("FASTER_API_WEB_PATH")
    if not target:
        return None
    path = Path(target).resolve()
    os.environ["FASTER_API_WEB_PATH"] = str(path)
    return path


def load_faster_api_web() -> ModuleType:
    """faster-api-web's `FasterAPI` package as `_faster_api_web`; ImportError with the reason."""
    loaded = sys.modules.get(PRIVATE_NAME)
    if loaded is not None and hasattr(loaded, "Faster"):
        return loaded
    target = faster_api_web_path()
    if target is None:
        raise ImportError(
            "FASTER_API_WEB_PATH is not set (`nox -s bench` installs faster-api-web into a "
            "folder of its own and sets it)"
        )
    init = target / "FasterAPI" / "__init__.py"
    if not init.is_file():
        raise ImportError(f"no FasterAPI/__init__.py under FASTER_API_WEB_PATH={target}")
    spec = importlib.util.spec_from_file_location(
        PRIVATE_NAME, init, submodule_search_locations=[str(init.parent)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {init}")
    module = importlib.util.module_from_spec(spec)
    # Importing it installs uvloop's event loop policy process-wide: put ours back, so that
    # loading one peer does not change the loop every other app runs on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        policy = asyncio.get_event_loop_policy()
    sys.modules[PRIVATE_NAME] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        for name in [n for n in sys.modules if n.split(".")[0] == PRIVATE_NAME]:
            del sys.modules[name]
        raise ImportError(f"faster-api-web failed to import: {type(exc).__name__}: {exc}") from exc
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            asyncio.set_event_loop_policy(policy)
    return module


def version(dist: str) -> str:
    """Installed version of `dist`; faster-api-web's is read from $FASTER_API_WEB_PATH."""
    if dist == FASTER_API_WEB:
        target = faster_api_web_path()
        if target is not None:
            for found in importlib.metadata.distributions(path=[str(target)]):
                if found.metadata["Name"] == FASTER_API_WEB:
                    return found.version
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
