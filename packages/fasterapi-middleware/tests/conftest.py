"""Make the shared helpers in `asgi_driver.py` importable from the test modules.

The root pytest configuration uses ``--import-mode=importlib``, which does not put
this folder on ``sys.path``; the tests import their driver by plain name instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
