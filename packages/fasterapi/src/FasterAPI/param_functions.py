"""FastAPI's `fastapi.param_functions` path: the parameter declaration functions."""

from __future__ import annotations

from fasterapi_core import Body as Body
from fasterapi_core import Cookie as Cookie
from fasterapi_core import Depends as Depends
from fasterapi_core import File as File
from fasterapi_core import Form as Form
from fasterapi_core import Header as Header
from fasterapi_core import Path as Path
from fasterapi_core import Query as Query
from fasterapi_core import Security as Security

__all__ = ("Body", "Cookie", "Depends", "File", "Form", "Header", "Path", "Query", "Security")
