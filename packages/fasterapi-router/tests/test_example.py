"""The root examples/router_demo.py runs with only the router installed."""

import runpy
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[3] / "examples" / "router_demo.py"


@pytest.mark.skipif(not DEMO.is_file(), reason="examples/ is not part of the sdist")
def test_router_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(DEMO), run_name="__main__")
    out = " ".join(capsys.readouterr().out.split())
    assert "GET /users/42 -> 200 'user #42' params={'user_id': 42}" in out
    assert "DELETE /users -> 405 Method Not Allowed (Allow: GET, POST)" in out
    assert "GET /nowhere -> 404 Not Found" in out
    assert "url for user 7: /users/7" in out
    assert "conflict: GET '/users/{uid:int}'" in out
