"""How `fasterapi run` drives the servers, with the servers replaced by fakes."""

from __future__ import annotations

import enum
import os
import signal
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from FasterAPI import _server
from FasterAPI._discovery import AppTarget

TARGET = AppTarget(module="main", attr="app", app_dir=Path("/srv/app"), app=object())


@pytest.fixture(autouse=True)
def keep_pythonpath(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", "/already/there")


def test_uvicorn_gets_the_import_string_and_sigterm_returns_normally(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    calls: list[tuple[str, dict[str, Any]]] = []

    def fake_run(app: str, **config: Any) -> None:
        calls.append((app, config))
        # What uvicorn does after a graceful shutdown: raise the signal again.
        signal.raise_signal(signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(uvicorn, "run", fake_run)
    _server.serve(TARGET, _server.ServeOptions(host="127.0.0.1", port=1234, workers=2))
    assert signal.getsignal(signal.SIGTERM) == before
    app, config = calls[0]
    assert app == "main:app"
    assert (config["host"], config["port"], config["workers"]) == ("127.0.0.1", 1234, 2)
    assert os.environ["PYTHONPATH"] == os.pathsep.join(["/srv/app", "/already/there"])


def test_ctrl_c_returns_normally(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    def fake_run(app: str, **config: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(uvicorn, "run", fake_run)
    _server.serve(TARGET, _server.ServeOptions())


def test_without_uvloop_or_httptools_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_server, "_installed", lambda module: False)
    config = _server.uvicorn_config(TARGET, _server.ServeOptions())
    assert (config["loop"], config["http"]) == ("asyncio", "h11")


class FakeInterfaces(str, enum.Enum):
    ASGI = "asgi"
    RSGI = "rsgi"


class FakeGranian:
    made: list[tuple[str, dict[str, Any]]] = []
    interrupt = False

    def __init__(self, target: str, **kwargs: Any) -> None:
        self.made.append((target, kwargs))

    def serve(self) -> None:
        if self.interrupt:
            raise KeyboardInterrupt


@pytest.fixture
def fake_granian(monkeypatch: pytest.MonkeyPatch) -> type[FakeGranian]:
    package = types.ModuleType("granian")
    constants = types.ModuleType("granian.constants")
    package.Granian = FakeGranian  # type: ignore[attr-defined]
    constants.Interfaces = FakeInterfaces  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "granian", package)
    monkeypatch.setitem(sys.modules, "granian.constants", constants)
    FakeGranian.made = []
    return FakeGranian


def test_granian_is_started_with_the_asgi_interface(fake_granian: type[FakeGranian]) -> None:
    options = _server.ServeOptions(
        server="granian", host="127.0.0.1", port=9000, workers=3, root_path="/api"
    )
    _server.serve(TARGET, options)
    target, kwargs = fake_granian.made[0]
    assert target == "main:app"
    assert kwargs["interface"] is FakeInterfaces.ASGI
    assert (kwargs["address"], kwargs["port"], kwargs["workers"]) == ("127.0.0.1", 9000, 3)
    assert kwargs["url_path_prefix"] == "/api"
    assert "reload" not in kwargs


def test_granian_reload_and_ctrl_c(fake_granian: type[FakeGranian]) -> None:
    fake_granian.interrupt = True
    try:
        _server.serve(TARGET, _server.ServeOptions(server="granian", reload=True))
    finally:
        fake_granian.interrupt = False
    kwargs = fake_granian.made[0][1]
    assert kwargs["reload"] is True
    assert kwargs["reload_paths"] == [Path("/srv/app")]
    assert "url_path_prefix" not in kwargs
