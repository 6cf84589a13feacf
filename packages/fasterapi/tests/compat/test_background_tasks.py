"""Tutorial: Background Tasks — in the path operation and in dependencies."""

from typing import Annotated

import pytest


def build(fw, log):
    app = fw.FastAPI()

    def write_log(message: str, suffix: str = ""):
        log.append(message + suffix)

    async def async_write(message: str):
        log.append(f"async {message}")

    @app.post("/send-notification/{email}")
    def send_notification(email: str, background_tasks: fw.BackgroundTasks):
        background_tasks.add_task(write_log, f"notification for {email}", suffix="!")
        background_tasks.add_task(async_write, email)
        log.append("handler")
        return {"message": "Notification sent in the background"}

    def get_query(background_tasks: fw.BackgroundTasks, q: str | None = None):
        if q:
            background_tasks.add_task(write_log, f"found query: {q}")
        return q

    @app.post("/dep/{email}")
    def from_dependency(
        email: str, background_tasks: fw.BackgroundTasks, q: Annotated[str, fw.Depends(get_query)]
    ):
        background_tasks.add_task(write_log, f"message to {email}")
        return {"message": "Message sent"}

    if fw.is_fastapi:  # FastAPI users import the single task from Starlette
        from starlette.background import BackgroundTask
    else:
        BackgroundTask = fw.background.BackgroundTask

    @app.get("/response-background")
    def with_response():
        return fw.responses.JSONResponse(
            {"ok": True}, background=BackgroundTask(write_log, "from response")
        )

    return app


def test_tasks_run_after_handler(fw):
    log = []
    with fw.client(build(fw, log)) as client:
        response = client.post("/send-notification/a@example.com")
    assert response.json() == {"message": "Notification sent in the background"}
    assert log == ["handler", "notification for a@example.com!", "async a@example.com"]


def test_tasks_from_dependency_share_the_object(fw):
    log = []
    with fw.client(build(fw, log)) as client:
        response = client.post("/dep/b@example.com?q=hello")
    assert response.json() == {"message": "Message sent"}
    assert log == ["found query: hello", "message to b@example.com"]


def test_background_on_returned_response(fw):
    log = []
    with fw.client(build(fw, log)) as client:
        response = client.get("/response-background")
    assert response.json() == {"ok": True}
    assert log == ["from response"]


def test_background_tasks_not_in_openapi(fw):
    with fw.client(build(fw, [])) as client:
        op = client.get("/openapi.json").json()["paths"]["/send-notification/{email}"]["post"]
    assert [p["name"] for p in op["parameters"]] == ["email"]


def test_failing_task_after_response(fw):
    app = fw.FastAPI()

    def boom():
        raise ValueError("bg boom")

    @app.get("/")
    def read(background_tasks: fw.BackgroundTasks):
        background_tasks.add_task(boom)
        return "ok"

    with fw.client(app, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert (response.status_code, response.json()) == (200, "ok")


def test_failing_task_reaches_the_test_client(fw):
    app = fw.FastAPI()

    def boom():
        raise ValueError("bg boom")

    @app.get("/")
    def read(background_tasks: fw.BackgroundTasks):
        background_tasks.add_task(boom)
        return "ok"

    with fw.client(app) as client, pytest.raises(ValueError, match="bg boom"):
        client.get("/")
