"""Path operations that `yield`: their items are streamed as JSON Lines or Server-Sent Events.

As in FastAPI (>= 0.135): a generator endpoint with the default response class streams JSON
Lines (`application/jsonl`, one JSON document per line); with `response_class=
EventSourceResponse` it streams SSE. The item type comes from the return annotation
(`-> AsyncIterable[Item]`); each item is validated against it and encoded compactly.
Without an annotation, items are encoded like `json.dumps` (with its spaces).
"""

from __future__ import annotations

import asyncio
import collections.abc
import contextlib
import functools
import inspect
import json
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import msgspec
import msgspec.inspect

from fasterapi_core._concurrency import iterate_in_threadpool
from fasterapi_core._plan.compile import contains_pydantic
from fasterapi_core._plan.errors import pydantic_response_errors, validation_errors
from fasterapi_core.exceptions import ResponseValidationError
from fasterapi_core.responses import encode_json
from fasterapi_core.sse import ServerSentEvent, format_sse_event

__all__ = (
    "generator_caller",
    "is_generator_callable",
    "item_encoder",
    "jsonl_body",
    "sse_body",
    "stream_item_type",
)

_STREAM_ORIGINS = frozenset(
    {
        collections.abc.AsyncIterable,
        collections.abc.AsyncIterator,
        collections.abc.AsyncGenerator,
        collections.abc.Iterable,
        collections.abc.Iterator,
        collections.abc.Generator,
    }
)

Encoder = Callable[[Any], bytes]


def is_generator_callable(call: Any) -> bool:
    """True for a (sync or async) generator function, also behind `partial` or `__call__`."""
    target = call
    while isinstance(target, functools.partial):
        target = target.func
    if not (inspect.isfunction(target) or inspect.ismethod(target)):
        target = getattr(target, "__call__", target)  # noqa: B004 - callable instances
    return inspect.isasyncgenfunction(target) or inspect.isgeneratorfunction(target)


def stream_item_type(annotation: Any) -> Any | None:
    """`Item` for `AsyncIterable[Item]`, `Iterator[Item]`, ... (`Any` without arguments)."""
    if typing.get_origin(annotation) in _STREAM_ORIGINS:
        args = typing.get_args(annotation)
        return args[0] if args else Any
    return None


def generator_caller(endpoint: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """`endpoint` as a coroutine function returning its generator (the plan calls it once).

    The wrapper keeps the endpoint's signature (`__wrapped__`), so parameters and
    dependencies are read from the endpoint as usual.
    """

    async def call(*args: Any, **kwargs: Any) -> Any:
        return endpoint(*args, **kwargs)

    functools.update_wrapper(call, endpoint)
    return call


def _as_builtins(obj: Any) -> Any:
    dump = getattr(obj, "model_dump", None)
    if dump is not None:
        return dump(mode="json")
    if hasattr(obj, "__dict__"):
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    raise TypeError(f"cannot encode {type(obj).__name__}")


def _plain_json(value: Any) -> bytes:
    # FastAPI's `json.dumps(jsonable_encoder(value))`: spaces after separators, ASCII only,
    # non-finite floats as null (msgspec writes them as null already).
    return json.dumps(msgspec.json.decode(encode_json(value))).encode("utf-8")


def item_encoder(
    item: Any | None,
    *,
    by_alias: bool = True,
    exclude_unset: bool = False,
    exclude_defaults: bool = False,
    exclude_none: bool = False,
) -> Encoder:
    """A function validating one streamed item against `item` and returning its JSON.

    Raises (from the returned function):
        ResponseValidationError: The item does not match `item` (loc starts with "response").
    """
    if item is None:
        return _plain_json
    if item is Any or item is object:
        return encode_json
    if contains_pydantic(item):
        from pydantic import TypeAdapter

        adapter: Any = TypeAdapter(item)

        def encode_pydantic(value: Any) -> bytes:
            try:
                validated = adapter.validate_python(value, from_attributes=True)
            except Exception as exc:
                errors = pydantic_response_errors(exc)
                if errors is None:
                    raise
                raise ResponseValidationError(errors, body=value) from None
            data: bytes = adapter.dump_json(
                validated,
                by_alias=by_alias,
                exclude_unset=exclude_unset,
                exclude_defaults=exclude_defaults,
                exclude_none=exclude_none,
            )
            return data

        return encode_pydantic
    try:
        info = msgspec.inspect.type_info(item)
    except TypeError:
        info = None
    if info is None or isinstance(info, msgspec.inspect.CustomType):
        # A type msgspec cannot validate (an arbitrary class): the item is encoded as it is.
        return encode_json

    def encode_checked(value: Any) -> bytes:
        try:
            data = msgspec.to_builtins(value, enc_hook=_as_builtins)
        except TypeError:
            data = value
        try:
            # Through builtins, so an instance of the item type is validated too (a dataclass
            # holding an int where a float is declared is sent as 1.0, as pydantic does).
            validated = msgspec.convert(data, item, strict=False)
        except msgspec.ValidationError as exc:
            raise ResponseValidationError(
                validation_errors(exc, ["response"], data), body=value
            ) from None
        return encode_json(validated)

    return encode_checked


async def _close(source: Any) -> None:
    aclose = getattr(source, "aclose", None)
    if aclose is not None:
        await aclose()
        return
    close = getattr(source, "close", None)
    if close is not None:
        # A sync generator may still be running in a worker thread: it then ends by itself.
        with contextlib.suppress(ValueError):
            close()


def jsonl_body(source: Any, encode: Encoder) -> AsyncIterator[bytes] | Iterator[bytes]:
    """The JSON Lines body of a generator: one encoded item and a newline per item.

    A sync generator stays sync (the response iterates it in the thread pool).
    """
    if hasattr(source, "__anext__"):
        return _jsonl_async(source, encode)
    return _jsonl_sync(source, encode)


async def _jsonl_async(source: Any, encode: Encoder) -> AsyncIterator[bytes]:
    try:
        async for item in source:
            yield encode(item) + b"\n"
    finally:
        await _close(source)


def _jsonl_sync(source: Any, encode: Encoder) -> Iterator[bytes]:
    try:
        for item in source:
            yield encode(item) + b"\n"
    finally:
        source.close()


def _event_data(item: ServerSentEvent) -> str | None:
    if item.raw_data is not None:
        return item.raw_data
    data = item.data
    if data is None:
        return None
    dump_json = getattr(data, "model_dump_json", None)
    if dump_json is not None:
        text: str = dump_json()
        return text
    return _plain_json(data).decode("utf-8")


def sse_event(item: Any, encode: Encoder) -> bytes:
    """One yielded item as SSE bytes: a `ServerSentEvent` as given, else `data: <json>`."""
    if isinstance(item, ServerSentEvent):
        # The event's own data is not validated against the item type (as FastAPI).
        return format_sse_event(
            data_str=_event_data(item),
            event=item.event,
            id=item.id,
            retry=item.retry,
            comment=item.comment,
        )
    return format_sse_event(data_str=encode(item).decode("utf-8"))


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


async def sse_body(
    source: Any, encode: Encoder, *, ping_interval: float, ping: bytes
) -> AsyncIterator[bytes]:
    """The SSE body of a generator, with a `ping` comment whenever it is idle `ping_interval`s.

    The generator runs in a task of its own, so waiting for the next item never cancels it;
    it is closed (its `finally` blocks run) when the body ends or the client goes away.
    """
    items: AsyncIterator[Any] = (
        source if hasattr(source, "__anext__") else iterate_in_threadpool(source)
    )
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=1)

    async def produce() -> None:
        try:
            async for item in items:
                await queue.put(sse_event(item, encode))
        except Exception as exc:
            await queue.put(_Failed(exc))
        else:
            await queue.put(_DONE)

    task = asyncio.ensure_future(produce())
    getter: asyncio.Future[Any] | None = None
    try:
        while True:
            if getter is None:
                getter = asyncio.ensure_future(queue.get())
            # Not wait_for: on Python 3.10 it can swallow the cancellation that stops the
            # stream when the client goes away, if an item arrives at the same moment.
            done, _ = await asyncio.wait({getter}, timeout=ping_interval)
            if not done:
                yield ping
                continue
            chunk = getter.result()
            getter = None
            if chunk is _DONE:
                return
            if isinstance(chunk, _Failed):
                raise chunk.error
            yield chunk
    finally:
        if getter is not None:
            getter.cancel()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await _close(source)
