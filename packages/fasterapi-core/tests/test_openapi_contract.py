"""Contract test: Schemathesis generates requests from the sample app's own OpenAPI document.

Whatever it sends (valid or not), the app never answers with a 5xx. The run is bounded (a few
examples per operation, no example database) so it takes a few seconds.
"""

# mypy: disable-error-code="untyped-decorator"
# (schemathesis' and hypothesis' decorators are untyped)

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
hypothesis = pytest.importorskip("hypothesis")

from fasterapi_core import Faster  # noqa: E402
from fasterapi_testing import TestClient  # noqa: E402


def _load_make_app() -> Callable[[], Faster]:
    # Test folders are not packages (and pytest runs with --import-mode=importlib): load by
    # path, once per session (msgspec resolves the Structs' annotations through sys.modules).
    module = sys.modules.get("_b_sample_app")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "_b_sample_app", Path(__file__).with_name("_b_sample_app.py")
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    make: Callable[[], Faster] = module.make_app
    return make


app = _load_make_app()()
client = TestClient(app)
schema = schemathesis.openapi.from_dict(app.openapi())


@schema.parametrize()
@hypothesis.settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_no_server_errors(case: Any) -> None:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    response = client.request(**_httpx_kwargs(kwargs))
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)


def _httpx_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Schemathesis speaks `requests`; keep what httpx understands under httpx's names."""
    out = {k: v for k, v in kwargs.items() if k in ("method", "url", "params", "json")}
    files = kwargs.get("files")
    if files is not None:  # it may put numbers in multipart parts; httpx wants str or bytes
        out["files"] = [(name, _part(value)) for name, value in files]
    headers = dict(kwargs.get("headers") or {})
    cookies = kwargs.get("cookies")
    if cookies:  # httpx deprecates per-request cookies: send the header itself
        headers["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    out["headers"] = headers
    data = kwargs.get("data")
    if data is not None:
        if isinstance(data, (bytes, str)):
            out["content"] = data
        else:
            out["data"] = data
    return out


def _part(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(v if isinstance(v, (str, bytes)) or v is None else str(v) for v in value)
    return value if isinstance(value, (str, bytes)) else str(value)
