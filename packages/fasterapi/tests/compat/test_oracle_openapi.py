"""The same app source run on both frameworks: every topic's app must produce the very same
OpenAPI document on FasterAPI as on FastAPI (compared as JSON values; key order is free).

The topic modules assert hand-picked parts of each document against written values; this
module catches everything they did not pick. A document that differs is a GAP listing the
differing paths, and the test's failure message shows each difference.
"""

import importlib.util
import inspect
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent


# (module, build function) -> the differences known today, or None when identical.
CASES = {
    ("test_path_params", "build"): None,
    ("test_query_params", "build"): None,
    ("test_query_params", "build_edges"): None,
    ("test_request_body", "build"): None,
    ("test_validations", "build"): None,
    ("test_header_cookie", "build"): None,
    ("test_response_model", "build"): None,
    ("test_response_model_dataclasses", "build"): None,
    ("test_extra_data_types", "build"): None,
    ("test_status_codes", "build"): None,
    ("test_forms_files", "build"): None,
    ("test_forms_files", "build_more"): None,
    ("test_handling_errors", "build"): None,
    ("test_handling_errors", "build_overrides"): None,
    ("test_path_operation_config", "build"): None,
    ("test_dependencies", "build"): None,
    ("test_security", "build_oauth2"): None,
    ("test_security", "build_basic"): None,
    ("test_security", "build_api_key"): None,
    ("test_security", "build_more_schemes"): None,
    ("test_bigger_applications", "build"): None,
    ("test_openapi", "build"): None,
    ("test_openapi", "build_callbacks"): None,
    ("test_custom_responses", "build"): None,
    ("test_custom_route_class", "build"): None,
    ("test_pydantic_models", "build"): None,
    ("test_pydantic_models", "build_examples"): None,
    ("test_background_tasks", "build"): None,
    ("test_websockets", "build"): None,
    ("test_testing", "build"): None,
    ("test_streaming", "build"): None,
    ("test_middleware", "build_timing"): None,
    ("test_middleware", "build_cors"): None,
    ("test_wsgi", "build"): None,
}


def load(module_name):
    spec = importlib.util.spec_from_file_location(
        f"_compat_oracle_{module_name}", HERE / f"{module_name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except pytest.skip.Exception as exc:  # a topic needing pydantic, without pydantic
        pytest.skip(str(exc))
    return module


def differences(expected, actual, path=""):
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in {**expected, **actual}:
            where = f"{path}/{key}"
            if key not in actual:
                found.append(f"{where}: missing (FastAPI: {json.dumps(expected[key])[:120]})")
            elif key not in expected:
                found.append(f"{where}: extra (FasterAPI: {json.dumps(actual[key])[:120]})")
            else:
                found += differences(expected[key], actual[key], where)
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in differences(e, a, f"{path}[{i}]")
        ]
    if expected != actual:
        return [
            f"{path}: FastAPI {json.dumps(expected)[:120]} != FasterAPI {json.dumps(actual)[:120]}"
        ]
    return []


def _params():
    params = []
    for (module, build), gap in CASES.items():
        marks = [pytest.mark.xfail(strict=True, reason=f"GAP: {gap}")] if gap else []
        params.append(pytest.param(module, build, marks=marks, id=f"{module}.{build}"))
    return params


@pytest.mark.parametrize(("module_name", "build_name"), _params())
def test_same_openapi_document(fastapi_fw, faster_fw, module_name, build_name):
    build = getattr(load(module_name), build_name)
    required = [p for p in inspect.signature(build).parameters.values() if p.default is p.empty]
    extra = [[] for _ in required[1:]]  # the event logs some apps append to
    expected = build(fastapi_fw, *extra).openapi()
    actual = build(faster_fw, *extra).openapi()
    found = differences(expected, actual)
    assert not found, "\n".join(found)


def test_every_topic_app_is_compared():
    """A new topic module's `build*` functions must be added to CASES (or listed here)."""
    not_openapi = {("test_handling_errors", "build_starlette_handler")}  # needs starlette only
    missing = []
    for path in sorted(HERE.glob("test_*.py")):
        if path.stem == "test_oracle_openapi":
            continue
        text = path.read_text()
        for line in text.splitlines():
            if line.startswith("def build"):
                name = line[4 : line.index("(")]
                if (path.stem, name) not in CASES and (path.stem, name) not in not_openapi:
                    missing.append(f"{path.stem}.{name}")
    assert missing == []
