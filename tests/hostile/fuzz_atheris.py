"""Coverage-guided fuzzing of the request path with atheris (libFuzzer), outside pytest.

Each input is split into a method, a path, a query string, a few headers and a body chunked
in two, then sent through the ASGI interface of `sample_app.py`. A crash is: an exception
escaping the app, a 5xx, an unfinished response, or an app that answers nothing to a client
that is still connected.

Run (Linux, CPython with atheris installed, e.g. 3.13 with `pip install atheris`):

    python tests/hostile/fuzz_atheris.py -runs=200000            # bounded run
    python tests/hostile/fuzz_atheris.py -max_total_time=600 corpus/   # 10 minutes, keep a corpus

libFuzzer options go after the script name; a crashing input is written to `crash-<sha1>`
in the current directory and can be replayed with `python tests/hostile/fuzz_atheris.py crash-...`.
This file is not collected by pytest (its name does not start with `test_`).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(
    include=["fasterapi_core", "fasterapi_router", "fasterapi_middleware", "FasterAPI"]
):
    _spec = importlib.util.spec_from_file_location(
        "hostile_sample_app", Path(__file__).with_name("sample_app.py")
    )
    assert _spec is not None
    assert _spec.loader is not None
    sample_app = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sample_app)

APP = sample_app.build(tempfile.mkdtemp(prefix="hostile-atheris-"))
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
PREFIXES = [
    "/",
    "/items/",
    "/items",
    "/embed",
    "/form",
    "/upload",
    "/cookie",
    "/raw",
    "/stream?n=",
    "/files/",
    "/static/",
]
HEADERS = [
    b"content-type",
    b"content-length",
    b"cookie",
    b"range",
    b"accept-encoding",
    b"origin",
    b"access-control-request-method",
    b"x-token",
    b"if-none-match",
    b"if-range",
]
LOOP = asyncio.new_event_loop()


class Failure(Exception):
    """What the fuzzer reports as a crash."""


class _LastError(logging.Handler):
    """Keeps the last error the app logged (and keeps the fuzzer's output quiet)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.exc: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.exc = record.exc_info[1] if record.exc_info else None


LAST = _LastError()
_logger = logging.getLogger("fasterapi")
_logger.addHandler(LAST)
_logger.propagate = False
# FUZZ_SKIP_KNOWN=1 lets a run look past the holes already recorded as strict xfails
# (int() refusing what str.isdigit() accepted: test_paths_queries.py, test_static.py).
SKIP_KNOWN = os.environ.get("FUZZ_SKIP_KNOWN") == "1"


def _known(exc: BaseException | None) -> bool:
    text = str(exc)
    return isinstance(exc, ValueError) and (
        "invalid literal for int()" in text or "integer string conversion" in text
    )


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    method = (
        fdp.PickValueInList(METHODS) if fdp.ConsumeBool() else fdp.ConsumeUnicodeNoSurrogates(8)
    )
    # Servers percent-decode with errors="replace": a path never holds a lone surrogate
    # (test_paths_queries.py covers that case separately).
    path = fdp.PickValueInList(PREFIXES) + fdp.ConsumeUnicodeNoSurrogates(
        fdp.ConsumeIntInRange(0, 40)
    )
    query = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 60))
    headers = [
        (fdp.PickValueInList(HEADERS), fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 60)))
        for _ in range(fdp.ConsumeIntInRange(0, 5))
    ]
    split = fdp.ConsumeIntInRange(0, 64)
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    LAST.exc = None
    sent, told = LOOP.run_until_complete(
        sample_app.exchange(APP, method, path, query, headers, body, split)
    )
    starts = [m for m in sent if m["type"] == "http.response.start"]
    if not starts:
        if not told:
            raise Failure(f"no answer to {method} {path!r}")
        return
    if starts[0]["status"] >= 500:
        if SKIP_KNOWN and _known(LAST.exc):
            return
        raise Failure(f"{starts[0]['status']} for {method} {path!r} {headers!r}: {LAST.exc!r}")
    if sent[-1]["type"] != "http.response.body" or sent[-1].get("more_body"):
        raise Failure(f"unfinished response to {method} {path!r}")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
