"""The Python cost of `fasterapi run`'s lean HTTP protocol per request (not run by `run.py`).

    python benchmarks/_workload/lean_protocol.py [--requests N] [--rounds R]

Over HTTP (`bench_http.py`) a request's server CPU is the kernel's socket work plus the
Python of the protocol and the app; the two cannot be told apart there, and the machine's
noise is larger than most changes to the protocol. This measures the Python alone: the same
`GET /health` bytes are fed to `FasterAPI._fastproto.LeanHttpToolsProtocol` through a
transport that only counts its writes, with uvloop's event loop running, so everything a
real request runs in Python (parsing callbacks, the scope, the eager Task, the app, both
`send`s, the keep-alive bookkeeping) runs and nothing else does. It prints microseconds of
CPU per request (median over rounds, and the best round) for the raw ASGI app of
`bench_core.py` and for FasterAPI's workload app.

To compare two versions of the protocol, run this at each and compare the medians; a
change under ~0.05 us is within this script's own noise.
"""

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvloop
from uvicorn.config import Config
from uvicorn.server import ServerState

from _workload import apps
from FasterAPI._fastproto import LeanHttpToolsProtocol

REQUEST = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: bench\r\n\r\n"
PEER = {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}


class CountingTransport:
    """What the protocol needs of a transport; writes are counted, not kept."""

    def __init__(self) -> None:
        self.writes = 0
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes += 1

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return PEER.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def measure(app: Any, requests: int, rounds: int) -> list[float]:
    """Microseconds of CPU per request in each round."""
    # As `fasterapi run` serves it: proxy headers on, the peer (127.0.0.1) trusted.
    config = Config(app=app, log_config=None, access_log=False, proxy_headers=True)
    config.load()
    state = ServerState()
    state.default_headers = [(b"server", b"uvicorn"), (b"date", b"Tue, 24 Nov 2026 12:00:00 GMT")]
    protocol = LeanHttpToolsProtocol(config=config, server_state=state, app_state={})
    transport = CountingTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    feed = protocol.data_received
    for _ in range(2000):  # warm-up
        feed(REQUEST)
    results = []
    for _ in range(rounds):
        gc.collect()
        before = transport.writes
        start = time.process_time()
        for _ in range(requests):
            feed(REQUEST)
        results.append((time.process_time() - start) / requests * 1e6)
        if transport.writes - before != requests or transport.closed:
            raise AssertionError("a request was not answered in its read, or closed it")
    protocol.connection_lost(None)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50_000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if sys.version_info < (3, 12):
        print("needs Python 3.12+ (the app must run eagerly, inside data_received)")
        return 1
    print(f"Python {sys.version.split()[0]}, {args.rounds} rounds of {args.requests:,} requests")
    print("| app | µs per request (median) | best round |")
    print("|---|---:|---:|")
    for name in ("raw", "fasterapi"):
        runs = uvloop.run(measure(getattr(apps, name), args.requests, args.rounds))
        print(f"| {name} | {statistics.median(runs):.2f} | {min(runs):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
