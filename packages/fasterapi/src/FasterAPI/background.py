"""Work done after the response is sent: `BackgroundTask` and `BackgroundTasks`."""

from __future__ import annotations

from fasterapi_core import BackgroundTask as BackgroundTask
from fasterapi_core import BackgroundTasks as BackgroundTasks

__all__ = ("BackgroundTask", "BackgroundTasks")
