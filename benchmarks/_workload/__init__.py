"""Shared pieces of the HTTP and scale benchmarks (private: only `bench_*.py` import these).

* `apps`    - the ASGI apps the servers load (`_workload.apps:fasterapi`, ...): the standard
              workload comes from `bench_core.py`; the upload/download/slow apps are here.
* `loadgen` - HTTP/1.1 keep-alive load: `wrk` when it is installed, else a small asyncio
              raw-socket generator; both report requests/s, p50 and p99.
* `servers` - start a server pinned to one core on 127.0.0.1, wait until it answers, stop it.
"""
