"""Property tests: whatever bytes arrive, parse_form returns a form or raises a 4xx, nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fasterapi_core.exceptions import HTTPException
from fasterapi_core.forms import FormData, FormLimits, parse_form

VALID = (
    b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nhello\r\n'
    b'--b\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\nfile data\r\n--b--\r\n"
)
LIMITS = FormLimits(max_parts=5, max_field_size=64, max_part_header_size=256, max_body_size=4096)
FUZZ = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def outcome(content_type: str, body: bytes, chunk: int) -> int:
    async def stream() -> AsyncIterator[bytes]:
        for i in range(0, len(body), chunk):
            yield body[i : i + chunk]

    async def main() -> int:
        try:
            form = await parse_form(content_type, stream(), LIMITS)
        except HTTPException as exc:
            return exc.status_code
        assert isinstance(form, FormData)
        await form.close()
        return 200

    return asyncio.run(main())


@FUZZ
@given(body=st.binary(max_size=600), chunk=st.integers(1, 64))
def test_random_multipart_bytes(body: bytes, chunk: int) -> None:
    assert outcome("multipart/form-data; boundary=b", body, chunk) in (200, 400, 413)


@FUZZ
@given(
    cut=st.integers(0, len(VALID)),
    flip=st.integers(0, len(VALID) - 1),
    byte=st.integers(0, 255),
    chunk=st.integers(1, 64),
)
def test_mutated_multipart(cut: int, flip: int, byte: int, chunk: int) -> None:
    body = bytearray(VALID)
    body[flip] = byte
    assert outcome("multipart/form-data; boundary=b", bytes(body[:cut]), chunk) in (200, 400, 413)


@FUZZ
@given(body=st.binary(max_size=600), chunk=st.integers(1, 64))
def test_random_urlencoded_bytes(body: bytes, chunk: int) -> None:
    assert outcome("application/x-www-form-urlencoded", body, chunk) in (200, 400, 413)
