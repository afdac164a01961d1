"""Phase 1 — concurrent ingest, the way a training fleet logs.

Each writer repeatedly performs one run's life cycle (8 requests, each sent
once the one before it was answered, on the writer's own connection):
``runs/create`` → one ``runs/log-batch`` (20 params, 5 tags, 2 metrics × 50
steps) → 5 ``runs/log-metric`` → ``runs/update`` FINISHED. Writers stop after
a fixed duration (fair to a slow server: both get the same wall time) or after
a fixed number of runs each. The writers share one thread: ``keel-load-driver``
(``native_driver``) when it is built, else the Python ``loop_driver``. Both send
the same bodies; the native one costs the shared cores far less.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from . import dataset
from .errors import ErrorLog
from .http_client import RequestFailed, RestClient
from . import native_driver
from .loop_driver import Writer, drive, post

LIVE_METRIC_CALLS = 5
# create, log-batch, the live log-metric calls, update
REQUESTS_PER_RUN = 3 + LIVE_METRIC_CALLS


@dataclass
class IngestPlan:
    writers: int
    seconds: float | None  # stop after this long ...
    runs_per_writer: int | None  # ... or after this many runs each
    steps: int = 50
    driver: Path | None = None  # keel-load-driver; None: the Python loop driver


def create_experiment(client: RestClient, name: str) -> str:
    return client.post("experiments/create", {"name": name})["experiment_id"]


TEMPLATE_POOL = 16  # distinct run contents cycled through by the writers


def _writer(index: int, experiment_id: str, plan: IngestPlan, deadline: float | None, errors: ErrorLog,
            specs: list[dataset.RunSpec], batches: list[dataset.LogBatchTemplate]) -> Writer:
    """One writer: runs one after the other, each the 8-request life cycle; returns runs attempted."""
    done = 0
    while not errors.too_many():
        if deadline is not None and time.perf_counter() >= deadline:
            break
        if plan.runs_per_writer is not None and done >= plan.runs_per_writer:
            break
        slot = (index + done) % TEMPLATE_POOL
        spec = specs[slot]
        try:
            create = dict(dataset.create_payload(experiment_id, spec), run_name=f"ingest-w{index}-{done:06d}")
            created = yield post("runs/create", json.dumps(create).encode())
            run_id = created.json()["run"]["info"]["run_id"]
            yield post("runs/log-batch", batches[slot].render(run_id))
            for step in range(LIVE_METRIC_CALLS):
                yield post("runs/log-metric", json.dumps({
                    "run_id": run_id, "run_uuid": run_id, "key": "live", "value": step / LIVE_METRIC_CALLS,
                    "timestamp": int(time.time() * 1000), "step": step}).encode())
            yield post("runs/update", json.dumps(dataset.finish_payload(run_id, spec)).encode())
        except RequestFailed as failure:
            errors.record("ingest", failure)
        done += 1  # attempted; successful runs are counted by the caller
    return done


def _native_units(experiment_id: str, specs: list[dataset.RunSpec],
                  batches: list[dataset.LogBatchTemplate]) -> list[native_driver.Unit]:
    """The writers' run life cycle as ``keel-load-driver`` units: the Python writer's bodies, with holes."""
    units = []
    for spec, batch in zip(specs, batches):
        create = dict(dataset.create_payload(experiment_id, spec), run_name="ingest-w{{connection}}-{{unit}}")
        live = [native_driver.post("runs/log-metric", json.dumps({
            "run_id": "{{run_id}}", "run_uuid": "{{run_id}}", "key": "live", "value": step / LIVE_METRIC_CALLS,
            "timestamp": "{{now_ms}}", "step": step}).replace('"{{now_ms}}"', "{{now_ms}}"))
            for step in range(LIVE_METRIC_CALLS)]
        units.append(native_driver.Unit(
            [native_driver.post("runs/create", json.dumps(create)),
             native_driver.post("runs/log-batch", (batch.head + b"{{run_id}}" + batch.tail).decode()),
             *live,
             native_driver.post("runs/update", json.dumps(dataset.finish_payload("{{run_id}}", spec)))],
            [native_driver.Capture("run_id", 0, "run_id")]))
    return units


def run_ingest(url: str, experiment_id: str, plan: IngestPlan, errors: ErrorLog) -> dict:
    """Run the writers; return runs/s and requests/s (failed runs do not count)."""
    specs = [dataset.make_run("ingest", i, plan.steps) for i in range(TEMPLATE_POOL)]
    batches = [dataset.LogBatchTemplate(spec) for spec in specs]
    before = errors.total
    started = time.perf_counter()
    try:
        if plan.driver is not None:
            totals = native_driver.drive(plan.driver, url, _native_units(experiment_id, specs, batches), plan.writers,
                                         errors, "ingest", plan.seconds, plan.runs_per_writer)
        else:
            deadline = None if plan.seconds is None else time.perf_counter() + plan.seconds
            totals = drive(url, [_writer(i, experiment_id, plan, deadline, errors, specs, batches)
                                 for i in range(plan.writers)])
            totals["failed_units"] = errors.total - before
    except OSError as exc:  # the server is gone (it refused a new connection): no runs count
        errors.record("ingest", RequestFailed("POST", "(connect)", None, f"{type(exc).__name__}: {exc}", ""))
        totals = {"seconds": time.perf_counter() - started, "units": errors.total - before,
                  "failed_units": errors.total - before, "requests": 0, "client_cpu_seconds": 0.0}
    failed_runs = totals["failed_units"]
    completed = totals["units"] - failed_runs
    seconds = totals["seconds"]
    return {
        "writers": plan.writers,
        "seconds": seconds,
        "runs": completed,
        "failed_runs": failed_runs,
        "requests": totals["requests"],
        "runs_per_s": completed / seconds,
        "requests_per_s": totals["requests"] / seconds,
        "client_cpu_seconds": totals["client_cpu_seconds"],
        "client": "native" if plan.driver is not None else "python",
    }
