"""Property 2: urlencoded and multipart forms.

Every `FormLimits` limit is enforced while streaming (400 for counts, 413 for sizes), uploads
spill to disk so a large file never sits in Python memory, and malformed bodies are a 400/422,
never a 500, never a handler call.
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import pytest

from FasterAPI import Faster, File, Form, FormLimits, UploadFile

MULTIPART = b"multipart/form-data; boundary=XyZ"
URLENCODED = (b"content-type", b"application/x-www-form-urlencoded")


def make_app(limits: FormLimits | None = None) -> tuple[Faster, list[str]]:
    ran: list[str] = []
    app = Faster(form_limits=limits)

    @app.post("/fields")
    async def fields(name: str = Form(...), note: str = Form("")) -> dict[str, Any]:
        ran.append("fields")
        return {"name": name, "note": len(note)}

    @app.post("/upload")
    async def upload(file: UploadFile = File(...), name: str = Form("")) -> dict[str, Any]:
        ran.append("upload")
        size = 0
        while chunk := await file.read(1 << 20):
            size += len(chunk)
        return {"size": size, "rolled": bool(getattr(file.file, "_rolled", True))}

    @app.post("/files")
    async def files(files: list[UploadFile] = File(...)) -> dict[str, int]:
        ran.append("files")
        return {"count": len(files)}

    return app, ran


def part(name: str, value: bytes, filename: str | None = None, extra: bytes = b"") -> bytes:
    disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = b"--XyZ\r\nContent-Disposition: " + disp.encode() + b"\r\n" + extra
    if filename:
        head += b"Content-Type: application/octet-stream\r\n"
    return head + b"\r\n" + value + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--XyZ--\r\n"


def post(drive: Any, app: Faster, path: str, body: bytes, ctype: bytes = MULTIPART) -> Any:
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
    return drive(app, "POST", path, headers=headers, chunks=[body])


def assert_refused(sent: Any, status: int, words: str, detail_of: Any) -> None:
    assert sent.error is None, repr(sent.error)
    assert sent.status == status, sent.body
    assert words in str(detail_of(sent.body)).lower(), sent.body


def test_a_valid_form_works(drive: Any) -> None:
    app, ran = make_app()
    sent = post(drive, app, "/fields", multipart(part("name", b"ann"), part("note", b"hi")))
    assert sent.status == 200, sent.body
    sent = post(drive, app, "/fields", b"name=ann&note=hi", URLENCODED[1])
    assert sent.status == 200, sent.body
    assert ran == ["fields", "fields"]


def test_too_many_parts(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_parts=5))
    body = multipart(*[part(f"f{i}", b"v") for i in range(6)])
    assert_refused(post(drive, app, "/fields", body), 400, "parts", detail_of)
    assert ran == []


def test_too_many_fields_multipart_and_urlencoded(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_fields=3))
    body = multipart(*[part("name", b"v") for _ in range(4)])
    assert_refused(post(drive, app, "/fields", body), 400, "fields", detail_of)
    sent = post(drive, app, "/fields", b"&".join([b"name=v"] * 4), URLENCODED[1])
    assert_refused(sent, 400, "fields", detail_of)
    assert ran == []


def test_default_field_count_limit_stops_a_flood(drive: Any, detail_of: Any) -> None:
    app, ran = make_app()
    body = b"&".join([b"a=1"] * 100_000)
    assert_refused(post(drive, app, "/fields", body, URLENCODED[1]), 400, "fields", detail_of)
    assert ran == []


def test_too_many_files(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_files=2))
    body = multipart(*[part("files", b"x", filename=f"{i}.bin") for i in range(3)])
    assert_refused(post(drive, app, "/files", body), 400, "files", detail_of)
    assert ran == []


def test_field_too_large(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_field_size=100))
    body = multipart(part("name", b"a" * 101))
    assert_refused(post(drive, app, "/fields", body), 413, "larger", detail_of)
    sent = post(drive, app, "/fields", b"name=" + b"a" * 101, URLENCODED[1])
    assert_refused(sent, 413, "larger", detail_of)
    assert ran == []


def test_all_fields_together_too_large(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_field_size=100, max_fields_size=250))
    body = multipart(*[part("name", b"a" * 90) for _ in range(3)])
    assert_refused(post(drive, app, "/fields", body), 413, "larger", detail_of)
    assert ran == []


def test_part_headers_too_large(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_part_header_size=1024))
    body = multipart(part("name", b"v", extra=b"X-Pad: " + b"p" * 2000 + b"\r\n"))
    assert_refused(post(drive, app, "/fields", body), 413, "header", detail_of)
    assert ran == []


def test_many_part_headers_are_bounded_by_the_header_size(drive: Any, detail_of: Any) -> None:
    app, ran = make_app()
    extra = b"".join(b"X-%d: v\r\n" % i for i in range(5000))  # > 16 KiB of headers
    body = multipart(part("name", b"v", extra=extra))
    assert_refused(post(drive, app, "/fields", body), 413, "header", detail_of)
    assert ran == []


def test_file_too_large(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_file_size=1000))
    body = multipart(part("file", b"x" * 1001, filename="a.bin"))
    assert_refused(post(drive, app, "/upload", body), 413, "larger", detail_of)
    assert ran == []


def test_whole_form_body_declared_too_large_is_refused_before_reading(
    drive: Any, detail_of: Any
) -> None:
    app, ran = make_app(FormLimits(max_body_size=1000))
    head = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'
    headers = [(b"content-type", MULTIPART), (b"content-length", b"1000000")]
    sent = drive(app, "POST", "/upload", headers=headers, chunks=[head] + [b"x" * 1000] * 999)
    assert_refused(sent, 413, "larger", detail_of)
    assert ran == []
    assert sent.receive_calls == 0, "a body declared over the limit was read"


def test_chunked_form_body_too_large_is_cut_off(drive: Any, detail_of: Any) -> None:
    app, ran = make_app(FormLimits(max_body_size=10_000))
    head = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'
    sent = drive(
        app,
        "POST",
        "/upload",
        headers=[(b"content-type", MULTIPART)],
        chunks=[head] + [b"x" * 1000] * 1000,
    )
    assert_refused(sent, 413, "larger", detail_of)
    assert sent.receive_calls <= 20
    assert ran == []


@pytest.mark.slow
def test_a_50_mb_upload_is_spooled_to_disk(drive: Any) -> None:
    app, ran = make_app()
    head = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
    block = b"\x00" * (256 * 1024)
    count = 200  # 50 MiB, the same block object sent 200 times
    chunks = [head, *([block] * count), b"\r\n--XyZ--\r\n"]
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        sent = drive(
            app, "POST", "/upload", headers=[(b"content-type", MULTIPART)], chunks=chunks, limit=60
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sent.status == 200, sent.body
    assert b'"size":52428800' in sent.body
    assert b'"rolled":true' in sent.body, "the upload never left memory"
    assert ran == ["upload"]
    # The body is 50 MiB; the spool keeps 1 MiB in memory, then goes to a temporary file.
    assert peak < 8 * 1024 * 1024, f"peak Python allocations {peak / 2**20:.1f} MiB"


MALFORMED = [
    ("no boundary", b"multipart/form-data", multipart(part("name", b"v"))),
    ("empty boundary", b"multipart/form-data; boundary=", multipart(part("name", b"v"))),
    ("wrong boundary", b"multipart/form-data; boundary=Other", multipart(part("name", b"v"))),
    ("truncated", MULTIPART, multipart(part("name", b"v"))[:-12]),
    ("only preamble", MULTIPART, b"garbage without any boundary"),
    ("no disposition", MULTIPART, b"--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--\r\n"),
    ("bad header line", MULTIPART, b"--XyZ\r\nno colon here\r\n\r\nv\r\n--XyZ--\r\n"),
    ("invalid utf-8 value", MULTIPART, multipart(part("name", b"\xff\xfe\xfd"))),
    (
        "invalid utf-8 name",
        MULTIPART,
        multipart(part("n\xe9".encode("latin-1").decode("latin-1"), b"v")),
    ),
    ("boundary too long", b"multipart/form-data; boundary=" + b"b" * 100_000, b"--b\r\n"),
    ("urlencoded invalid utf-8", URLENCODED[1], b"name=%ff%fe"),
    ("urlencoded raw invalid utf-8", URLENCODED[1], b"name=\xff\xfe"),
    ("urlencoded bad percent", URLENCODED[1], b"name=%zz%"),
    ("urlencoded missing field", URLENCODED[1], b"other=1"),
    ("multipart missing field", MULTIPART, multipart(part("other", b"v"))),
    ("empty body", MULTIPART, b""),
]


@pytest.mark.parametrize(
    ("ctype", "body"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_forms_are_a_4xx(drive: Any, ctype: bytes, body: bytes) -> None:
    app, _ = make_app()
    sent = post(drive, app, "/fields", body, ctype)
    assert sent.error is None, repr(sent.error)
    assert sent.status is not None
    if sent.status == 200:
        # Only a lenient reading that still produced a valid `name` may pass.
        assert b'"name"' in sent.body
        return
    assert sent.status in (400, 413, 415, 422), sent.body
    assert sent.body.startswith(b'{"detail":')


def test_a_form_body_on_a_json_route_is_not_parsed(drive: Any) -> None:
    app = Faster()
    ran: list[int] = []

    @app.post("/json")
    async def handler(data: dict[str, int]) -> dict[str, int]:
        ran.append(1)
        return data

    sent = post(drive, app, "/json", b"a=1", URLENCODED[1])
    assert sent.status == 422  # as FastAPI: the raw text is not a dict
    sent = post(drive, app, "/json", multipart(part("a", b"1")))
    assert sent.status == 422
    assert ran == []
