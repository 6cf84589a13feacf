"""Property 8: StaticFiles under `app.mount`.

Nothing outside the served directory is ever returned: `..` (plain or percent-encoded, which
the server decodes before the app sees it), absolute paths, symlinks pointing out, a sibling
directory sharing the prefix, NUL bytes and over-long names all get a 404. Range abuse is a
416 (or a bounded answer), quickly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from FasterAPI import Faster, StaticFiles

SECRET = b"TOP-SECRET"


@pytest.fixture
def app(tmp_path: Path) -> Faster:
    public = tmp_path / "static"
    public.mkdir()
    (public / "hello.txt").write_bytes(b"hello world\n" * 100)
    (public / "sub").mkdir()
    (public / "sub" / "inner.txt").write_bytes(b"inner")
    sibling = tmp_path / "static-secret"
    sibling.mkdir()
    (sibling / "key.txt").write_bytes(SECRET)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    os.symlink(tmp_path / "secret.txt", public / "link-out.txt")
    os.symlink(sibling, public / "dir-link")
    os.symlink(public / "hello.txt", public / "link-in.txt")
    application = Faster()
    application.mount("/static", StaticFiles(directory=public), name="static")
    return application


def get(drive: Any, app: Faster, raw: str, headers: list[tuple[bytes, bytes]] | None = None) -> Any:
    # Servers decode the percent-escapes of the path before the app sees it (ASGI `path`),
    # and keep the original in `raw_path`.
    path = unquote(raw, errors="surrogateescape")
    return drive(app, "GET", path, raw_path=raw.encode("latin-1", "replace"), headers=headers or [])


def test_a_normal_file_is_served(drive: Any, app: Faster) -> None:
    sent = get(drive, app, "/static/hello.txt")
    assert sent.status == 200
    assert sent.body.startswith(b"hello world")
    assert get(drive, app, "/static/sub/inner.txt").body == b"inner"
    assert get(drive, app, "/static/link-in.txt").status == 200


ESCAPES = [
    "/static/../secret.txt",
    "/static/../../../../etc/passwd",
    "/static/sub/../../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/%2E%2E/etc/passwd",
    "/static/..%2fsecret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/..%5csecret.txt",
    "/static/....//secret.txt",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/link-out.txt",
    "/static/dir-link/key.txt",
    "/static-secret/key.txt",
    "/static/../static-secret/key.txt",
    "/static/hello.txt%00.png",
    "/static/%00",
    "/static/" + "a" * 5000,
    "/static/" + "a/" * 3000 + "x",
    "/static/%c0%ae%c0%ae/secret.txt",
    "/static/\u2024\u2024/secret.txt",
]


@pytest.mark.parametrize("raw", ESCAPES)
def test_escapes_are_404(drive: Any, app: Faster, raw: str) -> None:
    sent = get(drive, app, raw)
    assert sent.error is None, repr(sent.error)
    assert sent.status == 404, (sent.status, sent.body[:100])
    assert SECRET not in sent.body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_405(drive: Any, app: Faster, method: str) -> None:
    sent = drive(app, method, "/static/hello.txt")
    assert sent.status == 405


RANGES = {
    "thousands of ranges": b"bytes=" + b",".join(b"%d-%d" % (i, i) for i in range(5000)),
    "thousands of overlapping ranges": b"bytes=" + b",".join([b"0-"] * 5000),
    "start after end": b"bytes=50-10",
    "beyond the end": b"bytes=100000-200000",
    "garbage": b"bytes=a-b",
    "negative garbage": b"bytes=--5",
    "empty": b"bytes=",
    "only commas": b"bytes=" + b"," * 5000,
    "unicode digits": "bytes=\u0661-\u0665".encode(),
    "superscript digits": "bytes=\u00b2-5".encode(),
    "invalid utf-8": b"bytes=\xff-\xfe",
}


@pytest.mark.parametrize("value", RANGES.values(), ids=RANGES.keys())
def test_range_abuse_is_refused_or_bounded(drive: Any, app: Faster, value: bytes) -> None:
    sent = get(drive, app, "/static/hello.txt", headers=[(b"range", value)])
    assert sent.error is None, repr(sent.error)
    assert sent.status in (200, 206, 416), (sent.status, sent.body[:100])
    # Never larger than the file plus a bounded multipart overhead.
    assert len(sent.body) <= 1200 + 100 * 200


@pytest.mark.parametrize(
    "value", [b"bytes=0-" + b"9" * 5000, b"bytes=" + b"9" * 5000 + b"-"], ids=["end", "start"]
)
def test_range_with_huge_numbers_is_refused(drive: Any, app: Faster, value: bytes) -> None:
    sent = get(drive, app, "/static/hello.txt", headers=[(b"range", value)])
    assert sent.error is None, repr(sent.error)
    assert sent.status in (200, 206, 416), (sent.status, sent.body[:100])


def test_the_app_still_serves_after_the_abuse(drive: Any, app: Faster) -> None:
    for raw in ESCAPES:
        get(drive, app, raw)
    for value in RANGES.values():
        get(drive, app, "/static/hello.txt", headers=[(b"range", value)])
    assert get(drive, app, "/static/hello.txt").status == 200
