"""FastAPI's `fastapi.applications` path: the application class."""

from __future__ import annotations

from FasterAPI.app import FastAPI as FastAPI
from FasterAPI.app import Faster as Faster

__all__ = ("FastAPI", "Faster")
