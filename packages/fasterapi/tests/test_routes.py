"""`fasterapi routes`: the table and the JSON for a sample app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from FasterAPI import cli

APPS = Path(__file__).parent / "apps"

pytestmark = pytest.mark.usefixtures("clean_imports")


def run_routes(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.main(["routes", str(APPS / "routes_app.py"), *args]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_json_lists_every_route_with_parameter_sources(capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(run_routes(capsys, "--json"))
    by_path = {row["path"]: row for row in rows}
    assert list(by_path) == ["/upload", "/ws/{room}", "/items/{item_id}", "/items/"]

    read = by_path["/items/{item_id}"]
    assert read["methods"] == ["GET"]
    assert read["name"] == "read_item"
    assert read["handler"] == "routes_app.read_item"
    assert read["response_model"] == "Item"
    sources = {(p["name"], p["in"]) for p in read["parameters"]}
    assert sources == {
        ("item_id", "path"),
        ("q", "query"),
        ("x-token", "header"),
        ("session", "cookie"),
        ("auth", "dependency"),
        ("db", "dependency"),
        ("-", "dependency"),
    }
    types = {p["name"]: p["type"] for p in read["parameters"]}
    assert types["item_id"] == "int"
    assert types["db"] == "routes_app.get_db"
    assert types["auth"] == "routes_app.Auth"
    assert {p["name"]: p["required"] for p in read["parameters"]}["q"] is False

    create = by_path["/items/"]
    assert ("item", "body", "Item") in {
        (p["name"], p["in"], p["type"]) for p in create["parameters"]
    }

    upload = by_path["/upload"]
    assert {(p["name"], p["in"]) for p in upload["parameters"]} == {
        ("file", "file"),
        ("note", "form"),
    }

    ws = by_path["/ws/{room}"]
    assert ws["methods"] == ["WEBSOCKET"]
    assert ws["parameters"] == [{"name": "room", "in": "path", "type": "str", "required": True}]


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    lines = run_routes(capsys).splitlines()
    assert lines[0].split() == [
        "METHODS",
        "PATH",
        "NAME",
        "HANDLER",
        "PARAMETERS",
        "RESPONSE",
        "MODEL",
    ]
    assert set(lines[1]) <= {"-", " "}
    read = next(line for line in lines if line.startswith("GET"))
    assert "/items/{item_id}" in read
    assert "routes_app.read_item" in read
    assert read.rstrip().endswith("Item")
    assert any("q: query str | None (optional)" in line for line in lines)
    assert any("db: dependency routes_app.get_db" in line for line in lines)
    assert any(line.startswith("WEBSOCKET") and "room: path str" in line for line in lines)


def test_mounts_and_empty_apps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mounted.py").write_text(
        "from FasterAPI import FastAPI\n"
        "from FasterAPI.staticfiles import StaticFiles\n"
        "app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)\n"
        f"app.mount('/static', StaticFiles(directory={str(tmp_path)!r}), name='static')\n"
    )
    assert cli.main(["routes", str(tmp_path / "mounted.py"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "methods": ["MOUNT"],
            "path": "/static",
            "name": "static",
            "handler": rows[0]["handler"],
            "parameters": [],
            "response_model": None,
        }
    ]
    assert rows[0]["handler"].endswith("StaticFiles")

    (tmp_path / "empty.py").write_text(
        "from FasterAPI import FastAPI\napp = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)\n"
    )
    assert cli.main(["routes", str(tmp_path / "empty.py")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(no routes)"


def test_a_faster_instance_is_found_under_any_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "service.py").write_text(
        "from FasterAPI import FastAPI\n"
        "def handler(a, b, c):\n    pass\n"
        "web = FastAPI()\n"
        "@web.get('/ping')\n"
        "async def ping() -> str:\n    return 'pong'\n"
    )
    assert cli.main(["routes", str(tmp_path / "service.py"), "--json"]) == 0
    paths = [row["path"] for row in json.loads(capsys.readouterr().out)]
    assert "/ping" in paths
    assert "/docs" in paths  # core's own docs routes are listed like any other
