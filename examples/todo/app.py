"""A small todo service written against FasterAPI alone (`from FasterAPI import ...`).

Run it:  fasterapi run examples/todo/app.py     (docs at http://127.0.0.1:8000/docs)

* CRUD on todos stored in SQLite (stdlib `sqlite3`); the database file is `$TODO_DB`,
  by default `todo.sqlite3` in the working directory. The table is created at startup
  by the lifespan handler.
* One connection per request from a `yield` dependency, closed after the response;
  handlers that write commit before they return.
* msgspec Structs with constraints validate bodies; bad input gets FastAPI's 422 body.
* Filters (`done`, `q`) and pagination (`limit` 1..100, `offset` >= 0) on the list.
* `POST /todos/import` takes an uploaded text file: one title per line, or a CSV with
  a `title` column (and optionally `done`).
* Every change is appended to an audit log (`$TODO_AUDIT_LOG`, default
  `todo-audit.log`) and broadcast to the WebSocket clients of `/ws`, both in
  background tasks that run after the response is sent.
* CORS (origins from `$TODO_CORS_ORIGINS`, comma-separated) and GZip middleware.
"""

import asyncio
import csv
import datetime
import io
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any

import msgspec

from FasterAPI import (
    BackgroundTasks,
    CORSMiddleware,
    Depends,
    FastAPI,
    File,
    GZipMiddleware,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
    WebSocket,
    WebSocketDisconnect,
    status,
)

MAX_IMPORT_BYTES = 1024 * 1024  # an import file larger than this is refused with 413
MAX_IMPORT_ROWS = 1000

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class TodoIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new todo."""

    title: Title
    done: bool = False


class TodoPatch(msgspec.Struct, forbid_unknown_fields=True):
    """A partial update: only the fields sent change."""

    title: Title | None = None
    done: bool | None = None


class Todo(msgspec.Struct):
    """A stored todo."""

    id: int
    title: str
    done: bool
    created_at: datetime.datetime


class TodoPage(msgspec.Struct):
    """One page of todos and the total number matching the filters."""

    items: list[Todo]
    total: int
    limit: int
    offset: int


class ImportResult(msgspec.Struct):
    """What an import created, and how many lines it skipped (blank or invalid)."""

    created: list[Todo]
    skipped: int


# --- storage ---------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS todos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
)
"""


def database_path() -> FilePath:
    """`$TODO_DB`, or todo.sqlite3 in the working directory."""
    return FilePath(os.environ.get("TODO_DB", "todo.sqlite3")).resolve()


def audit_log_path() -> FilePath:
    """`$TODO_AUDIT_LOG`, or todo-audit.log in the working directory."""
    return FilePath(os.environ.get("TODO_AUDIT_LOG", "todo-audit.log")).resolve()


def connect(path: FilePath) -> sqlite3.Connection:
    # check_same_thread=False: the connection is opened on the event loop and used by the
    # (sync) handler in a worker thread of the pool, never by two threads at once.
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


async def get_db(request: Request) -> AsyncIterator[sqlite3.Connection]:
    """One connection per request, closed after the response.

    Handlers that write commit before they return, so a client that reads right after
    a write sees it; whatever was not committed (an error midway) is rolled back by
    the close.
    """
    conn = connect(request.app.state.db_path)
    try:
        yield conn
    finally:
        conn.close()


Db = Annotated[sqlite3.Connection, Depends(get_db)]


def row_to_todo(row: sqlite3.Row) -> Todo:
    return Todo(
        id=row["id"],
        title=row["title"],
        done=bool(row["done"]),
        created_at=datetime.datetime.fromisoformat(row["created_at"]),
    )


def insert(db: sqlite3.Connection, todo: TodoIn) -> Todo:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    cursor = db.execute(
        "INSERT INTO todos (title, done, created_at) VALUES (?, ?, ?)",
        (todo.title, int(todo.done), now.isoformat()),
    )
    assert cursor.lastrowid is not None
    return Todo(id=cursor.lastrowid, title=todo.title, done=todo.done, created_at=now)


def fetch(db: sqlite3.Connection, todo_id: int) -> Todo:
    row = db.execute("SELECT * FROM todos WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"todo {todo_id} not found")
    return row_to_todo(row)


# --- change notifications --------------------------------------------------------------------


class Hub:
    """The WebSocket clients of this process, and a way to send them all one message.

    With several workers each process has its own clients: a change is announced to
    the clients connected to the worker that made it.
    """

    def __init__(self) -> None:
        self.clients: set[WebSocket] = set()

    async def broadcast(self, message: dict[str, Any]) -> None:
        clients = list(self.clients)
        results = await asyncio.gather(
            *(client.send_json(message) for client in clients), return_exceptions=True
        )
        for client, result in zip(clients, results, strict=True):
            if isinstance(result, Exception):  # gone: dropped, the others still got it
                self.clients.discard(client)


hub = Hub()


def write_audit(action: str, todo_id: int, path: FilePath) -> None:
    """Append one line to the audit log (runs after the response, in the thread pool)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as log:
        log.write(f"{stamp} {action} {todo_id}\n")


def announce(tasks: BackgroundTasks, action: str, todo: Todo | None, todo_id: int) -> None:
    tasks.add_task(write_audit, action, todo_id, audit_log_path())
    payload = msgspec.to_builtins(todo) if todo is not None else {"id": todo_id}
    tasks.add_task(hub.broadcast, {"event": action, "todo": payload})


# --- the app ---------------------------------------------------------------------------------


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        conn.execute(SCHEMA)
        conn.commit()
    finally:
        conn.close()
    app.state.db_path = path
    yield


app = FastAPI(
    title="Todo service",
    version="1.0.0",
    description="A FasterAPI example: SQLite CRUD, uploads, background tasks, WebSockets.",
    lifespan=lifespan,
)
app.add_middleware(GZipMiddleware, minimum_size=512)
app.add_middleware(
    CORSMiddleware,
    allow_origins=[o for o in os.environ.get("TODO_CORS_ORIGINS", "").split(",") if o]
    or ["http://localhost:3000"],
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["content-type"],
)


@app.get("/health")
def health() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok"}


@app.get("/todos", response_model=TodoPage, tags=["todos"])
def list_todos(
    db: Db,
    done: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Substring of the title")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TodoPage:
    """List todos, newest first, optionally filtered by state and title."""
    where, args = [], []
    if done is not None:
        where.append("done = ?")
        args.append(int(done))
    if q:
        where.append("instr(lower(title), lower(?)) > 0")
        args.append(q)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = db.execute(f"SELECT count(*) FROM todos {clause}", args).fetchone()[0]
    rows = db.execute(
        f"SELECT * FROM todos {clause} ORDER BY id DESC LIMIT ? OFFSET ?", [*args, limit, offset]
    ).fetchall()
    return TodoPage(items=[row_to_todo(r) for r in rows], total=total, limit=limit, offset=offset)


@app.post("/todos", status_code=status.HTTP_201_CREATED, tags=["todos"])
def create_todo(todo: TodoIn, db: Db, tasks: BackgroundTasks) -> Todo:
    """Create a todo."""
    created = insert(db, todo)
    db.commit()
    announce(tasks, "created", created, created.id)
    return created


@app.get("/todos/{todo_id}", tags=["todos"])
def read_todo(todo_id: Annotated[int, Path(ge=1)], db: Db) -> Todo:
    """One todo, or 404."""
    return fetch(db, todo_id)


@app.patch("/todos/{todo_id}", tags=["todos"])
def update_todo(
    todo_id: Annotated[int, Path(ge=1)], patch: TodoPatch, db: Db, tasks: BackgroundTasks
) -> Todo:
    """Change the title and/or the state of a todo."""
    current = fetch(db, todo_id)
    title = patch.title if patch.title is not None else current.title
    done = patch.done if patch.done is not None else current.done
    db.execute("UPDATE todos SET title = ?, done = ? WHERE id = ?", (title, int(done), todo_id))
    db.commit()
    updated = Todo(id=todo_id, title=title, done=done, created_at=current.created_at)
    announce(tasks, "updated", updated, todo_id)
    return updated


@app.delete("/todos/{todo_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["todos"])
def delete_todo(todo_id: Annotated[int, Path(ge=1)], db: Db, tasks: BackgroundTasks) -> Response:
    """Delete a todo."""
    if db.execute("DELETE FROM todos WHERE id = ?", (todo_id,)).rowcount == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"todo {todo_id} not found")
    db.commit()
    announce(tasks, "deleted", None, todo_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@app.post("/todos/import", status_code=status.HTTP_201_CREATED, tags=["todos"])
async def import_todos(
    file: Annotated[UploadFile, File(description="UTF-8 text: one title per line, or CSV")],
    db: Db,
    tasks: BackgroundTasks,
) -> ImportResult:
    """Create todos from an uploaded file: plain lines, or CSV with a `title` column."""
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "import file is larger than 1 MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "import file is not UTF-8 text") from None
    rows = parse_import(text, is_csv=(file.filename or "").lower().endswith(".csv"))
    if len(rows) > MAX_IMPORT_ROWS:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"at most {MAX_IMPORT_ROWS} rows per import"
        )
    created, skipped = [], 0
    for row in rows:
        try:
            todo = msgspec.convert(row, TodoIn, strict=False)
        except msgspec.ValidationError:
            skipped += 1
            continue
        created.append(insert(db, todo))
    db.commit()
    for todo in created:
        announce(tasks, "created", todo, todo.id)
    return ImportResult(created=created, skipped=skipped)


def parse_import(text: str, *, is_csv: bool) -> list[dict[str, Any]]:
    """Rows of `{"title", "done"?}`: CSV with a header line, or one title per line."""
    if is_csv:
        reader = csv.DictReader(io.StringIO(text))
        rows = []
        for record in reader:
            row: dict[str, Any] = {"title": (record.get("title") or "").strip()}
            if (record.get("done") or "").strip():
                row["done"] = record["done"].strip().lower() in ("1", "true", "yes", "x")
            rows.append(row)
        return rows
    return [{"title": line.strip()} for line in text.splitlines() if line.strip()]


@app.websocket("/ws")
async def changes(websocket: WebSocket) -> None:
    """Every change to the todos, as JSON: `{"event": "created", "todo": {...}}`.

    The client may send "ping" to get "pong" back; anything else is ignored.
    """
    await websocket.accept()
    hub.clients.add(websocket)
    try:
        while True:
            if await websocket.receive_text() == "ping":
                await websocket.send_text("pong")
    except WebSocketDisconnect:
        pass
    finally:
        hub.clients.discard(websocket)
