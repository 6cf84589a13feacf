"""examples/todo/app.py, imported by path and driven through the test client."""

from __future__ import annotations

import gzip
import importlib.util
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from FasterAPI import TestClient

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "todo" / "app.py"


@pytest.fixture
def todo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A fresh import of the example, with its database and audit log under tmp_path."""
    monkeypatch.setenv("TODO_DB", str(tmp_path / "data" / "todo.sqlite3"))
    monkeypatch.setenv("TODO_AUDIT_LOG", str(tmp_path / "audit.log"))
    spec = importlib.util.spec_from_file_location("todo_example_app", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture
def client(todo: ModuleType) -> Iterator[TestClient]:
    with TestClient(todo.app) as client:
        yield client


def create(client: TestClient, title: str, done: bool = False) -> dict[str, Any]:
    response = client.post("/todos", json={"title": title, "done": done})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_startup_creates_the_table(client: TestClient, tmp_path: Path) -> None:
    db = tmp_path / "data" / "todo.sqlite3"
    assert db.is_file()
    with closing(sqlite3.connect(db)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "todos" in tables
    assert client.get("/health").json() == {"status": "ok"}


def test_crud(client: TestClient) -> None:
    todo = create(client, "buy milk")
    assert todo["title"] == "buy milk"
    assert todo["done"] is False
    assert todo["created_at"].endswith("Z") or "+00:00" in todo["created_at"]

    assert client.get(f"/todos/{todo['id']}").json() == todo
    updated = client.patch(f"/todos/{todo['id']}", json={"done": True}).json()
    assert updated == {**todo, "done": True}
    renamed = client.patch(f"/todos/{todo['id']}", json={"title": "buy oat milk"}).json()
    assert renamed == {**todo, "done": True, "title": "buy oat milk"}

    assert client.delete(f"/todos/{todo['id']}").status_code == 204
    missing = client.get(f"/todos/{todo['id']}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": f"todo {todo['id']} not found"}
    assert client.delete(f"/todos/{todo['id']}").status_code == 404
    assert client.patch(f"/todos/{todo['id']}", json={"done": False}).status_code == 404


@pytest.mark.parametrize(
    ("body", "error_type", "loc"),
    [
        ({"title": ""}, "string_too_short", ["body", "title"]),
        ({"title": "x" * 201}, "string_too_long", ["body", "title"]),
        ({}, "missing", ["body", "title"]),
        ({"title": "ok", "done": "maybe"}, "bool_parsing", ["body", "done"]),
    ],
)
def test_invalid_bodies_get_fastapi_shaped_422(
    client: TestClient, body: dict[str, Any], error_type: str, loc: list[str]
) -> None:
    response = client.post("/todos", json=body)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["type"] == error_type
    assert error["loc"] == loc


def test_unknown_fields_and_bad_ids_are_rejected(client: TestClient) -> None:
    assert client.post("/todos", json={"title": "a", "owner": "me"}).status_code == 422
    assert client.get("/todos/0").status_code == 422
    assert client.get("/todos/abc").status_code == 422


def test_filters_and_pagination(client: TestClient) -> None:
    for i in range(5):
        create(client, f"task {i}", done=i % 2 == 0)
    create(client, "Buy MILK")

    page = client.get("/todos", params={"limit": 2}).json()
    assert page["total"] == 6
    assert [t["title"] for t in page["items"]] == ["Buy MILK", "task 4"]
    second = client.get("/todos", params={"limit": 2, "offset": 2}).json()
    assert [t["title"] for t in second["items"]] == ["task 3", "task 2"]

    done = client.get("/todos", params={"done": "true"}).json()
    assert done["total"] == 3
    assert all(t["done"] for t in done["items"])
    assert client.get("/todos", params={"done": "false"}).json()["total"] == 3
    assert client.get("/todos", params={"q": "milk"}).json()["total"] == 1
    assert client.get("/todos", params={"q": "task", "done": "false"}).json()["total"] == 2


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"done": "perhaps"}, {"q": "x" * 101}]
)
def test_query_bounds(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/todos", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_import_lines_and_csv(client: TestClient) -> None:
    lines = client.post("/todos/import", files={"file": ("list.txt", b"one\n\n two \n")})
    assert lines.status_code == 201
    assert [t["title"] for t in lines.json()["created"]] == ["one", "two"]

    csv_file = "title,done\nwrite docs,yes\nship,\n,1\n" + "y" * 300 + ",no\n"
    result = client.post("/todos/import", files={"file": ("todos.csv", csv_file.encode())}).json()
    assert [(t["title"], t["done"]) for t in result["created"]] == [
        ("write docs", True),
        ("ship", False),
    ]
    assert result["skipped"] == 2
    assert client.get("/todos").json()["total"] == 4


def test_import_refuses_bad_files(client: TestClient) -> None:
    too_big = client.post("/todos/import", files={"file": ("big.txt", b"x\n" * 600_000)})
    assert too_big.status_code == 413
    not_text = client.post("/todos/import", files={"file": ("bin.txt", b"\xff\xfe\xfa")})
    assert not_text.status_code == 400
    missing = client.post("/todos/import", data={"other": "field"})
    assert missing.status_code == 422


def test_changes_are_audited_after_the_response(client: TestClient, tmp_path: Path) -> None:
    todo = create(client, "audited")
    client.patch(f"/todos/{todo['id']}", json={"done": True})
    client.delete(f"/todos/{todo['id']}")
    lines = (tmp_path / "audit.log").read_text().splitlines()
    assert [line.split()[1:] for line in lines] == [
        ["created", str(todo["id"])],
        ["updated", str(todo["id"])],
        ["deleted", str(todo["id"])],
    ]


def test_websocket_clients_get_every_change(client: TestClient, todo: ModuleType) -> None:
    with client.websocket_connect("/ws") as first, client.websocket_connect("/ws") as second:
        first.send_text("ping")
        assert first.receive_text() == "pong"
        created = create(client, "broadcast me")
        for ws in (first, second):
            assert ws.receive_json() == {"event": "created", "todo": created}
        client.delete(f"/todos/{created['id']}")
        assert first.receive_json() == {"event": "deleted", "todo": {"id": created["id"]}}
        assert second.receive_json() == {"event": "deleted", "todo": {"id": created["id"]}}
    assert todo.hub.clients == set()


def test_connection_is_closed_after_each_request(
    client: TestClient, todo: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Any] = []
    real_connect = todo.connect

    class Tracked:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn
            self.closed = False

        def __getattr__(self, name: str) -> Any:
            return getattr(self.conn, name)

        def close(self) -> None:
            self.closed = True
            self.conn.close()

    def tracking_connect(path: Path) -> Tracked:
        tracked = Tracked(real_connect(path))
        opened.append(tracked)
        return tracked

    monkeypatch.setattr(todo, "connect", tracking_connect)
    create(client, "a")
    client.get("/todos")
    client.get("/todos/999")
    assert len(opened) == 3
    assert all(t.closed for t in opened)


def test_cors_and_gzip(client: TestClient) -> None:
    preflight = client.options(
        "/todos",
        headers={"origin": "http://localhost:3000", "access-control-request-method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
    denied = client.options(
        "/todos", headers={"origin": "http://evil.example", "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in denied.headers

    for i in range(30):
        create(client, f"item number {i} with a reasonably long title to compress")
    response = client.get("/todos", params={"limit": 100}, headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["total"] == 30
    raw = client.get("/todos", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert gzip.compress(raw.content)  # the uncompressed body is plain JSON
    assert raw.json()["total"] == 30


def test_openapi_and_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "Todo service"
    assert {"/todos", "/todos/{todo_id}", "/todos/import", "/health"} <= set(schema["paths"])
    assert (
        "multipart/form-data" in schema["paths"]["/todos/import"]["post"]["requestBody"]["content"]
    )
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
