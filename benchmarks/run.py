"""Run every benchmark in this folder, one after another: `nox -s bench [-- --quick] [-k router]`.

`nox -s bench -- --readme` also rewrites the results block of the root README (between
`<!-- bench:start -->` and `<!-- bench:end -->`) with the machine, the versions, the date and
the headline tables (in-process, over HTTP, scale) of this run, and the "Latest full run"
block of `benchmarks/README.md` (between `<!-- run:start -->` and `<!-- run:end -->`) with
every table of it.

Each `bench_<topic>.py` is a script that measures FasterAPI side by side with its
peers in the same process run and prints a Markdown table of ratios. This runner
calls each in a fresh interpreter (so one benchmark's imports and caches never skew
another's) and writes the combined output to `benchmarks/results/latest.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

from _workload.peers import version as _version

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="short rounds (CI smoke run, < 3 minutes)"
    )
    parser.add_argument(
        "-k",
        dest="only",
        default="",
        help="run only benchmarks whose name contains one of these (comma-separated)",
    )
    parser.add_argument(
        "--readme", action="store_true", help="rewrite the results block of the root README"
    )
    args = parser.parse_args()
    wanted = [w for w in args.only.split(",") if w] or [""]
    scripts = sorted(p for p in HERE.glob("bench_*.py") if any(w in p.stem for w in wanted))
    # The in-process profile split of "Where the time goes" (benchmarks/README.md), last.
    profile = HERE / "_workload" / "profile_hotpath.py"
    if any(w in profile.stem for w in wanted):
        scripts.append(profile)
    started = dt.datetime.now(dt.timezone.utc)
    header = (
        f"# Benchmark run {started:%Y-%m-%d %H:%M} UTC\n\n"
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; "
        f"quick={args.quick}; " + ", ".join(f"{d} {_version(d)}" for d in VERSIONED) + "\n"
    )
    out = [header]
    sections: dict[str, str] = {}
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        cmd = [sys.executable, str(script)]
        if args.quick:
            cmd += ["--calls", "5000"] if script == profile else ["--quick"]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        out.append(f"\n## {script.stem}\n\n{proc.stdout}")
        sections[script.stem] = proc.stdout
        if proc.returncode != 0:
            failed.append(script.name)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text("".join(out))
    if args.readme:
        update_readme(sections, quick=args.quick, started=started)
        replace_block(
            HERE / "README.md",
            "<!-- run:start -->",
            "<!-- run:end -->",
            f"Pasted by `nox -s bench -- --readme{' --quick' if args.quick else ''}` from "
            "`results/latest.md` of that run.\n"
            + "".join(out)
            .replace("# Benchmark run", "Run of", 1)
            .replace("\n### ", "\n#### ")
            .replace("\n## ", "\n### "),
        )
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


README_SECTIONS = {
    "bench_core": "In process (the ASGI callable driven directly, no server)",
    "bench_http": "Over HTTP on 127.0.0.1 (server on one core, load generator on the other)",
    "bench_scale": "Scale: startup, memory, uploads and downloads",
}
VERSIONED = (
    "fasterapi-core",
    "fastapi",
    "starlette",
    "litestar",
    "blacksheep",
    "faster-api-web",
    "msgspec",
    "uvicorn",
    "granian",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def update_readme(sections: dict[str, str], *, quick: bool, started: dt.datetime) -> None:
    """Replace the README's results block with this run's headline tables."""
    readme = HERE.parent / "README.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    versions = ", ".join(f"{d} {_version(d)}" for d in VERSIONED)
    body = [
        f"Run started {started:%Y-%m-%d %H:%M} UTC by `nox -s bench -- --readme"
        f"{' --quick' if quick else ''}`; {os.cpu_count()} CPUs ({_cpu_model()}), "
        f"Python {platform.python_version()}, {platform.system()}; {versions}. "
        "The machine is shared and noisy: compare the ratios, which come from one interleaved run, "
        "not the absolute rates. Every framework's answers are checked against FastAPI's before "
        "it is timed: a wrong answer is reported under the tables, not timed.",
    ]
    for stem, title in README_SECTIONS.items():
        if stem in sections:
            body += ["", f"#### {title}", "", sections[stem].strip()]
    replace_block(readme, start, end, "\n".join(body))


def replace_block(path: Path, start: str, end: str, content: str) -> None:
    """Put `content` between the `start` and `end` markers of the file at `path`."""
    text = path.read_text()
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no {start} ... {end} block")
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{content.strip()}\n{end}{tail}")


if __name__ == "__main__":
    raise SystemExit(main())
