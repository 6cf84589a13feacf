"""FasterAPI: a drop-in replacement for FastAPI (namespace under construction)."""

from FasterAPI.__about__ import __version__ as __version__

__all__ = ("__version__",)
