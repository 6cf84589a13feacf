"""HTTP and WebSocket status codes by name (`status.HTTP_404_NOT_FOUND`), as `fastapi.status`."""

from __future__ import annotations

from fasterapi_core.status import *  # noqa: F403 - the whole status module, as FastAPI's
from fasterapi_core.status import __all__ as __all__
