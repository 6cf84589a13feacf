"""uvicorn's httptools protocol with a bounded request head and a header-read timeout.

uvicorn's only header limit (`h11_max_incomplete_event_size`) is read by its h11 protocol,
and nothing bounds how long a request head may take. `LimitedHttpToolsProtocol` adds, per
request:

- at most `max_header_bytes` of request target + header lines and at most `max_headers`
  header lines: past either, a 431 (a 414 when the parser is still in the target) and the
  connection is closed. A complete head is counted exactly when it ends, but only if more
  than the limit was read since the previous head (so the common case costs nothing); a
  head still incomplete after a read is bounded by the bytes read while it was open (the
  rest of a read that began in a body is not counted: the bound is the limit plus a read);
- a head that is still incomplete `header_timeout` seconds after the connection opened (or
  after its first byte on a kept-alive connection) closes the connection, with a 408 if
  the request had begun;
- `limit_concurrency` counts requests in flight (uvicorn's ASGI tasks) only: a connection
  waiting for a request head is not concurrency, so held-open connections cannot make
  everyone else get 503. They are bounded by the header timeout instead.

The hot path adds a few integer operations per read and per header. The uvicorn internals
this relies on are checked once (`missing_internals`); `_server` falls back to the stock
protocol, with a warning, when any is gone.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

__all__ = ("HeadLimits", "LimitedHttpToolsProtocol", "missing_internals", "protocol_factory")

# Methods we override or call, and the attributes uvicorn's methods must set.
_METHODS = (
    "connection_made",
    "connection_lost",
    "data_received",
    "on_message_begin",
    "on_headers_complete",
    "on_message_complete",
    "send_400_response",
)
_ATTRIBUTES = {
    "__init__": (
        "limit_concurrency",
        "tasks",
        "transport",
        "loop",
        "cycle",
        "server_state",
        "flow",
    ),
    "on_message_begin": ("url", "headers"),
}

_REASONS = {
    408: b"Request header timeout.",
    414: b"Request target too long.",
    431: b"Request header fields too large.",
}


@dataclass(frozen=True, slots=True)
class HeadLimits:
    """How large and how slow a request head may be (see the module docstring)."""

    max_header_bytes: int = 16 * 1024
    max_headers: int = 100
    header_timeout: float = 10.0


class _Refused(Exception):
    """Raised in a parser callback to stop httptools; the status is already recorded."""


def missing_internals(base: type[Any] = HttpToolsProtocol) -> list[str]:
    """The uvicorn internals `LimitedHttpToolsProtocol` needs that `base` lacks."""
    missing = [f"{base.__name__}.{m}" for m in _METHODS if not callable(getattr(base, m, None))]
    for method, attributes in _ATTRIBUTES.items():
        code = getattr(getattr(base, method, None), "__code__", None)
        names = set(getattr(code, "co_names", ()))
        missing += [f"self.{a} (set in {method})" for a in attributes if a not in names]
    return missing


def protocol_factory(limits: HeadLimits) -> Callable[..., asyncio.Protocol]:
    """What uvicorn's `http=` gets: it calls it like a protocol class.

    A `functools.partial` of a module-level class, so it pickles into `--workers` processes.
    """
    return functools.partial(LimitedHttpToolsProtocol, limits=limits)


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` with `HeadLimits` and in-flight-only `limit_concurrency`."""

    def __init__(self, *args: Any, limits: HeadLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = limits or HeadLimits()
        self._max_bytes = limits.max_header_bytes
        self._max_headers = limits.max_headers
        self._header_timeout = limits.header_timeout
        # uvicorn's own check counts open connections too; we check in-flight requests and
        # switch uvicorn's on only for a request that is over (on_headers_complete).
        self._limit: int | None = self.limit_concurrency
        self.limit_concurrency = None
        self._awaiting_head = True  # between requests or inside a head
        self._head_started = False  # the current head had its first byte
        self._read_bytes = 0  # bytes of reads that started while awaiting a head
        self._since_head = 0  # at least the bytes of the head being read (an upper bound)
        self._last_read = 0
        self._refusal = 0  # status we are refusing with, 0 while all is well
        # One timer per connection, pushed back to each head's deadline when it fires
        # (cheaper than a timer per request).
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_deadline = 0.0
        self._timing = False  # the current head has a deadline

    # --- connection -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._last_read = len(data)
        self._since_head += self._last_read
        if not self._awaiting_head:  # a body (or an upgrade): the stock path
            super().data_received(data)
            return
        if self._refusal:  # refused already: nothing more is parsed
            return
        if not self._timing:
            self._start_head_clock()
        self._read_bytes += len(data)
        super().data_received(data)
        if (
            self._awaiting_head
            and self._read_bytes > self._max_bytes
            and not self._refusal
            and not self.transport.is_closing()
        ):
            self._refuse(414 if self._head_started and len(self.url) > self._max_bytes else 431)

    # --- parser callbacks -------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_started = True
        if not self._timing:
            self._start_head_clock()

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._head_started = False
        self._timing = False
        if self._since_head > self._max_bytes or len(self.headers) > self._max_headers:
            self._check_head()  # rare: only when this much was read since the last head
        # The rest of this read may hold the next head (pipelining): count all of it.
        self._since_head = self._last_read
        limit = self._limit
        if limit is not None and len(self.tasks) >= limit:
            # Over: let uvicorn answer 503 the way it does (its check passes at 0).
            self.limit_concurrency = 0
            try:
                super().on_headers_complete()
            finally:
                self.limit_concurrency = None
        else:
            super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._awaiting_head = True
        self._read_bytes = 0

    def _check_head(self) -> None:
        """Count the complete head exactly; raise `_Refused` (stops the parser) if over."""
        if len(self.url) > self._max_bytes:
            self._refusal = 414
            raise _Refused
        headers = self.headers
        size = len(self.url) + 4 * len(headers) + sum(len(n) + len(v) for n, v in headers)
        if size > self._max_bytes or len(headers) > self._max_headers:
            self._refusal = 431
            raise _Refused

    # --- refusing ---------------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this for any parser error, ours (a `_Refused` in a callback) included.
        if self._refusal:
            if not self.transport.is_closing():
                self._refuse(self._refusal)
        else:
            super().send_400_response(msg)

    def _refuse(self, status: int) -> None:
        self._refusal = status
        self._timing = False
        self.logger.warning(
            "Refused a request head with %d (limits: %d bytes, %d headers).",
            status,
            self._max_bytes,
            self._max_headers,
        )
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # A pipelined head went wrong while the previous response is still being sent:
            # let that response finish, then close (the cycle closes without keep-alive).
            cycle.keep_alive = False
            self.flow.pause_reading()
            return
        self._send_and_close(status)

    def _send_and_close(self, status: int) -> None:
        body = _REASONS[status]
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: text/plain; charset=utf-8\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()

    # --- header timeout ---------------------------------------------------------------

    def _start_head_clock(self) -> None:
        self._timing = True
        self._head_deadline = self.loop.time() + self._header_timeout
        if self._head_timer is None:
            self._head_timer = self.loop.call_at(self._head_deadline, self._head_timed_out)

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not (self._awaiting_head and self._timing):
            return  # no head is being waited for; the next one starts the clock again
        now = self.loop.time()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # The app is still answering the previous request; the next head waits for it.
            self._head_timer = self.loop.call_at(now + self._header_timeout, self._head_timed_out)
            return
        if now < self._head_deadline - 0.005:  # a later head's deadline: wait on
            self._head_timer = self.loop.call_at(self._head_deadline, self._head_timed_out)
            return
        if self._head_started or self._read_bytes:  # (a head begins before its target)
            self.logger.info(
                "Closed a connection whose request head was incomplete after %g s.",
                self._header_timeout,
            )
            self._refusal = 408
            self._send_and_close(408)
        else:
            self.transport.close()
