"""The native client: the writers' requests sent by ``keel-load-driver`` instead of Python.

On a 2-core machine the client shares the cores with the server it measures. The Python
driver (``loop_driver``) costs about 1 ms of CPU per ingested run, a third as much as Keel's
server; whatever the client spends is taken from the server. ``keel-load-driver``
(``Benchmarks/LoadDriver``, built with the server: ``swift build -c release --product
keel-load-driver``) sends the same requests — the bodies are built here, byte for byte as the
Python writers build them — over the same eight keep-alive connections, one thread, each
connection sending its next request once the last one was answered, opened 50 ms apart. It
costs about a fifth as much per run. Against MLflow, which spends over 100 ms of CPU per
run, the client makes no difference; against Keel it stops charging the client's
interpreter to the server.

A plan is a list of *units* (one run's requests, say); connection ``c``'s ``k``-th unit is
``units[(c + k) % len(units)]``. Bodies may hold ``{{connection}}``, ``{{unit}}`` (``k``,
six digits), ``{{now_ms}}`` and captured values such as ``{{run_id}}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ErrorLog
from .http_client import API_PREFIX, RequestFailed
from .loop_driver import CONNECT_STAGGER

DRIVER_NAME = "keel-load-driver"
# A plan bounded by time gets this long beyond it to finish; one that never answers is an error.
_GRACE_SECONDS = 120


@dataclass
class PlannedRequest:
    """One request of a unit; ``body`` is a template (``None`` for a GET)."""

    method: str
    path: str
    endpoint: str
    body: str | None = None


def post(endpoint: str, body: str) -> PlannedRequest:
    """``POST /api/2.0/mlflow/<endpoint>`` with a JSON body template."""
    return PlannedRequest("POST", API_PREFIX + endpoint, endpoint, body)


def get(path: str) -> PlannedRequest:
    """``GET <path>``, outside the API (``/health``)."""
    return PlannedRequest("GET", path, path)


@dataclass
class Capture:
    """``{{name}}`` in later bodies: the first string value of ``field`` in request ``request``'s answer."""

    name: str
    request: int
    field: str


@dataclass
class Unit:
    requests: list[PlannedRequest]
    captures: list[Capture] = field(default_factory=list)


def find_driver(keel_bin: str | os.PathLike | None) -> Path | None:
    """``$KEEL_LOAD_DRIVER``, else ``keel-load-driver`` beside ``keel_bin`` (the same build), else ``None``."""
    if os.environ.get("KEEL_LOAD_DRIVER"):
        return Path(os.environ["KEEL_LOAD_DRIVER"])
    if keel_bin is None:
        return None
    candidate = Path(keel_bin).resolve().parent / DRIVER_NAME
    return candidate if candidate.is_file() else None


def drive(driver: Path, url: str, units: list[Unit], connections: int, errors: ErrorLog, phase: str,
          seconds: float | None = None, units_per_connection: int | None = None) -> dict:
    """Run the plan; the same totals as ``loop_driver.drive`` (``units`` counts units started).

    Failed requests go to ``errors`` under ``phase``; ``failed_units`` says how many units they
    stopped.
    """
    plan = {"url": url, "connections": connections, "connect_stagger_seconds": CONNECT_STAGGER,
            "seconds": seconds, "units_per_connection": units_per_connection,
            "max_failures": max(1, errors.abort_after - errors.total),
            "units": [asdict(unit) for unit in units]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="keel-load-plan-") as plan_file:
        json.dump(plan, plan_file)
        plan_file.flush()
        timeout = None if seconds is None else seconds + _GRACE_SECONDS
        finished = subprocess.run([str(driver), plan_file.name], capture_output=True, text=True, timeout=timeout)
    if finished.returncode != 0:
        raise OSError(f"{DRIVER_NAME} failed ({finished.returncode}): {finished.stderr.strip()[-500:]}")
    result = json.loads(finished.stdout)
    for failure in result["failures"]:
        error = RequestFailed(failure["method"], failure["endpoint"], failure["status"], failure["response"], "")
        error.payload = failure["payload_excerpt"]
        errors.record(phase, error)
    return result
