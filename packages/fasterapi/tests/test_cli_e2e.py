"""`fasterapi run` as a real process: HTTP, WebSocket and upload through uvicorn, clean stops."""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

pytestmark = [pytest.mark.server, pytest.mark.slow]

Serve = Callable[..., Any]


def test_run_serves_http_websocket_and_upload_then_stops_on_sigterm(serve: Serve) -> None:
    server = serve("bare_app.py")

    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert response.text == "hello from bare ASGI"
    assert response.headers["server"] == "uvicorn"

    with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        ws.send("ping")
        assert ws.recv(timeout=5) == "echo: ping"

    upload = httpx.post(server.url + "/upload", files={"file": ("a.txt", b"x" * 100_000)})
    assert upload.status_code == 200
    body = upload.json()
    assert body["bytes"] > 100_000
    assert body["content_type"].startswith("multipart/form-data; boundary=")

    assert server.stop() == 0
    log = server.output()
    assert "serving bare_app:app" in log
    assert "Application shutdown complete" in log
    assert "Traceback" not in log


def test_run_stops_cleanly_on_sigint(serve: Serve) -> None:
    server = serve("bare_app.py:app")
    server.proc.send_signal(signal.SIGINT)
    assert server.stop() == 0
    assert "Traceback" not in server.output()


def test_run_with_two_workers_starts_and_stops_cleanly(serve: Serve) -> None:
    server = serve("bare_app:app", "--workers", "2")
    assert httpx.get(server.url + "/").text == "hello from bare ASGI"
    assert server.stop() == 0
    log = server.output()
    assert log.count("Application startup complete") == 2
    assert log.count("Application shutdown complete") == 2
    assert "Traceback" not in log
