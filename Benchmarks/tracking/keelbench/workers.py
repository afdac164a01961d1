"""Run N writer threads, each with its own keep-alive connection.

Threads (not processes) on purpose: the GIL caps the whole client at one core,
so on a small machine the server always keeps at least one core to itself,
for both servers alike. The client CPU time is measured and reported so it can
be checked that the client was not the bottleneck.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from .http_client import RestClient

Worker = Callable[[int, RestClient], int]


def run_writers(url: str, count: int, worker: Worker) -> dict:
    """Call ``worker(index, client)`` on ``count`` threads; each returns its unit count (runs).

    Returns wall time, total units, total requests, and the client's CPU time.
    """
    units = [0] * count
    requests = [0] * count
    failures: list[BaseException] = []

    def body(index: int) -> None:
        client = RestClient(url)
        try:
            units[index] = worker(index, client)
        except BaseException as exc:  # surfaced after join; a dead writer must not go unnoticed
            failures.append(exc)
        finally:
            requests[index] = client.requests_sent
            client.close()

    threads = [threading.Thread(target=body, args=(i,), name=f"writer-{i}") for i in range(count)]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if failures:
        raise failures[0]
    return {"seconds": wall, "units": sum(units), "requests": sum(requests), "client_cpu_seconds": cpu}
