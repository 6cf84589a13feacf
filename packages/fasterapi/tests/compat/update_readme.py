"""Regenerate README.md's topic table and gap list from a full run of this suite.

Run from the repository root with the dev interpreter (FastAPI installed, so the oracle
runs too):

    python packages/fasterapi/tests/compat/update_readme.py

It runs `pytest -rA` on this folder, then rewrites the parts of README.md between the
`<!-- topics:... -->` and `<!-- gaps:... -->` markers. The "Where to fix" table stays
hand-written.
"""

import collections
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
README = HERE / "README.md"

TOPICS = {
    "test_path_params": "Path params (types, Enum, `:path`)",
    "test_query_params": "Query params (defaults, optional, bool, required, lists, empty/duplicate values)",
    "test_request_body": "Request body (dataclass, TypedDict, Struct; multiple bodies; embed; content types)",
    "test_validations": "Query/Path validations (constraints, aliases, deprecated, hidden, multiple_of)",
    "test_header_cookie": "Header and Cookie params",
    "test_response_model": "Response model, pydantic (filtering, exclude_unset/none/defaults, include/exclude, lists)",
    "test_response_model_dataclasses": "Response model, dataclasses / Structs",
    "test_extra_data_types": "Extra data types (UUID, datetime, timedelta, Decimal, bytes, sets)",
    "test_status_codes": "Status codes (declared, `Response` param, additional via JSONResponse, HTTPStatus)",
    "test_forms_files": "Forms and files (Form, File, UploadFile, multiple files, `request.form()`)",
    "test_handling_errors": "Handling errors (HTTPException + headers, custom, overridden and reused handlers)",
    "test_path_operation_config": "Path operation config (tags, summary, description, docstring, deprecated)",
    "test_dependencies": "Dependencies (functions, classes, callable instances, sub-deps, path-op/router/global, yield + exceptions, cache, use_cache=False, overrides)",
    "test_security": "Security (OAuth2 password flow + scopes, authorization code, OpenID Connect, HTTP Basic/Bearer/Digest, API keys)",
    "test_middleware": 'Middleware (`@app.middleware("http")`, CORS, GZip, TrustedHost, HTTPSRedirect, errors)',
    "test_background_tasks": "Background tasks (handler, dependency, response `background=`, failures)",
    "test_websockets": "WebSockets (path/query/cookie params, deps, disconnect, close codes)",
    "test_lifespan": "Lifespan events (`lifespan`, lifespan state, `on_event`, failing startup)",
    "test_bigger_applications": "Bigger applications (APIRouter prefix/tags/deps/responses, include_router nesting)",
    "test_openapi": "OpenAPI (metadata, tags metadata, servers, operation ids, include_in_schema, openapi_extra, custom `openapi()`, docs URLs/None, custom docs UI, webhooks, callbacks, `generate_unique_id_function`)",
    "test_custom_responses": "Custom responses (HTML, PlainText, Redirect, Streaming, File + Range, response_class, default_response_class, Response directly, headers/cookies via `Response`, Jinja2 templates)",
    "test_jsonable_encoder": "`jsonable_encoder`",
    "test_pydantic_models": "Pydantic v2 (bodies, Field constraints/aliases, examples, PATCH, query/header/cookie/form parameter models, `responses` models, Struct + pydantic in one app)",
    "test_starlette_interop": "Starlette objects (returned Starlette `Response`, mounted Starlette/FastAPI/raw ASGI apps, StaticFiles, Request API, scope, BaseHTTPMiddleware)",
    "test_custom_route_class": "Custom `APIRoute` / `route_class`",
    "test_streaming": "Stream JSON Lines and Server-Sent Events (FastAPI >= 0.135)",
    "test_wsgi": "Including WSGI (a WSGI app mounted with `middleware.wsgi.WSGIMiddleware`)",
    "test_testing": "Testing (`TestClient` cookies, headers, redirects, params, base_url) and async tests (httpx `ASGITransport`)",
    "test_oracle_openapi": "Whole OpenAPI document (values), FastAPI vs FasterAPI, every topic app",
    "test_oracle_responses": "Same requests on both frameworks: status, every header, body bytes (incl. `/openapi.json`)",
}


LINE = re.compile(r"(\w+) \S*?compat/(test_\w+)\.py::(\S+)(?: - (.*))?")


def run() -> list[str]:
    command = [sys.executable, "-m", "pytest", str(HERE), "-q", "-rA", "-p", "no:cacheprovider"]
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    return [line for line in output.splitlines() if LINE.match(line)]


def main() -> None:
    stats: dict[str, collections.Counter[tuple[str, str]]] = collections.defaultdict(
        collections.Counter
    )
    gaps: dict[str, dict[str, list[str]]] = collections.defaultdict(dict)
    for line in run():
        match = LINE.match(line)
        assert match is not None
        status, module, test, reason = match.groups()
        if status in ("FAILED", "ERROR", "XPASS"):
            sys.exit(f"not green, fix this first: {line}")
        side = "oracle" if "[fastapi" in test else "faster"
        stats[module][(side, status)] += 1
        if status == "XFAIL":
            name = test.replace("[FasterAPI]", "").replace("[FasterAPI-", "[")
            gaps[module].setdefault(reason.removeprefix("GAP: "), []).append(name)
    rows = ["| topic | module | checks | pass | GAP (strict xfail) |", "|---|---|---|---|---|"]
    total: collections.Counter[str] = collections.Counter()
    for module, title in TOPICS.items():
        counts = stats[module]
        passed, failed = counts[("faster", "PASSED")], counts[("faster", "XFAIL")]
        total.update(c=passed + failed, p=passed, g=failed, o=counts[("oracle", "PASSED")])
        names = sorted({n.split("[")[0] for tests in gaps[module].values() for n in tests})
        cell = "—" if not failed else f"{failed}: " + ", ".join(f"`{n}`" for n in names)
        rows.append(f"| {title} | `{module}.py` | {passed + failed} | {passed} | {cell} |")
    rows.append(f"| **total** | | **{total['c']}** | **{total['p']}** | **{total['g']}** |")
    summary = (
        f"FastAPI oracle runs: {total['o']}, all passing. FasterAPI checks: {total['c']} = "
        f"{total['p']} passing + {total['g']} strict-xfail GAPs."
    )
    listing = []
    for module in TOPICS:
        if gaps[module]:
            listing.append(f"\n**`{module}.py`**\n")
            for reason, tests in gaps[module].items():
                listing.append(f"- {reason} ({', '.join(f'`{t}`' for t in tests)})")
    text = README.read_text()
    text = re.sub(
        r"<!-- topics:start -->.*<!-- topics:end -->",
        lambda _: (
            "<!-- topics:start -->\n" + summary + "\n\n" + "\n".join(rows) + "\n<!-- topics:end -->"
        ),
        text,
        flags=re.S,
    )
    text = re.sub(
        r"<!-- gaps:start -->.*<!-- gaps:end -->",
        lambda _: (
            "<!-- gaps:start -->\n"
            + ("\n".join(listing).strip("\n") or "None: every gap this suite found is closed.")
            + "\n<!-- gaps:end -->"
        ),
        text,
        flags=re.S,
    )
    README.write_text(text)
    print(summary)


if __name__ == "__main__":
    main()
