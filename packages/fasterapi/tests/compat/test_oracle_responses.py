"""The same app source run on both frameworks, request by request: status, every header
(except the volatile ones) and the body bytes must be identical.

The topic modules assert written values (and so run without FastAPI too); this module
needs FastAPI and catches whatever they did not write down: an extra header, a header's
case, a different error `type`, a byte of HTML. A request answered differently is a GAP.
"""

import importlib.util
import re
from pathlib import Path

import pytest

HERE = Path(__file__).parent
VOLATILE = {"date", "etag", "last-modified", "x-process-time", "x-response-time"}
# A cookie's `expires=` is "now" plus max-age: two requests a second apart differ there.
_EXPIRES = re.compile(r"expires=[^;]*")


def _stable(name: str, value: str) -> str:
    return _EXPIRES.sub("expires=<now + max-age>", value) if name == "set-cookie" else value


TOKEN = "?token=jessica"
X_TOKEN = {"X-Token": "fake-super-secret-token"}

# (module, build function, method, url, request keyword arguments, gap or None)
CASES = [
    ("test_path_params", "build", "get", "/items/3", {}, None),
    ("test_path_params", "build", "get", "/items/x", {}, None),
    ("test_path_params", "build", "get", "/models/foo", {}, None),
    ("test_path_params", "build", "get", "/nope", {}, None),
    ("test_path_params", "build", "get", "/files//a/b", {}, None),
    ("test_path_params", "build", "post", "/items/3", {}, None),
    ("test_query_params", "build", "get", "/items/?skip=1&limit=1", {}, None),
    ("test_query_params", "build", "get", "/needy/a?skip=x&limit=y", {}, None),
    ("test_query_params", "build", "get", "/ints/?n=1&n=x", {}, None),
    ("test_query_params", "build", "get", "/items/foo?short=maybe", {}, None),
    ("test_request_body", "build", "post", "/items/", {"json": {"name": "a", "price": 1}}, None),
    (
        "test_request_body",
        "build",
        "post",
        "/items/",
        {"json": {"name": 1}},
        None,
    ),
    (
        "test_request_body",
        "build",
        "post",
        "/items/",
        {"content": b'{"name": "Foo",', "headers": {"content-type": "application/json"}},
        None,
    ),
    (
        "test_request_body",
        "build",
        "post",
        "/items/",
        {"json": [1]},
        None,
    ),
    (
        "test_request_body",
        "build",
        "put",
        "/multi/1",
        {"json": {"item": {"name": "a", "price": 1}, "user": {"username": "u"}, "importance": "x"}},
        None,
    ),
    ("test_validations", "build", "get", "/items/?q=ab", {}, None),
    ("test_validations", "build", "get", "/numbers/0?size=11", {}, None),
    ("test_validations", "build", "get", "/pattern/?q=x", {}, None),
    ("test_header_cookie", "build", "get", "/required-header/", {}, None),
    (
        "test_header_cookie",
        "build",
        "get",
        "/tokens/",
        {"headers": [("x-token", "a"), ("x-token", "b")]},
        None,
    ),
    ("test_header_cookie", "build", "get", "/required-cookie/", {}, None),
    ("test_extra_data_types", "build", "get", "/values/", {}, None),
    (
        "test_extra_data_types",
        "build",
        "get",
        "/query/?day=2024-02-28&ident=12345678123456781234567812345678&amount=3.50",
        {},
        None,
    ),
    ("test_extra_data_types", "build", "put", "/items/not-a-uuid", {"json": {}}, None),
    ("test_status_codes", "build", "post", "/items/?name=a", {}, None),
    ("test_status_codes", "build", "put", "/upsert/new", {}, None),
    (
        "test_status_codes",
        "build",
        "delete",
        "/items/3",
        {},
        None,
    ),
    (
        "test_forms_files",
        "build",
        "post",
        "/login/",
        {"data": {"username": "a", "password": "b"}},
        None,
    ),
    ("test_forms_files", "build", "post", "/login/", {"data": {"username": "a"}}, None),
    (
        "test_forms_files",
        "build",
        "post",
        "/uploadfile/",
        {"files": {"file": ("a.txt", b"x", "text/plain")}},
        None,
    ),
    ("test_forms_files", "build", "post", "/uploadfile/", {}, None),
    ("test_handling_errors", "build", "get", "/items/bar", {}, None),
    ("test_handling_errors", "build", "get", "/items-header/bar", {}, None),
    ("test_handling_errors", "build", "get", "/unicorns/yolo", {}, None),
    ("test_handling_errors", "build_overrides", "get", "/items/foo", {}, None),
    ("test_dependencies", "build", "get", "/items/?q=1&skip=2", {}, None),
    ("test_dependencies", "build", "get", "/guarded/", {}, None),
    (
        "test_dependencies",
        "build",
        "get",
        "/guarded/",
        {"headers": {"x-token": "fake-super-secret-token", "x-key": "no"}},
        None,
    ),
    (
        "test_security",
        "build_oauth2",
        "post",
        "/token",
        {"data": {"username": "johndoe", "password": "secret"}},
        None,
    ),
    ("test_security", "build_oauth2", "get", "/token-only", {}, None),
    (
        "test_security",
        "build_oauth2",
        "get",
        "/users/me/items",
        {"headers": {"Authorization": "Bearer johndoe:me"}},
        None,
    ),
    ("test_security", "build_basic", "get", "/users/me", {}, None),
    ("test_security", "build_basic", "get", "/users/me", {"auth": ("stanleyjobson", "nope")}, None),
    ("test_security", "build_api_key", "get", "/header", {}, None),
    ("test_bigger_applications", "build", "get", "/users/" + TOKEN, {}, None),
    ("test_bigger_applications", "build", "get", "/items" + TOKEN, {"headers": X_TOKEN}, None),
    ("test_bigger_applications", "build", "put", "/items/gun" + TOKEN, {"headers": X_TOKEN}, None),
    ("test_bigger_applications", "build", "get", "/users/", {}, None),
    ("test_openapi", "build", "get", "/docs", {}, None),
    ("test_openapi", "build", "get", "/redoc", {}, None),
    # The OpenAPI document byte for byte (key order included; the values alone are compared
    # for every topic app by test_oracle_openapi.py).
    ("test_query_params", "build", "get", "/openapi.json", {}, None),
    ("test_header_cookie", "build", "get", "/openapi.json", {}, None),
    ("test_dependencies", "build", "get", "/openapi.json", {}, None),
    ("test_custom_responses", "build", "get", "/openapi.json", {}, None),
    ("test_status_codes", "build", "get", "/openapi.json", {}, None),
    ("test_bigger_applications", "build", "get", "/openapi.json" + TOKEN, {}, None),
    ("test_security", "build_oauth2", "get", "/openapi.json", {}, None),
    ("test_forms_files", "build", "get", "/openapi.json", {}, None),
    ("test_path_operation_config", "build", "get", "/openapi.json", {}, None),
    ("test_custom_responses", "build", "get", "/html/", {}, None),
    ("test_custom_responses", "build", "get", "/redirect/", {}, None),
    ("test_custom_responses", "build", "get", "/stream/", {}, None),
    ("test_custom_responses", "build", "get", "/legacy/", {}, None),
    ("test_custom_responses", "build", "get", "/json-direct/", {}, None),
    ("test_custom_responses", "build", "post", "/cookie-direct/", {}, None),
    ("test_custom_responses", "build", "delete", "/cookie/", {}, None),
    (
        "test_pydantic_models",
        "build",
        "put",
        "/items/1",
        {"json": {"name": "Foo", "price": 0}},
        None,
    ),
    (
        "test_pydantic_models",
        "build",
        "put",
        "/items/1",
        {"json": [1]},
        None,
    ),
    ("test_pydantic_models", "build", "post", "/out/", {"json": {"name": "a", "price": 1}}, None),
    (
        "test_middleware",
        "build_cors",
        "get",
        "/",
        {"headers": {"Origin": "https://localhost.tiangolo.com"}},
        None,
    ),
    (
        "test_middleware",
        "build_cors",
        "options",
        "/",
        {"headers": {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}},
        None,
    ),
]


def load(module_name):
    spec = importlib.util.spec_from_file_location(
        f"_compat_responses_{module_name}", HERE / f"{module_name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except pytest.skip.Exception as exc:
        pytest.skip(str(exc))
    return module


def answer(fw, build, method, url, kwargs):
    with fw.client(build(fw), follow_redirects=False) as client:
        response = getattr(client, method)(url, **kwargs)
    headers = sorted(
        (k, _stable(k, v)) for k, v in response.headers.multi_items() if k not in VOLATILE
    )
    return response.status_code, headers, response.content


def _params():
    params = []
    for index, (module, build, method, url, kwargs, gap) in enumerate(CASES):
        marks = [pytest.mark.xfail(strict=True, reason=f"GAP: {gap}")] if gap else []
        params.append(
            pytest.param(
                module,
                build,
                method,
                url,
                kwargs,
                marks=marks,
                id=f"{index:02}-{module[5:]}-{method}-{url}",
            )
        )
    return params


@pytest.mark.parametrize(("module_name", "build_name", "method", "url", "kwargs"), _params())
def test_same_response(fastapi_fw, faster_fw, module_name, build_name, method, url, kwargs):
    build = getattr(load(module_name), build_name)
    expected = answer(fastapi_fw, build, method, url, kwargs)
    actual = answer(faster_fw, build, method, url, kwargs)
    assert actual[0] == expected[0], "status"
    assert actual[1] == expected[1], "headers"
    assert actual[2] == expected[2], "body"
