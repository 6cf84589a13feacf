"""Run CPU-bound Python functions in parallel from asyncio code.

On Python 3.13+ each worker is a sub-interpreter with its own GIL; on
Python 3.10-3.12 the same API falls back to a process pool.
"""

from fasterapi_concurrency.__about__ import __version__ as __version__
from fasterapi_concurrency.errors import RemoteTraceback as RemoteTraceback
from fasterapi_concurrency.errors import WorkerError as WorkerError
from fasterapi_concurrency.pool import SubInterpreterPool as SubInterpreterPool
from fasterapi_concurrency.pool import run_in_subinterpreter as run_in_subinterpreter

__all__ = ("RemoteTraceback", "SubInterpreterPool", "WorkerError", "run_in_subinterpreter")
