"""A few FastAPI behaviours the meta package's own example and docs rely on.

The systematic comparison with FastAPI (each app run on both, differences as strict
xfails) is the compat suite in tests/compat/.
"""

import subprocess
import sys
from typing import Annotated

from FasterAPI import FastAPI, File, Form, HTTPException, TestClient, UploadFile

_SYNC_YIELD_SCENARIO = """
import logging, sys
from collections.abc import Iterator
from typing import Annotated
from FasterAPI import Depends, FastAPI, TestClient

events = []
errors = []

class Collect(logging.Handler):
    def emit(self, record):
        errors.append(record.getMessage())

logging.getLogger().addHandler(Collect(logging.ERROR))

def resource() -> Iterator[str]:
    events.append("open")
    try:
        yield "value"
    finally:
        events.append("close")

app = FastAPI()

@app.get("/")
def read(value: Annotated[str, Depends(resource)]) -> dict[str, str]:
    return {"value": value}

with TestClient(app) as client:
    assert client.get("/").json() == {"value": "value"}
assert events == ["open", "close"], events
assert errors == [], errors
"""


def test_sync_yield_dependency_cleans_up_without_error_or_hang() -> None:
    # In a subprocess with a deadline: a regression here used to hang 3.10-3.12 (the
    # StopIteration of the generator's end crossing the thread pool into a Future).
    result = subprocess.run(
        [sys.executable, "-c", _SYNC_YIELD_SCENARIO],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_upload_with_file_marker_and_form_field() -> None:
    app = FastAPI()

    @app.post("/upload")
    async def upload(
        file: Annotated[UploadFile, File()], note: Annotated[str, Form()] = ""
    ) -> dict[str, object]:
        return {"name": file.filename, "size": len(await file.read()), "note": note}

    with TestClient(app) as client:
        response = client.post("/upload", files={"file": ("a.txt", b"abc")}, data={"note": "n"})
    assert response.json() == {"name": "a.txt", "size": 3, "note": "n"}


def test_http_exception_shape() -> None:
    app = FastAPI()

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "short and stout", headers={"x-kind": "teapot"})

    with TestClient(app) as client:
        response = client.get("/teapot")
    assert response.status_code == 418
    assert response.json() == {"detail": "short and stout"}
    assert response.headers["x-kind"] == "teapot"
