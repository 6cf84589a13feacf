"""Fixtures for the meta package's tests: real server processes and a clean import state."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

TESTS = Path(__file__).parent
APPS = TESTS / "apps"
# The root configuration imports with --import-mode=importlib, which leaves this folder off
# sys.path: put it there (last) so the tests can import `_sockets`, their shared helpers.
if str(TESTS) not in sys.path:
    sys.path.append(str(TESTS))
START_TIMEOUT = 20.0
STOP_TIMEOUT = 20.0


@dataclass
class Server:
    """A `fasterapi` process started by the `serve` fixture."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM, wait for the exit and for every process of its group to be gone."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc.pid)
            self.proc.wait()
            raise AssertionError(f"server did not stop after SIGTERM:\n{self.output()}") from None
        deadline = time.monotonic() + 5
        while _group_alive(self.proc.pid):
            if time.monotonic() > deadline:
                _kill_group(self.proc.pid)
                raise AssertionError(f"processes left behind after exit:\n{self.output()}")
            time.sleep(0.05)
        return code


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fasterapi_command() -> list[str]:
    """The installed `fasterapi` script next to this interpreter, else `python -m FasterAPI`."""
    script = Path(sys.executable).with_name("fasterapi")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "FasterAPI"]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a reused id owned by someone else
        return False
    return True


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


ServeFactory = Callable[..., Server]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[ServeFactory]:
    """Start `fasterapi run <args> --host 127.0.0.1 --port <free>` and wait until it answers.

    `command="dev"` starts `fasterapi dev` instead.
    """
    started: list[Server] = []

    def start(
        *args: str, cwd: Path = APPS, env: dict[str, str] | None = None, command: str = "run"
    ) -> Server:
        port = free_port()
        log = tmp_path / f"server-{port}.log"
        argv = [*fasterapi_command(), command, *args, "--host", "127.0.0.1", "--port", str(port)]
        with log.open("wb") as out:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,  # its own process group, to find leftovers
            )
        server = Server(proc, port, log)
        started.append(server)
        _wait_until_up(server)
        return server

    yield start
    for server in started:
        if server.proc.poll() is None or _group_alive(server.proc.pid):
            _kill_group(server.proc.pid)
            server.proc.wait()


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise AssertionError(f"server exited with {server.proc.returncode}:\n{server.output()}")
        try:
            httpx.get(server.url + "/", timeout=1.0)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    _kill_group(server.proc.pid)
    server.proc.wait()
    raise AssertionError(f"server did not answer within {START_TIMEOUT}s:\n{server.output()}")


@pytest.fixture
def clean_imports() -> Iterator[None]:
    """Undo what app discovery does to `sys.path` and `sys.modules`."""
    path = list(sys.path)
    modules = set(sys.modules)
    pythonpath = os.environ.get("PYTHONPATH")
    yield
    sys.path[:] = path
    for name in set(sys.modules) - modules:
        del sys.modules[name]
    if pythonpath is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = pythonpath
