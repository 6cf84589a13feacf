"""parse_form, FormData, UploadFile and FormLimits, driven directly (no app, no server)."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Iterable
from typing import Any, TypeVar

import pytest

from fasterapi_core.exceptions import HTTPException
from fasterapi_core.forms import FormData, FormLimits, UploadFile, parse_form

T = TypeVar("T")
BOUNDARY = "----b0undary"
CT = f"multipart/form-data; boundary={BOUNDARY}"
URLENC = "application/x-www-form-urlencoded"


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


async def chunks(data: bytes, size: int = 7) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def part(
    name: str, value: bytes, *, filename: str | None = None, headers: Iterable[str] = ()
) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = "\r\n".join([disposition, *headers])
    return f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + value + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def parse(
    body: bytes, content_type: str = CT, limits: FormLimits | None = None, size: int = 7
) -> FormData:
    if limits is None:
        return run(parse_form(content_type, chunks(body, size)))
    return run(parse_form(content_type, chunks(body, size), limits))


def in_memory(upload: UploadFile) -> bool:
    return bool(upload._in_memory)


def status_of(body: bytes, content_type: str = CT, limits: FormLimits | None = None) -> int:
    with pytest.raises(HTTPException) as info:
        parse(body, content_type, limits)
    return info.value.status_code


SAMPLE = multipart(
    part("a", b"hello"),
    part("f", b"file data", filename="x.txt", headers=["Content-Type: text/plain"]),
    part("a", b"world"),
    part("empty", b""),
)


@pytest.mark.parametrize("size", [1, 7, 64, 65536])
def test_multipart_fields_and_files(size: int) -> None:
    form = parse(SAMPLE, size=size)
    assert form["a"] == "world"  # Starlette's semantics: the last value
    assert form.getlist("a") == ["hello", "world"]
    assert form["empty"] == ""
    assert [k for k, _ in form.multi_items()] == ["a", "f", "a", "empty"]
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert upload.filename == "x.txt"
    assert upload.content_type == "text/plain"
    assert upload.headers["content-type"] == "text/plain"
    assert upload.size == 9
    assert run(upload.read()) == b"file data"
    run(form.close())
    assert upload.file.closed


def test_content_type_from_headers_mapping_and_bytes() -> None:
    form = run(parse_form({"content-type": CT}, chunks(SAMPLE)))
    assert form["a"] == "world"
    run(form.close())
    form = run(parse_form(CT.encode(), chunks(SAMPLE)))
    assert form.getlist("a") == ["hello", "world"]
    run(form.close())


def test_quoted_boundary_charset_and_utf8_names() -> None:
    body = multipart(
        part(
            "latin", "café".encode("latin-1"), headers=["Content-Type: text/plain; charset=latin-1"]
        ),
        part("naïve", "ünïcode".encode(), filename="résumé.pdf"),
    )
    form = parse(body, f'multipart/form-data; boundary="{BOUNDARY}"')
    assert form["latin"] == "café"
    upload = form["naïve"]
    assert isinstance(upload, UploadFile)
    assert upload.filename == "résumé.pdf"
    assert upload.content_type is None
    run(form.close())


def test_empty_filename_is_still_a_file() -> None:
    form = parse(multipart(part("f", b"", filename="")))
    assert isinstance(form["f"], UploadFile)
    assert form["f"].filename == ""
    run(form.close())


def test_closing_boundary_without_final_crlf() -> None:
    form = parse(SAMPLE.removesuffix(b"\r\n"))
    assert form.getlist("a") == ["hello", "world"]
    run(form.close())


def test_epilogue_after_closing_boundary_is_ignored() -> None:
    form = parse(SAMPLE + b"trailing junk that is not parsed")
    assert form["a"] == "world"
    run(form.close())


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(SAMPLE, "multipart/form-data", id="no-boundary"),
        pytest.param(SAMPLE, "multipart/form-data; boundary=", id="empty-boundary"),
        pytest.param(SAMPLE, "multipart/form-data; boundary=" + "x" * 300, id="overlong-boundary"),
        pytest.param(SAMPLE, "multipart/form-data; boundary=other", id="mismatched-boundary"),
        pytest.param(SAMPLE[:-20], CT, id="truncated"),
        pytest.param(SAMPLE[: len(SAMPLE) // 2], CT, id="truncated-in-file"),
        pytest.param(b"", CT, id="empty-body"),
        pytest.param(
            f"--{BOUNDARY}\r\nContent-Disposition form-data\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode(),
            CT,
            id="header-without-colon",
        ),
        pytest.param(
            multipart(part("a", b"x").replace(b"Content-Disposition", b"Content-Type")),
            CT,
            id="no-disposition",
        ),
        pytest.param(
            multipart(part("a", b"x").replace(b"form-data", b"attachment")), CT, id="not-form-data"
        ),
        pytest.param(multipart(part("a", b"x").replace(b'; name="a"', b"")), CT, id="no-name"),
        pytest.param(multipart(part("a", b"\xff\xfe")), CT, id="invalid-utf8-value"),
        pytest.param(
            multipart(part("a", b"x", headers=["Content-Type: text/plain; charset=nope"])),
            CT,
            id="unknown-charset",
        ),
        pytest.param(
            multipart(part("a", b"x", headers=["Content-Type: text/plain; charset=undefined"])),
            CT,
            id="charset-that-always-fails",  # UnicodeError, not UnicodeDecodeError
        ),
        pytest.param(
            multipart(part("a", b"x", headers=['Content-Type: text/plain; charset="utf\x008"'])),
            CT,
            id="nul-in-charset",  # ValueError: embedded null character
        ),
        pytest.param(
            multipart(part("a", b"x")).replace(b'name="a"', b'name="\xff"'),
            CT,
            id="invalid-utf8-name",
        ),
        pytest.param(b"garbage without any boundary", CT, id="garbage"),
    ],
)
def test_malformed_multipart_is_400(body: bytes, content_type: str) -> None:
    assert status_of(body, content_type) == 400


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (FormLimits(max_parts=3), 400),
        (FormLimits(max_fields=2), 400),
        (FormLimits(max_files=0), 400),
        (FormLimits(max_field_size=4), 413),
        (FormLimits(max_part_size=4), 413),
        (FormLimits(max_fields_size=8), 413),
        (FormLimits(max_file_size=5), 413),
        (FormLimits(max_body_size=100), 413),
        (FormLimits(max_part_header_size=20), 413),
    ],
)
def test_multipart_limits(limits: FormLimits, expected: int) -> None:
    assert status_of(SAMPLE, CT, limits) == expected


def test_limits_at_the_edge_pass() -> None:
    limits = FormLimits(
        max_parts=4,
        max_fields=3,
        max_files=1,
        max_field_size=5,
        max_fields_size=10,
        max_file_size=9,
        max_body_size=len(SAMPLE),
    )
    form = parse(SAMPLE, CT, limits)
    assert form["a"] == "world"
    run(form.close())


def test_files_are_closed_when_parsing_fails() -> None:
    created: list[UploadFile] = []
    original = UploadFile.__init__

    def spy(self: UploadFile, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        created.append(self)

    body = multipart(part("f", b"x" * 100, filename="a.bin"), part("a", b"\xff"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(UploadFile, "__init__", spy)
        assert status_of(body) == 400
    assert created
    assert all(u.file.closed for u in created)


def test_urlencoded() -> None:
    form = parse(b"a=1&b=h%C3%A9+x&a=2&c&d=&e=%zz", URLENC)
    assert form.multi_items() == [
        ("a", "1"),
        ("b", "hé x"),
        ("a", "2"),
        ("c", ""),
        ("d", ""),
        ("e", "%zz"),
    ]
    assert form["a"] == "2"
    assert parse(b"", URLENC) == {}


@pytest.mark.parametrize(
    ("body", "limits", "expected"),
    [
        (b"a=%FF", None, 400),
        (b"%FF=a", None, 400),
        (b"a=1&b=2&c=3", FormLimits(max_fields=2), 400),
        (b"a=12345", FormLimits(max_field_size=4), 413),
        (b"abcde=1", FormLimits(max_field_size=4), 413),
        (b"a=123&b=456", FormLimits(max_fields_size=6), 413),
        (b"a=1" * 50, FormLimits(max_body_size=100), 413),
    ],
)
def test_urlencoded_errors(body: bytes, limits: FormLimits | None, expected: int) -> None:
    assert status_of(body, URLENC, limits) == expected


def test_content_types() -> None:
    assert status_of(b"{}", "application/json") == 415
    assert status_of(b"x", "") == 415
    assert parse(b"", "") == {}
    assert parse(b"a=1", "Application/X-WWW-Form-Urlencoded; charset=utf-8") == {"a": "1"}


def test_limits_defaults_repr_and_equality() -> None:
    limits = FormLimits()
    assert (limits.max_parts, limits.max_fields, limits.max_files) == (1000, 1000, 1000)
    assert limits.max_field_size == 1024 * 1024
    assert limits.max_part_header_size == 16 * 1024
    assert limits.max_body_size == 100 * 1024 * 1024
    assert limits.max_file_size is None
    assert FormLimits(max_part_size=5) == FormLimits(max_field_size=5)
    assert FormLimits() != FormLimits(max_files=1)
    assert FormLimits().__eq__(object()) is NotImplemented
    assert "max_parts=1000" in repr(limits)


def test_formdata_dict_behaviour() -> None:
    form = FormData([("a", "1"), ("b", "2"), ("a", "3")])
    assert isinstance(form, dict)
    assert dict(form) == {"a": "3", "b": "2"}
    form["a"] = "x"
    assert form.getlist("a") == ["x"]
    del form["b"]
    assert form.multi_items() == [("a", "x")]
    assert form.getlist("missing") == []
    assert FormData({"k": "v"}).multi_items() == [("k", "v")]
    assert repr(FormData([("k", "v")])) == "FormData([('k', 'v')])"


def test_uploadfile_spills_to_disk_and_async_io() -> None:
    async def scenario() -> None:
        upload = UploadFile(
            filename="big.bin", headers={"content-type": "application/octet-stream"}
        )
        assert upload.content_type == "application/octet-stream"
        await upload.write(b"a" * 1000)
        assert in_memory(upload)
        await upload.seek(0)
        assert await upload.read(3) == b"aaa"
        await upload.seek(1000)
        await upload.write(b"b" * (2 * 1024 * 1024))
        assert not in_memory(upload)  # rolled to disk past 1 MiB
        assert upload.size == 1000 + 2 * 1024 * 1024
        await upload.seek(999)
        assert await upload.read(2) == b"ab"
        await upload.close()
        assert upload.file.closed
        assert "big.bin" in repr(upload)

    run(scenario())


def test_uploadfile_wraps_any_file(tmp_path: Any) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"on disk")
    with path.open("rb") as fh:
        upload = UploadFile(fh, filename="f.txt", content_type="text/plain")
        assert not in_memory(upload)  # a plain file counts as "on disk": I/O in a thread
        assert run(upload.read()) == b"on disk"
        assert upload.content_type == "text/plain"


def test_large_upload_streams_in_bounded_memory() -> None:
    """A 50 MB file is written through in chunks: Python allocations stay far below its size."""
    total = 50 * 1024 * 1024
    chunk = 64 * 1024
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'.encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    block = bytes(range(256)) * (chunk // 256)

    async def body() -> AsyncIterator[bytes]:
        yield head
        for _ in range(total // chunk):
            yield block
        yield tail

    async def scenario() -> tuple[int, int]:
        tracemalloc.start()
        try:
            form = await parse_form(CT, body())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        upload = form["f"]
        assert isinstance(upload, UploadFile)
        size = upload.size or 0
        assert not in_memory(upload)
        await upload.seek(total - 256)
        assert await upload.read() == bytes(range(256))
        await form.close()
        return peak, size

    peak, size = run(scenario())
    assert size == total
    assert peak < 5 * 1024 * 1024, f"peak Python allocations {peak} bytes"


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # not Linux
        return None
    return None


@pytest.mark.skipif(_rss_bytes() is None, reason="needs /proc/self/status (Linux)")
def test_large_upload_keeps_resident_memory_flat() -> None:
    """The same 50 MB stream, measured as the OS sees it: RSS grows by far less than the file."""
    total = 50 * 1024 * 1024
    block = b"z" * (64 * 1024)
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="b"\r\n\r\n'.encode()
    )

    async def body() -> AsyncIterator[bytes]:
        yield head
        for _ in range(total // len(block)):
            yield block
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    async def scenario() -> int:
        before = _rss_bytes() or 0
        form = await parse_form(CT, body())
        grown = (_rss_bytes() or 0) - before
        await form.close()
        return grown

    grown = run(scenario())
    assert grown < 20 * 1024 * 1024, f"RSS grew by {grown} bytes for a {total}-byte upload"


def test_limits_accept_infinity_and_refuse_nonsense_at_construction() -> None:
    inf = float("inf")
    limits = FormLimits(max_files=inf, max_fields=inf, max_parts=inf, max_body_size=inf)
    assert limits.max_files == inf
    assert FormLimits(max_files=10.0).max_files == 10  # a whole float is kept as an int
    body = b"&".join(b"k%d=v" % i for i in range(2000))
    assert len(parse(body, URLENC, limits, size=4096)) == 2000
    for bad in (float("nan"), -1):
        with pytest.raises(ValueError, match="max_files must be a number >= 0"):
            FormLimits(max_files=bad)
    with pytest.raises(TypeError, match="max_fields must be an int or a float"):
        FormLimits(max_fields="10")  # type: ignore[arg-type]
