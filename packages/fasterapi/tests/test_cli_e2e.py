"""`fasterapi run` as a real process: HTTP, WebSocket and upload through uvicorn, clean stops."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
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


def test_sigterm_with_a_websocket_open_closes_it_with_1012_and_exits(serve: Serve) -> None:
    server = serve("bare_app.py")
    with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        ws.send("hold")
        assert ws.recv(timeout=5) == "echo: hold"
        started = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - started < 10
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1012  # "service restart": the client may reconnect


def test_run_with_two_workers_starts_and_stops_cleanly(serve: Serve) -> None:
    server = serve("bare_app:app", "--workers", "2")
    assert httpx.get(server.url + "/").text == "hello from bare ASGI"
    assert server.stop() == 0
    log = server.output()
    assert log.count("Application startup complete") == 2
    assert log.count("Application shutdown complete") == 2
    assert "Traceback" not in log


EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "todo" / "app.py"


def test_todo_example_through_a_real_server(serve: Serve, tmp_path: Path) -> None:
    env = {"TODO_DB": str(tmp_path / "todo.sqlite3"), "TODO_AUDIT_LOG": str(tmp_path / "audit.log")}
    server = serve(str(EXAMPLE), cwd=tmp_path, env=env)
    base = server.url

    with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        created = httpx.post(base + "/todos", json={"title": "via uvicorn"})
        assert created.status_code == 201
        event = json.loads(ws.recv(timeout=5))
        assert event == {"event": "created", "todo": created.json()}

        upload = httpx.post(
            base + "/todos/import", files={"file": ("todos.txt", b"first\nsecond\n", "text/plain")}
        )
        assert upload.status_code == 201
        assert [t["title"] for t in upload.json()["created"]] == ["first", "second"]
        assert json.loads(ws.recv(timeout=5))["todo"]["title"] == "first"

    assert httpx.get(base + "/todos", params={"limit": 10}).json()["total"] == 3
    assert httpx.get(base + "/todos", params={"q": "SEC"}).json()["total"] == 1
    assert httpx.get(base + "/todos", params={"limit": 1000}).status_code == 422
    assert httpx.get(base + "/docs").status_code == 200

    assert server.stop() == 0
    assert (tmp_path / "todo.sqlite3").is_file()
    assert len((tmp_path / "audit.log").read_text().splitlines()) == 3
    assert "Traceback" not in server.output()


def test_dev_reloads_when_the_file_changes(serve: Serve, tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(_PLAIN_APP.format(text="before"))
    server = serve(command="dev", cwd=tmp_path)
    assert httpx.get(server.url + "/").text == "before"

    # The reloader notes each file's mtime on its first scan (a fraction of a second after
    # start, without watchfiles) and restarts when it grows: let that scan happen, then
    # make sure the new mtime is visibly later whatever the file system's granularity.
    time.sleep(1.0)
    app_file.write_text(_PLAIN_APP.format(text="after"))
    later = time.time() + 2
    os.utime(app_file, (later, later))
    deadline = time.monotonic() + 20
    text = ""
    while time.monotonic() < deadline:
        try:
            text = httpx.get(server.url + "/", timeout=1).text
        except httpx.TransportError:
            text = ""  # restarting
        if text == "after":
            break
        time.sleep(0.2)
    assert text == "after", server.output()
    assert server.stop() == 0
    assert "Traceback" not in server.output()


_PLAIN_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({{"type": "http.response.start", "status": 200, "headers": []}})
    await send({{"type": "http.response.body", "body": b"{text}"}})
"""


def test_run_on_granian_serves_http_websocket_and_upload(serve: Serve) -> None:
    pytest.importorskip("granian", reason="granian is the optional fasterapi[granian] extra")
    server = serve("bare_app.py", "--server", "granian")
    assert httpx.get(server.url + "/").text == "hello from bare ASGI"
    with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        ws.send("ping")
        assert ws.recv(timeout=5) == "echo: ping"
    upload = httpx.post(server.url + "/upload", files={"file": ("a.bin", b"y" * 50_000)})
    assert upload.json()["bytes"] > 50_000
    assert server.stop() == 0
    assert "granian" in server.output().lower()
    assert "Traceback" not in server.output()
