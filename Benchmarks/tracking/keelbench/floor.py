"""Phase 0 — the HTTP floor: what one request costs when the server does no work.

The same writers send ``GET /health`` back to back on their keep-alive
connections. What that costs the server (framework, kernel, loopback TCP) and
this client is a cost every ingest request pays before any tracking work, so
it bounds the ingest rate a server could reach on this machine:

    ceiling runs/s = floor requests/s / requests per run

The ingest phase's share of that ceiling shows how much of the remaining time
is the server's own work and how much is the machine and the client.
"""

from __future__ import annotations

import time
from pathlib import Path

from . import native_driver
from .errors import ErrorLog
from .ingest import REQUESTS_PER_RUN
from .loop_driver import Writer, drive, get
from .memory import tree_cpu_seconds

HEALTH_PATH = "/health"


def measure_floor(url: str, pid: int | None, writers: int, seconds: float, driver: Path | None = None) -> dict:
    """``writers`` connections GET /health for ``seconds`` through the ingest's driver; requests/s and CPU."""
    cpu_before = tree_cpu_seconds(pid) if pid else None
    if driver is not None:
        errors = ErrorLog()
        totals = native_driver.drive(driver, url, [native_driver.Unit([native_driver.get(HEALTH_PATH)])], writers,
                                     errors, "floor", seconds=seconds)
        if errors.total:
            raise OSError(f"GET {HEALTH_PATH} failed: {errors.examples[0]['response']}")
    else:
        deadline = time.perf_counter() + seconds

        def writer() -> Writer:
            sent = 0
            while time.perf_counter() < deadline:
                yield get(HEALTH_PATH)
                sent += 1
            return sent

        totals = drive(url, [writer() for _ in range(writers)])
    requests = totals["units"]
    result = {
        "writers": writers,
        "seconds": totals["seconds"],
        "requests": requests,
        "requests_per_s": requests / totals["seconds"],
        "client_cpu_us_per_request": totals["client_cpu_seconds"] * 1e6 / requests if requests else None,
    }
    if cpu_before is not None and requests:
        result["server_cpu_us_per_request"] = (tree_cpu_seconds(pid) - cpu_before) * 1e6 / requests
    return result


def ceiling_runs_per_s(floor: dict | None) -> float | None:
    """The ingest rate this server would reach if its tracking work cost nothing."""
    if not floor or not floor.get("requests_per_s"):
        return None
    return floor["requests_per_s"] / REQUESTS_PER_RUN
