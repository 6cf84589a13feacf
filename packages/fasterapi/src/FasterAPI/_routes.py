"""Describe an app's routes for `fasterapi routes` (filled in once core's route data is known)."""

from __future__ import annotations

import json
from typing import Any

from FasterAPI._discovery import AppLoadError

__all__ = ("describe_routes", "format_json", "format_table")


def describe_routes(app: object, name: str = "app") -> list[dict[str, Any]]:
    raise AppLoadError(
        f"{name} has no route table (it is a {type(app).__name__}, not a Faster app)"
    )


def format_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2)


def format_table(rows: list[dict[str, Any]]) -> str:
    return ""
