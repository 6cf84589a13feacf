"""Run every benchmark in this folder, one after another: `nox -s bench [-- --quick] [-k router]`.

Each `bench_<topic>.py` is a script that measures FasterAPI side by side with its
peers in the same process run and prints a Markdown table of ratios. This runner
calls each in a fresh interpreter (so one benchmark's imports and caches never skew
another's) and writes the combined output to `benchmarks/results/latest.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="short rounds (CI smoke run, < 3 minutes)"
    )
    parser.add_argument(
        "-k", dest="only", default="", help="run only benchmarks whose name contains this"
    )
    args = parser.parse_args()
    scripts = sorted(p for p in HERE.glob("bench_*.py") if args.only in p.stem)
    header = (
        f"# Benchmark run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC\n\n"
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; "
        f"quick={args.quick}\n"
    )
    out = [header]
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        out.append(f"\n## {script.stem}\n\n{proc.stdout}")
        if proc.returncode != 0:
            failed.append(script.name)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text("".join(out))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
