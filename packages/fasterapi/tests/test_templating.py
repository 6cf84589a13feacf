"""`FasterAPI.templating.Jinja2Templates`, and its message when jinja2 is missing."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from FasterAPI import FastAPI, Request, TestClient
from FasterAPI.responses import HTMLResponse
from FasterAPI.templating import Jinja2Templates, TemplateResponse


def test_renders_with_request_url_for_and_context_processors(tmp_path: Path) -> None:
    (tmp_path / "item.html").write_text(
        "<p>{{ item_id }} by {{ site }} at {{ url_for('item', item_id=item_id) }}</p>{{ unsafe }}"
    )
    templates = Jinja2Templates(
        directory=tmp_path, context_processors=[lambda request: {"site": "demo"}]
    )
    app = FastAPI()

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    async def item(request: Request, item_id: int) -> TemplateResponse:
        return templates.TemplateResponse(
            request, "item.html", {"item_id": item_id, "unsafe": "<b>"}
        )

    @app.get("/old/{item_id}", response_class=HTMLResponse)
    async def old(request: Request, item_id: int) -> TemplateResponse:
        return templates.TemplateResponse("item.html", {"request": request, "item_id": item_id})

    with TestClient(app) as client:
        response = client.get("/items/7")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert response.text == "<p>7 by demo at http://testserver/items/7</p>&lt;b&gt;"
        assert client.get("/old/3").text.startswith("<p>3 by demo")


def test_debug_extension_tells_the_client_the_template_and_context(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>{{ n }}</p>")
    templates = Jinja2Templates(directory=tmp_path)
    app = FastAPI()

    @app.get("/page", response_class=HTMLResponse)
    async def page(request: Request) -> TemplateResponse:
        return templates.TemplateResponse(request, "page.html", {"n": 5})

    with TestClient(app) as client:
        response = client.get("/page")
    assert response.text == "<p>5</p>"
    assert response.template.name == "page.html"  # type: ignore[attr-defined]
    assert response.context["n"] == 5  # type: ignore[attr-defined]


def test_without_the_debug_extension_only_the_page_is_sent(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>x</p>")
    templates = Jinja2Templates(directory=tmp_path)
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    request = Request(scope, receive)
    asyncio.run(templates.TemplateResponse(request, "page.html", {})(scope, receive, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


def test_old_style_without_request_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text("x")
    with pytest.raises(ValueError, match='needs context\\["request"\\]'):
        Jinja2Templates(directory=tmp_path).TemplateResponse("x.html", {})


def test_needs_a_directory_or_env() -> None:
    with pytest.raises(ValueError, match="directory or an env"):
        Jinja2Templates()


def test_missing_jinja2_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(ImportError, match="pip install jinja2"):
        Jinja2Templates(directory="templates")
