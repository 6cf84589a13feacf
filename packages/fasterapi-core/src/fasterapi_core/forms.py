"""Form bodies and uploaded files: `parse_form`, `FormData`, `UploadFile`, `FormLimits`.

`parse_form` streams the request body through python-multipart: chunks are fed to the parser as
they arrive, text fields are kept (bounded) in memory, and file parts go straight into
`UploadFile`s, which keep up to 1 MiB in memory and spill to a temporary file beyond that. The
body is never held whole. Every limit in `FormLimits` is checked while streaming, so a hostile
body is refused as soon as it crosses one, with a 4xx `HTTPException`:

* 413 when a size limit is crossed (body, field, file, part headers, all fields together);
* 400 for too many parts/fields/files, a missing or wrong boundary, a body that ends before its
  closing boundary, malformed part headers, or a text field that is not valid UTF-8;
* 415 for a content type that is not a form.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from fasterapi_core.exceptions import HTTPException

if TYPE_CHECKING:
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, QuerystringParser, parse_options_header
else:
    try:  # python-multipart >= 0.0.13 installs `python_multipart`; older ones only `multipart`
        from python_multipart.exceptions import FormParserError
        from python_multipart.multipart import (
            MultipartParser,
            QuerystringParser,
            parse_options_header,
        )
    except ImportError:  # pragma: no cover - depends on the installed python-multipart
        from multipart.exceptions import FormParserError
        from multipart.multipart import MultipartParser, QuerystringParser, parse_options_header

__all__ = ("FormData", "FormLimits", "UploadFile", "parse_form")

KiB = 1024
MiB = 1024 * KiB

_SPOOL_MAX_SIZE = 1 * MiB
_URLENCODED = b"application/x-www-form-urlencoded"
_MULTIPART = b"multipart/form-data"

# Newer python-multipart caps part headers itself (count and bytes); lift its caps to ours so
# that `FormLimits.max_part_header_size` is the one that decides.
_PARSER_HEADER_KWARGS = frozenset(inspect.signature(MultipartParser.__init__).parameters) & {
    "max_header_count",
    "max_header_size",
}


class UploadFile:
    """An uploaded file: memory up to 1 MiB, then a temporary file on disk.

    The async methods run the file operation in a worker thread once the data has rolled to
    disk, so a large upload never blocks the event loop; while it is in memory they run inline.

    Args:
        file: The file object to wrap; by default a new `SpooledTemporaryFile(max_size=1 MiB)`.
        size: The size in bytes, if known (kept up to date by `write`).
        filename: The client's file name (may be None or empty; never trust it as a path).
        headers: The part's headers (names in lower case).
        content_type: The part's `Content-Type`; defaults to the one in `headers`.

    Attributes:
        file: The underlying binary file object, for synchronous code.
        filename: The client's file name.
        size: Bytes written so far.
        headers: The part's headers.
        content_type: The part's media type, or None.
    """

    __slots__ = ("content_type", "file", "filename", "headers", "size")

    def __init__(
        self,
        file: IO[bytes] | None = None,
        *,
        size: int | None = None,
        filename: str | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
    ) -> None:
        self.file: IO[bytes] = (
            file if file is not None else tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX_SIZE)  # noqa: SIM115 - closed by close()
        )
        self.size = size
        self.filename = filename
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.content_type = (
            content_type if content_type is not None else self.headers.get("content-type")
        )

    @property
    def _in_memory(self) -> bool:
        # SpooledTemporaryFile sets `_rolled` once it has moved to disk; any other file is on disk.
        return not getattr(self.file, "_rolled", True)

    async def write(self, data: bytes) -> None:
        """Append `data` to the file (and count it in `size`)."""
        self.size = (self.size or 0) + len(data)
        if self._in_memory:
            self.file.write(data)
        else:
            await asyncio.to_thread(self.file.write, data)

    async def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes (all the rest with -1) from the current position."""
        if self._in_memory:
            return self.file.read(size)
        return await asyncio.to_thread(self.file.read, size)

    async def seek(self, offset: int) -> None:
        """Move to byte `offset` from the start."""
        if self._in_memory:
            self.file.seek(offset)
        else:
            await asyncio.to_thread(self.file.seek, offset)

    async def close(self) -> None:
        """Close the file (a spilled temporary file is deleted)."""
        if self._in_memory:
            self.file.close()
        else:
            await asyncio.to_thread(self.file.close)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(filename={self.filename!r}, size={self.size!r}, "
            f"content_type={self.content_type!r})"
        )


FormValue = str | UploadFile


class FormData(dict[str, FormValue]):
    """A parsed form: a `dict` of the last value for each key, plus every value in order.

    As in Starlette (and so FastAPI), `form["tag"]` gives the *last* value sent for "tag";
    `form.getlist("tag")` gives them all, and `form.multi_items()` every `(key, value)` pair in
    the order received. Item assignment and deletion keep both views in step; other `dict`
    mutators (`update`, `pop`, ...) only change the last-value view.

    Args:
        items: `(key, value)` pairs (repeated keys allowed) or a mapping.
    """

    __slots__ = ("_items",)

    def __init__(
        self, items: Iterable[tuple[str, FormValue]] | Mapping[str, FormValue] = ()
    ) -> None:
        pairs = list(items.items()) if isinstance(items, Mapping) else list(items)
        super().__init__(pairs)
        self._items: list[tuple[str, FormValue]] = pairs

    def getlist(self, key: str) -> list[FormValue]:
        """Every value sent for `key`, in order (empty if none)."""
        return [v for k, v in self._items if k == key]

    def multi_items(self) -> list[tuple[str, FormValue]]:
        """Every `(key, value)` pair, repeated keys included, in the order received."""
        return list(self._items)

    def __setitem__(self, key: str, value: FormValue) -> None:
        self._items = [(k, v) for k, v in self._items if k != key]
        self._items.append((key, value))
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._items = [(k, v) for k, v in self._items if k != key]

    async def close(self) -> None:
        """Close every `UploadFile` in the form."""
        for _, value in self._items:
            if isinstance(value, UploadFile):
                await value.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"


def _limit(name: str, value: float) -> float:
    """A limit as given, checked once: an int, or a float such as `float("inf")` (no limit).

    Limits are only compared with counts, so `inf` works as "unlimited" (Starlette's
    `request.form(max_files=float("inf"))` idiom) and never reaches `int()`.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"FormLimits: {name} must be an int or a float, got {value!r}")
    if value != value or value < 0:  # NaN compares unequal to itself
        raise ValueError(f"FormLimits: {name} must be a number >= 0, got {value!r}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class FormLimits:
    """How much of a form body `parse_form` accepts; every limit is checked while streaming.

    Args:
        max_parts: Most parts (fields + files) in a multipart body. Over: 400.
        max_fields: Most text fields (multipart or urlencoded). Over: 400.
        max_files: Most file parts. Over: 400.
        max_field_size: Largest text field value (and field name), in bytes. Over: 413.
            `max_part_size` is accepted as another name for it (Starlette's).
        max_fields_size: Largest total of all text fields, which live in memory. Over: 413.
        max_part_header_size: Largest header block of one multipart part. Over: 413.
        max_file_size: Largest single file, in bytes; None for no limit. Over: 413.
        max_body_size: Largest whole body (files included), in bytes; None for no limit.
            Over: 413.
    """

    __slots__ = (
        "max_body_size",
        "max_field_size",
        "max_fields",
        "max_fields_size",
        "max_file_size",
        "max_files",
        "max_part_header_size",
        "max_parts",
    )

    def __init__(
        self,
        *,
        max_parts: float = 1000,
        max_fields: float = 1000,
        max_files: float = 1000,
        max_field_size: float = 1 * MiB,
        max_fields_size: float = 16 * MiB,
        max_part_header_size: float = 16 * KiB,
        max_file_size: float | None = None,
        max_body_size: float | None = 100 * MiB,
        max_part_size: float | None = None,
    ) -> None:
        self.max_parts = _limit("max_parts", max_parts)
        self.max_fields = _limit("max_fields", max_fields)
        self.max_files = _limit("max_files", max_files)
        if max_part_size is not None:
            self.max_field_size = _limit("max_part_size", max_part_size)
        else:
            self.max_field_size = _limit("max_field_size", max_field_size)
        self.max_fields_size = _limit("max_fields_size", max_fields_size)
        self.max_part_header_size = _limit("max_part_header_size", max_part_header_size)
        self.max_file_size = (
            None if max_file_size is None else _limit("max_file_size", max_file_size)
        )
        self.max_body_size = (
            None if max_body_size is None else _limit("max_body_size", max_body_size)
        )

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in sorted(self.__slots__))
        return f"FormLimits({args})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FormLimits):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


DEFAULT_LIMITS = FormLimits()


def _bad(message: str) -> HTTPException:
    return HTTPException(400, message)


def _too_large(message: str) -> HTTPException:
    return HTTPException(413, message)


def _decode_text(data: bytes, charset: str, what: str) -> str:
    try:
        return data.decode(charset)
    except (ValueError, LookupError):
        # ValueError, not just UnicodeDecodeError: a client-chosen charset can also raise a
        # bare UnicodeError ("undefined") or "embedded null character" (a NUL in its name).
        raise _bad(f"{what} is not valid {charset}") from None


async def parse_form(
    content_type: str | bytes | Mapping[str, str],
    stream: AsyncIterator[bytes],
    limits: FormLimits = DEFAULT_LIMITS,
) -> FormData:
    """Parse a `multipart/form-data` or `application/x-www-form-urlencoded` body as it streams.

    Args:
        content_type: The request's `Content-Type` value, or its headers (a mapping with a
            "content-type" key, such as `request.headers`).
        stream: The body, chunk by chunk (`request.stream()`).
        limits: The limits to enforce.

    Returns:
        The form. The caller owns its files: `await form.close()` when done.

    Raises:
        HTTPException: 400, 413 or 415 for a body that is malformed, too large or not a form
            (see the module docstring). Files created so far are closed first.
    """
    if isinstance(content_type, Mapping):
        content_type = content_type.get("content-type", "")
    media, options = parse_options_header(content_type)
    media = media.lower()
    if media == _MULTIPART:
        boundary = options.get(b"boundary")
        if not boundary:
            raise _bad("multipart/form-data body without a boundary in its Content-Type")
        if len(boundary) > 200:
            raise _bad("multipart boundary too long")
        parser: _Multipart | _Urlencoded = _Multipart(boundary, limits)
    elif media == _URLENCODED:
        parser = _Urlencoded(limits)
    elif not media:
        # No Content-Type: an empty body is an empty form (the route's fields then report
        # themselves missing); anything else is not a form we can read.
        async for chunk in stream:
            if chunk:
                raise HTTPException(415, "Expected a form body (multipart or urlencoded)")
        return FormData()
    else:
        raise HTTPException(415, f"Unsupported form content type {media.decode('latin-1')!r}")
    return await parser.run(stream)


class _Urlencoded:
    """Callbacks for python-multipart's QuerystringParser, with the limits applied."""

    __slots__ = ("_fields_total", "_items", "_limits", "_name", "_value")

    def __init__(self, limits: FormLimits) -> None:
        self._limits = limits
        self._items: list[tuple[str, FormValue]] = []
        self._name = bytearray()
        self._value = bytearray()
        self._fields_total = 0

    def _on_field_start(self) -> None:
        if len(self._items) >= self._limits.max_fields:
            raise _bad(f"Too many form fields: the limit is {self._limits.max_fields}")
        self._name.clear()
        self._value.clear()

    def _grow(self, buf: bytearray, data: bytes, start: int, end: int) -> None:
        n = end - start
        self._fields_total += n
        if len(buf) + n > self._limits.max_field_size:
            raise _too_large(f"Form field larger than {self._limits.max_field_size} bytes")
        if self._fields_total > self._limits.max_fields_size:
            raise _too_large(f"Form fields larger than {self._limits.max_fields_size} bytes in all")
        buf += data[start:end]

    def _on_field_name(self, data: bytes, start: int, end: int) -> None:
        self._grow(self._name, data, start, end)

    def _on_field_data(self, data: bytes, start: int, end: int) -> None:
        self._grow(self._value, data, start, end)

    def _on_field_end(self) -> None:
        name = unquote_to_bytes(bytes(self._name).replace(b"+", b" "))
        value = unquote_to_bytes(bytes(self._value).replace(b"+", b" "))
        self._items.append(
            (
                _decode_text(name, "utf-8", "Form field name"),
                _decode_text(value, "utf-8", "Form field value"),
            )
        )

    async def run(self, stream: AsyncIterator[bytes]) -> FormData:
        parser = QuerystringParser(
            {
                "on_field_start": self._on_field_start,
                "on_field_name": self._on_field_name,
                "on_field_data": self._on_field_data,
                "on_field_end": self._on_field_end,
            }
        )
        max_body = self._limits.max_body_size
        received = 0
        try:
            async for chunk in stream:
                received += len(chunk)
                if max_body is not None and received > max_body:
                    raise _too_large(f"Form body larger than {max_body} bytes")
                parser.write(chunk)
            parser.finalize()
        except FormParserError as exc:
            raise _bad(f"Malformed form body: {exc}") from None
        return FormData(self._items)


class _Multipart:
    """Callbacks for python-multipart's MultipartParser, with the limits applied.

    Callbacks run synchronously inside `parser.write`; file data they see is queued in
    `_pending` and written (possibly in a thread) after each chunk, in order.
    """

    __slots__ = (
        "_boundary",
        "_charset",
        "_data",
        "_ended",
        "_fields",
        "_fields_total",
        "_file",
        "_files",
        "_header_field",
        "_header_size",
        "_header_value",
        "_headers",
        "_items",
        "_limits",
        "_name",
        "_parts",
        "_pending",
        "_uploads",
    )

    def __init__(self, boundary: bytes, limits: FormLimits) -> None:
        self._boundary = boundary
        self._limits = limits
        self._items: list[tuple[str, FormValue]] = []
        self._uploads: list[UploadFile] = []
        self._pending: list[tuple[UploadFile, bytes]] = []
        self._parts = self._fields = self._files = self._fields_total = 0
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._header_size = 0
        self._headers: dict[str, str] = {}
        self._name = ""
        self._charset = "utf-8"
        self._file: UploadFile | None = None
        self._data = bytearray()
        self._ended = False

    # -- parser callbacks ----------------------------------------------------------------
    def _on_part_begin(self) -> None:
        self._parts += 1
        if self._parts > self._limits.max_parts:
            raise _bad(f"Too many multipart parts: the limit is {self._limits.max_parts}")
        self._headers = {}
        self._header_size = 0
        self._header_field.clear()
        self._header_value.clear()
        self._data.clear()
        self._file = None

    def _count_header(self, n: int) -> None:
        self._header_size += n
        if self._header_size > self._limits.max_part_header_size:
            raise _too_large(
                f"Multipart part headers larger than {self._limits.max_part_header_size} bytes"
            )

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._header_field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        name = self._header_field.decode("latin-1").strip().lower()
        self._headers[name] = self._header_value.decode("latin-1").strip()
        self._header_field.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get("content-disposition"))
        if disposition.lower() != b"form-data":
            raise _bad("Multipart part without a 'Content-Disposition: form-data' header")
        raw_name = options.get(b"name")
        if raw_name is None:
            raise _bad("Multipart part without a field name")
        self._name = _decode_text(raw_name, "utf-8", "Multipart field name")
        raw_filename = options.get(b"filename")
        limits = self._limits
        if raw_filename is not None:
            self._files += 1
            if self._files > limits.max_files:
                raise _bad(f"Too many files: the limit is {limits.max_files}")
            upload = UploadFile(
                filename=_decode_text(raw_filename, "utf-8", "File name"),
                headers=self._headers,
                size=0,
            )
            self._uploads.append(upload)
            self._file = upload
        else:
            self._fields += 1
            if self._fields > limits.max_fields:
                raise _bad(f"Too many form fields: the limit is {limits.max_fields}")
            _, ct_options = parse_options_header(self._headers.get("content-type"))
            charset = ct_options.get(b"charset")
            self._charset = charset.decode("latin-1") if charset else "utf-8"

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        n = end - start
        upload = self._file
        if upload is not None:
            limit = self._limits.max_file_size
            upload.size = (upload.size or 0) + n
            if limit is not None and upload.size > limit:
                raise _too_large(f"File larger than {limit} bytes")
            # `size` is counted here; _flush writes straight to the file.
            self._pending.append((upload, data[start:end]))
            return
        self._fields_total += n
        if len(self._data) + n > self._limits.max_field_size:
            raise _too_large(f"Form field larger than {self._limits.max_field_size} bytes")
        if self._fields_total > self._limits.max_fields_size:
            raise _too_large(f"Form fields larger than {self._limits.max_fields_size} bytes in all")
        self._data += data[start:end]

    def _on_part_end(self) -> None:
        if self._file is not None:
            self._items.append((self._name, self._file))
        else:
            value = _decode_text(bytes(self._data), self._charset, f"Form field {self._name!r}")
            self._items.append((self._name, value))

    def _on_end(self) -> None:
        self._ended = True

    # -- driving -------------------------------------------------------------------------
    async def _flush(self) -> None:
        for upload, data in self._pending:
            # Not upload.write(): `size` was already counted in _on_part_data.
            if upload._in_memory:
                upload.file.write(data)
            else:
                await asyncio.to_thread(upload.file.write, data)
        self._pending.clear()

    async def run(self, stream: AsyncIterator[bytes]) -> FormData:
        callbacks = {
            "on_part_begin": self._on_part_begin,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_end": self._on_end,
        }
        kwargs: dict[str, Any] = {}
        # Its caps are per header line and per count; ours (all header bytes of a part, checked
        # in the callbacks, so at most one chunk late) bounds both, so lift its caps out of the way.
        if "max_header_size" in _PARSER_HEADER_KWARGS:
            kwargs["max_header_size"] = 1 << 40
        if "max_header_count" in _PARSER_HEADER_KWARGS:
            kwargs["max_header_count"] = 1 << 40
        max_body = self._limits.max_body_size
        received = 0
        try:
            parser = MultipartParser(self._boundary, callbacks, **kwargs)  # type: ignore[arg-type]
            async for chunk in stream:
                received += len(chunk)
                if max_body is not None and received > max_body:
                    raise _too_large(f"Form body larger than {max_body} bytes")
                parser.write(chunk)
                if self._pending:
                    await self._flush()
                if self._ended:
                    break  # anything after the closing boundary is an epilogue: ignored
            parser.finalize()
            if not self._ended:
                raise _bad("Multipart body ended before its closing boundary")
            for upload in self._uploads:
                await upload.seek(0)
        except FormParserError as exc:
            await self._close_uploads()
            raise _bad(f"Malformed multipart body: {exc}") from None
        except BaseException:
            await self._close_uploads()
            raise
        return FormData(self._items)

    async def _close_uploads(self) -> None:
        self._pending.clear()
        for upload in self._uploads:
            with contextlib.suppress(OSError):
                await upload.close()
