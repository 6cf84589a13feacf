"""Start an ASGI server on 127.0.0.1 pinned to one core, wait until it answers, stop it.

Every server runs in its own session (process group), so that stopping it also stops the
worker processes it started (granian runs its app in a child process). `Server` is a
context manager: the group is terminated, then killed, on the way out, whatever happened.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _workload.loadgen import HOST

BENCH_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def uvicorn_cmd(app: str, port: int) -> list[str]:
    """Plain uvicorn with the settings `fasterapi run` uses: uvloop, httptools, one worker."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"_workload.apps:{app}",
        "--host",
        HOST,
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def fasterapi_cmd(app: str, port: int, server: str = "uvicorn") -> list[str]:
    """`fasterapi run` (our CLI); the concurrency cap is lifted to match plain uvicorn."""
    return [
        sys.executable,
        "-m",
        "FasterAPI",
        "run",
        f"_workload.apps:{app}",
        "--host",
        HOST,
        "--port",
        str(port),
        "--server",
        server,
        "--no-access-log",
        "--log-level",
        "warning",
        "--limit-concurrency",
        "0",
    ]


class Server:
    """One server process group; `with Server(name, cmd, port, cpus) as s:`."""

    def __init__(self, name: str, cmd: list[str], port: int, cpus: set[int] | None) -> None:
        self.name = name
        self.cmd = cmd
        self.port = port
        self.cpus = cpus
        self.proc: subprocess.Popen[bytes] | None = None
        self.pids: list[int] = []
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()

    def __enter__(self) -> "Server":
        cpus = self.cpus
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=BENCH_DIR,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
        try:
            self._wait_ready(timeout=60)
            self.pids = _group_pids(self.proc.pid)
        except BaseException:
            self.stop()
            raise
        return self

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's processes.

        On a shared machine this is the steadier measure: another process taking the core
        lowers a server's requests/s, much less its CPU time per request.
        """
        return sum(_cpu_seconds(pid) for pid in self.pids)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.output()}")
            try:
                status, _ = self.request("GET", "/health")
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.output()}")

    def request(
        self, method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            conn.request(method, target, body=body or None, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        self.proc = None
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        # The group may outlive its leader (a worker still shutting down): kill what is left.
        _signal_group(proc.pid, signal.SIGKILL)
        self.log.close()


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): field 3 onwards."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    return data[data.rindex(")") + 2 :].split()


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process so far (0 once it is gone).

    The scheduler's nanosecond count of each of its threads (`/proc/PID/task/*/schedstat`)
    where the kernel has it; else utime + stime from `/proc/PID/stat`, which count in clock
    ticks (10 ms): too coarse for a cell of a few milliseconds, such as one 10 MiB download.
    """
    if not _SCHEDSTAT:
        try:
            fields = _stat_fields(pid)
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime (14, 15)
    total = 0
    with contextlib.suppress(OSError):  # gone
        for tid in os.listdir(f"/proc/{pid}/task"):
            # (a thread that ended meanwhile counts 0)
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
    return total / 1e9


_SCHEDSTAT = os.path.exists("/proc/self/schedstat")


def _group_pids(pgid: int) -> list[int]:
    """Every process of a process group (the server and any worker it started)."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(_stat_fields(entry.name)[2]) == pgid:  # pgrp is field 5
                    pids.append(int(entry.name))
    return pids
