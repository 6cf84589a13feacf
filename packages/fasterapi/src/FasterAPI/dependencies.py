"""Dependency injection: `Depends`, `Security` and the `SecurityScopes` a dependency can ask for."""

from __future__ import annotations

from fasterapi_core import Depends as Depends
from fasterapi_core import Security as Security
from fasterapi_core import SecurityScopes as SecurityScopes

__all__ = ("Depends", "Security", "SecurityScopes")
