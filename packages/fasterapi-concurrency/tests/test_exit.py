"""Nothing the pool starts outlives the program: clean exit, and workers die with a killed parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

PARENT = """
import asyncio, os, sys
from fasterapi_concurrency import SubInterpreterPool
from fasterapi_concurrency import _selftest as st

def children():
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.append(entry)
    return found

async def main():
    pool = SubInterpreterPool(2, backend="process")
    await asyncio.gather(pool.run(st.spin, 0.2), pool.run(st.spin, 0.2))
    print(" ".join(children()), flush=True)
    await asyncio.sleep(120)

if __name__ == "__main__":
    asyncio.run(main())
"""


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited already


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_worker_processes_exit_when_the_parent_is_killed(tmp_path: Path, sig: int) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        children = [int(pid) for pid in line.split()]
        assert len(children) >= 2, (line, parent.stderr.read() if parent.stderr else "")
        assert all(alive(pid) for pid in children)
        os.kill(parent.pid, sig)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 20
        while (left := [pid for pid in children if alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not left, f"still running after the parent died: {left}"
    finally:
        parent.kill()
        parent.wait()
        if parent.stdout:
            parent.stdout.close()
        if parent.stderr:
            parent.stderr.close()


@pytest.mark.parametrize("backend", ["auto", "process"])
def test_program_exits_cleanly_with_pools_left_open(tmp_path: Path, backend: str) -> None:
    script = tmp_path / "app.py"
    script.write_text(
        textwrap.dedent(f"""
        import asyncio
        from fasterapi_concurrency import SubInterpreterPool, run_in_subinterpreter
        from fasterapi_concurrency import _selftest as st

        async def main():
            pool = SubInterpreterPool(2, backend={backend!r})  # never shut down by hand
            print(await pool.run(st.add, 1, 2), await run_in_subinterpreter(st.add, 3, 4))

        if __name__ == "__main__":
            asyncio.run(main())
        """)
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3", "7"]
    assert done.stderr == ""
