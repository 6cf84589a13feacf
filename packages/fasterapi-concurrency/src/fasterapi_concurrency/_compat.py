"""Everything that depends on the Python version lives here.

The sub-interpreter modules of CPython 3.13 (`_interpreters`, `_interpqueues`)
are private and ship without type stubs, so they are loaded through
`importlib` and handed out as `Any`: the rest of the package stays checkable by
`mypy --strict` on every Python.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Any, Final

#: Python 3.13 is the first release whose sub-interpreters can each own a GIL
#: *and* exposes the modules to create them from Python (a build may leave them out).
HAS_SUBINTERPRETERS: Final = (
    sys.version_info >= (3, 13) and importlib.util.find_spec("_interpreters") is not None
)


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if sys.version_info >= (3, 13):  # pragma: no cover - version branch
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):  # pragma: no cover - version branch
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - version branch


def load_interpreter_modules() -> tuple[Any, Any]:
    """Import `_interpreters` and `_interpqueues` (CPython 3.13+ only).

    Raises:
        RuntimeError: This Python has no sub-interpreters with their own GIL.
    """
    if not HAS_SUBINTERPRETERS:  # pragma: no cover - version branch
        raise RuntimeError(
            "backend='subinterpreter' needs Python 3.13 or newer (sub-interpreters with "
            f"their own GIL, from the _interpreters module); this is Python "
            f"{sys.version.split()[0]}. Use backend='auto' or backend='process', which run "
            "the same calls in a process pool."
        )
    return importlib.import_module("_interpreters"), importlib.import_module("_interpqueues")
