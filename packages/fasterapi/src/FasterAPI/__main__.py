"""`python -m FasterAPI` runs the `fasterapi` command."""

from __future__ import annotations

import sys

from FasterAPI.cli import main

if __name__ == "__main__":
    sys.exit(main())
