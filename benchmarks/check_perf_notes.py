"""Every `# PERF:` note in our packages names the benchmark that shows it (issue 10).

A `PERF:` note marks code written for speed rather than for clarity; the benchmark it
names (`bench_core.py::body`, `bench_http.py`, ...) is where a reader checks that the
speed is still there before simplifying it. The whole note counts: in a comment, the
`PERF:` line and the comment lines right after it; in a docstring, the rest of its
paragraph. Run by `nox -s lint`:

    python benchmarks/check_perf_notes.py [ROOT]

Exits with status 1 and lists the notes that name no benchmark.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BENCHMARK_NAME = re.compile(r"\b(bench_\w+?)(?:\.py)?\b")
BENCHMARKS = Path(__file__).resolve().parent


def problems(root: Path) -> list[str]:
    """`path:line: ...` for each PERF note under `root/packages/*/src` that names no
    benchmark, or names one that `benchmarks/` does not have."""
    known = {p.stem for p in BENCHMARKS.glob("bench_*.py")}
    found = []
    for path in sorted(root.glob("packages/*/src/**/*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "PERF:" not in line:
                continue
            block = [line]
            in_comment = line.lstrip().startswith("#") or " # PERF:" in line
            for following in lines[number + 1 :]:
                text = following.strip()
                # A comment note goes on while comment lines follow; a docstring's, to the
                # end of its paragraph.
                if (in_comment and not text.startswith("#")) or not text or '"""' in text:
                    break
                block.append(following)
            where = f"{path.relative_to(root)}:{number + 1}"
            names = BENCHMARK_NAME.findall(" ".join(block))
            if not names:
                found.append(f"{where}: {line.strip()}")
            found += [
                f"{where}: names {n}, which is not in benchmarks/" for n in names if n not in known
            ]
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else BENCHMARKS.parent
    found = problems(root)
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} PERF note(s) without a benchmark of benchmarks/ to show them")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
