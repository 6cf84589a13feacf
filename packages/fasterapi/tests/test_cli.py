"""The `fasterapi` command in-process: finding the app, one-line errors, options, help."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from FasterAPI import _server, cli
from FasterAPI._discovery import AppLoadError, AppTarget, is_asgi_app, load_app

pytestmark = pytest.mark.usefixtures("clean_imports")

ASGI_APP = "async def {name}(scope, receive, send):\n    pass\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# --- finding the app --------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "module"),
    [
        ({"main.py": ASGI_APP.format(name="app")}, "main"),
        ({"app.py": ASGI_APP.format(name="app")}, "app"),
        ({"api.py": ASGI_APP.format(name="app")}, "api"),
        ({"main.py": ASGI_APP.format(name="app"), "app.py": "x = 1\n"}, "main"),
        ({"app/main.py": ASGI_APP.format(name="app")}, "main"),
        ({"app/__init__.py": "", "app/main.py": ASGI_APP.format(name="app")}, "app.main"),
    ],
)
def test_default_files_are_found_in_order(
    tmp_path: Path, files: dict[str, str], module: str
) -> None:
    write(tmp_path, files)
    found = load_app(None, cwd=tmp_path)
    assert found.module == module
    assert found.attr == "app"
    assert is_asgi_app(found.app)


def test_app_is_preferred_to_api_then_api_is_used(tmp_path: Path) -> None:
    write(tmp_path, {"both.py": ASGI_APP.format(name="api") + ASGI_APP.format(name="app")})
    assert load_app("both.py", cwd=tmp_path).attr == "app"
    write(tmp_path, {"only_api.py": ASGI_APP.format(name="api")})
    assert load_app("only_api.py", cwd=tmp_path).attr == "api"


def test_first_asgi_instance_is_found_without_a_conventional_name(tmp_path: Path) -> None:
    code = (
        "from os import path\n"
        "def helper(a, b, c):\n    pass\n"
        "class App:\n"
        "    async def __call__(self, scope, receive, send):\n        pass\n"
        "service = App()\n"
    )
    write(tmp_path, {"svc.py": code})
    assert load_app("svc.py", cwd=tmp_path).attr == "service"


def test_an_async_function_defined_in_the_module_is_found(tmp_path: Path) -> None:
    write(tmp_path, {"fn.py": ASGI_APP.format(name="application")})
    assert load_app("fn.py", cwd=tmp_path).attr == "application"


@pytest.mark.parametrize("target", ["main.py:web", "main:web", "./main.py:web"])
def test_explicit_attribute(tmp_path: Path, target: str) -> None:
    write(tmp_path, {"main.py": ASGI_APP.format(name="web") + "app = 1\n"})
    found = load_app(target, cwd=tmp_path)
    assert (found.module, found.attr, found.import_string) == ("main", "web", "main:web")


def test_nested_attribute(tmp_path: Path) -> None:
    code = "class Holder:\n    pass\n" + ASGI_APP.format(name="inner") + "Holder.app = inner\n"
    write(tmp_path, {"nested.py": code})
    assert load_app("nested.py:Holder.app", cwd=tmp_path).attr == "Holder.app"


def test_a_file_in_a_package_is_imported_by_its_dotted_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "proj/pkg/__init__.py": "",
            "proj/pkg/web/__init__.py": "",
            "proj/pkg/web/helpers.py": ASGI_APP.format(name="app"),
            "proj/pkg/web/main.py": "from .helpers import app\n",
        },
    )
    found = load_app("proj/pkg/web/main.py", cwd=tmp_path)
    assert found.module == "pkg.web.main"
    assert found.app_dir == (tmp_path / "proj").resolve()
    assert str(found.app_dir) in sys.path


def test_a_directory_target_uses_its_main_file(tmp_path: Path) -> None:
    write(tmp_path, {"service/main.py": ASGI_APP.format(name="app")})
    found = load_app("service", cwd=tmp_path)
    assert found.module == "main"
    assert found.app_dir == (tmp_path / "service").resolve()


def test_a_package_directory_uses_its_init(tmp_path: Path) -> None:
    write(tmp_path, {"proj/webpkg/__init__.py": ASGI_APP.format(name="app")})
    assert load_app("proj/webpkg", cwd=tmp_path).module == "webpkg"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("async def f(scope, receive, send): pass", True),
        ("async def f(*args): pass", True),
        ("async def f(scope): pass", False),
        ("def f(scope, receive, send): pass", False),
        ("class f:\n    async def __call__(self, s, r, w): pass", False),
        ("f = 42", False),
        ("f = print", False),
    ],
)
def test_is_asgi_app(value: str, expected: bool) -> None:
    namespace: dict[str, Any] = {}
    exec(value, namespace)
    assert is_asgi_app(namespace["f"]) is expected


# --- one clear line for a bad target -----------------------------------------


@pytest.mark.parametrize(
    ("files", "target", "message"),
    [
        ({}, None, "no app file found in"),
        ({}, "missing.py", "file not found: missing.py"),
        ({"notes.txt": "hi"}, "notes.txt", "not a Python file: notes.txt"),
        ({}, "nosuchmodule:app", "module not found: nosuchmodule"),
        ({"emptydir/x.txt": ""}, "emptydir", "no main.py, app.py or api.py in directory"),
        ({"main.py": "app = 1\n"}, "main.py:", "bad app target 'main.py:'"),
        ({"main.py": "app = 1\n"}, "main.py:1x", "bad app target"),
        ({}, "not a module", "bad app target 'not a module'"),
        ({"bad-name.py": "app = 1\n"}, "bad-name.py", "is not a valid module name"),
        ({"main.py": "x = 1\n"}, "main.py", "no app found in module 'main'"),
        ({"main.py": "x = 1\n"}, "main:web", "module 'main' has no attribute 'web'"),
        ({"main.py": "app = 42\n"}, "main.py", "main:app is not an ASGI app (it is a int)"),
        (
            {"main.py": "def app(scope, receive, send):\n    pass\n"},
            "main.py",
            "main:app is not an ASGI app (it is a function app without (scope, receive, send))",
        ),
        (
            {"main.py": "class app:\n    pass\n"},
            "main.py",
            "main:app is not an ASGI app (it is a class app)",
        ),
        (
            {"main.py": "x = 1\nraise RuntimeError('boom')\n"},
            "main.py",
            "error while importing module 'main' at main.py:2: RuntimeError: boom",
        ),
        (
            {"main.py": "import not_installed_dep\n"},
            "main.py",
            "error while importing module 'main' at main.py:1: ModuleNotFoundError: "
            "No module named 'not_installed_dep'",
        ),
        (
            {"main.py": "def broken(:\n"},
            "main.py",
            "error while importing module 'main' at main.py:1: SyntaxError",
        ),
    ],
)
def test_bad_target_prints_one_line_and_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    target: str | None,
    message: str,
) -> None:
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    for command in ("run", "routes"):
        args = [command] if target is None else [command, target]
        assert cli.main(args) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith("fasterapi: error: ")
        assert message in err
        assert err.count("\n") == 1, err
        assert "Traceback" not in err
        for name in [n for n in sys.modules if n == "main"]:
            del sys.modules[name]


def test_routes_of_a_bare_asgi_app_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(Path(__file__).parent / "apps")
    assert cli.main(["routes", "bare_app.py"]) == 2
    err = capsys.readouterr().err
    assert "bare_app:app has no route table" in err
    assert err.count("\n") == 1


def test_missing_granian_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"main.py": ASGI_APP.format(name="app")})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "granian", None)  # makes `import granian` fail
    assert cli.main(["run", "--server", "granian", "--port", "0"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "fasterapi: error: --server granian needs granian: pip install 'fasterapi[granian]' "
        "(or pip install granian)"
    )


# --- options reach the server -----------------------------------------------


def capture_serve(monkeypatch: pytest.MonkeyPatch) -> list[tuple[AppTarget, _server.ServeOptions]]:
    calls: list[tuple[AppTarget, _server.ServeOptions]] = []
    monkeypatch.setattr(cli, "serve", lambda target, options: calls.append((target, options)))
    return calls


def test_run_defaults_are_production_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"main.py": ASGI_APP.format(name="app")})
    monkeypatch.chdir(tmp_path)
    calls = capture_serve(monkeypatch)
    assert cli.main(["run"]) == 0
    target, options = calls[0]
    assert target.import_string == "main:app"
    assert (options.host, options.port, options.workers, options.reload) == (
        "0.0.0.0",
        8000,
        1,
        False,
    )
    assert options.server == "uvicorn"
    assert options.proxy_headers is True
    assert "serving main:app" in capsys.readouterr().err

    config = _server.uvicorn_config(target, options)
    assert config["loop"] == ("uvloop" if sys.platform != "win32" else "asyncio")
    assert config["http"] == "httptools"
    assert config["workers"] == 1
    assert config["limit_concurrency"] == 1000
    assert config["timeout_keep_alive"] == 5
    assert config["timeout_graceful_shutdown"] == 30
    assert config["backlog"] == 2048
    assert config["h11_max_incomplete_event_size"] == 16 * 1024


def test_header_limit_flags_reach_the_server_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"main.py": ASGI_APP.format(name="app")})
    monkeypatch.chdir(tmp_path)
    calls = capture_serve(monkeypatch)
    assert cli.main(["run"]) == 0
    _, defaults = calls[0]
    assert (defaults.max_header_bytes, defaults.max_headers, defaults.header_timeout) == (
        _server.DEFAULT_MAX_HEADER_BYTES,
        _server.DEFAULT_MAX_HEADERS,
        _server.DEFAULT_HEADER_TIMEOUT,
    )
    argv = ["run", "--max-header-bytes", "4096", "--max-headers", "20", "--header-timeout", "3"]
    assert cli.main(argv) == 0
    target, options = calls[1]
    assert (options.max_header_bytes, options.max_headers, options.header_timeout) == (
        4096,
        20,
        3.0,
    )
    assert _server.uvicorn_config(target, options)["h11_max_incomplete_event_size"] == 4096


def test_dev_reloads_on_localhost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"app/main.py": ASGI_APP.format(name="app")})
    monkeypatch.chdir(tmp_path)
    calls = capture_serve(monkeypatch)
    assert cli.main(["dev"]) == 0
    target, options = calls[0]
    assert (options.host, options.reload) == ("127.0.0.1", True)
    config = _server.uvicorn_config(target, options)
    assert config["reload"] is True
    assert config["reload_dirs"] == [str((tmp_path / "app").resolve())]
    assert "workers" not in config


def test_run_options_are_passed_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"main.py": ASGI_APP.format(name="app")})
    monkeypatch.chdir(tmp_path)
    calls = capture_serve(monkeypatch)
    argv = [
        "run", "main.py:app", "--host", "::1", "--port", "9001", "--workers", "3",
        "--root-path", "/api", "--no-proxy-headers", "--forwarded-allow-ips", "10.0.0.1",
        "--limit-concurrency", "0", "--timeout-keep-alive", "2", "--timeout-graceful-shutdown",
        "0", "--backlog", "64", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    assert cli.main(argv) == 0
    target, options = calls[0]
    config = _server.uvicorn_config(target, options)
    expected = {
        "host": "::1",
        "port": 9001,
        "workers": 3,
        "root_path": "/api",
        "proxy_headers": False,
        "forwarded_allow_ips": "10.0.0.1",
        "limit_concurrency": None,
        "timeout_keep_alive": 2,
        "timeout_graceful_shutdown": None,
        "backlog": 64,
        "log_level": "warning",
        "access_log": False,
    }
    assert {k: config[k] for k in expected} == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--port", "70000"],
        ["run", "--port", "eighty"],
        ["run", "--workers", "0"],
        ["dev", "--workers", "2"],
        ["serve"],
        [],
    ],
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert "usage: fasterapi" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["--help"], ["run", "--help"], ["dev", "--help"], ["routes", "--help"]]
)
def test_help_on_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: fasterapi")
    assert "example: fasterapi" in out or argv == ["--help"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from FasterAPI.__about__ import __version__

    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"fasterapi {__version__}\n"


def test_load_error_is_an_exception_type() -> None:
    assert issubclass(AppLoadError, Exception)


def test_migrate_is_handed_to_its_own_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "main.py"
    source.write_text("from fastapi import FastAPI\n")
    assert cli.main(["migrate", str(source), "--write", "-q"]) == 0
    assert source.read_text() == "from FasterAPI import FastAPI\n"
    with pytest.raises(SystemExit) as exc:
        cli.main(["migrate", "--help"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("usage: fasterapi migrate")


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess

    from FasterAPI.__about__ import __version__

    out = subprocess.run(
        [sys.executable, "-m", "FasterAPI", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out == f"fasterapi {__version__}\n"
