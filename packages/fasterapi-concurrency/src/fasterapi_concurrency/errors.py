"""Exceptions that the pool adds to the ones raised by the functions it runs."""

from __future__ import annotations


class RemoteTraceback(Exception):
    """The traceback of an exception raised inside a worker, as text.

    An exception raised by the function in the worker is raised again in the
    caller, with its own type and message; its ``__cause__`` is a
    ``RemoteTraceback`` whose ``str()`` is the traceback formatted in the
    worker, so the usual "The above exception was the direct cause of ..."
    display shows where the error really happened.

    Attributes:
        traceback: The formatted traceback, as ``traceback.format_exception`` wrote it.
    """

    def __init__(self, traceback: str) -> None:
        super().__init__(traceback)
        self.traceback = traceback

    def __str__(self) -> str:
        return self.traceback


class WorkerError(RuntimeError):
    """A call failed in a way that has no exception of its own to re-raise.

    Raised when a worker could not run the call at all (its sub-interpreter
    failed, or its process died) and when the function raised an exception
    that cannot cross back to the caller by pickle. The pool replaces a broken
    worker, so later calls keep working.

    Attributes:
        remote_type: "module.QualName" of the exception the worker raised, or
            None when the worker itself failed.
    """

    def __init__(self, message: str, remote_type: str | None = None) -> None:
        super().__init__(message)
        self.remote_type = remote_type
